/* SPDX-License-Identifier: GPL-2.0-only */
/* Every limit the hypervisor checks, tried at the limit and one past it. */

#include <xenctl.h>
#include "hostile.h"
#include <events.h>
#include <gnttab.h>
#include <hypercall.h>
#include <mm.h>
#include <public/memory.h>
#include <public/vcpu.h>

/*
 * The limits are those dom0's builder gives every attacker domain
 * (extras/mini-os/kernel/builder.c, tests/hostile.c): two vCPUs, ports
 * up to 1023, four grant frames.  The cases run in such a domain, so that a limit is the
 * one the toolstack set, not a privileged domain's.
 */
#define ATTACKER_VCPUS        2
#define ATTACKER_MAX_PORT     1023
#define ATTACKER_GRANT_FRAMES 4

HOSTILE(limits, vcpu_ids)
{
    CHECK(HYPERVISOR_vcpu_op(VCPUOP_is_up, 0, NULL) > 0, "vCPU 0 is not up");
    /* The last one exists, and is down until a case brings it up. */
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_is_up, ATTACKER_VCPUS - 1, NULL), 0);
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_is_up, ATTACKER_VCPUS, NULL),
             -XEN_ENOENT);
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_is_up, XEN_LEGACY_MAX_VCPUS, NULL),
             -XEN_ENOENT);
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_is_up, ~0U, NULL), -XEN_ENOENT);
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_up, ATTACKER_VCPUS, NULL),
             -XEN_ENOENT);
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_down, ATTACKER_VCPUS, NULL),
             -XEN_ENOENT);
}

/* Ports up to max_evtchn_port are ours to allocate; the next is not. */
HOSTILE(limits, event_ports)
{
    evtchn_alloc_unbound_t op = { .dom = DOMID_SELF, .remote_dom = 0 };
    evtchn_port_t last = 0;
    evtchn_status_t st = { .dom = DOMID_SELF };
    long rc;

    while ( !(rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound,
                                               &op)) )
    {
        CHECK(op.port > last, "port %u after %u", op.port, last);
        last = op.port;
    }
    CHECK(rc == -XEN_ENOSPC, "alloc_unbound after port %u: %ld", last, rc);
    CHECK(last == ATTACKER_MAX_PORT, "last port %u, want %u", last,
          ATTACKER_MAX_PORT);
    st.port = ATTACKER_MAX_PORT;
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_status, &st), 0);
    CHECK(st.status == EVTCHNSTAT_unbound, "port %u status %u", st.port,
          st.status);
    st.port = ATTACKER_MAX_PORT + 1;
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_status, &st),
             -XEN_EINVAL);
    /* A closed port at the top is allocated again. */
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_close, &last), 0);
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &op), 0);
    CHECK(op.port == ATTACKER_MAX_PORT, "port %u reused", op.port);
}

/* As many grant frames as the toolstack allowed, and not one more. */
HOSTILE(limits, grant_frames)
{
    xen_pfn_t frames[ATTACKER_GRANT_FRAMES + 1];
    struct gnttab_query_size qs = { .dom = DOMID_SELF };
    struct gnttab_setup_table st = { .dom = DOMID_SELF };

    set_xen_guest_handle(st.frame_list, frames);
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_query_size, &qs, 1), 0);
    CHECK(qs.status == GNTST_okay, "query_size status %d", qs.status);
    CHECK(qs.max_nr_frames == ATTACKER_GRANT_FRAMES, "max_nr_frames %u",
          qs.max_nr_frames);
    st.nr_frames = ATTACKER_GRANT_FRAMES;
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &st, 1), 0);
    CHECK(st.status == GNTST_okay, "%u frames: status %d", st.nr_frames,
          st.status);
    st.nr_frames = ATTACKER_GRANT_FRAMES + 1;
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &st, 1), 0);
    CHECK(st.status == GNTST_general_error, "%u frames: status %d",
          st.nr_frames, st.status);
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_query_size, &qs, 1), 0);
    CHECK(qs.nr_frames == ATTACKER_GRANT_FRAMES, "nr_frames %u after",
          qs.nr_frames);
}

/*
 * Frame numbers: the last frame of RAM and the first past it, mapped by a
 * domain that owns neither (neither is ours, and an unprivileged domain
 * maps no I/O memory: -EPERM); and the largest frame an entry can name,
 * with every address bit set, which Xen takes for no frame (-EINVAL),
 * and the one below it (I/O memory again).
 */
