/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for the gzip and xz decoders against the host's gzip and xz. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xen/decompress.h>
#include "check.h"

#define XEN_ENOSPC      28
#define XEN_EINVAL      22
#define XEN_EOPNOTSUPP  95

/* The decoders allocate their state with xmalloc; malloc stands in. */
void *_xmalloc(size_t size, size_t align);
void xfree(void *p);

void *_xmalloc(size_t size, size_t align)
{
    return malloc(size);
}

void xfree(void *p)
{
    free(p);
}

struct buf {
    uint8_t *p;
    size_t len;
};

static char tmpdir[] = "/tmp/decompress-test.XXXXXX";

static bool read_file(const char *path, struct buf *b)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 1 << 16, n;

    if ( !f )
        return false;
    b->p = malloc(cap);
    b->len = 0;
    while ( (n = fread(b->p + b->len, 1, cap - b->len, f)) > 0 )
    {
        b->len += n;
        if ( b->len == cap )
            b->p = realloc(b->p, cap *= 2);
    }
    fclose(f);
    return true;
}

static void write_file(const char *path, const void *p, size_t len)
{
    FILE *f = fopen(path, "wb");

    if ( !f || fwrite(p, 1, len, f) != len )
        abort();
    fclose(f);
}

/* Runs "tool args < in > out" and returns out, or a NULL buffer. */
static struct buf run_tool(const char *tool, const struct buf *in)
{
    char cmd[1024], ipath[128], opath[128];
    struct buf out = { NULL, 0 };

    snprintf(ipath, sizeof(ipath), "%s/in", tmpdir);
    snprintf(opath, sizeof(opath), "%s/out", tmpdir);
    write_file(ipath, in->p, in->len);
    snprintf(cmd, sizeof(cmd), "%s < %s > %s", tool, ipath, opath);
    if ( system(cmd) == 0 )
        read_file(opath, &out);
    return out;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Data sets covering the decoders' cases. */
static struct buf make_random(size_t len)
{
    struct buf b = { malloc(len ? len : 1), len };

    for ( size_t i = 0; i < len; i++ )
        b.p[i] = rnd();
    return b;
}

static struct buf make_text(size_t len)
{
    static const char *words[] = {
        "hypervisor ", "domain ", "page ", "grant ", "event ", "channel ",
        "xen ", "\n", "the ", "of ", "vcpu ", "0x1234 ", "memory ",
    };
    struct buf b = { malloc(len ? len : 1), len };
    size_t i = 0;

    while ( i < len )
    {
        const char *w = words[rnd() % ARRAY_SIZE(words)];

        while ( *w && i < len )
            b.p[i++] = *w++;
    }
    return b;
}

static struct buf make_fill(size_t len, uint8_t c)
{
    struct buf b = { malloc(len ? len : 1), len };

    memset(b.p, c, len);
    return b;
}

/*
 * Repeats of every short period (1 to 9 bytes) and lengths up to the
 * longest match, between random bytes: matches that overlap themselves,
 * one-byte runs, and (over several LZMA2 chunks) matches ending at a
 * chunk's end, each of which unxz copies its own way.
 */
static struct buf make_periods(size_t len)
{
    struct buf b = { malloc(len ? len : 1), len };
    size_t i = 0;

    while ( i < len )
    {
        size_t period = 1 + rnd() % 9, n = 2 + rnd() % 300;

        for ( size_t k = 0; k < period && i < len; k++ )
            b.p[i++] = rnd();
        for ( ; n && i < len; n--, i++ )
            b.p[i] = b.p[i - period];
    }
    return b;
}

/* Something with x86 code in it, for the BCJ filter: a host binary. */
static struct buf make_code(void)
{
    struct buf b = { NULL, 0 };

