/* SPDX-License-Identifier: GPL-2.0-only */
/* The first scheduling policy: per-CPU round robin with fixed slices. */
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/sched-if.h>
#include <xen/smp.h>
#include <xen/spinlock.h>
#include <xen/xmalloc.h>
#include <asm/smp.h>

/*
 * Each vCPU stays on the CPU it was created for (vcpu_create chooses);
 * each CPU cycles through its runnable vCPUs, a slice each.  The ring holds
 * blocked vCPUs too, so waking one needs no queue change.  Good enough to
 * run several domains on several CPUs until the credit scheduler.
 */
#define RR_SLICE    MILLISECS(10)

struct rr_vcpu {
    struct vcpu *vcpu;
    struct rr_vcpu *next;           /* the CPU's ring of vCPUs */
};

static struct rr_cpu {
    spinlock_t lock;
    struct rr_vcpu *ring;           /* where the next search starts */
    unsigned int nr;
} rr_cpus[NR_CPUS];

static int rr_init(void)
{
    for ( unsigned int cpu = 0; cpu < NR_CPUS; cpu++ )
        spin_lock_init(&rr_cpus[cpu].lock);
    return 0;
}

static void rr_insert_vcpu(struct vcpu *v)
{
    struct rr_cpu *rc = &rr_cpus[v->processor];
    struct rr_vcpu *rv = xzalloc(struct rr_vcpu);
    unsigned long flags;

    BUG_ON(!rv);
    rv->vcpu = v;
    v->sched_priv = rv;
    spin_lock_irqsave(&rc->lock, flags);
    if ( rc->ring )
    {
        rv->next = rc->ring->next;
        rc->ring->next = rv;
    }
    else
        rv->next = rv;
    rc->ring = rv;
    rc->nr++;
    spin_unlock_irqrestore(&rc->lock, flags);
}

static void rr_remove_vcpu(struct vcpu *v)
{
    struct rr_cpu *rc = &rr_cpus[v->processor];
    struct rr_vcpu *rv = v->sched_priv, *prev = rv;
    unsigned long flags;

    spin_lock_irqsave(&rc->lock, flags);
    while ( prev->next != rv )
        prev = prev->next;
    prev->next = rv->next;
    if ( rc->ring == rv )
        rc->ring = prev == rv ? NULL : prev;
    rc->nr--;
    spin_unlock_irqrestore(&rc->lock, flags);
    v->sched_priv = NULL;
    xfree(rv);
}

static struct task_slice rr_do_schedule(unsigned int cpu, s_time_t now)
{
    struct rr_cpu *rc = &rr_cpus[cpu];
    struct task_slice ret = { NULL, -1 };
    unsigned long flags;

    spin_lock_irqsave(&rc->lock, flags);
    for ( unsigned int i = 0; rc->ring && i < rc->nr; i++ )
    {
        rc->ring = rc->ring->next;
        if ( vcpu_runnable(rc->ring->vcpu) )
        {
            ret.task = rc->ring->vcpu;
            /* A lone vCPU needs no slice timer to share its CPU. */
            ret.time = rc->nr > 1 ? RR_SLICE : -1;
            break;
        }
    }
    spin_unlock_irqrestore(&rc->lock, flags);
    return ret;
}

static void rr_dump_cpu_state(unsigned int cpu)
{
    const struct rr_cpu *rc = &rr_cpus[cpu];
    const struct rr_vcpu *rv = rc->ring;

    for ( unsigned int i = 0; rv && i < rc->nr; i++, rv = rv->next )
        printk("    d%uv%u %s\n", rv->vcpu->domain->domain_id,
               rv->vcpu->vcpu_id,
               rv->vcpu->is_running ? "running"
               : vcpu_runnable(rv->vcpu) ? "runnable" : "blocked");
}

static struct scheduler sched_rr_ops = {
    .name = "Round-robin scheduler",
    .opt_name = "rr",
    .init = rr_init,
    .insert_vcpu = rr_insert_vcpu,
    .remove_vcpu = rr_remove_vcpu,
    .do_schedule = rr_do_schedule,
    .dump_cpu_state = rr_dump_cpu_state,
};
REGISTER_SCHEDULER(sched_rr_ops);
