/* SPDX-License-Identifier: GPL-2.0-only */
/* Event channels: ports, VIRQs, IPIs, interdomain; the 2-level ABI. */
#include <xen/bitops.h>
#include <xen/compat.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/xmalloc.h>
#include <asm/irq.h>
#include <xsm/xsm.h>
#include "event_internal.h"

#define PORTS_PER_WORD (sizeof(xen_ulong_t) * 8)

enum port_state {
    ECS_FREE,     /* zero, so a new bucket is all free */
    ECS_RESERVED, /* port 0: never handed out */
    ECS_UNBOUND,  /* waiting for u.unbound_remote to bind to it */
    ECS_INTERDOMAIN,
    ECS_VIRQ,
    ECS_IPI,
    ECS_PIRQ, /* a physical IRQ (asm/irq.h) */
};

struct evtchn *evtchn_port_chn(const struct domain *d, unsigned int port)
{
    const struct evtchn_port_state *st = __atomic_load_n(&d->evtchn,
                                                         __ATOMIC_ACQUIRE);

    if ( !st || port >= __atomic_load_n(&st->nr_valid, __ATOMIC_ACQUIRE) )
        return NULL;
    return &st->bucket[port / PORTS_PER_BUCKET][port % PORTS_PER_BUCKET];
}

static struct evtchn *port_chn(const struct domain *d, unsigned int port)
{
    return evtchn_port_chn(d, port);
}

/*
 * A DOMID_SELF-or-id argument, referenced (put_domain() it); NULL if
 * there is no such domain.
 */
static struct domain *find_domain(domid_t dom)
{
    int rc;

    return domain_lookup(dom, DOMAIN_LOOKUP_SELF, &rc);
}

/* The caller may act on d's ports: its own, or anyone's if privileged. */
static bool may_control(const struct domain *d)
{
    return !xsm_evtchn_control(current->domain, d);
}

/*
 * Per-vCPU VIRQs are bound on each vCPU and stay there; the rest are one
 * per domain, bound on vCPU 0 and movable with bind_vcpu.  On x86 every
 * architectural VIRQ is global.
 */
static bool virq_is_global(unsigned int virq)
{
    switch ( virq )
    {
    case VIRQ_TIMER:
    case VIRQ_DEBUG:
    case VIRQ_XENOPROF:
    case VIRQ_XENPMU:
        return false;
    }
    return true;
}

/*
 * Interdomain pairs are linked and unlinked only under pair_lock, taken
 * before any event lock.  A peer pointer read under one domain's lock
 * therefore stays linked, and its domain alive, while we take both locks
 * in address order; and since pair_lock serialises every path that holds
 * two event locks, no two CPUs ever wait on each other's.  It is global,
 * but only interdomain bind and close take it, and a ticket lock is fair,
 * so a guest hammering it slows those calls of others without starving
 * them.
 */
static DEFINE_SPINLOCK(pair_lock, pair);

static void lock_pair(struct domain *d, struct domain *peer,
                      unsigned long *flags)
{
    struct domain *first = (uintptr_t)d < (uintptr_t)peer ? d : peer;
    struct domain *second = first == d ? peer : d;

    spin_lock_irqsave(&first->event_lock, *flags);
    if ( second != first )
        spin_lock(&second->event_lock);
}

static void unlock_pair(struct domain *d, struct domain *peer,
                        unsigned long flags)
{
    if ( peer != d )
        spin_unlock(&peer->event_lock);
    spin_unlock_irqrestore(&d->event_lock, flags);
}

/* d's event lock held: the ABI's words stay put. */
static bool port_is_busy(const struct domain *d, unsigned int port)
{
    return d->evtchn->ops->is_busy && d->evtchn->ops->is_busy(d, port);
}

/*
 * The lowest free port of d, growing the table when every one is taken.
 * Under FIFO a freed port the guest still has on a queue is skipped until
 * the guest unlinks it.  The ABI in use bounds the ports as well as the
 * toolstack: the table may have grown under FIFO before a reset.
 */
static int get_free_port(struct domain *d)
{
    struct evtchn_port_state *st = d->evtchn;
    struct evtchn *bucket;
    unsigned int port, limit;

    if ( !st || st->dying )
        return -EINVAL;
    limit = min(st->max_port + 1, st->ops->nr_ports);
    for ( port = 1; port < min(st->nr_valid, limit); port++ )
        if ( port_chn(d, port)->state == ECS_FREE && !port_is_busy(d, port) )
            return port;
    if ( port >= limit )
        return -ENOSPC;
    bucket = xzalloc_array(struct evtchn, PORTS_PER_BUCKET);
    if ( !bucket )
        return -ENOMEM;
    st->bucket[port / PORTS_PER_BUCKET] = bucket;
    /* Ports past the limit stay invalid even inside their bucket. */
    __atomic_store_n(&st->nr_valid,
                     min(port + PORTS_PER_BUCKET, st->max_port + 1),
                     __ATOMIC_RELEASE);
    return port;
}

static struct evtchn *claim_port(struct domain *d, unsigned int port,
                                 enum port_state state, unsigned int vcpu)
{
    struct evtchn *chn = port_chn(d, port);

    chn->state = state;
    __atomic_store_n(&chn->notify_vcpu, vcpu, __ATOMIC_RELAXED);
    chn->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
    d->evtchn->nr_active++;
    return chn;
}

