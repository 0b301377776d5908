/* SPDX-License-Identifier: GPL-2.0-only */
/* Stand-ins for what hypercall_preempt_check() asks, under test control. */
#include <xen/event.h>
#include <xen/softirq.h>
#include "preempt.h"

unsigned int harness_preempt_every, harness_preempt_checks;

/* Only the preemption check asks, so each question is one check. */
bool softirq_pending(unsigned int cpu)
{
    harness_preempt_checks++;
    return harness_preempt_every &&
           harness_preempt_checks % harness_preempt_every == 0;
}

bool local_events_need_delivery(const struct vcpu *v)
{
    return false;
}
