/* SPDX-License-Identifier: GPL-2.0-only */
/* Guest memory of translated guests (HVM, PVH): the paging-mode seam. */
#include <xen/sched.h>
#include <asm/paging.h>
#include <asm/pv/mm.h>

mfn_t paging_gva_to_mfn(struct vcpu *v, unsigned long va)
{
    /* A translated guest's walk needs its paging mode: none before HVM. */
    if ( paging_mode_translate(v->domain) )
        return INVALID_MFN;
    return pv_guest_frame(v, va);
}

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
