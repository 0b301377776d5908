/* SPDX-License-Identifier: GPL-2.0-only */
/* Cases for memory_op: maps, reservations, the m2p, giving pages back. */

#include "test.h"
#include <hypercall.h>
#include <mm.h>

static struct abi_e820entry map[128];

static long get_map(unsigned int op, unsigned int *nr)
{
    struct xen_memory_map mm = { .nr_entries = ARRAY_SIZE(map) };
    long rc;

    set_xen_guest_handle(mm.buffer, map);
    rc = HYPERVISOR_memory_op(op, &mm);
    *nr = mm.nr_entries;
    return rc;
}

TEST(memory_op, memory_map)
{
    unsigned int nr;

    /*
     * Xen 4.17 keeps a pseudo-physical map only for domains whose builder
     * set one (XENMEM_set_memory_map); a PV dom0 has none, and Linux then
     * falls back to the machine map.
     */
    CHECK_RC(get_map(XENMEM_memory_map, &nr), -XEN_ENOSYS);
}

TEST(memory_op, machine_memory_map)
{
    unsigned int nr, i;
    bool low_ram = false;

    CHECK_RC(get_map(XENMEM_machine_memory_map, &nr), 0);
    CHECK(nr >= 2 && nr <= ARRAY_SIZE(map), "%u entries", nr);
    for ( i = 0; i < nr; i++ )
        if ( map[i].type == ABI_E820_RAM && map[i].addr == 0 )
            low_ram = true;
    /* QEMU's firmware map starts with RAM at 0 (below 640 kB). */
    CHECK(low_ram, "no RAM entry at 0 among %u", nr);
}

TEST(memory_op, memory_map_bad_pointer)
{
    struct xen_memory_map mm = { .nr_entries = 8 };

    set_xen_guest_handle(mm.buffer, XEN_PTR);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_machine_memory_map, &mm),
             -XEN_EFAULT);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_machine_memory_map, BAD_PTR),
             -XEN_EFAULT);
}

TEST(memory_op, maximum_ram_page)
{
    long max = HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);
    unsigned long i;

    CHECK(max > 0, "returned %ld", max);
    for ( i = 0; i < start_info->nr_pages; i++ )
        CHECK(pfn_to_mfn(i) <= (unsigned long)max, "mfn %lx of pfn %lx",
              pfn_to_mfn(i), i);
}

TEST(memory_op, current_reservation)
{
    domid_t self = DOMID_SELF;

    CHECK_RC(HYPERVISOR_memory_op(XENMEM_current_reservation, &self),
             (long)start_info->nr_pages);
}

TEST(memory_op, maximum_reservation)
{
    domid_t self = DOMID_SELF;
    long rc = HYPERVISOR_memory_op(XENMEM_maximum_reservation, &self);

    CHECK(rc >= (long)start_info->nr_pages, "returned %ld", rc);
}

TEST(memory_op, maximum_gpfn)
{
    domid_t self = DOMID_SELF;

    /* For PV, Xen derives it from shared_info.arch.max_pfn (set by mm.c). */
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_maximum_gpfn, &self),
             (long)start_info->nr_pages - 1);
}

TEST(memory_op, maximum_gpfn_unset_list_is_0)
{
    domid_t self = DOMID_SELF;
    unsigned long saved = shared_info->arch.max_pfn;
    long rc;

    /* No p2m list registered: one entry, gfn 0 (not -1). */
    shared_info->arch.max_pfn = 0;
    rc = HYPERVISOR_memory_op(XENMEM_maximum_gpfn, &self);
    shared_info->arch.max_pfn = saved;
    CHECK_RC(rc, 0);
}

TEST(memory_op, reservation_no_such_domain)
{
    domid_t dom = 1234;

    CHECK_RC(HYPERVISOR_memory_op(XENMEM_current_reservation, &dom),
             -XEN_ESRCH);
}

