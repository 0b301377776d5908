/* SPDX-License-Identifier: GPL-2.0-only */
/* Generic scheduling: policy selection, the schedule softirq, idle loops. */
#include <xen/errno.h>
#include <xen/cpumask.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/event.h>
#include <xen/keyhandler.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/percpu.h>
#include <xen/sched.h>
#include <xen/sched-if.h>
#include <xen/softirq.h>
#include <xen/string.h>
#include <xen/timer.h>
#include <asm/current.h>
#include <asm/domain.h>
#include <asm/irq.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <xen/perfc.h>
#include <public/domctl.h>
#include <public/sysctl.h>
#include <xsm/xsm.h>

extern const struct scheduler *const __schedulers_start[],
    *const __schedulers_end[];

static char opt_sched[16] = "credit";
string_param("sched", opt_sched);

static const struct scheduler *ops;

/* Per-CPU: when the current slice ends. */
static DEFINE_PER_CPU(struct timer, slice_timer);

/*
 * Per-CPU idle time for XEN_SYSCTL_getcpuinfo: the total of finished idle
 * stretches, and when the current one began (0: busy).  Written only by
 * the CPU itself; readers may see a stretch end a moment late.
 */
static DEFINE_PER_CPU(uint64_t, idle_total);
static DEFINE_PER_CPU(s_time_t, idle_since);

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
    return v->pause_flags & VPF_blocked ? RUNSTATE_blocked : RUNSTATE_offline;
}

static void schedule(void)
{
    unsigned int cpu = smp_processor_id();
    struct vcpu *prev = current;
    struct task_slice next;
    s_time_t now = NOW();

    next = ops->do_schedule(cpu, now);
    if ( next.time >= 0 )
        set_timer(&per_cpu(slice_timer, cpu), now + next.time);
    else
        stop_timer(&per_cpu(slice_timer, cpu));
    if ( next.task == prev )
        return;
    if ( prev )
        vcpu_runstate_change(prev, runstate_of(prev), now);
    else
    {
        ACCESS_ONCE(per_cpu(idle_total, cpu)) += now -
                                                 per_cpu(idle_since, cpu);
        ACCESS_ONCE(per_cpu(idle_since, cpu)) = 0;
    }
    if ( next.task )
        vcpu_runstate_change(next.task, RUNSTATE_running, now);
    else
        ACCESS_ONCE(per_cpu(idle_since, cpu)) = now ?: 1;
    /*
     * It ran elsewhere last: its PIRQs follow it here now (interrupts are
     * still on, as the event lock this takes wants).
     */
    if ( next.task && unlikely(next.task->irq_cpu != cpu) )
        pirq_vcpu_moved(next.task);
    context_switch(prev, next.task);
}

uint64_t sched_cpu_idletime(unsigned int cpu)
{
    s_time_t since = ACCESS_ONCE(per_cpu(idle_since, cpu));
    uint64_t total = ACCESS_ONCE(per_cpu(idle_total, cpu));

    return since ? total + (NOW() - since) : total;
}

void sched_context_saved(struct vcpu *prev)
{
    if ( ops->context_saved )
        ops->context_saved(prev);
}

void sched_set_processor(struct vcpu *v, unsigned int cpu)
{
    v->processor = cpu;
    migrate_timer(&v->singleshot_timer, cpu);
    migrate_timer(&v->periodic_timer, cpu);
    migrate_timer(&v->poll_timer, cpu);
}

bool vcpu_runnable(const struct vcpu *v)
{
    return !v->pause_flags && !v->pause_count && !v->domain->pause_count &&
           v->domain->state == DOMSTATE_running;
}

static void poll_timer_fn(void *data);

int sched_init_domain(struct domain *d)
{
    return ops->init_domain ? ops->init_domain(d) : 0;
}

void sched_destroy_domain(struct domain *d)
{
    if ( ops->destroy_domain )
        ops->destroy_domain(d);
}

