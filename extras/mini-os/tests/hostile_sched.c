/* SPDX-License-Identifier: GPL-2.0-only */
/* An unprivileged domU on sched_op's dom0-only sub-ops: refused. */

#include "hostile.h"
#include <hypercall.h>

/*
 * Shutting down another domain is the toolstack's: Xen looks the domain
 * up, then refuses anyone but its control domain (or device model) with
 * -EPERM.  dom0 is the victim, the domain that always exists; were the
 * check gone, it would be powered off and the whole run with it.
 */
HOSTILE(unpriv_sched, remote_shutdown_refused)
{
    sched_remote_shutdown_t r = { .domain_id = 0,
                                  .reason = SHUTDOWN_poweroff };

    CHECK_RC(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &r), -XEN_EPERM);
}

/* Pinning a vCPU to a physical CPU is the hardware domain's alone. */
HOSTILE(unpriv_sched, pin_override_refused)
{
    sched_pin_override_t p = { .pcpu = 0 };

    CHECK_RC(HYPERVISOR_sched_op(SCHEDOP_pin_override, &p), -XEN_EPERM);
    p.pcpu = -1;
    CHECK_RC(HYPERVISOR_sched_op(SCHEDOP_pin_override, &p), -XEN_EPERM);
}
