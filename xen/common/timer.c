/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-CPU software timers: pending-timer heaps and the softirq to run them. */
#include <xen/cpumask.h>
#include <xen/keyhandler.h>
#include <xen/lib.h>
#include <xen/percpu.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <xen/timer.h>
#include <xen/timer_heap.h>

/*
 * A timer lives on one CPU's heap at a time: the one it was initialised
 * for, until migrate_timer() moves it (the scheduler does, when a vCPU
 * moves).  t->cpu changes only with both CPUs' locks held, so whoever
 * holds the lock of the CPU t->cpu names may use the timer.  Timers that
 * could not enter the heap (it failed to grow) wait on an unsorted list
 * that the softirq scans and drains into the heap.
 */
struct timers {
    spinlock_t lock;
    struct timer_heap heap;
    struct timer *list;
    struct timer *running;
};
static DEFINE_PER_CPU(struct timers, timers);

void __init timer_init(void)
{
    for ( unsigned int cpu = 0; cpu < NR_CPUS; cpu++ )
        spin_lock_init(&per_cpu(timers, cpu).lock, timer);
}

void init_timer(struct timer *t, void (*function)(void *data), void *data,
                unsigned int cpu)
{
    BUG_ON(cpu >= NR_CPUS);
    memset(t, 0, sizeof(*t));
    t->function = function;
    t->data = data;
    t->cpu = cpu;
    t->status = TIMER_STATUS_inactive;
}

/* Locks the CPU t lives on, which may change until we hold its lock. */
static struct timers *timer_lock(const struct timer *t, unsigned long *flags)
{
    for ( ;; )
    {
        unsigned int cpu = ACCESS_ONCE(t->cpu);
        struct timers *ts = &per_cpu(timers, cpu);

        spin_lock_irqsave(&ts->lock, *flags);
        if ( likely(t->cpu == cpu) )
            return ts;
        spin_unlock_irqrestore(&ts->lock, *flags);
    }
}

static void list_unlink(struct timers *ts, struct timer *t)
{
    struct timer **pp;

    for ( pp = &ts->list; *pp != t; pp = &(*pp)->list_next )
        ASSERT(*pp);
    *pp = t->list_next;
    t->list_next = NULL;
}

static void deactivate(struct timers *ts, struct timer *t)
{
    if ( t->status == TIMER_STATUS_in_heap )
        timer_heap_remove(&ts->heap, t);
    else if ( t->status == TIMER_STATUS_in_list )
        list_unlink(ts, t);
    else
        return;
    t->status = TIMER_STATUS_inactive;
}

/* Returns true if t is now the earliest pending timer of its CPU. */
static bool activate(struct timers *ts, struct timer *t)
{
    if ( !timer_heap_add(&ts->heap, t) )
    {
        t->status = TIMER_STATUS_in_heap;
        return timer_heap_peek(&ts->heap) == t;
    }
    t->list_next = ts->list;
    ts->list = t;
    t->status = TIMER_STATUS_in_list;
    /* The list is unsorted: let the softirq work out the deadline. */
    return true;
}

void set_timer(struct timer *t, s_time_t expires)
{
    struct timers *ts;
    unsigned long flags;
    unsigned int cpu;
    bool kick;

    ASSERT(t->status != TIMER_STATUS_invalid);
    ts = timer_lock(t, &flags);
    if ( t->status == TIMER_STATUS_killed )
    {
        spin_unlock_irqrestore(&ts->lock, flags);
        return;
    }
    deactivate(ts, t);
    t->expires = expires;
    kick = activate(ts, t);
    cpu = t->cpu;
    spin_unlock_irqrestore(&ts->lock, flags);

    if ( kick )
        cpu_raise_softirq(cpu, TIMER_SOFTIRQ);
}

void stop_timer(struct timer *t)
{
    unsigned long flags;
    struct timers *ts = timer_lock(t, &flags);

    deactivate(ts, t);
    spin_unlock_irqrestore(&ts->lock, flags);
}

/*
 * Both CPUs' locks are taken, lower number first, so that two migrations
 * in opposite directions cannot deadlock.  A pending timer keeps its
 * deadline on the new CPU; a handler already running on the old CPU
 * finishes there.
 */
