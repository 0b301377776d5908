/* SPDX-License-Identifier: MIT */
/* Grant tables: sharing pages between domains (v1 and v2 entry formats). */

#ifndef __XEN_PUBLIC_GRANT_TABLE_H__
#define __XEN_PUBLIC_GRANT_TABLE_H__

#include "xen.h"

/*
 * A domain (the granter) publishes grant entries in its grant table,
 * pages it shares with Xen; another domain (the grantee) names an entry
 * by its index, a grant reference, in GNTTABOP_* calls.
 *
 * Ordering rules for the granter:
 *  - to grant: write domid and frame, write barrier, then write flags
 *    (type + GTF_readonly); the entry is live from that moment;
 *  - to revoke: atomically clear flags with compare-and-swap only if
 *    neither GTF_reading nor GTF_writing is set (Xen sets those while the
 *    grantee has the page mapped or is copying); retry later otherwise.
 * Xen writes only the GTF_reading/GTF_writing bits of a live entry (v1),
 * or the separate status array (v2).
 */

typedef uint32_t grant_ref_t;

#if __XEN_INTERFACE_VERSION__ < 0x0003020a
#define grant_entry_v1 grant_entry
#define grant_entry_v1_t grant_entry_t
#endif

/* Version 1 entry (8 bytes). */
struct grant_entry_v1 {
    uint16_t flags;     /* GTF_*; written last by the granter */
    domid_t domid;      /* the domain allowed to use the grant */
    uint32_t frame;     /* the frame shared / to receive a transfer */
};
typedef struct grant_entry_v1 grant_entry_v1_t;

/* Entries the toolstack fills before boot. */
#define GNTTAB_NR_RESERVED_ENTRIES 8
#define GNTTAB_RESERVED_CONSOLE    0
#define GNTTAB_RESERVED_XENSTORE   1

/* Entry type (flags bits 0-1). */
#define GTF_invalid         (0U << 0)  /* not in use */
#define GTF_permit_access   (1U << 0)  /* map or copy allowed */
#define GTF_accept_transfer (2U << 0)  /* may receive a page (v1 only) */
#define GTF_transitive      (3U << 0)  /* v2: refers to another grant */
#define GTF_type_mask       (3U << 0)

/* permit_access / transitive sub-flags. */
#define _GTF_readonly (2)
#define GTF_readonly  (1U << _GTF_readonly)   /* granter: no writes */
#define _GTF_reading  (3)
#define GTF_reading   (1U << _GTF_reading)    /* Xen: in use for reading */
#define _GTF_writing  (4)
#define GTF_writing   (1U << _GTF_writing)    /* Xen: in use for writing */
#define _GTF_PWT      (5)
#define GTF_PWT       (1U << _GTF_PWT)        /* caching attributes */
#define _GTF_PCD      (6)
#define GTF_PCD       (1U << _GTF_PCD)
#define _GTF_PAT      (7)
#define GTF_PAT       (1U << _GTF_PAT)
#define _GTF_sub_page (8)
#define GTF_sub_page  (1U << _GTF_sub_page)   /* v2: sub_page form */

/* accept_transfer sub-flags, written by Xen. */
#define _GTF_transfer_committed (2)
#define GTF_transfer_committed  (1U << _GTF_transfer_committed)
#define _GTF_transfer_completed (3)
#define GTF_transfer_completed  (1U << _GTF_transfer_completed)

#if __XEN_INTERFACE_VERSION__ >= 0x0003020a
/*
 * Version 2.  Each entry is 16 bytes and starts with the same header;
 * the GTF_reading/GTF_writing state lives in a separate grant_status_t
 * array (GNTTABOP_get_status_frames) written only by Xen, so the
 * granter's flags word is never written by Xen.
 */
struct grant_entry_header {
    uint16_t flags;
    domid_t domid;
};
typedef struct grant_entry_header grant_entry_header_t;

union grant_entry_v2 {
    grant_entry_header_t hdr;

    /* GTF_permit_access / GTF_accept_transfer: a whole frame. */
    struct {
        grant_entry_header_t hdr;
        uint32_t pad0;
        uint64_t frame;
    } full_page;

    /* GTF_permit_access | GTF_sub_page: part of a frame (copy only). */
    struct {
        grant_entry_header_t hdr;
        uint16_t page_off;
        uint16_t length;
        uint64_t frame;
    } sub_page;

    /* GTF_transitive: re-grant of gref of trans_domid (copy only). */
    struct {
        grant_entry_header_t hdr;
        domid_t trans_domid;
        uint16_t pad0;
        grant_ref_t gref;
    } transitive;

