/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The cost of one credit scheduling decision with 1, 8 and 64 runnable
 * vCPUs per CPU (four CPUs), as name,value,unit rows for `make bench`.
 */
#include <stdio.h>
#include <time.h>
#include "harness.h"
#include "sim.h"

#define NCPUS       4
#define DECISIONS   200000

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/*
 * CPU 0 decides again and again, a slice apart in simulated time, with
 * the others' queues as full as its own (so stealing looks at real
 * queues); the chosen vCPU is switched to as context_switch would.
 */
static double decision_ns(unsigned int per_cpu)
{
    struct vcpu *cur = NULL;
    double t0, t1;

    sim_init(NCPUS);
    for ( unsigned int i = 0; i < per_cpu * NCPUS; i++ )
        sim_vcpu(sim_domain(1), SIM_HOG, i % NCPUS);
    sim_run(MILLISECS(300));

    harness_cpu = 0;
    t0 = now_ns();
    for ( unsigned int i = 0; i < DECISIONS; i++ )
    {
        struct task_slice ts = credit_ops->do_schedule(0, sim_now() + i);

        if ( ts.task != cur && cur )
        {
            cur->is_running = false;
            credit_ops->context_saved(cur);
        }
        cur = ts.task;
    }
    t1 = now_ns();
    return (t1 - t0) / DECISIONS;
}

int main(void)
{
    static const unsigned int sizes[] = { 1, 8, 64 };

    for ( unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++ )
        printf("sched_credit_decision_%u_per_cpu,%.1f,ns\n", sizes[i],
               decision_ns(sizes[i]));
    return 0;
}
