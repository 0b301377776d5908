/* SPDX-License-Identifier: GPL-2.0-only */
/* .xz container, LZMA2/LZMA and x86 BCJ decoding for xz boot modules. */
#include <xen/compiler.h>
#include <xen/decompress.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/string.h>
#include <xen/unxz.h>
#include <xen/xmalloc.h>

/*
 * The whole output is in memory, so it doubles as the LZMA dictionary:
 * a match copies from earlier output directly and nothing larger than the
 * probability tables (about 30 KiB) is allocated, whatever dictionary size
 * the stream declares.
 */

/* ---- Range decoder ---- */

#define PROB_BITS 11
#define PROB_INIT (1U << (PROB_BITS - 1))
#define MOVE_BITS 5
#define TOP       (1U << 24)

/*
 * Kept in a local variable of the chunk decoder so that the compiler can
 * hold it in registers.  Reading past the chunk's bytes yields zeros and
 * sets err, checked once per symbol: garbage then decodes to garbage, but
 * the output limit bounds the work.
 */
struct rc {
    const uint8_t *in, *end;
    uint32_t range, code;
    bool err;
};

static inline void rc_normalize(struct rc *rc)
{
    if ( rc->range < TOP )
    {
        rc->range <<= 8;
        rc->code <<= 8;
        if ( likely(rc->in < rc->end) )
            rc->code |= *rc->in++;
        else
            rc->err = true;
    }
}

static inline unsigned int rc_bit(struct rc *rc, uint16_t *p)
{
    uint32_t bound;

    rc_normalize(rc);
    bound = (rc->range >> PROB_BITS) * *p;
    if ( rc->code < bound )
    {
        rc->range = bound;
        *p += ((1U << PROB_BITS) - *p) >> MOVE_BITS;
        return 0;
    }
    rc->range -= bound;
    rc->code -= bound;
    *p -= *p >> MOVE_BITS;
    return 1;
}

/* A bits-wide symbol coded most significant bit first down a tree. */
static inline unsigned int rc_tree(struct rc *rc, uint16_t *probs,
                                   unsigned int bits)
{
    unsigned int m = 1;

    for ( unsigned int i = 0; i < bits; i++ )
        m = (m << 1) | rc_bit(rc, &probs[m]);
    return m - (1U << bits);
}

/*
 * The same, least significant bit first; the tree's node m lives at
 * probs[base + m], where base may be "-1" (unsigned wrap-around) as the
 * distance tables are laid out by the encoder.
 */
static inline unsigned int rc_rtree(struct rc *rc, uint16_t *probs,
                                    unsigned int base, unsigned int bits)
{
    unsigned int m = 1, v = 0;

    for ( unsigned int i = 0; i < bits; i++ )
    {
        unsigned int bit = rc_bit(rc, &probs[base + m]);

        m = (m << 1) | bit;
        v |= bit << i;
    }
    return v;
}

/* Bits with probability one half. */
static inline uint32_t rc_direct(struct rc *rc, unsigned int bits)
{
    uint32_t v = 0;

    while ( bits-- )
    {
        rc_normalize(rc);
        rc->range >>= 1;
        v <<= 1;
        if ( rc->code >= rc->range )
        {
            rc->code -= rc->range;
            v |= 1;
        }
    }
    return v;
}

/* ---- LZMA ---- */

#define STATES         12
#define LIT_STATES     7 /* states below this follow a literal */
#define POS_STATES_MAX 16
#define DIST_STATES    4
#define DIST_SLOTS     64
#define DIST_MODEL_END 14 /* slots from here use direct + align bits */
#define FULL_DISTANCES 128
#define ALIGN_BITS     4
#define MATCH_LEN_MIN  2
#define LIT_CODER_SIZE 0x300
#define LIT_CODERS_MAX 16 /* LZMA2 limits lc + lp to 4 */

struct len_probs {
    uint16_t choice, choice2;
    uint16_t low[POS_STATES_MAX][8];
    uint16_t mid[POS_STATES_MAX][8];
    uint16_t high[256];
};

