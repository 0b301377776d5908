/* SPDX-License-Identifier: GPL-2.0-only */
/* Both vCPUs retype frames at once: TLB-flush IPIs meet page-table locks. */

/*
 * Retyping a former page table as writable flushes every CPU's TLB by IPI,
 * under the lock of the table whose entry is being written.  Done by an
 * emulated page-table write, all that ran in the page-fault handler with
 * interrupts off: a CPU there, waiting for the IPI's answer or spinning on
 * the table's lock while the other CPU waited for its answer, stopped the
 * machine (a Linux dom0 stalled so under load).  Each vCPU pins and unpins
 * a frame of its own as an L1, then maps it writable in a table both
 * share, again and again, both at once.
 *
 * This file must link after vcpu.c: the cases there need a vCPU 1 that
 * was never started, and vcpu1_start() starts it for good.
 */

#include "test.h"
#include "mmu.h"
#include <hypercall.h>
#include <mm.h>
#include <time.h>

/* Enough to meet at once many times; bounded for a loaded host. */
#define RETYPE_ROUNDS 1000
#define RETYPE_MS     2000

static volatile uint64_t *retype_table;
static volatile bool retype_stop;
/* vCPU 0's; vCPU 1 stops when vCPU 0 sets retype_stop. */
static uint64_t retype_deadline;
static struct retype_loop {
    void *frame;
    bool by_hypercall;
    volatile unsigned long rounds;
    volatile long rc;
} retype[2];

static long retype_map(unsigned int slot, uint64_t val, bool by_hypercall)
{
    mmu_update_t u = {
        .ptr = virt_to_mach((void *)&retype_table[slot]) |
               MMU_NORMAL_PT_UPDATE,
        .val = val,
    };

    if ( by_hypercall )
        return HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF);
    retype_table[slot] = val;           /* emulated */
    return 0;
}

static void retype_rounds(unsigned int me)
{
    struct retype_loop *r = &retype[me];
    unsigned long mfn = virt_to_mfn(r->frame);
    unsigned int slot = 5 + me;

    /*
     * On a loaded host a round can take milliseconds (each retype waits
     * for the other vCPU's flush), so vCPU 0 also watches the clock.
     */
    while ( !retype_stop && r->rounds < RETYPE_ROUNDS &&
            (me || monotonic_clock() < retype_deadline) )
    {
        if ( (r->rc = ext1(MMUEXT_PIN_L1_TABLE, mfn, 0)) ||
             (r->rc = ext1(MMUEXT_UNPIN_TABLE, mfn, 0)) ||
             (r->rc = retype_map(slot, virt_to_mach(r->frame) |
                                       PTE_KERNEL_RW, r->by_hypercall)) ||
             (r->rc = retype_map(slot, 0, r->by_hypercall)) )
            return;
        r->rounds++;
    }
}

static void retype_on_vcpu1(void)
{
    retype_rounds(1);
}

static void retype_on_both_vcpus(bool vcpu0_by_hypercall)
{
    uint64_t deadline = monotonic_clock() + MILLISECS(RETYPE_MS);
    unsigned int i;

    retype_deadline = deadline;

    NEED_SECOND_VCPU();
    retype_table = table_page();
    CHECK(retype_table, "no page");
    CHECK_RC(ext1(MMUEXT_PIN_L1_TABLE, virt_to_mfn((void *)retype_table), 0),
             0);
    for ( i = 0; i < 2; i++ )
    {
        retype[i] = (struct retype_loop){ .frame = table_page() };
        CHECK(retype[i].frame, "no page");
    }
    retype[0].by_hypercall = vcpu0_by_hypercall;
    retype_stop = false;
    CHECK_RC(vcpu1_start(retype_on_vcpu1), 0);
    /* vCPU 0 goes on until vCPU 1 is done or the time is up. */
    while ( !retype[0].rc && HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL) > 0 &&
            monotonic_clock() < deadline )
    {
        retype[0].rounds = 0;
        retype_rounds(0);
    }
    retype_stop = true;
    CHECK(vcpu1_wait_down(10000), "vCPU 1 still at round %lu",
          retype[1].rounds);
    for ( i = 0; i < 2; i++ )
    {
        CHECK(retype[i].rc == 0 && retype[i].rounds,
              "vCPU %u: rc %ld after %lu rounds", i, retype[i].rc,
              retype[i].rounds);
        release_table(retype[i].frame);
    }
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn((void *)retype_table), 0),
             0);
    release_table((void *)retype_table);
}

TEST(mmuext, retype_by_emulated_writes_on_both_vcpus)
{
    retype_on_both_vcpus(false);
}

TEST(mmuext, retype_by_hypercall_beside_emulated_writes)
{
    retype_on_both_vcpus(true);
}
