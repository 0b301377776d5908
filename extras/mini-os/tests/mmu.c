/* SPDX-License-Identifier: GPL-2.0-only */
/* Cases for update_va_mapping, mmu_update and mmuext_op (PV paging). */

#include "test.h"
#include "mmu.h"
#include <hypercall.h>
#include <mm.h>
#include <traps.h>

#define PF_PRESENT 1UL
#define PF_WRITE   2UL

long ext1(unsigned int cmd, unsigned long arg1, unsigned long arg2)
{
    struct mmuext_op op = { .cmd = cmd };

    op.arg1.mfn = arg1;
    op.arg2.src_mfn = arg2;
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* A zeroed page of ours, mapped read-only so it can become a table. */
void *table_page(void)
{
    void *va = alloc_page();

    if ( va && make_readonly(va) )
    {
        free_page(va);
        return NULL;
    }
    return va;
}

void release_table(void *va)
{
    if ( make_writable(va) == 0 )
        free_page(va);
}

TEST(mmu, update_va_mapping_readonly)
{
    uint64_t *va = alloc_page(), v = 0;

    CHECK(va, "no page");
    va[0] = 42;
    CHECK_RC(make_readonly(va), 0);
    CHECK_RC(probe_read64(va, &v), 0);
    CHECK(v == 42, "read %" PRI64 "u", v);
    CHECK_RC(probe_write64(va, 1), 1 + 14);
    CHECK(last_fixup_cr2 == (unsigned long)va, "cr2 %lx", last_fixup_cr2);
    /*
     * The kernel really runs in ring 3, but Xen clears the user bit for
     * faults taken in guest kernel mode, as a ring-0 kernel would see.
     */
    CHECK(last_fixup_error == (PF_PRESENT | PF_WRITE),
          "error code %lx", last_fixup_error);
    CHECK_RC(make_writable(va), 0);
    CHECK_RC(probe_write64(va, 7), 0);
    CHECK(va[0] == 7, "value %" PRI64 "u", va[0]);
    free_page(va);
}

TEST(mmu, update_va_mapping_unmap)
{
    uint64_t *va = alloc_page(), v;

    CHECK(va, "no page");
    CHECK_RC(set_pte((unsigned long)va, 0), 0);
    CHECK_RC(probe_read64(va, &v), 1 + 14);
    CHECK(last_fixup_error == 0, "error code %lx", last_fixup_error);
    CHECK_RC(make_writable(va), 0);
    CHECK_RC(probe_read64(va, &v), 0);
    free_page(va);
}

TEST(mmu, update_va_mapping_flush_kinds)
{
    void *va = alloc_page();
    uint64_t pte = virt_to_mach(va) | PTE_KERNEL_RW;
    unsigned long mask = 1;

    CHECK(va, "no page");
    CHECK_RC(HYPERVISOR_update_va_mapping((unsigned long)va, pte,
                                          UVMF_NONE), 0);
    CHECK_RC(HYPERVISOR_update_va_mapping((unsigned long)va, pte,
                                          UVMF_TLB_FLUSH | UVMF_LOCAL), 0);
    CHECK_RC(HYPERVISOR_update_va_mapping((unsigned long)va, pte,
                                          UVMF_INVLPG | UVMF_ALL), 0);
    CHECK_RC(HYPERVISOR_update_va_mapping((unsigned long)va, pte,
                                          UVMF_TLB_FLUSH | UVMF_ALL), 0);
    /* UVMF_MULTI: the flags word carries a pointer to a vcpu bitmap. */
    CHECK_RC(HYPERVISOR_update_va_mapping((unsigned long)va, pte,
                                          UVMF_INVLPG | UVMF_MULTI |
                                          (unsigned long)&mask), 0);
    free_page(va);
}

TEST(mmu, update_va_mapping_hypervisor_va)
{
    void *page = alloc_page();

    CHECK(page, "no page");
    CHECK_RC(HYPERVISOR_update_va_mapping(HYPERVISOR_VIRT_START + PAGE_SIZE,
                                          virt_to_mach(page) | PTE_KERNEL_RW,
                                          UVMF_INVLPG), -XEN_EINVAL);
    free_page(page);
}

TEST(mmu, update_va_mapping_no_l1)
{
    void *page = alloc_page();

    CHECK(page, "no page");
    /* Nothing maps the low half: there is no L1 to change. */
    CHECK_RC(HYPERVISOR_update_va_mapping(0x40000000UL,
                                          virt_to_mach(page) | PTE_KERNEL_RW,
                                          UVMF_INVLPG), -XEN_EINVAL);
    free_page(page);
}

TEST(mmu, mmu_update_pte)
{
    uint64_t *va = alloc_page();
    mmu_update_t u;
    unsigned int done = 0;

    CHECK(va, "no page");
    u.ptr = pt_entry_maddr((unsigned long)va, 1) | MMU_NORMAL_PT_UPDATE;
    u.val = virt_to_mach(va) | PTE_KERNEL_RO;
    CHECK_RC(HYPERVISOR_mmu_update(&u, 1, &done, DOMID_SELF), 0);
    CHECK(done == 1, "done %u", done);
    /* invlpg is privileged: a PV guest asks Xen. */
    CHECK_RC(ext1(MMUEXT_INVLPG_LOCAL, (unsigned long)va, 0), 0);
    CHECK_RC(probe_write64(va, 1), 1 + 14);
    u.val = virt_to_mach(va) | PTE_KERNEL_RW;
    u.ptr = pt_entry_maddr((unsigned long)va, 1) | MMU_PT_UPDATE_PRESERVE_AD;
    CHECK_RC(HYPERVISOR_mmu_update(&u, 1, &done, DOMID_SELF), 0);
    CHECK_RC(ext1(MMUEXT_INVLPG_LOCAL, (unsigned long)va, 0), 0);
    CHECK_RC(probe_write64(va, 1), 0);
    free_page(va);
}

TEST(mmu, mmu_update_batch_done)
{
    void *a = alloc_page(), *b = alloc_page();
    mmu_update_t u[2];
    unsigned int done = 0;

    CHECK(a && b, "no pages");
    u[0].ptr = pt_entry_maddr((unsigned long)a, 1);
    u[0].val = virt_to_mach(a) | PTE_KERNEL_RW;
    u[1].ptr = pt_entry_maddr((unsigned long)b, 1);
    u[1].val = virt_to_mach(b) | PTE_KERNEL_RW;
    CHECK_RC(HYPERVISOR_mmu_update(u, 2, &done, DOMID_SELF), 0);
    CHECK(done == 2, "done %u", done);
    free_page(a);
    free_page(b);
}

TEST(mmu, mmu_update_bad_pointer)
{
    CHECK_RC(HYPERVISOR_mmu_update(BAD_PTR, 1, NULL, DOMID_SELF),
             -XEN_EFAULT);
}

TEST(mmu, mmu_update_no_translate)
{
    void *va = alloc_page();
    mmu_update_t u;

    CHECK(va, "no page");
    /*
     * Meant for HVM/PVH callers; for PV there is nothing to translate and
     * Xen 4.17 treats it as a normal update.
     */
    u.ptr = pt_entry_maddr((unsigned long)va, 1) |
            MMU_PT_UPDATE_NO_TRANSLATE;
    u.val = virt_to_mach(va) | PTE_KERNEL_RW;
    CHECK_RC(HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF), 0);
    free_page(va);
}

