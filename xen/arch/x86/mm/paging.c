/* SPDX-License-Identifier: GPL-2.0-only */
/* Guest memory of translated guests (HVM, PVH): the paging-mode seam. */
#include <asm/paging.h>

/*
 * Until HVM exists no vCPU has a paging mode to walk with, so nothing
 * can be copied; asm/uaccess.h only calls these for a translated domain.
 */
unsigned long paging_copy_from_guest(void *dst, unsigned long va,
                                     unsigned long len)
{
    return len;
}

unsigned long paging_copy_to_guest(unsigned long va, const void *src,
                                   unsigned long len)
{
    return len;
}
