/* SPDX-License-Identifier: GPL-2.0-only */
/* The x86 parts of a domain and of a vCPU, common and per guest type. */
#ifndef ASM_X86_DOMAIN_H
#define ASM_X86_DOMAIN_H

#include <xen/types.h>
#include <public/xen.h>
#include <public/hvm/params.h>
#include <asm/p2m.h>
#include <asm/x86_emulate.h>

struct cpu_policy;

/* A PV vCPU's own state: the guest sees Xen's PV ABI, not a CPU. */
struct pv_vcpu {
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
    /*
     * A 32-bit vCPU's (pv/compat_mm.c): the L4 the hardware runs it on,
     * ours, whose slot 0 is guest_table (its L3); else INVALID_MFN.
     */
    mfn_t pv32_l4;
    /*
     * The CPU + 1 idling on this vCPU's page tables since it blocked there
     * (flushtlb.c's lazy switch), else 0: the guest's TLB flushes for the
     * vCPU reach that CPU too (vcpumask_to_pcpumask()).
     */
    unsigned int lazy_cpu;

    /* The guest's exception handlers (set_trap_table) and callbacks. */
    struct trap_info trap_ctxt[256];
    unsigned long event_callback_eip;
    unsigned long failsafe_callback_eip;
    unsigned long syscall_callback_eip;
    unsigned long syscall32_callback_eip; /* compatibility-mode SYSCALL */
    unsigned long nmi_callback_eip;
    unsigned long callback_flags; /* which callbacks mask events */

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
    bool fpu_ts;       /* virtual CR0.TS (fpu_taskswitch) */
    unsigned int iopl; /* virtual IOPL (physdev set_iopl) */
    /*
     * The guest's I/O permission bitmap (physdev set_iobitmap): a kernel
     * address, and how many ports it covers (0: none).
     */
    unsigned long iobmp;
    unsigned int iobmp_limit;
};

/*
 * An HVM vCPU's own state beside what the vendor code (SVM, VT-x) keeps
 * in its control block: the control registers and EFER as the guest
 * wrote them, which the hvm_function_table's CR/EFER hooks load.
 */
struct hvm_vcpu {
    unsigned long guest_cr[5];
    uint64_t guest_efer;
};

/* The x86 part of a vCPU: what every guest type has, then its own part. */
struct arch_vcpu {
    /* The guest's registers while it is not running on a CPU. */
    struct cpu_user_regs user_regs;
    unsigned long flags; /* VGCF_in_kernel, ... */
    unsigned long debugreg[8];
    void *fpu_area;    /* XSAVE/FXSAVE image (asm/fpu.h) */
    uint64_t xcr0;     /* the guest's XCR0 (XSETBV) */
    unsigned long cr4; /* CR4 bits the guest owns (OSXSAVE) */

    /*
     * The last instruction the emulator decoded for this vCPU (a kernel
     * emulates the same MOV from CR0 or PTE store again and again).
     */
    struct x86_emulate_cache emul_cache;

    /* Which one is live: is_pv_vcpu() / is_hvm_vcpu() (xen/sched.h). */
    union {
        struct pv_vcpu pv;
        struct hvm_vcpu hvm;
    };
};

/* A PV domain's own state. */
struct pv_domain {
    unsigned long vm_assist; /* VMASST_TYPE_* enabled */
    /*
     * A 32-bit PAE guest (the compat ABI, docs/misc/compat32.md): its
     * vCPUs run on the compat GDT page, its shared_info has the 32-bit
     * layout.  Set by pv_switch_compat() only, before the domain has
     * memory, and never cleared.
     */
    bool is_32bit;
    /*
     * HYPERVISOR_COMPAT_VIRT_START: where the hypervisor's part of a
     * 32-bit guest's address space (the compat M2P) begins; meaningful
     * only with is_32bit.
     */
    uint32_t compat_virt_start;
};

/* An HVM domain's own state: its HVM_PARAM_* values (HVMOP_set_param). */
struct hvm_domain {
    uint64_t params[HVM_NR_PARAMS];
};

struct arch_domain {
    /*
     * What XEN_DOMCTL_set_cpu_policy left, reported back by get; NULL
     * until then: the domain has the default policy of its type.
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
    /* Its physical-to-machine map (mm/p2m.c). */
    struct p2m_domain p2m;

    /* Which one is live: is_pv_domain() / is_hvm_domain() (xen/sched.h). */
    union {
        struct pv_domain pv;
        struct hvm_domain hvm;
    };
};

/*
 * A 32-bit PAE PV domain (the compat ABI).  Macros: struct domain is
 * complete only after this header; the pv part of the union is valid for
 * PV domains only.
 */
#define is_pv_32bit_domain(d) (is_pv_domain(d) && (d)->arch.pv.is_32bit)
/* Its shared_info and vcpu_info have the 32-bit layout (xen/compat.h). */
#define has_32bit_shinfo(d) is_pv_32bit_domain(d)

/*
 * The frames a 32-bit PV guest owns must be ones its compat M2P names
 * (4-byte entries below PV32_M2P_END, m2p.c): kept below 2^37 bytes
 * (128 GiB), the largest power of two that table covers, as Xen's
 * physaddr_bitsize.  The address width d's frames stay under (0: any).
 */
#define PV32_ALLOC_BITS      37
#define domain_alloc_bits(d) (is_pv_32bit_domain(d) ? PV32_ALLOC_BITS : 0)

#endif /* ASM_X86_DOMAIN_H */
