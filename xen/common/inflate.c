/* SPDX-License-Identifier: GPL-2.0-only */
/* gzip (RFC 1952) and DEFLATE (RFC 1951) decoding for gzip boot modules. */
#include <xen/decompress.h>
#include <xen/errno.h>
#include <xen/inflate.h>
#include <xen/lib.h>
#include <xen/string.h>
#include <xen/xmalloc.h>

/*
 * Input bits, least significant first as DEFLATE packs them.  Past the end
 * of the input the reader supplies zero bytes and counts them in pad, so
 * the hot path needs no bounds check: a caller that has consumed any of
 * those bits (pad > cnt) has read a truncated stream.
 */
struct bits {
    const uint8_t *in, *end;
    uint64_t buf;
    unsigned int cnt; /* valid bits in buf */
    unsigned int pad; /* of which made-up zero bits at the top */
};

static inline void refill(struct bits *b)
{
    while ( b->cnt <= 56 )
    {
        uint64_t byte = 0;

        if ( likely(b->in < b->end) )
            byte = *b->in++;
        else
            b->pad += 8;
        b->buf |= byte << b->cnt;
        b->cnt += 8;
    }
}

/* n <= 32, and the caller has refilled since consuming 24 or more bits. */
static inline unsigned int getbits(struct bits *b, unsigned int n)
{
    unsigned int v = b->buf & ((1ULL << n) - 1);

    b->buf >>= n;
    b->cnt -= n;
    return v;
}

static inline bool overrun(const struct bits *b)
{
    return b->pad > b->cnt;
}

/*
 * Gives whole unconsumed bytes back to the input, for stored blocks and
 * the gzip trailer which are byte-aligned: a partial byte is dropped.
 */
static void bits_rewind(struct bits *b)
{
    unsigned int real = b->cnt - b->pad;

    b->in -= real / 8;
    b->buf = 0;
    b->cnt = 0;
    b->pad = 0;
}

/*
 * A canonical Huffman code.  Codes of up to FAST_BITS bits are looked up
 * in one step by indexing fast[] with the next input bits (entries hold
 * symbol | length << 9, zero where no short code matches); longer codes,
 * rare in practice, are walked bit by bit from the per-length counts.
 */
#define FAST_BITS 10
#define MAX_BITS  15
#define MAX_SYMS  288

struct huff {
    uint16_t fast[1 << FAST_BITS];
    uint16_t count[MAX_BITS + 1];
    uint16_t sym[MAX_SYMS]; /* symbols in code order */
};

static unsigned int reverse_bits(unsigned int code, unsigned int len)
{
    unsigned int r = 0;

    while ( len-- )
    {
        r = (r << 1) | (code & 1);
        code >>= 1;
    }
    return r;
}

/*
 * Over-subscribed length sets are refused as they would give two symbols
 * one code; incomplete ones are allowed (RFC 1951 needs that for a lone
 * distance code) and an unused code is caught when decoded.
 */
static int huff_build(struct huff *h, const uint8_t *lens, unsigned int n)
{
    uint16_t next[MAX_BITS + 2];
    unsigned int len, i, code, idx;
    int left = 1;

    memset(h->count, 0, sizeof(h->count));
    for ( i = 0; i < n; i++ )
        h->count[lens[i]]++;
    h->count[0] = 0;
    for ( len = 1; len <= MAX_BITS; len++ )
    {
        left = 2 * left - h->count[len];
        if ( left < 0 )
            return -EINVAL;
    }

    next[1] = 0;
    for ( len = 1; len <= MAX_BITS; len++ )
        next[len + 1] = next[len] + h->count[len];
    for ( i = 0; i < n; i++ )
        if ( lens[i] )
            h->sym[next[lens[i]]++] = i;

    memset(h->fast, 0, sizeof(h->fast));
    code = 0;
    idx = 0;
    for ( len = 1; len <= FAST_BITS; len++ )
    {
        for ( i = 0; i < h->count[len]; i++, code++ )
        {
            uint16_t e = h->sym[idx++] | (len << 9);

            for ( unsigned int j = reverse_bits(code, len);
                  j < (1U << FAST_BITS); j += 1U << len )
                h->fast[j] = e;
        }
        code <<= 1;
    }
    return 0;
}

/* Needs MAX_BITS bits in the buffer; -1 for a code the table lacks. */
static inline int huff_decode(struct bits *b, const struct huff *h)
{
    unsigned int e = h->fast[b->buf & ((1U << FAST_BITS) - 1)];
    unsigned int code = 0, first = 0, idx = 0, len;

    if ( likely(e) )
    {
        getbits(b, e >> 9);
        return e & 0x1ff;
    }
    for ( len = 1; len <= MAX_BITS; len++ )
    {
        code |= (b->buf >> (len - 1)) & 1;
        if ( code - first < h->count[len] )
        {
            getbits(b, len);
            return h->sym[idx + code - first];
        }
        idx += h->count[len];
        first = (first + h->count[len]) << 1;
        code <<= 1;
    }
    return -1;
}

