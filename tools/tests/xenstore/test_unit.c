/* SPDX-License-Identifier: GPL-2.0-only */
/* In-process protocol unit tests for xenstored's core (no sockets). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "memconn.h"
#include "check.h"

static struct xsd *D;

static void quiet_log(struct xsd *d, const char *msg)
{
    (void)d;
    (void)msg;
}

static struct xsd *fresh(void)
{
    struct xsd *d = xsd_create();

    d->log = quiet_log;
    xsd_default_tree(d);
    return d;
}

static void run(const char *name, void (*fn)(void))
{
    char cwhy[256];

    why[0] = '\0';
    D = fresh();
    fn();
    if ( !why[0] && xsd_check(D, cwhy, sizeof(cwhy)) )
        snprintf(why, sizeof(why), "tree check: %s", cwhy);
    xsd_destroy(D);
    report(name);
}

static int wr(struct memconn *m, uint32_t tx, const char *path,
              const char *val)
{
    char buf[XENSTORE_PAYLOAD_MAX + 64];
    size_t pl = strlen(path) + 1, vl = strlen(val);

    memcpy(buf, path, pl);
    memcpy(buf + pl, val, vl);
    return mc_call(m, XS_WRITE, tx, buf, pl + vl, NULL, NULL);
}

/* Reads into a static buffer; returns the error (0 = ok). */
static char rbuf[XENSTORE_PAYLOAD_MAX + 1];
static int rd(struct memconn *m, uint32_t tx, const char *path)
{
    char *r;
    unsigned int len;
    int e = mc_call(m, XS_READ, tx, path, strlen(path) + 1, &r, &len);

    rbuf[0] = '\0';
    if ( !e )
    {
        memcpy(rbuf, r, len);
        rbuf[len] = '\0';
        free(r);
    }
    return e;
}

static int call1(struct memconn *m, uint32_t type, uint32_t tx,
                 const char *arg)
{
    char *r;
    unsigned int len;
    int e = mc_call(m, type, tx, arg, strlen(arg) + 1, &r, &len);

    rbuf[0] = '\0';
    if ( !e )
    {
        memcpy(rbuf, r, len);
        rbuf[len] = '\0';
        /* Make nul-separated lists printable: "a b c". */
        for ( unsigned int i = 0; len && i < len - 1; i++ )
            if ( !rbuf[i] )
                rbuf[i] = ' ';
        free(r);
    }
    return e;
}

static uint32_t tx_start(struct memconn *m)
{
    char *r;
    uint32_t id = 0;

    if ( !mc_call(m, XS_TRANSACTION_START, 0, "", 1, &r, NULL) )
    {
        id = (uint32_t)strtoul(r, NULL, 10);
        free(r);
    }
    return id;
}

static int tx_end(struct memconn *m, uint32_t tx, bool commit)
{
    return mc_call(m, XS_TRANSACTION_END, tx, commit ? "T" : "F", 2, NULL,
                   NULL);
}

static bool event(struct memconn *m, const char *path, const char *token)
{
    char p[4096], t[4096];

    if ( !mc_event(m, p, sizeof(p), t, sizeof(t)) )
        return false;
    return !strcmp(p, path) && !strcmp(t, token);
}

static bool no_event(struct memconn *m)
{
    char p[4096], t[4096];

    return !mc_event(m, p, sizeof(p), t, sizeof(t));
}

/* ------------------------------------------------------------------ */

static void t_default_tree(void)
{
    struct memconn *m = mc_new(D, 0);

    CHECK_ERR(call1(m, XS_DIRECTORY, 0, "/"), 0);
    CHECK(!strcmp(rbuf, "local tool"));
    CHECK_ERR(call1(m, XS_DIRECTORY, 0, "/local"), 0);
    CHECK(!strcmp(rbuf, "domain"));
    CHECK_ERR(call1(m, XS_GET_PERMS, 0, "/local/domain"), 0);
    CHECK(!strcmp(rbuf, "n0"));
    CHECK_ERR(rd(m, 0, "/tool"), 0);
    CHECK(!strcmp(rbuf, ""));
    mc_free(m);
}

static void t_write_read(void)
{
    struct memconn *m = mc_new(D, 0);
    char bin[] = { 'a', 0, 'b', 0, 0 };
    char *r;
    unsigned int len;

    CHECK_ERR(wr(m, 0, "/a/b/c", "hello"), 0);
    CHECK_ERR(rd(m, 0, "/a/b/c"), 0);
    CHECK(!strcmp(rbuf, "hello"));
    /* Parents were made, empty. */
    CHECK_ERR(rd(m, 0, "/a/b"), 0);
    CHECK(!strcmp(rbuf, ""));
    CHECK_ERR(call1(m, XS_DIRECTORY, 0, "/a"), 0);
    CHECK(!strcmp(rbuf, "b"));
    CHECK_ERR(wr(m, 0, "/a/b/c", "again"), 0);
    CHECK_ERR(rd(m, 0, "/a/b/c"), 0);
    CHECK(!strcmp(rbuf, "again"));
    /* Binary values survive, nul bytes included. */
    {
        char buf[64];

        memcpy(buf, "/bin", 5);
        memcpy(buf + 5, bin, sizeof(bin));
        CHECK_ERR(mc_call(m, XS_WRITE, 0, buf, 5 + sizeof(bin), NULL, NULL),
                  0);
    }
    CHECK_ERR(mc_call(m, XS_READ, 0, "/bin", 5, &r, &len), 0);
    CHECK(len == sizeof(bin) && !memcmp(r, bin, len));
    free(r);
    /* Empty value. */
    CHECK_ERR(wr(m, 0, "/empty", ""), 0);
    CHECK_ERR(rd(m, 0, "/empty"), 0);
    CHECK(rbuf[0] == '\0');
    CHECK_ERR(rd(m, 0, "/nope"), ENOENT);
    CHECK_ERR(call1(m, XS_DIRECTORY, 0, "/nope"), ENOENT);
    /* Relative paths for dom0 hang below /local/domain/0. */
    CHECK_ERR(wr(m, 0, "rel/x", "1"), 0);
    CHECK_ERR(rd(m, 0, "/local/domain/0/rel/x"), 0);
    CHECK(!strcmp(rbuf, "1"));
    mc_free(m);
}

static void t_mkdir_rm(void)
{
    struct memconn *m = mc_new(D, 0);

    CHECK_ERR(call1(m, XS_MKDIR, 0, "/d/e"), 0);
    CHECK_ERR(wr(m, 0, "/d/e", "v"), 0);
    CHECK_ERR(call1(m, XS_MKDIR, 0, "/d/e"), 0);
    CHECK_ERR(rd(m, 0, "/d/e"), 0);
    CHECK(!strcmp(rbuf, "v"));     /* mkdir leaves values alone */
    CHECK_ERR(wr(m, 0, "/d/e/f/g", "1"), 0);
    CHECK_ERR(call1(m, XS_RM, 0, "/d/e"), 0);
    CHECK_ERR(rd(m, 0, "/d/e/f/g"), ENOENT);
    CHECK_ERR(rd(m, 0, "/d/e"), ENOENT);
    CHECK_ERR(call1(m, XS_DIRECTORY, 0, "/d"), 0);
    CHECK(!strcmp(rbuf, ""));
    /* Removing what is not there: fine if the parent exists. */
    CHECK_ERR(call1(m, XS_RM, 0, "/d/e"), 0);
    CHECK_ERR(call1(m, XS_RM, 0, "/d/x/y"), ENOENT);
    CHECK_ERR(call1(m, XS_RM, 0, "/"), EINVAL);
    mc_free(m);
}

static void t_bad_paths(void)
{
    struct memconn *m = mc_new(D, 0);
    char longp[XENSTORE_ABS_PATH_MAX + 10];

    CHECK_ERR(wr(m, 0, "/a//b", "1"), EINVAL);
    CHECK_ERR(wr(m, 0, "/a/b/", "1"), EINVAL);
    CHECK_ERR(wr(m, 0, "/a b", "1"), EINVAL);
    CHECK_ERR(wr(m, 0, "/a.b", "1"), EINVAL);
    CHECK_ERR(wr(m, 0, "", "1"), EINVAL);
    CHECK_ERR(rd(m, 0, "@releaseDomain"), EINVAL);
    CHECK_ERR(wr(m, 0, "/ok-_@1", "1"), 0);
    memset(longp, 'a', sizeof(longp));
    longp[0] = '/';
    longp[XENSTORE_ABS_PATH_MAX + 1] = '\0';
    CHECK_ERR(wr(m, 0, longp, "1"), EINVAL);
    longp[XENSTORE_ABS_PATH_MAX] = '\0';
    CHECK_ERR(wr(m, 0, longp, "1"), 0);
    mc_free(m);
}

