/* SPDX-License-Identifier: GPL-2.0-only */
/* PV frame types: validating guest page tables and changing their entries. */
#include <xen/errno.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/page_owner.h>
#include <xen/pci.h>
#include <xen/param.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <asm/config.h>
#include <asm/domain.h>
#include <asm/e820.h>
#include <asm/flushtlb.h>
#include <asm/iocap.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/pv/compat_mm.h>
#include <asm/pv/mm.h>

#define PT_ENTRIES 512

/* PML4 slots 256-271 belong to the hypervisor in every PV L4. */
#define L4_XEN_FIRST l4_table_offset(HYPERVISOR_VIRT_START)
#define L4_XEN_NR                                                             \
    ((HYPERVISOR_VIRT_END - HYPERVISOR_VIRT_START) / PML4_SLOT_SIZE)

/* The read-only M2P's slot (VMASST_TYPE_m2p_strict decides who has it). */
#define RO_MPT_SLOT l4_table_offset(RO_MPT_VIRT_START)

#define PTE_PAT_L1     _PAGE_PSE              /* bit 7 in an L1 entry */
#define PTE_AVAIL      (_AC(7, UL) << 9)      /* bits 9-11 */
#define PTE_AVAIL_HIGH (_AC(0x7ff, UL) << 52) /* bits 52-62 */
#define PTE_GNTTAB     (_AC(1, UL) << 62)
/* Set by us on L1 entries the guest made kernel-only (no _PAGE_USER). */
#define PTE_GUEST_KERNEL (_AC(1, UL) << 52)
#define PTE_CACHE_ATTRS  (_PAGE_PWT | _PAGE_PCD | PTE_PAT_L1)

/* What any guest entry may carry besides its frame address (as Xen). */
#define GUEST_FLAGS                                                           \
    (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY |   \
     PTE_AVAIL | PTE_AVAIL_HIGH | _PAGE_NX)
/*
 * L2-L4: caching bits, GLOBAL and PSE are refused; PSE because PV guests
 * get no superpages (they would map frames the type system never sees).
 */
#define UPPER_REFUSED (~(GUEST_FLAGS | PTE_ADDR_MASK))
/*
 * A 32-bit guest's L3 entries are PDPTEs to it: as Xen, bits 52-63 (NX
 * too) are refused besides.
 */
#define PV32_L3_REFUSED (UPPER_REFUSED | PTE_AVAIL_HIGH | _PAGE_NX)

static bool m2p_strict(const struct domain *d)
{
    return d->arch.pv.vm_assist & (1UL << VMASST_TYPE_m2p_strict);
}

static bool is_xen_l4_slot(unsigned int slot)
{
    return slot >= L4_XEN_FIRST && slot < L4_XEN_FIRST + L4_XEN_NR;
}

/* The ordinary levels first: the entry-update path asks about them. */
static unsigned int pt_level(unsigned long type)
{
    type &= PGT_type_mask;
    if ( likely(type >= PGT_l1_page_table && type <= PGT_l4_page_table) )
        return type >> PGT_type_shift;
    return type == PGT_l2_pae_xen ? 2 : 0;
}

static bool is_pv32(const struct domain *d)
{
    return d->arch.pv.is_32bit;
}

/*
 * Entries of a table of this type, d's, that are the hypervisor's, not
 * the guest's: in a PAE Xen L2 from d's HYPERVISOR_COMPAT_VIRT_START on.
 */
static bool is_xen_slot(unsigned long type, unsigned int slot,
                        const struct domain *d)
{
    type &= PGT_type_mask;
    if ( type == PGT_l4_page_table )
        return is_xen_l4_slot(slot);
    return type == PGT_l2_pae_xen &&
           slot >= pv32_l2_xen_first(d->arch.pv.compat_virt_start);
}

static unsigned int pt_offset(unsigned int level, unsigned long va)
{
    return (va >> (PAGE_SHIFT + 9 * (level - 1))) & (PT_ENTRIES - 1);
}

static mfn_t pte_mfn(pte_t e)
{
    return maddr_to_mfn(e & PTE_ADDR_MASK);
}

/* L1: GLOBAL is allowed; caching attributes only to the privileged domain. */
static pte_t l1_refused(const struct domain *d)
{
    pte_t bad = ~(GUEST_FLAGS | _PAGE_GLOBAL | PTE_ADDR_MASK) | PTE_GNTTAB;

    if ( cache_flush_permitted(d) )
        bad &= ~PTE_CACHE_ATTRS;
    return bad;
}

/*
 * The guest kernel runs in ring 3, so everything it maps needs _PAGE_USER
 * in hardware.  For L1 entries the guest left kernel-only we record that in
 * PTE_GUEST_KERNEL, as Xen does, so a guest reading its entries back sees
 * the same bits it would on Xen (except Xen's extra GLOBAL on user pages).
 * Kernel-only entries also lose GLOBAL (Xen only warns about it): the
 * switch to user mode is a plain CR3 write, and a global kernel
 * translation would outlive it and open kernel memory to user mode.
 */
static bool is_io_frame(mfn_t mfn);

