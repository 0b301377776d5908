/* SPDX-License-Identifier: GPL-2.0-only */
/* Running a function on other CPUs through an IPI, and waiting for it. */
#include <xen/cpumask.h>
#include <xen/keyhandler.h>
#include <xen/lib.h>
#include <xen/smp.h>
#include <xen/spinlock.h>
#include <asm/apic.h>
#include <asm/current.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/traps.h>
#include <xen/perfc.h>

/*
 * One request at a time: call_lock serialises callers, and the targets
 * clear their bit in call_pending once fn has returned on them.
 */
static DEFINE_SPINLOCK(call_lock, call);
static struct {
    void (*fn)(void *info);
    void *info;
    cpumask_t pending;
} call_data;

static void call_function_interrupt(struct cpu_user_regs *regs)
{
    unsigned int cpu = smp_processor_id();

    perfc_incr(call_func_in);
    ack_APIC_irq();
    get_cpu_info()->irq_regs = regs;
    call_data.fn(call_data.info);
    get_cpu_info()->irq_regs = NULL;
    cpumask_clear_cpu(cpu, &call_data.pending); /* atomic */
}

void on_selected_cpus(const cpumask_t *mask, void (*fn)(void *info),
                      void *info)
{
    unsigned int self = smp_processor_id();

    /*
     * Interrupts stay on while waiting: a CPU that is itself spinning for
     * call_lock must still take our IPI.
     */
    ASSERT(local_irq_is_enabled());
    spin_lock(&call_lock);
    call_data.fn = fn;
    call_data.info = info;
    cpumask_and(&call_data.pending, mask, &cpu_online_map);
    cpumask_clear_cpu(self, &call_data.pending);
    send_IPI_mask(&call_data.pending, CALL_FUNCTION_VECTOR);
    if ( cpumask_test_cpu(self, mask) )
    {
        local_irq_disable();
        fn(info);
        local_irq_enable();
    }
    while ( !cpumask_empty(&call_data.pending) )
        cpu_relax();
    spin_unlock(&call_lock);
}

void __init smp_call_init(void)
{
    set_vector_handler(CALL_FUNCTION_VECTOR, call_function_interrupt);
}

/* Debug key 'd': each CPU in turn reports where it was interrupted. */
static void dump_this_cpu(void *unused)
{
    const struct cpu_user_regs *regs = get_cpu_info()->irq_regs;

    printk("*** Dumping CPU%u host state: ***\n", smp_processor_id());
    if ( regs )
        show_registers(regs);
    else
        show_stack_trace(0, (unsigned long)__builtin_frame_address(0));
}

static void dump_registers(unsigned char key)
{
    cpumask_t one;
    unsigned int cpu;

    for_each_online_cpu(cpu)
    {
        cpumask_clear(&one);
        cpumask_set_cpu(cpu, &one);
        on_selected_cpus(&one, dump_this_cpu, NULL);
    }
}
KEYHANDLER('d', dump_registers, "dumping registers");
