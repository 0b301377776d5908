/* SPDX-License-Identifier: MIT */
/* x86 architecture part of the guest ABI: guest handles, vcpu context. */

#include "../xen.h"

#ifndef __XEN_PUBLIC_ARCH_X86_XEN_H__
#define __XEN_PUBLIC_ARCH_X86_XEN_H__

/*
 * Guest handles: how a hypercall argument structure refers to guest
 * memory.  Since interface 0x00030201 a handle is a pointer wrapped in a
 * struct, so that handles of different types do not mix silently; on
 * x86-64 it is exactly one pointer wide.
 */
#if defined(__i386__)
/*
 * 32-bit guests: the toolstack interfaces (domctl, sysctl) keep the
 * 64-bit layout, so each handle type has a 64-bit twin for them, and
 * their 64-bit fields are 8-byte aligned (docs/misc/compat32.md).
 */
#define int64_aligned_t int64_t __attribute__((aligned(8)))
#define uint64_aligned_t uint64_t __attribute__((aligned(8)))
#define ___DEFINE_XEN_GUEST_HANDLE(name, type) \
    typedef struct { type *p; } __guest_handle_ ## name; \
    typedef struct { \
        union { type *p; uint64_aligned_t q; }; \
    } __guest_handle_64_ ## name
#define XEN_GUEST_HANDLE_64(name) __guest_handle_64_ ## name
#elif __XEN_INTERFACE_VERSION__ >= 0x00030201
#define ___DEFINE_XEN_GUEST_HANDLE(name, type) \
    typedef struct { type *p; } __guest_handle_ ## name
#else
#define ___DEFINE_XEN_GUEST_HANDLE(name, type) \
    typedef type *__guest_handle_ ## name
#endif

