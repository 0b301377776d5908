/* SPDX-License-Identifier: GPL-2.0-only */
/* An unprivileged domU asking for timers too far away to be armed. */

#include "hostile.h"
#include <hypercall.h>
#include <os.h>

/*
 * A periodic period so long that "now plus a period" wraps to the past
 * would fire at once and re-arm itself for ever, holding a physical CPU
 * (found by the fuzzer: the whole machine stopped).  Xen refuses periods
 * above a quarter of the clock's range; one at that limit is accepted.
 */
HOSTILE(unpriv_timer, periodic_period_wraps)
{
    static const uint64_t too_long[] = {
        0x8000000000000000ULL, ~0ULL, 0x4000000000000000ULL,
    };

    for ( unsigned int i = 0; i < ARRAY_SIZE(too_long); i++ )
    {
        vcpu_set_periodic_timer_t p = { .period_ns = too_long[i] };

        CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &p),
                 -XEN_EINVAL);
    }
    {
        vcpu_set_periodic_timer_t p = { .period_ns = ~0UL >> 2 };

        CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &p), 0);
        CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    }
}
