/* SPDX-License-Identifier: MIT */
/* dm_op hypercall: what a device model may do to the domain it serves. */

#ifndef __XEN_PUBLIC_HVM_DM_OP_H__
#define __XEN_PUBLIC_HVM_DM_OP_H__

#include "../xen.h"
#include "../event_channel.h"

#ifndef uint64_aligned_t
#define uint64_aligned_t uint64_t
#endif

/*
 * HYPERVISOR_dm_op(domid, nr_bufs, xen_dm_op_buf_t bufs[]).  bufs[0]
 * holds a struct xen_dm_op; some operations use further buffers.  All
 * are call arguments: Xen reads IN fields and writes OUT fields back
 * into bufs[0] before returning.  Every call is restricted to the
 * target domain, so a device model can be confined to it.
 */

typedef uint16_t ioservid_t;

/* Create an ioreq server; handle_bufioreq: HVM_IOREQSRV_BUFIOREQ_*. */
#define XEN_DMOP_create_ioreq_server 1
struct xen_dm_op_create_ioreq_server {
    uint8_t handle_bufioreq;    /* IN */
    uint8_t pad[3];
    ioservid_t id;              /* OUT */
};
typedef struct xen_dm_op_create_ioreq_server xen_dm_op_create_ioreq_server_t;

/* Where its ioreq pages and buffered-ioreq event channel are. */
#define XEN_DMOP_get_ioreq_server_info 2
struct xen_dm_op_get_ioreq_server_info {
    ioservid_t id;              /* IN */
    uint16_t flags;             /* IN */
#define _XEN_DMOP_no_gfns 0
#define XEN_DMOP_no_gfns (1u << _XEN_DMOP_no_gfns)  /* skip the gfns */
    evtchn_port_t bufioreq_port;    /* OUT */
    uint64_aligned_t ioreq_gfn;     /* OUT */
    uint64_aligned_t bufioreq_gfn;  /* OUT */
};
typedef struct xen_dm_op_get_ioreq_server_info
    xen_dm_op_get_ioreq_server_info_t;

/* Claim or release an inclusive range of ports, MMIO or PCI devices. */
#define XEN_DMOP_map_io_range_to_ioreq_server     3
#define XEN_DMOP_unmap_io_range_from_ioreq_server 4
struct xen_dm_op_ioreq_server_range {
    ioservid_t id;
    uint16_t pad;
    uint32_t type;
#define XEN_DMOP_IO_RANGE_PORT   0
#define XEN_DMOP_IO_RANGE_MEMORY 1
#define XEN_DMOP_IO_RANGE_PCI    2  /* start/end from XEN_DMOP_PCI_SBDF */
    uint64_aligned_t start, end;
};
typedef struct xen_dm_op_ioreq_server_range xen_dm_op_ioreq_server_range_t;

#define XEN_DMOP_PCI_SBDF(s, b, d, f)           \
    ((((s) & 0xffff) << 16) |                   \
     (((b) & 0xff) << 8) |                      \
     (((d) & 0x1f) << 3) |                      \
     ((f) & 0x07))

#define XEN_DMOP_set_ioreq_server_state 5
struct xen_dm_op_set_ioreq_server_state {
    ioservid_t id;
    uint8_t enabled;
    uint8_t pad;
};
typedef struct xen_dm_op_set_ioreq_server_state
    xen_dm_op_set_ioreq_server_state_t;

#define XEN_DMOP_destroy_ioreq_server 6
struct xen_dm_op_destroy_ioreq_server {
    ioservid_t id;
    uint16_t pad;
};
typedef struct xen_dm_op_destroy_ioreq_server xen_dm_op_destroy_ioreq_server_t;

/* Dirty bitmap of a VRAM range; bufs[1] receives the bitmap. */
#define XEN_DMOP_track_dirty_vram 7
struct xen_dm_op_track_dirty_vram {
    uint32_t nr;
    uint32_t pad;
    uint64_aligned_t first_pfn;
};
typedef struct xen_dm_op_track_dirty_vram xen_dm_op_track_dirty_vram_t;

