/* SPDX-License-Identifier: MIT */
/* x86 part of the shared vPMU page: counter contexts and sampled state. */

/* Reached through pmu.h, which supplies types and handles. */
#include "../pmu.h"

#ifndef __XEN_PUBLIC_ARCH_X86_PMU_H__
#define __XEN_PUBLIC_ARCH_X86_PMU_H__

/*
 * AMD counters: 'counters' and 'ctrls' are byte offsets from the start
 * of this structure to the counter and control register arrays in regs.
 */
struct xen_pmu_amd_ctxt {
    uint32_t counters;
    uint32_t ctrls;
    __xen_extension uint64_t regs[XEN_FLEX_ARRAY_DIM];
};
typedef struct xen_pmu_amd_ctxt xen_pmu_amd_ctxt_t;
DEFINE_XEN_GUEST_HANDLE(xen_pmu_amd_ctxt_t);

struct xen_pmu_cntr_pair {
    uint64_t counter;
    uint64_t control;
};
typedef struct xen_pmu_cntr_pair xen_pmu_cntr_pair_t;
DEFINE_XEN_GUEST_HANDLE(xen_pmu_cntr_pair_t);

/*
 * Intel counters: fixed_counters and arch_counters are byte offsets of
 * the fixed counter array and of the xen_pmu_cntr_pair array in regs.
 */
struct xen_pmu_intel_ctxt {
    uint32_t fixed_counters;
    uint32_t arch_counters;
    uint64_t global_ctrl;
    uint64_t global_ovf_ctrl;
    uint64_t global_status;
    uint64_t fixed_ctrl;
    uint64_t ds_area;
    uint64_t pebs_enable;
    uint64_t debugctl;
    __xen_extension uint64_t regs[XEN_FLEX_ARRAY_DIM];
};
typedef struct xen_pmu_intel_ctxt xen_pmu_intel_ctxt_t;
DEFINE_XEN_GUEST_HANDLE(xen_pmu_intel_ctxt_t);

/* Interrupted state at the time of a PMU interrupt. */
struct xen_pmu_regs {
    uint64_t ip;
    uint64_t sp;
    uint64_t flags;
    uint16_t cs;
    uint16_t ss;
    uint8_t cpl;
    uint8_t pad[3];
};
typedef struct xen_pmu_regs xen_pmu_regs_t;
DEFINE_XEN_GUEST_HANDLE(xen_pmu_regs_t);

/* xen_pmu_arch.pmu_flags */
#define PMU_CACHED      (1 << 0)  /* guest edits the cached context */
#define PMU_SAMPLE_USER (1 << 1)  /* sample taken in user mode */
#define PMU_SAMPLE_REAL (1 << 2)  /* sample taken in real mode */
#define PMU_SAMPLE_PV   (1 << 3)  /* sample belongs to a PV guest */

/*
 * Architectural part of the shared xen_pmu_data page.  On a PMU
 * interrupt Xen fills r, c and l and sets PMU_CACHED before raising
 * VIRQ_XENPMU; while PMU_CACHED is set the guest may read and change the
 * cached context, then clears the flag (XENPMU_flush) and Xen reloads
 * the hardware from it.
 */
__xen_extension struct xen_pmu_arch {   /* c holds flexible arrays */
    union {
        xen_pmu_regs_t regs;
#define XENPMU_REGS_PAD_SZ 64
        uint8_t pad[XENPMU_REGS_PAD_SZ];
    } r;

    uint64_t pmu_flags;         /* PMU_* */

    union {
        uint32_t lapic_lvtpc;   /* the guest's virtual LVTPC */
        uint64_t pad;
    } l;

    union {
        xen_pmu_amd_ctxt_t amd;
        xen_pmu_intel_ctxt_t intel;
#define XENPMU_CTXT_PAD_SZ 128
        uint8_t pad[XENPMU_CTXT_PAD_SZ];
    } c;
};
typedef struct xen_pmu_arch xen_pmu_arch_t;
DEFINE_XEN_GUEST_HANDLE(xen_pmu_arch_t);

#endif /* __XEN_PUBLIC_ARCH_X86_PMU_H__ */
