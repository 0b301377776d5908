/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A discrete-event machine for the credit scheduler: a clock that jumps
 * from event to event, CPUs that run the schedule softirq as the
 * hypervisor does, and vCPUs that spin or wake periodically.  It also
 * provides what sched_credit.c calls: timers, softirqs, xmalloc.
 */
#include <xen/lib.h>
#include <xen/softirq.h>
#include <xen/timer.h>
#include <xen/xmalloc.h>
#include <public/domctl.h>
#include "harness.h"
#include "sim.h"
#include <stdlib.h>
#include <string.h>

#define MAX_TIMERS  64
#define MAX_DOMS    512
#define NEVER       INT64_MAX

struct sim_errors sim_errors;

static s_time_t now;
static unsigned int nr_cpus;
static struct sim_cpu {
    struct sim_vcpu *cur;
    s_time_t slice_end;
    s_time_t idle;
    bool pending;
} cpus[NR_CPUS];
static struct timer *timers[MAX_TIMERS];
static unsigned int nr_timers;
static struct domain *doms[MAX_DOMS];
static unsigned int nr_doms;

/* What the hypervisor's other files would provide. */
s_time_t get_s_time(void);
void cpu_raise_softirq(unsigned int cpu, unsigned int nr);
bool vcpu_runnable(const struct vcpu *v);
void sched_set_processor(struct vcpu *v, unsigned int cpu);

s_time_t get_s_time(void)
{
    return now;
}

s_time_t sim_now(void)
{
    return now;
}

void *_xzalloc(size_t size, size_t align)
{
    return calloc(1, size);
}

void xfree(void *p)
{
    free(p);
}

void cpu_raise_softirq(unsigned int cpu, unsigned int nr)
{
    if ( nr == SCHEDULE_SOFTIRQ )
        cpus[cpu].pending = true;
}

bool vcpu_runnable(const struct vcpu *v)
{
    return !v->pause_flags && !v->pause_count && !v->domain->pause_count &&
           v->domain->state == DOMSTATE_running;
}

void sched_set_processor(struct vcpu *v, unsigned int cpu)
{
    v->processor = cpu;
}

/* Timers: an unsorted set; the clock looks for the earliest. */
void init_timer(struct timer *t, void (*function)(void *data), void *data,
                unsigned int cpu)
{
    memset(t, 0, sizeof(*t));
    t->function = function;
    t->data = data;
    t->cpu = cpu;
    t->status = TIMER_STATUS_inactive;
}

static void timer_remove(struct timer *t)
{
    for ( unsigned int i = 0; i < nr_timers; i++ )
        if ( timers[i] == t )
        {
            timers[i] = timers[--nr_timers];
            break;
        }
    t->status = TIMER_STATUS_inactive;
}

void set_timer(struct timer *t, s_time_t expires)
{
    if ( t->status == TIMER_STATUS_killed )
        return;
    if ( t->status != TIMER_STATUS_in_heap )
    {
        BUG_ON(nr_timers == MAX_TIMERS);
        timers[nr_timers++] = t;
    }
    t->expires = expires;
    t->status = TIMER_STATUS_in_heap;
}

void stop_timer(struct timer *t)
{
    if ( t->status == TIMER_STATUS_in_heap )
        timer_remove(t);
}

void kill_timer(struct timer *t)
{
    stop_timer(t);
    t->status = TIMER_STATUS_killed;
}

void migrate_timer(struct timer *t, unsigned int cpu)
{
    t->cpu = cpu;
}

bool timer_is_active(const struct timer *t)
{
    return t->status == TIMER_STATUS_in_heap;
}

/* What context_switch does, in the same order. */
static void switch_to(unsigned int cpu, struct sim_vcpu *next)
{
    struct sim_vcpu *prev = cpus[cpu].cur;

    if ( prev )
    {
        prev->loaded_on = -1;
        prev->v.is_running = false;
        credit_ops->context_saved(&prev->v);
    }
    cpus[cpu].cur = next;
    if ( !next )
        return;
    if ( next->loaded_on >= 0 )
        sim_errors.double_run++;
    /* The scheduler marks it running when it chooses it. */
    if ( !next->v.is_running )
        sim_errors.unmarked++;
    if ( next->v.processor != cpu )
        sim_errors.wrong_cpu++;
    if ( !cpumask_test_cpu(cpu, &next->v.cpu_hard_affinity) )
        sim_errors.affinity++;
    next->loaded_on = cpu;
    if ( next->woke_at >= 0 && next->nr_lat < next->max_lat )
        next->lat[next->nr_lat++] = now - next->woke_at;
    next->woke_at = -1;
}