void migrate_timer(struct timer *t, unsigned int new_cpu)
{
    struct timers *old_ts, *new_ts;
    unsigned long flags;
    unsigned int old_cpu;
    bool kick = false;

    BUG_ON(new_cpu >= NR_CPUS);
    for ( ;; )
    {
        old_cpu = ACCESS_ONCE(t->cpu);
        if ( old_cpu == new_cpu )
            return;
        old_ts = &per_cpu(timers, old_cpu);
        new_ts = &per_cpu(timers, new_cpu);
        local_irq_save(flags);
        spin_lock(old_cpu < new_cpu ? &old_ts->lock : &new_ts->lock);
        spin_lock(old_cpu < new_cpu ? &new_ts->lock : &old_ts->lock);
        if ( likely(t->cpu == old_cpu) )
            break;
        spin_unlock(&old_ts->lock);
        spin_unlock(&new_ts->lock);
        local_irq_restore(flags);
    }

    if ( timer_is_active(t) )
    {
        deactivate(old_ts, t);
        t->cpu = new_cpu;
        kick = activate(new_ts, t);
    }
    else
        t->cpu = new_cpu;
    spin_unlock(&old_ts->lock);
    spin_unlock(&new_ts->lock);
    local_irq_restore(flags);

    if ( kick )
        cpu_raise_softirq(new_cpu, TIMER_SOFTIRQ);
}

void kill_timer(struct timer *t)
{
    unsigned long flags;
    struct timers *ts = timer_lock(t, &flags);

    deactivate(ts, t);
    t->status = TIMER_STATUS_killed;
    spin_unlock_irqrestore(&ts->lock, flags);

    /* The caller may free t next, so its handler must have finished. */
    if ( ts != &this_cpu(timers) )
        while ( ACCESS_ONCE(ts->running) == t )
            cpu_relax();
}

bool timer_is_active(const struct timer *t)
{
    return t->status == TIMER_STATUS_in_heap ||
           t->status == TIMER_STATUS_in_list;
}

/* Called with the lock held, which is dropped around the handler. */
static void execute_timer(struct timers *ts, struct timer *t,
                          unsigned long *flags)
{
    t->status = TIMER_STATUS_inactive;
    ts->running = t;
    spin_unlock_irqrestore(&ts->lock, *flags);
    t->function(t->data);
    spin_lock_irqsave(&ts->lock, *flags);
    ts->running = NULL;
}

/* Runs one expired list timer, or returns false if none is expired. */
static bool run_list_timer(struct timers *ts, s_time_t now,
                           unsigned long *flags)
{
    struct timer *t;

    for ( t = ts->list; t; t = t->list_next )
        if ( t->expires <= now )
        {
            list_unlink(ts, t);
            execute_timer(ts, t, flags);
            return true;
        }
    return false;
}

void timer_softirq_action(void)
{
    struct timers *ts = &this_cpu(timers);
    struct timer *t, **pp;
    unsigned long flags;
    s_time_t now, deadline;

    spin_lock_irqsave(&ts->lock, flags);
    do
    {
        now = NOW();
        while ( (t = timer_heap_peek(&ts->heap)) && t->expires <= now )
        {
            timer_heap_pop(&ts->heap);
            execute_timer(ts, t, &flags);
        }
        while ( run_list_timer(ts, now, &flags) )
            ;

        /* Move what we can from the overflow list into the heap. */
        for ( pp = &ts->list; (t = *pp); )
        {
            if ( timer_heap_add(&ts->heap, t) )
            {
                pp = &t->list_next;
                continue;
            }
            *pp = t->list_next;
            t->list_next = NULL;
            t->status = TIMER_STATUS_in_heap;
        }

        t = timer_heap_peek(&ts->heap);
        deadline = t ? t->expires : 0;
        for ( t = ts->list; t; t = t->list_next )
            if ( !deadline || t->expires < deadline )
                deadline = t->expires;
    } while ( !reprogram_timer(deadline) );
    spin_unlock_irqrestore(&ts->lock, flags);
}

static void dump_timer(const struct timer *t, s_time_t now)
{
    printk("  ex=%12ldus timer=%p cb=%pS(%p)\n",
           (long)((t->expires - now) / 1000), t, (void *)t->function, t->data);
}

/* Debug key 't': every CPU's pending timers, heap order, then overflow. */
static void dump_timerq(unsigned char key)
{
    s_time_t now = NOW();
    unsigned long flags;
    unsigned int cpu;

    printk("Dumping timer queues:\n");
    for_each_online_cpu(cpu)
    {
        struct timers *ts = &per_cpu(timers, cpu);

        printk("CPU%02u:\n", cpu);
        spin_lock_irqsave(&ts->lock, flags);
        for ( unsigned int i = 0; i < ts->heap.size; i++ )
            dump_timer(ts->heap.elts[i], now);
        for ( const struct timer *t = ts->list; t; t = t->list_next )
            dump_timer(t, now);
        spin_unlock_irqrestore(&ts->lock, flags);
    }
}
KEYHANDLER('a', dump_timerq, "dump timer queues");
