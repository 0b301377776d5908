/* SPDX-License-Identifier: GPL-2.0-only */
/* Cases for event_channel_op: binding, sending, masking, status, refusals. */

#include "test.h"
#include <hypercall.h>
#include <events.h>
#include <time.h>

static void count_handler(evtchn_port_t port, void *data)
{
    (void)port;
    (*(volatile unsigned long *)data)++;
}

static long status_of(domid_t dom, evtchn_port_t port, evtchn_status_t *st)
{
    memset(st, 0, sizeof(*st));
    st->dom = dom;
    st->port = port;
    return HYPERVISOR_event_channel_op(EVTCHNOP_status, st);
}

static long close_port(evtchn_port_t port)
{
    evtchn_close_t op = { .port = port };

    return HYPERVISOR_event_channel_op(EVTCHNOP_close, &op);
}

TEST(evtchn, alloc_unbound_status_close)
{
    long p = alloc_unbound(DOMID_SELF, NULL, NULL);
    evtchn_status_t st;

    CHECK(p > 0, "alloc_unbound returned %ld", p);
    CHECK_RC(status_of(DOMID_SELF, p, &st), 0);
    CHECK(st.status == EVTCHNSTAT_unbound, "status %u", st.status);
    /* DOMID_SELF as the remote end is stored as our real id, 0. */
    CHECK(st.u.unbound.dom == 0, "remote %u", st.u.unbound.dom);
    CHECK_RC(unbind_evtchn(p), 0);
    CHECK_RC(status_of(DOMID_SELF, p, &st), 0);
    CHECK(st.status == EVTCHNSTAT_closed, "status %u", st.status);
}

TEST(evtchn, interdomain_loopback)
{
    static volatile unsigned long a_hits, b_hits;
    long a = alloc_unbound(DOMID_SELF, count_handler, (void *)&a_hits);
    evtchn_bind_interdomain_t bind = { .remote_dom = DOMID_SELF };
    evtchn_status_t st;

    CHECK(a > 0, "alloc_unbound returned %ld", a);
    bind.remote_port = a;
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bind),
             0);
    set_evtchn_handler(bind.local_port, count_handler, (void *)&b_hits);
    a_hits = b_hits = 0;
    CHECK_RC(notify_remote_via_evtchn(bind.local_port), 0);
    CHECK(wait_for_count(&a_hits, 1, 100), "no event at the other end");
    CHECK_RC(notify_remote_via_evtchn(a), 0);
    CHECK(wait_for_count(&b_hits, 1, 100), "no event back");
    CHECK(a_hits == 1 && b_hits == 1, "hits %lu/%lu", a_hits, b_hits);
    CHECK_RC(status_of(DOMID_SELF, bind.local_port, &st), 0);
    CHECK(st.status == EVTCHNSTAT_interdomain && (long)st.u.interdomain.port == a,
          "status %u port %u", st.status, st.u.interdomain.port);
    /* Closing one end leaves the other waiting for a new partner. */
    CHECK_RC(unbind_evtchn(bind.local_port), 0);
    CHECK_RC(status_of(DOMID_SELF, a, &st), 0);
    CHECK(st.status == EVTCHNSTAT_unbound, "status %u", st.status);
    CHECK_RC(unbind_evtchn(a), 0);
}

TEST(evtchn, bind_interdomain_to_bound_port_refused)
{
    evtchn_bind_interdomain_t bind = {
        .remote_dom = DOMID_SELF, .remote_port = timer_port,
    };

    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bind),
             -XEN_EINVAL);
}

TEST(evtchn, bind_interdomain_wrong_remote_refused)
{
    long p = alloc_unbound(1234, NULL, NULL);
    evtchn_bind_interdomain_t bind = { .remote_dom = DOMID_SELF };
    evtchn_status_t st;

    /* The remote domain need not exist yet (the toolstack relies on it)... */
    CHECK(p > 0, "alloc_unbound returned %ld", p);
    CHECK_RC(status_of(DOMID_SELF, p, &st), 0);
    CHECK(st.u.unbound.dom == 1234, "remote %u", st.u.unbound.dom);
    /* ...but only that domain may bind to it. */
    bind.remote_port = p;
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bind),
             -XEN_EINVAL);
    CHECK_RC(unbind_evtchn(p), 0);
}

TEST(evtchn, alloc_unbound_for_missing_domain)
{
    evtchn_alloc_unbound_t op = { .dom = 1234, .remote_dom = 0 };

    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &op),
             -XEN_ESRCH);
}

TEST(evtchn, virq_timer_status)
{
    evtchn_status_t st;

    CHECK(timer_port > 0, "no timer port");
    CHECK_RC(status_of(DOMID_SELF, timer_port, &st), 0);
    CHECK(st.status == EVTCHNSTAT_virq && st.u.virq == VIRQ_TIMER &&
          st.vcpu == 0, "status %u virq %u vcpu %u", st.status, st.u.virq,
          st.vcpu);
}