TEST(mmu, mmu_update_map_own_table_writable)
{
    void *va = alloc_page();
    uint64_t l1 = *pt_entry((unsigned long)va, 2) & PTE_ADDR_MASK;
    mmu_update_t u;

    CHECK(va, "no page");
    /*
     * Map the L1 that maps va, writable, at va.  Xen must refuse; 4.17
     * reports the type conflict (page table vs. writable) as -EBUSY.
     */
    u.ptr = pt_entry_maddr((unsigned long)va, 1);
    u.val = l1 | PTE_KERNEL_RW;
    CHECK_RC(HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF), -XEN_EBUSY);
    CHECK_RC(set_pte((unsigned long)va, l1 | PTE_KERNEL_RW), -XEN_EBUSY);
    /* Read-only is fine. */
    CHECK_RC(set_pte((unsigned long)va, l1 | PTE_KERNEL_RO), 0);
    CHECK_RC(make_writable(va), 0);
    free_page(va);
}

TEST(mmu, mmu_update_map_other_table_writable)
{
    void *va = alloc_page(), *t = alloc_page();
    mmu_update_t u;

    CHECK(va && t, "no pages");
    CHECK_RC(make_readonly(t), 0);
    CHECK_RC(ext1(MMUEXT_PIN_L1_TABLE, virt_to_mfn(t), 0), 0);
    u.ptr = pt_entry_maddr((unsigned long)va, 1);
    u.val = virt_to_mach(t) | PTE_KERNEL_RW;
    CHECK_RC(HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF), -XEN_EBUSY);
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(t), 0), 0);
    CHECK_RC(make_writable(t), 0);
    free_page(va);
    free_page(t);
}

