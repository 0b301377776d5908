/* SPDX-License-Identifier: MIT */
/* x86 HVM save records: vcpu, interrupt controllers, timers, MSRs. */

/* Reached through hvm/save.h, which declares the record machinery. */
#include "../../hvm/save.h"

#ifndef __XEN_PUBLIC_HVM_SAVE_X86_H__
#define __XEN_PUBLIC_HVM_SAVE_X86_H__

/*
 * Record payloads of the HVM context stream (see hvm/save.h), written by
 * Xen when the toolstack saves a domain and read back on restore.  Each
 * is declared with its type code; codes never change meaning.
 */

#if defined(__GNUC__)
#define XEN_HVM_SAVE_INLINE_ static __inline__
#else
#define XEN_HVM_SAVE_INLINE_ static
#endif

/* Code 1: stream header. */
#define HVM_FILE_MAGIC   0x54381286
#define HVM_FILE_VERSION 0x00000001

struct hvm_save_header {
    uint32_t magic;             /* HVM_FILE_MAGIC */
    uint32_t version;           /* HVM_FILE_VERSION */
    uint64_t changeset;         /* Xen source revision */
    uint32_t cpuid;             /* CPUID(1).EAX of the saving host */
    uint32_t gtsc_khz;          /* guest TSC frequency */
};
DECLARE_HVM_SAVE_TYPE(HEADER, 1, struct hvm_save_header);

/* Code 2: architectural state of one vcpu (instance = vcpu id). */
struct hvm_hw_cpu {
    uint8_t fpu_regs[512];          /* FXSAVE image */

    /* General registers, control and debug registers. */
    uint64_t rax;
    uint64_t rbx;
    uint64_t rcx;
    uint64_t rdx;
    uint64_t rbp;
    uint64_t rsi;
    uint64_t rdi;
    uint64_t rsp;
    uint64_t r8;
    uint64_t r9;
    uint64_t r10;
    uint64_t r11;
    uint64_t r12;
    uint64_t r13;
    uint64_t r14;
    uint64_t r15;
    uint64_t rip;
    uint64_t rflags;
    uint64_t cr0;
    uint64_t cr2;
    uint64_t cr3;
    uint64_t cr4;
    uint64_t dr0;
    uint64_t dr1;
    uint64_t dr2;
    uint64_t dr3;
    uint64_t dr6;
    uint64_t dr7;

    /* Segment state: selectors, limits, bases, attributes. */
    uint32_t cs_sel;
    uint32_t ds_sel;
    uint32_t es_sel;
    uint32_t fs_sel;
    uint32_t gs_sel;
    uint32_t ss_sel;
    uint32_t tr_sel;
    uint32_t ldtr_sel;
    uint32_t cs_limit;
    uint32_t ds_limit;
    uint32_t es_limit;
    uint32_t fs_limit;
    uint32_t gs_limit;
    uint32_t ss_limit;
    uint32_t tr_limit;
    uint32_t ldtr_limit;
    uint32_t idtr_limit;
    uint32_t gdtr_limit;
    uint64_t cs_base;
    uint64_t ds_base;
    uint64_t es_base;
    uint64_t fs_base;
    uint64_t gs_base;
    uint64_t ss_base;
    uint64_t tr_base;
    uint64_t ldtr_base;
    uint64_t idtr_base;
    uint64_t gdtr_base;
    uint32_t cs_arbytes;
    uint32_t ds_arbytes;
    uint32_t es_arbytes;
    uint32_t fs_arbytes;
    uint32_t gs_arbytes;
    uint32_t ss_arbytes;
    uint32_t tr_arbytes;
    uint32_t ldtr_arbytes;

    /* SYSENTER/SYSCALL MSRs and friends. */
    uint64_t sysenter_cs;
    uint64_t sysenter_esp;
    uint64_t sysenter_eip;
    uint64_t shadow_gs;
    uint64_t msr_flags;
    uint64_t msr_lstar;
    uint64_t msr_star;
    uint64_t msr_cstar;
    uint64_t msr_syscall_mask;
    uint64_t msr_efer;
    uint64_t msr_tsc_aux;

    uint64_t tsc;                   /* guest TSC */

    /* An event being delivered when the vcpu was stopped. */
    __xen_extension union {
        uint32_t pending_event;
        __xen_extension struct {
            __xen_extension uint8_t pending_vector:8;
            __xen_extension uint8_t pending_type:3;
            __xen_extension uint8_t pending_error_valid:1;
            uint32_t pending_reserved:19;
            __xen_extension uint8_t pending_valid:1;
        };
    };
    uint32_t error_code;            /* of the pending event */

#define _XEN_X86_FPU_INITIALISED 0
#define XEN_X86_FPU_INITIALISED (1U << _XEN_X86_FPU_INITIALISED)
    uint32_t flags;
    uint32_t pad0;
};

