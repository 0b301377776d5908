/* SPDX-License-Identifier: MIT */
/* hypfs_op hypercall: the hypervisor's read/write parameter file system. */

#ifndef __XEN_PUBLIC_HYPFS_H__
#define __XEN_PUBLIC_HYPFS_H__

#include "xen.h"

#define XEN_HYPFS_VERSION     1
#define XEN_HYPFS_MAX_PATHLEN 1024

/*
 * Reading a node returns a xen_hypfs_direntry followed by its content;
 * a directory's content is a sequence of xen_hypfs_dirlistentry, each
 * off_next bytes after the previous one (0 ends the list).
 */
struct xen_hypfs_direntry {
    uint8_t type;
#define XEN_HYPFS_TYPE_DIR    0
#define XEN_HYPFS_TYPE_BLOB   1
#define XEN_HYPFS_TYPE_STRING 2
#define XEN_HYPFS_TYPE_UINT   3
#define XEN_HYPFS_TYPE_INT    4
#define XEN_HYPFS_TYPE_BOOL   5
    uint8_t encoding;
#define XEN_HYPFS_ENC_PLAIN   0
#define XEN_HYPFS_ENC_GZIP    1
    uint16_t pad;
    uint32_t content_len;
    uint32_t max_write_len;     /* 0: read-only */
};
typedef struct xen_hypfs_direntry xen_hypfs_direntry_t;

struct xen_hypfs_dirlistentry {
    xen_hypfs_direntry_t e;
    uint16_t off_next;
    __xen_extension char name[XEN_FLEX_ARRAY_DIM];
};

/* HYPERVISOR_hypfs_op(cmd, path, pathlen, buffer, buflen). */
#define XEN_HYPFS_OP_get_version    0
#define XEN_HYPFS_OP_read           1
#define XEN_HYPFS_OP_write_contents 2

#endif /* __XEN_PUBLIC_HYPFS_H__ */
