/* SPDX-License-Identifier: MIT */
/* x86-32 PAE PV guest conventions: selectors, address map, registers. */

/* Reached through arch-x86/xen.h, which supplies types and handles. */
#include "xen.h"

#ifndef __XEN_PUBLIC_ARCH_X86_XEN_X86_32_H__
#define __XEN_PUBLIC_ARCH_X86_XEN_X86_32_H__

/*
 * Hypercall register convention (32-bit PV guests): eax = hypercall
 * number; arguments in ebx, ecx, edx, esi, edi (and ebp for a sixth);
 * result in eax.  The hypercall page's stubs issue int $0x82.
 *
 * The kernel runs in ring 1, user space in ring 3, each on flat
 * descriptors in Xen's reserved part of the GDT.
 */
#define FLAT_RING1_CS 0xe019
#define FLAT_RING1_DS 0xe021
#define FLAT_RING1_SS 0xe021
#define FLAT_RING3_CS 0xe02b
#define FLAT_RING3_DS 0xe033
#define FLAT_RING3_SS 0xe033

#define FLAT_KERNEL_CS FLAT_RING1_CS
#define FLAT_KERNEL_DS FLAT_RING1_DS
#define FLAT_KERNEL_SS FLAT_RING1_SS
#define FLAT_USER_CS   FLAT_RING3_CS
#define FLAT_USER_DS   FLAT_RING3_DS
#define FLAT_USER_SS   FLAT_RING3_SS

/*
 * With PAE the hypervisor owns everything from HYPERVISOR_VIRT_START up
 * (the guest's HV_START_LOW note may raise it); its first part is the
 * read-only machine-to-physical table of 32-bit entries.
 */
#define __HYPERVISOR_VIRT_START_PAE 0xF5800000
#define __MACH2PHYS_VIRT_START_PAE  0xF5800000
#define __MACH2PHYS_VIRT_END_PAE    0xF6800000
#define HYPERVISOR_VIRT_START_PAE xen_mk_ulong(__HYPERVISOR_VIRT_START_PAE)
#define MACH2PHYS_VIRT_START_PAE  xen_mk_ulong(__MACH2PHYS_VIRT_START_PAE)
#define MACH2PHYS_VIRT_END_PAE    xen_mk_ulong(__MACH2PHYS_VIRT_END_PAE)

#define __HYPERVISOR_VIRT_START __HYPERVISOR_VIRT_START_PAE
#define __MACH2PHYS_VIRT_START  __MACH2PHYS_VIRT_START_PAE
#define __MACH2PHYS_VIRT_END    __MACH2PHYS_VIRT_END_PAE

#ifndef HYPERVISOR_VIRT_START
#define HYPERVISOR_VIRT_START xen_mk_ulong(__HYPERVISOR_VIRT_START)
#endif

#define MACH2PHYS_VIRT_START xen_mk_ulong(__MACH2PHYS_VIRT_START)
#define MACH2PHYS_VIRT_END   xen_mk_ulong(__MACH2PHYS_VIRT_END)
#define MACH2PHYS_NR_ENTRIES ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 2)
#ifndef machine_to_phys_mapping
#define machine_to_phys_mapping ((unsigned long *)MACH2PHYS_VIRT_START)
#endif

#ifndef __ASSEMBLY__

/*
 * Saved guest state in the 32-bit layout: general registers, then what
 * an exception frame holds, then the data selectors.
 */
struct cpu_user_regs {
    uint32_t ebx;
    uint32_t ecx;
    uint32_t edx;
    uint32_t esi;
    uint32_t edi;
    uint32_t ebp;
    uint32_t eax;
    uint16_t error_code;        /* private to Xen */
    uint16_t entry_vector;      /* private to Xen */
    uint32_t eip;
    uint16_t cs;
    uint8_t saved_upcall_mask;
    uint8_t _pad0;
    uint32_t eflags;            /* eflags.IF mirrors !upcall_mask */
    uint32_t esp;
    uint16_t ss, _pad1;
    uint16_t es, _pad2;
    uint16_t ds, _pad3;
    uint16_t fs, _pad4;
    uint16_t gs, _pad5;
};
typedef struct cpu_user_regs cpu_user_regs_t;
DEFINE_XEN_GUEST_HANDLE(cpu_user_regs_t);

/*
 * A PAE cr3 may name a frame above 4 GiB: the frame number's bits above
 * 20 are folded into the low 12 bits of the value.
 */
#define xen_pfn_to_cr3(pfn) (((unsigned)(pfn) << 12) | ((unsigned)(pfn) >> 20))
#define xen_cr3_to_pfn(cr3) (((unsigned)(cr3) >> 12) | ((unsigned)(cr3) << 20))

/* Per-vcpu architectural part of vcpu_info: cr2 of the last page fault. */
struct arch_vcpu_info {
    unsigned long cr2;
    unsigned long pad[5];   /* sizeof(vcpu_info) == 64 */
};
typedef struct arch_vcpu_info arch_vcpu_info_t;

/* Callback entry points are code selector and offset pairs. */
struct xen_callback {
    unsigned long cs;
    unsigned long eip;
};
typedef struct xen_callback xen_callback_t;
#define XEN_CALLBACK(sel, fn) \
    ((struct xen_callback){ .cs = (sel), .eip = (unsigned long)(fn) })

#endif /* !__ASSEMBLY__ */

#endif /* __XEN_PUBLIC_ARCH_X86_XEN_X86_32_H__ */
