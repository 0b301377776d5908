/* SPDX-License-Identifier: MIT */
/* sysctl hypercall: host-wide management operations for the toolstack. */

#ifndef __XEN_PUBLIC_SYSCTL_H__
#define __XEN_PUBLIC_SYSCTL_H__

#if !defined(__XEN__) && !defined(__XEN_TOOLS__)
#error "sysctl is a toolstack interface: define __XEN_TOOLS__ to use it."
#endif

#include "xen.h"
#include "domctl.h"
#include "physdev.h"

/*
 * HYPERVISOR_sysctl(struct xen_sysctl *).  Like domctl, versioned and
 * not stable: interface_version must equal XEN_SYSCTL_INTERFACE_VERSION.
 * A call argument only; Xen copies OUT fields back before returning.
 */
#define XEN_SYSCTL_INTERFACE_VERSION 0x00000015

/* XEN_SYSCTL_readconsole: read the hypervisor console ring. */
struct xen_sysctl_readconsole {
    uint8_t clear;                      /* IN: clear after reading */
    uint8_t incremental;                /* IN: continue from index */
    uint8_t pad0, pad1;
    uint32_t index;                     /* IN/OUT */
    XEN_GUEST_HANDLE_64(char) buffer;   /* OUT */
    uint32_t count;                     /* IN: size / OUT: bytes read */
};

/* XEN_SYSCTL_tbuf_op: trace buffer control. */
struct xen_sysctl_tbuf_op {
#define XEN_SYSCTL_TBUFOP_get_info     0
#define XEN_SYSCTL_TBUFOP_set_cpu_mask 1
#define XEN_SYSCTL_TBUFOP_set_evt_mask 2
#define XEN_SYSCTL_TBUFOP_set_size     3
#define XEN_SYSCTL_TBUFOP_enable       4
#define XEN_SYSCTL_TBUFOP_disable      5
    uint32_t cmd;
    struct xenctl_bitmap cpu_mask;
    uint32_t evt_mask;                  /* TRC_* classes */
    uint64_aligned_t buffer_mfn;        /* OUT: t_info page */
    uint32_t size;                      /* pages per cpu */
};

/* XEN_SYSCTL_physinfo: capabilities bits. */
#define _XEN_SYSCTL_PHYSCAP_hvm 0
#define XEN_SYSCTL_PHYSCAP_hvm (1u << _XEN_SYSCTL_PHYSCAP_hvm)
#define _XEN_SYSCTL_PHYSCAP_pv 1
#define XEN_SYSCTL_PHYSCAP_pv (1u << _XEN_SYSCTL_PHYSCAP_pv)
#define _XEN_SYSCTL_PHYSCAP_directio 2
#define XEN_SYSCTL_PHYSCAP_directio (1u << _XEN_SYSCTL_PHYSCAP_directio)
#define _XEN_SYSCTL_PHYSCAP_hap 3
#define XEN_SYSCTL_PHYSCAP_hap (1u << _XEN_SYSCTL_PHYSCAP_hap)
#define _XEN_SYSCTL_PHYSCAP_shadow 4
#define XEN_SYSCTL_PHYSCAP_shadow (1u << _XEN_SYSCTL_PHYSCAP_shadow)
#define _XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share 5
#define XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share \
    (1u << _XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share)
#define XEN_SYSCTL_PHYSCAP_vmtrace   (1u << 6)
#define XEN_SYSCTL_PHYSCAP_vpmu      (1u << 7)
#define XEN_SYSCTL_PHYSCAP_gnttab_v1 (1u << 8)
#define XEN_SYSCTL_PHYSCAP_gnttab_v2 (1u << 9)
#define XEN_SYSCTL_PHYSCAP_MAX XEN_SYSCTL_PHYSCAP_gnttab_v2

struct xen_sysctl_physinfo {
    uint32_t threads_per_core;
    uint32_t cores_per_socket;
    uint32_t nr_cpus;                   /* online cpus */
    uint32_t max_cpu_id;
    uint32_t nr_nodes;
    uint32_t max_node_id;
    uint32_t cpu_khz;
    uint32_t capabilities;              /* XEN_SYSCTL_PHYSCAP_* */
    uint32_t arch_capabilities;
    uint32_t pad;
    uint64_aligned_t total_pages;
    uint64_aligned_t free_pages;
    uint64_aligned_t scrub_pages;
    uint64_aligned_t outstanding_pages;
    uint64_aligned_t max_mfn;
    uint32_t hw_cap[8];
};

