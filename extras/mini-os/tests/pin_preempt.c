/* SPDX-License-Identifier: GPL-2.0-only */
/* Pins and unpins of a wide tree that stop partway (PGT_partial), tried. */

#include "hostile.h"
#include "mmu.h"
#include <events.h>
#include <hypercall.h>
#include <lib.h>
#include <mm.h>
#include <time.h>

/*
 * A tree of 75 tables: an L4 with two L3s, four L2s each, eight L1s
 * each, every L1 mapping one data page read-only 512 times.  Validating
 * it takes long enough for a timer 50 us away to stop it several times.
 */
#define NR_L3   2
#define NR_L2   (NR_L3 * 4)
#define NR_L1   (NR_L2 * 8)
#define UPPER   (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)

struct wide {
    uint64_t *l4, *l3[NR_L3], *l2[NR_L2], *l1[NR_L1];
    void *data;
};

static struct wide w;

static uint64_t entry(const void *va, uint64_t flags)
{
    return virt_to_mach(va) | flags;
}

/* Every table of w, in order from the L4 down. */
static uint64_t **table(unsigned int i)
{
    if ( i == 0 )
        return &w.l4;
    if ( i <= NR_L3 )
        return &w.l3[i - 1];
    if ( i <= NR_L3 + NR_L2 )
        return &w.l2[i - 1 - NR_L3];
    return &w.l1[i - 1 - NR_L3 - NR_L2];
}
#define NR_TABLES   (1 + NR_L3 + NR_L2 + NR_L1)

/*
 * Builds w, every table mapped read-only; false if out of memory.  With a
 * base, w's L4 is a copy of it (an L4 the kernel can run on) with the L3s
 * in the first free guest slots above the hypervisor's.
 */
static bool build_wide(const uint64_t *base)
{
    unsigned int i, j, slot = 0;

    if ( !(w.data = alloc_page()) )
        return false;
    for ( i = 0; i < NR_TABLES; i++ )
        if ( !(*table(i) = alloc_page()) )
            return false;
    if ( base )
    {
        memcpy(w.l4, base, PAGE_SIZE);
        for ( slot = 272; slot + NR_L3 <= 512; slot++ )
            if ( !w.l4[slot] && !w.l4[slot + 1] )
                break;
        if ( slot + NR_L3 > 512 )
            return false;
    }
    for ( i = 0; i < NR_L3; i++ )
        w.l4[slot + i] = entry(w.l3[i], UPPER);
    for ( i = 0; i < NR_L2; i++ )
        w.l3[i / 4][i % 4] = entry(w.l2[i], UPPER);
    for ( i = 0; i < NR_L1; i++ )
    {
        w.l2[i / 8][i % 8] = entry(w.l1[i], UPPER);
        for ( j = 0; j < 512; j++ )
            w.l1[i][j] = entry(w.data, PTE_KERNEL_RO);
    }
    for ( i = 0; i < NR_TABLES; i++ )
        if ( make_readonly(*table(i)) )
            return false;
    return true;
}

/* Each table of w can be mapped writable again: no type is left. */
static unsigned int tables_still_typed(void)
{
    unsigned int i, n = 0;

    for ( i = 0; i < NR_TABLES; i++ )
        if ( *table(i) && make_writable(*table(i)) )
            n++;
    return n;
}

/*
 * The timer's upcall while a pin runs: the guest gets it between two
 * passes of a stopped pin, when the L4 is partial.  Writing an L4 entry
 * (its own value) tells: a partial table takes neither an entry update
 * nor a writable type, so the write is -EINVAL; before and after the pin
 * it succeeds.
 */
enum { IDLE, PROBE, MUTATE, FREE, DIE_STOPPED, DIE };
static volatile unsigned int mode, stopped_seen, other_seen;

static void arm_timer(void)
{
    vcpu_set_singleshot_timer_t t = {
        .timeout_abs_ns = monotonic_clock() + 50000,
    };

    HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
}

static long probe_l4(void)
{
    mmu_update_t u = { virt_to_mach(w.l4), w.l4[0] };

    return HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF);
}

/* The verdict first: dom0 then checks that every page came back. */
static void __noreturn die(void)
{
    printk("VERDICT: PASS\n");
    do_shutdown(SHUTDOWN_poweroff);
}

