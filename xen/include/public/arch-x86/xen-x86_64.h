/* SPDX-License-Identifier: MIT */
/* x86-64 PV guest conventions: selectors, address map, registers, iret. */

/* Reached through arch-x86/xen.h, which supplies types and handles. */
#include "xen.h"

#ifndef __XEN_PUBLIC_ARCH_X86_XEN_X86_64_H__
#define __XEN_PUBLIC_ARCH_X86_XEN_X86_64_H__

/*
 * Hypercall register convention (64-bit PV and HVM guests):
 *   rax = hypercall number; arguments in rdi, rsi, rdx, r10, r8 (up to
 *   five); result in rax.  A hypercall is made by calling into the
 *   hypercall page at offset 32 * number.  rcx and r11 are clobbered by
 *   the syscall/sysret path; argument registers may be clobbered too.
 *
 * A 64-bit PV kernel runs in ring 3, so kernel and user flat selectors are
 * the same ring-3 descriptors in Xen's reserved part of the GDT.
 */
#define FLAT_RING3_CS32 0xe023  /* compatibility-mode code */
#define FLAT_RING3_CS64 0xe033  /* long-mode code */
#define FLAT_RING3_DS32 0xe02b
#define FLAT_RING3_DS64 0x0000  /* null selector: fine in long mode */
#define FLAT_RING3_SS32 0xe02b
#define FLAT_RING3_SS64 0xe02b

#define FLAT_KERNEL_CS64 FLAT_RING3_CS64
#define FLAT_KERNEL_CS32 FLAT_RING3_CS32
#define FLAT_KERNEL_CS   FLAT_KERNEL_CS64
#define FLAT_KERNEL_DS64 FLAT_RING3_DS64
#define FLAT_KERNEL_DS32 FLAT_RING3_DS32
#define FLAT_KERNEL_DS   FLAT_KERNEL_DS64
#define FLAT_KERNEL_SS64 FLAT_RING3_SS64
#define FLAT_KERNEL_SS32 FLAT_RING3_SS32
#define FLAT_KERNEL_SS   FLAT_KERNEL_SS64

#define FLAT_USER_CS64 FLAT_RING3_CS64
#define FLAT_USER_CS32 FLAT_RING3_CS32
#define FLAT_USER_CS   FLAT_USER_CS64
#define FLAT_USER_DS64 FLAT_RING3_DS64
#define FLAT_USER_DS32 FLAT_RING3_DS32
#define FLAT_USER_DS   FLAT_USER_DS64
#define FLAT_USER_SS64 FLAT_RING3_SS64
#define FLAT_USER_SS32 FLAT_RING3_SS32
#define FLAT_USER_SS   FLAT_USER_SS64

/*
 * The hypervisor owns [HYPERVISOR_VIRT_START, HYPERVISOR_VIRT_END) of
 * every PV address space.  Its first part is the read-only machine-to-
 * physical table: one unsigned long per machine frame, giving the guest
 * frame that machine frame backs.
 */
#define __HYPERVISOR_VIRT_START 0xFFFF800000000000
#define __HYPERVISOR_VIRT_END   0xFFFF880000000000
#define __MACH2PHYS_VIRT_START  0xFFFF800000000000
#define __MACH2PHYS_VIRT_END    0xFFFF804000000000

#ifndef HYPERVISOR_VIRT_START
#define HYPERVISOR_VIRT_START xen_mk_ulong(__HYPERVISOR_VIRT_START)
#define HYPERVISOR_VIRT_END   xen_mk_ulong(__HYPERVISOR_VIRT_END)
#endif

#define MACH2PHYS_VIRT_START xen_mk_ulong(__MACH2PHYS_VIRT_START)
#define MACH2PHYS_VIRT_END   xen_mk_ulong(__MACH2PHYS_VIRT_END)
#define MACH2PHYS_NR_ENTRIES ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 3)
#ifndef machine_to_phys_mapping
#define machine_to_phys_mapping ((unsigned long *)HYPERVISOR_VIRT_START)
#endif

/* set_segment_base hypercall: which base to load. */
#define SEGBASE_FS          0
#define SEGBASE_GS_USER     1
#define SEGBASE_GS_KERNEL   2
#define SEGBASE_GS_USER_SEL 3   /* load user %gs selector */

/* vcpu_guest_context.flags: vcpu was inside a syscall. */
#define _VGCF_in_syscall 8
#define VGCF_in_syscall  (1 << _VGCF_in_syscall)
#define VGCF_IN_SYSCALL  VGCF_in_syscall

#ifndef __ASSEMBLY__

/*
 * HYPERVISOR_iret frame.  The guest pushes it (lowest address = rax) on
 * its kernel stack and makes the iret hypercall; Xen pops it, restoring
 * rax, r11 and rcx (clobbered by the hypercall itself) and then rip, cs,
 * rflags, rsp and ss.  'flags' holds VGCF_in_syscall when the frame is
 * a return from a syscall (Xen may then use sysret).
 */
