/* SPDX-License-Identifier: GPL-2.0-only */
/* A binary min-heap of timers keyed by expiry, allowing removal anywhere. */
#ifndef XEN_TIMER_HEAP_H
#define XEN_TIMER_HEAP_H

#include <xen/timer.h>

struct timer_heap {
    struct timer **elts; /* elts[0 .. size-1], smallest expiry first */
    unsigned int size, limit;
};

#define TIMER_HEAP_INIT                                                       \
    {                                                                         \
        NULL, 0, 0                                                            \
    }

/*
 * Returns -ENOMEM if the heap is full and could not grow; t is then not
 * added.  Growing allocates, so timer_heap_reserve() lets a caller grow
 * the heap outside its lock.
 */
int timer_heap_add(struct timer_heap *h, struct timer *t);
int timer_heap_reserve(struct timer_heap *h, unsigned int limit);
/* t must be in h. */
void timer_heap_remove(struct timer_heap *h, struct timer *t);
struct timer *timer_heap_peek(const struct timer_heap *h);
struct timer *timer_heap_pop(struct timer_heap *h);

#endif /* XEN_TIMER_HEAP_H */
