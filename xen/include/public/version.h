/* SPDX-License-Identifier: MIT */
/* xen_version hypercall: version strings, build data, feature bits. */

#ifndef __XEN_PUBLIC_VERSION_H__
#define __XEN_PUBLIC_VERSION_H__

#include "xen.h"

/*
 * HYPERVISOR_xen_version(cmd, arg).  Sub-ops that take an argument write
 * the result into the caller's buffer; nothing here is shared memory.
 */

/* Returns major << 16 | minor; arg unused. */
#define XENVER_version 0

/* arg: xen_extraversion_t, e.g. ".0" or "-rc1". */
#define XENVER_extraversion 1
typedef char xen_extraversion_t[16];
#define XEN_EXTRAVERSION_LEN (sizeof(xen_extraversion_t))

/* arg: struct xen_compile_info. */
#define XENVER_compile_info 2
struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
typedef struct xen_compile_info xen_compile_info_t;

/* arg: xen_capabilities_info_t, space-separated ("xen-3.0-x86_64 ..."). */
#define XENVER_capabilities 3
typedef char xen_capabilities_info_t[1024];
#define XEN_CAPABILITIES_INFO_LEN (sizeof(xen_capabilities_info_t))

/* arg: xen_changeset_info_t, source revision. */
#define XENVER_changeset 4
typedef char xen_changeset_info_t[64];
#define XEN_CHANGESET_INFO_LEN (sizeof(xen_changeset_info_t))

/* arg: struct xen_platform_parameters (start of the hypervisor hole). */
#define XENVER_platform_parameters 5
struct xen_platform_parameters {
    xen_ulong_t virt_start;
};
typedef struct xen_platform_parameters xen_platform_parameters_t;

/* arg: struct xen_feature_info; caller sets submap_idx, Xen fills submap. */
#define XENVER_get_features 6
struct xen_feature_info {
    unsigned int submap_idx;
    uint32_t submap;            /* XENFEAT_* bits of this sub-map */
};
typedef struct xen_feature_info xen_feature_info_t;

#include "features.h"

/* Returns the page size; arg unused. */
#define XENVER_pagesize 7

/* arg: xen_domain_handle_t of the caller. */
#define XENVER_guest_handle 8

/* arg: xen_commandline_t (privileged). */
#define XENVER_commandline 9
typedef char xen_commandline_t[1024];

/*
 * arg: struct xen_build_id; caller sets len to the buffer size, Xen
 * writes the id into buf and returns its length (privileged).
 */
#define XENVER_build_id 10
struct xen_build_id {
    uint32_t len;
    __xen_extension unsigned char buf[XEN_FLEX_ARRAY_DIM];
};
typedef struct xen_build_id xen_build_id_t;

#endif /* __XEN_PUBLIC_VERSION_H__ */
