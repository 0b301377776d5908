/* SPDX-License-Identifier: GPL-2.0-only */
/* Client library for xenstored over its unix socket (libxenstore's role). */
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "xs_client.h"

struct event
{
    struct event *next;
    char *buf;          /* "path\0token\0" */
    unsigned int len;
};

struct xsc
{
    int fd;
    uint32_t req_id;
    struct event *ev_head, *ev_tail;
    unsigned int nev;
};

struct xsc *xsc_open(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct stat st;
    struct xsc *h;

    if ( !path )
        path = getenv("XENSTORED_PATH");
    if ( !path || !*path )
        path = XSC_DEFAULT_SOCKET;
    if ( strlen(path) >= sizeof(sa.sun_path) )
    {
        errno = ENAMETOOLONG;
        return NULL;
    }
    strcpy(sa.sun_path, path);
    h = calloc(1, sizeof(*h));
    if ( !h )
        return NULL;
    /*
     * In a guest, Linux's /dev/xen/xenbus speaks the same wire protocol
     * over the domain's ring: a character device is opened, not
     * connected to.
     */
    if ( !stat(path, &st) && S_ISCHR(st.st_mode) )
        h->fd = open(path, O_RDWR | O_CLOEXEC);
    else if ( (h->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) >= 0 &&
              connect(h->fd, (struct sockaddr *)&sa, sizeof(sa)) )
    {
        int e = errno;

        close(h->fd);
        h->fd = -1;
        errno = e;
    }
    if ( h->fd < 0 )
    {
        int e = errno;

        free(h);
        errno = e;
        return NULL;
    }
    return h;
}

void xsc_close(struct xsc *h)
{
    struct event *e;

    if ( !h )
        return;
    while ( (e = h->ev_head) )
    {
        h->ev_head = e->next;
        free(e->buf);
        free(e);
    }
    close(h->fd);
    free(h);
}

int xsc_fileno(const struct xsc *h)
{
    return h->fd;
}

bool xsc_event_pending(const struct xsc *h)
{
    return h->ev_head != NULL;
}

