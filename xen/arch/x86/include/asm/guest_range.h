/* SPDX-License-Identifier: GPL-2.0-only */
/* Whether an address range may be a PV guest's (used by asm/uaccess.h). */
#ifndef ASM_X86_GUEST_RANGE_H
#define ASM_X86_GUEST_RANGE_H

#include <stdbool.h>
#include <public/xen.h>

/* What the CPU accepts as an address: bits 63-47 all equal. */
static inline bool is_canonical_address(unsigned long addr)
{
    return ((long)addr >> 47) == 0 || ((long)addr >> 47) == -1;
}

/*
 * A guest range is acceptable if it is canonical, does not wrap, and stays
 * out of the hypervisor's slots.
 */
static inline bool guest_range_ok(unsigned long addr, unsigned long len)
{
    unsigned long end = addr + len;

    if ( end < addr )
        return false;
    if ( addr < HYPERVISOR_VIRT_START )
        return end <= (1UL << 47);
    return addr >= HYPERVISOR_VIRT_END;
}

#endif /* ASM_X86_GUEST_RANGE_H */
