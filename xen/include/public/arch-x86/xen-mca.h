/* SPDX-License-Identifier: MIT */
/* Machine-check hypercall: telemetry records Xen hands to dom0, injection. */

/* Types and handles come from the main headers. */
#include "../xen.h"

#ifndef __XEN_PUBLIC_ARCH_X86_MCA_H__
#define __XEN_PUBLIC_ARCH_X86_MCA_H__

/* The MCA hypercall is x86's first architecture-specific one. */
#define __HYPERVISOR_mca __HYPERVISOR_arch_0

#define XEN_MCA_INTERFACE_VERSION 0x01ecc003

/* xen_mc_fetch.flags: which queue, and acknowledge a fetched record. */
#define XEN_MC_NONURGENT 0x0001
#define XEN_MC_URGENT    0x0002
#define XEN_MC_ACK       0x0004

/* Result flags, returned in flags. */
#define XEN_MC_OK           0x0
#define XEN_MC_FETCHFAILED  0x1
#define XEN_MC_NODATA       0x2
#define XEN_MC_NOMATCH      0x4
#define XEN_MC_CANNOTHANDLE 0x8
#define XEN_MC_NOTDELIVERED 0x10

#define XEN_MC_VCPUID_INVALID 0xffff

#ifndef __ASSEMBLY__

/* Raised in dom0 when telemetry is waiting. */
#define VIRQ_MCA VIRQ_ARCH_0

/*
 * A telemetry record (struct mc_info) is a sequence of entries, each
 * starting with mcinfo_common; 'size' is the entry's size in bytes,
 * so a reader can skip types it does not know.
 */
#define MC_TYPE_GLOBAL   0
#define MC_TYPE_BANK     1
#define MC_TYPE_EXTENDED 2
#define MC_TYPE_RECOVERY 3

struct mcinfo_common {
    uint16_t type;              /* MC_TYPE_* */
    uint16_t size;
};
typedef struct mcinfo_common xen_mcinfo_common_t;

#define MC_FLAG_CORRECTABLE   (1 << 0)
#define MC_FLAG_UNCORRECTABLE (1 << 1)
#define MC_FLAG_RECOVERABLE   (1 << 2)
#define MC_FLAG_POLLED        (1 << 3)
#define MC_FLAG_RESET         (1 << 4)
#define MC_FLAG_CMCI          (1 << 5)
#define MC_FLAG_MCE           (1 << 6)

/* Where and how the event happened. */
struct mcinfo_global {
    xen_mcinfo_common_t common;
    uint16_t mc_domid;          /* affected domain, if known */
    uint16_t mc_vcpuid;
    uint32_t mc_socketid;
    uint16_t mc_coreid;
    uint16_t mc_core_threadid;
    uint32_t mc_apicid;
    uint32_t mc_flags;          /* MC_FLAG_* */
    uint64_t mc_gstatus;        /* MCG_STATUS */
};

/* One bank's registers. */
struct mcinfo_bank {
    xen_mcinfo_common_t common;
    uint16_t mc_bank;
    uint16_t mc_domid;          /* owner of mc_addr, if known */
    uint64_t mc_status;
    uint64_t mc_addr;           /* machine address (if ADDRV) */
    uint64_t mc_misc;
    uint64_t mc_ctrl2;
    uint64_t mc_tsc;
};

struct mcinfo_msr {
    uint64_t reg;
    uint64_t value;
};
typedef struct mcinfo_msr xen_mcinfo_msr_t;

/* Extra MSRs captured with the event. */
struct mcinfo_extended {
    xen_mcinfo_common_t common;
    uint32_t mc_msrs;           /* valid entries */
    xen_mcinfo_msr_t mc_msr[32];
};

/* What Xen did about it. */
#define REC_ACTION_RECOVERED   (0x1 << 0)
#define REC_ACTION_NONE        (0x1 << 1)
#define REC_ACTION_NEED_RESET  (0x1 << 2)

#define MC_ACTION_PAGE_OFFLINE (0x1 << 0)
#define MC_ACTION_CPU_OFFLINE  (0x1 << 1)
#define MC_ACTION_CACHE_SHRINK (0x1 << 2)

