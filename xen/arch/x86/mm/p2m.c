/* SPDX-License-Identifier: GPL-2.0-only */
/* The p2m of PV guests: the M2P, the guest keeping its own pfn list. */
#include <xen/compat.h>
#include <xen/compiler.h>
#include <xen/sched.h>
#include <xen/types.h>
#include <asm/m2p.h>
#include <asm/p2m.h>

int guest_physmap_add_page(struct domain *d, gfn_t gfn, mfn_t mfn,
                           unsigned int order)
{
    unsigned long last = gfn_x(gfn) + (1UL << order) - 1;

    for ( unsigned long i = 0; i < (1UL << order); i++ )
        set_gpfn_from_mfn(mfn_x(mfn) + i, gfn_x(gfn) + i);
    if ( last > d->arch.p2m.max_mapped_pfn )
        d->arch.p2m.max_mapped_pfn = last;
    return 0;
}

void guest_physmap_remove_page(struct domain *d, gfn_t gfn, mfn_t mfn,
                               unsigned int order)
{
    /* The M2P is indexed by machine frame: the gfn is not needed. */
    for ( unsigned long i = 0; i < (1UL << order); i++ )
        set_gpfn_from_mfn(mfn_x(mfn) + i, INVALID_M2P_ENTRY);
}

gfn_t mfn_to_gfn(const struct domain *d, mfn_t mfn)
{
    return _gfn(get_gpfn_from_mfn(mfn_x(mfn)));
}

unsigned long domain_get_maximum_gpfn(const struct domain *d)
{
    if ( is_hvm_domain(d) )
        return d->arch.p2m.max_mapped_pfn;
    /*
     * The guest's list has arch.max_pfn entries, gfns 0 to max_pfn - 1;
     * one it never set counts as one entry (0, as Xen answers, not -1).
     * The guest may change the field at any time: read it once.  A
     * 32-bit guest's shared_info has the 32-bit layout.
     */
    unsigned long nr =
        d->arch.pv.is_32bit
            ? ACCESS_ONCE(
                  ((struct compat_shared_info *)d->shared_info)->arch.max_pfn)
            : ACCESS_ONCE(d->shared_info->arch.max_pfn);

    return (nr ? nr : 1) - 1;
}