/* XEN_SYSCTL_sched_id: the default scheduler (XEN_SCHEDULER_*). */
struct xen_sysctl_sched_id {
    uint32_t sched_id;
};

/* XEN_SYSCTL_perfc_op: performance counters. */
#define XEN_SYSCTL_PERFCOP_reset 1
#define XEN_SYSCTL_PERFCOP_query 2

struct xen_sysctl_perfc_desc {
    char name[80];
    uint32_t nr_vals;
};
typedef struct xen_sysctl_perfc_desc xen_sysctl_perfc_desc_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_perfc_desc_t);

typedef uint32_t xen_sysctl_perfc_val_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_perfc_val_t);

struct xen_sysctl_perfc_op {
    uint32_t cmd;                       /* XEN_SYSCTL_PERFCOP_* */
    uint32_t nr_counters;               /* OUT */
    uint32_t nr_vals;                   /* OUT */
    XEN_GUEST_HANDLE_64(xen_sysctl_perfc_desc_t) desc;
    XEN_GUEST_HANDLE_64(xen_sysctl_perfc_val_t) val;
};

/* XEN_SYSCTL_getdomaininfolist */
struct xen_sysctl_getdomaininfolist {
    domid_t first_domain;               /* IN */
    uint32_t max_domains;               /* IN */
    XEN_GUEST_HANDLE_64(xen_domctl_getdomaininfo_t) buffer;
    uint32_t num_domains;               /* OUT */
};

/* XEN_SYSCTL_debug_keys: act as if these keys were typed. */
struct xen_sysctl_debug_keys {
    XEN_GUEST_HANDLE_64(const_char) keys;
    uint32_t nr_keys;
};

/* XEN_SYSCTL_getcpuinfo: idle time per cpu. */
struct xen_sysctl_cpuinfo {
    uint64_aligned_t idletime;
};
typedef struct xen_sysctl_cpuinfo xen_sysctl_cpuinfo_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_cpuinfo_t);

struct xen_sysctl_getcpuinfo {
    uint32_t max_cpus;                  /* IN */
    XEN_GUEST_HANDLE_64(xen_sysctl_cpuinfo_t) info;
    uint32_t nr_cpus;                   /* OUT */
};

/* XEN_SYSCTL_availheap: free memory in an address-width band. */
struct xen_sysctl_availheap {
    uint32_t min_bitwidth;
    uint32_t max_bitwidth;
    int32_t node;                       /* -1: all nodes */
    uint64_aligned_t avail_bytes;       /* OUT */
};

/* XEN_SYSCTL_get_pmstat: P-state and C-state statistics. */
struct pm_px_val {
    uint64_aligned_t freq;
    uint64_aligned_t residency;
    uint64_aligned_t count;
};
typedef struct pm_px_val pm_px_val_t;
DEFINE_XEN_GUEST_HANDLE(pm_px_val_t);

struct pm_px_stat {
    uint8_t total;
    uint8_t usable;
    uint8_t last;
    uint8_t cur;
    XEN_GUEST_HANDLE_64(uint64) trans_pt;   /* total x total matrix */
    XEN_GUEST_HANDLE_64(pm_px_val_t) pt;
};

struct pm_cx_stat {
    uint32_t nr;
    uint32_t last;
    uint64_aligned_t idle_time;
    XEN_GUEST_HANDLE_64(uint64) triggers;
    XEN_GUEST_HANDLE_64(uint64) residencies;
    uint32_t nr_pc;                     /* package C-states */
    uint32_t nr_cc;                     /* core C-states */
    XEN_GUEST_HANDLE_64(uint64) pc;
    XEN_GUEST_HANDLE_64(uint64) cc;
};

