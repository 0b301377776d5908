/* SPDX-License-Identifier: GPL-2.0-only */
/* Small wrappers over Linux's /dev/xen drivers for the dom0 daemons. */
#define __XEN_TOOLS__ 1
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <public/domctl.h>
#include <public/sysctl.h>

#include "xen_dev.h"

#define PAGE 4096u

/* The ABI of Linux's drivers (include/uapi/xen), spelt out here. */
struct pc_hypercall
{
    uint64_t op;
    uint64_t arg[5];
};

struct pc_mmapbatch_v2
{
    unsigned int num;
    uint16_t dom;
    uint64_t addr;
    const uint64_t *arr;
    int *err;
};

struct gd_map
{
    uint32_t count, pad;
    uint64_t index;
    struct
    {
        uint32_t domid, ref;
    } refs[1];
};

struct gd_unmap
{
    uint64_t index;
    uint32_t count, pad;
};

struct ec_port
{
    unsigned int a, b;
};

#define PC_HYPERCALL _IOC(_IOC_NONE, 'P', 0, sizeof(struct pc_hypercall))
#define PC_MMAPBATCH_V2 _IOC(_IOC_NONE, 'P', 4, sizeof(struct pc_mmapbatch_v2))
#define GD_MAP _IOC(_IOC_NONE, 'G', 0, sizeof(struct gd_map))
#define GD_UNMAP _IOC(_IOC_NONE, 'G', 1, sizeof(struct gd_unmap))
#define EC_BIND_VIRQ _IOC(_IOC_NONE, 'E', 0, sizeof(unsigned int))
#define EC_BIND_INTERDOMAIN _IOC(_IOC_NONE, 'E', 1, 2 * sizeof(unsigned int))
#define EC_UNBIND _IOC(_IOC_NONE, 'E', 3, sizeof(unsigned int))
#define EC_NOTIFY _IOC(_IOC_NONE, 'E', 4, sizeof(unsigned int))
#define XB_BACKEND_EVTCHN _IOC(_IOC_NONE, 'B', 0, 0)

int xd_open(struct xd *x)
{
    x->gntdev = -1;
    x->hbuf = MAP_FAILED;
    x->privcmd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    x->evtchn = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if ( x->privcmd < 0 || x->evtchn < 0 )
        goto fail;
    x->gntdev = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
    /* Hypercall arguments must not be paged out under the hypervisor. */
    x->hbuf = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
    if ( x->hbuf == MAP_FAILED )
        goto fail;
    return 0;

 fail:
    xd_close(x);
    return -1;
}

void xd_close(struct xd *x)
{
    int e = errno;

    if ( x->privcmd >= 0 )
        close(x->privcmd);
    if ( x->evtchn >= 0 )
        close(x->evtchn);
    if ( x->gntdev >= 0 )
        close(x->gntdev);
    if ( x->hbuf && x->hbuf != MAP_FAILED )
        munmap(x->hbuf, PAGE);
    x->privcmd = x->evtchn = x->gntdev = -1;
    x->hbuf = NULL;
    errno = e;
}

static void *map_grant(struct xd *x, uint32_t domid, uint32_t gref,
                       struct xd_map *m)
{
    struct gd_map g = { .count = 1 };
    struct gd_unmap u = { .count = 1 };
    void *p;

    if ( x->gntdev < 0 )
        return NULL;
    g.refs[0].domid = domid;
    g.refs[0].ref = gref;
    if ( ioctl(x->gntdev, GD_MAP, &g) )
        return NULL;
    p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, x->gntdev,
             (off_t)g.index);
    if ( p == MAP_FAILED )
    {
        u.index = g.index;
        ioctl(x->gntdev, GD_UNMAP, &u);
        return NULL;
    }
    m->grant = true;
    m->index = g.index;
    return p;
}

static void *map_foreign(struct xd *x, uint32_t domid, uint64_t mfn)
{
    struct pc_mmapbatch_v2 b = { .num = 1, .dom = (uint16_t)domid };
    int err = 0;
    void *p;

    p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, x->privcmd, 0);
    if ( p == MAP_FAILED )
        return NULL;
    b.addr = (uint64_t)(uintptr_t)p;
    b.arr = &mfn;
    b.err = &err;
    if ( ioctl(x->privcmd, PC_MMAPBATCH_V2, &b) || err )
    {
        if ( err )
            errno = -err;
        munmap(p, PAGE);
        return NULL;
    }
    return p;
}

void *xd_map_page(struct xd *x, uint32_t domid, uint32_t gref, uint64_t mfn,
                  struct xd_map *m)
{
    memset(m, 0, sizeof(*m));
    m->addr = map_grant(x, domid, gref, m);
    if ( !m->addr )
        m->addr = map_foreign(x, domid, mfn);
    return m->addr;
}

