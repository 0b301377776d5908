/* SPDX-License-Identifier: GPL-2.0-only */
/* Cases for batches long enough that Xen preempts and continues them. */

#include "test.h"
#include <gnttab.h>
#include <hypercall.h>
#include <mm.h>
#include <time.h>
#include <traps.h>

/*
 * Long enough that a timer tick lands inside under QEMU's TCG; one
 * buffer serves every case (256 KiB of mmu_update, reused as the rest).
 */
#define LONG_N  16384
static union {
    mmu_update_t mmu[LONG_N];
    struct mmuext_op ext[LONG_N];
    xen_pfn_t frames[LONG_N];
    struct gnttab_copy copy[LONG_N / 4];
} buf;

/*
 * A timer event due early in the next batch: Xen (and we) then stop the
 * batch at once and continue it, which is what these cases are about.
 */
static void interrupt_soon(void)
{
    HYPERVISOR_set_timer_op(monotonic_clock() + MILLISECS(1));
}

/* LONG_N updates of va's own PTE, alternating read-only and writable. */
static void fill_pte_updates(void *va)
{
    uint64_t ptr = pt_entry_maddr((unsigned long)va, 1);

    for ( unsigned int i = 0; i < LONG_N; i++ )
    {
        buf.mmu[i].ptr = ptr | MMU_NORMAL_PT_UPDATE;
        buf.mmu[i].val = virt_to_mach(va) |
                         (i % 2 ? PTE_KERNEL_RW : PTE_KERNEL_RO);
    }
}

TEST(long, mmu_update)
{
    void *va = alloc_page();
    unsigned int done = 0;

    CHECK(va, "no page");
    fill_pte_updates(va);
    interrupt_soon();
    CHECK_RC(HYPERVISOR_mmu_update(buf.mmu, LONG_N, &done, DOMID_SELF), 0);
    CHECK(done == LONG_N, "done %u", done);
    CHECK_RC(probe_write64(va, 1), 0);

    /* An unknown command (ptr bit 2) late in the batch: done stops there. */
    buf.mmu[LONG_N - 100].ptr |= 4;
    interrupt_soon();
    CHECK_RC(HYPERVISOR_mmu_update(buf.mmu, LONG_N, &done, DOMID_SELF),
             -XEN_ENOSYS);
    CHECK(done == LONG_N - 100, "done %u", done);
    CHECK_RC(make_writable(va), 0);
    free_page(va);
}

TEST(long, mmuext_op)
{
    void *va = alloc_page();
    unsigned int done = 0;

    CHECK(va, "no page");
    for ( unsigned int i = 0; i < LONG_N; i++ )
        buf.ext[i] = (struct mmuext_op){
            .cmd = MMUEXT_INVLPG_LOCAL, .arg1.linear_addr = (unsigned long)va };
    interrupt_soon();
    CHECK_RC(HYPERVISOR_mmuext_op(buf.ext, LONG_N, &done, DOMID_SELF), 0);
    CHECK(done == LONG_N, "done %u", done);
    buf.ext[LONG_N - 7].cmd = 99;
    interrupt_soon();
    CHECK_RC(HYPERVISOR_mmuext_op(buf.ext, LONG_N, &done, DOMID_SELF),
             -XEN_ENOSYS);
    CHECK(done == LONG_N - 7, "done %u", done);
    free_page(va);
}

/* The long mmu_update as a multicall entry, then one more call after it. */
TEST(long, multicall)
{
    void *va = alloc_page();
    unsigned int done = 0;
    multicall_entry_t mc[2] = {
        { .op = __HYPERVISOR_mmu_update,
          .args = { (unsigned long)buf.mmu, LONG_N, (unsigned long)&done,
                    DOMID_SELF } },
        { .op = __HYPERVISOR_xen_version, .args = { XENVER_pagesize } },
    };

    CHECK(va, "no page");
    fill_pte_updates(va);
    interrupt_soon();
    CHECK_RC(HYPERVISOR_multicall(mc, 2), 0);
    CHECK(mc[0].result == 0, "result 0 = %ld", (long)mc[0].result);
    CHECK(done == LONG_N, "done %u", done);
    CHECK(mc[1].result == PAGE_SIZE, "result 1 = %ld", (long)mc[1].result);
    CHECK_RC(probe_write64(va, 1), 0);
    free_page(va);
}

/*
 * Give many pages back in one decrease_reservation and take as many again
 * with one populate_physmap; the results count every extent.
 */