static void t_perms(void)
{
    struct memconn *m = mc_new(D, 0), *g = mc_new(D, 5), *h = mc_new(D, 6);

    CHECK_ERR(wr(m, 0, "/local/domain/5/x", "1"), 0);
    /* Textual forms round-trip; owner first. */
    CHECK_ERR(mc_calls(m, XS_SET_PERMS, 0, NULL, "/local/domain/5", "n5",
                       "r6", MC_END), 0);
    CHECK_ERR(call1(m, XS_GET_PERMS, 0, "/local/domain/5"), 0);
    CHECK(!strcmp(rbuf, "n5 r6"));
    CHECK_ERR(mc_calls(m, XS_SET_PERMS, 0, NULL, "/local/domain/5", "x5",
                       MC_END), EINVAL);
    CHECK_ERR(mc_calls(m, XS_SET_PERMS, 0, NULL, "/local/domain/5", "b",
                       MC_END), EINVAL);
    CHECK_ERR(mc_calls(m, XS_SET_PERMS, 0, NULL, "/local/domain/5", MC_END),
              EINVAL);
    CHECK_ERR(mc_calls(m, XS_SET_PERMS, 0, NULL, "/nope", "n0", MC_END),
              ENOENT);

    /* Guests: relative paths, ownership, access. */
    CHECK_ERR(rd(g, 0, "x"), EACCES);     /* /local/domain/5/x, n0 */
    CHECK_ERR(mc_calls(m, XS_SET_PERMS, 0, NULL, "/local/domain/5/x", "n0",
                       "r5", MC_END), 0);
    CHECK_ERR(rd(g, 0, "x"), 0);
    CHECK_ERR(rd(g, 0, "/local/domain/5/x"), 0);
    CHECK_ERR(wr(g, 0, "x", "2"), EACCES); /* read-only for dom5 */
    CHECK_ERR(wr(g, 0, "mine/deep", "v"), 0);
    CHECK_ERR(call1(m, XS_GET_PERMS, 0, "/local/domain/5/mine/deep"), 0);
    CHECK(!strcmp(rbuf, "n5 r6"));       /* inherited, owned by creator */
    CHECK_ERR(rd(h, 0, "/local/domain/5/mine/deep"), 0);  /* r6 */
    CHECK_ERR(wr(h, 0, "/local/domain/5/mine/deep", "z"), EACCES);
    CHECK_ERR(rd(h, 0, "/local/domain/5/x"), EACCES);     /* n0 */
    CHECK_ERR(rd(g, 0, "/tool"), EACCES);
    CHECK_ERR(wr(g, 0, "/evil", "1"), EACCES);
    CHECK_ERR(call1(g, XS_DIRECTORY, 0, "/"), EACCES);
    /* The owner may change access but not give the node away. */
    CHECK_ERR(mc_calls(g, XS_SET_PERMS, 0, NULL, "mine/deep", "b5", MC_END),
              0);
    CHECK_ERR(mc_calls(g, XS_SET_PERMS, 0, NULL, "mine/deep", "b6", MC_END),
              EPERM);
    CHECK_ERR(mc_calls(h, XS_SET_PERMS, 0, NULL, "/local/domain/5/mine/deep",
                       "b6", MC_END), EACCES);
    /* Default access of others comes from the owner entry. */
    CHECK_ERR(rd(h, 0, "/local/domain/5/mine/deep"), 0);   /* b5 */
    CHECK_ERR(wr(h, 0, "/local/domain/5/mine/deep", "w"), 0);
    /* Write-only entry. */
    CHECK_ERR(mc_calls(m, XS_SET_PERMS, 0, NULL, "/local/domain/5/mine/deep",
                       "n5", "w6", MC_END), 0);
    CHECK_ERR(rd(h, 0, "/local/domain/5/mine/deep"), EACCES);
    CHECK_ERR(wr(h, 0, "/local/domain/5/mine/deep", "w"), 0);
    /* Guests cannot touch domain management. */
    CHECK_ERR(mc_calls(g, XS_INTRODUCE, 0, NULL, "9", "1", "2", MC_END),
              EACCES);
    CHECK_ERR(mc_calls(g, XS_CONTROL, 0, NULL, "help", MC_END), EACCES);
    mc_free(m);
    mc_free(g);
    mc_free(h);
}

static void t_target(void)
{
    struct memconn *m = mc_new(D, 0), *dm = mc_new(D, 8);

    CHECK_ERR(wr(m, 0, "/local/domain/7/dev", "1"), 0);
    CHECK_ERR(mc_calls(m, XS_SET_PERMS, 0, NULL, "/local/domain/7/dev", "n7",
                       MC_END), 0);
    CHECK_ERR(rd(dm, 0, "/local/domain/7/dev"), EACCES);
    CHECK_ERR(mc_calls(m, XS_SET_TARGET, 0, NULL, "8", "7", MC_END), ENOENT);
    CHECK_ERR(mc_calls(m, XS_INTRODUCE, 0, NULL, "8", "100", "3", MC_END), 0);
    CHECK_ERR(mc_calls(m, XS_SET_TARGET, 0, NULL, "8", "7", MC_END), 0);
    CHECK_ERR(rd(dm, 0, "/local/domain/7/dev"), 0);
    CHECK_ERR(wr(dm, 0, "/local/domain/7/dev", "2"), 0);
    CHECK_ERR(mc_calls(dm, XS_SET_TARGET, 0, NULL, "8", "7", MC_END), EACCES);
    /* Refused before its arguments are even looked at. */
    CHECK_ERR(mc_calls(dm, XS_SET_TARGET, 0, NULL, "8", MC_END), EACCES);
    mc_free(m);
    mc_free(dm);
}

static void t_watches(void)
{
    struct memconn *m = mc_new(D, 0), *w = mc_new(D, 0);

    CHECK_ERR(mc_calls(w, XS_WATCH, 0, NULL, "/w/a", "tok", MC_END), 0);
    CHECK(event(w, "/w/a", "tok"));       /* fired once on registration */
    CHECK(no_event(w));
    CHECK_ERR(mc_calls(w, XS_WATCH, 0, NULL, "/w/a", "tok", MC_END), EEXIST);
    CHECK_ERR(mc_calls(w, XS_WATCH, 0, NULL, "/w/a", "tok2", MC_END), 0);
    CHECK(event(w, "/w/a", "tok2"));
    CHECK_ERR(mc_calls(w, XS_UNWATCH, 0, NULL, "/w/a", "tok2", MC_END), 0);
    CHECK_ERR(mc_calls(w, XS_UNWATCH, 0, NULL, "/w/a", "tok2", MC_END),
              ENOENT);

    CHECK_ERR(wr(m, 0, "/w/a/b/c", "1"), 0);
    mc_pump(D);
    CHECK(event(w, "/w/a/b/c", "tok"));
    CHECK(no_event(w));
    CHECK_ERR(wr(m, 0, "/w/ab", "1"), 0);   /* sibling prefix: no event */
    CHECK_ERR(wr(m, 0, "/w", "1"), 0);      /* parent: no event */
    CHECK(no_event(w));
    CHECK_ERR(wr(m, 0, "/w/a", "1"), 0);
    CHECK(event(w, "/w/a", "tok"));
    CHECK_ERR(mc_calls(m, XS_SET_PERMS, 0, NULL, "/w/a", "n0", "r3", MC_END),
              0);
    CHECK(event(w, "/w/a", "tok"));
    /* Removing an ancestor fires with the watched path. */
    CHECK_ERR(call1(m, XS_RM, 0, "/w"), 0);
    CHECK(event(w, "/w/a", "tok"));
    CHECK(no_event(w));
    /* A relative watch reports relative paths. */
    CHECK_ERR(mc_calls(w, XS_WATCH, 0, NULL, "rel", "r", MC_END), 0);
    CHECK(event(w, "rel", "r"));
    CHECK_ERR(wr(m, 0, "/local/domain/0/rel/k", "1"), 0);
    CHECK(event(w, "rel/k", "r"));
    /* Special watches. */
    CHECK_ERR(mc_calls(w, XS_WATCH, 0, NULL, "@introduceDomain", "i", MC_END),
              0);
    CHECK(event(w, "@introduceDomain", "i"));
    CHECK_ERR(mc_calls(w, XS_WATCH, 0, NULL, "@releaseDomain", "r", MC_END),
              0);
    CHECK(event(w, "@releaseDomain", "r"));
    CHECK_ERR(mc_calls(m, XS_INTRODUCE, 0, NULL, "3", "1234", "5", MC_END), 0);
    CHECK(event(w, "@introduceDomain", "i"));
    CHECK(no_event(w));
    CHECK_ERR(mc_calls(m, XS_RELEASE, 0, NULL, "3", MC_END), 0);
    CHECK(event(w, "@releaseDomain", "r"));
    CHECK(no_event(w));
    /* Reset drops all watches. */
    CHECK_ERR(mc_call(w, XS_RESET_WATCHES, 0, "", 1, NULL, NULL), 0);
    CHECK_ERR(wr(m, 0, "/local/domain/0/rel/k", "2"), 0);
    CHECK(no_event(w));
    CHECK_ERR(mc_calls(w, XS_WATCH, 0, NULL, "bad path", "t", MC_END), EINVAL);
    CHECK_ERR(mc_calls(w, XS_WATCH, 0, NULL, "/only", MC_END), EINVAL);
    mc_free(m);
    mc_free(w);
}

