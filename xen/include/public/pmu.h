/* SPDX-License-Identifier: MIT */
/* xenpmu_op hypercall and the per-vcpu shared vPMU page. */

#ifndef __XEN_PUBLIC_PMU_H__
#define __XEN_PUBLIC_PMU_H__

#include "xen.h"
#include "arch-x86/pmu.h"

#define XENPMU_VER_MAJ 0
#define XENPMU_VER_MIN 1

/* HYPERVISOR_xenpmu_op(cmd, struct xen_pmu_params *). */
#define XENPMU_mode_get    0  /* val: XENPMU_MODE_* (global) */
#define XENPMU_mode_set    1
#define XENPMU_feature_get 2  /* val: XENPMU_FEATURE_* */
#define XENPMU_feature_set 3
#define XENPMU_init        4  /* val: frame of vcpu's xen_pmu_data */
#define XENPMU_finish      5
#define XENPMU_lvtpc_set   6  /* val: new LVTPC value */
#define XENPMU_flush       7  /* reload hardware from the cache */

struct xen_pmu_params {
    struct {
        uint32_t maj;           /* IN: XENPMU_VER_MAJ */
        uint32_t min;           /* IN: XENPMU_VER_MIN */
    } version;
    uint64_t val;               /* IN/OUT */
    uint32_t vcpu;              /* IN: for init/finish */
    uint32_t pad;
};
typedef struct xen_pmu_params xen_pmu_params_t;
DEFINE_XEN_GUEST_HANDLE(xen_pmu_params_t);

/* Who may use the PMU. */
#define XENPMU_MODE_OFF  0
#define XENPMU_MODE_SELF (1 << 0)  /* each guest its own counters */
#define XENPMU_MODE_HV   (1 << 1)  /* dom0 also samples Xen */
#define XENPMU_MODE_ALL  (1 << 2)  /* dom0 samples everything */

/* Optional features. */
#define XENPMU_FEATURE_INTEL_BTS  (1 << 0)
#define XENPMU_FEATURE_IPC_ONLY   (1 << 1)
#define XENPMU_FEATURE_ARCH_ONLY  (1 << 2)

/*
 * The page shared per vcpu (XENPMU_init).  Xen writes the identity
 * fields when it delivers a sample; the ownership of 'pmu' is described
 * at struct xen_pmu_arch.
 */
__xen_extension struct xen_pmu_data {
    uint32_t vcpu_id;           /* vcpu the sample was taken on */
    uint32_t pcpu_id;           /* physical cpu it ran on */
    domid_t domain_id;          /* domain that was interrupted */
    uint8_t pad[6];
    xen_pmu_arch_t pmu;
};

#endif /* __XEN_PUBLIC_PMU_H__ */
