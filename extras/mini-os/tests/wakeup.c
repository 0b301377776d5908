/* SPDX-License-Identifier: GPL-2.0-only */
/* Cases for cross-vcpu wake-ups: a poll ends once its port fires. */

#include "test.h"
#include <hypercall.h>
#include <events.h>
#include <time.h>

/*
 * vcpu 1 waits as Linux's PV spinlock waiters do: upcalls masked, it
 * polls a masked port until that port is pending.  Other events for it
 * (an IPI, its own timer) may end a poll early, as Xen allows; it then
 * polls again.  What must never happen is that the port fires and vcpu 1
 * sleeps on: the stall of Linux dom0 under load was exactly that.
 */
#define POLL_GIVE_UP_MS 3000

static evtchn_port_t poll_port;     /* vcpu 1 waits on it, masked */
static evtchn_port_t answer_port;   /* vcpu 0 waits on it (ping-pong) */
static evtchn_port_t v1_timer_port; /* vcpu 1's VIRQ_TIMER, or 0 */
static evtchn_port_t ipi_port;      /* an unmasked IPI for vcpu 1, or 0 */
static volatile unsigned long polls, woken, rounds_done;
static volatile unsigned long rounds_wanted;
static volatile uint64_t vcpu1_timer_ns;    /* a singleshot first, or 0 */
static volatile unsigned long vcpu1_period_ns;  /* a periodic timer, or 0 */
static volatile long vcpu1_error;

static long poll_one(evtchn_port_t *port, uint64_t timeout)
{
    sched_poll_t p = { .nr_ports = 1, .timeout = timeout };

    set_xen_guest_handle(p.ports, port);
    return HYPERVISOR_sched_op(SCHEDOP_poll, &p);
}

/*
 * Forgets vcpu 1's timer events as a guest handling them would, so that
 * the next one kicks it again (an upcall already pending kicks nobody).
 */
static void vcpu1_ack_timer(void)
{
    vcpu_info_t *vi = &shared_info->vcpu_info[1];

    if ( !v1_timer_port )
        return;
    clear_evtchn(v1_timer_port);
    vi->evtchn_pending_sel = 0;
    vi->evtchn_upcall_pending = 0;
}

/* Polls until poll_port is pending (then clears it); false on giving up. */
static bool vcpu1_wait_port(void)
{
    uint64_t give_up = monotonic_clock() + MILLISECS(POLL_GIVE_UP_MS);
    long rc;

    while ( !test_bit(poll_port, shared_info->evtchn_pending) )
    {
        if ( monotonic_clock() >= give_up )
            return false;
        polls++;
        vcpu1_ack_timer();
        rc = poll_one(&poll_port, give_up);
        if ( rc )
        {
            vcpu1_error = rc;
            return false;
        }
    }
    clear_evtchn(poll_port);
    return true;
}

static void vcpu1_poller(void)
{
    struct vcpu_set_singleshot_timer t;
    struct vcpu_set_periodic_timer per;
    long rc;

    if ( vcpu1_timer_ns )
    {
        t.timeout_abs_ns = monotonic_clock() + vcpu1_timer_ns;
        t.flags = 0;
        rc = HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 1, &t);
        if ( rc )
        {
            vcpu1_error = rc;
            return;
        }
    }
    if ( vcpu1_period_ns )
    {
        per.period_ns = vcpu1_period_ns;
        rc = HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 1, &per);
        if ( rc )
        {
            vcpu1_error = rc;
            return;
        }
    }
    while ( rounds_done < rounds_wanted && vcpu1_wait_port() )
    {
        woken++;
        rounds_done++;
        if ( answer_port )
            HYPERVISOR_event_channel_op(EVTCHNOP_send,
                                        &(evtchn_send_t){ answer_port });
    }
    if ( vcpu1_period_ns )
        HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 1, NULL);
    HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 1, NULL);
    vcpu1_ack_timer();
}

/* Waits up to ms for vcpu 1 to be blocked (polling counts as blocked). */
static bool vcpu1_blocked(unsigned int ms)
{
    uint64_t deadline = monotonic_clock() + MILLISECS(ms);
    vcpu_runstate_info_t r;

    for ( ;; )
    {
        if ( HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 1, &r) == 0 &&
             r.state == RUNSTATE_blocked )
            return true;
        if ( monotonic_clock() >= deadline )
            return false;
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
}

static long bind_vcpu1_virq_timer(void)
{
    evtchn_bind_virq_t op = { .virq = VIRQ_TIMER, .vcpu = 1 };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &op);

    return rc ? rc : (long)op.port;
}

/* Fresh ports and counters; vcpu 1 is down, so its vcpu_info is ours. */
static bool setup(unsigned long rounds, bool ping_pong, bool timer)
{
    vcpu_info_t *vi = &shared_info->vcpu_info[1];
    long p;

    poll_port = answer_port = v1_timer_port = ipi_port = 0;
    polls = woken = rounds_done = 0;
    rounds_wanted = rounds;
    vcpu1_timer_ns = vcpu1_period_ns = 0;
    vcpu1_error = 0;
    if ( (p = bind_ipi(1, NULL, NULL)) <= 0 )
        return false;
    poll_port = p;
    mask_evtchn(poll_port);
    clear_evtchn(poll_port);
    if ( ping_pong )
    {
        if ( (p = bind_ipi(0, NULL, NULL)) <= 0 )
            return false;
        answer_port = p;
        mask_evtchn(answer_port);
        clear_evtchn(answer_port);
    }
    if ( timer )
    {
        /* Unmasked below: each expiry sets vcpu 1's upcall_pending. */
        if ( (p = bind_vcpu1_virq_timer()) <= 0 )
            return false;
        v1_timer_port = p;
        clear_evtchn(v1_timer_port);
        clear_bit(v1_timer_port, shared_info->evtchn_mask);
    }
    vi->evtchn_pending_sel = 0;
    vi->evtchn_upcall_pending = 0;
    return true;
}