static void free_port(struct domain *d, unsigned int port, struct evtchn *chn)
{
    struct evtchn_port_state *st = d->evtchn;

    /* Whoever gets this number next must not inherit an old event. */
    spin_lock(&st->delivery_lock);
    st->ops->clear_pending(d, port, chn);
    spin_unlock(&st->delivery_lock);
    chn->state = ECS_FREE;
    __atomic_store_n(&chn->notify_vcpu, 0, __ATOMIC_RELAXED);
    d->evtchn->nr_active--;
}

/*
 * Make port of d pending on the vCPU it notifies.  A domain still being
 * built may lack that vCPU; nobody can be waiting then.
 */
static void raise_port(struct domain *d, unsigned int port,
                       const struct evtchn *chn)
{
    struct vcpu *v = domain_vcpu(d, __atomic_load_n(&chn->notify_vcpu,
                                                    __ATOMIC_RELAXED));

    if ( v )
        evtchn_set_pending(v, port);
}

/*
 * With d's lock held, and for an interdomain port the peer's too: free the
 * port, leaving an interdomain peer unbound and bindable by d again.
 */
static int close_locked(struct domain *d, unsigned int port,
                        struct evtchn *chn)
{
    struct evtchn *peer;
    unsigned int i;

    switch ( chn->state )
    {
    case ECS_FREE:
    case ECS_RESERVED:
        return -EINVAL;

    case ECS_VIRQ:
        /* A global VIRQ's slot is vCPU 0's wherever bind_vcpu sent it. */
        for ( i = 0; i < d->max_vcpus; i++ )
        {
            struct vcpu *v = d->vcpu[i];

            if ( v && v->virq_to_evtchn[chn->u.virq] == port )
                v->virq_to_evtchn[chn->u.virq] = 0;
        }
        break;

    case ECS_PIRQ:
        pirq_unbind_port(d, chn->u.pirq);
        break;

    case ECS_INTERDOMAIN:
        peer = port_chn(chn->u.interdomain.dom, chn->u.interdomain.port);
        peer->state = ECS_UNBOUND;
        peer->u.unbound_remote = d->domain_id;
        break;
    }
    free_port(d, port, chn);
    return 0;
}

static int close_interdomain(struct domain *d, unsigned int port)
{
    struct domain *peer;
    struct evtchn *chn;
    unsigned long flags;
    int rc;

    spin_lock(&pair_lock);
    spin_lock_irqsave(&d->event_lock, flags);
    chn = port_chn(d, port);
    peer = chn && chn->state == ECS_INTERDOMAIN ? chn->u.interdomain.dom : d;
    spin_unlock_irqrestore(&d->event_lock, flags);

    /*
     * The port may have been closed before we got pair_lock, but it
     * cannot be linked or unlinked now that we hold it.
     */
    lock_pair(d, peer, &flags);
    chn = port_chn(d, port);
    rc = chn ? close_locked(d, port, chn) : -EINVAL;
    unlock_pair(d, peer, flags);
    spin_unlock(&pair_lock);
    return rc;
}

static int evtchn_close(struct domain *d, unsigned int port)
{
    struct evtchn *chn;
    unsigned long flags;
    int rc;

    spin_lock_irqsave(&d->event_lock, flags);
    chn = port_chn(d, port);
    if ( chn && chn->state == ECS_INTERDOMAIN )
    {
        spin_unlock_irqrestore(&d->event_lock, flags);
        return close_interdomain(d, port);
    }
    rc = chn ? close_locked(d, port, chn) : -EINVAL;
    spin_unlock_irqrestore(&d->event_lock, flags);
    return rc;
}

/*
 * Close every port of d but the reserved one; returns how many are open
 * afterwards (another vCPU of d may open ports meanwhile).
 */
static unsigned int close_all(struct domain *d)
{
    unsigned int port, left = 0;
    unsigned long flags;

    for ( port = 1; port_chn(d, port); port++ )
        evtchn_close(d, port);
    spin_lock_irqsave(&d->event_lock, flags);
    if ( d->evtchn )
        left = d->evtchn->nr_active - 1;
    spin_unlock_irqrestore(&d->event_lock, flags);
    return left;
}

/*
 * The OUT field could not be written back, so the caller never learnt the
 * port: close it again, so that a fault leaves nothing behind.  Only the
 * port's owner can close and reuse the number in this window (the caller
 * itself, or for dom0's alloc_unbound in another domain, that domain);
 * the reused port would then be the one closed.
 */
static long undo_bind(struct domain *d, unsigned int port)
{
    evtchn_close(d, port);
    return -EFAULT;
}

static long evtchn_alloc_unbound(struct domain *d,
                                 struct evtchn_alloc_unbound *alloc)
{
    struct evtchn *chn;
    unsigned long flags;
    int port;

    if ( !may_control(d) )
        return -EPERM;
    spin_lock_irqsave(&d->event_lock, flags);
    port = get_free_port(d);
    if ( port >= 0 )
    {
        chn = claim_port(d, port, ECS_UNBOUND, 0);
        /* The remote end need not exist yet: toolstacks rely on that. */
        chn->u.unbound_remote = alloc->remote_dom == DOMID_SELF
                                    ? current->domain->domain_id
                                    : alloc->remote_dom;
        alloc->port = port;
    }
    spin_unlock_irqrestore(&d->event_lock, flags);
    return port < 0 ? port : 0;
}

