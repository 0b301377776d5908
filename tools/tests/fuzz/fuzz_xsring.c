/* SPDX-License-Identifier: GPL-2.0-only */
/* libFuzzer target: a hostile guest driving xenstored through its ring. */
#include <stdlib.h>
#include <string.h>

#include "memconn.h"

/*
 * The input is a script of guest actions on its xenstore page, the way a
 * malicious domU could interleave them with the daemon's work: raw bytes
 * onto the request ring, well-formed requests, arbitrary values in any of
 * the four indexes (including the daemon's own), replies consumed or left
 * to pile up, dom0 writing under the guest's home (watch events queued
 * for it), and the domain shutting down or dying.  After every step the
 * daemon runs until idle; the store must stay consistent and dom0 must
 * still be answered at the end.
 */

static void quiet(struct xsd *d, const char *msg)
{
    (void)d;
    (void)msg;
}

static unsigned int kicks;

static void kick(void *opaque)
{
    (void)opaque;
    kicks++;
}

static void put(struct xenstore_domain_interface *intf, const uint8_t *p,
                size_t n)
{
    while ( n-- )
    {
        intf->req[MASK_XENSTORE_IDX(intf->req_prod)] = (char)*p++;
        intf->req_prod++;
    }
}

static uint32_t u32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static bool alive(struct xsd *d)
{
    struct xsd_conn *c;

    for ( c = d->conns; c; c = c->next )
        if ( c->domid == 5 && !c->dead )
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint32_t types[] = {
        XS_READ, XS_WRITE, XS_MKDIR, XS_RM, XS_DIRECTORY, XS_WATCH,
        XS_UNWATCH, XS_TRANSACTION_START, XS_TRANSACTION_END, XS_GET_PERMS,
        XS_SET_PERMS, XS_GET_DOMAIN_PATH, XS_IS_DOMAIN_INTRODUCED,
        XS_INTRODUCE, XS_RESET_WATCHES, XS_DIRECTORY_PART, XS_CONTROL,
    };
    struct xenstore_domain_interface *intf = calloc(1, sizeof(*intf));
    struct xsd_domain *dom;
    struct memconn *m;
    struct xsd *d;
    size_t i = 0, n;
    char why[256], *r = NULL;
    unsigned int steps = 0;

    d = xsd_create();
    d->log = quiet;
    d->quota.nodes = 40;
    d->quota.watches = 8;
    d->quota.outq_soft = 4096;
    d->quota.outq_hard = 32768;
    xsd_default_tree(d);
    m = mc_new(d, 0);
    mc_calls(m, XS_MKDIR, 0, NULL, "/local/domain/5", MC_END);
    mc_calls(m, XS_SET_PERMS, 0, NULL, "/local/domain/5", "n5", MC_END);
    mc_calls(m, XS_INTRODUCE, 0, NULL, "5", "1", "3", MC_END);
    dom = xsd_domain_find(d, 5, false);
    if ( !dom || !dom->introduced )
        abort();
    dom->conn = xsd_ring_conn_new(d, 5, intf, kick, NULL);

    while ( i < size && steps++ < 256 )
    {
        uint8_t op = data[i++];

        switch ( op & 7 )
        {
        case 0:     /* Raw bytes, as many as the next byte says. */
            n = i < size ? data[i++] : 0;
            if ( n > size - i )
                n = size - i;
            put(intf, data + i, n);
            i += n;
            break;
        case 1:     /* A well-formed header, then its payload. */
            if ( size - i < 2 )
                break;
            {
                struct xsd_sockmsg h = {
                    types[data[i] % (sizeof(types) / sizeof(types[0]))],
                    op, 0, data[i + 1] };

                i += 2;
                if ( h.len > size - i )
                    h.len = (uint32_t)(size - i);
                put(intf, (const uint8_t *)&h, sizeof(h));
                put(intf, data + i, h.len);
                i += h.len;
            }
            break;
        case 2:     /* Any value in any index. */
            if ( size - i < 5 )
                break;
            switch ( data[i] & 3 )
            {
            case 0: intf->req_prod = u32(data + i + 1); break;
            case 1: intf->req_cons = u32(data + i + 1); break;
            case 2: intf->rsp_prod = u32(data + i + 1); break;
            case 3: intf->rsp_cons = u32(data + i + 1); break;
            }
            i += 5;
            break;
        case 3:     /* Read every reply. */
            intf->rsp_cons = intf->rsp_prod;
            break;
        case 4:     /* dom0 writes under the guest's home. */
            mc_calls(m, XS_WRITE, 0, NULL, "/local/domain/5/k", "v", MC_END);
            break;
        case 5:     /* Shutdown or death, as VIRQ_DOM_EXC reports it. */
            xsd_domain_state(d, dom, true, op & 8);
            break;
        case 6:     /* The guest scribbles over the error/connection words. */
            intf->error = op;
            intf->connection = op >> 4;
            break;
        default:    /* Nothing: let the daemon run. */
            break;
        }
        mc_pump(d);
        if ( xsd_check(d, why, sizeof(why)) )
            abort();
        if ( !alive(d) )
            break;
    }
    /* Whatever the guest did, dom0 is still served. */
    if ( mc_calls(m, XS_READ, 0, &r, "/local/domain/5/k", MC_END) != 0 &&
         mc_calls(m, XS_DIRECTORY, 0, &r, "/local", MC_END) != 0 )
        abort();
    free(r);
    mc_free(m);
    xsd_destroy(d);
    free(intf);
    return 0;
}
