/* SPDX-License-Identifier: GPL-2.0-only */
/* libhvxc: foreign mappings, /dev/xen/evtchn, gntdev and gntalloc. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "linux_xen.h"
#include "xc_private.h"

/* ---- Foreign memory through privcmd ---- */

void *xc_map_foreign_bulk(xc_interface *xch, uint32_t domid, int prot,
                          const xen_pfn_t *arr, int *err, unsigned int num)
{
    struct lx_privcmd_mmapbatch_v2 m;
    size_t len = (size_t)num << XC_PAGE_SHIFT;
    void *addr;
    int rc;

    if ( !num || !arr || !err || num > (1u << 20) ||
         domid >= DOMID_FIRST_RESERVED )
    {
        xc_fail(xch, EINVAL, "map_foreign d%u: bad arguments", domid);
        return NULL;
    }
    /* privcmd hands out a VMA first; the ioctl then fills it in. */
    addr = hvxc_os->mmap(NULL, len, prot, MAP_SHARED, xch->privcmd, 0);
    if ( addr == MAP_FAILED )
    {
        xc_fail(xch, errno, "map_foreign d%u: mmap of %u pages: %s", domid,
                num, strerror(errno));
        return NULL;
    }
    memset(err, 0, num * sizeof(*err));
    m = (struct lx_privcmd_mmapbatch_v2){ .num = num, .dom = domid,
                                          .addr = (uintptr_t)addr,
                                          .arr = arr, .err = err };
    /*
     * Frames the kernel could not map are in err[]; ENOENT (a paged-out
     * frame) makes the whole call answer ENOENT after filling err[].
     */
    rc = hvxc_os->ioctl(xch->privcmd, LX_IOCTL_PRIVCMD_MMAPBATCH_V2, &m);
    if ( rc < 0 && errno != ENOENT )
    {
        int e = errno;

        hvxc_os->munmap(addr, len);
        xc_fail(xch, e, "map_foreign d%u: %s", domid, strerror(e));
        return NULL;
    }
    return addr;
}

void *xc_map_foreign_pages(xc_interface *xch, uint32_t domid, int prot,
                           const xen_pfn_t *arr, unsigned int num)
{
    int *err = calloc(num ? num : 1, sizeof(*err));
    void *addr;

    if ( !err )
    {
        xc_fail(xch, ENOMEM, "map_foreign d%u: no memory", domid);
        return NULL;
    }
    addr = xc_map_foreign_bulk(xch, domid, prot, arr, err, num);
    for ( unsigned int i = 0; addr && i < num; i++ )
    {
        if ( !err[i] )
            continue;
        hvxc_os->munmap(addr, (size_t)num << XC_PAGE_SHIFT);
        xc_fail(xch, -err[i], "map_foreign d%u: frame %#lx (%u of %u): %s",
                domid, (unsigned long)arr[i], i, num, strerror(-err[i]));
        addr = NULL;
    }
    free(err);
    return addr;
}

void *xc_map_resource(xc_interface *xch, uint32_t domid, unsigned int type,
                      unsigned int id, unsigned long frame,
                      unsigned long nr_frames, int prot)
{
    struct lx_privcmd_mmap_resource r = {
        .dom = domid, .type = type, .id = id, .idx = frame,
        .num = nr_frames,
    };
    size_t len = nr_frames << XC_PAGE_SHIFT;
    void *addr;

    if ( !nr_frames || nr_frames > (1UL << 20) ||
         domid >= DOMID_FIRST_RESERVED )
    {
        xc_fail(xch, EINVAL, "map_resource d%u: bad arguments", domid);
        return NULL;
    }
    addr = hvxc_os->mmap(NULL, len, prot, MAP_SHARED, xch->privcmd, 0);
    if ( addr == MAP_FAILED )
    {
        xc_fail(xch, errno, "map_resource d%u: mmap: %s", domid,
                strerror(errno));
        return NULL;
    }
    r.addr = (uintptr_t)addr;
    if ( hvxc_os->ioctl(xch->privcmd, LX_IOCTL_PRIVCMD_MMAP_RESOURCE, &r) )
    {
        /* An old kernel does not know the ioctl: say "not offered". */
        int e = errno == ENOTTY || errno == ENOSYS ? EOPNOTSUPP : errno;

        hvxc_os->munmap(addr, len);
        xc_fail(xch, e, "map_resource d%u type %u: %s", domid, type,
                strerror(e));
        return NULL;
    }
    return addr;
}

int xc_unmap(xc_interface *xch, void *addr, unsigned long nr_pages)
{
    if ( hvxc_os->munmap(addr, nr_pages << XC_PAGE_SHIFT) )
        return xc_fail(xch, errno, "munmap: %s", strerror(errno));
    return 0;
}

/* ---- /dev/xen/evtchn ---- */

struct xc_evtchn {
    xc_interface *xch;
    int fd;
};

