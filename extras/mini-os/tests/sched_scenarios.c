/* SPDX-License-Identifier: GPL-2.0-only */
/* Scheduler measurements: dom0 runs spinners and wakers in built domains. */

#include <xenctl.h>
#include "test.h"
#include <builder.h>
#include <events.h>
#include <gnttab.h>
#include <hypercall.h>
#include <mm.h>
#include <time.h>

/*
 * "sched-scenarios[=<name>,...]" on dom0's command line (with
 * "ms=<window>") runs these instead of the test suite.  Each scenario builds domains from the boot
 * module, sets their weights, caps and affinity through the scheduler
 * domctls, lets them run for the window, and prints what each got, from
 * the hypervisor's runstate accounting (getvcpuinfo's cpu_time):
 *
 *   SCHED: <scenario> d<N> share=<percent of a CPU> ideal=<percent>
 *   SCHED: <scenario> idle=<percent of all CPUs' time>
 *   SCHED: <scenario> latency p50=<us> p99=<us> max=<us> n=<samples>
 *   SCHED: <scenario> fairness_error=<percentage points>
 *
 * The same binary runs on Xen 4.17, so the figures compare directly.
 */

#define ROLE_MEM_KB       4096
#define MAX_SCENARIO_DOMS 8
#define WARMUP_MS         300
#define MAX_CPUS          64

/* What a waker publishes in the page dom0 grants it. */
struct waker_page {
    uint32_t magic;
    uint32_t reset;             /* dom0 bumps it to start a new window */
    uint32_t reset_seen;
    uint32_t pad;
    uint64_t samples, p50_ns, p99_ns, max_ns;
};
#define WAKER_MAGIC 0x4b415757u         /* "WWAK" */

/*
 * A CPU hog.  It keeps its data selectors null, so that a vCPU sharing
 * its CPU sees its own only if the hypervisor restores them
 * (tests/segments.c).
 */
void spin_main(void)
{
    printk("spin: spinning\n");
    for ( ; ; )
        asm volatile ( "mov %0, %%ds; mov %0, %%es; pause" :: "r" (0) );
}

/* Wake-to-run latency in 10 us buckets up to 50 ms. */
#define BUCKET_NS 10000ULL
#define NR_BUCKETS 5000
static uint32_t buckets[NR_BUCKETS];

static uint64_t percentile(uint64_t n, unsigned int pct)
{
    uint64_t want = (n * pct + 99) / 100, seen = 0;

    for ( unsigned int i = 0; i < NR_BUCKETS; i++ )
        if ( (seen += buckets[i]) >= want )
            return (i + 1) * BUCKET_NS;
    return NR_BUCKETS * BUCKET_NS;
}

/* Wakes every period_us (default 1000) and records how late it ran. */
void waker_main(void)
{
    const char *arg = strstr((const char *)start_info->cmd_line,
                             "period_us=");
    uint64_t period = 1000, next, late, n = 0, max = 0;
    struct waker_page *pg = alloc_page();
    uint64_t deadline = monotonic_clock() + MILLISECS(10000);
    grant_handle_t handle;

    if ( arg )
        period = simple_strtoul(arg + 10, NULL, 10);
    period *= 1000;
    if ( !pg || set_pte((unsigned long)pg, 0) )
        panic("waker: no window page");
    while ( !map_offered_grant(pg, &handle) )
    {
        if ( monotonic_clock() > deadline )
            panic("waker: dom0 offered no page");
        msleep(10);
    }
    printk("waker: every %lu us\n", (unsigned long)(period / 1000));
    next = monotonic_clock() + period;
    for ( ; ; )
    {
        block_until(next);
        late = monotonic_clock() - next;
        if ( ACCESS_ONCE(pg->reset) != pg->reset_seen )
        {
            memset(buckets, 0, sizeof(buckets));
            n = max = 0;
            pg->reset_seen = pg->reset;
        }
        buckets[late / BUCKET_NS < NR_BUCKETS ? late / BUCKET_NS
                                               : NR_BUCKETS - 1]++;
        n++;
        if ( late > max )
            max = late;
        if ( !(n % 64) )
        {
            pg->p50_ns = percentile(n, 50);
            pg->p99_ns = percentile(n, 99);
            pg->max_ns = max;
            wmb();
            pg->samples = n;
        }
        next += period;
        if ( next < monotonic_clock() )
            next = monotonic_clock() + period;
    }
}

