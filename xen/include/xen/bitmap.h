/* SPDX-License-Identifier: GPL-2.0-only */
/* Operations on arbitrary-length bitmaps stored as unsigned long arrays. */
#ifndef XEN_BITMAP_H
#define XEN_BITMAP_H

#include <xen/bitops.h>

#define DECLARE_BITMAP(name, bits) unsigned long name[BITS_TO_LONGS(bits)]

/*
 * Bits at or beyond nbits in the last word are "don't care" on input; the
 * functions writing whole words (fill, not) leave them clear, so that
 * bitmaps compared with memcmp() stay comparable.
 */
void bitmap_zero(unsigned long *dst, unsigned int nbits);
void bitmap_fill(unsigned long *dst, unsigned int nbits);
void bitmap_copy(unsigned long *dst, const unsigned long *src,
                 unsigned int nbits);
void bitmap_and(unsigned long *dst, const unsigned long *a,
                const unsigned long *b, unsigned int nbits);
void bitmap_or(unsigned long *dst, const unsigned long *a,
               const unsigned long *b, unsigned int nbits);
void bitmap_xor(unsigned long *dst, const unsigned long *a,
                const unsigned long *b, unsigned int nbits);
void bitmap_andnot(unsigned long *dst, const unsigned long *a,
                   const unsigned long *b, unsigned int nbits);
void bitmap_complement(unsigned long *dst, const unsigned long *src,
                       unsigned int nbits);
bool bitmap_equal(const unsigned long *a, const unsigned long *b,
                  unsigned int nbits);
bool bitmap_intersects(const unsigned long *a, const unsigned long *b,
                       unsigned int nbits);
bool bitmap_subset(const unsigned long *a, const unsigned long *b,
                   unsigned int nbits);
bool bitmap_empty(const unsigned long *src, unsigned int nbits);
bool bitmap_full(const unsigned long *src, unsigned int nbits);
unsigned int bitmap_weight(const unsigned long *src, unsigned int nbits);

#endif /* XEN_BITMAP_H */