/* A new vCPU may run anywhere until told otherwise. */
int sched_insert_vcpu(struct vcpu *v)
{
    init_timer(&v->poll_timer, poll_timer_fn, v, v->processor);
    cpumask_setall(&v->cpu_hard_affinity);
    cpumask_setall(&v->cpu_soft_affinity);
    return ops->insert_vcpu(v);
}

/*
 * Gets a CPU to reconsider; a no-op if v still may not run.  After a
 * domain is destroyed its vCPUs have no policy data and never run again.
 */
void vcpu_wake(struct vcpu *v)
{
    if ( v->sched_priv && vcpu_runnable(v) )
        ops->wake(v);
}

/*
 * An event arrived for v: a blocked v becomes runnable, a v running on
 * another CPU gets interrupted so that it sees the event on its way back.
 *
 * An upcall ends a poll too, as in Xen (the guest polls again if its port
 * is still quiet).  Both flags go in one atomic step, and whoever clears
 * the last of them wakes v: clearing only VPF_blocked of a polling vCPU
 * left it unrunnable yet awake in everyone's eyes, so the poll's own
 * wake-up, finding VPF_blocked gone, never queued it (Linux's PV spinlock
 * waiters stalled so for good when their timer fired mid-poll).
 */
void vcpu_kick(struct vcpu *v)
{
    if ( __atomic_fetch_and(&v->pause_flags, ~(VPF_blocked | VPF_polling),
                            __ATOMIC_SEQ_CST) &
         (VPF_blocked | VPF_polling) )
    {
        perfc_incr(kick_wake);
        vcpu_wake(v);
    }
    else if ( v->is_running && v->processor != smp_processor_id() )
    {
        perfc_incr(kick_ipi);
        send_event_check_ipi(v->processor);
    }
}

/* v may no longer run; its CPU deschedules it soon (not waited for). */
void vcpu_sleep_nosync(struct vcpu *v)
{
    if ( v->sched_priv )
        ops->sleep(v);
}

static int set_hard_affinity(struct vcpu *v, const cpumask_t *mask)
{
    if ( !cpumask_intersects(mask, &cpu_online_map) )
        return -EINVAL;
    ops->set_affinity(v, mask);
    return 0;
}

/* While SCHEDOP_pin_override holds, the toolstack's pinning must wait. */
int vcpu_set_hard_affinity(struct vcpu *v, const cpumask_t *mask)
{
    if ( v->affinity_broken )
        return -EBUSY;
    return set_hard_affinity(v, mask);
}

/* No policy of ours prefers CPUs, but the toolstack reads it back. */
void vcpu_set_soft_affinity(struct vcpu *v, const cpumask_t *mask)
{
    cpumask_copy(&v->cpu_soft_affinity, mask);
}

unsigned int scheduler_id(void)
{
    return ops->sched_id;
}

/* The checks of Xen's sched_adjust, in its order. */
long sched_adjust(struct domain *d, struct xen_domctl_scheduler_op *op)
{
    if ( op->sched_id != ops->sched_id )
        return -EINVAL;
    switch ( op->cmd )
    {
    case XEN_DOMCTL_SCHEDOP_putinfo:
    case XEN_DOMCTL_SCHEDOP_getinfo:
    case XEN_DOMCTL_SCHEDOP_putvcpuinfo:
    case XEN_DOMCTL_SCHEDOP_getvcpuinfo:
        break;
    default:
        return -EINVAL;
    }
    return ops->adjust ? ops->adjust(d, op) : -EINVAL;
}