struct xen_sysctl_get_pmstat {
#define PMSTAT_CATEGORY_MASK 0xf0
#define PMSTAT_PX            0x10
#define PMSTAT_CX            0x20
#define PMSTAT_get_max_px    (PMSTAT_PX | 0x1)
#define PMSTAT_get_pxstat    (PMSTAT_PX | 0x2)
#define PMSTAT_reset_pxstat  (PMSTAT_PX | 0x3)
#define PMSTAT_get_max_cx    (PMSTAT_CX | 0x1)
#define PMSTAT_get_cxstat    (PMSTAT_CX | 0x2)
#define PMSTAT_reset_cxstat  (PMSTAT_CX | 0x3)
    uint32_t type;
    uint32_t cpuid;
    union {
        struct pm_px_stat getpx;
        struct pm_cx_stat getcx;
    } u;
};

/* XEN_SYSCTL_cpu_hotplug */
struct xen_sysctl_cpu_hotplug {
    uint32_t cpu;                       /* ignored for the SMT ops */
#define XEN_SYSCTL_CPU_HOTPLUG_ONLINE      0
#define XEN_SYSCTL_CPU_HOTPLUG_OFFLINE     1
#define XEN_SYSCTL_CPU_HOTPLUG_SMT_ENABLE  2
#define XEN_SYSCTL_CPU_HOTPLUG_SMT_DISABLE 3
    uint32_t op;
};

/* XEN_SYSCTL_pm_op: cpufreq governors and idle control. */
struct xen_userspace {
    uint32_t scaling_setspeed;
};

struct xen_ondemand {
    uint32_t sampling_rate_max;
    uint32_t sampling_rate_min;
    uint32_t sampling_rate;
    uint32_t up_threshold;
};

#define CPUFREQ_NAME_LEN 16

struct xen_get_cpufreq_para {
    uint32_t cpu_num;                   /* IN/OUT: array sizes */
    uint32_t freq_num;
    uint32_t gov_num;
    XEN_GUEST_HANDLE_64(uint32) affected_cpus;
    XEN_GUEST_HANDLE_64(uint32) scaling_available_frequencies;
    XEN_GUEST_HANDLE_64(char) scaling_available_governors;
    char scaling_driver[CPUFREQ_NAME_LEN];
    uint32_t cpuinfo_cur_freq;
    uint32_t cpuinfo_max_freq;
    uint32_t cpuinfo_min_freq;
    uint32_t scaling_cur_freq;
    char scaling_governor[CPUFREQ_NAME_LEN];
    uint32_t scaling_max_freq;
    uint32_t scaling_min_freq;
    union {
        struct xen_userspace userspace;
        struct xen_ondemand ondemand;
    } u;
    int32_t turbo_enabled;
};

struct xen_set_cpufreq_gov {
    char scaling_governor[CPUFREQ_NAME_LEN];
};

struct xen_set_cpufreq_para {
#define SCALING_MAX_FREQ 1
#define SCALING_MIN_FREQ 2
#define SCALING_SETSPEED 3
#define SAMPLING_RATE    4
#define UP_THRESHOLD     5
    uint32_t ctrl_type;
    uint32_t ctrl_value;
};

struct xen_sysctl_pm_op {
#define PM_PARA_CATEGORY_MASK 0xf0
#define CPUFREQ_PARA          0x10
#define GET_CPUFREQ_PARA      (CPUFREQ_PARA | 0x01)
#define SET_CPUFREQ_GOV       (CPUFREQ_PARA | 0x02)
#define SET_CPUFREQ_PARA      (CPUFREQ_PARA | 0x03)
#define GET_CPUFREQ_AVGFREQ   (CPUFREQ_PARA | 0x04)
#define XEN_SYSCTL_pm_op_set_sched_opt_smt         0x21
#define XEN_SYSCTL_pm_op_get_max_cstate            0x22
#define XEN_SYSCTL_pm_op_set_max_cstate            0x23
#define XEN_SYSCTL_pm_op_set_vcpu_migration_delay  0x24
#define XEN_SYSCTL_pm_op_get_vcpu_migration_delay  0x25
#define XEN_SYSCTL_pm_op_enable_turbo              0x26
#define XEN_SYSCTL_pm_op_disable_turbo             0x27
    uint32_t cmd;
    uint32_t cpuid;
    union {
        struct xen_get_cpufreq_para get_para;
        struct xen_set_cpufreq_gov set_gov;
        struct xen_set_cpufreq_para set_para;
        uint64_aligned_t get_avgfreq;
        uint32_t set_sched_opt_smt;
#define XEN_SYSCTL_CX_UNLIMITED 0xffffffff
        uint32_t get_max_cstate;
        uint32_t set_max_cstate;
    } u;
};

