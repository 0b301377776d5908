/* SPDX-License-Identifier: GPL-2.0-only */
/* Debug-build event counters (what a workload makes the hypervisor do). */
#ifndef XEN_PERFC_H
#define XEN_PERFC_H

/*
 * Counts per CPU of the guest-visible work: hypercalls by number (direct
 * and inside multicalls), mmuext commands, mmu_update entries, guest-mode
 * exceptions by vector and what became of them, TLB flushes, context
 * switches.  Debug key 'p' prints the sums over CPUs, 'P' zeroes them, as
 * on Xen (dom0: `xl debug-keys P`, run something, `xl debug-keys p`), so
 * a workload's counts per iteration can be compared between changes.
 * Release builds count nothing: the macros are empty.
 */
enum perfc_counter {
    PERFC_hypercall,                           /* [nr], 64 */
    PERFC_multicall_op = PERFC_hypercall + 64, /* [nr], 64 */
    PERFC_mmuext_op = PERFC_multicall_op + 64, /* [cmd], 32 */
    PERFC_exception = PERFC_mmuext_op + 32,    /* [vector], 32 */
    PERFC_vcpu_op = PERFC_exception + 32,      /* [cmd], 32 */
    /*
     * spin_lock() finding the lock taken, by class (its rank in
     * docs/misc/locking.md), and the TSC cycles it then waited, in
     * thousands: under emulation a holder whose thread the host stopped
     * keeps the others spinning for milliseconds.
     */
    PERFC_lock_wait = PERFC_vcpu_op + 32,           /* [class], 32 */
    PERFC_lock_wait_kcycles = PERFC_lock_wait + 32, /* [class], 32 */
    PERFC_mmu_update_entry = PERFC_lock_wait_kcycles + 32,
    PERFC_ptwr_emulated,
    PERFC_priv_op_emulated,
    PERFC_user_syscall,
    PERFC_upcall,
    PERFC_context_switch,
    PERFC_flush_all_local,
    PERFC_flush_one_local,
    PERFC_flush_ipi,
    PERFC_cr3_write,
    PERFC_mode_toggle,
    /*
     * What an interrupt's way to a guest is made of (totals divided by a
     * run's interrupts say what each costs; the slow parts under
     * emulation are the register accesses and the IPIs).
     */
    PERFC_gsi_irq,        /* a guest's IO-APIC interrupt */
    PERFC_msi_irq,        /* a guest's MSI or MSI-X interrupt */
    PERFC_timer_irq,      /* the local APIC timer */
    PERFC_event_check_in, /* an event-check IPI */
    PERFC_call_func_in,   /* a call-function IPI (TLB flushes among them) */
    PERFC_ipi_out,        /* an IPI sent */
    PERFC_lapic_eoi,      /* a local APIC EOI written */
    PERFC_ioapic_read,    /* an IO-APIC register read (select + window) */
    PERFC_ioapic_write,   /* an IO-APIC register written */
    PERFC_kick_wake,      /* an event woke a blocked vCPU */
    PERFC_kick_ipi,       /* an event interrupted a vCPU on another CPU */
    PERFC_softirq_ipi,    /* a softirq raised on another CPU (wake-ups) */
    PERFC_to_idle,        /* a CPU went idle */
    PERFC_tables_kept,    /* a vCPU came back to tables still loaded */
    PERFC_tables_loaded,  /* a vCPU's page tables were loaded (a flush) */
    PERFC_physdev_eoi,    /* PHYSDEVOP_eoi */
    PERFC_vcpu_moved,     /* a vCPU's interrupts followed it to a CPU */
    PERFC_msi_write,      /* an MSI message (re)written */
    PERFC_NR
};

#ifdef CONFIG_DEBUG
#include <xen/percpu.h>

DECLARE_PER_CPU(unsigned long[PERFC_NR], perfc);
#define perfc_incr(c) (this_cpu(perfc)[PERFC_##c]++)
/* Adds v to element i of an array counter; out-of-range ones share its last.
 */
#define perfc_adda(c, i, n, v)                                                \
    (this_cpu(perfc)[PERFC_##c + ((i) < (n) ? (i) : (n)-1)] += (v))
#define perfc_incra(c, i, n) perfc_adda(c, i, n, 1)
#else
#define perfc_incr(c)          ((void)0)
#define perfc_incra(c, i, n)   ((void)0)
#define perfc_adda(c, i, n, v) ((void)0)
#endif

#endif /* XEN_PERFC_H */
