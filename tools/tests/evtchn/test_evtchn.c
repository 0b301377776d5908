/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for event channels: every sub-op, delivery bits, teardown. */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <xen/bitops.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/sched.h>
#include <xen/compat.h>
#include <asm/irq.h>
#include "check.h"
#include "domain_refs.h"

#define MAX_DOMS    8
#define MAX_VCPUS   4
#define NR_PORTS    4096

/* Guest memory windows where copies fail (include/asm/uaccess.h). */
extern uintptr_t harness_fault_lo, harness_fault_hi;
uintptr_t guest_ro_lo, guest_ro_hi;

/* ---- what the hypervisor around event_channel.c would provide ---- */

static struct domain *doms[MAX_DOMS];
static long live_allocs;
static unsigned int kicks[MAX_DOMS][MAX_VCPUS];
static bool fail_allocs;

struct domain *get_domain_by_id(domid_t id)
{
    unsigned int i;

    for ( i = 0; i < MAX_DOMS; i++ )
        if ( doms[i] && doms[i]->domain_id == id )
            return get_domain(doms[i]);
    return NULL;
}

void vcpu_kick(struct vcpu *v)
{
    __atomic_fetch_add(&kicks[v->domain->domain_id][v->vcpu_id], 1,
                       __ATOMIC_RELAXED);
    /* As the real one: an upcall ends a poll too. */
    __atomic_fetch_and(&v->pause_flags, ~(VPF_blocked | VPF_polling),
                       __ATOMIC_SEQ_CST);
}

/*
 * No frame exists here, so every FIFO registration fails (the FIFO ABI
 * has its own suite, tools/tests/evtchn_fifo).
 */
struct page_info *frame_table;
unsigned long max_page;

int get_page_and_type(struct page_info *pg, struct domain *d,
                      unsigned long type)
{
    BUG();
}

void put_page_and_type(struct page_info *pg)
{
    BUG();
}

/* The dump key reads the vCPUs' timers: none is ever armed here. */
s_time_t get_s_time(void)
{
    return 0;
}

bool timer_is_active(const struct timer *t)
{
    return t->status == TIMER_STATUS_in_heap ||
           t->status == TIMER_STATUS_in_list;
}

void *_xzalloc(size_t size, size_t align);
void *_xzalloc_array(size_t size, size_t align, size_t nr);
void xfree(void *p);

void *_xzalloc(size_t size, size_t align)
{
    void *p = fail_allocs ? NULL : calloc(1, size);

    if ( p )
        __atomic_fetch_add(&live_allocs, 1, __ATOMIC_RELAXED);
    return p;
}

void *_xzalloc_array(size_t size, size_t align, size_t nr)
{
    if ( nr && size > SIZE_MAX / nr )
        return NULL;
    return _xzalloc(size * nr, align);
}

void xfree(void *p)
{
    if ( p )
        __atomic_fetch_sub(&live_allocs, 1, __ATOMIC_RELAXED);
    free(p);
}

/* ---- fabricated domains ---- */

static struct domain *mkdom(domid_t id, unsigned int nr_vcpus, bool priv)
{
    struct domain *d = calloc(1, sizeof(*d));
    unsigned int i;

    d->domain_id = id;
    d->is_privileged = priv;
    d->max_vcpus = nr_vcpus;
    spin_lock_init(&d->event_lock, event);
    d->shared_info = aligned_alloc(4096, 4096);
    memset(d->shared_info, 0, 4096);
    d->vcpu = calloc(nr_vcpus, sizeof(*d->vcpu));
    for ( i = 0; i < nr_vcpus; i++ )
    {
        struct vcpu *v = calloc(1, sizeof(*v));

        v->vcpu_id = i;
        v->domain = d;
        v->vcpu_info = &d->shared_info->vcpu_info[i];
        d->vcpu[i] = v;
    }
    for ( i = 0; i < MAX_DOMS && doms[i]; i++ )
        ;
    doms[i] = d;
    memset(kicks[id], 0, sizeof(kicks[id]));
    if ( evtchn_init(d) )
        abort();
    return d;
}

static void rmdom(struct domain *d)
{
    unsigned int i;

    evtchn_destroy(d);
    for ( i = 0; i < MAX_DOMS; i++ )
        if ( doms[i] == d )
            doms[i] = NULL;
    for ( i = 0; i < d->max_vcpus; i++ )
        free(d->vcpu[i]);
    free(d->vcpu);
    free(d->shared_info);
    free(d);
}

static void as(struct vcpu *v)
{
    get_cpu_info()->current_vcpu = v;
}

/* ---- the hypercall, one helper per sub-op ---- */

static long op(int cmd, void *arg)
{
    return do_event_channel_op(cmd, (XEN_GUEST_HANDLE_PARAM(void)){ arg });
}

/* These return the new port, or the error. */
static long alloc_unbound(domid_t dom, domid_t remote)
{
    struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote };
    long rc = op(EVTCHNOP_alloc_unbound, &a);

    return rc ? rc : (long)a.port;
}

static long bind_inter(domid_t rdom, unsigned int rport)
{
    struct evtchn_bind_interdomain b = { .remote_dom = rdom,
                                         .remote_port = rport };
    long rc = op(EVTCHNOP_bind_interdomain, &b);

    return rc ? rc : (long)b.local_port;
}

static long bind_virq(unsigned int virq, unsigned int vcpu)
{
    struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu };
    long rc = op(EVTCHNOP_bind_virq, &b);

    return rc ? rc : (long)b.port;
}

static long bind_ipi(unsigned int vcpu)
{
    struct evtchn_bind_ipi b = { .vcpu = vcpu };
    long rc = op(EVTCHNOP_bind_ipi, &b);

    return rc ? rc : (long)b.port;
}

static long ev_close(unsigned int port)
{
    struct evtchn_close c = { .port = port };

    return op(EVTCHNOP_close, &c);
}

static long ev_send(unsigned int port)
{
    struct evtchn_send s = { .port = port };

    return op(EVTCHNOP_send, &s);
}

static long ev_status(domid_t dom, unsigned int port,
                      struct evtchn_status *st)
{
    memset(st, 0, sizeof(*st));
    st->dom = dom;
    st->port = port;
    return op(EVTCHNOP_status, st);
}

static long ev_unmask(unsigned int port)
{
    struct evtchn_unmask u = { .port = port };

    return op(EVTCHNOP_unmask, &u);
}

static long ev_bind_vcpu(unsigned int port, unsigned int vcpu)
{
    struct evtchn_bind_vcpu b = { .port = port, .vcpu = vcpu };

    return op(EVTCHNOP_bind_vcpu, &b);
}

static long ev_reset(domid_t dom)
{
    struct evtchn_reset r = { .dom = dom };

    return op(EVTCHNOP_reset, &r);
}

/* The status of one port, looked at by d's own vCPU 0. */
static uint32_t state_of(struct domain *d, unsigned int port)
{
    struct vcpu *saved = current;
    struct evtchn_status st;
    long rc;

    as(d->vcpu[0]);
    rc = ev_status(DOMID_SELF, port, &st);
    as(saved);
    return rc ? 0xdead : st.status;
}

/* ---- delivery state ---- */

static bool pending(struct domain *d, unsigned int port)
{
    return test_bit(port, d->shared_info->evtchn_pending);
}

static xen_ulong_t sel(struct domain *d, unsigned int vcpu)
{
    return d->vcpu[vcpu]->vcpu_info->evtchn_pending_sel;
}

static uint8_t upcall(struct domain *d, unsigned int vcpu)
{
    return d->vcpu[vcpu]->vcpu_info->evtchn_upcall_pending;
}

/* What the guest does once it has handled everything. */
static void ack_all(struct domain *d)
{
    unsigned int i;

    memset(d->shared_info->evtchn_pending, 0,
           sizeof(d->shared_info->evtchn_pending));
    for ( i = 0; i < d->max_vcpus; i++ )
    {
        d->vcpu[i]->vcpu_info->evtchn_pending_sel = 0;
        d->vcpu[i]->vcpu_info->evtchn_upcall_pending = 0;
        kicks[d->domain_id][i] = 0;
    }
}

