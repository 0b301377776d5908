/* SPDX-License-Identifier: GPL-2.0-only */
/* Generic scheduling: policy selection, the schedule softirq, idle loops. */
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/event.h>
#include <xen/keyhandler.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/sched.h>
#include <xen/sched-if.h>
#include <xen/softirq.h>
#include <xen/string.h>
#include <xen/timer.h>
#include <asm/current.h>
#include <asm/domain.h>
#include <asm/processor.h>
#include <asm/smp.h>

extern const struct scheduler *const __schedulers_start[], *const __schedulers_end[];

static char opt_sched[16] = "rr";
string_param("sched", opt_sched);

static const struct scheduler *ops;

/* Per-CPU: when the current slice ends. */
static struct timer slice_timer[NR_CPUS];

static void slice_expired(void *data)
{
    raise_softirq(SCHEDULE_SOFTIRQ);
}

/* Accounts the time v spent in its last runstate and enters a new one. */
static void vcpu_runstate_change(struct vcpu *v, int state, s_time_t now)
{
    struct vcpu_runstate_info *rs = &v->runstate;

    rs->time[rs->state] += now - rs->state_entry_time;
    rs->state = state;
    rs->state_entry_time = now;
}

static int runstate_of(const struct vcpu *v)
{
    if ( vcpu_runnable(v) )
        return RUNSTATE_runnable;
    return v->pause_flags & VPF_blocked ? RUNSTATE_blocked
                                        : RUNSTATE_offline;
}

static void schedule(void)
{
    unsigned int cpu = smp_processor_id();
    struct vcpu *prev = current;
    struct task_slice next;
    s_time_t now = NOW();

    next = ops->do_schedule(cpu, now);
    if ( next.time >= 0 )
        set_timer(&slice_timer[cpu], now + next.time);
    else
        stop_timer(&slice_timer[cpu]);
    if ( next.task == prev )
        return;
    if ( prev )
        vcpu_runstate_change(prev, runstate_of(prev), now);
    if ( next.task )
        vcpu_runstate_change(next.task, RUNSTATE_running, now);
    context_switch(prev, next.task);
}

bool vcpu_runnable(const struct vcpu *v)
{
    return !v->pause_flags && !v->pause_count && !v->domain->pause_count &&
           v->domain->state == DOMSTATE_running;
}

void sched_insert_vcpu(struct vcpu *v)
{
    ops->insert_vcpu(v);
}

/* Tells v's CPU to reconsider; a no-op if v still may not run. */
void vcpu_wake(struct vcpu *v)
{
    if ( vcpu_runnable(v) )
    {
        if ( ops->wake )
            ops->wake(v);
        cpu_raise_softirq(v->processor, SCHEDULE_SOFTIRQ);
    }
}

/*
 * An event arrived for v: a blocked v becomes runnable, a v running on
 * another CPU gets interrupted so that it sees the event on its way back.
 */
void vcpu_kick(struct vcpu *v)
{
    if ( __atomic_fetch_and(&v->pause_flags, ~VPF_blocked,
                            __ATOMIC_SEQ_CST) & VPF_blocked )
        vcpu_wake(v);
    else if ( v->is_running && v->processor != smp_processor_id() )
        send_event_check_ipi(v->processor);
}

/* v may no longer run; its CPU deschedules it soon (not waited for). */
void vcpu_sleep_nosync(struct vcpu *v)
{
    cpu_raise_softirq(v->processor, SCHEDULE_SOFTIRQ);
}

void vcpu_pause_nosync(struct vcpu *v)
{
    __atomic_fetch_add(&v->pause_count, 1, __ATOMIC_SEQ_CST);
    vcpu_sleep_nosync(v);
}

void vcpu_unpause(struct vcpu *v)
{
    if ( __atomic_sub_fetch(&v->pause_count, 1, __ATOMIC_SEQ_CST) == 0 )
        vcpu_wake(v);
}

/* A built domain starts: its vCPUs that are up become runnable. */
void domain_unpause(struct domain *d)
{
    if ( d->state == DOMSTATE_creating )
        d->state = DOMSTATE_running;
    for ( unsigned int i = 0; i < d->max_vcpus; i++ )
        if ( d->vcpu[i] )
            vcpu_wake(d->vcpu[i]);
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
        printk("CPU[%02u]%s\n", cpu,
               softirq_pending(cpu) ? " (softirq pending)" : "");
        if ( ops->dump_cpu_state )
            ops->dump_cpu_state(cpu);
    }
}
KEYHANDLER('r', dump_runq, "dump run queues");

/*
 * Blocking: the flag goes up before events are looked at, so an event
 * that arrives in between finds the vCPU blocked and wakes it.  Blocking
 * also unmasks events, as the guest expects of an idle loop.
 */
static void vcpu_block(struct vcpu *v)
{
    v->vcpu_info->evtchn_upcall_mask = 0;
    __atomic_fetch_or(&v->pause_flags, VPF_blocked, __ATOMIC_SEQ_CST);
    if ( v->vcpu_info->evtchn_upcall_pending )
        __atomic_fetch_and(&v->pause_flags, ~VPF_blocked, __ATOMIC_SEQ_CST);
    else
        raise_softirq(SCHEDULE_SOFTIRQ);
}

long do_sched_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct vcpu *v = current;

    switch ( cmd )
    {
    case SCHEDOP_yield:
        raise_softirq(SCHEDULE_SOFTIRQ);
        return 0;
    case SCHEDOP_block:
        vcpu_block(v);
        return 0;
    case SCHEDOP_shutdown:
    {
        struct sched_shutdown s;

        if ( copy_from_guest_bytes(&s, arg.p, sizeof(s)) )
            return -EFAULT;
        domain_shutdown(v->domain, s.reason);
        return 0;
    }
    default:
        return -ENOSYS;
    }
}