TEST(evtchn, bind_virq_twice_refused)
{
    evtchn_bind_virq_t op = { .virq = VIRQ_TIMER, .vcpu = 0 };

    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &op),
             -XEN_EEXIST);
}

TEST(evtchn, bind_virq_invalid_refused)
{
    evtchn_bind_virq_t op = { .virq = NR_VIRQS, .vcpu = 0 };

    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &op),
             -XEN_EINVAL);
}

TEST(evtchn, bind_virq_no_such_vcpu)
{
    evtchn_bind_virq_t op = { .virq = VIRQ_DEBUG, .vcpu = 99 };

    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &op),
             -XEN_ENOENT);
}

TEST(evtchn, bind_virq_global_on_vcpu1_refused)
{
    evtchn_bind_virq_t op = { .virq = VIRQ_CON_RING, .vcpu = 1 };

    /* Global VIRQs are bound on vcpu 0 and moved with bind_vcpu. */
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &op),
             -XEN_EINVAL);
}

TEST(evtchn, bind_virq_global_and_close)
{
    evtchn_bind_virq_t op = { .virq = VIRQ_CON_RING, .vcpu = 0 };
    evtchn_status_t st;

    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &op), 0);
    CHECK_RC(status_of(DOMID_SELF, op.port, &st), 0);
    CHECK(st.status == EVTCHNSTAT_virq && st.u.virq == VIRQ_CON_RING,
          "status %u virq %u", st.status, st.u.virq);
    CHECK_RC(close_port(op.port), 0);
}

TEST(evtchn, ipi_send_delivers)
{
    static volatile unsigned long hits;
    long p = bind_ipi(0, count_handler, (void *)&hits);
    evtchn_status_t st;

    CHECK(p > 0, "bind_ipi returned %ld", p);
    hits = 0;
    CHECK_RC(notify_remote_via_evtchn(p), 0);
    CHECK(wait_for_count(&hits, 1, 100), "no event");
    CHECK_RC(notify_remote_via_evtchn(p), 0);
    CHECK(wait_for_count(&hits, 2, 100), "no second event");
    CHECK_RC(status_of(DOMID_SELF, p, &st), 0);
    CHECK(st.status == EVTCHNSTAT_ipi && st.vcpu == 0, "status %u",
          st.status);
    CHECK_RC(unbind_evtchn(p), 0);
}

TEST(evtchn, ipi_no_such_vcpu)
{
    evtchn_bind_ipi_t op = { .vcpu = 99 };

    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &op),
             -XEN_ENOENT);
}

TEST(evtchn, masked_port_stays_pending)
{
    static volatile unsigned long hits;
    long p = bind_ipi(0, count_handler, (void *)&hits);
    evtchn_unmask_t um;

    CHECK(p > 0, "bind_ipi returned %ld", p);
    hits = 0;
    mask_evtchn(p);
    CHECK_RC(notify_remote_via_evtchn(p), 0);
    CHECK(!wait_for_count(&hits, 1, 20), "delivered while masked");
    CHECK(test_bit(p, shared_info->evtchn_pending), "not pending");
    /* EVTCHNOP_unmask re-raises the upcall for a pending port. */
    um.port = p;
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &um), 0);
    CHECK(wait_for_count(&hits, 1, 100), "not delivered after unmask");
    CHECK_RC(unbind_evtchn(p), 0);
}

TEST(evtchn, local_unmask_delivers)
{
    static volatile unsigned long hits;
    long p = bind_ipi(0, count_handler, (void *)&hits);

    CHECK(p > 0, "bind_ipi returned %ld", p);
    hits = 0;
    mask_evtchn(p);
    CHECK_RC(notify_remote_via_evtchn(p), 0);
    CHECK(hits == 0, "delivered while masked");
    unmask_evtchn(p);
    CHECK(wait_for_count(&hits, 1, 100), "not delivered after unmask");
    CHECK_RC(unbind_evtchn(p), 0);
}

TEST(evtchn, upcall_flags_while_masked)
{
    static volatile unsigned long hits;
    long p = bind_ipi(0, count_handler, (void *)&hits);
    vcpu_info_t *v = this_vcpu();
    unsigned int word = p / (8 * sizeof(xen_ulong_t));
    bool pending, sel, upcall;

    CHECK(p > 0, "bind_ipi returned %ld", p);
    hits = 0;
    local_irq_disable();
    notify_remote_via_evtchn(p);
    pending = test_bit(p, shared_info->evtchn_pending);
    sel = test_bit(word, &v->evtchn_pending_sel);
    upcall = v->evtchn_upcall_pending;
    local_irq_enable();
    /* Xen sets the port bit, then the selector bit, then the vcpu flag. */
    CHECK(pending && sel && upcall, "pending %d sel %d upcall %d", pending,
          sel, upcall);
    CHECK(wait_for_count(&hits, 1, 100), "not delivered after enable");
    CHECK_RC(unbind_evtchn(p), 0);
}