static void mask(struct domain *d, unsigned int port)
{
    set_bit(port, d->shared_info->evtchn_mask);
}

/* Nothing at all pending anywhere in d. */
static bool quiet(struct domain *d)
{
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(d->shared_info->evtchn_pending); i++ )
        if ( d->shared_info->evtchn_pending[i] )
            return false;
    for ( i = 0; i < d->max_vcpus; i++ )
        if ( sel(d, i) || upcall(d, i) || kicks[d->domain_id][i] )
            return false;
    return true;
}

/* ---- invariants, checked through the hypercall by a privileged vCPU ---- */

static struct vcpu *privileged;

/*
 * Every interdomain port's peer names it back, every VIRQ port is in its
 * vCPU's table and vice versa; returns the number of ports in use (port 0
 * excluded) over all domains, or -1 with the reason in *why.
 */
static long check_invariants(const char **why)
{
    struct vcpu *saved = current;
    struct evtchn_status st, pst;
    unsigned int i, p, j;
    long used = 0;

    as(privileged);
    *why = NULL;
    for ( i = 0; i < MAX_DOMS && !*why; i++ )
    {
        struct domain *d = doms[i];

        if ( !d )
            continue;
        if ( ev_status(d->domain_id, 0, &st) || st.status !=
             EVTCHNSTAT_closed )
            *why = "port 0 not reserved";
        for ( p = 1; !*why && ev_status(d->domain_id, p, &st) == 0; p++ )
        {
            if ( st.status != EVTCHNSTAT_closed )
                used++;
            if ( st.vcpu >= d->max_vcpus )
                *why = "notify vcpu out of range";
            else if ( st.status == EVTCHNSTAT_interdomain )
            {
                if ( ev_status(st.u.interdomain.dom, st.u.interdomain.port,
                               &pst) ||
                     pst.status != EVTCHNSTAT_interdomain ||
                     pst.u.interdomain.dom != d->domain_id ||
                     pst.u.interdomain.port != p )
                    *why = "interdomain peer does not point back";
            }
            else if ( st.status == EVTCHNSTAT_virq )
            {
                unsigned int owner = 0;

                for ( j = 0; j < d->max_vcpus; j++ )
                    if ( d->vcpu[j]->virq_to_evtchn[st.u.virq] == p )
                        owner++;
                if ( owner != 1 )
                    *why = "VIRQ port not in exactly one vcpu's table";
            }
        }
        if ( !*why && p < 64 )
            *why = "fewer than one bucket of valid ports";
        for ( j = 0; !*why && j < d->max_vcpus; j++ )
            for ( p = 0; p < NR_VIRQS && !*why; p++ )
            {
                unsigned int port = d->vcpu[j]->virq_to_evtchn[p];

                if ( port && (ev_status(d->domain_id, port, &st) ||
                              st.status != EVTCHNSTAT_virq ||
                              st.u.virq != p) )
                    *why = "virq_to_evtchn names a port not bound to it";
            }
    }
    as(saved);
    return *why ? -1 : used;
}

#define CHECK_INVARIANTS()                                                    \
    do {                                                                      \
        const char *why_;                                                     \
        if ( check_invariants(&why_) < 0 )                                    \
            check_fail(__FILE__, __LINE__, why_);                             \
    } while ( 0 )

/* ---- the cases ---- */

static struct domain *d0, *d1, *d2;

static void setup(void)
{
    d0 = mkdom(0, 2, true);
    d1 = mkdom(1, 3, false);
    d2 = mkdom(2, 2, false);
    privileged = d0->vcpu[0];
}

/* Every domain still registered, including any a case made itself. */
static void teardown(void)
{
    unsigned int i;

    for ( i = 0; i < MAX_DOMS; i++ )
        if ( doms[i] )
            rmdom(doms[i]);
    as(NULL);
}

static void test_basics(void)
{
    CASE("init: port 0 reserved, one bucket, first port is 1")
    {
        struct evtchn_status st;

        setup();
        as(d1->vcpu[0]);
        CHECK_EQ(ev_status(DOMID_SELF, 0, &st), 0);
        CHECK_EQ(st.status, EVTCHNSTAT_closed);
        CHECK_EQ(ev_close(0), -EINVAL);
        CHECK_EQ(ev_send(0), -EINVAL);
        CHECK_EQ(ev_bind_vcpu(0, 1), -EINVAL);
        CHECK(evtchn_port_is_valid(d1, 63));
        CHECK(!evtchn_port_is_valid(d1, 64));
        CHECK_EQ(ev_status(DOMID_SELF, 63, &st), 0);
        CHECK_EQ(st.status, EVTCHNSTAT_closed);
        CHECK_EQ(ev_status(DOMID_SELF, 64, &st), -EINVAL);
        CHECK_EQ(alloc_unbound(DOMID_SELF, DOMID_SELF), 1);
        CHECK_EQ(bind_ipi(0), 2);
        teardown();
        CHECK_EQ(live_allocs, 0);
    }

    CASE("alloc_unbound: DOMID_SELF remote is the caller's id; close frees")
    {
        struct evtchn_status st;
        long p;

        setup();
        as(d1->vcpu[1]);
        p = alloc_unbound(DOMID_SELF, DOMID_SELF);
        CHECK_EQ(p, 1);
        CHECK_EQ(ev_status(DOMID_SELF, p, &st), 0);
        CHECK_EQ(st.status, EVTCHNSTAT_unbound);
        CHECK_EQ(st.u.unbound.dom, 1);
        CHECK_EQ(st.vcpu, 0);
        CHECK_EQ(ev_close(p), 0);
        CHECK_EQ(ev_status(DOMID_SELF, p, &st), 0);
        CHECK_EQ(st.status, EVTCHNSTAT_closed);
        CHECK_EQ(ev_close(p), -EINVAL);
        CHECK_EQ(ev_send(p), -EINVAL);
        /* The lowest free number comes back. */
        CHECK_EQ(alloc_unbound(DOMID_SELF, 1234), 1);
        CHECK_EQ(ev_status(1, 1, &st), 0);
        CHECK_EQ(st.u.unbound.dom, 1234);
        teardown();
    }

    CASE("alloc_unbound: missing domain ESRCH, foreign EPERM unless dom0")
    {
        struct evtchn_status st;
        long p;

        setup();
        as(d1->vcpu[0]);
        CHECK_EQ(alloc_unbound(1234, 0), -ESRCH);
        CHECK_EQ(alloc_unbound(2, 0), -EPERM);
        CHECK_EQ(state_of(d2, 1), EVTCHNSTAT_closed);
        as(d0->vcpu[0]);
        p = alloc_unbound(2, DOMID_SELF);
        CHECK_EQ(p, 1);
        /* DOMID_SELF names the caller, not the domain holding the port. */
        CHECK_EQ(ev_status(2, p, &st), 0);
        CHECK_EQ(st.status, EVTCHNSTAT_unbound);
        CHECK_EQ(st.u.unbound.dom, 0);
        CHECK_EQ(state_of(d0, 1), EVTCHNSTAT_closed);
        teardown();
    }

    CASE("status: missing domain ESRCH, bad port EINVAL, foreign EPERM")
    {
        struct evtchn_status st;

        setup();
        as(d1->vcpu[0]);
        CHECK_EQ(ev_status(1234, 1, &st), -ESRCH);
        CHECK_EQ(ev_status(DOMID_SELF, 100000, &st), -EINVAL);
        CHECK_EQ(ev_status(2, 100000, &st), -EINVAL);
        CHECK_EQ(ev_status(2, 1, &st), -EPERM);
        CHECK_EQ(ev_status(1, 1, &st), 0);
        as(d0->vcpu[1]);
        CHECK_EQ(ev_status(2, 1, &st), 0);
        teardown();
    }
}