static void schedule(unsigned int cpu)
{
    struct task_slice ts;

    harness_cpu = cpu;
    cpus[cpu].pending = false;
    ts = credit_ops->do_schedule(cpu, now);
    cpus[cpu].slice_end = ts.time >= 0 ? now + ts.time : NEVER;
    if ( (ts.task ? (struct sim_vcpu *)ts.task : NULL) != cpus[cpu].cur )
        switch_to(cpu, (struct sim_vcpu *)ts.task);
}

/* Softirqs run until none is left, as do_softirq() would. */
static void run_softirqs(void)
{
    for ( unsigned int round = 0; ; round++ )
    {
        bool any = false;

        for ( unsigned int cpu = 0; cpu < nr_cpus; cpu++ )
            if ( cpus[cpu].pending )
            {
                schedule(cpu);
                any = true;
            }
        if ( !any )
            return;
        if ( round == 1000 )
        {
            sim_errors.runaway++;
            return;
        }
    }
}

static s_time_t next_event(s_time_t end)
{
    s_time_t next = end;

    for ( unsigned int i = 0; i < nr_timers; i++ )
        next = min(next, timers[i]->expires);
    for ( unsigned int cpu = 0; cpu < nr_cpus; cpu++ )
    {
        const struct sim_vcpu *sv = cpus[cpu].cur;

        next = min(next, cpus[cpu].slice_end);
        if ( sv && sv->kind == SIM_WAKER )
            next = min(next, now + sv->left);
    }
    for ( unsigned int d = 0; d < nr_doms; d++ )
        for ( unsigned int i = 0; i < doms[d]->max_vcpus; i++ )
        {
            const struct sim_vcpu *sv = (void *)doms[d]->vcpu[i];

            if ( sv && sv->kind == SIM_WAKER &&
                 (sv->v.pause_flags & VPF_blocked) )
                next = min(next, sv->next_wake);
        }
    return max(next, now);
}

static void advance(s_time_t to)
{
    s_time_t dt = to - now;

    for ( unsigned int cpu = 0; cpu < nr_cpus; cpu++ )
    {
        struct sim_vcpu *sv = cpus[cpu].cur;

        if ( !sv )
            cpus[cpu].idle += dt;
        else
        {
            sv->runtime += dt;
            if ( sv->kind == SIM_WAKER )
                sv->left -= dt;
        }
    }
    now = to;
}

static void fire_events(void)
{
    for ( unsigned int i = 0; i < nr_timers; )
    {
        struct timer *t = timers[i];

        if ( t->expires > now )
        {
            i++;
            continue;
        }
        timer_remove(t);
        harness_cpu = t->cpu;
        t->function(t->data);
        i = 0;
    }
    for ( unsigned int cpu = 0; cpu < nr_cpus; cpu++ )
    {
        struct sim_vcpu *sv = cpus[cpu].cur;

        if ( cpus[cpu].slice_end <= now )
        {
            cpus[cpu].slice_end = NEVER;
            cpus[cpu].pending = true;
        }
        /* A waker done with its burst blocks until its next period. */
        if ( sv && sv->kind == SIM_WAKER && sv->left <= 0 )
        {
            sv->v.pause_flags |= VPF_blocked;
            sv->next_wake = (now / sv->period + 1) * sv->period;
            cpus[cpu].pending = true;
        }
    }
    for ( unsigned int d = 0; d < nr_doms; d++ )
        for ( unsigned int i = 0; i < doms[d]->max_vcpus; i++ )
        {
            struct sim_vcpu *sv = (void *)doms[d]->vcpu[i];

            if ( sv && sv->kind == SIM_WAKER &&
                 (sv->v.pause_flags & VPF_blocked) && sv->next_wake <= now )
            {
                sv->v.pause_flags &= ~VPF_blocked;
                sv->left = sv->burst;
                sv->woke_at = now;
                harness_cpu = 0;
                if ( vcpu_runnable(&sv->v) )
                    credit_ops->wake(&sv->v);
            }
        }
}

void sim_run(s_time_t duration)
{
    s_time_t end = now + duration;

    for ( ;; )
    {
        run_softirqs();
        advance(next_event(end));
        if ( now >= end )
            break;
        fire_events();
    }
}

