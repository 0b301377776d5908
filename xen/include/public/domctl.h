/* SPDX-License-Identifier: MIT */
/* domctl hypercall: per-domain management operations for the toolstack. */

#ifndef __XEN_PUBLIC_DOMCTL_H__
#define __XEN_PUBLIC_DOMCTL_H__

#if !defined(__XEN__) && !defined(__XEN_TOOLS__)
#error "domctl is a toolstack interface: define __XEN_TOOLS__ to use it."
#endif

#include "xen.h"
#include "event_channel.h"
#include "grant_table.h"
#include "hvm/save.h"
#include "memory.h"

/*
 * HYPERVISOR_domctl(struct xen_domctl *).  Unlike the guest ABI this
 * interface is not stable: the caller puts XEN_DOMCTL_INTERFACE_VERSION
 * in interface_version and Xen refuses any other value.  All fields are
 * 64-bit aligned so that 32- and 64-bit toolstacks share one layout.
 * The structure is a call argument: Xen reads it, runs the operation on
 * 'domain', and copies OUT fields back before returning.
 */
#define XEN_DOMCTL_INTERFACE_VERSION 0x00000015

/* XEN_DOMCTL_createdomain: IN everything; 'domain' IN (0 = pick) / OUT. */
struct xen_domctl_createdomain {
    uint32_t ssidref;                   /* security label */
    xen_domain_handle_t handle;         /* toolstack's UUID */
#define _XEN_DOMCTL_CDF_hvm           0
#define XEN_DOMCTL_CDF_hvm            (1U << _XEN_DOMCTL_CDF_hvm)
#define _XEN_DOMCTL_CDF_hap           1
#define XEN_DOMCTL_CDF_hap            (1U << _XEN_DOMCTL_CDF_hap)
#define _XEN_DOMCTL_CDF_s3_integrity  2
#define XEN_DOMCTL_CDF_s3_integrity   (1U << _XEN_DOMCTL_CDF_s3_integrity)
#define _XEN_DOMCTL_CDF_oos_off       3
#define XEN_DOMCTL_CDF_oos_off        (1U << _XEN_DOMCTL_CDF_oos_off)
#define _XEN_DOMCTL_CDF_xs_domain     4
#define XEN_DOMCTL_CDF_xs_domain      (1U << _XEN_DOMCTL_CDF_xs_domain)
#define _XEN_DOMCTL_CDF_iommu         5
#define XEN_DOMCTL_CDF_iommu          (1U << _XEN_DOMCTL_CDF_iommu)
#define _XEN_DOMCTL_CDF_nested_virt   6
#define XEN_DOMCTL_CDF_nested_virt    (1U << _XEN_DOMCTL_CDF_nested_virt)
#define XEN_DOMCTL_CDF_vpmu           (1U << 7)
#define XEN_DOMCTL_CDF_MAX            XEN_DOMCTL_CDF_vpmu
    uint32_t flags;                     /* XEN_DOMCTL_CDF_* */
#define _XEN_DOMCTL_IOMMU_no_sharept  0
#define XEN_DOMCTL_IOMMU_no_sharept   (1U << _XEN_DOMCTL_IOMMU_no_sharept)
#define XEN_DOMCTL_IOMMU_MAX          XEN_DOMCTL_IOMMU_no_sharept
    uint32_t iommu_opts;
    uint32_t max_vcpus;
    uint32_t max_evtchn_port;
    int32_t max_grant_frames;           /* -1: the host default */
    int32_t max_maptrack_frames;        /* -1: the host default */
/* Highest grant table version the guest may select. */
#define XEN_DOMCTL_GRANT_version_mask 0xf
#define XEN_DOMCTL_GRANT_version(v)   ((v) & XEN_DOMCTL_GRANT_version_mask)
    uint32_t grant_opts;
    uint32_t vmtrace_size;              /* per-vcpu trace buffer bytes */
    uint32_t cpupool_id;
    struct xen_arch_domainconfig arch;
};

