/* SPDX-License-Identifier: GPL-2.0-only */
/* The FIFO event channel ABI: event words and per-vCPU priority queues. */
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/xmalloc.h>
#include <asm/mm.h>
#include "event_internal.h"

#define WORDS_PER_PAGE  (PAGE_SIZE / sizeof(event_word_t))
#define MAX_ARRAY_PAGES (EVTCHN_FIFO_NR_CHANNELS / WORDS_PER_PAGE)

#define W_PENDING (1U << EVTCHN_FIFO_PENDING)
#define W_MASKED  (1U << EVTCHN_FIFO_MASKED)
#define W_LINKED  (1U << EVTCHN_FIFO_LINKED)
#define W_BUSY    (1U << EVTCHN_FIFO_BUSY)

/*
 * How often we retry linking behind a tail whose word the guest keeps
 * changing.  With BUSY set a guest following the protocol can still
 * clear PENDING and LINKED once each, and set MASKED; one more is spare.
 * A guest that changes it more loses the event, as in Xen.
 */
#define LINK_TRIES 4

struct fifo_vcpu {
    /* In a guest page we hold a writable type reference on; NULL: none. */
    struct evtchn_fifo_control_block *cb;
    /*
     * The last port we appended to each queue (0: none).  The guest
     * consumes from the head, so it may have unlinked it meanwhile: that
     * is what LINKED in its word tells.
     */
    uint32_t tail[EVTCHN_FIFO_MAX_QUEUES];
};

struct evtchn_fifo {
    /* Guest pages, each held with a writable type reference. */
    event_word_t *array[MAX_ARRAY_PAGES];
    unsigned int nr_pages;
    unsigned int nr_vcpus;
    struct fifo_vcpu vcpu[];
};

static struct evtchn_fifo *fifo_of(const struct domain *d)
{
    return d->evtchn->fifo;
}

/* The port's word, or NULL while no array page covers it. */
static event_word_t *word_of(const struct domain *d, unsigned int port)
{
    const struct evtchn_fifo *f = fifo_of(d);

    if ( !f || port / WORDS_PER_PAGE >= f->nr_pages )
        return NULL;
    return &f->array[port / WORDS_PER_PAGE][port % WORDS_PER_PAGE];
}

/*
 * The guest writes its words and control blocks whenever it likes: every
 * access is one atomic operation, and each decision rests on the value
 * that operation returned, never on a second read.
 */
static event_word_t word_or(event_word_t *w, event_word_t bits)
{
    return __atomic_fetch_or(w, bits, __ATOMIC_SEQ_CST);
}

static event_word_t word_and(event_word_t *w, event_word_t bits)
{
    return __atomic_fetch_and(w, bits, __ATOMIC_SEQ_CST);
}

static event_word_t word_read(const event_word_t *w)
{
    return __atomic_load_n(w, __ATOMIC_SEQ_CST);
}

/*
 * Point the LINK field of tail's word at port, but only while the guest
 * has not unlinked tail (LINKED still set): true if linked.  The guest may
 * change other bits meanwhile, so compare-and-swap, a bounded number of
 * times; BUSY asks a well-behaved guest to leave the word alone until we
 * are done.  Giving up reports "linked", so that nothing else is written:
 * the event is lost, but only the guest that caused it loses.
 */
static bool link_after(const struct domain *d, event_word_t *tail,
                       uint32_t port)
{
    event_word_t old = word_read(tail), new;
    unsigned int i;
    bool busy = false;

    for ( i = 0; i <= LINK_TRIES; i++ )
    {
        if ( !(old & W_LINKED) )
        {
            if ( busy )
                word_and(tail, ~W_BUSY);
            return false;
        }
        new = (old & ~(W_BUSY | EVTCHN_FIFO_LINK_MASK)) | port;
        if ( __atomic_compare_exchange_n(tail, &old, new, false,
                                         __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) )
            return true;
        if ( !busy )
        {
            old = word_or(tail, W_BUSY) | W_BUSY;
            busy = true;
        }
    }
    word_and(tail, ~W_BUSY);
    printk(XENLOG_WARNING "Domain %u: FIFO port %u not linked: its "
                          "queue's tail word keeps changing\n",
           d->domain_id, port);
    return true;
}