static long evtchn_bind_interdomain(struct domain *rd,
                                    struct evtchn_bind_interdomain *bind)
{
    struct domain *ld = current->domain;
    struct evtchn *lchn, *rchn = NULL;
    unsigned long flags;
    int port;

    spin_lock(&pair_lock);
    lock_pair(ld, rd, &flags);
    port = get_free_port(ld);
    if ( port >= 0 )
    {
        rchn = port_chn(rd, bind->remote_port);
        if ( !rchn || rchn->state != ECS_UNBOUND ||
             rchn->u.unbound_remote != ld->domain_id )
            port = -EINVAL;
    }
    if ( port >= 0 )
    {
        lchn = claim_port(ld, port, ECS_INTERDOMAIN, 0);
        lchn->u.interdomain.dom = rd;
        lchn->u.interdomain.port = bind->remote_port;
        rchn->state = ECS_INTERDOMAIN;
        rchn->u.interdomain.dom = ld;
        rchn->u.interdomain.port = port;
        /*
         * Whatever the peer sent while its port was unbound was dropped;
         * a spurious event is harmless where a lost one is not.
         */
        raise_port(ld, port, lchn);
        bind->local_port = port;
    }
    unlock_pair(ld, rd, flags);
    spin_unlock(&pair_lock);
    return port < 0 ? port : 0;
}

static long evtchn_bind_virq(struct evtchn_bind_virq *bind)
{
    struct domain *d = current->domain;
    struct evtchn *chn;
    struct vcpu *v;
    unsigned long flags;
    int port;

    if ( bind->virq >= NR_VIRQS ||
         (virq_is_global(bind->virq) && bind->vcpu != 0) )
        return -EINVAL;
    if ( !(v = domain_vcpu(d, bind->vcpu)) )
        return -ENOENT;
    spin_lock_irqsave(&d->event_lock, flags);
    port = v->virq_to_evtchn[bind->virq] ? -EEXIST : get_free_port(d);
    if ( port >= 0 )
    {
        chn = claim_port(d, port, ECS_VIRQ, bind->vcpu);
        chn->u.virq = bind->virq;
        v->virq_to_evtchn[bind->virq] = port;
        bind->port = port;
    }
    spin_unlock_irqrestore(&d->event_lock, flags);
    return port < 0 ? port : 0;
}

static long evtchn_bind_ipi(struct evtchn_bind_ipi *bind)
{
    struct domain *d = current->domain;
    unsigned long flags;
    int port;

    if ( !domain_vcpu(d, bind->vcpu) )
        return -ENOENT;
    spin_lock_irqsave(&d->event_lock, flags);
    port = get_free_port(d);
    if ( port >= 0 )
    {
        claim_port(d, port, ECS_IPI, bind->vcpu);
        bind->port = port;
    }
    spin_unlock_irqrestore(&d->event_lock, flags);
    return port < 0 ? port : 0;
}

/*
 * Xen's order: the PIRQ's number and mapping are checked before a port is
 * taken; the interrupt goes to vCPU 0 until bind_vcpu moves it.
 */
static long evtchn_bind_pirq(struct evtchn_bind_pirq *bind)
{
    struct domain *d = current->domain;
    struct vcpu *v0 = domain_vcpu(d, 0);
    struct evtchn *chn;
    unsigned long flags;
    int port, rc;

    if ( !v0 )
        return -ENOENT;
    spin_lock_irqsave(&d->event_lock, flags);
    port = pirq_bind_check(d, bind->pirq);
    if ( !port )
        port = get_free_port(d);
    if ( port >= 0 )
    {
        chn = claim_port(d, port, ECS_PIRQ, 0);
        chn->u.pirq = bind->pirq;
        rc = pirq_bind_port(d, bind->pirq, port, v0,
                            bind->flags & BIND_PIRQ__WILL_SHARE);
        if ( rc )
        {
            free_port(d, port, chn);
            port = rc;
        }
        else
            bind->port = port;
    }
    spin_unlock_irqrestore(&d->event_lock, flags);
    return port < 0 ? port : 0;
}

unsigned int evtchn_notify_vcpu(const struct domain *d, unsigned int port)
{
    const struct evtchn *chn = port_chn(d, port);

    return chn ? __atomic_load_n(&chn->notify_vcpu, __ATOMIC_RELAXED) : 0;
}

void evtchn_send_pirq(struct domain *d, unsigned int port, bool mask)
{
    struct evtchn_port_state *st = d->evtchn;
    struct evtchn *chn = port_chn(d, port);
    struct vcpu *v;
    unsigned long flags;

    if ( !chn )
        return;
    v = domain_vcpu(d, __atomic_load_n(&chn->notify_vcpu, __ATOMIC_RELAXED));
    spin_lock_irqsave(&st->delivery_lock, flags);
    if ( mask )
        st->ops->mask(d, port);
    if ( v )
        st->ops->set_pending(v, port, chn);
    spin_unlock_irqrestore(&st->delivery_lock, flags);
}