HOSTILE(limits, frames_at_the_end_of_ram)
{
    void *page = alloc_page();
    unsigned long va = (unsigned long)page, max;
    const uint64_t all_bits = 0x000ffffffffff000UL;
    long rc;

    CHECK(page, "no page");
    max = HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);
    CHECK(max > 0, "maximum_ram_page %lu", max);
    rc = HYPERVISOR_update_va_mapping(va, ((uint64_t)(max - 1) << PAGE_SHIFT) |
                                      _PAGE_PRESENT, UVMF_INVLPG);
    CHECK(rc < 0, "mapped frame %lx (the last of RAM): %ld", max - 1, rc);
    rc = HYPERVISOR_update_va_mapping(va, ((uint64_t)max << PAGE_SHIFT) |
                                      _PAGE_PRESENT, UVMF_INVLPG);
    CHECK_RC(rc, -XEN_EPERM);
    rc = HYPERVISOR_update_va_mapping(va, (all_bits - PAGE_SIZE) |
                                      _PAGE_PRESENT, UVMF_INVLPG);
    CHECK_RC(rc, -XEN_EPERM);
    rc = HYPERVISOR_update_va_mapping(va, all_bits | _PAGE_PRESENT,
                                      UVMF_INVLPG);
    CHECK_RC(rc, -XEN_EINVAL);
    /* Our own page is still where it was. */
    CHECK_RC(HYPERVISOR_update_va_mapping(
                 va, ((uint64_t)virt_to_mfn(page) << PAGE_SHIFT) |
                     PTE_KERNEL_RW, UVMF_INVLPG), 0);
    free_page(page);
}

/*
 * A frame of the hypervisor's own: the L3 table behind our L4's first
 * hypervisor slot, which every guest can read but never map.  64-bit
 * only: a 32-bit guest sees no L4.
 */
#ifdef __x86_64__
HOSTILE(limits, hypervisor_frame_refused)
{
    void *page = alloc_page();
    unsigned long va = (unsigned long)page;
    uint64_t *l4 = pt_entry(va, 4) - ((va >> 39) & 511), xen_l3;
    long rc;

    CHECK(page, "no page");
    xen_l3 = l4[256] & 0x000ffffffffff000UL;
    CHECK(xen_l3, "no hypervisor slot in our L4");
    rc = HYPERVISOR_update_va_mapping(va, xen_l3 | _PAGE_PRESENT,
                                      UVMF_INVLPG);
    CHECK(rc < 0, "mapped the hypervisor's L3 %lx: %ld",
          (unsigned long)xen_l3, rc);
    CHECK_RC(HYPERVISOR_update_va_mapping(
                 va, ((uint64_t)virt_to_mfn(page) << PAGE_SHIFT) |
                     PTE_KERNEL_RW, UVMF_INVLPG), 0);
    free_page(page);
}
#endif

/*
 * populate_physmap with room for only some extents: the count done is the
 * room, and the word after the list is never touched.
 */
#define ROOM 3
/* "guard" (a frame number's width of it). */
#define GUARD ((xen_pfn_t)0x6775617264ULL)
HOSTILE(limits, populate_stops_at_the_reservation_limit)
{
    void *pages[ROOM];
    xen_pfn_t list[ROOM + 2], pfns[ROOM];
    struct xen_memory_reservation r = { .domid = DOMID_SELF };
    domid_t self = DOMID_SELF;
    long max, cur;

    max = HYPERVISOR_memory_op(XENMEM_maximum_reservation, &self);
    cur = HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
    CHECK(max > 0 && cur > 0 && max - cur <= ROOM, "reservation %ld of %ld",
          cur, max);
    /* Make exactly ROOM pages of room under the limit. */
    for ( unsigned int i = 0; i < ROOM; i++ )
    {
        CHECK((pages[i] = alloc_page()), "no page");
        pfns[i] = virt_to_pfn(pages[i]);
        list[i] = pfn_to_mfn(pfns[i]);
        CHECK_RC(set_pte((unsigned long)pages[i], 0), 0);
    }
    r.nr_extents = ROOM - (max - cur);
    set_xen_guest_handle(r.extent_start, list);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r),
             (long)r.nr_extents);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_current_reservation, &self),
             max - ROOM);

    /* Ask for one more than there is room for, with a guard after. */
    for ( unsigned int i = 0; i < ROOM; i++ )
        list[i] = pfns[i];
    list[ROOM] = pfns[0];
    list[ROOM + 1] = GUARD;
    r.nr_extents = ROOM + 1;
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_populate_physmap, &r), ROOM);
    CHECK(list[ROOM] == pfns[0], "the refused extent became %lx",
          (unsigned long)list[ROOM]);
    CHECK(list[ROOM + 1] == GUARD, "guard overwritten: %lx",
          (unsigned long)list[ROOM + 1]);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_current_reservation, &self), max);
    for ( unsigned int i = 0; i < ROOM; i++ )
    {
        mmu_update_t u = {
            .ptr = ((uint64_t)list[i] << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE,
            .val = pfns[i],
        };

        phys_to_machine[pfns[i]] = list[i];
        CHECK_RC(HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF), 0);
        CHECK_RC(set_pte((unsigned long)pages[i],
                         ((uint64_t)list[i] << PAGE_SHIFT) | PTE_KERNEL_RW),
                 0);
        free_page(pages[i]);
    }
}