/* XEN_DOMCTL_getdomaininfo: all OUT. */
struct xen_domctl_getdomaininfo {
    domid_t domain;                     /* the domain described */
    uint16_t pad1;
#define _XEN_DOMINF_dying     0
#define XEN_DOMINF_dying      (1U << _XEN_DOMINF_dying)
#define _XEN_DOMINF_hvm_guest 1
#define XEN_DOMINF_hvm_guest  (1U << _XEN_DOMINF_hvm_guest)
#define _XEN_DOMINF_shutdown  2
#define XEN_DOMINF_shutdown   (1U << _XEN_DOMINF_shutdown)
#define _XEN_DOMINF_paused    3
#define XEN_DOMINF_paused     (1U << _XEN_DOMINF_paused)
#define _XEN_DOMINF_blocked   4
#define XEN_DOMINF_blocked    (1U << _XEN_DOMINF_blocked)
#define _XEN_DOMINF_running   5
#define XEN_DOMINF_running    (1U << _XEN_DOMINF_running)
#define _XEN_DOMINF_debugged  6
#define XEN_DOMINF_debugged   (1U << _XEN_DOMINF_debugged)
#define _XEN_DOMINF_xs_domain 7
#define XEN_DOMINF_xs_domain  (1U << _XEN_DOMINF_xs_domain)
#define _XEN_DOMINF_hap       8
#define XEN_DOMINF_hap        (1U << _XEN_DOMINF_hap)
/* The SHUTDOWN_* reason sits in flags bits 23:16. */
#define XEN_DOMINF_shutdownmask  255
#define XEN_DOMINF_shutdownshift 16
    uint32_t flags;
    uint64_aligned_t tot_pages;
    uint64_aligned_t max_pages;
    uint64_aligned_t outstanding_pages;
    uint64_aligned_t shr_pages;
    uint64_aligned_t paged_pages;
    uint64_aligned_t shared_info_frame;
    uint64_aligned_t cpu_time;          /* ns */
    uint32_t nr_online_vcpus;
#define XEN_INVALID_MAX_VCPU_ID (~0U)   /* domain has no vcpus yet */
    uint32_t max_vcpu_id;
    uint32_t ssidref;
    xen_domain_handle_t handle;
    uint32_t cpupool;
    uint8_t gpaddr_bits;                /* guest physical address width */
    uint8_t pad2[7];
    struct xen_arch_domainconfig arch_config;
};
typedef struct xen_domctl_getdomaininfo xen_domctl_getdomaininfo_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_getdomaininfo_t);

/*
 * XEN_DOMCTL_getpageframeinfo3: the caller passes frame numbers in
 * array; Xen replaces the top four bits of each with its type.
 */
#define XEN_DOMCTL_PFINFO_LTAB_SHIFT    28
#define XEN_DOMCTL_PFINFO_NOTAB         (0x0U << 28)
#define XEN_DOMCTL_PFINFO_L1TAB         (0x1U << 28)
#define XEN_DOMCTL_PFINFO_L2TAB         (0x2U << 28)
#define XEN_DOMCTL_PFINFO_L3TAB         (0x3U << 28)
#define XEN_DOMCTL_PFINFO_L4TAB         (0x4U << 28)
#define XEN_DOMCTL_PFINFO_LTABTYPE_MASK (0x7U << 28)
#define XEN_DOMCTL_PFINFO_LPINTAB       (0x1U << 31)  /* pinned */
#define XEN_DOMCTL_PFINFO_XTAB          (0xfU << 28)  /* invalid frame */
#define XEN_DOMCTL_PFINFO_XALLOC        (0xeU << 28)  /* allocate-only */
#define XEN_DOMCTL_PFINFO_BROKEN        (0xdU << 28)  /* broken page */
#define XEN_DOMCTL_PFINFO_LTAB_MASK     (0xfU << 28)

struct xen_domctl_getpageframeinfo3 {
    uint64_aligned_t num;                       /* IN */
    XEN_GUEST_HANDLE_64(xen_pfn_t) array;       /* IN/OUT */
};

/* XEN_DOMCTL_shadow_op: paging assistance and log-dirty control. */
#define XEN_DOMCTL_SHADOW_OP_OFF             0
#define XEN_DOMCTL_SHADOW_OP_ENABLE          32
#define XEN_DOMCTL_SHADOW_OP_CLEAN           11  /* read and clear bitmap */
#define XEN_DOMCTL_SHADOW_OP_PEEK            12  /* read bitmap only */
#define XEN_DOMCTL_SHADOW_OP_GET_ALLOCATION  30
#define XEN_DOMCTL_SHADOW_OP_SET_ALLOCATION  31
#define XEN_DOMCTL_SHADOW_OP_ENABLE_TEST     1
#define XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY 2

#define XEN_DOMCTL_SHADOW_ENABLE_REFCOUNT  (1 << 1)
#define XEN_DOMCTL_SHADOW_ENABLE_LOG_DIRTY (1 << 2)
#define XEN_DOMCTL_SHADOW_ENABLE_TRANSLATE (1 << 3)
#define XEN_DOMCTL_SHADOW_ENABLE_EXTERNAL  (1 << 4)

/* CLEAN/PEEK mode flag: last pass of a migration. */
#define XEN_DOMCTL_SHADOW_LOGDIRTY_FINAL   (1 << 0)

struct xen_domctl_shadow_op_stats {
    uint32_t fault_count;
    uint32_t dirty_count;
};

struct xen_domctl_shadow_op {
    uint32_t op;                        /* IN: XEN_DOMCTL_SHADOW_OP_* */
    uint32_t mode;                      /* IN: ENABLE flags / LOGDIRTY_* */
    uint32_t mb;                        /* IN/OUT: shadow pool size */
    XEN_GUEST_HANDLE_64(uint8) dirty_bitmap;    /* OUT */
    uint64_aligned_t pages;             /* IN: bitmap size / OUT: done */
    struct xen_domctl_shadow_op_stats stats;    /* OUT */
};

/* XEN_DOMCTL_max_mem */
struct xen_domctl_max_mem {
    uint64_aligned_t max_memkb;
};

/* XEN_DOMCTL_setvcpucontext / XEN_DOMCTL_getvcpucontext */
struct xen_domctl_vcpucontext {
    uint32_t vcpu;
    XEN_GUEST_HANDLE_64(vcpu_guest_context_t) ctxt;
};

