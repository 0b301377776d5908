/* SPDX-License-Identifier: GPL-2.0-only */
/* CPUID and MSR policies, in the form the toolstack reads and writes. */
#ifndef ASM_X86_CPU_POLICY_H
#define ASM_X86_CPU_POLICY_H

#include <xen/types.h>
#include <asm/processor.h>
#include <public/domctl.h>
#include <public/sysctl.h>

/*
 * Xen 4.17's table sizes: they bound which leaves a policy holds, and so
 * what the toolstack may send and how many entries it must make room for.
 */
#define CPUID_NR_BASIC  (0xdu + 1)
#define CPUID_NR_CACHE  (5u + 1)
#define CPUID_NR_FEAT   (2u + 1)
#define CPUID_NR_TOPO   (1u + 1)
#define CPUID_NR_XSTATE (62u + 1)
#define CPUID_NR_EXTD   (0x21u + 1)
/* Leaves 4, 7, 0xb and 0xd are counted once, as their subleaves. */
#define CPUID_MAX_SERIALISED_LEAVES                                           \
    (CPUID_NR_BASIC + CPUID_NR_FEAT - 1 + CPUID_NR_CACHE - 1 +                \
     CPUID_NR_TOPO - 1 + CPUID_NR_XSTATE - 1 + CPUID_NR_EXTD +                \
     2 /* 0x40000000 and 0x40000100 */)
/* MSR_INTEL_PLATFORM_INFO and MSR_ARCH_CAPABILITIES. */
#define MSR_MAX_SERIALISED_ENTRIES 2
/*
 * Featureset words, in Xen's order (1d, 1c, e1d, e1c, Da1, 7b0, ...): as
 * many as Debian's Xen 4.17 (with its backports) reports.
 */
#define FSCAPINTS 19

struct cpu_policy {
    struct cpuid_regs basic[CPUID_NR_BASIC];
    struct cpuid_regs cache[CPUID_NR_CACHE];   /* leaf 4 */
    struct cpuid_regs feat[CPUID_NR_FEAT];     /* leaf 7 */
    struct cpuid_regs topo[CPUID_NR_TOPO];     /* leaf 0xb */
    struct cpuid_regs xstate[CPUID_NR_XSTATE]; /* leaf 0xd */
    struct cpuid_regs extd[CPUID_NR_EXTD];     /* from 0x80000000 */
    uint32_t hv_limit, hv2_limit;
    uint64_t platform_info, arch_caps;
};

struct domain;

/* XEN_SYSCTL_get_cpu_policy; *copy_on_error: op goes back even so. */
long sysctl_cpu_policy(struct xen_sysctl_cpu_policy *op, bool *copy_on_error);
/* XEN_SYSCTL_get_cpu_featureset, likewise. */
long sysctl_cpu_featureset(struct xen_sysctl_cpu_featureset *op,
                           bool *copy_on_error);
/* XEN_DOMCTL_get_cpu_policy: *copyback set on success. */
long domctl_get_cpu_policy(struct domain *d, struct xen_domctl_cpu_policy *op,
                           bool *copyback);
/* XEN_DOMCTL_set_cpu_policy: *copyback set when err_* must go back. */
long domctl_set_cpu_policy(struct domain *d, struct xen_domctl_cpu_policy *op,
                           bool *copyback);
/* A dying domain's policy goes (no domctl reaches it any more). */
void domain_cpu_policy_free(struct domain *d);

#endif /* ASM_X86_CPU_POLICY_H */
