/* SPDX-License-Identifier: GPL-2.0-only */
/* Linear page tables: L2-L4 entries pointing at tables of their own level. */

#include "test.h"
#include "linear_pt.h"
#include "mmu.h"
#include <hypercall.h>
#include <mm.h>
#include <traps.h>

/*
 * Xen allows them by default (pv-linear-pt): read-only, at a table already
 * validated as that level, and a table either points at others or is
 * pointed at, never both.  Every refusal is -EINVAL.
 */

/* An L4 slot of the low half that mini-os leaves empty. */
#define SLOT 200UL
#define VA_MASK ((1UL << 48) - 1)

long pt_write(unsigned long table_mfn, unsigned int slot, uint64_t val)
{
    mmu_update_t u = {
        .ptr = (((uint64_t)table_mfn << PAGE_SHIFT) + slot * 8) |
               MMU_NORMAL_PT_UPDATE,
        .val = val,
    };

    return HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF);
}

uint64_t pt_ent(unsigned long mfn, uint64_t flags)
{
    return ((uint64_t)mfn << PAGE_SHIFT) | flags;
}

/*
 * Where the entry of level `level` mapping va appears in the window that
 * an L4 pointing at itself from SLOT opens: each level the walk passes
 * through SLOT again is one level less the hardware descends.
 */
static const uint64_t *window_entry(unsigned long va, unsigned int level)
{
    unsigned long w = SLOT << 39;
    unsigned int l;

    for ( l = 1; l < level; l++ )
        w |= SLOT << (39 - 9 * l);
    w += ((va & VA_MASK) >> (12 + 9 * (level - 1))) * 8;
    return (const uint64_t *)w;
}

TEST(linear_pt, l4_self_map_reads_every_level)
{
    unsigned long l4 = virt_to_mfn((void *)start_info->pt_base);
    unsigned long va = (unsigned long)&start_info;
    unsigned int level;
    uint64_t v = 0;

    CHECK_RC(pt_write(l4, SLOT, pt_ent(l4, _PAGE_PRESENT)), 0);
    for ( level = 1; level <= 4; level++ )
    {
        uint64_t *e = pt_entry(va, level);

        CHECK(e, "no level %u entry", level);
        CHECK_RC(probe_read64(window_entry(va, level), &v), 0);
        CHECK(v == *e, "L%u through the window %" PRI64 "x, in the table %" PRI64 "x", level,
              v, *e);
    }
    /* The self entry itself, as the hypervisor adjusted it. */
    CHECK_RC(probe_read64(window_entry(SLOT << 39, 4), &v), 0);
    CHECK((v & (PTE_ADDR_MASK | _PAGE_PRESENT | _PAGE_RW)) ==
          pt_ent(l4, _PAGE_PRESENT), "self entry reads %" PRI64 "x", v);
    /* Read-only all the way: a store faults, nobody does it for us. */
    CHECK_RC(probe_write64((uint64_t *)window_entry(va, 1), v), 1 + 14);
    CHECK_RC(pt_write(l4, SLOT, 0), 0);
    CHECK_RC(ext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0);
}

TEST(linear_pt, writable_refused)
{
    unsigned long l4 = virt_to_mfn((void *)start_info->pt_base);
    void *t = table_page();
    unsigned long m = virt_to_mfn(t);

    CHECK(t, "no page");
    CHECK_RC(pt_write(l4, SLOT, pt_ent(l4, _PAGE_PRESENT | _PAGE_RW)),
             -XEN_EINVAL);
    CHECK(*pt_entry(SLOT << 39, 4) == 0, "slot %" PRI64 "x", *pt_entry(SLOT << 39, 4));
    /*
     * Validation refuses it too (in slot 0: Xen leaves a table that fails
     * further in half-validated until the next MMU hypercall).
     */
    CHECK_RC(make_writable(t), 0);
    ((uint64_t *)t)[0] = pt_ent(m, _PAGE_PRESENT | _PAGE_RW);
    CHECK_RC(make_readonly(t), 0);
    CHECK_RC(ext1(MMUEXT_PIN_L2_TABLE, m, 0), -XEN_EINVAL);
    CHECK_RC(ext1(MMUEXT_PIN_L3_TABLE, m, 0), -XEN_EINVAL);
    release_table(t);
}

