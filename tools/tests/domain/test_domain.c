/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for domain creation and teardown, frame owners, SCHEDOP. */
#include <stdlib.h>
#include <sys/mman.h>
#include <asm/config.h>
#include <xen/domctl.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/grant_table.h>
#include <xen/hypercall.h>
#include <xen/mm.h>
#include <xen/page_owner.h>
#include <xen/sched.h>
#include <xen/sched-if.h>
#include <xen/shutdown.h>
#include <xen/softirq.h>
#include <xen/timer.h>
#include <xen/xmalloc.h>
#include <asm/current.h>
#include <asm/domain.h>
#include <asm/flushtlb.h>
#include <asm/fpu.h>
#include <asm/m2p.h>
#include <asm/paging.h>
#include <asm/pv/mm.h>
#include <asm/smp.h>
#include <asm/time.h>
#include <public/domctl.h>
#include <public/sched.h>
#include <public/sysctl.h>
#include <public/vcpu.h>
#include "check.h"

/* Guest memory window where copies fail (include/asm/uaccess.h). */
extern uintptr_t harness_fault_lo, harness_fault_hi;

#define NR_FRAMES   64UL

/* ---- a frame allocator standing in for page_alloc.c ---- */

struct page_info *frame_table;
unsigned long max_page = NR_FRAMES;
static bool frame_used[NR_FRAMES];
static unsigned long frames_out;
static bool xenheap_fails;
/* Runs inside the next domain frame allocation: another CPU's doing. */
static void (*during_alloc)(struct domain *d);

static struct page_info *take_frames(unsigned int order)
{
    unsigned long n = 1UL << order, mfn, i;

    for ( mfn = 0; mfn + n <= NR_FRAMES; mfn += n )
    {
        for ( i = 0; i < n && !frame_used[mfn + i]; i++ )
            ;
        if ( i < n )
            continue;
        for ( i = 0; i < n; i++ )
        {
            frame_used[mfn + i] = true;
            frame_table[mfn + i] = (struct page_info){
                .count_info = PGC_state_inuse,
            };
        }
        frames_out += n;
        return frame_table + mfn;
    }
    return NULL;
}

static void give_frames(struct page_info *pg, unsigned int order)
{
    for ( unsigned long i = 0; i < (1UL << order); i++ )
    {
        BUG_ON(!frame_used[pg - frame_table + i] ||
               (pg[i].count_info & PGC_count_mask));
        frame_used[pg - frame_table + i] = false;
        pg[i].count_info = PGC_state_free;
    }
    frames_out -= 1UL << order;
}

struct page_info *alloc_domheap_pages(struct domain *d, unsigned int order,
                                      unsigned int memflags)
{
    struct page_info *pg = take_frames(order);
    void (*hook)(struct domain *) = during_alloc;

    during_alloc = NULL;
    if ( hook )
        hook(d);
    for ( unsigned long i = 0; pg && d && i < (1UL << order); i++ )
    {
        pg[i].v.owner = d;
        pg[i].count_info |= PGC_allocated | 1;
    }
    return pg;
}

void free_domheap_pages(struct page_info *pg, unsigned int order)
{
    give_frames(pg, order);
}

void *alloc_xenheap_pages(unsigned int order, unsigned int memflags)
{
    struct page_info *pg = xenheap_fails ? NULL : take_frames(order);

    if ( !pg )
        return NULL;
    for ( unsigned long i = 0; i < (1UL << order); i++ )
        pg[i].count_info |= PGC_xen_heap;
    return page_to_virt(pg);
}

void free_xenheap_pages(void *v, unsigned int order)
{
    give_frames(virt_to_page(v), order);
}

void set_gpfn_from_mfn(unsigned long mfn, unsigned long pfn)
{
}

unsigned long get_gpfn_from_mfn(unsigned long mfn)
{
    return INVALID_M2P_ENTRY;
}

/* No guest page tables here: no runstate or time area can be mapped. */
mfn_t paging_gva_to_mfn(struct vcpu *v, unsigned long va)
{
    return INVALID_MFN;
}

static unsigned int nr_flushes;

void flush_tlb_mask(const cpumask_t *mask)
{
    nr_flushes++;
}

void flush_tlb_frames_of(const struct domain *owner)
{
    nr_flushes++;
}

/* ---- xmalloc, counted, and what else surrounds domain.c ---- */

static long live_allocs;