static void t_watch_perms(void)
{
    struct memconn *m = mc_new(D, 0), *g = mc_new(D, 4);

    CHECK_ERR(wr(m, 0, "/local/domain/4/pub", "1"), 0);
    CHECK_ERR(mc_calls(m, XS_SET_PERMS, 0, NULL, "/local/domain/4/pub", "n4",
                       MC_END), 0);
    CHECK_ERR(wr(m, 0, "/local/domain/4/priv", "1"), 0);
    CHECK_ERR(mc_calls(g, XS_WATCH, 0, NULL, "/local/domain/4", "t", MC_END),
              0);
    CHECK(event(g, "/local/domain/4", "t"));
    CHECK_ERR(wr(m, 0, "/local/domain/4/pub", "2"), 0);
    CHECK(event(g, "/local/domain/4/pub", "t"));
    CHECK_ERR(wr(m, 0, "/local/domain/4/priv", "2"), 0);  /* n0: unseen */
    CHECK(no_event(g));
    /* Guests do not see domain lifecycle events. */
    CHECK_ERR(mc_calls(g, XS_WATCH, 0, NULL, "@releaseDomain", "r", MC_END),
              0);
    CHECK(event(g, "@releaseDomain", "r"));
    CHECK_ERR(mc_calls(m, XS_INTRODUCE, 0, NULL, "9", "1", "1", MC_END), 0);
    CHECK_ERR(mc_calls(m, XS_RELEASE, 0, NULL, "9", MC_END), 0);
    CHECK(no_event(g));
    /* Unless the special node's permissions let them (a driver domain). */
    CHECK_ERR(call1(m, XS_GET_PERMS, 0, "@releaseDomain"), 0);
    CHECK(!strcmp(rbuf, "n0"));
    CHECK_ERR(mc_calls(g, XS_SET_PERMS, 0, NULL, "@releaseDomain", "r4",
                       MC_END), EACCES);
    CHECK_ERR(mc_calls(m, XS_SET_PERMS, 0, NULL, "@releaseDomain", "n0", "r4",
                       MC_END), 0);
    CHECK_ERR(call1(g, XS_GET_PERMS, 0, "@releaseDomain"), 0);
    CHECK(!strcmp(rbuf, "n0 r4"));
    CHECK_ERR(call1(m, XS_GET_PERMS, 0, "@nosuch"), ENOENT);
    CHECK_ERR(mc_calls(m, XS_INTRODUCE, 0, NULL, "9", "1", "1", MC_END), 0);
    CHECK_ERR(mc_calls(m, XS_RELEASE, 0, NULL, "9", MC_END), 0);
    CHECK(event(g, "@releaseDomain", "r"));
    CHECK(no_event(g));
    mc_free(m);
    mc_free(g);
}

static void t_transactions(void)
{
    struct memconn *a = mc_new(D, 0), *b = mc_new(D, 0), *w = mc_new(D, 0);
    uint32_t t1, t2;

    CHECK_ERR(wr(a, 0, "/t/x", "0"), 0);
    CHECK_ERR(mc_calls(w, XS_WATCH, 0, NULL, "/t", "tok", MC_END), 0);
    CHECK(event(w, "/t", "tok"));

    /* Isolation and atomic commit. */
    CHECK((t1 = tx_start(a)));
    CHECK_ERR(wr(a, t1, "/t/x", "1"), 0);
    CHECK_ERR(wr(a, t1, "/t/y/z", "2"), 0);
    CHECK_ERR(rd(a, t1, "/t/x"), 0);
    CHECK(!strcmp(rbuf, "1"));
    CHECK_ERR(rd(b, 0, "/t/x"), 0);
    CHECK(!strcmp(rbuf, "0"));
    CHECK_ERR(rd(b, 0, "/t/y/z"), ENOENT);
    CHECK(no_event(w));                   /* nothing fires before commit */
    CHECK_ERR(tx_end(a, t1, true), 0);
    CHECK_ERR(rd(b, 0, "/t/x"), 0);
    CHECK(!strcmp(rbuf, "1"));
    CHECK_ERR(rd(b, 0, "/t/y/z"), 0);
    CHECK(event(w, "/t/x", "tok"));
    CHECK(event(w, "/t/y/z", "tok"));
    CHECK(no_event(w));
    CHECK_ERR(tx_end(a, t1, true), ENOENT);   /* gone after END */

    /* Conflict: both read x, both write; the second commit loses. */
    CHECK((t1 = tx_start(a)));
    CHECK((t2 = tx_start(b)));
    CHECK_ERR(rd(a, t1, "/t/x"), 0);
    CHECK_ERR(rd(b, t2, "/t/x"), 0);
    CHECK_ERR(wr(a, t1, "/t/x", "a"), 0);
    CHECK_ERR(wr(b, t2, "/t/x", "b"), 0);
    CHECK_ERR(tx_end(a, t1, true), 0);
    CHECK_ERR(tx_end(b, t2, true), EAGAIN);
    CHECK_ERR(rd(b, 0, "/t/x"), 0);
    CHECK(!strcmp(rbuf, "a"));
    mc_drop_events(w);

    /* A plain write between read and commit also conflicts. */
    CHECK((t1 = tx_start(a)));
    CHECK_ERR(rd(a, t1, "/t/x"), 0);
    CHECK_ERR(wr(a, t1, "/t/other", "q"), 0);
    CHECK_ERR(wr(b, 0, "/t/x", "plain"), 0);
    CHECK_ERR(tx_end(a, t1, true), EAGAIN);
    CHECK_ERR(rd(b, 0, "/t/other"), ENOENT);  /* all or nothing */

    /* Unrelated nodes do not conflict. */
    CHECK((t1 = tx_start(a)));
    CHECK_ERR(rd(a, t1, "/t/y/z"), 0);
    CHECK_ERR(wr(a, t1, "/t/y/z", "3"), 0);
    CHECK_ERR(wr(b, 0, "/t/x", "unrelated"), 0);
    CHECK_ERR(tx_end(a, t1, true), 0);

    /* Abort discards; rm inside a transaction. */
    CHECK((t1 = tx_start(a)));
    CHECK_ERR(call1(a, XS_RM, t1, "/t/y"), 0);
    CHECK_ERR(rd(a, t1, "/t/y/z"), ENOENT);
    CHECK_ERR(rd(b, 0, "/t/y/z"), 0);
    CHECK_ERR(tx_end(a, t1, false), 0);
    CHECK_ERR(rd(b, 0, "/t/y/z"), 0);
    CHECK((t1 = tx_start(a)));
    CHECK_ERR(call1(a, XS_RM, t1, "/t/y"), 0);
    CHECK_ERR(call1(a, XS_DIRECTORY, t1, "/t"), 0);
    CHECK(!strstr(rbuf, "y"));
    CHECK_ERR(tx_end(a, t1, true), 0);
    CHECK_ERR(rd(b, 0, "/t/y/z"), ENOENT);
    CHECK_ERR(rd(b, 0, "/t/y"), ENOENT);

    /* Protocol errors. */
    CHECK_ERR(rd(a, 12345, "/t/x"), ENOENT);
    CHECK((t1 = tx_start(a)));
    CHECK_ERR(mc_call(a, XS_TRANSACTION_START, t1, "", 1, NULL, NULL), EBUSY);
    CHECK_ERR(mc_call(a, XS_TRANSACTION_END, t1, "X", 2, NULL, NULL), EINVAL);
    CHECK_ERR(mc_call(a, XS_TRANSACTION_END, 0, "T", 2, NULL, NULL), ENOENT);
    /* Transactions belong to their connection. */
    CHECK_ERR(rd(b, t1, "/t/x"), ENOENT);
    CHECK_ERR(tx_end(a, t1, true), 0);
    mc_free(a);
    mc_free(b);
    mc_free(w);
}

