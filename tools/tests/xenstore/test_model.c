/* SPDX-License-Identifier: GPL-2.0-only */
/* Randomized model test: concurrent clients vs. a simple in-memory model. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memconn.h"

/*
 * Several clients (two dom0 sockets, two unprivileged domains) issue
 * random reads, writes, mkdirs, rms, directory listings and permission
 * changes over a small set of paths (so they collide often), some inside
 * transactions.  The model knows the permission rules, so access errors,
 * ownership of created nodes and which watchers may see an event are
 * checked too.  Plain operations are checked against the model at once.
 * A transaction's results are recorded; when the daemon accepts its
 * commit, the operations are replayed against the model as it stands at
 * commit time and every recorded result must match (the commit must be
 * equivalent to running the transaction atomically at that point).  Watch
 * events every client receives are checked against those the model
 * predicts, in order.  The whole tree is compared now and then.
 */

#define NCLIENTS 4
#define NWATCH 2
#define MAXOPS 32
#define NPERM 3

static const uint32_t client_dom[NCLIENTS] = { 0, 0, 5, 6 };

struct pset
{
    int n;
    struct xs_perm p[NPERM];
};

static const struct pset root_perms = { 1, { { 0, XS_PERM_NONE } } };

static const char *paths[64];
static int npaths, parent_of[64];

struct model
{
    bool exists[64];
    char val[64][16];
    struct pset perms[64];
};

enum op_type { OP_READ, OP_WRITE, OP_MKDIR, OP_RM, OP_DIR, OP_SETPERMS,
               OP_COUNT };

struct op
{
    enum op_type type;
    int path;
    char val[16];
    struct pset perms;      /* for OP_SETPERMS */
    int err;                /* as the daemon answered */
    char result[512];       /* value, or sorted children joined by ',' */
};

struct change
{
    int path;
    bool rec;
    struct pset perms;      /* of the node changed (before, if removed) */
};

struct client
{
    struct memconn *m;
    uint32_t dom;
    int watch[NWATCH];
    uint32_t tx;
    struct op ops[MAXOPS];
    int nops;
    unsigned long start_changes;
    /* Expected events, "path|token" each. */
    char expect[256][96];
    int nexpect;
};

static struct model M;
static struct client C[NCLIENTS];
static struct xsd *D;
static unsigned long changes;   /* committed changes so far */
static char failure[1024];
static unsigned long stats_commit, stats_eagain, stats_ops, stats_events;
static unsigned long stats_eacces, stats_eperm, stats_ok;

static unsigned long long rng;
static unsigned int rnd(unsigned int n)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned int)((rng >> 33) % n);
}

static void build_paths(void)
{
    static char buf[64][32];
    const char *l1 = "abc", *l2 = "ab", *l3 = "ab";
    int i, j, k;

    npaths = 0;
    strcpy(buf[npaths], "/m");
    parent_of[npaths] = -1;
    paths[npaths] = buf[npaths];
    npaths++;
    for ( i = 0; l1[i]; i++ )
    {
        int p1 = npaths;

        snprintf(buf[npaths], 32, "/m/%c", l1[i]);
        parent_of[npaths] = 0;
        paths[npaths] = buf[npaths];
        npaths++;
        for ( j = 0; l2[j]; j++ )
        {
            int p2 = npaths;

            snprintf(buf[npaths], 32, "/m/%c/%c", l1[i], l2[j]);
            parent_of[npaths] = p1;
            paths[npaths] = buf[npaths];
            npaths++;
            for ( k = 0; l3[k]; k++ )
            {
                snprintf(buf[npaths], 32, "/m/%c/%c/%c", l1[i], l2[j], l3[k]);
                parent_of[npaths] = p2;
                paths[npaths] = buf[npaths];
                npaths++;
            }
        }
    }
}

static bool is_under(int p, int anc)
{
    for ( ; p >= 0; p = parent_of[p] )
        if ( p == anc )
            return true;
    return false;
}

static bool parent_exists(const struct model *m, int p)
{
    return parent_of[p] < 0 || m->exists[parent_of[p]];
}

static int cmp8(const void *a, const void *b)
{
    return strcmp(a, b);
}

#define cmp64 cmp8

/* Children of p as "a,b,c" sorted. */
static void model_dir(const struct model *m, int p, char *out)
{
    char names[16][8];
    int n = 0, i;

    for ( i = 0; i < npaths; i++ )
        if ( parent_of[i] == p && m->exists[i] )
            snprintf(names[n++], 8, "%s", strrchr(paths[i], '/') + 1);
    qsort(names, (size_t)n, sizeof(names[0]), cmp8);
    out[0] = '\0';
    for ( i = 0; i < n; i++ )
    {
        if ( i )
            strcat(out, ",");
        strcat(out, names[i]);
    }
}