void *_xzalloc(size_t size, size_t align)
{
    live_allocs++;
    return calloc(1, size);
}

void *_xzalloc_array(size_t size, size_t align, size_t nr)
{
    return _xzalloc(size * nr, align);
}

void *_xmalloc(size_t size, size_t align)
{
    live_allocs++;
    return malloc(size);
}

void xfree(void *p)
{
    if ( p )
        live_allocs--;
    free(p);
}

int arch_domain_create(struct domain *d)
{
    return 0;
}

void arch_domain_destroy(struct domain *d)
{
}

int arch_vcpu_create(struct vcpu *v)
{
    return 0;
}

void arch_vcpu_destroy(struct vcpu *v)
{
}

/* As the PV code does: one flush first... */
void arch_domain_relinquish(struct domain *d)
{
    flush_tlb_mask(&cpu_online_map);
    d->tlb_clean = true;
}

/* Calls of arch_domain_relinquish_frames() that stop half way, if asked. */
static unsigned int frames_walk_preemptions;

/* ...then each frame's allocation reference, preempted as the test says. */
int arch_domain_relinquish_frames(struct domain *d, bool preemptible)
{
    struct page_info *pg, *next;

    if ( preemptible && frames_walk_preemptions )
    {
        frames_walk_preemptions--;
        return -ERESTART;
    }
    for ( pg = page_list_first(&d->page_list); pg; pg = next )
    {
        next = page_list_next(pg);
        put_page_alloc_ref(pg);
    }
    return 0;
}

void update_domain_wallclock_time(struct domain *d)
{
}

void update_vcpu_system_time(struct vcpu *v)
{
}

/* A vCPU has a context once it is up; the PV details do not matter here. */
int arch_set_info_guest(struct vcpu *v, const struct vcpu_guest_context *c)
{
    return 0;
}

bool arch_vcpu_initialised(const struct vcpu *v)
{
    return !(v->pause_flags & VPF_down);
}

/* Page types are the PV MMU's; vcpu_info pages are not tested here. */
int get_page_and_type(struct page_info *pg, struct domain *d,
                      unsigned long type)
{
    return -EINVAL;
}

void put_page_and_type(struct page_info *pg)
{
    BUG();
}

void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq)
{
}

/* The last global VIRQ sent, and to whom. */
static struct domain *virq_to;
static unsigned int virq_sent;

void send_guest_global_virq(struct domain *d, unsigned int virq)
{
    virq_to = d;
    virq_sent = virq;
}

int evtchn_init(struct domain *d)
{
    return 0;
}

void evtchn_destroy(struct domain *d)
{
}

void evtchn_dump_domain(const struct domain *d)
{
}

/* Ports 1..1023 exist; the one in pending_port has its bit set. */
static unsigned int pending_port;

bool evtchn_port_is_valid(const struct domain *d, unsigned int port)
{
    return port && port < 1024;
}

bool evtchn_port_pending(const struct domain *d, unsigned int port)
{
    return pending_port && port == pending_port;
}

bool local_events_need_delivery(const struct vcpu *v)
{
    return false;
}

int grant_table_init(struct domain *d)
{
    return 0;
}

void grant_table_release(struct domain *d)
{
}

void grant_table_destroy(struct domain *d)
{
}

bool opt_noreboot = true;

void machine_restart(void)
{
    panic("machine_restart");
}

void machine_halt(void)
{
    panic("machine_halt");
}

void machine_power_off(void)
{
    panic("machine_power_off");
}

void machine_restart_after_delay(unsigned int seconds)
{
    panic("machine_restart_after_delay");
}

s_time_t get_s_time(void)
{
    return 1000000;
}

/*
 * Timers only remember when they would fire; armed_timers counts those
 * set and not yet stopped or killed, so that a timer left armed on a
 * freed domain shows.
 */
static long armed_timers;

void init_timer(struct timer *t, void (*function)(void *data), void *data,
                unsigned int cpu)
{
    *t = (struct timer){ .function = function, .data = data, .cpu = cpu,
                         .status = TIMER_STATUS_inactive };
}

static void disarm(struct timer *t, uint8_t status)
{
    if ( t->status == TIMER_STATUS_in_heap )
        armed_timers--;
    t->expires = 0;
    t->status = status;
}

void set_timer(struct timer *t, s_time_t expires)
{
    BUG_ON(t->status == TIMER_STATUS_invalid);
    if ( t->status == TIMER_STATUS_killed )
        return;
    if ( t->status != TIMER_STATUS_in_heap )
        armed_timers++;
    t->expires = expires;
    t->status = TIMER_STATUS_in_heap;
}

