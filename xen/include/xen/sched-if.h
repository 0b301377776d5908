/* SPDX-License-Identifier: GPL-2.0-only */
/* The interface between the generic scheduler and a scheduling policy. */
#ifndef XEN_SCHED_IF_H
#define XEN_SCHED_IF_H

#include <xen/time.h>

struct vcpu;

/* What a policy's do_schedule() decides for one CPU. */
struct task_slice {
    struct vcpu *task;      /* NULL: run the idle loop */
    s_time_t time;          /* how long before deciding again; <0: no limit */
};

/*
 * A policy fills one of these in and registers it with REGISTER_SCHEDULER;
 * `sched=<opt_name>` picks it at boot.  Hooks a policy has no use for stay
 * NULL.  Calls come with the CPU's scheduling lock held unless noted.
 */
struct scheduler {
    const char *name;           /* full name, for logs */
    const char *opt_name;       /* name on the command line */
    int (*init)(void);          /* once, at boot, lock not held */
    void (*init_cpu)(unsigned int cpu);
    void (*insert_vcpu)(struct vcpu *v);
    void (*remove_vcpu)(struct vcpu *v);
    void (*sleep)(struct vcpu *v);
    void (*wake)(struct vcpu *v);
    void (*yield)(struct vcpu *v);
    struct task_slice (*do_schedule)(unsigned int cpu, s_time_t now);
    void (*dump_settings)(void);
    void (*dump_cpu_state)(unsigned int cpu);
};

#define REGISTER_SCHEDULER(x)                                             \
    static const struct scheduler *const sched_ptr_##x                    \
        __used __section(".data.schedulers") = &(x)

/*
 * Arch: stop running prev (NULL: the idle loop) and run next (NULL: go
 * idle) on this CPU.  Never returns: the stack is reset for next.
 */
void context_switch(struct vcpu *prev, struct vcpu *next) __noreturn;

void scheduler_init(void);
void scheduler_init_cpu(unsigned int cpu);
/* Each CPU ends its boot here and never returns. */
void startup_cpu_idle_loop(void) __noreturn;

#endif /* XEN_SCHED_IF_H */