/* Defines a handle type and its read-only twin const_<name>. */
#define __DEFINE_XEN_GUEST_HANDLE(name, type) \
    ___DEFINE_XEN_GUEST_HANDLE(name, type); \
    ___DEFINE_XEN_GUEST_HANDLE(const_##name, const type)
#define DEFINE_XEN_GUEST_HANDLE(name) __DEFINE_XEN_GUEST_HANDLE(name, name)
#define __XEN_GUEST_HANDLE(name) __guest_handle_ ## name
#define XEN_GUEST_HANDLE(name) __XEN_GUEST_HANDLE(name)
#define XEN_GUEST_HANDLE_PARAM(name) XEN_GUEST_HANDLE(name)
#if defined(__i386__)
/* A 64-bit handle's upper half is zero. */
#define set_xen_guest_handle_raw(hnd, val) \
    do { __builtin_memset(&(hnd), 0, sizeof(hnd)); (hnd).p = val; } while ( 0 )
#else
#define set_xen_guest_handle_raw(hnd, val) do { (hnd).p = val; } while ( 0 )
#endif
#define set_xen_guest_handle(hnd, val) set_xen_guest_handle_raw(hnd, val)

#if defined(__x86_64__)
#include "xen-x86_64.h"
#elif defined(__i386__)
/* 32-bit PAE PV guests (mini-os's x86_32 build): docs/misc/compat32.md. */
#include "xen-x86_32.h"
#else
#error "Only x86-64 and 32-bit PAE x86 are supported by these headers."
#endif

#ifndef __ASSEMBLY__
/* A guest (pseudo-)physical or machine frame number. */
typedef unsigned long xen_pfn_t;
#define PRI_xen_pfn "lx"
#define PRIu_xen_pfn "lu"
#endif

/* This architecture has PV guests, with an upcall mask in vcpu_info. */
#define XEN_HAVE_PV_GUEST_ENTRY 1
#define XEN_HAVE_PV_UPCALL_MASK 1

/* GDT pages from this index on belong to Xen; guests must not use them. */
#define FIRST_RESERVED_GDT_PAGE  14
#define FIRST_RESERVED_GDT_BYTE  (FIRST_RESERVED_GDT_PAGE * 4096)
#define FIRST_RESERVED_GDT_ENTRY (FIRST_RESERVED_GDT_BYTE / 8)

/* vcpu_info slots in shared_info; more vcpus need VCPUOP_register_vcpu_info */
#define XEN_LEGACY_MAX_VCPUS 32

#ifndef __ASSEMBLY__

typedef unsigned long xen_ulong_t;
#define PRI_xen_ulong "lx"

/*
 * One entry of a PV virtual IDT (set_trap_table).  flags bits 0-1: the
 * lowest privilege level allowed to raise the vector with INT; bit 2:
 * disable event delivery (like an interrupt gate) on entry.
 */
#define TI_GET_DPL(_ti) ((_ti)->flags & 3)
#define TI_GET_IF(_ti) ((_ti)->flags & 4)
#define TI_SET_DPL(_ti, _dpl) ((_ti)->flags |= (_dpl))
#define TI_SET_IF(_ti, _if) ((_ti)->flags |= ((!!(_if)) << 2))
struct trap_info {
    uint8_t vector;         /* exception/interrupt vector; 0 ends a table */
    uint8_t flags;
    uint16_t cs;            /* code selector of the handler */
    unsigned long address;  /* handler entry point */
};
typedef struct trap_info trap_info_t;
DEFINE_XEN_GUEST_HANDLE(trap_info_t);

typedef uint64_t tsc_timestamp_t;

/*
 * Complete PV vcpu state, as handed to VCPUOP_initialise or
 * XEN_DOMCTL_setvcpucontext and returned by XEN_DOMCTL_getvcpucontext.
 * The writer fills it in its own memory while the target vcpu is not
 * running; Xen copies it in one go, so no field ordering applies.
 */
struct vcpu_guest_context {
    struct { char x[512]; } fpu_ctxt;   /* FXSAVE image */
#define VGCF_I387_VALID (1 << 0)
#define VGCF_IN_KERNEL (1 << 2)
#define _VGCF_i387_valid 0
#define VGCF_i387_valid (1 << _VGCF_i387_valid)
#define _VGCF_in_kernel 2
#define VGCF_in_kernel (1 << _VGCF_in_kernel)
#define _VGCF_failsafe_disables_events 3
#define VGCF_failsafe_disables_events (1 << _VGCF_failsafe_disables_events)
#define _VGCF_syscall_disables_events 4
#define VGCF_syscall_disables_events (1 << _VGCF_syscall_disables_events)
#define _VGCF_online 5
#define VGCF_online (1 << _VGCF_online)
    unsigned long flags;                /* VGCF_* */
    struct cpu_user_regs user_regs;
    struct trap_info trap_ctxt[256];    /* virtual IDT */
    unsigned long ldt_base, ldt_ents;   /* LDT linear address, entries */
    unsigned long gdt_frames[16], gdt_ents; /* GDT frames, entries */
    unsigned long kernel_ss, kernel_sp; /* ring-1/kernel stack */
    unsigned long ctrlreg[8];           /* cr3 via xen_pfn_to_cr3() */
    unsigned long debugreg[8];
#ifdef __i386__
    /* 32-bit guests: each callback a selector and offset pair. */
    unsigned long event_callback_cs;
    unsigned long event_callback_eip;
    unsigned long failsafe_callback_cs;
    unsigned long failsafe_callback_eip;
    unsigned long vm_assist;            /* VMASST_TYPE_* bits */
#else
    unsigned long event_callback_eip;
    unsigned long failsafe_callback_eip;
#ifdef __XEN__
    __xen_extension union {
        unsigned long syscall_callback_eip;
        __xen_extension struct {    /* 32-bit guests: selectors here */
            unsigned int event_callback_cs;
            unsigned int failsafe_callback_cs;
        };
    };
#else
    unsigned long syscall_callback_eip;
#endif
    unsigned long vm_assist;            /* VMASST_TYPE_* bits */
    uint64_t fs_base;
    uint64_t gs_base_kernel;
    uint64_t gs_base_user;
#endif
};
typedef struct vcpu_guest_context vcpu_guest_context_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_guest_context_t);

/*
 * Architectural part of shared_info, describing the guest's physical-to-
 * machine (p2m) table for the toolstack (save/restore, dumps).  Written
 * by the guest only; the toolstack reads.
 *  - pfn_to_mfn_frame_list_list: 3-level tree of frames; 0 = not set up
 *    yet, ~0 = not usable (p2m too large): use the linear list instead.
 *  - The linear list: p2m_cr3 (xen_pfn_to_cr3 format; 0 = not provided)
 *    is the root of the address space where p2m_vaddr maps entries
 *    [0, max_pfn).  The guest increments p2m_generation before and after
 *    each change to that mapping (odd = change in progress) so readers
 *    can detect torn or stale views; single entries are only ever
 *    changed with atomic writes.
 */
struct arch_shared_info {
    unsigned long max_pfn;          /* entries in the p2m */
    xen_pfn_t pfn_to_mfn_frame_list_list;
    unsigned long nmi_reason;       /* NMI cause bits (see nmi.h) */
    unsigned long p2m_cr3;
    unsigned long p2m_vaddr;
    unsigned long p2m_generation;
#ifdef __i386__
    uint32_t wc_sec_hi;             /* wall clock seconds, high 32 bits */
#endif
};
typedef struct arch_shared_info arch_shared_info_t;

