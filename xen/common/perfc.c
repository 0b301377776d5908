/* SPDX-License-Identifier: GPL-2.0-only */
/* Debug keys 'p' and 'P': print and zero the event counters (xen/perfc.h). */
#include <xen/keyhandler.h>
#include <xen/lib.h>
#include <xen/perfc.h>
#include <xen/cpumask.h>

#ifdef CONFIG_DEBUG

DEFINE_PER_CPU(unsigned long[PERFC_NR], perfc);

/* The single counters' names, in enum order from PERFC_mmu_update_entry. */
static const char *const names[] = {
    "mmu_update_entry", "ptwr_emulated",   "priv_op_emulated",
    "user_syscall",     "upcall",          "context_switch",
    "flush_all_local",  "flush_one_local", "flush_ipi",
    "cr3_write",        "mode_toggle",     "gsi_irq",
    "msi_irq",          "timer_irq",       "event_check_in",
    "call_func_in",     "ipi_out",         "lapic_eoi",
    "ioapic_read",      "ioapic_write",    "kick_wake",
    "kick_ipi",         "softirq_ipi",     "to_idle",
    "tables_kept",      "tables_loaded",   "physdev_eoi",
    "vcpu_moved",       "msi_write",
};
BUILD_BUG_ON(ARRAY_SIZE(names) != PERFC_NR - PERFC_mmu_update_entry);

static unsigned long sum(unsigned int c)
{
    unsigned long n = 0;
    unsigned int cpu;

    for_each_online_cpu(cpu) n += per_cpu(perfc, cpu)[c];
    return n;
}

/* One line per array element or counter that is not zero. */
static void print_array(const char *name, unsigned int first, unsigned int n)
{
    for ( unsigned int i = 0; i < n; i++ )
    {
        unsigned long v = sum(first + i);

        if ( v )
            printk("PERFC: %s[%u] %lu\n", name, i, v);
    }
}

static void perfc_print(unsigned char key)
{
    print_array("hypercall", PERFC_hypercall, 64);
    print_array("multicall_op", PERFC_multicall_op, 64);
    print_array("mmuext_op", PERFC_mmuext_op, 32);
    print_array("exception", PERFC_exception, 32);
    print_array("vcpu_op", PERFC_vcpu_op, 32);
    print_array("lock_wait", PERFC_lock_wait, 32);
    print_array("lock_wait_kcycles", PERFC_lock_wait_kcycles, 32);
    for ( unsigned int c = PERFC_mmu_update_entry; c < PERFC_NR; c++ )
        printk("PERFC: %s %lu\n", names[c - PERFC_mmu_update_entry], sum(c));
    printk("PERFC: end\n");
}
KEYHANDLER('p', perfc_print, "print event counters");

static void perfc_reset(unsigned char key)
{
    unsigned int cpu;

    for_each_online_cpu(cpu) for ( unsigned int c = 0; c < PERFC_NR; c++ )
        __atomic_store_n(&per_cpu(perfc, cpu)[c], 0, __ATOMIC_RELAXED);
    printk("PERFC: reset\n");
}
KEYHANDLER('P', perfc_reset, "reset event counters");

#endif /* CONFIG_DEBUG */