static struct xen_domctl sop;
static unsigned int nr_cpus, sched_id;

static long set_sched_params(domid_t dom, unsigned int weight,
                             unsigned int cap)
{
    memset(&sop, 0, sizeof(sop));
    sop.cmd = XEN_DOMCTL_scheduler_op;
    sop.domain = dom;
    sop.u.scheduler_op.sched_id = sched_id;
    sop.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_putinfo;
    /* credit and credit2 lay weight and cap out alike. */
    sop.u.scheduler_op.u.credit.weight = weight;
    sop.u.scheduler_op.u.credit.cap = cap;
    return domctl(&sop);
}

static uint64_t cpu_time(domid_t dom)
{
    memset(&sop, 0, sizeof(sop));
    sop.cmd = XEN_DOMCTL_getvcpuinfo;
    sop.domain = dom;
    sop.u.getvcpuinfo.vcpu = 0;
    return domctl(&sop) ? 0 : sop.u.getvcpuinfo.cpu_time;
}

/* Idle time summed over all CPUs (getcpuinfo): 0 or a negative errno. */
static long total_idle(uint64_t *sum)
{
    static xen_sysctl_cpuinfo_t info[MAX_CPUS];
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_getcpuinfo };
    long rc;

    op.u.getcpuinfo.max_cpus = ARRAY_SIZE(info);
    set_xen_guest_handle(op.u.getcpuinfo.info, info);
    if ( (rc = sysctl(&op)) )
        return rc;
    *sum = 0;
    for ( unsigned int i = 0; i < op.u.getcpuinfo.nr_cpus; i++ )
        *sum += info[i].idletime;
    return 0;
}

struct scenario_dom {
    const char *role;
    unsigned int weight, cap;
    unsigned int ideal_bp;      /* ideal share, in 1/100 of a percent */
};

struct scenario {
    const char *name;
    unsigned int nr;
    struct scenario_dom doms[MAX_SCENARIO_DOMS];
    bool report_idle;
};

/* Prints a value in 1/100 units as "x.yy". */
#define BP(v) (unsigned long)((v) / 100), (unsigned long)((v) % 100)

static void run_scenario(const struct scenario *s, const void *image,
                         size_t len, unsigned int ms)
{
    static struct domu doms[MAX_SCENARIO_DOMS];
    struct waker_page *wp = NULL;
    uint64_t t0[MAX_SCENARIO_DOMS], start, idle0 = 0, elapsed, idle = 0;
    long idle_rc;
    unsigned int built = 0, worst = 0;
    long ref = -1;

    for ( ; built < s->nr; built++ )
    {
        const struct scenario_dom *sd = &s->doms[built];
        char cmdline[64];
        struct domu_spec spec = { .image = image, .image_len = len,
                                  .mem_kb = ROLE_MEM_KB,
                                  .cmdline = cmdline };

        snprintf(cmdline, sizeof(cmdline), "role=%s", sd->role);
        if ( domu_build(&spec, &doms[built]) )
            goto out;
        if ( set_sched_params(doms[built].domid, sd->weight, sd->cap) )
            printk("SCHED: %s d%u: scheduler_op refused\n", s->name,
                   doms[built].domid);
        if ( !strcmp(sd->role, "waker") )
        {
            wp = alloc_page();
            wp->magic = WAKER_MAGIC;
            ref = gnttab_grant_access(doms[built].domid, virt_to_mfn(wp),
                                      false);
        }
    }

    msleep(WARMUP_MS);
    if ( wp )
        wp->reset++;
    for ( unsigned int i = 0; i < s->nr; i++ )
    {
        domu_console_drain(&doms[i]);
        t0[i] = cpu_time(doms[i].domid);
    }
    idle_rc = total_idle(&idle0);
    start = monotonic_clock();
    msleep(ms);
    elapsed = monotonic_clock() - start;
    if ( !idle_rc )
        idle_rc = total_idle(&idle);

    for ( unsigned int i = 0; i < s->nr; i++ )
    {
        const struct scenario_dom *sd = &s->doms[i];
        uint64_t got = (cpu_time(doms[i].domid) - t0[i]) * 10000 / elapsed;
        unsigned int err;

        domu_console_drain(&doms[i]);
        if ( !sd->ideal_bp )
            continue;
        err = got > sd->ideal_bp ? got - sd->ideal_bp : sd->ideal_bp - got;
        if ( err > worst )
            worst = err;
        printk("SCHED: %s d%u weight=%u cap=%u share=%lu.%02lu "
               "ideal=%lu.%02lu\n", s->name, doms[i].domid, sd->weight,
               sd->cap, BP(got), BP(sd->ideal_bp));
    }
    if ( s->report_idle && idle_rc )
        printk("SCHED: %s idle time not reported: %ld\n", s->name, idle_rc);
    else if ( s->report_idle )
    {
        uint64_t bp = (idle - idle0) * 10000 / (elapsed * nr_cpus);

        printk("SCHED: %s idle=%lu.%02lu\n", s->name, BP(bp));
    }
    if ( wp )
    {
        if ( ACCESS_ONCE(wp->reset_seen) != wp->reset || !wp->samples )
            printk("SCHED: %s latency: no samples\n", s->name);
        else
            printk("SCHED: %s latency p50=%lu p99=%lu max=%lu n=%lu\n",
                   s->name, (unsigned long)(wp->p50_ns / 1000),
                   (unsigned long)(wp->p99_ns / 1000),
                   (unsigned long)(wp->max_ns / 1000),
                   (unsigned long)wp->samples);
    }
    printk("SCHED: %s fairness_error=%lu.%02lu\n", s->name, BP(worst));

 out:
    while ( built-- )
        domu_destroy(&doms[built]);
    if ( wp )
    {
        /* The waker is gone, so its mapping is. */
        gnttab_end_access(ref);
        free_page(wp);
    }
}

