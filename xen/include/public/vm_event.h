/* SPDX-License-Identifier: MIT */
/* vm_event rings: events about a guest sent to a monitor, pager or sharer. */

#ifndef _XEN_PUBLIC_VM_EVENT_H
#define _XEN_PUBLIC_VM_EVENT_H

#include "xen.h"

/*
 * A helper domain enables a ring with XEN_DOMCTL_vm_event_op; Xen then
 * places vm_event_request_t entries on it (pausing the vcpu when
 * VM_EVENT_FLAG_VCPU_PAUSED is set) and the helper answers with
 * vm_event_response_t entries, following ring.h: Xen is the frontend
 * (produces requests), the helper the backend.  version must equal
 * VM_EVENT_INTERFACE_VERSION in both directions.
 */
#define VM_EVENT_INTERFACE_VERSION 0x00000007

#if defined(__XEN__) || defined(__XEN_TOOLS__)

#include "io/ring.h"

/* flags, in requests and responses. */
#define VM_EVENT_FLAG_VCPU_PAUSED        (1 << 0)
#define VM_EVENT_FLAG_FOREIGN            (1 << 1)
#define VM_EVENT_FLAG_EMULATE            (1 << 2)
#define VM_EVENT_FLAG_EMULATE_NOWRITE    (1 << 3)
#define VM_EVENT_FLAG_TOGGLE_SINGLESTEP  (1 << 4)
#define VM_EVENT_FLAG_SET_EMUL_READ_DATA (1 << 5)
#define VM_EVENT_FLAG_DENY               (1 << 6)
#define VM_EVENT_FLAG_ALTERNATE_P2M      (1 << 7)
#define VM_EVENT_FLAG_SET_REGISTERS      (1 << 8)
#define VM_EVENT_FLAG_SET_EMUL_INSN_DATA (1 << 9)
#define VM_EVENT_FLAG_GET_NEXT_INTERRUPT (1 << 10)
#define VM_EVENT_FLAG_FAST_SINGLESTEP    (1 << 11)
#define VM_EVENT_FLAG_NESTED_P2M         (1 << 12)
#define VM_EVENT_FLAG_RESET_VMTRACE      (1 << 13)
#define VM_EVENT_FLAG_RESET_FORK_STATE   (1 << 14)
#define VM_EVENT_FLAG_RESET_FORK_MEMORY  (1 << 15)

/* reason: which member of u is valid. */
#define VM_EVENT_REASON_UNKNOWN             0
#define VM_EVENT_REASON_MEM_ACCESS          1
#define VM_EVENT_REASON_MEM_SHARING         2
#define VM_EVENT_REASON_MEM_PAGING          3
#define VM_EVENT_REASON_WRITE_CTRLREG       4
#define VM_EVENT_REASON_MOV_TO_MSR          5
#define VM_EVENT_REASON_SOFTWARE_BREAKPOINT 6
#define VM_EVENT_REASON_SINGLESTEP          7
#define VM_EVENT_REASON_GUEST_REQUEST       8
#define VM_EVENT_REASON_DEBUG_EXCEPTION     9
#define VM_EVENT_REASON_CPUID               10
#define VM_EVENT_REASON_PRIVILEGED_CALL     11
#define VM_EVENT_REASON_INTERRUPT           12
#define VM_EVENT_REASON_DESCRIPTOR_ACCESS   13
#define VM_EVENT_REASON_EMUL_UNIMPLEMENTED  14
#define VM_EVENT_REASON_VMEXIT              15

/* write_ctrlreg.index */
#define VM_EVENT_X86_CR0  0
#define VM_EVENT_X86_CR3  1
#define VM_EVENT_X86_CR4  2
#define VM_EVENT_X86_XCR0 3

struct vm_event_x86_selector_reg {
    uint32_t limit : 20;
    uint32_t ar : 12;
};

/* Register snapshot sent with each event (and settable on response). */
struct vm_event_regs_x86 {
    uint64_t rax;
    uint64_t rcx;
    uint64_t rdx;
    uint64_t rbx;
    uint64_t rsp;
    uint64_t rbp;
    uint64_t rsi;
    uint64_t rdi;
    uint64_t r8;
    uint64_t r9;
    uint64_t r10;
    uint64_t r11;
    uint64_t r12;
    uint64_t r13;
    uint64_t r14;
    uint64_t r15;
    uint64_t rflags;
    uint64_t dr6;
    uint64_t dr7;
    uint64_t rip;
    uint64_t cr0;
    uint64_t cr2;
    uint64_t cr3;
    uint64_t cr4;
    uint64_t sysenter_cs;
    uint64_t sysenter_esp;
    uint64_t sysenter_eip;
    uint64_t msr_efer;
    uint64_t msr_star;
    uint64_t msr_lstar;
    uint64_t gdtr_base;
    uint64_t npt_base;
    uint64_t vmtrace_pos;
    uint32_t cs_base;
    uint32_t ss_base;
    uint32_t ds_base;
    uint32_t es_base;
    uint64_t fs_base;
    uint64_t gs_base;
    struct vm_event_x86_selector_reg cs;
    struct vm_event_x86_selector_reg ss;
    struct vm_event_x86_selector_reg ds;
    struct vm_event_x86_selector_reg es;
    struct vm_event_x86_selector_reg fs;
    struct vm_event_x86_selector_reg gs;
    uint64_t shadow_gs;
    uint16_t gdtr_limit;
    uint16_t cs_sel;
    uint16_t ss_sel;
    uint16_t ds_sel;
    uint16_t es_sel;
    uint16_t fs_sel;
    uint16_t gs_sel;
    uint16_t _pad;
};