static void t_tx_create_conflict(void)
{
    struct memconn *a = mc_new(D, 0), *b = mc_new(D, 0);
    uint32_t t1;

    /* Reading a missing node, then someone creating it, conflicts. */
    CHECK((t1 = tx_start(a)));
    CHECK_ERR(rd(a, t1, "/c/n"), ENOENT);
    CHECK_ERR(wr(a, t1, "/c/m", "1"), 0);
    CHECK_ERR(wr(b, 0, "/c/n", "1"), 0);
    CHECK_ERR(tx_end(a, t1, true), EAGAIN);
    /* Deleted and recreated with the same value still conflicts. */
    CHECK((t1 = tx_start(a)));
    CHECK_ERR(rd(a, t1, "/c/n"), 0);
    CHECK_ERR(wr(a, t1, "/c/q", "1"), 0);
    CHECK_ERR(call1(b, XS_RM, 0, "/c/n"), 0);
    CHECK_ERR(wr(b, 0, "/c/n", "1"), 0);
    CHECK_ERR(tx_end(a, t1, true), EAGAIN);
    mc_free(a);
    mc_free(b);
}

static void t_quotas(void)
{
    struct memconn *m = mc_new(D, 0), *g = mc_new(D, 5);
    char big[3000], p[64];
    int i, e = 0;
    uint32_t tx[20];

    D->quota.nodes = 10;
    D->quota.watches = 3;
    D->quota.transactions = 2;
    CHECK_ERR(call1(m, XS_MKDIR, 0, "/local/domain/5"), 0);
    CHECK_ERR(mc_calls(m, XS_SET_PERMS, 0, NULL, "/local/domain/5", "n5",
                       MC_END), 0);
    /* A new node too big for the node-size quota is not made at all. */
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    CHECK_ERR(wr(g, 0, "newbig", big), ENOSPC);
    CHECK_ERR(rd(m, 0, "/local/domain/5/newbig"), ENOENT);
    /* The home node counts as one of dom5's. */
    for ( i = 0; i < 20 && !e; i++ )
    {
        snprintf(p, sizeof(p), "n%d", i);
        e = wr(g, 0, p, "v");
    }
    CHECK(e == ENOSPC && i == 10);
    /* Making room works again. */
    CHECK_ERR(call1(g, XS_RM, 0, "n0"), 0);
    CHECK_ERR(wr(g, 0, "again", "v"), 0);
    CHECK_ERR(wr(g, 0, "more/than/one", "v"), ENOSPC);
    /* Dom0 is not limited. */
    for ( i = 0; i < 30; i++ )
    {
        snprintf(p, sizeof(p), "/dom0/n%d", i);
        CHECK_ERR(wr(m, 0, p, "v"), 0);
    }
    /* Node size. */
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    CHECK_ERR(wr(g, 0, "n1", big), ENOSPC);
    big[2000] = '\0';
    CHECK_ERR(wr(g, 0, "n1", big), 0);
    /* Watches. */
    for ( i = 0; i < 3; i++ )
    {
        snprintf(p, sizeof(p), "w%d", i);
        CHECK_ERR(mc_calls(g, XS_WATCH, 0, NULL, p, "t", MC_END), 0);
    }
    CHECK_ERR(mc_calls(g, XS_WATCH, 0, NULL, "w9", "t", MC_END), E2BIG);
    /* Transactions. */
    CHECK((tx[0] = tx_start(g)));
    CHECK((tx[1] = tx_start(g)));
    CHECK_ERR(mc_call(g, XS_TRANSACTION_START, 0, "", 1, NULL, NULL), ENOSPC);
    CHECK_ERR(tx_end(g, tx[0], false), 0);
    CHECK((tx[0] = tx_start(g)));
    /* Node quota counts nodes created inside a transaction too. */
    CHECK_ERR(wr(g, tx[0], "tx/a", "v"), ENOSPC);
    CHECK_ERR(tx_end(g, tx[0], false), 0);
    CHECK_ERR(tx_end(g, tx[1], false), 0);
    mc_free(m);
    mc_free(g);
}

static void t_directory_part(void)
{
    struct memconn *m = mc_new(D, 0);
    char p[128], *r, gen[32], *all = NULL;
    unsigned int len, off = 0, n = 0, i, alen = 0;
    char name[100];

    memset(name, 'n', sizeof(name));
    for ( i = 0; i < 200; i++ )
    {
        snprintf(p, sizeof(p), "/big/%.60s%03u", name, i);
        CHECK_ERR(wr(m, 0, p, ""), 0);
    }
    CHECK_ERR(call1(m, XS_DIRECTORY, 0, "/big"), E2BIG);
    for ( ;; )
    {
        char req[64];
        unsigned int gl, clen, rlen, k;
        const char *chunk;
        bool end;
        int rl = snprintf(req, sizeof(req), "/big%c%u", 0, off);

        CHECK_ERR(mc_call(m, XS_DIRECTORY_PART, 0, req, (size_t)rl + 1, &r,
                          &rlen), 0);
        gl = (unsigned int)strlen(r);
        if ( off == 0 )
            snprintf(gen, sizeof(gen), "%s", r);
        CHECK(!strcmp(gen, r));
        chunk = r + gl + 1;
        clen = rlen - gl - 1;
        end = clen >= 1 && !chunk[clen - 1] && (clen == 1 || !chunk[clen - 2]);
        len = end ? clen - 1 : clen;
        for ( k = 0; k < len; k++ )
            n += !chunk[k];
        {
            char *grown = realloc(all, alen + len + 1);

            CHECK(grown);
            all = grown;
        }
        memcpy(all + alen, chunk, len);
        alen += len;
        free(r);
        if ( end )
            break;
        off += len;
    }
    CHECK(n == 200);
    /* Names come back whole and in order. */
    CHECK(!strncmp(all, "nnnn", 4));
    snprintf(p, sizeof(p), "%.60s199", name);
    CHECK(!strcmp(all + alen - strlen(p) - 1, p));
    free(all);
    /* Past the end: just the generation and the end marker. */
    CHECK_ERR(mc_calls(m, XS_DIRECTORY_PART, 0, &r, "/big", "999999", MC_END),
              EINVAL);
    CHECK_ERR(mc_calls(m, XS_DIRECTORY_PART, 0, &r, "/big", "x", MC_END),
              EINVAL);
    CHECK_ERR(mc_calls(m, XS_DIRECTORY_PART, 0, &r, "/big", MC_END), EINVAL);
    CHECK_ERR(mc_calls(m, XS_DIRECTORY_PART, 0, &r, "/tool", "0", MC_END), 0);
    CHECK(r[strlen(r) + 1] == '\0');
    free(r);
    mc_free(m);
}