void stop_timer(struct timer *t)
{
    disarm(t, t->status == TIMER_STATUS_killed ? TIMER_STATUS_killed
                                               : TIMER_STATUS_inactive);
}

void kill_timer(struct timer *t)
{
    disarm(t, TIMER_STATUS_killed);
}

void migrate_timer(struct timer *t, unsigned int new_cpu)
{
    t->cpu = new_cpu;
}

static unsigned int schedule_raised;

void open_softirq(unsigned int nr, softirq_handler_t handler)
{
}

void raise_softirq(unsigned int nr)
{
    if ( nr == SCHEDULE_SOFTIRQ )
        schedule_raised++;
}

bool softirq_pending(unsigned int cpu)
{
    return false;
}

void do_softirq(void)
{
}

void send_event_check_ipi(unsigned int cpu)
{
}

void context_switch(struct vcpu *prev, struct vcpu *next)
{
    panic("context_switch");
}

void pirq_vcpu_moved(struct vcpu *v)
{
    panic("pirq_vcpu_moved");
}

/*
 * The one scheduling policy: it remembers the hard affinity set and counts
 * the sleeps and wakes it is asked for.
 */
static cpumask_t policy_affinity;
static unsigned int global_adjusts, policy_sleeps, policy_wakes;
static int policy_vcpu_data;

static int fake_insert_vcpu(struct vcpu *v)
{
    v->sched_priv = &policy_vcpu_data;
    return 0;
}

static void fake_sleep(struct vcpu *v)
{
    policy_sleeps++;
}

static void fake_wake(struct vcpu *v)
{
    policy_wakes++;
}

static void fake_set_affinity(struct vcpu *v, const cpumask_t *mask)
{
    cpumask_copy(&policy_affinity, mask);
    cpumask_copy(&v->cpu_hard_affinity, mask);
}

static int fake_adjust_global(struct xen_sysctl_scheduler_op *op)
{
    global_adjusts++;
    return 0;
}

static const struct scheduler fake_sched = {
    .name = "test policy", .opt_name = "credit",
    .sched_id = XEN_SCHEDULER_CREDIT,
    .insert_vcpu = fake_insert_vcpu, .set_affinity = fake_set_affinity,
    .sleep = fake_sleep, .wake = fake_wake,
    .adjust_global = fake_adjust_global,
};

/* What the linker script's .data.schedulers section gives the hypervisor. */
const struct scheduler *const __schedulers_start[] = { &fake_sched };
__asm__ ( ".globl __schedulers_end\n\t"
          ".set __schedulers_end, __schedulers_start + 8" );

/* ---- helpers ---- */

static void run_as(struct vcpu *v)
{
    get_cpu_info()->current_vcpu = v;
}

static long sched_op(int cmd, void *arg)
{
    return do_sched_op(cmd, (XEN_GUEST_HANDLE_PARAM(void)){ arg });
}

static long vcpu_op(int cmd, unsigned int id, void *arg)
{
    return do_vcpu_op(cmd, id, (XEN_GUEST_HANDLE_PARAM(void)){ arg });
}

/* ---- the cases ---- */

