/* SPDX-License-Identifier: GPL-2.0-only */
/* Bitmap operations and bit searches over unsigned long arrays. */
#include <xen/bitmap.h>
#include <xen/lib.h>

/* Mask of the bits of the last word that belong to an nbits-long map. */
static unsigned long last_word_mask(unsigned int nbits)
{
    unsigned int rem = nbits % BITS_PER_LONG;

    return rem ? (1UL << rem) - 1 : ~0UL;
}

static unsigned long find_next(const unsigned long *addr, unsigned long size,
                               unsigned long offset, unsigned long invert)
{
    unsigned long idx, word;

    if ( offset >= size )
        return size;

    idx = offset / BITS_PER_LONG;
    word = (addr[idx] ^ invert) & (~0UL << (offset % BITS_PER_LONG));
    for ( ;; )
    {
        if ( word )
            return min(idx * BITS_PER_LONG + __ffs(word), size);
        if ( ++idx >= BITS_TO_LONGS(size) )
            return size;
        word = addr[idx] ^ invert;
    }
}

unsigned long find_next_bit(const unsigned long *addr, unsigned long size,
                            unsigned long offset)
{
    return find_next(addr, size, offset, 0);
}

unsigned long find_next_zero_bit(const unsigned long *addr, unsigned long size,
                                 unsigned long offset)
{
    return find_next(addr, size, offset, ~0UL);
}

void bitmap_zero(unsigned long *dst, unsigned int nbits)
{
    unsigned int i;

    for ( i = 0; i < BITS_TO_LONGS(nbits); i++ )
        dst[i] = 0;
}

void bitmap_fill(unsigned long *dst, unsigned int nbits)
{
    unsigned int i, n = BITS_TO_LONGS(nbits);

    for ( i = 0; i < n; i++ )
        dst[i] = ~0UL;
    if ( n )
        dst[n - 1] &= last_word_mask(nbits);
}

void bitmap_copy(unsigned long *dst, const unsigned long *src,
                 unsigned int nbits)
{
    unsigned int i;

    for ( i = 0; i < BITS_TO_LONGS(nbits); i++ )
        dst[i] = src[i];
}

void bitmap_and(unsigned long *dst, const unsigned long *a,
                const unsigned long *b, unsigned int nbits)
{
    unsigned int i;

    for ( i = 0; i < BITS_TO_LONGS(nbits); i++ )
        dst[i] = a[i] & b[i];
}

void bitmap_or(unsigned long *dst, const unsigned long *a,
               const unsigned long *b, unsigned int nbits)
{
    unsigned int i;

    for ( i = 0; i < BITS_TO_LONGS(nbits); i++ )
        dst[i] = a[i] | b[i];
}

void bitmap_xor(unsigned long *dst, const unsigned long *a,
                const unsigned long *b, unsigned int nbits)
{
    unsigned int i;

    for ( i = 0; i < BITS_TO_LONGS(nbits); i++ )
        dst[i] = a[i] ^ b[i];
}

void bitmap_andnot(unsigned long *dst, const unsigned long *a,
                   const unsigned long *b, unsigned int nbits)
{
    unsigned int i;

    for ( i = 0; i < BITS_TO_LONGS(nbits); i++ )
        dst[i] = a[i] & ~b[i];
}

void bitmap_complement(unsigned long *dst, const unsigned long *src,
                       unsigned int nbits)
{
    unsigned int i, n = BITS_TO_LONGS(nbits);

    for ( i = 0; i < n; i++ )
        dst[i] = ~src[i];
    if ( n )
        dst[n - 1] &= last_word_mask(nbits);
}

/*
 * Calls pred on each word pair (the last one masked to nbits) and stops at
 * the first word for which it returns false.
 */
static bool all_words(const unsigned long *a, const unsigned long *b,
                      unsigned int nbits,
                      bool (*pred)(unsigned long, unsigned long))
{
    unsigned int i, n = BITS_TO_LONGS(nbits);

    for ( i = 0; i < n; i++ )
    {
        unsigned long mask = (i == n - 1) ? last_word_mask(nbits) : ~0UL;

        if ( !pred(a[i] & mask, (b ? b[i] : 0) & mask) )
            return false;
    }
    return true;
}

static bool word_equal(unsigned long a, unsigned long b)
{
    return a == b;
}

static bool word_disjoint(unsigned long a, unsigned long b)
{
    return !(a & b);
}

static bool word_subset(unsigned long a, unsigned long b)
{
    return !(a & ~b);
}

static bool word_empty(unsigned long a, unsigned long unused)
{
    return !a;
}

bool bitmap_equal(const unsigned long *a, const unsigned long *b,
                  unsigned int nbits)
{
    return all_words(a, b, nbits, word_equal);
}

bool bitmap_intersects(const unsigned long *a, const unsigned long *b,
                       unsigned int nbits)
{
    return !all_words(a, b, nbits, word_disjoint);
}

bool bitmap_subset(const unsigned long *a, const unsigned long *b,
                   unsigned int nbits)
{
    return all_words(a, b, nbits, word_subset);
}

bool bitmap_empty(const unsigned long *src, unsigned int nbits)
{
    return all_words(src, NULL, nbits, word_empty);
}

bool bitmap_full(const unsigned long *src, unsigned int nbits)
{
    unsigned int i, n = BITS_TO_LONGS(nbits);

    for ( i = 0; i < n; i++ )
    {
        unsigned long mask = (i == n - 1) ? last_word_mask(nbits) : ~0UL;

        if ( (src[i] & mask) != mask )
            return false;
    }
    return true;
}

unsigned int bitmap_weight(const unsigned long *src, unsigned int nbits)
{
    unsigned int i, n = BITS_TO_LONGS(nbits), w = 0;

    for ( i = 0; i < n; i++ )
    {
        unsigned long mask = (i == n - 1) ? last_word_mask(nbits) : ~0UL;

        w += hweight_long(src[i] & mask);
    }
    return w;
}