static void t_domains(void)
{
    struct memconn *m = mc_new(D, 0);

    CHECK_ERR(call1(m, XS_GET_DOMAIN_PATH, 0, "7"), 0);
    CHECK(!strcmp(rbuf, "/local/domain/7"));
    CHECK_ERR(call1(m, XS_GET_DOMAIN_PATH, 0, "x"), EINVAL);
    CHECK_ERR(call1(m, XS_IS_DOMAIN_INTRODUCED, 0, "0"), 0);
    CHECK(!strcmp(rbuf, "T"));
    CHECK_ERR(call1(m, XS_IS_DOMAIN_INTRODUCED, 0, "7"), 0);
    CHECK(!strcmp(rbuf, "F"));
    CHECK_ERR(mc_calls(m, XS_INTRODUCE, 0, NULL, "7", "-5", "3", MC_END), 0);
    CHECK_ERR(call1(m, XS_IS_DOMAIN_INTRODUCED, 0, "7"), 0);
    CHECK(!strcmp(rbuf, "T"));
    CHECK_ERR(mc_calls(m, XS_INTRODUCE, 0, NULL, "7", "5", "3", MC_END), 0);
    CHECK_ERR(mc_calls(m, XS_INTRODUCE, 0, NULL, "0", "5", "3", MC_END),
              EINVAL);
    CHECK_ERR(mc_calls(m, XS_INTRODUCE, 0, NULL, "70000", "5", "3", MC_END),
              EINVAL);
    CHECK_ERR(mc_calls(m, XS_INTRODUCE, 0, NULL, "7", "5", MC_END), EINVAL);
    CHECK_ERR(call1(m, XS_RESUME, 0, "7"), 0);
    CHECK_ERR(call1(m, XS_RELEASE, 0, "7"), 0);
    CHECK_ERR(call1(m, XS_RELEASE, 0, "7"), ENOENT);
    CHECK_ERR(call1(m, XS_RESUME, 0, "7"), ENOENT);
    CHECK_ERR(call1(m, XS_IS_DOMAIN_INTRODUCED, 0, "7"), 0);
    CHECK(!strcmp(rbuf, "F"));
    CHECK_ERR(mc_calls(m, XS_CONTROL, 0, NULL, "check", MC_END), 0);
    CHECK_ERR(mc_calls(m, XS_CONTROL, 0, NULL, "bogus", MC_END), EINVAL);
    CHECK_ERR(mc_calls(m, XS_CONTROL, 0, NULL, "quota", "nodes", "50", MC_END),
              0);
    CHECK(D->quota.nodes == 50);
    mc_free(m);
}

static void t_malformed(void)
{
    struct memconn *m = mc_new(D, 0), *ok = mc_new(D, 0);
    struct xsd_sockmsg h = { XS_READ, 1, 0, 0 };
    char big[XENSTORE_PAYLOAD_MAX + 100];

    /* Unknown and reply-only types get EINVAL and the conn lives on. */
    CHECK_ERR(mc_call(m, 999, 0, "x", 2, NULL, NULL), EINVAL);
    CHECK_ERR(mc_call(m, XS_INVALID, 0, "", 0, NULL, NULL), EINVAL);
    CHECK_ERR(mc_call(m, 20, 0, "", 0, NULL, NULL), EINVAL); /* RESTRICT */
    CHECK_ERR(mc_call(m, XS_WATCH_EVENT, 0, "a\0b", 4, NULL, NULL), EINVAL);
    CHECK_ERR(mc_call(m, XS_ERROR, 0, "EINVAL", 7, NULL, NULL), EINVAL);
    /* Missing nul, extra strings, empty payloads. */
    CHECK_ERR(mc_call(m, XS_READ, 0, "/tool", 5, NULL, NULL), EINVAL);
    CHECK_ERR(mc_call(m, XS_READ, 0, "/tool\0/x", 9, NULL, NULL), EINVAL);
    CHECK_ERR(mc_call(m, XS_READ, 0, "", 0, NULL, NULL), EINVAL);
    CHECK_ERR(mc_call(m, XS_WRITE, 0, "/nonul", 6, NULL, NULL), EINVAL);
    CHECK_ERR(mc_call(m, XS_WATCH, 0, "/a\0tok", 6, NULL, NULL), EINVAL);
    CHECK_ERR(mc_call(m, XS_GET_DOMAIN_PATH, 0, "", 0, NULL, NULL), EINVAL);
    CHECK_ERR(mc_call(m, XS_TRANSACTION_END, 0, "", 0, NULL, NULL), ENOENT);
    CHECK(!m->closed);
    /* A message split across many reads still works. */
    {
        struct xsd_sockmsg hh = { XS_READ, 77, 0, 6 };
        char msg[sizeof(hh) + 6];
        struct xsd_sockmsg rh;
        char *body;
        size_t i;

        memcpy(msg, &hh, sizeof(hh));
        memcpy(msg + sizeof(hh), "/tool", 6);
        for ( i = 0; i < sizeof(msg); i++ )
        {
            mc_raw(m, msg + i, 1);
            mc_pump(D);
        }
        CHECK(mc_next(m, &rh, &body));
        CHECK(rh.type == XS_READ && rh.req_id == 77 && rh.len == 0);
        free(body);
    }
    /* Oversized: the connection is dropped, nobody else notices. */
    h.len = XENSTORE_PAYLOAD_MAX + 1;
    memset(big, 'a', sizeof(big));
    mc_raw(m, &h, sizeof(h));
    mc_raw(m, big, sizeof(big));
    mc_pump(D);
    CHECK(m->closed);
    CHECK_ERR(rd(ok, 0, "/tool"), 0);
    /* Maximum size is fine. */
    {
        char *p = big;

        memcpy(p, "/max", 5);
        memset(p + 5, 'v', XENSTORE_PAYLOAD_MAX - 5);
        CHECK_ERR(mc_call(ok, XS_WRITE, 0, p, XENSTORE_PAYLOAD_MAX, NULL,
                          NULL), 0);
    }
    CHECK_ERR(rd(ok, 0, "/max"), 0);
    CHECK(strlen(rbuf) == XENSTORE_PAYLOAD_MAX - 5);
    mc_free(m);
    mc_free(ok);
}

/* A client that never reads: its queue is capped and it is dropped. */
static void t_slow_client(void)
{
    struct memconn *m = mc_new(D, 0), *slow = mc_new(D, 0);
    int i;

    D->quota.outq_hard = 64 * 1024;
    D->quota.outq_soft = 4096;
    CHECK_ERR(mc_calls(slow, XS_WATCH, 0, NULL, "/s", "t", MC_END), 0);
    slow->stalled = true;
    for ( i = 0; i < 5000 && !slow->closed; i++ )
        CHECK_ERR(wr(m, 0, "/s/x", "some value"), 0);
    CHECK(slow->closed);
    CHECK(i < 5000);
    CHECK_ERR(rd(m, 0, "/s/x"), 0);
    mc_free(m);
    mc_free(slow);
}

/* Pipelined requests from a client that stops reading are throttled. */
static void t_backpressure(void)
{
    struct memconn *m = mc_new(D, 0);
    struct xsd_sockmsg h;
    char *body;
    int i, n = 0;

    D->quota.outq_soft = 1024;
    m->stalled = true;
    for ( i = 0; i < 500; i++ )
        mc_send(m, XS_READ, 0, "/tool", 6);
    mc_pump(D);
    CHECK(m->c && m->c->out_bytes <= 1024 + 64);
    CHECK(m->in_len > 0);           /* the rest waits unread */
    m->stalled = false;
    for ( i = 0; i < 200; i++ )
        mc_pump(D);
    while ( mc_next(m, &h, &body) )
    {
        CHECK(h.type == XS_READ);
        free(body);
        n++;
    }
    CHECK(n == 500);
    mc_free(m);
}

/* ---- Ring transport ---- */

static int notified;
static void ring_notify(void *opaque)
{
    (void)opaque;
    notified++;
}

static void ring_put(struct xenstore_domain_interface *intf, const void *buf,
                     size_t len)
{
    const char *p = buf;

    while ( len-- )
    {
        intf->req[MASK_XENSTORE_IDX(intf->req_prod)] = *p++;
        intf->req_prod++;
    }
}

static size_t ring_get(struct xenstore_domain_interface *intf, char *buf,
                       size_t max)
{
    size_t n = 0;

    while ( intf->rsp_cons != intf->rsp_prod && n < max )
    {
        buf[n++] = intf->rsp[MASK_XENSTORE_IDX(intf->rsp_cons)];
        intf->rsp_cons++;
    }
    return n;
}