struct iret_context {
    uint64_t rax, r11, rcx, flags, rip, cs, rflags, rsp, ss;
};

/*
 * Register block.  The toolstack and hypervisor see every sub-register
 * name (rax/eax/ax/al/ah); GNU C guests see rax/eax/_eax; strict ISO C
 * sees only the 64-bit names.  The layout is the same in all three.
 */
#if defined(__XEN__) || defined(__XEN_TOOLS__)
#define XEN_REG_ABCD_(R) __xen_extension union { uint64_t r##R##x;     \
        uint32_t e##R##x; uint16_t R##x;                                \
        __xen_extension struct { uint8_t R##l; uint8_t R##h; }; }
#define XEN_REG_IDX_(n) __xen_extension union { uint64_t r##n;        \
        uint32_t e##n; uint16_t n; uint8_t n##l; }
#define XEN_REG_W_(n) __xen_extension union { uint64_t r##n;          \
        uint32_t e##n; uint16_t n; }
#define XEN_REG_NUM_(k) __xen_extension union { uint64_t r##k;        \
        uint32_t r##k##d; uint16_t r##k##w; uint8_t r##k##b; }
#elif defined(__GNUC__) && !defined(__STRICT_ANSI__)
#define XEN_REG_GNU_(n) __xen_extension union { uint64_t r##n, e##n;   \
        uint32_t _e##n; }
#define XEN_REG_ABCD_(R) XEN_REG_GNU_(R##x)
#define XEN_REG_IDX_(n) XEN_REG_GNU_(n)
#define XEN_REG_W_(n) XEN_REG_GNU_(n)
#define XEN_REG_NUM_(k) uint64_t r##k
#else
#define XEN_REG_ABCD_(R) uint64_t r##R##x
#define XEN_REG_IDX_(n) uint64_t r##n
#define XEN_REG_W_(n) uint64_t r##n
#define XEN_REG_NUM_(k) uint64_t r##k
#endif

/*
 * Saved guest state; the order matches Xen's entry-stack frame.  In a
 * vcpu_guest_context it is written by whoever sets the context (the
 * toolstack or the guest via VCPUOP_initialise) while the vcpu is down.
 */
struct cpu_user_regs {
    XEN_REG_NUM_(15);
    XEN_REG_NUM_(14);
    XEN_REG_NUM_(13);
    XEN_REG_NUM_(12);
    XEN_REG_IDX_(bp);
    XEN_REG_ABCD_(b);
    XEN_REG_NUM_(11);
    XEN_REG_NUM_(10);
    XEN_REG_NUM_(9);
    XEN_REG_NUM_(8);
    XEN_REG_ABCD_(a);
    XEN_REG_ABCD_(c);
    XEN_REG_ABCD_(d);
    XEN_REG_IDX_(si);
    XEN_REG_IDX_(di);
    uint32_t error_code;        /* private to Xen */
    uint32_t entry_vector;      /* private to Xen */
    XEN_REG_W_(ip);
    uint16_t cs, _pad0[1];
    uint8_t saved_upcall_mask;
    uint8_t _pad1[3];
    XEN_REG_W_(flags);          /* rflags.IF mirrors !upcall_mask */
    XEN_REG_IDX_(sp);
    uint16_t ss, _pad2[3];
    uint16_t es, _pad3[3];
    uint16_t ds, _pad4[3];
    uint16_t fs, _pad5[3];
    uint16_t gs, _pad6[3];
};
typedef struct cpu_user_regs cpu_user_regs_t;
DEFINE_XEN_GUEST_HANDLE(cpu_user_regs_t);

#undef XEN_REG_GNU_
#undef XEN_REG_ABCD_
#undef XEN_REG_IDX_
#undef XEN_REG_W_
#undef XEN_REG_NUM_

/* A PV cr3 value holds a machine frame number shifted by the page size. */
#define xen_pfn_to_cr3(pfn) ((unsigned long)(pfn) << 12)
#define xen_cr3_to_pfn(cr3) ((unsigned long)(cr3) >> 12)

/*
 * Per-vcpu architectural part of vcpu_info.  cr2 is written by Xen before
 * it injects a page fault into a PV guest; the guest reads it in its
 * fault handler.
 */
struct arch_vcpu_info {
    unsigned long cr2;
    unsigned long pad;      /* sizeof(vcpu_info) == 64 */
};
typedef struct arch_vcpu_info arch_vcpu_info_t;

/* Callback entry points are plain 64-bit addresses. */
typedef unsigned long xen_callback_t;

#endif /* !__ASSEMBLY__ */

#endif /* __XEN_PUBLIC_ARCH_X86_XEN_X86_64_H__ */
