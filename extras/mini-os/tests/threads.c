/* SPDX-License-Identifier: GPL-2.0-only */
/* Cases for mini-os's cooperative threads: yield, sleep, wake, exit. */

#include "test.h"
#include <events.h>
#include <hypercall.h>
#include <sched.h>
#include <time.h>

static char trace[16];
static unsigned int trace_len;

static void note(char c)
{
    if ( trace_len < sizeof(trace) - 1 )
        trace[trace_len++] = c;
}

static void yielder(void *arg)
{
    for ( unsigned int i = 0; i < 3; i++ )
    {
        note(*(const char *)arg);
        schedule();
    }
}

/* Until t has exited, or ms pass; false on timeout. */
static bool join(const struct thread *t, unsigned int ms)
{
    uint64_t deadline = monotonic_clock() + MILLISECS(ms);

    while ( !t->exited )
    {
        if ( monotonic_clock() > deadline )
            return false;
        msleep(1);
    }
    return true;
}

TEST(threads, yield_round_robin)
{
    struct thread *a, *b;

    trace_len = 0;
    CHECK((a = create_thread("a", yielder, "a")), "no thread");
    CHECK((b = create_thread("b", yielder, "b")), "no thread");
    CHECK(join(a, 1000) && join(b, 1000), "threads did not finish");
    trace[trace_len] = '\0';
    /* Each yield passes the CPU on: the two alternate. */
    CHECK(!strcmp(trace, "bababa") || !strcmp(trace, "ababab"),
          "ran as %s", trace);
}

static uint64_t slept_ns;

static void sleeper(void *arg)
{
    uint64_t start = monotonic_clock();

    msleep((unsigned long)arg);
    slept_ns = monotonic_clock() - start;
}

TEST(threads, sleep_lets_others_run)
{
    struct thread *t;
    unsigned long spins = 0;
    uint64_t until;

    slept_ns = 0;
    CHECK((t = create_thread("sleeper", sleeper, (void *)20UL)), "no thread");
    /*
     * We keep running while it sleeps, yielding now and then, until it is
     * back (or a second has gone).  Counted against its sleep, not against
     * a time window of ours, which a stall of the loaded host could eat.
     */
    until = monotonic_clock() + MILLISECS(1000);
    while ( !slept_ns && monotonic_clock() < until )
    {
        schedule();
        spins++;
    }
    CHECK(join(t, 1000), "the sleeper never woke");
    CHECK(slept_ns + CLOCK_SLACK_NS >= MILLISECS(20), "slept %lu ns",
          (unsigned long)slept_ns);
    CHECK(spins > 1, "the boot thread did not run meanwhile");
}

static struct thread *waiter;
static unsigned long woken;

static void wait_for_event(void *arg)
{
    (void)arg;
    thread_block();
    woken++;
}

static void wake_waiter(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    wake(waiter);
}

TEST(threads, event_handler_wakes_a_blocked_thread)
{
    long port;

    woken = 0;
    CHECK((waiter = create_thread("waiter", wait_for_event, NULL)),
          "no thread");
    msleep(5);
    CHECK(!woken && !waiter->exited, "woke without an event");
    CHECK((port = bind_ipi(0, wake_waiter, NULL)) > 0, "bind_ipi: %ld",
          port);
    CHECK_RC(notify_remote_via_evtchn(port), 0);
    CHECK(join(waiter, 1000), "the waiter was not woken");
    CHECK(woken == 1, "woken %lu times", woken);
    CHECK_RC(unbind_evtchn(port), 0);
}

static void quick(void *arg)
{
    (void)arg;
}

TEST(threads, exited_slots_are_reused)
{
    /* More threads than slots, one after another. */
    for ( unsigned int i = 0; i < 20; i++ )
    {
        struct thread *t = create_thread("quick", quick, NULL);

        CHECK(t, "no slot for thread %u", i);
        CHECK(join(t, 1000), "thread %u did not finish", i);
    }
}