/* The same record as written before msr_tsc_aux and flags existed. */
struct hvm_hw_cpu_compat {
    uint8_t fpu_regs[512];          /* FXSAVE image */

    /* General registers, control and debug registers. */
    uint64_t rax;
    uint64_t rbx;
    uint64_t rcx;
    uint64_t rdx;
    uint64_t rbp;
    uint64_t rsi;
    uint64_t rdi;
    uint64_t rsp;
    uint64_t r8;
    uint64_t r9;
    uint64_t r10;
    uint64_t r11;
    uint64_t r12;
    uint64_t r13;
    uint64_t r14;
    uint64_t r15;
    uint64_t rip;
    uint64_t rflags;
    uint64_t cr0;
    uint64_t cr2;
    uint64_t cr3;
    uint64_t cr4;
    uint64_t dr0;
    uint64_t dr1;
    uint64_t dr2;
    uint64_t dr3;
    uint64_t dr6;
    uint64_t dr7;

    /* Segment state: selectors, limits, bases, attributes. */
    uint32_t cs_sel;
    uint32_t ds_sel;
    uint32_t es_sel;
    uint32_t fs_sel;
    uint32_t gs_sel;
    uint32_t ss_sel;
    uint32_t tr_sel;
    uint32_t ldtr_sel;
    uint32_t cs_limit;
    uint32_t ds_limit;
    uint32_t es_limit;
    uint32_t fs_limit;
    uint32_t gs_limit;
    uint32_t ss_limit;
    uint32_t tr_limit;
    uint32_t ldtr_limit;
    uint32_t idtr_limit;
    uint32_t gdtr_limit;
    uint64_t cs_base;
    uint64_t ds_base;
    uint64_t es_base;
    uint64_t fs_base;
    uint64_t gs_base;
    uint64_t ss_base;
    uint64_t tr_base;
    uint64_t ldtr_base;
    uint64_t idtr_base;
    uint64_t gdtr_base;
    uint32_t cs_arbytes;
    uint32_t ds_arbytes;
    uint32_t es_arbytes;
    uint32_t fs_arbytes;
    uint32_t gs_arbytes;
    uint32_t ss_arbytes;
    uint32_t tr_arbytes;
    uint32_t ldtr_arbytes;

    /* SYSENTER/SYSCALL MSRs and friends. */
    uint64_t sysenter_cs;
    uint64_t sysenter_esp;
    uint64_t sysenter_eip;
    uint64_t shadow_gs;
    uint64_t msr_flags;
    uint64_t msr_lstar;
    uint64_t msr_star;
    uint64_t msr_cstar;
    uint64_t msr_syscall_mask;
    uint64_t msr_efer;

    uint64_t tsc;                   /* guest TSC */

    /* An event being delivered when the vcpu was stopped. */
    __xen_extension union {
        uint32_t pending_event;
        __xen_extension struct {
            __xen_extension uint8_t pending_vector:8;
            __xen_extension uint8_t pending_type:3;
            __xen_extension uint8_t pending_error_valid:1;
            uint32_t pending_reserved:19;
            __xen_extension uint8_t pending_valid:1;
        };
    };
    uint32_t error_code;            /* of the pending event */
};

/* Widen a compat CPU record in place to the current layout. */
XEN_HVM_SAVE_INLINE_ int _hvm_hw_fix_cpu(void *h, uint32_t size)
{
    union hvm_hw_cpu_union {
        struct hvm_hw_cpu nat;
        struct hvm_hw_cpu_compat cmp;
    } *ucpu = (union hvm_hw_cpu_union *)h;

    if ( size == sizeof(struct hvm_hw_cpu_compat) )
    {
        /* Copy the tail first: the fields move up by one word. */
        ucpu->nat.error_code = ucpu->cmp.error_code;
        ucpu->nat.pending_event = ucpu->cmp.pending_event;
        ucpu->nat.tsc = ucpu->cmp.tsc;
        ucpu->nat.msr_tsc_aux = 0;
    }
    /* Older streams always carried a valid FPU image. */
    ucpu->nat.flags = XEN_X86_FPU_INITIALISED;

    return 0;
}

DECLARE_HVM_SAVE_TYPE_COMPAT(CPU, 2, struct hvm_hw_cpu,
                             struct hvm_hw_cpu_compat, _hvm_hw_fix_cpu);