struct inflate {
    struct bits b;
    uint8_t *out;
    size_t pos, max;
    struct huff lit, dist;
    /*
     * Built once: a hostile stream of tiny fixed blocks must not cost a
     * table build per handful of bits.
     */
    struct huff fixed_lit, fixed_dist;
    bool fixed_built;
    uint8_t lens[MAX_SYMS + 32];
};

static const uint16_t len_base[29] = {
    3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23,  27,
    31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
};
static const uint8_t len_extra[29] = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
    2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
};
static const uint16_t dist_base[30] = {
    1,    2,    3,    4,    5,    7,    9,    13,    17,    25,
    33,   49,   65,   97,   129,  193,  257,  385,   513,   769,
    1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
};
static const uint8_t dist_extra[30] = {
    0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
    6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
};

/* The body of a Huffman-coded block, up to its end-of-block symbol. */
static int inflate_codes(struct inflate *s, const struct huff *lit,
                         const struct huff *dists)
{
    struct bits *b = &s->b;
    uint8_t *out = s->out;
    size_t pos = s->pos, max = s->max;
    int rc = 0;

    for ( ;; )
    {
        int sym;
        unsigned int len, dist;

        /*
         * Enough for a length, a distance and both their extra bits; a
         * stream that has run out stops here rather than decoding zeros.
         */
        refill(b);
        if ( unlikely(overrun(b)) )
        {
            rc = -EINVAL;
            break;
        }
        sym = huff_decode(b, lit);
        if ( sym < 256 )
        {
            if ( unlikely(sym < 0) )
            {
                rc = -EINVAL;
                break;
            }
            if ( unlikely(pos == max) )
            {
                rc = -ENOSPC;
                break;
            }
            out[pos++] = sym;
            continue;
        }
        if ( sym == 256 )
            break;
        sym -= 257;
        if ( unlikely(sym >= 29) )
        {
            rc = -EINVAL;
            break;
        }
        len = len_base[sym] + getbits(b, len_extra[sym]);
        sym = huff_decode(b, dists);
        if ( unlikely(sym < 0 || sym >= 30) )
        {
            rc = -EINVAL;
            break;
        }
        dist = dist_base[sym] + getbits(b, dist_extra[sym]);
        if ( unlikely(dist > pos) )
        {
            rc = -EINVAL;
            break;
        }
        if ( unlikely(len > max - pos) )
        {
            rc = -ENOSPC;
            break;
        }
        if ( dist >= len )
            memcpy(out + pos, out + pos - dist, len);
        else
        {
            /* Overlapping copies repeat the last dist bytes. */
            const uint8_t *from = out + pos - dist;

            for ( unsigned int i = 0; i < len; i++ )
                out[pos + i] = from[i];
        }
        pos += len;
    }
    s->pos = pos;
    if ( !rc && overrun(b) )
        rc = -EINVAL;
    return rc;
}

static int inflate_stored(struct inflate *s)
{
    struct bits *b = &s->b;
    unsigned int len, nlen;

    getbits(b, b->cnt & 7);
    refill(b);
    len = getbits(b, 16);
    nlen = getbits(b, 16);
    if ( overrun(b) || len != (~nlen & 0xffff) )
        return -EINVAL;
    bits_rewind(b);
    if ( len > b->end - b->in )
        return -EINVAL;
    if ( len > s->max - s->pos )
        return -ENOSPC;
    memcpy(s->out + s->pos, b->in, len);
    s->pos += len;
    b->in += len;
    return 0;
}

static int inflate_fixed(struct inflate *s)
{
    unsigned int i = 0;

    if ( s->fixed_built )
        return inflate_codes(s, &s->fixed_lit, &s->fixed_dist);
    while ( i < 144 )
        s->lens[i++] = 8;
    while ( i < 256 )
        s->lens[i++] = 9;
    while ( i < 280 )
        s->lens[i++] = 7;
    while ( i < 288 )
        s->lens[i++] = 8;
    if ( huff_build(&s->fixed_lit, s->lens, 288) )
        return -EINVAL;
    /* 32 codes, though 30 and 31 are invalid if they ever appear. */
    memset(s->lens, 5, 32);
    if ( huff_build(&s->fixed_dist, s->lens, 32) )
        return -EINVAL;
    s->fixed_built = true;
    return inflate_codes(s, &s->fixed_lit, &s->fixed_dist);
}

