/* SPDX-License-Identifier: GPL-2.0-only */
/* The credit scheduler: weighted fair CPU shares, caps and wake-up boost. */
#include <xen/cpumask.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/percpu.h>
#include <xen/sched.h>
#include <xen/sched-if.h>
#include <xen/softirq.h>
#include <xen/spinlock.h>
#include <xen/timer.h>
#include <xen/xmalloc.h>
#include <asm/smp.h>
#include <public/domctl.h>
#include <public/sysctl.h>

/*
 * Credit is CPU time, in ns.  Running burns it.  Every accounting period
 * (one time slice) the time all vCPUs burned in the period is handed back
 * out in proportion to the weights of the domains that wanted to run, so
 * the total stays constant and each vCPU's long-run share follows its
 * weight however the slices happened to fall.  A vCPU that cannot use its
 * share (it blocks, or is capped) keeps at most one period of credit and
 * what it leaves goes to the others, so idle domains do not inflate the
 * credit of busy ones.
 *
 * Priorities: credit left means UNDER, none OVER; a vCPU that wakes with
 * credit left is BOOSTed until its next tick or the end of its slice, so
 * it preempts CPU hogs at once (subject to the rate limit).
 *
 * Each CPU has a FIFO run queue per priority, so a decision looks at
 * three list heads: O(1) in the number of runnable vCPUs.  A CPU with
 * nothing better than OVER work looks at its peers' queues and steals a
 * better vCPU; an idle CPU takes any it may run.  Queuing work on a busy
 * CPU kicks an idle one, so no CPU idles while a vCPU it could run waits.
 *
 * Migration: a vCPU is taken from a queue only once its state is saved
 * (!is_running), and v->processor changes with both CPUs' locks held.  A
 * vCPU whose affinity excludes the CPU it is running on is flagged, and
 * moved by that CPU once its state is saved (context_saved).
 *
 * Locks: acct_lock (the domain list, weights, caps, parameters) comes
 * before any CPU's lock.  A CPU's lock guards its queues and curr, and the
 * credit, priority and flags of the vCPUs whose processor it is.  Two CPU
 * locks are taken lower number first, or the second by trylock.
 */

#define CSCHED_DEFAULT_WEIGHT  256
#define CSCHED_DEFAULT_TSLICE  30   /* ms */
#define CSCHED_DEFAULT_TICK    10   /* ms */
#define CSCHED_DEFAULT_RATELIM 1000 /* us */
/* Never set a timer closer than this: shorter slices are all overhead. */
#define CSCHED_MIN_TIMER MICROSECS(XEN_SYSCTL_SCHED_RATELIMIT_MIN)
/* Xen counts 10 credits per ms; the debug key prints in those units. */
#define CSCHED_NS_PER_CREDIT MICROSECS(100)
/* How many queued vCPUs a busy CPU looks at per peer and priority. */
#define CSCHED_STEAL_SCAN 4

/* Run queue index, best last; Xen's numbers for them in xen_pri[]. */
enum { PRI_OVER, PRI_UNDER, PRI_BOOST, NR_PRI };
static const int xen_pri[NR_PRI] = { -2, -1, 0 };

struct csched_dom {
    struct domain *dom;
    struct csched_dom *next; /* the domain list, acct_lock */
    unsigned int weight;     /* 1-65535, acct_lock */
    unsigned int cap;        /* % of one CPU, 0: none; acct_lock */
    s_time_t budget;         /* capped: time left this period */
    unsigned int nr_active;  /* accounting's scratch */
};

struct csched_vcpu {
    struct vcpu *vcpu;
    struct csched_dom *sdom;
    struct csched_vcpu *prev, *next; /* run queue links */
    s_time_t credit;
    s_time_t burn_start; /* running: charged up to here */
    s_time_t run_start;  /* running: since when (rate limit) */
    s_time_t burned;     /* since the last accounting; atomic */
    s_time_t share;      /* accounting's scratch */
    uint64_t weight;     /* accounting's scratch */
    uint8_t pri;         /* PRI_*: its queue while queued */
    bool queued;
    bool boosted;
    bool yielding;
    bool parked;    /* runnable, but out of cap budget */
    bool migrating; /* must leave its CPU once saved */
    bool active;    /* accounting's scratch */
    bool settled;   /* accounting's scratch */
};

struct runq {
    struct csched_vcpu *head, *tail;
};

struct csched_pcpu {
    spinlock_t lock;
    struct csched_vcpu *curr; /* NULL: idle */
    struct runq q[NR_PRI];
    unsigned int nr_queued;
    struct timer ticker; /* accounting tick while busy */
};
static DEFINE_PER_CPU(struct csched_pcpu, pcpus);

/* CPUs running nothing; set and cleared by each CPU for itself. */
static cpumask_t idlers;

static DEFINE_SPINLOCK(acct_lock, acct);
static struct csched_dom *domains;
static struct timer acct_timer;

/* Parameters: written under acct_lock, read anywhere (word-sized). */
static unsigned int opt_tslice_ms = CSCHED_DEFAULT_TSLICE;
integer_param("sched_credit_tslice_ms", opt_tslice_ms);
static unsigned int opt_ratelimit_us = CSCHED_DEFAULT_RATELIM;
integer_param("sched_ratelimit_us", opt_ratelimit_us);
static unsigned int opt_tick_ms = CSCHED_DEFAULT_TICK;
integer_param("sched_credit_tick_ms", opt_tick_ms);