static void fifo_set_pending(struct vcpu *v, unsigned int port,
                             struct evtchn *chn)
{
    struct domain *d = v->domain;
    struct evtchn_fifo *f = fifo_of(d);
    event_word_t *word = word_of(d, port);
    struct fifo_vcpu *fv = &f->vcpu[v->vcpu_id];
    struct fifo_vcpu *old = &f->vcpu[chn->last_vcpu];
    unsigned int q = chn->priority;
    event_word_t w;
    bool linked;

    if ( !word )
    {
        chn->fifo_pending = true;
        return;
    }
    w = word_or(word, W_PENDING);
    /*
     * A vCPU without a control block has nowhere to queue the event (the
     * guest must not unmask before registering one): it stays pending.
     */
    if ( fv->cb && !(w & W_MASKED) && !(word_or(word, W_LINKED) & W_LINKED) )
    {
        /*
         * Not linked any more, so if it was the tail of the queue it last
         * joined, that queue is empty: appending to it later must not
         * write into this word, which may sit on another queue by then.
         */
        if ( old->tail[chn->last_priority] == port )
            old->tail[chn->last_priority] = 0;
        chn->last_vcpu = v->vcpu_id;
        chn->last_priority = q;

        linked = fv->tail[q] && link_after(d, word_of(d, fv->tail[q]), port);
        if ( !linked )
            __atomic_store_n(&fv->cb->head[q], port, __ATOMIC_SEQ_CST);
        fv->tail[q] = port;
        if ( !linked &&
             !(__atomic_fetch_or(&fv->cb->ready, 1U << q, __ATOMIC_SEQ_CST) &
               (1U << q)) )
            vcpu_mark_events_pending(v);
    }
    if ( !(w & W_PENDING) )
        evtchn_wake_pollers(d, port);
}

static void fifo_clear_pending(struct domain *d, unsigned int port,
                               struct evtchn *chn)
{
    event_word_t *word = word_of(d, port);

    chn->fifo_pending = false;
    /* A linked word stays queued; the guest skips and unlinks it. */
    if ( word )
        word_and(word, ~W_PENDING);
}

static void fifo_unmask(struct domain *d, unsigned int port,
                        struct evtchn *chn)
{
    event_word_t *word = word_of(d, port);
    struct vcpu *v;

    if ( !word )
        return;
    if ( (word_and(word, ~W_MASKED) & W_PENDING) &&
         (v = domain_vcpu(d, __atomic_load_n(&chn->notify_vcpu,
                                             __ATOMIC_RELAXED))) != NULL )
        fifo_set_pending(v, port, chn);
}

static void fifo_mask(struct domain *d, unsigned int port)
{
    event_word_t *word = word_of(d, port);

    if ( word )
        word_or(word, W_MASKED);
}

static bool fifo_is_pending(const struct domain *d, unsigned int port)
{
    const event_word_t *word = word_of(d, port);

    return word && (word_read(word) & W_PENDING);
}

static bool fifo_is_masked(const struct domain *d, unsigned int port)
{
    const event_word_t *word = word_of(d, port);

    return !word || (word_read(word) & W_MASKED);
}

static bool fifo_is_busy(const struct domain *d, unsigned int port)
{
    const event_word_t *word = word_of(d, port);

    return word && (word_read(word) & W_LINKED);
}

/*
 * Only events raised from now on use the new queue: one already linked
 * stays where it is until the guest consumes it.
 */
static int fifo_set_priority(struct domain *d, struct evtchn *chn,
                             unsigned int priority)
{
    if ( priority > EVTCHN_FIFO_PRIORITY_MIN )
        return -EINVAL;
    chn->priority = priority;
    return 0;
}

const struct evtchn_port_ops evtchn_ops_fifo = {
    .nr_ports = EVTCHN_FIFO_NR_CHANNELS,
    .set_pending = fifo_set_pending,
    .clear_pending = fifo_clear_pending,
    .unmask = fifo_unmask,
    .mask = fifo_mask,
    .is_pending = fifo_is_pending,
    .is_masked = fifo_is_masked,
    .is_busy = fifo_is_busy,
    .set_priority = fifo_set_priority,
};

/*
 * A frame of d's that we will write for as long as it stays registered:
 * the writable type reference keeps it d's and stops it from becoming a
 * page table (whose entries our writes would forge), even if the guest
 * gives it back meanwhile.  For a PV guest the frame number is the gfn.
 */
