/* SPDX-License-Identifier: GPL-2.0-only */
/* xenconsoled: every guest's PV console to a log and a pty; Xen's to a log. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <public/grant_table.h>

#include "cons.h"
#include "xen_dev.h"
#include "xs_client.h"

#define MAX_DOMS 1024

struct dom
{
    struct dom *next;
    uint32_t domid, lport;
    char name[128];
    struct xd_map map;
    struct cons c;
    int pty_slave;
    bool logged_throttle;
};

static struct xd xd;
static struct xsc *xs;
static struct dom *doms;
static const char *log_dir = "/var/log/xen/console";
static bool log_guest = true, log_hv = true;
static uint64_t rate = 256 * 1024, burst = 64 * 1024;
/* Size-based rotation of every log (0: none), keeping log_keep old ones. */
static uint64_t log_max_size;
static unsigned long log_keep = 4;
static uint64_t hv_written;
static int hv_fd = -1;
static uint32_t hv_index;
static volatile sig_atomic_t stop, reopen;

static void on_signal(int sig)
{
    if ( sig == SIGHUP )
        reopen = 1;
    else
        stop = 1;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fputs("xenconsoled: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Opens file in log_dir for appending; *size gets what it holds. */
static int open_log(const char *file, uint64_t *size)
{
    char path[512];
    struct stat st;
    int fd;

    snprintf(path, sizeof(path), "%s/%s", log_dir, file);
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    *size = fd >= 0 && !fstat(fd, &st) ? (uint64_t)st.st_size : 0;
    return fd;
}

/* Closes *fd, shifts file's old copies along and opens a fresh one. */
static void rotate_log(int *fd, const char *file, uint64_t *size)
{
    char path[512];

    snprintf(path, sizeof(path), "%s/%s", log_dir, file);
    if ( *fd >= 0 )
        close(*fd);
    if ( cons_rotate_files(path, (unsigned int)log_keep) )
        say("rotating %s: %s", path, strerror(errno));
    *fd = open_log(file, size);
}

static void dom_open_log(struct dom *d)
{
    char file[160];

    if ( !log_guest )
        return;
    snprintf(file, sizeof(file), "guest-%s.log", d->name);
    d->c.log_fd = open_log(file, &d->c.log_written);
}

/* cons_output's call once a guest's log has reached log_max_size. */
static void rotate_dom_log(void *opaque)
{
    struct dom *d = opaque;
    char file[160];

    snprintf(file, sizeof(file), "guest-%s.log", d->name);
    rotate_log(&d->c.log_fd, file, &d->c.log_written);
}

static void notify_dom(void *opaque)
{
    xd_notify(&xd, ((struct dom *)opaque)->lport);
}

static char *xs_get(const char *fmt, uint32_t domid)
{
    char path[128];

    snprintf(path, sizeof(path), fmt, (unsigned int)domid);
    return xsc_read(xs, 0, path, NULL);
}

static bool parse_u64(const char *s, uint64_t *v)
{
    char *end;

    if ( !s || !*s )
        return false;
    errno = 0;
    *v = strtoull(s, &end, 10);
    return !errno && !*end;
}

/* A pty in raw mode whose name toolstacks find in console/tty. */
static int open_pty(struct dom *d)
{
    struct termios t;
    char path[128];
    const char *name;
    int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);

    if ( m < 0 || grantpt(m) || unlockpt(m) || !(name = ptsname(m)) )
        goto fail;
    /* Holding the slave open keeps the master from reading EIO while no
     * one is attached. */
    d->pty_slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if ( d->pty_slave < 0 )
        goto fail;
    if ( !tcgetattr(d->pty_slave, &t) )
    {
        cfmakeraw(&t);
        tcsetattr(d->pty_slave, TCSANOW, &t);
    }
    snprintf(path, sizeof(path), "/local/domain/%u/console/tty",
             (unsigned int)d->domid);
    if ( xsc_write(xs, 0, path, name, (unsigned int)strlen(name)) )
        say("dom%u: cannot write %s", (unsigned int)d->domid, path);
    return m;

 fail:
    if ( m >= 0 )
        close(m);
    return -1;
}

static void dom_free(struct dom *d, const char *why)
{
    say("dom%u (%s): console closed: %s", (unsigned int)d->domid, d->name,
        why);
    xd_unbind(&xd, d->lport);
    xd_unmap_page(&xd, &d->map);
    if ( d->c.log_fd >= 0 )
        close(d->c.log_fd);
    if ( d->c.pty_fd >= 0 )
        close(d->c.pty_fd);
    if ( d->pty_slave >= 0 )
        close(d->pty_slave);
    free(d);
}

static struct dom *dom_find(uint32_t domid)
{
    struct dom *d;

    for ( d = doms; d; d = d->next )
        if ( d->domid == domid )
            return d;
    return NULL;
}

/* Serves domid if its console keys are there; false otherwise. */
static bool dom_add(uint32_t domid)
{
    char *ref = xs_get("/local/domain/%u/console/ring-ref", domid);
    char *port = xs_get("/local/domain/%u/console/port", domid);
    char *name = xs_get("/local/domain/%u/name", domid);
    uint64_t mfn, p;
    struct dom *d = NULL;
    int lport;

    if ( !parse_u64(ref, &mfn) || !parse_u64(port, &p) )
        goto out;
    d = calloc(1, sizeof(*d));
    if ( !d )
        abort();
    d->domid = domid;
    d->pty_slave = -1;
    if ( name && *name && !strchr(name, '/') )
        snprintf(d->name, sizeof(d->name), "%s", name);
    else
        snprintf(d->name, sizeof(d->name), "dom%u", (unsigned int)domid);
    if ( !xd_map_page(&xd, domid, GNTTAB_RESERVED_CONSOLE, mfn, &d->map) )
    {
        say("dom%u: cannot map its console page: %s", (unsigned int)domid,
            strerror(errno));
        free(d);
        d = NULL;
        goto out;
    }
    if ( (lport = xd_bind_interdomain(&xd, domid, (uint32_t)p)) < 0 )
    {
        say("dom%u: cannot bind its console port: %s", (unsigned int)domid,
            strerror(errno));
        xd_unmap_page(&xd, &d->map);
        free(d);
        d = NULL;
        goto out;
    }
    d->lport = (uint32_t)lport;
    cons_init(&d->c, d->map.addr, notify_dom, d, rate, burst, now_ms());
    d->c.log_limit = log_max_size;
    d->c.rotate = rotate_dom_log;
    dom_open_log(d);
    d->c.pty_fd = open_pty(d);
    d->next = doms;
    doms = d;
    say("dom%u (%s): console served%s", (unsigned int)domid, d->name,
        d->map.grant ? " (by grant)" : "");
    /* What the guest wrote before we came. */
    xd_notify(&xd, d->lport);
 out:
    free(ref);
    free(port);
    free(name);
    return d != NULL;
}

/*
 * A toolstack may introduce a domain before it writes the console keys
 * (libxl adds the console device after the build): such a domain is
 * watched under console/ until they appear.
 */
struct waiting
{
    struct waiting *next;
    uint32_t domid;
    bool seen;
};

static struct waiting *waiting;

static void console_path(uint32_t domid, char *buf, size_t len)
{
    snprintf(buf, len, "/local/domain/%u/console", (unsigned int)domid);
}

static void wait_for(uint32_t domid)
{
    struct waiting *w;
    char path[64];

    for ( w = waiting; w; w = w->next )
        if ( w->domid == domid )
        {
            w->seen = true;
            return;
        }
    w = calloc(1, sizeof(*w));
    if ( !w )
        abort();
    w->domid = domid;
    w->seen = true;
    console_path(domid, path, sizeof(path));
    if ( xsc_watch(xs, path, "console") )
        say("dom%u: cannot watch %s", (unsigned int)domid, path);
    w->next = waiting;
    waiting = w;
}

/* Stops watching domains served now or gone from /local/domain. */
static void wait_prune(void)
{
    struct waiting **pp = &waiting, *w;
    char path[64];

    while ( (w = *pp) )
    {
        if ( w->seen )
        {
            w->seen = false;
            pp = &w->next;
            continue;
        }
        console_path(w->domid, path, sizeof(path));
        xsc_unwatch(xs, path, "console");
        *pp = w->next;
        free(w);
    }
}

static void scan_stop(void)
{
    struct waiting *w;

    while ( (w = waiting) )
    {
        waiting = w->next;
        free(w);
    }
}

static void scan(void)
{
    unsigned int n, i;
    char **ents = xsc_directory(xs, 0, "/local/domain", &n);
    unsigned long v;

    if ( !ents )
        return;
    for ( i = 0; i < n; i++ )
        if ( xs_parse_uint(ents[i], 0x7fef, &v) && v &&
             !dom_find((uint32_t)v) && !dom_add((uint32_t)v) )
            wait_for((uint32_t)v);
    free(ents);
    wait_prune();
}

/* Drops consoles of domains that died (or whose console went away). */
static void reap(void)
{
    struct dom **pp = &doms, *d;
    struct xd_dominfo info;
    const char *why;

    while ( (d = *pp) )
    {
        why = NULL;
        if ( xd_domain_info(&xd, d->domid, &info) )
            why = errno == ESRCH ? "domain gone" : NULL;
        else if ( info.dying )
            why = "domain dying";
        if ( !why && d->c.broken )
            why = "ring indexes corrupt";
        if ( why )
        {
            /* Whatever the guest wrote last still goes to its log. */
            if ( !d->c.broken )
            {
                d->c.rate = 0;
                cons_output(&d->c, now_ms());
            }
            *pp = d->next;
            dom_free(d, why);
        }
        else
            pp = &d->next;
    }
}

static void pump(struct dom *d)
{
    uint64_t t = now_ms();

    if ( cons_output(&d->c, t) < 0 )
        return;
    if ( d->c.throttled && !d->logged_throttle )
    {
        say("dom%u (%s): console throttled (over %llu bytes/s)",
            (unsigned int)d->domid, d->name, (unsigned long long)d->c.rate);
        d->logged_throttle = true;
    }
    cons_flush_pty(&d->c);
}

static void pty_input(struct dom *d)
{
    char buf[1024];
    size_t space = cons_input_space(&d->c);
    ssize_t n;

    if ( !space || d->c.pty_fd < 0 )
        return;
    n = read(d->c.pty_fd, buf, space < sizeof(buf) ? space : sizeof(buf));
    if ( n > 0 )
        cons_input(&d->c, buf, (size_t)n);
}

static void hv_console(void)
{
    char buf[2048];
    int n, i;

    if ( hv_fd < 0 )
        return;
    for ( i = 0; i < 64; i++ )
    {
        n = xd_readconsole(&xd, &hv_index, buf, sizeof(buf));
        if ( n <= 0 )
            return;
        if ( write(hv_fd, buf, (size_t)n) != n )
            return;
        hv_written += (uint64_t)n;
        if ( log_max_size && hv_written >= log_max_size )
            rotate_log(&hv_fd, "hypervisor.log", &hv_written);
    }
}

static void reopen_logs(void)
{
    struct dom *d;

    for ( d = doms; d; d = d->next )
    {
        if ( d->c.log_fd >= 0 )
            close(d->c.log_fd);
        d->c.log_fd = -1;
        dom_open_log(d);
    }
    if ( hv_fd >= 0 )
    {
        close(hv_fd);
        hv_fd = open_log("hypervisor.log", &hv_written);
    }
}

static int usage(FILE *f, int status)
{
    fprintf(f,
"Usage: xenconsoled [options]\n"
"  --log=none|guest|hv|all   what to log (default all)\n"
"  --log-dir=DIR             where (default /var/log/xen/console)\n"
"  --pid-file=FILE           write our pid here once serving\n"
"  --rate=BYTES              per-guest output per second (default 262144;\n"
"                            0: unlimited); bursts of a quarter of it\n"
"  -i, --interactive         accepted for compatibility (we never fork)\n"
"  --log-max-size=BYTES      rotate a log once it holds this much (default\n"
"                            0: never)\n"
"  --log-keep=N              old logs kept by that rotation, as FILE.1 (the\n"
"                            newest) to FILE.N (default 4, at most 99)\n"
"Logs are reopened on SIGHUP (for rotation by another program).\n");
    return status;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "log", required_argument, NULL, 'l' },
        { "log-dir", required_argument, NULL, 'd' },
        { "pid-file", required_argument, NULL, 'p' },
        { "rate", required_argument, NULL, 'r' },
        { "log-max-size", required_argument, NULL, 'S' },
        { "log-keep", required_argument, NULL, 'K' },
        { "interactive", no_argument, NULL, 'i' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct pollfd pfd[MAX_DOMS + 2];
    struct dom *pd[MAX_DOMS + 2], *d;
    const char *pidfile = NULL;
    struct sigaction sa;
    char *buf;
    const char *path, *token;
    int opt, n, i, timeout, port, tries;
    unsigned long v;

    while ( (opt = getopt_long(argc, argv, "ih", opts, NULL)) != -1 )
    {
        switch ( opt )
        {
        case 'l':
            log_guest = !strcmp(optarg, "guest") || !strcmp(optarg, "all");
            log_hv = !strcmp(optarg, "hv") || !strcmp(optarg, "all");
            if ( !log_guest && !log_hv && strcmp(optarg, "none") )
                return usage(stderr, 2);
            break;
        case 'd': log_dir = optarg; break;
        case 'p': pidfile = optarg; break;
        case 'r':
            if ( !xs_parse_uint(optarg, 0x7fffffffUL, &v) )
                return usage(stderr, 2);
            rate = v;
            burst = v / 4 > 4096 ? v / 4 : 4096;
            break;
        case 'S':
            if ( !xs_parse_uint(optarg, ~0UL, &v) )
                return usage(stderr, 2);
            log_max_size = v;
            break;
        case 'K':
            if ( !xs_parse_uint(optarg, 99, &v) )
                return usage(stderr, 2);
            log_keep = v;
            break;
        case 'i': break;
        case 'h': return usage(stdout, 0);
        default: return usage(stderr, 2);
        }
    }
    if ( optind != argc )
        return usage(stderr, 2);
    if ( xd_open(&xd) )
    {
        say("cannot open /dev/xen devices: %s", strerror(errno));
        return 1;
    }
    /* xenstored may still be starting. */
    for ( tries = 0; !(xs = xsc_open(NULL)) && tries < 100; tries++ )
        usleep(100000);
    if ( !xs )
    {
        say("cannot reach xenstored: %s", strerror(errno));
        return 1;
    }
    mkdir(log_dir, 0755);
    if ( log_hv && (hv_fd = open_log("hypervisor.log", &hv_written)) < 0 )
        say("cannot open hypervisor.log: %s", strerror(errno));
    if ( xsc_watch(xs, "@introduceDomain", "intro") ||
         xsc_watch(xs, "@releaseDomain", "release") )
    {
        say("cannot watch domains");
        return 1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    if ( pidfile )
    {
        FILE *f = fopen(pidfile, "w");

        if ( f )
        {
            fprintf(f, "%d\n", (int)getpid());
            fclose(f);
        }
    }
    scan();
    while ( !stop )
    {
        if ( reopen )
        {
            reopen = 0;
            reopen_logs();
        }
        hv_console();
        n = 0;
        pfd[n].fd = xsc_fileno(xs);
        pfd[n].events = POLLIN;
        pd[n++] = NULL;
        pfd[n].fd = xd.evtchn;
        pfd[n].events = POLLIN;
        pd[n++] = NULL;
        timeout = 1000;
        for ( d = doms; d && n < MAX_DOMS + 2; d = d->next )
        {
            if ( d->c.throttled || (d->c.pty_len && d->c.pty_fd < 0) )
                timeout = 50;
            if ( d->c.pty_fd < 0 )
                continue;
            pfd[n].fd = d->c.pty_fd;
            /* Input only while the guest's ring has room: backpressure. */
            pfd[n].events = (short)((cons_input_space(&d->c) ? POLLIN : 0) |
                                    (d->c.pty_len ? POLLOUT : 0));
            pd[n++] = d;
        }
        if ( xsc_event_pending(xs) )
            timeout = 0;
        if ( poll(pfd, (nfds_t)n, timeout) < 0 && errno != EINTR )
            break;
        while ( (port = xd_pending(&xd)) >= 0 )
        {
            for ( d = doms; d; d = d->next )
                if ( d->lport == (uint32_t)port )
                    pump(d);
            xd_unmask(&xd, (uint32_t)port);
        }
        for ( i = 2; i < n; i++ )
        {
            if ( pfd[i].revents & POLLIN )
                pty_input(pd[i]);
            if ( pfd[i].revents & POLLOUT )
                cons_flush_pty(&pd[i]->c);
        }
        /* Throttled consoles resume as their budget refills. */
        for ( d = doms; d; d = d->next )
            if ( d->c.throttled || cons_pending(&d->c) )
                pump(d);
        if ( (pfd[0].revents & POLLIN) || xsc_event_pending(xs) )
        {
            bool changed = false;

            while ( xsc_read_watch(xs, &buf, &path, &token, 0) == 0 )
            {
                changed = true;
                free(buf);
            }
            if ( changed )
            {
                reap();
                scan();
            }
        }
        if ( pfd[0].revents & (POLLHUP | POLLERR) )
        {
            say("xenstored went away");
            break;
        }
    }
    while ( (d = doms) )
    {
        doms = d->next;
        dom_free(d, "xenconsoled stopping");
    }
    scan_stop();
    xsc_close(xs);
    xd_close(&xd);
    return 0;
}
