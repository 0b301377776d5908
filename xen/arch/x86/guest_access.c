/* SPDX-License-Identifier: GPL-2.0-only */
/* Copies to and from guest memory, by the kind of guest (asm/uaccess.h). */
#include <xen/sched.h>
#include <asm/current.h>
#include <asm/paging.h>
#include <asm/uaccess.h>

unsigned long copy_from_guest_bytes(void *dst, const void *guest_src,
                                    unsigned long len)
{
    if ( paging_mode_translate(current->domain) )
        return paging_copy_from_guest(dst, (unsigned long)guest_src, len);
    if ( !guest_range_ok((unsigned long)guest_src, len) )
        return len;
    return raw_copy_from_guest(dst, guest_src, len);
}

unsigned long copy_to_guest_bytes(void *guest_dst, const void *src,
                                  unsigned long len)
{
    if ( paging_mode_translate(current->domain) )
        return paging_copy_to_guest((unsigned long)guest_dst, src, len);
    if ( !guest_range_ok((unsigned long)guest_dst, len) )
        return len;
    return raw_copy_to_guest(guest_dst, src, len);
}