static void test_interdomain(void)
{
    CASE("bind_interdomain: both ends point at each other; local pending")
    {
        struct evtchn_status st;
        long a, b;

        setup();
        as(d1->vcpu[0]);
        a = alloc_unbound(DOMID_SELF, 2);
        CHECK_EQ(a, 1);
        as(d2->vcpu[1]);
        CHECK_EQ(bind_ipi(1), 1);
        b = bind_inter(1, a);
        CHECK_EQ(b, 2);
        CHECK_EQ(ev_status(DOMID_SELF, b, &st), 0);
        CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
        CHECK_EQ(st.u.interdomain.dom, 1);
        CHECK_EQ(st.u.interdomain.port, a);
        CHECK_EQ(st.vcpu, 0);
        as(d1->vcpu[0]);
        CHECK_EQ(ev_status(DOMID_SELF, a, &st), 0);
        CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
        CHECK_EQ(st.u.interdomain.dom, 2);
        CHECK_EQ(st.u.interdomain.port, b);
        /* Events sent before the bind were dropped: one is made up. */
        CHECK(pending(d2, b));
        CHECK_EQ(sel(d2, 0), 1);
        CHECK_EQ(upcall(d2, 0), 1);
        CHECK_EQ(kicks[2][0], 1);
        CHECK(quiet(d1));
        CHECK_INVARIANTS();
        teardown();
    }

    CASE("bind_interdomain: refusals ESRCH/EINVAL change nothing")
    {
        long a, ipi, virq;

        setup();
        as(d1->vcpu[0]);
        a = alloc_unbound(DOMID_SELF, 0);      /* for dom0, not dom2 */
        ipi = bind_ipi(0);
        virq = bind_virq(VIRQ_TIMER, 0);
        CHECK(a > 0 && ipi > 0 && virq > 0);
        as(d2->vcpu[0]);
        CHECK_EQ(bind_inter(1234, a), -ESRCH);
        CHECK_EQ(bind_inter(1, a), -EINVAL);
        CHECK_EQ(bind_inter(1, ipi), -EINVAL);
        CHECK_EQ(bind_inter(1, virq), -EINVAL);
        CHECK_EQ(bind_inter(1, 40), -EINVAL);          /* free */
        CHECK_EQ(bind_inter(1, 0), -EINVAL);           /* reserved */
        CHECK_EQ(bind_inter(1, 100000), -EINVAL);
        CHECK_EQ(bind_inter(1, NR_PORTS - 1), -EINVAL);
        CHECK_EQ(state_of(d2, 1), EVTCHNSTAT_closed);
        CHECK(quiet(d2));
        CHECK_EQ(state_of(d1, a), EVTCHNSTAT_unbound);
        /* An unbound port bound once is no longer unbound. */
        as(d0->vcpu[0]);
        CHECK_EQ(bind_inter(1, a), 1);
        CHECK_EQ(bind_inter(1, a), -EINVAL);
        CHECK_INVARIANTS();
        teardown();
    }

    CASE("loopback: a domain binds to its own unbound port")
    {
        struct evtchn_status st;
        long a, b;

        setup();
        as(d1->vcpu[0]);
        a = alloc_unbound(DOMID_SELF, DOMID_SELF);
        b = bind_inter(DOMID_SELF, a);
        CHECK_EQ(b, 2);
        CHECK_EQ(ev_status(DOMID_SELF, a, &st), 0);
        CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
        CHECK_EQ(st.u.interdomain.port, b);
        ack_all(d1);
        CHECK_EQ(ev_send(b), 0);
        CHECK(pending(d1, a) && !pending(d1, b));
        CHECK_EQ(ev_send(a), 0);
        CHECK(pending(d1, b));
        CHECK_EQ(ev_close(b), 0);
        CHECK_EQ(ev_status(DOMID_SELF, a, &st), 0);
        CHECK_EQ(st.status, EVTCHNSTAT_unbound);
        CHECK_EQ(st.u.unbound.dom, 1);
        /* It may be bound again. */
        CHECK_EQ(bind_inter(DOMID_SELF, a), 2);
        CHECK_INVARIANTS();
        teardown();
    }

    CASE("send: interdomain both ways, to each end's notify vcpu")
    {
        long a, b;

        setup();
        as(d1->vcpu[0]);
        a = alloc_unbound(DOMID_SELF, 2);
        CHECK_EQ(ev_bind_vcpu(a, 2), 0);
        as(d2->vcpu[0]);
        b = bind_inter(1, a);
        ack_all(d1);
        ack_all(d2);
        CHECK_EQ(ev_send(b), 0);
        CHECK(pending(d1, a));
        CHECK_EQ(sel(d1, 2), 1);
        CHECK_EQ(upcall(d1, 2), 1);
        CHECK_EQ(kicks[1][2], 1);
        CHECK_EQ(sel(d1, 0), 0);
        CHECK(quiet(d2));
        /* A second send while pending changes nothing and kicks nobody. */
        CHECK_EQ(ev_send(b), 0);
        CHECK_EQ(kicks[1][2], 1);
        as(d1->vcpu[1]);
        CHECK_EQ(ev_send(a), 0);
        CHECK(pending(d2, b));
        CHECK_EQ(sel(d2, 0), 1);
        CHECK_EQ(upcall(d2, 0), 1);
        CHECK_EQ(kicks[2][0], 1);
        CHECK_EQ(kicks[1][2], 1);
        teardown();
    }

    CASE("close: either end; the other goes back to unbound naming the closer")
    {
        struct evtchn_status st;
        long a, b;

        setup();
        as(d1->vcpu[0]);
        a = alloc_unbound(DOMID_SELF, 2);
        as(d2->vcpu[0]);
        b = bind_inter(1, a);
        CHECK(pending(d2, b));
        CHECK_EQ(ev_close(b), 0);
        /* Closing cleared the pending bit: a new owner starts clean. */
        CHECK(!pending(d2, b));
        CHECK_EQ(state_of(d2, b), EVTCHNSTAT_closed);
        CHECK_EQ(ev_send(b), -EINVAL);
        CHECK_EQ(ev_close(b), -EINVAL);
        as(d1->vcpu[0]);
        CHECK_EQ(ev_status(DOMID_SELF, a, &st), 0);
        CHECK_EQ(st.status, EVTCHNSTAT_unbound);
        CHECK_EQ(st.u.unbound.dom, 2);
        /* Sending on it now goes nowhere. */
        ack_all(d1);
        ack_all(d2);
        CHECK_EQ(ev_send(a), 0);
        CHECK(quiet(d1) && quiet(d2));
        /* Rebind, then close from the other end. */
        as(d2->vcpu[0]);
        b = bind_inter(1, a);
        as(d1->vcpu[0]);
        CHECK_EQ(ev_close(a), 0);
        as(d2->vcpu[0]);
        CHECK_EQ(ev_status(DOMID_SELF, b, &st), 0);
        CHECK_EQ(st.status, EVTCHNSTAT_unbound);
        CHECK_EQ(st.u.unbound.dom, 1);
        CHECK_INVARIANTS();
        teardown();
    }

    CASE("destroy: the peer's port is left unbound, naming the dead domain")
    {
        struct evtchn_status st;
        long a, b, c;
        struct domain *d3;

        setup();
        d3 = mkdom(3, 1, false);
        as(d1->vcpu[0]);
        a = alloc_unbound(DOMID_SELF, 3);
        c = alloc_unbound(DOMID_SELF, 3);
        as(d3->vcpu[0]);
        b = bind_inter(1, a);
        CHECK(b > 0);
        CHECK_EQ(bind_inter(1, c), b + 1);
        CHECK_EQ(bind_virq(VIRQ_TIMER, 0), b + 2);
        CHECK_EQ(bind_ipi(0), b + 3);
        rmdom(d3);
        as(d1->vcpu[0]);
        CHECK_EQ(ev_status(DOMID_SELF, a, &st), 0);
        CHECK_EQ(st.status, EVTCHNSTAT_unbound);
        CHECK_EQ(st.u.unbound.dom, 3);
        CHECK_EQ(ev_status(DOMID_SELF, c, &st), 0);
        CHECK_EQ(st.status, EVTCHNSTAT_unbound);
        /* Sending into the void is dropped, not a crash. */
        CHECK_EQ(ev_send(a), 0);
        CHECK_EQ(ev_close(a), 0);
        CHECK_INVARIANTS();
        teardown();
        CHECK_EQ(live_allocs, 0);
    }

    CASE("destroy: no ports afterwards; twice or never initialised is a no-op")
    {
        struct domain *d3;
        struct evtchn_status st;

        setup();
        d3 = mkdom(3, 1, false);
        as(d3->vcpu[0]);
        CHECK(alloc_unbound(DOMID_SELF, 0) > 0);
        evtchn_destroy(d3);
        CHECK(!evtchn_port_is_valid(d3, 0));
        CHECK(!evtchn_port_pending(d3, 1));
        CHECK_EQ(alloc_unbound(DOMID_SELF, 0), -EINVAL);
        CHECK_EQ(bind_ipi(0), -EINVAL);
        CHECK_EQ(ev_status(DOMID_SELF, 1, &st), -EINVAL);
        CHECK_EQ(ev_close(1), -EINVAL);
        CHECK_EQ(ev_reset(DOMID_SELF), 0);
        as(d0->vcpu[0]);
        CHECK_EQ(alloc_unbound(3, 0), -EINVAL);
        CHECK_EQ(bind_inter(3, 1), -EINVAL);
        send_guest_vcpu_virq(d3->vcpu[0], VIRQ_TIMER);
        send_guest_global_virq(d3, VIRQ_DOM_EXC);
        rmdom(d3);                      /* destroys again */
        teardown();
        CHECK_EQ(live_allocs, 0);
    }
}