static pte_t adjust_entry(unsigned int level, pte_t e, bool pv32)
{
    if ( !(e & _PAGE_PRESENT) )
        return e;
    /*
     * MMIO the hypervisor drives (an MSI-X table it took) is dom0's to
     * read only: Xen's mmio_ro_ranges, which drop RW the same way.  I/O
     * frames carry no type reference, so that takes nothing back.
     */
    if ( level == 1 && (e & _PAGE_RW) && is_io_frame(pte_mfn(e)) &&
         pci_mmio_ro(mfn_x(pte_mfn(e))) )
        e &= ~(pte_t)_PAGE_RW;
    /*
     * A 32-bit kernel runs in ring 1, which USER does not concern: its L1
     * and L2 entries stay as written.  Its PDPTEs have no RW or USER to
     * the guest, but in long mode they are L3 entries that must allow all.
     */
    if ( pv32 )
        return level == 3 ? e | _PAGE_USER | _PAGE_RW : e;
    if ( level == 1 && !(e & _PAGE_USER) )
        return (e & ~_PAGE_GLOBAL) | _PAGE_USER | PTE_GUEST_KERNEL;
    return e | _PAGE_USER;
}

/*
 * The references an L1 entry of l1_owner holds: a general one on the frame
 * (which must be pg_owner's), and a writable type one if the entry is RW,
 * which a frame in use as a page table (or a descriptor table) refuses.
 * Frames above RAM are MMIO: only the privileged domain maps those, and
 * they carry no references.
 */
/*
 * I/O memory, which only the privileged domain maps (and which carries no
 * references): frames above RAM, holes and firmware ranges the e820 map
 * does not call RAM (the BIOS and its tables, which Linux reads), and, as
 * in Xen, all of the first MiB, which the heap never hands out.  (Host
 * tests, whose frames start near 0, set io_frames_below to 0.)
 */
unsigned long io_frames_below = 0x100000 >> PAGE_SHIFT;

static bool is_io_frame(mfn_t mfn)
{
    return !mfn_valid(mfn) || mfn_x(mfn) < io_frames_below ||
           !e820_is_ram(&e820, mfn_to_maddr(mfn));
}

static int __pt_path get_l1e_refs(pte_t e, struct domain *l1_owner,
                                  struct domain *pg_owner)
{
    mfn_t mfn = pte_mfn(e);
    struct page_info *pg;

    /* Every address bit set is no frame at all: -EINVAL, as from Xen. */
    if ( (e & l1_refused(l1_owner)) ||
         mfn_x(mfn) == (PTE_ADDR_MASK >> PAGE_SHIFT) )
        return -EINVAL;
    if ( is_io_frame(mfn) )
        return iomem_access_permitted(l1_owner) ? 0 : -EPERM;
    pg = mfn_to_page(mfn);
    if ( !get_page(pg, pg_owner) )
        return -EBUSY;
    if ( (e & _PAGE_RW) && get_page_type(pg, PGT_writable_page) )
    {
        put_page(pg);
        return -EBUSY;
    }
    /* Its TLBs now matter to pg_owner's flushes too (before the write). */
    if ( pg_owner != l1_owner )
        flush_note_foreign(l1_owner);
    return 0;
}

/*
 * Linear page tables: an L2-L4 entry that points at a table of its own
 * level, so that the guest sees its page tables through a window of its
 * address space (NetBSD's recursive slot).  As in Xen, where they are on
 * unless pv-linear-pt=0: read-only only (through a writable one the guest
 * could write its own tables), and only at a table already validated as
 * that level, which the entry then holds a type reference on.  A table
 * pointing at itself holds nothing (its own reference would keep it alive
 * for ever).  Otherwise a table may hold linear entries or be pointed at
 * by them but not both (pgt_linear_count()), so no chain or loop of them
 * forms, whose teardown would recurse without bound (XSA-240).
 */
bool opt_pv_linear_pt = true;
boolean_param("pv-linear-pt", opt_pv_linear_pt);

#define LINEAR_MAX 0x7fff

/*
 * Moves pg's linear count by delta (+1/-1) if it is, and stays, on the
 * side of zero that `side` (+1 holding, -1 pointed at) names and within
 * bounds.  (The count before matters too: one link at a table, -1, and
 * one from it would add up to 0, a chain that looks like none.)
 */
static bool linear_count_add(struct page_info *pg, int side, int delta)
{
    unsigned long *ti = &pg->u.inuse.type_info;
    unsigned long x = __atomic_load_n(ti, __ATOMIC_ACQUIRE), nx;

    do
    {
        int old = pgt_linear_count(x), n = old + delta;

        if ( old * side < 0 || n * side < 0 || n * side > LINEAR_MAX )
            return false;
        nx = (x & ~PGT_linear_mask) |
             ((unsigned long)(uint16_t)n << PGT_linear_shift);
    } while ( !__atomic_compare_exchange_n(ti, &x, nx, false, __ATOMIC_ACQ_REL,
                                           __ATOMIC_ACQUIRE) );
    return true;
}

static unsigned int get_validated_table(struct page_info *pg);
static int get_and_type(struct page_info *pg, struct domain *d,
                        unsigned long type, bool preemptible);
static int put_type(struct page_info *pg, bool preemptible);

/*
 * The references a linear entry e of `table` (level `level`, d's) takes;
 * false if it may not be one.  The target's type reference comes first:
 * while we hold it nobody can claim the frame anew and wipe its count.
 */
static bool get_linear_refs(unsigned int level, pte_t e, struct domain *d,
                            struct page_info *table)
{
    struct page_info *pg = mfn_to_page(pte_mfn(e));
    unsigned int got;

