/* SPDX-License-Identifier: GPL-2.0-only */
/* Runs the registered cases and prints one PASS/FAIL/SKIP line for each. */

#include "test.h"
#include "hostile.h"
#include <events.h>
#include <time.h>
#include <hypercall.h>

extern const struct test_case __start_testcases[], __stop_testcases[];

enum { RESULT_PASS, RESULT_FAIL, RESULT_SKIP };

static int result;
static char reason[256];

static void record(int what, const char *fmt, va_list ap)
{
    if ( result != RESULT_PASS )
        return;
    result = what;
    vsnprintf(reason, sizeof(reason), fmt, ap);
}

void test_fail(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    record(RESULT_FAIL, fmt, ap);
    va_end(ap);
}

void test_skip(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    record(RESULT_SKIP, fmt, ap);
    va_end(ap);
}

bool test_failed(void)
{
    return result == RESULT_FAIL;
}

bool wait_for_count(const volatile unsigned long *counter, unsigned long want,
                    unsigned int ms)
{
    uint64_t deadline = monotonic_clock() + MILLISECS(ms);

    while ( *counter < want )
    {
        if ( monotonic_clock() >= deadline )
            return false;
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
    return true;
}

void timer_quiesce(void)
{
    uint64_t until;

    HYPERVISOR_set_timer_op(0);
    until = monotonic_clock() + 2 * CLOCK_SLACK_NS;
    while ( monotonic_clock() < until )
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

/*
 * "only=<prefix>" on the command line runs just the cases whose names
 * start with it (e.g. only=evtchn/); "skip=<prefix>" leaves those out
 * (the cases a machine cannot run: run.py boots them on another).
 */
static size_t selection(const char *cmdline, const char *key,
                        const char **prefix)
{
    const char *p = strstr(cmdline, key);
    size_t n = 0;

    if ( !p )
        return 0;
    p += strlen(key);
    while ( p[n] && p[n] != ' ' )
        n++;
    *prefix = p;
    return n;
}

void run_case_body(void (*fn)(void), char *verdict, size_t len)
{
    static const char *const what[] = {
        [RESULT_PASS] = "PASS", [RESULT_FAIL] = "FAIL", [RESULT_SKIP] = "SKIP",
    };

    result = RESULT_PASS;
    reason[0] = '\0';
    fn();
    /* A case may leave events masked on its way out; undo that. */
    local_irq_enable();
    if ( result == RESULT_PASS )
        snprintf(verdict, len, "PASS");
    else
        snprintf(verdict, len, "%s: %s", what[result], reason);
}

int run_tests(const char *cmdline)
{
    const struct test_case *t;
    const char *prefix = NULL, *leave = NULL;
    size_t plen = selection(cmdline, "only=", &prefix);
    size_t llen = selection(cmdline, "skip=", &leave);
    unsigned int passed = 0, failed = 0, skipped = 0;
    char verdict[sizeof(reason) + 8];
    long total = 0;

    for ( t = __start_testcases; t < __stop_testcases; t++ )
        total += !llen || strncmp(t->name, leave, llen);
    printk("mini-os: running %ld test cases\n", total);
    for ( t = __start_testcases; t < __stop_testcases; t++ )
    {
        const char *why;

        if ( (plen && strncmp(t->name, prefix, plen)) ||
             (llen && !strncmp(t->name, leave, llen)) )
            continue;
        if ( (why = arch_case_skip(t->name)) )
        {
            result = RESULT_SKIP;
            snprintf(verdict, sizeof(verdict), "SKIP: %s", why);
        }
        else
            run_case_body(t->fn, verdict, sizeof(verdict));
        if ( result == RESULT_PASS )
        {
            printk("PASS: %s\n", t->name);
            passed++;
            continue;
        }
        /* "FAIL: group/name: reason" */
        printk("%.4s: %s%s\n", verdict, t->name, verdict + 4);
        if ( result == RESULT_FAIL )
            failed++;
        else
            skipped++;
    }
    printk("%u passed, %u failed, %u skipped\n", passed, failed, skipped);
    return failed;
}

static const struct {
    const char *name;
    void (*fn)(void);
} roles[] = {
    { "peer", peer_main },
    { "spin", spin_main },
    { "waker", waker_main },
    { "hostile", hostile_main },
    { "granter", granter_main },
    { "copier", copier_main },
    { "fuzz", fuzz_main },
    { "control", control_main },
    { "crash", crash_main },
};

bool run_role(const char *cmdline)
{
    const char *p = strstr(cmdline, "role=");

    if ( !p )
        return false;
    p += 5;
    for ( unsigned int i = 0; i < ARRAY_SIZE(roles); i++ )
    {
        size_t n = strlen(roles[i].name);

        if ( !strncmp(p, roles[i].name, n) && (p[n] == ' ' || !p[n]) )
        {
            roles[i].fn();
            return true;
        }
    }
    panic("unknown role on the command line: %s", p);
}