static void t_ring(void)
{
    struct xenstore_domain_interface *intf = calloc(1, sizeof(*intf));
    struct memconn *m = mc_new(D, 0);
    struct xsd_conn *c;
    struct xsd_sockmsg h;
    char msg[256], out[4096];
    size_t n;
    int i;

    CHECK_ERR(wr(m, 0, "/local/domain/9/name", "guest"), 0);
    CHECK_ERR(mc_calls(m, XS_SET_PERMS, 0, NULL, "/local/domain/9", "n9",
                       MC_END), 0);
    CHECK_ERR(mc_calls(m, XS_SET_PERMS, 0, NULL, "/local/domain/9/name", "n9",
                       MC_END), 0);
    /* Start near the index wrap point to exercise it. */
    intf->req_prod = intf->req_cons = 0xfffffff0u;
    intf->rsp_prod = intf->rsp_cons = 0xffffff00u;
    c = xsd_ring_conn_new(D, 9, intf, ring_notify, NULL);
    CHECK(intf->server_features & XENSTORE_SERVER_FEATURE_ERROR);
    for ( i = 0; i < 300; i++ )
    {
        struct xsd_sockmsg req = { XS_READ, (uint32_t)i, 0, 5 };

        memcpy(msg, &req, sizeof(req));
        memcpy(msg + sizeof(req), "name", 5);
        ring_put(intf, msg, sizeof(req) + 5);
        mc_pump(D);
        n = ring_get(intf, out, sizeof(out));
        CHECK(n == sizeof(h) + 5);
        memcpy(&h, out, sizeof(h));
        CHECK(h.type == XS_READ && h.req_id == (uint32_t)i && h.len == 5);
        CHECK(!memcmp(out + sizeof(h), "guest", 5));
    }
    CHECK(notified > 0);
    /* A full response ring holds output back until the guest reads. */
    {
        struct xsd_sockmsg req = { XS_READ, 1000, 0, 5 };
        size_t got = 0;

        for ( i = 0; i < 100; i++ )
        {
            memcpy(msg, &req, sizeof(req));
            memcpy(msg + sizeof(req), "name", 5);
            ring_put(intf, msg, sizeof(req) + 5);
            mc_pump(D);
        }
        for ( i = 0; i < 1000 && got < 100 * (sizeof(h) + 5); i++ )
        {
            got += ring_get(intf, out, sizeof(out));
            mc_pump(D);
        }
        CHECK(got == 100 * (sizeof(h) + 5));
    }
    /* An oversized message: error field set, connection dropped. */
    {
        struct xenstore_domain_interface *i2 = calloc(1, sizeof(*i2));
        struct xsd_sockmsg req = { XS_READ, 1, 0, XENSTORE_PAYLOAD_MAX + 1 };
        bool gone = true;

        xsd_ring_conn_new(D, 11, i2, ring_notify, NULL);
        ring_put(i2, &req, sizeof(req));
        mc_pump(D);
        CHECK(i2->error == XENSTORE_ERROR_PROTO);
        for ( c = D->conns; c; c = c->next )
            gone &= c->domid != 11;
        free(i2);
        CHECK(gone);
    }
    /* A guest that corrupts its indices loses the connection. */
    intf->req_prod = intf->req_cons + 5000;
    mc_pump(D);
    CHECK(intf->error == XENSTORE_ERROR_RINGIDX);
    for ( c = D->conns; c; c = c->next )
        CHECK(c->domid != 9);
    free(intf);
    mc_free(m);
}

/* ---- Persistence ---- */

static char tmpdir[256];

static void t_persist(void)
{
    struct xsd *d;
    struct memconn *m;
    char path[512];
    int fd;

    snprintf(tmpdir, sizeof(tmpdir), "/tmp/xs-unit.XXXXXX");
    CHECK(mkdtemp(tmpdir));
    d = xsd_create();
    d->log = quiet_log;
    CHECK(!xsd_persist_open(d, tmpdir, XSD_SYNC_NEVER));
    m = mc_new(d, 0);
    CHECK_ERR(wr(m, 0, "/vm/1/name", "one"), 0);
    CHECK_ERR(wr(m, 0, "/vm/2/name", "two"), 0);
    CHECK_ERR(mc_calls(m, XS_SET_PERMS, 0, NULL, "/vm/2", "r3", "b4", MC_END),
              0);
    CHECK_ERR(call1(m, XS_RM, 0, "/vm/1"), 0);
    {
        uint32_t t = tx_start(m);

        CHECK_ERR(wr(m, t, "/vm/3/a/b", "tx"), 0);
        CHECK_ERR(tx_end(m, t, true), 0);
    }
    CHECK_ERR(mc_calls(m, XS_INTRODUCE, 0, NULL, "4", "77", "8", MC_END), 0);
    mc_free(m);
    /* "Crash": drop everything without a final snapshot. */
    xsd_destroy(d);   /* closes the journal; no snapshot is taken */

    d = xsd_create();
    d->log = quiet_log;
    CHECK(!xsd_persist_open(d, tmpdir, XSD_SYNC_NEVER));
    m = mc_new(d, 0);
    CHECK_ERR(rd(m, 0, "/vm/2/name"), 0);
    CHECK(!strcmp(rbuf, "two"));
    CHECK_ERR(rd(m, 0, "/vm/1"), ENOENT);
    CHECK_ERR(rd(m, 0, "/vm/3/a/b"), 0);
    CHECK(!strcmp(rbuf, "tx"));
    CHECK_ERR(call1(m, XS_GET_PERMS, 0, "/vm/2"), 0);
    CHECK(!strcmp(rbuf, "r3 b4"));
    CHECK_ERR(call1(m, XS_IS_DOMAIN_INTRODUCED, 0, "4"), 0);
    CHECK(!strcmp(rbuf, "T"));
    CHECK_ERR(wr(m, 0, "/after", "x"), 0);
    mc_free(m);
    {
        char cwhy[256];

        CHECK(!xsd_check(d, cwhy, sizeof(cwhy)));
    }
    xsd_destroy(d);

    /* A torn record at the end of the journal is dropped, not fatal. */
    snprintf(path, sizeof(path), "%s/journal", tmpdir);
    fd = open(path, O_WRONLY | O_APPEND);
    CHECK(fd >= 0);
    CHECK(write(fd, "\x40\0\0\0garbage", 11) == 11);
    close(fd);
    d = xsd_create();
    d->log = quiet_log;
    CHECK(!xsd_persist_open(d, tmpdir, XSD_SYNC_NEVER));
    m = mc_new(d, 0);
    CHECK_ERR(rd(m, 0, "/after"), 0);
    CHECK_ERR(rd(m, 0, "/vm/2/name"), 0);
    mc_free(m);
    xsd_destroy(d);

    /* A damaged snapshot refuses to load rather than lose data silently. */
    snprintf(path, sizeof(path), "%s/tree", tmpdir);
    fd = open(path, O_WRONLY);
    CHECK(fd >= 0);
    CHECK(pwrite(fd, "XXXX", 4, 40) == 4);
    close(fd);
    d = xsd_create();
    d->log = quiet_log;
    CHECK(xsd_persist_open(d, tmpdir, XSD_SYNC_NEVER) != 0);
    xsd_destroy(d);
    snprintf(path, sizeof(path), "rm -rf %s", tmpdir);
    CHECK(system(path) == 0);
}

/* The highest domid is a valid owner; the tree check accepts it too. */
static void t_perms_max_domid(void)
{
    struct memconn *m = mc_new(D, 0);
    char p[16];

    CHECK_ERR(wr(m, 0, "/maxdom", "v"), 0);
    snprintf(p, sizeof(p), "b%u", XS_DOMID_MAX);
    CHECK_ERR(mc_calls(m, XS_SET_PERMS, 0, NULL, "/maxdom", p, MC_END), 0);
    CHECK_ERR(call1(m, XS_GET_PERMS, 0, "/maxdom"), 0);
    CHECK(!strcmp(rbuf, p));
    snprintf(p, sizeof(p), "b%u", XS_DOMID_MAX + 1);
    CHECK_ERR(mc_calls(m, XS_SET_PERMS, 0, NULL, "/maxdom", p, MC_END),
              EINVAL);
    mc_free(m);
}

/*
 * A guest that moves its indexes more than a ring apart loses the
 * connection; exactly one ring apart is a full ring, which is fine.
 */