TEST(memory_op, machphys_mapping)
{
    struct xen_machphys_mapping m = { 0 };
    unsigned long pfn;

    CHECK_RC(HYPERVISOR_memory_op(XENMEM_machphys_mapping, &m), 0);
    CHECK(m.v_start == MACH2PHYS_VIRT_START, "v_start %lx", m.v_start);
    CHECK(m.v_end > m.v_start, "v_end %lx", m.v_end);
#ifdef __x86_64__
    /*
     * A 64-bit hypervisor's compat M2P may reach past a 32-bit Xen's
     * MACH2PHYS_VIRT_END, up to the top of the hole.
     */
    CHECK(m.v_end <= MACH2PHYS_VIRT_END, "v_end %lx", m.v_end);
#endif
    for ( pfn = 0; pfn < start_info->nr_pages; pfn++ )
        CHECK(pfn_to_mfn(pfn) <= m.max_mfn, "mfn %lx above max_mfn %lx",
              pfn_to_mfn(pfn), m.max_mfn);
}

TEST(memory_op, machphys_mfn_list)
{
    xen_pfn_t mfns[8];
    struct xen_machphys_mfn_list l = { .max_extents = ARRAY_SIZE(mfns) };

    set_xen_guest_handle(l.extent_start, mfns);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_machphys_mfn_list, &l), 0);
    CHECK(l.nr_extents >= 1 && l.nr_extents <= ARRAY_SIZE(mfns),
          "%u extents", l.nr_extents);
}

TEST(memory_op, m2p_matches_p2m)
{
    unsigned long pfn;

    /* The read-only m2p Xen maps into every PV guest inverts our p2m. */
    for ( pfn = 0; pfn < start_info->nr_pages; pfn++ )
        CHECK(mfn_to_pfn(pfn_to_mfn(pfn)) == pfn, "pfn %lx -> mfn %lx -> %lx",
              pfn, pfn_to_mfn(pfn), mfn_to_pfn(pfn_to_mfn(pfn)));
}

TEST(memory_op, unknown_op)
{
    CHECK_RC(HYPERVISOR_memory_op(63, NULL), -XEN_ENOSYS);
}

static long reservation(unsigned int op, xen_pfn_t *frame)
{
    struct xen_memory_reservation r = {
        .nr_extents = 1, .extent_order = 0, .domid = DOMID_SELF,
    };

    set_xen_guest_handle(r.extent_start, frame);
    return HYPERVISOR_memory_op(op, &r);
}

/* Give one page back to Xen and take a fresh one in its place. */
TEST(memory_op, decrease_then_populate)
{
    void *va = alloc_page();
    unsigned long pfn = virt_to_pfn(va), before;
    domid_t self = DOMID_SELF;
    xen_pfn_t frame;
    mmu_update_t u;

    CHECK(va, "no free page");
    before = HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
    frame = pfn_to_mfn(pfn);
    CHECK_RC(set_pte((unsigned long)va, 0), 0);
    CHECK_RC(reservation(XENMEM_decrease_reservation, &frame), 1);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_current_reservation, &self),
             (long)before - 1);

    /* A PV guest gets a machine frame back; Xen sets its m2p entry. */
    frame = pfn;
    CHECK_RC(reservation(XENMEM_populate_physmap, &frame), 1);
    CHECK(mfn_to_pfn(frame) == pfn, "m2p of new mfn %lx is %lx", frame,
          mfn_to_pfn(frame));
    phys_to_machine[pfn] = frame;
    CHECK_RC(set_pte((unsigned long)va,
                     ((uint64_t)frame << PAGE_SHIFT) | PTE_KERNEL_RW), 0);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_current_reservation, &self),
             (long)before);

    /* And the m2p entry can be rewritten by us with MMU_MACHPHYS_UPDATE. */
    u.ptr = ((uint64_t)frame << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE;
    u.val = pfn;
    CHECK_RC(HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF), 0);
    memset(va, 0x5a, PAGE_SIZE);
    free_page(va);
}

TEST(memory_op, decrease_bad_frame)
{
    /* A frame that is not ours: nothing is released. */
    xen_pfn_t frame = ~0UL >> 20;

    CHECK_RC(reservation(XENMEM_decrease_reservation, &frame), 0);
}

TEST(memory_op, reservation_bad_pointer)
{
    struct xen_memory_reservation r = {
        .nr_extents = 1, .domid = DOMID_SELF,
    };

    set_xen_guest_handle(r.extent_start, (xen_pfn_t *)XEN_PTR);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_populate_physmap, &r), 0);
    /* Reservation ops return extents done, even when the argument is bad. */
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_populate_physmap, BAD_PTR), 0);
}
