/* SPDX-License-Identifier: GPL-2.0-only */
/* Stand-ins for the hooks and boot tables the PV MMU expects to find. */
#include <xen/cpumask.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/pci.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <asm/desc.h>
#include <asm/flushtlb.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/pv/mm.h>
#include <asm/pv/traps.h>
#include "stubs.h"
#include "ram_map.h"
#include "domain_refs.h"

unsigned int stub_flush_all, stub_flush_one, stub_flush_cache;
unsigned int stub_cr3_updates;
unsigned long stub_last_va, stub_last_mask;
const struct domain *stub_flush_domain, *stub_flush_frames_of;
struct domain *stub_domains[4];

/* head.S's table: its hypervisor slots hold values a test can spot. */
pte_t idle_pg_table[512] = {
#define S(i) [i] = STUB_XEN_SLOT(i)
    S(257), S(258), S(259), S(260), S(261), S(262), S(263), S(264),
    S(265), S(266), S(267), S(268), S(269), S(270), S(271),
#undef S
};

void stub_reset(void)
{
    stub_flush_all = stub_flush_one = stub_flush_cache = 0;
    stub_cr3_updates = 0;
    stub_last_va = stub_last_mask = 0;
    stub_flush_domain = stub_flush_frames_of = NULL;
}

static void note_mask(const cpumask_t *mask)
{
    stub_last_mask = mask->bits[0];
}

void flush_tlb_mask(const cpumask_t *mask)
{
    note_mask(mask);
    stub_flush_all++;
}

void flush_tlb_one_mask(const cpumask_t *mask, unsigned long va)
{
    note_mask(mask);
    stub_last_va = va;
    stub_flush_one++;
}

void flush_cache_mask(const cpumask_t *mask)
{
    note_mask(mask);
    stub_flush_cache++;
}

void flush_tlb_domain(const struct domain *d)
{
    stub_flush_domain = d;
    stub_flush_all++;
}

void flush_tlb_one_domain(const struct domain *d, unsigned long va)
{
    stub_flush_domain = d;
    stub_last_va = va;
    stub_flush_one++;
}

/* No CPU idles on a guest's tables here. */
void flush_lazy_root(mfn_t root)
{
}

void flush_tlb_frames_of(const struct domain *owner)
{
    stub_flush_frames_of = owner;
    stub_flush_all++;
}

void flush_note_foreign(struct domain *d)
{
    d->maps_foreign = true;
}

void pv_update_cr3(struct vcpu *v)
{
    stub_cr3_updates++;
}

struct domain *get_domain_by_id(domid_t domid)
{
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(stub_domains); i++ )
        if ( stub_domains[i] && stub_domains[i]->domain_id == domid )
            return get_domain(stub_domains[i]);
    return NULL;
}

/* Builds 4-level tables in the test's machine memory as mm.c would. */
static pte_t *next_table(pte_t *e)
{
    if ( !(*e & _PAGE_PRESENT) )
    {
        pte_t *t = alloc_xenheap_page();

        if ( !t )
            return NULL;
        memset(t, 0, PAGE_SIZE);
        *e = virt_to_maddr(t) | _PAGE_PRESENT | _PAGE_RW;
    }
    return maddr_to_virt(*e & PTE_ADDR_MASK);
}

int map_pages_to_xen(unsigned long virt, mfn_t mfn, unsigned long nr,
                     unsigned long flags)
{
    for ( ; nr; nr--, virt += PAGE_SIZE, mfn = mfn_add(mfn, 1) )
    {
        pte_t *l3 = next_table(&idle_pg_table[l4_table_offset(virt)]);
        pte_t *l2 = l3 ? next_table(&l3[l3_table_offset(virt)]) : NULL;
        pte_t *l1 = l2 ? next_table(&l2[l2_table_offset(virt)]) : NULL;

        if ( !l1 )
            return -1;
        l1[l1_table_offset(virt)] = mfn_to_maddr(mfn) | flags;
    }
    return 0;
}

/* descriptor-tables.c (for SET_LDT) loads tables on a CPU: none here. */
void load_guest_gdt(const unsigned long *frames, unsigned int nr)
{
}

/* The LDT's hooks: these tests never run a vCPU, so nothing is mapped. */
void load_guest_ldt(const unsigned long *frames, unsigned int ents)
{
}

void map_guest_ldt_page(unsigned int page, unsigned long mfn)
{
}

bool in_ldt_area(unsigned long va, unsigned int *offset)
{
    return false;
}

void pv_handle_exception(struct cpu_user_regs *regs)
{
}

/* pci.c's read-only MMIO (MSI-X tables it took): the frame a test names. */
unsigned long stub_ro_mmio;

bool pci_mmio_ro(unsigned long mfn)
{
    return stub_ro_mmio && mfn == stub_ro_mmio;
}