/* XEN_DOMCTL_getvcpuinfo */
struct xen_domctl_getvcpuinfo {
    uint32_t vcpu;                      /* IN */
    uint8_t online;                     /* OUT */
    uint8_t blocked;                    /* OUT */
    uint8_t running;                    /* OUT */
    uint64_aligned_t cpu_time;          /* OUT: ns */
    uint32_t cpu;                       /* OUT: current pcpu */
};

/* XEN_DOMCTL_setnodeaffinity / XEN_DOMCTL_getnodeaffinity */
struct xen_domctl_nodeaffinity {
    struct xenctl_bitmap nodemap;
};

/* XEN_DOMCTL_setvcpuaffinity / XEN_DOMCTL_getvcpuaffinity */
struct xen_domctl_vcpuaffinity {
    uint32_t vcpu;
#define _XEN_VCPUAFFINITY_HARD  0
#define XEN_VCPUAFFINITY_HARD   (1U << _XEN_VCPUAFFINITY_HARD)
#define _XEN_VCPUAFFINITY_SOFT  1
#define XEN_VCPUAFFINITY_SOFT   (1U << _XEN_VCPUAFFINITY_SOFT)
#define _XEN_VCPUAFFINITY_FORCE 2
#define XEN_VCPUAFFINITY_FORCE  (1U << _XEN_VCPUAFFINITY_FORCE)
    uint32_t flags;
    struct xenctl_bitmap cpumap_hard;   /* IN/OUT */
    struct xenctl_bitmap cpumap_soft;   /* IN/OUT */
};

/* XEN_DOMCTL_max_vcpus */
struct xen_domctl_max_vcpus {
    uint32_t max;
};

/* XEN_DOMCTL_scheduler_op */
#define XEN_SCHEDULER_CREDIT   5
#define XEN_SCHEDULER_CREDIT2  6
#define XEN_SCHEDULER_ARINC653 7
#define XEN_SCHEDULER_RTDS     8
#define XEN_SCHEDULER_NULL     9

struct xen_domctl_sched_credit {
    uint16_t weight;
    uint16_t cap;
};

struct xen_domctl_sched_credit2 {
    uint16_t weight;
    uint16_t cap;
};

struct xen_domctl_sched_rtds {
    uint32_t period;                    /* us */
    uint32_t budget;                    /* us */
#define _XEN_DOMCTL_SCHEDRT_extra 0
#define XEN_DOMCTL_SCHEDRT_extra  (1U << _XEN_DOMCTL_SCHEDRT_extra)
    uint32_t flags;
};

typedef struct xen_domctl_schedparam_vcpu {
    union {
        struct xen_domctl_sched_credit credit;
        struct xen_domctl_sched_credit2 credit2;
        struct xen_domctl_sched_rtds rtds;
    } u;
    uint32_t vcpuid;
} xen_domctl_schedparam_vcpu_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_schedparam_vcpu_t);

#define XEN_DOMCTL_SCHEDOP_putinfo     0
#define XEN_DOMCTL_SCHEDOP_getinfo     1
#define XEN_DOMCTL_SCHEDOP_putvcpuinfo 2
#define XEN_DOMCTL_SCHEDOP_getvcpuinfo 3

struct xen_domctl_scheduler_op {
    uint32_t sched_id;                  /* XEN_SCHEDULER_* */
    uint32_t cmd;                       /* XEN_DOMCTL_SCHEDOP_* */
    union {
        struct xen_domctl_sched_credit credit;
        struct xen_domctl_sched_credit2 credit2;
        struct xen_domctl_sched_rtds rtds;
        struct {
            XEN_GUEST_HANDLE_64(xen_domctl_schedparam_vcpu_t) vcpus;
            uint32_t nr_vcpus;          /* IN/OUT: progress */
            uint32_t padding;
        } v;
    } u;
};

/* XEN_DOMCTL_setdomainhandle */
struct xen_domctl_setdomainhandle {
    xen_domain_handle_t handle;
};

/* XEN_DOMCTL_setdebugging */
struct xen_domctl_setdebugging {
    uint8_t enable;
};

/* XEN_DOMCTL_irq_permission */
struct xen_domctl_irq_permission {
    uint32_t pirq;
    uint8_t allow_access;
    uint8_t pad[3];
};

/* XEN_DOMCTL_iomem_permission */
struct xen_domctl_iomem_permission {
    uint64_aligned_t first_mfn;
    uint64_aligned_t nr_mfns;
    uint8_t allow_access;
};

/* XEN_DOMCTL_ioport_permission */
struct xen_domctl_ioport_permission {
    uint32_t first_port;
    uint32_t nr_ports;
    uint8_t allow_access;
};

/* XEN_DOMCTL_hypercall_init: write the hypercall page into gmfn. */
struct xen_domctl_hypercall_init {
    uint64_aligned_t gmfn;
};

/* XEN_DOMCTL_settimeoffset: HVM RTC offset from host time. */
struct xen_domctl_settimeoffset {
    int64_aligned_t time_offset_seconds;
};

