/* SPDX-License-Identifier: GPL-2.0-only */
/* Keeps the xenstore tree on disk: a snapshot plus an append-only journal. */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "xsd.h"

/*
 * Layout of the state directory:
 *   tree     snapshot: H record, N (node) and I (domain) records, E record
 *   journal  H record naming the snapshot it extends, then N/D/I records
 * Every record is: u32 payload length, u32 CRC-32 of payload, payload; the
 * payload's first byte is the record type.  Integers are little-endian.
 *
 * A snapshot is written to tree.tmp, fsynced and renamed over tree, so it
 * is either the old or the new one, never half of one.  A journal whose
 * sequence number differs from the snapshot's is stale (the snapshot was
 * taken after it) and is ignored.  A torn record at the journal's end (the
 * daemon died mid-write) fails its CRC; replay stops there and the file is
 * cut back before appending.
 */

#define REC_HEADER 'H'
#define REC_NODE   'N'
#define REC_DEL    'D'
#define REC_DOM    'I'
#define REC_END    'E'
#define FORMAT_VERSION 1
#define MAX_RECORD (16u << 20)

struct xsd_persist
{
    char *dir;
    int jfd;                /* Journal, opened for appending. */
    enum xsd_sync sync;
    bool loading;           /* Replaying: do not journal what we apply. */
    bool unsynced;
    bool broken;            /* A write failed: we said so once. */
    uint64_t seq;           /* Snapshot sequence number. */
    off_t jsize;            /* Bytes in the journal. */
    off_t snapsize;
    struct timespec last_sync;
    char *buf;              /* Records of the current request. */
    size_t len, cap;
};

struct rbuf
{
    const unsigned char *p;
    size_t len, off;
    bool bad;
};

static void buf_need(struct xsd_persist *p, size_t n)
{
    if ( p->len + n > p->cap )
    {
        p->cap = (p->len + n) * 2;
        p->buf = realloc(p->buf, p->cap);
        if ( !p->buf )
            abort();
    }
}

static void put_bytes(struct xsd_persist *p, const void *v, size_t n)
{
    buf_need(p, n);
    memcpy(p->buf + p->len, v, n);
    p->len += n;
}

static void put_u8(struct xsd_persist *p, uint8_t v)
{
    put_bytes(p, &v, 1);
}

static void put_u32(struct xsd_persist *p, uint32_t v)
{
    unsigned char b[4] = {
        (unsigned char)v, (unsigned char)(v >> 8),
        (unsigned char)(v >> 16), (unsigned char)(v >> 24),
    };

    put_bytes(p, b, 4);
}

static void put_u64(struct xsd_persist *p, uint64_t v)
{
    put_u32(p, (uint32_t)v);
    put_u32(p, (uint32_t)(v >> 32));
}

static void put_str(struct xsd_persist *p, const char *s, size_t n)
{
    put_u32(p, (uint32_t)n);
    put_bytes(p, s, n);
}

/* Records are built in place: reserve the 8-byte header, fill it in after. */
static size_t rec_begin(struct xsd_persist *p, char type)
{
    size_t at = p->len;

    put_u32(p, 0);
    put_u32(p, 0);
    put_u8(p, (uint8_t)type);
    return at;
}

static void rec_end(struct xsd_persist *p, size_t at)
{
    uint32_t len = (uint32_t)(p->len - at - 8);
    uint32_t crc = xs_crc32(0, p->buf + at + 8, len);
    size_t save = p->len;

    p->len = at;
    put_u32(p, len);
    put_u32(p, crc);
    p->len = save;
}

static void rec_node(struct xsd_persist *p, const struct xsd_node *n)
{
    size_t at = rec_begin(p, REC_NODE);
    unsigned int i;

    put_str(p, n->path, strlen(n->path));
    put_u32(p, n->nperms);
    for ( i = 0; i < n->nperms; i++ )
    {
        put_u32(p, n->perms[i].id);
        put_u8(p, (uint8_t)n->perms[i].perm);
    }
    put_str(p, n->value, n->vlen);
    rec_end(p, at);
}