/* XEN_SYSCTL_page_offline_op: retire or restore memory pages. */
struct xen_sysctl_page_offline_op {
#define sysctl_page_offline       1
#define sysctl_page_online        2
#define sysctl_query_page_offline 3
    uint32_t cmd;
    uint32_t start;                     /* first mfn */
    uint32_t end;                       /* last mfn */
    XEN_GUEST_HANDLE(uint32) status;    /* OUT: one word per page */
};

/* Per-page status words. */
#define PG_OFFLINE_STATUS_MASK   (0xFFUL)
#define PG_OFFLINE_INVALID       (0x1UL << 0)
#define PG_OFFLINE_OFFLINED      (0x1UL << 1)
#define PG_OFFLINE_PENDING       (0x1UL << 2)
#define PG_OFFLINE_FAILED        (0x1UL << 3)
#define PG_OFFLINE_AGAIN         (0x1UL << 4)
#define PG_ONLINE_FAILED         PG_OFFLINE_FAILED
#define PG_ONLINE_ONLINED        PG_OFFLINE_OFFLINED
#define PG_OFFLINE_STATUS_OFFLINED        (0x1UL << 1)
#define PG_OFFLINE_STATUS_ONLINE          (0x1UL << 2)
#define PG_OFFLINE_STATUS_OFFLINE_PENDING (0x1UL << 3)
#define PG_OFFLINE_STATUS_BROKEN          (0x1UL << 4)
#define PG_OFFLINE_MISC_MASK     (0xFFUL << 4)
#define PG_OFFLINE_XENPAGE       (0x1UL << 8)
#define PG_OFFLINE_DOM0PAGE      (0x1UL << 9)
#define PG_OFFLINE_ANONYMOUS     (0x1UL << 10)
#define PG_OFFLINE_NOT_CONV_RAM  (0x1UL << 11)
#define PG_OFFLINE_OWNED         (0x1UL << 12)
#define PG_OFFLINE_BROKEN        (0x1UL << 13)
#define PG_ONLINE_BROKEN         PG_OFFLINE_BROKEN
#define PG_OFFLINE_OWNER_SHIFT   16     /* owner domid in bits 31:16 */

/* XEN_SYSCTL_lockprof_op: lock profiling. */
#define XEN_SYSCTL_LOCKPROF_reset 1
#define XEN_SYSCTL_LOCKPROF_query 2
#define LOCKPROF_TYPE_GLOBAL      0
#define LOCKPROF_TYPE_PERDOM      1
#define LOCKPROF_TYPE_N           2

struct xen_sysctl_lockprof_data {
    char name[40];
    int32_t type;                       /* LOCKPROF_TYPE_* */
    int32_t idx;                        /* domain for PERDOM */
    uint64_aligned_t lock_cnt;
    uint64_aligned_t block_cnt;
    uint64_aligned_t lock_time;
    uint64_aligned_t block_time;
};
typedef struct xen_sysctl_lockprof_data xen_sysctl_lockprof_data_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_lockprof_data_t);

struct xen_sysctl_lockprof_op {
    uint32_t cmd;
    uint32_t max_elem;                  /* IN */
    uint32_t nr_elem;                   /* OUT */
    uint64_aligned_t time;              /* OUT: since last reset */
    XEN_GUEST_HANDLE_64(xen_sysctl_lockprof_data_t) data;
};

/* XEN_SYSCTL_cputopoinfo */
#define XEN_INVALID_CORE_ID   (~0U)
#define XEN_INVALID_SOCKET_ID (~0U)
#define XEN_INVALID_NODE_ID   (~0U)

struct xen_sysctl_cputopo {
    uint32_t core;
    uint32_t socket;
    uint32_t node;
};
typedef struct xen_sysctl_cputopo xen_sysctl_cputopo_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_cputopo_t);

