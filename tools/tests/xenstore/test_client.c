/* SPDX-License-Identifier: GPL-2.0-only */
/* The client library and xs-tool against a scripted fake xenstored: hangups,
 * odd replies, timeouts, signals and failed allocations. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "xs_client.h"
#include "check.h"

static char dir[256], sockp[300];
static const char *build;

/* ---- Failing allocations: the Makefile links with --wrap for these ---- */

void *__real_malloc(size_t n);
void *__wrap_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
void *__wrap_realloc(void *p, size_t n);

/* The allocation after this many more fails; -1: none fails. */
static int fail_in = -1;
static bool failed;

static bool fail_now(void)
{
    if ( fail_in < 0 )
        return false;
    if ( fail_in-- > 0 )
        return false;
    failed = true;
    errno = ENOMEM;
    return true;
}

void *__wrap_malloc(size_t n)
{
    return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t k, size_t n)
{
    return fail_now() ? NULL : __real_calloc(k, n);
}

void *__wrap_realloc(void *p, size_t n)
{
    return fail_now() ? NULL : __real_realloc(p, n);
}

static void fail_after(int n)
{
    fail_in = n;
    failed = false;
}

/* ---- The fake daemon: a child serving each connection with a script ---- */

typedef void serve_fn(int fd);

/* Shared with the server child: how many requests it saw. */
struct seen
{
    unsigned int requests;
};
static struct seen *seen;
static pid_t server;