    if ( !opt_pv_linear_pt || (e & _PAGE_RW) )
        return false;
    if ( pg == table )
        return true;
    if ( !get_page(pg, d) )
        return false;
    got = get_validated_table(pg);
    if ( got == level && linear_count_add(table, 1, 1) )
    {
        if ( linear_count_add(pg, -1, -1) )
            return true;
        linear_count_add(table, 1, -1);
    }
    if ( got )
        put_page_type(pg);
    put_page(pg);
    return false;
}

/*
 * An L2-L4 entry of `table` holds its lower table's frame as that type,
 * or, failing that on a type conflict, is a linear entry (-EINVAL if it
 * may not be one either, as in Xen).
 */
static int get_upper_refs(unsigned int level, pte_t e, struct domain *d,
                          struct page_info *table, bool preemptible)
{
    mfn_t mfn = pte_mfn(e);
    int rc;

    if ( e & UPPER_REFUSED )
        return -EINVAL;
    if ( !mfn_valid(mfn) )
        return -EINVAL;
    rc = get_and_type(mfn_to_page(mfn), d, PGT_lx_page_table(level - 1),
                      preemptible);
    /*
     * Not in a 32-bit guest's L3, whose entries the hardware sees with RW
     * (adjust_entry()): a linear one would map its L2s writable.
     */
    if ( rc == -EINVAL && !(level == 3 && is_pv32(d)) &&
         get_linear_refs(level, e, d, table) )
        rc = 0;
    return rc;
}

/*
 * A 32-bit guest's PDPTE at `slot` of its L3 `table`.  The one under slot
 * 3 reaches the hypervisor's slots, so its L2 has a type of its own, and
 * (as in Xen) only this L3 may hold it: no other slot can (the types
 * differ), and another L3 finds the type count taken.
 */
static int get_pv32_l3e_refs(pte_t e, unsigned int slot, struct domain *d,
                             struct page_info *table, bool preemptible)
{
    struct page_info *pg;
    int rc;

    if ( e & PV32_L3_REFUSED )
        return -EINVAL;
    if ( slot < PV32_L3_ENTRIES - 1 )
        return get_upper_refs(3, e, d, table, preemptible);
    if ( !mfn_valid(pte_mfn(e)) )
        return -EINVAL;
    pg = mfn_to_page(pte_mfn(e));
    rc = get_and_type(pg, d, PGT_l2_pae_xen, preemptible);
    if ( rc )
        return rc;
    if ( (__atomic_load_n(&pg->u.inuse.type_info, __ATOMIC_ACQUIRE) &
          PGT_count_mask) != 1 )
    {
        put_page_and_type(pg);
        return -EINVAL;
    }
    return 0;
}

/* -ERESTART: a table below stopped partway (see pv/mm.h); nothing held. */
static int get_entry_refs(unsigned int level, pte_t e, struct domain *pt_owner,
                          struct domain *pg_owner, struct page_info *table,
                          bool preemptible)
{
    if ( level == 1 )
        return get_l1e_refs(e, pt_owner, pg_owner);
    return get_upper_refs(level, e, pt_owner, table, preemptible);
}

/*
 * Exactly what get_entry_refs() took for the (present) entry e of table.
 * -ERESTART: the lower table's teardown stopped partway, and both its
 * references are still the entry's (the caller keeps them for later).
 * A linear entry's target is put whole: were it to stop, the entry could
 * no longer tell it is linear when put again.
 */
static int __pt_path put_entry_refs_preemptible(unsigned int level, pte_t e,
                                                struct page_info *table,
                                                bool preemptible)
{
    struct page_info *pg;
    int rc;

    /* I/O frames carry none, and no upper level can point at one. */
    if ( !(e & _PAGE_PRESENT) || is_io_frame(pte_mfn(e)) )
        return 0;
    pg = mfn_to_page(pte_mfn(e));
    if ( level > 1 && pg == table )
        return 0;
    /* Our reference keeps its type: the same level's means linear. */
    if ( level > 1 && pt_level(pg->u.inuse.type_info) == level )
    {
        linear_count_add(pg, -1, 1);
        linear_count_add(table, 1, -1);
        put_page_type(pg);
    }
    else if ( level > 1 )
    {
        rc = put_type(pg, preemptible);
        if ( rc )
            return rc;
    }
    else if ( e & _PAGE_RW )
        put_page_type(pg);
    put_page(pg);
    return 0;
}

static void put_entry_refs(unsigned int level, pte_t e,
                           struct page_info *table)
{
    BUG_ON(put_entry_refs_preemptible(level, e, table, false));
}

/* Whether an L2-L4 walk over entries should stop here for a while. */
static bool stop_walk(unsigned int level, bool preemptible, bool progress)
{
    return preemptible && level > 1 && progress && hypercall_preempt_check();
}

/*
 * Leaves our table pg (type count 1, ours) partial: entries [0, done)
 * hold references; `put` if it was being torn down.
 */
static void set_partial(struct page_info *pg, unsigned int done, bool put)
{
    unsigned long *ti = &pg->u.inuse.type_info;
    unsigned long x = __atomic_load_n(ti, __ATOMIC_RELAXED), nx;

    do
    {
        nx = (x & ~(PGT_done_mask | PGT_partial_put)) | PGT_partial |
             ((unsigned long)done << PGT_done_shift) |
             (put ? PGT_partial_put : 0);
    } while ( !__atomic_compare_exchange_n(ti, &x, nx, false, __ATOMIC_RELEASE,
                                           __ATOMIC_RELAXED) );
}

