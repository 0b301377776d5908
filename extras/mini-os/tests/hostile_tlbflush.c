/* SPDX-License-Identifier: GPL-2.0-only */
/* A stale TLB entry on the other vCPU's CPU must not outlive the flushes. */

/*
 * The hypervisor flushes only the CPUs that have the domain's page tables
 * loaded (or may map its frames), not every CPU.  These cases hold a
 * writable translation hot on vCPU 1's CPU, take the mapping away on
 * vCPU 0 with a local flush only, then do what must reach vCPU 1's CPU:
 * make the frame a page table (the hypervisor's own flush on a type
 * change), or ask for a flush of all the domain's CPUs.  vCPU 1's next
 * store must then fault; through a stale entry it would write a pinned
 * table.  The table is an L2: a store to an L1 mapped read-only would
 * be emulated as a page-table update (ptwr) and succeed either way.  If
 * vCPU 1 left its CPU meanwhile the switch flushed it and the case
 * passes without proving anything, so it runs several rounds.
 */

#include "hostile.h"
#include "mmu.h"
#include <hypercall.h>
#include <mm.h>
#include <time.h>
#include <traps.h>

#define STALE_ROUNDS 20

static volatile uint64_t *stale_page;
/* 0: vCPU 1 stores; 1: it stops (ack 1); 2: it probes once (ack 2). */
static volatile unsigned int stale_phase, stale_ack;
static volatile int stale_probe;
static volatile bool stale_quit;

static void stale_on_vcpu1(void)
{
    /* Its own page fault must reach it (probe_write64's fixup). */
    if ( HYPERVISOR_set_trap_table(trap_table) )
        return;
    while ( !stale_quit )
    {
        /* Probed: a stale read-only entry from the last round may fault. */
        while ( stale_phase == 0 && !stale_quit )
            probe_write64((uint64_t *)stale_page, 0);
        stale_ack = 1;
        while ( stale_phase == 1 && !stale_quit )
            asm volatile ( "pause" );
        if ( stale_phase == 2 )
        {
            /* 0 is a harmless entry even if the store gets through. */
            stale_probe = probe_write64((uint64_t *)stale_page, 0);
            stale_ack = 2;
            while ( stale_phase == 2 && !stale_quit )
                asm volatile ( "pause" );
        }
    }
}

static bool stale_wait(unsigned int ack)
{
    uint64_t deadline = monotonic_clock() + MILLISECS(5000);

    while ( stale_ack != ack )
        if ( monotonic_clock() > deadline )
            return false;
    return true;
}

/*
 * Each round: vCPU 1 stores through the page, stops; vCPU 0 maps it
 * read-only with a local flush, runs step (which must flush vCPU 1's
 * CPU), undo undoes it; vCPU 1's store must fault.
 */
static void stale_rounds(long (*step)(unsigned long mfn),
                         long (*undo)(unsigned long mfn))
{
    void *page = alloc_page();
    unsigned long mfn;

    CHECK(page, "no page");
    stale_page = page;
    mfn = virt_to_mfn(page);
    stale_quit = false;
    stale_phase = 0;
    stale_ack = 0;
    CHECK_RC(vcpu1_start(stale_on_vcpu1), 0);
    for ( unsigned int i = 0; i < STALE_ROUNDS; i++ )
    {
        stale_ack = 0;
        stale_phase = 0;
        /* Long enough for vCPU 1 to have stored through the page. */
        for ( uint64_t t = monotonic_clock() + 200000;
              monotonic_clock() < t; )
            asm volatile ( "pause" );
        stale_phase = 1;
        CHECK(stale_wait(1), "round %u: vCPU 1 did not stop", i);
        CHECK_RC(make_readonly(page), 0);
        CHECK_RC(step(mfn), 0);
        stale_phase = 2;
        CHECK(stale_wait(2), "round %u: vCPU 1 did not probe", i);
        CHECK(stale_probe == 1 + 14, "round %u: vCPU 1's store through the "
              "old writable mapping gave %d, not a page fault", i,
              stale_probe);
        CHECK_RC(undo(mfn), 0);
        CHECK_RC(make_writable(page), 0);
    }
    stale_quit = true;
    CHECK(vcpu1_wait_down(5000), "vCPU 1 still up");
    free_page(page);
}

static long pin_l2(unsigned long mfn)
{
    return ext1(MMUEXT_PIN_L2_TABLE, mfn, 0);
}

static long unpin(unsigned long mfn)
{
    return ext1(MMUEXT_UNPIN_TABLE, mfn, 0);
}

static long flush_all(unsigned long mfn)
{
    (void)mfn;
    return ext1(MMUEXT_TLB_FLUSH_ALL, 0, 0);
}

static long nothing(unsigned long mfn)
{
    (void)mfn;
    return 0;
}

/* The type change from writable to L2 flushes every CPU we run on. */
HOSTILE(tlbflush, stale_writable_entry_after_pin)
{
    stale_rounds(pin_l2, unpin);
}

/* MMUEXT_TLB_FLUSH_ALL reaches the CPUs our other vCPUs run on. */
HOSTILE(tlbflush, stale_writable_entry_after_flush_all)
{
    stale_rounds(flush_all, nothing);
}
