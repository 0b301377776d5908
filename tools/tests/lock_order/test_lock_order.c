/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for the lock-order check: inversions are caught, order is not. */
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xen/perfc.h>
#include <xen/spinlock.h>
#include "check.h"

DEFINE_PER_CPU(unsigned long[PERFC_NR], perfc);

bool release_lock_cycle(void);

static DEFINE_SPINLOCK(domctl_lock, domctl);
static DEFINE_SPINLOCK(pair_lock, pair);
static DEFINE_SPINLOCK(heap_lock, heap);
static DEFINE_SPINLOCK(call_lock, call);
static spinlock_t event_locks[2] = {
    SPIN_LOCK_UNLOCKED(event),
    SPIN_LOCK_UNLOCKED(event),
};
static spinlock_t sched_locks[2] = {
    SPIN_LOCK_UNLOCKED(sched),
    SPIN_LOCK_UNLOCKED(sched),
};
static spinlock_t pt_locks[2] = {
    SPIN_LOCK_UNLOCKED(pt),
    SPIN_LOCK_UNLOCKED(pt),
};

/*
 * The check stops for good after its first report (so that panic() can
 * run), hence each scenario that should trip it runs in a child of its
 * own.  True if the scenario panicked with needle in the log.
 */
static bool caught(void (*scenario)(void), const char *needle)
{
    pid_t pid = fork();
    int status;

    if ( pid == 0 )
    {
        bool panicked;

        harness_log_clear();
        panicked = EXPECT_PANIC(scenario());
        _exit(panicked && harness_log_contains(needle) ? 0 : 1);
    }
    return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
           WEXITSTATUS(status) == 0;
}

static void inversion(void)
{
    spin_lock(&heap_lock);
    spin_lock(&domctl_lock);
}

static void same_class(void)
{
    spin_lock(&pt_locks[0]);
    spin_lock(&pt_locks[1]);
}

static void nest_backwards(void)
{
    spin_lock(&event_locks[1]);
    spin_lock(&event_locks[0]);
}

static void recursion(void)
{
    spin_lock(&pair_lock);
    spin_lock(&pair_lock);
}

/* An interrupt handler spinning on a lock the code it interrupted holds. */
static void recursion_in_handler(void)
{
    spin_lock(&pair_lock);
    lock_order_irq_enter();
    spin_lock(&pair_lock);
}

/* Inside a handler the order holds among the handler's own locks. */
static void inversion_in_handler(void)
{
    spin_lock(&call_lock);
    lock_order_irq_enter();
    spin_lock(&heap_lock);
    spin_lock(&domctl_lock);
}

static void unclassed(void)
{
    static spinlock_t zeroed;

    spin_lock(&zeroed);
}

static void unheld_release(void)
{
    spin_unlock(&call_lock);
}

static void inversion_after_trylock(void)
{
    spin_lock(&heap_lock);
    CHECK(spin_trylock(&pair_lock));
    /* The trylock was fine; a plain take under heap_lock is not. */
    spin_lock(&domctl_lock);
}

static void inversion_after_release(void)
{
    spin_lock(&domctl_lock);
    spin_lock(&heap_lock);
    spin_unlock(&domctl_lock);
    /* heap_lock is still held: domctl_lock may not be taken again. */
    spin_lock(&domctl_lock);
}

static void too_deep(void)
{
    static spinlock_t many[20];

    for ( unsigned int i = 0; i < ARRAY_SIZE(many); i++ )
        spin_lock_init(&many[i], timer);
    /* In address order, so only the depth can stop it. */
    for ( unsigned int i = 0; i < ARRAY_SIZE(many); i++ )
        spin_lock(&many[i]);
}