static void test_virq_ipi(void)
{
    CASE("bind_virq: per-vcpu on every vcpu, global only on vcpu 0")
    {
        struct evtchn_status st;
        long t0, t1, con;

        setup();
        as(d1->vcpu[2]);
        t0 = bind_virq(VIRQ_TIMER, 0);
        t1 = bind_virq(VIRQ_TIMER, 1);
        CHECK(t0 > 0 && t1 > 0 && t0 != t1);
        CHECK_EQ(d1->vcpu[0]->virq_to_evtchn[VIRQ_TIMER], t0);
        CHECK_EQ(d1->vcpu[1]->virq_to_evtchn[VIRQ_TIMER], t1);
        CHECK_EQ(ev_status(DOMID_SELF, t1, &st), 0);
        CHECK_EQ(st.status, EVTCHNSTAT_virq);
        CHECK_EQ(st.u.virq, VIRQ_TIMER);
        CHECK_EQ(st.vcpu, 1);
        CHECK_EQ(bind_virq(VIRQ_TIMER, 1), -EEXIST);
        CHECK_EQ(bind_virq(VIRQ_DEBUG, 2), 3);
        CHECK_EQ(bind_virq(VIRQ_XENPMU, 2), 4);
        CHECK_EQ(bind_virq(VIRQ_CON_RING, 1), -EINVAL);
        CHECK_EQ(bind_virq(VIRQ_ARCH_0, 1), -EINVAL);
        CHECK_EQ(bind_virq(NR_VIRQS, 0), -EINVAL);
        CHECK_EQ(bind_virq(~0u, 0), -EINVAL);
        CHECK_EQ(bind_virq(VIRQ_DEBUG, 99), -ENOENT);
        CHECK_EQ(bind_virq(VIRQ_DEBUG, 3), -ENOENT);
        con = bind_virq(VIRQ_CON_RING, 0);
        CHECK_EQ(con, 5);
        CHECK_EQ(bind_virq(VIRQ_CON_RING, 0), -EEXIST);
        CHECK_EQ(ev_status(DOMID_SELF, con, &st), 0);
        CHECK_EQ(st.u.virq, VIRQ_CON_RING);
        /* Nothing to send to on a VIRQ port. */
        CHECK_EQ(ev_send(con), -EINVAL);
        CHECK_EQ(ev_close(t1), 0);
        CHECK_EQ(d1->vcpu[1]->virq_to_evtchn[VIRQ_TIMER], 0);
        CHECK_EQ(bind_virq(VIRQ_TIMER, 1), t1);
        CHECK_INVARIANTS();
        teardown();
    }

    CASE("VIRQ delivery: per-vcpu to its vcpu, global to its bound vcpu")
    {
        long t1, exc;

        setup();
        as(d1->vcpu[0]);
        t1 = bind_virq(VIRQ_TIMER, 1);
        exc = bind_virq(VIRQ_DOM_EXC, 0);
        ack_all(d1);
        send_guest_vcpu_virq(d1->vcpu[0], VIRQ_TIMER);  /* unbound there */
        send_guest_global_virq(d1, VIRQ_CON_RING);      /* unbound */
        send_guest_global_virq(d2, VIRQ_DOM_EXC);       /* other domain */
        CHECK(quiet(d1) && quiet(d2));
        send_guest_vcpu_virq(d1->vcpu[1], VIRQ_TIMER);
        CHECK(pending(d1, t1));
        CHECK_EQ(sel(d1, 1), 1);
        CHECK_EQ(upcall(d1, 1), 1);
        CHECK_EQ(kicks[1][1], 1);
        CHECK_EQ(sel(d1, 0), 0);
        ack_all(d1);
        CHECK_EQ(ev_bind_vcpu(exc, 2), 0);
        send_guest_global_virq(d1, VIRQ_DOM_EXC);
        CHECK(pending(d1, exc));
        CHECK_EQ(upcall(d1, 2), 1);
        CHECK_EQ(upcall(d1, 0), 0);
        /* The binding stays in vCPU 0's table; closing still finds it. */
        CHECK_EQ(d1->vcpu[0]->virq_to_evtchn[VIRQ_DOM_EXC], exc);
        CHECK_EQ(ev_close(exc), 0);
        CHECK_EQ(d1->vcpu[0]->virq_to_evtchn[VIRQ_DOM_EXC], 0);
        ack_all(d1);
        send_guest_global_virq(d1, VIRQ_DOM_EXC);
        CHECK(quiet(d1));
        teardown();
    }

    CASE("VIRQ sent with the wrong kind of sender panics")
    {
        setup();
        CHECK(EXPECT_PANIC(send_guest_vcpu_virq(d1->vcpu[0], VIRQ_DOM_EXC)));
        CHECK(EXPECT_PANIC(send_guest_global_virq(d1, VIRQ_TIMER)));
        CHECK(EXPECT_PANIC(send_guest_global_virq(d1, NR_VIRQS)));
        teardown();
    }

    CASE("bind_ipi: delivers to its vcpu; missing vcpu ENOENT")
    {
        struct evtchn_status st;
        long p;

        setup();
        as(d1->vcpu[0]);
        CHECK_EQ(bind_ipi(3), -ENOENT);
        CHECK_EQ(bind_ipi(99), -ENOENT);
        p = bind_ipi(2);
        CHECK_EQ(p, 1);
        CHECK_EQ(ev_status(DOMID_SELF, p, &st), 0);
        CHECK_EQ(st.status, EVTCHNSTAT_ipi);
        CHECK_EQ(st.vcpu, 2);
        CHECK_EQ(ev_send(p), 0);
        CHECK(pending(d1, p));
        CHECK_EQ(sel(d1, 2), 1);
        CHECK_EQ(upcall(d1, 2), 1);
        CHECK_EQ(kicks[1][2], 1);
        CHECK_EQ(sel(d1, 0), 0);
        CHECK_EQ(upcall(d1, 0), 0);
        CHECK(quiet(d2));
        teardown();
    }
}