static void test_domains(void)
{
    CASE("create and destroy: every frame and allocation comes back")
    {
        long allocs = live_allocs;
        struct domain *d = domain_create(7, guest_type_pv, false, 2);

        CHECK(d);
        if ( d )
        {
            CHECK_EQ(d->refcnt, 1);
            CHECK_EQ(frames_out, 1);
            CHECK(vcpu_create(d, 1, 0));
            CHECK(!vcpu_create(d, 2, 0));
            domain_destroy(d);
        }
        CHECK_EQ(frames_out, 0);
        CHECK_EQ(live_allocs, allocs);
        CHECK(!get_domain_by_id(7));
    }

    CASE("create: an id in use is refused, the list kept in order")
    {
        long allocs = live_allocs;
        struct domain *a = domain_create(3, guest_type_pv, false, 1);
        struct domain *b = domain_create(12, guest_type_pv, false, 1);
        struct domain *c = domain_create(7, guest_type_pv, false, 1);

        CHECK(a && b && c);
        CHECK(!domain_create(3, guest_type_pv, false, 1));
        CHECK(!domain_create(7, guest_type_pv, false, 1));
        CHECK(!domain_create(12, guest_type_pv, false, 1));
        for ( struct domain *x = a; x && x->next_in_list; x = x->next_in_list )
            CHECK(x->domain_id < x->next_in_list->domain_id);
        if ( a && b && c )
        {
            CHECK(a->next_in_list == c && c->next_in_list == b);
            domain_destroy(a);
            domain_destroy(b);
            domain_destroy(c);
        }
        CHECK_EQ(frames_out, 0);
        CHECK_EQ(live_allocs, allocs);
    }

    CASE("destroy: an armed watchdog goes with the domain")
    {
        long allocs = live_allocs, armed = armed_timers;
        struct domain *d = domain_create(4, guest_type_pv, false, 1);
        struct vcpu *v = d ? vcpu_create(d, 0, 0) : NULL;
        struct sched_watchdog w = { .id = 0, .timeout = 30 };

        CHECK(v);
        if ( v )
        {
            run_as(v);
            CHECK_EQ(sched_op(SCHEDOP_watchdog, &w), 1);
            CHECK_EQ(armed_timers, armed + 1);
            run_as(NULL);
            domain_destroy(d);
        }
        CHECK_EQ(armed_timers, armed);
        CHECK_EQ(frames_out, 0);
        CHECK_EQ(live_allocs, allocs);
    }

    CASE("kill: preempted part way, dying until a later call finishes")
    {
        long allocs = live_allocs;
        struct domain *d = domain_create(9, guest_type_pv, false, 1);

        CHECK(d);
        if ( d )
        {
            frames_walk_preemptions = 2;
            CHECK_EQ(domain_kill(d), -ERESTART);
            CHECK_EQ(d->state, DOMSTATE_dying);
            CHECK_EQ(frames_out, 1);
            CHECK_EQ(domain_kill(d), -ERESTART);
            CHECK(get_domain_by_id(9) == d);
            put_domain(d);
            CHECK_EQ(domain_kill(d), 0);
        }
        CHECK_EQ(frames_out, 0);
        CHECK_EQ(live_allocs, allocs);
        CHECK(!get_domain_by_id(9));
    }

    CASE("destroy: runs to the end whatever a preemption check says")
    {
        long allocs = live_allocs;
        struct domain *d = domain_create(10, guest_type_pv, false, 1);

        CHECK(d);
        frames_walk_preemptions = 1;
        if ( d )
            domain_destroy(d);
        CHECK_EQ(frames_walk_preemptions, 1);
        frames_walk_preemptions = 0;
        CHECK_EQ(frames_out, 0);
        CHECK_EQ(live_allocs, allocs);
    }

    CASE("create: no page for shared_info gives NULL, nothing kept")
    {
        long allocs = live_allocs;

        xenheap_fails = true;
        CHECK(!domain_create(8, guest_type_pv, false, 1));
        xenheap_fails = false;
        CHECK_EQ(frames_out, 0);
        CHECK_EQ(live_allocs, allocs);
        CHECK(!get_domain_by_id(8));
    }
}

/* Destroys d as if the toolstack did so on another CPU just now. */
static void destroy_meanwhile(struct domain *d)
{
    domain_destroy(d);
}

