/* SPDX-License-Identifier: GPL-2.0-only */
/* Pages the hypervisor writes for us must never become our page tables. */

#include "hostile.h"
#include <events.h>
#include <gnttab.h>
#include <hypercall.h>
#include <mm.h>

/*
 * Where a moved vcpu_info goes: at 2048 it covers L4 slots 256-263, which
 * are the hypervisor's and not checked when an L4 is validated, so a page
 * that wrongly lost its writable type is taken as an L4 whatever the
 * hypervisor wrote there.
 */
#define VCPU_INFO_OFFSET 2048

static long ext1(unsigned int cmd, unsigned long mfn)
{
    struct mmuext_op op = { .cmd = cmd };

    op.arg1.mfn = mfn;
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* Pins mfn as an L<level> table; undoes a pin that should not have worked. */
static long try_pin(unsigned int level, unsigned long mfn)
{
    long rc = ext1(MMUEXT_PIN_L1_TABLE + level - 1, mfn);

    if ( rc == 0 )
        ext1(MMUEXT_UNPIN_TABLE, mfn);
    return rc;
}

static long decrease(xen_pfn_t frame, unsigned int order)
{
    struct xen_memory_reservation r = {
        .nr_extents = 1, .extent_order = order, .domid = DOMID_SELF,
    };

    set_xen_guest_handle(r.extent_start, &frame);
    return HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r);
}

/* Moves vcpu 0's vcpu_info to page+offset; events must be masked. */
static long move_vcpu_info(void *page, unsigned int offset)
{
    struct vcpu_register_vcpu_info r = {
        .mfn = virt_to_mfn(page), .offset = offset,
    };
    long rc = HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &r);

    if ( rc == 0 )
        vcpu0_info = (vcpu_info_t *)((char *)page + offset);
    return rc;
}

/* An event to ourselves still arrives (through shared_info, vcpu_info). */
static bool event_arrives(void)
{
    long port = bind_ipi(0, NULL, NULL);
    bool ok;

    if ( port <= 0 )
        return false;
    unmask_evtchn(port);
    ok = !notify_remote_via_evtchn(port) &&
         wait_for_count(&evtchn_delivered[port], 1, 100);
    unbind_evtchn(port);
    return ok;
}

/*
 * The vcpu_info page, no longer mapped writable by us, still cannot be
 * pinned as any level of table nor hooked into an L2 as an L1: the
 * hypervisor's own writes into it would otherwise be page-table entries.
 */
HOSTILE(typed, vcpu_info_page_not_a_table)
{
    void *area = alloc_page();
    uint64_t *l2 = alloc_page();
    unsigned long mfn, flags;
    long moved, ro, rw, pin[5], hook = -1;
    mmu_update_t u;

    CHECK(area && l2, "no pages");
    CHECK_RC(make_readonly(l2), 0);
    CHECK_RC(ext1(MMUEXT_PIN_L2_TABLE, virt_to_mfn(l2)), 0);
    mfn = virt_to_mfn(area);
    /* Masked throughout: nothing of ours writes vcpu_info while it is RO. */
    flags = irq_save();
    moved = move_vcpu_info(area, VCPU_INFO_OFFSET);
    ro = make_readonly(area);
    for ( unsigned int level = 1; level <= 4; level++ )
        pin[level] = try_pin(level, mfn);
    u.ptr = virt_to_mach(l2);
    u.val = ((uint64_t)mfn << PAGE_SHIFT) | PTE_KERNEL_RW;
    if ( !ro )
        hook = HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF);
    if ( hook == 0 )
    {
        u.val = 0;
        HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF);
    }
    rw = make_writable(area);
    irq_restore(flags);

    CHECK(moved == 0, "register_vcpu_info returned %ld", moved);
    CHECK(ro == 0 && rw == 0, "remapping: read-only %ld, writable %ld", ro,
          rw);
    for ( unsigned int level = 1; level <= 4; level++ )
        CHECK(pin[level] == -XEN_EINVAL, "pinned as L%u: %ld", level,
              pin[level]);
    CHECK(hook == -XEN_EINVAL, "hooked into an L2: %ld", hook);
    CHECK(event_arrives(), "no event through the moved vcpu_info");
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(l2)), 0);
}

/* The other order: a page that is a table cannot take the vcpu_info. */
HOSTILE(typed, table_not_a_vcpu_info)
{
    void *t = alloc_page();
    unsigned long flags;
    long rc;

    CHECK(t, "no page");
    CHECK_RC(make_readonly(t), 0);
    CHECK_RC(ext1(MMUEXT_PIN_L1_TABLE, virt_to_mfn(t)), 0);
    flags = irq_save();
    rc = move_vcpu_info(t, 0);
    irq_restore(flags);
    CHECK(rc == -XEN_EINVAL, "register_vcpu_info on an L1 returned %ld", rc);
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(t)), 0);
    CHECK_RC(make_writable(t), 0);
    free_page(t);
}

/*
 * Given back while it holds our vcpu_info, the page stays the
 * hypervisor's to write (and ours to read) until the domain dies, and it
 * still cannot become a table.
 */