TEST(long, decrease_populate)
{
    static void *pages[LONG_N / 4];
    struct xen_memory_reservation r = { .domid = DOMID_SELF };
    domid_t self = DOMID_SELF;
    unsigned long n, before;

    for ( n = 0; n < ARRAY_SIZE(pages) && free_page_count() > 1024; n++ )
        if ( !(pages[n] = alloc_page()) )
            break;
    before = HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
    for ( unsigned long i = 0; i < n; i++ )
    {
        buf.frames[i] = virt_to_mfn(pages[i]);
        CHECK_RC(set_pte((unsigned long)pages[i], 0), 0);
    }
    set_xen_guest_handle(r.extent_start, buf.frames);
    r.nr_extents = n;
    interrupt_soon();
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r), n);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_current_reservation, &self),
             (long)(before - n));

    for ( unsigned long i = 0; i < n; i++ )
        buf.frames[i] = virt_to_pfn(pages[i]);
    interrupt_soon();
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_populate_physmap, &r), n);
    for ( unsigned long i = 0; i < n; i++ )
    {
        unsigned long pfn = virt_to_pfn(pages[i]);

        CHECK(mfn_to_pfn(buf.frames[i]) == pfn, "m2p of %lx is %lx",
              buf.frames[i], mfn_to_pfn(buf.frames[i]));
        phys_to_machine[pfn] = buf.frames[i];
        CHECK_RC(set_pte((unsigned long)pages[i],
                         ((uint64_t)buf.frames[i] << PAGE_SHIFT) |
                         PTE_KERNEL_RW), 0);
        free_page(pages[i]);
    }
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_current_reservation, &self),
             (long)before);
}

TEST(long, gnttab_copy)
{
    uint8_t *src = alloc_page(), *dst = alloc_page();
    const unsigned int n = ARRAY_SIZE(buf.copy);
    long ref;

    CHECK(src && dst, "no pages");
    memset(src, 0x3c, PAGE_SIZE);
    ref = gnttab_grant_access(SELF_ID, virt_to_mfn(src), true);
    CHECK(ref > 0, "no grant reference");
    for ( unsigned int i = 0; i < n; i++ )
    {
        struct gnttab_copy *c = &buf.copy[i];

        *c = (struct gnttab_copy){ .flags = GNTCOPY_source_gref, .len = 1 };
        c->source.u.ref = ref;
        c->source.domid = SELF_ID;
        c->dest.u.gmfn = virt_to_mfn(dst);
        c->dest.domid = DOMID_SELF;
        c->dest.offset = i % PAGE_SIZE;
        c->status = 1;
    }
    /* One bad reference late on: only its own status says so. */
    buf.copy[n - 3].source.u.ref = ref + 1;
    interrupt_soon();
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_copy, buf.copy, n), 0);
    for ( unsigned int i = 0; i < n; i++ )
        CHECK(buf.copy[i].status == (i == n - 3 ? GNTST_general_error
                                                : GNTST_okay),
              "status %u = %d", i, buf.copy[i].status);
    CHECK(dst[0] == 0x3c && dst[PAGE_SIZE - 1] == 0x3c, "not copied");
    CHECK(gnttab_end_access(ref), "grant still busy");
    free_page(src);
    free_page(dst);
}

/*
 * A timer due early in a long batch is handled before the batch ends:
 * the hypercall yields to it and carries on.  Without continuations the
 * event would wait for the whole batch.
 */
TEST(long, timer_not_held_up)
{
    void *va = alloc_page();
    unsigned int done;
    uint64_t start, end;

    CHECK(va, "no page");
    fill_pte_updates(va);
    timer_quiesce();
    start = monotonic_clock();
    CHECK_RC(HYPERVISOR_set_timer_op(start + MILLISECS(1)), 0);
    CHECK_RC(HYPERVISOR_mmu_update(buf.mmu, LONG_N, &done, DOMID_SELF), 0);
    end = monotonic_clock();
    CHECK_RC(make_writable(va), 0);
    free_page(va);
    /* Due at 1 ms: handled by 2 ms before the end of a 4 ms batch. */
    if ( end - start < MILLISECS(4) )
        SKIP("the batch took only %" PRI64 "u us", (end - start) / 1000);
    CHECK(timer_last_ns > start && timer_last_ns < end - MILLISECS(2),
          "timer handled %ld us into a %" PRI64 "u us batch",
          (long)(timer_last_ns - start) / 1000, (end - start) / 1000);
}