    uint32_t __spacer[4];   /* fixes the size at 16 bytes */
};
typedef union grant_entry_v2 grant_entry_v2_t;

typedef uint16_t grant_status_t;
#endif /* >= 0x0003020a */

/* HYPERVISOR_grant_table_op(cmd, array of args, count). */
#define GNTTABOP_map_grant_ref      0
#define GNTTABOP_unmap_grant_ref    1
#define GNTTABOP_setup_table        2
#define GNTTABOP_dump_table         3
#define GNTTABOP_transfer           4
#define GNTTABOP_copy               5
#define GNTTABOP_query_size         6
#define GNTTABOP_unmap_and_replace  7
#if __XEN_INTERFACE_VERSION__ >= 0x0003020a
#define GNTTABOP_set_version        8
#define GNTTABOP_get_status_frames  9
#define GNTTABOP_get_version        10
#define GNTTABOP_swap_grant_ref     11
#define GNTTABOP_cache_flush        12
#endif

/* Identifies one mapping made by map_grant_ref. */
typedef uint32_t grant_handle_t;

/*
 * Map a granted frame: at host_addr (GNTMAP_host_map; a virtual address,
 * or the PTE machine address with GNTMAP_contains_pte) and/or for device
 * DMA (GNTMAP_device_map, bus address returned in dev_bus_addr).
 */
struct gnttab_map_grant_ref {
    uint64_t host_addr;         /* IN */
    uint32_t flags;             /* IN: GNTMAP_* */
    grant_ref_t ref;            /* IN */
    domid_t dom;                /* IN: the granter */
    int16_t status;             /* OUT: GNTST_* */
    grant_handle_t handle;      /* OUT */
    uint64_t dev_bus_addr;      /* OUT */
};
typedef struct gnttab_map_grant_ref gnttab_map_grant_ref_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_map_grant_ref_t);

/* Undo a mapping; addresses 0 mean "that part was not mapped". */
struct gnttab_unmap_grant_ref {
    uint64_t host_addr;         /* IN */
    uint64_t dev_bus_addr;      /* IN */
    grant_handle_t handle;      /* IN */
    int16_t status;             /* OUT */
};
typedef struct gnttab_unmap_grant_ref gnttab_unmap_grant_ref_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_unmap_grant_ref_t);

/* Size the caller's (or, privileged, dom's) table; returns its frames. */
struct gnttab_setup_table {
    domid_t dom;                /* IN */
    uint32_t nr_frames;         /* IN */
    int16_t status;             /* OUT */
#if __XEN_INTERFACE_VERSION__ < 0x00040300
    XEN_GUEST_HANDLE(ulong) frame_list;         /* OUT */
#else
    XEN_GUEST_HANDLE(xen_pfn_t) frame_list;     /* OUT */
#endif
};
typedef struct gnttab_setup_table gnttab_setup_table_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_setup_table_t);

/* Print a table on Xen's console (debugging). */
struct gnttab_dump_table {
    domid_t dom;                /* IN */
    int16_t status;             /* OUT */
};
typedef struct gnttab_dump_table gnttab_dump_table_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_dump_table_t);

/* Give away frame mfn to domid through its accept_transfer grant ref. */
struct gnttab_transfer {
    xen_pfn_t mfn;              /* IN */
    domid_t domid;              /* IN */
    grant_ref_t ref;            /* IN */
    int16_t status;             /* OUT */
};
typedef struct gnttab_transfer gnttab_transfer_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_transfer_t);

/*
 * Copy len bytes between two (granted or own) frames without mapping
 * them; neither range may cross a page boundary.
 */
#define _GNTCOPY_source_gref (0)
#define GNTCOPY_source_gref  (1 << _GNTCOPY_source_gref)  /* source.u.ref */
#define _GNTCOPY_dest_gref   (1)
#define GNTCOPY_dest_gref    (1 << _GNTCOPY_dest_gref)    /* dest.u.ref */

struct gnttab_copy {
    struct gnttab_copy_ptr {
        union {
            grant_ref_t ref;
            xen_pfn_t gmfn;
        } u;
        domid_t domid;
        uint16_t offset;
    } source, dest;             /* IN */
    uint16_t len;               /* IN */
    uint16_t flags;             /* IN: GNTCOPY_* */
    int16_t status;             /* OUT */
};
typedef struct gnttab_copy gnttab_copy_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_copy_t);

/* Current and maximum table size in frames. */
struct gnttab_query_size {
    domid_t dom;                /* IN */
    uint32_t nr_frames;         /* OUT */
    uint32_t max_nr_frames;     /* OUT */
    int16_t status;             /* OUT */
};
typedef struct gnttab_query_size gnttab_query_size_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_query_size_t);

