/* SPDX-License-Identifier: GPL-2.0-only */
/* Internal interfaces of the xenstore daemon: store, connections, journal. */
#ifndef XSD_H
#define XSD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "xs_lib.h"

struct xsd;
struct xsd_conn;
struct xsd_txn;
struct xsd_persist;

/* ---- String-keyed hash map (used for the tree and transaction sets) ---- */

struct xsd_map_ent
{
    char *key;
    void *val;
    uint32_t hash;
    struct xsd_map_ent *next;
};

struct xsd_map
{
    struct xsd_map_ent **b;
    size_t nb, n;
};

void *xsd_map_get(const struct xsd_map *m, const char *key);
/* Returns the previous value (NULL if none); copies the key. */
void *xsd_map_set(struct xsd_map *m, const char *key, void *val);
void *xsd_map_del(struct xsd_map *m, const char *key);
void xsd_map_free(struct xsd_map *m, void (*fn)(void *val));
#define xsd_map_foreach(m, e, i)                                      \
    for ( (i) = 0; (i) < (m)->nb; (i)++ )                             \
        for ( (e) = (m)->b[i]; (e); (e) = (e)->next )

/* ---- Nodes ---- */

struct xsd_node
{
    char *path;               /* Absolute canonical path. */
    char *value;              /* Binary, vlen bytes (plus a spare nul). */
    uint32_t vlen;
    struct xs_perm *perms;    /* perms[0] names the owner. */
    unsigned int nperms;
    char **children;          /* Leaf names, in creation order. */
    unsigned int nchildren, capchildren;
    uint64_t gen;             /* Bumped on every change; 0 = never stored. */
};

struct xsd_node *xsd_node_new(const char *path, const void *val, uint32_t vlen,
                              const struct xs_perm *perms,
                              unsigned int nperms);
struct xsd_node *xsd_node_dup(const struct xsd_node *n);
void xsd_node_free(struct xsd_node *n);
int xsd_node_set_value(struct xsd_node *n, const void *val, uint32_t vlen);
int xsd_node_set_perms(struct xsd_node *n, const struct xs_perm *p,
                       unsigned int np);
int xsd_node_add_child(struct xsd_node *n, const char *name);
void xsd_node_del_child(struct xsd_node *n, const char *name);
/* Bytes of the nul-separated children list as DIRECTORY sends it. */
size_t xsd_node_childlen(const struct xsd_node *n);

/* ---- Transports ---- */

/*
 * One table per transport.  read/write never block: they return the bytes
 * moved (0 when nothing can move now) or -1 when the peer is gone or broke
 * the transport's rules, after which the connection is closed.
 */
struct xsd_conn_ops
{
    const char *name;
    ssize_t (*read)(struct xsd_conn *c, void *buf, size_t len);
    ssize_t (*write)(struct xsd_conn *c, const void *buf, size_t len);
    /* Called once when the connection is torn down; frees c->priv. */
    void (*destroy)(struct xsd_conn *c);
    /* Optional: tell the peer why we stop talking (ring error field). */
    void (*protocol_error)(struct xsd_conn *c);
};

struct xsd_outbuf
{
    struct xsd_outbuf *next;
    size_t len, off;
    bool event;
    char data[];
};

struct xsd_watch
{
    struct xsd_watch *next;
    char *node;      /* Absolute path, or "@..." special name. */
    char *token;
    char *given;     /* Path exactly as the client sent it. */
    size_t strip;    /* Prefix removed from event paths (relative watch). */
};

struct xsd_conn
{
    struct xsd *d;
    const struct xsd_conn_ops *ops;
    void *priv;
    struct xsd_conn *next;
    uint32_t domid;
    bool privileged;
    bool dead;          /* Set on protocol violation / EOF; reaped later. */
    const char *why;    /* Reason for death, for the log. */
    unsigned int id;    /* For logging. */

    /* Input: a header, then its body; body has a spare nul at the end. */
    struct xsd_sockmsg hdr;
    size_t hdr_got, body_got;
    char body[XENSTORE_PAYLOAD_MAX + 1];

    /* Output queue, bounded by the daemon's outq limits. */
    struct xsd_outbuf *out_head, *out_tail;
    size_t out_bytes;

    struct xsd_watch *watches;
    unsigned int nwatches;
    struct xsd_txn *txns;
    unsigned int ntxns;
    unsigned int throttled;     /* Quotas already logged as reached. */
    unsigned int flood_turns;   /* Ring turns in a row left with more. */
    bool flood_logged;          /* Its flood has had its log line. */
};

/* ---- Daemon ---- */

struct xsd_quota
{
    unsigned int nodes;         /* Nodes owned per unprivileged domain. */
    unsigned int node_size;     /* Value bytes + 5 per permission entry. */
    unsigned int watches;       /* Watches per unprivileged connection. */
    unsigned int transactions;  /* Open transactions per unpriv. conn. */
    unsigned int priv_watches;  /* Same two limits for dom0's sockets: */
    unsigned int priv_transactions; /* generous, but bounded. */
    size_t outq_soft;           /* Stop reading requests above this. */
    size_t outq_hard;           /* Close a client whose events pile up. */
};

struct xsd_domain
{
    struct xsd_domain *next;    /* All domains ever looked up. */
    uint32_t domid;
    bool introduced;
    bool shutdown;
    uint64_t mfn;
    uint32_t port;
    uint32_t target;            /* Domain it acts for, or UINT32_MAX. */
    unsigned int nnodes;        /* Nodes it owns in the committed tree. */
    unsigned int checked;       /* Scratch for xsd_check(). */
    struct xsd_conn *conn;      /* Ring connection, if one is attached. */
};

