/* SPDX-License-Identifier: GPL-2.0-only */
/* The xenstore daemon's store, transactions, watches and request handling. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

/* ------------------------------------------------------------------ */
/* Allocation: the daemon treats running out of memory as fatal; quotas
 * are what keeps clients from getting it there. */

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if ( !p )
    {
        fprintf(stderr, "xenstored: out of memory\n");
        abort();
    }
    return p;
}

static void *xcalloc(size_t n, size_t sz)
{
    void *p = calloc(n ? n : 1, sz ? sz : 1);

    if ( !p )
    {
        fprintf(stderr, "xenstored: out of memory\n");
        abort();
    }
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if ( !p )
    {
        fprintf(stderr, "xenstored: out of memory\n");
        abort();
    }
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;

    return memcpy(xmalloc(n), s, n);
}

static char *xasprintf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    int n;
    char *s;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    s = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* ------------------------------------------------------------------ */
/* Hash map */

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;

    while ( *s )
        h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

void *xsd_map_get(const struct xsd_map *m, const char *key)
{
    uint32_t h;
    struct xsd_map_ent *e;

    if ( !m->nb )
        return NULL;
    h = hash_str(key);
    for ( e = m->b[h & (m->nb - 1)]; e; e = e->next )
        if ( e->hash == h && !strcmp(e->key, key) )
            return e->val;
    return NULL;
}

static void map_grow(struct xsd_map *m)
{
    size_t nb = m->nb ? m->nb * 2 : 64, i;
    struct xsd_map_ent **b = xcalloc(nb, sizeof(*b)), *e, *next;

    for ( i = 0; i < m->nb; i++ )
        for ( e = m->b[i]; e; e = next )
        {
            next = e->next;
            e->next = b[e->hash & (nb - 1)];
            b[e->hash & (nb - 1)] = e;
        }
    free(m->b);
    m->b = b;
    m->nb = nb;
}

void *xsd_map_set(struct xsd_map *m, const char *key, void *val)
{
    uint32_t h = hash_str(key);
    struct xsd_map_ent *e;
    void *old;

    if ( m->nb )
        for ( e = m->b[h & (m->nb - 1)]; e; e = e->next )
            if ( e->hash == h && !strcmp(e->key, key) )
            {
                old = e->val;
                e->val = val;
                return old;
            }
    if ( m->n + 1 > m->nb )
        map_grow(m);
    e = xmalloc(sizeof(*e));
    e->key = xstrdup(key);
    e->val = val;
    e->hash = h;
    e->next = m->b[h & (m->nb - 1)];
    m->b[h & (m->nb - 1)] = e;
    m->n++;
    return NULL;
}

void *xsd_map_del(struct xsd_map *m, const char *key)
{
    uint32_t h;
    struct xsd_map_ent **pp, *e;
    void *val;

    if ( !m->nb )
        return NULL;
    h = hash_str(key);
    for ( pp = &m->b[h & (m->nb - 1)]; (e = *pp); pp = &e->next )
        if ( e->hash == h && !strcmp(e->key, key) )
        {
            *pp = e->next;
            val = e->val;
            free(e->key);
            free(e);
            m->n--;
            return val;
        }
    return NULL;
}

void xsd_map_free(struct xsd_map *m, void (*fn)(void *val))
{
    size_t i;
    struct xsd_map_ent *e, *next;

    for ( i = 0; i < m->nb; i++ )
        for ( e = m->b[i]; e; e = next )
        {
            next = e->next;
            if ( fn )
                fn(e->val);
            free(e->key);
            free(e);
        }
    free(m->b);
    m->b = NULL;
    m->nb = m->n = 0;
}

/* ------------------------------------------------------------------ */
/* Nodes */

struct xsd_node *xsd_node_new(const char *path, const void *val, uint32_t vlen,
                              const struct xs_perm *perms, unsigned int nperms)
{
    struct xsd_node *n = xcalloc(1, sizeof(*n));

    n->path = xstrdup(path);
    xsd_node_set_value(n, val, vlen);
    xsd_node_set_perms(n, perms, nperms);
    return n;
}

struct xsd_node *xsd_node_dup(const struct xsd_node *o)
{
    struct xsd_node *n = xsd_node_new(o->path, o->value, o->vlen, o->perms,
                                      o->nperms);
    unsigned int i;

    n->gen = o->gen;
    n->capchildren = n->nchildren = o->nchildren;
    n->children = xmalloc(sizeof(char *) * (o->nchildren ? o->nchildren : 1));
    for ( i = 0; i < o->nchildren; i++ )
        n->children[i] = xstrdup(o->children[i]);
    return n;
}

void xsd_node_free(struct xsd_node *n)
{
    unsigned int i;

    if ( !n )
        return;
    for ( i = 0; i < n->nchildren; i++ )
        free(n->children[i]);
    free(n->children);
    free(n->perms);
    free(n->value);
    free(n->path);
    free(n);
}

int xsd_node_set_value(struct xsd_node *n, const void *val, uint32_t vlen)
{
    char *v = xmalloc((size_t)vlen + 1);

    if ( vlen )
        memcpy(v, val, vlen);
    v[vlen] = '\0';
    free(n->value);
    n->value = v;
    n->vlen = vlen;
    return 0;
}

int xsd_node_set_perms(struct xsd_node *n, const struct xs_perm *p,
                       unsigned int np)
{
    struct xs_perm *c = xmalloc(sizeof(*c) * (np ? np : 1));

    if ( np )
        memcpy(c, p, sizeof(*c) * np);
    else
    {
        c[0].id = 0;
        c[0].perm = XS_PERM_NONE;
        np = 1;
    }
    free(n->perms);
    n->perms = c;
    n->nperms = np;
    return 0;
}

int xsd_node_add_child(struct xsd_node *n, const char *name)
{
    unsigned int i;

    for ( i = 0; i < n->nchildren; i++ )
        if ( !strcmp(n->children[i], name) )
            return 0;
    if ( n->nchildren == n->capchildren )
    {
        n->capchildren = n->capchildren ? n->capchildren * 2 : 4;
        n->children = xrealloc(n->children,
                               sizeof(char *) * n->capchildren);
    }
    n->children[n->nchildren++] = xstrdup(name);
    return 0;
}

void xsd_node_del_child(struct xsd_node *n, const char *name)
{
    unsigned int i;

    for ( i = 0; i < n->nchildren; i++ )
        if ( !strcmp(n->children[i], name) )
        {
            free(n->children[i]);
            memmove(&n->children[i], &n->children[i + 1],
                    sizeof(char *) * (n->nchildren - i - 1));
            n->nchildren--;
            return;
        }
}

size_t xsd_node_childlen(const struct xsd_node *n)
{
    size_t len = 0;
    unsigned int i;

    for ( i = 0; i < n->nchildren; i++ )
        len += strlen(n->children[i]) + 1;
    return len;
}

static char *node_childlist(const struct xsd_node *n, size_t *lenp)
{
    size_t len = xsd_node_childlen(n), off = 0, l;
    char *buf = xmalloc(len + 1);
    unsigned int i;

    for ( i = 0; i < n->nchildren; i++ )
    {
        l = strlen(n->children[i]) + 1;
        memcpy(buf + off, n->children[i], l);
        off += l;
    }
    *lenp = len;
    return buf;
}

/* ------------------------------------------------------------------ */
/* Logging, domains, the committed tree */