static void reply_dir(const char *r, unsigned int len, char *out)
{
    char names[64][64];
    unsigned int off = 0;
    int n = 0, i;

    while ( off < len && n < 64 )
    {
        snprintf(names[n++], 64, "%s", r + off);
        off += (unsigned int)strlen(r + off) + 1;
    }
    qsort(names, (size_t)n, sizeof(names[0]), cmp64);
    out[0] = '\0';
    for ( i = 0; i < n; i++ )
    {
        if ( i )
            strcat(out, ",");
        strcat(out, names[i]);
    }
}

static unsigned int perm_for(uint32_t dom, const struct pset *ps)
{
    int i;

    if ( dom == 0 || ps->p[0].id == dom )
        return XS_PERM_BOTH | XS_PERM_OWNER;
    for ( i = 1; i < ps->n; i++ )
        if ( ps->p[i].id == dom )
            return ps->p[i].perm;
    return ps->p[0].perm;
}

static const struct pset *perms_of(const struct model *m, int p)
{
    return p < 0 ? &root_perms : &m->perms[p];
}

static void add_change(struct change *chg, int *nchg, int p, bool rec,
                       const struct pset *ps)
{
    chg[*nchg].path = p;
    chg[*nchg].rec = rec;
    chg[*nchg].perms = *ps;
    (*nchg)++;
}

/* Creates p and missing parents, as dom; 0 or the error. */
static int model_create(struct model *m, int p, const char *val,
                        uint32_t dom, struct change *chg, int *nchg)
{
    struct pset ps;
    int a, i;

    for ( a = parent_of[p]; a >= 0 && !m->exists[a]; a = parent_of[a] )
        ;
    if ( !(perm_for(dom, perms_of(m, a)) & XS_PERM_WRITE) )
        return EACCES;
    ps = *perms_of(m, a);
    if ( dom )
        ps.p[0].id = dom;
    for ( i = p; i != a; i = parent_of[i] )
    {
        m->exists[i] = true;
        m->val[i][0] = '\0';
        m->perms[i] = ps;
    }
    snprintf(m->val[p], sizeof(m->val[p]), "%s", val);
    add_change(chg, nchg, p, false, &ps);
    return 0;
}

/* Applies op as dom to m; fills the expected error/result and changes. */
static void model_apply(struct model *m, struct op *o, uint32_t dom,
                        struct change *chg, int *nchg)
{
    int p = o->path, i;

    o->result[0] = '\0';
    o->err = 0;
    switch ( o->type )
    {
    case OP_READ:
    case OP_DIR:
        if ( !m->exists[p] )
            o->err = ENOENT;
        else if ( !(perm_for(dom, &m->perms[p]) & XS_PERM_READ) )
            o->err = EACCES;
        else if ( o->type == OP_READ )
            strcpy(o->result, m->val[p]);
        else
            model_dir(m, p, o->result);
        break;
    case OP_WRITE:
        if ( !m->exists[p] )
            o->err = model_create(m, p, o->val, dom, chg, nchg);
        else if ( !(perm_for(dom, &m->perms[p]) & XS_PERM_WRITE) )
            o->err = EACCES;
        else
        {
            strcpy(m->val[p], o->val);
            add_change(chg, nchg, p, false, &m->perms[p]);
        }
        break;
    case OP_MKDIR:
        if ( !m->exists[p] )
            o->err = model_create(m, p, "", dom, chg, nchg);
        break;
    case OP_RM:
        if ( !m->exists[p] )
        {
            if ( !parent_exists(m, p) )
                o->err = ENOENT;
            break;
        }
        if ( !(perm_for(dom, &m->perms[p]) & XS_PERM_WRITE) )
        {
            o->err = EACCES;
            break;
        }
        add_change(chg, nchg, p, true, &m->perms[p]);
        for ( i = 0; i < npaths; i++ )
            if ( is_under(i, p) )
                m->exists[i] = false;
        break;
    case OP_SETPERMS:
        if ( !m->exists[p] )
            o->err = ENOENT;
        else if ( !(perm_for(dom, &m->perms[p]) & XS_PERM_OWNER) )
            o->err = EACCES;
        else if ( dom && o->perms.p[0].id != m->perms[p].p[0].id )
            o->err = EPERM;
        else
        {
            m->perms[p] = o->perms;
            add_change(chg, nchg, p, false, &m->perms[p]);
        }
        break;
    default:
        break;
    }
}

