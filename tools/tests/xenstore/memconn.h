/* SPDX-License-Identifier: GPL-2.0-only */
/* In-memory xenstored transport and request helpers for in-process tests. */
#ifndef MEMCONN_H
#define MEMCONN_H

#include "xsd.h"

struct mc_msg
{
    struct mc_msg *next;
    struct xsd_sockmsg h;
    char *body;             /* h.len bytes plus a nul */
};

struct memconn
{
    struct xsd *d;
    struct xsd_conn *c;     /* NULL once the daemon dropped us */
    bool closed;
    bool stalled;           /* Refuse output, like a client not reading. */
    bool eof;               /* Report end of input once drained. */
    char *in;
    size_t in_len, in_off;
    char *out;
    size_t out_len;
    struct mc_msg *events, *events_tail;
    unsigned int nevents;
    uint32_t req_id;
};

struct memconn *mc_new(struct xsd *d, uint32_t domid);
void mc_free(struct memconn *m);
void mc_raw(struct memconn *m, const void *bytes, size_t len);
void mc_send(struct memconn *m, uint32_t type, uint32_t tx, const void *p,
             size_t len);
/* Runs the daemon side until nothing moves. */
void mc_pump(struct xsd *d);
/* Next message the daemon sent us; false if none. */
bool mc_next(struct memconn *m, struct xsd_sockmsg *h, char **body);
/*
 * Sends a request and returns 0 with the reply, the errno of an ERROR
 * reply, or -1 when no reply came.  Watch events are queued on m.
 */
int mc_call(struct memconn *m, uint32_t type, uint32_t tx, const void *p,
            size_t len, char **reply, unsigned int *rlen);
/* Same, payload as strings: mc_calls(m, T, tx, &r, "a", "b", MC_END) */
#define MC_END ((const char *)NULL)
int mc_calls(struct memconn *m, uint32_t type, uint32_t tx, char **reply,
             ...) __attribute__((sentinel));
/* Pops a queued watch event into path/token (static buffers). */
bool mc_event(struct memconn *m, char *path, size_t plen, char *token,
              size_t tlen);
void mc_drop_events(struct memconn *m);

#endif
