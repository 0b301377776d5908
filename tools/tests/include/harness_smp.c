/* SPDX-License-Identifier: GPL-2.0-only */
/* The CPU maps the hypervisor's SMP code owns: tests get one online CPU. */
#include <xen/cpumask.h>
#include <xen/softirq.h>

cpumask_t cpu_online_map = { .bits = { 1 } };
cpumask_t cpu_present_map = { .bits = { 1 } };

/*
 * common/softirq.c's batching of wake-up IPIs (not linked here): with one
 * CPU no IPI is ever owed, so there is nothing to hold back.
 */
void cpu_raise_softirq_batch_begin(void)
{
}

void cpu_raise_softirq_batch_finish(void)
{
}
