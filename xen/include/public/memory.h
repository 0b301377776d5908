/* SPDX-License-Identifier: MIT */
/* memory_op hypercall: reservations, physmap changes, sharing, paging. */

#ifndef __XEN_PUBLIC_MEMORY_H__
#define __XEN_PUBLIC_MEMORY_H__

#include "xen.h"
#include "physdev.h"

/*
 * HYPERVISOR_memory_op(cmd, arg).  All structures are call arguments in
 * the caller's memory: IN fields are read by Xen, OUT fields written by
 * Xen before it returns (or before a continuation, for progress counters).
 */

/*
 * Grow or shrink a domain, or populate its physmap, in extents of
 * 2^extent_order pages.  Returns the number of extents done.
 */
#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_populate_physmap     6

#if __XEN_INTERFACE_VERSION__ >= 0x00030209
/* mem_flags: address-width limit, NUMA node and allocation hints. */
#define XENMEMF_address_bits(x)     (x)
#define XENMEMF_get_address_bits(x) ((x) & 0xffu)
#define XENMEMF_node(x)             (((x) + 1) << 8)
#define XENMEMF_get_node(x)         ((((x) >> 8) - 1) & 0xffu)
#define XENMEMF_populate_on_demand  (1 << 16)
#define XENMEMF_exact_node_request  (1 << 17)
#define XENMEMF_exact_node(n) \
    (XENMEMF_node(n) | XENMEMF_exact_node_request)
#define XENMEMF_vnode               (1 << 18)  /* node is virtual */
#endif

struct xen_memory_reservation {
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start;   /* IN (and OUT: mfns) */
    xen_ulong_t nr_extents;                     /* IN */
    unsigned int extent_order;                  /* IN */
#if __XEN_INTERFACE_VERSION__ >= 0x00030209
    unsigned int mem_flags;                     /* IN: XENMEMF_* */
#else
    unsigned int address_bits;
#endif
    domid_t domid;                              /* IN */
};
typedef struct xen_memory_reservation xen_memory_reservation_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_reservation_t);

/*
 * Swap the caller's extents 'in' for new ones described by 'out' (for
 * example below 4 GB).  nr_exchanged (OUT) counts input extents done,
 * and must be 0 on entry.
 */
#define XENMEM_exchange 11
struct xen_memory_exchange {
    struct xen_memory_reservation in;
    struct xen_memory_reservation out;
    xen_ulong_t nr_exchanged;
};
typedef struct xen_memory_exchange xen_memory_exchange_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_exchange_t);

/* Highest machine frame; arg unused. */
#define XENMEM_maximum_ram_page 2

/* These three take a domid_t (struct xen_memory_domain) argument. */
struct xen_memory_domain {
    domid_t domid;
};
#define XENMEM_current_reservation 3
#define XENMEM_maximum_reservation 4
#define XENMEM_maximum_gpfn        14

/* The frames backing the m2p table (one per 2 MB chunk). */
#define XENMEM_machphys_mfn_list 5
struct xen_machphys_mfn_list {
    unsigned int max_extents;                   /* IN */
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start;   /* OUT */
    unsigned int nr_extents;                    /* OUT */
};
typedef struct xen_machphys_mfn_list xen_machphys_mfn_list_t;
DEFINE_XEN_GUEST_HANDLE(xen_machphys_mfn_list_t);

/* As above for the compat (32-bit guest) m2p table. */
#define XENMEM_machphys_compat_mfn_list 25

/* Where the m2p table is mapped in the guest and how far it reaches. */
#define XENMEM_machphys_mapping 12
struct xen_machphys_mapping {
    xen_ulong_t v_start, v_end;     /* OUT */
    xen_ulong_t max_mfn;            /* OUT */
};
typedef struct xen_machphys_mapping xen_machphys_mapping_t;
DEFINE_XEN_GUEST_HANDLE(xen_machphys_mapping_t);

/* Sources of frames for add_to_physmap. */
#define XENMAPSPACE_shared_info  0  /* the shared_info page */
#define XENMAPSPACE_grant_table  1  /* grant table frame idx */
#define XENMAPSPACE_gmfn         2  /* move own frame idx */
#define XENMAPSPACE_gmfn_range   3  /* 'size' frames from idx */
#define XENMAPSPACE_gmfn_foreign 4  /* another domain's frame (batch) */
#define XENMAPSPACE_dev_mmio     5  /* device MMIO (Arm) */

