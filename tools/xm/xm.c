/* SPDX-License-Identifier: GPL-2.0-only */
/* xm's front end: the frequent simple commands straight over xend's legacy
 * XML-RPC socket, everything else by exec of the Python xm (xm.py). */

/*
 * Python's start-up is most of a simple xm command's time in a dom0 on an
 * emulated CPU.  Here a command runs only in the forms whose output,
 * errors and exit code are plain to reproduce exactly
 * (xen/xm/main.py is the reference): any option, odd argument, alias or
 * other command, an xm-config.xml, a server other than a unix socket, and
 * (for the commands that change nothing) any answer not shaped as xend
 * writes it, go to the Python xm, which then does all of the work.
 */
#include "rpc.h"
#include "xmconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef XM_PYTHON
#define XM_PYTHON "/usr/lib/hv-xen/bin/xm.py"
#endif
#define LEGACY_PATH "/var/run/xend/xmlrpc.sock"
#define XM_CONFIG   "/etc/xen/xm-config.xml"

static char **xm_argv;
static const char *sock_path;
/* Whether the command only reads: then any surprise goes to Python. */
static int read_only;
/* What the command prints, held back until it is done, so that a late
 * hand-over to Python does not print twice. */
static char *out_buf;
static size_t out_len;
static FILE *out;

/* The Python xm with our own arguments: does not return. */
static __attribute__((noreturn)) void python(void)
{
    const char *py = getenv("XM_PYTHON");

    if ( !py || !*py )
        py = XM_PYTHON;
    execv(py, xm_argv);
    fprintf(stderr, "Error: cannot run %s: %s\n", py, strerror(errno));
    exit(1);
}

static void flush_out(void)
{
    fclose(out);
    out = NULL;
    if ( out_len )
        fwrite(out_buf, 1, out_len, stdout);
    fflush(stdout);
    free(out_buf);
}