xc_evtchn *xc_evtchn_open(xc_interface *xch)
{
    xc_evtchn *xce = malloc(sizeof(*xce));

    if ( !xce )
    {
        xc_fail(xch, ENOMEM, "evtchn: no memory");
        return NULL;
    }
    xce->xch = xch;
    xce->fd = hvxc_os->open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
    if ( xce->fd < 0 )
    {
        xc_fail(xch, errno, "opening /dev/xen/evtchn: %s", strerror(errno));
        free(xce);
        return NULL;
    }
    return xce;
}

int xc_evtchn_close(xc_evtchn *xce)
{
    int rc;

    if ( !xce )
        return 0;
    rc = hvxc_os->close(xce->fd);
    free(xce);
    return rc;
}

int xc_evtchn_fd(const xc_evtchn *xce)
{
    return xce->fd;
}

static int evtchn_ioctl(xc_evtchn *xce, unsigned long req, void *arg,
                        const char *name)
{
    int rc = hvxc_os->ioctl(xce->fd, req, arg);

    if ( rc < 0 )
        return xc_fail(xce->xch, errno, "evtchn %s: %s", name,
                       strerror(errno));
    return rc;
}

int xc_evtchn_bind_interdomain(xc_evtchn *xce, uint32_t domid,
                               evtchn_port_t remote_port)
{
    struct lx_evtchn_bind_interdomain b = { domid, remote_port };

    return evtchn_ioctl(xce, LX_IOCTL_EVTCHN_BIND_INTERDOMAIN, &b,
                        "bind_interdomain");
}

int xc_evtchn_bind_unbound_port(xc_evtchn *xce, uint32_t domid)
{
    struct lx_evtchn_bind_unbound_port b = { domid };

    return evtchn_ioctl(xce, LX_IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b,
                        "bind_unbound_port");
}

int xc_evtchn_bind_virq(xc_evtchn *xce, unsigned int virq)
{
    struct lx_evtchn_bind_virq b = { virq };

    return evtchn_ioctl(xce, LX_IOCTL_EVTCHN_BIND_VIRQ, &b, "bind_virq");
}

int xc_evtchn_unbind(xc_evtchn *xce, evtchn_port_t port)
{
    struct lx_evtchn_port p = { port };

    return evtchn_ioctl(xce, LX_IOCTL_EVTCHN_UNBIND, &p, "unbind") < 0 ? -1
                                                                      : 0;
}

int xc_evtchn_notify(xc_evtchn *xce, evtchn_port_t port)
{
    struct lx_evtchn_port p = { port };

    return evtchn_ioctl(xce, LX_IOCTL_EVTCHN_NOTIFY, &p, "notify") < 0 ? -1
                                                                      : 0;
}

/* The driver hands out pending ports as 32-bit words, and masks them. */
int xc_evtchn_pending(xc_evtchn *xce)
{
    uint32_t port;
    ssize_t n = hvxc_os->read(xce->fd, &port, sizeof(port));

    if ( n != sizeof(port) )
        return xc_fail(xce->xch, n < 0 ? errno : EIO, "evtchn read: %s",
                       n < 0 ? strerror(errno) : "short read");
    return port;
}

int xc_evtchn_unmask(xc_evtchn *xce, evtchn_port_t port)
{
    uint32_t p = port;
    ssize_t n = hvxc_os->write(xce->fd, &p, sizeof(p));

    if ( n != sizeof(p) )
        return xc_fail(xce->xch, n < 0 ? errno : EIO, "evtchn unmask %u: %s",
                       port, n < 0 ? strerror(errno) : "short write");
    return 0;
}

/* ---- /dev/xen/gntdev and /dev/xen/gntalloc ---- */

struct xc_gnttab {
    xc_interface *xch;
    int fd;
};

/* Both devices: a handle is an fd plus the interface to log through. */
static void *dev_open(xc_interface *xch, const char *path)
{
    struct xc_gnttab *h = malloc(sizeof(*h));

    if ( !h )
    {
        xc_fail(xch, ENOMEM, "%s: no memory", path);
        return NULL;
    }
    h->xch = xch;
    h->fd = hvxc_os->open(path, O_RDWR | O_CLOEXEC);
    if ( h->fd < 0 )
    {
        xc_fail(xch, errno, "opening %s: %s", path, strerror(errno));
        free(h);
        return NULL;
    }
    return h;
}

static int dev_close(struct xc_gnttab *h)
{
    int rc;

    if ( !h )
        return 0;
    rc = hvxc_os->close(h->fd);
    free(h);
    return rc;
}

xc_gnttab *xc_gnttab_open(xc_interface *xch)
{
    return dev_open(xch, "/dev/xen/gntdev");
}

int xc_gnttab_close(xc_gnttab *xcg)
{
    return dev_close(xcg);
}