static void test_frames(void)
{
    CASE("a live domain's last frame reference: TLBs flushed before reuse")
    {
        struct domain *d = domain_create(11, guest_type_pv, false, 1);
        struct page_info *pg;

        CHECK(d);
        if ( d )
        {
            d->max_pages = 16;
            pg = alloc_domain_pages(d, 0, 0);
            CHECK(pg);
            nr_flushes = 0;
            if ( pg )
                put_page_alloc_ref(pg);
            CHECK_EQ(nr_flushes, 1);
            CHECK_EQ(d->tot_pages, 0);
            domain_destroy(d);
        }
        CHECK_EQ(frames_out, 0);
    }

    CASE("a dying domain whose tables no CPU caches: no flush needed")
    {
        struct domain *d = domain_create(11, guest_type_pv, false, 1);
        struct page_info *pg = NULL;

        CHECK(d);
        if ( d )
        {
            d->max_pages = 16;
            pg = alloc_domain_pages(d, 0, 0);
            CHECK(pg);
            /* A mapping elsewhere keeps the frame past the destruction. */
            if ( pg )
                CHECK(get_page(pg, d));
            domain_destroy(d);
            CHECK(d->tlb_clean);
            nr_flushes = 0;
            if ( pg )
                put_page(pg);
            CHECK_EQ(nr_flushes, 0);
        }
        CHECK_EQ(frames_out, 0);
    }

    CASE("allocation racing destruction: the new frames go back at once")
    {
        long allocs = live_allocs;
        struct domain *d = domain_create(9, guest_type_pv, false, 1);
        struct domain *e = domain_create(10, guest_type_pv, false, 1);
        struct page_info *theirs = NULL;

        CHECK(d && e);
        /*
         * Frames 0 and 1 are the domains' shared_info pages, 4-7 are e's:
         * d's pair will be 2-3, and frame 4, right after it, is e's.
         */
        if ( e )
        {
            e->max_pages = 16;
            theirs = alloc_domain_pages(e, 2, 0);
            CHECK(theirs == frame_table + 4);
        }
        if ( d && e )
        {
            d->max_pages = 16;
            /* The caller's reference, as memory_op holds one. */
            get_domain(d);
            during_alloc = destroy_meanwhile;
            CHECK(!alloc_domain_pages(d, 1, 0));
            CHECK_EQ(d->state, DOMSTATE_dying);
            CHECK_EQ(d->tot_pages, 0);
            /*
             * Of d's only shared_info is left, for the structure to free
             * with it; e has its shared_info and its four.
             */
            CHECK_EQ(frames_out, 1 + 5);
            /* The frames' hold on d went with the last of them. */
            CHECK_EQ(d->refcnt, 1);
            put_domain(d);
            /* Nothing past d's own frames was given back. */
            CHECK_EQ(e->tot_pages, 4);
            CHECK_EQ(theirs->count_info & (PGC_allocated | PGC_count_mask),
                     PGC_allocated | 1);
        }
        if ( e )
            domain_destroy(e);
        CHECK_EQ(frames_out, 0);
        CHECK_EQ(live_allocs, allocs);
    }
}