TEST(mmu, mmu_update_plain_page)
{
    uint64_t *va = alloc_page(), *data = alloc_page();
    mmu_update_t u;

    CHECK(va && data, "no pages");
    /*
     * ptr names an ordinary writable page of ours.  Xen 4.17 simply
     * writes the value there: the page is not a table, so nothing about
     * it needs checking.
     */
    u.ptr = virt_to_mach(&data[5]);
    u.val = virt_to_mach(va) | PTE_KERNEL_RW;
    CHECK_RC(HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF), 0);
    CHECK(data[5] == u.val, "data %" PRI64 "x", data[5]);
    free_page(va);
    free_page(data);
}

TEST(mmuext, pin_unpin_l1)
{
    void *t = table_page();

    CHECK(t, "no page");
    CHECK_RC(ext1(MMUEXT_PIN_L1_TABLE, virt_to_mfn(t), 0), 0);
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(t), 0), 0);
    release_table(t);
}

TEST(mmuext, pin_unpin_l2_l3_l4)
{
    void *t = table_page();

    CHECK(t, "no page");
    CHECK_RC(ext1(MMUEXT_PIN_L2_TABLE, virt_to_mfn(t), 0), 0);
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(t), 0), 0);
    CHECK_RC(ext1(MMUEXT_PIN_L3_TABLE, virt_to_mfn(t), 0), 0);
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(t), 0), 0);
    CHECK_RC(ext1(MMUEXT_PIN_L4_TABLE, virt_to_mfn(t), 0), 0);
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(t), 0), 0);
    release_table(t);
}

TEST(mmuext, pin_writable_refused)
{
    void *va = alloc_page();

    CHECK(va, "no page");
    /* Still mapped writable by us: it cannot become a page table. */
    CHECK_RC(ext1(MMUEXT_PIN_L1_TABLE, virt_to_mfn(va), 0), -XEN_EINVAL);
    free_page(va);
}

TEST(mmuext, pin_twice_refused)
{
    void *t = table_page();

    CHECK(t, "no page");
    CHECK_RC(ext1(MMUEXT_PIN_L1_TABLE, virt_to_mfn(t), 0), 0);
    CHECK_RC(ext1(MMUEXT_PIN_L1_TABLE, virt_to_mfn(t), 0), -XEN_EINVAL);
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(t), 0), 0);
    release_table(t);
}

TEST(mmuext, unpin_unpinned_refused)
{
    void *t = table_page();

    CHECK(t, "no page");
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(t), 0), -XEN_EINVAL);
    release_table(t);
}

