/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for set_time_scale()/scale_delta() and days_since_epoch(). */
#include <stdint.h>
#include <time.h>
#include <asm/time.h>
#include "check.h"

/* The exact answer, rounded down, to compare the fixed point against. */
static unsigned __int128 exact(uint64_t delta, uint64_t in_hz,
                               uint64_t out_hz)
{
    return (unsigned __int128)delta * out_hz / in_hz;
}

/*
 * mul_frac keeps at least 31 significant bits, so the relative error is
 * below 2^-31 (about 0.5 ns per second); allow that plus 1 for rounding.
 */
static bool close_enough(uint64_t got, uint64_t want)
{
    uint64_t diff = got > want ? got - want : want - got;

    return diff <= want / (1UL << 31) + 1;
}

static void check_pair(uint64_t in_hz, uint64_t out_hz)
{
    static const uint64_t deltas[] = {
        0, 1, 7, 1000, 999983, 123456789, 1000000007ULL,
        3600ULL * 4000000000ULL, 86400ULL * 5000000000ULL,
    };
    struct time_scale s;

    set_time_scale(&s, in_hz, out_hz);
    CHECK(s.mul_frac >= (1U << 31));
    for ( unsigned int i = 0; i < sizeof(deltas) / sizeof(deltas[0]); i++ )
    {
        uint64_t got = scale_delta(deltas[i], &s);
        unsigned __int128 want = exact(deltas[i], in_hz, out_hz);

        /* Results beyond 64 bits are the caller's problem, not tested. */
        if ( want >> 63 )
            continue;
        if ( !close_enough(got, want) )
        {
            char m[160];

            snprintf(m, sizeof(m), "%lu Hz -> %lu Hz: %lu gave %lu, not %lu",
                     in_hz, out_hz, deltas[i], got, (uint64_t)want);
            check_fail(__FILE__, __LINE__, m);
        }
    }
}

static void test_scale(void)
{
    static const uint64_t rates[] = {
        1000000000ULL,      /* ns */
        3400000000ULL,      /* a typical TSC */
        2100123456ULL,
        5999999999ULL,
        999999999ULL,
        100000000ULL,       /* QEMU's HPET */
        14318180ULL,        /* the classic HPET */
        1193182ULL,         /* the PIT */
        32768ULL,
        1ULL,
        (1ULL << 40) + 12345,
    };
    const unsigned int n = sizeof(rates) / sizeof(rates[0]);

    CASE("time: scale_delta matches exact division for all rate pairs")
    {
        for ( unsigned int i = 0; i < n; i++ )
            for ( unsigned int j = 0; j < n; j++ )
                check_pair(rates[i], rates[j]);
    }

    CASE("time: identity and power-of-two scales are exact")
    {
        struct time_scale s;

        /* 1:1 is 2^31 / 2^32 with a shift of one: exact. */
        set_time_scale(&s, 1000000000ULL, 1000000000ULL);
        CHECK_EQ(s.shift, 1);
        CHECK_EQ(scale_delta(123456789012ULL, &s), 123456789012ULL);
        set_time_scale(&s, 1000, 4000);
        CHECK_EQ(s.shift, 3);
        CHECK_EQ(s.mul_frac, 1U << 31);
        CHECK_EQ(scale_delta(12345, &s), 49380);
        set_time_scale(&s, 4000, 1000);
        CHECK_EQ(s.shift, -1);
        CHECK_EQ(scale_delta(12345, &s), 3086);
    }
}

static void test_dates(void)
{
    CASE("time: days_since_epoch agrees with the C library")
    {
        for ( unsigned int year = 1970; year < 2400; year++ )
            for ( unsigned int mon = 1; mon <= 12; mon++ )
                for ( unsigned int day = 1; day <= 28; day += 9 )
                {
                    struct tm tm = {
                        .tm_year = year - 1900, .tm_mon = mon - 1,
                        .tm_mday = day,
                    };
                    uint64_t want = timegm(&tm) / 86400;

                    if ( days_since_epoch(year, mon, day) != want )
                    {
                        char m[96];

                        snprintf(m, sizeof(m), "%u-%02u-%02u", year, mon,
                                 day);
                        check_fail(__FILE__, __LINE__, m);
                    }
                }
    }

    CASE("time: leap days and known dates")
    {
        CHECK_EQ(days_since_epoch(1970, 1, 1), 0);
        CHECK_EQ(days_since_epoch(2000, 2, 29) + 1,
                 days_since_epoch(2000, 3, 1));
        CHECK_EQ(days_since_epoch(2100, 2, 28) + 1,
                 days_since_epoch(2100, 3, 1));
        CHECK_EQ(days_since_epoch(2024, 12, 31) * 86400, 1735603200ULL);
    }
}

int main(void)
{
    test_scale();
    test_dates();
    return check_failures ? 1 : 0;
}