/* A small xorshift generator: the stress needs variety, not quality. */
static uint32_t next_random(uint32_t *state)
{
    uint32_t x = *state;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

static long pause_toggle(domid_t dom)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_pausedomain, .domain = dom };
    long rc = domctl(&op);

    if ( rc )
        return rc;
    op.cmd = XEN_DOMCTL_unpausedomain;
    return domctl(&op);
}

/*
 * Not a measurement: hogs on every CPU while dom0 re-pins them, changes
 * weights and caps, pauses them and destroys and rebuilds them as fast as
 * it can, for the window.  The hypervisor must come through it all (its
 * vCPU migration, affinity and teardown paths) and every call succeed.
 */
static void run_stress(const void *image, size_t len, unsigned int ms)
{
    static struct domu doms[MAX_SCENARIO_DOMS];
    struct domu_spec spec = { .image = image, .image_len = len,
                              .mem_kb = ROLE_MEM_KB, .cmdline = "role=spin" };
    unsigned int n = nr_cpus * 2, ops = 0, rebuilt = 0, failed = 0;
    uint32_t seed = (uint32_t)monotonic_clock() | 1;
    uint64_t deadline;

    if ( n > MAX_SCENARIO_DOMS )
        n = MAX_SCENARIO_DOMS;
    for ( unsigned int i = 0; i < n; i++ )
        if ( domu_build(&spec, &doms[i]) )
        {
            printk("SCHED: stress: building hog %u refused\n", i);
            while ( i-- )
                domu_destroy(&doms[i]);
            return;
        }
    deadline = monotonic_clock() + MILLISECS(ms);
    while ( monotonic_clock() < deadline )
    {
        struct domu *d = &doms[next_random(&seed) % n];
        uint32_t r = next_random(&seed);
        long rc;

        /* Mostly cheap changes; a rebuild or a short sleep now and then. */
        switch ( r % 16 )
        {
        case 0 ... 3:
            rc = vcpu_pin(d->domid, 0, (r >> 8) % nr_cpus);
            break;
        case 4 ... 6:
            rc = vcpu_pin(d->domid, 0, -1);
            break;
        case 7 ... 9:
            rc = set_sched_params(d->domid, 1 + (r >> 8) % 65535,
                                  (r >> 24) % 101);
            break;
        case 10 ... 12:
            rc = pause_toggle(d->domid);
            break;
        case 13:
            domu_console_drain(d);
            rc = domu_destroy(d);
            if ( !rc && !(rc = domu_build(&spec, d)) )
                rebuilt++;
            break;
        default:
            msleep(1);
            rc = 0;
            break;
        }
        ops++;
        if ( rc && failed++ < 4 )
            printk("SCHED: stress: operation %u on d%u: %ld\n", r % 16,
                   d->domid, rc);
    }
    for ( unsigned int i = 0; i < n; i++ )
        domu_destroy(&doms[i]);
    if ( failed )
        printk("SCHED: stress: %u operations refused\n", failed);
    else
        printk("SCHED: stress ops=%u rebuilt=%u\n", ops, rebuilt);
}