static void expect_events(const struct change *chg, int nchg)
{
    int i, c, w;

    for ( i = 0; i < nchg; i++ )
        for ( c = 0; c < NCLIENTS; c++ )
        {
            /* Guests only hear about nodes they may read. */
            if ( !(perm_for(C[c].dom, &chg[i].perms) & XS_PERM_READ) )
                continue;
            for ( w = 0; w < NWATCH; w++ )
            {
                int wp = C[c].watch[w];
                const char *ev = NULL;
                char tok[16];

                if ( is_under(chg[i].path, wp) )
                    ev = paths[chg[i].path];
                else if ( chg[i].rec && is_under(wp, chg[i].path) )
                    ev = paths[wp];
                if ( !ev )
                    continue;
                snprintf(tok, sizeof(tok), "w%d", w);
                if ( C[c].nexpect < 256 )
                    snprintf(C[c].expect[C[c].nexpect++], 96, "%s|%s", ev,
                             tok);
            }
        }
}

static void format_perms(const struct pset *ps, char *out, size_t len)
{
    char b[XS_PERM_STRLEN];
    int i;

    out[0] = '\0';
    for ( i = 0; i < ps->n; i++ )
    {
        xs_perm_format(&ps->p[i], b);
        if ( i )
            strncat(out, " ", len - strlen(out) - 1);
        strncat(out, b, len - strlen(out) - 1);
    }
}

/* Sends op to the daemon; records error and result. */
static void daemon_op(struct client *c, uint32_t tx, struct op *o)
{
    char buf[128], *r = NULL;
    unsigned int len = 0;
    const char *p = paths[o->path];
    size_t pl = strlen(p) + 1;
    uint32_t type;

    memcpy(buf, p, pl);
    switch ( o->type )
    {
    case OP_READ: type = XS_READ; break;
    case OP_WRITE: type = XS_WRITE; break;
    case OP_MKDIR: type = XS_MKDIR; break;
    case OP_RM: type = XS_RM; break;
    case OP_SETPERMS: type = XS_SET_PERMS; break;
    default: type = XS_DIRECTORY; break;
    }
    if ( o->type == OP_WRITE )
    {
        memcpy(buf + pl, o->val, strlen(o->val));
        pl += strlen(o->val);
    }
    if ( o->type == OP_SETPERMS )
        for ( int i = 0; i < o->perms.n; i++ )
            pl += (size_t)xs_perm_format(&o->perms.p[i], buf + pl) + 1;
    o->err = mc_call(c->m, type, tx, buf, pl, &r, &len);
    o->result[0] = '\0';
    if ( !o->err && o->type == OP_READ )
        snprintf(o->result, sizeof(o->result), "%.*s", (int)len, r);
    else if ( !o->err && o->type == OP_DIR )
        reply_dir(r, len, o->result);
    free(r);
    stats_ops++;
    stats_ok += !o->err;
    stats_eacces += o->err == EACCES;
    stats_eperm += o->err == EPERM;
}

static bool check_events(void)
{
    char p[4096], t[4096], got[200];
    int c, i;

    for ( c = 0; c < NCLIENTS; c++ )
    {
        i = 0;
        while ( mc_event(C[c].m, p, sizeof(p), t, sizeof(t)) )
        {
            snprintf(got, sizeof(got), "%.90s|%.90s", p, t);
            if ( i >= C[c].nexpect || strcmp(got, C[c].expect[i]) )
            {
                snprintf(failure, sizeof(failure),
                         "client %d: event %d is %s, expected %s", c, i, got,
                         i < C[c].nexpect ? C[c].expect[i] : "none");
                return false;
            }
            i++;
            stats_events++;
        }
        if ( i != C[c].nexpect )
        {
            snprintf(failure, sizeof(failure),
                     "client %d: got %d events, expected %d (next %s)", c, i,
                     C[c].nexpect, C[c].expect[i]);
            return false;
        }
        C[c].nexpect = 0;
    }
    return true;
}