TEST(mmuext, pin_wrong_type_refused)
{
    void *t = table_page();

    CHECK(t, "no page");
    CHECK_RC(ext1(MMUEXT_PIN_L1_TABLE, virt_to_mfn(t), 0), 0);
    /* A frame has one type at a time. */
    CHECK_RC(ext1(MMUEXT_PIN_L2_TABLE, virt_to_mfn(t), 0), -XEN_EINVAL);
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(t), 0), 0);
    release_table(t);
}

TEST(mmuext, pinned_table_write_emulated)
{
    uint64_t *t = table_page();

    CHECK(t, "no page");
    CHECK_RC(ext1(MMUEXT_PIN_L1_TABLE, virt_to_mfn(t), 0), 0);
    /* A direct write to a read-only L1 is emulated and checked by Xen. */
    CHECK_RC(probe_write64(&t[3], 0x1234), 0);
    CHECK(t[3] == 0x1234, "entry %" PRI64 "x", t[3]);
    /* An entry mapping a page table writable fails the check: a #PF. */
    CHECK_RC(probe_write64(&t[4], virt_to_mach(t) | PTE_KERNEL_RW), 1 + 14);
    CHECK(last_fixup_error == (PF_PRESENT | PF_WRITE),
          "error code %lx", last_fixup_error);
    CHECK(t[4] == 0, "entry %" PRI64 "x", t[4]);
    /* And a writable mapping of it is refused while it is a table. */
    CHECK_RC(make_writable(t), -XEN_EBUSY);
    CHECK_RC(probe_write64(&t[3], 0), 0);
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(t), 0), 0);
    release_table(t);
}

TEST(mmuext, pinned_l1_locked_bit_ops_emulated)
{
    uint64_t *t = table_page(), *data = alloc_page(), e;
    uint8_t cf = 0;
    /* Xen 4.17 adds GLOBAL to a user mapping; we do not: not compared. */
#define ENTRY(i) (t[i] & ~(uint64_t)_PAGE_GLOBAL)

    CHECK(t && data, "no page");
    CHECK_RC(ext1(MMUEXT_PIN_L1_TABLE, virt_to_mfn(t), 0), 0);
    e = virt_to_mach(data) | PTE_KERNEL_RW;
    CHECK_RC(probe_write64(&t[3], e), 0);
    /* Linux's clear_bit(_PAGE_BIT_RW) on a PTE: a byte-sized lock and. */
    CHECK_RC(probe_lock_andb_fd((uint8_t *)&t[3]), 0);
    CHECK(ENTRY(3) == (e & ~_PAGE_RW), "entry %" PRI64 "x after andb", t[3]);
    CHECK_RC(probe_lock_orb_02((uint8_t *)&t[3]), 0);
    CHECK(ENTRY(3) == e, "entry %" PRI64 "x after orb", t[3]);
    /* test_and_clear_bit(_PAGE_BIT_ACCESSED): lock btr, CF the old bit. */
    CHECK_RC(probe_lock_btr(&t[3], 5, &cf), 0);
    CHECK(cf == 1 && ENTRY(3) == (e & ~_PAGE_ACCESSED), "entry %" PRI64 "x, cf %u",
          t[3], cf);
    CHECK_RC(probe_lock_btr(&t[3], 5, &cf), 0);
    CHECK(cf == 0, "cf %u for a clear bit", cf);
    CHECK_RC(probe_write64(&t[3], 0), 0);
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(t), 0), 0);
    release_table(t);
    free_page(data);
#undef ENTRY
}

TEST(mmuext, pinned_l1_write_emulated_without_assist)
{
    uint64_t *t = table_page();

    CHECK(t, "no page");
    /*
     * Xen 4.17 emulates L1 writes for 64-bit PV guests whether or not
     * they enable VMASST_TYPE_writable_pagetables.
     */
    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_disable,
                                  VMASST_TYPE_writable_pagetables), 0);
    CHECK_RC(ext1(MMUEXT_PIN_L1_TABLE, virt_to_mfn(t), 0), 0);
    CHECK_RC(probe_write64(&t[3], 0x1234), 0);
    CHECK_RC(probe_write64(&t[3], 0), 0);
    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_enable,
                                  VMASST_TYPE_writable_pagetables), 0);
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(t), 0), 0);
    release_table(t);
}

