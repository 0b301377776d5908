/* SPDX-License-Identifier: GPL-2.0-only */
/* 32-bit PAE PV guests' page tables and compat M2P (docs/misc/compat32.md). */
#ifndef ASM_X86_PV_COMPAT_MM_H
#define ASM_X86_PV_COMPAT_MM_H

#include <xen/mm.h>
#include <xen/types.h>
#include <asm/page.h>
#include <public/xen.h>

struct domain;
struct vcpu;

/*
 * The lowest HYPERVISOR_COMPAT_VIRT_START (Xen's default, which a
 * kernel's HV_START_LOW note may raise per domain: d->arch.pv.
 * compat_virt_start): from there to 4 GiB a 32-bit guest's address
 * space is the hypervisor's (the compat M2P, read-only, its entry 0 at
 * the domain's start).  The compat M2P holds at most what fits above it.
 */
#define PV32_VIRT_START 0xF5800000U
/* The first L2 slot (of the top GiB) that is the hypervisor's for start. */
static inline unsigned int pv32_l2_xen_first(uint32_t start)
{
    return (start >> 21) & 511;
}
/* ... with the default start (428). */
#define PV32_L2_XEN_FIRST ((PV32_VIRT_START >> 21) & 511)
/* The compat M2P's end (Xen's MACH2PHYS_COMPAT_VIRT_END). */
#define PV32_M2P_END 0xFFE00000U
/* The PDPTEs a 32-bit guest's L3 uses; the rest are kept empty. */
#define PV32_L3_ENTRIES 4

/*
 * pae_extended_cr3: a 32-bit CR3 value names a frame that may be above
 * 4 GiB, its bits above 20 folded into CR3 bits 0-11.
 */
static inline uint32_t pv32_pfn_to_cr3(unsigned long pfn)
{
    return (uint32_t)(pfn << 12) | (uint32_t)(pfn >> 20);
}

static inline unsigned long pv32_cr3_to_pfn(uint32_t cr3)
{
    return (cr3 >> 12) | ((unsigned long)(cr3 & 0xfff) << 20);
}

/*
 * The hypervisor-owned L4 a 32-bit vCPU runs on (slot 0: its L3, then
 * the hypervisor's slots): made by switch_compat() for each vCPU (or by
 * pv_vcpu_create() once d is 32-bit), freed by pv32_vcpu_destroy().
 */
int pv32_vcpu_init(struct vcpu *v);
void pv32_vcpu_destroy(struct vcpu *v);
/* Points slot 0 of v's L4 at its current root (guest_table), or at nothing. */
void pv32_set_l4_root(struct vcpu *v);

/*
 * mmuext_op from a 32-bit guest: the list holds 12-byte compat entries
 * (cmd, arg1, arg2, each 32 bits), continuations included; otherwise
 * do_mmuext_op().  mmu_update and update_va_mapping need no such entry:
 * their 32-bit rules follow the caller's is_32bit.
 */
long pv32_mmuext_op(XEN_GUEST_HANDLE_PARAM(void) uops, unsigned int count,
                    XEN_GUEST_HANDLE_PARAM(uint) pdone,
                    unsigned int foreigndom);

/*
 * Fills the hypervisor's slots of an L2 being validated as
 * PGT_l2_pae_xen, for a domain whose hypervisor part starts at `start`:
 * the compat M2P, read-only, up to PV32_M2P_END.
 */
void pv32_fill_xen_l2(pte_t *l2, uint32_t start);

#endif /* ASM_X86_PV_COMPAT_MM_H */