static bool compare_tree(void)
{
    struct op o;
    char want[64], *got;
    unsigned int len, k;
    int i;

    for ( i = 0; i < npaths; i++ )
    {
        memset(&o, 0, sizeof(o));
        o.type = OP_READ;
        o.path = i;
        daemon_op(&C[0], 0, &o);
        if ( (o.err == 0) != M.exists[i] ||
             (!o.err && strcmp(o.result, M.val[i])) )
        {
            snprintf(failure, sizeof(failure),
                     "tree differs at %s: daemon err %d val '%s', model %s "
                     "'%s'", paths[i], o.err, o.result,
                     M.exists[i] ? "exists" : "absent", M.val[i]);
            return false;
        }
        if ( o.err )
            continue;
        if ( mc_call(C[0].m, XS_GET_PERMS, 0, paths[i], strlen(paths[i]) + 1,
                     &got, &len) )
        {
            snprintf(failure, sizeof(failure), "get_perms %s failed",
                     paths[i]);
            return false;
        }
        for ( k = 0; len && k < len - 1; k++ )
            if ( !got[k] )
                got[k] = ' ';
        format_perms(&M.perms[i], want, sizeof(want));
        if ( strcmp(got, want) )
        {
            snprintf(failure, sizeof(failure),
                     "perms differ at %s: daemon '%.40s', model '%s'",
                     paths[i], got, want);
            free(got);
            return false;
        }
        free(got);
    }
    return true;
}

static void random_perms(struct pset *ps)
{
    static const uint32_t ids[] = { 0, 5, 6 };

    ps->n = 1 + (int)rnd(2);
    ps->p[0].id = ids[rnd(3)];
    ps->p[0].perm = rnd(4);
    if ( ps->n > 1 )
    {
        ps->p[1].id = ids[1 + rnd(2)];
        ps->p[1].perm = rnd(4);
    }
}

static bool step(void)
{
    struct client *c = &C[rnd(NCLIENTS)];
    unsigned int dice = rnd(100);
    struct op o;
    struct change chg[MAXOPS + 1];
    int nchg = 0;

    memset(&o, 0, sizeof(o));
    if ( !c->tx && dice < 8 )
    {
        char *r;

        if ( mc_call(c->m, XS_TRANSACTION_START, 0, "", 1, &r, NULL) )
        {
            snprintf(failure, sizeof(failure), "transaction start failed");
            return false;
        }
        c->tx = (uint32_t)strtoul(r, NULL, 10);
        free(r);
        c->nops = 0;
        c->start_changes = changes;
        return true;
    }
    if ( c->tx && (dice < 12 || c->nops == MAXOPS) )
    {
        bool commit = dice >= 2;
        int err = mc_call(c->m, XS_TRANSACTION_END, c->tx, commit ? "T" : "F",
                          2, NULL, NULL);
        uint32_t tx = c->tx;

        c->tx = 0;
        if ( !commit )
            return err == 0 || (snprintf(failure, sizeof(failure),
                                         "abort gave %d", err), false);
        if ( err == EAGAIN )
        {
            stats_eagain++;
            if ( changes == c->start_changes )
            {
                snprintf(failure, sizeof(failure),
                         "tx %u: EAGAIN with no intervening change", tx);
                return false;
            }
            return compare_tree();
        }
        if ( err )
        {
            snprintf(failure, sizeof(failure), "commit gave %d", err);
            return false;
        }
        /* Replay at commit time: results must match what the tx saw. */
        {
            struct model m2 = M;
            int i;

            for ( i = 0; i < c->nops; i++ )
            {
                struct op replay = c->ops[i];

                model_apply(&m2, &replay, c->dom, chg, &nchg);
                if ( replay.err != c->ops[i].err ||
                     strcmp(replay.result, c->ops[i].result) )
                {
                    snprintf(failure, sizeof(failure),
                             "tx %u committed, but op %d (type %d on %s) saw "
                             "err %d '%s'; at commit it would be err %d '%s'",
                             tx, i, c->ops[i].type, paths[c->ops[i].path],
                             c->ops[i].err, c->ops[i].result, replay.err,
                             replay.result);
                    if ( getenv("MODEL_DEBUG") )
                        for ( int k = 0; k < c->nops; k++ )
                            fprintf(stderr, "  op %d type %d %s val %s -> "
                                    "err %d '%s'\n", k, c->ops[k].type,
                                    paths[c->ops[k].path], c->ops[k].val,
                                    c->ops[k].err, c->ops[k].result);
                    return false;
                }
            }
            M = m2;
        }
        stats_commit++;
        if ( nchg )
            changes++;
        expect_events(chg, nchg);
        return check_events() && compare_tree();
    }

    o.type = (enum op_type)rnd(OP_COUNT);
    o.path = (int)rnd((unsigned int)npaths);
    snprintf(o.val, sizeof(o.val), "v%u", rnd(1000));
    if ( o.type == OP_SETPERMS )
    {
        random_perms(&o.perms);
        /* Guests mostly keep the owner, or nothing would ever succeed. */
        if ( c->dom && M.exists[o.path] && rnd(4) )
            o.perms.p[0].id = M.perms[o.path].p[0].id;
    }
    if ( c->tx )
    {
        daemon_op(c, c->tx, &o);
        c->ops[c->nops++] = o;
        /* Nothing may fire before the commit. */
        return check_events();
    }
    daemon_op(c, 0, &o);
    {
        struct op want = o;

        model_apply(&M, &want, c->dom, chg, &nchg);
        if ( want.err != o.err || strcmp(want.result, o.result) )
        {
            snprintf(failure, sizeof(failure),
                     "op type %d on %s: daemon err %d '%.200s', "
                     "model err %d '%.200s'",
                     o.type, paths[o.path], o.err, o.result, want.err,
                     want.result);
            return false;
        }
    }
    if ( nchg )
        changes++;
    expect_events(chg, nchg);
    return check_events();
}