void xsd_log(struct xsd *d, const char *fmt, ...)
{
    char buf[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if ( d->log )
        d->log(d, buf);
}

struct xsd_domain *xsd_domain_find(struct xsd *d, uint32_t domid, bool create)
{
    struct xsd_domain *dom;

    if ( domid > XS_DOMID_MAX )
        return NULL;
    dom = d->doms[domid];
    if ( !dom && create )
    {
        dom = xcalloc(1, sizeof(*dom));
        dom->domid = domid;
        dom->target = UINT32_MAX;
        d->doms[domid] = dom;
        dom->next = d->dom_list;
        d->dom_list = dom;
    }
    return dom;
}

static void count_node(struct xsd *d, const struct xsd_node *n, int delta)
{
    struct xsd_domain *dom = xsd_domain_find(d, n->perms[0].id, true);

    if ( dom )
        dom->nnodes += (unsigned int)delta;
}

struct xsd_node *xsd_tree_get(struct xsd *d, const char *path)
{
    return xsd_map_get(&d->tree, path);
}

void xsd_tree_put(struct xsd *d, struct xsd_node *n)
{
    struct xsd_node *old;

    n->gen = ++d->gen;
    old = xsd_map_set(&d->tree, n->path, n);
    if ( old )
    {
        count_node(d, old, -1);
        xsd_node_free(old);
    }
    count_node(d, n, 1);
    xsd_persist_node(d, n);
}

void xsd_tree_del(struct xsd *d, const char *path)
{
    struct xsd_node *old = xsd_map_del(&d->tree, path);

    if ( old )
    {
        count_node(d, old, -1);
        xsd_node_free(old);
        xsd_persist_delete(d, path);
    }
}

static void default_logger(struct xsd *d, const char *msg)
{
    (void)d;
    fprintf(stderr, "xenstored: %s\n", msg);
}

struct xsd *xsd_create(void)
{
    struct xsd *d = xcalloc(1, sizeof(*d));

    d->doms = xcalloc(XS_DOMID_MAX + 1, sizeof(*d->doms));
    d->next_txid = 1;
    d->quota.nodes = 1000;
    d->quota.node_size = 2048;
    d->quota.watches = 128;
    d->quota.transactions = 10;
    d->quota.priv_watches = 65536;
    d->quota.priv_transactions = 1024;
    d->quota.outq_soft = 64 * 1024;
    d->quota.outq_hard = 1024 * 1024;
    d->log = default_logger;
    {
        struct xs_perm p = { 0, XS_PERM_NONE };

        d->special[0] = xsd_node_new("@introduceDomain", NULL, 0, &p, 1);
        d->special[1] = xsd_node_new("@releaseDomain", NULL, 0, &p, 1);
    }
    return d;
}

void xsd_default_tree(struct xsd *d)
{
    static const char *const paths[] = { "/", "/local", "/local/domain",
                                         "/tool" };
    struct xs_perm p = { 0, XS_PERM_NONE };
    struct xsd_node *n, *parent;
    unsigned int i;
    const char *slash;
    char *ppath;

    for ( i = 0; i < sizeof(paths) / sizeof(paths[0]); i++ )
    {
        if ( xsd_tree_get(d, paths[i]) )
            continue;
        n = xsd_node_new(paths[i], NULL, 0, &p, 1);
        if ( i )
        {
            slash = strrchr(paths[i], '/');
            ppath = slash == paths[i] ? xstrdup("/")
                : strndup(paths[i], (size_t)(slash - paths[i]));
            parent = xsd_node_dup(xsd_tree_get(d, ppath));
            xsd_node_add_child(parent, slash + 1);
            xsd_tree_put(d, parent);
            free(ppath);
        }
        xsd_tree_put(d, n);
    }
    xsd_persist_commit(d);
}

/* ------------------------------------------------------------------ */
/* Paths and permissions */

static bool valid_abs_path(const char *p)
{
    const char *s;

    if ( p[0] != '/' )
        return false;
    if ( !p[1] )
        return true;
    for ( s = p; *s; s++ )
    {
        char ch = *s;

        if ( !((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
               (ch >= '0' && ch <= '9') || ch == '-' || ch == '/' ||
               ch == '_' || ch == '@') )
            return false;
        if ( ch == '/' && (s[1] == '/' || s[1] == '\0') )
            return false;
    }
    return true;
}

static bool valid_special(const char *p)
{
    size_t len = strlen(p);

    if ( p[0] != '@' || len < 2 || len > XENSTORE_ABS_PATH_MAX )
        return false;
    return valid_abs_path("/") && !strchr(p, '/') &&
           strspn(p, "@abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "0123456789-_") == len;
}

/*
 * Turns a client's path into an absolute canonical one.  Relative paths
 * hang below the connection's domain home.  *strip gets the prefix length
 * to remove when reporting paths back to the client (relative watches).
 */
static int canon_path(const struct xsd_conn *c, const char *arg, char **out,
                      size_t *strip)
{
    size_t len = strlen(arg);
    char *p;

    if ( strip )
        *strip = 0;
    if ( arg[0] == '/' )
    {
        if ( len > XENSTORE_ABS_PATH_MAX || !valid_abs_path(arg) )
            return EINVAL;
        *out = xstrdup(arg);
        return 0;
    }
    if ( !len || arg[0] == '@' || len > XENSTORE_REL_PATH_MAX )
        return EINVAL;
    p = xasprintf(XS_DOMAIN_HOME "%u/%s", (unsigned int)c->domid, arg);
    if ( strlen(p) > XENSTORE_ABS_PATH_MAX || !valid_abs_path(p) )
    {
        free(p);
        return EINVAL;
    }
    if ( strip )
        *strip = strlen(p) - len;
    *out = p;
    return 0;
}

static char *parent_path(const char *path)
{
    const char *slash = strrchr(path, '/');

    if ( slash == path )
        return xstrdup("/");
    return strndup(path, (size_t)(slash - path));
}

static bool is_child(const char *child, const char *parent)
{
    size_t len = strlen(parent);

    if ( !strcmp(parent, "/") )
        return child[0] == '/';
    return !strncmp(child, parent, len) &&
           (child[len] == '\0' || child[len] == '/');
}

static uint32_t conn_target(const struct xsd_conn *c)
{
    struct xsd_domain *dom = c->domid <= XS_DOMID_MAX ? c->d->doms[c->domid]
                                                      : NULL;

    return dom ? dom->target : UINT32_MAX;
}

static unsigned int perm_for(const struct xsd_conn *c,
                             const struct xs_perm *p, unsigned int np)
{
    uint32_t target;
    unsigned int i;

    if ( c->privileged )
        return XS_PERM_BOTH | XS_PERM_OWNER;
    target = conn_target(c);
    if ( p[0].id == c->domid || p[0].id == target )
        return XS_PERM_BOTH | XS_PERM_OWNER;
    for ( i = 1; i < np; i++ )
        if ( p[i].id == c->domid || p[i].id == target )
            return p[i].perm & XS_PERM_BOTH;
    return p[0].perm & XS_PERM_BOTH;
}

static bool may(const struct xsd_conn *c, const struct xsd_node *n,
                unsigned int want)
{
    return (perm_for(c, n->perms, n->nperms) & want) == want;
}

/* ------------------------------------------------------------------ */
/* Views: the committed tree, or a transaction's private overlay */

struct change
{
    char *path;
    bool recursive;
    struct xs_perm *perms;
    unsigned int nperms;
};

struct changes
{
    struct change *v;
    unsigned int n, cap;
};

struct txent
{
    uint64_t orig_gen;      /* Generation seen first; 0 = did not exist. */
    bool dirty;
    struct xsd_node *node;  /* When dirty: new content, NULL = deleted. */
};

struct xsd_txn
{
    struct xsd_txn *next;
    uint32_t id;
    struct xsd_map ents;
    struct changes ch;
    int node_delta;         /* Net nodes created for the conn's domain. */
    bool doomed;            /* Saw inconsistent state: commit must fail. */
};

struct view
{
    struct xsd *d;
    struct xsd_txn *tx;
    struct changes *ch;
    int node_delta;
};

static void changes_add(struct changes *ch, const char *path, bool recursive,
                        const struct xsd_node *n)
{
    struct change *c;

    if ( ch->n == ch->cap )
    {
        ch->cap = ch->cap ? ch->cap * 2 : 4;
        ch->v = xrealloc(ch->v, sizeof(*ch->v) * ch->cap);
    }
    c = &ch->v[ch->n++];
    c->path = xstrdup(path);
    c->recursive = recursive;
    c->nperms = n->nperms;
    c->perms = xmalloc(sizeof(*c->perms) * n->nperms);
    memcpy(c->perms, n->perms, sizeof(*c->perms) * n->nperms);
}

static void changes_free(struct changes *ch)
{
    unsigned int i;

    for ( i = 0; i < ch->n; i++ )
    {
        free(ch->v[i].path);
        free(ch->v[i].perms);
    }
    free(ch->v);
    ch->v = NULL;
    ch->n = ch->cap = 0;
}

static struct txent *tx_ent(struct xsd *d, struct xsd_txn *t,
                            const char *path)
{
    struct txent *e = xsd_map_get(&t->ents, path);
    struct xsd_node *n;

    if ( !e )
    {
        e = xcalloc(1, sizeof(*e));
        n = xsd_tree_get(d, path);
        e->orig_gen = n ? n->gen : 0;
        xsd_map_set(&t->ents, path, e);
    }
    return e;
}

static struct xsd_node *v_get(struct view *v, const char *path)
{
    struct txent *e;
    struct xsd_node *n;

    if ( !v->tx )
        return xsd_tree_get(v->d, path);
    e = tx_ent(v->d, v->tx, path);
    if ( e->dirty )
        return e->node;
    n = xsd_tree_get(v->d, path);
    /*
     * Seeing a node other than as first seen means the transaction has
     * observed two states of the store.  The commit-time check alone would
     * miss an A-B-A change (say, created and removed again), so remember.
     */
    if ( (n ? n->gen : 0) != e->orig_gen )
        v->tx->doomed = true;
    return n;
}

/* Takes ownership of n. */
static void v_put(struct view *v, struct xsd_node *n)
{
    struct txent *e;

    if ( !v->tx )
    {
        xsd_tree_put(v->d, n);
        return;
    }
    e = tx_ent(v->d, v->tx, n->path);
    xsd_node_free(e->node);
    e->node = n;
    e->dirty = true;
}

static void v_del(struct view *v, const char *path)
{
    struct txent *e;

    if ( !v->tx )
    {
        xsd_tree_del(v->d, path);
        return;
    }
    e = tx_ent(v->d, v->tx, path);
    xsd_node_free(e->node);
    e->node = NULL;
    e->dirty = true;
}

static unsigned int domain_nodes(struct view *v, uint32_t domid)
{
    struct xsd_domain *dom = xsd_domain_find(v->d, domid, false);
    long n = (dom ? (long)dom->nnodes : 0) + v->node_delta;

    return n < 0 ? 0 : (unsigned int)n;
}

/*
 * A quota refusal is the guest's problem, not ours, but an operator
 * wants to know: one line per connection and kind, so that a guest
 * hammering its limit cannot flood the log either.
 */
enum { Q_NODES, Q_NODE_SIZE, Q_WATCHES, Q_TRANSACTIONS };

static int throttled(struct xsd_conn *c, unsigned int kind, int err)
{
    static const char *const what[] = {
        [Q_NODES] = "nodes", [Q_NODE_SIZE] = "node size",
        [Q_WATCHES] = "watches", [Q_TRANSACTIONS] = "transactions",
    };

    if ( !(c->throttled & (1u << kind)) )
    {
        c->throttled |= 1u << kind;
        xsd_log(c->d, "dom%u throttled (connection %u): %s quota reached",
                (unsigned int)c->domid, c->id, what[kind]);
    }
    return err;
}

/*
 * Creates path and any missing parents.  New nodes inherit the permissions
 * of their nearest existing ancestor, except that what an unprivileged
 * domain creates belongs to it.
 */
static int create_path(struct view *v, struct xsd_conn *c, const char *path,
                       const void *val, uint32_t vlen)
{
    char *anc = xstrdup(path), *p;
    struct xsd_node *a, *n, *prev;
    struct xs_perm *perms;
    unsigned int nperms, missing = 0, i;
    size_t alen;

    /* Find the nearest existing ancestor. */
    for ( ;; )
    {
        p = parent_path(anc);
        free(anc);
        anc = p;
        missing++;
        if ( (a = v_get(v, anc)) )
            break;
    }
    if ( !may(c, a, XS_PERM_WRITE) )
    {
        free(anc);
        return EACCES;
    }
    nperms = a->nperms;
    perms = xmalloc(sizeof(*perms) * nperms);
    memcpy(perms, a->perms, sizeof(*perms) * nperms);
    if ( !c->privileged )
        perms[0].id = c->domid;
    if ( !c->privileged )
    {
        if ( vlen + 5 * nperms > c->d->quota.node_size )
        {
            free(perms);
            free(anc);
            return throttled(c, Q_NODE_SIZE, ENOSPC);
        }
        if ( domain_nodes(v, c->domid) + missing > c->d->quota.nodes )
        {
            free(perms);
            free(anc);
            return throttled(c, Q_NODES, ENOSPC);
        }
    }

    /* Create from the top down so parents always precede children. */
    alen = strcmp(anc, "/") ? strlen(anc) : 0;
    prev = xsd_node_dup(a);
    for ( i = 0; i < missing; i++ )
    {
        const char *name = path + alen + 1;
        const char *end = strchr(name, '/');
        char *leaf = end ? strndup(name, (size_t)(end - name)) : xstrdup(name);
        char *npath = end ? strndup(path, (size_t)(end - path))
                          : xstrdup(path);

        xsd_node_add_child(prev, leaf);
        v_put(v, prev);
        n = xsd_node_new(npath, end ? NULL : val, end ? 0 : vlen, perms,
                         nperms);
        if ( perms[0].id == c->domid )
            v->node_delta++;
        prev = n;
        alen = strlen(npath);
        free(leaf);
        free(npath);
    }
    changes_add(v->ch, path, false, prev);
    v_put(v, prev);
    free(perms);
    free(anc);
    return 0;
}

static int write_node(struct view *v, struct xsd_conn *c, const char *path,
                      const void *val, uint32_t vlen)
{
    struct xsd_node *n = v_get(v, path);

    if ( !n )
        return create_path(v, c, path, val, vlen);
    if ( !may(c, n, XS_PERM_WRITE) )
        return EACCES;
    if ( !c->privileged && vlen + 5 * n->nperms > c->d->quota.node_size )
        return throttled(c, Q_NODE_SIZE, ENOSPC);
    n = xsd_node_dup(n);
    xsd_node_set_value(n, val, vlen);
    changes_add(v->ch, path, false, n);
    v_put(v, n);
    return 0;
}

static void rm_subtree(struct view *v, const char *path, uint32_t domid)
{
    struct xsd_node *n = v_get(v, path);
    unsigned int i;

    if ( !n )
        return;
    for ( i = 0; i < n->nchildren; i++ )
    {
        char *cp = strcmp(path, "/") ? xasprintf("%s/%s", path,
                                                 n->children[i])
                                     : xasprintf("/%s", n->children[i]);

        rm_subtree(v, cp, domid);
        free(cp);
    }
    if ( n->perms[0].id == domid )
        v->node_delta--;
    v_del(v, path);
}

static int rm_node(struct view *v, struct xsd_conn *c, const char *path)
{
    struct xsd_node *n = v_get(v, path), *parent;
    char *pp;

    if ( !strcmp(path, "/") )
        return EINVAL;
    pp = parent_path(path);
    parent = v_get(v, pp);
    if ( !n )
    {
        free(pp);
        /* Already gone is fine as long as the parent is there. */
        return parent ? 0 : ENOENT;
    }
    if ( !may(c, n, XS_PERM_WRITE) )
    {
        free(pp);
        return EACCES;
    }
    changes_add(v->ch, path, true, n);
    rm_subtree(v, path, c->domid);
    if ( parent )
    {
        parent = xsd_node_dup(parent);
        xsd_node_del_child(parent, strrchr(path, '/') + 1);
        v_put(v, parent);
    }
    free(pp);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Output */

static void conn_kill(struct xsd_conn *c, const char *why)
{
    if ( c->dead )
        return;
    c->dead = true;
    c->why = why;
    /* A peer hanging up is routine; everything else is worth a line. */
    if ( !strcmp(why, "peer closed") && !c->d->verbose )
        return;
    xsd_log(c->d, "connection %u (dom%u, %s) closed: %s", c->id,
            (unsigned int)c->domid, c->ops->name, why);
}

static void queue_msg(struct xsd_conn *c, uint32_t type, uint32_t req_id,
                      uint32_t tx_id, const void *a, size_t alen,
                      const void *b, size_t blen, bool event)
{
    struct xsd_sockmsg h;
    struct xsd_outbuf *o;
    size_t len = alen + blen;

    if ( c->dead )
        return;
    if ( len > XENSTORE_PAYLOAD_MAX )
    {
        /* Never put an oversized message on the wire. */
        if ( event )
            return;
        type = XS_ERROR;
        a = "E2BIG";
        alen = sizeof("E2BIG");
        blen = 0;
        len = alen;
    }
    if ( event && c->out_bytes + len > c->d->quota.outq_hard )
    {
        conn_kill(c, "client does not read its watch events");
        return;
    }
    o = xmalloc(sizeof(*o) + sizeof(h) + len);
    h.type = type;
    h.req_id = req_id;
    h.tx_id = tx_id;
    h.len = (uint32_t)len;
    memcpy(o->data, &h, sizeof(h));
    if ( alen )
        memcpy(o->data + sizeof(h), a, alen);
    if ( blen )
        memcpy(o->data + sizeof(h) + alen, b, blen);
    o->len = sizeof(h) + len;
    o->off = 0;
    o->event = event;
    o->next = NULL;
    if ( c->out_tail )
        c->out_tail->next = o;
    else
        c->out_head = o;
    c->out_tail = o;
    c->out_bytes += o->len;
}

static void reply(struct xsd_conn *c, const void *data, size_t len)
{
    queue_msg(c, c->hdr.type, c->hdr.req_id, c->hdr.tx_id, data, len, NULL, 0,
              false);
}

static void reply_ok(struct xsd_conn *c)
{
    reply(c, "OK", 3);
}

static void reply_str(struct xsd_conn *c, const char *s)
{
    reply(c, s, strlen(s) + 1);
}

static void reply_error(struct xsd_conn *c, int err)
{
    const char *name = xs_errno_name(err);

    queue_msg(c, XS_ERROR, c->hdr.req_id, c->hdr.tx_id, name,
              strlen(name) + 1, NULL, 0, false);
}

void xsd_conn_output(struct xsd_conn *c)
{
    struct xsd_outbuf *o;
    ssize_t r;

    while ( !c->dead && (o = c->out_head) )
    {
        r = c->ops->write(c, o->data + o->off, o->len - o->off);
        if ( r < 0 )
        {
            conn_kill(c, "write failed");
            return;
        }
        if ( r == 0 )
            return;
        o->off += (size_t)r;
        if ( o->off < o->len )
            continue;
        c->out_head = o->next;
        if ( !c->out_head )
            c->out_tail = NULL;
        c->out_bytes -= o->len;
        free(o);
    }
}

bool xsd_conn_wants_output(const struct xsd_conn *c)
{
    return !c->dead && c->out_head;
}

bool xsd_conn_wants_input(const struct xsd_conn *c)
{
    return !c->dead && c->out_bytes < c->d->quota.outq_soft;
}

/* ------------------------------------------------------------------ */
/* Watches */

static void send_event(struct xsd_conn *c, struct xsd_watch *w,
                       const char *path)
{
    if ( w->strip && !strncmp(path, w->node, w->strip) )
        path += w->strip;
    queue_msg(c, XS_WATCH_EVENT, 0, 0, path, strlen(path) + 1, w->token,
              strlen(w->token) + 1, true);
}

static void fire_one(struct xsd *d, const struct change *ch)
{
    struct xsd_conn *c;
    struct xsd_watch *w;
    const char *ev;
    bool special = ch->path[0] == '@';

    for ( c = d->conns; c; c = c->next )
    {
        if ( c->dead )
            continue;
        /* Guests hear only of what they may read (special nodes too). */
        if ( ch->perms &&
             !(perm_for(c, ch->perms, ch->nperms) & XS_PERM_READ) )
            continue;
        for ( w = c->watches; w; w = w->next )
        {
            ev = NULL;
            if ( special || w->node[0] == '@' )
            {
                if ( !strcmp(w->node, ch->path) )
                    ev = ch->path;
            }
            else if ( is_child(ch->path, w->node) )
                ev = ch->path;
            else if ( ch->recursive && is_child(w->node, ch->path) )
                ev = w->node;
            if ( ev )
                send_event(c, w, ev);
        }
    }
}

static void fire_changes(struct xsd *d, struct changes *ch)
{
    unsigned int i;

    for ( i = 0; i < ch->n; i++ )
        fire_one(d, &ch->v[i]);
}

static struct xsd_node *special_node(struct xsd *d, const char *name)
{
    unsigned int i;

    for ( i = 0; i < 2; i++ )
        if ( !strcmp(d->special[i]->path, name) )
            return d->special[i];
    return NULL;
}

static void fire_special(struct xsd *d, const char *name)
{
    struct xsd_node *n = special_node(d, name);
    struct change ch = { (char *)name, false, n->perms, n->nperms };

    fire_one(d, &ch);
}

static void watch_free(struct xsd_watch *w)
{
    free(w->node);
    free(w->token);
    free(w->given);
    free(w);
}

/* ------------------------------------------------------------------ */
/* Transactions */

static void txent_free(void *p)
{
    struct txent *e = p;

    xsd_node_free(e->node);
    free(e);
}

static void txn_free(struct xsd_txn *t)
{
    xsd_map_free(&t->ents, txent_free);
    changes_free(&t->ch);
    free(t);
}

static struct xsd_txn *txn_find(struct xsd_conn *c, uint32_t id)
{
    struct xsd_txn *t;

    for ( t = c->txns; t; t = t->next )
        if ( t->id == id )
            return t;
    return NULL;
}

static void txn_unlink(struct xsd_conn *c, struct xsd_txn *t)
{
    struct xsd_txn **pp;

    for ( pp = &c->txns; *pp; pp = &(*pp)->next )
        if ( *pp == t )
        {
            *pp = t->next;
            c->ntxns--;
            return;
        }
}

static int cmp_ent(const void *a, const void *b)
{
    const struct xsd_map_ent *x = *(const struct xsd_map_ent *const *)a;
    const struct xsd_map_ent *y = *(const struct xsd_map_ent *const *)b;

    return strcmp(x->key, y->key);
}

/*
 * Optimistic commit: every node the transaction looked at must still have
 * the generation it had then; otherwise someone else got there first.
 */
static int txn_commit(struct xsd *d, struct xsd_txn *t)
{
    struct xsd_map_ent *e, **dirty;
    struct txent *te;
    struct xsd_node *n;
    size_t i, nd = 0;

    if ( t->doomed )
        return EAGAIN;
    xsd_map_foreach(&t->ents, e, i)
    {
        te = e->val;
        n = xsd_tree_get(d, e->key);
        if ( (n ? n->gen : 0) != te->orig_gen )
            return EAGAIN;
        if ( te->dirty )
            nd++;
    }
    dirty = xmalloc(sizeof(*dirty) * (nd ? nd : 1));
    nd = 0;
    xsd_map_foreach(&t->ents, e, i)
        if ( ((struct txent *)e->val)->dirty )
            dirty[nd++] = e;
    /* Sorted, parents come before children: keeps the journal replayable. */
    qsort(dirty, nd, sizeof(*dirty), cmp_ent);
    for ( i = nd; i-- > 0; )
    {
        te = dirty[i]->val;
        if ( !te->node )
            xsd_tree_del(d, dirty[i]->key);
    }
    for ( i = 0; i < nd; i++ )
    {
        te = dirty[i]->val;
        if ( te->node )
        {
            xsd_tree_put(d, te->node);
            te->node = NULL;
        }
    }
    free(dirty);
    fire_changes(d, &t->ch);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Connections */

struct xsd_conn *xsd_conn_new(struct xsd *d, const struct xsd_conn_ops *ops,
                              void *priv, uint32_t domid)
{
    struct xsd_conn *c = xcalloc(1, sizeof(*c));

    c->d = d;
    c->ops = ops;
    c->priv = priv;
    c->domid = domid;
    c->privileged = domid == 0;
    c->id = ++d->next_conn_id;
    c->next = d->conns;
    d->conns = c;
    return c;
}

static void conn_reset_watches(struct xsd_conn *c)
{
    struct xsd_watch *w;
    struct xsd_txn *t;

    while ( (w = c->watches) )
    {
        c->watches = w->next;
        watch_free(w);
    }
    c->nwatches = 0;
    while ( (t = c->txns) )
    {
        c->txns = t->next;
        txn_free(t);
    }
    c->ntxns = 0;
}

void xsd_conn_free(struct xsd_conn *c)
{
    struct xsd *d = c->d;
    struct xsd_conn **pp;
    struct xsd_outbuf *o;
    struct xsd_domain *dom;

    for ( pp = &d->conns; *pp; pp = &(*pp)->next )
        if ( *pp == c )
        {
            *pp = c->next;
            break;
        }
    conn_reset_watches(c);
    while ( (o = c->out_head) )
    {
        c->out_head = o->next;
        free(o);
    }
    dom = xsd_domain_find(d, c->domid, false);
    if ( dom && dom->conn == c )
        dom->conn = NULL;
    if ( c->ops->destroy )
        c->ops->destroy(c);
    free(c);
}

void xsd_reap(struct xsd *d)
{
    struct xsd_conn *c, *next;

    for ( c = d->conns; c; c = next )
    {
        next = c->next;
        if ( c->dead )
            xsd_conn_free(c);
    }
}

void xsd_destroy(struct xsd *d)
{
    struct xsd_domain *dom;

    while ( d->conns )
        xsd_conn_free(d->conns);
    xsd_persist_close(d);
    xsd_map_free(&d->tree, (void (*)(void *))xsd_node_free);
    while ( (dom = d->dom_list) )
    {
        d->dom_list = dom->next;
        free(dom);
    }
    xsd_node_free(d->special[0]);
    xsd_node_free(d->special[1]);
    free(d->doms);
    free(d);
}

/* ------------------------------------------------------------------ */
/* Request argument helpers */

/* The payload as exactly one nul-terminated string, or NULL. */
static const char *one_arg(struct xsd_conn *c)
{
    size_t len = c->hdr.len;

    if ( !len || c->body[len - 1] != '\0' || strlen(c->body) != len - 1 )
        return NULL;
    return c->body;
}

/*
 * Splits a payload made of nul-terminated strings.  Fails unless there are
 * at least min strings and the payload ends with a nul.
 */
static int split_args(struct xsd_conn *c, const char **argv, unsigned int max,
                      unsigned int min)
{
    size_t len = c->hdr.len, off = 0;
    unsigned int n = 0;

    if ( !len || c->body[len - 1] != '\0' )
        return -1;
    while ( off < len && n < max )
    {
        argv[n++] = c->body + off;
        off += strlen(c->body + off) + 1;
    }
    return n < min ? -1 : (int)n;
}

static bool parse_domid(const char *s, uint32_t *out)
{
    unsigned long v;

    if ( !xs_parse_uint(s, 0xffffffffUL, &v) )
        return false;
    *out = (uint32_t)v;
    return true;
}

/* ------------------------------------------------------------------ */
/* Request handlers: return 0 after replying, or an errno to send back. */

typedef int (*handler_fn)(struct xsd_conn *c, struct view *v);

static int node_for_read(struct xsd_conn *c, struct view *v,
                         const char *arg, struct xsd_node **np)
{
    char *path;
    int err;

    if ( !arg )
        return EINVAL;
    if ( (err = canon_path(c, arg, &path, NULL)) )
        return err;
    *np = v_get(v, path);
    free(path);
    if ( !*np )
        return ENOENT;
    if ( !may(c, *np, XS_PERM_READ) )
        return EACCES;
    return 0;
}

static int do_read(struct xsd_conn *c, struct view *v)
{
    struct xsd_node *n;
    int err = node_for_read(c, v, one_arg(c), &n);

    if ( err )
        return err;
    reply(c, n->value, n->vlen);
    return 0;
}

static int do_directory(struct xsd_conn *c, struct view *v)
{
    struct xsd_node *n;
    int err = node_for_read(c, v, one_arg(c), &n);
    char *list;
    size_t len;

    if ( err )
        return err;
    list = node_childlist(n, &len);
    if ( len > XENSTORE_PAYLOAD_MAX )
        err = E2BIG;
    else
        reply(c, list, len);
    free(list);
    return err;
}

/*
 * Reply: "<generation>\0" then whole leaf names from byte <offset> of the
 * full list, as many as fit; an extra nul marks the end of the list.
 */
static int do_directory_part(struct xsd_conn *c, struct view *v)
{
    const char *argv[2];
    struct xsd_node *n;
    unsigned long off;
    char gen[24], *list, *buf;
    size_t len, genlen, take = 0, l;
    int err;

    if ( split_args(c, argv, 2, 2) != 2 || c->body[c->hdr.len - 1] ||
         argv[1] + strlen(argv[1]) + 1 != c->body + c->hdr.len )
        return EINVAL;
    if ( !xs_parse_uint(argv[1], 0xffffffffUL, &off) )
        return EINVAL;
    if ( (err = node_for_read(c, v, argv[0], &n)) )
        return err;
    list = node_childlist(n, &len);
    genlen = (size_t)snprintf(gen, sizeof(gen), "%" PRIu64, n->gen) + 1;
    if ( off > len || (off && off < len && list[off - 1] != '\0') )
    {
        free(list);
        return EINVAL;
    }
    while ( off + take < len )
    {
        l = strlen(list + off + take) + 1;
        if ( genlen + take + l + 1 > XENSTORE_PAYLOAD_MAX )
            break;
        take += l;
    }
    if ( !take && off < len )
    {
        free(list);
        return E2BIG;
    }
    buf = xmalloc(genlen + take + 1);
    memcpy(buf, gen, genlen);
    memcpy(buf + genlen, list + off, take);
    if ( off + take == len )
        buf[genlen + take++] = '\0';
    reply(c, buf, genlen + take);
    free(buf);
    free(list);
    return 0;
}

static int do_get_perms(struct xsd_conn *c, struct view *v)
{
    struct xsd_node *n;
    const char *arg = one_arg(c);
    char *buf, *p;
    unsigned int i;
    int err;

    if ( arg && arg[0] == '@' )
    {
        if ( !(n = special_node(c->d, arg)) )
            return ENOENT;
        err = may(c, n, XS_PERM_READ) ? 0 : EACCES;
    }
    else
        err = node_for_read(c, v, arg, &n);
    if ( err )
        return err;
    buf = p = xmalloc((size_t)n->nperms * XS_PERM_STRLEN);
    for ( i = 0; i < n->nperms; i++ )
        p += xs_perm_format(&n->perms[i], p) + 1;
    reply(c, buf, (size_t)(p - buf));
    free(buf);
    return 0;
}

static int do_write(struct xsd_conn *c, struct view *v)
{
    size_t plen = strnlen(c->body, c->hdr.len);
    char *path;
    int err;

    if ( plen >= c->hdr.len )
        return EINVAL;
    if ( (err = canon_path(c, c->body, &path, NULL)) )
        return err;
    err = write_node(v, c, path, c->body + plen + 1,
                     (uint32_t)(c->hdr.len - plen - 1));
    free(path);
    if ( !err )
        reply_ok(c);
    return err;
}

static int do_mkdir(struct xsd_conn *c, struct view *v)
{
    const char *arg = one_arg(c);
    char *path;
    int err;

    if ( !arg )
        return EINVAL;
    if ( (err = canon_path(c, arg, &path, NULL)) )
        return err;
    if ( !v_get(v, path) )
        err = create_path(v, c, path, NULL, 0);
    free(path);
    if ( !err )
        reply_ok(c);
    return err;
}

static int do_rm(struct xsd_conn *c, struct view *v)
{
    const char *arg = one_arg(c);
    char *path;
    int err;

    if ( !arg )
        return EINVAL;
    if ( (err = canon_path(c, arg, &path, NULL)) )
        return err;
    err = rm_node(v, c, path);
    free(path);
    if ( !err )
        reply_ok(c);
    return err;
}

static int do_set_perms(struct xsd_conn *c, struct view *v)
{
    const char *argv[XENSTORE_PAYLOAD_MAX / 2];
    struct xs_perm *perms;
    struct xsd_node *n;
    char *path;
    int argc, i, err;

    argc = split_args(c, argv, sizeof(argv) / sizeof(argv[0]), 2);
    if ( argc < 2 )
        return EINVAL;
    perms = xmalloc(sizeof(*perms) * (size_t)(argc - 1));
    for ( i = 1; i < argc; i++ )
        if ( !xs_perm_parse(argv[i], &perms[i - 1]) )
        {
            free(perms);
            return EINVAL;
        }
    if ( argv[0][0] == '@' )
    {
        /* Special nodes: permissions only, outside any transaction. */
        n = special_node(c->d, argv[0]);
        err = 0;
        if ( !n )
            err = ENOENT;
        else if ( !(perm_for(c, n->perms, n->nperms) & XS_PERM_OWNER) )
            err = EACCES;
        else if ( !c->privileged && perms[0].id != n->perms[0].id )
            err = EPERM;
        else
        {
            xsd_node_set_perms(n, perms, (unsigned int)(argc - 1));
            reply_ok(c);
        }
        free(perms);
        return err;
    }
    if ( (err = canon_path(c, argv[0], &path, NULL)) )
    {
        free(perms);
        return err;
    }
    n = v_get(v, path);
    if ( !n )
        err = ENOENT;
    else if ( !(perm_for(c, n->perms, n->nperms) & XS_PERM_OWNER) )
        err = EACCES;
    else if ( !c->privileged && perms[0].id != n->perms[0].id )
        err = EPERM;
    else if ( !c->privileged &&
              n->vlen + 5u * (unsigned int)(argc - 1) > c->d->quota.node_size )
        err = throttled(c, Q_NODE_SIZE, ENOSPC);
    else
    {
        n = xsd_node_dup(n);
        xsd_node_set_perms(n, perms, (unsigned int)(argc - 1));
        changes_add(v->ch, path, false, n);
        v_put(v, n);
        reply_ok(c);
    }
    free(path);
    free(perms);
    return err;
}

static int watch_target(struct xsd_conn *c, const char *arg, char **node,
                        size_t *strip)
{
    if ( arg[0] == '@' )
    {
        if ( !valid_special(arg) )
            return EINVAL;
        *node = xstrdup(arg);
        *strip = 0;
        return 0;
    }
    return canon_path(c, arg, node, strip);
}

static int do_watch(struct xsd_conn *c, struct view *v)
{
    const char *argv[2];
    struct xsd_watch *w, **pp;
    char *node;
    size_t strip;
    unsigned int limit;
    int err;

    (void)v;
    if ( split_args(c, argv, 2, 2) < 2 )
        return EINVAL;
    if ( (err = watch_target(c, argv[0], &node, &strip)) )
        return err;
    for ( pp = &c->watches; (w = *pp); pp = &w->next )
        if ( !strcmp(w->node, node) && !strcmp(w->token, argv[1]) )
        {
            free(node);
            return EEXIST;
        }
    limit = c->privileged ? c->d->quota.priv_watches : c->d->quota.watches;
    if ( c->nwatches >= limit )
    {
        free(node);
        return throttled(c, Q_WATCHES, E2BIG);
    }
    w = xcalloc(1, sizeof(*w));
    w->node = node;
    w->token = xstrdup(argv[1]);
    w->given = xstrdup(argv[0]);
    w->strip = strip;
    *pp = w;
    c->nwatches++;
    reply_ok(c);
    /* Every new watch fires once, so clients can sync up with the state. */
    queue_msg(c, XS_WATCH_EVENT, 0, 0, w->given, strlen(w->given) + 1,
              w->token, strlen(w->token) + 1, true);
    return 0;
}

static int do_unwatch(struct xsd_conn *c, struct view *v)
{
    const char *argv[2];
    struct xsd_watch *w, **pp;
    char *node;
    size_t strip;
    int err;

    (void)v;
    if ( split_args(c, argv, 2, 2) < 2 )
        return EINVAL;
    if ( (err = watch_target(c, argv[0], &node, &strip)) )
        return err;
    for ( pp = &c->watches; (w = *pp); pp = &w->next )
        if ( !strcmp(w->node, node) && !strcmp(w->token, argv[1]) )
        {
            *pp = w->next;
            watch_free(w);
            c->nwatches--;
            free(node);
            reply_ok(c);
            return 0;
        }
    free(node);
    return ENOENT;
}

static int do_transaction_start(struct xsd_conn *c, struct view *v)
{
    struct xsd_txn *t;
    unsigned int limit;
    char buf[16];

    (void)v;
    if ( c->hdr.tx_id )
        return EBUSY;
    limit = c->privileged ? c->d->quota.priv_transactions
                          : c->d->quota.transactions;
    if ( c->ntxns >= limit )
        return throttled(c, Q_TRANSACTIONS, ENOSPC);
    t = xcalloc(1, sizeof(*t));
    do {
        t->id = c->d->next_txid++;
    } while ( !t->id || txn_find(c, t->id) );
    t->next = c->txns;
    c->txns = t;
    c->ntxns++;
    snprintf(buf, sizeof(buf), "%u", (unsigned int)t->id);
    reply_str(c, buf);
    return 0;
}

static int do_transaction_end(struct xsd_conn *c, struct view *v)
{
    const char *arg = one_arg(c);
    struct xsd_txn *t = v->tx;
    int err = 0;

    if ( !t )
        return ENOENT;
    if ( !arg || (strcmp(arg, "T") && strcmp(arg, "F")) )
        return EINVAL;
    txn_unlink(c, t);
    if ( arg[0] == 'T' )
        err = txn_commit(c->d, t);
    txn_free(t);
    if ( !err )
        reply_ok(c);
    return err;
}

static bool parse_real_domid(const char *s, uint32_t *domid)
{
    return parse_domid(s, domid) && *domid && *domid <= XS_DOMID_MAX;
}

static int do_introduce(struct xsd_conn *c, struct view *v)
{
    const char *argv[3], *m;
    struct xsd_domain *dom;
    uint32_t domid, port;
    unsigned long long mfn;
    char *end;

    (void)v;
    if ( !c->privileged )
        return EACCES;
    if ( split_args(c, argv, 3, 3) < 3 || !parse_real_domid(argv[0], &domid) ||
         !parse_domid(argv[2], &port) )
        return EINVAL;
    /* The mfn is sent as signed decimal. */
    m = argv[1][0] == '-' ? argv[1] + 1 : argv[1];
    if ( *m < '0' || *m > '9' )
        return EINVAL;
    errno = 0;
    mfn = strtoull(argv[1], &end, 10);
    if ( errno || *end )
        return EINVAL;
    dom = xsd_domain_find(c->d, domid, true);
    if ( dom->introduced )
    {
        reply_ok(c);
        return 0;
    }
    if ( c->d->ring_attach )
    {
        struct xsd_conn *rc = c->d->ring_attach(c->d, c->d->ring_opaque,
                                                domid, mfn, port);

        if ( !rc )
            return errno ? errno : EINVAL;
        dom->conn = rc;
    }
    dom->introduced = true;
    dom->shutdown = false;
    dom->mfn = mfn;
    dom->port = port;
    xsd_persist_domain(c->d, dom);
    reply_ok(c);
    fire_special(c->d, "@introduceDomain");
    return 0;
}

static struct xsd_domain *introduced_domain(struct xsd_conn *c,
                                            const char *arg, int *err)
{
    struct xsd_domain *dom;
    uint32_t domid;

    *err = 0;
    if ( !c->privileged )
        *err = EACCES;
    else if ( !arg || !parse_real_domid(arg, &domid) )
        *err = EINVAL;
    else if ( !(dom = xsd_domain_find(c->d, domid, false)) ||
              !dom->introduced )
        *err = ENOENT;
    else
        return dom;
    return NULL;
}

static void domain_forget(struct xsd *d, struct xsd_domain *dom,
                          const char *why)
{
    if ( dom->conn )
    {
        conn_kill(dom->conn, why);
        dom->conn = NULL;
    }
    dom->introduced = false;
    dom->target = UINT32_MAX;
    xsd_persist_domain(d, dom);
}

static int do_release(struct xsd_conn *c, struct view *v)
{
    struct xsd_domain *dom;
    int err;

    (void)v;
    if ( !(dom = introduced_domain(c, one_arg(c), &err)) )
        return err;
    domain_forget(c->d, dom, "domain released");
    reply_ok(c);
    fire_special(c->d, "@releaseDomain");
    return 0;
}

void xsd_domain_state(struct xsd *d, struct xsd_domain *dom, bool shutdown,
                      bool dying)
{
    bool fire = false;

    if ( !dom->introduced )
        return;
    /* Toolstacks watch @releaseDomain to see a guest shut down, too. */
    if ( (shutdown || dying) && !dom->shutdown )
    {
        dom->shutdown = true;
        fire = true;
    }
    if ( dying )
    {
        domain_forget(d, dom, "domain died");
        fire = true;
    }
    if ( fire )
        fire_special(d, "@releaseDomain");
}

static int do_resume(struct xsd_conn *c, struct view *v)
{
    struct xsd_domain *dom;
    int err;

    (void)v;
    if ( !(dom = introduced_domain(c, one_arg(c), &err)) )
        return err;
    dom->shutdown = false;
    reply_ok(c);
    return 0;
}

static int do_is_domain_introduced(struct xsd_conn *c, struct view *v)
{
    const char *arg = one_arg(c);
    struct xsd_domain *dom;
    uint32_t domid;

    (void)v;
    if ( !arg || !parse_domid(arg, &domid) )
        return EINVAL;
    dom = xsd_domain_find(c->d, domid, false);
    reply_str(c, domid == 0 || (dom && dom->introduced) ? "T" : "F");
    return 0;
}

static int do_get_domain_path(struct xsd_conn *c, struct view *v)
{
    const char *arg = one_arg(c);
    uint32_t domid;
    char buf[40];

    (void)v;
    if ( !arg || !parse_domid(arg, &domid) )
        return EINVAL;
    snprintf(buf, sizeof(buf), XS_DOMAIN_HOME "%u", (unsigned int)domid);
    reply_str(c, buf);
    return 0;
}

static int do_set_target(struct xsd_conn *c, struct view *v)
{
    const char *argv[2];
    struct xsd_domain *dom;
    uint32_t target;
    int err;

    (void)v;
    if ( !c->privileged )
        return EACCES;
    if ( split_args(c, argv, 2, 2) < 2 || !parse_real_domid(argv[1], &target) )
        return EINVAL;
    if ( !(dom = introduced_domain(c, argv[0], &err)) )
        return err;
    dom->target = target;
    reply_ok(c);
    return 0;
}

static int do_reset_watches(struct xsd_conn *c, struct view *v)
{
    (void)v;
    conn_reset_watches(c);
    reply_ok(c);
    return 0;
}

static int do_control(struct xsd_conn *c, struct view *v)
{
    const char *argv[3];
    struct xsd_quota *q = &c->d->quota;
    char buf[512], why[256];
    int argc;
    unsigned long val;

    (void)v;
    if ( !c->privileged )
        return EACCES;
    argc = split_args(c, argv, 3, 1);
    if ( argc < 1 )
        return EINVAL;
    if ( !strcmp(argv[0], "help") )
    {
        reply_str(c, "check\nhelp\nlog on|off\nprint <string>\n"
                     "quota [<name> <value>]\nsnapshot\n");
        return 0;
    }
    if ( !strcmp(argv[0], "check") )
    {
        reply_str(c, xsd_check(c->d, why, sizeof(why)) ? why : "OK");
        return 0;
    }
    if ( !strcmp(argv[0], "print") && argc >= 2 )
    {
        xsd_log(c->d, "print: %s", argv[1]);
        reply_ok(c);
        return 0;
    }
    if ( !strcmp(argv[0], "log") && argc >= 2 )
    {
        c->d->verbose = !strcmp(argv[1], "on");
        reply_ok(c);
        return 0;
    }
    if ( !strcmp(argv[0], "snapshot") )
    {
        if ( !c->d->persist )
            return ENOENT;
        if ( xsd_persist_snapshot(c->d) )
            return EIO;
        reply_ok(c);
        return 0;
    }
    if ( !strcmp(argv[0], "quota") )
    {
        if ( argc == 1 )
        {
            snprintf(buf, sizeof(buf),
                     "nodes %u\nnode-size %u\nwatches %u\ntransactions %u\n"
                     "outq %zu\n", q->nodes, q->node_size, q->watches,
                     q->transactions, q->outq_hard);
            reply_str(c, buf);
            return 0;
        }
        if ( argc < 3 || !xs_parse_uint(argv[2], 0x7fffffffUL, &val) )
            return EINVAL;
        if ( !strcmp(argv[1], "nodes") )
            q->nodes = (unsigned int)val;
        else if ( !strcmp(argv[1], "node-size") )
            q->node_size = (unsigned int)val;
        else if ( !strcmp(argv[1], "watches") )
            q->watches = (unsigned int)val;
        else if ( !strcmp(argv[1], "transactions") )
            q->transactions = (unsigned int)val;
        else if ( !strcmp(argv[1], "outq") && val >= 8192 )
        {
            q->outq_hard = val;
            q->outq_soft = val / 16;
        }
        else
            return EINVAL;
        reply_ok(c);
        return 0;
    }
    return EINVAL;
}

static const struct
{
    handler_fn fn;
    bool uses_tx;       /* Operates inside the header's transaction. */
} handlers[] = {
    [XS_CONTROL] = { do_control, false },
    [XS_DIRECTORY] = { do_directory, true },
    [XS_READ] = { do_read, true },
    [XS_GET_PERMS] = { do_get_perms, true },
    [XS_WATCH] = { do_watch, false },
    [XS_UNWATCH] = { do_unwatch, false },
    [XS_TRANSACTION_START] = { do_transaction_start, false },
    [XS_TRANSACTION_END] = { do_transaction_end, true },
    [XS_INTRODUCE] = { do_introduce, false },
    [XS_RELEASE] = { do_release, false },
    [XS_GET_DOMAIN_PATH] = { do_get_domain_path, false },
    [XS_WRITE] = { do_write, true },
    [XS_MKDIR] = { do_mkdir, true },
    [XS_RM] = { do_rm, true },
    [XS_SET_PERMS] = { do_set_perms, true },
    [XS_IS_DOMAIN_INTRODUCED] = { do_is_domain_introduced, false },
    [XS_RESUME] = { do_resume, false },
    [XS_SET_TARGET] = { do_set_target, false },
    [XS_RESET_WATCHES] = { do_reset_watches, false },
    [XS_DIRECTORY_PART] = { do_directory_part, true },
};

static void handle_request(struct xsd_conn *c)
{
    uint32_t type = c->hdr.type;
    struct changes ch = { NULL, 0, 0 };
    struct view v = { c->d, NULL, &ch, 0 };
    int err;

    if ( c->d->verbose > 1 )
        xsd_log(c->d, "conn %u: %s tx %u len %u", c->id, xs_type_name(type),
                (unsigned int)c->hdr.tx_id, (unsigned int)c->hdr.len);
    if ( type >= sizeof(handlers) / sizeof(handlers[0]) || !handlers[type].fn )
        err = EINVAL;
    else
    {
        err = 0;
        if ( handlers[type].uses_tx && c->hdr.tx_id )
        {
            v.tx = txn_find(c, c->hdr.tx_id);
            if ( !v.tx )
                err = ENOENT;
            else
            {
                v.ch = &v.tx->ch;
                v.node_delta = v.tx->node_delta;
            }
        }
        if ( !err )
            err = handlers[type].fn(c, &v);
        if ( v.tx && type != XS_TRANSACTION_END )
            v.tx->node_delta = v.node_delta;
    }
    if ( err )
        reply_error(c, err);
    else if ( !v.tx )
        fire_changes(c->d, &ch);
    changes_free(&ch);
    xsd_persist_commit(c->d);
}

bool xsd_conn_input(struct xsd_conn *c)
{
    unsigned int handled;

    return xsd_conn_input_max(c, XSD_PRIV_QUANTUM, &handled);
}

bool xsd_conn_input_max(struct xsd_conn *c, unsigned int max,
                        unsigned int *handled)
{
    ssize_t r;

    *handled = 0;
    while ( xsd_conn_wants_input(c) )
    {
        if ( *handled >= max )
            return true;
        if ( c->hdr_got < sizeof(c->hdr) )
        {
            r = c->ops->read(c, (char *)&c->hdr + c->hdr_got,
                             sizeof(c->hdr) - c->hdr_got);
            if ( r < 0 )
            {
                conn_kill(c, "peer closed");
                return false;
            }
            if ( r == 0 )
                return false;
            c->hdr_got += (size_t)r;
            if ( c->hdr_got < sizeof(c->hdr) )
                continue;
            if ( c->hdr.len > XENSTORE_PAYLOAD_MAX )
            {
                /* We cannot resynchronise after this: drop the client. */
                if ( c->ops->protocol_error )
                    c->ops->protocol_error(c);
                conn_kill(c, "oversized message");
                return false;
            }
            c->body_got = 0;
        }
        if ( c->body_got < c->hdr.len )
        {
            r = c->ops->read(c, c->body + c->body_got,
                             c->hdr.len - c->body_got);
            if ( r < 0 )
            {
                conn_kill(c, "peer closed");
                return false;
            }
            if ( r == 0 )
                return false;
            c->body_got += (size_t)r;
            if ( c->body_got < c->hdr.len )
                continue;
        }
        c->body[c->hdr.len] = '\0';
        handle_request(c);
        c->hdr_got = 0;
        c->body_got = 0;
        (*handled)++;
    }
    return false;
}

/* ------------------------------------------------------------------ */
/* Consistency check (tests, CONTROL check) */

int xsd_check(struct xsd *d, char *why, size_t whylen)
{
    struct xsd_map_ent *e;
    struct xsd_node *n, *p;
    struct xsd_domain *dom;
    unsigned int j, k;
    size_t i;
    int ret = 0;

    for ( dom = d->dom_list; dom; dom = dom->next )
        dom->checked = 0;
    if ( !xsd_tree_get(d, "/") )
    {
        snprintf(why, whylen, "no root node");
        ret = -1;
    }
    xsd_map_foreach(&d->tree, e, i)
    {
        n = e->val;
        if ( ret )
            break;
        if ( strcmp(n->path, e->key) || !valid_abs_path(n->path) ||
             !n->nperms || n->perms[0].id > XS_DOMID_MAX ||
             !(dom = d->doms[n->perms[0].id]) )
        {
            snprintf(why, whylen, "bad node %.200s", e->key);
            ret = -1;
            break;
        }
        dom->checked++;
        if ( strcmp(n->path, "/") )
        {
            char *pp = parent_path(n->path);
            const char *leaf = strrchr(n->path, '/') + 1;

            p = xsd_tree_get(d, pp);
            free(pp);
            k = 0;
            for ( j = 0; p && j < p->nchildren; j++ )
                k += !strcmp(p->children[j], leaf);
            if ( k != 1 )
            {
                snprintf(why, whylen, "%.200s not listed once by parent",
                         n->path);
                ret = -1;
                break;
            }
        }
        for ( j = 0; j < n->nchildren; j++ )
        {
            char *cp = strcmp(n->path, "/")
                ? xasprintf("%s/%s", n->path, n->children[j])
                : xasprintf("/%s", n->children[j]);

            if ( !xsd_tree_get(d, cp) )
            {
                snprintf(why, whylen, "missing child %.200s", cp);
                ret = -1;
            }
            free(cp);
            if ( ret )
                break;
        }
    }
    for ( dom = d->dom_list; !ret && dom; dom = dom->next )
        if ( dom->nnodes != dom->checked )
        {
            snprintf(why, whylen, "dom%u owns %u nodes, counted %u",
                     (unsigned int)dom->domid, dom->checked, dom->nnodes);
            ret = -1;
        }
    return ret;
}