static s_time_t tslice, ratelimit, tick;
/* Reported back through sysctl; we have no cache-affinity heuristic. */
static unsigned int migr_delay_us;

/* The period is one slice; a vCPU keeps at most a period's credit. */
static s_time_t credit_max(void)
{
    return ACCESS_ONCE(tslice);
}

/* Debt beyond two periods is forgiven, so a hog is never starved long. */
static s_time_t credit_min(void)
{
    return -2 * ACCESS_ONCE(tslice);
}

static struct csched_vcpu *svc(const struct vcpu *v)
{
    return v->sched_priv;
}

/* Locks v's CPU, which may change until we hold its lock. */
static struct csched_pcpu *vcpu_lock(const struct vcpu *v,
                                     unsigned long *flags)
{
    for ( ;; )
    {
        unsigned int cpu = ACCESS_ONCE(v->processor);
        struct csched_pcpu *pc = &per_cpu(pcpus, cpu);

        spin_lock_irqsave(&pc->lock, *flags);
        if ( likely(v->processor == cpu) )
            return pc;
        spin_unlock_irqrestore(&pc->lock, *flags);
    }
}

static void lock_two(unsigned int a, unsigned int b, unsigned long *flags)
{
    local_irq_save(*flags);
    spin_lock(&per_cpu(pcpus, min(a, b)).lock);
    if ( a != b )
        spin_lock(&per_cpu(pcpus, max(a, b)).lock);
}

static void unlock_two(unsigned int a, unsigned int b, unsigned long flags)
{
    if ( a != b )
        spin_unlock(&per_cpu(pcpus, max(a, b)).lock);
    spin_unlock(&per_cpu(pcpus, min(a, b)).lock);
    local_irq_restore(flags);
}

static void runq_insert(struct csched_pcpu *pc, struct csched_vcpu *sv)
{
    struct runq *q = &pc->q[sv->pri];

    ASSERT(!sv->queued);
    sv->next = NULL;
    sv->prev = q->tail;
    if ( q->tail )
        q->tail->next = sv;
    else
        q->head = sv;
    q->tail = sv;
    sv->queued = true;
    pc->nr_queued++;
}

static void runq_remove(struct csched_pcpu *pc, struct csched_vcpu *sv)
{
    struct runq *q = &pc->q[sv->pri];

    ASSERT(sv->queued);
    if ( sv->prev )
        sv->prev->next = sv->next;
    else
        q->head = sv->next;
    if ( sv->next )
        sv->next->prev = sv->prev;
    else
        q->tail = sv->prev;
    sv->prev = sv->next = NULL;
    sv->queued = false;
    pc->nr_queued--;
}

static unsigned int pri_of(const struct csched_vcpu *sv)
{
    if ( sv->credit < 0 )
        return PRI_OVER;
    return sv->boosted ? PRI_BOOST : PRI_UNDER;
}

/* The priority of the best queued vCPU, or -1 with none queued. */
static int best_queued(const struct csched_pcpu *pc)
{
    for ( int p = NR_PRI - 1; p >= 0; p-- )
        if ( ACCESS_ONCE(pc->q[p].head) )
            return p;
    return -1;
}

static bool over_cap(const struct csched_vcpu *sv)
{
    return ACCESS_ONCE(sv->sdom->cap) &&
           __atomic_load_n(&sv->sdom->budget, __ATOMIC_RELAXED) <= 0;
}

/* Charges the running sv for its time since the last charge. */
static void burn(struct csched_vcpu *sv, s_time_t now)
{
    s_time_t delta = now - sv->burn_start;

    if ( delta <= 0 )
        return;
    sv->burn_start = now;
    sv->credit = max(sv->credit - delta, credit_min());
    __atomic_fetch_add(&sv->burned, delta, __ATOMIC_RELAXED);
    if ( ACCESS_ONCE(sv->sdom->cap) )
        __atomic_fetch_sub(&sv->sdom->budget, delta, __ATOMIC_RELAXED);
}

static bool may_run_on(const struct csched_vcpu *sv, unsigned int cpu)
{
    return vcpu_runnable(sv->vcpu) && !sv->migrating && !over_cap(sv) &&
           cpumask_test_cpu(cpu, &sv->vcpu->cpu_hard_affinity);
}

/* An idle CPU of mask other than cpu, the one after cpu first. */
static unsigned int idler_in(const cpumask_t *mask, unsigned int cpu)
{
    cpumask_t m;
    unsigned int i;

    cpumask_and(&m, &idlers, mask);
    cpumask_and(&m, &m, &cpu_online_map);
    cpumask_clear_cpu(cpu, &m);
    i = cpumask_next(cpu, &m);
    return i < nr_cpumask_bits ? i : cpumask_first(&m);
}

static void kick_idler(const struct csched_vcpu *sv, unsigned int cpu)
{
    unsigned int i = idler_in(&sv->vcpu->cpu_hard_affinity, cpu);

    if ( i < nr_cpumask_bits )
        cpu_raise_softirq(i, SCHEDULE_SOFTIRQ);
}

/*
 * sv was just queued on cpu (whose lock we hold): get a CPU to run it.
 * An idle CPU that may run it steals it, which spares cpu's current
 * vCPU; failing that cpu preempts if sv outranks what it runs.
 */
