/* SPDX-License-Identifier: GPL-2.0-only */
/* Owner checks, tried with a valid frame that belongs to dom0. */

#include "expect_rc.h"
#include "hostile.h"
#include <hypercall.h>
#include <mm.h>
#include <public/vcpu.h>

/*
 * Every operation that names a machine frame, given one of dom0's (its
 * "victim" page, whose contents dom0 checks afterwards) instead of one of
 * ours.  Each must be refused with Xen's answer; we compare them all and
 * report every difference.
 */
static long ext(unsigned int cmd, unsigned long mfn, unsigned long arg2)
{
    struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn };

    op.arg2.src_mfn = arg2;
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

HOSTILE(owner, dom0_frame_refused_everywhere)
{
    unsigned long victim = hostile_victim_mfn();
    uint64_t *page = alloc_page();
    unsigned long va = (unsigned long)page;
    uint64_t vm = (uint64_t)victim << PAGE_SHIFT;
    mmu_update_t u;
    xen_pfn_t frame = victim;
    struct xen_memory_reservation r = { .nr_extents = 1,
                                        .domid = DOMID_SELF };
    struct vcpu_register_vcpu_info vi = { .mfn = victim };
    unsigned long gdt_frame = victim;

    if ( !victim )
        SKIP("dom0 named no page of its own");
    CHECK(page, "no page");

    /* Mapping it, read-only or writable, by either hypercall: -EBUSY. */
    expect_rc("map ro",
              HYPERVISOR_update_va_mapping(va, vm | _PAGE_PRESENT, UVMF_INVLPG),
              -XEN_EBUSY);
    expect_rc("map rw",
              HYPERVISOR_update_va_mapping(va, vm | PTE_KERNEL_RW, UVMF_INVLPG),
              -XEN_EBUSY);
    u.ptr = pt_entry_maddr(va, 1) | MMU_NORMAL_PT_UPDATE;
    u.val = vm | PTE_KERNEL_RW;
    expect_rc("mmu_update map", HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF),
              -XEN_EBUSY);
    /* Writing into it as if it were one of our page tables. */
    u.ptr = vm | MMU_NORMAL_PT_UPDATE;
    u.val = 0;
    expect_rc("mmu_update into", HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF),
              -XEN_EINVAL);
    u.ptr = vm | MMU_MACHPHYS_UPDATE;
    expect_rc("machphys", HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF),
              -XEN_EINVAL);
    /* Typing it: a page table, pinned or installed, or our GDT. */
    expect_rc("pin l1", ext(MMUEXT_PIN_L1_TABLE, victim, 0), -XEN_EINVAL);
    expect_rc("pin l4", ext(MMUEXT_PIN_L4_TABLE, victim, 0), -XEN_EINVAL);
    expect_rc("new_user_baseptr", ext(MMUEXT_NEW_USER_BASEPTR, victim, 0),
              -XEN_EINVAL);
    expect_rc("set_gdt", HYPERVISOR_set_gdt(&gdt_frame, 512), -XEN_EINVAL);
    expect_rc("update_descriptor", HYPERVISOR_update_descriptor(vm, 0),
              -XEN_EINVAL);
    /* The hypervisor writing into it for us. */
    expect_rc("clear_page", ext(MMUEXT_CLEAR_PAGE, victim, 0), -XEN_EINVAL);
    expect_rc("copy_page to", ext(MMUEXT_COPY_PAGE, victim, virt_to_mfn(page)),
              -XEN_EINVAL);
    expect_rc("copy_page from",
              ext(MMUEXT_COPY_PAGE, virt_to_mfn(page), victim), -XEN_EINVAL);
    expect_rc("vcpu_info",
              HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &vi),
              -XEN_EINVAL);
    /* Giving it back as ours. */
    set_xen_guest_handle(r.extent_start, &frame);
    expect_rc("decrease", HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r),
              0);
    /* And our own page is still ours, mapped as before. */
    CHECK_RC(HYPERVISOR_update_va_mapping(
                 va, ((uint64_t)virt_to_mfn(page) << PAGE_SHIFT) |
                     PTE_KERNEL_RW, UVMF_INVLPG), 0);
    page[0] = 1;
    free_page(page);
    report_mismatches();
}