/*
 * Attaches a ring transport for an introduced domain.  Returns the new
 * connection, or NULL with errno set.  The host build has none (no grant
 * mapping), so introduced domains are then recorded without a connection.
 */
typedef struct xsd_conn *(*xsd_ring_attach_fn)(struct xsd *d, void *opaque,
                                               uint32_t domid, uint64_t mfn,
                                               uint32_t port);

struct xsd
{
    struct xsd_map tree;
    uint64_t gen;
    uint32_t next_txid;
    struct xsd_conn *conns;
    unsigned int next_conn_id;
    struct xsd_domain **doms;   /* Indexed by domid, created on demand. */
    struct xsd_domain *dom_list;
    struct xsd_quota quota;
    struct xsd_persist *persist;
    /* "@introduceDomain", "@releaseDomain": only their permissions are
     * used, to decide who may watch them; not part of the tree. */
    struct xsd_node *special[2];
    xsd_ring_attach_fn ring_attach;
    void *ring_opaque;
    unsigned int ring_cursor;   /* Guest ring to serve first; 0: newest. */
    int verbose;
    void (*log)(struct xsd *d, const char *msg);
};

struct xsd *xsd_create(void);
void xsd_destroy(struct xsd *d);
void xsd_log(struct xsd *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Initial tree: / /local /local/domain /tool, all "n0". */
void xsd_default_tree(struct xsd *d);

struct xsd_conn *xsd_conn_new(struct xsd *d, const struct xsd_conn_ops *ops,
                              void *priv, uint32_t domid);
/*
 * Requests handled per visit: dom0's connections (sockets, its kernel's
 * ring) get many, a guest's ring one, as Xen's C xenstored does, and all
 * guests together at most XSD_RING_BUDGET per turn of the loop.  dom0's
 * request then waits behind a few guest requests at most, however hard
 * guests flood (tools/tests/xenstore/test_domain.c measures it).
 */
#define XSD_PRIV_QUANTUM 64
#define XSD_RING_QUANTUM 1
#define XSD_RING_BUDGET 8
/*
 * Turns in a row a guest spends at its quantum before it is logged as
 * flooding (once per connection, as quotas are): hundreds of requests
 * queued without a pause, which no xenbus driver sends.
 */
#define XSD_FLOOD_TURNS 256

/*
 * Reads and handles requests.  Returns true if more input may be waiting
 * (the caller should come back soon without waiting for the transport).
 */
bool xsd_conn_input(struct xsd_conn *c);
/* Same, with at most max requests; *handled says how many. */
bool xsd_conn_input_max(struct xsd_conn *c, unsigned int max,
                        unsigned int *handled);
/* Pushes queued output to the transport. */
void xsd_conn_output(struct xsd_conn *c);
bool xsd_conn_wants_input(const struct xsd_conn *c);
bool xsd_conn_wants_output(const struct xsd_conn *c);
/* Tears down (watches, transactions, transport) and frees. */
void xsd_conn_free(struct xsd_conn *c);
/* Frees every connection marked dead. */
void xsd_reap(struct xsd *d);

struct xsd_domain *xsd_domain_find(struct xsd *d, uint32_t domid, bool create);
/*
 * What the hypervisor says of an introduced domain: a shutdown or death
 * fires @releaseDomain once; a dying domain loses its connection and is
 * no longer introduced.
 */
void xsd_domain_state(struct xsd *d, struct xsd_domain *dom, bool shutdown,
                      bool dying);

/* Walks the committed tree to find inconsistencies; 0 if sound. */
int xsd_check(struct xsd *d, char *why, size_t whylen);

/* Tree primitives on the committed tree (journal and counts kept). */
struct xsd_node *xsd_tree_get(struct xsd *d, const char *path);
void xsd_tree_put(struct xsd *d, struct xsd_node *n);
void xsd_tree_del(struct xsd *d, const char *path);

/* ---- Persistence (xsd_persist.c) ---- */

enum xsd_sync
{
    XSD_SYNC_NEVER,     /* Leave it to the kernel. */
    XSD_SYNC_PERIODIC,  /* fdatasync at most once a second. */
    XSD_SYNC_ALWAYS,    /* fdatasync before any reply leaves. */
};

/* Loads the state in dir (if any) into d and starts journaling there. */
int xsd_persist_open(struct xsd *d, const char *dir, enum xsd_sync sync);
void xsd_persist_close(struct xsd *d);
void xsd_persist_node(struct xsd *d, const struct xsd_node *n);
void xsd_persist_delete(struct xsd *d, const char *path);
void xsd_persist_domain(struct xsd *d, const struct xsd_domain *dom);
/* Ends a request: hands buffered records to the kernel (and disk). */
void xsd_persist_commit(struct xsd *d);
/* Periodic work: fsync, compaction.  Returns ms until it wants a call. */
int xsd_persist_tick(struct xsd *d);
int xsd_persist_snapshot(struct xsd *d);

/* ---- Transports (xsd_ring.c, xenstored.c) ---- */

/*
 * Ring transport over a xenstore_domain_interface page.  notify() is how
 * the daemon kicks the peer (an event channel on Xen; a callback in tests).
 */
struct xsd_conn *xsd_ring_conn_new(struct xsd *d, uint32_t domid,
                                   struct xenstore_domain_interface *intf,
                                   void (*notify)(void *opaque),
                                   void *opaque);
/* Called with opaque when the connection goes (to unmap, unbind). */
void xsd_ring_on_destroy(struct xsd_conn *c, void (*fn)(void *opaque));
/*
 * One turn over every ring connection: dom0's kernel's first, then the
 * guests' with the quantum and budget above, starting where the last
 * turn ran out of budget so that every guest gets its turn.  True if a
 * ring may have more.  The daemon serves its sockets before this.
 */
bool xsd_rings_turn(struct xsd *d);

#endif /* XSD_H */