static unsigned int partial_done(unsigned long x)
{
    return (x & PGT_done_mask) >> PGT_done_shift;
}

/*
 * First use of pg as a level-`level` table: take what every entry from
 * `start` on needs (those below hold theirs already, from a validation
 * that stopped there), make the entries what the hardware must see, and
 * give an L4 the hypervisor's slots.  On failure nothing stays
 * referenced; on -ERESTART pg is left partial.  Entries may not change
 * meanwhile: the frame has our type, so no writable mapping of it exists.
 */
static int validate_table(struct page_info *pg, unsigned long type,
                          unsigned int start, bool preemptible)
{
    struct domain *d = page_get_owner(pg);
    pte_t *t = page_to_virt(pg);
    unsigned int level = pt_level(type), end = PT_ENTRIES, i;
    bool pv32, pdpt;
    int rc;

    if ( !d )
        return -EINVAL;
    pv32 = is_pv32(d);
    pdpt = pv32 && level == 3;
    /*
     * A 32-bit guest's L3 has four entries to it, but in long mode the
     * hardware sees all 512 (the guest's L4 slot 0 is this table): the
     * rest are emptied, as Xen does, and nothing can set them again.
     */
    if ( pdpt )
    {
        memset(&t[PV32_L3_ENTRIES], 0,
               (PT_ENTRIES - PV32_L3_ENTRIES) * sizeof(*t));
        end = PV32_L3_ENTRIES;
    }
    for ( i = start; i < end; i++ )
    {
        pte_t e = __atomic_load_n(&t[i], __ATOMIC_RELAXED);

        /* The hypervisor's slots need the L2 under the last PDPTE. */
        if ( pdpt && i == PV32_L3_ENTRIES - 1 && !(e & _PAGE_PRESENT) )
            rc = -EINVAL;
        else if ( is_xen_slot(type, i, d) || !(e & _PAGE_PRESENT) )
            continue;
        else if ( stop_walk(level, preemptible, i > start) )
            rc = -ERESTART;
        else if ( pdpt )
            rc = get_pv32_l3e_refs(e, i, d, pg, preemptible);
        else
            rc = get_entry_refs(level, e, d, d, pg, preemptible);
        if ( rc == -ERESTART )
        {
            set_partial(pg, i, false);
            return rc;
        }
        if ( rc )
        {
            while ( i-- )
                if ( !is_xen_slot(type, i, d) )
                    put_entry_refs(level, t[i], pg);
            return rc;
        }
        t[i] = adjust_entry(level, e, pv32);
    }
    if ( (type & PGT_type_mask) == PGT_l2_pae_xen )
        pv32_fill_xen_l2(t, d->arch.pv.compat_virt_start);
    /* The RO M2P comes with a new L4 only in m2p_strict mode. */
    if ( level == 4 )
        pv_fill_xen_l4(t, m2p_strict(d));
    return 0;
}

void pv_fill_xen_l4(pte_t *l4, bool ro_mpt)
{
    memcpy(&l4[L4_XEN_FIRST], &idle_pg_table[L4_XEN_FIRST],
           L4_XEN_NR * sizeof(pte_t));
    if ( !ro_mpt )
        l4[RO_MPT_SLOT] = 0;
}

void pv_root_ro_mpt(const struct domain *d, mfn_t l4, bool user)
{
    pte_t *slot = (pte_t *)page_to_virt(mfn_to_page(l4)) + RO_MPT_SLOT;

    if ( user && m2p_strict(d) )
        __atomic_store_n(slot, 0, __ATOMIC_RELAXED);
    else if ( !user && !m2p_strict(d) &&
              !__atomic_load_n(slot, __ATOMIC_RELAXED) )
        __atomic_store_n(slot, idle_pg_table[RO_MPT_SLOT], __ATOMIC_RELAXED);
}

/*
 * The last type reference went: drop what entries [0, end) held, from the
 * top down, so that a teardown that stops (-ERESTART, pg left partial)
 * has the same shape as a validation that stopped, but for the count:
 * its done is the last entry that still holds (see PGT_done_mask).
 */
static int devalidate_table(struct page_info *pg, unsigned long type,
                            unsigned int end, bool preemptible)
{
    pte_t *t = page_to_virt(pg);
    const struct domain *d = page_get_owner(pg);
    unsigned int level = pt_level(type), i;
    int rc;

    for ( i = end; i-- > 0; )
    {
        if ( is_xen_slot(type, i, d) || !(t[i] & _PAGE_PRESENT) )
            continue;
        rc = stop_walk(level, preemptible, i + 1 < end)
                 ? -ERESTART
                 : put_entry_refs_preemptible(level, t[i], pg, preemptible);
        if ( rc )
        {
            /*
             * Entry i keeps what it held (a lower table, stopped too), so
             * [0, i] still hold theirs: recorded as i, since i + 1 (512
             * for the last entry) would not fit the field.
             */
            set_partial(pg, i, true);
            return rc;
        }
    }
    /* Nobody points at it (that holds a type reference), it at nobody. */
    ASSERT(!pgt_linear_count(pg->u.inuse.type_info));
    /*
     * Our compat M2P entries go with the type (no writable mapping exists
     * yet): the guest's frame keeps no hypervisor address, and can be an
     * ordinary L2 again as it was given.
     */
    if ( (type & PGT_type_mask) == PGT_l2_pae_xen )
    {
        i = pv32_l2_xen_first(d->arch.pv.compat_virt_start);
        memset(&t[i], 0, (PT_ENTRIES - i) * sizeof(*t));
    }
    return 0;
}

