/* SPDX-License-Identifier: GPL-2.0-only */
/* Micro-benchmarks run instead of the tests when "bench" is on the cmdline. */

#include "test.h"
#include <hypercall.h>
#include <events.h>
#include <gnttab.h>
#include <time.h>
#include <mm.h>

/* Guest time each item runs for: long enough to average out TCG jitter. */
#define BENCH_NS    MILLISECS(200)
/* Iterations between clock reads, so reading it costs next to nothing. */
#define BENCH_CHUNK 16
#define MMU_BATCH   32

/*
 * Run op() in chunks until BENCH_NS of system time have passed; print
 * the mean cost of one call in ns (one decimal) or why it failed.
 */
static void bench(const char *name, long (*op)(void))
{
    uint64_t start = monotonic_clock(), now, ns;
    unsigned long iters = 0, tenths;
    unsigned int i;
    long rc;

    do {
        for ( i = 0; i < BENCH_CHUNK; i++ )
        {
            rc = op();
            if ( rc )
            {
                printk("BENCH-FAIL: %s: returned %ld\n", name, rc);
                return;
            }
        }
        iters += BENCH_CHUNK;
        now = monotonic_clock();
    } while ( now - start < BENCH_NS );
    ns = now - start;
    tenths = (ns * 10 + iters / 2) / iters;
    printk("BENCH: %s %lu.%lu ns (%lu iterations)\n", name, tenths / 10,
           tenths % 10, iters);
}

static long null_hypercall(void)
{
    /* Returns the version, never 0: any non-negative value is fine. */
    return HYPERVISOR_xen_version(XENVER_version, NULL) < 0;
}

static volatile unsigned long ipi_hits;
static long ipi_port;

static void ipi_handler(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    ipi_hits++;
}

/*
 * The event is pending for the running vCPU, so Xen bounces the upcall
 * on its way back from the send: the handler has normally run by the
 * time the hypercall returns.  Spin briefly in case it has not.
 */
static long evtchn_send_self(void)
{
    unsigned long want = ipi_hits + 1;
    unsigned int spins = 0;
    long rc = notify_remote_via_evtchn(ipi_port);

    if ( rc )
        return rc;
    while ( ipi_hits < want )
        if ( ++spins > 10000000 )
            return -XEN_ETIMEDOUT;
    return 0;
}

/* A pinned scratch L1 whose first MMU_BATCH entries flip between pages. */
static mmu_update_t mmu_req[2][MMU_BATCH];
static unsigned int mmu_flip;

static long mmu_update_batch(void)
{
    mmu_update_t *req = mmu_req[mmu_flip];

    mmu_flip ^= 1;
    return HYPERVISOR_mmu_update(req, MMU_BATCH, NULL, DOMID_SELF);
}

/*
 * One entry a call, as Linux's set_pte() makes it for every PTE a page
 * fault or exec maps outside a lazy-MMU batch: the per-call cost.
 */
static long mmu_update_single(void)
{
    mmu_update_t *req = &mmu_req[mmu_flip][MMU_BATCH - 1];

    mmu_flip ^= 1;
    return HYPERVISOR_mmu_update(req, 1, NULL, DOMID_SELF);
}

/*
 * An ordinary store into a pinned L1 (the page-table write emulation),
 * flipping between two entries, and a MOV from CR0 (the privileged-op
 * emulation): the instruction emulator's two PV users.
 */
static volatile uint64_t *ptwr_entry;
static uint64_t ptwr_val[2];

static long ptwr_store(void)
{
    *ptwr_entry = ptwr_val[mmu_flip ^= 1];
    return 0;
}

static long privop_mov_from_cr0(void)
{
    unsigned long cr0;

    asm volatile ( "mov %%cr0, %0" : "=r" (cr0) );
    return !(cr0 & 1);                  /* PE: set whoever emulates it */
}

static struct gnttab_copy gcopy;

static long grant_copy(void)
{
    long rc = HYPERVISOR_grant_table_op(GNTTABOP_copy, &gcopy, 1);

    return rc ? rc : gcopy.status;
}