static void tickle(const struct csched_vcpu *sv, unsigned int cpu)
{
    const struct csched_pcpu *pc = &per_cpu(pcpus, cpu);
    unsigned int i;

    if ( !pc->curr )
    {
        cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);
        return;
    }
    i = idler_in(&sv->vcpu->cpu_hard_affinity, cpu);
    if ( i < nr_cpumask_bits )
        cpu_raise_softirq(i, SCHEDULE_SOFTIRQ);
    else if ( sv->pri > pc->curr->pri )
        cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);
}

/* Queues a runnable, not queued sv on its CPU, or parks it if capped. */
static void enqueue(struct csched_pcpu *pc, struct csched_vcpu *sv)
{
    if ( over_cap(sv) )
    {
        sv->parked = true;
        return;
    }
    sv->parked = false;
    sv->pri = pri_of(sv);
    runq_insert(pc, sv);
    tickle(sv, sv->vcpu->processor);
}

/*
 * The best vCPU queued here, dropping on the way the ones that may no
 * longer run (each was queued once, so this is O(1) amortised).
 */
static struct csched_vcpu *runq_pick(struct csched_pcpu *pc)
{
    for ( int p = NR_PRI - 1; p >= 0; p-- )
    {
        struct csched_vcpu *sv;

        while ( (sv = pc->q[p].head) )
        {
            if ( vcpu_runnable(sv->vcpu) && !over_cap(sv) )
                return sv;
            runq_remove(pc, sv);
            sv->parked = vcpu_runnable(sv->vcpu);
        }
    }
    return NULL;
}

/*
 * Takes a vCPU of priority min_pri or better from another CPU's queue
 * for cpu (whose lock we hold).  Peers' locks are only tried, so two CPUs
 * stealing from each other cannot deadlock.  A busy CPU looks at a few
 * vCPUs per queue only; an idle one has time to look at all.
 */
static struct csched_vcpu *steal(unsigned int cpu, int min_pri, bool idle)
{
    unsigned int peer = cpu;

    for ( ;; )
    {
        struct csched_pcpu *ppc;

        peer = cpumask_next(peer, &cpu_online_map);
        if ( peer >= nr_cpumask_bits )
            peer = cpumask_first(&cpu_online_map);
        if ( peer == cpu )
            return NULL;
        ppc = &per_cpu(pcpus, peer);
        if ( best_queued(ppc) < min_pri || !spin_trylock(&ppc->lock) )
            continue;
        for ( int p = NR_PRI - 1; p >= min_pri; p-- )
        {
            unsigned int scanned = 0;

            for ( struct csched_vcpu *sv = ppc->q[p].head;
                  sv && (idle || scanned++ < CSCHED_STEAL_SCAN);
                  sv = sv->next )
                if ( !__atomic_load_n(&sv->vcpu->is_running,
                                      __ATOMIC_ACQUIRE) &&
                     may_run_on(sv, cpu) )
                {
                    runq_remove(ppc, sv);
                    sched_set_processor(sv->vcpu, cpu);
                    spin_unlock(&ppc->lock);
                    return sv;
                }
        }
        spin_unlock(&ppc->lock);
    }
}

/*
 * How long sv may run: until its credit is gone if others with credit
 * wait (so shares come out right within a period), never beyond what its
 * cap leaves, and never longer than a slice.
 */
static s_time_t slice_for(const struct csched_pcpu *pc,
                          const struct csched_vcpu *sv)
{
    s_time_t t = ACCESS_ONCE(tslice);

    if ( sv->pri >= PRI_UNDER && best_queued(pc) >= PRI_UNDER )
        t = min(t, sv->credit);
    if ( ACCESS_ONCE(sv->sdom->cap) )
        t = min(t, __atomic_load_n(&sv->sdom->budget, __ATOMIC_RELAXED));
    return max(t, CSCHED_MIN_TIMER);
}

/* Does another CPU queue work of priority min_pri or better? */
static bool peer_has_work(unsigned int cpu, int min_pri)
{
    unsigned int peer;

    for_each_online_cpu(peer) if ( peer != cpu &&
                                   best_queued(&per_cpu(pcpus, peer)) >=
                                       min_pri ) return true;
    return false;
}

static struct task_slice csched_schedule(unsigned int cpu, s_time_t now)
{
    struct csched_pcpu *pc = &per_cpu(pcpus, cpu);
    struct csched_vcpu *prev, *next, *stolen;
    struct task_slice ret = { NULL, -1 };
    unsigned long flags;

    spin_lock_irqsave(&pc->lock, flags);
    prev = pc->curr;
    if ( prev )
    {
        bool yielding = prev->yielding;

        burn(prev, now);
        prev->yielding = false;
        if ( !may_run_on(prev, cpu) )
            prev->parked = vcpu_runnable(prev->vcpu) && !prev->migrating &&
                           over_cap(prev);
        else if ( !yielding && now - prev->run_start < ratelimit )
        {
            /* Rate limit: a vCPU keeps the CPU this long once it has it. */
            prev->pri = pri_of(prev);
            ret.task = prev->vcpu;
            ret.time = max(prev->run_start + ratelimit - now,
                           CSCHED_MIN_TIMER);
            goto out;
        }
        else
        {
            /* Its slice is over, and so is any boost. */
            prev->boosted = false;
            prev->pri = pri_of(prev);
            runq_insert(pc, prev);
        }
    }