static __attribute__((noreturn, format(printf, 1, 2))) void
error_exit(const char *fmt, ...)
{
    va_list ap;

    flush_out();
    fputs("Error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

/* The call's answer, or its error as xm reports it (and exit 1). */
static void call(const char *method, const struct rpc_arg *args, int n,
                 struct xv_doc *doc)
{
    struct rpc_err e;

    if ( !rpc_call(sock_path, method, args, n, doc, &e) )
        return;
    switch ( e.status )
    {
    case RPC_OS:
        error_exit("Unable to connect to xend: %s. Is xend running?",
                   strerror(e.err));
    case RPC_PROTO:
        if ( read_only )
            python();
        error_exit("xend answered HTTP %s %s", e.code, e.msg);
    case RPC_FAULT:
        if ( e.fault_is_3 )
            error_exit("Domain '%s' does not exist.", e.msg);
        error_exit("%s", e.msg);
    case RPC_OK:
        break;
    }
}

/* An answer not as xend writes it, to a command that only reads: the
 * Python xm asks again and says what it makes of it.  (The commands that
 * change something look no further than success or a fault.) */
static __attribute__((noreturn)) void odd(void)
{
    if ( !read_only )
        error_exit("xend's answer is not as expected");
    python();
}

/* ---- values as Python's xm converts them ---- */

static int is_str(const struct xv *v)
{
    return v && v->kind == XV_STRING;
}

/* int(v), or odd(). */
static long long py_int(const struct xv *v)
{
    if ( v && (v->kind == XV_INT || v->kind == XV_BOOL) )
        return v->i;
    if ( v && v->kind == XV_DOUBLE && isfinite(v->d) && fabs(v->d) < 9e18 )
        return (long long)v->d;
    if ( is_str(v) )
    {
        const char *s = v->s;
        char *e;
        long long n;

        while ( *s == ' ' )
            s++;
        errno = 0;
        n = strtoll(s, &e, 10);
        while ( *e == ' ' )
            e++;
        if ( e != s && !*e && !errno &&
             (*s == '-' || *s == '+' || (*s >= '0' && *s <= '9')) )
            return n;
    }
    odd();
    return 0;
}

/* float(v), or odd(). */
static double py_float(const struct xv *v)
{
    if ( v && (v->kind == XV_INT || v->kind == XV_BOOL) )
        return (double)v->i;
    if ( v && v->kind == XV_DOUBLE )
        return v->d;
    if ( is_str(v) && !strpbrk(v->s, "xXnN_") )
    {
        char *e;
        double d = strtod(v->s, &e);

        while ( *e == ' ' )
            e++;
        if ( e != v->s && !*e )
            return d;
    }
    odd();
    return 0;
}

/* sxp.child_value(s, key) of an SXP sent as arrays; NULL for its
 * default. */
static const struct xv *child_value(const struct xv *s, const char *key)
{
    const struct xv *c;

    if ( !s || s->kind != XV_ARRAY )
        odd();
    for ( c = s->kid ? s->kid->next : NULL; c; c = c->next )
        if ( c->kind == XV_ARRAY && is_str(c->kid) && !strcmp(c->kid->s, key) )
            return c->n < 2 ? NULL : c->kid->next;
    return NULL;
}

/* What xm's Legacy._dom makes of a domain's SXP. */
struct dom {
    const char *name, *uuid, *state;
    int has_domid;
    long long domid, mem, vcpus;
    double cpu_time, start_time;
    size_t order;
};

static void to_dom(const struct xv *s, struct dom *d)
{
    const struct xv *v;

    memset(d, 0, sizeof(*d));
    v = child_value(s, "name");
    if ( !is_str(v) )
        odd();
    d->name = v->s;
    v = child_value(s, "uuid");
    d->uuid = is_str(v) ? v->s : NULL;
    v = child_value(s, "domid");
    d->has_domid = v && v->kind != XV_NIL;
    if ( d->has_domid )
        d->domid = py_int(v);
    v = child_value(s, "memory");
    d->mem = v ? py_int(v) : 0;
    v = child_value(s, "maxmem");
    if ( v )
        py_int(v);
    v = child_value(s, "online_vcpus");
    if ( !v )
        v = child_value(s, "vcpus");
    d->vcpus = v ? py_int(v) : 0;
    v = child_value(s, "state");
    if ( v && v->kind != XV_NIL && !is_str(v) )
        odd();
    d->state = is_str(v) ? v->s : "";
    v = child_value(s, "cpu_time");
    d->cpu_time = v ? py_float(v) : 0;
    v = child_value(s, "start_time");
    d->start_time = v ? py_float(v) : 0;
}

static struct dom *domains(struct xv_doc *doc, size_t *n)
{
    struct rpc_arg a[] = { { ARG_BOOL, NULL, 1, NULL },
                           { ARG_STR, "all", 0, NULL },
                           { ARG_INT, NULL, 1, NULL } };
    const struct xv *s;
    struct dom *d;
    size_t i = 0;

    call("xend.domains_with_state", a, 3, doc);
    if ( doc->value->kind != XV_ARRAY )
        odd();
    d = calloc(doc->value->n + 1, sizeof(*d));
    if ( !d )
        error_exit("out of memory");
    for ( s = doc->value->kid; s; s = s->next, i++ )
    {
        to_dom(s, &d[i]);
        d[i].order = i;
    }
    *n = i;
    return d;
}

static void domain(const char *name, struct xv_doc *doc, struct dom *d)
{
    struct rpc_arg a[] = { { ARG_STR, name, 0, NULL }, { ARG_INT, NULL, 1, NULL } };

    call("xend.domain", a, 2, doc);
    to_dom(doc->value, d);
}

/* Python's sort by name: code point order (UTF-8's byte order), and
 * stable. */
static int by_name(const void *a, const void *b)
{
    const struct dom *x = a, *y = b;
    int c = strcmp(x->name, y->name);

    return c ? c : (x->order > y->order) - (x->order < y->order);
}

/* s padded with spaces to width characters (code points, as Python's
 * %-Ns and %Ns count). */
static void pad(const char *s, int width, int left)
{
    int n = 0;
    const char *p;

    for ( p = s; *p; p++ )
        n += ((unsigned char)*p & 0xc0) != 0x80;
    if ( !left )
        fprintf(out, "%*s", n < width ? width - n : 0, "");
    fputs(s, out);
    if ( left )
        fprintf(out, "%*s", n < width ? width - n : 0, "");
}

/* ---- the commands ---- */

static int all_plain(char **args, int n)
{
    int i;

    for ( i = 0; i < n; i++ )
        if ( args[i][0] == '-' )
            return 0;
    return 1;
}

/* The domains named (each its own call, in order), or all of them: for
 * commands that only read, and take no options but those already
 * stripped from args. */
static struct dom *named_or_all(char **args, int n, size_t *nd)
{
    struct xv_doc *docs = calloc((size_t)n + 1, sizeof(*docs));
    struct dom *d;
    size_t i;

    if ( !docs || !all_plain(args, n) )
        python();
    read_only = 1;
    if ( !n )
        return domains(&docs[0], nd);
    *nd = (size_t)n;
    d = calloc(*nd, sizeof(*d));
    if ( !d )
        error_exit("out of memory");
    for ( i = 0; i < *nd; i++ )
    {
        domain(args[i], &docs[i], &d[i]);
        d[i].order = i;
    }
    return d;
}

static int cmd_list(char **args, int n)
{
    size_t nd, i;
    struct dom *d = named_or_all(args, n, &nd);

    qsort(d, nd, sizeof(*d), by_name);
    fprintf(out, "%-40s %3s %5s %5s %10s %9s\n", "Name", "ID", "Mem", "VCPUs",
            "State", "Time(s)");
    for ( i = 0; i < nd; i++ )
    {
        pad(d[i].name, 40, 1);
        if ( d[i].has_domid )
            fprintf(out, " %3lld", d[i].domid);
        else
            fprintf(out, " %3s", "");
        fprintf(out, " %5lld %5lld ", d[i].mem, d[i].vcpus);
        pad(d[i].state, 10, 0);
        fprintf(out, " %8.1f\n", d[i].cpu_time);
    }
    return 0;
}

/* A command of one domain and a call of it alone. */
static int cmd_simple(const char *method, char **args, int n)
{
    struct rpc_arg a[] = { { ARG_STR, n ? args[0] : NULL, 0, NULL } };
    struct xv_doc doc;

    if ( n != 1 )
        python();
    call(method, a, 1, &doc);
    xv_doc_free(&doc);
    return 0;
}

/* shutdown and reboot without options: xm asks for the domain's record
 * and restart count only to wait, which these do not. */
static int cmd_shutdown(const char *reason, char **args, int n)
{
    struct rpc_arg a[] = { { ARG_STR, n ? args[0] : NULL, 0, NULL },
                           { ARG_STR, reason, 0, NULL } };
    struct xv_doc doc;

    if ( n != 1 || !all_plain(args, n) )
        python();
    call("xend.domain.shutdown", a, 2, &doc);
    xv_doc_free(&doc);
    return 0;
}

static int cmd_domid(char **args, int n, int want_name)
{
    struct xv_doc doc;
    struct dom d;

    if ( n != 1 )
        python();
    read_only = 1;
    domain(args[0], &doc, &d);
    if ( want_name )
        fprintf(out, "%s\n", d.name);
    else if ( d.has_domid )
        fprintf(out, "%lld\n", d.domid);
    else
        fprintf(out, "None\n");
    xv_doc_free(&doc);
    return 0;
}

/* A decimal the C side takes as Python's int() would: plain digits with
 * an optional '-', at most max_digits of them; else -1 (Python's then). */
static int plain_int(const char *s, int max_digits, long long *v)
{
    const char *p = s + (*s == '-');
    int n = 0;

    for ( ; p[n] >= '0' && p[n] <= '9'; n++ )
        ;
    if ( !n || n > max_digits || p[n] )
        return -1;
    *v = strtoll(s, NULL, 10);
    return 0;
}

static int cmd_mem_set(char **args, int n)
{
    struct rpc_arg a[2] = { { ARG_STR, NULL, 0, NULL }, { ARG_INT, NULL, 0, NULL } };
    struct xv_doc doc;
    char num[16], unit;
    size_t len;
    long long mib;

    if ( n != 2 )
        python();
    /* '256', '256m', '1g', '262144k': xm's parse_mem. */
    len = strlen(args[1]);
    unit = len ? args[1][len - 1] : 0;
    if ( len && strchr("kKmMgG", unit) )
        len--;
    if ( !len || len >= sizeof(num) || args[1][0] == '-' )
        python();
    memcpy(num, args[1], len);
    num[len] = '\0';
    if ( plain_int(num, 12, &mib) )
        python();
    if ( unit == 'k' || unit == 'K' )
        mib /= 1024;
    else if ( unit == 'g' || unit == 'G' )
        mib *= 1024;
    a[0].s = args[0];
    a[1].i = mib;
    call("xend.domain.setMemoryTarget", a, 2, &doc);
    xv_doc_free(&doc);
    return 0;
}

static int cmd_vcpu_set(char **args, int n)
{
    struct rpc_arg a[2] = { { ARG_STR, NULL, 0, NULL }, { ARG_INT, NULL, 0, NULL } };
    struct xv_doc doc;

    if ( n != 2 || plain_int(args[1], 9, &a[1].i) )
        python();
    a[0].s = args[0];
    call("xend.domain.setVCpuCount", a, 2, &doc);
    xv_doc_free(&doc);
    return 0;
}

/* xm's format_uptime: Python's floor division, days only when any. */
static void uptime_text(double secs, char *buf, size_t size, int strip)
{
    long long s = (long long)secs, days, h, m;
    int o = 0;

    days = s / 86400 - (s % 86400 < 0);
    s -= days * 86400;
    h = s / 3600;
    s %= 3600;
    m = s / 60;
    s %= 60;
    if ( days )
        o = snprintf(buf, size, "%lld day%s, ", days, days == 1 ? "" : "s");
    snprintf(buf + o, size - (size_t)o,
             strip ? "%lld:%02lld:%02lld" : "%2lld:%02lld:%02lld", h, m, s);
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmd_uptime(char **args, int n)
{
    struct dom *d;
    size_t nd, i;
    int short_ = n && !strcmp(args[0], "-s");
    double t;
    char clock[16], up[64];

    d = named_or_all(args + short_, n - short_, &nd);
    /* Only all of them are sorted. */
    if ( n == short_ )
        qsort(d, nd, sizeof(*d), by_name);
    t = now();
    if ( !short_ )
        fprintf(out, "Name                              ID Uptime\n");
    for ( i = 0; i < nd; i++ )
    {
        double secs;

        if ( !d[i].has_domid )
            continue;
        if ( d[i].domid == 0 )
        {
            FILE *f = fopen("/proc/uptime", "r");

            secs = 0;
            if ( f )
            {
                if ( fscanf(f, "%lf", &secs) != 1 )
                    odd();
                fclose(f);
            }
        }
        else
            secs = t - d[i].start_time;
        if ( !isfinite(secs) || fabs(secs) > 9e18 )
            odd();
        uptime_text(secs, up, sizeof(up), short_);
        if ( short_ )
        {
            time_t tt = time(NULL);

            strftime(clock, sizeof(clock), "%H:%M:%S", localtime(&tt));
            fprintf(out, " %s up %s, %s (%lld)\n", clock, up, d[i].name,
                    d[i].domid);
        }
        else
        {
            pad(d[i].name, 32, 1);
            fprintf(out, " %3lld %s\n", d[i].domid, up);
        }
    }
    return 0;
}

/* One domain's weight and cap (xend.domain.sched_credit_get). */
static void credit(const char *dom, long long *w, long long *c)
{
    struct rpc_arg a[] = { { ARG_STR, dom, 0, NULL } };
    const struct xv *m, *wv = NULL, *cv = NULL;
    struct xv_doc doc;

    call("xend.domain.sched_credit_get", a, 1, &doc);
    if ( doc.value->kind != XV_STRUCT )
        odd();
    for ( m = doc.value->kid; m; m = m->next )
    {
        if ( !strcmp(m->name, "weight") )
            wv = m;
        else if ( !strcmp(m->name, "cap") )
            cv = m;
    }
    if ( !wv || !cv )
        odd();
    *w = py_int(wv);
    *c = py_int(cv);
    xv_doc_free(&doc);
}

static int cmd_sched_credit(char **args, int n)
{
    const char *dom = NULL, *ws = NULL, *cs = NULL;
    long long w = -1, c = -1;
    struct xv_doc *docs;
    struct dom *d;
    size_t nd, i;
    int k;

    /* -d D, -w N, -c N as separate words, the last of each winning. */
    for ( k = 0; k < n; k += 2 )
    {
        if ( k + 1 >= n )
            python();
        if ( !strcmp(args[k], "-d") )
            dom = args[k + 1];
        else if ( !strcmp(args[k], "-w") )
            ws = args[k + 1];
        else if ( !strcmp(args[k], "-c") )
            cs = args[k + 1];
        else
            python();
    }
    if ( (ws && plain_int(ws, 9, &w)) || (cs && plain_int(cs, 9, &c)) ||
         ((ws || cs) && !dom) )
        python();
    if ( ws || cs )
    {
        struct rpc_arg a[] = { { ARG_STR, dom, 0, NULL },
                               { ARG_INT, NULL, ws ? w : -1, NULL },
                               { ARG_INT, NULL, cs ? c : -1, NULL } };
        struct xv_doc doc;

        call("xend.domain.sched_credit_set", a, 3, &doc);
        xv_doc_free(&doc);
        return 0;
    }
    read_only = 1;
    docs = calloc(1, sizeof(*docs));
    if ( !docs )
        error_exit("out of memory");
    if ( dom )
    {
        d = calloc(1, sizeof(*d));
        if ( !d )
            error_exit("out of memory");
        domain(dom, docs, d);
        nd = 1;
    }
    else
    {
        d = domains(docs, &nd);
        qsort(d, nd, sizeof(*d), by_name);
    }
    fprintf(out, "Name                              ID Weight Cap \n");
    for ( i = 0; i < nd; i++ )
    {
        if ( !dom && !d[i].has_domid )
            continue;
        if ( !d[i].uuid )
            odd();
        credit(d[i].uuid, &w, &c);
        pad(d[i].name, 32, 1);
        fprintf(out, " %3lld %6lld %4lld\n", d[i].has_domid ? d[i].domid : 0,
                w, c);
    }
    return 0;
}

static int isfile(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The config file's text (at most XMC_MAX_TEXT bytes), or NULL. */
static char *slurp(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    char *text = malloc(XMC_MAX_TEXT + 1);
    ssize_t r = 0;

    *len = 0;
    if ( fd >= 0 && text )
        do
        {
            *len += (size_t)r;
            r = read(fd, text + *len, XMC_MAX_TEXT + 1 - *len);
        } while ( r > 0 || (r < 0 && errno == EINTR && (r = 0) == 0) );
    if ( fd >= 0 )
        close(fd);
    if ( fd < 0 || r < 0 || *len > XMC_MAX_TEXT )
    {
        free(text);
        return NULL;
    }
    return text;
}

/*
 * create [-p|--paused] [-q|--quiet] FILE, FILE in the plain subset of
 * xm's configs that xmconfig.c reads: the config's SXP to
 * xend.domain.create, then xend.domain.unpause of the name xend answers.
 * Other options, VAR=VAL, an XML config, or a config that is not plain
 * or has a mistake go to the Python xm.
 */
static int cmd_create(char **args, int n)
{
    static const char *const search[] = { ".", "/etc/xen" };
    const char *file = NULL;
    int paused = 0, quiet = 0, i;
    struct rpc_arg name[1] = { { .kind = ARG_STR } };
    struct xv_doc doc;
    struct xmc cfg;
    struct dom d;
    char *text;
    size_t len;

    for ( i = 0; i < n; i++ )
    {
        if ( !strcmp(args[i], "-p") || !strcmp(args[i], "--paused") )
            paused = 1;
        else if ( !strcmp(args[i], "-q") || !strcmp(args[i], "--quiet") )
            quiet = 1;
        else if ( args[i][0] == '-' || strchr(args[i], '=') || file )
            python();
        else
            file = args[i];
    }
    if ( !file )
        python();
    /* The Python xm's --path default, where a relative name is not. */
    if ( file[0] != '/' && access(file, F_OK) )
        for ( i = 0; i < 2; i++ )
        {
            char *p;

            if ( asprintf(&p, "%s/%s", search[i], file) < 0 )
                python();
            if ( !access(p, F_OK) )
            {
                file = p;
                break;
            }
            free(p);
        }
    text = slurp(file, &len);
    if ( !text || xmc_read(text, len, file, isfile, &cfg) )
        python();
    call("xend.domain.create", &cfg.sxp, 1, &doc);
    to_dom(doc.value, &d);
    if ( !paused )
    {
        struct xv_doc none;

        name[0].s = d.name;
        call("xend.domain.unpause", name, 1, &none);
        xv_doc_free(&none);
    }
    if ( !quiet )
        fprintf(out, "Started domain %s\n", d.name);
    xv_doc_free(&doc);
    xmc_free(&cfg);
    free(text);
    return 0;
}

/* The socket xm would talk to, or NULL where Python's xm must choose
 * (an xm-config.xml, or a server that is not a unix socket). */
static const char *legacy_socket(void)
{
    const char *conf = getenv("XM_CONFIG_FILE");
    const char *server = getenv("XM_SERVER");
    struct stat st;

    if ( stat(conf ? conf : XM_CONFIG, &st) == 0 )
        return NULL;
    if ( !server )
        return LEGACY_PATH;
    if ( strncmp(server, "httpu://", 8) )
        return NULL;
    return server + 8;
}

/* Arguments xm passes through unchanged: valid UTF-8 (Python's xm fails
 * on others in its own way). */
static int utf8_args(char **argv)
{
    for ( ; *argv; argv++ )
    {
        const unsigned char *s = (const unsigned char *)*argv;

        while ( *s )
        {
            int n = *s < 0x80                  ? 1
                    : *s >= 0xc2 && *s <= 0xdf ? 2
                    : *s >= 0xe0 && *s <= 0xef ? 3
                    : *s >= 0xf0 && *s <= 0xf4 ? 4
                                               : 0;
            int i;

            if ( !n )
                return 0;
            for ( i = 1; i < n; i++ )
                if ( (s[i] & 0xc0) != 0x80 )
                    return 0;
            s += n;
        }
    }
    return 1;
}

int main(int argc, char **argv)
{
    const char *cmd;
    char **args;
    int n, rc;

    xm_argv = argv;
    if ( argc < 2 || !utf8_args(argv) )
        python();
    sock_path = legacy_socket();
    if ( !sock_path )
        python();
    out = open_memstream(&out_buf, &out_len);
    if ( !out )
        python();
    cmd = argv[1];
    args = argv + 2;
    n = argc - 2;
    if ( !strcmp(cmd, "list") )
        rc = cmd_list(args, n);
    else if ( !strcmp(cmd, "destroy") )
        rc = cmd_simple("xend.domain.destroy", args, n);
    else if ( !strcmp(cmd, "pause") )
        rc = cmd_simple("xend.domain.pause", args, n);
    else if ( !strcmp(cmd, "unpause") )
        rc = cmd_simple("xend.domain.unpause", args, n);
    else if ( !strcmp(cmd, "shutdown") )
        rc = cmd_shutdown("poweroff", args, n);
    else if ( !strcmp(cmd, "reboot") )
        rc = cmd_shutdown("reboot", args, n);
    else if ( !strcmp(cmd, "domid") )
        rc = cmd_domid(args, n, 0);
    else if ( !strcmp(cmd, "domname") )
        rc = cmd_domid(args, n, 1);
    else if ( !strcmp(cmd, "uptime") )
        rc = cmd_uptime(args, n);
    else if ( !strcmp(cmd, "mem-set") )
        rc = cmd_mem_set(args, n);
    else if ( !strcmp(cmd, "vcpu-set") )
        rc = cmd_vcpu_set(args, n);
    else if ( !strcmp(cmd, "sched-credit") )
        rc = cmd_sched_credit(args, n);
    else if ( !strcmp(cmd, "create") )
        rc = cmd_create(args, n);
    else
        python();
    flush_out();
    return rc;
}