/* Place a frame at gpfn in an auto-translated guest's physmap. */
#define XENMEM_add_to_physmap 7
struct xen_add_to_physmap {
    domid_t domid;
    uint16_t size;              /* for XENMAPSPACE_gmfn_range */
    unsigned int space;         /* XENMAPSPACE_* */
#define XENMAPIDX_grant_table_status 0x80000000  /* v2 status frames */
    xen_ulong_t idx;
    xen_pfn_t gpfn;
};
typedef struct xen_add_to_physmap xen_add_to_physmap_t;
DEFINE_XEN_GUEST_HANDLE(xen_add_to_physmap_t);

/* Many at once; errs[] (OUT) gets a status per entry. */
#define XENMEM_add_to_physmap_batch 23
struct xen_add_to_physmap_batch {
    domid_t domid;
    uint16_t space;             /* XENMAPSPACE_* */
    uint16_t size;              /* entries in each array */
#if __XEN_INTERFACE_VERSION__ < 0x00040700
    domid_t foreign_domid;
#else
    union xen_add_to_physmap_batch_extra {
        domid_t foreign_domid;  /* XENMAPSPACE_gmfn_foreign */
        uint16_t res0;          /* otherwise: must be 0 */
    } u;
#endif
    XEN_GUEST_HANDLE(xen_ulong_t) idxs;
    XEN_GUEST_HANDLE(xen_pfn_t) gpfns;
    XEN_GUEST_HANDLE(int) errs;
};
typedef struct xen_add_to_physmap_batch xen_add_to_physmap_batch_t;
DEFINE_XEN_GUEST_HANDLE(xen_add_to_physmap_batch_t);

#if __XEN_INTERFACE_VERSION__ < 0x00040400
#define XENMEM_add_to_physmap_range XENMEM_add_to_physmap_batch
#define xen_add_to_physmap_range xen_add_to_physmap_batch
typedef struct xen_add_to_physmap_batch xen_add_to_physmap_range_t;
DEFINE_XEN_GUEST_HANDLE(xen_add_to_physmap_range_t);
#endif

/* Remove whatever is mapped at gpfn. */
#define XENMEM_remove_from_physmap 15
struct xen_remove_from_physmap {
    domid_t domid;
    xen_pfn_t gpfn;
};
typedef struct xen_remove_from_physmap xen_remove_from_physmap_t;
DEFINE_XEN_GUEST_HANDLE(xen_remove_from_physmap_t);

/*
 * E820-style memory maps: the caller's pseudo-physical map, the host's
 * (privileged), or (toolstack) set a domain's.  nr_entries is IN as the
 * buffer capacity and OUT as the number written.
 */
#define XENMEM_memory_map 9
struct xen_memory_map {
    unsigned int nr_entries;
    XEN_GUEST_HANDLE(void) buffer;  /* struct e820entry[] */
};
typedef struct xen_memory_map xen_memory_map_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_map_t);

#define XENMEM_machine_memory_map 10
#define XENMEM_set_memory_map     13
struct xen_foreign_memory_map {
    domid_t domid;
    struct xen_memory_map map;
};
typedef struct xen_foreign_memory_map xen_foreign_memory_map_t;
DEFINE_XEN_GUEST_HANDLE(xen_foreign_memory_map_t);

/* Populate-on-demand target (toolstack). */
#define XENMEM_set_pod_target 16
#define XENMEM_get_pod_target 17
struct xen_pod_target {
    uint64_t target_pages;      /* IN */
    uint64_t tot_pages;         /* OUT */
    uint64_t pod_cache_pages;   /* OUT */
    uint64_t pod_entries;       /* OUT */
    domid_t domid;              /* IN */
};
typedef struct xen_pod_target xen_pod_target_t;

#if defined(__XEN__) || defined(__XEN_TOOLS__)

#ifndef uint64_aligned_t
#define uint64_aligned_t uint64_t
#endif

/* Counters of the page-sharing subsystem; arg unused. */
#define XENMEM_get_sharing_freed_pages  18
#define XENMEM_get_sharing_shared_pages 19

/* Paging (swapping guest memory out) for a pager in the toolstack. */
#define XENMEM_paging_op 20
#define XENMEM_paging_op_nominate 0
#define XENMEM_paging_op_evict    1
#define XENMEM_paging_op_prep     2