static bool get_all(int fd, void *buf, size_t len)
{
    char *p = buf;
    ssize_t n;

    while ( len )
    {
        n = read(fd, p, len);
        if ( n <= 0 )
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* Next request; its body (nul-terminated) in body. */
static bool get_req(int fd, struct xsd_sockmsg *m, char *body)
{
    if ( !get_all(fd, m, sizeof(*m)) || m->len > XENSTORE_PAYLOAD_MAX ||
         !get_all(fd, body, m->len) )
        return false;
    body[m->len] = '\0';
    seen->requests++;
    return true;
}

static void put_msg(int fd, uint32_t type, uint32_t req_id, const void *p,
                    uint32_t len)
{
    struct xsd_sockmsg m = { type, req_id, 0, len };

    if ( write(fd, &m, sizeof(m)) != sizeof(m) ||
         (len && write(fd, p, len) != (ssize_t)len) )
        _exit(1);
}

static bool fake_start(serve_fn *serve)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int lfd = socket(AF_UNIX, SOCK_STREAM, 0), fd;

    memset(seen, 0, sizeof(*seen));
    strcpy(sa.sun_path, sockp);
    unlink(sockp);
    if ( lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
         listen(lfd, 16) )
        return false;
    server = fork();
    if ( server == 0 )
    {
        /* Gone with the test, even when the test is killed. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        while ( (fd = accept(lfd, NULL, NULL)) >= 0 )
        {
            serve(fd);
            close(fd);
        }
        _exit(0);
    }
    close(lfd);
    return server > 0;
}

static void fake_stop(void)
{
    if ( server > 0 )
    {
        kill(server, SIGKILL);
        waitpid(server, NULL, 0);
    }
    server = 0;
    unlink(sockp);
}

static void run(const char *name, void (*fn)(void))
{
    why[0] = '\0';
    fn();
    fake_stop();
    fail_after(-1);
    report(name);
}

/* ------------------------------------------------------------------ */

/* Hangs up after the request, or after half a reply header. */
static void serve_hangup(int fd)
{
    struct xsd_sockmsg m;
    char body[XENSTORE_PAYLOAD_MAX + 1];

    if ( get_req(fd, &m, body) && !strcmp(body, "/half") )
    {
        if ( write(fd, &m, 8) != 8 )
            _exit(1);
    }
}

static void t_hangup(void)
{
    struct xsc *h;

    CHECK(fake_start(serve_hangup));
    CHECK((h = xsc_open(sockp)));
    errno = 0;
    CHECK(!xsc_read(h, 0, "/x", NULL) && errno == ECONNRESET);
    xsc_close(h);
    CHECK((h = xsc_open(sockp)));
    errno = 0;
    CHECK(xsc_write(h, 0, "/half", "v", 1) == -ECONNRESET);
    xsc_close(h);
}

/*
 * Replies out of the ordinary: an error, a stale reply before ours, a
 * watch event before ours, a reply of another type, an oversized one.
 */
static void serve_odd(int fd)
{
    struct xsd_sockmsg m;
    char body[XENSTORE_PAYLOAD_MAX + 1];

    while ( get_req(fd, &m, body) )
    {
        if ( !strcmp(body, "/err") )
            put_msg(fd, XS_ERROR, m.req_id, "EACCES", 7);
        else if ( !strcmp(body, "/bogus-err") )
            put_msg(fd, XS_ERROR, m.req_id, "EWHATEVER", 10);
        else if ( !strcmp(body, "/stale") )
        {
            put_msg(fd, XS_READ, m.req_id - 1, "old", 3);
            put_msg(fd, XS_WATCH_EVENT, 0, "/w\0tok", 7);
            put_msg(fd, XS_READ, m.req_id, "new", 3);
        }
        else if ( !strcmp(body, "/type") )
            put_msg(fd, XS_DIRECTORY, m.req_id, "", 0);
        else if ( !strcmp(body, "/huge") )
        {
            struct xsd_sockmsg r = { XS_READ, m.req_id, 0,
                                     XENSTORE_PAYLOAD_MAX + 1 };

            if ( write(fd, &r, sizeof(r)) != sizeof(r) )
                _exit(1);
        }
        else
            put_msg(fd, m.type, m.req_id, "OK", 3);
    }
}

static void t_odd_replies(void)
{
    struct xsc *h;
    char *v, *buf;
    const char *p, *t;
    unsigned int len;

    CHECK(fake_start(serve_odd));
    CHECK((h = xsc_open(sockp)));
    errno = 0;
    CHECK(!xsc_read(h, 0, "/err", NULL) && errno == EACCES);
    errno = 0;
    CHECK(!xsc_read(h, 0, "/bogus-err", NULL) && errno == EINVAL);
    CHECK((v = xsc_read(h, 0, "/stale", &len)));
    CHECK(len == 3 && !strcmp(v, "new"));
    free(v);
    CHECK(xsc_event_pending(h));
    CHECK(!xsc_read_watch(h, &buf, &p, &t, 0));
    CHECK(!strcmp(p, "/w") && !strcmp(t, "tok"));
    free(buf);
    CHECK(!xsc_event_pending(h));
    errno = 0;
    CHECK(!xsc_read(h, 0, "/type", NULL) && errno == EPROTO);
    errno = 0;
    CHECK(!xsc_read(h, 0, "/huge", NULL) && errno == EPROTO);
    xsc_close(h);
}

/*
 * A directory that changes between every two DIRECTORY_PART requests:
 * the client starts over 100 times, then gives up with EAGAIN.
 */
static void serve_changing_dir(int fd)
{
    struct xsd_sockmsg m;
    char body[XENSTORE_PAYLOAD_MAX + 1], r[64];
    unsigned int gen = 0;

    while ( get_req(fd, &m, body) )
    {
        if ( m.type == XS_DIRECTORY )
            put_msg(fd, XS_ERROR, m.req_id, "E2BIG", 6);
        else
        {
            int n = snprintf(r, sizeof(r), "%u", ++gen);

            /* One name, without the extra nul of a last chunk. */
            memcpy(r + n + 1, "a", 2);
            put_msg(fd, m.type, m.req_id, r, (uint32_t)n + 3);
        }
    }
}

static void t_directory_changing(void)
{
    struct xsc *h;
    unsigned int n;

    CHECK(fake_start(serve_changing_dir));
    CHECK((h = xsc_open(sockp)));
    CHECK(!xsc_directory(h, 0, "/d", &n) && errno == EAGAIN);
    /* DIRECTORY, then a first pass and 100 restarts of two requests. */
    CHECK(seen->requests == 1 + 2 + 100 * 2);
    xsc_close(h);
}

/* Answers a WATCH at once and sends its event 300 ms later. */
static void serve_late_event(int fd)
{
    struct xsd_sockmsg m;
    char body[XENSTORE_PAYLOAD_MAX + 1];

    while ( get_req(fd, &m, body) )
    {
        put_msg(fd, m.type, m.req_id, "OK", 3);
        if ( m.type == XS_WATCH )
        {
            usleep(300000);
            /* "/gone": hang up instead; "/never": send nothing. */
            if ( !strcmp(body, "/gone") )
                return;
            if ( !strcmp(body, "/never") )
                continue;
            put_msg(fd, XS_WATCH_EVENT, 0, "/late\0t", 8);
        }
    }
}

static void t_watch_timeout(void)
{
    struct xsc *h;
    char *buf;
    const char *p, *t;
    long t0;

    CHECK(fake_start(serve_late_event));
    CHECK((h = xsc_open(sockp)));
    /* Nothing comes: the timeout is honoured. */
    t0 = now_ms();
    CHECK(xsc_read_watch(h, &buf, &p, &t, 150) == -ETIMEDOUT);
    CHECK(now_ms() - t0 >= 140 && now_ms() - t0 < 3000);
    /* An event within the timeout is waited for. */
    CHECK(!xsc_watch(h, "/late", "t"));
    CHECK(!xsc_read_watch(h, &buf, &p, &t, 5000));
    CHECK(!strcmp(p, "/late"));
    free(buf);
    xsc_close(h);
}

static void on_alarm(int sig)
{
    (void)sig;
}

/*
 * A signal interrupts the wait for an event; the wait goes on, and ends
 * with the event, with ECONNRESET when the daemon hangs up (path "/gone")
 * or at the timeout when nothing comes ("/never").
 */
static void watch_signal(const char *path)
{
    pid_t pid;
    int status = -1;
    long end;

    CHECK(fake_start(serve_late_event));
    pid = fork();
    if ( pid == 0 )
    {
        struct sigaction sa = { .sa_handler = on_alarm };
        struct itimerval it = { .it_value = { 0, 100000 } };
        struct xsc *h = xsc_open(sockp);
        char *buf;
        const char *p, *t;
        int r;

        sigaction(SIGALRM, &sa, NULL);      /* no SA_RESTART */
        if ( !h || xsc_watch(h, path, "t") )
            _exit(2);
        setitimer(ITIMER_REAL, &it, NULL);
        r = xsc_read_watch(h, &buf, &p, &t, strcmp(path, "/never") ? 5000
                                                                    : 400);
        if ( !strcmp(path, "/gone") ? r != -ECONNRESET
             : !strcmp(path, "/never") ? r != -ETIMEDOUT
             : r || strcmp(p, "/late") )
            _exit(3);
        /* errno may still say EINTR: the next request must not care. */
        if ( !r && xsc_write(h, 0, "/after", "1", 1) )
            _exit(4);
        _exit(0);
    }
    CHECK(pid > 0);
    end = now_ms() + 4000;
    while ( now_ms() < end && waitpid(pid, &status, WNOHANG) == 0 )
        usleep(10000);
    if ( status == -1 )
    {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    CHECK(status != -1);    /* not stuck */
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void t_watch_signal(void)
{
    static const char *const paths[] = { "/late", "/gone", "/never" };
    unsigned int i;

    for ( i = 0; i < 3 && !why[0]; i++ )
    {
        fake_stop();
        watch_signal(paths[i]);
    }
}

/* A small, well-behaved fake: enough of xenstored for every call. */
static void serve_store(int fd)
{
    struct xsd_sockmsg m;
    char body[XENSTORE_PAYLOAD_MAX + 1];

    while ( get_req(fd, &m, body) )
        switch ( m.type )
        {
        case XS_READ:
            put_msg(fd, m.type, m.req_id, "value", 5);
            break;
        case XS_DIRECTORY:
            put_msg(fd, m.type, m.req_id, "a\0b", 4);
            break;
        case XS_GET_PERMS:
            put_msg(fd, m.type, m.req_id, "n0\0r1", 6);
            break;
        case XS_TRANSACTION_START:
            put_msg(fd, m.type, m.req_id, "5", 2);
            break;
        case XS_CONTROL:
            /* "empty" gets an empty reply, as a daemon may give. */
            put_msg(fd, m.type, m.req_id, strcmp(body, "empty") ? "OK" : "",
                    strcmp(body, "empty") ? 3 : 0);
            break;
        default:
            put_msg(fd, m.type, m.req_id, "OK", 3);
        }
}

/* The client runs in programs that may have closed stdin. */
static void t_fd0(void)
{
    int save = dup(0);
    struct xsc *h;
    char *v = NULL;

    CHECK(save >= 0);
    CHECK(fake_start(serve_store));
    close(0);
    h = xsc_open(sockp);
    if ( h )
    {
        v = xsc_read(h, 0, "/x", NULL);
        xsc_close(h);
    }
    dup2(save, 0);
    close(save);
    CHECK(h);
    CHECK(v && !strcmp(v, "value"));
    free(v);
}

/*
 * A guest's /dev/xen/xenbus is a character device speaking the wire
 * protocol: a raw pty (also a character device) stands in for it, the
 * fake serving the master side.
 */
static void t_char_device(void)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY), slave = -1;
    struct termios tio;
    struct xsc *h = NULL;
    char *v = NULL, *name = NULL;
    int wrote = -1;

    memset(seen, 0, sizeof(*seen));
    if ( master >= 0 && !grantpt(master) && !unlockpt(master) &&
         (name = ptsname(master)) )
        slave = open(name, O_RDWR | O_NOCTTY);
    CHECK(slave >= 0);
    if ( slave < 0 )
        goto out;
    /* Raw: no echo, no line discipline between the two sides. */
    CHECK(!tcgetattr(slave, &tio));
    cfmakeraw(&tio);
    CHECK(!tcsetattr(slave, TCSANOW, &tio));
    server = fork();
    if ( server == 0 )
    {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        serve_store(master);
        _exit(0);
    }
    h = xsc_open(name);
    CHECK(h);
    if ( h )
    {
        v = xsc_read(h, 0, "name", NULL);
        wrote = xsc_write(h, 0, "data/x", "1", 1);
        xsc_close(h);
    }
    CHECK(v && !strcmp(v, "value"));
    CHECK(wrote == 0);
    CHECK(seen->requests == 2);
    free(v);
 out:
    if ( slave >= 0 )
        close(slave);
    if ( master >= 0 )
        close(master);
}

/*
 * Every call, with each of its allocations failing in turn: ENOMEM comes
 * back, nothing leaks, and the connection still works afterwards.
 */
static int call_one(struct xsc *h, int which)
{
    struct xs_perm perms[2] = { { 0, XS_PERM_NONE }, { 1, XS_PERM_READ } };
    struct xs_perm *got = NULL;
    unsigned int n;
    char *v, **kids;
    uint32_t tx;
    int r = 0;

    switch ( which )
    {
    case 0:
        v = xsc_read(h, 0, "/x", &n);
        r = v ? (n == 5 && !strcmp(v, "value") ? 0 : -EBADMSG) : -errno;
        free(v);
        break;
    case 1:
        r = xsc_write(h, 0, "/x", "value", 5);
        break;
    case 2:
        kids = xsc_directory(h, 0, "/", &n);
        r = kids ? (n == 2 && !strcmp(kids[1], "b") ? 0 : -EBADMSG) : -errno;
        free(kids);
        break;
    case 3:
        r = xsc_get_perms(h, 0, "/x", &got, &n);
        if ( !r && (n != 2 || got[1].id != 1 || got[1].perm != XS_PERM_READ) )
            r = -EBADMSG;
        free(got);
        break;
    case 4:
        r = xsc_set_perms(h, 0, "/x", perms, 2);
        break;
    case 5:
        r = xsc_mkdir(h, 0, "/x");
        break;
    case 6:
        r = xsc_rm(h, 0, "/x");
        break;
    case 7:
        r = xsc_watch(h, "/x", "t");
        break;
    case 8:
        r = xsc_transaction_start(h, &tx);
        if ( !r && tx != 5 )
            r = -EBADMSG;
        break;
    case 9:
        r = xsc_introduce(h, 3, 4, 5);
        break;
    case 10:
        v = xsc_control(h, "check", 6);
        r = v ? (strcmp(v, "OK") ? -EBADMSG : 0) : -errno;
        free(v);
        break;
    }
    return r;
}

static void t_alloc_failures(void)
{
    struct xsc *h;
    int which, k, r;

    CHECK(fake_start(serve_store));
    for ( k = 0; ; k++ )
    {
        fail_after(k);
        h = xsc_open(sockp);
        fail_in = -1;
        if ( !failed )
            break;
        CHECK(!h && errno == ENOMEM);
    }
    CHECK(h);
    for ( which = 0; which <= 10; which++ )
        for ( k = 0; ; k++ )
        {
            fail_after(k);
            r = call_one(h, which);
            fail_in = -1;
            if ( !failed )
            {
                if ( r )
                    snprintf(why, sizeof(why), "call %d gave %d", which, r);
                CHECK(r == 0);
                break;
            }
            if ( r != -ENOMEM )
                snprintf(why, sizeof(why),
                         "call %d, allocation %d failing: gave %d", which, k,
                         r);
            CHECK(r == -ENOMEM);
            r = call_one(h, 0);
            if ( r )
                snprintf(why, sizeof(why),
                         "call %d, allocation %d failing: next read gave %d",
                         which, k, r);
            CHECK(r == 0);
        }
    xsc_close(h);
}

/* A request too big for the wire is refused before anything is sent. */
static void t_size_limits(void)
{
    static char big[XENSTORE_PAYLOAD_MAX];
    struct xsc *h;

    CHECK(fake_start(serve_store));
    CHECK((h = xsc_open(sockp)));
    memset(big, 'v', sizeof(big));
    /* "/x" and its nul, then the value: 3 + 4093 bytes just fit. */
    CHECK(!xsc_write(h, 0, "/x", big, XENSTORE_PAYLOAD_MAX - 3));
    CHECK(xsc_write(h, 0, "/x", big, XENSTORE_PAYLOAD_MAX - 2) == -E2BIG);
    CHECK(xsc_request(h, XS_WRITE, 0, big, XENSTORE_PAYLOAD_MAX, NULL,
                      NULL) == 0);
    CHECK(xsc_request(h, XS_WRITE, 0, big, XENSTORE_PAYLOAD_MAX + 1, NULL,
                      NULL) == -E2BIG);
    CHECK(seen->requests == 2);
    xsc_close(h);
}

/* Runs build/ARGV[0] with ARGV; its exit status, its stdout in out. */
static int tool(char *out, size_t outlen, char *const *argv)
{
    char path[512];
    int p[2], status;
    ssize_t n;
    size_t got = 0;
    pid_t pid;

    snprintf(path, sizeof(path), "%s/%s", build, argv[0]);
    if ( pipe(p) )
        return -1;
    pid = fork();
    if ( pid == 0 )
    {
        int null = open("/dev/null", O_WRONLY);

        dup2(p[1], 1);
        dup2(null, 2);
        execv(path, argv);
        _exit(127);
    }
    close(p[1]);
    while ( got + 1 < outlen &&
            (n = read(p[0], out + got, outlen - got - 1)) > 0 )
        got += (size_t)n;
    out[got] = '\0';
    close(p[0]);
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

#define TOOL(out, ...) tool(out, sizeof(out), (char *[]){ __VA_ARGS__, NULL })

/* xs-control prints a reply as a line of its own, an empty one as nothing. */
static void t_tool_control(void)
{
    char out[256];

    CHECK(fake_start(serve_store));
    CHECK(TOOL(out, "xs-control", "-s", sockp, "check") == 0);
    CHECK(!strcmp(out, "OK\n"));
    CHECK(TOOL(out, "xs-control", "-s", sockp, "empty") == 0);
    CHECK(!strcmp(out, ""));
    /* Commands it does not know are usage errors: nothing is sent. */
    CHECK(TOOL(out, "xs-tool", "-s", sockp, "frob", "/x") == 2);
    CHECK(seen->requests == 2);
}

int main(int argc, char **argv)
{
    char cmd[300];

    if ( argc < 2 )
    {
        fprintf(stderr, "usage: test_client BUILD_DIR\n");
        return 2;
    }
    build = argv[1];
    signal(SIGPIPE, SIG_IGN);
    /* A client stuck on a desynchronised stream is a failure, not a hang. */
    alarm(20);
    seen = mmap(NULL, sizeof(*seen), PROT_READ | PROT_WRITE,
                MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    snprintf(dir, sizeof(dir), "/tmp/xs-client.XXXXXX");
    if ( seen == MAP_FAILED || !mkdtemp(dir) )
        return 1;
    snprintf(sockp, sizeof(sockp), "%s/socket", dir);
    run("client_server_hangs_up", t_hangup);
    run("client_odd_replies", t_odd_replies);
    run("client_directory_keeps_changing", t_directory_changing);
    run("client_watch_timeout", t_watch_timeout);
    run("client_watch_interrupted", t_watch_signal);
    run("client_stdin_closed", t_fd0);
    run("client_char_device", t_char_device);
    run("client_allocation_failures", t_alloc_failures);
    run("client_size_limits", t_size_limits);
    run("client_tool_control_reply", t_tool_control);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if ( system(cmd) )
        return 1;
    return nfail ? 1 : 0;
}