static int inflate_dynamic(struct inflate *s)
{
    static const uint8_t order[19] = {
        16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
    };
    struct bits *b = &s->b;
    unsigned int nlit, ndist, ncode, i, n;

    refill(b);
    nlit = getbits(b, 5) + 257;
    ndist = getbits(b, 5) + 1;
    ncode = getbits(b, 4) + 4;
    if ( nlit > 286 || ndist > 30 )
        return -EINVAL;

    /* The code-length code; s->dist is free to hold it for now. */
    memset(s->lens, 0, 19);
    for ( i = 0; i < ncode; i++ )
    {
        refill(b);
        s->lens[order[i]] = getbits(b, 3);
    }
    if ( huff_build(&s->dist, s->lens, 19) )
        return -EINVAL;

    for ( i = 0; i < nlit + ndist; )
    {
        int sym;
        uint8_t fill;

        refill(b);
        sym = huff_decode(b, &s->dist);
        if ( sym < 0 || overrun(b) )
            return -EINVAL;
        if ( sym < 16 )
        {
            s->lens[i++] = sym;
            continue;
        }
        if ( sym == 16 )
        {
            if ( !i )
                return -EINVAL;
            fill = s->lens[i - 1];
            n = 3 + getbits(b, 2);
        }
        else if ( sym == 17 )
        {
            fill = 0;
            n = 3 + getbits(b, 3);
        }
        else
        {
            fill = 0;
            n = 11 + getbits(b, 7);
        }
        if ( n > nlit + ndist - i )
            return -EINVAL;
        memset(s->lens + i, fill, n);
        i += n;
    }
    /* Without an end-of-block code the block could never finish. */
    if ( !s->lens[256] )
        return -EINVAL;
    if ( huff_build(&s->lit, s->lens, nlit) ||
         huff_build(&s->dist, s->lens + nlit, ndist) )
        return -EINVAL;
    return inflate_codes(s, &s->lit, &s->dist);
}

static int inflate_blocks(struct inflate *s)
{
    unsigned int last;

    do
    {
        int rc;

        refill(&s->b);
        last = getbits(&s->b, 1);
        switch ( getbits(&s->b, 2) )
        {
        case 0:
            rc = inflate_stored(s);
            break;
        case 1:
            rc = inflate_fixed(s);
            break;
        case 2:
            rc = inflate_dynamic(s);
            break;
        default:
            rc = -EINVAL;
            break;
        }
        if ( rc )
            return rc;
    } while ( !last );
    return overrun(&s->b) ? -EINVAL : 0;
}

#define GZ_FHCRC     0x02
#define GZ_FEXTRA    0x04
#define GZ_FNAME     0x08
#define GZ_FCOMMENT  0x10
#define GZ_FRESERVED 0xe0

static uint32_t le32(const uint8_t *p)
{
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* The offset of the DEFLATE data after the member header, or -EINVAL. */
static long gzip_header(const uint8_t *p, size_t len)
{
    size_t i = 10;
    uint8_t flg;

    if ( len < 10 || p[0] != 0x1f || p[1] != 0x8b || p[2] != 8 )
        return -EINVAL;
    flg = p[3];
    if ( flg & GZ_FRESERVED )
        return -EINVAL;
    if ( flg & GZ_FEXTRA )
    {
        size_t xlen;

        if ( len - i < 2 )
            return -EINVAL;
        xlen = p[i] | (p[i + 1] << 8);
        i += 2;
        if ( len - i < xlen )
            return -EINVAL;
        i += xlen;
    }
    if ( flg & GZ_FNAME )
    {
        const uint8_t *z = memchr(p + i, 0, len - i);

        if ( !z )
            return -EINVAL;
        i = z - p + 1;
    }
    if ( flg & GZ_FCOMMENT )
    {
        const uint8_t *z = memchr(p + i, 0, len - i);

        if ( !z )
            return -EINVAL;
        i = z - p + 1;
    }
    if ( flg & GZ_FHCRC )
    {
        if ( len - i < 2 || !checksum_ok((uint32_t)(p[i] | (p[i + 1] << 8)),
                                         crc32(0, p, i) & 0xffff) )
            return -EINVAL;
        i += 2;
    }
    return i;
}

int gunzip(const void *in, size_t in_len, void *out, size_t out_max,
           size_t *out_len)
{
    const uint8_t *p = in, *rest;
    struct inflate *s;
    long hdr = gzip_header(p, in_len);
    int rc;

    if ( hdr < 0 )
        return hdr;
    s = xmalloc(struct inflate);
    if ( !s )
        return -ENOMEM;
    memset(&s->b, 0, sizeof(s->b));
    s->fixed_built = false;
    s->b.in = p + hdr;
    s->b.end = p + in_len;
    s->out = out;
    s->pos = 0;
    s->max = out_max;
    rc = inflate_blocks(s);
    if ( rc )
        goto out;

    bits_rewind(&s->b);
    rest = s->b.in;
    rc = -EINVAL;
    /*
     * The trailer must end the input: gunzip_size() reads ISIZE from the
     * last four bytes, and kernels are never multi-member gzip files.
     */
    if ( s->b.end - rest != 8 ||
         !checksum_ok(le32(rest), crc32(0, out, s->pos)) ||
         le32(rest + 4) != (uint32_t)s->pos )
        goto out;
    *out_len = s->pos;
    rc = 0;
out:
    xfree(s);
    return rc;
}

int gunzip_size(const void *in, size_t in_len, size_t *size)
{
    const uint8_t *p = in;
    long hdr = gzip_header(p, in_len);

    if ( hdr < 0 )
        return hdr;
    /* The smallest DEFLATE stream is two bytes, then the 8-byte trailer. */
    if ( in_len - hdr < 10 )
        return -EINVAL;
    *size = le32(p + in_len - 4);
    return 0;
}