static long evtchn_send(unsigned int port)
{
    struct domain *d = current->domain, *rd;
    struct evtchn *chn;
    unsigned long flags;
    long rc = 0;

    spin_lock_irqsave(&d->event_lock, flags);
    chn = port_chn(d, port);
    switch ( chn ? chn->state : ECS_FREE )
    {
    case ECS_INTERDOMAIN:
        /*
         * The peer's port cannot be unlinked while we hold our lock, so
         * its slot is stable; only its notify vCPU may change under us.
         */
        rd = chn->u.interdomain.dom;
        raise_port(rd, chn->u.interdomain.port,
                   port_chn(rd, chn->u.interdomain.port));
        break;
    case ECS_IPI:
        raise_port(d, port, chn);
        break;
    case ECS_UNBOUND:
        /* Nobody is listening yet: the event is dropped. */
        break;
    default:
        rc = -EINVAL;
    }
    spin_unlock_irqrestore(&d->event_lock, flags);
    return rc;
}

static long evtchn_status(struct domain *d, struct evtchn_status *status)
{
    const struct evtchn *chn;
    unsigned long flags;
    long rc = 0;

    spin_lock_irqsave(&d->event_lock, flags);
    if ( !(chn = port_chn(d, status->port)) )
        rc = -EINVAL;
    else if ( !may_control(d) )
        rc = -EPERM;
    else
    {
        switch ( chn->state )
        {
        case ECS_FREE:
        case ECS_RESERVED:
            status->status = EVTCHNSTAT_closed;
            break;
        case ECS_UNBOUND:
            status->status = EVTCHNSTAT_unbound;
            status->u.unbound.dom = chn->u.unbound_remote;
            break;
        case ECS_INTERDOMAIN:
            status->status = EVTCHNSTAT_interdomain;
            status->u.interdomain.dom = chn->u.interdomain.dom->domain_id;
            status->u.interdomain.port = chn->u.interdomain.port;
            break;
        case ECS_VIRQ:
            status->status = EVTCHNSTAT_virq;
            status->u.virq = chn->u.virq;
            break;
        case ECS_IPI:
            status->status = EVTCHNSTAT_ipi;
            break;
        case ECS_PIRQ:
            status->status = EVTCHNSTAT_pirq;
            status->u.pirq = chn->u.pirq;
            break;
        }
        status->vcpu = chn->notify_vcpu;
    }
    spin_unlock_irqrestore(&d->event_lock, flags);
    return rc;
}

static long evtchn_bind_vcpu(const struct evtchn_bind_vcpu *bind)
{
    struct domain *d = current->domain;
    struct evtchn *chn;
    unsigned long flags;
    long rc = -EINVAL;

    if ( !domain_vcpu(d, bind->vcpu) )
        return -ENOENT;
    spin_lock_irqsave(&d->event_lock, flags);
    chn = port_chn(d, bind->port);
    /*
     * IPIs and per-vCPU VIRQs name their vCPU in what they mean; the
     * others only say where to deliver.
     */
    switch ( chn ? chn->state : ECS_FREE )
    {
    case ECS_VIRQ:
        if ( !virq_is_global(chn->u.virq) )
            break;
        /* fall through */
    case ECS_UNBOUND:
    case ECS_INTERDOMAIN:
        __atomic_store_n(&chn->notify_vcpu, bind->vcpu, __ATOMIC_RELAXED);
        rc = 0;
        break;
    case ECS_PIRQ:
        /* The interrupt itself follows, to where the vCPU runs now. */
        __atomic_store_n(&chn->notify_vcpu, bind->vcpu, __ATOMIC_RELAXED);
        pirq_set_vcpu(d, chn->u.pirq, domain_vcpu(d, bind->vcpu));
        rc = 0;
        break;
    }
    spin_unlock_irqrestore(&d->event_lock, flags);
    return rc;
}

/*
 * EVTCHNOP_unmask and EVTCHNOP_set_priority: the ABI's hook on one of the
 * caller's valid ports.  Priorities exist only under FIFO; as in Xen any
 * valid port takes one, bound or not (binding resets it to the default).
 */
static long port_hook(struct domain *d, int cmd, unsigned int port,
                      unsigned int priority)
{
    const struct evtchn_port_ops *ops;
    struct evtchn *chn;
    unsigned long flags;
    long rc = 0;

    spin_lock_irqsave(&d->event_lock, flags);
    if ( !(chn = port_chn(d, port)) )
        rc = -EINVAL;
    else
    {
        spin_lock(&d->evtchn->delivery_lock);
        ops = d->evtchn->ops;
        if ( cmd == EVTCHNOP_unmask )
            ops->unmask(d, port, chn);
        else
            rc = ops->set_priority ? ops->set_priority(d, chn, priority)
                                   : -ENOSYS;
        spin_unlock(&d->evtchn->delivery_lock);
    }
    spin_unlock_irqrestore(&d->event_lock, flags);
    return rc;
}

long evtchn_unmask_port(struct domain *d, unsigned int port)
{
    return port_hook(d, EVTCHNOP_unmask, port, 0);
}

static long evtchn_reset(struct domain *d)
{
    if ( !may_control(d) )
        return -EPERM;
    /* Another domain's ports change under it only while it is paused. */
    if ( d != current->domain &&
         !__atomic_load_n(&d->pause_count, __ATOMIC_ACQUIRE) )
        return -EINVAL;
    if ( close_all(d) )
        return -EAGAIN;
    /* As in Xen, a reset domain starts again from the 2-level ABI. */
    evtchn_fifo_destroy(d);
    return 0;
}

/*
 * Each case copies its argument in first, so a bad pointer fails with
 * -EFAULT before anything changes; the sub-ops we lack copy it too, to
 * answer a bad pointer as Xen does.
 */