struct vm_event_regs_arm {
    uint64_t ttbr0;
    uint64_t ttbr1;
    uint64_t ttbcr;
    uint64_t pc;
    uint64_t cpsr;
};

/* mem_access.flags */
#define MEM_ACCESS_R   (1 << 0)
#define MEM_ACCESS_W   (1 << 1)
#define MEM_ACCESS_X   (1 << 2)
#define MEM_ACCESS_RWX (MEM_ACCESS_R | MEM_ACCESS_W | MEM_ACCESS_X)
#define MEM_ACCESS_RW  (MEM_ACCESS_R | MEM_ACCESS_W)
#define MEM_ACCESS_RX  (MEM_ACCESS_R | MEM_ACCESS_X)
#define MEM_ACCESS_WX  (MEM_ACCESS_W | MEM_ACCESS_X)
#define MEM_ACCESS_GLA_VALID      (1 << 3)
#define MEM_ACCESS_FAULT_WITH_GLA (1 << 4)
#define MEM_ACCESS_FAULT_IN_GPT   (1 << 5)

struct vm_event_mem_access {
    uint64_t gfn;
    uint64_t offset;
    uint64_t gla;               /* if MEM_ACCESS_GLA_VALID */
    uint32_t flags;
    uint32_t _pad;
};

struct vm_event_write_ctrlreg {
    uint32_t index;             /* VM_EVENT_X86_* */
    uint32_t _pad;
    uint64_t new_value;
    uint64_t old_value;
};

struct vm_event_singlestep {
    uint64_t gfn;
};

struct vm_event_fast_singlestep {
    uint16_t p2midx;
};

struct vm_event_debug {
    uint64_t gfn;
    uint64_t pending_dbg;       /* DR6-style bits */
    uint32_t insn_length;
    uint8_t type;               /* XEN_DMOP_EVENT_* */
    uint8_t _pad[3];
};

struct vm_event_mov_to_msr {
    uint64_t msr;
    uint64_t new_value;
    uint64_t old_value;
};

#define VM_EVENT_DESC_IDTR 1
#define VM_EVENT_DESC_GDTR 2
#define VM_EVENT_DESC_LDTR 3
#define VM_EVENT_DESC_TR   4

struct vm_event_desc_access {
    union {
        struct {
            uint32_t instr_info;
            uint32_t _pad1;
            uint64_t exit_qualification;
        } vmx;
    } arch;
    uint8_t descriptor;         /* VM_EVENT_DESC_* */
    uint8_t is_write;
    uint8_t _pad[6];
};

struct vm_event_cpuid {
    uint32_t insn_length;
    uint32_t leaf;
    uint32_t subleaf;
    uint32_t _pad;
};

struct vm_event_interrupt_x86 {
    uint32_t vector;
    uint32_t type;
    uint32_t error_code;
    uint32_t _pad;
    uint64_t cr2;
};

/* mem_paging.flags */
#define MEM_PAGING_DROP_PAGE  (1 << 0)
#define MEM_PAGING_EVICT_FAIL (1 << 1)

struct vm_event_paging {
    uint64_t gfn;
    uint32_t p2mt;
    uint32_t flags;
};

struct vm_event_sharing {
    uint64_t gfn;
    uint32_t p2mt;
    uint32_t _pad;
};

/* Response data for emulated reads (VM_EVENT_FLAG_SET_EMUL_READ_DATA). */
struct vm_event_emul_read_data {
    uint32_t size;
    uint8_t data[sizeof(struct vm_event_regs_x86) - sizeof(uint32_t)];
};

struct vm_event_emul_insn_data {
    uint8_t data[16];           /* instruction bytes to emulate */
};

struct vm_event_vmexit {
    struct {
        struct {
            uint64_t reason;
            uint64_t qualification;
        } vmx;
    } arch;
};

typedef struct vm_event_st {
    uint32_t version;           /* VM_EVENT_INTERFACE_VERSION */
    uint32_t flags;             /* VM_EVENT_FLAG_* */
    uint32_t reason;            /* VM_EVENT_REASON_* */
    uint32_t vcpu_id;
    uint16_t altp2m_idx;        /* with VM_EVENT_FLAG_ALTERNATE_P2M */
    uint16_t _pad[3];

    union {
        struct vm_event_paging mem_paging;
        struct vm_event_sharing mem_sharing;
        struct vm_event_mem_access mem_access;
        struct vm_event_write_ctrlreg write_ctrlreg;
        struct vm_event_mov_to_msr mov_to_msr;
        struct vm_event_desc_access desc_access;
        struct vm_event_singlestep singlestep;
        struct vm_event_fast_singlestep fast_singlestep;
        struct vm_event_debug software_breakpoint;
        struct vm_event_debug debug_exception;
        struct vm_event_cpuid cpuid;
        struct vm_event_vmexit vmexit;
        union {
            struct vm_event_interrupt_x86 x86;
        } interrupt;
    } u;

    union {
        union {
            struct vm_event_regs_x86 x86;
            struct vm_event_regs_arm arm;
        } regs;
        union {
            struct vm_event_emul_read_data read;
            struct vm_event_emul_insn_data insn;
        } emul;
    } data;
} vm_event_request_t, vm_event_response_t;

DEFINE_RING_TYPES(vm_event, vm_event_request_t, vm_event_response_t);

#endif /* __XEN__ || __XEN_TOOLS__ */

#endif /* _XEN_PUBLIC_VM_EVENT_H */
