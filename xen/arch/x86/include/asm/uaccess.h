/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading and writing guest memory: checked ranges, faults become errors. */
#ifndef ASM_X86_UACCESS_H
#define ASM_X86_UACCESS_H

#include <xen/types.h>
#include <asm/config.h>
#include <asm/current.h>
#include <asm/guest_range.h>
#include <asm/paging.h>

/*
 * Whether a range checked by guest_range_ok() is mapped is found out by
 * touching it: a fault there is caught (see ex_table) and reported.
 */
/* Each returns the number of bytes NOT copied: 0 on success. */
unsigned long raw_copy_from_guest(void *dst, const void *src,
                                  unsigned long len);
unsigned long raw_copy_to_guest(void *dst, const void *src, unsigned long len);

/*
 * The current vCPU's guest memory at a guest virtual address.  A PV
 * guest's is used directly once the range is checked; a translated
 * (HVM, PVH) guest's goes through its page tables and p2m (asm/paging.h).
 * Inline: instruction fetches for emulation copy a byte at a time.
 */
static inline unsigned long
copy_from_guest_bytes(void *dst, const void *guest_src, unsigned long len)
{
    if ( paging_vcpu_translated(get_cpu_info()->current_vcpu) )
        return paging_copy_from_guest(dst, (unsigned long)guest_src, len);
    if ( !guest_range_ok((unsigned long)guest_src, len) )
        return len;
    return raw_copy_from_guest(dst, guest_src, len);
}

static inline unsigned long
copy_to_guest_bytes(void *guest_dst, const void *src, unsigned long len)
{
    if ( paging_vcpu_translated(get_cpu_info()->current_vcpu) )
        return paging_copy_to_guest((unsigned long)guest_dst, src, len);
    if ( !guest_range_ok((unsigned long)guest_dst, len) )
        return len;
    return raw_copy_to_guest(guest_dst, src, len);
}

/*
 * The fixup for a faulting instruction inside the hypervisor, or 0 if
 * the fault is not one we expected.
 */
unsigned long search_exception_table(unsigned long rip);

#endif /* ASM_X86_UACCESS_H */