static void test_vcpu_ops(void)
{
    static struct domain toolstack_domain;
    long allocs = live_allocs;
    struct domain *d = domain_create(20, guest_type_pv, false, 3);
    struct vcpu *v = d ? vcpu_create(d, 0, 0) : NULL;

    if ( !v || !vcpu_create(d, 2, 0) )
    {
        printf("FAIL: setup: no vCPUs 0 and 2 for d20\n");
        check_failures++;
        return;
    }
    /* vCPU 1 is never made: a hole in d->vcpu[]. */
    v->pause_flags = 0;
    run_as(v);

    CASE("vcpu_op: ids past max_vcpus, or never created, are -ENOENT")
    {
        CHECK_EQ(vcpu_op(VCPUOP_is_up, 0, NULL), 1);
        CHECK_EQ(vcpu_op(VCPUOP_is_up, 2, NULL), 0);
        CHECK_EQ(vcpu_op(VCPUOP_is_up, 1, NULL), -ENOENT);
        CHECK_EQ(vcpu_op(VCPUOP_is_up, 3, NULL), -ENOENT);
        CHECK_EQ(vcpu_op(VCPUOP_is_up, ~0u, NULL), -ENOENT);
    }

    CASE("get_runstate_info: a 32-bit guest's 44-byte layout, 64-bit fields "
         "at 4-byte offsets")
    {
        uint8_t buf[48];
        uint32_t state;
        uint64_t entry;

        memset(buf, 0xa5, sizeof(buf));
        v->runstate.state = RUNSTATE_running;
        v->runstate.state_entry_time = 0x1122334455667788ULL;
        d->arch.pv.is_32bit = true;
        CHECK_EQ(vcpu_op(VCPUOP_get_runstate_info, 0, buf), 0);
        d->arch.pv.is_32bit = false;
        memcpy(&state, buf, sizeof(state));
        memcpy(&entry, buf + 4, sizeof(entry));
        CHECK_EQ(state, RUNSTATE_running);
        CHECK_EQ(entry, 0x1122334455667788ULL);
        CHECK_EQ(buf[44], 0xa5);
        CHECK_EQ(buf[47], 0xa5);
        /* The 64-bit layout: state_entry_time at 8, 48 bytes. */
        CHECK_EQ(vcpu_op(VCPUOP_get_runstate_info, 0, buf), 0);
        memcpy(&entry, buf + 8, sizeof(entry));
        CHECK_EQ(entry, 0x1122334455667788ULL);
    }

    CASE("vcpu timers: one's own vCPU only; bad periods, pointers refused")
    {
        struct vcpu_set_periodic_timer per = { .period_ns = MILLISECS(10) };
        struct vcpu_set_singleshot_timer one = { .timeout_abs_ns = 7000000 };

        CHECK_EQ(vcpu_op(VCPUOP_set_periodic_timer, 0, &per), 0);
        CHECK_EQ(v->periodic_timer.expires, NOW() + MILLISECS(10));
        CHECK_EQ(vcpu_op(VCPUOP_set_periodic_timer, 2, &per), -EINVAL);
        per.period_ns = MILLISECS(1) - 1;
        CHECK_EQ(vcpu_op(VCPUOP_set_periodic_timer, 0, &per), -EINVAL);
        CHECK_EQ(vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
        CHECK_EQ(v->periodic_timer.expires, 0);
        CHECK_EQ(vcpu_op(VCPUOP_set_singleshot_timer, 0, &one), 0);
        CHECK_EQ(v->singleshot_timer.expires, 7000000);
        CHECK_EQ(vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL), 0);
        harness_fault_lo = (uintptr_t)&one;
        harness_fault_hi = harness_fault_lo + sizeof(one);
        CHECK_EQ(vcpu_op(VCPUOP_set_singleshot_timer, 0, &one), -EFAULT);
        CHECK_EQ(vcpu_op(VCPUOP_set_periodic_timer, 0, &one), -EFAULT);
        /* The registrations too: nothing read, nothing done. */
        CHECK_EQ(vcpu_op(VCPUOP_register_vcpu_info, 0, &one), -EFAULT);
        CHECK_EQ(vcpu_op(VCPUOP_register_runstate_memory_area, 0, &one),
                 -EFAULT);
        CHECK_EQ(vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, &one),
                 -EFAULT);
        CHECK(v->vcpu_info == &d->shared_info->vcpu_info[0]);
        harness_fault_lo = harness_fault_hi = 0;
        CHECK_EQ(v->singleshot_timer.expires, 0);
        CHECK_EQ(v->periodic_timer.expires, 0);
    }

    CASE("VCPUOP_down: the last vCPU up powers off, past a never-made one")
    {
        unsigned int sleeps = policy_sleeps;

        d->vcpu[2]->pause_flags = 0;
        CHECK_EQ(vcpu_op(VCPUOP_down, 2, NULL), 0);
        CHECK(d->vcpu[2]->pause_flags & VPF_down);
        CHECK_EQ(d->state, DOMSTATE_creating);
        /* A vCPU going down is taken off its CPU, once. */
        CHECK_EQ(policy_sleeps, sleeps + 1);
        CHECK_EQ(vcpu_op(VCPUOP_down, 2, NULL), 0);
        CHECK_EQ(policy_sleeps, sleeps + 1);
        /* The toolstack's domain hears of it (xl acts on the shutdown). */
        hardware_domain = &toolstack_domain;
        virq_to = NULL;
        CHECK_EQ(vcpu_op(VCPUOP_down, 0, NULL), 0);
        CHECK_EQ(d->state, DOMSTATE_shutdown);
        CHECK_EQ(d->shutdown_code, SHUTDOWN_poweroff);
        CHECK(virq_to == &toolstack_domain);
        CHECK_EQ(virq_sent, VIRQ_DOM_EXC);
        hardware_domain = NULL;
    }

    run_as(NULL);
    domain_destroy(d);
    CASE("vcpu_op's domain: everything given back")
    {
        CHECK_EQ(frames_out, 0);
        CHECK_EQ(live_allocs, allocs);
    }
}