struct xen_sysctl_cputopoinfo {
    uint32_t num_cpus;                  /* IN/OUT */
    XEN_GUEST_HANDLE_64(xen_sysctl_cputopo_t) cputopo;
};

/* XEN_SYSCTL_numainfo */
#define XEN_INVALID_MEM_SZ    (~0U)
#define XEN_INVALID_NODE_DIST (~0U)

struct xen_sysctl_meminfo {
    uint64_t memsize;
    uint64_t memfree;
};
typedef struct xen_sysctl_meminfo xen_sysctl_meminfo_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_meminfo_t);

struct xen_sysctl_numainfo {
    uint32_t num_nodes;                 /* IN/OUT */
    XEN_GUEST_HANDLE_64(xen_sysctl_meminfo_t) meminfo;
    XEN_GUEST_HANDLE_64(uint32) distance;   /* num_nodes^2 */
};

/* XEN_SYSCTL_cpupool_op */
#define XEN_SYSCTL_CPUPOOL_OP_CREATE     1
#define XEN_SYSCTL_CPUPOOL_OP_DESTROY    2
#define XEN_SYSCTL_CPUPOOL_OP_INFO       3
#define XEN_SYSCTL_CPUPOOL_OP_ADDCPU     4
#define XEN_SYSCTL_CPUPOOL_OP_RMCPU      5
#define XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN 6
#define XEN_SYSCTL_CPUPOOL_OP_FREEINFO   7
#define XEN_SYSCTL_CPUPOOL_PAR_ANY       0xFFFFFFFF

struct xen_sysctl_cpupool_op {
    uint32_t op;                        /* XEN_SYSCTL_CPUPOOL_OP_* */
    uint32_t cpupool_id;                /* IN/OUT */
    uint32_t sched_id;
    uint32_t domid;
    uint32_t cpu;
    uint32_t n_dom;                     /* OUT */
    struct xenctl_bitmap cpumap;        /* OUT */
};

/* XEN_SYSCTL_scheduler_op: per-pool scheduler parameters. */
#define ARINC653_MAX_DOMAINS_PER_SCHEDULE 64

struct xen_sysctl_arinc653_schedule {
    uint64_aligned_t major_frame;
    uint8_t num_sched_entries;
    struct {
        xen_domain_handle_t dom_handle;
        uint32_t vcpu_id;
        uint64_aligned_t runtime;
    } sched_entries[ARINC653_MAX_DOMAINS_PER_SCHEDULE];
};
typedef struct xen_sysctl_arinc653_schedule xen_sysctl_arinc653_schedule_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_arinc653_schedule_t);

#define XEN_SYSCTL_SCHED_RATELIMIT_MAX 500000
#define XEN_SYSCTL_SCHED_RATELIMIT_MIN 100

struct xen_sysctl_credit_schedule {
#define XEN_SYSCTL_CSCHED_TSLICE_MAX 1000
#define XEN_SYSCTL_CSCHED_TSLICE_MIN 1
    uint32_t tslice_ms;
    uint32_t ratelimit_us;
#define XEN_SYSCTL_CSCHED_MGR_DLY_MAX_US (100 * 1000)
    uint32_t vcpu_migr_delay_us;
};

struct xen_sysctl_credit2_schedule {
    uint32_t ratelimit_us;
};

#define XEN_SYSCTL_SCHEDOP_putinfo 0
#define XEN_SYSCTL_SCHEDOP_getinfo 1

struct xen_sysctl_scheduler_op {
    uint32_t cpupool_id;
    uint32_t sched_id;
    uint32_t cmd;                       /* XEN_SYSCTL_SCHEDOP_* */
    union {
        struct xen_sysctl_sched_arinc653 {
            XEN_GUEST_HANDLE_64(xen_sysctl_arinc653_schedule_t) schedule;
        } sched_arinc653;
        struct xen_sysctl_credit_schedule sched_credit;
        struct xen_sysctl_credit2_schedule sched_credit2;
    } u;
};

/* XEN_SYSCTL_coverage_op: gcov data of the hypervisor. */
#define XEN_GCOV_FORMAT_MAGIC       0x58434f56  /* "XCOV" */
#define XEN_SYSCTL_COVERAGE_get_size 0
#define XEN_SYSCTL_COVERAGE_read     1
#define XEN_SYSCTL_COVERAGE_reset    2

