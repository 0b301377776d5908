/* SPDX-License-Identifier: GPL-2.0-only */
/* A PV vCPU's GDT (set_gdt) and the checks every guest descriptor passes. */
#ifndef ASM_X86_PV_DESCRIPTOR_TABLES_H
#define ASM_X86_PV_DESCRIPTOR_TABLES_H

#include <xen/types.h>

struct cpu_user_regs;
struct domain;
struct vcpu;

/*
 * Checks one descriptor a PV guest wants the CPU to use, and makes it
 * safe in place: true if it may be installed (possibly changed), false if
 * it must be refused, for a descriptor table of d.  Code and data
 * segments get DPL 3, since a 64-bit guest's kernel runs in ring 3 (a
 * 32-bit guest's at least 1, its kernel being in ring 1, and no 64-bit
 * code segment); call gates get DPL 0 so that each use faults and can be
 * emulated; other system descriptors (TSS, LDT, interrupt gates) are
 * refused.  Not-present descriptors always pass: loading one faults.
 */
bool pv_check_descriptor(const struct domain *d, uint64_t *desc);

/*
 * Installs entries descriptors from frames[] (machine frames of v's
 * domain, DIV_ROUND_UP(entries, 512) of them) as v's GDT, replacing the
 * old one.  Each frame is typed PGT_seg_desc_page and all its 512
 * descriptors are checked.  0, or -EINVAL with v's GDT unchanged.  The
 * caller holds v->domain->domain_lock, and v is current or not running.
 */
int pv_set_gdt(struct vcpu *v, const unsigned long *frames,
               unsigned int entries);

/*
 * set_gdt for the caller: its list of frames at guest address list, each
 * 64 bits, or 32 (narrow: a 32-bit guest's).  -EINVAL for too many
 * entries before the list is read, -EFAULT if it cannot be.
 */
long pv_set_gdt_list(unsigned long list, unsigned int entries, bool narrow);

/*
 * Whether sel is a flat 32-bit code segment for v (current): the only 32-bit
 * code the PV emulator decodes (see pv/emulate.c).
 */
bool pv_flat_code32(const struct vcpu *v, unsigned int sel);

/* Drops v's GDT frames (their type and general references). */
void pv_destroy_gdt(struct vcpu *v);

/*
 * MMUEXT_SET_LDT for v (current, or not running): records ents entries
 * at guest address base as its LDT, with Xen's checks (0 or -EINVAL),
 * and drops the pages the old one had mapped, unless nothing changed.
 */
int pv_set_ldt(struct vcpu *v, unsigned long base, unsigned int ents);
/* Drops the LDT pages v has mapped (their type and general references). */
void pv_destroy_ldt(struct vcpu *v);
/*
 * A page fault, in guest mode or ours: if it is in this CPU's LDT area,
 * maps the running vCPU's LDT page there, or passes the guest the fault
 * on its own table, and returns true (the fault is dealt with).  False
 * for any other fault, and for ours that it could not resolve.
 */
bool pv_ldt_fault(struct cpu_user_regs *regs);
/*
 * For a selector load we do with interrupts off, when no page fault can
 * map an LDT page: whether sel is an LDT selector of v's whose page is
 * not mapped yet, and (interrupts on) mapping that page of v's
 * (current's) LDT, if the guest's page will do.
 */
bool pv_ldt_selector_unmapped(const struct vcpu *v, unsigned int sel);
void pv_map_ldt_selector(struct vcpu *v, unsigned int sel);

/*
 * Load a guest's data segment selector into the register; if the guest's
 * descriptor tables refuse it, the register is left null and the result
 * is false.
 */
bool pv_load_ds(unsigned int sel);
bool pv_load_es(unsigned int sel);
bool pv_load_fs(unsigned int sel);
bool pv_load_gs(unsigned int sel);

#endif /* ASM_X86_PV_DESCRIPTOR_TABLES_H */