bool sched_scenarios_selected(const char *cmdline)
{
    return strstr(cmdline, "sched-scenarios");
}

/*
 * "sched-scenarios=a,b" (or a+b: QEMU's -initrd cannot carry commas) runs
 * those; a bare "sched-scenarios" runs all.
 */
static bool selected(const char *cmdline, const char *name)
{
    const char *p = strstr(cmdline, "sched-scenarios") + 15;
    size_t n = strlen(name);

    if ( *p != '=' )
        return true;
    for ( p++; *p && *p != ' '; p++ )
        if ( !strncmp(p, name, n) &&
             (p[n] == ',' || p[n] == '+' || p[n] == ' ' || !p[n]) &&
             (p[-1] == '=' || p[-1] == ',' || p[-1] == '+') )
            return true;
    return false;
}

void run_sched_scenarios(const char *cmdline)
{
    const char *arg = strstr(cmdline, "ms=");
    unsigned int ms = arg ? simple_strtoul(arg + 3, NULL, 10) : 10000;
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_physinfo };
    struct scenario s;
    size_t len;
    const void *image = boot_module(&len);

    if ( !image )
    {
        printk("SCHED: no kernel for the workloads: give mini-os as "
               "dom0's boot module\n");
        return;
    }
    if ( sysctl(&op) )
        return;
    nr_cpus = op.u.physinfo.nr_cpus;
    op.cmd = XEN_SYSCTL_sched_id;
    if ( sysctl(&op) )
        return;
    sched_id = op.u.sched_id.sched_id;
    printk("SCHED: %u CPUs, scheduler %u, window %u ms\n", nr_cpus,
           sched_id, ms);

    /*
     * Three CPU hogs weighted 1:2:4: 1/7, 2/7 and 4/7 of a one-CPU
     * machine.  (Pinning them to one CPU of several is no substitute:
     * credit shares out the whole machine's time by weight, so all three
     * would be owed more than the one CPU holds.)
     */
    s = (struct scenario){ "weights", 3, {
        { "spin", 256, 0, 1429 },
        { "spin", 512, 0, 2857 },
        { "spin", 1024, 0, 5714 } }, false };
    if ( selected(cmdline, s.name) )
        run_scenario(&s, image, len, ms);

    /* One hog capped at 25% of a CPU, the machine otherwise idle. */
    s = (struct scenario){ "cap", 1, { { "spin", 256, 25, 2500 } }, false };
    if ( selected(cmdline, s.name) )
        run_scenario(&s, image, len, ms);

    /* Three hogs for every two CPUs, free to move: 2/3 of a CPU each. */
    s = (struct scenario){ .name = "smp", .nr = (nr_cpus * 3 + 1) / 2,
                           .report_idle = true };
    if ( s.nr > MAX_SCENARIO_DOMS )
        s.nr = MAX_SCENARIO_DOMS;
    for ( unsigned int i = 0; i < s.nr; i++ )
        s.doms[i] = (struct scenario_dom){ "spin", 256, 0,
                                           nr_cpus * 10000 / s.nr };
    if ( selected(cmdline, s.name) )
        run_scenario(&s, image, len, ms);

    /* A 1 ms waker beside two hogs (on one CPU): how late does it run? */
    s = (struct scenario){ "latency", 3, {
        { "waker", 256, 0, 0 },
        { "spin", 256, 0, 0 },
        { "spin", 256, 0, 0 } }, false };
    if ( selected(cmdline, s.name) )
        run_scenario(&s, image, len, ms);

    /* Only when asked for by name: it measures nothing. */
    if ( strstr(cmdline, "stress") )
        run_stress(image, len, ms);
    printk("SCHED: done\n");
}