struct lzma {
    /* Probabilities first: one memset-like loop initialises them all. */
    uint16_t is_match[STATES][POS_STATES_MAX];
    uint16_t is_rep[STATES], is_rep0[STATES];
    uint16_t is_rep1[STATES], is_rep2[STATES];
    uint16_t is_rep0_long[STATES][POS_STATES_MAX];
    uint16_t dist_slot[DIST_STATES][DIST_SLOTS];
    uint16_t dist_special[FULL_DISTANCES - DIST_MODEL_END];
    uint16_t align[1U << ALIGN_BITS];
    struct len_probs match_len, rep_len;
    uint16_t literal[LIT_CODERS_MAX][LIT_CODER_SIZE];

    unsigned int lc, lp, pb;
    unsigned int state;
    uint32_t rep0, rep1, rep2, rep3;
    /* unxz_paced()'s: asked before each chunk's output is written. */
    int (*ready)(void *opaque, size_t end);
    void *opaque;
};

static void lzma_reset(struct lzma *s)
{
    uint16_t *p = (uint16_t *)s;
    size_t n = offsetof(struct lzma, lc) / sizeof(uint16_t);

    while ( n-- )
        *p++ = PROB_INIT;
    s->state = 0;
    s->rep0 = s->rep1 = s->rep2 = s->rep3 = 0;
}

/* A match or rep length, less MATCH_LEN_MIN. */
static inline unsigned int lzma_len(struct rc *rc, struct len_probs *l,
                                    unsigned int ps)
{
    if ( !rc_bit(rc, &l->choice) )
        return rc_tree(rc, l->low[ps], 3);
    if ( !rc_bit(rc, &l->choice2) )
        return 8 + rc_tree(rc, l->mid[ps], 3);
    return 16 + rc_tree(rc, l->high, 8);
}

/* A match distance, less one. */
static inline uint32_t lzma_dist(struct lzma *s, struct rc *rc,
                                 unsigned int len)
{
    unsigned int slot = rc_tree(rc, s->dist_slot[min(len, 3U)], 6);
    unsigned int bits;
    uint32_t d;

    if ( slot < 4 )
        return slot;
    bits = (slot >> 1) - 1;
    d = (2 | (slot & 1)) << bits;
    if ( slot < DIST_MODEL_END )
        return d + rc_rtree(rc, s->dist_special, d - slot - 1, bits);
    d += rc_direct(rc, bits - ALIGN_BITS) << ALIGN_BITS;
    return d + rc_rtree(rc, s->align, 0, ALIGN_BITS);
}

/* Eight bytes from and to anywhere, as two moves. */
static inline void copy8(uint8_t *to, const uint8_t *from)
{
    uint64_t v;

    __builtin_memcpy(&v, from, 8);
    __builtin_memcpy(to, &v, 8);
}

/*
 * A match: len bytes from dist bytes back, where room bytes are free to
 * write.  Under emulation every instruction counts and REP MOVS costs
 * per iteration, so whole words go where they can: up to seven bytes
 * past the match, which the following symbols overwrite before anything
 * reads them (a match or literal reads only what precedes it).  A word
 * at a time reads only bytes already written when dist is at least 8;
 * a run of one byte is a fill; a shorter period goes byte by byte.
 */
static inline void copy_match(uint8_t *to, size_t dist, unsigned int len,
                              size_t room)
{
    const uint8_t *from = to - dist;
    unsigned int i = 0;

    if ( likely(room >= len + 7) )
    {
        if ( dist >= 8 )
        {
            for ( ; i < len; i += 8 )
                copy8(to + i, from + i);
            return;
        }
        if ( dist == 1 )
        {
            uint64_t v = *from * 0x0101010101010101ULL;

            for ( ; i < len; i += 8 )
                __builtin_memcpy(to + i, &v, 8);
            return;
        }
    }
    for ( ; i < len; i++ )
        to[i] = from[i];
}

