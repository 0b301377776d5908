/* SPDX-License-Identifier: GPL-2.0-only */
/* CPU identification and the CPUID feature bits the hypervisor acts on. */
#ifndef ASM_X86_CPUFEATURE_H
#define ASM_X86_CPUFEATURE_H

#include <xen/types.h>

/*
 * Feature numbers are word * 32 + bit, a word being one CPUID output
 * register; the words are in the order below.
 */
#define FEATURE_WORD_1_EDX   0 /* leaf 1, EDX */
#define FEATURE_WORD_1_ECX   1 /* leaf 1, ECX */
#define FEATURE_WORD_7_0_EBX 2 /* leaf 7 subleaf 0, EBX */
#define FEATURE_WORD_E1_EDX  3 /* leaf 0x80000001, EDX */
#define FEATURE_WORD_E1_ECX  4 /* leaf 0x80000001, ECX */
#define FEATURE_WORD_E7_EDX  5 /* leaf 0x80000007, EDX */
#define NR_FEATURE_WORDS     6

#define X86_FEATURE(w, b) ((FEATURE_WORD_##w) * 32 + (b))

#define X86_FEATURE_FPU          X86_FEATURE(1_EDX, 0)
#define X86_FEATURE_TSC          X86_FEATURE(1_EDX, 4)
#define X86_FEATURE_MSR          X86_FEATURE(1_EDX, 5)
#define X86_FEATURE_APIC         X86_FEATURE(1_EDX, 9)
#define X86_FEATURE_PGE          X86_FEATURE(1_EDX, 13)
#define X86_FEATURE_FXSR         X86_FEATURE(1_EDX, 24)
#define X86_FEATURE_SSE          X86_FEATURE(1_EDX, 25)
#define X86_FEATURE_VMX          X86_FEATURE(1_ECX, 5)
#define X86_FEATURE_X2APIC       X86_FEATURE(1_ECX, 21)
#define X86_FEATURE_TSC_DEADLINE X86_FEATURE(1_ECX, 24)
#define X86_FEATURE_XSAVE        X86_FEATURE(1_ECX, 26)
#define X86_FEATURE_AVX          X86_FEATURE(1_ECX, 28)
#define X86_FEATURE_HYPERVISOR   X86_FEATURE(1_ECX, 31)
#define X86_FEATURE_FSGSBASE     X86_FEATURE(7_0_EBX, 0)
#define X86_FEATURE_SMEP         X86_FEATURE(7_0_EBX, 7)
#define X86_FEATURE_SMAP         X86_FEATURE(7_0_EBX, 20)
#define X86_FEATURE_NX           X86_FEATURE(E1_EDX, 20)
#define X86_FEATURE_PAGE1GB      X86_FEATURE(E1_EDX, 26)
#define X86_FEATURE_LM           X86_FEATURE(E1_EDX, 29)
#define X86_FEATURE_SVM          X86_FEATURE(E1_ECX, 2)
#define X86_FEATURE_ITSC         X86_FEATURE(E7_EDX, 8)

enum x86_vendor {
    X86_VENDOR_UNKNOWN,
    X86_VENDOR_INTEL,
    X86_VENDOR_AMD,
    X86_VENDOR_HYGON,
};

struct cpuinfo_x86 {
    enum x86_vendor vendor;
    unsigned int family; /* with the extended family folded in */
    unsigned int model;  /* with the extended model folded in */
    unsigned int stepping;
    uint32_t max_leaf;
    uint32_t max_ext_leaf;
    uint32_t features[NR_FEATURE_WORDS];
    uint64_t xcr0;           /* the state components XSAVE manages */
    unsigned int paddr_bits; /* physical address width */
    char vendor_id[13];
    char model_id[49];
};

/* What the boot CPU has; APs are expected to match it. */
extern struct cpuinfo_x86 boot_cpu_data;

static inline bool cpu_has_feature(const struct cpuinfo_x86 *c, unsigned int f)
{
    return c->features[f / 32] & (1U << (f % 32));
}

#define boot_cpu_has(f)      cpu_has_feature(&boot_cpu_data, f)
#define cpu_has_nx           boot_cpu_has(X86_FEATURE_NX)
#define cpu_has_x2apic       boot_cpu_has(X86_FEATURE_X2APIC)
#define cpu_has_tsc_deadline boot_cpu_has(X86_FEATURE_TSC_DEADLINE)
#define cpu_has_page1gb      boot_cpu_has(X86_FEATURE_PAGE1GB)
#define cpu_has_itsc         boot_cpu_has(X86_FEATURE_ITSC)
#define cpu_has_fsgsbase     boot_cpu_has(X86_FEATURE_FSGSBASE)
#define cpu_has_xsave        boot_cpu_has(X86_FEATURE_XSAVE)
#define cpu_has_vmx          boot_cpu_has(X86_FEATURE_VMX)
#define cpu_has_svm          boot_cpu_has(X86_FEATURE_SVM)

/* XCR0 state components. */
#define XSTATE_FP  (1UL << 0)
#define XSTATE_SSE (1UL << 1)
#define XSTATE_YMM (1UL << 2)

/*
 * Identify the boot CPU, report it and turn on the protections and state
 * it supports; called first thing in __start_xen.
 */
void early_cpu_init(void);
/* The same on an AP, which must have what the boot CPU had. */
void cpu_init_secondary(unsigned int cpu);

#endif /* ASM_X86_CPUFEATURE_H */
