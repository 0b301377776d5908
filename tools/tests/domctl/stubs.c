/* SPDX-License-Identifier: GPL-2.0-only */
/* Stand-ins for what the PV MMU and descriptor-table code call out to. */
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

unsigned long stub_gdt_frames[GDT_RESERVED_PAGE];
unsigned int stub_gdt_nr, stub_gdt_loads;

/* head.S's table; the MMU copies its hypervisor slots into guest L4s. */
pte_t idle_pg_table[512];

void flush_tlb_mask(const cpumask_t *mask)
{
}

void flush_tlb_one_mask(const cpumask_t *mask, unsigned long va)
{
}

void flush_tlb_frames_of(const struct domain *owner)
{
}

void flush_note_foreign(struct domain *d)
{
}

void flush_cache_mask(const cpumask_t *mask)
{
}

void pv_update_cr3(struct vcpu *v)
{
}

struct domain *get_domain_by_id(domid_t domid)
{
    return NULL;
}

struct domain *get_domain(struct domain *d)
{
    return d;
}

void put_domain(struct domain *d)
{
}

/* Only m2p_init() maps anything, and these tests run without an M2P. */
int map_pages_to_xen(unsigned long virt, mfn_t mfn, unsigned long nr,
                     unsigned long flags)
{
    return 0;
}

void load_guest_gdt(const unsigned long *frames, unsigned int nr)
{
    memset(stub_gdt_frames, 0, sizeof(stub_gdt_frames));
    for ( unsigned int i = 0; i < nr; i++ )
        stub_gdt_frames[i] = frames[i];
    stub_gdt_nr = nr;
    stub_gdt_loads++;
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

/* pci.c: no MSI-X table is taken in these tests, so no MMIO is read-only. */
bool pci_mmio_ro(unsigned long mfn)
{
    return false;
}