static int get_type(struct page_info *pg, unsigned long type, bool preemptible)
{
    unsigned long *ti = &pg->u.inuse.type_info;
    unsigned long x = __atomic_load_n(ti, __ATOMIC_ACQUIRE), nx;
    unsigned long old_type;
    unsigned int start;
    int rc;

    ASSERT(!(type & ~PGT_type_mask));
    for ( ;; )
    {
        unsigned long count = x & PGT_count_mask;

        old_type = x & PGT_type_mask;
        start = 0;
        if ( count == PGT_count_mask )
            return -EINVAL;
        if ( count && old_type != type )
            return -EINVAL;
        if ( count && !(x & PGT_validated) )
        {
            /* A teardown that stopped is its holder's to carry on. */
            if ( x & PGT_partial_put )
                return -EINVAL;
            if ( !(x & PGT_partial) )
            {
                /* Another CPU is validating or tearing it down: wait. */
                cpu_relax();
                x = __atomic_load_n(ti, __ATOMIC_ACQUIRE);
                continue;
            }
            /* A validation that stopped: ours to carry on, count and all. */
            start = partial_done(x);
            nx = x & ~(PGT_partial | PGT_done_mask);
        }
        else if ( count || (old_type == type && (x & PGT_validated)) )
            nx = x + 1;
        else
            /* Claim the frame; a page table is usable once validated. */
            nx = type | 1 | (pt_level(type) ? 0 : PGT_validated);
        if ( __atomic_compare_exchange_n(ti, &x, nx, false, __ATOMIC_ACQ_REL,
                                         __ATOMIC_ACQUIRE) )
            break;
    }

    /* The stopped validation's general reference: ours now does. */
    if ( x & PGT_partial )
        put_page(pg);

    /*
     * A type change must not leave a stale TLB entry of the old use behind
     * (a writable mapping of a new page table, or a cached walk through a
     * former one).  Fresh frames (PGT_none) were flushed when last freed.
     */
    if ( old_type != type && old_type != PGT_none )
        flush_tlb_frames_of(page_get_owner(pg));

    if ( nx & PGT_validated )
        return 0;
    rc = validate_table(pg, type, start, preemptible);
    if ( rc == -ERESTART )
        return rc;
    if ( rc )
    {
        /* Waiters see count zero and may try again themselves. */
        __atomic_store_n(ti, PGT_none, __ATOMIC_RELEASE);
        return rc;
    }
    __atomic_fetch_or(ti, PGT_validated, __ATOMIC_RELEASE);
    return 0;
}

int get_page_type(struct page_info *pg, unsigned long type)
{
    return get_type(pg, type, false);
}

static int __pt_path put_type(struct page_info *pg, bool preemptible)
{
    unsigned long *ti = &pg->u.inuse.type_info;
    unsigned long x = __atomic_load_n(ti, __ATOMIC_ACQUIRE), nx;
    unsigned int level, end;
    int rc;

    for ( ;; )
    {
        level = pt_level(x);
        BUG_ON(!(x & PGT_count_mask));
        if ( x & PGT_partial )
        {
            /* Only the holder of a stopped teardown puts it: carry on. */
            BUG_ON(!(x & PGT_partial_put) || (x & PGT_count_mask) != 1);
            end = partial_done(x) + 1;
            nx = x & ~(PGT_partial | PGT_partial_put | PGT_done_mask);
        }
        else if ( (x & PGT_count_mask) == 1 && level )
        {
            BUG_ON((x & (PGT_validated | PGT_pinned)) != PGT_validated);
            /*
             * Keep the count at one, unvalidated, while the entries let go,
             * so that nobody takes the type meanwhile.
             */
            end = PT_ENTRIES;
            nx = x & ~PGT_validated;
        }
        else
        {
            if ( __atomic_compare_exchange_n(ti, &x, x - 1, false,
                                             __ATOMIC_ACQ_REL,
                                             __ATOMIC_ACQUIRE) )
                return 0;
            continue;
        }
        if ( __atomic_compare_exchange_n(ti, &x, nx, false, __ATOMIC_ACQ_REL,
                                         __ATOMIC_ACQUIRE) )
            break;
    }
    rc = devalidate_table(pg, x, end, preemptible);
    if ( rc )
        return rc;
    __atomic_store_n(ti, x & PGT_type_mask, __ATOMIC_RELEASE);
    return 0;
}

void __pt_path put_page_type(struct page_info *pg)
{
    BUG_ON(put_type(pg, false));
}

int put_page_type_preemptible(struct page_info *pg)
{
    return put_type(pg, true);
}

/* On -ERESTART the general reference went to the stopped validation. */
static int get_and_type(struct page_info *pg, struct domain *d,
                        unsigned long type, bool preemptible)
{
    int rc;

    if ( !get_page(pg, d) )
        return -EINVAL;
    rc = get_type(pg, type, preemptible);
    if ( rc && rc != -ERESTART )
        put_page(pg);
    return rc;
}

