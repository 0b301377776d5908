/* SPDX-License-Identifier: GPL-2.0-only */
/* Tests against a running xenstored over its unix socket: robustness,
 * concurrency, restart persistence and the client library. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "xs_client.h"
#include "check.h"

static const char *daemon_bin;
static char dir[256], sockp[300], state[300];
static pid_t dpid;

static int start_daemon(const char *extra)
{
    struct xsc *h;
    long end;

    dpid = fork();
    if ( dpid == 0 )
    {
        char log[400];
        int fd = open("/dev/null", O_RDONLY);

        dup2(fd, 0);
        /* Kept out of the test output; shown if something fails. */
        snprintf(log, sizeof(log), "%s/daemon.log", dir);
        fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if ( fd >= 0 )
            dup2(fd, 2);
        execl(daemon_bin, daemon_bin, "-s", sockp, "-S", state,
              "--quota-outq", "65536", extra, (char *)NULL);
        _exit(127);
    }
    /* Ready when it answers. */
    end = now_ms() + 10000;
    while ( now_ms() < end )
    {
        if ( (h = xsc_open(sockp)) )
        {
            xsc_close(h);
            return 0;
        }
        usleep(20000);
    }
    return -1;
}

static int stop_daemon(int sig)
{
    int status = 0;

    if ( dpid <= 0 )
        return -1;
    kill(dpid, sig);
    waitpid(dpid, &status, 0);
    dpid = 0;
    return status;
}

static bool daemon_alive(void)
{
    return dpid > 0 && waitpid(dpid, NULL, WNOHANG) == 0;
}

static int raw_connect(void)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    /* A reply that never comes fails the test rather than hanging it. */
    struct timeval tv = { .tv_sec = 10 };

    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    strcpy(sa.sun_path, sockp);
    if ( connect(fd, (struct sockaddr *)&sa, sizeof(sa)) )
    {
        close(fd);
        return -1;
    }
    return fd;
}

/* True if the peer closed fd within ms. */
static bool closed_within(int fd, int ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    char buf[4096];
    long end = now_ms() + ms;

    while ( now_ms() < end )
    {
        if ( poll(&p, 1, 50) > 0 )
        {
            ssize_t n = read(fd, buf, sizeof(buf));

            if ( n <= 0 )
                return true;
        }
    }
    return false;
}

static bool tree_ok(void)
{
    struct xsc *h = xsc_open(sockp);
    char *r;
    bool ok;

    if ( !h )
        return false;
    r = xsc_control(h, "check", 6);
    ok = r && !strcmp(r, "OK");
    free(r);
    xsc_close(h);
    return ok;
}

static void run(const char *name, void (*fn)(void))
{
    why[0] = '\0';
    fn();
    if ( !why[0] && !daemon_alive() )
        snprintf(why, sizeof(why), "daemon died");
    if ( !why[0] && !tree_ok() )
        snprintf(why, sizeof(why), "tree check failed");
    report(name);
}

/* ------------------------------------------------------------------ */