static long pin(unsigned int cmd, void *va)
{
    struct mmuext_op op = { .cmd = cmd };

    op.arg1.mfn = virt_to_mfn(va);
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static void bench_evtchn(void)
{
    ipi_port = bind_ipi(0, ipi_handler, NULL);
    if ( ipi_port <= 0 )
    {
        printk("BENCH-FAIL: evtchn_send_self: bind_ipi %ld\n", ipi_port);
        return;
    }
    bench("evtchn_send_self", evtchn_send_self);
    unbind_evtchn(ipi_port);
}

/*
 * The scratch L1 is pinned; where mmuext_op is not there (a 32-bit guest
 * until its translation lands) it is hooked instead into an empty L2 slot
 * past the direct map.  Either way Xen takes it as an L1, and the batch
 * below is the same mmu_update.
 */
#define L2_SPAN (1UL << 21)
static unsigned long scratch_va;

static long take_scratch_l1(void *table)
{
    long rc = pin(MMUEXT_PIN_L1_TABLE, table);
    unsigned long va;
    uint64_t *l2e;
    mmu_update_t u;

    if ( rc != -XEN_ENOSYS )
        return rc;
    va = ((unsigned long)pfn_to_virt(start_info->nr_pages) + 2 * L2_SPAN) &
         ~(L2_SPAN - 1);
    l2e = pt_entry(va, 2);
    if ( !l2e || (*l2e & _PAGE_PRESENT) )
        return rc;
    u.ptr = pt_entry_maddr(va, 2) | MMU_NORMAL_PT_UPDATE;
    u.val = virt_to_mach(table) | PTE_TABLE(2);
    rc = HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF);
    if ( !rc )
        scratch_va = va;
    return rc;
}

static long drop_scratch_l1(void *table)
{
    mmu_update_t u;

    if ( !scratch_va )
        return pin(MMUEXT_UNPIN_TABLE, table);
    u.ptr = pt_entry_maddr(scratch_va, 2) | MMU_NORMAL_PT_UPDATE;
    u.val = 0;
    scratch_va = 0;
    return HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF);
}

static void bench_mmu(void)
{
    void *table = alloc_page(), *pages[2] = { alloc_page(), alloc_page() };
    unsigned int i, j;

    if ( !table || !pages[0] || !pages[1] || make_readonly(table) ||
         take_scratch_l1(table) )
    {
        printk("BENCH-FAIL: mmu_update_batch%u: no scratch table\n",
               MMU_BATCH);
        return;
    }
    for ( j = 0; j < 2; j++ )
        for ( i = 0; i < MMU_BATCH; i++ )
        {
            mmu_req[j][i].ptr = virt_to_mach(table) + i * 8 +
                                MMU_NORMAL_PT_UPDATE;
            mmu_req[j][i].val = virt_to_mach(pages[j]) | PTE_KERNEL_RO;
        }
    mmu_flip = 0;
    bench("mmu_update_batch32", mmu_update_batch);
    bench("mmu_update_single", mmu_update_single);
    ptwr_entry = (volatile uint64_t *)table + MMU_BATCH - 1;
    ptwr_val[0] = mmu_req[0][MMU_BATCH - 1].val;
    ptwr_val[1] = mmu_req[1][MMU_BATCH - 1].val;
    bench("ptwr_store", ptwr_store);
    /* Drop the references the entries hold before giving the pages back. */
    for ( i = 0; i < MMU_BATCH; i++ )
        mmu_req[0][i].val = 0;
    if ( HYPERVISOR_mmu_update(mmu_req[0], MMU_BATCH, NULL, DOMID_SELF) ||
         drop_scratch_l1(table) || make_writable(table) )
        return;
    free_page(table);
    free_page(pages[0]);
    free_page(pages[1]);
}

static void bench_gnttab(void)
{
    void *src = alloc_page(), *dst = alloc_page();
    long ref;

    if ( !src || !dst )
        return;
    memset(src, 0x5a, PAGE_SIZE);
    ref = gnttab_grant_access(SELF_ID, virt_to_mfn(src), true);
    if ( ref <= 0 )
    {
        printk("BENCH-FAIL: grant_copy_4k: no grant reference\n");
        return;
    }
    memset(&gcopy, 0, sizeof(gcopy));
    gcopy.source.u.ref = ref;
    gcopy.source.domid = SELF_ID;
    gcopy.dest.u.gmfn = virt_to_mfn(dst);
    gcopy.dest.domid = DOMID_SELF;
    gcopy.len = PAGE_SIZE;
    gcopy.flags = GNTCOPY_source_gref;
    bench("grant_copy_4k", grant_copy);
    if ( memcmp(src, dst, PAGE_SIZE) )
        printk("BENCH-FAIL: grant_copy_4k: destination differs\n");
    gnttab_end_access(ref);
    free_page(src);
    free_page(dst);
}

bool bench_selected(const char *cmdline)
{
    const char *p = cmdline;

    while ( (p = strstr(p, "bench")) != NULL )
    {
        if ( (p == cmdline || p[-1] == ' ') && (p[5] == '\0' || p[5] == ' ') )
            return true;
        p += 5;
    }
    return false;
}

void run_benchmarks(void)
{
    printk("mini-os: running benchmarks\n");
    bench("null_hypercall", null_hypercall);
    bench("privop_mov_from_cr0", privop_mov_from_cr0);
    bench_evtchn();
    bench_mmu();
    bench_gnttab();
    printk("mini-os: benchmarks done\n");
}