#if defined(__XEN__) || defined(__XEN_TOOLS__)
/* x86 part of XEN_DOMCTL_createdomain: which devices Xen emulates. */
struct xen_arch_domainconfig {
#define _XEN_X86_EMU_LAPIC 0
#define XEN_X86_EMU_LAPIC (1U << _XEN_X86_EMU_LAPIC)
#define _XEN_X86_EMU_HPET 1
#define XEN_X86_EMU_HPET (1U << _XEN_X86_EMU_HPET)
#define _XEN_X86_EMU_PM 2
#define XEN_X86_EMU_PM (1U << _XEN_X86_EMU_PM)
#define _XEN_X86_EMU_RTC 3
#define XEN_X86_EMU_RTC (1U << _XEN_X86_EMU_RTC)
#define _XEN_X86_EMU_IOAPIC 4
#define XEN_X86_EMU_IOAPIC (1U << _XEN_X86_EMU_IOAPIC)
#define _XEN_X86_EMU_PIC 5
#define XEN_X86_EMU_PIC (1U << _XEN_X86_EMU_PIC)
#define _XEN_X86_EMU_VGA 6
#define XEN_X86_EMU_VGA (1U << _XEN_X86_EMU_VGA)
#define _XEN_X86_EMU_IOMMU 7
#define XEN_X86_EMU_IOMMU (1U << _XEN_X86_EMU_IOMMU)
#define _XEN_X86_EMU_PIT 8
#define XEN_X86_EMU_PIT (1U << _XEN_X86_EMU_PIT)
#define _XEN_X86_EMU_USE_PIRQ 9
#define XEN_X86_EMU_USE_PIRQ (1U << _XEN_X86_EMU_USE_PIRQ)
#define _XEN_X86_EMU_VPCI 10
#define XEN_X86_EMU_VPCI (1U << _XEN_X86_EMU_VPCI)
#define XEN_X86_EMU_ALL (XEN_X86_EMU_LAPIC | XEN_X86_EMU_HPET |           \
                         XEN_X86_EMU_PM | XEN_X86_EMU_RTC |               \
                         XEN_X86_EMU_IOAPIC | XEN_X86_EMU_PIC |           \
                         XEN_X86_EMU_VGA | XEN_X86_EMU_IOMMU |            \
                         XEN_X86_EMU_PIT | XEN_X86_EMU_USE_PIRQ |         \
                         XEN_X86_EMU_VPCI)
    uint32_t emulation_flags;
/* Unknown MSR accesses read as zero / drop writes instead of #GP. */
#define XEN_X86_MSR_RELAXED (1u << 0)
    uint32_t misc_flags;
};
#define XEN_X86_MISC_FLAGS_MAX XEN_X86_MSR_RELAXED
#endif

/* One CPUID leaf of a domain's policy. */
typedef struct xen_cpuid_leaf {
#define XEN_CPUID_NO_SUBLEAF 0xffffffffu
    uint32_t leaf, subleaf;
    uint32_t a, b, c, d;
} xen_cpuid_leaf_t;
DEFINE_XEN_GUEST_HANDLE(xen_cpuid_leaf_t);

/* One MSR of a domain's policy. */
typedef struct xen_msr_entry {
    uint32_t idx;
    uint32_t flags;         /* must be zero */
    uint64_t val;
} xen_msr_entry_t;
DEFINE_XEN_GUEST_HANDLE(xen_msr_entry_t);

#endif /* !__ASSEMBLY__ */

/*
 * Forced-emulation prefix (ud2 + "xen"): a PV guest puts it before cpuid
 * to get the hypervisor's filtered view instead of the raw instruction.
 */
#ifdef __ASSEMBLY__
#define XEN_EMULATE_PREFIX .byte 0x0f,0x0b,0x78,0x65,0x6e ;
#define XEN_CPUID XEN_EMULATE_PREFIX cpuid
#else
#define XEN_EMULATE_PREFIX ".byte 0x0f,0x0b,0x78,0x65,0x6e ; "
#define XEN_CPUID XEN_EMULATE_PREFIX "cpuid"
#endif

/* HVM guests may write debug characters to this I/O port. */
#define XEN_HVM_DEBUGCONS_IOPORT 0xe9

#endif /* __XEN_PUBLIC_ARCH_X86_XEN_H__ */