static void t_client_lib(void)
{
    struct xsc *h = xsc_open(sockp);
    char *v, **kids, *buf;
    const char *p, *t;
    unsigned int len, n;
    struct xs_perm perms[2] = { { 0, XS_PERM_NONE }, { 3, XS_PERM_READ } };
    struct xs_perm *got;
    uint32_t tx;
    bool yes;

    CHECK(h);
    CHECK(!xsc_write(h, 0, "/lib/a", "1", 1));
    CHECK((v = xsc_read(h, 0, "/lib/a", &len)) && len == 1 && v[0] == '1');
    free(v);
    CHECK(!xsc_read(h, 0, "/lib/none", &len) && errno == ENOENT);
    CHECK(!xsc_mkdir(h, 0, "/lib/b"));
    CHECK((kids = xsc_directory(h, 0, "/lib", &n)) && n == 2);
    free(kids);
    CHECK(!xsc_set_perms(h, 0, "/lib/a", perms, 2));
    CHECK(!xsc_get_perms(h, 0, "/lib/a", &got, &n) && n == 2 &&
          got[1].id == 3 && got[1].perm == XS_PERM_READ);
    free(got);
    CHECK(!xsc_watch(h, "/lib", "tk"));
    CHECK(!xsc_read_watch(h, &buf, &p, &t, 1000));
    CHECK(!strcmp(p, "/lib") && !strcmp(t, "tk"));
    free(buf);
    CHECK(!xsc_transaction_start(h, &tx));
    CHECK(!xsc_write(h, tx, "/lib/c", "x", 1));
    CHECK(xsc_read_watch(h, &buf, &p, &t, 100) == -ETIMEDOUT);
    CHECK(!xsc_transaction_end(h, tx, true));
    CHECK(!xsc_read_watch(h, &buf, &p, &t, 1000));
    CHECK(!strcmp(p, "/lib/c"));
    free(buf);
    CHECK(!xsc_rm(h, 0, "/lib"));
    CHECK(!xsc_read_watch(h, &buf, &p, &t, 1000));
    free(buf);
    CHECK(!xsc_unwatch(h, "/lib", "tk"));
    CHECK((v = xsc_get_domain_path(h, 12)) && !strcmp(v, "/local/domain/12"));
    free(v);
    CHECK(!xsc_introduce(h, 12, 4242, 7));
    CHECK(!xsc_is_introduced(h, 12, &yes) && yes);
    CHECK(!xsc_release(h, 12));
    CHECK(!xsc_is_introduced(h, 12, &yes) && !yes);
    xsc_close(h);
}

/* A directory too big for one reply goes through DIRECTORY_PART. */
static void t_big_directory(void)
{
    struct xsc *h = xsc_open(sockp);
    char p[256], **kids;
    unsigned int n, i;

    CHECK(h);
    for ( i = 0; i < 400; i++ )
    {
        snprintf(p, sizeof(p), "/bigdir/entry-with-a-longish-name-%04u", i);
        CHECK(!xsc_write(h, 0, p, "", 0));
    }
    CHECK((kids = xsc_directory(h, 0, "/bigdir", &n)));
    CHECK(n == 400);
    CHECK(!strcmp(kids[0], "entry-with-a-longish-name-0000"));
    CHECK(!strcmp(kids[399], "entry-with-a-longish-name-0399"));
    free(kids);
    xsc_close(h);
}

static void t_oversized(void)
{
    int fd = raw_connect();
    struct xsd_sockmsg m = { XS_WRITE, 1, 0, XENSTORE_PAYLOAD_MAX + 1 };
    struct xsc *h;
    char *v;

    CHECK(fd >= 0);
    CHECK(write(fd, &m, sizeof(m)) == sizeof(m));
    CHECK(closed_within(fd, 2000));
    close(fd);
    m.len = 0xffffffffu;
    fd = raw_connect();
    CHECK(write(fd, &m, sizeof(m)) == sizeof(m));
    CHECK(closed_within(fd, 2000));
    close(fd);
    CHECK((h = xsc_open(sockp)));
    CHECK((v = xsc_read(h, 0, "/tool", NULL)));
    free(v);
    xsc_close(h);
}

static void t_truncated(void)
{
    struct xsd_sockmsg m = { XS_WRITE, 1, 0, 100 };
    struct xsc *h;
    int fd, i;
    char *v;

    /* Half a header, half a body, then hang up: nothing may stick. */
    for ( i = 0; i < 20; i++ )
    {
        fd = raw_connect();
        CHECK(fd >= 0);
        if ( i % 2 )
            CHECK(write(fd, &m, 7) == 7);
        else
        {
            CHECK(write(fd, &m, sizeof(m)) == sizeof(m));
            CHECK(write(fd, "/trunc\0abc", 10) == 10);
        }
        close(fd);
    }
    CHECK((h = xsc_open(sockp)));
    CHECK(!xsc_read(h, 0, "/trunc", NULL) && errno == ENOENT);
    /* A stalled half-message does not hold up anyone else. */
    fd = raw_connect();
    CHECK(write(fd, &m, sizeof(m)) == sizeof(m));
    CHECK((v = xsc_read(h, 0, "/tool", NULL)));
    free(v);
    close(fd);
    xsc_close(h);
}

