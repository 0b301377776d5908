/* SPDX-License-Identifier: GPL-2.0-only */
/* Cooperative threads on one vCPU: create, yield, sleep, block and wake. */

#ifndef MINIOS_SCHED_H
#define MINIOS_SCHED_H

#include <os.h>

struct thread {
    const char *name;
    unsigned long sp;           /* saved while it is not running */
    void *stack;                /* NULL for the boot thread */
    bool waiting;               /* until wake() */
    bool sleeping;              /* until system time reaches wakeup */
    bool exited;
    uint64_t wakeup;
    struct thread *next;        /* ring of all threads */
};

extern struct thread *current_thread;

/*
 * A new runnable thread running fn(arg), which may return to exit; NULL
 * if every stack is in use.  It first runs when the creator yields.
 */
struct thread *create_thread(const char *name, void (*fn)(void *),
                             void *arg);
/* Lets the other runnable threads run; blocks the vCPU if none can. */
void schedule(void);
/* Waits for wake() (event handlers may call it). */
void thread_block(void);
void wake(struct thread *t);
void __noreturn thread_exit(void);

/*
 * Arch parts: where a new thread's stack starts, holding what its first
 * switch_stacks pops to arrive in thread_start (switch.S), which calls
 * fn(arg) and then thread_exit().
 */
unsigned long thread_first_sp(void *stack_top, void (*fn)(void *), void *arg);
void thread_start(void);

#endif /* MINIOS_SCHED_H */
