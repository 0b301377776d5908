/* SPDX-License-Identifier: GPL-2.0-only */
/* Min-heap of timers: O(log n) insert, pop and removal via stored index. */
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/string.h>
#include <xen/timer_heap.h>
#include <xen/xmalloc.h>

#define INITIAL_LIMIT 64

static void place(struct timer_heap *h, unsigned int i, struct timer *t)
{
    h->elts[i] = t;
    t->heap_index = i;
}

static void sift_up(struct timer_heap *h, unsigned int i)
{
    struct timer *t = h->elts[i];

    while ( i > 0 )
    {
        unsigned int parent = (i - 1) / 2;

        if ( h->elts[parent]->expires <= t->expires )
            break;
        place(h, i, h->elts[parent]);
        i = parent;
    }
    place(h, i, t);
}

static void sift_down(struct timer_heap *h, unsigned int i)
{
    struct timer *t = h->elts[i];

    for ( ;; )
    {
        unsigned int c = 2 * i + 1;

        if ( c >= h->size )
            break;
        if ( c + 1 < h->size && h->elts[c + 1]->expires < h->elts[c]->expires )
            c++;
        if ( t->expires <= h->elts[c]->expires )
            break;
        place(h, i, h->elts[c]);
        i = c;
    }
    place(h, i, t);
}

int timer_heap_reserve(struct timer_heap *h, unsigned int limit)
{
    struct timer **n;

    if ( limit <= h->limit )
        return 0;
    n = xmalloc_array(struct timer *, limit);
    if ( !n )
        return -ENOMEM;
    if ( h->size )
        memcpy(n, h->elts, h->size * sizeof(*n));
    xfree(h->elts);
    h->elts = n;
    h->limit = limit;
    return 0;
}

int timer_heap_add(struct timer_heap *h, struct timer *t)
{
    if ( h->size == h->limit )
    {
        unsigned int limit = h->limit ? h->limit * 2 : INITIAL_LIMIT;

        if ( limit < h->limit || timer_heap_reserve(h, limit) )
            return -ENOMEM;
    }
    place(h, h->size++, t);
    sift_up(h, t->heap_index);
    return 0;
}

void timer_heap_remove(struct timer_heap *h, struct timer *t)
{
    unsigned int i = t->heap_index;
    struct timer *last;

    ASSERT(i < h->size && h->elts[i] == t);
    last = h->elts[--h->size];
    if ( last == t )
        return;
    /* The last element fills the hole and moves whichever way it must. */
    place(h, i, last);
    if ( i > 0 && h->elts[(i - 1) / 2]->expires > last->expires )
        sift_up(h, i);
    else
        sift_down(h, i);
}

struct timer *timer_heap_peek(const struct timer_heap *h)
{
    return h->size ? h->elts[0] : NULL;
}

struct timer *timer_heap_pop(struct timer_heap *h)
{
    struct timer *t = timer_heap_peek(h);

    if ( t )
        timer_heap_remove(h, t);
    return t;
}
