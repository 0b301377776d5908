/* SPDX-License-Identifier: GPL-2.0-only */
/* Stand-ins for what hypercall_preempt_check() asks, under test control. */
#include <xen/event.h>
#include <xen/hypercall.h>
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

/*
 * The hypercall table's argument counts (arch/x86/hypercall.c, not built
 * here) for the calls that continue themselves.
 */
unsigned int hypercall_nargs(unsigned int op)
{
    switch ( op )
    {
    case __HYPERVISOR_mmu_update:
    case __HYPERVISOR_mmuext_op:
        return 4;
    case __HYPERVISOR_grant_table_op:
    case __HYPERVISOR_console_io:
        return 3;
    case __HYPERVISOR_memory_op:
    case __HYPERVISOR_multicall:
        return 2;
    case __HYPERVISOR_domctl:
        return 1;
    }
    return 0;
}