long do_event_channel_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *d;
    long rc;

    switch ( cmd )
    {
    case EVTCHNOP_alloc_unbound:
    {
        struct evtchn_alloc_unbound op;

        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        if ( !(d = find_domain(op.dom)) )
            return -ESRCH;
        rc = evtchn_alloc_unbound(d, &op);
        if ( !rc && copy_to_guest(arg, &op, 1) )
            rc = undo_bind(d, op.port);
        put_domain(d);
        return rc;
    }

    case EVTCHNOP_bind_interdomain:
    {
        struct evtchn_bind_interdomain op;

        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        if ( !(d = find_domain(op.remote_dom)) )
            return -ESRCH;
        rc = evtchn_bind_interdomain(d, &op);
        put_domain(d);
        if ( !rc && copy_to_guest(arg, &op, 1) )
            rc = undo_bind(current->domain, op.local_port);
        return rc;
    }

    case EVTCHNOP_bind_virq:
    {
        struct evtchn_bind_virq op;

        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        rc = evtchn_bind_virq(&op);
        if ( !rc && copy_to_guest(arg, &op, 1) )
            rc = undo_bind(current->domain, op.port);
        return rc;
    }

    case EVTCHNOP_bind_ipi:
    {
        struct evtchn_bind_ipi op;

        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        rc = evtchn_bind_ipi(&op);
        if ( !rc && copy_to_guest(arg, &op, 1) )
            rc = undo_bind(current->domain, op.port);
        return rc;
    }

    case EVTCHNOP_bind_pirq:
    {
        struct evtchn_bind_pirq op;

        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        rc = evtchn_bind_pirq(&op);
        if ( !rc && copy_to_guest(arg, &op, 1) )
            rc = undo_bind(current->domain, op.port);
        return rc;
    }

    case EVTCHNOP_close:
    {
        struct evtchn_close op;

        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        return evtchn_close(current->domain, op.port);
    }

    case EVTCHNOP_send:
    {
        struct evtchn_send op;

        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        return evtchn_send(op.port);
    }

    case EVTCHNOP_status:
    {
        struct evtchn_status op;

        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        if ( !(d = find_domain(op.dom)) )
            return -ESRCH;
        rc = evtchn_status(d, &op);
        put_domain(d);
        if ( !rc && copy_to_guest(arg, &op, 1) )
            rc = -EFAULT;
        return rc;
    }

    case EVTCHNOP_bind_vcpu:
    {
        struct evtchn_bind_vcpu op;

        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        return evtchn_bind_vcpu(&op);
    }

    case EVTCHNOP_unmask:
    {
        struct evtchn_unmask op;

        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        return evtchn_unmask_port(current->domain, op.port);
    }

    case EVTCHNOP_reset:
    {
        struct evtchn_reset op;

        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        if ( !(d = find_domain(op.dom)) )
            return -ESRCH;
        rc = evtchn_reset(d);
        put_domain(d);
        return rc;
    }

    case EVTCHNOP_init_control:
    {
        struct evtchn_init_control op;

        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        rc = evtchn_fifo_init_control(current->domain, &op);
        /*
         * Only link_bits goes back, and it is no promise: a guest that
         * faults here has switched all the same, as in Xen.
         */
        if ( !rc && copy_to_guest(arg, &op, 1) )
            rc = -EFAULT;
        return rc;
    }

    case EVTCHNOP_expand_array:
    {
        struct evtchn_expand_array op;

        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        return evtchn_fifo_expand_array(current->domain, op.array_gfn);
    }

    case EVTCHNOP_set_priority:
    {
        struct evtchn_set_priority op;

        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        return port_hook(current->domain, EVTCHNOP_set_priority, op.port,
                         op.priority);
    }
    }
    return -ENOSYS;
}

/*
 * Polls are mostly of masked ports, so pollers are woken whatever the
 * mask; a vCPU polling several ports (poll_evtchn 0) checks them all.
 */
void evtchn_wake_pollers(struct domain *d, unsigned int port)
{
    unsigned int i;

    for ( i = 0; i < d->max_vcpus; i++ )
    {
        struct vcpu *w = d->vcpu[i];
        unsigned int polled;

        if ( !w || !test_bit(_VPF_polling, &w->pause_flags) )
            continue;
        polled = READ_ONCE(w->poll_evtchn);
        if ( (polled == 0 || polled == port) &&
             test_and_clear_bit(_VPF_polling, &w->pause_flags) )
            vcpu_kick(w);
    }
}

/*
 * The 2-level ABI's words.  A 32-bit guest's shared_info (xen/compat.h)
 * has its pending bitmap at the same place with the same bit numbering
 * (x86 is little-endian), but the mask bitmap, the selector and the
 * number of ports differ.  Each operation is written once for both and
 * instantiated per width with a constant, so the 64-bit one carries no
 * test of the domain's kind: the per-domain ops pointer chooses.
 */
#define L2_INLINE static inline __attribute__((always_inline))

L2_INLINE unsigned int l2_nr_ports(bool compat)
{
    return compat ? COMPAT_EVTCHN_2L_NR_CHANNELS : EVTCHN_2L_NR_CHANNELS;
}

L2_INLINE void *l2_pending(const struct domain *d)
{
    return d->shared_info->evtchn_pending;
}

L2_INLINE void *l2_maskmap(const struct domain *d, bool compat)
{
    return compat ? ((struct compat_shared_info *)d->shared_info)->evtchn_mask
                  : (void *)d->shared_info->evtchn_mask;
}