void *xc_gnttab_map_grant_refs(xc_gnttab *xcg, unsigned int count,
                               const uint32_t *domids, const uint32_t *refs,
                               int prot)
{
    struct lx_gntdev_map_grant_ref *m;
    struct lx_gntdev_unmap_grant_ref u;
    size_t size;
    void *addr;

    if ( !count || count > (1u << 16) || !domids || !refs )
    {
        xc_fail(xcg->xch, EINVAL, "gntdev map: bad arguments");
        return NULL;
    }
    size = sizeof(*m) + (count - 1) * sizeof(m->refs[0]);
    if ( !(m = calloc(1, size)) )
    {
        xc_fail(xcg->xch, ENOMEM, "gntdev map: no memory");
        return NULL;
    }
    m->count = count;
    for ( unsigned int i = 0; i < count; i++ )
        m->refs[i] = (struct lx_gntdev_grant_ref){ domids[i], refs[i] };
    if ( hvxc_os->ioctl(xcg->fd, LX_IOCTL_GNTDEV_MAP_GRANT_REF, m) )
    {
        xc_fail(xcg->xch, errno, "gntdev map of %u refs: %s", count,
                strerror(errno));
        free(m);
        return NULL;
    }
    addr = hvxc_os->mmap(NULL, (size_t)count << XC_PAGE_SHIFT, prot,
                         MAP_SHARED, xcg->fd, m->index);
    if ( addr == MAP_FAILED )
    {
        int e = errno;

        u = (struct lx_gntdev_unmap_grant_ref){ .index = m->index,
                                                .count = count };
        hvxc_os->ioctl(xcg->fd, LX_IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
        xc_fail(xcg->xch, e, "gntdev mmap of %u refs: %s", count,
                strerror(e));
        addr = NULL;
    }
    free(m);
    return addr;
}

int xc_gnttab_unmap(xc_gnttab *xcg, void *addr, unsigned int count)
{
    struct lx_gntdev_get_offset_for_vaddr o = { .vaddr = (uintptr_t)addr };
    struct lx_gntdev_unmap_grant_ref u;

    if ( hvxc_os->ioctl(xcg->fd, LX_IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &o) )
        return xc_fail(xcg->xch, errno, "gntdev: %p is not a grant map: %s",
                       addr, strerror(errno));
    if ( o.count != count )
        return xc_fail(xcg->xch, EINVAL, "gntdev: the map at %p has %u "
                       "pages, not %u", addr, o.count, count);
    if ( hvxc_os->munmap(addr, (size_t)count << XC_PAGE_SHIFT) )
        return xc_fail(xcg->xch, errno, "gntdev munmap: %s", strerror(errno));
    u = (struct lx_gntdev_unmap_grant_ref){ .index = o.offset,
                                            .count = count };
    if ( hvxc_os->ioctl(xcg->fd, LX_IOCTL_GNTDEV_UNMAP_GRANT_REF, &u) )
        return xc_fail(xcg->xch, errno, "gntdev unmap: %s", strerror(errno));
    return 0;
}

struct xc_gntshr {
    xc_interface *xch;
    int fd;
};

xc_gntshr *xc_gntshr_open(xc_interface *xch)
{
    return dev_open(xch, "/dev/xen/gntalloc");
}

int xc_gntshr_close(xc_gntshr *xcs)
{
    return dev_close((struct xc_gnttab *)xcs);
}

void *xc_gntshr_share_pages(xc_gntshr *xcs, uint32_t domid,
                            unsigned int count, uint32_t *refs, int writable)
{
    struct lx_gntalloc_alloc_gref *a;
    struct lx_gntalloc_dealloc_gref d;
    size_t size;
    void *addr;

    if ( !count || count > (1u << 16) || !refs ||
         domid >= DOMID_FIRST_RESERVED )
    {
        xc_fail(xcs->xch, EINVAL, "gntalloc: bad arguments");
        return NULL;
    }
    size = sizeof(*a) + (count - 1) * sizeof(a->gref_ids[0]);
    if ( !(a = calloc(1, size)) )
    {
        xc_fail(xcs->xch, ENOMEM, "gntalloc: no memory");
        return NULL;
    }
    a->domid = domid;
    a->flags = writable ? 1 : 0;
    a->count = count;
    if ( hvxc_os->ioctl(xcs->fd, LX_IOCTL_GNTALLOC_ALLOC_GREF, a) )
    {
        xc_fail(xcs->xch, errno, "gntalloc %u pages for d%u: %s", count,
                domid, strerror(errno));
        free(a);
        return NULL;
    }
    addr = hvxc_os->mmap(NULL, (size_t)count << XC_PAGE_SHIFT,
                         PROT_READ | PROT_WRITE, MAP_SHARED, xcs->fd,
                         a->index);
    if ( addr == MAP_FAILED )
    {
        xc_fail(xcs->xch, errno, "gntalloc mmap: %s", strerror(errno));
        addr = NULL;
    }
    else
        memcpy(refs, a->gref_ids, count * sizeof(*refs));
    /*
     * The grants live until the mapping goes: dropping the allocation's
     * own reference now means munmap alone gives them back.
     */
    d = (struct lx_gntalloc_dealloc_gref){ .index = a->index,
                                           .count = count };
    hvxc_os->ioctl(xcs->fd, LX_IOCTL_GNTALLOC_DEALLOC_GREF, &d);
    free(a);
    return addr;
}

int xc_gntshr_unshare(xc_gntshr *xcs, void *addr, unsigned int count)
{
    if ( hvxc_os->munmap(addr, (size_t)count << XC_PAGE_SHIFT) )
        return xc_fail(xcs->xch, errno, "gntalloc munmap: %s",
                       strerror(errno));
    return 0;
}