static void test_delivery(void)
{
    CASE("delivery: pending, selector word, upcall, one kick - exactly")
    {
        struct shared_info *s;
        unsigned int i, w;
        long p;

        setup();
        s = d1->shared_info;
        as(d1->vcpu[0]);
        /* Port 130 sits in selector word 2. */
        for ( i = 1; i <= 130; i++ )
            p = bind_ipi(1);
        CHECK_EQ(p, 130);
        ack_all(d1);
        CHECK_EQ(ev_send(p), 0);
        for ( w = 0; w < ARRAY_SIZE(s->evtchn_pending); w++ )
            CHECK_EQ(s->evtchn_pending[w], w == 2 ? 1UL << 2 : 0);
        CHECK_EQ(sel(d1, 1), 1UL << 2);
        CHECK_EQ(upcall(d1, 1), 1);
        CHECK_EQ(kicks[1][1], 1);
        /* Another port while the upcall is still due: no second kick. */
        CHECK_EQ(ev_send(5), 0);
        CHECK_EQ(sel(d1, 1), (1UL << 2) | 1);
        CHECK_EQ(kicks[1][1], 1);
        CHECK(local_events_need_delivery(d1->vcpu[1]));
        d1->vcpu[1]->vcpu_info->evtchn_upcall_mask = 1;
        CHECK(!local_events_need_delivery(d1->vcpu[1]));
        CHECK(!local_events_need_delivery(d1->vcpu[0]));
        CHECK(evtchn_port_pending(d1, 130));
        CHECK(!evtchn_port_pending(d1, 129));
        CHECK(!evtchn_port_pending(d1, 100000));
        teardown();
    }

    CASE("delivery: a masked port sets its pending bit only")
    {
        long p;

        setup();
        as(d1->vcpu[0]);
        p = bind_ipi(0);
        ack_all(d1);
        mask(d1, p);
        CHECK_EQ(ev_send(p), 0);
        CHECK(pending(d1, p));
        CHECK_EQ(sel(d1, 0), 0);
        CHECK_EQ(upcall(d1, 0), 0);
        CHECK_EQ(kicks[1][0], 0);
        teardown();
    }

    CASE("unmask: re-raises a pending port on its notify vcpu")
    {
        long p, q;

        setup();
        as(d1->vcpu[0]);
        p = alloc_unbound(DOMID_SELF, DOMID_SELF);
        q = bind_inter(DOMID_SELF, p);
        CHECK_EQ(ev_bind_vcpu(p, 1), 0);
        ack_all(d1);
        mask(d1, p);
        CHECK_EQ(ev_send(q), 0);
        CHECK(pending(d1, p) && !upcall(d1, 1));
        CHECK_EQ(ev_unmask(p), 0);
        CHECK(!test_bit(p, d1->shared_info->evtchn_mask));
        CHECK_EQ(sel(d1, 1), 1);
        CHECK_EQ(upcall(d1, 1), 1);
        CHECK_EQ(kicks[1][1], 1);
        /* Not masked any more: unmasking again delivers nothing new. */
        d1->vcpu[1]->vcpu_info->evtchn_pending_sel = 0;
        d1->vcpu[1]->vcpu_info->evtchn_upcall_pending = 0;
        CHECK_EQ(ev_unmask(p), 0);
        CHECK_EQ(sel(d1, 1), 0);
        CHECK_EQ(kicks[1][1], 1);
        /* Masked but not pending: just unmasked. */
        ack_all(d1);
        mask(d1, p);
        CHECK_EQ(ev_unmask(p), 0);
        CHECK(quiet(d1));
        /* A free port in range may be unmasked; out of range may not. */
        mask(d1, 40);
        CHECK_EQ(ev_unmask(40), 0);
        CHECK(!test_bit(40, d1->shared_info->evtchn_mask));
        CHECK_EQ(ev_unmask(64), -EINVAL);
        CHECK_EQ(ev_unmask(100000), -EINVAL);
        teardown();
    }

    CASE("poll: a polling vcpu is woken by its port, even masked")
    {
        struct vcpu *v;
        long p, q;

        setup();
        as(d1->vcpu[0]);
        p = bind_ipi(0);
        q = bind_ipi(0);
        v = d1->vcpu[2];
        mask(d1, p);
        mask(d1, q);
        ack_all(d1);
        v->poll_evtchn = p;
        v->pause_flags = VPF_blocked | VPF_polling;
        CHECK_EQ(ev_send(q), 0);
        CHECK_EQ(v->pause_flags, VPF_blocked | VPF_polling);
        CHECK_EQ(kicks[1][2], 0);
        CHECK_EQ(ev_send(p), 0);
        CHECK_EQ(v->pause_flags, 0);
        CHECK_EQ(kicks[1][2], 1);
        CHECK(evtchn_port_pending(d1, p));
        /* Polling several ports: any event wakes it to look again. */
        v->poll_evtchn = 0;
        v->pause_flags = VPF_blocked | VPF_polling;
        ack_all(d1);
        send_guest_vcpu_virq(d1->vcpu[0], VIRQ_TIMER);
        CHECK_EQ(v->pause_flags, VPF_blocked | VPF_polling);
        CHECK_EQ(ev_send(q), 0);
        CHECK_EQ(v->pause_flags, 0);
        teardown();
    }

    CASE("send: unbound dropped, free/out-of-range/VIRQ refused")
    {
        long p, t;

        setup();
        as(d1->vcpu[0]);
        p = alloc_unbound(DOMID_SELF, DOMID_SELF);
        t = bind_virq(VIRQ_TIMER, 0);
        ack_all(d1);
        CHECK_EQ(ev_send(p), 0);
        CHECK(quiet(d1));
        CHECK_EQ(ev_send(t), -EINVAL);
        CHECK_EQ(ev_send(40), -EINVAL);
        CHECK_EQ(ev_send(64), -EINVAL);
        CHECK_EQ(ev_send(100000), -EINVAL);
        CHECK_EQ(ev_send(~0u), -EINVAL);
        CHECK_EQ(ev_close(100000), -EINVAL);
        CHECK_EQ(ev_close(64), -EINVAL);
        CHECK(quiet(d1));
        teardown();
    }
}

/*
 * A 32-bit guest's shared_info (xen/compat.h): the same pending bits at
 * 2048, the mask at 2176, a 32-bit selector at offset 4 of vcpu_info (a
 * bit per 32 ports), 1024 ports; nothing written where the 64-bit layout
 * keeps its mask and selector.
 */
static void test_compat(void)
{
    CASE("compat: 32-bit layout - mask at 2176, u32 selector at 4, no more")
    {
        struct compat_shared_info *c;
        struct compat_vcpu_info *vi;
        const uint8_t *raw;
        long p, q;

        setup();
        d1->arch.pv.is_32bit = true;
        evtchn_switch_compat(d1);
        c = (struct compat_shared_info *)d1->shared_info;
        vi = &c->vcpu_info[1];
        raw = (const uint8_t *)c;
        as(d1->vcpu[0]);
        /* Port 70: word 2 of a 32-bit guest's selector, word 1 of ours. */
        for ( unsigned int i = 1; i <= 70; i++ )
            p = bind_ipi(1);
        CHECK_EQ(p, 70);
        CHECK_EQ(ev_send(p), 0);
        CHECK_EQ(c->evtchn_pending[2], 1u << 6);
        CHECK_EQ(vi->evtchn_pending_sel, 1u << 2);
        CHECK_EQ(vi->cr2, 0);
        CHECK_EQ(vi->evtchn_upcall_pending, 1);
        CHECK_EQ(kicks[1][1], 1);
        CHECK(evtchn_port_pending(d1, 70));

        /* Masked in the 32-bit mask: pending only; unmask raises it. */
        q = 69;
        vi->evtchn_pending_sel = 0;
        vi->evtchn_upcall_pending = 0;
        c->evtchn_pending[2] = 0;
        set_bit(q, c->evtchn_mask);
        CHECK_EQ(ev_send(q), 0);
        CHECK(test_bit(q, c->evtchn_pending));
        CHECK_EQ(vi->evtchn_pending_sel, 0);
        CHECK_EQ(ev_unmask(q), 0);
        CHECK(!test_bit(q, c->evtchn_mask));
        CHECK_EQ(vi->evtchn_pending_sel, 1u << 2);
        CHECK_EQ(vi->evtchn_upcall_pending, 1);
        for ( unsigned int i = sizeof(*c); i < 4096; i++ )
            if ( raw[i] )
            {
                CHECK_EQ(i, 0);
                break;
            }
        teardown();
    }

    CASE("compat: 1023 ports at most, then ENOSPC")
    {
        long p = 0;
        unsigned int n = 0;

        setup();
        d1->arch.pv.is_32bit = true;
        evtchn_switch_compat(d1);
        as(d1->vcpu[0]);
        while ( (p = alloc_unbound(DOMID_SELF, 0)) > 0 )
            n++;
        CHECK_EQ(p, -ENOSPC);
        CHECK_EQ(n, 1023);
        teardown();
    }
}