/* XEN_DOMCTL_gethvmcontext / XEN_DOMCTL_sethvmcontext (see hvm/save.h) */
struct xen_domctl_hvmcontext {
    uint32_t size;                      /* IN/OUT; null buffer: query */
    XEN_GUEST_HANDLE_64(uint8) buffer;
};

/* XEN_DOMCTL_set_address_size / XEN_DOMCTL_get_address_size */
struct xen_domctl_address_size {
    uint32_t size;                      /* 32 or 64 (PV word size) */
};

/* XEN_DOMCTL_sendtrigger */
#define XEN_DOMCTL_SENDTRIGGER_NMI   0
#define XEN_DOMCTL_SENDTRIGGER_RESET 1
#define XEN_DOMCTL_SENDTRIGGER_INIT  2
#define XEN_DOMCTL_SENDTRIGGER_POWER 3
#define XEN_DOMCTL_SENDTRIGGER_SLEEP 4
struct xen_domctl_sendtrigger {
    uint32_t trigger;
    uint32_t vcpu;
};

/* XEN_DOMCTL_assign_device / test_assign_device / deassign_device */
#define XEN_DOMCTL_DEV_PCI 0
#define XEN_DOMCTL_DEV_DT  1
struct xen_domctl_assign_device {
    uint32_t dev;                       /* XEN_DOMCTL_DEV_* */
    uint32_t flags;
#define XEN_DOMCTL_DEV_RDM_RELAXED 1    /* tolerate reserved-region clash */
    union {
        struct {
            uint32_t machine_sbdf;
        } pci;
        struct {
            uint32_t size;              /* path length */
            XEN_GUEST_HANDLE_64(char) path;
#ifdef __XEN__
            struct dt_device_node *dev;
#endif
        } dt;
    } u;
};

/* XEN_DOMCTL_get_device_group: devices sharing an IOMMU context. */
struct xen_domctl_get_device_group {
    uint32_t machine_sbdf;              /* IN */
    uint32_t max_sdevs;                 /* IN */
    uint32_t num_sdevs;                 /* OUT */
    XEN_GUEST_HANDLE_64(uint32) sdev_array;     /* OUT */
};

/* XEN_DOMCTL_bind_pt_irq / XEN_DOMCTL_unbind_pt_irq */
enum pt_irq_type {
    PT_IRQ_TYPE_PCI = 0,
    PT_IRQ_TYPE_ISA = 1,
    PT_IRQ_TYPE_MSI = 2,
    PT_IRQ_TYPE_MSI_TRANSLATE = 3,
    PT_IRQ_TYPE_SPI = 4
};

struct xen_domctl_bind_pt_irq {
    uint32_t machine_irq;
    uint32_t irq_type;                  /* enum pt_irq_type */
    union {
        struct {
            uint8_t isa_irq;
        } isa;
        struct {
            uint8_t bus;
            uint8_t device;
            uint8_t intx;
        } pci;
        struct {
            uint8_t gvec;
            uint32_t gflags;
#define XEN_DOMCTL_VMSI_X86_DEST_ID_MASK 0x0000ff
#define XEN_DOMCTL_VMSI_X86_RH_MASK      0x000100
#define XEN_DOMCTL_VMSI_X86_DM_MASK      0x000200
#define XEN_DOMCTL_VMSI_X86_DELIV_MASK   0x007000
#define XEN_DOMCTL_VMSI_X86_TRIG_MASK    0x008000
#define XEN_DOMCTL_VMSI_X86_UNMASKED     0x010000
            uint64_aligned_t gtable;    /* MSI-X table address */
        } msi;
        struct {
            uint16_t spi;
        } spi;
    } u;
};

/* XEN_DOMCTL_memory_mapping: map machine frames into the p2m. */
#define DPCI_ADD_MAPPING    1
#define DPCI_REMOVE_MAPPING 0
struct xen_domctl_memory_mapping {
    uint64_aligned_t first_gfn;
    uint64_aligned_t first_mfn;
    uint64_aligned_t nr_mfns;
    uint32_t add_mapping;               /* DPCI_* */
    uint32_t padding;
};

/* XEN_DOMCTL_ioport_mapping */
struct xen_domctl_ioport_mapping {
    uint32_t first_gport;
    uint32_t first_mport;
    uint32_t nr_ports;
    uint32_t add_mapping;               /* DPCI_* */
};

/* Cache attributes (values as in the PAT). */
#define XEN_DOMCTL_MEM_CACHEATTR_UC  0
#define XEN_DOMCTL_MEM_CACHEATTR_WC  1
#define XEN_DOMCTL_MEM_CACHEATTR_WT  4
#define XEN_DOMCTL_MEM_CACHEATTR_WP  5
#define XEN_DOMCTL_MEM_CACHEATTR_WB  6
#define XEN_DOMCTL_MEM_CACHEATTR_UCM 7
#define XEN_DOMCTL_DELETE_MEM_CACHEATTR (~(uint32_t)0)

