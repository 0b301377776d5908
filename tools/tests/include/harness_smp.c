/* SPDX-License-Identifier: GPL-2.0-only */
/* The CPU maps the hypervisor's SMP code owns: tests get one online CPU. */
#include <xen/cpumask.h>

cpumask_t cpu_online_map = { .bits = { 1 } };
cpumask_t cpu_present_map = { .bits = { 1 } };