struct xen_sysctl_coverage_op {
    uint32_t cmd;
    uint32_t size;                      /* IN/OUT */
    XEN_GUEST_HANDLE_64(char) buffer;
};

/* XEN_SYSCTL_psr_cmt_op: cache monitoring facts. */
#define XEN_SYSCTL_PSR_CMT_get_total_rmid          0
#define XEN_SYSCTL_PSR_CMT_get_l3_upscaling_factor 1
#define XEN_SYSCTL_PSR_CMT_get_l3_cache_size       2
#define XEN_SYSCTL_PSR_CMT_enabled                 3
#define XEN_SYSCTL_PSR_CMT_get_l3_event_mask       4

struct xen_sysctl_psr_cmt_op {
    uint32_t cmd;
    uint32_t flags;
    union {
        uint64_t data;                  /* OUT */
        struct {
            uint32_t cpu;               /* IN */
            uint32_t rsvd;
        } l3_cache;
    } u;
};

/* XEN_SYSCTL_pcitopoinfo: NUMA node of PCI devices. */
#define XEN_INVALID_DEV (XEN_INVALID_NODE_ID - 1)

struct xen_sysctl_pcitopoinfo {
    uint32_t num_devs;                  /* IN/OUT: progress */
    XEN_GUEST_HANDLE_64(physdev_pci_device_t) devs;
    XEN_GUEST_HANDLE_64(uint32) nodes;
};

/* XEN_SYSCTL_psr_alloc: allocation facts. */
#define XEN_SYSCTL_PSR_get_l3_info  0
#define XEN_SYSCTL_PSR_get_l2_info  1
#define XEN_SYSCTL_PSR_get_mba_info 2

struct xen_sysctl_psr_alloc {
    uint32_t cmd;
    uint32_t target;                    /* socket */
    union {
        struct {
            uint32_t cbm_len;
            uint32_t cos_max;
#define XEN_SYSCTL_PSR_CAT_L3_CDP (1u << 0)
            uint32_t flags;
        } cat_info;
        struct {
            uint32_t thrtl_max;
            uint32_t cos_max;
#define XEN_SYSCTL_PSR_MBA_LINEAR (1u << 0)
            uint32_t flags;
        } mba_info;
    } u;
};

/* XEN_SYSCTL_get_cpu_levelling_caps */
struct xen_sysctl_cpu_levelling_caps {
#define XEN_SYSCTL_CPU_LEVELCAP_faulting    (1ul << 0)
#define XEN_SYSCTL_CPU_LEVELCAP_ecx         (1ul << 1)
#define XEN_SYSCTL_CPU_LEVELCAP_edx         (1ul << 2)
#define XEN_SYSCTL_CPU_LEVELCAP_extd_ecx    (1ul << 3)
#define XEN_SYSCTL_CPU_LEVELCAP_extd_edx    (1ul << 4)
#define XEN_SYSCTL_CPU_LEVELCAP_xsave_eax   (1ul << 5)
#define XEN_SYSCTL_CPU_LEVELCAP_thermal_ecx (1ul << 6)
#define XEN_SYSCTL_CPU_LEVELCAP_l7s0_eax    (1ul << 7)
#define XEN_SYSCTL_CPU_LEVELCAP_l7s0_ebx    (1ul << 8)
    uint32_t caps;
};

/* XEN_SYSCTL_get_cpu_featureset */
struct xen_sysctl_cpu_featureset {
#define XEN_SYSCTL_cpu_featureset_raw     0
#define XEN_SYSCTL_cpu_featureset_host    1
#define XEN_SYSCTL_cpu_featureset_pv      2
#define XEN_SYSCTL_cpu_featureset_hvm     3
#define XEN_SYSCTL_cpu_featureset_pv_max  4
#define XEN_SYSCTL_cpu_featureset_hvm_max 5
    uint32_t index;
    uint32_t nr_features;               /* IN/OUT */
    XEN_GUEST_HANDLE_64(uint32) features;
};

/* XEN_SYSCTL_livepatch_op: load, list and apply hypervisor patches. */
#define LIVEPATCH_PAYLOAD_VERSION 2