static void t_ring_bad_indexes(void)
{
    struct xenstore_domain_interface *in = calloc(1, sizeof(*in));
    struct xenstore_domain_interface *out = calloc(1, sizeof(*out));
    struct memconn *m = mc_new(D, 0);
    struct xsd_sockmsg req = { XS_WRITE, 7, 0, XENSTORE_RING_SIZE - 16 };
    struct xsd_sockmsg rd = { XS_READ, 8, 0, 5 }, h;
    char msg[XENSTORE_RING_SIZE], buf[64];
    struct xsd_conn *c;
    bool gone = true;

    CHECK_ERR(wr(m, 0, "/local/domain/9/name", "guest"), 0);
    CHECK_ERR(mc_calls(m, XS_SET_PERMS, 0, NULL, "/local/domain/9", "n9",
                       MC_END), 0);
    CHECK_ERR(mc_calls(m, XS_SET_PERMS, 0, NULL, "/local/domain/9/name", "n9",
                       MC_END), 0);
    in->req_prod = in->req_cons = 0xfffffe00u;
    in->rsp_prod = in->rsp_cons = 0x100u;
    xsd_ring_conn_new(D, 9, in, ring_notify, NULL);
    /* One request that fills the whole request ring. */
    memset(msg, 'x', sizeof(msg));
    memcpy(msg, &req, sizeof(req));
    memcpy(msg + sizeof(req), "big", 4);
    ring_put(in, msg, sizeof(msg));
    mc_pump(D);
    CHECK(in->error == XENSTORE_ERROR_NONE);
    CHECK(ring_get(in, buf, sizeof(buf)) == sizeof(h) + 3);
    memcpy(&h, buf, sizeof(h));
    CHECK(h.type == XS_WRITE && h.req_id == 7);
    /* A full response ring: the reply waits, no error. */
    in->rsp_cons = in->rsp_prod - XENSTORE_RING_SIZE;
    memcpy(msg, &rd, sizeof(rd));
    memcpy(msg + sizeof(rd), "name", 5);
    ring_put(in, msg, sizeof(rd) + 5);
    mc_pump(D);
    CHECK(in->error == XENSTORE_ERROR_NONE);
    in->rsp_cons = in->rsp_prod;
    mc_pump(D);
    CHECK(ring_get(in, buf, sizeof(buf)) == sizeof(h) + 5);
    CHECK(!memcmp(buf + sizeof(h), "guest", 5));
    /* One byte more than a ring of requests. */
    in->req_prod = in->req_cons + XENSTORE_RING_SIZE + 1;
    mc_pump(D);
    CHECK(in->error == XENSTORE_ERROR_RINGIDX);

    /* One byte more than a ring of responses outstanding. */
    out->rsp_prod = 0x40u;
    out->rsp_cons = out->rsp_prod - XENSTORE_RING_SIZE - 1;
    xsd_ring_conn_new(D, 9, out, ring_notify, NULL);
    memcpy(msg, &rd, sizeof(rd));
    memcpy(msg + sizeof(rd), "name", 5);
    ring_put(out, msg, sizeof(rd) + 5);
    mc_pump(D);
    CHECK(out->error == XENSTORE_ERROR_RINGIDX);
    CHECK(out->rsp_prod == 0x40u);
    for ( c = D->conns; c; c = c->next )
        gone &= c->domid != 9;
    CHECK(gone);
    free(in);
    free(out);
    mc_free(m);
}

/*
 * Files the persistence layer flushed, in order ("tree.tmp journal ..."):
 * xsd_persist.o's fsync() and fdatasync() calls come here (the Makefile
 * links test_unit with --wrap for both).
 */
static char synced[1024];

static void note_sync(int fd)
{
    char link[64], target[512];
    ssize_t n;
    const char *base;

    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    n = readlink(link, target, sizeof(target) - 1);
    if ( n < 0 )
        return;
    target[n] = '\0';
    base = strrchr(target, '/');
    base = base && base[1] ? base + 1 : target;
    snprintf(synced + strlen(synced), sizeof(synced) - strlen(synced), "%s%s",
             synced[0] ? " " : "", base);
}

int __real_fsync(int fd);
int __wrap_fsync(int fd);
int __real_fdatasync(int fd);
int __wrap_fdatasync(int fd);

int __wrap_fsync(int fd)
{
    note_sync(fd);
    return __real_fsync(fd);
}

int __wrap_fdatasync(int fd)
{
    note_sync(fd);
    return __real_fdatasync(fd);
}

static bool persist_dir(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/xs-unit.XXXXXX");
    return mkdtemp(tmpdir) != NULL;
}

static void persist_dir_rm(void)
{
    char cmd[300];

    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    if ( system(cmd) )
        snprintf(why, sizeof(why), "cannot remove %s", tmpdir);
}

static struct xsd *persist_start(enum xsd_sync sync)
{
    struct xsd *d = xsd_create();

    d->log = quiet_log;
    if ( xsd_persist_open(d, tmpdir, sync) )
    {
        xsd_destroy(d);
        return NULL;
    }
    return d;
}

/* What each --sync mode flushes, and when. */
static void t_persist_sync(void)
{
    struct xsd *d;
    struct memconn *m;
    char base[64];
    int t;

    CHECK(persist_dir());
    snprintf(base, sizeof(base), "%s", strrchr(tmpdir, '/') + 1);
    /* never: nothing at all, however much is written. */
    synced[0] = '\0';
    CHECK((d = persist_start(XSD_SYNC_NEVER)));
    m = mc_new(d, 0);
    CHECK_ERR(wr(m, 0, "/s/never", "1"), 0);
    CHECK(xsd_persist_tick(d) == -1);
    mc_free(m);
    xsd_destroy(d);
    CHECK(!strcmp(synced, ""));

    /* always: the new snapshot, the new journal, the directory, then
     * every request's records. */
    synced[0] = '\0';
    CHECK((d = persist_start(XSD_SYNC_ALWAYS)));
    {
        char want[300];

        snprintf(want, sizeof(want), "tree.tmp %s journal.tmp %s", base,
                 base);
        CHECK(!strcmp(synced, want));
    }
    synced[0] = '\0';
    m = mc_new(d, 0);
    CHECK_ERR(wr(m, 0, "/s/always", "1"), 0);
    CHECK(!strcmp(synced, "journal"));
    CHECK(xsd_persist_tick(d) == -1);
    mc_free(m);
    xsd_destroy(d);

    /* periodic: a request's records are flushed within a second. */
    CHECK((d = persist_start(XSD_SYNC_PERIODIC)));
    CHECK(xsd_persist_tick(d) == -1);
    synced[0] = '\0';
    m = mc_new(d, 0);
    CHECK_ERR(wr(m, 0, "/s/periodic", "1"), 0);
    CHECK(!strcmp(synced, ""));
    t = xsd_persist_tick(d);
    CHECK(t > 0 && t <= 1000);
    usleep((useconds_t)t * 1000 + 20000);
    CHECK(xsd_persist_tick(d) == -1);
    CHECK(!strcmp(synced, "journal"));
    CHECK(xsd_persist_tick(d) == -1);
    mc_free(m);
    xsd_destroy(d);
    persist_dir_rm();
}

/*
 * With stdin closed, a daemon reads its files and keeps its journal on
 * fd 0.  Starts, checks that *had is there, writes *add, "crashes".
 */
static bool fd0_run(const char *had, const char *add)
{
    struct xsd *d;
    struct memconn *m;
    int save = dup(0);
    bool ok;

    if ( save < 0 )
        return false;
    close(0);
    d = persist_start(XSD_SYNC_NEVER);
    ok = d != NULL;
    if ( d )
    {
        m = mc_new(d, 0);
        ok = (!had || (!rd(m, 0, had) && !strcmp(rbuf, "kept"))) &&
             !wr(m, 0, add, "kept");
        mc_free(m);
        /* A crash: no final snapshot. */
        xsd_destroy(d);
    }
    dup2(save, 0);
    close(save);
    return ok;
}

static void t_persist_fd0(void)
{
    struct xsd *d;
    struct memconn *m;

    CHECK(persist_dir());
    CHECK(fd0_run(NULL, "/fd0/a"));
    CHECK(fd0_run("/fd0/a", "/fd0/b"));
    CHECK((d = persist_start(XSD_SYNC_NEVER)));
    m = mc_new(d, 0);
    CHECK_ERR(rd(m, 0, "/fd0/a"), 0);
    CHECK(!strcmp(rbuf, "kept"));
    CHECK_ERR(rd(m, 0, "/fd0/b"), 0);
    mc_free(m);
    xsd_destroy(d);
    persist_dir_rm();
}

static off_t file_size(const char *name)
{
    char path[300];
    struct stat st;

    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    return stat(path, &st) ? -1 : st.st_size;
}

/* The journal is folded into a new snapshot once it passes 4 times its
 * size (and 1 MiB), not later. */
