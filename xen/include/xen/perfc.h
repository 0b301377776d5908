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
    PERFC_mmu_update_entry = PERFC_vcpu_op + 32,
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
    PERFC_NR
};

#ifdef CONFIG_DEBUG
#include <xen/percpu.h>

DECLARE_PER_CPU(unsigned long[PERFC_NR], perfc);
#define perfc_incr(c) (this_cpu(perfc)[PERFC_##c]++)
/* Element i of an array counter; out-of-range ones share its last. */
#define perfc_incra(c, i, n)                                                  \
    (this_cpu(perfc)[PERFC_##c + ((i) < (n) ? (i) : (n)-1)]++)
#else
#define perfc_incr(c)        ((void)0)
#define perfc_incra(c, i, n) ((void)0)
#endif

#endif /* XEN_PERFC_H */
