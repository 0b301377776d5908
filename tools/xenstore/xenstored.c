/* SPDX-License-Identifier: GPL-2.0-only */
/* xenstored: option parsing, the unix-socket transport and the poll loop. */
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "xsd.h"
#include "xsd_xen.h"

#define DEFAULT_SOCKET "/var/run/xenstored/socket"
#define DEFAULT_STATE_DIR "/var/lib/xenstored"
#define MAX_CONNS 4096

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* ---- Unix socket transport: always dom0, hence privileged ---- */

/*
 * Reads go through a small buffer so that a burst of requests costs one
 * recv() rather than two per message.  Buffered bytes are invisible to
 * poll(), so the loop below also visits connections that still have some.
 */
struct sock
{
    int fd;
    size_t off, len;
    char buf[16384];
};

static ssize_t sock_read(struct xsd_conn *c, void *buf, size_t len)
{
    struct sock *s = c->priv;
    ssize_t n;

    if ( s->off == s->len )
    {
        n = recv(s->fd, s->buf, sizeof(s->buf), MSG_DONTWAIT);
        if ( n == 0 )
            return -1;
        if ( n < 0 )
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR
                   ? 0 : -1;
        s->off = 0;
        s->len = (size_t)n;
    }
    if ( len > s->len - s->off )
        len = s->len - s->off;
    memcpy(buf, s->buf + s->off, len);
    s->off += len;
    return (ssize_t)len;
}

static ssize_t sock_write(struct xsd_conn *c, const void *buf, size_t len)
{
    struct sock *s = c->priv;
    ssize_t n = send(s->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);

    if ( n >= 0 )
        return n;
    if ( errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR )
        return 0;
    return -1;
}

static void sock_destroy(struct xsd_conn *c)
{
    struct sock *s = c->priv;

    close(s->fd);
    free(s);
}

static const struct xsd_conn_ops sock_ops = {
    .name = "socket",
    .read = sock_read,
    .write = sock_write,
    .destroy = sock_destroy,
};

static int sock_fd(const struct xsd_conn *c)
{
    return c->ops == &sock_ops ? ((struct sock *)c->priv)->fd : -1;
}

static bool sock_buffered(const struct xsd_conn *c)
{
    const struct sock *s = c->priv;

    return c->ops == &sock_ops && s->off < s->len;
}

static int mkdirs(const char *path)
{
    char buf[4096], *p;

    snprintf(buf, sizeof(buf), "%s", path);
    for ( p = buf + 1; *p; p++ )
        if ( *p == '/' )
        {
            *p = '\0';
            mkdir(buf, 0755);
            *p = '/';
        }
    return mkdir(buf, 0755) && errno != EEXIST ? -1 : 0;
}

