/* SPDX-License-Identifier: GPL-2.0-only */
/* The ioctl ABI of Linux's /dev/xen/{privcmd,evtchn,gntdev,gntalloc}. */
#ifndef LINUX_XEN_H
#define LINUX_XEN_H

#include <stdint.h>
#include <sys/ioctl.h>

/* privcmd: a hypercall made by the kernel with our arguments. */
struct lx_privcmd_hypercall {
    uint64_t op;
    uint64_t arg[5];
};

/* privcmd: map num frames of dom at addr, an mmap of the privcmd fd. */
struct lx_privcmd_mmapbatch_v2 {
    unsigned int num;
    uint16_t dom;
    uint64_t addr;
    const uint64_t *arr;
    int *err;                   /* per frame: 0 or -errno */
};

/* privcmd: map a domain's resource (XENMEM_acquire_resource). */
struct lx_privcmd_mmap_resource {
    uint16_t dom;
    uint32_t type;
    uint32_t id;
    uint32_t idx;
    uint64_t num;
    uint64_t addr;              /* 0 with num 0: ask the resource's size */
};

#define LX_IOCTL_PRIVCMD_HYPERCALL \
    _IOC(_IOC_NONE, 'P', 0, sizeof(struct lx_privcmd_hypercall))
#define LX_IOCTL_PRIVCMD_MMAPBATCH_V2 \
    _IOC(_IOC_NONE, 'P', 4, sizeof(struct lx_privcmd_mmapbatch_v2))
#define LX_IOCTL_PRIVCMD_MMAP_RESOURCE \
    _IOC(_IOC_NONE, 'P', 7, sizeof(struct lx_privcmd_mmap_resource))

/* evtchn: each binds a port to the fd and returns the local port. */
struct lx_evtchn_bind_virq { unsigned int virq; };
struct lx_evtchn_bind_interdomain {
    unsigned int remote_domain, remote_port;
};
struct lx_evtchn_bind_unbound_port { unsigned int remote_domain; };
struct lx_evtchn_port { unsigned int port; };

#define LX_IOCTL_EVTCHN_BIND_VIRQ \
    _IOC(_IOC_NONE, 'E', 0, sizeof(struct lx_evtchn_bind_virq))
#define LX_IOCTL_EVTCHN_BIND_INTERDOMAIN \
    _IOC(_IOC_NONE, 'E', 1, sizeof(struct lx_evtchn_bind_interdomain))
#define LX_IOCTL_EVTCHN_BIND_UNBOUND_PORT \
    _IOC(_IOC_NONE, 'E', 2, sizeof(struct lx_evtchn_bind_unbound_port))
#define LX_IOCTL_EVTCHN_UNBIND \
    _IOC(_IOC_NONE, 'E', 3, sizeof(struct lx_evtchn_port))
#define LX_IOCTL_EVTCHN_NOTIFY \
    _IOC(_IOC_NONE, 'E', 4, sizeof(struct lx_evtchn_port))

/* gntdev: map refs; the result is an offset to mmap the fd at. */
struct lx_gntdev_grant_ref { uint32_t domid, ref; };
struct lx_gntdev_map_grant_ref {
    uint32_t count, pad;
    uint64_t index;             /* out */
    struct lx_gntdev_grant_ref refs[1];
};
struct lx_gntdev_unmap_grant_ref {
    uint64_t index;
    uint32_t count, pad;
};
struct lx_gntdev_get_offset_for_vaddr {
    uint64_t vaddr;
    uint64_t offset;            /* out */
    uint32_t count, pad;        /* out */
};

#define LX_IOCTL_GNTDEV_MAP_GRANT_REF \
    _IOC(_IOC_NONE, 'G', 0, sizeof(struct lx_gntdev_map_grant_ref))
#define LX_IOCTL_GNTDEV_UNMAP_GRANT_REF \
    _IOC(_IOC_NONE, 'G', 1, sizeof(struct lx_gntdev_unmap_grant_ref))
#define LX_IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR \
    _IOC(_IOC_NONE, 'G', 2, sizeof(struct lx_gntdev_get_offset_for_vaddr))

/* gntalloc: grant count new pages to domid; mmap the fd at index. */
struct lx_gntalloc_alloc_gref {
    uint16_t domid, flags;      /* flags: 1 = writable */
    uint32_t count;
    uint64_t index;             /* out */
    uint32_t gref_ids[1];       /* out, count of them */
};
struct lx_gntalloc_dealloc_gref {
    uint64_t index;
    uint32_t count;
};

#define LX_IOCTL_GNTALLOC_ALLOC_GREF \
    _IOC(_IOC_NONE, 'G', 5, sizeof(struct lx_gntalloc_alloc_gref))
#define LX_IOCTL_GNTALLOC_DEALLOC_GREF \
    _IOC(_IOC_NONE, 'G', 6, sizeof(struct lx_gntalloc_dealloc_gref))

#endif /* LINUX_XEN_H */
