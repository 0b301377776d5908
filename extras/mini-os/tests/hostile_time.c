/* SPDX-License-Identifier: GPL-2.0-only */
/* A domU whose own time area holds an odd version: the next update heals it. */

#include "hostile.h"
#include <hypercall.h>
#include <os.h>
#include <time.h>

/*
 * A guest reads its vcpu_info's time fields until it sees the same even
 * version before and after.  The version sits in guest-writable memory:
 * if it ever reads odd between updates (the guest's own stray write, a
 * second writer), an update that only adds one on each side leaves it odd
 * for good, and every clock read spins for ever (found by the fuzzer: its
 * domains hung in monotonic_clock()).  Xen forces the version odd at the
 * start of each update, so the next one leaves it even again.  An update
 * comes when the vCPU is scheduled in (ours) or at the once-a-second
 * calibration while it runs (Xen): alternately poll and spin, with
 * events masked and the time read from the TSC by a copy of the record
 * taken beforehand (no clock reads in between), for up to 3 s.
 */
static vcpu_time_info_t rec;

static uint64_t now_from_copy(void)
{
    uint64_t d = rdtsc() - rec.tsc_timestamp;

    d = rec.tsc_shift < 0 ? d >> -rec.tsc_shift : d << rec.tsc_shift;
    return rec.system_time + tsc_scale(d, rec.tsc_to_system_mul);
}

HOSTILE(hostile_time, odd_version_heals)
{
    evtchn_alloc_unbound_t a = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct vcpu_time_info *t = &this_vcpu()->time;
    uint64_t end;
    unsigned long flags;
    uint32_t v = 1;

    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a), 0);
    flags = irq_save();
    do {
        rec = *(volatile vcpu_time_info_t *)t;
    } while ( (rec.version & 1) || rec.version != ACCESS_ONCE(t->version) );
    end = now_from_copy() + MILLISECS(3000);
    t->version |= 1;
    for ( unsigned int i = 0; (v & 1) && now_from_copy() < end; i++ )
    {
        if ( i & 1 )
        {
            uint64_t spin = now_from_copy() + MILLISECS(20);

            while ( (ACCESS_ONCE(t->version) & 1) && now_from_copy() < spin )
                asm volatile ( "pause" );
        }
        else
        {
            sched_poll_t p = { .nr_ports = 1,
                               .timeout = now_from_copy() + MILLISECS(1) };

            set_xen_guest_handle(p.ports, &a.port);
            HYPERVISOR_sched_op(SCHEDOP_poll, &p);
        }
        v = ACCESS_ONCE(t->version);
    }
    /* Still odd: put it right ourselves, or the verdict's clock reads spin. */
    if ( v & 1 )
        t->version++;
    irq_restore(flags);
    CHECK(!(v & 1), "time version still odd (%u) after 3 s", v);
}
