/* SPDX-License-Identifier: GPL-2.0-only */
/* Xen system time (ns since boot), the one-shot timer and blocking. */

#include <lib.h>
#include <time.h>
#include <events.h>
#include <hypercall.h>
#include <sched.h>

long timer_port = -1;
unsigned long timer_ticks;
uint64_t timer_last_ns;

uint64_t monotonic_clock(void)
{
    const volatile vcpu_time_info_t *t = &this_vcpu()->time;
    uint32_t version, mul;
    uint64_t stamp, base, delta;
    int8_t shift;

    /* Xen makes version odd while it updates the record. */
    do {
        version = t->version;
        rmb();
        stamp = t->tsc_timestamp;
        base = t->system_time;
        mul = t->tsc_to_system_mul;
        shift = t->tsc_shift;
        rmb();
    } while ( (version & 1) || version != t->version );

    delta = rdtsc() - stamp;
    if ( shift < 0 )
        delta >>= -shift;
    else
        delta <<= shift;
    return base + tsc_scale(delta, mul);
}

void wallclock(uint64_t *sec, uint32_t *nsec)
{
    const volatile shared_info_t *s = shared_info;
    uint32_t version;

    do {
        version = s->wc_version;
        rmb();
        *sec = ((uint64_t)s->xen_wc_sec_hi << 32) | s->wc_sec;
        *nsec = s->wc_nsec;
        rmb();
    } while ( (version & 1) || version != s->wc_version );
}

static void timer_handler(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    timer_last_ns = monotonic_clock();
    timer_ticks++;
}

void block_until(uint64_t deadline)
{
    struct thread *me = current_thread;

    /* Other threads run meanwhile; with none, the vCPU blocks. */
    me->wakeup = deadline;
    me->sleeping = true;
    while ( monotonic_clock() < deadline )
        schedule();
    me->sleeping = false;
}

void msleep(unsigned int ms)
{
    block_until(monotonic_clock() + MILLISECS(ms));
}

void time_init(void)
{
    /* Xen gives every vcpu a periodic tick; we only want the timers we set. */
    HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
    timer_port = bind_virq(VIRQ_TIMER, timer_handler, NULL);
    if ( timer_port < 0 )
        panic("binding VIRQ_TIMER failed: %ld", timer_port);
}
