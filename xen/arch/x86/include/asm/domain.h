/* SPDX-License-Identifier: GPL-2.0-only */
/* The x86 and PV parts of a domain and of a vCPU. */
#ifndef ASM_X86_DOMAIN_H
#define ASM_X86_DOMAIN_H

#include <xen/types.h>
#include <public/xen.h>
#include <asm/x86_emulate.h>

struct cpu_policy;

struct arch_vcpu {
    /* The guest's registers while it is not running on a CPU. */
    struct cpu_user_regs user_regs;
    unsigned long flags;                /* VGCF_in_kernel, ... */

    /*
     * Page tables, as the L4 frames the guest installed (NEW_BASEPTR and
     * NEW_USER_BASEPTR); each holds a type reference while installed.
     */
    mfn_t guest_table;
    mfn_t guest_table_user;
    /*
     * A table whose teardown a hypercall of this vCPU left stopped
     * (PGT_partial_put), with a general reference; see pv/mm.h.
     */
    struct page_info *old_guest_table;

    /* The guest's exception handlers (set_trap_table) and callbacks. */
    struct trap_info trap_ctxt[256];
    unsigned long event_callback_eip;
    unsigned long failsafe_callback_eip;
    unsigned long syscall_callback_eip;
    unsigned long nmi_callback_eip;
    unsigned long callback_flags;       /* which callbacks mask events */

    /* Descriptor tables: GDT frames (set_gdt) and the LDT (SET_LDT). */
    unsigned long gdt_frames[16];
    unsigned int gdt_ents;
    unsigned long ldt_base;
    unsigned int ldt_ents;
    /*
     * The frame of each LDT page in use (0: not used since SET_LDT), each
     * holding a PGT_seg_desc_page type reference (pv/descriptor-tables.c).
     */
    unsigned long ldt_frames[16];

    /* Kernel stack for user-to-kernel transitions (stack_switch). */
    unsigned long kernel_ss, kernel_sp;
    uint64_t fs_base, gs_base_kernel, gs_base_user;
    unsigned long debugreg[8];
    bool fpu_ts;                        /* virtual CR0.TS (fpu_taskswitch) */
    void *fpu_area;                     /* XSAVE/FXSAVE image (asm/fpu.h) */
    uint64_t xcr0;                      /* the guest's XCR0 (XSETBV) */
    unsigned long cr4;                  /* CR4 bits the guest owns (OSXSAVE) */
    unsigned int iopl;                  /* virtual IOPL (physdev set_iopl) */
    /*
     * The guest's I/O permission bitmap (physdev set_iobitmap): a kernel
     * address, and how many ports it covers (0: none).
     */
    unsigned long iobmp;
    unsigned int iobmp_limit;

    /*
     * While a multicall runs one of its calls, that call's entry: a
     * continuation of the call is written there (and mc_preempted set),
     * not into the registers, which belong to the multicall.
     */
    struct multicall_entry *mc_call;
    bool mc_preempted;

    /*
     * The last instruction the emulator decoded for this vCPU (a kernel
     * emulates the same MOV from CR0 or PTE store again and again).
     */
    struct x86_emulate_cache emul_cache;
};

struct arch_domain {
    unsigned long vm_assist;            /* VMASST_TYPE_* enabled */
    /*
     * What XEN_DOMCTL_set_cpu_policy left, reported back by get; NULL
     * until then: the domain has the PV default policy.
     */
    struct cpu_policy *cpu_policy;
    /* The last dword the guest wrote to port 0xCF8 (PCI config address). */
    uint32_t pci_cf8;
    /* How far arch_domain_relinquish_frames() got, and frames to go. */
    enum {
        RELINQUISH_START,
        RELINQUISH_PINS,
        RELINQUISH_REFS,
        RELINQUISH_DONE,
    } relinquish_pass;
    unsigned long relinquish_steps;
    /* Its PIRQs and their EOI bitmap (pirq.c); NULL until first used. */
    struct domain_pirqs *pirqs;
};

#endif /* ASM_X86_DOMAIN_H */