struct page_offline_action {
    uint64_t mfn;
    uint64_t status;
};
typedef struct page_offline_action xen_page_offline_action_t;

struct cpu_offline_action {
    uint32_t mc_socketid;
    uint16_t mc_coreid;
    uint16_t mc_core_threadid;
};
typedef struct cpu_offline_action xen_cpu_offline_action_t;

#define MAX_UNION_SIZE 16
struct mcinfo_recovery {
    xen_mcinfo_common_t common;
    uint16_t mc_bank;
    uint8_t action_flags;       /* REC_ACTION_* */
    uint8_t action_types;       /* MC_ACTION_* */
    union {
        xen_page_offline_action_t page_retire;
        xen_cpu_offline_action_t cpu_offline;
        uint8_t pad[MAX_UNION_SIZE];
    } action_info;
};

#define MCINFO_HYPERCALLSIZE    1024
#define MCINFO_MAXSIZE          768

#define MCINFO_FLAGS_UNCOMPLETE 0x1

/* One record: mi_nentries entries packed into mi_data. */
struct mc_info {
    uint32_t mi_nentries;
    uint32_t flags;
    uint64_t mi_data[(MCINFO_MAXSIZE - 1) / 8];
};
typedef struct mc_info mc_info_t;
DEFINE_XEN_GUEST_HANDLE(mc_info_t);

#define __MC_MSR_ARRAYSIZE 8
#if __XEN_INTERFACE_VERSION__ <= 0x00040d00
#define __MC_NMSRS 1
#endif

/* Indexes into mc_cpu_caps (CPUID words). */
#define MC_NCAPS        7
#define MC_CAPS_STD_EDX 0
#define MC_CAPS_AMD_EDX 1
#define MC_CAPS_TM      2
#define MC_CAPS_LINUX   3
#define MC_CAPS_STD_ECX 4
#define MC_CAPS_VIA     5
#define MC_CAPS_AMD_ECX 6

/* Description of one physical cpu (XEN_MC_physcpuinfo). */
struct mcinfo_logical_cpu {
    uint32_t mc_cpunr;
    uint32_t mc_chipid;
    uint16_t mc_coreid;
    uint16_t mc_threadid;
    uint32_t mc_apicid;
    uint32_t mc_clusterid;
    uint32_t mc_ncores;
    uint32_t mc_ncores_active;
    uint32_t mc_nthreads;
    int32_t mc_cpuid_level;
    uint32_t mc_family;
    uint32_t mc_vendor;
    uint32_t mc_model;
    uint32_t mc_step;
    char mc_vendorid[16];
    char mc_brandid[64];
    uint32_t mc_cpu_caps[MC_NCAPS];
    uint32_t mc_cache_size;
    uint32_t mc_cache_alignment;
    int32_t mc_nmsrvals;
    xen_mcinfo_msr_t mc_msrvalues[__MC_MSR_ARRAYSIZE];
};
typedef struct mcinfo_logical_cpu xen_mc_logical_cpu_t;
DEFINE_XEN_GUEST_HANDLE(xen_mc_logical_cpu_t);

/* Walking the entries of a struct mc_info. */
#define x86_mcinfo_nentries(_mi) ((_mi)->mi_nentries)
#define x86_mcinfo_first(_mi) ((struct mcinfo_common *)(_mi)->mi_data)
#define x86_mcinfo_next(_mic) \
    ((struct mcinfo_common *)((uint8_t *)(_mic) + (_mic)->size))

/* Set _ret to the first entry of type _type in _mi, or NULL. */
#define x86_mcinfo_lookup(_ret, _mi, _type) do {                          \
    uint32_t i_;                                                          \
    struct mcinfo_common *mic_;                                           \
                                                                          \
    (_ret) = NULL;                                                        \
    if ( (_mi) == NULL )                                                  \
        break;                                                            \
    mic_ = x86_mcinfo_first(_mi);                                         \
    for ( i_ = 0; i_ < x86_mcinfo_nentries(_mi); i_++ )                   \
    {                                                                     \
        if ( mic_->type == (_type) )                                      \
        {                                                                 \
            (_ret) = mic_;                                                \
            break;                                                        \
        }                                                                 \
        mic_ = x86_mcinfo_next(mic_);                                     \
    }                                                                     \
} while ( 0 )