/* There is one CPU pool, pool 0, run by the one policy. */
long sched_adjust_global(struct xen_sysctl_scheduler_op *op)
{
    if ( op->cmd != XEN_SYSCTL_SCHEDOP_putinfo &&
         op->cmd != XEN_SYSCTL_SCHEDOP_getinfo )
        return -EINVAL;
    if ( op->cpupool_id != 0 )
        return -ESRCH;
    if ( op->sched_id != ops->sched_id )
        return -EINVAL;
    return ops->adjust_global ? ops->adjust_global(op) : -EINVAL;
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
    init_timer(&per_cpu(slice_timer, cpu), slice_expired, NULL, cpu);
    per_cpu(idle_since, cpu) = NOW() ?: 1;
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
            __asm__ __volatile__("sti; hlt" ::: "memory");
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

/*
 * SCHEDOP_poll: sleep until one of the ports is pending or the timeout
 * passes.  The flags go up before the ports are checked (see xen/event.h),
 * so a port made pending in between still wakes us.
 */

static void poll_timer_fn(void *data)
{
    struct vcpu *v = data;

    if ( __atomic_fetch_and(&v->pause_flags, ~VPF_polling, __ATOMIC_SEQ_CST) &
         VPF_polling )
        vcpu_kick(v);
}

long vcpu_poll(struct vcpu *v, const struct sched_poll *p)
{
    evtchn_port_t ports[SCHED_POLL_MAX_PORTS];

    if ( p->nr_ports > SCHED_POLL_MAX_PORTS )
        return -EINVAL;
    if ( copy_from_guest(ports, p->ports, p->nr_ports) )
        return -EFAULT;
    for ( unsigned int i = 0; i < p->nr_ports; i++ )
        if ( !evtchn_port_is_valid(v->domain, ports[i]) )
            return -EINVAL;

    v->poll_evtchn = p->nr_ports == 1 ? ports[0] : 0;
    __atomic_fetch_or(&v->pause_flags, VPF_blocked | VPF_polling,
                      __ATOMIC_SEQ_CST);
    /*
     * An upcall already due would kick nobody (upcall_pending is set), so
     * it ends the poll now, as in Xen; so does a pending port.
     */
    if ( local_events_need_delivery(v) )
        goto woken;
    for ( unsigned int i = 0; i < p->nr_ports; i++ )
        if ( evtchn_port_pending(v->domain, ports[i]) )
            goto woken;
    /* A timer left from an earlier poll must not end this one. */
    stop_timer(&v->poll_timer);
    if ( p->timeout )
        set_timer(&v->poll_timer, p->timeout);
    raise_softirq(SCHEDULE_SOFTIRQ);
    return 0;

woken:
    __atomic_fetch_and(&v->pause_flags, ~(VPF_blocked | VPF_polling),
                       __ATOMIC_SEQ_CST);
    return 0;
}

static void watchdog_fn(void *data)
{
    struct domain *d = data;

    printk(XENLOG_WARNING "Domain %u: watchdog timeout\n", d->domain_id);
    domain_shutdown(d, SHUTDOWN_watchdog);
}

/*
 * SCHEDOP_watchdog: id 0 makes a new watchdog (its id, 1-based, is the
 * result); a known id with a timeout re-arms it, with 0 removes it.  The
 * lock makes finding a free slot and taking it one step, and keeps a slot
 * from being armed while another vCPU of the domain removes it.
 */
static long domain_watchdog(struct domain *d, uint32_t id, uint32_t timeout)
{
    long rc = 0;

    spin_lock(&d->watchdog_lock);
    if ( id == 0 )
    {
        for ( id = 0; id < NR_DOMAIN_WATCHDOG_TIMERS; id++ )
            if ( !(d->watchdog_inuse & (1u << id)) )
                break;
        if ( id == NR_DOMAIN_WATCHDOG_TIMERS )
            rc = -ENOSPC;
        else
        {
            d->watchdog_inuse |= 1u << id;
            init_timer(&d->watchdog_timer[id], watchdog_fn, d, 0);
            set_timer(&d->watchdog_timer[id], NOW() + SECONDS(timeout));
            rc = id + 1;
        }
    }
    else if ( --id >= NR_DOMAIN_WATCHDOG_TIMERS ||
              !(d->watchdog_inuse & (1u << id)) )
        rc = -EINVAL;
    else if ( timeout )
        set_timer(&d->watchdog_timer[id], NOW() + SECONDS(timeout));
    else
    {
        kill_timer(&d->watchdog_timer[id]);
        d->watchdog_inuse &= ~(1u << id);
    }
    spin_unlock(&d->watchdog_lock);
    return rc;
}

/*
 * SCHEDOP_pin_override: dom0 pins its current vCPU to a CPU for a while
 * (firmware calls that must run there), then a negative pcpu restores the
 * affinity it had.  The pinning takes effect when the vCPU next passes
 * through the scheduler, which is before it returns to the guest.
 */
static long pin_override(struct vcpu *v, int32_t pcpu)
{
    cpumask_t one;
    int rc;

    if ( pcpu < 0 )
    {
        if ( !v->affinity_broken )
            return 0;
        rc = set_hard_affinity(v, &v->cpu_hard_affinity_saved);
        if ( !rc )
            v->affinity_broken = false;
        return rc;
    }
    if ( pcpu >= NR_CPUS || !cpumask_test_cpu(pcpu, &cpu_online_map) )
        return -EINVAL;
    if ( v->affinity_broken )
        return -EBUSY;
    cpumask_copy(&v->cpu_hard_affinity_saved, &v->cpu_hard_affinity);
    cpumask_clear(&one);
    cpumask_set_cpu(pcpu, &one);
    rc = set_hard_affinity(v, &one);
    if ( !rc )
        v->affinity_broken = true;
    return rc;
}

long do_sched_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct vcpu *v = current;

    switch ( cmd )
    {
    case SCHEDOP_yield:
        if ( ops->yield )
            ops->yield(v);
        raise_softirq(SCHEDULE_SOFTIRQ);
        return 0;
    case SCHEDOP_block:
        vcpu_block(v);
        return 0;
    case SCHEDOP_shutdown:
    case SCHEDOP_shutdown_code:
    {
        struct sched_shutdown s;

        if ( copy_from_guest(&s, arg, 1) )
            return -EFAULT;
        if ( cmd == SCHEDOP_shutdown_code )
            v->domain->shutdown_code = s.reason;
        else
            domain_shutdown(v->domain, s.reason);
        return 0;
    }
    case SCHEDOP_remote_shutdown:
    {
        struct sched_remote_shutdown r;
        struct domain *d;

        if ( copy_from_guest(&r, arg, 1) )
            return -EFAULT;
        /* Refused before the lookup: -EPERM, not -ESRCH, for a domU. */
        if ( xsm_schedop_shutdown(v->domain, NULL) )
            return -EPERM;
        if ( !(d = get_domain_by_id(r.domain_id)) )
            return -ESRCH;
        domain_shutdown(d, r.reason);
        put_domain(d);
        return 0;
    }
    case SCHEDOP_poll:
    {
        struct sched_poll p;

        if ( copy_from_guest(&p, arg, 1) )
            return -EFAULT;
        return vcpu_poll(v, &p);
    }
    case SCHEDOP_watchdog:
    {
        struct sched_watchdog w;

        if ( copy_from_guest(&w, arg, 1) )
            return -EFAULT;
        return domain_watchdog(v->domain, w.id, w.timeout);
    }
    case SCHEDOP_pin_override:
    {
        struct sched_pin_override p;

        if ( !is_hardware_domain(v->domain) )
            return -EPERM;
        if ( copy_from_guest(&p, arg, 1) )
            return -EFAULT;
        return pin_override(v, p.pcpu);
    }
    default:
        return -ENOSYS;
    }
}

/* The Xen 3.0.0 form: the argument is a value, not a structure. */
long do_sched_op_compat(int cmd, unsigned long arg)
{
    switch ( cmd )
    {
    case SCHEDOP_yield:
    case SCHEDOP_block:
        return do_sched_op(cmd, (XEN_GUEST_HANDLE_PARAM(void)){ NULL });
    case SCHEDOP_shutdown:
        domain_shutdown(current->domain, arg);
        return 0;
    default:
        return -ENOSYS;
    }
}