static void pin_timer(evtchn_port_t port, void *data)
{
    long rc;

    (void)port;
    (void)data;
    timer_last_ns = monotonic_clock();
    timer_ticks++;
    if ( mode == IDLE )
        return;
    /*
     * An unpin's teardown that stopped is finished by the next MMU
     * hypercall, the probe too: so no probe there.
     */
    if ( mode == DIE )
        die();
    rc = probe_l4();
    if ( rc == -XEN_EINVAL )
    {
        stopped_seen++;
        if ( mode == DIE_STOPPED )
            die();
        /* Once, at the first stop: change the tree under the pin. */
        if ( mode == MUTATE )
            set_pte((unsigned long)w.l1[NR_L1 - 1],
                    entry(w.l1[NR_L1 - 1], PTE_KERNEL_RW));
        else if ( mode == FREE )
        {
            struct xen_memory_reservation r = { .nr_extents = 1,
                                                .domid = DOMID_SELF };
            xen_pfn_t frame = virt_to_mfn(w.l1[NR_L1 - 1]);

            set_xen_guest_handle(r.extent_start, &frame);
            if ( !set_pte((unsigned long)w.l1[NR_L1 - 1], 0) &&
                 HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r) == 1 )
                w.l1[NR_L1 - 1] = NULL;
        }
        if ( mode != PROBE )
            mode = PROBE;
    }
    else
        other_seen++;
    arm_timer();
}

/* One MMUEXT command on mfn with the timer stopping it; the result. */
static long timed_on(unsigned int cmd, unsigned long mfn, unsigned int how)
{
    long rc;

    stopped_seen = other_seen = 0;
    set_evtchn_handler(timer_port, pin_timer, NULL);
    mode = how;
    arm_timer();
    rc = ext1(cmd, mfn, 0);
    mode = IDLE;
    return rc;
}

/* Pin (or unpin) w's L4 with the timer stopping it; the result. */
static long timed(unsigned int cmd, unsigned int how)
{
    return timed_on(cmd, virt_to_mfn(w.l4), how);
}

/* One step of a case that must stop partway, and the step undoing it. */
typedef long (*mmu_step_t)(unsigned long mfn);

static long pin_l4(unsigned long mfn)
{
    return ext1(MMUEXT_PIN_L4_TABLE, mfn, 0);
}

static long unpin(unsigned long mfn)
{
    return ext1(MMUEXT_UNPIN_TABLE, mfn, 0);
}

static long new_baseptr(unsigned long mfn)
{
    return ext1(MMUEXT_NEW_BASEPTR, mfn, 0);
}

/* The kernel's own MOV to CR3 (emulated). */
static long mov_to_cr3(unsigned long mfn)
{
    asm volatile ( "mov %0, %%cr3" :: "r" (mfn << PAGE_SHIFT) : "memory" );
    return 0;
}

/*
 * step(mfn) with the timer probing, tried again (after undo(undo_mfn))
 * until one try stopped partway: a host that stalls QEMU for longer than
 * the timer's 50 us delivers the upcall before the step starts, twice in
 * a row now and then.  A hypervisor that never stops still fails every
 * try.  The step's result; stopped_seen and other_seen of all tries.
 */
#define STOP_TRIES  5

static long until_stopped(mmu_step_t step, unsigned long mfn,
                          mmu_step_t undo, unsigned long undo_mfn)
{
    unsigned int try, others = 0;
    long rc;

    for ( try = 1;; try++ )
    {
        stopped_seen = other_seen = 0;
        set_evtchn_handler(timer_port, pin_timer, NULL);
        mode = PROBE;
        arm_timer();
        rc = step(mfn);
        mode = IDLE;
        others += other_seen;
        if ( rc || stopped_seen || try == STOP_TRIES )
            break;
        undo(undo_mfn);
        /* An undo whose teardown stopped is finished by an MMU call. */
        probe_l4();
    }
    other_seen = others;
    return rc;
}

HOSTILE(pin_preempt, pin_and_unpin_stop_and_carry_on)
{
    unsigned long l4;

    CHECK(build_wide(NULL), "out of memory");
    l4 = virt_to_mfn(w.l4);
    CHECK_RC(until_stopped(pin_l4, l4, unpin, l4), 0);
    if ( !stopped_seen )
        SKIP("the pin never stopped (%u timer upcalls)", other_seen);
    /* Pinned whole: an entry update now succeeds, the type holds. */
    CHECK_RC(probe_l4(), 0);
    CHECK_RC(pin_l4(l4), -XEN_EINVAL);
    CHECK_RC(make_writable(w.l1[0]), -XEN_EBUSY);
    CHECK_RC(timed(MMUEXT_UNPIN_TABLE, PROBE), 0);
    CHECK(!tables_still_typed(), "%u tables still typed",
          tables_still_typed());
}

/*
 * Switching to w's L4 (NEW_BASEPTR or MOV to CR3) validates the unpinned
 * L4 itself: a wide one stops and the re-issue carries it on, as a pin
 * does (Xen since XSA-45); switching back tears the tree down, which may
 * stop too and is finished by the next MMU call.
 */
