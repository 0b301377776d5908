/* SPDX-License-Identifier: GPL-2.0-only */
/* The MMU hypercalls naming their owners every way, over and over. */

/*
 * The hypervisor takes the caller's own domain (DOMID_SELF, no page-table
 * owner) without a reference and any other with one, dropped at the end.
 * A count wrong either way shows: a leaked reference keeps the domain's
 * pages from coming back when dom0 destroys it (which run_hostile
 * checks), one dropped too many frees it under its running vCPU.  So
 * each form, accepted or refused, many times: our own id by number
 * (-ESRCH, as for naming oneself), a page-table owner of ourselves by id
 * (accepted, with a reference), of dom0 (-EPERM) and of no such domain
 * (-ESRCH).
 */

#include "hostile.h"
#include <hypercall.h>
#include <mm.h>

#define OWNER_ROUNDS 500
#define NO_SUCH_DOMAIN 0x7000ul

/* mmu_update with all 32 bits of foreigndom (the wrapper takes 16). */
static long mmu_update_pt(mmu_update_t *u, unsigned long pt_dom)
{
    return _hypercall4(__HYPERVISOR_mmu_update, (unsigned long)u, 1, 0,
                       ((pt_dom + 1) << 16) | DOMID_SELF);
}

HOSTILE(mmu, owner_forms)
{
    long me = own_domid();
    void *va = alloc_page();
    struct mmuext_op flush = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    mmu_update_t u;
    uint64_t pte;

    CHECK(me >= 0, "no own id: %ld", me);
    CHECK(va, "no page");
    /* Our page's own entry, rewritten as it is. */
    pte = virt_to_mach(va) | PTE_KERNEL_RW;
    u.ptr = pt_entry_maddr((unsigned long)va, 1) | MMU_NORMAL_PT_UPDATE;
    u.val = pte;
    for ( unsigned int i = 0; i < OWNER_ROUNDS; i++ )
    {
        CHECK_RC(HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF), 0);
        CHECK_RC(HYPERVISOR_mmu_update(&u, 1, NULL, me), -XEN_ESRCH);
        CHECK_RC(mmu_update_pt(&u, me), 0);
        CHECK_RC(mmu_update_pt(&u, 0), -XEN_EPERM);
        CHECK_RC(mmu_update_pt(&u, NO_SUCH_DOMAIN), -XEN_ESRCH);
        CHECK_RC(HYPERVISOR_mmuext_op(&flush, 1, NULL, DOMID_SELF), 0);
        CHECK_RC(HYPERVISOR_mmuext_op(&flush, 1, NULL, me), -XEN_ESRCH);
        CHECK_RC(HYPERVISOR_update_va_mapping_otherdomain(
                     (unsigned long)va, pte, UVMF_INVLPG | UVMF_LOCAL,
                     DOMID_SELF),
                 0);
        CHECK_RC(HYPERVISOR_update_va_mapping_otherdomain(
                     (unsigned long)va, pte, 0, me),
                 -XEN_ESRCH);
    }
    *(volatile uint64_t *)va = 1; /* still ours, still writable */
    free_page(va);
}