/*
 * Decodes one LZMA2 chunk: in[0, in_len) to out[pos, limit); the
 * dictionary is out[base, pos).  LZMA2 never lets a match cross a chunk
 * boundary, and an encoder flushes its range coder at the end of each
 * chunk, so the chunk must end exactly with its last symbol.
 *
 * Nearly all of a kernel's unpacking runs here, and under QEMU's TCG a
 * jump to another page of code is looked up each time instead of going
 * straight to its translation: the function (under 4 KiB, so one length
 * decoder serves matches and reps) starts a page of its own: unpacking
 * Debian's kernel took about a tenth less time so than with the loop
 * across pages where it fell by chance.
 */
static int __attribute__((__noinline__)) __aligned(4096)
    lzma_chunk(struct lzma *s, const uint8_t *in, size_t in_len, uint8_t *out,
               size_t base, size_t pos, size_t limit)
{
    struct rc rc = { .in = in + 5, .end = in + in_len, .range = ~0U };
    unsigned int state = s->state;
    uint32_t rep0 = s->rep0, rep1 = s->rep1, rep2 = s->rep2, rep3 = s->rep3;
    unsigned int pb_mask = (1U << s->pb) - 1, lp_mask = (1U << s->lp) - 1;
    unsigned int lc = s->lc;

    if ( in_len < 5 || in[0] )
        return -EINVAL;
    rc.code = ((uint32_t)in[1] << 24) | (in[2] << 16) | (in[3] << 8) | in[4];

    while ( pos < limit && !rc.err )
    {
        unsigned int ps = (pos - base) & pb_mask;
        unsigned int len;
        struct len_probs *lp;
        bool match;

        if ( !rc_bit(&rc, &s->is_match[state][ps]) )
        {
            unsigned int prev = pos > base ? out[pos - 1] : 0;
            uint16_t *probs = s->literal[(((pos - base) & lp_mask) << lc) +
                                         (prev >> (8 - lc))];
            unsigned int sym = 1;

            if ( state >= LIT_STATES )
            {
                /*
                 * After a match the byte at rep0 is a good predictor:
                 * its bits select separate probabilities until the
                 * first bit that differs.
                 */
                unsigned int match;

                if ( unlikely(rep0 >= pos - base) )
                    return -EINVAL;
                match = out[pos - rep0 - 1];
                do
                {
                    unsigned int mbit = (match >> 7) & 1;
                    unsigned int bit;

                    match <<= 1;
                    bit = rc_bit(&rc, &probs[0x100 + (mbit << 8) + sym]);
                    sym = (sym << 1) | bit;
                    if ( bit != mbit )
                        break;
                } while ( sym < 0x100 );
            }
            while ( sym < 0x100 )
                sym = (sym << 1) | rc_bit(&rc, &probs[sym]);
            out[pos++] = sym;
            state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
            continue;
        }

        match = !rc_bit(&rc, &s->is_rep[state]);
        if ( match )
        {
            rep3 = rep2;
            rep2 = rep1;
            rep1 = rep0;
            lp = &s->match_len;
            state = state < LIT_STATES ? 7 : 10;
        }
        else
        {
            if ( !rc_bit(&rc, &s->is_rep0[state]) )
            {
                if ( !rc_bit(&rc, &s->is_rep0_long[state][ps]) )
                {
                    /* One byte from rep0. */
                    state = state < LIT_STATES ? 9 : 11;
                    if ( unlikely(rep0 >= pos - base) )
                        return -EINVAL;
                    out[pos] = out[pos - rep0 - 1];
                    pos++;
                    continue;
                }
            }
            else
            {
                uint32_t d;

                if ( !rc_bit(&rc, &s->is_rep1[state]) )
                    d = rep1;
                else
                {
                    if ( !rc_bit(&rc, &s->is_rep2[state]) )
                        d = rep2;
                    else
                    {
                        d = rep3;
                        rep3 = rep2;
                    }
                    rep2 = rep1;
                }
                rep1 = rep0;
                rep0 = d;
            }
            lp = &s->rep_len;
            state = state < LIT_STATES ? 8 : 11;
        }
        /* One copy of the length decoder for both: smaller code. */
        len = lzma_len(&rc, lp, ps);
        if ( match )
            rep0 = lzma_dist(s, &rc, len);
        /* Includes the end marker (~0), which LZMA2 does not use. */
        if ( unlikely(rep0 >= pos - base) )
            return -EINVAL;

        len += MATCH_LEN_MIN;
        if ( unlikely(len > limit - pos) )
            return -EINVAL;
        copy_match(out + pos, rep0 + 1, len, limit - pos);
        pos += len;
    }

    rc_normalize(&rc);
    if ( rc.err || pos != limit || rc.in != rc.end || rc.code )
        return -EINVAL;
    s->state = state;
    s->rep0 = rep0;
    s->rep1 = rep1;
    s->rep2 = rep2;
    s->rep3 = rep3;
    return 0;
}