static void t_garbage(void)
{
    unsigned int seed = 7, i, k;
    char buf[512];
    int fds[8];

    for ( k = 0; k < 8; k++ )
    {
        fds[k] = raw_connect();
        CHECK(fds[k] >= 0);
    }
    for ( i = 0; i < 200; i++ )
    {
        for ( k = 0; k < sizeof(buf); k++ )
        {
            seed = seed * 1103515245u + 12345u;
            buf[k] = (char)(seed >> 16);
        }
        /* Mostly small lengths so some frames parse as requests. */
        buf[12] = (char)(seed & 0x3f);
        buf[13] = buf[14] = buf[15] = 0;
        buf[0] = (char)(seed % 30);
        buf[1] = buf[2] = buf[3] = 0;
        if ( write(fds[i % 8], buf, 16 + (seed % 64)) < 0 )
            continue;
    }
    for ( k = 0; k < 8; k++ )
        close(fds[k]);
}

/* Byte-at-a-time delivery and a burst of pipelined requests. */
static void t_dribble_pipeline(void)
{
    int fd = raw_connect(), i;
    struct xsd_sockmsg m = { XS_READ, 42, 0, 6 }, r;
    char out[sizeof(m) + 6], *big, *p;
    size_t off = 0, total;

    CHECK(fd >= 0);
    memcpy(out, &m, sizeof(m));
    memcpy(out + sizeof(m), "/tool", 6);
    for ( i = 0; i < (int)sizeof(out); i++ )
    {
        CHECK(write(fd, out + i, 1) == 1);
        usleep(1000);
    }
    CHECK(read(fd, &r, sizeof(r)) == sizeof(r));
    CHECK(r.type == XS_READ && r.req_id == 42 && r.len == 0);
    /* 200 requests in one write; 200 replies in order. */
    total = 200 * sizeof(out);
    big = malloc(total);
    for ( i = 0; i < 200; i++ )
    {
        m.req_id = (uint32_t)i;
        memcpy(out, &m, sizeof(m));
        memcpy(big + (size_t)i * sizeof(out), out, sizeof(out));
    }
    CHECK(write(fd, big, total) == (ssize_t)total);
    p = big;
    total = 200 * sizeof(r);
    while ( off < total )
    {
        ssize_t n = read(fd, p + off, total - off);

        CHECK(n > 0);
        off += (size_t)n;
    }
    for ( i = 0; i < 200; i++ )
    {
        memcpy(&r, p + (size_t)i * sizeof(r), sizeof(r));
        CHECK(r.req_id == (uint32_t)i && r.type == XS_READ);
    }
    free(big);
    close(fd);
}

/*
 * A watcher that never reads must neither block the daemon nor make it
 * grow without bound: the writer keeps going at full speed and the
 * watcher is cut off once its queue passes the limit.
 */
static void t_slow_watcher(void)
{
    struct xsc *w = xsc_open(sockp), *h = xsc_open(sockp);
    char val[1000];
    long t0;
    int i;

    CHECK(w && h);
    CHECK(!xsc_watch(w, "/slow", "t"));
    memset(val, 'v', sizeof(val));
    t0 = now_ms();
    for ( i = 0; i < 3000; i++ )
        CHECK(!xsc_write(h, 0, "/slow/node-with-a-long-name-to-fill-queues",
                         val, sizeof(val)));
    CHECK(now_ms() - t0 < 20000);
    CHECK(closed_within(xsc_fileno(w), 2000));
    xsc_close(w);
    xsc_close(h);
}

