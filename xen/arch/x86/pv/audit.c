/* SPDX-License-Identifier: GPL-2.0-only */
/* Debug-build invariant checks of the PV frame types and page tables. */
#include <xen/keyhandler.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/page_owner.h>
#include <xen/sched.h>
#include <asm/config.h>
#include <asm/page.h>
#include <asm/pv/compat_mm.h>
#include <asm/pv/mm.h>

#ifdef CONFIG_DEBUG

/*
 * What the type system promises, checked where the fuzzer can reach it:
 * after each page-table hypercall on the entries it touched, and over all
 * of memory from the 'A' debug key (dom0 presses it through sysctl after
 * each fuzzer domain).  A broken invariant is a hypervisor bug, so these
 * panic, with what was found.
 *
 *  - a present L1 entry with RW maps a frame of writable type (never a
 *    page table or descriptor frame), which holds a type reference;
 *  - an L2-L4 entry points at a validated table of the level below, or
 *    is a read-only linear entry: at its own table, or at a validated
 *    table of its level, with the linear counts of both saying so;
 *  - no entry of a validated table maps a free frame;
 *  - a frame's general count covers its type count;
 *  - every frame in use belongs to a live or dying domain.
 */
#define ENTRIES      (PAGE_SIZE / sizeof(pte_t))
#define XEN_L4_FIRST l4_table_offset(HYPERVISOR_VIRT_START)
#define XEN_L4_END                                                            \
    (XEN_L4_FIRST +                                                           \
     (HYPERVISOR_VIRT_END - HYPERVISOR_VIRT_START) / PML4_SLOT_SIZE)

static unsigned int table_level(const struct page_info *pg)
{
    unsigned long t = pg->u.inuse.type_info;
    unsigned long type = t & PGT_type_mask;

    /* A 32-bit guest's L2 with the hypervisor's slots is an L2 too. */
    if ( type == PGT_l2_pae_xen )
        type = PGT_l2_page_table;
    if ( type < PGT_l1_page_table || type > PGT_l4_page_table ||
         !(t & PGT_count_mask) || !(t & PGT_validated) )
        return 0;
    return type >> PGT_type_shift;
}

/*
 * Whether a finding on entry e, read from *at (NULL: a value the caller
 * wrote, no longer ours to read), stands.  The hypervisor writes a new
 * entry before it drops the old one's references, so a finding on an
 * entry that is still there is real; one that changed meanwhile is
 * another vCPU's doing, and so may be one on a written value while
 * another vCPU of the caller's is up (a guest racing itself, as the
 * fuzzer does with two vCPUs).
 */
static bool stands(const pte_t *at, pte_t e)
{
    return at ? __atomic_load_n(at, __ATOMIC_ACQUIRE) == e
              : !other_vcpus_up(current);
}

/* A finding on entry e (read from *at): a panic if it stands. */
static void violation(const pte_t *at, const char *what, unsigned int level,
                      pte_t e, const struct page_info *pg)
{
    if ( stands(at, e) )
        panic("AUDIT: %s: L%u entry %lx, frame %lx count %lx type %lx", what,
              level, (unsigned long)e, mfn_x(page_to_mfn(pg)), pg->count_info,
              pg->u.inuse.type_info);
}

/*
 * One present entry of `table`, a validated level-`level` table, read
 * from *at (see stands()).
 */
static void audit_entry(const struct page_info *table, unsigned int level,
                        const pte_t *at, pte_t e)
{
    mfn_t mfn = maddr_to_mfn(e & PTE_ADDR_MASK);
    const struct page_info *pg;
    unsigned long type;

    if ( !(e & _PAGE_PRESENT) || !mfn_valid(mfn) )
        return;
    pg = mfn_to_page(mfn);
    /* I/O memory (dom0's) is not the heap's and carries no references. */
    if ( page_state_is(pg, free) )
        violation(at, "maps a free frame", level, e, pg);
    if ( !page_state_is(pg, inuse) )
        return;
    type = pg->u.inuse.type_info;
    if ( !(pg->count_info & PGC_count_mask) )
        violation(at, "maps a frame with no references", level, e, pg);
    if ( level == 1 )
    {
        if ( (e & _PAGE_RW) && ((type & PGT_type_mask) != PGT_writable_page ||
                                !(type & PGT_count_mask)) )
            violation(at, "writable mapping of a frame not of writable type",
                      level, e, pg);
        return;
    }
    if ( table_level(pg) == level )
    {
        if ( e & _PAGE_RW )
            violation(at, "writable linear entry", level, e, pg);
        if ( pg != table && (pgt_linear_count(table->u.inuse.type_info) <= 0 ||
                             pgt_linear_count(type) >= 0) )
        {
            if ( stands(at, e) )
                printk("AUDIT: in table %lx type %lx\n",
                       mfn_x(page_to_mfn(table)), table->u.inuse.type_info);
            violation(at, "linear entry its tables do not count", level, e,
                      pg);
        }
        return;
    }
    if ( table_level(pg) != level - 1 )
        violation(at, "points at a frame not a validated lower table", level,
                  e, pg);
}