static void test_dump(void)
{
    CASE("dump key: each vCPU's flags; a port nobody will be told of: LOST")
    {
        const char *log, *lost;
        char want[32];
        long p, q;

        setup();
        as(d1->vcpu[0]);
        p = bind_ipi(1);
        q = bind_ipi(1);
        mask(d1, p);
        ack_all(d1);
        d1->vcpu[1]->pause_flags = VPF_blocked | VPF_polling;
        d1->vcpu[1]->poll_evtchn = p;
        CHECK_EQ(ev_send(p), 0);
        /* Pending, unmasked, yet no selector bit or upcall announces it. */
        set_bit(q, d1->shared_info->evtchn_pending);
        d1->vcpu[1]->vcpu_info->evtchn_pending_sel = 0;
        d1->vcpu[1]->vcpu_info->evtchn_upcall_pending = 0;
        harness_log_clear();
        evtchn_dump_domain(d1);
        log = harness_log();
        CHECK(strstr(log, "Domain 1 event channels (2 ports in use)"));
        CHECK(strstr(log, "VCPU1: CPU0 not-running flags=0 pause=0 "
                          "upcall_pend=0"));
        CHECK(strstr(log, "poll_evtchn=1 singleshot=off periodic=off "
                          "poll=off"));
        snprintf(want, sizeof(want), "port %4ld: ipi", q);
        lost = strstr(log, "LOST");
        CHECK(lost && !strstr(lost + 1, "LOST"));
        CHECK(strstr(log, want) && strstr(log, want) < lost);
        snprintf(want, sizeof(want), "port %4ld: ipi", p);
        CHECK(strstr(log, want) && strstr(log, want) < lost);
        teardown();
    }
}

static void test_bind_vcpu_reset(void)
{
    CASE("bind_vcpu: unbound, interdomain, global VIRQ move; IPI/per-vcpu not")
    {
        struct evtchn_status st;
        long u, a, b, ipi, t, g;

        setup();
        as(d1->vcpu[0]);
        u = alloc_unbound(DOMID_SELF, 2);
        a = alloc_unbound(DOMID_SELF, 2);
        ipi = bind_ipi(1);
        t = bind_virq(VIRQ_TIMER, 1);
        g = bind_virq(VIRQ_ENOMEM, 0);
        as(d2->vcpu[0]);
        b = bind_inter(1, a);
        CHECK(b > 0);
        as(d1->vcpu[0]);
        CHECK_EQ(ev_bind_vcpu(u, 2), 0);
        CHECK_EQ(ev_status(DOMID_SELF, u, &st), 0);
        CHECK_EQ(st.vcpu, 2);
        CHECK_EQ(ev_bind_vcpu(a, 1), 0);
        CHECK_EQ(ev_bind_vcpu(g, 2), 0);
        CHECK_EQ(ev_status(DOMID_SELF, g, &st), 0);
        CHECK_EQ(st.vcpu, 2);
        CHECK_EQ(ev_bind_vcpu(ipi, 0), -EINVAL);
        CHECK_EQ(ev_bind_vcpu(t, 0), -EINVAL);
        CHECK_EQ(ev_bind_vcpu(40, 0), -EINVAL);
        CHECK_EQ(ev_bind_vcpu(100000, 0), -EINVAL);
        /* The vcpu is checked first. */
        CHECK_EQ(ev_bind_vcpu(u, 3), -ENOENT);
        CHECK_EQ(ev_bind_vcpu(100000, 99), -ENOENT);
        CHECK_EQ(ev_status(DOMID_SELF, u, &st), 0);
        CHECK_EQ(st.vcpu, 2);
        ack_all(d1);
        as(d2->vcpu[0]);
        CHECK_EQ(ev_send(b), 0);
        CHECK_EQ(upcall(d1, 1), 1);
        CHECK_EQ(upcall(d1, 0), 0);
        /* A closed port forgets its vcpu. */
        as(d1->vcpu[0]);
        CHECK_EQ(ev_close(u), 0);
        CHECK_EQ(ev_status(DOMID_SELF, u, &st), 0);
        CHECK_EQ(st.vcpu, 0);
        teardown();
    }

    CASE("reset: own ports all closed, peers unbound; others need dom0+pause")
    {
        struct evtchn_status st;
        long a, b, p;

        setup();
        as(d1->vcpu[0]);
        a = alloc_unbound(DOMID_SELF, 2);
        CHECK(bind_virq(VIRQ_TIMER, 0) > 0);
        CHECK(bind_ipi(1) > 0);
        CHECK(alloc_unbound(DOMID_SELF, 0) > 0);
        as(d2->vcpu[0]);
        b = bind_inter(1, a);
        CHECK_EQ(ev_reset(1), -EPERM);
        CHECK_EQ(ev_reset(1234), -ESRCH);
        as(d0->vcpu[0]);
        CHECK_EQ(ev_reset(1), -EINVAL);         /* not paused */
        CHECK_EQ(state_of(d1, a), EVTCHNSTAT_interdomain);
        as(d1->vcpu[0]);
        CHECK_EQ(ev_reset(DOMID_SELF), 0);
        for ( p = 1; p < 64; p++ )
            CHECK_EQ(state_of(d1, p), EVTCHNSTAT_closed);
        CHECK_EQ(d1->vcpu[0]->virq_to_evtchn[VIRQ_TIMER], 0);
        as(d2->vcpu[0]);
        CHECK_EQ(ev_status(DOMID_SELF, b, &st), 0);
        CHECK_EQ(st.status, EVTCHNSTAT_unbound);
        CHECK_EQ(st.u.unbound.dom, 1);
        /* dom0 resets a paused domain. */
        CHECK(bind_ipi(0) > 0);
        d2->pause_count = 1;
        as(d0->vcpu[1]);
        CHECK_EQ(ev_reset(2), 0);
        CHECK_EQ(state_of(d2, b), EVTCHNSTAT_closed);
        CHECK_EQ(state_of(d2, b + 1), EVTCHNSTAT_closed);
        d2->pause_count = 0;
        CHECK_INVARIANTS();
        teardown();
        CHECK_EQ(live_allocs, 0);
    }

    CASE("FIFO sub-ops on a 2-level domain, an unmapped bind_pirq and "
         "unknown commands are refused")
    {
        struct evtchn_init_control ic = { .vcpu = 0 };
        struct evtchn_expand_array ea = { 0 };
        struct evtchn_set_priority sp = { .port = 1, .priority = 1 };
        struct evtchn_bind_pirq bp = { .pirq = 1 };
        struct evtchn_reset r = { .dom = DOMID_SELF };

        setup();
        as(d1->vcpu[0]);
        CHECK(bind_ipi(0) > 0);
        /* Frame 0 is no frame of d1's. */
        CHECK_EQ(op(EVTCHNOP_init_control, &ic), -EINVAL);
        CHECK_EQ(op(EVTCHNOP_expand_array, &ea), -EOPNOTSUPP);
        CHECK_EQ(op(EVTCHNOP_set_priority, &sp), -ENOSYS);
        sp.port = 100000;
        CHECK_EQ(op(EVTCHNOP_set_priority, &sp), -EINVAL);
        CHECK_EQ(op(EVTCHNOP_bind_pirq, &bp), -EPERM);
        CHECK_EQ(op(99, NULL), -ENOSYS);
        CHECK_EQ(op(-1, NULL), -ENOSYS);
        /* The continuation number is internal, not a guest sub-op. */
        CHECK_EQ(op(14, &r), -ENOSYS);
        CHECK_EQ(state_of(d1, 1), EVTCHNSTAT_ipi);
        teardown();
    }
}

