/* SPDX-License-Identifier: GPL-2.0-only */
/* Ring-page transport: a domain's xenstore_domain_interface page. */
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

/*
 * The page is shared with an untrusted guest: every index is read once
 * into a local and checked before use, and the guest may change anything
 * at any time.  The producer/consumer protocol is the usual one: data is
 * copied before the producer index moves, and the consumer index moves
 * only after the data has been copied out.
 */

struct ring
{
    struct xenstore_domain_interface *intf;
    void (*notify)(void *opaque);
    void (*gone)(void *opaque);
    void *opaque;
};

static uint32_t load_idx(const XENSTORE_RING_IDX *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store_idx(XENSTORE_RING_IDX *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static void ring_broken(struct ring *r, uint32_t err)
{
    r->intf->error = err;
    r->notify(r->opaque);
}

static ssize_t ring_read(struct xsd_conn *c, void *buf, size_t len)
{
    struct ring *r = c->priv;
    uint32_t cons = load_idx(&r->intf->req_cons);
    uint32_t prod = load_idx(&r->intf->req_prod);
    uint32_t avail = prod - cons, off, chunk;
    size_t done = 0;

    if ( avail > XENSTORE_RING_SIZE )
    {
        ring_broken(r, XENSTORE_ERROR_RINGIDX);
        return -1;
    }
    while ( done < len && avail )
    {
        off = MASK_XENSTORE_IDX(cons);
        chunk = XENSTORE_RING_SIZE - off;
        if ( chunk > avail )
            chunk = avail;
        if ( chunk > len - done )
            chunk = (uint32_t)(len - done);
        memcpy((char *)buf + done, r->intf->req + off, chunk);
        done += chunk;
        cons += chunk;
        avail -= chunk;
    }
    if ( done )
    {
        store_idx(&r->intf->req_cons, cons);
        r->notify(r->opaque);
    }
    return (ssize_t)done;
}

static ssize_t ring_write(struct xsd_conn *c, const void *buf, size_t len)
{
    struct ring *r = c->priv;
    uint32_t cons = load_idx(&r->intf->rsp_cons);
    uint32_t prod = load_idx(&r->intf->rsp_prod);
    uint32_t used = prod - cons, space, off, chunk;
    size_t done = 0;

    if ( used > XENSTORE_RING_SIZE )
    {
        ring_broken(r, XENSTORE_ERROR_RINGIDX);
        return -1;
    }
    space = XENSTORE_RING_SIZE - used;
    while ( done < len && space )
    {
        off = MASK_XENSTORE_IDX(prod);
        chunk = XENSTORE_RING_SIZE - off;
        if ( chunk > space )
            chunk = space;
        if ( chunk > len - done )
            chunk = (uint32_t)(len - done);
        memcpy(r->intf->rsp + off, (const char *)buf + done, chunk);
        done += chunk;
        prod += chunk;
        space -= chunk;
    }
    if ( done )
    {
        store_idx(&r->intf->rsp_prod, prod);
        r->notify(r->opaque);
    }
    return (ssize_t)done;
}

static void ring_protocol_error(struct xsd_conn *c)
{
    ring_broken(c->priv, XENSTORE_ERROR_PROTO);
}

static void ring_destroy(struct xsd_conn *c)
{
    struct ring *r = c->priv;

    /* Unmapping the page and unbinding the port belong to the creator. */
    if ( r->gone )
        r->gone(r->opaque);
    free(r);
}

void xsd_ring_on_destroy(struct xsd_conn *c, void (*fn)(void *opaque))
{
    ((struct ring *)c->priv)->gone = fn;
}

static const struct xsd_conn_ops ring_ops = {
    .name = "ring",
    .read = ring_read,
    .write = ring_write,
    .destroy = ring_destroy,
    .protocol_error = ring_protocol_error,
};

struct xsd_conn *xsd_ring_conn_new(struct xsd *d, uint32_t domid,
                                   struct xenstore_domain_interface *intf,
                                   void (*notify)(void *opaque), void *opaque)
{
    struct ring *r = calloc(1, sizeof(*r));
    struct xsd_conn *c;

    if ( !r )
        abort();
    r->intf = intf;
    r->notify = notify;
    r->opaque = opaque;
    intf->server_features = XENSTORE_SERVER_FEATURE_ERROR;
    intf->error = XENSTORE_ERROR_NONE;
    intf->connection = XENSTORE_CONNECTED;
    c = xsd_conn_new(d, &ring_ops, r, domid);
    return c;
}

/* A guest's ring, at its quantum; a long flood is logged once. */
static bool guest_turn(struct xsd_conn *c, unsigned int *budget)
{
    unsigned int handled;
    bool more = xsd_conn_input_max(c, XSD_RING_QUANTUM, &handled);

    *budget -= handled < *budget ? handled : *budget;
    if ( !more )
    {
        c->flood_turns = 0;
        return false;
    }
    if ( ++c->flood_turns >= XSD_FLOOD_TURNS && !c->flood_logged )
    {
        c->flood_logged = true;
        xsd_log(c->d, "dom%u throttled (connection %u): floods its ring, "
                "served %u request(s) per turn", (unsigned int)c->domid,
                c->id, XSD_RING_QUANTUM);
    }
    return true;
}

bool xsd_rings_turn(struct xsd *d)
{
    struct xsd_conn *c;
    unsigned int budget = XSD_RING_BUDGET, handled, pass;
    bool more = false;

    for ( c = d->conns; c; c = c->next )
        if ( c->ops == &ring_ops && c->privileged && !c->dead )
            more |= xsd_conn_input_max(c, XSD_PRIV_QUANTUM, &handled);
    /*
     * The list runs from the newest connection (highest id) down: first
     * the rings from the cursor down, then those above it.
     */
    for ( pass = 0; pass < 2; pass++ )
        for ( c = d->conns; c; c = c->next )
        {
            if ( c->ops != &ring_ops || c->privileged || c->dead ||
                 (pass == 0) != (!d->ring_cursor || c->id <= d->ring_cursor) )
                continue;
            if ( !budget )
            {
                d->ring_cursor = c->id;
                return true;
            }
            more |= guest_turn(c, &budget);
        }
    d->ring_cursor = 0;
    return more;
}