/* Unmap host_addr, moving the mapping at new_addr there (PV). */
struct gnttab_unmap_and_replace {
    uint64_t host_addr;         /* IN */
    uint64_t new_addr;          /* IN */
    grant_handle_t handle;      /* IN */
    int16_t status;             /* OUT */
};
typedef struct gnttab_unmap_and_replace gnttab_unmap_and_replace_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_unmap_and_replace_t);

#if __XEN_INTERFACE_VERSION__ >= 0x0003020a
/* Switch the caller's table format (1 or 2) while no grant is live. */
struct gnttab_set_version {
    uint32_t version;           /* IN/OUT */
};
typedef struct gnttab_set_version gnttab_set_version_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_set_version_t);

/* v2: frames of the status array. */
struct gnttab_get_status_frames {
    uint32_t nr_frames;         /* IN */
    domid_t dom;                /* IN */
    int16_t status;             /* OUT */
    XEN_GUEST_HANDLE(uint64_t) frame_list;  /* OUT */
};
typedef struct gnttab_get_status_frames gnttab_get_status_frames_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_get_status_frames_t);

struct gnttab_get_version {
    domid_t dom;                /* IN */
    uint16_t pad;
    uint32_t version;           /* OUT */
};
typedef struct gnttab_get_version gnttab_get_version_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_get_version_t);

/* Exchange two entries of the caller's table atomically. */
struct gnttab_swap_grant_ref {
    grant_ref_t ref_a;          /* IN */
    grant_ref_t ref_b;          /* IN */
    int16_t status;             /* OUT */
};
typedef struct gnttab_swap_grant_ref gnttab_swap_grant_ref_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_swap_grant_ref_t);

/* Clean and/or invalidate the data cache over part of a frame (Arm). */
struct gnttab_cache_flush {
    union {
        uint64_t dev_bus_addr;
        grant_ref_t ref;
    } a;
    uint16_t offset;
    uint16_t length;
#define GNTTAB_CACHE_CLEAN       (1u << 0)
#define GNTTAB_CACHE_INVAL       (1u << 1)
#define GNTTAB_CACHE_SOURCE_GREF (1u << 31)   /* a.ref names the page */
    uint32_t op;
};
typedef struct gnttab_cache_flush gnttab_cache_flush_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_cache_flush_t);
#endif /* >= 0x0003020a */

/* map_grant_ref flags. */
#define _GNTMAP_device_map      (0)
#define GNTMAP_device_map       (1 << _GNTMAP_device_map)
#define _GNTMAP_host_map        (1)
#define GNTMAP_host_map         (1 << _GNTMAP_host_map)
#define _GNTMAP_readonly        (2)
#define GNTMAP_readonly         (1 << _GNTMAP_readonly)
#define _GNTMAP_application_map (3)
#define GNTMAP_application_map  (1 << _GNTMAP_application_map) /* user PTE */
#define _GNTMAP_contains_pte    (4)
#define GNTMAP_contains_pte     (1 << _GNTMAP_contains_pte)
/* Bits from here up are copied into the PTE's available bits. */
#define _GNTMAP_guest_avail0    (16)
#define GNTMAP_guest_avail_mask ((uint32_t)~0 << _GNTMAP_guest_avail0)

/* Per-operation status codes. */
#define GNTST_okay              (0)
#define GNTST_general_error     (-1)
#define GNTST_bad_domain        (-2)
#define GNTST_bad_gntref        (-3)
#define GNTST_bad_handle        (-4)
#define GNTST_bad_virt_addr     (-5)
#define GNTST_bad_dev_addr      (-6)
#define GNTST_no_device_space   (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page          (-9)
#define GNTST_bad_copy_arg      (-10)
#define GNTST_address_too_big   (-11)
#define GNTST_eagain            (-12)
#define GNTST_no_space          (-13)

/* Messages indexed by -GNTST_*. */
#define GNTTABOP_error_msgs {                       \
    "success",                                      \
    "unspecified failure",                          \
    "no such domain",                               \
    "bad grant reference",                          \
    "bad mapping handle",                           \
    "bad virtual address",                          \
    "bad device address",                           \
    "no free I/O MMU slot",                         \
    "not permitted",                                \
    "bad page",                                     \
    "copy range crosses a page boundary",           \
    "address does not fit the field",               \
    "temporarily unavailable; retry",               \
    "out of space",                                 \
}

#endif /* __XEN_PUBLIC_GRANT_TABLE_H__ */
