/* SPDX-License-Identifier: GPL-2.0-only */
/* Cooperative threads: round robin among runnable ones, blocking the vCPU. */

#include <lib.h>
#include <sched.h>
#include <time.h>
#include <hypercall.h>

#define MAX_THREADS  6
#define STACK_SIZE   (8 * 1024)

void switch_stacks(unsigned long *save_sp, unsigned long new_sp);

static struct thread boot_thread = { .name = "boot", .next = &boot_thread };
struct thread *current_thread = &boot_thread;

static struct thread pool[MAX_THREADS];
static char stacks[MAX_THREADS][STACK_SIZE] __aligned(16);

static bool runnable(const struct thread *t, uint64_t now)
{
    return !t->exited && !t->waiting && (!t->sleeping || t->wakeup <= now);
}

/* Round robin from the thread after the current one, ending with it. */
static struct thread *pick(uint64_t now)
{
    struct thread *t = current_thread;

    do {
        t = t->next;
        if ( runnable(t, now) )
            return t;
    } while ( t != current_thread );
    return NULL;
}

static uint64_t earliest_wakeup(void)
{
    uint64_t when = ~0ULL;
    struct thread *t = current_thread;

    do {
        if ( !t->exited && t->sleeping && t->wakeup < when )
            when = t->wakeup;
        t = t->next;
    } while ( t != current_thread );
    return when;
}

static void unlink_thread(struct thread *dead)
{
    struct thread *t = dead;

    while ( t->next != dead )
        t = t->next;
    t->next = dead->next;
}

void schedule(void)
{
    struct thread *prev = current_thread, *next;

    for ( ; ; )
    {
        if ( (next = pick(monotonic_clock())) )
            break;
        /*
         * Nobody can run: sleep until the earliest wakeup or an event.
         * Masked first, so a handler's wake() cannot slip in between the
         * check and the block (SCHEDOP_block unmasks in one step).
         */
        local_irq_disable();
        if ( !pick(monotonic_clock()) )
        {
            uint64_t when = earliest_wakeup();

            HYPERVISOR_set_timer_op(when == ~0ULL ? 0 : when);
            HYPERVISOR_sched_op(SCHEDOP_block, NULL);
        }
        local_irq_enable();
    }
    if ( next == prev )
        return;
    current_thread = next;
    switch_stacks(&prev->sp, next->sp);
}

struct thread *create_thread(const char *name, void (*fn)(void *),
                             void *arg)
{
    struct thread *t = NULL;
    unsigned int i;

    /* A slot is free once its thread has exited and switched away. */
    for ( i = 0; i < MAX_THREADS; i++ )
        if ( !pool[i].stack ||
             (pool[i].exited && &pool[i] != current_thread) )
        {
            t = &pool[i];
            break;
        }
    if ( !t )
        return NULL;
    if ( t->stack )
        unlink_thread(t);
    memset(t, 0, sizeof(*t));
    t->name = name;
    t->stack = stacks[i];

    t->sp = thread_first_sp(stacks[i] + STACK_SIZE, fn, arg);

    t->next = current_thread->next;
    current_thread->next = t;
    return t;
}

void thread_block(void)
{
    current_thread->waiting = true;
    schedule();
}

void wake(struct thread *t)
{
    t->waiting = false;
}

void thread_exit(void)
{
    struct thread *me = current_thread;

    BUG_ON(!me->stack);
    me->exited = true;
    schedule();
    /* schedule() never picks an exited thread. */
    panic("thread %s ran after exiting", me->name);
}
