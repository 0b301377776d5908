/* SPDX-License-Identifier: GPL-2.0-only */
/* Bringing up the APs, CPU numbering and inter-processor interrupts. */
#ifndef ASM_X86_SMP_H
#define ASM_X86_SMP_H

#include <xen/cpumask.h>
#include <xen/types.h>

/* APIC ID of each CPU number; BAD_APICID where there is no such CPU. */
#define BAD_APICID (~0U)
extern unsigned int x86_cpu_to_apicid[NR_CPUS];
#define cpu_physical_id(cpu) (x86_cpu_to_apicid[cpu])

static inline unsigned int num_online_cpus(void)
{
    return cpumask_weight(&cpu_online_map);
}

static inline unsigned int num_present_cpus(void)
{
    return cpumask_weight(&cpu_present_map);
}

struct acpi_madt_info;
struct boot_info;

/*
 * Starts every AP listed (enabled) in the MADT, up to NR_CPUS and
 * "maxcpus=", one at a time; an AP that does not come up is reported
 * and left out.  Call after init_xen_time(), with the heap up (for the
 * APs' stacks).  Without a MADT (madt NULL or not present) the boot CPU
 * runs alone.  The APs start in a RAM page below 1 MiB found from bi's
 * memory map, which relies on setup keeping the first MiB from the
 * allocators.
 */
void smp_boot_cpus(const struct acpi_madt_info *madt,
                   const struct boot_info *bi);

/* Fixed-vector IPIs. */
void send_IPI_mask(const cpumask_t *mask, unsigned int vector);
/*
 * Runs fn(info) on every online CPU in mask (the caller's too, with
 * interrupts off) and returns when all have finished.  Interrupts must be
 * enabled; handlers may print but must not wait for other CPUs.
 */
void on_selected_cpus(const cpumask_t *mask, void (*fn)(void *info),
                      void *info);
void smp_call_init(void);

/* Wakes cpu (from hlt) so that it looks at its pending softirqs. */
void send_event_check_ipi(unsigned int cpu);

#endif /* ASM_X86_SMP_H */