#ifdef __XEN__
/* In-payload descriptions, read by the hypervisor only. */
#define LIVEPATCH_OPAQUE_SIZE 31

struct livepatch_expectation {
    __xen_extension uint8_t enabled : 1;
    __xen_extension uint8_t len : 5;    /* bytes of data to compare */
    __xen_extension uint8_t rsv : 2;
    uint8_t data[LIVEPATCH_OPAQUE_SIZE];
};
typedef struct livepatch_expectation livepatch_expectation_t;

typedef enum livepatch_func_state {
    LIVEPATCH_FUNC_NOT_APPLIED = 0,
    LIVEPATCH_FUNC_APPLIED = 1
} livepatch_func_state_t;

struct livepatch_func {
    const char *name;
    void *new_addr;
    void *old_addr;
    uint32_t new_size;
    uint32_t old_size;
    uint8_t version;                    /* LIVEPATCH_PAYLOAD_VERSION */
    uint8_t _pad[39];
    livepatch_expectation_t expect;
};
typedef struct livepatch_func livepatch_func_t;
#endif

#define XEN_LIVEPATCH_NAME_SIZE 128

struct xen_livepatch_name {
    XEN_GUEST_HANDLE_64(char) name;
    uint16_t size;                      /* including the NUL */
    uint16_t pad[3];
};

#define XEN_SYSCTL_LIVEPATCH_UPLOAD 0
struct xen_sysctl_livepatch_upload {
    struct xen_livepatch_name name;
    uint64_t size;
    XEN_GUEST_HANDLE_64(uint8) payload; /* ELF object */
};

#define XEN_SYSCTL_LIVEPATCH_GET 1
struct xen_livepatch_status {
#define LIVEPATCH_STATE_CHECKED 1
#define LIVEPATCH_STATE_APPLIED 2
    uint32_t state;
    int32_t rc;
};
typedef struct xen_livepatch_status xen_livepatch_status_t;
DEFINE_XEN_GUEST_HANDLE(xen_livepatch_status_t);

struct xen_sysctl_livepatch_get {
    struct xen_livepatch_name name;     /* IN */
    struct xen_livepatch_status status; /* OUT */
};

#define XEN_SYSCTL_LIVEPATCH_LIST 2
struct xen_sysctl_livepatch_list {
    uint32_t version;                   /* OUT: changes if list changed */
    uint32_t idx;                       /* IN: first entry */
    uint32_t nr;                        /* IN/OUT */
    uint32_t pad;
    uint32_t name_total_size;           /* OUT */
    uint32_t metadata_total_size;       /* OUT */
    XEN_GUEST_HANDLE_64(xen_livepatch_status_t) status;
    XEN_GUEST_HANDLE_64(char) name;
    XEN_GUEST_HANDLE_64(uint32) len;
    XEN_GUEST_HANDLE_64(char) metadata;
    XEN_GUEST_HANDLE_64(uint32) metadata_len;
};

#define XEN_SYSCTL_LIVEPATCH_ACTION 3
struct xen_sysctl_livepatch_action {
    struct xen_livepatch_name name;
#define LIVEPATCH_ACTION_UNLOAD  1
#define LIVEPATCH_ACTION_REVERT  2
#define LIVEPATCH_ACTION_APPLY   3
#define LIVEPATCH_ACTION_REPLACE 4
    uint32_t cmd;
    uint32_t timeout;                   /* ns; 0 = default */
#define LIVEPATCH_ACTION_APPLY_NODEPS (1 << 0)
    uint32_t flags;
    uint32_t pad;
};

struct xen_sysctl_livepatch_op {
    uint32_t cmd;                       /* XEN_SYSCTL_LIVEPATCH_* */
    uint32_t pad;
    union {
        struct xen_sysctl_livepatch_upload upload;
        struct xen_sysctl_livepatch_list list;
        struct xen_sysctl_livepatch_get get;
        struct xen_sysctl_livepatch_action action;
    } u;
};