/* Emulated interrupt lines. */
#define XEN_DMOP_set_pci_intx_level 8
struct xen_dm_op_set_pci_intx_level {
    uint16_t domain;
    uint8_t bus, device, intx;
    uint8_t level;
};
typedef struct xen_dm_op_set_pci_intx_level xen_dm_op_set_pci_intx_level_t;

#define XEN_DMOP_set_isa_irq_level 9
struct xen_dm_op_set_isa_irq_level {
    uint8_t isa_irq;
    uint8_t level;
};
typedef struct xen_dm_op_set_isa_irq_level xen_dm_op_set_isa_irq_level_t;

#define XEN_DMOP_set_pci_link_route 10
struct xen_dm_op_set_pci_link_route {
    uint8_t link;
    uint8_t isa_irq;            /* 0 disables the link */
};
typedef struct xen_dm_op_set_pci_link_route xen_dm_op_set_pci_link_route_t;

/*
 * Mark memory dirty after the device model wrote it; bufs[1] holds
 * nr_extents xen_dm_op_modified_memory_extent.  opaque: progress, 0 on
 * entry.
 */
#define XEN_DMOP_modified_memory 11
struct xen_dm_op_modified_memory {
    uint32_t nr_extents;
    uint32_t opaque;
};
typedef struct xen_dm_op_modified_memory xen_dm_op_modified_memory_t;

struct xen_dm_op_modified_memory_extent {
    uint32_t nr;
    uint32_t pad;
    uint64_aligned_t first_pfn;
};

/* Change the hvmmem_type_t of nr pages. */
#define XEN_DMOP_set_mem_type 12
struct xen_dm_op_set_mem_type {
    uint32_t nr;                /* IN/OUT: remaining */
    uint16_t mem_type;
    uint16_t pad;
    uint64_aligned_t first_pfn; /* IN/OUT: progress */
};
typedef struct xen_dm_op_set_mem_type xen_dm_op_set_mem_type_t;

/* Inject an event into a vcpu at its next entry. */
#define XEN_DMOP_inject_event 13
struct xen_dm_op_inject_event {
    uint32_t vcpuid;
    uint8_t vector;
    uint8_t type;
#define XEN_DMOP_EVENT_ext_int    0
#define XEN_DMOP_EVENT_nmi        2
#define XEN_DMOP_EVENT_hw_exc     3
#define XEN_DMOP_EVENT_sw_int     4
#define XEN_DMOP_EVENT_pri_sw_exc 5
#define XEN_DMOP_EVENT_sw_exc     6
    uint8_t insn_len;
    uint8_t pad0;
    uint32_t error_code;        /* ~0: none */
    uint32_t pad1;
    uint64_aligned_t cr2;       /* for page faults */
};
typedef struct xen_dm_op_inject_event xen_dm_op_inject_event_t;

#define XEN_DMOP_inject_msi 14
struct xen_dm_op_inject_msi {
    uint32_t data;
    uint32_t pad;
    uint64_aligned_t addr;
};
typedef struct xen_dm_op_inject_msi xen_dm_op_inject_msi_t;

/* Route accesses to pages of a memory type (HVMMEM_ioreq_server). */
#define XEN_DMOP_map_mem_type_to_ioreq_server 15
struct xen_dm_op_map_mem_type_to_ioreq_server {
    ioservid_t id;
    uint16_t type;
    uint32_t flags;             /* 0 unmaps */
#define XEN_DMOP_IOREQ_MEM_ACCESS_READ  (1u << 0)
#define XEN_DMOP_IOREQ_MEM_ACCESS_WRITE (1u << 1)
    uint64_t opaque;            /* continuation; 0 on entry */
};
typedef struct xen_dm_op_map_mem_type_to_ioreq_server
    xen_dm_op_map_mem_type_to_ioreq_server_t;

#define XEN_DMOP_remote_shutdown 16
struct xen_dm_op_remote_shutdown {
    uint32_t reason;            /* SHUTDOWN_* */
};
typedef struct xen_dm_op_remote_shutdown xen_dm_op_remote_shutdown_t;