static void test_table(void)
{
    CASE("table: grows by buckets up to 4095 ports, then ENOSPC")
    {
        struct evtchn_status st;
        long p, base, i;

        setup();
        as(d2->vcpu[0]);
        base = live_allocs;
        for ( i = 1; i < NR_PORTS; i++ )
        {
            p = alloc_unbound(DOMID_SELF, 0);
            if ( p != i )
                break;
            if ( i == 63 )
                CHECK_EQ(live_allocs, base);
            if ( i == 64 )
                CHECK_EQ(live_allocs, base + 1);
        }
        CHECK_EQ(p, NR_PORTS - 1);
        CHECK_EQ(live_allocs, base + 63);
        CHECK_EQ(alloc_unbound(DOMID_SELF, 0), -ENOSPC);
        CHECK_EQ(bind_ipi(0), -ENOSPC);
        CHECK_EQ(bind_virq(VIRQ_TIMER, 0), -ENOSPC);
        CHECK_EQ(ev_status(DOMID_SELF, NR_PORTS - 1, &st), 0);
        CHECK_EQ(st.status, EVTCHNSTAT_unbound);
        CHECK_EQ(ev_status(DOMID_SELF, NR_PORTS, &st), -EINVAL);
        CHECK(evtchn_port_is_valid(d2, NR_PORTS - 1));
        CHECK(!evtchn_port_is_valid(d2, NR_PORTS));
        /* The last port can carry events like any other. */
        as(d0->vcpu[0]);
        p = bind_inter(2, NR_PORTS - 1);
        CHECK(p > 0);
        ack_all(d2);
        CHECK_EQ(ev_send(p), 0);
        CHECK(pending(d2, NR_PORTS - 1));
        CHECK_EQ(sel(d2, 0), 1UL << 63);
        as(d2->vcpu[0]);
        CHECK_EQ(ev_close(2000), 0);
        CHECK_EQ(bind_ipi(1), 2000);
        teardown();
        CHECK_EQ(live_allocs, 0);
    }

    CASE("table: out of memory is ENOMEM and leaves the table as it was")
    {
        long i;

        setup();
        as(d1->vcpu[0]);
        for ( i = 1; i < 64; i++ )
            CHECK_EQ(bind_ipi(0), i);
        fail_allocs = true;
        CHECK_EQ(bind_ipi(0), -ENOMEM);
        CHECK_EQ(alloc_unbound(DOMID_SELF, 0), -ENOMEM);
        CHECK(!evtchn_port_is_valid(d1, 64));
        fail_allocs = false;
        CHECK_EQ(bind_ipi(0), 64);
        teardown();
        CHECK_EQ(live_allocs, 0);
    }

    CASE("init: out of memory is ENOMEM with nothing left allocated")
    {
        struct domain d = { .domain_id = 5 };

        fail_allocs = true;
        CHECK_EQ(evtchn_init(&d), -ENOMEM);
        fail_allocs = false;
        CHECK(d.evtchn == NULL);
        evtchn_destroy(&d);
        CHECK_EQ(live_allocs, 0);
    }
}

/*
 * Snapshot of everything a sub-op could change, to show that a faulting
 * one changed nothing.
 */
struct snap {
    struct shared_info s[3];
    uint32_t status[3][70];
    uint32_t virqs[3][MAX_VCPUS][NR_VIRQS];
    long allocs;
};

static void take_snap(struct snap *sn)
{
    struct domain *ds[3] = { d0, d1, d2 };
    unsigned int i, p, v;

    for ( i = 0; i < 3; i++ )
    {
        memcpy(&sn->s[i], ds[i]->shared_info, sizeof(sn->s[i]));
        for ( p = 0; p < 70; p++ )
            sn->status[i][p] = state_of(ds[i], p);
        for ( v = 0; v < ds[i]->max_vcpus; v++ )
            memcpy(sn->virqs[i][v], ds[i]->vcpu[v]->virq_to_evtchn,
                   sizeof(sn->virqs[i][v]));
    }
    sn->allocs = live_allocs;
}

static void test_faults(void)
{
    static const int cmds[] = {
        EVTCHNOP_bind_interdomain, EVTCHNOP_bind_virq, EVTCHNOP_bind_pirq,
        EVTCHNOP_close, EVTCHNOP_send, EVTCHNOP_status,
        EVTCHNOP_alloc_unbound, EVTCHNOP_bind_ipi, EVTCHNOP_bind_vcpu,
        EVTCHNOP_unmask, EVTCHNOP_reset, EVTCHNOP_init_control,
        EVTCHNOP_expand_array, EVTCHNOP_set_priority,
    };

    CASE("bad pointer: every sub-op EFAULT, nothing changed")
    {
        /* The second half of this "guest memory" is unmapped. */
        static char guest[512];
        char *unmapped = guest + 256;
        struct snap *before = calloc(1, sizeof(*before));
        struct snap *after = calloc(1, sizeof(*after));
        unsigned int i;
        long a;

        setup();
        as(d1->vcpu[0]);
        a = alloc_unbound(DOMID_SELF, DOMID_SELF);
        CHECK(bind_inter(DOMID_SELF, a) > 0);
        CHECK(bind_virq(VIRQ_TIMER, 0) > 0);
        take_snap(before);
        harness_fault_lo = (uintptr_t)unmapped;
        harness_fault_hi = (uintptr_t)guest + sizeof(guest);
        for ( i = 0; i < ARRAY_SIZE(cmds); i++ )
        {
            CHECK_EQ(op(cmds[i], unmapped), -EFAULT);
            /* A structure straddling into unmapped memory faults too. */
            CHECK_EQ(op(cmds[i], unmapped - 1), -EFAULT);
        }
        as(d0->vcpu[0]);
        for ( i = 0; i < ARRAY_SIZE(cmds); i++ )
            CHECK_EQ(op(cmds[i], unmapped + 100), -EFAULT);
        harness_fault_lo = harness_fault_hi = 0;
        take_snap(after);
        CHECK(!memcmp(before, after, sizeof(*before)));
        free(before);
        free(after);
        teardown();
    }

    CASE("read-only argument: a bind's result cannot be returned, so undone")
    {
        static struct evtchn_alloc_unbound au;
        static struct evtchn_bind_interdomain bi;
        static struct evtchn_bind_virq bv;
        static struct evtchn_bind_ipi bp;
        static struct evtchn_status st;
        struct snap *before = calloc(1, sizeof(*before));
        struct snap *after = calloc(1, sizeof(*after));
        long a;

        setup();
        as(d2->vcpu[0]);
        a = alloc_unbound(DOMID_SELF, 1);
        as(d1->vcpu[0]);
        ack_all(d1);
        take_snap(before);

        au = (struct evtchn_alloc_unbound){ .dom = DOMID_SELF,
                                            .remote_dom = 2 };
        guest_ro_lo = (uintptr_t)&au;
        guest_ro_hi = guest_ro_lo + sizeof(au);
        CHECK_EQ(op(EVTCHNOP_alloc_unbound, &au), -EFAULT);

        bi = (struct evtchn_bind_interdomain){ .remote_dom = 2,
                                               .remote_port = a };
        guest_ro_lo = (uintptr_t)&bi;
        guest_ro_hi = guest_ro_lo + sizeof(bi);
        CHECK_EQ(op(EVTCHNOP_bind_interdomain, &bi), -EFAULT);

        bv = (struct evtchn_bind_virq){ .virq = VIRQ_TIMER, .vcpu = 1 };
        guest_ro_lo = (uintptr_t)&bv;
        guest_ro_hi = guest_ro_lo + sizeof(bv);
        CHECK_EQ(op(EVTCHNOP_bind_virq, &bv), -EFAULT);

        bp = (struct evtchn_bind_ipi){ .vcpu = 1 };
        guest_ro_lo = (uintptr_t)&bp;
        guest_ro_hi = guest_ro_lo + sizeof(bp);
        CHECK_EQ(op(EVTCHNOP_bind_ipi, &bp), -EFAULT);

        st = (struct evtchn_status){ .dom = DOMID_SELF, .port = 0 };
        guest_ro_lo = (uintptr_t)&st;
        guest_ro_hi = guest_ro_lo + sizeof(st);
        CHECK_EQ(op(EVTCHNOP_status, &st), -EFAULT);
        guest_ro_lo = guest_ro_hi = 0;

        /* The pending bit the interdomain bind raised went with it. */
        ack_all(d1);
        take_snap(after);
        CHECK(!memcmp(before, after, sizeof(*before)));
        CHECK_EQ(state_of(d2, a), EVTCHNSTAT_unbound);
        /* And the same binds work with a writable argument. */
        CHECK_EQ(bind_inter(2, a), 1);
        free(before);
        free(after);
        teardown();
    }
}

