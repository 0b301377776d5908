/* SPDX-License-Identifier: GPL-2.0-only */
/* A tiny assertion framework printing the PASS/FAIL lines run-tests counts. */
#ifndef TESTS_CHECK_H
#define TESTS_CHECK_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <xen/lib.h>
#include "harness.h"

static const char *check_name;
static char check_why[512];
static jmp_buf check_env;
static unsigned int check_failures;

static inline jmp_buf *check_case_begin(const char *name)
{
    check_name = name;
    check_why[0] = '\0';
    harness_log_clear();
    harness_panic_env = &check_env;
    return &check_env;
}

static inline jmp_buf *check_case_end(void)
{
    harness_panic_env = NULL;
    if ( check_why[0] )
    {
        printf("FAIL: %s: %s\n", check_name, check_why);
        check_failures++;
    }
    else
        printf("PASS: %s\n", check_name);
    fflush(stdout);
    return NULL;
}

static inline void check_fail(const char *file, int line, const char *what)
{
    /* The first failure is usually the informative one. */
    if ( !check_why[0] )
        snprintf(check_why, sizeof(check_why), "%s:%d: %s", file, line, what);
}

/*
 * CASE("name") { body } runs body once and prints one result line; a panic
 * inside body that no EXPECT_PANIC catches fails the case.
 */
#define CASE(name)                                                            \
    for ( jmp_buf *e_ = check_case_begin(name); e_; e_ = check_case_end() )   \
        if ( setjmp(*e_) )                                                    \
            check_fail(__FILE__, __LINE__, "unexpected panic");               \
        else

#define CHECK(cond)                                                           \
    do {                                                                      \
        if ( !(cond) )                                                        \
            check_fail(__FILE__, __LINE__, #cond);                            \
    } while ( 0 )

#define CHECK_EQ(a, b)                                                        \
    do {                                                                      \
        unsigned long long a_ = (a), b_ = (b);                                \
        if ( a_ != b_ )                                                       \
        {                                                                     \
            char m_[256];                                                     \
            snprintf(m_, sizeof(m_), "%.80s == %.80s (0x%llx != 0x%llx)",    \
                     #a, #b, a_, b_);                                         \
            check_fail(__FILE__, __LINE__, m_);                               \
        }                                                                     \
    } while ( 0 )

#define CHECK_STR(a, b)                                                       \
    do {                                                                      \
        const char *a_ = (a), *b_ = (b);                                      \
        if ( !a_ || strcmp(a_, b_) )                                          \
        {                                                                     \
            char m_[256];                                                     \
            snprintf(m_, sizeof(m_), "%.60s == \"%.80s\" (got \"%.80s\")",  \
                     #a, b_, a_ ? a_ : "(null)");                             \
            check_fail(__FILE__, __LINE__, m_);                               \
        }                                                                     \
    } while ( 0 )

#define CHECK_LOG(needle)                                                     \
    do {                                                                      \
        if ( !harness_log_contains(needle) )                                  \
            check_fail(__FILE__, __LINE__, "log lacks: " needle);             \
    } while ( 0 )

/* Evaluates to true if stmt panicked (and returns to the caller if so). */
#define EXPECT_PANIC(stmt)                                                    \
    ({                                                                        \
        jmp_buf env_, *old_ = harness_panic_env;                              \
        bool panicked_ = false;                                               \
        harness_panic_env = &env_;                                            \
        if ( setjmp(env_) == 0 )                                              \
        {                                                                     \
            stmt;                                                             \
        }                                                                     \
        else                                                                  \
            panicked_ = true;                                                 \
        harness_panic_env = old_;                                             \
        panicked_;                                                            \
    })

#endif /* TESTS_CHECK_H */