/* Move 'size' pages from src_gfn to dst_gfn. */
#define XEN_DMOP_relocate_memory 17
struct xen_dm_op_relocate_memory {
    uint32_t size;              /* IN/OUT: remaining */
    uint32_t pad;
    uint64_aligned_t src_gfn;   /* IN/OUT */
    uint64_aligned_t dst_gfn;   /* IN/OUT */
};
typedef struct xen_dm_op_relocate_memory xen_dm_op_relocate_memory_t;

/* Force a cache attribute on an inclusive gfn range. */
#define XEN_DMOP_pin_memory_cacheattr 18
struct xen_dm_op_pin_memory_cacheattr {
    uint64_aligned_t start;
    uint64_aligned_t end;
#define XEN_DMOP_MEM_CACHEATTR_UC  0
#define XEN_DMOP_MEM_CACHEATTR_WC  1
#define XEN_DMOP_MEM_CACHEATTR_WT  4
#define XEN_DMOP_MEM_CACHEATTR_WP  5
#define XEN_DMOP_MEM_CACHEATTR_WB  6
#define XEN_DMOP_MEM_CACHEATTR_UCM 7
#define XEN_DMOP_DELETE_MEM_CACHEATTR (~(uint32_t)0)
    uint32_t type;
    uint32_t pad;
};
typedef struct xen_dm_op_pin_memory_cacheattr xen_dm_op_pin_memory_cacheattr_t;

/* Level of an arbitrary emulated interrupt line (Arm and x86). */
#define XEN_DMOP_set_irq_level 19
struct xen_dm_op_set_irq_level {
    uint32_t irq;
    uint8_t level;
    uint8_t pad[3];
};
typedef struct xen_dm_op_set_irq_level xen_dm_op_set_irq_level_t;

#define XEN_DMOP_nr_vcpus 20
struct xen_dm_op_nr_vcpus {
    uint32_t vcpus;             /* OUT */
};
typedef struct xen_dm_op_nr_vcpus xen_dm_op_nr_vcpus_t;

struct xen_dm_op {
    uint32_t op;                /* XEN_DMOP_* */
    uint32_t pad;
    union {
        xen_dm_op_create_ioreq_server_t create_ioreq_server;
        xen_dm_op_get_ioreq_server_info_t get_ioreq_server_info;
        xen_dm_op_ioreq_server_range_t map_io_range_to_ioreq_server;
        xen_dm_op_ioreq_server_range_t unmap_io_range_from_ioreq_server;
        xen_dm_op_set_ioreq_server_state_t set_ioreq_server_state;
        xen_dm_op_destroy_ioreq_server_t destroy_ioreq_server;
        xen_dm_op_track_dirty_vram_t track_dirty_vram;
        xen_dm_op_set_pci_intx_level_t set_pci_intx_level;
        xen_dm_op_set_isa_irq_level_t set_isa_irq_level;
        xen_dm_op_set_irq_level_t set_irq_level;
        xen_dm_op_set_pci_link_route_t set_pci_link_route;
        xen_dm_op_modified_memory_t modified_memory;
        xen_dm_op_set_mem_type_t set_mem_type;
        xen_dm_op_inject_event_t inject_event;
        xen_dm_op_inject_msi_t inject_msi;
        xen_dm_op_map_mem_type_to_ioreq_server_t map_mem_type_to_ioreq_server;
        xen_dm_op_remote_shutdown_t remote_shutdown;
        xen_dm_op_relocate_memory_t relocate_memory;
        xen_dm_op_pin_memory_cacheattr_t pin_memory_cacheattr;
        xen_dm_op_nr_vcpus_t nr_vcpus;
    } u;
};

/* One buffer of a dm_op call. */
struct xen_dm_op_buf {
    XEN_GUEST_HANDLE(void) h;
    xen_ulong_t size;
};
typedef struct xen_dm_op_buf xen_dm_op_buf_t;
DEFINE_XEN_GUEST_HANDLE(xen_dm_op_buf_t);

#endif /* __XEN_PUBLIC_HVM_DM_OP_H__ */
