/* SPDX-License-Identifier: GPL-2.0-only */
/* libFuzzer target: arbitrary byte streams from clients into xenstored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memconn.h"

/*
 * Input layout: byte 0 holds flags, byte 1 where to split the rest into
 * two client streams.  Flags: bit 0 makes the second client domain 5
 * (unprivileged) instead of dom0; bit 1 carries its stream over a ring page
 * instead of the in-memory transport; bit 2 makes the first client stop
 * reading replies.  Streams are fed in small interleaved chunks so that
 * messages arrive split at every possible point.  After each run the
 * store must pass its consistency check.
 */

static void quiet(struct xsd *d, const char *msg)
{
    (void)d;
    (void)msg;
}

static void notify(void *opaque)
{
    (void)opaque;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xsd *d;
    struct memconn *a, *b = NULL;
    struct xenstore_domain_interface *intf = NULL;
    size_t split, ao = 0, bo = 0, alen, blen, chunk = 7;
    const uint8_t *as, *bs;
    unsigned int flags;
    uint32_t bdom;
    char why[256];

    if ( size < 2 )
        return 0;
    flags = data[0];
    split = (size_t)data[1] * (size - 2) / 255;
    as = data + 2;
    alen = split;
    bs = data + 2 + split;
    blen = size - 2 - split;

    d = xsd_create();
    d->log = quiet;
    d->quota.nodes = 30;
    d->quota.watches = 4;
    d->quota.transactions = 3;
    d->quota.priv_watches = 64;
    d->quota.priv_transactions = 8;
    d->quota.outq_soft = 2048;
    d->quota.outq_hard = 16384;
    xsd_default_tree(d);
    /* Give the guest a home it can write to. */
    {
        struct xsd_node *n = xsd_node_dup(xsd_tree_get(d, "/local/domain"));
        struct xs_perm p = { 5, XS_PERM_NONE };

        xsd_node_add_child(n, "5");
        xsd_tree_put(d, n);
        xsd_tree_put(d, xsd_node_new("/local/domain/5", NULL, 0, &p, 1));
    }
    a = mc_new(d, 0);
    a->stalled = flags & 4;
    bdom = flags & 1 ? 5 : 0;
    if ( flags & 2 )
    {
        intf = calloc(1, sizeof(*intf));
        xsd_ring_conn_new(d, bdom, intf, notify, NULL);
    }
    else
        b = mc_new(d, bdom);

    while ( ao < alen || bo < blen )
    {
        if ( ao < alen )
        {
            size_t n = alen - ao < chunk ? alen - ao : chunk;

            mc_raw(a, as + ao, n);
            ao += n;
        }
        if ( bo < blen )
        {
            size_t n = blen - bo < chunk ? blen - bo : chunk;

            if ( intf )
            {
                /* Only what fits; the guest side drains replies. */
                uint32_t space = XENSTORE_RING_SIZE -
                                 (intf->req_prod - intf->req_cons);
                size_t i;

                if ( n > space )
                    n = space;
                for ( i = 0; i < n; i++ )
                    intf->req[MASK_XENSTORE_IDX(intf->req_prod + i)] =
                        (char)bs[bo + i];
                intf->req_prod += (uint32_t)n;
                intf->rsp_cons = intf->rsp_prod;
                if ( !n && !space )
                    intf->req_cons = intf->req_prod;  /* give up on it */
            }
            else
                mc_raw(b, bs + bo, n);
            bo += n;
        }
        mc_pump(d);
        if ( b )
            mc_drop_events(b);
        if ( !a->stalled )
            mc_drop_events(a);
        chunk = chunk % 61 + 3;
    }
    if ( intf )
        intf->rsp_cons = intf->rsp_prod;
    mc_pump(d);
    if ( xsd_check(d, why, sizeof(why)) )
    {
        fprintf(stderr, "store inconsistent: %s\n", why);
        abort();
    }
    mc_free(a);
    if ( b )
        mc_free(b);
    xsd_destroy(d);
    free(intf);
    return 0;
}