int get_page_and_type(struct page_info *pg, struct domain *d,
                      unsigned long type)
{
    return get_and_type(pg, d, type, false);
}

int get_page_and_type_preemptible(struct page_info *pg, struct domain *d,
                                  unsigned long type)
{
    return get_and_type(pg, d, type, true);
}

void put_page_and_type(struct page_info *pg)
{
    put_page_type(pg);
    put_page(pg);
}

void pv_drop_partial(struct page_info *pg)
{
    unsigned long *ti = &pg->u.inuse.type_info;
    unsigned long x = __atomic_load_n(ti, __ATOMIC_ACQUIRE), nx;

    do
    {
        if ( (x & (PGT_partial | PGT_partial_put)) != PGT_partial )
            return;
        nx = x & ~(PGT_partial | PGT_done_mask);
    } while ( !__atomic_compare_exchange_n(ti, &x, nx, false, __ATOMIC_ACQ_REL,
                                           __ATOMIC_ACQUIRE) );
    BUG_ON(devalidate_table(pg, x, partial_done(x), false));
    __atomic_store_n(ti, x & PGT_type_mask, __ATOMIC_RELEASE);
    put_page(pg);
}

int pv_put_old_guest_table(struct vcpu *v, bool preemptible)
{
    struct page_info *pg = v->arch.pv.old_guest_table;
    int rc;

    if ( !pg )
        return 0;
    rc = put_type(pg, preemptible);
    if ( rc )
        return rc;
    v->arch.pv.old_guest_table = NULL;
    put_page(pg);
    return 0;
}

/*
 * Entry updates of one table are serialised; a small array of locks hashed
 * by frame keeps unrelated tables apart without a lock in page_info.  No
 * code path holds two of them.
 */
static spinlock_t pt_locks[64] = {
    [0 ... 63] = SPIN_LOCK_UNLOCKED(pt),
};

static spinlock_t *pt_lock(const struct page_info *pg)
{
    return &pt_locks[mfn_x(page_to_mfn(pg)) % ARRAY_SIZE(pt_locks)];
}

/*
 * A type reference on pg if it is a validated page table, which keeps it
 * from being torn down under us; its level, or 0 if it is no table.
 */
static unsigned int __pt_path get_validated_table(struct page_info *pg)
{
    unsigned long *ti = &pg->u.inuse.type_info;
    unsigned long x = __atomic_load_n(ti, __ATOMIC_ACQUIRE);

    do
    {
        if ( !pt_level(x) || !(x & PGT_validated) || !(x & PGT_count_mask) ||
             (x & PGT_count_mask) == PGT_count_mask )
            return 0;
    } while ( !__atomic_compare_exchange_n(ti, &x, x + 1, false,
                                           __ATOMIC_ACQ_REL,
                                           __ATOMIC_ACQUIRE) );
    return pt_level(x);
}

#ifdef CONFIG_DEBUG
/* get_validated_table() for the audit (audit.c), ended by put_page_type(). */
unsigned int pv_hold_table(struct page_info *pg)
{
    return get_validated_table(pg);
}
#endif

/*
 * What a 32-bit guest may not write, with Xen's errors: its L3's last
 * PDPTE (the L2 with the hypervisor's slots) and the unused entries
 * past it, PDPTE bits, and the hypervisor's slots of that L2.
 */
static int __attribute__((__noinline__, __cold__))
pv32_entry_refused(const struct page_info *table, unsigned int level,
                   unsigned int slot, pte_t val, const struct domain *d)
{
    if ( level == 3 )
        return slot >= PV32_L3_ENTRIES - 1 ||
                       ((val & _PAGE_PRESENT) && (val & PV32_L3_REFUSED))
                   ? -EINVAL
                   : 0;
    if ( is_xen_slot(table->u.inuse.type_info, slot, d) )
        return -EPERM;
    return level == 4 ? -EINVAL : 0;
}

/*
 * Replaces entry `slot` of the validated table `table`: new references
 * first, then the write.  Called with the table's lock held, so only the
 * hardware (A/D bits) races with us.  The replaced entry, if it loses its
 * references, goes to *put (else 0): the caller drops them only once the
 * table's lock is dropped, as the last put of a frame can free a dying
 * owner (put_domain()), whose teardown takes locks that come before the
 * page-table locks (docs/misc/locking.md).
 */