TEST(linear_pt, self_map_in_a_pinned_table)
{
    void *t = table_page();
    unsigned long m = virt_to_mfn(t);
    unsigned int level;

    CHECK(t, "no page");
    CHECK_RC(make_writable(t), 0);
    ((uint64_t *)t)[3] = pt_ent(m, _PAGE_PRESENT);
    CHECK_RC(make_readonly(t), 0);
    for ( level = 2; level <= 4; level++ )
    {
        CHECK_RC(ext1(MMUEXT_PIN_L1_TABLE + level - 1, m, 0), 0);
        CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, m, 0), 0);
    }
    /* Gone with its last type reference: it can be written again. */
    CHECK_RC(make_writable(t), 0);
    free_page(t);
}

TEST(linear_pt, one_link_only)
{
    void *t[3] = { table_page(), table_page(), table_page() };
    void *w = alloc_page();
    unsigned long a, b, c;
    unsigned int i;

    CHECK(t[0] && t[1] && t[2] && w, "no pages");
    a = virt_to_mfn(t[0]);
    b = virt_to_mfn(t[1]);
    c = virt_to_mfn(t[2]);
    for ( i = 0; i < 3; i++ )
        CHECK_RC(ext1(MMUEXT_PIN_L2_TABLE, virt_to_mfn(t[i]), 0), 0);
    CHECK_RC(pt_write(a, 0, pt_ent(b, _PAGE_PRESENT)), 0);
    CHECK_RC(pt_write(a, 1, pt_ent(b, _PAGE_PRESENT)), 0);
    CHECK_RC(pt_write(a, 2, pt_ent(a, _PAGE_PRESENT)), 0);
    /* b is pointed at, so it may not point on; a points, so no one at it. */
    CHECK_RC(pt_write(b, 0, pt_ent(c, _PAGE_PRESENT)), -XEN_EINVAL);
    CHECK_RC(pt_write(c, 0, pt_ent(a, _PAGE_PRESENT)), -XEN_EINVAL);
    /* Others may point at b too, and b at itself. */
    CHECK_RC(pt_write(c, 0, pt_ent(b, _PAGE_PRESENT)), 0);
    CHECK_RC(pt_write(b, 5, pt_ent(b, _PAGE_PRESENT)), 0);
    /* Writable, or a frame that is no table of the level. */
    CHECK_RC(pt_write(a, 3, pt_ent(c, _PAGE_PRESENT | _PAGE_RW)), -XEN_EINVAL);
    CHECK_RC(pt_write(a, 3, pt_ent(virt_to_mfn(w), _PAGE_PRESENT)),
             -XEN_EINVAL);
    /* Unpinned, b lives on while a link holds it, and goes with the last. */
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, b, 0), 0);
    CHECK_RC(make_writable(t[1]), -XEN_EBUSY);
    CHECK_RC(pt_write(a, 0, 0), 0);
    CHECK_RC(pt_write(c, 0, 0), 0);
    CHECK_RC(make_writable(t[1]), -XEN_EBUSY);
    CHECK_RC(pt_write(a, 1, 0), 0);
    CHECK_RC(make_writable(t[1]), 0);
    free_page(t[1]);
    /* With the links gone the chain the other way round is fine. */
    CHECK_RC(pt_write(c, 0, pt_ent(a, _PAGE_PRESENT)), 0);
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, a, 0), 0);
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, c, 0), 0);
    release_table(t[0]);
    release_table(t[2]);
    free_page(w);
}

TEST(linear_pt, l3_link_torn_down_with_its_holder)
{
    void *a = table_page(), *b = table_page(), *l2 = table_page();

    CHECK(a && b && l2, "no pages");
    CHECK_RC(ext1(MMUEXT_PIN_L3_TABLE, virt_to_mfn(b), 0), 0);
    CHECK_RC(pt_write(virt_to_mfn(b), 7, pt_ent(virt_to_mfn(l2),
                                              _PAGE_PRESENT | _PAGE_RW)), 0);
    CHECK_RC(ext1(MMUEXT_PIN_L3_TABLE, virt_to_mfn(a), 0), 0);
    CHECK_RC(pt_write(virt_to_mfn(a), 9,
                      pt_ent(virt_to_mfn(b), _PAGE_PRESENT)), 0);
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(b), 0), 0);
    /* The link holds b, and b its L2. */
    CHECK_RC(make_writable(l2), -XEN_EBUSY);
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(a), 0), 0);
    CHECK_RC(make_writable(b), 0);
    CHECK_RC(make_writable(l2), 0);
    free_page(b);
    free_page(l2);
    release_table(a);
}
