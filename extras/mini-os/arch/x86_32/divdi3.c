/* SPDX-License-Identifier: GPL-2.0-only */
/* 64-bit division for the 32-bit build: the helpers GCC calls (no libgcc). */

#include <stdint.h>

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem);
uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);
int64_t __divdi3(int64_t n, int64_t d);
int64_t __moddi3(int64_t n, int64_t d);

/*
 * Shift-and-subtract, one quotient bit per step from the divisor's
 * highest useful shift down; plenty for printk and time arithmetic.
 * Division by zero gives an all-ones quotient, as nothing traps here.
 */
uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem)
{
    uint64_t q = 0;
    int shift = 0;

    if ( !d )
    {
        if ( rem )
            *rem = n;
        return ~0ULL;
    }
    while ( !(d >> 63) && (d << 1) <= n )
    {
        d <<= 1;
        shift++;
    }
    for ( ; shift >= 0; shift--, d >>= 1 )
    {
        q <<= 1;
        if ( n >= d )
        {
            n -= d;
            q |= 1;
        }
    }
    if ( rem )
        *rem = n;
    return q;
}

uint64_t __udivdi3(uint64_t n, uint64_t d)
{
    return __udivmoddi4(n, d, 0);
}

uint64_t __umoddi3(uint64_t n, uint64_t d)
{
    uint64_t r;

    __udivmoddi4(n, d, &r);
    return r;
}

/* C's signed division: the quotient truncates, the remainder has n's sign. */
int64_t __divdi3(int64_t n, int64_t d)
{
    uint64_t q = __udivdi3(n < 0 ? -(uint64_t)n : (uint64_t)n,
                           d < 0 ? -(uint64_t)d : (uint64_t)d);

    return (n < 0) != (d < 0) ? -(int64_t)q : (int64_t)q;
}

int64_t __moddi3(int64_t n, int64_t d)
{
    uint64_t r = __umoddi3(n < 0 ? -(uint64_t)n : (uint64_t)n,
                           d < 0 ? -(uint64_t)d : (uint64_t)d);

    return n < 0 ? -(int64_t)r : (int64_t)r;
}
