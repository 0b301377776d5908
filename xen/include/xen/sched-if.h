/* SPDX-License-Identifier: GPL-2.0-only */
/* The interface between the generic scheduler and a scheduling policy. */
#ifndef XEN_SCHED_IF_H
#define XEN_SCHED_IF_H

#include <xen/compiler.h>
#include <xen/cpumask.h>
#include <xen/time.h>

struct domain;
struct vcpu;
struct xen_domctl_scheduler_op;
struct xen_sysctl_scheduler_op;

/* What a policy's do_schedule() decides for one CPU. */
struct task_slice {
    struct vcpu *task; /* NULL: run the idle loop */
    s_time_t time;     /* how long before deciding again; <0: no limit */
};

/*
 * A policy fills one of these in and registers it with REGISTER_SCHEDULER;
 * `sched=<opt_name>` picks it at boot.  Hooks a policy has no use for stay
 * NULL.  The policy owns the per-CPU scheduling locks and takes them
 * itself; no hook is called with one held.
 */
struct scheduler {
    const char *name;      /* full name, for logs */
    const char *opt_name;  /* name on the command line */
    unsigned int sched_id; /* XEN_SCHEDULER_*, as the toolstack sees */
    int (*init)(void);     /* once, at boot */
    void (*init_cpu)(unsigned int cpu);
    int (*init_domain)(struct domain *d);
    void (*destroy_domain)(struct domain *d);
    int (*insert_vcpu)(struct vcpu *v);
    /* v may no longer run: drop it from its queue, stop it if current. */
    void (*sleep)(struct vcpu *v);
    /* v became runnable: queue it, and get a CPU to look at it. */
    void (*wake)(struct vcpu *v);
    void (*yield)(struct vcpu *v);
    /* v's hard affinity changes to mask (which has an online CPU). */
    void (*set_affinity)(struct vcpu *v, const cpumask_t *mask);
    /* Called by the CPU that ran v once v's state is saved. */
    void (*context_saved)(struct vcpu *v);
    struct task_slice (*do_schedule)(unsigned int cpu, s_time_t now);
    /* domctl and sysctl scheduler_op, already checked for our sched_id. */
    int (*adjust)(struct domain *d, struct xen_domctl_scheduler_op *op);
    int (*adjust_global)(struct xen_sysctl_scheduler_op *op);
    void (*dump_settings)(void);
    void (*dump_cpu_state)(unsigned int cpu);
};

#define REGISTER_SCHEDULER(x)                                                 \
    static const struct scheduler *const sched_ptr_##x __used __section(      \
        ".data.schedulers") = &(x)

/*
 * Arch: stop running prev (NULL: the idle loop) and run next (NULL: go
 * idle) on this CPU.  Never returns: the stack is reset for next.
 */
void context_switch(struct vcpu *prev, struct vcpu *next) __noreturn;
/* Arch, from context_switch: prev's state is saved (is_running clear). */
void sched_context_saved(struct vcpu *prev);

/*
 * For policies: v now belongs to cpu, and its timers follow it.  The
 * caller holds the scheduling locks of both v's old CPU and cpu, and v
 * is not running.
 */
void sched_set_processor(struct vcpu *v, unsigned int cpu);

void scheduler_init(void);
void scheduler_init_cpu(unsigned int cpu);
/* XEN_SCHEDULER_* of the policy in use. */
unsigned int scheduler_id(void);
/* The time cpu has spent idle since it came up, in ns. */
uint64_t sched_cpu_idletime(unsigned int cpu);
long sched_adjust(struct domain *d, struct xen_domctl_scheduler_op *op);
long sched_adjust_global(struct xen_sysctl_scheduler_op *op);
/* Each CPU ends its boot here and never returns. */
void startup_cpu_idle_loop(void) __noreturn;

#endif /* XEN_SCHED_IF_H */
