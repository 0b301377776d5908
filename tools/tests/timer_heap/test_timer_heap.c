/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for timer_heap.c (against a sorted model) and timer.c. */
#include <stdlib.h>
#include <sys/mman.h>
#include <xen/mm.h>
#include <xen/softirq.h>
#include <xen/timer_heap.h>
#include <xen/xmalloc.h>
#include "check.h"

#define NR_FRAMES 4096UL

static s_time_t now;
static s_time_t programmed = -1;
static unsigned int raised[NR_CPUS];

s_time_t get_s_time(void);
bool reprogram_timer(s_time_t deadline);
void cpu_raise_softirq(unsigned int cpu, unsigned int nr);

s_time_t get_s_time(void)
{
    return now;
}

bool reprogram_timer(s_time_t deadline)
{
    if ( deadline && deadline <= now )
        return false;
    programmed = deadline;
    return true;
}

void cpu_raise_softirq(unsigned int cpu, unsigned int nr)
{
    if ( nr == TIMER_SOFTIRQ )
        raised[cpu]++;
}

static void setup(void)
{
    host_directmap = mmap(NULL, NR_FRAMES << PAGE_SHIFT,
                          PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    frame_table = calloc(NR_FRAMES, sizeof(*frame_table));
    max_page = NR_FRAMES;
    init_heap_pages(_mfn(1), NR_FRAMES - 1);
}

static bool heap_valid(const struct timer_heap *h)
{
    unsigned int i;

    for ( i = 0; i < h->size; i++ )
    {
        if ( h->elts[i]->heap_index != i )
            return false;
        if ( i && h->elts[(i - 1) / 2]->expires > h->elts[i]->expires )
            return false;
    }
    return true;
}

static int cmp_time(const void *a, const void *b)
{
    s_time_t x = *(const s_time_t *)a, y = *(const s_time_t *)b;

    return x < y ? -1 : x > y;
}

static void test_heap(void)
{
    CASE("heap: pops come out in expiry order (with duplicates)")
    {
        struct timer_heap h = TIMER_HEAP_INIT;
        static struct timer t[500];
        s_time_t model[500], prev = -1;
        unsigned int i;

        srand(7);
        for ( i = 0; i < 500; i++ )
        {
            t[i].expires = model[i] = rand() % 200;
            CHECK(timer_heap_add(&h, &t[i]) == 0);
        }
        CHECK(heap_valid(&h));
        CHECK(h.limit >= 500);
        qsort(model, 500, sizeof(model[0]), cmp_time);
        for ( i = 0; i < 500; i++ )
        {
            struct timer *p = timer_heap_pop(&h);

            CHECK(p && p->expires == model[i] && p->expires >= prev);
            prev = p ? p->expires : prev;
        }
        CHECK(timer_heap_pop(&h) == NULL);
        CHECK(timer_heap_peek(&h) == NULL);
        xfree(h.elts);
    }

    CASE("heap: random add/remove-from-middle against a sorted model")
    {
        enum { N = 300 };
        struct timer_heap h = TIMER_HEAP_INIT;
        static struct timer t[N];
        static bool in[N];
        unsigned int iter, i, count = 0;

        srand(99);
        for ( iter = 0; iter < 100000; iter++ )
        {
            i = rand() % N;
            if ( in[i] )
            {
                timer_heap_remove(&h, &t[i]);
                in[i] = false;
                count--;
            }
            else
            {
                t[i].expires = rand() % 1000 - 100;
                CHECK(timer_heap_add(&h, &t[i]) == 0);
                in[i] = true;
                count++;
            }
            if ( !(iter % 997) )
            {
                s_time_t min = STIME_MAX;
                unsigned int j;

                CHECK(heap_valid(&h));
                CHECK_EQ(h.size, count);
                for ( j = 0; j < N; j++ )
                    if ( in[j] && t[j].expires < min )
                        min = t[j].expires;
                CHECK(!count || timer_heap_peek(&h)->expires == min);
            }
        }
        /* Drain: must come out sorted and match exactly the members. */
        {
            s_time_t model[N], prev = INT64_MIN;
            unsigned int n = 0, j;

            for ( j = 0; j < N; j++ )
                if ( in[j] )
                    model[n++] = t[j].expires;
            qsort(model, n, sizeof(model[0]), cmp_time);
            for ( j = 0; j < n; j++ )
            {
                struct timer *p = timer_heap_pop(&h);

                CHECK(p && p->expires == model[j] && p->expires >= prev);
                if ( p )
                {
                    in[p - t] = false;
                    prev = p->expires;
                }
            }
            CHECK(h.size == 0);
        }
        xfree(h.elts);
    }

    CASE("heap: remove the last, the root and a leaf")
    {
        struct timer_heap h = TIMER_HEAP_INIT;
        struct timer t[7];
        unsigned int i;

        for ( i = 0; i < 7; i++ )
        {
            t[i].expires = 10 * (i + 1);
            timer_heap_add(&h, &t[i]);
        }
        timer_heap_remove(&h, h.elts[h.size - 1]);
        CHECK(heap_valid(&h) && h.size == 6);
        timer_heap_remove(&h, &t[0]);
        CHECK(heap_valid(&h) && timer_heap_peek(&h) == &t[1]);
        timer_heap_remove(&h, &t[3]);
        CHECK(heap_valid(&h) && h.size == 4);
        xfree(h.elts);
    }

    CASE("heap: reserve preserves contents")
    {
        struct timer_heap h = TIMER_HEAP_INIT;
        struct timer t[3] = { { .expires = 3 }, { .expires = 1 },
                              { .expires = 2 } };

        timer_heap_add(&h, &t[0]);
        timer_heap_add(&h, &t[1]);
        CHECK(timer_heap_reserve(&h, 1000) == 0);
        CHECK_EQ(h.limit, 1000);
        CHECK(timer_heap_reserve(&h, 10) == 0 && h.limit == 1000);
        timer_heap_add(&h, &t[2]);
        CHECK(timer_heap_pop(&h) == &t[1]);
        CHECK(timer_heap_pop(&h) == &t[2]);
        CHECK(timer_heap_pop(&h) == &t[0]);
        xfree(h.elts);
    }
}

static char order_log[64];
static unsigned int order_len;

static void record(void *data)
{
    order_log[order_len++] = (char)(unsigned long)data;
    order_log[order_len] = '\0';
}

static unsigned int fired;

static void count_fn(void *data)
{
    fired++;
}

static struct timer periodic;
static unsigned int periodic_runs;

static void periodic_fn(void *data)
{
    periodic_runs++;
    if ( periodic_runs < 5 )
        set_timer(&periodic, now + 10);
}

static void test_timers(void)
{
    CASE("timers: run in expiry order once due, deadline programmed")
    {
        struct timer a, b, c;

        init_timer(&a, record, (void *)'a', 0);
        init_timer(&b, record, (void *)'b', 0);
        init_timer(&c, record, (void *)'c', 0);
        now = 100;
        order_len = 0;
        raised[0] = 0;
        set_timer(&b, 300);
        CHECK_EQ(raised[0], 1);
        set_timer(&a, 200);
        CHECK_EQ(raised[0], 2);
        set_timer(&c, 400);
        CHECK_EQ(raised[0], 2);     /* not the earliest: no kick */
        CHECK(timer_is_active(&a) && timer_is_active(&c));
        timer_softirq_action();
        CHECK_EQ(order_len, 0);
        CHECK_EQ(programmed, 200);
        now = 350;
        timer_softirq_action();
        CHECK_STR(order_log, "ab");
        CHECK_EQ(programmed, 400);
        CHECK(!timer_is_active(&a) && timer_is_active(&c));
        now = 1000;
        timer_softirq_action();
        CHECK_STR(order_log, "abc");
        CHECK_EQ(programmed, 0);
    }

    CASE("timers: stop, re-set and kill")
    {
        struct timer a, b;

        init_timer(&a, record, (void *)'a', 0);
        init_timer(&b, record, (void *)'b', 0);
        order_len = 0;
        order_log[0] = '\0';
        now = 0;
        set_timer(&a, 10);
        set_timer(&b, 20);
        stop_timer(&a);
        CHECK(!timer_is_active(&a));
        set_timer(&b, 5);           /* re-set moves it */
        set_timer(&a, 30);
        now = 25;
        timer_softirq_action();
        CHECK_STR(order_log, "b");
        kill_timer(&a);
        set_timer(&a, 26);          /* ignored once killed */
        CHECK(!timer_is_active(&a));
        now = 100;
        timer_softirq_action();
        CHECK_STR(order_log, "b");
        stop_timer(&a);
    }

    CASE("timers: a handler may re-arm itself; past deadlines run now")
    {
        init_timer(&periodic, periodic_fn, NULL, 0);
        periodic_runs = 0;
        now = 1000;
        set_timer(&periodic, 999);
        timer_softirq_action();
        CHECK_EQ(periodic_runs, 1);
        CHECK_EQ(programmed, 1010);
        now = 1010;
        timer_softirq_action();
        CHECK_EQ(periodic_runs, 2);
        now = 5000;
        timer_softirq_action();
        CHECK_EQ(periodic_runs, 3);
        now = 5010;
        timer_softirq_action();
        now = 5020;
        timer_softirq_action();
        CHECK_EQ(periodic_runs, 5);
        CHECK(!timer_is_active(&periodic));
        CHECK_EQ(programmed, 0);
    }

    CASE("timers: each CPU has its own heap")
    {
        struct timer a, b;

        init_timer(&a, record, (void *)'a', 0);
        init_timer(&b, record, (void *)'b', 3);
        order_len = 0;
        order_log[0] = '\0';
        now = 0;
        raised[3] = 0;
        set_timer(&a, 10);
        set_timer(&b, 10);
        CHECK_EQ(raised[3], 1);
        now = 20;
        timer_softirq_action();     /* we are CPU 0 */
        CHECK_STR(order_log, "a");
        harness_cpu = 3;
        timer_softirq_action();
        harness_cpu = 0;
        CHECK_STR(order_log, "ab");
    }

    CASE("timers: many timers force heap growth")
    {
        static struct timer t[1000];
        unsigned int i;

        fired = 0;
        now = 0;
        for ( i = 0; i < 1000; i++ )
        {
            init_timer(&t[i], count_fn, NULL, 0);
            set_timer(&t[i], 1 + (i * 7919) % 1000);
        }
        now = 500;
        timer_softirq_action();
        for ( i = 0; i < 1000; i++ )
            CHECK(timer_is_active(&t[i]) == (t[i].expires > 500));
        CHECK_EQ(fired, 500);
        now = 2000;
        timer_softirq_action();
        CHECK_EQ(fired, 1000);
        for ( i = 0; i < 1000; i++ )
            CHECK(!timer_is_active(&t[i]));
    }
}

int main(void)
{
    setup();
    test_heap();
    test_timers();
    return 0;
}
