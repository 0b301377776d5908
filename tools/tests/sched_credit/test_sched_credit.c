/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for the credit scheduler: shares, caps, SMP, latency, ABI. */
#include <xen/errno.h>
#include <public/domctl.h>
#include <public/sysctl.h>
#include "sim.h"
#include <stdio.h>
#include <stdlib.h>
#include "check.h"

/* Percent of the run, to 0.01. */
static double pct(s_time_t part, s_time_t whole)
{
    return 100.0 * part / whole;
}

static bool no_errors(void)
{
    return !sim_errors.double_run && !sim_errors.unmarked &&
           !sim_errors.affinity &&
           !sim_errors.wrong_cpu && !sim_errors.runaway;
}

static void check_close(double got, double want, double tol, const char *what)
{
    char why[160];

    /* SIM_VERBOSE=1 shows the margins, for tuning. */
    if ( getenv("SIM_VERBOSE") )
        printf("  %s: %.2f%% (want %.2f +-%.2f)\n", what, got, want, tol);
    if ( got < want - tol || got > want + tol )
    {
        snprintf(why, sizeof(why), "%s: %.2f%%, want %.2f%% +-%.2f", what,
                 got, want, tol);
        check_fail(__FILE__, __LINE__, why);
    }
}

static void test_weights(void)
{
    CASE("weights 256:512:1024 on one CPU get 1/7, 2/7, 4/7 (+-2 pp)")
    {
        static const unsigned int w[3] = { 256, 512, 1024 };
        struct sim_vcpu *v[3];

        sim_init(1);
        for ( unsigned int i = 0; i < 3; i++ )
        {
            struct domain *d = sim_domain(1);

            CHECK_EQ(sim_set(d, w[i], 0), 0);
            v[i] = sim_vcpu(d, SIM_HOG, 0);
        }
        sim_run(SECONDS(10));
        for ( unsigned int i = 0; i < 3; i++ )
            check_close(pct(v[i]->runtime, SECONDS(10)), 100.0 * w[i] / 1792,
                        2, "share");
        CHECK(no_errors());
        sim_teardown();
    }

    CASE("a weight change takes effect: 1:3 after 1:1")
    {
        struct domain *a, *b;
        struct sim_vcpu *va, *vb;
        s_time_t ra, rb;

        sim_init(1);
        a = sim_domain(1);
        b = sim_domain(1);
        va = sim_vcpu(a, SIM_HOG, 0);
        vb = sim_vcpu(b, SIM_HOG, 0);
        sim_run(SECONDS(2));
        check_close(pct(va->runtime, SECONDS(2)), 50, 2, "equal weights");
        ra = va->runtime;
        rb = vb->runtime;
        CHECK_EQ(sim_set(b, 768, 0), 0);
        sim_run(SECONDS(4));
        check_close(pct(va->runtime - ra, SECONDS(4)), 25, 2, "1:3");
        check_close(pct(vb->runtime - rb, SECONDS(4)), 75, 2, "3:1");
        sim_teardown();
    }
}

static void test_cap(void)
{
    CASE("cap 25 on a hog of an otherwise idle machine: 25% (+-2)")
    {
        struct domain *d;
        struct sim_vcpu *v;

        sim_init(4);
        d = sim_domain(1);
        CHECK_EQ(sim_set(d, 0, 25), 0);
        v = sim_vcpu(d, SIM_HOG, 0);
        sim_run(SECONDS(10));
        check_close(pct(v->runtime, SECONDS(10)), 25, 2, "capped share");
        CHECK(no_errors());
        sim_teardown();
    }

    CASE("cap removed: the hog gets the whole CPU again")
    {
        struct domain *d;
        struct sim_vcpu *v;
        s_time_t r;

        sim_init(2);
        d = sim_domain(1);
        CHECK_EQ(sim_set(d, 0, 10), 0);
        v = sim_vcpu(d, SIM_HOG, 1);
        sim_run(SECONDS(2));
        check_close(pct(v->runtime, SECONDS(2)), 10, 2, "cap 10");
        r = v->runtime;
        CHECK_EQ(sim_set(d, 0, 0), 0);
        sim_run(SECONDS(2));
        check_close(pct(v->runtime - r, SECONDS(2)), 100, 1, "uncapped");
        sim_teardown();
    }

    CASE("a capped domain beside hogs stays at its cap; they share the rest")
    {
        struct domain *d = NULL;
        struct sim_vcpu *capped, *h[2];

        sim_init(1);
        d = sim_domain(1);
        CHECK_EQ(sim_set(d, 0, 20), 0);
        capped = sim_vcpu(d, SIM_HOG, 0);
        for ( unsigned int i = 0; i < 2; i++ )
            h[i] = sim_vcpu(sim_domain(1), SIM_HOG, 0);
        sim_run(SECONDS(6));
        check_close(pct(capped->runtime, SECONDS(6)), 20, 2, "capped");
        for ( unsigned int i = 0; i < 2; i++ )
            check_close(pct(h[i]->runtime, SECONDS(6)), 40, 2, "hog");
        sim_teardown();
    }
}