    next = runq_pick(pc);
    if ( (!next || next->pri == PRI_OVER) &&
         (stolen = steal(cpu, next ? PRI_UNDER : PRI_OVER, !next)) )
        next = stolen;
    else if ( next )
        runq_remove(pc, next);

    pc->curr = next;
    if ( next )
    {
        /*
         * Running from the moment it is chosen, under this lock: whoever
         * waits for a paused vCPU to leave its CPU (domctl, destroy) must
         * not slip in before context_switch() loads it.
         */
        __atomic_store_n(&next->vcpu->is_running, true, __ATOMIC_RELEASE);
        if ( next != prev )
            next->run_start = next->burn_start = now;
        next->pri = pri_of(next);
        ret.task = next->vcpu;
        ret.time = slice_for(pc, next);
        cpumask_clear_cpu(cpu, &idlers);
        if ( !timer_is_active(&pc->ticker) )
            set_timer(&pc->ticker, now + tick);
    }
    else
    {
        cpumask_set_cpu(cpu, &idlers);
        stop_timer(&pc->ticker);
    }
    /* Work left waiting here may suit a CPU with none. */
    if ( pc->nr_queued )
    {
        int p = best_queued(pc);

        if ( p >= 0 )
            kick_idler(pc->q[p].head, cpu);
    }
out:
    spin_unlock_irqrestore(&pc->lock, flags);
    return ret;
}

/*
 * The tick charges the running vCPU, ends its boost, and preempts it if
 * it has fallen behind something waiting (here, or on a peer that this
 * CPU could steal from), or out of its cap.
 */
static void csched_tick(void *data)
{
    unsigned int cpu = (unsigned long)data;
    struct csched_pcpu *pc = &per_cpu(pcpus, cpu);
    struct csched_vcpu *sv;
    s_time_t now = NOW();
    unsigned long flags;

    spin_lock_irqsave(&pc->lock, flags);
    if ( (sv = pc->curr) )
    {
        burn(sv, now);
        sv->boosted = false;
        sv->pri = pri_of(sv);
        if ( over_cap(sv) || best_queued(pc) > (int)sv->pri ||
             (sv->pri == PRI_OVER && peer_has_work(cpu, PRI_UNDER)) )
            cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);
        set_timer(&pc->ticker, now + tick);
    }
    spin_unlock_irqrestore(&pc->lock, flags);
}

/* A CPU v may move to from old: an idle one if any, else the next. */
static unsigned int pick_cpu(const struct vcpu *v, unsigned int old)
{
    cpumask_t m, idle;
    unsigned int cpu;

    cpumask_and(&m, &v->cpu_hard_affinity, &cpu_online_map);
    cpumask_and(&idle, &m, &idlers);
    if ( !cpumask_empty(&idle) )
        cpumask_copy(&m, &idle);
    cpu = cpumask_next(old, &m);
    if ( cpu >= nr_cpumask_bits )
        cpu = cpumask_first(&m);
    return cpu < nr_cpumask_bits ? cpu : old;
}

/*
 * Moves sv off old, which its affinity no longer includes, once its state
 * is saved; requeues it wherever it ends up if it may run.  Retries if
 * the affinity changes under us; leaves it alone if someone else moved it.
 */
static void move_vcpu(struct csched_vcpu *sv, unsigned int old)
{
    struct vcpu *v = sv->vcpu;
    struct csched_pcpu *opc = &per_cpu(pcpus, old);
    unsigned long flags;
    unsigned int new;

    for ( ;; )
    {
        new = pick_cpu(v, old);
        lock_two(old, new, &flags);
        if ( v->processor != old )
            break;
        if ( opc->curr == sv || v->is_running )
        {
            /* It got to run meanwhile: its CPU moves it later. */
            sv->migrating = true;
            cpu_raise_softirq(old, SCHEDULE_SOFTIRQ);
            break;
        }
        sv->migrating = false;
        if ( !cpumask_test_cpu(old, &v->cpu_hard_affinity) )
        {
            if ( !cpumask_test_cpu(new, &v->cpu_hard_affinity) )
            {
                unlock_two(old, new, flags);
                continue;
            }
            if ( sv->queued )
                runq_remove(opc, sv);
            sched_set_processor(v, new);
        }
        if ( !sv->queued && vcpu_runnable(v) )
            enqueue(&per_cpu(pcpus, v->processor), sv);
        break;
    }
    unlock_two(old, new, flags);
}

static void csched_context_saved(struct vcpu *v)
{
    struct csched_vcpu *sv = svc(v);
    struct csched_pcpu *pc;
    unsigned long flags;
    unsigned int cpu;

    if ( !sv )
        return;
    pc = vcpu_lock(v, &flags);
    cpu = v->processor;
    if ( !sv->migrating )
    {
        /* Stealers skipped it while its state was being saved. */
        if ( sv->queued )
            kick_idler(sv, cpu);
        spin_unlock_irqrestore(&pc->lock, flags);
        return;
    }
    spin_unlock_irqrestore(&pc->lock, flags);
    move_vcpu(sv, cpu);
}

