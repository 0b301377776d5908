/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-CPU state found from the stack pointer: struct cpu_info. */
#ifndef ASM_X86_CURRENT_H
#define ASM_X86_CURRENT_H

#include <asm/config.h>

/*
 * Each CPU's stack block is STACK_SIZE bytes, STACK_SIZE-aligned:
 *   page 0        IST stack for #DB
 *   pages 1-3     IST stacks for #DF, NMI and #MC
 *   pages 4-7     the normal stack, with struct cpu_info at its very top
 * so any code on any of this CPU's stacks finds cpu_info by rounding up
 * (the hypervisor keeps nothing in GS: a guest's GS base may be live in
 * any entry path).  Each IST stack is a page of its own; none has a guard
 * page, as the direct map holds the block with large pages.
 * (docs/misc/entry-design.md says which vectors use them, and why.)
 */
#define CPUINFO_SIZE             256
#define IST_DF                   1
#define IST_NMI                  2
#define IST_MC                   3
#define IST_DB                   4
#define IST_PAGE(ist)            ((ist) == IST_DB ? 0 : (ist))
#define IST_STACK_TOP(base, ist) ((base) + (IST_PAGE(ist) + 1) * PAGE_SIZE)
/* Where guest_cpu_user_regs lies in struct cpu_info (checked in traps.c). */
#define CPUINFO_guest_regs 8
/* Where pv32_running and pv32_entered_on lie (checked in traps.c). */
#define CPUINFO_pv32_running    232
#define CPUINFO_pv32_entered_on 233
/* The bytes of struct cpu_user_regs an entry from guest mode fills. */
#define UREGS_frame_size 168

#ifndef __ASSEMBLY__
#include <xen/types.h>
#include <asm/regs.h>

struct vcpu;

struct cpu_info {
    /*
     * Interrupt delivery aligns the stack to 16 bytes before pushing, so
     * the place TSS.rsp0 names (just above ss, i.e. es) must be aligned
     * for the frame to land exactly on guest_cpu_user_regs.
     */
    unsigned long align_pad;
    /*
     * A guest's registers while this CPU runs it and it enters us: the
     * CPU pushes its frame here, and the entry code the rest, so the
     * frame has one fixed address per CPU.
     */
    struct cpu_user_regs guest_cpu_user_regs;
    unsigned int processor_id;
    unsigned int apic_id;
    struct vcpu *current_vcpu;
    /* The interrupted frame while a cross-CPU call runs (debug dumps). */
    struct cpu_user_regs *irq_regs;
    /*
     * This CPU's vCPU is a 32-bit PV one: the exit to it turns SMEP and
     * SMAP off, every entry (PV32_CR4_ON, asm-defns.h) on again, noting
     * in pv32_entered_on whether they were on already.
     */
    uint8_t pv32_running;
    uint8_t pv32_entered_on;
};

static inline struct cpu_info *get_cpu_info(void)
{
    unsigned long sp;

    __asm__("mov %%rsp, %0" : "=r"(sp));
    return (struct cpu_info *)((sp | (STACK_SIZE - 1)) + 1 - CPUINFO_SIZE);
}

#define smp_processor_id() (get_cpu_info()->processor_id)
#endif

#endif /* ASM_X86_CURRENT_H */
