/* SPDX-License-Identifier: GPL-2.0-only */
/* An unpin whose teardown stops, then every table made writable: one batch. */

#include "hostile.h"
#include "mmu.h"
#include <events.h>
#include <hypercall.h>
#include <lib.h>
#include <mm.h>
#include <os.h>
#include <time.h>

/*
 * What Linux's exit_mmap does (xen_pgd_unpin): one multicall that unpins
 * the L4, then maps each table of the tree writable again.  The L4's
 * teardown takes long enough for a timer to stop it; Xen finishes a
 * stopped teardown before the multicall's next entry runs, so every
 * update_va_mapping finds its frame untyped.  A tree of 67 tables: an L4,
 * one L3 whose LAST entry holds an L2 (where a user stack's L2 sits) with
 * 64 L1s, every L1 mapping one data page read-only 512 times: nearly all
 * of the teardown is below the L3's entry 511, so that is where it stops.
 */
#define NR_L3   1
#define NR_L2   1
#define NR_L1   64
#define NR_TABLES   (1 + NR_L3 + NR_L2 + NR_L1)
#define UPPER   (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)

static uint64_t *tables[NR_TABLES];     /* the L4, the L3s, L2s, L1s */
static void *data;
static volatile bool rearm;
static volatile unsigned int upcalls;

static uint64_t entry(const void *va, uint64_t flags)
{
    return virt_to_mach(va) | flags;
}

static uint64_t *l3(unsigned int i) { return tables[1 + i]; }
static uint64_t *l2(unsigned int i) { return tables[1 + NR_L3 + i]; }
static uint64_t *l1(unsigned int i) { return tables[1 + NR_L3 + NR_L2 + i]; }

/* Builds the tree, every table mapped read-only; false if out of memory. */
static bool build_tree(void)
{
    unsigned int i, j;

    if ( !(data = alloc_page()) )
        return false;
    for ( i = 0; i < NR_TABLES; i++ )
        if ( !(tables[i] = alloc_page()) )
            return false;
    tables[0][0] = entry(l3(0), UPPER);
    l3(0)[511] = entry(l2(0), UPPER);
    for ( i = 0; i < NR_L1; i++ )
    {
        l2(0)[i] = entry(l1(i), UPPER);
        for ( j = 0; j < 512; j++ )
            l1(i)[j] = entry(data, PTE_KERNEL_RO);
    }
    for ( i = 0; i < NR_TABLES; i++ )
        if ( make_readonly(tables[i]) )
            return false;
    return true;
}

static void arm_timer(void)
{
    vcpu_set_singleshot_timer_t t = {
        .timeout_abs_ns = monotonic_clock() + 50000,
    };

    HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
}

/* Each upcall comes between two passes of the stopped batch. */
static void batch_timer(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    timer_last_ns = monotonic_clock();
    timer_ticks++;
    upcalls++;
    if ( rearm )
        arm_timer();
}

/*
 * Pins the tree, then unpins it and maps every table writable in one
 * multicall while a timer 50 us away stops it (upcalls masked throughout,
 * as Linux's batch runs, or not, and the timer re-armed at each upcall).
 * The entries that failed.
 */
static unsigned int unpin_batch(bool masked)
{
    static multicall_entry_t mc[1 + NR_TABLES];
    mmuext_op_t op = { .cmd = MMUEXT_UNPIN_TABLE };
    unsigned long flags = 0;
    unsigned int i, failed = 0;
    long rc;

    op.arg1.mfn = virt_to_mfn(tables[0]);
    mc[0] = (multicall_entry_t){
        .op = __HYPERVISOR_mmuext_op,
        .args = { (unsigned long)&op, 1, 0, DOMID_SELF },
    };
    /* The L4 last: it is the last frame a teardown lets go. */
    for ( i = 0; i < NR_TABLES; i++ )
        mc[1 + i] = (multicall_entry_t){
            .op = __HYPERVISOR_update_va_mapping,
            .args = { (unsigned long)tables[NR_TABLES - 1 - i],
                      entry(tables[NR_TABLES - 1 - i], PTE_KERNEL_RW),
                      UVMF_INVLPG | UVMF_LOCAL },
        };
    set_evtchn_handler(timer_port, batch_timer, NULL);
    upcalls = 0;
    rearm = !masked;
    if ( masked )
        flags = irq_save();
    arm_timer();
    rc = HYPERVISOR_multicall(mc, 1 + NR_TABLES);
    rearm = false;
    if ( masked )
        irq_restore(flags);
    if ( rc )
        return 1 + NR_TABLES;
    for ( i = 0; i < 1 + NR_TABLES; i++ )
        if ( mc[i].result )
        {
            printk("entry %u: result %ld\n", i, (long)mc[i].result);
            failed++;
        }
    return failed;
}

HOSTILE(unpin_multicall, teardown_done_before_next_entry)
{
    CHECK(build_tree(), "out of memory");
    CHECK_RC(ext1(MMUEXT_PIN_L4_TABLE, virt_to_mfn(tables[0]), 0), 0);
    CHECK(unpin_batch(false) == 0, "entries failed");
    if ( !upcalls )
        SKIP("the batch never stopped");
}

/* The same with upcalls masked: only the hypervisor's timer stops it. */
HOSTILE(unpin_multicall, teardown_done_before_next_entry_masked)
{
    CHECK(build_tree(), "out of memory");
    CHECK_RC(ext1(MMUEXT_PIN_L4_TABLE, virt_to_mfn(tables[0]), 0), 0);
    CHECK(unpin_batch(true) == 0, "entries failed");
}