/* XEN_DOMCTL_set_ext_vcpucontext / XEN_DOMCTL_get_ext_vcpucontext */
struct xen_domctl_ext_vcpucontext {
    uint32_t vcpu;                      /* IN */
    uint32_t size;                      /* IN (set) / OUT (get) */
    uint64_aligned_t syscall32_callback_eip;
    uint64_aligned_t sysenter_callback_eip;
    uint16_t syscall32_callback_cs;
    uint16_t sysenter_callback_cs;
    uint8_t syscall32_disables_events;
    uint8_t sysenter_disables_events;
#if defined(__GNUC__)
    __xen_extension union {
        uint64_aligned_t mcg_cap;       /* older name of vmce.caps */
        struct hvm_vmce_vcpu vmce;
    };
#else
    struct hvm_vmce_vcpu vmce;
#endif
};

/* XEN_DOMCTL_set_target: let 'domain' manage 'target' (device model). */
struct xen_domctl_set_target {
    domid_t target;
};

/* XEN_DOMCTL_get_cpu_policy / XEN_DOMCTL_set_cpu_policy */
#define XEN_CPUID_INPUT_UNUSED 0xFFFFFFFF
struct xen_domctl_cpu_policy {
    uint32_t nr_leaves;                 /* IN/OUT */
    uint32_t nr_msrs;                   /* IN/OUT */
    XEN_GUEST_HANDLE_64(xen_cpuid_leaf_t) leaves;
    XEN_GUEST_HANDLE_64(xen_msr_entry_t) msrs;
    uint32_t err_leaf, err_subleaf, err_msr;    /* OUT: what was refused */
};
typedef struct xen_domctl_cpu_policy xen_domctl_cpu_policy_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_cpu_policy_t);

/* XEN_DOMCTL_subscribe: port to notify when the domain shuts down. */
struct xen_domctl_subscribe {
    uint32_t port;
};

/* XEN_DOMCTL_debug_op */
#define XEN_DOMCTL_DEBUG_OP_SINGLE_STEP_OFF 0
#define XEN_DOMCTL_DEBUG_OP_SINGLE_STEP_ON  1
struct xen_domctl_debug_op {
    uint32_t op;
    uint32_t vcpu;
};

/* XEN_DOMCTL_gethvmcontext_partial: one record (type, instance). */
struct xen_domctl_hvmcontext_partial {
    uint32_t type;
    uint32_t instance;
    uint64_aligned_t bufsz;
    XEN_GUEST_HANDLE_64(uint8) buffer;
};

/* XEN_DOMCTL_gettscinfo / XEN_DOMCTL_settscinfo */
struct xen_domctl_tsc_info {
    uint32_t tsc_mode;
    uint32_t gtsc_khz;
    uint32_t incarnation;
    uint32_t pad;
    uint64_aligned_t elapsed_nsec;
};

/* gdbsx debugger support. */
struct xen_domctl_gdbsx_memio {
    uint64_aligned_t pgd3val;           /* IN: cr3 to walk, 0 = current */
    uint64_aligned_t gva;               /* IN: guest virtual address */
    uint64_aligned_t uva;               /* IN: caller's buffer */
    uint32_t len;                       /* IN */
    uint8_t gwr;                        /* IN: 1 = write guest */
    uint32_t remain;                    /* OUT: bytes not copied */
};

struct xen_domctl_gdbsx_pauseunp_vcpu {
    uint32_t vcpu;
};

struct xen_domctl_gdbsx_domstatus {
    uint8_t paused;                     /* OUT */
    uint32_t vcpu_id;                   /* OUT: vcpu with an event */
    uint32_t vcpu_ev;                   /* OUT: the event */
};

/* XEN_DOMCTL_vm_event_op: paging, monitor and sharing rings. */
#define XEN_VM_EVENT_ENABLE      0
#define XEN_VM_EVENT_DISABLE     1
#define XEN_VM_EVENT_RESUME      2
#define XEN_VM_EVENT_GET_VERSION 3

#define XEN_DOMCTL_VM_EVENT_OP_PAGING  1
#define XEN_DOMCTL_VM_EVENT_OP_MONITOR 2
#define XEN_DOMCTL_VM_EVENT_OP_SHARING 3

struct xen_domctl_vm_event_op {
    uint32_t op;                        /* XEN_VM_EVENT_* */
    uint32_t mode;                      /* XEN_DOMCTL_VM_EVENT_OP_* */
    union {
        struct {
            uint32_t port;              /* OUT: event channel */
        } enable;
        uint32_t version;               /* OUT */
    } u;
};

/* XEN_DOMCTL_mem_sharing_op */
#define XEN_DOMCTL_MEM_SHARING_CONTROL 0
struct xen_domctl_mem_sharing_op {
    uint8_t op;
    union {
        uint8_t enable;
    } u;
};

/* XEN_DOMCTL_audit_p2m: OUT counters. */
struct xen_domctl_audit_p2m {
    uint64_t orphans;
    uint64_t m2p_bad;
    uint64_t p2m_bad;
};

/* XEN_DOMCTL_set_virq_handler: deliver a global VIRQ to 'domain'. */
struct xen_domctl_set_virq_handler {
    uint32_t virq;
};