TEST(mmuext, pinned_l2_write_faults)
{
    uint64_t *t = table_page();

    CHECK(t, "no page");
    CHECK_RC(ext1(MMUEXT_PIN_L2_TABLE, virt_to_mfn(t), 0), 0);
    /* Only L1 writes are emulated: the fault comes to our handler. */
    CHECK_RC(probe_write64(&t[3], 0), 1 + 14);
    CHECK(last_fixup_cr2 == (unsigned long)&t[3], "cr2 %lx",
          last_fixup_cr2);
    CHECK(last_fixup_error == (PF_PRESENT | PF_WRITE),
          "error code %lx", last_fixup_error);
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(t), 0), 0);
    release_table(t);
}

TEST(mmuext, pin_other_domain_frame_refused)
{
    xen_pfn_t mfns[1] = { 0 };
    struct xen_machphys_mfn_list l = { .max_extents = 1 };

    set_xen_guest_handle(l.extent_start, mfns);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_machphys_mfn_list, &l), 0);
    /* The m2p belongs to Xen (DOMID_XEN), not to us. */
    CHECK_RC(ext1(MMUEXT_PIN_L1_TABLE, mfns[0], 0), -XEN_EINVAL);
}

TEST(mmuext, tlb_flushes)
{
    void *va = alloc_page();
    unsigned long mask = 1;
    struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_MULTI };

    CHECK(va, "no page");
    CHECK_RC(ext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0);
    CHECK_RC(ext1(MMUEXT_INVLPG_LOCAL, (unsigned long)va, 0), 0);
    CHECK_RC(ext1(MMUEXT_TLB_FLUSH_ALL, 0, 0), 0);
    CHECK_RC(ext1(MMUEXT_INVLPG_ALL, (unsigned long)va, 0), 0);
    set_xen_guest_handle(op.arg2.vcpumask, &mask);
    CHECK_RC(HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
    op.cmd = MMUEXT_INVLPG_MULTI;
    op.arg1.linear_addr = (unsigned long)va;
    CHECK_RC(HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
    free_page(va);
}

TEST(mmuext, flush_cache)
{
    /* dom0 owns I/O memory, which is what permits cache flushes. */
    CHECK_RC(ext1(MMUEXT_FLUSH_CACHE, 0, 0), 0);
    CHECK_RC(ext1(MMUEXT_FLUSH_CACHE_GLOBAL, 0, 0), 0);
}

TEST(mmuext, set_ldt)
{
    struct mmuext_op op = { .cmd = MMUEXT_SET_LDT };

    op.arg1.linear_addr = 0;
    op.arg2.nr_ents = 0;
    CHECK_RC(HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
    /* The base must be page aligned... */
    op.arg1.linear_addr = VIRT_BASE + 8;
    op.arg2.nr_ents = 1;
    CHECK_RC(HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), -XEN_EINVAL);
    /* ...and at most 8192 entries. */
    op.arg1.linear_addr = VIRT_BASE;
    op.arg2.nr_ents = 8193;
    CHECK_RC(HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), -XEN_EINVAL);
}

TEST(mmuext, clear_and_copy_page)
{
    uint64_t *a = alloc_page(), *b = alloc_page();

    CHECK(a && b, "no pages");
    memset(a, 0x77, PAGE_SIZE);
    CHECK_RC(ext1(MMUEXT_COPY_PAGE, virt_to_mfn(b), virt_to_mfn(a)), 0);
    CHECK(b[0] == 0x7777777777777777UL && b[511] == b[0], "copy %" PRI64 "x", b[0]);
    CHECK_RC(ext1(MMUEXT_CLEAR_PAGE, virt_to_mfn(a), 0), 0);
    CHECK(a[0] == 0 && a[511] == 0, "clear %" PRI64 "x", a[0]);
    free_page(a);
    free_page(b);
}