/* ---- LZMA2 ---- */

/*
 * Decodes an LZMA2 stream of at most in_len bytes to out[*pos, out_max),
 * returning the bytes consumed in *used.  The first chunk must reset the
 * dictionary, which then starts at the block's first output byte.
 */
static int lzma2_decode(struct lzma *s, const uint8_t *in, size_t in_len,
                        size_t *used, uint8_t *out, size_t *pos,
                        size_t out_max)
{
    size_t i = 0, base = *pos, p = *pos;
    bool need_dict = true, need_props = true;

    for ( ;; )
    {
        unsigned int ctl;
        size_t unc, comp;
        int rc;

        if ( i >= in_len )
            return -EINVAL;
        ctl = in[i++];
        if ( !ctl )
            break;

        if ( ctl == 1 || ctl >= 0xe0 )
        {
            base = p;
            need_dict = false;
        }
        else if ( need_dict )
            return -EINVAL;

        if ( ctl < 0x80 )
        {
            /* Stored chunk: 1 resets the dictionary, 2 does not. */
            if ( ctl > 2 || in_len - i < 2 )
                return -EINVAL;
            unc = ((in[i] << 8) | in[i + 1]) + 1;
            i += 2;
            if ( unc > in_len - i )
                return -EINVAL;
            if ( unc > out_max - p ||
                 (s->ready && s->ready(s->opaque, p + unc)) )
                return -ENOSPC;
            memcpy(out + p, in + i, unc);
            i += unc;
            p += unc;
            continue;
        }

        if ( in_len - i < 4 )
            return -EINVAL;
        unc = (((ctl & 0x1f) << 16) | (in[i] << 8) | in[i + 1]) + 1;
        comp = ((in[i + 2] << 8) | in[i + 3]) + 1;
        i += 4;
        /* Bits 5-6: 1 resets state, 2 also sets properties, 3 (above) all. */
        if ( ctl >= 0xc0 )
        {
            unsigned int props;

            if ( i >= in_len )
                return -EINVAL;
            props = in[i++];
            if ( props >= 9 * 5 * 5 )
                return -EINVAL;
            s->lc = props % 9;
            props /= 9;
            s->lp = props % 5;
            s->pb = props / 5;
            if ( s->lc + s->lp > 4 )
                return -EINVAL;
            need_props = false;
        }
        else if ( need_props )
            return -EINVAL;
        if ( ctl >= 0xa0 )
            lzma_reset(s);

        if ( comp > in_len - i )
            return -EINVAL;
        if ( unc > out_max - p || (s->ready && s->ready(s->opaque, p + unc)) )
            return -ENOSPC;
        rc = lzma_chunk(s, in + i, comp, out, base, p, p + unc);
        if ( rc )
            return rc;
        i += comp;
        p += unc;
    }
    *used = i;
    *pos = p;
    return 0;
}

/* ---- x86 BCJ ---- */