/* Concurrent increments in transactions: none lost, none doubled. */
static void t_concurrent_tx(void)
{
    const int procs = 6, each = 40;
    struct xsc *h = xsc_open(sockp);
    char *v;
    int i, status, bad = 0;

    CHECK(h);
    CHECK(!xsc_write(h, 0, "/counter", "0", 1));
    for ( i = 0; i < procs; i++ )
        if ( fork() == 0 )
        {
            struct xsc *c = xsc_open(sockp);
            int k, r;

            if ( !c )
                _exit(1);
            for ( k = 0; k < each; )
            {
                uint32_t tx;
                char *cur, buf[16];

                if ( xsc_transaction_start(c, &tx) )
                    _exit(2);
                cur = xsc_read(c, tx, "/counter", NULL);
                if ( !cur )
                    _exit(3);
                snprintf(buf, sizeof(buf), "%d", atoi(cur) + 1);
                free(cur);
                if ( xsc_write(c, tx, "/counter", buf,
                               (unsigned int)strlen(buf)) )
                    _exit(4);
                r = xsc_transaction_end(c, tx, true);
                if ( r == 0 )
                    k++;
                else if ( r != -EAGAIN )
                    _exit(5);
            }
            xsc_close(c);
            _exit(0);
        }
    for ( i = 0; i < procs; i++ )
    {
        wait(&status);
        if ( !WIFEXITED(status) || WEXITSTATUS(status) )
            bad++;
    }
    CHECK(!bad);
    CHECK((v = xsc_read(h, 0, "/counter", NULL)));
    CHECK(atoi(v) == procs * each);
    free(v);
    xsc_close(h);
}

static void t_restart(void)
{
    struct xsc *h = xsc_open(sockp);
    char *v, p[400];
    int i, fd;

    CHECK(h);
    for ( i = 0; i < 50; i++ )
    {
        snprintf(p, sizeof(p), "/local/domain/%d/name", i + 1);
        CHECK(!xsc_write(h, 0, p, "guest", 5));
    }
    CHECK(!xsc_rm(h, 0, "/local/domain/50"));
    CHECK(!xsc_introduce(h, 7, 99, 3));
    xsc_close(h);
    /* A crash: no chance to write a snapshot. */
    stop_daemon(SIGKILL);
    CHECK(!start_daemon(NULL));
    CHECK((h = xsc_open(sockp)));
    CHECK((v = xsc_read(h, 0, "/local/domain/49/name", NULL)));
    CHECK(!strcmp(v, "guest"));
    free(v);
    CHECK(!xsc_read(h, 0, "/local/domain/50", NULL) && errno == ENOENT);
    {
        bool yes;

        CHECK(!xsc_is_introduced(h, 7, &yes) && yes);
    }
    CHECK(!xsc_write(h, 0, "/after-crash", "1", 1));
    xsc_close(h);
    /* Orderly stop, then a torn journal tail from a "crash mid-write". */
    CHECK(stop_daemon(SIGTERM) == 0);
    snprintf(p, sizeof(p), "%s/journal", state);
    fd = open(p, O_WRONLY | O_APPEND);
    CHECK(fd >= 0);
    CHECK(write(fd, "\x10\0\0\0\x01\x02", 6) == 6);
    close(fd);
    CHECK(!start_daemon(NULL));
    CHECK((h = xsc_open(sockp)));
    CHECK((v = xsc_read(h, 0, "/after-crash", NULL)));
    free(v);
    CHECK((v = xsc_read(h, 0, "/local/domain/1/name", NULL)));
    free(v);
    xsc_close(h);
}

static void t_env_path(void)
{
    struct xsc *h;
    char *v;

    /* The client library honours XENSTORED_PATH like libxenstore. */
    setenv("XENSTORED_PATH", sockp, 1);
    CHECK((h = xsc_open(NULL)));
    CHECK((v = xsc_read(h, 0, "/tool", NULL)));
    free(v);
    xsc_close(h);
    unsetenv("XENSTORED_PATH");
}

