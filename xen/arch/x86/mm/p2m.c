/* SPDX-License-Identifier: GPL-2.0-only */
/* The p2m of PV guests: the M2P, the guest keeping its own pfn list. */
#include <xen/types.h>
#include <asm/m2p.h>
#include <asm/p2m.h>

int guest_physmap_add_page(struct domain *d, gfn_t gfn, mfn_t mfn,
                           unsigned int order)
{
    for ( unsigned long i = 0; i < (1UL << order); i++ )
        set_gpfn_from_mfn(mfn_x(mfn) + i, gfn_x(gfn) + i);
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