static void test_sched_ops(void)
{
    struct domain *d0 = domain_create(0, guest_type_pv, true, 1);
    struct vcpu *v = d0 ? vcpu_create(d0, 0, 0) : NULL;

    if ( !v )
    {
        printf("FAIL: setup: no dom0 vCPU\n");
        check_failures++;
        return;
    }
    run_as(v);

    CASE("poll: 128 quiet ports block until the timeout; 129 are refused")
    {
        static evtchn_port_t ports[129];
        struct sched_poll p = { .nr_ports = 128, .timeout = 5000000 };
        unsigned int raised = schedule_raised;

        for ( unsigned int i = 0; i < ARRAY_SIZE(ports); i++ )
            ports[i] = i + 1;
        set_xen_guest_handle(p.ports, ports);
        p.nr_ports = 129;
        CHECK_EQ(sched_op(SCHEDOP_poll, &p), -EINVAL);
        p.nr_ports = 128;
        CHECK_EQ(sched_op(SCHEDOP_poll, &p), 0);
        CHECK_EQ(v->pause_flags & (VPF_blocked | VPF_polling),
                 VPF_blocked | VPF_polling);
        CHECK_EQ(v->poll_timer.expires, 5000000);
        CHECK_EQ(schedule_raised, raised + 1);
        v->pause_flags &= ~(VPF_blocked | VPF_polling);
    }

    CASE("poll: the last of 128 ports pending ends the poll at once")
    {
        static evtchn_port_t ports[128];
        struct sched_poll p = { .nr_ports = 128, .timeout = 5000000 };
        unsigned int raised = schedule_raised;

        for ( unsigned int i = 0; i < ARRAY_SIZE(ports); i++ )
            ports[i] = i + 1;
        set_xen_guest_handle(p.ports, ports);
        pending_port = 128;
        CHECK_EQ(sched_op(SCHEDOP_poll, &p), 0);
        pending_port = 0;
        CHECK_EQ(v->pause_flags & (VPF_blocked | VPF_polling), 0);
        CHECK_EQ(schedule_raised, raised);
    }

    CASE("pin_override: CPUs past NR_CPUS or offline refused, then restored")
    {
        struct sched_pin_override p = { .pcpu = NR_CPUS };

        cpumask_setall(&v->cpu_hard_affinity);
        CHECK_EQ(sched_op(SCHEDOP_pin_override, &p), -EINVAL);
        p.pcpu = NR_CPUS - 1;
        CHECK_EQ(sched_op(SCHEDOP_pin_override, &p), -EINVAL);
        p.pcpu = INT32_MAX;
        CHECK_EQ(sched_op(SCHEDOP_pin_override, &p), -EINVAL);
        CHECK(!v->affinity_broken);
        p.pcpu = 0;
        CHECK_EQ(sched_op(SCHEDOP_pin_override, &p), 0);
        CHECK(v->affinity_broken);
        CHECK_EQ(cpumask_weight(&policy_affinity), 1);
        /* The toolstack's pinning waits until the override ends. */
        {
            cpumask_t all;

            cpumask_setall(&all);
            CHECK_EQ(vcpu_set_hard_affinity(v, &all), -EBUSY);
            CHECK_EQ(cpumask_weight(&policy_affinity), 1);
        }
        p.pcpu = -1;
        CHECK_EQ(sched_op(SCHEDOP_pin_override, &p), 0);
        CHECK(!v->affinity_broken);
        CHECK_EQ(cpumask_weight(&policy_affinity), NR_CPUS);
    }

    CASE("sysctl scheduler_op: only put/getinfo, pool 0, our policy's id")
    {
        struct xen_sysctl_scheduler_op op = {
            .sched_id = XEN_SCHEDULER_CREDIT,
            .cmd = XEN_SYSCTL_SCHEDOP_putinfo,
        };

        global_adjusts = 0;
        CHECK_EQ(sched_adjust_global(&op), 0);
        op.cmd = XEN_SYSCTL_SCHEDOP_getinfo;
        CHECK_EQ(sched_adjust_global(&op), 0);
        CHECK_EQ(global_adjusts, 2);
        op.cmd = XEN_SYSCTL_SCHEDOP_getinfo + 1;
        CHECK_EQ(sched_adjust_global(&op), -EINVAL);
        op.cmd = XEN_SYSCTL_SCHEDOP_getinfo;
        op.cpupool_id = 1;
        CHECK_EQ(sched_adjust_global(&op), -ESRCH);
        op.cpupool_id = 0;
        op.sched_id = XEN_SCHEDULER_CREDIT2;
        CHECK_EQ(sched_adjust_global(&op), -EINVAL);
        CHECK_EQ(global_adjusts, 2);
    }

    run_as(NULL);
    domain_destroy(d0);
}

int main(void)
{
    host_directmap = mmap(NULL, NR_FRAMES << PAGE_SHIFT,
                          PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    frame_table = calloc(NR_FRAMES, sizeof(*frame_table));
    if ( host_directmap == MAP_FAILED || !frame_table )
    {
        printf("FAIL: setup: out of memory\n");
        return 1;
    }
    scheduler_init();
    test_domains();
    test_frames();
    test_vcpu_ops();
    test_sched_ops();
    return check_failures ? 1 : 0;
}
