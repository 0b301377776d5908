/* SPDX-License-Identifier: GPL-2.0-only */
/* Grant host mappings for PV guests: PTEs in the guest's own page tables. */
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <asm/cpufeature.h>
#include <asm/grant_table.h>
#include <asm/pv/mm.h>
#include <public/grant_table.h>

/*
 * The PTE for a host mapping.  Unlike Xen we keep no "grant mapping" mark
 * in it: the PV MMU validates it like any foreign L1 entry, taking its own
 * references on the frame, so a guest that zaps it with mmu_update only
 * undoes the PTE, never the grant code's references.
 */
static pte_t grant_pte(mfn_t mfn, unsigned int flags)
{
    pte_t pte = mfn_to_maddr(mfn) | _PAGE_PRESENT | _PAGE_ACCESSED |
                _PAGE_DIRTY;

    /* Granted frames are data; without NX the bit would be reserved. */
    if ( cpu_has_nx )
        pte |= _PAGE_NX;

    if ( !(flags & GNTMAP_readonly) )
        pte |= _PAGE_RW;
    if ( flags & GNTMAP_application_map )
        pte |= _PAGE_USER;
    /* XENFEAT_gnttab_map_avail_bits: the guest's bits go in PTE bits 9-11. */
    pte |= (pte_t)((flags >> _GNTMAP_guest_avail0) & 7) << 9;
    return pte;
}

int create_grant_host_mapping(uint64_t host_addr, mfn_t frame,
                              unsigned int flags, struct domain *owner)
{
    struct vcpu *v = current;
    pte_t pte = grant_pte(frame, flags);

    if ( flags & GNTMAP_contains_pte )
    {
        if ( host_addr & (sizeof(pte_t) - 1) )
            return -EINVAL;
        return pv_update_pt_entry(host_addr, pte, false, v->domain, owner);
    }
    return pv_update_va_l1e(v, host_addr, pte, owner);
}

int replace_grant_host_mapping(uint64_t host_addr, mfn_t frame,
                               uint64_t new_addr, unsigned int flags)
{
    bool rw = !(flags & GNTMAP_readonly);
    pte_t found;
    int rc;

    if ( new_addr && (flags & GNTMAP_contains_pte) )
        return -EINVAL;
    rc = new_addr ? pv_replace_grant_l1e(current, host_addr, frame, rw,
                                         new_addr, &found)
                  : pv_zap_grant_l1e(current, host_addr,
                                     flags & GNTMAP_contains_pte, frame, rw,
                                     &found);
    if ( rc == -ESRCH )
        printk(XENLOG_DEBUG "gnttab: d%u: PTE %#lx for %#lx doesn't match "
                            "grant frame %#lx\n",
               current->domain->domain_id, (unsigned long)found,
               (unsigned long)host_addr, mfn_x(frame));
    return rc;
}

int destroy_grant_host_mapping(uint64_t host_addr, mfn_t frame,
                               unsigned int flags)
{
    return replace_grant_host_mapping(host_addr, frame, 0, flags);
}