/* The daemon's CPU time so far, in clock ticks. */
static long daemon_ticks(void)
{
    char path[64], buf[1024], *p;
    unsigned long ut = 0, st = 0;
    FILE *f;
    size_t n;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)dpid);
    if ( !(f = fopen(path, "r")) )
        return -1;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* Fields 14 and 15, counted from the state after the command name. */
    if ( !(p = strrchr(buf, ')')) ||
         sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
                &ut, &st) != 2 )
        return -1;
    return (long)(ut + st);
}

/*
 * A client that pipelines requests and reads no replies is throttled with
 * requests still buffered, another is connected and silent, a third shut
 * down its reading side before its reply: the daemon must then sleep, not
 * spin.
 */
static void t_throttled_idle(void)
{
    enum { N = 1500 };
    struct xsc *h = xsc_open(sockp);
    struct xsd_sockmsg m = { XS_READ, 0, 0, 8 }, r;
    char val[2000], *big, body[sizeof(val)];
    int fd = raw_connect(), i;
    /* Connected and silent: nothing to do for it either. */
    int idle = raw_connect();
    /* Will not take its reply: the daemon must drop it, not retry. */
    int deaf = raw_connect();
    struct xsd_sockmsg q = { XS_READ, 1, 0, 6 };
    size_t off = 0, total;
    long t0, t1;

    CHECK(h && fd >= 0 && idle >= 0 && deaf >= 0);
    CHECK(!shutdown(deaf, SHUT_RD));
    CHECK(write(deaf, &q, sizeof(q)) == sizeof(q) &&
          write(deaf, "/tool", 6) == 6);
    memset(val, 'v', sizeof(val));
    CHECK(!xsc_write(h, 0, "/spin/v", val, sizeof(val)));
    xsc_close(h);
    total = N * (sizeof(m) + 8);
    big = malloc(total);
    for ( i = 0; i < N; i++ )
    {
        m.req_id = (uint32_t)i;
        memcpy(big + off, &m, sizeof(m));
        memcpy(big + off + sizeof(m), "/spin/v", 8);
        off += sizeof(m) + 8;
    }
    CHECK(write(fd, big, total) == (ssize_t)total);
    free(big);
    usleep(300000);
    t0 = daemon_ticks();
    usleep(800000);
    t1 = daemon_ticks();
    CHECK(t0 >= 0 && t1 >= 0);
    if ( t1 - t0 > 10 )
        snprintf(why, sizeof(why), "daemon used %ld ticks while idle",
                 t1 - t0);
    CHECK(t1 - t0 <= 10);
    /* Every reply still comes, in order. */
    for ( i = 0; i < N; i++ )
    {
        CHECK(read(fd, &r, sizeof(r)) == sizeof(r));
        CHECK(r.req_id == (uint32_t)i && r.len == sizeof(val));
        for ( off = 0; off < sizeof(val); )
        {
            ssize_t n = read(fd, body + off, sizeof(val) - off);

            CHECK(n > 0);
            off += (size_t)n;
        }
    }
    close(fd);
    close(idle);
    close(deaf);
}

/*
 * 4096 connections at once are served, every one of them; more are
 * refused (closed), not left waiting.
 */
