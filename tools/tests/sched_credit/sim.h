/* SPDX-License-Identifier: GPL-2.0-only */
/* A simulated machine for the credit scheduler: clock, CPUs and workloads. */
#ifndef SCHED_CREDIT_SIM_H
#define SCHED_CREDIT_SIM_H

#include <xen/sched.h>
#include <xen/sched-if.h>

extern const struct scheduler *const credit_ops;

/* What a simulated vCPU does: spin for ever, or wake every period. */
enum sim_kind { SIM_HOG, SIM_WAKER };

struct sim_vcpu {
    struct vcpu v;
    enum sim_kind kind;
    s_time_t period, burst;         /* waker: runs burst every period */
    s_time_t left;                  /* waker: of this burst */
    s_time_t next_wake;             /* waker, blocked: when it wakes */
    s_time_t woke_at;               /* waker: woken, not yet run; or -1 */
    s_time_t runtime;               /* CPU time it got */
    s_time_t *lat;                  /* waker: wake-to-run latencies */
    int loaded_on;                  /* the CPU it is loaded on, or -1 */
    unsigned int nr_lat, max_lat;
};

/* Things the scheduler must never do; a case fails if any is counted. */
struct sim_errors {
    unsigned int double_run;        /* picked while running elsewhere */
    unsigned int unmarked;          /* loaded without is_running set */
    unsigned int affinity;          /* run on a CPU outside its affinity */
    unsigned int wrong_cpu;         /* picked with processor != the CPU */
    unsigned int runaway;           /* softirqs that never settle */
};
extern struct sim_errors sim_errors;

/* A fresh machine with ncpus CPUs and no domains, at time 0. */
void sim_init(unsigned int ncpus);
struct domain *sim_domain(unsigned int max_vcpus);
/* Starts a vCPU of d (the next id) on cpu; hogs run until the end. */
struct sim_vcpu *sim_vcpu(struct domain *d, enum sim_kind kind,
                          unsigned int cpu);
void sim_waker(struct sim_vcpu *sv, s_time_t period, s_time_t burst);
/* Sets weight and cap through the domctl path (0 / ~0: unchanged). */
int sim_set(struct domain *d, unsigned int weight, unsigned int cap);
void sim_run(s_time_t duration);
s_time_t sim_now(void);
s_time_t sim_idle(unsigned int cpu);
/* Stops every vCPU and destroys every domain. */
void sim_teardown(void);
/* The p-th percentile (0-100) of sv's wake latencies. */
s_time_t sim_percentile(const struct sim_vcpu *sv, unsigned int p);

#endif /* SCHED_CREDIT_SIM_H */
