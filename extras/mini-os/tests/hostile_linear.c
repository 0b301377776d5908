/* SPDX-License-Identifier: GPL-2.0-only */
/* Linear page tables abused: writable windows, chains, links left at death */

#include "hostile.h"
#include "linear_pt.h"
#include "mmu.h"
#include <hypercall.h>
#include <mm.h>
#include <traps.h>

/* An empty slot of the live table whose entry maps va at `level`. */
static int free_slot(unsigned long va, unsigned int level)
{
    const uint64_t *e = pt_entry(va, level);
    const uint64_t *t = (const uint64_t *)((unsigned long)e & PAGE_MASK);
    int i;

    /* Keep to the low half of an L4: the top is the hypervisor's. */
    for ( i = level == 4 ? 255 : 511; i >= 0; i-- )
        if ( !t[i] )
            return i;
    return -1;
}

/*
 * A writable linear entry in one of our live tables would map that table
 * (and, one level down, every table it points at) writable into our own
 * address space: from there we could write any frame into an L1.  Each
 * level refuses it; a read-only one that we then try to widen, or write
 * through (also with the hypervisor emulating our stores to page tables),
 * or have update_va_mapping treat as an L1, gets nowhere either.
 */
HOSTILE(hostile_linear, writable_self_map)
{
    unsigned long va = (unsigned long)&start_info;
    unsigned int level;
    uint64_t v;

    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_enable,
                                  VMASST_TYPE_writable_pagetables), 0);
    for ( level = 2; level <= 4; level++ )
    {
        const uint64_t *e = pt_entry(va, level);
        unsigned long t = (pt_entry_maddr(va, level) >> PAGE_SHIFT);
        unsigned long win, vic = hostile_victim_mfn();
        int s = free_slot(va, level);
        unsigned int i;

        CHECK(e && s >= 0, "no free slot at level %u", level);
        CHECK_RC(pt_write(t, s, pt_ent(t, _PAGE_PRESENT | _PAGE_RW)),
                 -XEN_EINVAL);
        if ( vic )
            CHECK_RC(pt_write(t, s, pt_ent(vic, _PAGE_PRESENT)), -XEN_EINVAL);
        CHECK_RC(pt_write(t, s, pt_ent(t, _PAGE_PRESENT)), 0);
        CHECK_RC(pt_write(t, s, pt_ent(t, _PAGE_PRESENT | _PAGE_RW)),
                 -XEN_EINVAL);
        v = ((const uint64_t *)((unsigned long)e & PAGE_MASK))[s];
        CHECK((v & (PTE_ADDR_MASK | _PAGE_PRESENT | _PAGE_RW)) ==
              pt_ent(t, _PAGE_PRESENT), "L%u slot %d holds %" PRI64 "x", level, s, v);
        if ( level == 2 )
        {
            /* The window: slot s of this L2, where its tables appear. */
            win = (va & ~((1UL << 30) - 1)) | ((unsigned long)s << 21);
            /* Our own L1 for va, seen as a page of the window. */
            i = (va >> 21) & 511;
            CHECK_RC(probe_read64((uint64_t *)(win + i * PAGE_SIZE +
                                               ((va >> 12) & 511) * 8), &v),
                     0);
            CHECK(v == *pt_entry(va, 1), "window reads %" PRI64 "x", v);
            CHECK_RC(probe_write64((uint64_t *)(win + i * PAGE_SIZE +
                                                ((va >> 12) & 511) * 8),
                                   pt_ent(vic ? vic : t, PTE_KERNEL_RW)),
                     1 + 14);
            CHECK(*pt_entry(va, 1) == v, "L1 entry now %" PRI64 "x",
                  *pt_entry(va, 1));
            CHECK_RC(HYPERVISOR_update_va_mapping(win + i * PAGE_SIZE,
                                                  pt_ent(t, PTE_KERNEL_RW), 0),
                     -XEN_EINVAL);
        }
        CHECK_RC(pt_write(t, s, 0), 0);
        CHECK_RC(ext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0);
    }
}

/*
 * XSA-240's shape: tables linked linearly in a chain (or a loop), whose
 * teardown would recurse once per link.  Only one link may form; then we
 * unpin everything with the links in place and die with them, and every
 * frame must still come back.
 */
HOSTILE(hostile_linear, chain_then_unpin)
{
    enum { N = 8 };
    void *t[3][N];
    unsigned long m[3][N];
    unsigned int l, i;

    for ( l = 0; l < 3; l++ )
        for ( i = 0; i < N; i++ )
        {
            t[l][i] = table_page();
            CHECK(t[l][i], "no pages");
            m[l][i] = virt_to_mfn(t[l][i]);
            CHECK_RC(ext1(MMUEXT_PIN_L2_TABLE + l, m[l][i], 0), 0);
        }
    for ( l = 0; l < 3; l++ )
    {
        unsigned long *a = m[l];

        /* 0 -> 1 -> 2 -> ...: a table pointed at may not point on. */
        for ( i = 0; i + 1 < N; i++ )
            CHECK_RC(pt_write(a[i], 1, pt_ent(a[i + 1], _PAGE_PRESENT)),
                     i & 1 ? -XEN_EINVAL : 0);
        /* Closing a loop, or pointing at a holder. */
        CHECK_RC(pt_write(a[1], 2, pt_ent(a[0], _PAGE_PRESENT)), -XEN_EINVAL);
        CHECK_RC(pt_write(a[N - 1], 2, pt_ent(a[0], _PAGE_PRESENT)),
                 -XEN_EINVAL);
        /* A star is fine: every holder at one, and self-maps on top. */
        for ( i = 2; i < N; i++ )
            CHECK_RC(pt_write(a[i], 3, pt_ent(a[1], _PAGE_PRESENT)),
                     i & 1 ? -XEN_EINVAL : 0);
        CHECK_RC(pt_write(a[0], 0, pt_ent(a[0], _PAGE_PRESENT)), 0);
        CHECK_RC(pt_write(a[1], 0, pt_ent(a[1], _PAGE_PRESENT)), 0);
        /* The target may not start pointing now. */
        CHECK_RC(pt_write(a[1], 4, pt_ent(a[2], _PAGE_PRESENT)), -XEN_EINVAL);
    }
    /* Across levels there is nothing linear: an L4 entry at an L2. */
    CHECK_RC(pt_write(m[2][5], 6, pt_ent(m[0][5], _PAGE_PRESENT)),
             -XEN_EINVAL);
    /* Unpin the target first, then the rest, and leave it all to death. */
    for ( l = 0; l < 3; l++ )
        CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, m[l][1], 0), 0);
    CHECK_RC(make_writable(t[0][1]), -XEN_EBUSY);
    for ( l = 0; l < 3; l++ )
        for ( i = 0; i < N; i++ )
            if ( i != 1 )
                CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, m[l][i], 0), 0);
    /* No holder left: the target went with the last link. */
    CHECK_RC(make_writable(t[0][1]), 0);
    /* Links again, in fresh tables, left in place when we die. */
    for ( l = 0; l < 3; l++ )
    {
        void *x = table_page(), *y = table_page();

        CHECK(x && y, "no pages");
        CHECK_RC(ext1(MMUEXT_PIN_L2_TABLE + l, virt_to_mfn(x), 0), 0);
        CHECK_RC(ext1(MMUEXT_PIN_L2_TABLE + l, virt_to_mfn(y), 0), 0);
        CHECK_RC(pt_write(virt_to_mfn(y), 8,
                          pt_ent(virt_to_mfn(x), _PAGE_PRESENT)), 0);
        CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(x), 0), 0);
    }
}