TEST(mmuext, clear_table_refused)
{
    void *t = table_page();

    CHECK(t, "no page");
    CHECK_RC(ext1(MMUEXT_PIN_L1_TABLE, virt_to_mfn(t), 0), 0);
    CHECK_RC(ext1(MMUEXT_CLEAR_PAGE, virt_to_mfn(t), 0), -XEN_EINVAL);
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(t), 0), 0);
    release_table(t);
}

TEST(mmuext, new_baseptr_not_l4_refused)
{
    void *va = alloc_page();

    CHECK(va, "no page");
    CHECK_RC(ext1(MMUEXT_NEW_BASEPTR, virt_to_mfn(va), 0), -XEN_EINVAL);
    free_page(va);
}

TEST(mmuext, new_user_baseptr_none)
{
    /* mfn 0 means "no user page tables", what a kernel-only guest has. */
    CHECK_RC(ext1(MMUEXT_NEW_USER_BASEPTR, 0, 0), 0);
}

TEST(mmuext, mark_super_unsupported)
{
    void *va = alloc_page();

    CHECK(va, "no page");
    CHECK_RC(ext1(MMUEXT_MARK_SUPER, virt_to_mfn(va), 0), -XEN_EOPNOTSUPP);
    free_page(va);
}

TEST(mmuext, unknown_cmd)
{
    CHECK_RC(ext1(99, 0, 0), -XEN_ENOSYS);
}

TEST(mmuext, bad_pointer)
{
    CHECK_RC(HYPERVISOR_mmuext_op(BAD_PTR, 1, NULL, DOMID_SELF), -XEN_EFAULT);
}

TEST(mmuext, batch_stops_at_error)
{
    struct mmuext_op op[3] = {
        { .cmd = MMUEXT_TLB_FLUSH_LOCAL },
        { .cmd = 99 },
        { .cmd = MMUEXT_TLB_FLUSH_LOCAL },
    };
    unsigned int done = 0;

    CHECK_RC(HYPERVISOR_mmuext_op(op, 3, &done, DOMID_SELF), -XEN_ENOSYS);
    CHECK(done == 1, "done %u", done);
}

static unsigned long xen_owned_frame(void)
{
    xen_pfn_t mfns[1] = { 0 };
    struct xen_machphys_mfn_list l = { .max_extents = 1 };

    set_xen_guest_handle(l.extent_start, mfns);
    return HYPERVISOR_memory_op(XENMEM_machphys_mfn_list, &l) ? 0 : mfns[0];
}

TEST(mmu, map_xen_frame_refused)
{
    void *va = alloc_page();
    unsigned long mfn = xen_owned_frame();

    CHECK(va && mfn, "no page or no m2p frame");
    /*
     * A frame of the m2p belongs to Xen, which shows it to guests only
     * through its own read-only mapping: mapping the frame ourselves is
     * refused either way (4.17: -EBUSY, as for other type conflicts).
     */
    CHECK_RC(set_pte((unsigned long)va,
                     ((uint64_t)mfn << PAGE_SHIFT) | PTE_KERNEL_RW),
             -XEN_EBUSY);
    CHECK_RC(set_pte((unsigned long)va,
                     ((uint64_t)mfn << PAGE_SHIFT) | PTE_KERNEL_RO),
             -XEN_EBUSY);
    free_page(va);
}

TEST(mmu, mmu_update_foreign_refused)
{
    void *va = alloc_page();
    mmu_update_t u;

    CHECK(va, "no page");
    u.ptr = pt_entry_maddr((unsigned long)va, 1);
    u.val = virt_to_mach(va) | PTE_KERNEL_RW;
    /* Mapping frames of a domain that does not exist. */
    CHECK_RC(HYPERVISOR_mmu_update(&u, 1, NULL, 1234), -XEN_ESRCH);
    free_page(va);
}