/* XEN_DOMCTL_setvcpuextstate / XEN_DOMCTL_getvcpuextstate (XSAVE) */
struct xen_domctl_vcpuextstate {
    uint32_t vcpu;
    uint64_aligned_t xfeature_mask;
    uint64_aligned_t size;
    XEN_GUEST_HANDLE_64(uint64) buffer;
};

/* XEN_DOMCTL_set_access_required */
struct xen_domctl_set_access_required {
    uint8_t access_required;
};

/* XEN_DOMCTL_set_broken_page_p2m */
struct xen_domctl_set_broken_page_p2m {
    uint64_aligned_t pfn;
};

/* XEN_DOMCTL_cacheflush */
struct xen_domctl_cacheflush {
    xen_pfn_t start_pfn, nr_pfns;
};

/* XEN_DOMCTL_get/set_paging_mempool_size: bytes. */
struct xen_domctl_paging_mempool {
    uint64_aligned_t size;
};

/* XEN_DOMCTL_get_vcpu_msrs / XEN_DOMCTL_set_vcpu_msrs */
struct xen_domctl_vcpu_msr {
    uint32_t index;
    uint32_t reserved;
    uint64_aligned_t value;
};
typedef struct xen_domctl_vcpu_msr xen_domctl_vcpu_msr_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_vcpu_msr_t);

struct xen_domctl_vcpu_msrs {
    uint32_t vcpu;
    uint32_t msr_count;                 /* IN/OUT */
    XEN_GUEST_HANDLE_64(xen_domctl_vcpu_msr_t) msrs;
};

/* XEN_DOMCTL_setvnumainfo */
struct xen_domctl_vnuma {
    uint32_t nr_vnodes;
    uint32_t nr_vmemranges;
    uint32_t nr_vcpus;
    uint32_t pad;
    XEN_GUEST_HANDLE_64(uint) vdistance;
    XEN_GUEST_HANDLE_64(uint) vcpu_to_vnode;
    XEN_GUEST_HANDLE_64(uint) vnode_to_pnode;
    XEN_GUEST_HANDLE_64(xen_vmemrange_t) vmemrange;
};

/* XEN_DOMCTL_psr_cmt_op: cache monitoring. */
struct xen_domctl_psr_cmt_op {
#define XEN_DOMCTL_PSR_CMT_OP_DETACH     0
#define XEN_DOMCTL_PSR_CMT_OP_ATTACH     1
#define XEN_DOMCTL_PSR_CMT_OP_QUERY_RMID 2
    uint32_t cmd;
    uint32_t data;
};

/* XEN_DOMCTL_monitor_op: which guest events reach the monitor ring. */
#define XEN_DOMCTL_MONITOR_OP_ENABLE            0
#define XEN_DOMCTL_MONITOR_OP_DISABLE           1
#define XEN_DOMCTL_MONITOR_OP_GET_CAPABILITIES  2
#define XEN_DOMCTL_MONITOR_OP_EMULATE_EACH_REP  3
#define XEN_DOMCTL_MONITOR_OP_CONTROL_REGISTERS 4

#define XEN_DOMCTL_MONITOR_EVENT_WRITE_CTRLREG       0
#define XEN_DOMCTL_MONITOR_EVENT_MOV_TO_MSR          1
#define XEN_DOMCTL_MONITOR_EVENT_SINGLESTEP          2
#define XEN_DOMCTL_MONITOR_EVENT_SOFTWARE_BREAKPOINT 3
#define XEN_DOMCTL_MONITOR_EVENT_GUEST_REQUEST       4
#define XEN_DOMCTL_MONITOR_EVENT_DEBUG_EXCEPTION     5
#define XEN_DOMCTL_MONITOR_EVENT_CPUID               6
#define XEN_DOMCTL_MONITOR_EVENT_PRIVILEGED_CALL     7
#define XEN_DOMCTL_MONITOR_EVENT_INTERRUPT           8
#define XEN_DOMCTL_MONITOR_EVENT_DESC_ACCESS         9
#define XEN_DOMCTL_MONITOR_EVENT_EMUL_UNIMPLEMENTED  10
#define XEN_DOMCTL_MONITOR_EVENT_INGUEST_PAGEFAULT   11
#define XEN_DOMCTL_MONITOR_EVENT_VMEXIT              12

struct xen_domctl_monitor_op {
    uint32_t op;                        /* XEN_DOMCTL_MONITOR_OP_* */
    uint32_t event;                     /* XEN_DOMCTL_MONITOR_EVENT_* */
    union {
        struct {
            uint8_t index;              /* VM_EVENT_X86_CR* */
            uint8_t sync;
            uint8_t onchangeonly;
            uint8_t pad1;
            uint32_t pad2;
            uint64_aligned_t bitmask;   /* ignore changes of these bits */
        } mov_to_cr;
        struct {
            uint32_t msr;
            uint8_t onchangeonly;
        } mov_to_msr;
        struct {
            uint8_t sync;
            uint8_t allow_userspace;
        } guest_request;
        struct {
            uint8_t sync;
        } debug_exception;
        struct {
            uint8_t sync;
        } vmexit;
    } u;
};