TEST(evtchn, close_closed_refused)
{
    long p = alloc_unbound(DOMID_SELF, NULL, NULL);

    CHECK(p > 0, "alloc_unbound returned %ld", p);
    CHECK_RC(close_port(p), 0);
    CHECK_RC(close_port(p), -XEN_EINVAL);
}

TEST(evtchn, send_closed_refused)
{
    long p = alloc_unbound(DOMID_SELF, NULL, NULL);

    CHECK(p > 0, "alloc_unbound returned %ld", p);
    CHECK_RC(close_port(p), 0);
    CHECK_RC(notify_remote_via_evtchn(p), -XEN_EINVAL);
}

TEST(evtchn, send_unbound_dropped)
{
    long p = alloc_unbound(DOMID_SELF, NULL, NULL);

    CHECK(p > 0, "alloc_unbound returned %ld", p);
    /* Nobody is listening: Xen drops the notification. */
    CHECK_RC(notify_remote_via_evtchn(p), 0);
    CHECK(!test_bit(p, shared_info->evtchn_pending), "pending");
    CHECK_RC(close_port(p), 0);
}

TEST(evtchn, port_out_of_range_refused)
{
    evtchn_status_t st;
    evtchn_unmask_t um = { .port = 100000 };

    CHECK_RC(notify_remote_via_evtchn(100000), -XEN_EINVAL);
    CHECK_RC(close_port(100000), -XEN_EINVAL);
    CHECK_RC(status_of(DOMID_SELF, 100000, &st), -XEN_EINVAL);
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &um), -XEN_EINVAL);
}

TEST(evtchn, status_missing_domain)
{
    evtchn_status_t st;

    CHECK_RC(status_of(1234, 1, &st), -XEN_ESRCH);
}

TEST(evtchn, bind_vcpu)
{
    long p = alloc_unbound(DOMID_SELF, NULL, NULL);
    evtchn_bind_vcpu_t op;
    evtchn_status_t st;

    NEED_SECOND_VCPU();

    CHECK(p > 0, "alloc_unbound returned %ld", p);
    op.port = p;
    op.vcpu = 1;
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &op), 0);
    CHECK_RC(status_of(DOMID_SELF, p, &st), 0);
    CHECK(st.vcpu == 1, "vcpu %u", st.vcpu);
    op.vcpu = 99;
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &op),
             -XEN_ENOENT);
    CHECK_RC(unbind_evtchn(p), 0);
}

TEST(evtchn, bind_vcpu_ipi_refused)
{
    long p = bind_ipi(0, NULL, NULL);
    evtchn_bind_vcpu_t op = { .vcpu = 0 };

    CHECK(p > 0, "bind_ipi returned %ld", p);
    /* IPI and per-vcpu VIRQ ports belong to their vcpu for good. */
    op.port = p;
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &op),
             -XEN_EINVAL);
    op.port = timer_port;
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &op),
             -XEN_EINVAL);
    CHECK_RC(unbind_evtchn(p), 0);
}

TEST(evtchn, many_ports)
{
    static long ports[200];
    unsigned int i, j;

    for ( i = 0; i < ARRAY_SIZE(ports); i++ )
    {
        ports[i] = alloc_unbound(DOMID_SELF, NULL, NULL);
        CHECK(ports[i] > 0, "port %u: %ld", i, ports[i]);
        for ( j = 0; j < i; j++ )
            CHECK(ports[j] != ports[i], "port %ld twice", ports[i]);
    }
    for ( i = 0; i < ARRAY_SIZE(ports); i++ )
        CHECK_RC(close_port(ports[i]), 0);
}

TEST(evtchn, set_priority_needs_fifo)
{
    evtchn_set_priority_t op = { .port = timer_port, .priority = 1 };

    /* Priorities exist only in the FIFO ABI; we use 2-level. */
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_set_priority, &op),
             -XEN_ENOSYS);
}

TEST(evtchn, expand_array_needs_fifo)
{
    evtchn_expand_array_t op = { .array_gfn = 0 };

    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_expand_array, &op),
             -XEN_EOPNOTSUPP);
}

TEST(evtchn, unknown_op)
{
    CHECK_RC(HYPERVISOR_event_channel_op(99, NULL), -XEN_ENOSYS);
}

TEST(evtchn, bad_pointer)
{
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, BAD_PTR),
             -XEN_EFAULT);
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_status, XEN_PTR),
             -XEN_EFAULT);
}