static void csched_set_affinity(struct vcpu *v, const cpumask_t *mask)
{
    struct csched_vcpu *sv = svc(v);
    struct csched_pcpu *pc;
    unsigned long flags;
    unsigned int cpu;

    pc = vcpu_lock(v, &flags);
    cpumask_copy(&v->cpu_hard_affinity, mask);
    cpu = v->processor;
    if ( cpumask_test_cpu(cpu, mask) )
    {
        spin_unlock_irqrestore(&pc->lock, flags);
        return;
    }
    if ( pc->curr == sv || v->is_running )
    {
        /* Its CPU moves it once its state is saved. */
        sv->migrating = true;
        if ( pc->curr == sv )
            cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);
        spin_unlock_irqrestore(&pc->lock, flags);
        return;
    }
    spin_unlock_irqrestore(&pc->lock, flags);
    move_vcpu(sv, cpu);
}

static void csched_wake(struct vcpu *v)
{
    struct csched_vcpu *sv = svc(v);
    unsigned long flags;
    struct csched_pcpu *pc = vcpu_lock(v, &flags);

    if ( !sv->queued && pc->curr != sv && !sv->migrating && vcpu_runnable(v) )
    {
        /* Waking with credit left: an I/O-bound vCPU gets in first. */
        sv->boosted = sv->credit >= 0;
        enqueue(pc, sv);
    }
    spin_unlock_irqrestore(&pc->lock, flags);
}

static void csched_sleep(struct vcpu *v)
{
    struct csched_vcpu *sv = svc(v);
    unsigned long flags;
    struct csched_pcpu *pc = vcpu_lock(v, &flags);

    if ( pc->curr == sv )
        cpu_raise_softirq(v->processor, SCHEDULE_SOFTIRQ);
    else if ( sv->queued && !vcpu_runnable(v) )
        runq_remove(pc, sv);
    spin_unlock_irqrestore(&pc->lock, flags);
}

/* Called by v itself, so only its own CPU reads the flag. */
static void csched_yield(struct vcpu *v)
{
    svc(v)->yielding = true;
}

/* Puts the runnable vCPUs of a capped domain back once it has budget. */
static void unpark(struct csched_dom *sdom)
{
    struct domain *d = sdom->dom;

    for ( unsigned int i = 0; i < d->max_vcpus; i++ )
    {
        struct csched_vcpu *sv = d->vcpu[i] ? svc(d->vcpu[i]) : NULL;
        struct csched_pcpu *pc;
        unsigned long flags;

        if ( !sv || !ACCESS_ONCE(sv->parked) )
            continue;
        pc = vcpu_lock(sv->vcpu, &flags);
        if ( sv->parked && !sv->queued && pc->curr != sv &&
             vcpu_runnable(sv->vcpu) && !sv->migrating )
            enqueue(pc, sv);
        spin_unlock_irqrestore(&pc->lock, flags);
    }
}

/* A period's budget more, carrying debt but not savings (acct_lock). */
static void refill_budget(struct csched_dom *sdom, s_time_t period)
{
    s_time_t quota = period * sdom->cap / 100;
    s_time_t old = __atomic_load_n(&sdom->budget, __ATOMIC_RELAXED), new;

    do
    {
        new = min(max(old, -period) + quota, quota);
    } while ( !__atomic_compare_exchange_n(&sdom->budget, &old, new, false,
                                           __ATOMIC_RELAXED,
                                           __ATOMIC_RELAXED) );
    if ( new > 0 )
        unpark(sdom);
}

/*
 * First pass of accounting: who wanted CPU time this period, how much
 * was burned in all, and each active vCPU's slice of its domain's weight
 * (scaled so that integer division loses little).
 */
static s_time_t acct_collect(uint64_t *wsum)
{
    s_time_t pool = 0;

    *wsum = 0;
    for ( struct csched_dom *sdom = domains; sdom; sdom = sdom->next )
    {
        struct domain *d = sdom->dom;

        sdom->nr_active = 0;
        for ( unsigned int i = 0; i < d->max_vcpus; i++ )
        {
            struct csched_vcpu *sv = d->vcpu[i] ? svc(d->vcpu[i]) : NULL;
            s_time_t b;

            if ( !sv )
                continue;
            b = __atomic_exchange_n(&sv->burned, 0, __ATOMIC_RELAXED);
            pool += b;
            sv->active = b > 0 || ACCESS_ONCE(sv->queued) ||
                         ACCESS_ONCE(sv->parked) ||
                         ACCESS_ONCE(
                             per_cpu(pcpus, sv->vcpu->processor).curr) == sv;
            sv->share = 0;
            sv->settled = false;
            sdom->nr_active += sv->active;
        }
        for ( unsigned int i = 0; sdom->nr_active && i < d->max_vcpus; i++ )
        {
            struct csched_vcpu *sv = d->vcpu[i] ? svc(d->vcpu[i]) : NULL;

            if ( sv && sv->active )
            {
                sv->weight = (uint64_t)sdom->weight * 1024 / sdom->nr_active;
                *wsum += sv->weight;
            }
        }
    }
    return pool;
}

/*
 * Splits pool by weight, water-filling: a vCPU whose share would take it
 * past the credit ceiling gets only up to it, and the rest is split
 * again among the others.  Each round settles at least one vCPU.
 */
