/* SPDX-License-Identifier: GPL-2.0-only */
/* A domU leaves page tables for its destruction to take apart. */

#include "hostile.h"
#include <hypercall.h>
#include <mm.h>

/* Pages of ours the pinned L1 maps, each kept alive by it. */
#define MAPPED_BY_L1        256

static long reservation(unsigned int op, xen_pfn_t *frame)
{
    struct xen_memory_reservation r = {
        .nr_extents = 1, .extent_order = 0, .domid = DOMID_SELF,
    };

    set_xen_guest_handle(r.extent_start, frame);
    return HYPERVISOR_memory_op(op, &r);
}

static long pin(unsigned int cmd, xen_pfn_t mfn)
{
    struct mmuext_op op = { .cmd = cmd };

    op.arg1.mfn = mfn;
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/*
 * Defect: destruction's walk over the pins kept a pointer to the next
 * frame of the domain's list while dropping a pin, and dropping one can
 * free that very frame: a frame the guest gave back lives only by the
 * tables referring to it.  The walk then wandered off into the heap and
 * the pins after it were never dropped, nor what those tables held.
 *
 * Here, in list order: two pinned L2s (A2, A) both mapping L1 B, a pinned
 * L3 D above A (and at 32 bits E), B itself (given back), and a pinned L1
 * C mapping many of our pages and the tables but B and E.  Dropping A's pin frees B; C must still be unpinned, and all
 * of it come back (the harness counts every page once we are destroyed).
 */
HOSTILE(lifetime, pinned_tables_around_a_given_back_frame)
{
    /* E: a 32-bit guest's L3 needs an L2 of the hypervisor's in slot 3. */
    enum { A2, D, A, B, C, E, NR };
    const uint64_t ro = PTE_KERNEL_RW & ~(uint64_t)_PAGE_RW;
    xen_pfn_t mfn[NR];
    uint64_t *va[NR];
    unsigned int i, n;

    /* Room for fresh frames, which go on the list's tail in order. */
    for ( i = 0; i < NR; i++ )
    {
        xen_pfn_t old;

        CHECK(va[i] = alloc_page(), "no page");
        old = virt_to_mfn(va[i]);
        CHECK_RC(set_pte((unsigned long)va[i], 0), 0);
        CHECK_RC(reservation(XENMEM_decrease_reservation, &old), 1);
    }
    for ( i = 0; i < NR; i++ )
    {
        CHECK_RC(reservation(XENMEM_increase_reservation, &mfn[i]), 1);
        CHECK_RC(set_pte((unsigned long)va[i],
                         (mfn[i] << PAGE_SHIFT) | PTE_KERNEL_RW), 0);
        memset(va[i], 0, PAGE_SIZE);
    }

    for ( n = 0; n < MAPPED_BY_L1; n++ )
    {
        void *p = alloc_page();

        if ( !p )
            break;
        va[C][n] = virt_to_mach(p) | ro;
    }
    CHECK(n >= MAPPED_BY_L1 / 2, "only %u pages to map", n);
    /* C also maps the other tables (read-only), as guests' L1s do. */
    va[C][PAGE_SIZE / 8 - 1] = (mfn[A2] << PAGE_SHIFT) | ro;
    va[C][PAGE_SIZE / 8 - 2] = (mfn[D] << PAGE_SHIFT) | ro;
    va[C][PAGE_SIZE / 8 - 3] = (mfn[A] << PAGE_SHIFT) | ro;
    va[A2][0] = (mfn[B] << PAGE_SHIFT) | PTE_KERNEL_RW;
    va[A][0] = (mfn[B] << PAGE_SHIFT) | PTE_KERNEL_RW;
    va[D][0] = (mfn[A] << PAGE_SHIFT) | PTE_KERNEL_RW;
#ifdef __i386__
    va[D][3] = (mfn[E] << PAGE_SHIFT) | PTE_KERNEL_RW;
#endif

    /* Tables are mapped read-only; B not at all: only tables hold it. */
    for ( i = 0; i < NR; i++ )
        CHECK_RC(set_pte((unsigned long)va[i],
                         i == B ? 0 : (mfn[i] << PAGE_SHIFT) | ro), 0);
    CHECK_RC(pin(MMUEXT_PIN_L2_TABLE, mfn[A2]), 0);
    CHECK_RC(pin(MMUEXT_PIN_L2_TABLE, mfn[A]), 0);
    CHECK_RC(pin(MMUEXT_PIN_L3_TABLE, mfn[D]), 0);
    CHECK_RC(pin(MMUEXT_PIN_L1_TABLE, mfn[C]), 0);
    CHECK_RC(reservation(XENMEM_decrease_reservation, &mfn[B]), 1);
}
