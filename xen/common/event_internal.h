/* SPDX-License-Identifier: GPL-2.0-only */
/* What the port table (event_channel.c) shares with the FIFO ABI. */
#ifndef COMMON_EVENT_INTERNAL_H
#define COMMON_EVENT_INTERNAL_H

#include <xen/sched.h>
#include <xen/spinlock.h>
#include <public/event_channel.h>

/* The table's capacity: what the FIFO ABI's 17-bit LINK can name. */
#define MAX_PORTS EVTCHN_FIFO_NR_CHANNELS

/*
 * The table grows a bucket at a time as ports are handed out, so a guest
 * using a handful of ports pays for a handful, and a full table is many
 * small allocations rather than one large one.
 */
#define PORTS_PER_BUCKET 64
#define NR_BUCKETS       (MAX_PORTS / PORTS_PER_BUCKET)

struct evtchn {
    uint8_t state; /* enum port_state (event_channel.c) */
    /* FIFO only, under the delivery lock: the queue new events join. */
    uint8_t priority;
    /* FIFO: the queue the port last joined, whose tail it may still be. */
    uint8_t last_priority;
    /*
     * FIFO: raised while no event word backed the port (before the guest
     * gave the array page, or carried over from the 2-level bitmap);
     * expand_array raises it again once the word exists.
     */
    bool fifo_pending;
    uint32_t last_vcpu;
    /*
     * The vCPU told about events on this port.  A sender in the peer
     * domain reads it holding only its own lock, hence atomic accesses.
     */
    uint32_t notify_vcpu;
    union {
        domid_t unbound_remote;
        struct {
            struct domain *dom;
            unsigned int port;
        } interdomain;
        unsigned int virq;
        unsigned int pirq;
    } u;
};

/*
 * How one ABI keeps pending and masked state.  Every hook is called with
 * st->delivery_lock held (interrupts off); port is valid.
 */
struct evtchn_port_ops {
    unsigned int nr_ports; /* ports the ABI can name */
    /* Make port pending on v and, unless masked, tell v. */
    void (*set_pending)(struct vcpu *v, unsigned int port, struct evtchn *chn);
    /* The port is being freed: its next user must not see an old event. */
    void (*clear_pending)(struct domain *d, unsigned int port,
                          struct evtchn *chn);
    /* EVTCHNOP_unmask: unmask and deliver an event held back. */
    void (*unmask)(struct domain *d, unsigned int port, struct evtchn *chn);
    /* Hold the port's next events back (a PIRQ under the v1 EOI map). */
    void (*mask)(struct domain *d, unsigned int port);
    bool (*is_pending)(const struct domain *d, unsigned int port);
    bool (*is_masked)(const struct domain *d, unsigned int port);
    /* Still on a guest queue: not to be handed out again yet. */
    bool (*is_busy)(const struct domain *d, unsigned int port);
    /* NULL where the ABI has no priorities. */
    int (*set_priority)(struct domain *d, struct evtchn *chn,
                        unsigned int priority);
};

struct evtchn_fifo;

struct evtchn_port_state {
    struct evtchn *bucket[NR_BUCKETS];
    /*
     * Ports below nr_valid have a bucket.  SCHEDOP_poll and peer senders
     * read it without d's lock, so it is published only after the bucket.
     */
    unsigned int nr_valid;
    /* The highest port the toolstack allows (createdomain's limit). */
    unsigned int max_port;
    unsigned int nr_active; /* ports not free, the reserved one too */
    bool dying;             /* evtchn_destroy() began: no new ports */
    /*
     * Senders of other domains raise our events holding only their own
     * event lock; the delivery lock (innermost, interrupts off) orders
     * them with each other and with the guest-memory state below.  ops
     * and fifo change only with both d->event_lock and it held, so either
     * lock keeps them (and the guest pages fifo names) stable.
     */
    spinlock_t delivery_lock;
    const struct evtchn_port_ops *ops;
    struct evtchn_fifo *fifo; /* NULL while the 2-level ABI is in use */
};

static inline struct vcpu *domain_vcpu(const struct domain *d, unsigned int id)
{
    return id < d->max_vcpus ? d->vcpu[id] : NULL;
}

extern const struct evtchn_port_ops evtchn_ops_2l;
/* The 2-level ABI at d's width: the 64-bit layout or a 32-bit guest's. */
const struct evtchn_port_ops *evtchn_2l_ops(const struct domain *d);
extern const struct evtchn_port_ops evtchn_ops_fifo;

/* The port's slot, or NULL if the guest may not name it.  Lock-free. */
struct evtchn *evtchn_port_chn(const struct domain *d, unsigned int port);

/* Wake vCPUs of d polling port (or polling several): it became pending. */
void evtchn_wake_pollers(struct domain *d, unsigned int port);

/*
 * EVTCHNOP_init_control for current->domain: registers op->vcpu's control
 * block, switching d to FIFO on the first one.  0, -ENOENT (no such vCPU),
 * -EINVAL (bad offset, frame not d's writable memory, vCPU already has
 * one), -ENOMEM.  Takes d->event_lock.
 */
int evtchn_fifo_init_control(struct domain *d, struct evtchn_init_control *op);

/*
 * EVTCHNOP_expand_array: one more page of event words.  0, -EOPNOTSUPP
 * (d is not using FIFO), -ENOSPC (the array is full), -EINVAL (bad frame).
 * Takes d->event_lock.
 */
int evtchn_fifo_expand_array(struct domain *d, uint64_t gfn);

/*
 * Back to the 2-level ABI, giving back every guest page FIFO held: at
 * EVTCHNOP_reset and at destruction, after the ports are closed.  Takes
 * d->event_lock; a no-op if d never switched.
 */
void evtchn_fifo_destroy(struct domain *d);

/* Debug key: d's queues and a port's event word.  Delivery lock held. */
void evtchn_fifo_dump(const struct domain *d);
void evtchn_fifo_dump_port(const struct domain *d, unsigned int port);

#endif /* COMMON_EVENT_INTERNAL_H */