/* The selector word of v, and port's bit in it. */
L2_INLINE void *l2_sel(const struct vcpu *v, bool compat)
{
    return compat ? (void *)&((struct compat_vcpu_info *)v->vcpu_info)
                        ->evtchn_pending_sel
                  : &v->vcpu_info->evtchn_pending_sel;
}

L2_INLINE unsigned int l2_sel_bit(unsigned int port, bool compat)
{
    return port / (compat ? COMPAT_PORTS_PER_WORD : PORTS_PER_WORD);
}

/*
 * Ports beyond the bitmaps (a domain reset back from FIFO may still have
 * valid ones) have no bits: never pending, always masked.
 *
 * The guest's protocol: it clears upcall_pending, then takes the selector
 * word with an atomic exchange, then clears pending bits it handles.
 * Setting them in the opposite order, each with a locked (hence fully
 * ordered) operation, means it can never see a selector bit without the
 * port bit behind it, nor miss a port whose upcall was already due.
 */
L2_INLINE void l2_do_set_pending(struct vcpu *v, unsigned int port,
                                 bool compat)
{
    struct domain *d = v->domain;

    /* Already pending: the guest has yet to see the earlier event. */
    if ( port >= l2_nr_ports(compat) || test_and_set_bit(port, l2_pending(d)) )
        return;
    if ( !test_bit(port, l2_maskmap(d, compat)) &&
         !test_and_set_bit(l2_sel_bit(port, compat), l2_sel(v, compat)) )
        vcpu_mark_events_pending(v);
    evtchn_wake_pollers(d, port);
}

L2_INLINE void l2_do_clear_pending(struct domain *d, unsigned int port,
                                   bool compat)
{
    if ( port < l2_nr_ports(compat) )
        clear_bit(port, l2_pending(d));
}

/*
 * Only a port that was masked can have had its upcall held back; the
 * selector and upcall bits follow the same order as a new event's.
 */
L2_INLINE void l2_do_unmask(struct domain *d, unsigned int port,
                            struct evtchn *chn, bool compat)
{
    struct vcpu *v;

    if ( port < l2_nr_ports(compat) &&
         test_and_clear_bit(port, l2_maskmap(d, compat)) &&
         test_bit(port, l2_pending(d)) &&
         (v = domain_vcpu(d, chn->notify_vcpu)) != NULL &&
         !test_and_set_bit(l2_sel_bit(port, compat), l2_sel(v, compat)) )
        vcpu_mark_events_pending(v);
}

L2_INLINE void l2_do_mask(struct domain *d, unsigned int port, bool compat)
{
    if ( port < l2_nr_ports(compat) )
        set_bit(port, l2_maskmap(d, compat));
}

L2_INLINE bool l2_do_is_pending(const struct domain *d, unsigned int port,
                                bool compat)
{
    return port < l2_nr_ports(compat) && test_bit(port, l2_pending(d));
}

L2_INLINE bool l2_do_is_masked(const struct domain *d, unsigned int port,
                               bool compat)
{
    return port >= l2_nr_ports(compat) ||
           test_bit(port, l2_maskmap(d, compat));
}

/* One ops table per width, name##_64 and name##_32. */
#define L2_OPS(width, compat)                                                 \
    static void l2_set_pending_##width(struct vcpu *v, unsigned int port,     \
                                       struct evtchn *chn)                    \
    {                                                                         \
        l2_do_set_pending(v, port, compat);                                   \
    }                                                                         \
    static void l2_clear_pending_##width(struct domain *d, unsigned int port, \
                                         struct evtchn *chn)                  \
    {                                                                         \
        l2_do_clear_pending(d, port, compat);                                 \
    }                                                                         \
    static void l2_unmask_##width(struct domain *d, unsigned int port,        \
                                  struct evtchn *chn)                         \
    {                                                                         \
        l2_do_unmask(d, port, chn, compat);                                   \
    }                                                                         \
    static void l2_mask_##width(struct domain *d, unsigned int port)          \
    {                                                                         \
        l2_do_mask(d, port, compat);                                          \
    }                                                                         \
    static bool l2_is_pending_##width(const struct domain *d,                 \
                                      unsigned int port)                      \
    {                                                                         \
        return l2_do_is_pending(d, port, compat);                             \
    }                                                                         \
    static bool l2_is_masked_##width(const struct domain *d,                  \
                                     unsigned int port)                       \
    {                                                                         \
        return l2_do_is_masked(d, port, compat);                              \
    }

L2_OPS(64, false)
L2_OPS(32, true)

const struct evtchn_port_ops evtchn_ops_2l = {
    .nr_ports = EVTCHN_2L_NR_CHANNELS,
    .set_pending = l2_set_pending_64,
    .clear_pending = l2_clear_pending_64,
    .unmask = l2_unmask_64,
    .mask = l2_mask_64,
    .is_pending = l2_is_pending_64,
    .is_masked = l2_is_masked_64,
};

const struct evtchn_port_ops evtchn_ops_2l_compat = {
    .nr_ports = COMPAT_EVTCHN_2L_NR_CHANNELS,
    .set_pending = l2_set_pending_32,
    .clear_pending = l2_clear_pending_32,
    .unmask = l2_unmask_32,
    .mask = l2_mask_32,
    .is_pending = l2_is_pending_32,
    .is_masked = l2_is_masked_32,
};