static void test_order(void)
{
    CASE("documented order: outermost first, released in any order")
    {
        spin_lock(&domctl_lock);
        spin_lock(&pair_lock);
        spin_lock_irq(&event_locks[0]);
        spin_lock(&heap_lock);
        spin_lock(&call_lock);
        /* Double-lock helpers release the first one taken first. */
        spin_unlock(&domctl_lock);
        spin_unlock(&heap_lock);
        spin_unlock(&call_lock);
        spin_unlock_irq(&event_locks[0]);
        spin_unlock(&pair_lock);
        /* Nothing held now: the outermost may be taken again. */
        spin_lock(&domctl_lock);
        spin_unlock(&domctl_lock);
        CHECK(!harness_log_contains("lock order"));
    }

    CASE("same-class nesting in address order (two domains, two CPUs)")
    {
        spin_lock(&pair_lock);
        spin_lock(&event_locks[0]);
        spin_lock(&event_locks[1]);
        spin_unlock(&event_locks[0]);
        spin_unlock(&event_locks[1]);
        spin_unlock(&pair_lock);
        spin_lock(&sched_locks[0]);
        spin_lock(&sched_locks[1]);
        spin_unlock(&sched_locks[1]);
        spin_unlock(&sched_locks[0]);
    }

    CASE("a trylock may go against the order (it cannot wait)")
    {
        spin_lock(&sched_locks[1]);
        CHECK(spin_trylock(&sched_locks[0]));
        spin_unlock(&sched_locks[0]);
        spin_unlock(&sched_locks[1]);
        spin_lock(&heap_lock);
        CHECK(spin_trylock(&domctl_lock));
        spin_unlock(&domctl_lock);
        spin_unlock(&heap_lock);
    }

    CASE("each CPU's held locks are its own")
    {
        harness_cpu = 1;
        spin_lock(&heap_lock);
        harness_cpu = 0;
        spin_lock(&domctl_lock);
        spin_unlock(&domctl_lock);
        harness_cpu = 1;
        spin_unlock(&heap_lock);
        harness_cpu = 0;
    }

    CASE("an interrupt handler's locks are a context of their own")
    {
        unsigned int outer;

        /* smp_call_function's lock is held with interrupts on. */
        spin_lock(&call_lock);
        outer = lock_order_irq_enter();
        spin_lock(&event_locks[0]);
        spin_lock(&heap_lock);
        spin_unlock(&heap_lock);
        spin_unlock(&event_locks[0]);
        lock_order_irq_exit(outer);
        spin_unlock(&call_lock);
        /* After the handler, the interrupted code's order applies again. */
        spin_lock(&event_locks[0]);
        spin_lock(&call_lock);
        spin_unlock(&call_lock);
        spin_unlock(&event_locks[0]);
        CHECK(!harness_log_contains("lock order"));
    }

    CASE("a release build's lock is one word and checks nothing")
    {
        CHECK(release_lock_cycle());
    }
}

/* Each scenario that must trip the check, and what its report says. */
static const struct {
    const char *name;
    void (*scenario)(void);
    const char *needle[3];
} bad[] = {
    { "inversion: BUG naming both locks and the taker",
      inversion,
      { "lock order: taking domctl_lock (0x", "while holding heap_lock (0x",
        " at 0x" } },
    { "inversion: two of a class that does not nest",
      same_class,
      { "taking page-table lock (0x", "while holding page-table lock" } },
    { "inversion: a nesting class against address order",
      nest_backwards,
      { "taking (address order) d->event_lock" } },
    { "a lock taken again by its holder",
      recursion,
      { "taking again pair_lock" } },
    { "a handler taking a lock the interrupted code holds",
      recursion_in_handler,
      { "taking again pair_lock" } },
    { "an inversion among a handler's own locks",
      inversion_in_handler,
      { "taking domctl_lock (0x", "while holding heap_lock" } },
    { "a lock with no class is refused",
      unclassed,
      { "taking unclassed lock" } },
    { "releasing a lock this CPU does not hold",
      unheld_release,
      { "releasing unheld call_lock" } },
    { "a held trylock still counts for later takes",
      inversion_after_trylock,
      { "taking domctl_lock (0x" } },
    { "a lock released out of order leaves the others held",
      inversion_after_release,
      { "while holding heap_lock" } },
    { "too many locks held at once",
      too_deep,
      { "too many locks held to take timer CPU lock" } },
};

static void test_caught(unsigned int i)
{
    CASE(bad[i].name)
    {
        for ( unsigned int n = 0; n < ARRAY_SIZE(bad[i].needle); n++ )
            if ( bad[i].needle[n] &&
                 !caught(bad[i].scenario, bad[i].needle[n]) )
                check_fail(__FILE__, __LINE__, bad[i].needle[n]);
    }
}

/* A holder that is not a CPU here: it frees the lock 20 ms later. */
static void *late_release(void *arg)
{
    spinlock_t *l = arg;
    const struct timespec later = { 0, 20 * 1000 * 1000 };

    nanosleep(&later, NULL);
    __atomic_fetch_add(&l->head, 1, __ATOMIC_RELEASE);
    return NULL;
}

static void test_wait_counted(void)
{
    CASE("a lock found taken counts a wait, and its cycles, by class")
    {
        pthread_t t;

        /* The holder's ticket is taken by hand, outside the order check. */
        __atomic_fetch_add(&sched_locks[1].tail, 1, __ATOMIC_RELAXED);
        CHECK(pthread_create(&t, NULL, late_release, &sched_locks[1]) == 0);
        spin_lock(&sched_locks[1]);
        spin_unlock(&sched_locks[1]);
        CHECK(pthread_join(t, NULL) == 0);
        CHECK(this_cpu(perfc)[PERFC_lock_wait + LOCK_sched] == 1);
        CHECK(this_cpu(perfc)[PERFC_lock_wait_kcycles + LOCK_sched] > 0);
        /* A free lock is no wait. */
        spin_lock(&sched_locks[1]);
        spin_unlock(&sched_locks[1]);
        CHECK(this_cpu(perfc)[PERFC_lock_wait + LOCK_sched] == 1);
    }
}

int main(void)
{
    test_order();
    test_wait_counted();
    for ( unsigned int i = 0; i < ARRAY_SIZE(bad); i++ )
        test_caught(i);
    return 0;
}
