/* SPDX-License-Identifier: GPL-2.0-only */
/* A domU floods console_io: the hypervisor must yield and rate-limit. */

#include "hostile.h"
#include <hypercall.h>
#include <mm.h>
#include <time.h>

/*
 * The flood's source: one page of ours mapped read-only over and over,
 * through CON_TABLES L1 tables linked into free slots of our kernel L2,
 * from CON_BASE on: 128 MiB of valid buffer out of 260 KiB of memory.
 */
#define CON_TABLES  64
#define CON_BASE    (VIRT_BASE + (512UL << 20))
#define L2_SPAN     (PT_ENTRIES * PAGE_SIZE)

static void *con_tables[CON_TABLES];

static long link_l2(unsigned int i, uint64_t val)
{
    mmu_update_t u = {
        .ptr = pt_entry_maddr(CON_BASE + i * L2_SPAN, 2) |
               MMU_NORMAL_PT_UPDATE,
        .val = val,
    };

    return HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF);
}

/* Maps page over the whole region; false if our layout has no room. */
static bool map_flood(const void *page)
{
    for ( unsigned int i = 0; i < CON_TABLES; i++ )
    {
        uint64_t *l2e = pt_entry(CON_BASE + i * L2_SPAN, 2), *t;

        if ( !l2e || *l2e || !(t = alloc_page()) )
            return false;
        for ( unsigned int j = 0; j < PT_ENTRIES; j++ )
            t[j] = virt_to_mach(page) | PTE_KERNEL_RO;
        if ( make_readonly(t) )
            return false;
        con_tables[i] = t;
        if ( link_l2(i, virt_to_mach(t) | PTE_KERNEL_RW) )
            return false;
    }
    return true;
}

/*
 * console_io(CONSOLEIO_write) over 128 MiB, a short line per page: the
 * hypervisor must not sit in one hypercall for all of it (a timer due
 * 1 ms in is handled long before the end) and must not print 32768
 * lines (the rate limit drops most).  Xen 4.17 release builds let only
 * the privileged domain write, which is the other good answer.
 */
HOSTILE(hostile_con, huge_write_preempted)
{
    char *page = alloc_page();
    uint64_t start, end;
    long rc;

    CHECK(page, "no page");
    memcpy(page + PAGE_SIZE - 6, "flood\n", 6);
    if ( !map_flood(page) )
        SKIP("no room for the flood's tables at %lx", CON_BASE);
    timer_quiesce();
    start = monotonic_clock();
    CHECK_RC(HYPERVISOR_set_timer_op(start + MILLISECS(1)), 0);
    rc = HYPERVISOR_console_io(CONSOLEIO_write, CON_TABLES * L2_SPAN,
                               (char *)CON_BASE);
    end = monotonic_clock();
    if ( rc == -XEN_EPERM )
        return;
    CHECK_RC(rc, 0);
    /* As long/timer_not_held_up: due at 1 ms, handled well before the end. */
    if ( end - start < MILLISECS(4) )
        SKIP("the write took only %" PRI64 "u us", (end - start) / 1000);
    CHECK(timer_last_ns > start && timer_last_ns < end - MILLISECS(2),
          "timer handled %ld us into a %" PRI64 "u us write",
          (long)(timer_last_ns - start) / 1000, (end - start) / 1000);
}

/* A count beyond the mapped buffer ends in -EFAULT, also when preempted. */
HOSTILE(hostile_con, write_past_buffer_faults)
{
    char *page = alloc_page();
    long rc;

    CHECK(page, "no page");
    if ( !map_flood(page) )
        SKIP("no room for the flood's tables at %lx", CON_BASE);
    rc = HYPERVISOR_console_io(CONSOLEIO_write, CON_TABLES * L2_SPAN + 4096,
                               (char *)CON_BASE);
    if ( rc == -XEN_EPERM )
        return;
    CHECK_RC(rc, -XEN_EFAULT);
}