/* The top byte of a plausible near displacement: small, either sign. */
static inline bool near_disp_byte(uint8_t b)
{
    return b == 0x00 || b == 0xff;
}

/*
 * Whether any of the eight bytes at p is E8 or E9: those bytes, XORed
 * with E8 and with their low bit dropped, are the zero bytes, which the
 * borrow of subtracting one from each byte finds (a zero byte may also
 * flag the byte above it, a false alarm the byte-wise check sorts out).
 */
static inline bool any_e8_e9(const uint8_t *p)
{
    uint64_t w;

    __builtin_memcpy(&w, p, 8);
    w = (w ^ 0xe8e8e8e8e8e8e8e8ULL) & 0xfefefefefefefefeULL;
    return (w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL;
}

/*
 * The encoder turned the 32-bit relative targets of E8 (call) and E9
 * (jmp) into absolute ones, so that calls to one function look alike and
 * compress; undo that for the block buf[0, len) that starts at stream
 * offset start.  Which E8/E9 bytes were converted is decided exactly as
 * the encoder decided it: an operand is converted when its top byte is
 * 00 or FF, unless an E8/E9 byte seen in the previous three bytes makes
 * this one likely part of an earlier instruction.  mask records, bit k
 * for distance k + 1, which of the previous three bytes were unconverted
 * E8/E9 bytes.  Its loop sees every byte of the kernel: kept within one
 * page of code, as lzma_chunk() is.
 */
static void __attribute__((__noinline__)) __aligned(1024)
    bcj_x86(uint8_t *buf, size_t len, uint32_t start)
{
    /*
     * Indexed by mask: whether conversion may go ahead, and n such that
     * operand byte 4 - n decides it and is re-checked after conversion.
     */
    static const bool mask_ok[8] = { 1, 1, 1, 0, 1, 0, 0, 0 };
    static const uint8_t mask_n[8] = { 0, 1, 2, 2, 3, 3, 3, 3 };
    size_t i, prev = 0, end;
    bool seen = false;
    unsigned int mask = 0;

    if ( len < 5 )
        return;
    /* An instruction may start at i < end: its operand is in the block. */
    end = len - 4;
    for ( i = 0; i < end; i++ )
    {
        uint8_t *p;
        uint32_t v, d;

        /* Most bytes are neither E8 nor E9: skip eight at a time. */
        while ( end - i >= 8 && !any_e8_e9(buf + i) )
            i += 8;
        if ( i >= end )
            break;
        p = buf + i;
        if ( (p[0] & 0xfe) != 0xe8 )
            continue;

        if ( !seen || i - prev > 3 )
            mask = 0;
        else
        {
            mask = (mask << (i - prev - 1)) & 7;
            if ( mask &&
                 (!mask_ok[mask] || near_disp_byte(p[4 - mask_n[mask]])) )
            {
                prev = i;
                mask = ((mask << 1) & 7) | 1;
                continue;
            }
        }
        prev = i;
        seen = true;

        if ( !near_disp_byte(p[4]) )
        {
            mask = ((mask << 1) & 7) | 1;
            continue;
        }

        v = p[1] | (p[2] << 8) | (p[3] << 16) | ((uint32_t)p[4] << 24);
        for ( ;; )
        {
            unsigned int shift;

            /* Relative to the end of the 5-byte instruction. */
            d = v - (start + (uint32_t)i + 5);
            if ( !mask )
                break;
            shift = 24 - mask_n[mask] * 8;
            if ( !near_disp_byte(d >> shift) )
                break;
            v = d ^ ((1U << shift << 8) - 1);
        }
        /* Sign-extend from bit 24, as the encoder stored it. */
        d &= 0x01ffffff;
        d |= -(d & 0x01000000);
        p[1] = d;
        p[2] = d >> 8;
        p[3] = d >> 16;
        p[4] = d >> 24;
        i += 4;
    }
}

/* ---- .xz container ---- */

#define XZ_HEADER    12
#define XZ_FOOTER    12
#define CHECK_NONE   0
#define CHECK_CRC32  1
#define CHECK_CRC64  4
#define FILTER_X86   0x04
#define FILTER_LZMA2 0x21

static const uint8_t xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };

static uint32_t le32(const uint8_t *p)
{
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* A multibyte integer at in[*i]; refuses overlong and non-minimal forms. */
static int get_vli(const uint8_t *in, size_t len, size_t *i, uint64_t *v)
{
    *v = 0;
    for ( unsigned int k = 0; k < 9; k++ )
    {
        uint8_t b;

        if ( *i >= len )
            return -EINVAL;
        b = in[(*i)++];
        *v |= (uint64_t)(b & 0x7f) << (7 * k);
        if ( !(b & 0x80) )
            return (k && !b) ? -EINVAL : 0;
    }
    return -EINVAL;
}

static unsigned int check_size(unsigned int type)
{
    return type ? 4U << ((type - 1) / 3) : 0;
}

/* Stream flags are 00 0x with x the check type. */
static int stream_flags(const uint8_t *f, unsigned int *check)
{
    if ( f[0] || (f[1] & 0xf0) )
        return -EINVAL;
    *check = f[1];
    if ( *check != CHECK_NONE && *check != CHECK_CRC32 &&
         *check != CHECK_CRC64 )
    {
        printk(XENLOG_ERR "xz: integrity check type %u not supported\n",
               *check);
        return -EOPNOTSUPP;
    }
    return 0;
}

/*
 * The index is matched against the blocks actually decoded through a
 * running count, two sums and a CRC of the (unpadded, uncompressed) size
 * pairs, so no per-block list needs storing.
 */
struct index_sum {
    uint64_t count, unpadded, uncompressed;
    uint64_t padded; /* what the blocks occupy in the stream */
    uint32_t crc;
};

static void index_add(struct index_sum *x, uint64_t unpadded, uint64_t unc)
{
    uint64_t pair[2] = { unpadded, unc };

    x->count++;
    x->unpadded += unpadded;
    x->uncompressed += unc;
    x->padded += ROUNDUP(unpadded, 4);
    x->crc = crc32(x->crc, pair, sizeof(pair));
}

/*
 * Parses the index at in[0, len) (len is at most the rest of the
 * stream), returning its size in *size.
 */
static int parse_index(const uint8_t *in, size_t len, struct index_sum *x,
                       size_t *size)
{
    size_t i = 1;
    uint64_t n;

    memset(x, 0, sizeof(*x));
    if ( !len || in[0] || get_vli(in, len, &i, &n) )
        return -EINVAL;
    /* Each record takes at least two bytes, which bounds the loop. */
    if ( n > len / 2 )
        return -EINVAL;
    while ( n-- )
    {
        uint64_t unpadded, unc;

        if ( get_vli(in, len, &i, &unpadded) || get_vli(in, len, &i, &unc) ||
             !unpadded )
            return -EINVAL;
        index_add(x, unpadded, unc);
        /* Sums this large cannot be real and might overflow. */
        if ( x->padded > (1ULL << 62) || x->uncompressed > (1ULL << 62) )
            return -EINVAL;
    }
    while ( i & 3 )
        if ( i >= len || in[i++] )
            return -EINVAL;
    if ( len - i < 4 || !checksum_ok(le32(in + i), crc32(0, in, i)) )
        return -EINVAL;
    *size = i + 4;
    return 0;
}

/*
 * One block at in[0, len), its header's size byte first, to out[*pos...].
 * Returns the bytes consumed in *used and adds the block to *sum.
 */
static int xz_block(struct lzma *s, const uint8_t *in, size_t len,
                    unsigned int check, uint8_t *out, size_t *pos,
                    size_t out_max, size_t *used, struct index_sum *sum)
{
    size_t hdr = (in[0] + 1) * 4, i = 2, start = *pos, data_len, n;
    uint64_t comp = ~0ULL, unc = ~0ULL, id, psize;
    unsigned int flags, nr_filters, csize = check_size(check);
    bool x86 = false;
    uint32_t x86_start = 0;
    int rc;

    if ( hdr > len || !checksum_ok(le32(in + hdr - 4), crc32(0, in, hdr - 4)) )
        return -EINVAL;
    flags = in[1];
    if ( flags & 0x3c )
        return -EINVAL;
    nr_filters = (flags & 3) + 1;
    if ( (flags & 0x40) && get_vli(in, hdr - 4, &i, &comp) )
        return -EINVAL;
    if ( (flags & 0x80) && get_vli(in, hdr - 4, &i, &unc) )
        return -EINVAL;

    /* Only the chains kernels use: LZMA2, or x86 BCJ then LZMA2. */
    for ( unsigned int f = 0; f < nr_filters; f++ )
    {
        if ( get_vli(in, hdr - 4, &i, &id) ||
             get_vli(in, hdr - 4, &i, &psize) || psize > hdr - 4 - i )
            return -EINVAL;
        if ( f + 1 < nr_filters && id == FILTER_X86 && !x86 &&
             (psize == 0 || psize == 4) )
        {
            x86 = true;
            if ( psize == 4 )
                x86_start = le32(in + i);
        }
        else if ( f + 1 == nr_filters && id == FILTER_LZMA2 && psize == 1 )
        {
            /* Dictionary sizes above 40 are undefined. */
            if ( in[i] > 40 )
                return -EINVAL;
        }
        else
        {
            printk(XENLOG_ERR "xz: filter %#llx not supported\n",
                   (unsigned long long)id);
            return -EINVAL;
        }
        i += psize;
    }
    for ( ; i < hdr - 4; i++ )
        if ( in[i] )
            return -EINVAL;

    data_len = len - hdr;
    if ( comp != ~0ULL )
    {
        if ( comp > data_len )
            return -EINVAL;
        data_len = comp;
    }
    rc = lzma2_decode(s, in + hdr, data_len, &n, out, pos, out_max);
    if ( rc )
        return rc;
    if ( (comp != ~0ULL && n != comp) ||
         (unc != ~0ULL && *pos - start != unc) )
        return -EINVAL;
    if ( x86 )
        bcj_x86(out + start, *pos - start, x86_start);

    /* Padding to a multiple of four, then the check. */
    i = hdr + n;
    while ( i & 3 )
        if ( i >= len || in[i++] )
            return -EINVAL;
    if ( len - i < csize )
        return -EINVAL;
    if ( check == CHECK_CRC32 &&
         !checksum_ok(le32(in + i), crc32(0, out + start, *pos - start)) )
        return -EINVAL;
    if ( check == CHECK_CRC64 )
    {
        uint64_t c = crc64(0, out + start, *pos - start);

        if ( !checksum_ok(le32(in + i) | ((uint64_t)le32(in + i + 4) << 32),
                          c) )
            return -EINVAL;
    }
    index_add(sum, hdr + n + csize, *pos - start);
    *used = i + csize;
    return 0;
}

/* One stream at in[0, len); returns its size (without padding) in *used. */
static int xz_stream(struct lzma *s, const uint8_t *in, size_t len,
                     uint8_t *out, size_t *pos, size_t out_max, size_t *used)
{
    struct index_sum blocks = { 0 }, index;
    size_t i = XZ_HEADER, n;
    unsigned int check;
    int rc;

    if ( len < XZ_HEADER + XZ_FOOTER || memcmp(in, xz_magic, 6) ||
         !checksum_ok(le32(in + 8), crc32(0, in + 6, 2)) )
        return -EINVAL;
    rc = stream_flags(in + 6, &check);
    if ( rc )
        return rc;

    for ( ;; )
    {
        if ( i >= len )
            return -EINVAL;
        if ( !in[i] )
            break; /* the index indicator */
        rc = xz_block(s, in + i, len - i, check, out, pos, out_max, &n,
                      &blocks);
        if ( rc )
            return rc;
        i += n;
    }

    rc = parse_index(in + i, len - i, &index, &n);
    if ( rc )
        return rc;
    if ( index.count != blocks.count || index.unpadded != blocks.unpadded ||
         index.uncompressed != blocks.uncompressed || index.crc != blocks.crc )
        return -EINVAL;
    i += n;

    /* Footer: CRC32, backward size, the header's flags, "YZ". */
    if ( len - i < XZ_FOOTER ||
         !checksum_ok(le32(in + i), crc32(0, in + i + 4, 6)) ||
         (le32(in + i + 4) + 1ULL) * 4 != n || memcmp(in + i + 8, in + 6, 2) ||
         in[i + 10] != 'Y' || in[i + 11] != 'Z' )
        return -EINVAL;
    *used = i + XZ_FOOTER;
    return 0;
}

int unxz(const void *in, size_t in_len, void *out, size_t out_max,
         size_t *out_len)
{
    return unxz_paced(in, in_len, out, out_max, out_len, NULL, NULL);
}

int unxz_paced(const void *in, size_t in_len, void *out, size_t out_max,
               size_t *out_len, int (*ready)(void *opaque, size_t end),
               void *opaque)
{
    const uint8_t *p = in;
    struct lzma *s = xmalloc(struct lzma);
    size_t i = 0, pos = 0;
    unsigned int streams = 0;
    int rc = 0;

    if ( !s )
        return -ENOMEM;
    s->ready = ready;
    s->opaque = opaque;
    /* Streams may be concatenated, separated by 4-byte groups of zeros. */
    while ( i < in_len )
    {
        size_t n;

        if ( !p[i] )
        {
            if ( in_len - i < 4 || le32(p + i) )
            {
                rc = -EINVAL;
                break;
            }
            i += 4;
            continue;
        }
        rc = xz_stream(s, p + i, in_len - i, out, &pos, out_max, &n);
        if ( rc )
            break;
        i += n;
        streams++;
    }
    if ( !rc && !streams )
        rc = -EINVAL;
    if ( !rc )
        *out_len = pos;
    xfree(s);
    return rc;
}

/* Walks the streams back from the end, summing their indexes. */
int unxz_size(const void *in, size_t in_len, size_t *size)
{
    const uint8_t *p = in;
    size_t end = in_len;
    uint64_t total = 0;
    bool any = false;

    while ( end )
    {
        struct index_sum x;
        size_t isize, istart, n;
        uint64_t backward;
        unsigned int check;
        int rc;

        if ( end < 4 || end & 3 )
            return -EINVAL;
        if ( !le32(p + end - 4) )
        {
            end -= 4;
            continue;
        }
        if ( end < XZ_HEADER + XZ_FOOTER )
            return -EINVAL;
        n = end - XZ_FOOTER;
        if ( p[n + 10] != 'Y' || p[n + 11] != 'Z' ||
             !checksum_ok(le32(p + n), crc32(0, p + n + 4, 6)) )
            return -EINVAL;
        rc = stream_flags(p + n + 8, &check);
        if ( rc )
            return rc;
        backward = (le32(p + n + 4) + 1ULL) * 4;
        if ( backward > n - XZ_HEADER )
            return -EINVAL;
        istart = n - backward;
        rc = parse_index(p + istart, backward, &x, &isize);
        if ( rc )
            return rc;
        if ( isize != backward )
            return -EINVAL;

        if ( x.padded > istart - XZ_HEADER )
            return -EINVAL;
        n = istart - x.padded - XZ_HEADER;
        if ( memcmp(p + n, xz_magic, 6) || memcmp(p + n + 6, p + end - 4, 2) )
            return -EINVAL;
        total += x.uncompressed;
        if ( total > SIZE_MAX )
            return -EINVAL;
        any = true;
        end = n;
    }
    if ( !any )
        return -EINVAL;
    *size = total;
    return 0;
}