    if ( !read_file("../../../xen/xen-syms", &b) && !read_file("/bin/ls", &b) )
        b = make_random(100000);
    return b;
}

/*
 * Decodes c and compares with orig, with an output buffer of exactly the
 * original size so that ASan sees any write past it.
 */
static bool round_trip(const struct buf *c, const struct buf *orig,
                       char *why, size_t why_len)
{
    size_t len = 12345, sz = 0;
    uint8_t *out = malloc(orig->len ? orig->len : 1);
    int rc = decompressed_size(c->p, c->len, &sz);

    if ( rc || sz != orig->len )
    {
        snprintf(why, why_len, "size rc %d size %zu want %zu", rc, sz,
                 orig->len);
        free(out);
        return false;
    }
    rc = decompress(c->p, c->len, out, orig->len, &len);
    if ( rc || len != orig->len || memcmp(out, orig->p, len) )
    {
        snprintf(why, why_len, "rc %d len %zu want %zu%s", rc, len, orig->len,
                 rc || len != orig->len ? "" : " (content differs)");
        free(out);
        return false;
    }
    /* One byte short must be refused without writing past the end. */
    if ( orig->len )
    {
        free(out);
        out = malloc(orig->len - 1 ? orig->len - 1 : 1);
        rc = decompress(c->p, c->len, out, orig->len - 1, &len);
        if ( rc != -XEN_ENOSPC )
        {
            snprintf(why, why_len, "short buffer gave %d", rc);
            free(out);
            return false;
        }
    }
    free(out);
    return true;
}

#define ROUND_TRIP(name, tool, data)                                          \
    CASE(name)                                                                \
    {                                                                         \
        struct buf c_ = run_tool(tool, &(data));                              \
        char w_[200];                                                         \
        if ( !c_.p )                                                          \
            check_fail(__FILE__, __LINE__, "host " tool " failed");           \
        else if ( !round_trip(&c_, &(data), w_, sizeof(w_)) )                 \
            check_fail(__FILE__, __LINE__, w_);                               \
        free(c_.p);                                                           \
    }

/*
 * Every truncation and many single-bit flips must give an error, or (for
 * bits nothing checks, such as gzip's timestamp) the original data.
 */
static void corrupt_cases(const char *name, const struct buf *c,
                          const struct buf *orig, unsigned int flips)
{
    char cname[128];
    uint8_t *out = malloc(orig->len + 1);

    snprintf(cname, sizeof(cname), "%s: every truncation refused", name);
    CASE(cname)
    {
        size_t step = c->len > 4000 ? c->len / 2000 : 1;

        for ( size_t n = 0; n < c->len; n += step )
        {
            size_t len;
            uint8_t *t = malloc(n ? n : 1);

            memcpy(t, c->p, n);
            if ( decompress(t, n, out, orig->len + 1, &len) == 0 )
                check_fail(__FILE__, __LINE__, "truncated input accepted");
            free(t);
        }
    }

    snprintf(cname, sizeof(cname), "%s: %u bit flips detected", name, flips);
    CASE(cname)
    {
        uint8_t *t = malloc(c->len);

        for ( unsigned int k = 0; k < flips; k++ )
        {
            size_t len, bit = rnd() % (c->len * 8);
            int rc;

            memcpy(t, c->p, c->len);
            t[bit / 8] ^= 1 << (bit % 8);
            rc = decompress(t, c->len, out, orig->len + 1, &len);
            if ( rc == 0 && (len != orig->len || memcmp(out, orig->p, len)) )
            {
                check_fail(__FILE__, __LINE__, "corruption not detected");
                break;
            }
        }
        free(t);
    }
    free(out);
}

/*
 * A gzip member with every optional header field, built from host gzip's
 * output: FEXTRA, FNAME, FCOMMENT and the header CRC.
 */
static struct buf gzip_all_fields(const struct buf *gz)
{
    static const uint8_t extra[] = { 6, 0, 'A', 'B', 2, 0, 'x', 'y' };
    struct buf b = { malloc(gz->len + 64), 0 };
    uint32_t crc;