void xd_unmap_page(struct xd *x, struct xd_map *m)
{
    struct gd_unmap u = { .index = m->index, .count = 1 };

    if ( !m->addr )
        return;
    munmap(m->addr, PAGE);
    if ( m->grant )
        ioctl(x->gntdev, GD_UNMAP, &u);
    m->addr = NULL;
}

int xd_bind_interdomain(struct xd *x, uint32_t domid, uint32_t port)
{
    struct ec_port p = { domid, port };

    return ioctl(x->evtchn, EC_BIND_INTERDOMAIN, &p);
}

int xd_bind_virq(struct xd *x, unsigned int virq)
{
    return ioctl(x->evtchn, EC_BIND_VIRQ, &virq);
}

void xd_unbind(struct xd *x, uint32_t port)
{
    unsigned int p = port;

    ioctl(x->evtchn, EC_UNBIND, &p);
}

void xd_notify(struct xd *x, uint32_t port)
{
    unsigned int p = port;

    ioctl(x->evtchn, EC_NOTIFY, &p);
}

int xd_pending(struct xd *x)
{
    uint32_t port;

    if ( read(x->evtchn, &port, sizeof(port)) != sizeof(port) )
        return -1;
    return (int)port;
}

void xd_unmask(struct xd *x, uint32_t port)
{
    if ( write(x->evtchn, &port, sizeof(port)) != sizeof(port) )
        return;
}

static int hypercall(struct xd *x, unsigned int op, void *arg)
{
    struct pc_hypercall h = { .op = op, .arg = { (uintptr_t)arg } };

    return ioctl(x->privcmd, PC_HYPERCALL, &h) < 0 ? -1 : 0;
}

int xd_domain_info(struct xd *x, uint32_t domid, struct xd_dominfo *info)
{
    struct xen_domctl *dc = x->hbuf;
    uint32_t flags;

    memset(dc, 0, sizeof(*dc));
    dc->cmd = XEN_DOMCTL_getdomaininfo;
    dc->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc->domain = (domid_t)domid;
    if ( hypercall(x, __HYPERVISOR_domctl, dc) )
        return -1;
    /* Xen before 4.18 answers for the next domain up when one is gone. */
    if ( dc->u.getdomaininfo.domain != domid )
    {
        errno = ESRCH;
        return -1;
    }
    flags = dc->u.getdomaininfo.flags;
    info->dying = flags & XEN_DOMINF_dying;
    info->shutdown = flags & XEN_DOMINF_shutdown;
    info->shutdown_reason = (flags >> XEN_DOMINF_shutdownshift) &
                            XEN_DOMINF_shutdownmask;
    memcpy(info->handle, dc->u.getdomaininfo.handle, sizeof(info->handle));
    return 0;
}

int xd_set_handle(struct xd *x, uint32_t domid, const uint8_t handle[16])
{
    struct xen_domctl *dc = x->hbuf;

    memset(dc, 0, sizeof(*dc));
    dc->cmd = XEN_DOMCTL_setdomainhandle;
    dc->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc->domain = (domid_t)domid;
    memcpy(dc->u.setdomainhandle.handle, handle, 16);
    return hypercall(x, __HYPERVISOR_domctl, dc);
}

int xd_readconsole(struct xd *x, uint32_t *index, char *buf, uint32_t len)
{
    struct xen_sysctl *sc = x->hbuf;
    char *data = (char *)x->hbuf + 1024;

    if ( len > PAGE - 1024 )
        len = PAGE - 1024;
    memset(sc, 0, sizeof(*sc));
    sc->cmd = XEN_SYSCTL_readconsole;
    sc->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    sc->u.readconsole.incremental = 1;
    sc->u.readconsole.index = *index;
    set_xen_guest_handle(sc->u.readconsole.buffer, data);
    sc->u.readconsole.count = len;
    if ( hypercall(x, __HYPERVISOR_sysctl, sc) )
        return -1;
    if ( sc->u.readconsole.count > len )
        sc->u.readconsole.count = len;
    memcpy(buf, data, sc->u.readconsole.count);
    *index = sc->u.readconsole.index;
    return (int)sc->u.readconsole.count;
}

void *xd_dom0_store(uint32_t *port, int *fd)
{
    int f = open("/dev/xen/xenbus_backend", O_RDWR | O_CLOEXEC), r;
    void *p;

    if ( f < 0 )
        return NULL;
    r = ioctl(f, XB_BACKEND_EVTCHN);
    p = r < 0 ? MAP_FAILED
              : mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0);
    if ( p == MAP_FAILED )
    {
        close(f);
        return NULL;
    }
    *port = (uint32_t)r;
    *fd = f;
    return p;
}

void xd_dom0_store_close(void *page, int fd)
{
    munmap(page, PAGE);
    close(fd);
}
