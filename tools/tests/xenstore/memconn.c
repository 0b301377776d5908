/* SPDX-License-Identifier: GPL-2.0-only */
/* In-memory xenstored transport and request helpers for in-process tests. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memconn.h"

static ssize_t mc_read(struct xsd_conn *c, void *buf, size_t len)
{
    struct memconn *m = c->priv;
    size_t n = m->in_len - m->in_off;

    if ( !n )
        return m->eof ? -1 : 0;
    if ( n > len )
        n = len;
    memcpy(buf, m->in + m->in_off, n);
    m->in_off += n;
    if ( m->in_off == m->in_len )
        m->in_off = m->in_len = 0;
    return (ssize_t)n;
}

static ssize_t mc_write(struct xsd_conn *c, const void *buf, size_t len)
{
    struct memconn *m = c->priv;

    if ( m->stalled )
        return 0;
    m->out = realloc(m->out, m->out_len + len);
    memcpy(m->out + m->out_len, buf, len);
    m->out_len += len;
    return (ssize_t)len;
}

static void mc_destroy(struct xsd_conn *c)
{
    struct memconn *m = c->priv;

    m->c = NULL;
    m->closed = true;
}

static const struct xsd_conn_ops mc_ops = {
    .name = "memory",
    .read = mc_read,
    .write = mc_write,
    .destroy = mc_destroy,
};

struct memconn *mc_new(struct xsd *d, uint32_t domid)
{
    struct memconn *m = calloc(1, sizeof(*m));

    m->d = d;
    m->c = xsd_conn_new(d, &mc_ops, m, domid);
    return m;
}

void mc_free(struct memconn *m)
{
    struct xsd_sockmsg h;
    char *b;

    if ( m->c )
        xsd_conn_free(m->c);
    while ( mc_next(m, &h, &b) )
        free(b);
    mc_drop_events(m);
    free(m->in);
    free(m->out);
    free(m);
}

void mc_raw(struct memconn *m, const void *bytes, size_t len)
{
    m->in = realloc(m->in, m->in_len + len + 1);
    memcpy(m->in + m->in_len, bytes, len);
    m->in_len += len;
}

void mc_send(struct memconn *m, uint32_t type, uint32_t tx, const void *p,
             size_t len)
{
    struct xsd_sockmsg h = { type, ++m->req_id, tx, (uint32_t)len };

    mc_raw(m, &h, sizeof(h));
    if ( len )
        mc_raw(m, p, len);
}

void mc_pump(struct xsd *d)
{
    struct xsd_conn *c;
    bool again;
    int rounds = 0;

    do {
        again = false;
        for ( c = d->conns; c; c = c->next )
        {
            if ( c->dead )
                continue;
            if ( xsd_conn_input(c) )
                again = true;
        }
        for ( c = d->conns; c; c = c->next )
            xsd_conn_output(c);
        xsd_reap(d);
    } while ( again && ++rounds < 100000 );
}

bool mc_next(struct memconn *m, struct xsd_sockmsg *h, char **body)
{
    if ( m->out_len < sizeof(*h) )
        return false;
    memcpy(h, m->out, sizeof(*h));
    if ( m->out_len < sizeof(*h) + h->len )
        return false;
    *body = malloc(h->len + 1);
    memcpy(*body, m->out + sizeof(*h), h->len);
    (*body)[h->len] = '\0';
    memmove(m->out, m->out + sizeof(*h) + h->len,
            m->out_len - sizeof(*h) - h->len);
    m->out_len -= sizeof(*h) + h->len;
    return true;
}

int mc_call(struct memconn *m, uint32_t type, uint32_t tx, const void *p,
            size_t len, char **reply, unsigned int *rlen)
{
    struct xsd_sockmsg h;
    char *body;
    uint32_t id;

    mc_send(m, type, tx, p, len);
    id = m->req_id;
    mc_pump(m->d);
    while ( mc_next(m, &h, &body) )
    {
        if ( h.type == XS_WATCH_EVENT )
        {
            struct mc_msg *e = calloc(1, sizeof(*e));

            e->h = h;
            e->body = body;
            if ( m->events_tail )
                m->events_tail->next = e;
            else
                m->events = e;
            m->events_tail = e;
            m->nevents++;
            continue;
        }
        if ( h.req_id != id )
        {
            free(body);
            continue;
        }
        if ( h.type == XS_ERROR )
        {
            int err = xs_errno_from_name(body, strlen(body));

            free(body);
            return err;
        }
        if ( h.type != type )
        {
            free(body);
            return -2;
        }
        if ( rlen )
            *rlen = h.len;
        if ( reply )
            *reply = body;
        else
            free(body);
        return 0;
    }
    return -1;
}

int mc_calls(struct memconn *m, uint32_t type, uint32_t tx, char **reply, ...)
{
    char buf[XENSTORE_PAYLOAD_MAX + 64];
    size_t len = 0, l;
    const char *s;
    va_list ap;

    va_start(ap, reply);
    while ( (s = va_arg(ap, const char *)) )
    {
        l = strlen(s) + 1;
        if ( len + l > sizeof(buf) )
            break;
        memcpy(buf + len, s, l);
        len += l;
    }
    va_end(ap);
    return mc_call(m, type, tx, buf, len, reply, NULL);
}

bool mc_event(struct memconn *m, char *path, size_t plen, char *token,
              size_t tlen)
{
    struct mc_msg *e = m->events;

    if ( !e )
    {
        /* Events may also be waiting unparsed in the output. */
        struct xsd_sockmsg h;
        char *body;

        while ( mc_next(m, &h, &body) )
        {
            if ( h.type == XS_WATCH_EVENT )
            {
                e = calloc(1, sizeof(*e));
                e->h = h;
                e->body = body;
                if ( m->events_tail )
                    m->events_tail->next = e;
                else
                    m->events = e;
                m->events_tail = e;
                m->nevents++;
            }
            else
                free(body);
        }
        e = m->events;
        if ( !e )
            return false;
    }
    m->events = e->next;
    if ( !m->events )
        m->events_tail = NULL;
    m->nevents--;
    snprintf(path, plen, "%s", e->body);
    snprintf(token, tlen, "%s", e->body + strnlen(e->body, e->h.len) +
             (strnlen(e->body, e->h.len) < e->h.len ? 1 : 0));
    free(e->body);
    free(e);
    return true;
}

void mc_drop_events(struct memconn *m)
{
    char p[4096], t[4096];

    while ( mc_event(m, p, sizeof(p), t, sizeof(t)) )
        ;
}