struct xen_mem_paging_op {
    uint8_t op;                             /* XENMEM_paging_op_* */
    domid_t domain;
    XEN_GUEST_HANDLE_64(const_uint8) buffer;    /* page contents (prep) */
    uint64_aligned_t gfn;
};
typedef struct xen_mem_paging_op xen_mem_paging_op_t;
DEFINE_XEN_GUEST_HANDLE(xen_mem_paging_op_t);

/* Per-page access rights for introspection. */
#define XENMEM_access_op 21
#define XENMEM_access_op_set_access       0
#define XENMEM_access_op_get_access       1
#define XENMEM_access_op_set_access_multi 4

typedef enum {
    XENMEM_access_n = 0,
    XENMEM_access_r = 1,
    XENMEM_access_w = 2,
    XENMEM_access_rw = 3,
    XENMEM_access_x = 4,
    XENMEM_access_rx = 5,
    XENMEM_access_wx = 6,
    XENMEM_access_rwx = 7,
    XENMEM_access_rx2rw = 8,    /* rx, becoming rw on a write fault */
    XENMEM_access_n2rwx = 9,    /* n, becoming rwx on first access */
    XENMEM_access_default = 10  /* the domain's default */
} xenmem_access_t;

struct xen_mem_access_op {
    uint8_t op;                 /* XENMEM_access_op_* */
    uint8_t access;             /* xenmem_access_t */
    domid_t domid;
    uint32_t nr;                /* pages from pfn (~0: the default) */
    uint64_aligned_t pfn;
    XEN_GUEST_HANDLE(const_uint64) pfn_list;    /* set_access_multi */
    XEN_GUEST_HANDLE(const_uint8) access_list;  /* set_access_multi */
};
typedef struct xen_mem_access_op xen_mem_access_op_t;
DEFINE_XEN_GUEST_HANDLE(xen_mem_access_op_t);

/* Copy-on-write page sharing between domains, and VM forking. */
#define XENMEM_sharing_op 22
#define XENMEM_sharing_op_nominate_gfn  0
#define XENMEM_sharing_op_nominate_gref 1
#define XENMEM_sharing_op_share         2
#define XENMEM_sharing_op_debug_gfn     3
#define XENMEM_sharing_op_debug_mfn     4
#define XENMEM_sharing_op_debug_gref    5
#define XENMEM_sharing_op_add_physmap   6
#define XENMEM_sharing_op_audit         7
#define XENMEM_sharing_op_range_share   8
#define XENMEM_sharing_op_fork          9
#define XENMEM_sharing_op_fork_reset    10

#define XENMEM_SHARING_OP_S_HANDLE_INVALID (-10)
#define XENMEM_SHARING_OP_C_HANDLE_INVALID (-9)

/* A gfn field may carry a grant reference instead, tagged by bit 62. */
#define XENMEM_SHARING_OP_FIELD_IS_GREF_FLAG (xen_mk_ullong(1) << 62)
#define XENMEM_SHARING_OP_FIELD_MAKE_GREF(field, val) \
    (field) = (XENMEM_SHARING_OP_FIELD_IS_GREF_FLAG | (val))
#define XENMEM_SHARING_OP_FIELD_IS_GREF(field) \
    ((field) & XENMEM_SHARING_OP_FIELD_IS_GREF_FLAG)
#define XENMEM_SHARING_OP_FIELD_GET_GREF(field) \
    ((field) & ~XENMEM_SHARING_OP_FIELD_IS_GREF_FLAG)

struct xen_mem_sharing_op {
    uint8_t op;                 /* XENMEM_sharing_op_* */
    domid_t domain;
    union {
        struct mem_sharing_op_nominate {
            union {
                uint64_aligned_t gfn;       /* IN */
                uint32_t grant_ref;         /* IN */
            } u;
            uint64_aligned_t handle;        /* OUT */
        } nominate;
        struct mem_sharing_op_share {
            uint64_aligned_t source_gfn;
            uint64_aligned_t source_handle;
            uint64_aligned_t client_gfn;
            uint64_aligned_t client_handle;
            domid_t client_domain;
        } share;
        struct mem_sharing_op_range {
            uint64_aligned_t first_gfn;
            uint64_aligned_t last_gfn;
            uint64_aligned_t opaque;        /* continuation; 0 on entry */
            domid_t client_domain;
            uint16_t _pad[3];
        } range;
        struct mem_sharing_op_debug {
            union {
                uint64_aligned_t gfn;
                uint64_aligned_t mfn;
                uint32_t gref;
            } u;
        } debug;
        struct mem_sharing_op_fork {
            domid_t parent_domain;
#define XENMEM_FORK_WITH_IOMMU_ALLOWED (1u << 0)
#define XENMEM_FORK_BLOCK_INTERRUPTS   (1u << 1)
#define XENMEM_FORK_RESET_STATE        (1u << 2)
#define XENMEM_FORK_RESET_MEMORY       (1u << 3)
            uint16_t flags;
            uint32_t pad;
        } fork;
    } u;
};
typedef struct xen_mem_sharing_op xen_mem_sharing_op_t;
DEFINE_XEN_GUEST_HANDLE(xen_mem_sharing_op_t);