#define MAX_CONNS 4096
static void t_max_conns(void)
{
    enum { N = MAX_CONNS + 4 };
    struct xsd_sockmsg m = { XS_READ, 1, 0, 6 };
    char req[sizeof(m) + 6], buf[256];
    struct pollfd *p = calloc(N, sizeof(*p));
    int i, left = 0, answered = 0, closed = 0;
    long end;
    struct xsc *h = NULL;

    CHECK(p);
    memcpy(req, &m, sizeof(m));
    memcpy(req + sizeof(m), "/tool", 6);
    for ( i = 0; i < N; i++ )
    {
        p[i].fd = raw_connect();
        p[i].events = POLLIN;
        CHECK(p[i].fd >= 0);
    }
    for ( i = 0; i < N; i++ )
    {
        /* A refused connection may already be gone. */
        if ( write(p[i].fd, req, sizeof(req)) != sizeof(req) )
            continue;
    }
    end = now_ms() + 10000;
    for ( left = N; left && now_ms() < end; )
    {
        if ( poll(p, N, 100) <= 0 )
            continue;
        for ( i = 0; i < N; i++ )
            if ( p[i].fd >= 0 && p[i].revents )
            {
                if ( read(p[i].fd, buf, sizeof(buf)) > 0 )
                    answered++;
                else
                    closed++;
                /* Kept open: a slot freed now could hide a starved one. */
                p[i].fd = -p[i].fd - 1;
                left--;
            }
    }
    for ( i = 0; i < N; i++ )
        close(p[i].fd < 0 ? -p[i].fd - 1 : p[i].fd);
    free(p);
    snprintf(why, sizeof(why), "%d answered, %d refused, %d left waiting",
             answered, closed, left);
    CHECK(!left);
    /* Earlier tests' connections may not all be reaped yet. */
    CHECK(answered <= MAX_CONNS && answered >= MAX_CONNS - 2);
    why[0] = '\0';
    /* Until the daemon has seen them all go, new clients may be refused. */
    for ( end = now_ms() + 5000; now_ms() < end; usleep(20000) )
    {
        char *v;

        if ( (h = xsc_open(sockp)) && (v = xsc_read(h, 0, "/tool", NULL)) )
        {
            free(v);
            break;
        }
        xsc_close(h);
        h = NULL;
    }
    CHECK(h);
    xsc_close(h);
}

int main(int argc, char **argv)
{
    char cmd[600];
    struct rlimit rl;
    bool files_for_conns = false;

    if ( argc < 2 )
    {
        fprintf(stderr, "usage: test_sock XENSTORED\n");
        return 2;
    }
    daemon_bin = argv[1];
    signal(SIGPIPE, SIG_IGN);
    /* Room for MAX_CONNS clients here and in the daemon (it inherits it). */
    if ( !getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_max >= MAX_CONNS + 100 )
    {
        rl.rlim_cur = rl.rlim_max < 2 * MAX_CONNS ? rl.rlim_max
                                                   : 2 * MAX_CONNS;
        files_for_conns = !setrlimit(RLIMIT_NOFILE, &rl);
    }
    snprintf(dir, sizeof(dir), "/tmp/xs-sock.XXXXXX");
    if ( !mkdtemp(dir) )
        return 1;
    snprintf(sockp, sizeof(sockp), "%s/socket", dir);
    snprintf(state, sizeof(state), "%s/state", dir);
    if ( start_daemon(NULL) )
    {
        printf("FAIL: sock_start: daemon did not come up\n");
        stop_daemon(SIGKILL);
        return 1;
    }
    run("sock_client_lib", t_client_lib);
    run("sock_big_directory", t_big_directory);
    run("sock_oversized_message", t_oversized);
    run("sock_truncated_message", t_truncated);
    run("sock_garbage", t_garbage);
    run("sock_dribble_and_pipeline", t_dribble_pipeline);
    run("sock_slow_watcher", t_slow_watcher);
    run("sock_concurrent_transactions", t_concurrent_tx);
    run("sock_restart_persistence", t_restart);
    run("sock_xenstored_path_env", t_env_path);
    run("sock_throttled_client_idle", t_throttled_idle);
    if ( files_for_conns )
        run("sock_max_connections", t_max_conns);
    else
        printf("SKIP: sock_max_connections: RLIMIT_NOFILE too low\n");
    /* Orderly exit must be clean (sanitizers report through status). */
    if ( stop_daemon(SIGTERM) != 0 )
    {
        printf("FAIL: sock_clean_exit: daemon exit status not 0\n");
        nfail++;
    }
    else
        printf("PASS: sock_clean_exit\n");
    if ( nfail )
    {
        snprintf(cmd, sizeof(cmd), "sed 's/^/daemon: /' %s/daemon.log", dir);
        if ( system(cmd) )
            nfail++;
    }
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if ( system(cmd) )
        return 1;
    return nfail ? 1 : 0;
}