static void rec_domain(struct xsd_persist *p, const struct xsd_domain *dom)
{
    size_t at = rec_begin(p, REC_DOM);

    put_u32(p, dom->domid);
    put_u8(p, dom->introduced);
    put_u64(p, dom->mfn);
    put_u32(p, dom->port);
    put_u32(p, dom->target);
    rec_end(p, at);
}

static void rec_header(struct xsd_persist *p, uint64_t gen)
{
    size_t at = rec_begin(p, REC_HEADER);

    put_u32(p, FORMAT_VERSION);
    put_u64(p, p->seq);
    put_u64(p, gen);
    rec_end(p, at);
}

/* ---- Reading ---- */

static uint32_t get_u32(struct rbuf *r)
{
    const unsigned char *b = r->p + r->off;

    if ( r->bad || r->len - r->off < 4 )
    {
        r->bad = true;
        return 0;
    }
    r->off += 4;
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
           (uint32_t)b[3] << 24;
}

static uint8_t get_u8(struct rbuf *r)
{
    if ( r->bad || r->len - r->off < 1 )
    {
        r->bad = true;
        return 0;
    }
    return r->p[r->off++];
}

static uint64_t get_u64(struct rbuf *r)
{
    uint64_t lo = get_u32(r);

    return lo | (uint64_t)get_u32(r) << 32;
}

static const char *get_str(struct rbuf *r, uint32_t *lenp)
{
    uint32_t len = get_u32(r);
    const char *s;

    if ( r->bad || r->len - r->off < len )
    {
        r->bad = true;
        return NULL;
    }
    s = (const char *)r->p + r->off;
    r->off += len;
    *lenp = len;
    return s;
}

/* Next record's payload; false at the end or at damage (*damaged set). */
static bool next_record(struct rbuf *r, struct rbuf *rec, bool *damaged)
{
    uint32_t len, crc;

    *damaged = false;
    if ( r->off == r->len )
        return false;
    len = get_u32(r);
    crc = get_u32(r);
    if ( r->bad || len == 0 || len > MAX_RECORD || r->len - r->off < len ||
         xs_crc32(0, r->p + r->off, len) != crc )
    {
        *damaged = true;
        return false;
    }
    rec->p = r->p + r->off;
    rec->len = len;
    rec->off = 0;
    rec->bad = false;
    r->off += len;
    return true;
}

static char *read_file(const char *path, size_t *lenp)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    char *buf;
    size_t off = 0;
    ssize_t n;

    if ( fd < 0 )
        return NULL;
    if ( fstat(fd, &st) )
    {
        close(fd);
        return NULL;
    }
    buf = malloc((size_t)st.st_size + 1);
    if ( !buf )
        abort();
    while ( off < (size_t)st.st_size &&
            (n = read(fd, buf + off, (size_t)st.st_size - off)) > 0 )
        off += (size_t)n;
    close(fd);
    *lenp = off;
    return buf;
}

static char *node_parent(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
}