const struct evtchn_port_ops *evtchn_2l_ops(const struct domain *d)
{
    return has_32bit_shinfo(d) ? &evtchn_ops_2l_compat : &evtchn_ops_2l;
}

/*
 * Before the domain has memory or a running vCPU (pv_switch_compat()), so
 * no guest has seen either layout; FIFO needs guest pages, so it is the
 * 2-level ABI that changes width.
 */
void evtchn_switch_compat(struct domain *d)
{
    struct evtchn_port_state *st = d->evtchn;
    unsigned long flags;

    if ( !st )
        return;
    spin_lock_irqsave(&st->delivery_lock, flags);
    if ( !st->fifo )
        st->ops = evtchn_2l_ops(d);
    spin_unlock_irqrestore(&st->delivery_lock, flags);
}

void evtchn_set_pending(struct vcpu *v, unsigned int port)
{
    struct domain *d = v->domain;
    struct evtchn_port_state *st = d->evtchn;
    struct evtchn *chn = port_chn(d, port);
    unsigned long flags;

    ASSERT(chn);
    spin_lock_irqsave(&st->delivery_lock, flags);
    st->ops->set_pending(v, port, chn);
    spin_unlock_irqrestore(&st->delivery_lock, flags);
}

void vcpu_mark_events_pending(struct vcpu *v)
{
    if ( !__atomic_exchange_n(&v->vcpu_info->evtchn_upcall_pending, 1,
                              __ATOMIC_SEQ_CST) )
        vcpu_kick(v);
}

void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq)
{
    struct domain *d = v->domain;
    unsigned long flags;
    unsigned int port;

    ASSERT(virq < NR_VIRQS && !virq_is_global(virq));
    spin_lock_irqsave(&d->event_lock, flags);
    port = v->virq_to_evtchn[virq];
    if ( port )
        evtchn_set_pending(v, port);
    spin_unlock_irqrestore(&d->event_lock, flags);
}

void send_guest_global_virq(struct domain *d, unsigned int virq)
{
    struct vcpu *v0 = domain_vcpu(d, 0);
    unsigned long flags;
    unsigned int port;

    ASSERT(virq < NR_VIRQS && virq_is_global(virq));
    if ( !v0 )
        return;
    spin_lock_irqsave(&d->event_lock, flags);
    port = v0->virq_to_evtchn[virq];
    if ( port )
        raise_port(d, port, port_chn(d, port));
    spin_unlock_irqrestore(&d->event_lock, flags);
}

bool local_events_need_delivery(const struct vcpu *v)
{
    const struct vcpu_info *vi = v->vcpu_info;

    return READ_ONCE(vi->evtchn_upcall_pending) &&
           !READ_ONCE(vi->evtchn_upcall_mask);
}

bool evtchn_port_is_valid(const struct domain *d, unsigned int port)
{
    return port_chn(d, port) != NULL;
}

bool evtchn_port_pending(const struct domain *d, unsigned int port)
{
    struct evtchn_port_state *st = __atomic_load_n(&d->evtchn,
                                                   __ATOMIC_ACQUIRE);
    unsigned long flags;
    bool pending;

    if ( !evtchn_port_is_valid(d, port) )
        return false;
    /* Another vCPU may be switching ABI, and FIFO pages may go. */
    spin_lock_irqsave(&st->delivery_lock, flags);
    pending = st->ops->is_pending(d, port);
    spin_unlock_irqrestore(&st->delivery_lock, flags);
    return pending;
}

static void dump_timer_left(const char *name, const struct timer *t,
                            s_time_t now)
{
    if ( timer_is_active(t) )
        printk(" %s=%+ldus@CPU%u", name, (long)(t->expires - now) / 1000,
               t->cpu);
    else
        printk(" %s=off", name);
}

static const char *const port_state_name[] = {
    [ECS_FREE] = "free",       [ECS_RESERVED] = "reserved",
    [ECS_UNBOUND] = "unbound", [ECS_INTERDOMAIN] = "interdomain",
    [ECS_VIRQ] = "virq",       [ECS_IPI] = "ipi",
    [ECS_PIRQ] = "pirq",
};

/*
 * Debug key 'e': everything that decides whether d's vCPUs get their
 * events, read without locks (a stuck CPU may hold them): per vCPU its
 * flags, upcall bits, selector and timers; then every port in use.  A
 * port pending and unmasked whose vCPU has neither its selector bit nor
 * an upcall pending is an event the guest will never see: marked "LOST".
 * Under FIFO the guest pages may go with a reset, so their state is shown
 * only if the delivery lock is free; then each port's event word and
 * every queue (its length, or -1 for a walk the guest made endless).
 */