HOSTILE(typed, vcpu_info_page_given_back)
{
    void *area = alloc_page();
    unsigned long flags;
    long moved, pin;

    CHECK(area, "no page");
    flags = irq_save();
    moved = move_vcpu_info(area, 0);
    irq_restore(flags);
    CHECK(moved == 0, "register_vcpu_info returned %ld", moved);
    CHECK_RC(decrease(virt_to_mfn(area), 0), 1);
    flags = irq_save();
    pin = make_readonly(area) ? -1 : try_pin(1, virt_to_mfn(area));
    CHECK_RC(make_writable(area), 0);
    irq_restore(flags);
    CHECK(pin == -XEN_EINVAL, "pinned as L1: %ld", pin);
    CHECK(event_arrives(), "no event through the given-back vcpu_info");
}

/*
 * A frame the hypervisor shares with us, seen only through a read-only
 * mapping of ours at va, with the contents zeroed (as an attacker would,
 * so that it passes as an empty table): giving it back must leave it
 * writable-typed, so it still cannot be pinned as a table, and our
 * writable mapping comes back.  dec is what decrease_reservation said:
 * Xen 4.17 counts the extent as done (1) but keeps the type; we refuse
 * it (0).  Either way the frame must stay what it was.
 */
static void attack_shared_frame(void *va, unsigned long mfn, long *dec,
                                long *pin, long *rw)
{
    static char saved[PAGE_SIZE];
    unsigned long flags = irq_save();

    memcpy(saved, va, PAGE_SIZE);
    memset(va, 0, PAGE_SIZE);
    *pin = -1;
    *dec = -1;
    if ( !set_pte((unsigned long)va, ((uint64_t)mfn << PAGE_SHIFT) |
                                     PTE_KERNEL_RO) )
    {
        *dec = decrease(mfn, 0);
        *pin = try_pin(1, mfn);
    }
    *rw = set_pte((unsigned long)va,
                  ((uint64_t)mfn << PAGE_SHIFT) | PTE_KERNEL_RW);
    if ( *rw == 0 )
        memcpy(va, saved, PAGE_SIZE);
    irq_restore(flags);
}

HOSTILE(typed, shared_info_stays_typed)
{
    unsigned long mfn = start_info->shared_info >> PAGE_SHIFT;
    void *vi = alloc_page();
    unsigned long flags;
    long moved, dec, pin, rw;

    CHECK(vi, "no page");
    /* Time and the upcall flags go elsewhere, so the page is quiet. */
    flags = irq_save();
    moved = move_vcpu_info(vi, 0);
    irq_restore(flags);
    CHECK(moved == 0, "register_vcpu_info returned %ld", moved);
    attack_shared_frame(shared_info, mfn, &dec, &pin, &rw);
    CHECK(dec == 0 || dec == 1, "decrease returned %ld", dec);
    CHECK(pin == -XEN_EINVAL, "shared_info pinned as L1: %ld", pin);
    CHECK(rw == 0, "shared_info no longer writable for us: %ld", rw);
    CHECK(event_arrives(), "no event through shared_info");
}

HOSTILE(typed, grant_frame_stays_typed)
{
    long dec, pin, rw;

    CHECK(gnttab_nr_frames, "no grant-table frame");
    attack_shared_frame(gnttab_table, gnttab_frames[0], &dec, &pin, &rw);
    CHECK(dec == 0 || dec == 1, "decrease returned %ld", dec);
    CHECK(pin == -XEN_EINVAL, "grant frame pinned as L1: %ld", pin);
    CHECK(rw == 0, "grant frame no longer writable for us: %ld", rw);
}

/*
 * A frame goes back once: a second decrease of it, once nothing holds it,
 * releases nothing.  Still mapped, it is not freed under the mapping.
 */
HOSTILE(typed, release_twice)
{
    domid_t self = DOMID_SELF;
    char *gone = alloc_page(), *mapped = alloc_page();
    long before;

    CHECK(gone && mapped, "no pages");
    before = HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
    CHECK_RC(set_pte((unsigned long)gone, 0), 0);
    CHECK_RC(decrease(virt_to_mfn(gone), 0), 1);
    CHECK_RC(decrease(virt_to_mfn(gone), 0), 0);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_current_reservation, &self),
             before - 1);

    /* Xen 4.17 lets it be given back again, which then changes nothing. */
    memset(mapped, 0x5a, PAGE_SIZE);
    CHECK_RC(decrease(virt_to_mfn(mapped), 0), 1);
    CHECK_RC(decrease(virt_to_mfn(mapped), 0), 1);
    CHECK(mapped[PAGE_SIZE - 1] == 0x5a, "contents changed under us");
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_current_reservation, &self),
             before - 1);
    CHECK_RC(set_pte((unsigned long)mapped, 0), 0);
    CHECK_RC(decrease(virt_to_mfn(mapped), 0), 0);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_current_reservation, &self),
             before - 2);
}

/* Frames that are not ours: nothing is released, nothing breaks. */
HOSTILE(typed, release_foreign_frames)
{
    struct xen_machphys_mfn_list l = { .max_extents = 1 };
    xen_pfn_t m2p;

    set_xen_guest_handle(l.extent_start, &m2p);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_machphys_mfn_list, &l), 0);
    /* The hypervisor's own (its M2P), beyond RAM, and wrapping around. */
    CHECK_RC(decrease(m2p, 0), 0);
    CHECK_RC(decrease(~0UL >> 20, 0), 0);
    CHECK_RC(decrease(~0UL - 3, 2), 0);
    CHECK_RC(decrease(0, 0), 0);
}