/* XEN_SYSCTL_get_cpu_policy: the host's CPUID/MSR policies. */
struct xen_sysctl_cpu_policy {
#define XEN_SYSCTL_cpu_policy_raw         0
#define XEN_SYSCTL_cpu_policy_host        1
#define XEN_SYSCTL_cpu_policy_pv_max      2
#define XEN_SYSCTL_cpu_policy_hvm_max     3
#define XEN_SYSCTL_cpu_policy_pv_default  4
#define XEN_SYSCTL_cpu_policy_hvm_default 5
    uint32_t index;
    uint32_t nr_leaves;                 /* IN/OUT */
    uint32_t nr_msrs;                   /* IN/OUT */
    uint32_t _rsvd;
    XEN_GUEST_HANDLE_64(xen_cpuid_leaf_t) leaves;
    XEN_GUEST_HANDLE_64(xen_msr_entry_t) msrs;
};
typedef struct xen_sysctl_cpu_policy xen_sysctl_cpu_policy_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_cpu_policy_t);

struct xen_sysctl {
    uint32_t cmd;
#define XEN_SYSCTL_readconsole             1
#define XEN_SYSCTL_tbuf_op                 2
#define XEN_SYSCTL_physinfo                3
#define XEN_SYSCTL_sched_id                4
#define XEN_SYSCTL_perfc_op                5
#define XEN_SYSCTL_getdomaininfolist       6
#define XEN_SYSCTL_debug_keys              7
#define XEN_SYSCTL_getcpuinfo              8
#define XEN_SYSCTL_availheap               9
#define XEN_SYSCTL_get_pmstat              10
#define XEN_SYSCTL_cpu_hotplug             11
#define XEN_SYSCTL_pm_op                   12
#define XEN_SYSCTL_page_offline_op         14
#define XEN_SYSCTL_lockprof_op             15
#define XEN_SYSCTL_cputopoinfo             16
#define XEN_SYSCTL_numainfo                17
#define XEN_SYSCTL_cpupool_op              18
#define XEN_SYSCTL_scheduler_op            19
#define XEN_SYSCTL_coverage_op             20
#define XEN_SYSCTL_psr_cmt_op              21
#define XEN_SYSCTL_pcitopoinfo             22
#define XEN_SYSCTL_psr_alloc               23
#define XEN_SYSCTL_get_cpu_levelling_caps  25
#define XEN_SYSCTL_get_cpu_featureset      26
#define XEN_SYSCTL_livepatch_op            27
#define XEN_SYSCTL_get_cpu_policy          29
    uint32_t interface_version;         /* XEN_SYSCTL_INTERFACE_VERSION */
    union {
        struct xen_sysctl_readconsole readconsole;
        struct xen_sysctl_tbuf_op tbuf_op;
        struct xen_sysctl_physinfo physinfo;
        struct xen_sysctl_cputopoinfo cputopoinfo;
        struct xen_sysctl_pcitopoinfo pcitopoinfo;
        struct xen_sysctl_numainfo numainfo;
        struct xen_sysctl_sched_id sched_id;
        struct xen_sysctl_perfc_op perfc_op;
        struct xen_sysctl_getdomaininfolist getdomaininfolist;
        struct xen_sysctl_debug_keys debug_keys;
        struct xen_sysctl_getcpuinfo getcpuinfo;
        struct xen_sysctl_availheap availheap;
        struct xen_sysctl_get_pmstat get_pmstat;
        struct xen_sysctl_cpu_hotplug cpu_hotplug;
        struct xen_sysctl_pm_op pm_op;
        struct xen_sysctl_page_offline_op page_offline;
        struct xen_sysctl_lockprof_op lockprof_op;
        struct xen_sysctl_cpupool_op cpupool_op;
        struct xen_sysctl_scheduler_op scheduler_op;
        struct xen_sysctl_coverage_op coverage_op;
        struct xen_sysctl_psr_cmt_op psr_cmt_op;
        struct xen_sysctl_psr_alloc psr_alloc;
        struct xen_sysctl_cpu_levelling_caps cpu_levelling_caps;
        struct xen_sysctl_cpu_featureset cpu_featureset;
        struct xen_sysctl_livepatch_op livepatch;
        struct xen_sysctl_cpu_policy cpu_policy;
        uint8_t pad[128];               /* fixes the size */
    } u;
};
typedef struct xen_sysctl xen_sysctl_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_t);

#endif /* __XEN_PUBLIC_SYSCTL_H__ */