static void switch_stops_and_carries_on(mmu_step_t to)
{
    const uint64_t *live = (const uint64_t *)start_info->pt_base;
    unsigned long live_mfn = virt_to_mfn(live);
    unsigned int stops, others;
    long rc;

    CHECK(build_wide(live), "out of memory or no free L4 slots");
    rc = until_stopped(to, virt_to_mfn(w.l4), to, live_mfn);
    stops = stopped_seen;
    others = other_seen;
    CHECK_RC(rc, 0);
    /* Running on w's L4 now: it is typed whole, so an entry update works. */
    CHECK_RC(probe_l4(), 0);
    CHECK_RC(make_writable(w.l1[0]), -XEN_EBUSY);
    CHECK_RC(to(live_mfn), 0);
    CHECK_RC(probe_l4(), 0);
    CHECK(!tables_still_typed(), "%u tables still typed",
          tables_still_typed());
    CHECK(stops, "validating the new L4 never stopped in %u tries "
          "(%u timer upcalls)", STOP_TRIES, others);
}

HOSTILE(pin_preempt, new_baseptr_stops_and_carries_on)
{
    switch_stops_and_carries_on(new_baseptr);
}

HOSTILE(pin_preempt, mov_to_cr3_stops_and_carries_on)
{
    switch_stops_and_carries_on(mov_to_cr3);
}

/* A table not yet reached is mapped writable at the first stop. */
HOSTILE(pin_preempt_hostile, tree_changed_mid_pin)
{
    CHECK(build_wide(NULL), "out of memory");
    CHECK_RC(timed(MMUEXT_PIN_L4_TABLE, MUTATE), -XEN_EINVAL);
    if ( !stopped_seen )
        SKIP("the pin never stopped (%u timer upcalls)", other_seen);
    /* What the earlier passes took was given back. */
    CHECK(!tables_still_typed(), "%u tables still typed",
          tables_still_typed());
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(w.l4), 0), -XEN_EINVAL);
}

/* A table not yet reached is given back to the hypervisor meanwhile. */
HOSTILE(pin_preempt_hostile, table_freed_mid_pin)
{
    CHECK(build_wide(NULL), "out of memory");
    CHECK_RC(timed(MMUEXT_PIN_L4_TABLE, FREE), -XEN_EINVAL);
    if ( !stopped_seen )
        SKIP("the pin never stopped (%u timer upcalls)", other_seen);
    CHECK(!w.l1[NR_L1 - 1], "the L1 was not given back");
    CHECK(!tables_still_typed(), "%u tables still typed",
          tables_still_typed());
}

/* The domain shuts down while its pin is stopped, the L4 partial. */
HOSTILE(pin_preempt_hostile, destroyed_mid_pin)
{
    CHECK(build_wide(NULL), "out of memory");
    /* The first stop powers off; dom0 checks the rest. */
    timed(MMUEXT_PIN_L4_TABLE, DIE_STOPPED);
    SKIP("the pin never stopped (%u timer upcalls)", other_seen);
}

/* ... and while its unpin's teardown is stopped. */
HOSTILE(pin_preempt_hostile, destroyed_mid_unpin)
{
    CHECK(build_wide(NULL), "out of memory");
    CHECK_RC(ext1(MMUEXT_PIN_L4_TABLE, virt_to_mfn(w.l4), 0), 0);
    timed(MMUEXT_UNPIN_TABLE, DIE);
    SKIP("the unpin ended before the timer (%u upcalls)", other_seen);
}

/* ... and while a NEW_BASEPTR's validation of the new L4 is stopped. */
HOSTILE(pin_preempt_hostile, destroyed_mid_new_baseptr)
{
    const uint64_t *live = (const uint64_t *)start_info->pt_base;

    CHECK(build_wide(live), "out of memory or no free L4 slots");
    timed_on(MMUEXT_NEW_BASEPTR, virt_to_mfn(w.l4), DIE_STOPPED);
    SKIP("the NEW_BASEPTR never stopped (%u timer upcalls)", other_seen);
}

/* ... and while switching back tears the tree down. */
HOSTILE(pin_preempt_hostile, destroyed_mid_old_baseptr_teardown)
{
    const uint64_t *live = (const uint64_t *)start_info->pt_base;

    CHECK(build_wide(live), "out of memory or no free L4 slots");
    CHECK_RC(ext1(MMUEXT_NEW_BASEPTR, virt_to_mfn(w.l4), 0), 0);
    timed_on(MMUEXT_NEW_BASEPTR, virt_to_mfn(live), DIE);
    SKIP("the switch back ended before the timer (%u upcalls)", other_seen);
}