s_time_t sim_idle(unsigned int cpu)
{
    return cpus[cpu].idle;
}

void sim_init(unsigned int ncpus)
{
    memset(&sim_errors, 0, sizeof(sim_errors));
    memset(cpus, 0, sizeof(cpus));
    nr_timers = 0;
    nr_doms = 0;
    now = 0;
    nr_cpus = ncpus;
    cpumask_clear(&cpu_online_map);
    for ( unsigned int cpu = 0; cpu < ncpus; cpu++ )
    {
        cpumask_set_cpu(cpu, &cpu_online_map);
        cpus[cpu].slice_end = NEVER;
    }
    credit_ops->init();
    for ( unsigned int cpu = 0; cpu < ncpus; cpu++ )
        credit_ops->init_cpu(cpu);
}

struct domain *sim_domain(unsigned int max_vcpus)
{
    struct domain *d = calloc(1, sizeof(*d));

    BUG_ON(nr_doms == MAX_DOMS);
    d->domain_id = nr_doms;
    d->max_vcpus = max_vcpus;
    d->vcpu = calloc(max_vcpus, sizeof(*d->vcpu));
    d->state = DOMSTATE_running;
    BUG_ON(credit_ops->init_domain(d));
    doms[nr_doms++] = d;
    return d;
}

struct sim_vcpu *sim_vcpu(struct domain *d, enum sim_kind kind,
                          unsigned int cpu)
{
    struct sim_vcpu *sv = calloc(1, sizeof(*sv));
    unsigned int id = 0;

    while ( d->vcpu[id] )
        id++;
    sv->kind = kind;
    sv->woke_at = -1;
    sv->loaded_on = -1;
    sv->v.vcpu_id = id;
    sv->v.domain = d;
    sv->v.processor = cpu;
    cpumask_setall(&sv->v.cpu_hard_affinity);
    cpumask_setall(&sv->v.cpu_soft_affinity);
    d->vcpu[id] = &sv->v;
    BUG_ON(credit_ops->insert_vcpu(&sv->v));
    harness_cpu = 0;
    credit_ops->wake(&sv->v);
    return sv;
}

void sim_waker(struct sim_vcpu *sv, s_time_t period, s_time_t burst)
{
    sv->period = period;
    sv->burst = sv->left = burst;
    sv->max_lat = 1 << 16;
    sv->lat = calloc(sv->max_lat, sizeof(*sv->lat));
}

int sim_set(struct domain *d, unsigned int weight, unsigned int cap)
{
    struct xen_domctl_scheduler_op op = {
        .sched_id = XEN_SCHEDULER_CREDIT,
        .cmd = XEN_DOMCTL_SCHEDOP_putinfo,
        .u.credit = { .weight = weight, .cap = cap },
    };

    return credit_ops->adjust(d, &op);
}

void sim_teardown(void)
{
    for ( unsigned int d = 0; d < nr_doms; d++ )
        for ( unsigned int i = 0; i < doms[d]->max_vcpus; i++ )
            if ( doms[d]->vcpu[i] )
            {
                doms[d]->vcpu[i]->pause_count++;
                credit_ops->sleep(doms[d]->vcpu[i]);
            }
    sim_run(MILLISECS(100));
    for ( unsigned int d = 0; d < nr_doms; d++ )
    {
        struct domain *dom = doms[d];

        credit_ops->destroy_domain(dom);
        for ( unsigned int i = 0; i < dom->max_vcpus; i++ )
        {
            struct sim_vcpu *sv = (void *)dom->vcpu[i];

            if ( sv )
                free(sv->lat);
            free(sv);
        }
        free(dom->vcpu);
        free(dom);
    }
    nr_doms = 0;
}

static int cmp_time(const void *a, const void *b)
{
    s_time_t x = *(const s_time_t *)a, y = *(const s_time_t *)b;

    return x < y ? -1 : x > y;
}

s_time_t sim_percentile(const struct sim_vcpu *sv, unsigned int p)
{
    s_time_t *sorted;
    s_time_t v;

    if ( !sv->nr_lat )
        return -1;
    sorted = malloc(sv->nr_lat * sizeof(*sorted));
    memcpy(sorted, sv->lat, sv->nr_lat * sizeof(*sorted));
    qsort(sorted, sv->nr_lat, sizeof(*sorted), cmp_time);
    v = sorted[(size_t)(sv->nr_lat - 1) * p / 100];
    free(sorted);
    return v;
}
