/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-CPU counts of what interrupts cost (debug builds; debug key 'I'). */
#ifndef ASM_X86_IRQ_STATS_H
#define ASM_X86_IRQ_STATS_H

/*
 * What an interrupt's way to a guest is made of, counted per CPU so that
 * a run's totals divided by its interrupts say what each one costs (the
 * slow parts under emulation are the register accesses and the IPIs).
 */
enum irq_stat {
    IRQ_STAT_GSI,          /* a guest's IO-APIC interrupt */
    IRQ_STAT_MSI,          /* a guest's MSI or MSI-X interrupt */
    IRQ_STAT_TIMER,        /* the local APIC timer */
    IRQ_STAT_IPI_IN,       /* an event check IPI */
    IRQ_STAT_CALL_IN,      /* a call-function IPI (TLB flushes among them) */
    IRQ_STAT_IPI_OUT,      /* an IPI sent */
    IRQ_STAT_APIC_EOI,     /* a local APIC EOI written */
    IRQ_STAT_IOAPIC_READ,  /* an IO-APIC register read (select + window) */
    IRQ_STAT_IOAPIC_WRITE, /* an IO-APIC register written */
    IRQ_STAT_KICK_WAKE,    /* an event woke a blocked vCPU */
    IRQ_STAT_KICK_IPI,     /* an event interrupted a vCPU on another CPU */
    IRQ_STAT_SOFTIRQ_IPI,  /* a softirq raised on another CPU (wake-ups) */
    IRQ_STAT_TO_IDLE,      /* a CPU went idle */
    IRQ_STAT_TABLES_KEPT,  /* a vCPU came back to tables still loaded */
    IRQ_STAT_TABLES_LOAD,  /* a vCPU's page tables were loaded (a flush) */
    IRQ_STAT_GUEST_EOI,    /* PHYSDEVOP_eoi */
    IRQ_STAT_VCPU_MOVED,   /* a vCPU's interrupts followed it to a CPU */
    IRQ_STAT_MSI_WRITE,    /* an MSI message (re)written */
    NR_IRQ_STATS
};

#ifdef CONFIG_DEBUG
void irq_stat(enum irq_stat s);
#else
static inline void irq_stat(enum irq_stat s)
{
}
#endif

#endif /* ASM_X86_IRQ_STATS_H */