static void *take_guest_page(struct domain *d, uint64_t gfn)
{
    struct page_info *pg;

    if ( gfn > ~0UL || !mfn_valid(_mfn(gfn)) )
        return NULL;
    pg = mfn_to_page(_mfn(gfn));
    if ( get_page_and_type(pg, d, PGT_writable_page) )
        return NULL;
    return page_to_virt(pg);
}

static void put_guest_page(const void *va)
{
    if ( va )
        put_page_and_type(virt_to_page(va));
}

/*
 * The switch from 2-level: ports pending in the bitmap are raised again
 * once their word exists (the guest gives array pages after this), and
 * every port starts at the default priority.  Both locks held.
 */
static void carry_over_ports(struct domain *d)
{
    struct evtchn_port_state *st = d->evtchn;
    unsigned int port;

    for ( port = 1; port < st->nr_valid; port++ )
    {
        struct evtchn *chn = evtchn_port_chn(d, port);

        chn->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
        chn->last_priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
        chn->last_vcpu = 0;
        chn->fifo_pending = st->ops->is_pending(d, port);
    }
}

/*
 * Why init_control would fail for op->vcpu as d stands: d->event_lock
 * held.  Asked again once the page is taken, which must happen with
 * interrupts on (dropping a reference may free the frame, and that
 * flushes TLBs on every CPU).
 */
static int control_refused(const struct domain *d, unsigned int vcpu)
{
    const struct evtchn_port_state *st = d->evtchn;

    if ( !st || st->dying )
        return -EINVAL;
    /* Once per vCPU, as in Xen. */
    return st->fifo && st->fifo->vcpu[vcpu].cb ? -EINVAL : 0;
}

int evtchn_fifo_init_control(struct domain *d, struct evtchn_init_control *op)
{
    struct evtchn_port_state *st;
    struct evtchn_fifo *f, *fresh;
    unsigned long flags;
    void *page;
    int rc;

    op->link_bits = EVTCHN_FIFO_LINK_BITS;
    if ( !domain_vcpu(d, op->vcpu) )
        return -ENOENT;
    /* Whole inside the page, and aligned for the atomic accesses. */
    if ( op->offset > PAGE_SIZE - sizeof(struct evtchn_fifo_control_block) ||
         (op->offset & 7) )
        return -EINVAL;

    spin_lock_irqsave(&d->event_lock, flags);
    rc = control_refused(d, op->vcpu);
    spin_unlock_irqrestore(&d->event_lock, flags);
    if ( rc )
        return rc;
    if ( !(page = take_guest_page(d, op->control_gfn)) )
        return -EINVAL;
    /* Needed only if d has not switched yet; cheap to give back. */
    fresh = _xzalloc(sizeof(struct evtchn_fifo) +
                         d->max_vcpus * sizeof(struct fifo_vcpu),
                     __alignof__(struct evtchn_fifo));

    spin_lock_irqsave(&d->event_lock, flags);
    st = d->evtchn;
    if ( !(rc = control_refused(d, op->vcpu)) )
    {
        if ( !(f = st->fifo) && !(f = fresh) )
            rc = -ENOMEM;
    }
    if ( !rc )
    {
        spin_lock(&st->delivery_lock);
        f->vcpu[op->vcpu].cb = (void *)((uint8_t *)page + op->offset);
        if ( f == fresh )
        {
            f->nr_vcpus = d->max_vcpus;
            carry_over_ports(d);
            st->fifo = f;
            st->ops = &evtchn_ops_fifo;
            fresh = NULL;
        }
        spin_unlock(&st->delivery_lock);
        page = NULL;
    }
    spin_unlock_irqrestore(&d->event_lock, flags);
    put_guest_page(page);
    xfree(fresh);
    return rc;
}

/* As control_refused(), for expand_array. */
static int array_refused(const struct domain *d)
{
    const struct evtchn_port_state *st = d->evtchn;

    if ( !st || !st->fifo )
        return -EOPNOTSUPP;
    return st->fifo->nr_pages == MAX_ARRAY_PAGES ? -ENOSPC : 0;
}

