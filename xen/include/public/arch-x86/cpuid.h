/* SPDX-License-Identifier: MIT */
/* The hypervisor CPUID leaves (0x40000000 onwards) that a guest may probe. */

#ifndef __XEN_PUBLIC_ARCH_X86_CPUID_H__
#define __XEN_PUBLIC_ARCH_X86_CPUID_H__

/*
 * Leaf base+0: eax = last leaf; ebx,ecx,edx = "XenVMMXenVMM".  The base
 * is 0x40000000 but may move up in steps of 0x100 (for example when a
 * Viridian interface occupies 0x40000000), so guests scan for the
 * signature.
 * Leaf base+1: eax = version, major << 16 | minor.
 * Leaf base+2: eax = number of hypercall pages, ebx = MSR to write the
 *              hypercall page address to, ecx/edx = feature flags.
 * Leaf base+3: time and TSC information (sub-leaves 0-2).
 * Leaf base+4: HVM-specific flags (XEN_HVM_CPUID_*); ebx vcpu id,
 *              ecx domain id, when flagged present.
 * Leaf base+5: PV-specific; ebx bits 7:0 = machine address width.
 */
#define XEN_CPUID_FIRST_LEAF 0x40000000
#define XEN_CPUID_LEAF(n) (XEN_CPUID_FIRST_LEAF + (n))

/* "XenVMMXenVMM" as little-endian register contents. */
#define XEN_CPUID_SIGNATURE_EBX 0x566e6558 /* "XenV" */
#define XEN_CPUID_SIGNATURE_ECX 0x65584d4d /* "MMXe" */
#define XEN_CPUID_SIGNATURE_EDX 0x4d4d566e /* "nVMM" */

/* Leaf base+2, ecx. */
#define _XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD 0
#define XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD (1u << 0)

/* Leaf base+4, eax. */
#define XEN_HVM_CPUID_APIC_ACCESS_VIRT (1u << 0) /* APIC page virtualised */
#define XEN_HVM_CPUID_X2APIC_VIRT      (1u << 1) /* x2APIC MSRs virtualised */
#define XEN_HVM_CPUID_IOMMU_MAPPINGS   (1u << 2) /* memory_op iommu maps */
#define XEN_HVM_CPUID_VCPU_ID_PRESENT  (1u << 3) /* ebx holds vcpu id */
#define XEN_HVM_CPUID_DOMID_PRESENT    (1u << 4) /* ecx holds domain id */
#define XEN_HVM_CPUID_EXT_DEST_ID      (1u << 5) /* MSI ext. dest. id */
#define XEN_HVM_CPUID_UPCALL_VECTOR    (1u << 6) /* per-vcpu upcall vector */

/* Leaf base+5, ebx. */
#define XEN_CPUID_MACHINE_ADDRESS_WIDTH_MASK (0xffu << 0)

#define XEN_CPUID_MAX_NUM_LEAVES 5

#endif /* __XEN_PUBLIC_ARCH_X86_CPUID_H__ */