static void t_persist_compaction(void)
{
    struct xsd *d;
    struct memconn *m;
    char val[2001], p[64];
    off_t snap, j = 0, last = 0;
    int i;

    CHECK(persist_dir());
    CHECK((d = persist_start(XSD_SYNC_NEVER)));
    m = mc_new(d, 0);
    memset(val, 'v', sizeof(val) - 1);
    val[sizeof(val) - 1] = '\0';
    for ( i = 0; i < 150; i++ )
    {
        snprintf(p, sizeof(p), "/big/n%03d", i);
        CHECK_ERR(wr(m, 0, p, val), 0);
    }
    CHECK(!xsd_persist_snapshot(d));
    snap = file_size("tree");
    CHECK(snap > (1 << 20) / 4);
    for ( i = 0; i < 2000; i++ )
    {
        val[0] = (char)('a' + i % 26);
        CHECK_ERR(wr(m, 0, "/big/n000", val), 0);
        last = j;
        j = file_size("journal");
        xsd_persist_tick(d);
        if ( file_size("journal") < j )
            break;
    }
    CHECK(i < 2000);
    /* Compacted at the first tick past 4 times, not one record later. */
    CHECK(j > 4 * snap && last <= 4 * snap);
    mc_free(m);
    xsd_destroy(d);
    CHECK((d = persist_start(XSD_SYNC_NEVER)));
    m = mc_new(d, 0);
    CHECK_ERR(rd(m, 0, "/big/n000"), 0);
    CHECK(rbuf[0] == val[0] && strlen(rbuf) == sizeof(val) - 1);
    mc_free(m);
    xsd_destroy(d);
    persist_dir_rm();
}

/* ---- Hand-made snapshots: what a damaged or foreign file does ---- */

static unsigned char snap[4096];
static size_t snap_len, rec_at;

static void snap_bytes(const void *p, size_t n)
{
    memcpy(snap + snap_len, p, n);
    snap_len += n;
}

static void snap_u32(uint32_t v)
{
    unsigned char b[4] = {
        (unsigned char)v, (unsigned char)(v >> 8),
        (unsigned char)(v >> 16), (unsigned char)(v >> 24),
    };

    snap_bytes(b, 4);
}

static void snap_str(const char *s)
{
    snap_u32((uint32_t)strlen(s));
    snap_bytes(s, strlen(s));
}

static void snap_rec(char type)
{
    rec_at = snap_len;
    snap_u32(0);
    snap_u32(0);
    snap_bytes(&type, 1);
}

static void snap_rec_end(void)
{
    uint32_t len = (uint32_t)(snap_len - rec_at - 8), save = snap_len;

    snap_len = rec_at;
    snap_u32(len);
    snap_u32(xs_crc32(0, snap + rec_at + 8, len));
    snap_len = save;
}

/* A node record with np permissions, all "r<owner>". */
static void snap_node(const char *path, uint32_t np, uint32_t owner,
                      const char *val)
{
    snap_rec('N');
    snap_str(path);
    snap_u32(np);
    while ( np-- )
    {
        snap_u32(owner);
        snap_bytes("\x01", 1);         /* XS_PERM_READ */
    }
    snap_str(val);
    snap_rec_end();
}

/*
 * Writes a snapshot of "/" and "/a" (np permissions of owner); 0 if it
 * then loads, with /a's permissions in perms.
 */
static int load_snapshot(uint32_t version, uint32_t np, uint32_t owner,
                         char *perms)
{
    char path[300];
    struct xsd *d;
    struct memconn *m;
    int fd;

    snap_len = 0;
    snap_rec('H');
    snap_u32(version);
    snap_u32(1);                       /* sequence number */
    snap_u32(0);
    snap_u32(1);                       /* generation */
    snap_u32(0);
    snap_rec_end();
    snap_node("/", 1, 0, "");
    snap_node("/a", np, owner, "va");
    snap_rec('E');
    snap_rec_end();
    snprintf(path, sizeof(path), "%s/tree", tmpdir);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if ( fd < 0 || write(fd, snap, snap_len) != (ssize_t)snap_len )
        return -2;
    close(fd);
    snprintf(path, sizeof(path), "%s/journal", tmpdir);
    unlink(path);
    if ( !(d = persist_start(XSD_SYNC_NEVER)) )
        return -1;
    m = mc_new(d, 0);
    if ( rd(m, 0, "/a") || strcmp(rbuf, "va") ||
         call1(m, XS_GET_PERMS, 0, "/a") )
        perms[0] = '\0';
    else
        strcpy(perms, rbuf);
    mc_free(m);
    {
        char cwhy[256];

        if ( xsd_check(d, cwhy, sizeof(cwhy)) )
            perms[0] = '\0';
    }
    xsd_destroy(d);
    return 0;
}

static void t_persist_foreign(void)
{
    char perms[64], want[64];

    CHECK(persist_dir());
    CHECK(load_snapshot(1, 1, 3, perms) == 0);
    CHECK(!strcmp(perms, "r3"));
    CHECK(load_snapshot(1, 2, 3, perms) == 0);
    CHECK(!strcmp(perms, "r3 r3"));
    snprintf(want, sizeof(want), "r%u", XS_DOMID_MAX);
    CHECK(load_snapshot(1, 1, XS_DOMID_MAX, perms) == 0);
    CHECK(!strcmp(perms, want));
    /* A domid past the last one is damage, as is a node without an owner
     * or another format. */
    CHECK(load_snapshot(1, 1, XS_DOMID_MAX + 1, perms) == -1);
    CHECK(load_snapshot(1, 0, 3, perms) == -1);
    CHECK(load_snapshot(2, 1, 3, perms) == -1);
    CHECK(load_snapshot(0, 1, 3, perms) == -1);
    persist_dir_rm();
}

/* ---- xs_lib helpers, at their limits ---- */

static void t_xs_lib(void)
{
    unsigned long v = 0;

    /* Ten digits are the most a number may have; eleven are too many. */
    CHECK(xs_parse_uint("4294967295", ~0UL, &v) && v == 4294967295UL);
    CHECK(!xs_parse_uint("04294967295", ~0UL, &v));
    CHECK(!xs_parse_uint("", ~0UL, &v));
    CHECK(!xs_parse_uint("12a", ~0UL, &v));
    CHECK(xs_parse_uint("5", 5, &v) && v == 5);
    CHECK(!xs_parse_uint("6", 5, &v));
    CHECK(xs_errno_from_name("EACCES", 6) == EACCES);
    CHECK(xs_errno_from_name("EACCESS", 7) == EINVAL);
    CHECK(xs_errno_from_name("EBOGUS", 6) == EINVAL);
    CHECK(!strcmp(xs_type_name(XS_DIRECTORY_PART), "DIRECTORY_PART"));
    CHECK(!strcmp(xs_type_name(XS_DIRECTORY_PART + 1), "UNKNOWN"));
    CHECK(!strcmp(xs_type_name(~0u), "UNKNOWN"));
    /* The CRC of state files is zlib's (gen_seeds.py writes seeds so). */
    CHECK(xs_crc32(0, "123456789", 9) == 0xcbf43926u);
    CHECK(xs_crc32(xs_crc32(0, "1234", 4), "56789", 5) == 0xcbf43926u);
}

int main(void)
{
    /* A core stuck in a loop is a failure, not a hang of the suite. */
    alarm(30);
    run("unit_default_tree", t_default_tree);
    run("unit_write_read", t_write_read);
    run("unit_mkdir_rm", t_mkdir_rm);
    run("unit_bad_paths", t_bad_paths);
    run("unit_perms", t_perms);
    run("unit_set_target", t_target);
    run("unit_watches", t_watches);
    run("unit_watch_perms", t_watch_perms);
    run("unit_transactions", t_transactions);
    run("unit_tx_create_conflict", t_tx_create_conflict);
    run("unit_quotas", t_quotas);
    run("unit_directory_part", t_directory_part);
    run("unit_domains", t_domains);
    run("unit_malformed", t_malformed);
    run("unit_slow_client", t_slow_client);
    run("unit_backpressure", t_backpressure);
    run("unit_ring_transport", t_ring);
    run("unit_persistence", t_persist);
    run("unit_perms_max_domid", t_perms_max_domid);
    run("unit_ring_bad_indexes", t_ring_bad_indexes);
    run("unit_persist_sync_modes", t_persist_sync);
    run("unit_persist_journal_fd0", t_persist_fd0);
    run("unit_persist_compaction", t_persist_compaction);
    run("unit_persist_foreign_snapshot", t_persist_foreign);
    run("unit_xs_lib", t_xs_lib);
    return nfail ? 1 : 0;
}