static void audit_table(const struct page_info *pg, unsigned int level)
{
    const pte_t *t = page_to_virt(pg);
    unsigned int end = (pg->u.inuse.type_info & PGT_type_mask) ==
                               PGT_l2_pae_xen
                           ? pv32_l2_xen_first(
                                 page_get_owner(pg)->arch.pv.compat_virt_start)
                           : ENTRIES;

    for ( unsigned int i = 0; i < end; i++ )
        if ( level != 4 || i < XEN_L4_FIRST || i >= XEN_L4_END )
            audit_entry(pg, level, &t[i],
                        __atomic_load_n(&t[i], __ATOMIC_RELAXED));
}

/*
 * A general and a type reference on pg if it is a validated table, which
 * keeps another vCPU of the caller from tearing it down while we look;
 * its level, or 0 if it is no table (put_page_and_type() ends it).
 */
static unsigned int hold_table(struct page_info *pg)
{
    struct domain *owner = page_get_owner(pg);
    unsigned int level;

    if ( !owner || !get_page(pg, owner) )
        return 0;
    if ( !(level = pv_hold_table(pg)) )
        put_page(pg);
    return level;
}

void pv_audit_pt_write(paddr_t ptr)
{
    mfn_t mfn = maddr_to_mfn(ptr);
    struct page_info *pg;
    unsigned int level;
    const pte_t *at;

    if ( !mfn_valid(mfn) )
        return;
    pg = mfn_to_page(mfn);
    /* A plain frame is written as memory: nothing to check. */
    if ( !(level = hold_table(pg)) )
        return;
    at = (const pte_t *)((const char *)page_to_virt(pg) +
                         (ptr & ~PAGE_MASK & ~7UL));
    audit_entry(pg, level, at, __atomic_load_n(at, __ATOMIC_RELAXED));
    put_page_and_type(pg);
}

void pv_audit_l1e(pte_t e)
{
    audit_entry(NULL, 1, NULL, e);
}

void pv_audit_pinned(unsigned long mfn)
{
    struct page_info *pg;
    unsigned int level;

    if ( !mfn_valid(_mfn(mfn)) )
        return;
    pg = mfn_to_page(_mfn(mfn));
    level = hold_table(pg);
    if ( !level || !(pg->u.inuse.type_info & PGT_pinned) )
    {
        if ( level )
            put_page_and_type(pg);
        /* Another vCPU of the caller's may have unpinned it since. */
        if ( other_vcpus_up(current) )
            return;
        panic("AUDIT: frame %lx pinned but type %lx", mfn,
              pg->u.inuse.type_info);
    }
    audit_table(pg, level);
    put_page_and_type(pg);
}

/* An owner must be in the domain list, or on its way out of it. */
static bool owner_ok(struct domain *o)
{
    struct domain *d = get_domain_by_id(o->domain_id);

    if ( d )
        put_domain(d);
    return d == o || o->state == DOMSTATE_dying;
}

static void audit_all(unsigned char key)
{
    unsigned long mfn, inuse = 0, tables = 0;

    for ( mfn = 0; mfn < max_page; mfn++ )
    {
        const struct page_info *pg = mfn_to_page(_mfn(mfn));
        unsigned long type = pg->u.inuse.type_info;
        struct domain *o;
        unsigned int level;

        if ( !page_state_is(pg, inuse) || (pg->count_info & PGC_xen_heap) )
            continue;
        inuse++;
        if ( (o = page_get_owner(pg)) && !owner_ok(o) )
            panic("AUDIT: frame %lx owned by a domain not in the list "
                  "(id %u)",
                  mfn, o->domain_id);
        if ( o && (type & PGT_count_mask) > (pg->count_info & PGC_count_mask) )
            panic("AUDIT: frame %lx: type count over general count: "
                  "count %lx type %lx",
                  mfn, pg->count_info, type);
        if ( (level = table_level(pg)) )
        {
            tables++;
            audit_table(pg, level);
        }
    }
    printk("AUDIT: ok: %lu frames in use, %lu page tables checked\n", inuse,
           tables);
}
KEYHANDLER('A', audit_all, "audit frame types and page tables");

#endif /* CONFIG_DEBUG */
