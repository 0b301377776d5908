/* SPDX-License-Identifier: GPL-2.0-only */
/* Emulated guest writes that change a frame's type: a PTE store, a CR3 load */

#include "hostile.h"
#include <hypercall.h>
#include <mm.h>

static long ext1(unsigned int cmd, unsigned long mfn)
{
    struct mmuext_op op = { .cmd = cmd };

    op.arg1.mfn = mfn;
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/*
 * An ordinary store of a writable PTE into a pinned L1, mapping a frame
 * that was last an L1 itself: the emulated write changes that frame's
 * type, and a type change flushes every CPU's TLB.  Our hypervisor did
 * that from the page-fault handler with interrupts off, where waiting
 * for the other CPUs may wait for ever (one of them waiting for us to
 * take its IPI); debug builds stop on an assertion (found by the fuzzer's
 * page-table stores, seed 1013).  Xen 4.17 does the store.
 */
HOSTILE(hostile_ptwr, store_changes_type)
{
    uint64_t *table = alloc_page(), *frame = alloc_page();
    unsigned long t = virt_to_mfn(table), f = virt_to_mfn(frame);
    uint64_t pte = ((uint64_t)f << PAGE_SHIFT) | PTE_KERNEL_RW;
    volatile uint64_t *e = &table[7];

    CHECK(table && frame, "no pages");
    /* Xen 4.17 emulated the store in a domU only once asked (Linux asks). */
    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_enable,
                                  VMASST_TYPE_writable_pagetables), 0);
    /* The frame: an L1 once, then no table and not mapped writable. */
    CHECK_RC(make_readonly(frame), 0);
    CHECK_RC(ext1(MMUEXT_PIN_L1_TABLE, f), 0);
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, f), 0);
    CHECK_RC(make_readonly(table), 0);
    CHECK_RC(ext1(MMUEXT_PIN_L1_TABLE, t), 0);

    *e = pte;
    CHECK((*e & (PTE_ADDR_MASK | _PAGE_PRESENT | _PAGE_RW)) ==
          (pte & (PTE_ADDR_MASK | _PAGE_PRESENT | _PAGE_RW)),
          "entry %lx after storing %lx", (unsigned long)*e,
          (unsigned long)pte);
    *e = 0;
    CHECK(*e == 0, "entry %lx after storing 0", (unsigned long)*e);

    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, t), 0);
    CHECK_RC(make_writable(table), 0);
    CHECK_RC(make_writable(frame), 0);
    free_page(table);
    free_page(frame);
}

/*
 * The same through the other emulation that can change a frame's type: a
 * MOV to CR3 (the kernel runs in ring 3, so the CPU faults and the
 * hypervisor does it) naming a copy of our L4 that was last an ordinary
 * writable page, so taking it as an L4 flushes every CPU's TLB.
 */
HOSTILE(hostile_ptwr, cr3_load_changes_type)
{
    uint64_t *l4 = alloc_page();
    unsigned long cr3 = xen_pfn_to_cr3(virt_to_mfn(l4));
    unsigned long old =
        xen_pfn_to_cr3(virt_to_mfn((const void *)start_info->pt_base));

    CHECK(l4, "no page");
    memcpy(l4, (const void *)start_info->pt_base, PAGE_SIZE);
    CHECK_RC(make_readonly(l4), 0);
    asm volatile ( "mov %0, %%cr3" :: "r" (cr3) : "memory" );
    asm volatile ( "mov %0, %%cr3" :: "r" (old) : "memory" );
    CHECK_RC(make_writable(l4), 0);
    free_page(l4);
}