/* ---- a long random sequence with a fixed seed ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static unsigned int rnd(unsigned int n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng % n;
}

static const domid_t ids[] = { 0, 1, 2, 3 };
/* What a guest may name: the domains, one that does not exist, junk. */
static const domid_t any_ids[] = { 0, 1, 2, 3, 1234, DOMID_IO, 0xffff };

static struct domain *random_domain(void)
{
    struct domain *d;

    do
        d = get_domain_by_id(ids[rnd(ARRAY_SIZE(ids))]);
    while ( !d );
    return d;
}

static void test_random(void)
{
    CASE("random: 40000 sub-ops, seed fixed; invariants hold, no leaks")
    {
        static const long ok_errors[] = {
            0, -EINVAL, -ESRCH, -EPERM, -ENOENT, -EEXIST, -ENOSPC,
        };
        unsigned int i, j, hist[6] = { 0 };
        const char *why;
        long rc, used;

        setup();
        mkdom(3, 2, false);
        for ( i = 0; i < 40000; i++ )
        {
            struct domain *d = random_domain();
            domid_t other = any_ids[rnd(ARRAY_SIZE(any_ids))];
            unsigned int port = rnd(10) ? rnd(80) : rnd(NR_PORTS + 10);
            struct evtchn_status st;
            bool known = false;

            as(d->vcpu[rnd(d->max_vcpus)]);
            switch ( rnd(16) )
            {
            case 0: case 1:
                rc = alloc_unbound(rnd(3) ? DOMID_SELF : other,
                                   rnd(3) ? other : DOMID_SELF);
                break;
            case 2: case 3: case 4:
                rc = bind_inter(rnd(4) ? other : DOMID_SELF, port);
                break;
            case 5:
                /* Mostly TIMER, DEBUG, CONSOLE: rebinding them is EEXIST. */
                rc = bind_virq(rnd(4) ? rnd(3) : rnd(NR_VIRQS + 2),
                               rnd(MAX_VCPUS));
                break;
            case 6:
                rc = bind_ipi(rnd(MAX_VCPUS));
                break;
            case 7: case 8: case 9:
                rc = ev_close(port);
                break;
            case 10: case 11:
                if ( rnd(2) )
                    mask(d, port % NR_PORTS);
                rc = ev_send(port);
                break;
            case 12:
                rc = ev_unmask(port);
                break;
            case 13:
                rc = ev_bind_vcpu(port, rnd(MAX_VCPUS + 1));
                break;
            case 14:
                rc = ev_status(rnd(2) ? DOMID_SELF : other, port, &st);
                break;
            default:
                if ( rnd(50) == 0 )
                {
                    /* A domain dies and a new one takes its id. */
                    domid_t id = d->domain_id;
                    unsigned int nv = d->max_vcpus;

                    rmdom(d);
                    d = mkdom(id, nv, id == 0);
                    if ( id == 0 )
                        privileged = d->vcpu[0];
                    rc = 0;
                }
                else if ( rnd(20) == 0 )
                    rc = ev_reset(DOMID_SELF);
                else
                {
                    send_guest_vcpu_virq(d->vcpu[rnd(d->max_vcpus)],
                                         VIRQ_TIMER);
                    send_guest_global_virq(d, VIRQ_DOM_EXC);
                    rc = 0;
                }
            }
            if ( rc > 0 )
                rc = 0;
            for ( j = 0; j < ARRAY_SIZE(ok_errors); j++ )
                known |= rc == ok_errors[j];
            if ( !known )
            {
                check_fail(__FILE__, __LINE__, "unexpected error");
                break;
            }
            hist[rc == 0 ? 0 : rc == -EINVAL ? 1 : rc == -EEXIST ? 2 :
                 rc == -ENOENT ? 3 : rc == -EPERM ? 4 : 5]++;
            if ( (i % 16) == 0 && (used = check_invariants(&why)) < 0 )
            {
                check_fail(__FILE__, __LINE__, why);
                break;
            }
            /* Guests handle their events now and then. */
            if ( rnd(64) == 0 )
                ack_all(d);
        }
        CHECK_INVARIANTS();
        /* Every outcome was exercised. */
        for ( j = 0; j < ARRAY_SIZE(hist); j++ )
            CHECK(hist[j] > 100);
        teardown();
        CHECK_EQ(live_allocs, 0);
    }
}

/* ---- two CPUs locking the same pair of domains from opposite ends ---- */

/* The binder runs until the resetter has done its rounds and it its own. */
#define RESETS  300
#define BINDS   3000

static volatile bool stop;

static unsigned long nr_binds, bad_resets;

/*
 * dom0 links batches of ports with dom1 and closes them from its own end,
 * each bind and close taking both domains' locks.
 */
static void *binder(void *arg)
{
    long mine[32];
    unsigned int n = 0;

    as(d0->vcpu[0]);
    while ( !stop || nr_binds < BINDS )
    {
        long a = alloc_unbound(1, 0), b;

        if ( a > 0 && (b = bind_inter(1, a)) > 0 )
        {
            nr_binds++;
            ev_send(b);
            mine[n++] = b;
        }
        else if ( a == -ENOSPC )
            sched_yield();      /* dom1 is full until the next reset */
        if ( n == ARRAY_SIZE(mine) )
            while ( n )
                ev_close(mine[--n]);
    }
    return NULL;
}

/*
 * Resetting dom1 closes the same links from dom1's end at the same time;
 * VIRQs are raised meanwhile as a timer would.
 */
static void *resetter(void *arg)
{
    unsigned int i;
    long rc;

    for ( i = 0; i < RESETS; i++ )
    {
        struct evtchn_reset r = { .dom = 1 };

        /* -EAGAIN when dom0 opened ports in dom1 meanwhile. */
        rc = op(EVTCHNOP_reset, &r);
        if ( rc != 0 && rc != -EAGAIN )
            bad_resets++;
        send_guest_vcpu_virq(d1->vcpu[0], VIRQ_TIMER);
        send_guest_global_virq(d0, VIRQ_DOM_EXC);
    }
    return NULL;
}

static void on_alarm(int sig)
{
    static const char msg[] = "FAIL: concurrency: deadlock (timed out)\n";

    (void)sig;
    (void)!write(1, msg, sizeof(msg) - 1);
    _exit(1);
}

static void test_concurrency(void)
{
    CASE("concurrency: bind/close against reset of the peer, no deadlock")
    {
        pthread_t t1, t2;

        setup();
        as(d0->vcpu[0]);
        CHECK(bind_virq(VIRQ_DOM_EXC, 0) > 0);
        as(d1->vcpu[0]);
        CHECK(bind_virq(VIRQ_TIMER, 0) > 0);
        d1->pause_count = 1;
        signal(SIGALRM, on_alarm);
        alarm(60);
        /* Both threads act as dom0's vCPU 0 (current is shared). */
        as(d0->vcpu[0]);
        pthread_create(&t1, NULL, binder, NULL);
        pthread_create(&t2, NULL, resetter, NULL);
        pthread_join(t2, NULL);
        stop = true;
        pthread_join(t1, NULL);
        alarm(0);
        CHECK_EQ(bad_resets, 0);
        d1->pause_count = 0;
        CHECK_INVARIANTS();
        teardown();
        CHECK_EQ(live_allocs, 0);
    }
}

int main(void)
{
    test_basics();
    test_interdomain();
    test_virq_ipi();
    test_delivery();
    test_compat();
    test_bind_vcpu_reset();
    test_dump();
    test_table();
    test_faults();
    test_random();
    test_concurrency();
    CASE("lookups give back every domain reference they take")
    {
        for ( unsigned int i = 0; i < MAX_DOMS; i++ )
            CHECK(!doms[i] || doms[i]->refcnt == 0);
    }
    return 0;
}