static void acct_share(s_time_t pool, uint64_t wsum)
{
    s_time_t cmax = credit_max();
    bool settled;

    do
    {
        uint64_t w = wsum;
        s_time_t left = pool;

        settled = false;
        for ( struct csched_dom *sdom = domains; sdom; sdom = sdom->next )
            for ( unsigned int i = 0; i < sdom->dom->max_vcpus; i++ )
            {
                struct vcpu *v = sdom->dom->vcpu[i];
                struct csched_vcpu *sv = v ? svc(v) : NULL;
                s_time_t share, room;

                if ( !sv || !sv->active || sv->settled || !w )
                    continue;
                share = left * sv->weight / w;
                room = max(cmax - ACCESS_ONCE(sv->credit), (s_time_t)0);
                if ( share <= room )
                    continue;
                /* Settled: it gets what fits. */
                sv->share = room;
                sv->settled = true;
                pool -= min(sv->share, pool);
                wsum -= sv->weight;
                settled = true;
            }
    } while ( settled && wsum );

    for ( struct csched_dom *sdom = domains; sdom; sdom = sdom->next )
        for ( unsigned int i = 0; i < sdom->dom->max_vcpus; i++ )
        {
            struct vcpu *v = sdom->dom->vcpu[i];
            struct csched_vcpu *sv = v ? svc(v) : NULL;

            if ( sv && sv->active && !sv->settled && wsum )
                sv->share = pool * sv->weight / wsum;
        }
}

/*
 * The offset that brings the mean credit of the competing (unsettled)
 * vCPUs to zero.  Adding the same to all keeps their differences, which
 * is what fairness rests on, while keeping them around the UNDER/OVER
 * line, where priorities can express those differences.
 */
static s_time_t acct_offset(void)
{
    s_time_t sum = 0;
    unsigned int n = 0;

    for ( struct csched_dom *sdom = domains; sdom; sdom = sdom->next )
        for ( unsigned int i = 0; i < sdom->dom->max_vcpus; i++ )
        {
            struct vcpu *v = sdom->dom->vcpu[i];
            struct csched_vcpu *sv = v ? svc(v) : NULL;

            if ( sv && sv->active && !sv->settled )
            {
                sum += ACCESS_ONCE(sv->credit) + sv->share;
                n++;
            }
        }
    return n ? -sum / n : 0;
}

/* Second pass: credit each active vCPU, requeueing it if it rose. */
static void acct_apply(s_time_t offset)
{
    for ( struct csched_dom *sdom = domains; sdom; sdom = sdom->next )
        for ( unsigned int i = 0; i < sdom->dom->max_vcpus; i++ )
        {
            struct vcpu *v = sdom->dom->vcpu[i];
            struct csched_vcpu *sv = v ? svc(v) : NULL;
            struct csched_pcpu *pc;
            unsigned long flags;

            if ( !sv || !sv->active )
                continue;
            pc = vcpu_lock(v, &flags);
            sv->credit = min(max(sv->credit + sv->share +
                                     (sv->settled ? 0 : offset),
                                 credit_min()),
                             credit_max());
            if ( sv->queued && pri_of(sv) != sv->pri )
            {
                runq_remove(pc, sv);
                sv->pri = pri_of(sv);
                runq_insert(pc, sv);
                if ( pc->curr && sv->pri > pc->curr->pri )
                    cpu_raise_softirq(v->processor, SCHEDULE_SOFTIRQ);
            }
            else if ( pc->curr == sv )
                sv->pri = pri_of(sv);
            spin_unlock_irqrestore(&pc->lock, flags);
        }
}

static void csched_acct(void *unused)
{
    s_time_t now = NOW(), pool, period;
    unsigned long flags;
    uint64_t wsum;

    spin_lock_irqsave(&acct_lock, flags);
    period = tslice;
    pool = acct_collect(&wsum);
    acct_share(pool, wsum);
    acct_apply(acct_offset());
    for ( struct csched_dom *sdom = domains; sdom; sdom = sdom->next )
        if ( sdom->cap )
            refill_budget(sdom, period);
    spin_unlock_irqrestore(&acct_lock, flags);
    set_timer(&acct_timer, now + period);
}

/* Changes a domain's cap (acct_lock held). */
static void set_cap(struct csched_dom *sdom, unsigned int cap)
{
    s_time_t quota = tslice * cap / 100;

    if ( cap && !sdom->cap )
        __atomic_store_n(&sdom->budget, quota, __ATOMIC_RELAXED);
    else if ( cap )
        __atomic_store_n(&sdom->budget,
                         min(__atomic_load_n(&sdom->budget, __ATOMIC_RELAXED),
                             quota),
                         __ATOMIC_RELAXED);
    ACCESS_ONCE(sdom->cap) = cap;
    if ( !cap )
        unpark(sdom);
}

/* XEN_DOMCTL_scheduler_op, with Xen's rules: 0 and ~0 mean "as is". */
static int csched_adjust(struct domain *d, struct xen_domctl_scheduler_op *op)
{
    struct csched_dom *sdom = d->sched_priv;
    unsigned long flags;
    int rc = 0;

    spin_lock_irqsave(&acct_lock, flags);
    switch ( op->cmd )
    {
    case XEN_DOMCTL_SCHEDOP_getinfo:
        op->u.credit.weight = sdom->weight;
        op->u.credit.cap = sdom->cap;
        break;
    case XEN_DOMCTL_SCHEDOP_putinfo:
        if ( op->u.credit.weight )
            sdom->weight = op->u.credit.weight;
        if ( op->u.credit.cap != (uint16_t)~0U )
            set_cap(sdom, op->u.credit.cap);
        break;
    default:
        /* Credit has no per-vCPU parameters. */
        rc = -EINVAL;
        break;
    }
    spin_unlock_irqrestore(&acct_lock, flags);
    return rc;
}