/* Fetch (and later acknowledge by fetch_id) a telemetry record. */
#define XEN_MC_fetch 1
struct xen_mc_fetch {
    uint32_t flags;             /* IN: XEN_MC_*URGENT, XEN_MC_ACK */
    uint32_t _pad0;
    uint64_t fetch_id;          /* OUT on fetch, IN on ack */
    XEN_GUEST_HANDLE(mc_info_t) data;
};
typedef struct xen_mc_fetch xen_mc_fetch_t;
DEFINE_XEN_GUEST_HANDLE(xen_mc_fetch_t);

/* Forward an error to the affected domain's vcpu. */
#define XEN_MC_notifydomain 2
struct xen_mc_notifydomain {
    uint16_t mc_domid;
    uint16_t mc_vcpuid;
    uint32_t flags;             /* OUT: XEN_MC_OK / NOTDELIVERED ... */
};
typedef struct xen_mc_notifydomain xen_mc_notifydomain_t;
DEFINE_XEN_GUEST_HANDLE(xen_mc_notifydomain_t);

#define XEN_MC_physcpuinfo 3
struct xen_mc_physcpuinfo {
    uint32_t ncpus;             /* IN/OUT; null info: query */
    uint32_t _pad0;
    XEN_GUEST_HANDLE(xen_mc_logical_cpu_t) info;
};
typedef struct xen_mc_physcpuinfo xen_mc_physcpuinfo_t;

/* Testing: load MSR values to be seen by the next MCE handler. */
#define XEN_MC_msrinject 4
#define MC_MSRINJ_MAXMSRS 8
struct xen_mc_msrinject {
    uint32_t mcinj_cpunr;
    uint32_t mcinj_flags;       /* MC_MSRINJ_F_* */
    uint32_t mcinj_count;
    domid_t mcinj_domid;        /* for MC_MSRINJ_F_GPADDR */
    uint16_t _pad0;
    xen_mcinfo_msr_t mcinj_msr[MC_MSRINJ_MAXMSRS];
};
typedef struct xen_mc_msrinject xen_mc_msrinject_t;

#define MC_MSRINJ_F_INTERPOSE 0x1   /* fake the values, not the hardware */
#define MC_MSRINJ_F_GPADDR    0x2   /* MCi_ADDR values are guest addresses */

/* Testing: raise #MC on a cpu. */
#define XEN_MC_mceinject 5
struct xen_mc_mceinject {
    unsigned int mceinj_cpunr;
};
typedef struct xen_mc_mceinject xen_mc_mceinject_t;

#if defined(__XEN__) || defined(__XEN_TOOLS__)
#define XEN_MC_inject_v2 6
#define XEN_MC_INJECT_TYPE_MASK     0x7
#define XEN_MC_INJECT_TYPE_MCE      0x0
#define XEN_MC_INJECT_TYPE_CMCI     0x1
#define XEN_MC_INJECT_TYPE_LMCE     0x2
#define XEN_MC_INJECT_CPU_BROADCAST 0x8

struct xen_mc_inject_v2 {
    uint32_t flags;
    xenctl_bitmap_t cpumap;
};
typedef struct xen_mc_inject_v2 xen_mc_inject_v2_t;
#endif

struct xen_mc {
    uint32_t cmd;               /* XEN_MC_* */
    uint32_t interface_version; /* XEN_MCA_INTERFACE_VERSION */
    union {
        xen_mc_fetch_t mc_fetch;
        xen_mc_notifydomain_t mc_notifydomain;
        xen_mc_physcpuinfo_t mc_physcpuinfo;
        xen_mc_msrinject_t mc_msrinject;
        xen_mc_mceinject_t mc_mceinject;
#if defined(__XEN__) || defined(__XEN_TOOLS__)
        xen_mc_inject_v2_t mc_inject_v2;
#endif
    } u;
};
typedef struct xen_mc xen_mc_t;
DEFINE_XEN_GUEST_HANDLE(xen_mc_t);

#endif /* !__ASSEMBLY__ */

#endif /* __XEN_PUBLIC_ARCH_X86_MCA_H__ */
