/* SPDX-License-Identifier: GPL-2.0-only */
/* Runstate and time areas: across a page boundary, and their frames' life. */

#include "hostile.h"
#include <hypercall.h>
#include <mm.h>
#include <time.h>
#include <public/memory.h>
#include <public/vcpu.h>

/* Two pages, so that an area can straddle the boundary between them. */
static uint8_t two_pages[2 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

/* Bytes of the two pages outside [start, start + len) must stay 0x5a. */
static bool untouched_outside(const uint8_t *start, size_t len)
{
    for ( size_t i = 0; i < sizeof(two_pages); i++ )
    {
        const uint8_t *p = &two_pages[i];

        if ( (p < start || p >= start + len) && *p != 0x5a )
            return false;
    }
    return true;
}

/* Xen writes the area through its address, whatever page each byte is on. */
TEST(guest_area, runstate_across_pages)
{
    vcpu_runstate_info_t *area = (void *)&two_pages[PAGE_SIZE - 16];
    struct vcpu_register_runstate_memory_area a = { .addr.v = area };

    memset(two_pages, 0x5a, sizeof(two_pages));
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &a),
             0);
    /* Filled in at once: the state is on the first page, times on both. */
    CHECK(area->state == RUNSTATE_running, "state %d", area->state);
    CHECK(area->state_entry_time <= monotonic_clock() + CLOCK_SLACK_NS,
          "entry time ahead");
    CHECK(area->time[RUNSTATE_running] != 0x5a5a5a5a5a5a5a5aULL,
          "second page not written");
    CHECK(untouched_outside((const uint8_t *)area, sizeof(*area)),
          "bytes around the area written");
    a.addr.v = NULL;
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &a),
             0);
}

TEST(guest_area, time_across_pages)
{
    vcpu_time_info_t *area = (void *)&two_pages[PAGE_SIZE - 8];
    struct vcpu_register_time_memory_area a = { .addr.v = area };

    memset(two_pages, 0x5a, sizeof(two_pages));
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, &a),
             0);
    /* Xen fills it on the next time update, e.g. on our next block. */
    msleep(2);
    CHECK(!(area->version & 1), "version %u", area->version);
    CHECK(area->system_time != 0x5a5a5a5a5a5a5a5aULL && area->system_time,
          "system time not written");
    CHECK(untouched_outside((const uint8_t *)area, sizeof(*area)),
          "bytes around the area written");
    a.addr.v = NULL;
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, &a),
             0);
}

/*
 * Both areas left registered on a page of ours when the domain goes:
 * whatever the hypervisor holds of the page must be let go, so that dom0
 * sees every page come back.
 */
HOSTILE(guest_area, left_registered_at_exit)
{
    uint8_t *page = alloc_page();
    struct vcpu_register_runstate_memory_area r = { .addr.v = (void *)page };
    struct vcpu_register_time_memory_area t = {
        .addr.v = (void *)(page + 128) };

    CHECK(page, "no page");
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &r),
             0);
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, &t),
             0);
    msleep(2);
    CHECK(((vcpu_runstate_info_t *)page)->state == RUNSTATE_running,
          "runstate not written");
}

/*
 * The page under a registered runstate area unmapped and given back: the
 * hypervisor must never write the area into a frame that may be someone
 * else's by now.  (Xen writes through the address, now unmapped, so
 * nothing; we keep the frame until the area is moved or the domain goes.)
 */
HOSTILE(guest_area, page_given_back_while_registered)
{
    uint8_t *page = alloc_page();
    struct vcpu_register_runstate_memory_area r = { .addr.v = (void *)page };
    struct xen_memory_reservation m = { .nr_extents = 1,
                                        .domid = DOMID_SELF };
    xen_pfn_t frame;

    CHECK(page, "no page");
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &r),
             0);
    frame = virt_to_mfn(page);
    set_xen_guest_handle(m.extent_start, &frame);
    CHECK_RC(set_pte((unsigned long)page, 0), 0);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_decrease_reservation, &m), 1);
    /* Switches write the area from now on; the domain's end checks all. */
    msleep(5);
}