/* XEN_DOMCTL_psr_alloc: cache/bandwidth allocation. */
struct xen_domctl_psr_alloc {
#define XEN_DOMCTL_PSR_SET_L3_CBM     0
#define XEN_DOMCTL_PSR_GET_L3_CBM     1
#define XEN_DOMCTL_PSR_SET_L3_CODE    2
#define XEN_DOMCTL_PSR_SET_L3_DATA    3
#define XEN_DOMCTL_PSR_GET_L3_CODE    4
#define XEN_DOMCTL_PSR_GET_L3_DATA    5
#define XEN_DOMCTL_PSR_SET_L2_CBM     6
#define XEN_DOMCTL_PSR_GET_L2_CBM     7
#define XEN_DOMCTL_PSR_SET_MBA_THRTL  8
#define XEN_DOMCTL_PSR_GET_MBA_THRTL  9
    uint32_t cmd;
    uint32_t target;                    /* socket */
    uint64_t data;
};

/* XEN_DOMCTL_vuart_op: emulated UART (Arm PL011). */
struct xen_domctl_vuart_op {
#define XEN_DOMCTL_VUART_OP_INIT 0
    uint32_t cmd;
#define XEN_DOMCTL_VUART_TYPE_VPL011 0
    uint32_t type;
    uint64_aligned_t gfn;               /* ring page */
    domid_t console_domid;              /* backend domain */
    uint8_t pad[2];
    evtchn_port_t evtchn;               /* OUT */
};

/* XEN_DOMCTL_vmtrace_op: processor trace buffers. */
struct xen_domctl_vmtrace_op {
    uint32_t cmd;
    uint32_t vcpu;
    uint64_aligned_t key;
    uint64_aligned_t value;
#define XEN_DOMCTL_vmtrace_enable           1
#define XEN_DOMCTL_vmtrace_disable          2
#define XEN_DOMCTL_vmtrace_reset_and_enable 3
#define XEN_DOMCTL_vmtrace_output_position  4
#define XEN_DOMCTL_vmtrace_get_option       5
#define XEN_DOMCTL_vmtrace_set_option       6
};
typedef struct xen_domctl_vmtrace_op xen_domctl_vmtrace_op_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_vmtrace_op_t);

