/* SPDX-License-Identifier: GPL-2.0-only */
/* Generic scheduling: policy selection, the schedule softirq, idle loops. */
#include <xen/keyhandler.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/sched-if.h>
#include <xen/softirq.h>
#include <xen/string.h>
#include <xen/timer.h>
#include <asm/current.h>
#include <asm/processor.h>
#include <asm/smp.h>

extern const struct scheduler *const __schedulers_start[], *const __schedulers_end[];

static char opt_sched[16] = "idle";
string_param("sched", opt_sched);

static const struct scheduler *ops;

/* Per-CPU: when the current slice ends. */
static struct timer slice_timer[NR_CPUS];

static void slice_expired(void *data)
{
    raise_softirq(SCHEDULE_SOFTIRQ);
}

static void schedule(void)
{
    unsigned int cpu = smp_processor_id();
    struct task_slice next = { NULL, -1 };

    if ( ops->do_schedule )
        next = ops->do_schedule(cpu, NOW());
    if ( next.time >= 0 )
        set_timer(&slice_timer[cpu], NOW() + next.time);
    else
        stop_timer(&slice_timer[cpu]);
    /* Without vCPUs to run yet, every decision is to stay idle. */
    ASSERT(next.task == NULL);
}

void __init scheduler_init(void)
{
    const struct scheduler *const *s;

    for ( s = __schedulers_start; s < __schedulers_end; s++ )
        if ( !strcmp((*s)->opt_name, opt_sched) )
            break;
    if ( s == __schedulers_end )
    {
        printk(XENLOG_WARNING "Could not find scheduler: %s\n", opt_sched);
        s = __schedulers_start;
    }
    ops = *s;
    printk("Using scheduler: %s (%s)\n", ops->name, ops->opt_name);
    if ( ops->init && ops->init() )
        panic("scheduler %s failed to initialise", ops->opt_name);
    open_softirq(SCHEDULE_SOFTIRQ, schedule);
}

void scheduler_init_cpu(unsigned int cpu)
{
    init_timer(&slice_timer[cpu], slice_expired, NULL, cpu);
    if ( ops->init_cpu )
        ops->init_cpu(cpu);
}

void startup_cpu_idle_loop(void)
{
    unsigned int cpu = smp_processor_id();

    for ( ;; )
    {
        /*
         * Check for work with interrupts off, then halt with "sti; hlt":
         * an interrupt that raises a softirq in between still wakes us.
         */
        local_irq_disable();
        if ( !softirq_pending(cpu) )
            __asm__ __volatile__ ( "sti; hlt" ::: "memory" );
        local_irq_enable();
        do_softirq();
    }
}

/* The policy of a machine with nothing to schedule: every CPU idles. */
static struct scheduler sched_idle_ops = {
    .name = "idle",
    .opt_name = "idle",
};
REGISTER_SCHEDULER(sched_idle_ops);

static void dump_runq(unsigned char key)
{
    unsigned int cpu;

    printk("sched_smt_power_savings: disabled\n");
    printk("NOW=%ld\n", (long)NOW());
    printk("Online Cpus: %u\n", num_online_cpus());
    printk("Scheduler: %s (%s)\n", ops->name, ops->opt_name);
    if ( ops->dump_settings )
        ops->dump_settings();
    for_each_online_cpu(cpu)
    {
        printk("CPU[%02u] current=idle%s\n", cpu,
               softirq_pending(cpu) ? " (softirq pending)" : "");
        if ( ops->dump_cpu_state )
            ops->dump_cpu_state(cpu);
    }
}
KEYHANDLER('r', dump_runq, "dump run queues");