static void test_smp(void)
{
    CASE("six hogs on four CPUs: 4/6 each (+-5%), idle under 2%")
    {
        struct sim_vcpu *v[6];
        s_time_t idle = 0;

        sim_init(4);
        /* All start on CPU 0: spreading them is the scheduler's job. */
        for ( unsigned int i = 0; i < 6; i++ )
            v[i] = sim_vcpu(sim_domain(1), SIM_HOG, 0);
        sim_run(SECONDS(10));
        for ( unsigned int i = 0; i < 6; i++ )
            check_close(pct(v[i]->runtime, SECONDS(10)), 400.0 / 6,
                        400.0 / 6 * 0.05, "share");
        for ( unsigned int cpu = 0; cpu < 4; cpu++ )
            idle += sim_idle(cpu);
        check_close(pct(idle, 4 * SECONDS(10)), 0, 2, "idle");
        CHECK(no_errors());
        sim_teardown();
    }

    CASE("two hogs on four CPUs each get a whole CPU")
    {
        struct sim_vcpu *v[2];

        sim_init(4);
        for ( unsigned int i = 0; i < 2; i++ )
            v[i] = sim_vcpu(sim_domain(1), SIM_HOG, 2);
        sim_run(SECONDS(2));
        for ( unsigned int i = 0; i < 2; i++ )
            check_close(pct(v[i]->runtime, SECONDS(2)), 100, 1, "share");
        CHECK(no_errors());
        sim_teardown();
    }

    CASE("weights across CPUs: 1:1:2:2:4:4 on three CPUs")
    {
        static const unsigned int w[6] = { 128, 128, 256, 256, 512, 512 };
        struct sim_vcpu *v[6];

        sim_init(3);
        for ( unsigned int i = 0; i < 6; i++ )
        {
            struct domain *d = sim_domain(1);

            CHECK_EQ(sim_set(d, w[i], 0), 0);
            v[i] = sim_vcpu(d, SIM_HOG, i % 3);
        }
        sim_run(SECONDS(10));
        for ( unsigned int i = 0; i < 6; i++ )
            check_close(pct(v[i]->runtime, SECONDS(10)), 300.0 * w[i] / 1792,
                        3, "share");
        CHECK(no_errors());
        sim_teardown();
    }
}

static void test_latency(void)
{
    CASE("a 1 ms waker among hogs: p99 wake-to-run well under a slice")
    {
        struct sim_vcpu *w;
        s_time_t p50, p99;

        sim_init(1);
        for ( unsigned int i = 0; i < 3; i++ )
            sim_vcpu(sim_domain(1), SIM_HOG, 0);
        w = sim_vcpu(sim_domain(1), SIM_WAKER, 0);
        sim_waker(w, MILLISECS(1), MICROSECS(100));
        sim_run(SECONDS(5));
        p50 = sim_percentile(w, 50);
        p99 = sim_percentile(w, 99);
        printf("  waker among 3 hogs: %u wakes, p50 %ld us, p99 %ld us\n",
               w->nr_lat, (long)(p50 / 1000), (long)(p99 / 1000));
        CHECK(w->nr_lat > 4000);
        /* The rate limit (1 ms) bounds it, not the 30 ms slice. */
        CHECK(p99 >= 0 && p99 <= MILLISECS(2));
        CHECK(no_errors());
        sim_teardown();
    }

    CASE("a waker on a 4-CPU machine of hogs: p99 under a slice")
    {
        struct sim_vcpu *w;

        sim_init(4);
        for ( unsigned int i = 0; i < 8; i++ )
            sim_vcpu(sim_domain(1), SIM_HOG, i % 4);
        w = sim_vcpu(sim_domain(1), SIM_WAKER, 1);
        sim_waker(w, MILLISECS(1), MICROSECS(50));
        sim_run(SECONDS(3));
        CHECK(w->nr_lat > 2500);
        CHECK(sim_percentile(w, 99) <= MILLISECS(2));
        CHECK(no_errors());
        sim_teardown();
    }
}