static int __pt_path mod_entry(struct page_info *table, unsigned int level,
                               unsigned int slot, pte_t val, bool preserve_ad,
                               struct domain *pt_owner,
                               struct domain *pg_owner, bool preemptible,
                               pte_t *put)
{
    pte_t *p = (pte_t *)page_to_virt(table) + slot;
    pte_t old = __atomic_load_n(p, __ATOMIC_RELAXED), nval = val;
    bool same;
    int rc;

    *put = 0;
    /* Read again below rather than kept: the 64-bit path stays as lean. */
    if ( unlikely(is_pv32(pt_owner)) )
    {
        if ( (rc = pv32_entry_refused(table, level, slot, val, pt_owner)) )
            return rc;
    }
    else if ( level == 4 && is_xen_l4_slot(slot) )
        return -EINVAL;
    /* Only L1 entries may map another domain's frames. */
    if ( level > 1 && pg_owner != pt_owner )
        return -EINVAL;

    if ( val & _PAGE_PRESENT )
    {
        if ( val & (level == 1 ? l1_refused(pt_owner) : UPPER_REFUSED) )
            return -EINVAL;
        /* Same frame, same access: the references already held still fit. */
        same = (old & _PAGE_PRESENT) &&
               !((old ^ val) & (PTE_ADDR_MASK | _PAGE_RW));
        if ( !same && (rc = get_entry_refs(level, val, pt_owner, pg_owner,
                                           table, preemptible)) )
            return rc;
        nval = adjust_entry(level, val, is_pv32(pt_owner));
    }
    else
        same = !(old & _PAGE_PRESENT);

    for ( ;; )
    {
        pte_t w = nval |
                  (preserve_ad ? old & (_PAGE_ACCESSED | _PAGE_DIRTY) : 0);

        if ( __atomic_compare_exchange_n(p, &old, w, false, __ATOMIC_ACQ_REL,
                                         __ATOMIC_RELAXED) )
            break;
    }
    if ( !same )
        *put = old;
    return 0;
}

static int __pt_path update_pt_entry(paddr_t ptr, pte_t val, bool preserve_ad,
                                     struct domain *pt_owner,
                                     struct domain *pg_owner, bool preemptible)
{
    mfn_t mfn = maddr_to_mfn(ptr);
    unsigned int slot = (ptr & ~PAGE_MASK) / sizeof(pte_t), level;
    struct page_info *pg;
    spinlock_t *lock;
    pte_t old;
    int rc = -EINVAL;

    if ( !mfn_valid(mfn) )
        return -EINVAL;
    pg = mfn_to_page(mfn);
    if ( !get_page(pg, pt_owner) )
        return -EINVAL;

    lock = pt_lock(pg);
    spin_lock(lock);
    level = get_validated_table(pg);
    if ( level )
    {
        rc = mod_entry(pg, level, slot, val, preserve_ad, pt_owner, pg_owner,
                       preemptible, &old);
        spin_unlock(lock);
        /*
         * Only a present entry held anything.  A lower table whose
         * teardown stops is left to this vCPU, which carries it on
         * before its hypercall returns (do_mmu_update()).
         */
        if ( (old & _PAGE_PRESENT) &&
             put_entry_refs_preemptible(level, old, pg, preemptible) )
        {
            ASSERT(!current->arch.pv.old_guest_table);
            current->arch.pv.old_guest_table = mfn_to_page(pte_mfn(old));
        }
        put_page_type(pg);
    }
    else
    {
        spin_unlock(lock);
        if ( !get_page_type(pg, PGT_writable_page) )
        {
            __atomic_store_n((pte_t *)page_to_virt(pg) + slot, val,
                             __ATOMIC_RELAXED);
            put_page_type(pg);
            rc = 0;
        }
    }
    put_page(pg);
    return rc;
}

int __pt_path pv_update_pt_entry(paddr_t ptr, pte_t val, bool preserve_ad,
                                 struct domain *pt_owner,
                                 struct domain *pg_owner)
{
    return update_pt_entry(ptr, val, preserve_ad, pt_owner, pg_owner, false);
}

int __pt_path pv_mmu_update_entry(paddr_t ptr, pte_t val, bool preserve_ad,
                                  struct domain *pt_owner,
                                  struct domain *pg_owner)
{
    return update_pt_entry(ptr, val, preserve_ad, pt_owner, pg_owner, true);
}

/*
 * Walks v's page tables for va from the L4 down to the table of level
 * `to` and returns its frame (for to == 1, the L1 that maps va), or
 * INVALID_MFN if a level is missing or va is the hypervisor's.  Each level
 * is read only while we hold a reference on a frame of d of the right
 * type, so the walk never reads memory that isn't one of d's tables,
 * whatever other vCPUs change meanwhile; the caller checks the L1 itself.
 */
static mfn_t guest_walk(struct vcpu *v, mfn_t root, unsigned long va,
                        unsigned int to, bool print)
{
    struct domain *d = v->domain;
    mfn_t mfn = root;
    unsigned int level = 4;

    /* A 32-bit guest's root is its L3, and it has 4 GiB. */
    if ( unlikely(is_pv32(d)) )
    {
        if ( va >> 32 )
            return INVALID_MFN;
        level = 3;
    }
    else if ( !pv_guest_addr_ok(va) )
        return INVALID_MFN;
    for ( ; level > to; level-- )
    {
        struct page_info *pg;
        pte_t e = 0;

        if ( !mfn_valid(mfn) )
            return INVALID_MFN;
        pg = mfn_to_page(mfn);
        if ( !get_page(pg, d) )
            return INVALID_MFN;
        if ( pt_level(pg->u.inuse.type_info) == level )
            e = __atomic_load_n((pte_t *)page_to_virt(pg) +
                                    pt_offset(level, va),
                                __ATOMIC_RELAXED);
        put_page(pg);
        if ( print )
            printk("  L%u[%03u] = %016lx (table %#lx)\n", level,
                   pt_offset(level, va), (unsigned long)e, mfn_x(mfn));
        /* Bit 7 is PSE above level 1, PAT in an L1 entry. */
        if ( !(e & _PAGE_PRESENT) || (level > 1 && (e & _PAGE_PSE)) )
            return INVALID_MFN;
        mfn = pte_mfn(e);
    }
    return mfn;
}

