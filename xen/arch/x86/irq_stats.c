/* SPDX-License-Identifier: GPL-2.0-only */
/* Debug key 'I': per-CPU counts of the interrupt path's steps, then reset. */
#include <xen/cpumask.h>
#include <xen/keyhandler.h>
#include <xen/lib.h>
#include <xen/percpu.h>
#include <xen/smp.h>
#include <asm/irq_stats.h>

static DEFINE_PER_CPU(unsigned long[NR_IRQ_STATS], irq_stats);

static const char *const names[NR_IRQ_STATS] = {
    [IRQ_STAT_GSI] = "gsi-irqs",
    [IRQ_STAT_MSI] = "msi-irqs",
    [IRQ_STAT_TIMER] = "timer-irqs",
    [IRQ_STAT_IPI_IN] = "event-check-in",
    [IRQ_STAT_CALL_IN] = "call-func-in",
    [IRQ_STAT_IPI_OUT] = "ipis-out",
    [IRQ_STAT_APIC_EOI] = "lapic-eois",
    [IRQ_STAT_IOAPIC_READ] = "ioapic-reads",
    [IRQ_STAT_IOAPIC_WRITE] = "ioapic-writes",
    [IRQ_STAT_KICK_WAKE] = "kick-wakes",
    [IRQ_STAT_KICK_IPI] = "kick-ipis",
    [IRQ_STAT_SOFTIRQ_IPI] = "softirq-ipis",
    [IRQ_STAT_TO_IDLE] = "to-idle",
    [IRQ_STAT_TABLES_KEPT] = "tables-kept",
    [IRQ_STAT_TABLES_LOAD] = "tables-loaded",
    [IRQ_STAT_GUEST_EOI] = "physdev-eois",
    [IRQ_STAT_VCPU_MOVED] = "vcpu-moves",
    [IRQ_STAT_MSI_WRITE] = "msi-writes",
};

/* Racy against the CPU counting (no atomics on the hot path): a hint. */
void irq_stat(enum irq_stat s)
{
    this_cpu(irq_stats)[s]++;
}

static void dump_irq_stats(unsigned char key)
{
    unsigned int cpu;

    printk("Interrupt path counts since the last 'I' (then reset):\n");
    for ( unsigned int s = 0; s < NR_IRQ_STATS; s++ )
    {
        unsigned long total = 0;

        for_each_online_cpu(cpu)
        {
            total += per_cpu(irq_stats, cpu)[s];
            per_cpu(irq_stats, cpu)[s] = 0;
        }
        printk("  %-14s %lu\n", names[s], total);
    }
}
KEYHANDLER('I', dump_irq_stats, "interrupt path counts (and reset)");