static void set_params(unsigned int tslice_ms, unsigned int ratelimit_us)
{
    tslice = MILLISECS(tslice_ms);
    ratelimit = MICROSECS(ratelimit_us);
    tick = min(MILLISECS(opt_tick_ms), tslice);
}

/* XEN_SYSCTL_scheduler_op: Xen's bounds, and -EINVAL outside them. */
static int csched_adjust_global(struct xen_sysctl_scheduler_op *op)
{
    struct xen_sysctl_credit_schedule *p = &op->u.sched_credit;
    unsigned long flags;

    if ( op->cmd == XEN_SYSCTL_SCHEDOP_putinfo )
    {
        if ( p->tslice_ms > XEN_SYSCTL_CSCHED_TSLICE_MAX ||
             p->tslice_ms < XEN_SYSCTL_CSCHED_TSLICE_MIN ||
             (p->ratelimit_us &&
              (p->ratelimit_us > XEN_SYSCTL_SCHED_RATELIMIT_MAX ||
               p->ratelimit_us < XEN_SYSCTL_SCHED_RATELIMIT_MIN)) ||
             MICROSECS(p->ratelimit_us) > MILLISECS(p->tslice_ms) ||
             p->vcpu_migr_delay_us > XEN_SYSCTL_CSCHED_MGR_DLY_MAX_US )
            return -EINVAL;
        spin_lock_irqsave(&acct_lock, flags);
        if ( !ratelimit != !p->ratelimit_us )
            printk(XENLOG_INFO "Context switch rate limiting %s\n",
                   p->ratelimit_us ? "enabled" : "disabled");
        set_params(p->tslice_ms, p->ratelimit_us);
        migr_delay_us = p->vcpu_migr_delay_us;
        spin_unlock_irqrestore(&acct_lock, flags);
    }
    p->tslice_ms = tslice / MILLISECS(1);
    p->ratelimit_us = ratelimit / MICROSECS(1);
    p->vcpu_migr_delay_us = migr_delay_us;
    return 0;
}

static int csched_init_domain(struct domain *d)
{
    struct csched_dom *sdom = xzalloc(struct csched_dom);
    unsigned long flags;

    if ( !sdom )
        return -ENOMEM;
    sdom->dom = d;
    sdom->weight = CSCHED_DEFAULT_WEIGHT;
    d->sched_priv = sdom;
    spin_lock_irqsave(&acct_lock, flags);
    sdom->next = domains;
    domains = sdom;
    spin_unlock_irqrestore(&acct_lock, flags);
    return 0;
}

/* The domain's vCPUs are not running and will not run again. */
static void csched_destroy_domain(struct domain *d)
{
    struct csched_dom *sdom = d->sched_priv, **pp;
    unsigned long flags;

    if ( !sdom )
        return;
    spin_lock_irqsave(&acct_lock, flags);
    for ( pp = &domains; *pp != sdom; pp = &(*pp)->next )
        ;
    *pp = sdom->next;
    for ( unsigned int i = 0; i < d->max_vcpus; i++ )
    {
        struct vcpu *v = d->vcpu[i];
        struct csched_vcpu *sv = v ? svc(v) : NULL;
        struct csched_pcpu *pc;
        unsigned long f;

        if ( !sv )
            continue;
        pc = vcpu_lock(v, &f);
        ASSERT(pc->curr != sv);
        if ( sv->queued )
            runq_remove(pc, sv);
        v->sched_priv = NULL;
        spin_unlock_irqrestore(&pc->lock, f);
        xfree(sv);
    }
    d->sched_priv = NULL;
    spin_unlock_irqrestore(&acct_lock, flags);
    xfree(sdom);
}

static int csched_insert_vcpu(struct vcpu *v)
{
    struct csched_vcpu *sv = xzalloc(struct csched_vcpu);
    unsigned long flags;

    if ( !sv )
        return -ENOMEM;
    sv->vcpu = v;
    sv->sdom = v->domain->sched_priv;
    sv->pri = pri_of(sv);
    spin_lock_irqsave(&acct_lock, flags);
    v->sched_priv = sv;
    spin_unlock_irqrestore(&acct_lock, flags);
    return 0;
}

/* Xen's ranges for the options; out of range, the default, with a word. */
static int csched_init(void)
{
    if ( opt_tslice_ms < XEN_SYSCTL_CSCHED_TSLICE_MIN ||
         opt_tslice_ms > XEN_SYSCTL_CSCHED_TSLICE_MAX )
    {
        printk(XENLOG_WARNING "sched_credit_tslice_ms=%u is outside [%u,%u]:"
                              " using %u\n",
               opt_tslice_ms, XEN_SYSCTL_CSCHED_TSLICE_MIN,
               XEN_SYSCTL_CSCHED_TSLICE_MAX, CSCHED_DEFAULT_TSLICE);
        opt_tslice_ms = CSCHED_DEFAULT_TSLICE;
    }
    if ( opt_ratelimit_us &&
         (opt_ratelimit_us < XEN_SYSCTL_SCHED_RATELIMIT_MIN ||
          opt_ratelimit_us > XEN_SYSCTL_SCHED_RATELIMIT_MAX) )
    {
        printk(XENLOG_WARNING "sched_ratelimit_us=%u is outside [%u,%u]:"
                              " using %u\n",
               opt_ratelimit_us, XEN_SYSCTL_SCHED_RATELIMIT_MIN,
               XEN_SYSCTL_SCHED_RATELIMIT_MAX, CSCHED_DEFAULT_RATELIM);
        opt_ratelimit_us = CSCHED_DEFAULT_RATELIM;
    }
    if ( opt_ratelimit_us > opt_tslice_ms * 1000 )
    {
        printk(XENLOG_WARNING "sched_ratelimit_us beyond the time slice:"
                              " limiting to the slice\n");
        opt_ratelimit_us = opt_tslice_ms * 1000;
    }
    if ( !opt_tick_ms )
        opt_tick_ms = CSCHED_DEFAULT_TICK;
    set_params(opt_tslice_ms, opt_ratelimit_us);
    cpumask_clear(&idlers);
    for ( unsigned int cpu = 0; cpu < NR_CPUS; cpu++ )
        spin_lock_init(&per_cpu(pcpus, cpu).lock, sched);
    return 0;
}