static mfn_t guest_l1_for_va(struct vcpu *v, unsigned long va)
{
    return guest_walk(v, v->arch.pv.guest_table, va, 1, false);
}

mfn_t pv_guest_frame(struct vcpu *v, unsigned long va)
{
    return guest_walk(v, v->arch.pv.guest_table, va, 0, false);
}

void pv_dump_guest_walk(struct vcpu *v, mfn_t root, unsigned long va)
{
    printk("d%uv%u page walk for %016lx:\n", v->domain->domain_id, v->vcpu_id,
           va);
    /* The L4 a 32-bit vCPU runs on is ours: its walk starts below. */
    if ( is_pv32(v->domain) )
        root = v->arch.pv.guest_table;
    guest_walk(v, root, va, 0, true);
}

/*
 * The validated L1 table at l1, d's, with a general and a type reference
 * on it and its lock held; NULL (nothing held) if it is no such table.
 */
static struct page_info *lock_l1_table(struct domain *d, mfn_t l1)
{
    struct page_info *pg;
    unsigned int level;

    if ( !mfn_valid(l1) )
        return NULL;
    pg = mfn_to_page(l1);
    if ( !get_page(pg, d) )
        return NULL;
    spin_lock(pt_lock(pg));
    level = get_validated_table(pg);
    if ( level == 1 )
        return pg;
    spin_unlock(pt_lock(pg));
    if ( level )
        put_page_type(pg);
    put_page(pg);
    return NULL;
}

static void unlock_l1_table(struct page_info *pg)
{
    spin_unlock(pt_lock(pg));
    put_page_type(pg);
    put_page(pg);
}

int pv_update_va_l1e(struct vcpu *v, unsigned long va, pte_t val,
                     struct domain *pg_owner)
{
    struct domain *d = v->domain;
    struct page_info *pg = lock_l1_table(d, guest_l1_for_va(v, va));
    pte_t old;
    int rc;

    if ( !pg )
        return -EINVAL;
    rc = mod_entry(pg, 1, pt_offset(1, va), val, false, d, pg_owner, false,
                   &old);
    unlock_l1_table(pg);
    put_entry_refs(1, old, NULL);
    return rc;
}

/*
 * Takes the L1 entry that maps va in v's kernel page tables out of its
 * table, references and all: *taken holds them now.  -EINVAL if no L1
 * maps va.
 */
static int take_l1e(struct vcpu *v, unsigned long va, pte_t *taken)
{
    struct page_info *pg = lock_l1_table(v->domain, guest_l1_for_va(v, va));

    if ( !pg )
        return -EINVAL;
    *taken = __atomic_exchange_n((pte_t *)page_to_virt(pg) + pt_offset(1, va),
                                 0, __ATOMIC_ACQ_REL);
    unlock_l1_table(pg);
    return 0;
}

/*
 * Puts `with` (an entry whose references the caller holds, or 0) where
 * the grant mapping of mfn is, after the checks pv_zap_grant_l1e()
 * describes; the references the old entry held go.
 */
static int replace_grant_l1e(struct vcpu *v, uint64_t addr, bool is_ptr,
                             mfn_t mfn, bool rw, pte_t with, pte_t *found)
{
    struct domain *d = v->domain;
    unsigned int slot = is_ptr ? (addr & ~PAGE_MASK) / sizeof(pte_t)
                               : pt_offset(1, addr);
    struct page_info *pg;
    pte_t old, put = 0;
    int rc = 0;

    *found = 0;
    if ( is_ptr && (addr & (sizeof(pte_t) - 1)) )
        return -EINVAL;
    pg = lock_l1_table(d,
                       is_ptr ? maddr_to_mfn(addr) : guest_l1_for_va(v, addr));
    if ( !pg )
        return -EINVAL;
    /* Under the table's lock only the hardware's A/D bits can change. */
    old = __atomic_load_n((pte_t *)page_to_virt(pg) + slot, __ATOMIC_RELAXED);
    *found = old;
    if ( !(old & _PAGE_PRESENT) || !mfn_eq(pte_mfn(old), mfn) ||
         !(old & _PAGE_RW) != !rw )
        rc = -ESRCH;
    else if ( !with )
        rc = mod_entry(pg, 1, slot, 0, false, d, d, false, &put);
    else
        put = __atomic_exchange_n((pte_t *)page_to_virt(pg) + slot, with,
                                  __ATOMIC_ACQ_REL);
    unlock_l1_table(pg);
    /* As mod_entry() says: not under the lock. */
    put_entry_refs(1, put, NULL);
    return rc;
}

int pv_zap_grant_l1e(struct vcpu *v, uint64_t addr, bool is_ptr, mfn_t mfn,
                     bool rw, pte_t *found)
{
    return replace_grant_l1e(v, addr, is_ptr, mfn, rw, 0, found);
}

int pv_replace_grant_l1e(struct vcpu *v, uint64_t addr, mfn_t mfn, bool rw,
                         unsigned long new_addr, pte_t *found)
{
    pte_t taken = 0;
    int rc;

    *found = 0;
    if ( new_addr && take_l1e(v, new_addr, &taken) )
        return -EINVAL;
    rc = replace_grant_l1e(v, addr, false, mfn, rw, taken, found);
    /* Nowhere to go: what the entry at new_addr held goes with it. */
    if ( rc )
        put_entry_refs(1, taken, NULL);
    return rc;
}
