/* SPDX-License-Identifier: GPL-2.0-only */
/* Small wrappers over Linux's /dev/xen drivers for the dom0 daemons. */
#ifndef XEN_DEV_H
#define XEN_DEV_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The daemons need only a handful of calls (map one guest page, bind and
 * kick event channels, ask whether a domain is alive, read the hypervisor
 * console), so they carry their own rather than depending on libxc.
 */
struct xd
{
    int privcmd, evtchn, gntdev;  /* -1 when absent; gntdev is optional. */
    void *hbuf;                   /* One locked page for hypercall args. */
};

struct xd_map
{
    void *addr;
    bool grant;                   /* Via gntdev (else foreign mapping). */
    uint64_t index;               /* gntdev offset, for the unmap. */
};

struct xd_dominfo
{
    bool dying, shutdown;
    unsigned int shutdown_reason;
    uint8_t handle[16];           /* The domain's UUID. */
};

/* Opens the devices; 0, or -1 with errno when privcmd or evtchn is missing. */
int xd_open(struct xd *x);
void xd_close(struct xd *x);

/*
 * Maps one page of domid: the grant gref first (the builder seeds the
 * reserved entries), then frame mfn through privcmd.  NULL with errno.
 */
void *xd_map_page(struct xd *x, uint32_t domid, uint32_t gref, uint64_t mfn,
                  struct xd_map *m);
void xd_unmap_page(struct xd *x, struct xd_map *m);

/* Local port, or -1 with errno. */
int xd_bind_interdomain(struct xd *x, uint32_t domid, uint32_t port);
int xd_bind_virq(struct xd *x, unsigned int virq);
void xd_unbind(struct xd *x, uint32_t port);
void xd_notify(struct xd *x, uint32_t port);
/* Next pending local port (-1 if none now); unmask it once handled. */
int xd_pending(struct xd *x);
void xd_unmask(struct xd *x, uint32_t port);

/* 0, or -1 with errno (ESRCH once the domain is gone). */
int xd_domain_info(struct xd *x, uint32_t domid, struct xd_dominfo *info);
int xd_set_handle(struct xd *x, uint32_t domid, const uint8_t handle[16]);
/*
 * Reads the hypervisor console from *index on (incremental); returns the
 * bytes put in buf, or -1 with errno.
 */
int xd_readconsole(struct xd *x, uint32_t *index, char *buf, uint32_t len);

/* dom0's own xenstore ring as Linux exposes it (xenbus_backend). */
void *xd_dom0_store(uint32_t *port, int *fd);
void xd_dom0_store_close(void *page, int fd);

#endif /* XEN_DEV_H */