/* Applies one N/D/I record; false if it does not fit the tree. */
static bool apply_record(struct xsd *d, struct rbuf *rec)
{
    char type = (char)get_u8(rec);
    uint32_t plen = 0, vlen = 0, np, i;
    const char *p, *v;
    char *path, *pp;
    struct xs_perm *perms;
    struct xsd_node *n, *old, *parent;
    struct xsd_domain *dom;

    switch ( type )
    {
    case REC_NODE:
        p = get_str(rec, &plen);
        np = get_u32(rec);
        if ( rec->bad || !np || np > MAX_RECORD / 5 || !plen )
            return false;
        perms = malloc(sizeof(*perms) * np);
        if ( !perms )
            abort();
        for ( i = 0; i < np; i++ )
        {
            perms[i].id = get_u32(rec);
            perms[i].perm = get_u8(rec) & XS_PERM_BOTH;
            if ( perms[i].id > XS_DOMID_MAX )
                rec->bad = true;
        }
        v = get_str(rec, &vlen);
        if ( rec->bad || p[0] != '/' || memchr(p, 0, plen) )
        {
            free(perms);
            return false;
        }
        path = strndup(p, plen);
        old = xsd_tree_get(d, path);
        if ( !old && strcmp(path, "/") )
        {
            pp = node_parent(path);
            parent = xsd_tree_get(d, pp);
            free(pp);
            if ( !parent )
            {
                free(path);
                free(perms);
                return false;
            }
            parent = xsd_node_dup(parent);
            xsd_node_add_child(parent, strrchr(path, '/') + 1);
            xsd_tree_put(d, parent);
        }
        n = old ? xsd_node_dup(old) : xsd_node_new(path, NULL, 0, NULL, 0);
        xsd_node_set_value(n, v, vlen);
        xsd_node_set_perms(n, perms, np);
        xsd_tree_put(d, n);
        free(path);
        free(perms);
        return true;

    case REC_DEL:
        p = get_str(rec, &plen);
        if ( rec->bad || !plen || p[0] != '/' || memchr(p, 0, plen) )
            return false;
        path = strndup(p, plen);
        if ( strcmp(path, "/") && xsd_tree_get(d, path) )
        {
            xsd_tree_del(d, path);
            pp = node_parent(path);
            parent = xsd_tree_get(d, pp);
            free(pp);
            if ( parent )
            {
                parent = xsd_node_dup(parent);
                xsd_node_del_child(parent, strrchr(path, '/') + 1);
                xsd_tree_put(d, parent);
            }
        }
        free(path);
        return true;

    case REC_DOM:
        i = get_u32(rec);
        if ( rec->bad || !(dom = xsd_domain_find(d, i, true)) )
            return false;
        dom->introduced = get_u8(rec);
        dom->mfn = get_u64(rec);
        dom->port = get_u32(rec);
        dom->target = get_u32(rec);
        return !rec->bad;
    }
    return false;
}

static bool read_header(struct rbuf *rec, uint64_t *seq)
{
    if ( get_u8(rec) != REC_HEADER || get_u32(rec) != FORMAT_VERSION )
        return false;
    *seq = get_u64(rec);
    get_u64(rec);
    return !rec->bad;
}

static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

    if ( fd < 0 )
        return -1;
    r = fsync(fd);
    close(fd);
    return r;
}

/*
 * Writes buf to path via path.tmp, fsync and rename.  Without fsync (sync
 * mode "never") the rename still keeps a crashed daemon from leaving half
 * a file behind; only a host crash could.
 */
static int write_atomic(const char *dir, const char *name, const char *buf,
                        size_t len, bool sync)
{
    char tmp[4096], final[4096];
    size_t off = 0;
    ssize_t n;
    int fd;

    snprintf(tmp, sizeof(tmp), "%s/%s.tmp", dir, name);
    snprintf(final, sizeof(final), "%s/%s", dir, name);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if ( fd < 0 )
        return -1;
    while ( off < len )
    {
        n = write(fd, buf + off, len - off);
        if ( n <= 0 )
        {
            close(fd);
            unlink(tmp);
            return -1;
        }
        off += (size_t)n;
    }
    if ( (sync && fsync(fd)) || close(fd) || rename(tmp, final) ||
         (sync && fsync_dir(dir)) )
    {
        unlink(tmp);
        return -1;
    }
    return 0;
}

static void snap_walk(struct xsd *d, struct xsd_persist *p, const char *path)
{
    struct xsd_node *n = xsd_tree_get(d, path);
    unsigned int i;
    char *cp;

    if ( !n )
        return;
    rec_node(p, n);
    for ( i = 0; i < n->nchildren; i++ )
    {
        size_t len = strlen(path) + strlen(n->children[i]) + 2;

        cp = malloc(len);
        if ( !cp )
            abort();
        snprintf(cp, len, "%s/%s", strcmp(path, "/") ? path : "",
                 n->children[i]);
        snap_walk(d, p, cp);
        free(cp);
    }
}

