/* SPDX-License-Identifier: GPL-2.0-only */
/* 32-bit PAE PV guests: the hypervisor's part of their page tables. */
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <asm/domain.h>
#include <asm/m2p.h>
#include <asm/pv/compat_mm.h>
#include <asm/pv/mm.h>

void pv32_fill_xen_l2(pte_t *l2, uint32_t start)
{
    unsigned int first = pv32_l2_xen_first(start),
                 end = pv32_l2_xen_first(PV32_M2P_END);

    for ( unsigned int i = first; i < 512; i++ )
        l2[i] = i < end ? m2p_compat_l2e(i - first) : 0;
}

/*
 * Slot 0's flags: the guest's own bits are in its L3 and below, and ring
 * 3 (its user space) walks through here too.
 */
#define L4_ROOT_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)

int pv32_vcpu_init(struct vcpu *v)
{
    pte_t *l4;

    if ( mfn_valid(v->arch.pv.pv32_l4) )
        return 0;
    l4 = alloc_xenheap_page();
    if ( !l4 )
        return -ENOMEM;
    memset(l4, 0, PAGE_SIZE);
    /* As Xen, no RO M2P: a 32-bit guest reaches nothing above 4 GiB. */
    pv_fill_xen_l4(l4, false);
    v->arch.pv.pv32_l4 = virt_to_mfn(l4);
    pv32_set_l4_root(v);
    return 0;
}

/*
 * Only once v can run nowhere: relinquishing a dying domain's vCPUs
 * leaves the L4 (slot 0 emptied) to the vCPU's own end, so a root set
 * meanwhile never writes a freed frame.
 */
void pv32_vcpu_destroy(struct vcpu *v)
{
    if ( !mfn_valid(v->arch.pv.pv32_l4) )
        return;
    free_xenheap_page(mfn_to_virt(v->arch.pv.pv32_l4));
    v->arch.pv.pv32_l4 = INVALID_MFN;
}

void pv32_set_l4_root(struct vcpu *v)
{
    mfn_t l3 = v->arch.pv.guest_table;
    pte_t *l4;

    if ( !mfn_valid(v->arch.pv.pv32_l4) )
        return;
    l4 = mfn_to_virt(v->arch.pv.pv32_l4);
    __atomic_store_n(&l4[0],
                     mfn_valid(l3) ? mfn_to_maddr(l3) | L4_ROOT_FLAGS : 0,
                     __ATOMIC_RELEASE);
}