/* The boot CPU also runs the accounting, as every machine has it. */
static void csched_init_cpu(unsigned int cpu)
{
    init_timer(&per_cpu(pcpus, cpu).ticker, csched_tick,
               (void *)(unsigned long)cpu, cpu);
    cpumask_set_cpu(cpu, &idlers);
    if ( cpu == 0 )
    {
        init_timer(&acct_timer, csched_acct, NULL, 0);
        set_timer(&acct_timer, NOW() + tslice);
    }
}

static void dump_vcpu(const struct csched_vcpu *sv)
{
    const struct vcpu *v = sv->vcpu;

    printk("[%u.%u] pri=%d flags=%x cpu=%u credit=%ld [w=%u,cap=%u]\n",
           v->domain->domain_id, v->vcpu_id, xen_pri[sv->pri],
           sv->boosted | sv->yielding << 1 | sv->parked << 2 |
               sv->migrating << 3,
           v->processor, (long)(sv->credit / CSCHED_NS_PER_CREDIT),
           sv->sdom->weight, sv->sdom->cap);
}

static void csched_dump_settings(void)
{
    unsigned long flags;
    unsigned int weight = 0;

    spin_lock_irqsave(&acct_lock, flags);
    for ( const struct csched_dom *sdom = domains; sdom; sdom = sdom->next )
        weight += sdom->nr_active ? sdom->weight : 0;
    printk("info:\n"
           "\tncpus              = %u\n"
           "\tmaster             = 0\n"
           "\tcredit             = %ld\n"
           "\tweight             = %u\n"
           "\tdefault-weight     = %u\n"
           "\ttslice             = %ldms\n"
           "\tratelimit          = %ldus\n"
           "\tcredits per msec   = %ld\n"
           "\tticks per tslice   = %ld\n"
           "\tmigration delay    = %uus\n",
           num_online_cpus(),
           (long)(num_online_cpus() * tslice / CSCHED_NS_PER_CREDIT), weight,
           CSCHED_DEFAULT_WEIGHT, (long)(tslice / MILLISECS(1)),
           (long)(ratelimit / MICROSECS(1)),
           (long)(MILLISECS(1) / CSCHED_NS_PER_CREDIT), (long)(tslice / tick),
           migr_delay_us);
    printk("idlers: %016lx\n", idlers.bits[0]);
    printk("domains:\n");
    for ( const struct csched_dom *sdom = domains; sdom; sdom = sdom->next )
        printk("\tdomain %u: weight=%u cap=%u budget=%ldus active=%u\n",
               sdom->dom->domain_id, sdom->weight, sdom->cap,
               sdom->cap ? (long)(sdom->budget / MICROSECS(1)) : 0L,
               sdom->nr_active);
    spin_unlock_irqrestore(&acct_lock, flags);
}

static void csched_dump_cpu_state(unsigned int cpu)
{
    struct csched_pcpu *pc = &per_cpu(pcpus, cpu);
    unsigned long flags;
    unsigned int n = 0;

    spin_lock_irqsave(&pc->lock, flags);
    printk("\tnr_run=%u\n", pc->nr_queued + !!pc->curr);
    if ( pc->curr )
    {
        printk("\trun: ");
        dump_vcpu(pc->curr);
    }
    for ( int p = NR_PRI - 1; p >= 0; p-- )
        for ( const struct csched_vcpu *sv = pc->q[p].head; sv; sv = sv->next )
        {
            printk("\t%3u: ", ++n);
            dump_vcpu(sv);
        }
    spin_unlock_irqrestore(&pc->lock, flags);
}

static struct scheduler sched_credit_ops = {
    .name = "SMP Credit Scheduler",
    .opt_name = "credit",
    .sched_id = XEN_SCHEDULER_CREDIT,
    .init = csched_init,
    .init_cpu = csched_init_cpu,
    .init_domain = csched_init_domain,
    .destroy_domain = csched_destroy_domain,
    .insert_vcpu = csched_insert_vcpu,
    .sleep = csched_sleep,
    .wake = csched_wake,
    .yield = csched_yield,
    .set_affinity = csched_set_affinity,
    .context_saved = csched_context_saved,
    .do_schedule = csched_schedule,
    .adjust = csched_adjust,
    .adjust_global = csched_adjust_global,
    .dump_settings = csched_dump_settings,
    .dump_cpu_state = csched_dump_cpu_state,
};
REGISTER_SCHEDULER(sched_credit_ops);
