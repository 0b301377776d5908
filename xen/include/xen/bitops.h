/* SPDX-License-Identifier: GPL-2.0-only */
/* Single-bit operations on memory, atomic and not, and bit searching. */
#ifndef XEN_BITOPS_H
#define XEN_BITOPS_H

#include <xen/types.h>

#define BITS_PER_BYTE    8
#define BITS_PER_LONG    64
#define BITS_TO_LONGS(n) (((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define BIT(n)           (1UL << (n))

/*
 * The bit operations address memory as 32-bit words, as x86's bts/btr do
 * for a 32-bit operand, so they may be used on any naturally aligned
 * integer of 32 bits or more; on a little-endian machine bit n of an
 * unsigned long array is bit n of the equivalent 32-bit word array.
 */
#define BITOP_WORD(addr, nr) ((volatile uint32_t *)(addr) + ((nr) >> 5))
#define BITOP_MASK(nr)       (1U << ((nr)&31))

static inline void set_bit(unsigned int nr, volatile void *addr)
{
    __atomic_fetch_or(BITOP_WORD(addr, nr), BITOP_MASK(nr), __ATOMIC_SEQ_CST);
}

static inline void clear_bit(unsigned int nr, volatile void *addr)
{
    __atomic_fetch_and(BITOP_WORD(addr, nr), ~BITOP_MASK(nr),
                       __ATOMIC_SEQ_CST);
}

static inline void change_bit(unsigned int nr, volatile void *addr)
{
    __atomic_fetch_xor(BITOP_WORD(addr, nr), BITOP_MASK(nr), __ATOMIC_SEQ_CST);
}

static inline bool test_and_set_bit(unsigned int nr, volatile void *addr)
{
    return __atomic_fetch_or(BITOP_WORD(addr, nr), BITOP_MASK(nr),
                             __ATOMIC_SEQ_CST) &
           BITOP_MASK(nr);
}

static inline bool test_and_clear_bit(unsigned int nr, volatile void *addr)
{
    return __atomic_fetch_and(BITOP_WORD(addr, nr), ~BITOP_MASK(nr),
                              __ATOMIC_SEQ_CST) &
           BITOP_MASK(nr);
}

static inline bool test_and_change_bit(unsigned int nr, volatile void *addr)
{
    return __atomic_fetch_xor(BITOP_WORD(addr, nr), BITOP_MASK(nr),
                              __ATOMIC_SEQ_CST) &
           BITOP_MASK(nr);
}

/* The __ variants are for data nobody else can touch concurrently. */
static inline void __set_bit(unsigned int nr, volatile void *addr)
{
    *BITOP_WORD(addr, nr) |= BITOP_MASK(nr);
}

static inline void __clear_bit(unsigned int nr, volatile void *addr)
{
    *BITOP_WORD(addr, nr) &= ~BITOP_MASK(nr);
}

static inline void __change_bit(unsigned int nr, volatile void *addr)
{
    *BITOP_WORD(addr, nr) ^= BITOP_MASK(nr);
}

static inline bool __test_and_set_bit(unsigned int nr, volatile void *addr)
{
    bool old = *BITOP_WORD(addr, nr) & BITOP_MASK(nr);

    *BITOP_WORD(addr, nr) |= BITOP_MASK(nr);
    return old;
}

static inline bool __test_and_clear_bit(unsigned int nr, volatile void *addr)
{
    bool old = *BITOP_WORD(addr, nr) & BITOP_MASK(nr);

    *BITOP_WORD(addr, nr) &= ~BITOP_MASK(nr);
    return old;
}

static inline bool test_bit(unsigned int nr, const volatile void *addr)
{
    return *((const volatile uint32_t *)addr + (nr >> 5)) & BITOP_MASK(nr);
}

/* Index of the lowest set bit; x must be non-zero. */
static inline unsigned int __ffs(unsigned long x)
{
    return __builtin_ctzl(x);
}

/* Index of the highest set bit; x must be non-zero. */
static inline unsigned int __fls(unsigned long x)
{
    return BITS_PER_LONG - 1 - __builtin_clzl(x);
}

/* 1-based like the C library's ffsl(); 0 means no bit set. */
static inline int ffsl(long x)
{
    return x ? (int)__ffs(x) + 1 : 0;
}

static inline int flsl(unsigned long x)
{
    return x ? (int)__fls(x) + 1 : 0;
}

/*
 * Counted by hand: without -mpopcnt __builtin_popcountl becomes a call into
 * libgcc, which the hypervisor does not link.
 */
static inline unsigned int hweight64(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    return (x * 0x0101010101010101ULL) >> 56;
}

#define hweight_long(x) hweight64(x)

/*
 * Searches return the index found, or size when there is none.  Bits at or
 * beyond size in the last word are ignored.
 */
unsigned long find_next_bit(const unsigned long *addr, unsigned long size,
                            unsigned long offset);
unsigned long find_next_zero_bit(const unsigned long *addr, unsigned long size,
                                 unsigned long offset);

static inline unsigned long find_first_bit(const unsigned long *addr,
                                           unsigned long size)
{
    return find_next_bit(addr, size, 0);
}

static inline unsigned long find_first_zero_bit(const unsigned long *addr,
                                                unsigned long size)
{
    return find_next_zero_bit(addr, size, 0);
}

#define for_each_set_bit(b, addr, size)                                       \
    for ( (b) = find_first_bit(addr, size); (b) < (size);                     \
          (b) = find_next_bit(addr, size, (b) + 1) )

#endif /* XEN_BITOPS_H */