/* Stake a claim on free memory for a domain being built; arg: reservation. */
#define XENMEM_claim_pages 24

/* Reserved device memory (RMRRs) the domain's physmap must avoid. */
#define XENMEM_reserved_device_memory_map 27
struct xen_reserved_device_memory {
    xen_pfn_t start_pfn;
    xen_ulong_t nr_pages;
};
typedef struct xen_reserved_device_memory xen_reserved_device_memory_t;
DEFINE_XEN_GUEST_HANDLE(xen_reserved_device_memory_t);

struct xen_reserved_device_memory_map {
#define XENMEM_RDM_ALL 1        /* all regions, not just dev's */
    uint32_t flags;                             /* IN */
    unsigned int nr_entries;                    /* IN/OUT */
    XEN_GUEST_HANDLE(xen_reserved_device_memory_t) buffer;  /* OUT */
    union {
        physdev_pci_device_t pci;
    } dev;                                      /* IN */
};
typedef struct xen_reserved_device_memory_map xen_reserved_device_memory_map_t;
DEFINE_XEN_GUEST_HANDLE(xen_reserved_device_memory_map_t);

#endif /* __XEN__ || __XEN_TOOLS__ */

/*
 * Map frames of a resource owned by domid (ioreq server pages, grant
 * table frames, trace buffers) into the caller.  With frame_list null
 * and nr_frames 0, returns the resource size in nr_frames.
 */
#define XENMEM_acquire_resource 28
struct xen_mem_acquire_resource {
    domid_t domid;              /* IN */
    uint16_t type;              /* IN: XENMEM_resource_* */
#define XENMEM_resource_ioreq_server 0
#define XENMEM_resource_grant_table  1
#define XENMEM_resource_vmtrace_buf  2
    uint32_t id;                /* IN: server id / table part / vcpu */
#define XENMEM_resource_grant_table_id_shared 0
#define XENMEM_resource_grant_table_id_status 1
    uint32_t nr_frames;         /* IN/OUT */
    uint32_t pad;               /* must be 0 */
    uint64_t frame;             /* IN: first frame of the resource */
#define XENMEM_resource_ioreq_server_frame_bufioreq 0
#define XENMEM_resource_ioreq_server_frame_ioreq(n) (1 + (n))
    XEN_GUEST_HANDLE(xen_pfn_t) frame_list;     /* IN/OUT */
};
typedef struct xen_mem_acquire_resource xen_mem_acquire_resource_t;
DEFINE_XEN_GUEST_HANDLE(xen_mem_acquire_resource_t);

/* The caller's virtual NUMA topology. */
#define XENMEM_get_vnumainfo 26

struct xen_vmemrange {
    uint64_t start, end;
    unsigned int flags;
    unsigned int nid;
};
typedef struct xen_vmemrange xen_vmemrange_t;
DEFINE_XEN_GUEST_HANDLE(xen_vmemrange_t);

/* Counts are IN as capacities and OUT as the real numbers. */
struct xen_vnuma_topology_info {
    domid_t domid;
    uint16_t pad;
    unsigned int nr_vnodes;
    unsigned int nr_vcpus;
    unsigned int nr_vmemranges;
    union {
        XEN_GUEST_HANDLE(uint) h;       /* nr_vnodes^2 distances */
        uint64_t pad;
    } vdistance;
    union {
        XEN_GUEST_HANDLE(uint) h;       /* node of each vcpu */
        uint64_t pad;
    } vcpu_to_vnode;
    union {
        XEN_GUEST_HANDLE(xen_vmemrange_t) h;
        uint64_t pad;
    } vmemrange;
};
typedef struct xen_vnuma_topology_info xen_vnuma_topology_info_t;
DEFINE_XEN_GUEST_HANDLE(xen_vnuma_topology_info_t);

#endif /* __XEN_PUBLIC_MEMORY_H__ */
