/* SPDX-License-Identifier: GPL-2.0-only */
/* xenstored's Xen side: guests' rings, event channels, domain deaths. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <public/grant_table.h>

#include "xen_dev.h"
#include "xsd.h"
#include "xsd_xen.h"

/* One ring page mapped from a domain (or dom0's own, from its kernel). */
struct domring
{
    struct xsd_xen *x;
    struct domring *next;
    struct xsd_conn *c;
    struct xd_map map;
    int backend_fd;             /* dom0's page: the xenbus_backend file. */
    uint32_t domid, lport;
};

struct xsd_xen
{
    struct xd xd;
    struct xsd *d;
    struct domring *rings;
    int virq;                   /* Local port of VIRQ_DOM_EXC, or -1. */
};

static void ring_notify(void *opaque)
{
    struct domring *r = opaque;

    xd_notify(&r->x->xd, r->lport);
}

static void ring_gone(void *opaque)
{
    struct domring *r = opaque, **pp;
    struct xsd_xen *x = r->x;

    for ( pp = &x->rings; *pp; pp = &(*pp)->next )
        if ( *pp == r )
        {
            *pp = r->next;
            break;
        }
    xd_unbind(&x->xd, r->lport);
    if ( r->backend_fd >= 0 )
        xd_dom0_store_close(r->map.addr, r->backend_fd);
    else
        xd_unmap_page(&x->xd, &r->map);
    free(r);
}

static struct xsd_conn *ring_start(struct xsd_xen *x, struct domring *r,
                                   uint32_t port)
{
    int lport = xd_bind_interdomain(&x->xd, r->domid, port);

    if ( lport < 0 )
        return NULL;
    r->x = x;
    r->lport = (uint32_t)lport;
    r->c = xsd_ring_conn_new(x->d, r->domid, r->map.addr, ring_notify, r);
    xsd_ring_on_destroy(r->c, ring_gone);
    r->next = x->rings;
    x->rings = r;
    /* The peer may have written before we came; and Linux's dom0 kernel
     * takes the first event as "xenstored is up". */
    xd_notify(&x->xd, r->lport);
    return r->c;
}

static struct xsd_conn *attach(struct xsd *d, void *opaque, uint32_t domid,
                               uint64_t mfn, uint32_t port)
{
    struct xsd_xen *x = opaque;
    struct domring *r = calloc(1, sizeof(*r));
    struct xsd_conn *c;

    if ( !r )
        abort();
    r->domid = domid;
    r->backend_fd = -1;
    if ( !xd_map_page(&x->xd, domid, GNTTAB_RESERVED_XENSTORE, mfn,
                      &r->map) )
    {
        xsd_log(d, "dom%u: cannot map its ring page: %s",
                (unsigned int)domid, strerror(errno));
        free(r);
        return NULL;
    }
    if ( !(c = ring_start(x, r, port)) )
    {
        xsd_log(d, "dom%u: cannot bind its port %u: %s", (unsigned int)domid,
                (unsigned int)port, strerror(errno));
        xd_unmap_page(&x->xd, &r->map);
        free(r);
        return NULL;
    }
    if ( d->verbose )
        xsd_log(d, "dom%u introduced (connection %u%s)", (unsigned int)domid,
                c->id, r->map.grant ? ", by grant" : "");
    return c;
}

/* dom0's kernel keeps its xenbus on a page it allocated for us. */
static void attach_dom0(struct xsd_xen *x)
{
    struct domring *r = calloc(1, sizeof(*r));
    uint32_t port;

    if ( !r )
        abort();
    r->map.addr = xd_dom0_store(&port, &r->backend_fd);
    if ( !r->map.addr )
    {
        if ( x->d->verbose )
            xsd_log(x->d, "no /dev/xen/xenbus_backend: dom0's kernel is "
                    "not served (%s)", strerror(errno));
        free(r);
        return;
    }
    if ( !ring_start(x, r, port) )
    {
        xsd_log(x->d, "cannot bind dom0's xenstore port %u: %s",
                (unsigned int)port, strerror(errno));
        xd_dom0_store_close(r->map.addr, r->backend_fd);
        free(r);
    }
}

struct xsd_xen *xsd_xen_open(struct xsd *d)
{
    struct xsd_xen *x = calloc(1, sizeof(*x));

    if ( !x )
        abort();
    if ( xd_open(&x->xd) )
    {
        if ( d->verbose )
            xsd_log(d, "no Xen devices (%s): serving the socket only",
                    strerror(errno));
        free(x);
        return NULL;
    }
    x->d = d;
    x->virq = xd_bind_virq(&x->xd, VIRQ_DOM_EXC);
    if ( x->virq < 0 )
        xsd_log(d, "cannot bind VIRQ_DOM_EXC (%s): domain deaths go "
                "unnoticed", strerror(errno));
    d->ring_attach = attach;
    d->ring_opaque = x;
    attach_dom0(x);
    return x;
}

int xsd_xen_fd(const struct xsd_xen *x)
{
    return x->xd.evtchn;
}

/* Asks the hypervisor about every introduced domain. */
static void check_domains(struct xsd_xen *x)
{
    struct xsd_domain *dom;
    struct xd_dominfo info;

    for ( dom = x->d->dom_list; dom; dom = dom->next )
    {
        if ( !dom->introduced || !dom->domid )
            continue;
        if ( xd_domain_info(&x->xd, dom->domid, &info) )
        {
            if ( errno != ESRCH )
                continue;
            info.dying = true;
            info.shutdown = true;
        }
        xsd_domain_state(x->d, dom, info.shutdown, info.dying);
    }
}

bool xsd_xen_events(struct xsd_xen *x)
{
    int port;

    while ( (port = xd_pending(&x->xd)) >= 0 )
    {
        if ( port == x->virq )
            check_domains(x);
        xd_unmask(&x->xd, (uint32_t)port);
    }
    /*
     * Rings are few: visiting each on any event is cheaper than a port
     * table, and it also retries rings whose replies did not fit.  Each
     * turn handles a bounded number of guests' requests, so a flooding
     * guest takes turns with everyone else and dom0's requests wait
     * behind a few of its requests at most.
     */
    return xsd_rings_turn(x->d);
}

bool xsd_xen_is_ring(const struct xsd_xen *x, const struct xsd_conn *c)
{
    const struct domring *r;

    for ( r = x ? x->rings : NULL; r; r = r->next )
        if ( r->c == c )
            return true;
    return false;
}

void xsd_xen_close(struct xsd_xen *x)
{
    /* After xsd_destroy, which freed the rings' connections. */
    if ( !x )
        return;
    xd_close(&x->xd);
    free(x);
}