static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    ssize_t sent;

    while ( len )
    {
        sent = send(fd, p, len, MSG_NOSIGNAL);
        /* A device (a guest's /dev/xen/xenbus) is written plainly. */
        if ( sent < 0 && errno == ENOTSOCK )
            sent = write(fd, p, len);
        if ( sent < 0 && errno == EINTR )
            continue;
        if ( sent <= 0 )
            return -(sent < 0 ? errno : EPIPE);
        p += sent;
        len -= (size_t)sent;
    }
    return 0;
}

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Reads exactly len bytes; deadline < 0 means none. */
static int read_all(int fd, void *buf, size_t len, long deadline)
{
    char *p = buf;
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    ssize_t n;
    int r, wait;

    while ( len )
    {
        if ( deadline >= 0 )
        {
            wait = (int)(deadline - now_ms());
            if ( wait < 0 )
                wait = 0;
            r = poll(&pfd, 1, wait);
            if ( r < 0 && errno == EINTR )
                continue;
            if ( r == 0 )
                return -ETIMEDOUT;
        }
        n = read(fd, p, len);
        if ( n < 0 && errno == EINTR )
            continue;
        if ( n <= 0 )
            return n < 0 ? -errno : -ECONNRESET;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Reads and drops len bytes. */
static int skip(int fd, size_t len)
{
    char buf[256];
    size_t n;
    int r = 0;

    while ( len && !r )
    {
        n = len < sizeof(buf) ? len : sizeof(buf);
        r = read_all(fd, buf, n, -1);
        len -= n;
    }
    return r;
}

/* One message off the wire; body gets a trailing nul. */
static int read_msg(struct xsc *h, struct xsd_sockmsg *m, char **body,
                    long deadline)
{
    int r = read_all(h->fd, m, sizeof(*m), deadline);

    if ( r )
        return r;
    if ( m->len > XENSTORE_PAYLOAD_MAX )
        return -EPROTO;
    *body = malloc(m->len + 1);
    if ( !*body )
    {
        /* Past the body, or the next read would take it for a header. */
        r = skip(h->fd, m->len);
        return r ? r : -ENOMEM;
    }
    /* Once a header is in, the rest follows promptly: no timeout. */
    r = read_all(h->fd, *body, m->len, -1);
    if ( r )
    {
        free(*body);
        return r;
    }
    (*body)[m->len] = '\0';
    return 0;
}

static void queue_event(struct xsc *h, char *body, unsigned int len)
{
    struct event *e = malloc(sizeof(*e));

    if ( !e )
    {
        free(body);
        return;
    }
    e->buf = body;
    e->len = len;
    e->next = NULL;
    if ( h->ev_tail )
        h->ev_tail->next = e;
    else
        h->ev_head = e;
    h->ev_tail = e;
    h->nev++;
}

int xsc_request(struct xsc *h, uint32_t type, uint32_t tx, const void *data,
                unsigned int len, char **reply, unsigned int *rlen)
{
    struct xsd_sockmsg m = { type, ++h->req_id, tx, len };
    char *out, *body;
    int r;

    if ( len > XENSTORE_PAYLOAD_MAX )
        return -E2BIG;
    out = malloc(sizeof(m) + len);
    if ( !out )
        return -ENOMEM;
    memcpy(out, &m, sizeof(m));
    if ( len )
        memcpy(out + sizeof(m), data, len);
    r = write_all(h->fd, out, sizeof(m) + len);
    free(out);
    if ( r )
        return r;
    for ( ;; )
    {
        struct xsd_sockmsg rm;

        if ( (r = read_msg(h, &rm, &body, -1)) )
            return r;
        if ( rm.type == XS_WATCH_EVENT )
        {
            queue_event(h, body, rm.len);
            continue;
        }
        if ( rm.req_id != m.req_id )
        {
            free(body);
            continue;
        }
        if ( rm.type == XS_ERROR )
        {
            r = -xs_errno_from_name(body, strnlen(body, rm.len));
            free(body);
            return r;
        }
        if ( rm.type != type )
        {
            free(body);
            return -EPROTO;
        }
        if ( reply )
            *reply = body;
        else
            free(body);
        if ( rlen )
            *rlen = rm.len;
        return 0;
    }
}

/* Builds "a\0b\0..." from a list ending with JOIN_END. */
#define JOIN_END ((const char *)NULL)
static char *join(unsigned int *len, const char *first, ...)
    __attribute__((sentinel));

static char *join(unsigned int *len, const char *first, ...)
{
    va_list ap;
    const char *s;
    size_t total = 0, l;
    char *buf, *p;

    va_start(ap, first);
    for ( s = first; s; s = va_arg(ap, const char *) )
        total += strlen(s) + 1;
    va_end(ap);
    buf = p = malloc(total ? total : 1);
    if ( !buf )
        return NULL;
    va_start(ap, first);
    for ( s = first; s; s = va_arg(ap, const char *) )
    {
        l = strlen(s) + 1;
        memcpy(p, s, l);
        p += l;
    }
    va_end(ap);
    *len = (unsigned int)total;
    return buf;
}

static int simple(struct xsc *h, uint32_t type, uint32_t tx, char *payload,
                  unsigned int len, char **reply, unsigned int *rlen)
{
    int r;

    if ( !payload )
        return -ENOMEM;
    r = xsc_request(h, type, tx, payload, len, reply, rlen);
    free(payload);
    return r;
}

static void *fail(int r)
{
    errno = -r;
    return NULL;
}

char *xsc_read(struct xsc *h, uint32_t tx, const char *path,
               unsigned int *len)
{
    unsigned int l;
    char *reply;
    char *p = join(&l, path, JOIN_END);
    int r = simple(h, XS_READ, tx, p, l, &reply, len);

    return r ? fail(r) : reply;
}

int xsc_write(struct xsc *h, uint32_t tx, const char *path, const void *val,
              unsigned int len)
{
    size_t plen = strlen(path) + 1;
    char *buf;

    if ( plen + len > XENSTORE_PAYLOAD_MAX )
        return -E2BIG;
    buf = malloc(plen + len);
    if ( !buf )
        return -ENOMEM;
    memcpy(buf, path, plen);
    if ( len )
        memcpy(buf + plen, val, len);
    return simple(h, XS_WRITE, tx, buf, (unsigned int)(plen + len), NULL,
                  NULL);
}

int xsc_mkdir(struct xsc *h, uint32_t tx, const char *path)
{
    unsigned int l;
    char *p = join(&l, path, JOIN_END);

    return simple(h, XS_MKDIR, tx, p, l, NULL, NULL);
}

int xsc_rm(struct xsc *h, uint32_t tx, const char *path)
{
    unsigned int l;
    char *p = join(&l, path, JOIN_END);

    return simple(h, XS_RM, tx, p, l, NULL, NULL);
}

/* Turns "a\0b\0" into a char*[] followed by the strings, one allocation. */
static char **split(const char *buf, unsigned int len, unsigned int *num)
{
    unsigned int n = xs_count_strings(buf, len), i;
    char **v, *s;

    v = malloc(sizeof(char *) * (n + 1) + len + 1);
    if ( !v )
        return NULL;
    s = (char *)(v + n + 1);
    memcpy(s, buf, len);
    s[len] = '\0';
    for ( i = 0; i < n; i++ )
    {
        v[i] = s;
        s += strlen(s) + 1;
    }
    v[n] = NULL;
    *num = n;
    return v;
}

static char **directory_part(struct xsc *h, uint32_t tx, const char *path,
                             unsigned int *num)
{
    char *all = NULL, *reply, gen[32] = "", off[16];
    unsigned int alen = 0, rlen, glen, l;
    char **v;
    int r, tries = 0;

    for ( ;; )
    {
        char *p;

        snprintf(off, sizeof(off), "%u", alen);
        p = join(&l, path, off, JOIN_END);
        if ( (r = simple(h, XS_DIRECTORY_PART, tx, p, l, &reply, &rlen)) )
        {
            free(all);
            return fail(r);
        }
        glen = (unsigned int)strnlen(reply, rlen);
        if ( glen >= rlen || glen >= sizeof(gen) )
        {
            free(reply);
            free(all);
            return fail(-EPROTO);
        }
        if ( alen && strcmp(gen, reply) )
        {
            /* The directory changed under us: start over. */
            free(reply);
            free(all);
            all = NULL;
            alen = 0;
            if ( ++tries > 100 )
                return fail(-EAGAIN);
            continue;
        }
        strcpy(gen, reply);
        l = rlen - glen - 1;
        p = realloc(all, alen + l + 1);
        if ( !p )
        {
            free(reply);
            free(all);
            return fail(-ENOMEM);
        }
        all = p;
        memcpy(all + alen, reply + glen + 1, l);
        free(reply);
        /* The last chunk carries an extra nul (an empty name). */
        if ( l == 0 || (l >= 1 && all[alen + l - 1] == '\0' &&
                        (l == 1 || all[alen + l - 2] == '\0')) )
        {
            alen += l ? l - 1 : 0;
            break;
        }
        alen += l;
    }
    v = split(all, alen, num);
    free(all);
    return v ? v : fail(-ENOMEM);
}

char **xsc_directory(struct xsc *h, uint32_t tx, const char *path,
                     unsigned int *num)
{
    unsigned int l, rlen;
    char *reply, **v;
    char *p = join(&l, path, JOIN_END);
    int r = simple(h, XS_DIRECTORY, tx, p, l, &reply, &rlen);

    if ( r == -E2BIG )
        return directory_part(h, tx, path, num);
    if ( r )
        return fail(r);
    v = split(reply, rlen, num);
    free(reply);
    return v ? v : fail(-ENOMEM);
}

int xsc_get_perms(struct xsc *h, uint32_t tx, const char *path,
                  struct xs_perm **perms, unsigned int *num)
{
    unsigned int l, rlen, n, i;
    char *reply, **v;
    char *p = join(&l, path, JOIN_END);
    int r = simple(h, XS_GET_PERMS, tx, p, l, &reply, &rlen);

    if ( r )
        return r;
    v = split(reply, rlen, &n);
    free(reply);
    if ( !v )
        return -ENOMEM;
    *perms = malloc(sizeof(**perms) * (n ? n : 1));
    if ( !*perms )
    {
        free(v);
        return -ENOMEM;
    }
    for ( i = 0; i < n; i++ )
        if ( !xs_perm_parse(v[i], &(*perms)[i]) )
        {
            free(v);
            free(*perms);
            return -EPROTO;
        }
    free(v);
    *num = n;
    return 0;
}

int xsc_set_perms(struct xsc *h, uint32_t tx, const char *path,
                  const struct xs_perm *perms, unsigned int num)
{
    size_t plen = strlen(path) + 1, off;
    char *buf;
    unsigned int i;

    buf = malloc(plen + (size_t)num * XS_PERM_STRLEN);
    if ( !buf )
        return -ENOMEM;
    memcpy(buf, path, plen);
    off = plen;
    for ( i = 0; i < num; i++ )
        off += (size_t)xs_perm_format(&perms[i], buf + off) + 1;
    if ( off > XENSTORE_PAYLOAD_MAX )
    {
        free(buf);
        return -E2BIG;
    }
    return simple(h, XS_SET_PERMS, tx, buf, (unsigned int)off, NULL, NULL);
}

int xsc_watch(struct xsc *h, const char *path, const char *token)
{
    unsigned int l;
    char *p = join(&l, path, token, JOIN_END);

    return simple(h, XS_WATCH, 0, p, l, NULL, NULL);
}

int xsc_unwatch(struct xsc *h, const char *path, const char *token)
{
    unsigned int l;
    char *p = join(&l, path, token, JOIN_END);

    return simple(h, XS_UNWATCH, 0, p, l, NULL, NULL);
}

int xsc_read_watch(struct xsc *h, char **buf, const char **path,
                   const char **token, int timeout_ms)
{
    long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
    struct event *e;
    struct xsd_sockmsg m;
    char *body;
    int r;

    while ( !h->ev_head )
    {
        if ( (r = read_msg(h, &m, &body, deadline)) )
            return r;
        if ( m.type == XS_WATCH_EVENT )
            queue_event(h, body, m.len);
        else
            free(body);
    }
    e = h->ev_head;
    h->ev_head = e->next;
    if ( !h->ev_head )
        h->ev_tail = NULL;
    h->nev--;
    if ( xs_count_strings(e->buf, e->len) < 2 )
    {
        free(e->buf);
        free(e);
        return -EPROTO;
    }
    *buf = e->buf;
    *path = e->buf;
    *token = e->buf + strlen(e->buf) + 1;
    free(e);
    return 0;
}

int xsc_transaction_start(struct xsc *h, uint32_t *tx)
{
    char *reply;
    unsigned long v;
    int r = xsc_request(h, XS_TRANSACTION_START, 0, "", 1, &reply, NULL);

    if ( r )
        return r;
    if ( !xs_parse_uint(reply, 0xffffffffUL, &v) )
        r = -EPROTO;
    else
        *tx = (uint32_t)v;
    free(reply);
    return r;
}

int xsc_transaction_end(struct xsc *h, uint32_t tx, bool commit)
{
    return xsc_request(h, XS_TRANSACTION_END, tx, commit ? "T" : "F", 2, NULL,
                       NULL);
}

static int domid_req(struct xsc *h, uint32_t type, uint32_t domid,
                     char **reply)
{
    char buf[16];

    snprintf(buf, sizeof(buf), "%u", (unsigned int)domid);
    return xsc_request(h, type, 0, buf, (unsigned int)strlen(buf) + 1, reply,
                       NULL);
}

int xsc_introduce(struct xsc *h, uint32_t domid, unsigned long mfn,
                  uint32_t port)
{
    char d[16], m[24], p[16];
    unsigned int l;
    char *buf;

    snprintf(d, sizeof(d), "%u", (unsigned int)domid);
    snprintf(m, sizeof(m), "%lu", mfn);
    snprintf(p, sizeof(p), "%u", (unsigned int)port);
    buf = join(&l, d, m, p, JOIN_END);
    return simple(h, XS_INTRODUCE, 0, buf, l, NULL, NULL);
}

int xsc_release(struct xsc *h, uint32_t domid)
{
    return domid_req(h, XS_RELEASE, domid, NULL);
}

int xsc_is_introduced(struct xsc *h, uint32_t domid, bool *yes)
{
    char *reply;
    int r = domid_req(h, XS_IS_DOMAIN_INTRODUCED, domid, &reply);

    if ( r )
        return r;
    *yes = reply[0] == 'T';
    free(reply);
    return 0;
}

char *xsc_get_domain_path(struct xsc *h, uint32_t domid)
{
    char *reply;
    int r = domid_req(h, XS_GET_DOMAIN_PATH, domid, &reply);

    return r ? fail(r) : reply;
}

int xsc_set_target(struct xsc *h, uint32_t domid, uint32_t target)
{
    char d[16], t[16], *buf;
    unsigned int l;

    snprintf(d, sizeof(d), "%u", (unsigned int)domid);
    snprintf(t, sizeof(t), "%u", (unsigned int)target);
    buf = join(&l, d, t, JOIN_END);
    return simple(h, XS_SET_TARGET, 0, buf, l, NULL, NULL);
}

int xsc_reset_watches(struct xsc *h)
{
    return xsc_request(h, XS_RESET_WATCHES, 0, "", 1, NULL, NULL);
}

char *xsc_control(struct xsc *h, const char *args, unsigned int alen)
{
    char *reply;
    int r = xsc_request(h, XS_CONTROL, 0, args, alen, &reply, NULL);

    return r ? fail(r) : reply;
}