/* Code 3: one 8259 PIC (instance 0 master, 1 slave). */
struct hvm_hw_vpic {
    uint8_t irr;
    uint8_t imr;
    uint8_t isr;
    uint8_t irq_base;           /* ICW2 vector base */
    __xen_extension uint8_t init_state:4;   /* ICW sequence position */
    __xen_extension uint8_t priority_add:4; /* lowest-priority IRQ */
    __xen_extension uint8_t readsel_isr:1;
    __xen_extension uint8_t poll:1;
    __xen_extension uint8_t auto_eoi:1;
    __xen_extension uint8_t rotate_on_auto_eoi:1;
    __xen_extension uint8_t special_fully_nested_mode:1;
    __xen_extension uint8_t special_mask_mode:1;
    __xen_extension uint8_t is_master:1;
    uint8_t elcr;               /* edge/level control */
    uint8_t int_output;         /* current INT line */
};
DECLARE_HVM_SAVE_TYPE(PIC, 3, struct hvm_hw_vpic);

/* Code 4: the IO-APIC. */
union vioapic_redir_entry
{
    uint64_t bits;
    struct {
        uint8_t vector;
        __xen_extension uint8_t delivery_mode:3;
        __xen_extension uint8_t dest_mode:1;
        __xen_extension uint8_t delivery_status:1;
        __xen_extension uint8_t polarity:1;
        __xen_extension uint8_t remote_irr:1;
        __xen_extension uint8_t trig_mode:1;
        __xen_extension uint8_t mask:1;
        __xen_extension uint8_t reserve:7;
        uint8_t reserved[4];
        uint8_t dest_id;
    } fields;
};

#define VIOAPIC_NUM_PINS 48

#define XEN_HVM_VIOAPIC(name, cnt)                                        \
    struct name {                                                         \
        uint64_t base_address;                                            \
        uint32_t ioregsel;                                                \
        uint32_t id;                                                      \
        union vioapic_redir_entry redirtbl[cnt];                          \
    }

XEN_HVM_VIOAPIC(hvm_hw_vioapic, VIOAPIC_NUM_PINS);

#ifndef __XEN__
#undef XEN_HVM_VIOAPIC
#else
#undef VIOAPIC_NUM_PINS
#endif

DECLARE_HVM_SAVE_TYPE(IOAPIC, 4, struct hvm_hw_vioapic);

/* Code 5: local APIC state; code 6: its register page. */
struct hvm_hw_lapic {
    uint64_t apic_base_msr;
    uint32_t disabled;          /* software/hardware disable flags */
    uint32_t timer_divisor;
    uint64_t tdt_msr;           /* TSC deadline */
};
DECLARE_HVM_SAVE_TYPE(LAPIC, 5, struct hvm_hw_lapic);

struct hvm_hw_lapic_regs {
    uint8_t data[1024];
};
DECLARE_HVM_SAVE_TYPE(LAPIC_REGS, 6, struct hvm_hw_lapic_regs);

/* Code 7: PCI INTx wire levels (32 devices x 4 lines). */
__xen_extension struct hvm_hw_pci_irqs {
    __xen_extension union {
        unsigned long i[16 / sizeof(unsigned long)];
        uint64_t pad[2];
    };
};
DECLARE_HVM_SAVE_TYPE(PCI_IRQ, 7, struct hvm_hw_pci_irqs);

/* Code 8: ISA IRQ wire levels. */
__xen_extension struct hvm_hw_isa_irqs {
    __xen_extension union {
        unsigned long i[1];
        uint64_t pad[1];
    };
};
DECLARE_HVM_SAVE_TYPE(ISA_IRQ, 8, struct hvm_hw_isa_irqs);

/* Code 9: PCI link (PIRQ A-D) to ISA IRQ routing. */
struct hvm_hw_pci_link {
    uint8_t route[4];
    uint8_t pad0[4];
};
DECLARE_HVM_SAVE_TYPE(PCI_LINK, 9, struct hvm_hw_pci_link);

/* Code 10: the 8254 PIT. */
struct hvm_hw_pit {
    struct hvm_hw_pit_channel {
        uint32_t count;         /* 0 means 0x10000 */
        uint16_t latched_count;
        uint8_t count_latched;
        uint8_t status_latched;
        uint8_t status;
        uint8_t read_state;
        uint8_t write_state;
        uint8_t write_latch;
        uint8_t rw_mode;
        uint8_t mode;
        uint8_t bcd;
        uint8_t gate;
    } channels[3];
    uint32_t speaker_data_on;
    uint32_t pad0;
};
DECLARE_HVM_SAVE_TYPE(PIT, 10, struct hvm_hw_pit);

/* Code 11: the RTC. */
#define RTC_CMOS_SIZE 14
struct hvm_hw_rtc {
    uint8_t cmos_data[RTC_CMOS_SIZE];   /* clock registers */
    uint8_t cmos_index;
    uint8_t pad0;
    int64_t rtc_offset;         /* guest time - host time, seconds */
};
DECLARE_HVM_SAVE_TYPE(RTC, 11, struct hvm_hw_rtc);