static int open_journal(struct xsd *d, struct xsd_persist *p)
{
    char path[4096];

    /* The journal starts afresh, naming the snapshot it extends. */
    p->len = 0;
    rec_header(p, d->gen);
    if ( write_atomic(p->dir, "journal", p->buf, p->len,
                      p->sync != XSD_SYNC_NEVER) )
        return -1;
    snprintf(path, sizeof(path), "%s/journal", p->dir);
    if ( p->jfd >= 0 )
        close(p->jfd);
    p->jfd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
    if ( p->jfd < 0 )
        return -1;
    p->jsize = (off_t)p->len;
    p->len = 0;
    return 0;
}

int xsd_persist_snapshot(struct xsd *d)
{
    struct xsd_persist *p = d->persist;
    char *save;
    size_t savelen, at;
    struct xsd_domain *dom;

    if ( !p )
        return -1;
    /* Flush what the journal still owes before replacing it. */
    xsd_persist_commit(d);
    save = p->buf;
    savelen = p->cap;
    p->buf = NULL;
    p->len = p->cap = 0;
    p->seq++;
    rec_header(p, d->gen);
    snap_walk(d, p, "/");
    for ( dom = d->dom_list; dom; dom = dom->next )
        if ( dom->introduced )
            rec_domain(p, dom);
    at = rec_begin(p, REC_END);
    rec_end(p, at);
    if ( write_atomic(p->dir, "tree", p->buf, p->len,
                      p->sync != XSD_SYNC_NEVER) )
    {
        xsd_log(d, "cannot write snapshot in %s: %s", p->dir, strerror(errno));
        p->seq--;
        free(p->buf);
        p->buf = save;
        p->cap = savelen;
        p->len = 0;
        return -1;
    }
    p->snapsize = (off_t)p->len;
    free(p->buf);
    p->buf = save;
    p->cap = savelen;
    p->len = 0;
    if ( open_journal(d, p) )
    {
        xsd_log(d, "cannot start journal in %s: %s", p->dir, strerror(errno));
        p->broken = true;
        return -1;
    }
    p->unsynced = false;
    clock_gettime(CLOCK_MONOTONIC, &p->last_sync);
    return 0;
}

int xsd_persist_open(struct xsd *d, const char *dir, enum xsd_sync sync)
{
    struct xsd_persist *p = calloc(1, sizeof(*p));
    char path[4096];
    char *buf;
    size_t len;
    struct rbuf r, rec;
    bool damaged, ended = false;
    uint64_t seq = 0, jseq;
    unsigned long nrec = 0;

    if ( !p )
        abort();
    p->dir = strdup(dir);
    p->jfd = -1;
    p->sync = sync;
    p->loading = true;
    d->persist = p;
    mkdir(dir, 0700);

    snprintf(path, sizeof(path), "%s/tree", dir);
    if ( (buf = read_file(path, &len)) )
    {
        r = (struct rbuf){ (unsigned char *)buf, len, 0, false };
        if ( !next_record(&r, &rec, &damaged) || !read_header(&rec, &seq) )
        {
            xsd_log(d, "%s: not a snapshot", path);
            free(buf);
            errno = EINVAL;
            return -1;
        }
        while ( next_record(&r, &rec, &damaged) )
        {
            if ( rec.p[0] == REC_END )
            {
                ended = true;
                break;
            }
            if ( !apply_record(d, &rec) )
            {
                damaged = true;
                break;
            }
        }
        free(buf);
        if ( damaged || !ended )
        {
            /* Renamed into place only when complete: this is real damage. */
            xsd_log(d, "%s: snapshot damaged, refusing to start", path);
            errno = EINVAL;
            return -1;
        }
        p->seq = seq;
        p->snapsize = (off_t)len;
    }

    snprintf(path, sizeof(path), "%s/journal", dir);
    if ( (buf = read_file(path, &len)) )
    {
        r = (struct rbuf){ (unsigned char *)buf, len, 0, false };
        if ( next_record(&r, &rec, &damaged) && read_header(&rec, &jseq) &&
             jseq == seq )
        {
            while ( next_record(&r, &rec, &damaged) )
            {
                if ( !apply_record(d, &rec) )
                {
                    damaged = true;
                    break;
                }
                nrec++;
            }
            if ( damaged )
                xsd_log(d, "%s: torn or damaged record after %lu good ones;"
                        " discarding the rest", path, nrec);
        }
        free(buf);
    }
    p->loading = false;
    if ( !xsd_tree_get(d, "/") )
        xsd_default_tree(d);
    /* Fold the replayed journal into a fresh snapshot: a clean start. */
    return xsd_persist_snapshot(d);
}