int evtchn_fifo_expand_array(struct domain *d, uint64_t gfn)
{
    struct evtchn_port_state *st;
    struct evtchn_fifo *f;
    unsigned long flags;
    unsigned int port, end;
    event_word_t *page;
    int rc;

    spin_lock_irqsave(&d->event_lock, flags);
    rc = array_refused(d);
    spin_unlock_irqrestore(&d->event_lock, flags);
    if ( rc )
        return rc;
    if ( !(page = take_guest_page(d, gfn)) )
        return -EINVAL;

    spin_lock_irqsave(&d->event_lock, flags);
    if ( (rc = array_refused(d)) )
    {
        spin_unlock_irqrestore(&d->event_lock, flags);
        put_guest_page(page);
        return rc;
    }
    st = d->evtchn;
    f = st->fifo;
    spin_lock(&st->delivery_lock);
    port = f->nr_pages * WORDS_PER_PAGE;
    f->array[f->nr_pages++] = page;
    /* Events raised while these ports had no word are delivered now. */
    end = min(port + (unsigned int)WORDS_PER_PAGE, st->nr_valid);
    for ( ; port < end; port++ )
    {
        struct evtchn *chn = evtchn_port_chn(d, port);
        struct vcpu *v;

        if ( !chn->fifo_pending )
            continue;
        chn->fifo_pending = false;
        v = domain_vcpu(d,
                        __atomic_load_n(&chn->notify_vcpu, __ATOMIC_RELAXED));
        if ( v )
            fifo_set_pending(v, port, chn);
    }
    spin_unlock(&st->delivery_lock);
    spin_unlock_irqrestore(&d->event_lock, flags);
    return 0;
}

void evtchn_fifo_destroy(struct domain *d)
{
    struct evtchn_port_state *st;
    struct evtchn_fifo *f;
    unsigned long flags;
    unsigned int i;

    spin_lock_irqsave(&d->event_lock, flags);
    if ( !(st = d->evtchn) )
    {
        spin_unlock_irqrestore(&d->event_lock, flags);
        return;
    }
    spin_lock(&st->delivery_lock);
    f = st->fifo;
    st->fifo = NULL;
    st->ops = evtchn_2l_ops(d);
    spin_unlock(&st->delivery_lock);
    spin_unlock_irqrestore(&d->event_lock, flags);
    if ( !f )
        return;

    /* Nobody can reach f now: its pages go back to the guest. */
    for ( i = 0; i < f->nr_pages; i++ )
        put_guest_page(f->array[i]);
    for ( i = 0; i < f->nr_vcpus; i++ )
        put_guest_page(f->vcpu[i].cb);
    xfree(f);
}

/*
 * How many ports the guest's queue from head reaches, following LINK: the
 * guest writes the links, so a loop or a link out of the array ends the
 * walk (reported as -1) rather than the hypervisor.
 */
static int queue_length(const struct domain *d, uint32_t head)
{
    const struct evtchn_fifo *f = fifo_of(d);
    unsigned int n, limit = f->nr_pages * WORDS_PER_PAGE;
    uint32_t port = head;

    for ( n = 0; port; n++ )
    {
        const event_word_t *word = word_of(d, port);

        if ( !word || n == limit )
            return -1;
        port = word_read(word) & EVTCHN_FIFO_LINK_MASK;
    }
    return n;
}

void evtchn_fifo_dump(const struct domain *d)
{
    const struct evtchn_fifo *f = fifo_of(d);
    unsigned int i, q;

    printk("  FIFO ABI: %u array pages\n", f->nr_pages);
    for ( i = 0; i < f->nr_vcpus; i++ )
    {
        const struct fifo_vcpu *fv = &f->vcpu[i];

        if ( !fv->cb )
            continue;
        printk("  VCPU%u: ready=%04x", i,
               __atomic_load_n(&fv->cb->ready, __ATOMIC_RELAXED));
        for ( q = 0; q < EVTCHN_FIFO_MAX_QUEUES; q++ )
        {
            uint32_t head = __atomic_load_n(&fv->cb->head[q],
                                            __ATOMIC_RELAXED);

            if ( head || fv->tail[q] )
                printk(" q%u=%u..%u(%d)", q, head, fv->tail[q],
                       queue_length(d, head));
        }
        printk("\n");
    }
}

void evtchn_fifo_dump_port(const struct domain *d, unsigned int port)
{
    const event_word_t *word = word_of(d, port);

    if ( word )
        printk(" word=%08x", word_read(word));
    else
        printk(" word=none");
}