/* Code 12: the HPET, laid out like its register block. */
#define HPET_TIMER_NUM 3
struct hvm_hw_hpet {
    uint64_t capability;
    uint64_t res0;
    uint64_t config;
    uint64_t res1;
    uint64_t isr;
    uint64_t res2[25];
    uint64_t mc64;              /* main counter */
    uint64_t res3;
    struct {
        uint64_t config;
        uint64_t cmp;
        uint64_t fsb;
        uint64_t res4;
    } timers[HPET_TIMER_NUM];
    uint64_t res5[4 * (24 - HPET_TIMER_NUM)];
    uint64_t period[HPET_TIMER_NUM];    /* not a register */
};
DECLARE_HVM_SAVE_TYPE(HPET, 12, struct hvm_hw_hpet);

/* Code 13: ACPI PM timer. */
struct hvm_hw_pmtimer {
    uint32_t tmr_val;
    uint16_t pm1a_sts;
    uint16_t pm1a_en;
};
DECLARE_HVM_SAVE_TYPE(PMTIMER, 13, struct hvm_hw_pmtimer);

/* Code 14: MTRRs and PAT. */
struct hvm_hw_mtrr {
#define MTRR_VCNT 8
#define NUM_FIXED_MSR 11
    uint64_t msr_pat_cr;
    uint64_t msr_mtrr_var[MTRR_VCNT * 2];   /* base/mask pairs */
    uint64_t msr_mtrr_fixed[NUM_FIXED_MSR];
    uint64_t msr_mtrr_cap;
    uint64_t msr_mtrr_def_type;
};
DECLARE_HVM_SAVE_TYPE(MTRR, 14, struct hvm_hw_mtrr);

/*
 * Code 16: extended state, variable length (so declared by code only):
 * this header, then the XSAVE area of size implied by xcr0_accum.
 */
struct hvm_hw_cpu_xsave {
    uint64_t xfeature_mask;     /* unused, kept for layout */
    uint64_t xcr0;              /* current XCR0 */
    uint64_t xcr0_accum;        /* every XCR0 bit ever set */
    struct {
        struct { char x[512]; } fpu_sse;
        struct hvm_hw_cpu_xsave_hdr {
            uint64_t xstate_bv;
            uint64_t xcomp_bv;
            uint64_t reserved[6];
        } xsave_hdr;
        /* further components follow */
    } save_area;
};

#define CPU_XSAVE_CODE 16

/* Code 15: Viridian partition state. */
struct hvm_viridian_domain_context {
    uint64_t hypercall_gpa;
    uint64_t guest_os_id;
    uint64_t time_ref_count;
    uint64_t reference_tsc;
};
DECLARE_HVM_SAVE_TYPE(VIRIDIAN_DOMAIN, 15, struct hvm_viridian_domain_context);

/* Code 17: Viridian per-vcpu state. */
struct hvm_viridian_vcpu_context {
    uint64_t vp_assist_msr;
    uint8_t apic_assist_pending;
    uint8_t _pad[7];
    uint64_t simp_msr;
    uint64_t sint_msr[16];
    uint64_t stimer_config_msr[4];
    uint64_t stimer_count_msr[4];
};
DECLARE_HVM_SAVE_TYPE(VIRIDIAN_VCPU, 17, struct hvm_viridian_vcpu_context);

/* Code 18: virtual machine-check state of a vcpu. */
struct hvm_vmce_vcpu {
    uint64_t caps;              /* MCG_CAP */
    uint64_t mci_ctl2_bank0;
    uint64_t mci_ctl2_bank1;
    uint64_t mcg_ext_ctl;
};
DECLARE_HVM_SAVE_TYPE(VMCE_VCPU, 18, struct hvm_vmce_vcpu);

/* Code 19: IA32_TSC_ADJUST. */
struct hvm_tsc_adjust {
    uint64_t tsc_adjust;
};
DECLARE_HVM_SAVE_TYPE(TSC_ADJUST, 19, struct hvm_tsc_adjust);

/* Code 20: further MSRs of a vcpu, variable length. */
struct hvm_msr {
    uint32_t count;
    __xen_extension struct hvm_one_msr {
        uint32_t index;
        uint32_t _rsvd;
        uint64_t val;
    } msr[XEN_FLEX_ARRAY_DIM];
};

#define CPU_MSR_CODE 20

/* Highest code in use. */
#define HVM_SAVE_CODE_MAX 20

#endif /* __XEN_PUBLIC_HVM_SAVE_X86_H__ */
