/* SPDX-License-Identifier: GPL-2.0-only */
/* The xenstore test programs' case checks: CHECK notes why a case failed. */
#ifndef XS_TEST_CHECK_H
#define XS_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Why the current case failed (empty while it passes); failed cases. */
static char why[512];
static int nfail;

/* Fail the current case, naming the line and the condition, and leave it. */
#define CHECK(cond)                                                       \
    do {                                                                  \
        if ( !(cond) )                                                    \
        {                                                                 \
            snprintf(why, sizeof(why), "line %d: %s", __LINE__, #cond);   \
            return;                                                       \
        }                                                                 \
    } while ( 0 )

/* Fail the current case unless expr gives err (0: success). */
#define CHECK_ERR(expr, err)                                              \
    do {                                                                  \
        int e_ = (expr);                                                  \
        if ( e_ != (err) )                                                \
        {                                                                 \
            snprintf(why, sizeof(why), "line %d: %s gave %d, want %d",    \
                     __LINE__, #expr, e_, (err));                         \
            return;                                                       \
        }                                                                 \
    } while ( 0 )

/* The case's line: PASS, or FAIL with why (then counted). */
static inline void report(const char *name)
{
    if ( why[0] )
    {
        printf("FAIL: %s: %s\n", name, why);
        nfail++;
    }
    else
        printf("PASS: %s\n", name);
    fflush(stdout);
}

static inline long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static inline long now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static inline int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;

    return (x > y) - (x < y);
}

/* The median of n latency samples (which it sorts). */
static inline long median(long *v, size_t n)
{
    qsort(v, n, sizeof(*v), cmp_long);
    return v[n / 2];
}

#endif /* XS_TEST_CHECK_H */