static void test_affinity(void)
{
    CASE("hard affinity: pinned vCPUs run only where allowed")
    {
        struct sim_vcpu *v[6];
        cpumask_t m;

        sim_init(4);
        for ( unsigned int i = 0; i < 6; i++ )
            v[i] = sim_vcpu(sim_domain(1), SIM_HOG, 0);
        /* Two pinned to CPU 3, one to CPUs 1-2; the rest free. */
        cpumask_clear(&m);
        cpumask_set_cpu(3, &m);
        credit_ops->set_affinity(&v[0]->v, &m);
        credit_ops->set_affinity(&v[1]->v, &m);
        cpumask_clear(&m);
        cpumask_set_cpu(1, &m);
        cpumask_set_cpu(2, &m);
        credit_ops->set_affinity(&v[2]->v, &m);
        sim_run(SECONDS(4));
        CHECK_EQ(sim_errors.affinity, 0);
        CHECK(no_errors());
        /* CPU 3 is shared by its two only: half each. */
        check_close(pct(v[0]->runtime, SECONDS(4)), 50, 3, "pinned pair");
        check_close(pct(v[1]->runtime, SECONDS(4)), 50, 3, "pinned pair");
        CHECK_EQ(v[0]->v.processor, 3);
        sim_teardown();
    }

    CASE("affinity changed while running: the vCPU moves, timers follow")
    {
        struct sim_vcpu *v;
        cpumask_t m;

        sim_init(4);
        v = sim_vcpu(sim_domain(1), SIM_HOG, 0);
        sim_run(MILLISECS(50));
        CHECK(v->v.is_running);
        cpumask_clear(&m);
        cpumask_set_cpu(2, &m);
        credit_ops->set_affinity(&v->v, &m);
        sim_run(MILLISECS(50));
        CHECK_EQ(v->v.processor, 2);
        CHECK(v->v.is_running);
        CHECK(no_errors());
        check_close(pct(v->runtime, MILLISECS(100)), 100, 1, "no time lost");
        sim_teardown();
    }
}

static void test_control(void)
{
    CASE("domctl scheduler_op: get, put, 0 and 0xffff leave values")
    {
        struct xen_domctl_scheduler_op op = {
            .sched_id = XEN_SCHEDULER_CREDIT,
            .cmd = XEN_DOMCTL_SCHEDOP_getinfo,
        };
        struct domain *d;

        sim_init(1);
        d = sim_domain(1);
        CHECK_EQ(credit_ops->adjust(d, &op), 0);
        CHECK_EQ(op.u.credit.weight, 256);
        CHECK_EQ(op.u.credit.cap, 0);
        CHECK_EQ(sim_set(d, 1000, 30), 0);
        CHECK_EQ(sim_set(d, 0, 0xffff), 0);
        CHECK_EQ(credit_ops->adjust(d, &op), 0);
        CHECK_EQ(op.u.credit.weight, 1000);
        CHECK_EQ(op.u.credit.cap, 30);
        op.cmd = XEN_DOMCTL_SCHEDOP_putvcpuinfo;
        CHECK_EQ(credit_ops->adjust(d, &op), -EINVAL);
        sim_teardown();
    }

    CASE("sysctl scheduler_op: defaults, Xen's bounds, changes apply")
    {
        struct xen_sysctl_scheduler_op op = {
            .sched_id = XEN_SCHEDULER_CREDIT,
            .cmd = XEN_SYSCTL_SCHEDOP_getinfo,
        };
        struct xen_sysctl_credit_schedule *c = &op.u.sched_credit;

        sim_init(1);
        CHECK_EQ(credit_ops->adjust_global(&op), 0);
        CHECK_EQ(c->tslice_ms, 30);
        CHECK_EQ(c->ratelimit_us, 1000);
        op.cmd = XEN_SYSCTL_SCHEDOP_putinfo;
        c->tslice_ms = 0;
        CHECK_EQ(credit_ops->adjust_global(&op), -EINVAL);
        c->tslice_ms = 1001;
        CHECK_EQ(credit_ops->adjust_global(&op), -EINVAL);
        c->tslice_ms = 5;
        c->ratelimit_us = 99;
        CHECK_EQ(credit_ops->adjust_global(&op), -EINVAL);
        c->ratelimit_us = 5001;
        CHECK_EQ(credit_ops->adjust_global(&op), -EINVAL);
        c->ratelimit_us = 0;
        c->vcpu_migr_delay_us = 100001;
        CHECK_EQ(credit_ops->adjust_global(&op), -EINVAL);
        c->vcpu_migr_delay_us = 0;
        CHECK_EQ(credit_ops->adjust_global(&op), 0);
        CHECK_EQ(c->tslice_ms, 5);
        CHECK_EQ(c->ratelimit_us, 0);
        c->tslice_ms = 30;
        c->ratelimit_us = 1000;
        CHECK_EQ(credit_ops->adjust_global(&op), 0);
        sim_teardown();
    }

    CASE("debug key r: run queues with credits and priorities")
    {
        sim_init(2);
        for ( unsigned int i = 0; i < 3; i++ )
            sim_vcpu(sim_domain(1), SIM_HOG, 0);
        sim_run(MILLISECS(100));
        credit_ops->dump_settings();
        credit_ops->dump_cpu_state(0);
        credit_ops->dump_cpu_state(1);
        CHECK_LOG("tslice             = 30ms");
        CHECK_LOG("run: [");
        CHECK_LOG("pri=");
        CHECK_LOG("credit=");
        CHECK_LOG("[w=256,cap=0]");
        sim_teardown();
    }
}

int main(void)
{
    test_weights();
    test_cap();
    test_smp();
    test_latency();
    test_affinity();
    test_control();
    return 0;
}