static int listen_on(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    char dir[sizeof(sa.sun_path)], *slash;
    int fd;

    if ( strlen(path) >= sizeof(sa.sun_path) )
    {
        fprintf(stderr, "xenstored: socket path too long: %s\n", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    strcpy(dir, path);
    if ( (slash = strrchr(dir, '/')) && slash != dir )
    {
        *slash = '\0';
        mkdirs(dir);
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if ( fd < 0 )
        return -1;
    unlink(path);
    if ( bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || chmod(path, 0600) ||
         listen(fd, 128) )
    {
        fprintf(stderr, "xenstored: cannot listen on %s: %s\n", path,
                strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static void log_stderr(struct xsd *d, const char *msg)
{
    (void)d;
    fprintf(stderr, "xenstored: %s\n", msg);
}

/* Prints the usage on f; frees d and gives back status, to exit with. */
static int usage(FILE *f, struct xsd *d, int status)
{
    xsd_destroy(d);
    fprintf(f,
"Usage: xenstored [options]\n"
"  -s, --socket PATH        listen here (default $XENSTORED_PATH or\n"
"                           " DEFAULT_SOCKET ")\n"
"  -S, --state-dir DIR      keep the tree in DIR (default " DEFAULT_STATE_DIR
")\n"
"      --no-persist         keep the tree in memory only\n"
"      --sync MODE          always | periodic (default) | never\n"
"  -p, --pid-file FILE      write our pid here once listening\n"
"  -N, --no-domain-init     leave Xen alone: serve the socket only (no\n"
"                           rings, not dom0's kernel, no death watch)\n"
"  -v, --verbose            log more (twice: every request)\n"
"      --quota-nodes N      nodes per unprivileged domain (1000)\n"
"      --quota-node-size N  bytes per node (2048)\n"
"      --quota-watches N    watches per unprivileged connection (128)\n"
"      --quota-transactions N  open transactions per conn. (10)\n"
"      --quota-outq BYTES   queued output before a client is cut (1 MiB)\n");
    return status;
}

/*
 * Started with a standard descriptor closed, the next file opened would
 * take its place: the journal on fd 2 would get every log line, and the
 * records after the first would be lost at the next start.
 */
static int stdio_open(void)
{
    int fd;

    for ( fd = 0; fd <= 2; fd++ )
        if ( fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd )
            return -1;
    return 0;
}

static unsigned long num_arg(const char *s)
{
    unsigned long v;

    if ( !xs_parse_uint(s, 0x7fffffffUL, &v) )
    {
        fprintf(stderr, "xenstored: bad number: %s\n", s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    enum { OPT_NOPERSIST = 256, OPT_SYNC, OPT_QN, OPT_QS, OPT_QW, OPT_QT,
           OPT_QO };
    static const struct option opts[] = {
        { "socket", required_argument, NULL, 's' },
        { "state-dir", required_argument, NULL, 'S' },
        { "no-persist", no_argument, NULL, OPT_NOPERSIST },
        { "sync", required_argument, NULL, OPT_SYNC },
        { "pid-file", required_argument, NULL, 'p' },
        { "no-domain-init", no_argument, NULL, 'N' },
        { "verbose", no_argument, NULL, 'v' },
        { "quota-nodes", required_argument, NULL, OPT_QN },
        { "quota-node-size", required_argument, NULL, OPT_QS },
        { "quota-watches", required_argument, NULL, OPT_QW },
        { "quota-transactions", required_argument, NULL, OPT_QT },
        { "quota-outq", required_argument, NULL, OPT_QO },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *sockpath = getenv("XENSTORED_PATH");
    const char *statedir = DEFAULT_STATE_DIR, *pidfile = NULL;
    enum xsd_sync sync = XSD_SYNC_PERIODIC;
    struct pollfd *pfd;
    struct xsd_conn **pconn, *c;
    struct xsd *d;
    struct xsd_xen *xen = NULL;
    struct sigaction sa;
    int opt, lfd, timeout, n, i, r, xfd = -1;
    bool more, xmore, no_xen = false;

    if ( stdio_open() )
        return 1;
    d = xsd_create();
    d->log = log_stderr;
    if ( !sockpath || !*sockpath )
        sockpath = DEFAULT_SOCKET;
    while ( (opt = getopt_long(argc, argv, "s:S:p:Nvh", opts, NULL)) != -1 )
    {
        switch ( opt )
        {
        case 's': sockpath = optarg; break;
        case 'S': statedir = optarg; break;
        case OPT_NOPERSIST: statedir = NULL; break;
        case OPT_SYNC:
            if ( !strcmp(optarg, "always") )
                sync = XSD_SYNC_ALWAYS;
            else if ( !strcmp(optarg, "periodic") )
                sync = XSD_SYNC_PERIODIC;
            else if ( !strcmp(optarg, "never") )
                sync = XSD_SYNC_NEVER;
            else
                return usage(stderr, d, 2);
            break;
        case 'p': pidfile = optarg; break;
        case 'N': no_xen = true; break;
        case 'v': d->verbose++; break;
        case OPT_QN: d->quota.nodes = (unsigned int)num_arg(optarg); break;
        case OPT_QS: d->quota.node_size = (unsigned int)num_arg(optarg); break;
        case OPT_QW: d->quota.watches = (unsigned int)num_arg(optarg); break;
        case OPT_QT:
            d->quota.transactions = (unsigned int)num_arg(optarg);
            break;
        case OPT_QO:
            d->quota.outq_hard = num_arg(optarg);
            if ( d->quota.outq_hard < 8192 )
                d->quota.outq_hard = 8192;
            d->quota.outq_soft = d->quota.outq_hard / 16;
            break;
        case 'h': return usage(stdout, d, 0);
        default: return usage(stderr, d, 2);
        }
    }
    if ( optind != argc )
        return usage(stderr, d, 2);

    if ( statedir )
    {
        if ( mkdirs(statedir) ||
             xsd_persist_open(d, statedir, sync) )
        {
            fprintf(stderr, "xenstored: cannot use state directory %s: %s\n",
                    statedir, strerror(errno));
            return 1;
        }
    }
    else
        xsd_default_tree(d);

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);

    lfd = listen_on(sockpath);
    if ( lfd < 0 )
        return 1;
    if ( pidfile )
    {
        FILE *f = fopen(pidfile, "w");

        if ( f )
        {
            fprintf(f, "%d\n", (int)getpid());
            fclose(f);
        }
    }
    if ( d->verbose )
        xsd_log(d, "listening on %s", sockpath);
    /* On Xen: guests' rings, dom0's kernel, domain deaths. */
    if ( !no_xen && (xen = xsd_xen_open(d)) )
        xfd = xsd_xen_fd(xen);

    pfd = calloc(MAX_CONNS + 2, sizeof(*pfd));
    pconn = calloc(MAX_CONNS + 2, sizeof(*pconn));
    if ( !pfd || !pconn )
        return 1;
    more = false;
    xmore = xen != NULL;
    while ( !stop )
    {
        n = 0;
        pfd[n].fd = lfd;
        pfd[n].events = POLLIN;
        pconn[n++] = NULL;
        pfd[n].fd = xfd;
        pfd[n].events = POLLIN;
        pconn[n++] = NULL;
        for ( c = d->conns; c && n <= MAX_CONNS + 1; c = c->next )
        {
            if ( sock_fd(c) < 0 )
                continue;
            pfd[n].fd = sock_fd(c);
            pfd[n].events = (short)((xsd_conn_wants_input(c) ? POLLIN : 0) |
                                    (xsd_conn_wants_output(c) ? POLLOUT : 0));
            pconn[n++] = c;
            if ( sock_buffered(c) && xsd_conn_wants_input(c) )
                more = true;
        }
        timeout = xsd_persist_tick(d);
        if ( more || xmore )
            timeout = 0;
        r = poll(pfd, (nfds_t)n, timeout);
        if ( r < 0 && errno != EINTR )
        {
            xsd_log(d, "poll: %s", strerror(errno));
            break;
        }
        more = false;
        if ( r < 0 )
            continue;
        /*
         * dom0's sockets first, their replies out before the guests'
         * turn: a flooding guest then delays dom0 by at most one turn's
         * few requests (XSD_RING_BUDGET).
         */
        for ( i = 2; i < n; i++ )
        {
            c = pconn[i];
            if ( (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) ||
                 (sock_buffered(c) && xsd_conn_wants_input(c)) )
                more |= xsd_conn_input(c);
            if ( pfd[i].revents & POLLNVAL )
                c->dead = true;
            if ( xsd_conn_wants_output(c) )
                xsd_conn_output(c);
        }
        /* Ring connections have no descriptor: the event channel's. */
        xmore = xen && ((pfd[1].revents & POLLIN) || xmore) &&
                xsd_xen_events(xen);
        /* Replies and events may be queued on any connection by now. */
        for ( c = d->conns; c; c = c->next )
            if ( xsd_conn_wants_output(c) )
                xsd_conn_output(c);
        xsd_reap(d);
        if ( pfd[0].revents & POLLIN )
        {
            const int flags = SOCK_NONBLOCK | SOCK_CLOEXEC;
            unsigned int count = 0;
            int fd;

            for ( c = d->conns; c; c = c->next )
                count++;
            while ( (fd = accept4(lfd, NULL, NULL, flags)) >= 0 )
            {
                struct sock *s;

                if ( count >= MAX_CONNS )
                {
                    xsd_log(d, "too many connections; refusing one");
                    close(fd);
                    continue;
                }
                s = calloc(1, sizeof(*s));
                if ( !s )
                    abort();
                s->fd = fd;
                c = xsd_conn_new(d, &sock_ops, s, 0);
                count++;
                if ( d->verbose )
                    xsd_log(d, "connection %u accepted", c->id);
            }
        }
    }
    if ( d->verbose )
        xsd_log(d, "exiting");
    close(lfd);
    unlink(sockpath);
    if ( d->persist )
        xsd_persist_snapshot(d);
    xsd_destroy(d);
    xsd_xen_close(xen);
    free(pfd);
    free(pconn);
    return 0;
}