    memcpy(b.p, gz->p, 10);
    b.p[3] = 0x02 | 0x04 | 0x08 | 0x10;
    b.len = 10;
    memcpy(b.p + b.len, extra, sizeof(extra));
    b.len += sizeof(extra);
    memcpy(b.p + b.len, "name.txt", 9);
    b.len += 9;
    memcpy(b.p + b.len, "a comment", 10);
    b.len += 10;
    crc = crc32(0, b.p, b.len);
    b.p[b.len++] = crc;
    b.p[b.len++] = crc >> 8;
    /* host gzip reading stdin writes no name: the body starts at 10. */
    memcpy(b.p + b.len, gz->p + 10, gz->len - 10);
    b.len += gz->len - 10;
    return b;
}

/*
 * Hand-made DEFLATE streams, for cases host gzip never writes.  Bits go
 * in least significant first; Huffman codes most significant bit first.
 */
struct bitw {
    uint8_t buf[64];
    size_t bit;
};

static void put_bits(struct bitw *w, uint32_t v, unsigned int n)
{
    for ( unsigned int i = 0; i < n; i++, w->bit++ )
        if ( (v >> i) & 1 )
            w->buf[w->bit / 8] |= 1 << (w->bit % 8);
}

static void put_code(struct bitw *w, uint32_t code, unsigned int len)
{
    while ( len-- )
        put_bits(w, (code >> len) & 1, 1);
}

/* A gzip member around w's DEFLATE bits, with a trailer claiming crc/len. */
static struct buf gzip_wrap(const struct bitw *w, uint32_t crc, uint32_t len)
{
    static const uint8_t hdr[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
    size_t n = (w->bit + 7) / 8;
    struct buf b = { malloc(10 + n + 8), 10 + n + 8 };

    memcpy(b.p, hdr, 10);
    memcpy(b.p + 10, w->buf, n);
    for ( unsigned int i = 0; i < 4; i++ )
    {
        b.p[10 + n + i] = crc >> (8 * i);
        b.p[14 + n + i] = len >> (8 * i);
    }
    return b;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Finds the first xz stream in a bzImage the simple way: by its magic. */
static bool find_xz(const struct buf *img, size_t *off)
{
    static const uint8_t magic[] = { 0xfd, '7', 'z', 'X', 'Z', 0 };

    for ( size_t i = 0; i + sizeof(magic) <= img->len; i++ )
        if ( !memcmp(img->p + i, magic, sizeof(magic)) )
        {
            *off = i;
            return true;
        }
    return false;
}

static void vmlinuz_cases(void)
{
    char path[300];
    struct buf img, xz;
    size_t off, plen, len, sz;
    uint8_t *out;
    int rc;

    if ( !harness_find_vmlinuz(path, sizeof(path)) || !read_file(path, &img) )
    {
        printf("SKIP: Debian vmlinuz payload: no readable /boot/vmlinuz-* "
               "(apt-get install linux-image-amd64)\n");
        return;
    }

    CASE("vmlinuz: bzImage header locates the xz payload")
    {
        CHECK(find_xz(&img, &off));
        CHECK_EQ(bzimage_payload(img.p, img.len, &off, &plen), 0);
        CHECK(find_xz(&img, &len));
        CHECK_EQ(off, len);
        CHECK_EQ(decompress_format(img.p + off, plen), DECOMPRESS_XZ);
        CHECK_EQ(bzimage_payload(img.p, 100, &off, &plen), -XEN_EINVAL);
    }
    if ( bzimage_payload(img.p, img.len, &off, &plen) )
        return;

    xz.p = img.p + off;
    xz.len = plen;
    CASE("vmlinuz: payload decodes to the same vmlinux as host xz")
    {
        struct buf ref = run_tool("xz -dc", &xz);
        double t;

        sz = 0;
        CHECK(ref.p != NULL);
        CHECK_EQ(decompressed_size(xz.p, xz.len, &sz), 0);
        CHECK_EQ(sz, ref.len);
        out = malloc(sz ? sz : 1);
        t = now();
        rc = decompress(xz.p, xz.len, out, sz, &len);
        t = now() - t;
        CHECK_EQ(rc, 0);
        CHECK_EQ(len, ref.len);
        CHECK(!memcmp(out, ref.p, ref.len));
        CHECK(!memcmp(out, "\177ELF", 4));
        printf("INFO: vmlinuz xz payload %zu -> %zu bytes in %.3f s "
               "(%.1f MB/s of output, sanitizer build)\n",
               xz.len, len, t, len / t / 1e6);
        free(out);
        free(ref.p);
    }
    free(img.p);
}

/* Throughput on a big realistic input, printed for the record. */
static void throughput(const struct buf *data)
{
    static const char *tools[] = { "gzip -9c", "xz -6c --x86 --lzma2" };

    for ( unsigned int k = 0; k < ARRAY_SIZE(tools); k++ )
    {
        struct buf c = run_tool(tools[k], data);
        uint8_t *out = malloc(data->len);
        size_t len;
        double t;
        int rc;

        if ( !c.p )
            continue;
        t = now();
        rc = decompress(c.p, c.len, out, data->len, &len);
        t = now() - t;
        if ( !rc )
            printf("INFO: %s of %zu bytes decodes at %.1f MB/s "
                   "(sanitizer build)\n", tools[k], data->len,
                   len / t / 1e6);
        free(out);
        free(c.p);
    }
}

/* decompress_paced()'s ready(): takes ends up to limit, records them. */
struct pace {
    size_t limit, last, calls;
    bool shrank;
};

static int pace_ready(void *opaque, size_t end)
{
    struct pace *p = opaque;

    p->calls++;
    p->shrank |= end < p->last;
    p->last = end;
    return end <= p->limit ? 0 : -1;
}

/*
 * c (tool's output of orig) unpacked with every end taken, then with
 * ends up to half the output only: -ENOSPC, nothing written beyond.
 */
static void paced_cases(const char *name, const char *tool,
                        const struct buf *orig)
{
    struct buf c = run_tool(tool, orig);
    uint8_t *out = malloc(orig->len + 1);
    struct pace p = { .limit = orig->len };
    char cname[200];
    size_t len = 0, half = orig->len / 2;

    snprintf(cname, sizeof(cname), "decompress_paced: %s: all taken", name);
    CASE(cname)
    {
        CHECK(c.p != NULL);
        CHECK_EQ(decompress_paced(c.p, c.len, out, orig->len, &len,
                                  pace_ready, &p), 0);
        CHECK_EQ(len, orig->len);
        CHECK(!memcmp(out, orig->p, orig->len));
        CHECK(p.calls > 0 && !p.shrank);
        CHECK_EQ(p.last, orig->len);
    }
    snprintf(cname, sizeof(cname), "decompress_paced: %s: refused halfway",
             name);
    CASE(cname)
    {
        p = (struct pace){ .limit = half };
        memset(out, 0xa5, orig->len);
        CHECK_EQ(decompress_paced(c.p, c.len, out, orig->len, &len,
                                  pace_ready, &p), -XEN_ENOSPC);
        CHECK(p.last > half && !p.shrank);
        for ( size_t i = half; i < orig->len; i++ )
            if ( out[i] != 0xa5 )
            {
                CHECK_EQ(i, orig->len);
                break;
            }
    }
    free(out);
    free(c.p);
}

int main(void)
{
    struct buf empty = make_fill(0, 0), one = make_fill(1, 'x');
    struct buf zeros = make_fill(3 << 20, 0), text = make_text(1 << 20);
    struct buf small = make_text(5000), rnd4 = make_random(4 << 20);
    struct buf code = make_code(), gz, xz;
    struct buf periods = make_periods((5 << 20) + 12345);
    char cmd[300];

    if ( !mkdtemp(tmpdir) )
        return 1;

    ROUND_TRIP("gzip: empty", "gzip -c", empty);
    ROUND_TRIP("gzip: one byte", "gzip -c", one);
    ROUND_TRIP("gzip -1: text", "gzip -1c", text);
    ROUND_TRIP("gzip -6: text", "gzip -6c", text);
    ROUND_TRIP("gzip -9: text", "gzip -9c", text);
    ROUND_TRIP("gzip: 3 MiB of zeros", "gzip -9c", zeros);
    ROUND_TRIP("gzip: 4 MiB random (stored blocks)", "gzip -c", rnd4);
    ROUND_TRIP("gzip: x86 code", "gzip -9c", code);
    ROUND_TRIP("gzip: short text (fixed Huffman)", "gzip -c", small);

    CASE("gzip: FEXTRA, FNAME, FCOMMENT, FHCRC")
    {
        struct buf g = run_tool("gzip -c", &text), all = gzip_all_fields(&g);
        char w[200];

        if ( !round_trip(&all, &text, w, sizeof(w)) )
            check_fail(__FILE__, __LINE__, w);
        /* A wrong header CRC is refused. */
        all.p[10 + 8 + 9 + 10] ^= 1;
        CHECK_EQ(decompress(all.p, all.len, text.p, 0, &(size_t){ 0 }),
                 -XEN_EINVAL);
        free(all.p);
        free(g.p);
    }

    CASE("deflate: hand-made fixed block with a match")
    {
        struct bitw w = { { 0 }, 0 };
        struct buf g;
        uint8_t out[8];
        size_t len;

        /* "a", then length 3 at distance 1: "aaaa". */
        put_bits(&w, 1, 1);             /* BFINAL */
        put_bits(&w, 1, 2);             /* fixed Huffman */
        put_code(&w, 0x30 + 'a', 8);    /* literals 0-143: 8 bits */
        put_code(&w, 1, 7);             /* 257: length 3 */
        put_code(&w, 0, 5);             /* distance code 0: 1 */
        put_code(&w, 0, 7);             /* end of block */
        g = gzip_wrap(&w, crc32(0, "aaaa", 4), 4);
        CHECK_EQ(decompress(g.p, g.len, out, sizeof(out), &len), 0);
        CHECK_EQ(len, 4);
        CHECK(!memcmp(out, "aaaa", 4));
        free(g.p);
    }

    CASE("deflate: distance before the start refused")
    {
        struct bitw w = { { 0 }, 0 };
        struct buf g;
        uint8_t out[8];
        size_t len;

        put_bits(&w, 1, 1);
        put_bits(&w, 1, 2);
        put_code(&w, 0x30 + 'a', 8);
        put_code(&w, 1, 7);
        put_code(&w, 1, 5);             /* distance 2, one byte written */
        put_code(&w, 0, 7);
        g = gzip_wrap(&w, 0, 4);
        CHECK_EQ(decompress(g.p, g.len, out, sizeof(out), &len), -XEN_EINVAL);
        free(g.p);
    }

    CASE("deflate: reserved block type and bad stored length refused")
    {
        struct bitw w = { { 0 }, 0 };
        struct buf g;
        uint8_t out[8];
        size_t len;

        put_bits(&w, 1, 1);
        put_bits(&w, 3, 2);             /* BTYPE 11 */
        g = gzip_wrap(&w, 0, 0);
        CHECK_EQ(decompress(g.p, g.len, out, sizeof(out), &len), -XEN_EINVAL);
        free(g.p);
        memset(&w, 0, sizeof(w));
        put_bits(&w, 1, 1);
        put_bits(&w, 0, 2);             /* stored */
        put_bits(&w, 0, 5);             /* to a byte boundary */
        put_bits(&w, 2, 16);            /* LEN */
        put_bits(&w, 0xfffe, 16);       /* NLEN: ~LEN is 0xfffd */
        put_bits(&w, 0x6261, 16);
        g = gzip_wrap(&w, 0, 2);
        CHECK_EQ(decompress(g.p, g.len, out, sizeof(out), &len), -XEN_EINVAL);
        g.p[13] = 0xfd;
        CHECK_EQ(decompress(g.p, g.len, out, 1, &len), -XEN_ENOSPC);
        free(g.p);
    }

    CASE("deflate: over-subscribed dynamic code refused")
    {
        struct bitw w = { { 0 }, 0 };
        struct buf g;
        uint8_t out[8];
        size_t len;

        put_bits(&w, 1, 1);
        put_bits(&w, 2, 2);             /* dynamic */
        put_bits(&w, 0, 5);             /* 257 literal/length codes */
        put_bits(&w, 0, 5);             /* 1 distance code */
        put_bits(&w, 0, 4);             /* 4 code length codes */
        for ( unsigned int i = 0; i < 4; i++ )
            put_bits(&w, 1, 3);         /* four 1-bit codes: too many */
        g = gzip_wrap(&w, 0, 0);
        CHECK_EQ(decompress(g.p, g.len, out, sizeof(out), &len), -XEN_EINVAL);
        free(g.p);
    }

    gz = run_tool("gzip -9c", &small);
    CASE("gzip: bad CRC32 and bad ISIZE refused")
    {
        uint8_t *out = malloc(small.len);
        size_t len;

        gz.p[gz.len - 8] ^= 0x80;
        CHECK_EQ(decompress(gz.p, gz.len, out, small.len, &len), -XEN_EINVAL);
        gz.p[gz.len - 8] ^= 0x80;
        gz.p[gz.len - 4] ^= 1;
        CHECK_EQ(decompress(gz.p, gz.len, out, small.len, &len), -XEN_EINVAL);
        gz.p[gz.len - 4] ^= 1;
        CHECK_EQ(decompress(gz.p, gz.len, out, small.len, &len), 0);
        free(out);
    }
    CASE("gzip: trailing data and a second member refused")
    {
        uint8_t *p = calloc(2 * gz.len, 1), *out = malloc(2 * small.len);
        size_t len;

        memcpy(p, gz.p, gz.len);
        CHECK_EQ(decompress(p, gz.len + 4, out, small.len, &len),
                 -XEN_EINVAL);
        memcpy(p + gz.len, gz.p, gz.len);
        CHECK_EQ(decompress(p, 2 * gz.len, out, 2 * small.len, &len),
                 -XEN_EINVAL);
        free(p);
        free(out);
    }
    corrupt_cases("gzip", &gz, &small, 3000);
    free(gz.p);

    ROUND_TRIP("xz: empty", "xz -c", empty);
    ROUND_TRIP("xz: one byte", "xz -c", one);
    ROUND_TRIP("xz -0: text", "xz -0c", text);
    ROUND_TRIP("xz -6: text", "xz -6c", text);
    ROUND_TRIP("xz -9e: text", "xz -9ec", text);
    ROUND_TRIP("xz --check=crc32", "xz -c --check=crc32", text);
    ROUND_TRIP("xz --check=crc64", "xz -c --check=crc64", text);
    ROUND_TRIP("xz --check=none", "xz -c --check=none", text);
    ROUND_TRIP("xz: 3 MiB of zeros", "xz -c", zeros);
    ROUND_TRIP("xz: 5 MiB of short periods (overlapping matches)",
               "xz -c --lzma2=preset=6,dict=1MiB", periods);
    ROUND_TRIP("xz: 4 MiB random (stored chunks)", "xz -c", rnd4);
    ROUND_TRIP("xz --x86 --lzma2: x86 code", "xz -c --x86 --lzma2", code);
    ROUND_TRIP("xz --x86 --lzma2 (kernel style): text",
               "xz -c --check=crc32 --x86 --lzma2=preset=9,dict=32MiB", text);
    ROUND_TRIP("xz --x86=start=4096", "xz -c --x86=start=4096 --lzma2",
               code);
    ROUND_TRIP("xz lc=0,lp=2,pb=0", "xz -c --lzma2=preset=6,lc=0,lp=2,pb=0",
               code);
    ROUND_TRIP("xz lc=4,lp=0,pb=4", "xz -c --lzma2=preset=6,lc=4,lp=0,pb=4",
               text);
    ROUND_TRIP("xz --block-size=100000 (multi-block)",
               "xz -c --block-size=100000", text);
    ROUND_TRIP("xz --block-size=77777 --x86 (multi-block BCJ)",
               "xz -c --block-size=77777 --x86 --lzma2", code);
    ROUND_TRIP("xz multi-block random", "xz -c --block-size=1000000", rnd4);
    ROUND_TRIP("xz: two concatenated streams with padding",
               "(xz -c --check=crc32 && printf '\\0\\0\\0\\0' && "
               "xz -c < /dev/null)", text);

    paced_cases("xz multi-block", "xz -c --block-size=300000", &text);
    paced_cases("xz stored chunks", "xz -c", &rnd4);
    paced_cases("xz --x86 kernel style",
                "xz -c --check=crc32 --x86 --lzma2=preset=9,dict=32MiB", &code);
    paced_cases("gzip", "gzip -c", &text);

    CASE("xz --check=sha256 refused as unsupported")
    {
        struct buf c = run_tool("xz -c --check=sha256", &small);
        uint8_t *out = malloc(small.len);
        size_t len;

        CHECK(c.p != NULL);
        CHECK_EQ(decompress(c.p, c.len, out, small.len, &len),
                 -XEN_EOPNOTSUPP);
        free(out);
        free(c.p);
    }

    CASE("plain data is not taken for compressed")
    {
        size_t len;

        CHECK_EQ(decompress_format(text.p, text.len), DECOMPRESS_NONE);
        CHECK_EQ(decompress(text.p, text.len, zeros.p, 10, &len),
                 -XEN_EINVAL);
        CHECK_EQ(decompressed_size(text.p, text.len, &len), -XEN_EINVAL);
        CHECK_EQ(decompress_format("\x1f", 1), DECOMPRESS_NONE);
    }

    CASE("crc32 and crc64 of \"123456789\"")
    {
        CHECK_EQ(crc32(0, "123456789", 9), 0xcbf43926);
        CHECK_EQ(crc64(0, "123456789", 9), 0x995dc9bbdf1939faULL);
        CHECK_EQ(crc32(crc32(0, "1234", 4), "56789", 5), 0xcbf43926);
    }

    xz = run_tool("xz -c --check=crc64", &small);
    corrupt_cases("xz crc64", &xz, &small, 3000);
    free(xz.p);
    xz = run_tool("xz -c --check=crc32 --x86 --lzma2", &small);
    corrupt_cases("xz crc32 x86", &xz, &small, 3000);
    free(xz.p);
    xz = run_tool("xz -c --check=none", &small);
    CASE("xz --check=none: bit flips never crash")
    {
        uint8_t *t = malloc(xz.len), *out = malloc(small.len);
        size_t len;

        for ( unsigned int k = 0; k < 3000; k++ )
        {
            size_t bit = rnd() % (xz.len * 8);

            memcpy(t, xz.p, xz.len);
            t[bit / 8] ^= 1 << (bit % 8);
            decompress(t, xz.len, out, small.len, &len);
        }
        free(t);
        free(out);
    }
    free(xz.p);

    vmlinuz_cases();
    throughput(&code);

    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    if ( system(cmd) )
        return 1;
    return check_failures ? 1 : 0;
}
