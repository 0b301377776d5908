/* SPDX-License-Identifier: GPL-2.0-only */
/* One-shot software timers, run from the timer softirq of their CPU. */
#ifndef XEN_TIMER_H
#define XEN_TIMER_H

#include <xen/time.h>

struct timer {
    s_time_t expires;
    void (*function)(void *data);
    void *data;
    /* Overflow list, used when the heap could not grow. */
    struct timer *list_next;
    /* Position in the CPU's heap while status is TIMER_STATUS_in_heap. */
    unsigned int heap_index;
    uint16_t cpu;
    uint8_t status;
};

#define TIMER_STATUS_invalid  0 /* never initialised */
#define TIMER_STATUS_inactive 1 /* not pending */
#define TIMER_STATUS_killed   2 /* set_timer() now refused */
#define TIMER_STATUS_in_heap  3
#define TIMER_STATUS_in_list  4

/* The timer will run function(data) on cpu. */
/* At boot, before any timer is set: every CPU's heap lock. */
void timer_init(void);

void init_timer(struct timer *t, void (*function)(void *data), void *data,
                unsigned int cpu);
/* (Re)arm for the absolute system time expires; in the past = run soon. */
void set_timer(struct timer *t, s_time_t expires);
void stop_timer(struct timer *t);
/* From now on run (and if pending, expire) on new_cpu instead. */
void migrate_timer(struct timer *t, unsigned int new_cpu);
/* Stop for good, waiting if the handler is running on another CPU. */
void kill_timer(struct timer *t);
bool timer_is_active(const struct timer *t);

/*
 * Runs this CPU's expired timers and reprograms the next deadline: the
 * TIMER_SOFTIRQ handler, also raised when a new timer becomes the earliest.
 */
void timer_softirq_action(void);

/*
 * Provided by the architecture: make this CPU's timer interrupt fire at
 * deadline (0: no timer needed).  Returns false if deadline has already
 * passed, in which case the caller runs the expired timers itself.
 */
bool reprogram_timer(s_time_t deadline);

#endif /* XEN_TIMER_H */