static void teardown(void)
{
    if ( !vcpu1_wait_down(POLL_GIVE_UP_MS + 1000) )
        test_fail("vcpu 1 still up: it never came back from its poll");
    if ( poll_port )
        unbind_evtchn(poll_port);
    if ( answer_port )
        unbind_evtchn(answer_port);
    if ( v1_timer_port )
        unbind_evtchn(v1_timer_port);
    if ( ipi_port )
        unbind_evtchn(ipi_port);
    shared_info->vcpu_info[1].evtchn_pending_sel = 0;
    shared_info->vcpu_info[1].evtchn_upcall_pending = 0;
}

/*
 * An IPI for vcpu 1 arrives while it polls: its upcall may end the poll,
 * and vcpu 1 polls again; then its port fires.  The hypervisor used to
 * clear only "blocked" on the upcall, leaving vcpu 1 unrunnable because
 * still "polling"; the port's wake-up then found it no longer blocked and
 * queued it nowhere: vcpu 1 slept for good.
 */
static void poll_after_upcall(void)
{
    long p = bind_ipi(1, NULL, NULL);

    CHECK(p > 0, "bind_ipi returned %ld", p);
    ipi_port = p;
    /* Unmasked (mini-os binds ports masked): it raises vcpu 1's upcall. */
    clear_bit(ipi_port, shared_info->evtchn_mask);
    CHECK_RC(vcpu1_start(vcpu1_poller), 0);
    CHECK(vcpu1_blocked(1000), "vcpu 1 never slept in its poll");
    CHECK_RC(notify_remote_via_evtchn(ipi_port), 0);
    msleep(20);
    CHECK(vcpu1_blocked(1000), "vcpu 1 did not poll again");
    CHECK_RC(notify_remote_via_evtchn(poll_port), 0);
    CHECK(wait_for_count(&woken, 1, 1000),
          "vcpu 1 never woke when its port fired (%lu polls): a lost "
          "wake-up", polls);
    CHECK(vcpu1_error == 0, "vcpu 1's poll returned %ld", vcpu1_error);
}

TEST(wakeup, poll_ends_after_an_upcall)
{
    NEED_SECOND_VCPU();
    if ( setup(1, false, false) )
        poll_after_upcall();
    else
        test_fail("could not bind the ports");
    teardown();
}

/* The same with vcpu 1's own timer: Linux's spinlock waiter's case. */
static void poll_after_timer(void)
{
    vcpu1_timer_ns = MILLISECS(5);
    CHECK_RC(vcpu1_start(vcpu1_poller), 0);
    CHECK(wait_for_count(&polls, 1, 1000), "vcpu 1 never polled");
    /* The timer fires mid-poll; vcpu 1 may wake and poll again. */
    msleep(50);
    CHECK(vcpu1_blocked(1000), "vcpu 1 is not polling");
    CHECK_RC(notify_remote_via_evtchn(poll_port), 0);
    CHECK(wait_for_count(&woken, 1, 1000),
          "vcpu 1 never woke when its port fired (%lu polls): a lost "
          "wake-up", polls);
    CHECK(vcpu1_error == 0, "vcpu 1's poll returned %ld", vcpu1_error);
}

TEST(wakeup, poll_ends_after_its_timer)
{
    NEED_SECOND_VCPU();
    if ( setup(1, false, true) )
        poll_after_timer();
    else
        test_fail("could not bind the ports");
    teardown();
}

/*
 * Both vcpus wait on each other in turn, a masked port each, while vcpu
 * 1's 1 ms periodic timer keeps interrupting its polls: every round must
 * be answered.
 */
#define PING_PONG_ROUNDS 300

static void ping_pong(void)
{
    unsigned long i;
    uint64_t give_up;

    CHECK_RC(vcpu1_start(vcpu1_poller), 0);
    for ( i = 0; i < PING_PONG_ROUNDS; i++ )
    {
        CHECK_RC(notify_remote_via_evtchn(poll_port), 0);
        give_up = monotonic_clock() + MILLISECS(1000);
        while ( !test_bit(answer_port, shared_info->evtchn_pending) )
        {
            CHECK(monotonic_clock() < give_up,
                  "round %lu: vcpu 1 never answered (%lu polls)", i, polls);
            CHECK_RC(poll_one(&answer_port, give_up), 0);
        }
        clear_evtchn(answer_port);
    }
    CHECK(rounds_done == PING_PONG_ROUNDS, "%lu rounds", rounds_done);
    CHECK(vcpu1_error == 0, "vcpu 1's poll returned %ld", vcpu1_error);
}

TEST(wakeup, ping_pong_under_timer)
{
    NEED_SECOND_VCPU();
    if ( setup(PING_PONG_ROUNDS, true, true) )
    {
        vcpu1_period_ns = MILLISECS(1);
        ping_pong();
    }
    else
        test_fail("could not bind the ports");
    /* Lets vcpu 1 out of its loop if a round failed. */
    rounds_wanted = 0;
    notify_remote_via_evtchn(poll_port);
    teardown();
}