struct xen_domctl {
    uint32_t cmd;
#define XEN_DOMCTL_createdomain            1
#define XEN_DOMCTL_destroydomain           2
#define XEN_DOMCTL_pausedomain             3
#define XEN_DOMCTL_unpausedomain           4
#define XEN_DOMCTL_getdomaininfo           5
#define XEN_DOMCTL_setvcpuaffinity         9
#define XEN_DOMCTL_shadow_op               10
#define XEN_DOMCTL_max_mem                 11
#define XEN_DOMCTL_setvcpucontext          12
#define XEN_DOMCTL_getvcpucontext          13
#define XEN_DOMCTL_getvcpuinfo             14
#define XEN_DOMCTL_max_vcpus               15
#define XEN_DOMCTL_scheduler_op            16
#define XEN_DOMCTL_setdomainhandle         17
#define XEN_DOMCTL_setdebugging            18
#define XEN_DOMCTL_irq_permission          19
#define XEN_DOMCTL_iomem_permission        20
#define XEN_DOMCTL_ioport_permission       21
#define XEN_DOMCTL_hypercall_init          22
#ifdef __XEN__
#define XEN_DOMCTL_soft_reset_cont         23  /* internal continuation */
#endif
#define XEN_DOMCTL_settimeoffset           24
#define XEN_DOMCTL_getvcpuaffinity         25
#define XEN_DOMCTL_real_mode_area          26  /* retired */
#define XEN_DOMCTL_resumedomain            27
#define XEN_DOMCTL_sendtrigger             28
#define XEN_DOMCTL_subscribe               29
#define XEN_DOMCTL_gethvmcontext           33
#define XEN_DOMCTL_sethvmcontext           34
#define XEN_DOMCTL_set_address_size        35
#define XEN_DOMCTL_get_address_size        36
#define XEN_DOMCTL_assign_device           37
#define XEN_DOMCTL_bind_pt_irq             38
#define XEN_DOMCTL_memory_mapping          39
#define XEN_DOMCTL_ioport_mapping          40
#define XEN_DOMCTL_set_ext_vcpucontext     42
#define XEN_DOMCTL_get_ext_vcpucontext     43
#define XEN_DOMCTL_set_opt_feature         44  /* retired */
#define XEN_DOMCTL_test_assign_device      45
#define XEN_DOMCTL_set_target              46
#define XEN_DOMCTL_deassign_device         47
#define XEN_DOMCTL_unbind_pt_irq           48
#define XEN_DOMCTL_get_device_group        50
#define XEN_DOMCTL_debug_op                54
#define XEN_DOMCTL_gethvmcontext_partial   55
#define XEN_DOMCTL_vm_event_op             56
#define XEN_DOMCTL_mem_sharing_op          57
#define XEN_DOMCTL_gettscinfo              59
#define XEN_DOMCTL_settscinfo              60
#define XEN_DOMCTL_getpageframeinfo3       61
#define XEN_DOMCTL_setvcpuextstate         62
#define XEN_DOMCTL_getvcpuextstate         63
#define XEN_DOMCTL_set_access_required     64
#define XEN_DOMCTL_audit_p2m               65
#define XEN_DOMCTL_set_virq_handler        66
#define XEN_DOMCTL_set_broken_page_p2m     67
#define XEN_DOMCTL_setnodeaffinity         68
#define XEN_DOMCTL_getnodeaffinity         69
#define XEN_DOMCTL_cacheflush              71
#define XEN_DOMCTL_get_vcpu_msrs           72
#define XEN_DOMCTL_set_vcpu_msrs           73
#define XEN_DOMCTL_setvnumainfo            74
#define XEN_DOMCTL_psr_cmt_op              75
#define XEN_DOMCTL_monitor_op              77
#define XEN_DOMCTL_psr_alloc               78
#define XEN_DOMCTL_soft_reset              79
#define XEN_DOMCTL_vuart_op                81
#define XEN_DOMCTL_get_cpu_policy          82
#define XEN_DOMCTL_set_cpu_policy          83
#define XEN_DOMCTL_vmtrace_op              84
#define XEN_DOMCTL_get_paging_mempool_size 85
#define XEN_DOMCTL_set_paging_mempool_size 86
#define XEN_DOMCTL_gdbsx_guestmemio        1000
#define XEN_DOMCTL_gdbsx_pausevcpu         1001
#define XEN_DOMCTL_gdbsx_unpausevcpu       1002
#define XEN_DOMCTL_gdbsx_domstatus         1003
    uint32_t interface_version;         /* XEN_DOMCTL_INTERFACE_VERSION */
    domid_t domain;
    uint16_t _pad[3];
    union {
        struct xen_domctl_createdomain createdomain;
        struct xen_domctl_getdomaininfo getdomaininfo;
        struct xen_domctl_getpageframeinfo3 getpageframeinfo3;
        struct xen_domctl_nodeaffinity nodeaffinity;
        struct xen_domctl_vcpuaffinity vcpuaffinity;
        struct xen_domctl_shadow_op shadow_op;
        struct xen_domctl_max_mem max_mem;
        struct xen_domctl_vcpucontext vcpucontext;
        struct xen_domctl_getvcpuinfo getvcpuinfo;
        struct xen_domctl_max_vcpus max_vcpus;
        struct xen_domctl_scheduler_op scheduler_op;
        struct xen_domctl_setdomainhandle setdomainhandle;
        struct xen_domctl_setdebugging setdebugging;
        struct xen_domctl_irq_permission irq_permission;
        struct xen_domctl_iomem_permission iomem_permission;
        struct xen_domctl_ioport_permission ioport_permission;
        struct xen_domctl_hypercall_init hypercall_init;
        struct xen_domctl_settimeoffset settimeoffset;
        struct xen_domctl_tsc_info tsc_info;
        struct xen_domctl_hvmcontext hvmcontext;
        struct xen_domctl_hvmcontext_partial hvmcontext_partial;
        struct xen_domctl_address_size address_size;
        struct xen_domctl_sendtrigger sendtrigger;
        struct xen_domctl_get_device_group get_device_group;
        struct xen_domctl_assign_device assign_device;
        struct xen_domctl_bind_pt_irq bind_pt_irq;
        struct xen_domctl_memory_mapping memory_mapping;
        struct xen_domctl_ioport_mapping ioport_mapping;
        struct xen_domctl_ext_vcpucontext ext_vcpucontext;
        struct xen_domctl_set_target set_target;
        struct xen_domctl_subscribe subscribe;
        struct xen_domctl_debug_op debug_op;
        struct xen_domctl_vm_event_op vm_event_op;
        struct xen_domctl_mem_sharing_op mem_sharing_op;
        struct xen_domctl_cpu_policy cpu_policy;
        struct xen_domctl_vcpuextstate vcpuextstate;
        struct xen_domctl_vcpu_msrs vcpu_msrs;
        struct xen_domctl_set_access_required access_required;
        struct xen_domctl_audit_p2m audit_p2m;
        struct xen_domctl_set_virq_handler set_virq_handler;
        struct xen_domctl_gdbsx_memio gdbsx_guest_memio;
        struct xen_domctl_set_broken_page_p2m set_broken_page_p2m;
        struct xen_domctl_cacheflush cacheflush;
        struct xen_domctl_gdbsx_pauseunp_vcpu gdbsx_pauseunp_vcpu;
        struct xen_domctl_gdbsx_domstatus gdbsx_domstatus;
        struct xen_domctl_vnuma vnuma;
        struct xen_domctl_psr_cmt_op psr_cmt_op;
        struct xen_domctl_monitor_op monitor_op;
        struct xen_domctl_psr_alloc psr_alloc;
        struct xen_domctl_vuart_op vuart_op;
        struct xen_domctl_vmtrace_op vmtrace_op;
        struct xen_domctl_paging_mempool paging_mempool;
        uint8_t pad[128];               /* fixes the size */
    } u;
};
typedef struct xen_domctl xen_domctl_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_t);

#endif /* __XEN_PUBLIC_DOMCTL_H__ */
