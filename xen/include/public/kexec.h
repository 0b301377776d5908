/* SPDX-License-Identifier: MIT */
/* kexec_op hypercall: load and run a replacement or crash kernel. */

#ifndef _XEN_PUBLIC_KEXEC_H
#define _XEN_PUBLIC_KEXEC_H

#include "xen.h"

/*
 * HYPERVISOR_kexec_op(cmd, arg), dom0 only.  Images are loaded into
 * memory Xen keeps aside; on panic (crash image) or on request the
 * hypervisor jumps to the loaded image.  Arguments are call-only.
 */

/* x86: number of control pages passed to the relocation stub. */
#define KEXEC_XEN_NO_PAGES 17

#define KEXEC_TYPE_DEFAULT 0  /* run on request */
#define KEXEC_TYPE_CRASH   1  /* run when Xen crashes */

/* v1 image description (kexec-tools' page list). */
typedef struct xen_kexec_image {
    unsigned long page_list[KEXEC_XEN_NO_PAGES];
    unsigned long indirection_page;
    unsigned long start_address;
} xen_kexec_image_t;

/* Execute the loaded image of 'type'. */
#define KEXEC_CMD_kexec 0
typedef struct xen_kexec_exec {
    int type;
} xen_kexec_exec_t;

/* v1 load/unload (interface < 4.4). */
#define KEXEC_CMD_kexec_load_v1   1
#define KEXEC_CMD_kexec_unload_v1 2
typedef struct xen_kexec_load_v1 {
    int type;
    xen_kexec_image_t image;
} xen_kexec_load_v1_t;

/* Machine address ranges a dump tool may ask for. */
#define KEXEC_RANGE_MA_CRASH      0  /* crash kernel area */
#define KEXEC_RANGE_MA_XEN        1  /* the hypervisor image */
#define KEXEC_RANGE_MA_CPU        2  /* per-cpu crash notes, index nr */
#define KEXEC_RANGE_MA_XENHEAP    3
#define KEXEC_RANGE_MA_BOOT_PARAM 4
#define KEXEC_RANGE_MA_EFI_MEMMAP 5
#define KEXEC_RANGE_MA_VMCOREINFO 6

#define KEXEC_CMD_kexec_get_range 3
typedef struct xen_kexec_range {
    int range;                  /* IN: KEXEC_RANGE_MA_* */
    int nr;                     /* IN: cpu for MA_CPU */
    unsigned long size;         /* OUT */
    unsigned long start;        /* OUT */
} xen_kexec_range_t;

#if __XEN_INTERFACE_VERSION__ >= 0x00040400
/* v2: a segment copied from the caller to dest_maddr. */
typedef struct xen_kexec_segment {
    union {
        XEN_GUEST_HANDLE(const_void) h;
        uint64_t _pad;
    } buf;
    uint64_t buf_size;
    uint64_t dest_maddr;
    uint64_t dest_size;         /* rest beyond buf_size is zeroed */
} xen_kexec_segment_t;
DEFINE_XEN_GUEST_HANDLE(xen_kexec_segment_t);

#define KEXEC_CMD_kexec_load 4
typedef struct xen_kexec_load {
    uint8_t type;               /* KEXEC_TYPE_* */
    uint8_t _pad;
    uint16_t arch;              /* ELF machine (EM_*) of the image */
    uint32_t nr_segments;
    union {
        XEN_GUEST_HANDLE(xen_kexec_segment_t) h;
        uint64_t _pad;
    } segments;
    uint64_t entry_maddr;
} xen_kexec_load_t;
DEFINE_XEN_GUEST_HANDLE(xen_kexec_load_t);

#define KEXEC_CMD_kexec_unload 5
typedef struct xen_kexec_unload {
    uint8_t type;
} xen_kexec_unload_t;
DEFINE_XEN_GUEST_HANDLE(xen_kexec_unload_t);

/* Returns 1 if an image of 'type' is loaded. */
#define KEXEC_CMD_kexec_status 6
typedef struct xen_kexec_status {
    uint8_t type;
} xen_kexec_status_t;
DEFINE_XEN_GUEST_HANDLE(xen_kexec_status_t);

#else
#define KEXEC_CMD_kexec_load   KEXEC_CMD_kexec_load_v1
#define KEXEC_CMD_kexec_unload KEXEC_CMD_kexec_unload_v1
#define xen_kexec_load   xen_kexec_load_v1
#define xen_kexec_load_t xen_kexec_load_v1_t
#endif

#endif /* _XEN_PUBLIC_KEXEC_H */