void evtchn_dump_domain(const struct domain *d)
{
    struct evtchn_port_state *st = __atomic_load_n(&d->evtchn,
                                                   __ATOMIC_ACQUIRE);
    const struct shared_info *s = d->shared_info;
    s_time_t now = NOW();
    const struct evtchn_port_ops *ops = evtchn_2l_ops(d);
    unsigned long irqf;
    bool locked, fifo = false;

    printk("Domain %u event channels (%u ports in use):\n", d->domain_id,
           st ? st->nr_active - 1 : 0);
    for ( unsigned int i = 0; i < d->max_vcpus; i++ )
    {
        const struct vcpu *v = d->vcpu[i];
        const struct vcpu_info *vi;
        unsigned long flags, sel;

        if ( !v )
            continue;
        vi = v->vcpu_info;
        sel = has_32bit_shinfo(d)
                  ? ((const struct compat_vcpu_info *)vi)->evtchn_pending_sel
                  : vi->evtchn_pending_sel;
        flags = ACCESS_ONCE(v->pause_flags);
        printk("  VCPU%u: CPU%u %s flags=%lx%s%s%s pause=%d "
               "upcall_pend=%u upcall_mask=%u sel=%016lx%s\n",
               v->vcpu_id, v->processor,
               v->is_running ? "running" : "not-running", flags,
               flags & VPF_blocked ? " blocked" : "",
               flags & VPF_polling ? " polling" : "",
               flags & VPF_down ? " down" : "", v->pause_count,
               vi->evtchn_upcall_pending, vi->evtchn_upcall_mask, sel,
               vi == &s->vcpu_info[v->vcpu_id] ? "" : " (registered)");
        printk("        poll_evtchn=%u", v->poll_evtchn);
        dump_timer_left("singleshot", &v->singleshot_timer, now);
        dump_timer_left("periodic", &v->periodic_timer, now);
        dump_timer_left("poll", &v->poll_timer, now);
        printk("\n");
    }
    if ( !st )
        return;
    local_irq_save(irqf);
    locked = spin_trylock(&st->delivery_lock);
    if ( !locked &&
         __atomic_load_n(&st->ops, __ATOMIC_ACQUIRE) != evtchn_2l_ops(d) )
    {
        local_irq_restore(irqf);
        printk("  FIFO ABI, its state locked\n");
        return;
    }
    if ( locked )
    {
        ops = st->ops;
        fifo = st->fifo != NULL;
    }
    if ( fifo )
        evtchn_fifo_dump(d);
    for ( unsigned int port = 1; port < st->nr_valid; port++ )
    {
        const struct evtchn *chn = port_chn(d, port);
        const struct vcpu *v;
        bool pending, masked, lost = false;

        if ( !chn || chn->state == ECS_FREE )
            continue;
        pending = ops->is_pending(d, port);
        masked = ops->is_masked(d, port);
        v = domain_vcpu(d, chn->notify_vcpu);
        if ( pending && !masked && v && !fifo )
        {
            bool compat = has_32bit_shinfo(d);

            lost = !test_bit(l2_sel_bit(port, compat), l2_sel(v, compat)) &&
                   !v->vcpu_info->evtchn_upcall_pending;
        }
        printk("    port %4u: %-11s vcpu=%u pending=%d masked=%d", port,
               port_state_name[chn->state], chn->notify_vcpu, pending, masked);
        if ( chn->state == ECS_VIRQ )
            printk(" virq=%u", chn->u.virq);
        else if ( chn->state == ECS_PIRQ )
            printk(" pirq=%u", chn->u.pirq);
        else if ( chn->state == ECS_INTERDOMAIN )
            printk(" remote=%u:%u", chn->u.interdomain.dom->domain_id,
                   chn->u.interdomain.port);
        else if ( chn->state == ECS_UNBOUND )
            printk(" remote=%u", chn->u.unbound_remote);
        if ( fifo )
            evtchn_fifo_dump_port(d, port);
        printk("%s\n", lost ? " LOST" : "");
    }
    if ( locked )
        spin_unlock(&st->delivery_lock);
    local_irq_restore(irqf);
}

int evtchn_init(struct domain *d)
{
    struct evtchn_port_state *st = xzalloc(struct evtchn_port_state);

    if ( !st )
        return -ENOMEM;
    st->bucket[0] = xzalloc_array(struct evtchn, PORTS_PER_BUCKET);
    if ( !st->bucket[0] )
    {
        xfree(st);
        return -ENOMEM;
    }
    st->bucket[0][0].state = ECS_RESERVED;
    spin_lock_init(&st->delivery_lock, delivery);
    st->ops = evtchn_2l_ops(d);
    st->nr_valid = PORTS_PER_BUCKET;
    st->max_port = MAX_PORTS - 1;
    st->nr_active = 1;
    d->evtchn = st;
    return 0;
}

void evtchn_set_max_port(struct domain *d, unsigned int max_port)
{
    struct evtchn_port_state *st = d->evtchn;

    ASSERT(st->nr_active == 1);
    st->max_port = min(max_port, MAX_PORTS - 1U);
    st->nr_valid = min(st->nr_valid, st->max_port + 1);
}

void evtchn_destroy(struct domain *d)
{
    struct evtchn_port_state *st;
    unsigned long flags;
    unsigned int i;

    spin_lock_irqsave(&d->event_lock, flags);
    if ( (st = d->evtchn) != NULL )
        st->dying = true;
    spin_unlock_irqrestore(&d->event_lock, flags);
    if ( !st )
        return;

    /*
     * With no new ports, a port once closed stays free: a peer can turn
     * one of ours back to unbound only while it is still linked.
     */
    close_all(d);
    evtchn_fifo_destroy(d);

    spin_lock_irqsave(&d->event_lock, flags);
    ASSERT(st->nr_active == 1);
    __atomic_store_n(&d->evtchn, NULL, __ATOMIC_RELEASE);
    spin_unlock_irqrestore(&d->event_lock, flags);
    for ( i = 0; i < NR_BUCKETS; i++ )
        xfree(st->bucket[i]);
    xfree(st);
}