static void quiet(struct xsd *d, const char *msg)
{
    (void)d;
    (void)msg;
}

static bool run_seed(unsigned long long seed, int steps)
{
    int i, w;
    char why[256];
    bool ok = true;

    rng = seed;
    memset(&M, 0, sizeof(M));
    memset(C, 0, sizeof(C));
    changes = 0;
    D = xsd_create();
    D->log = quiet;
    xsd_default_tree(D);
    for ( i = 0; i < NCLIENTS; i++ )
    {
        C[i].dom = client_dom[i];
        C[i].m = mc_new(D, client_dom[i]);
    }
    /* /m open to all to start with; the random SET_PERMS take it from
     * there. */
    if ( mc_calls(C[0].m, XS_MKDIR, 0, NULL, "/m", MC_END) ||
         mc_calls(C[0].m, XS_SET_PERMS, 0, NULL, "/m", "b0", MC_END) )
    {
        snprintf(failure, sizeof(failure), "setup failed");
        ok = false;
    }
    M.exists[0] = true;
    M.perms[0].n = 1;
    M.perms[0].p[0].id = 0;
    M.perms[0].p[0].perm = XS_PERM_BOTH;
    for ( i = 0; i < NCLIENTS; i++ )
    {
        for ( w = 0; w < NWATCH; w++ )
        {
            char tok[16];

            C[i].watch[w] = (int)rnd((unsigned int)npaths);
            snprintf(tok, sizeof(tok), "w%d", w);
            if ( mc_calls(C[i].m, XS_WATCH, 0, NULL, paths[C[i].watch[w]],
                          tok, MC_END) )
            {
                snprintf(failure, sizeof(failure), "watch failed");
                ok = false;
            }
            mc_drop_events(C[i].m);
        }
    }
    for ( i = 0; ok && i < steps; i++ )
    {
        ok = step();
        if ( ok && (i % 20 == 0 || i == steps - 1) &&
             xsd_check(D, why, sizeof(why)) )
        {
            snprintf(failure, sizeof(failure), "tree check: %s", why);
            ok = false;
        }
        if ( !ok )
        {
            char tmp[1024];

            snprintf(tmp, sizeof(tmp), "%s", failure);
            snprintf(failure, sizeof(failure), "seed %llu step %d: %.900s",
                     seed, i, tmp);
        }
    }
    for ( i = 0; i < NCLIENTS; i++ )
        mc_free(C[i].m);
    xsd_destroy(D);
    return ok;
}

int main(int argc, char **argv)
{
    static const unsigned long long seeds[] = { 1, 2, 3, 42, 1234, 99991,
                                                271828, 314159 };
    int steps = argc > 1 ? atoi(argv[1]) : 6000;
    unsigned int i;
    bool ok = true;

    build_paths();
    for ( i = 0; i < sizeof(seeds) / sizeof(seeds[0]) && ok; i++ )
        ok = run_seed(seeds[i], steps);
    if ( ok && (!stats_commit || !stats_eagain || !stats_eacces ||
                !stats_eperm || !stats_events) )
    {
        snprintf(failure, sizeof(failure), "too little coverage");
        ok = false;
    }
    printf("model: %u seeds x %d steps, %lu ops (%lu ok, %lu EACCES, "
           "%lu EPERM), %lu commits, %lu conflicts, %lu events\n",
           (unsigned int)(sizeof(seeds) / sizeof(seeds[0])), steps,
           stats_ops, stats_ok, stats_eacces, stats_eperm, stats_commit,
           stats_eagain, stats_events);
    if ( ok )
        printf("PASS: model_random_ops\n");
    else
        printf("FAIL: model_random_ops: %s\n", failure);
    return ok ? 0 : 1;
}