void xsd_persist_close(struct xsd *d)
{
    struct xsd_persist *p = d->persist;

    if ( !p )
        return;
    xsd_persist_commit(d);
    if ( p->jfd >= 0 )
    {
        if ( p->sync != XSD_SYNC_NEVER )
            fdatasync(p->jfd);
        close(p->jfd);
    }
    free(p->buf);
    free(p->dir);
    free(p);
    d->persist = NULL;
}

void xsd_persist_node(struct xsd *d, const struct xsd_node *n)
{
    if ( d->persist && !d->persist->loading )
        rec_node(d->persist, n);
}

void xsd_persist_delete(struct xsd *d, const char *path)
{
    struct xsd_persist *p = d->persist;
    size_t at;

    if ( !p || p->loading )
        return;
    at = rec_begin(p, REC_DEL);
    put_str(p, path, strlen(path));
    rec_end(p, at);
}

void xsd_persist_domain(struct xsd *d, const struct xsd_domain *dom)
{
    if ( d->persist && !d->persist->loading )
        rec_domain(d->persist, dom);
}

void xsd_persist_commit(struct xsd *d)
{
    struct xsd_persist *p = d->persist;
    size_t off = 0;
    ssize_t n;

    if ( !p || !p->len )
        return;
    while ( p->jfd >= 0 && off < p->len )
    {
        n = write(p->jfd, p->buf + off, p->len - off);
        if ( n < 0 && errno == EINTR )
            continue;
        if ( n <= 0 )
        {
            if ( !p->broken )
                xsd_log(d, "journal write failed: %s; state on disk is now"
                        " behind", strerror(errno));
            p->broken = true;
            break;
        }
        off += (size_t)n;
    }
    p->jsize += (off_t)off;
    p->len = 0;
    if ( p->sync == XSD_SYNC_ALWAYS && p->jfd >= 0 )
        fdatasync(p->jfd);
    else
        p->unsynced = true;
}

int xsd_persist_tick(struct xsd *d)
{
    struct xsd_persist *p = d->persist;
    struct timespec now;
    long ms;

    if ( !p )
        return -1;
    /* Compact once the journal dwarfs the snapshot. */
    if ( p->jsize > (off_t)(1 << 20) && p->jsize > 4 * p->snapsize )
        xsd_persist_snapshot(d);
    if ( !p->unsynced || p->sync != XSD_SYNC_PERIODIC )
        return -1;
    clock_gettime(CLOCK_MONOTONIC, &now);
    ms = (now.tv_sec - p->last_sync.tv_sec) * 1000 +
         (now.tv_nsec - p->last_sync.tv_nsec) / 1000000;
    if ( ms >= 1000 )
    {
        if ( p->jfd >= 0 )
            fdatasync(p->jfd);
        p->unsynced = false;
        p->last_sync = now;
        return -1;
    }
    return (int)(1000 - ms);
}
