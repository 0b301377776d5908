/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for the PV MMU: references, types, validation, hypercalls. */
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
/* The hypervisor's layout first, as its builds force-include it. */
#include <asm/config.h>
#include <xen/errno.h>
#include <xen/hypercall.h>
#include <xen/mm.h>
#include <xen/page_owner.h>
#include <xen/sched.h>
#include <asm/current.h>
#include <asm/domain.h>
#include <asm/e820.h>
#include <asm/m2p.h>
#include <asm/mm.h>
#include <asm/pv/compat_mm.h>
#include <asm/pv/mm.h>
#include <asm/uaccess.h>
#include <public/memory.h>
#include <public/xen.h>
#include "check.h"
#include "preempt.h"
#include "stubs.h"

#define NR_FRAMES       4096UL
/* Frames never given to the heap: RAM that no domain owns. */
#define NR_UNMANAGED    16UL

#define P               _PAGE_PRESENT
#define RW              (_PAGE_PRESENT | _PAGE_RW)
#define AD              (_PAGE_ACCESSED | _PAGE_DIRTY)
#define GUEST_KERNEL    (1UL << 52)

static struct domain *dom0, *domA, *domB;
/* A 32-bit PAE guest (docs/misc/compat32.md). */
static struct domain *dom32;
static char *fault_page;

/* ---- helpers ---- */

static struct domain *make_domain(domid_t id, bool privileged)
{
    struct domain *d = calloc(1, sizeof(*d));
    struct vcpu *v = calloc(1, sizeof(*v));

    d->domain_id = id;
    d->is_privileged = privileged;
    d->max_pages = NR_FRAMES;
    page_list_init(&d->page_list);
    memset(&d->arch, 0, sizeof(d->arch));
    d->max_vcpus = 1;
    d->vcpu = calloc(1, sizeof(*d->vcpu));
    d->vcpu[0] = v;
    v->domain = d;
    memset(&v->arch, 0, sizeof(v->arch));
    v->arch.pv.guest_table = INVALID_MFN;
    v->arch.pv.guest_table_user = INVALID_MFN;
    return d;
}

static void run_as(struct domain *d)
{
    get_cpu_info()->current_vcpu = d->vcpu[0];
}

static unsigned long new_frame(struct domain *d)
{
    struct page_info *pg = alloc_domain_pages(d, 0, 0);

    if ( !pg )
    {
        printf("FAIL: setup: out of frames\n");
        exit(1);
    }
    return mfn_x(page_to_mfn(pg));
}

static struct page_info *pg_of(unsigned long mfn)
{
    return mfn_to_page(_mfn(mfn));
}

static pte_t *tab(unsigned long mfn)
{
    return mfn_to_virt(_mfn(mfn));
}

static unsigned long refs(unsigned long mfn)
{
    return pg_of(mfn)->count_info & PGC_count_mask;
}

static unsigned long tcount(unsigned long mfn)
{
    return pg_of(mfn)->u.inuse.type_info & PGT_count_mask;
}

static unsigned long ttype(unsigned long mfn)
{
    return pg_of(mfn)->u.inuse.type_info & PGT_type_mask;
}

static pte_t ent(unsigned long mfn, pte_t flags)
{
    return ((pte_t)mfn << PAGE_SHIFT) | flags;
}

static uint64_t slot_ma(unsigned long mfn, unsigned int slot)
{
    return ((uint64_t)mfn << PAGE_SHIFT) + slot * 8;
}

static long mmu(mmu_update_t *reqs, unsigned int n, unsigned int *done,
                unsigned int foreigndom)
{
    XEN_GUEST_HANDLE_PARAM(mmu_update_t) h = { reqs };
    XEN_GUEST_HANDLE_PARAM(uint) dh = { done };

    return do_mmu_update(h, n, dh, foreigndom);
}

static long mmu1(uint64_t ptr, uint64_t val)
{
    mmu_update_t u = { ptr, val };

    return mmu(&u, 1, NULL, DOMID_SELF);
}

static long extf(unsigned int cmd, unsigned long arg1, unsigned long arg2,
                 unsigned int foreigndom)
{
    struct mmuext_op op = { .cmd = cmd };
    XEN_GUEST_HANDLE_PARAM(mmuext_op_t) h = { &op };
    XEN_GUEST_HANDLE_PARAM(uint) dh = { NULL };

    op.arg1.mfn = arg1;
    op.arg2.src_mfn = arg2;
    return do_mmuext_op(h, 1, dh, foreigndom);
}

static long ext(unsigned int cmd, unsigned long arg1)
{
    return extf(cmd, arg1, 0, DOMID_SELF);
}

/* Every frame's general and type counts and pin flag, to compare later. */
struct snap {
    unsigned long c[NR_FRAMES], t[NR_FRAMES];
};

static void take_snap(struct snap *s)
{
    unsigned long i;

    for ( i = 0; i < NR_FRAMES; i++ )
    {
        s->c[i] = frame_table[i].count_info & PGC_count_mask;
        s->t[i] = frame_table[i].u.inuse.type_info &
                  (PGT_count_mask | PGT_pinned);
    }
}

/* The first frame whose counts differ from s, or -1. */
static long snap_diff(const struct snap *s)
{
    struct snap *now = malloc(sizeof(*now));
    long i, r = -1;

    take_snap(now);
    for ( i = 0; i < (long)NR_FRAMES && r < 0; i++ )
        if ( now->c[i] != s->c[i] || now->t[i] != s->t[i] )
            r = i;
    free(now);
    return r;
}

/* A four-level tree mapping va -> data (flags l1f), not yet validated. */
struct tree {
    unsigned long l4, l3, l2, l1;
};

static struct tree build_tree(struct domain *d, unsigned long va,
                              unsigned long data, pte_t l1f)
{
    struct tree t = { new_frame(d), new_frame(d), new_frame(d),
                      new_frame(d) };

    tab(t.l4)[l4_table_offset(va)] = ent(t.l3, RW | AD);
    tab(t.l3)[l3_table_offset(va)] = ent(t.l2, RW | AD);
    tab(t.l2)[l2_table_offset(va)] = ent(t.l1, RW | AD);
    tab(t.l1)[l1_table_offset(va)] = ent(data, l1f);
    return t;
}

/* ---- cases ---- */

static void test_m2p(void)
{
    CASE("m2p: entries start invalid, set/get, range checked")
    {
        CHECK_EQ(get_gpfn_from_mfn(100), INVALID_M2P_ENTRY);
        set_gpfn_from_mfn(100, 0x1234);
        CHECK_EQ(get_gpfn_from_mfn(100), 0x1234);
        set_gpfn_from_mfn(100, INVALID_M2P_ENTRY);
        set_gpfn_from_mfn(NR_FRAMES, 5);
        CHECK_EQ(get_gpfn_from_mfn(NR_FRAMES), INVALID_M2P_ENTRY);
        CHECK(mfn_valid(m2p_chunk_mfn(0)));
        CHECK(!mfn_valid(m2p_chunk_mfn(1)));
    }

    CASE("m2p: guests can read it (USER at every level), never write it")
    {
        unsigned long va = RO_MPT_VIRT_START + 100 * 8;
        pte_t l4e = idle_pg_table[l4_table_offset(va)], l3e, l2e, l1e;

        l3e = ((pte_t *)maddr_to_virt(l4e & PTE_ADDR_MASK))
              [l3_table_offset(va)];
        l2e = ((pte_t *)maddr_to_virt(l3e & PTE_ADDR_MASK))
              [l2_table_offset(va)];
        l1e = ((pte_t *)maddr_to_virt(l2e & PTE_ADDR_MASK))
              [l1_table_offset(va)];
        CHECK((l4e & l3e & l2e & l1e & (P | _PAGE_USER)) ==
              (P | _PAGE_USER));
        CHECK(!(l1e & _PAGE_RW));
        /* The mapping shows the entry the hypervisor writes. */
        set_gpfn_from_mfn(100, 77);
        CHECK_EQ(*(unsigned long *)((char *)maddr_to_virt(l1e & PTE_ADDR_MASK)
                                    + (va & ~PAGE_MASK)), 77);
        set_gpfn_from_mfn(100, INVALID_M2P_ENTRY);
        /* Its frames belong to no domain: nobody may map them. */
        CHECK(!get_page(pg_of(mfn_x(m2p_chunk_mfn(0))), domA));
    }
}

static void test_refs(void)
{
    CASE("refs: get_page only for the owner; free/unowned frames refused")
    {
        unsigned long a = new_frame(domA);

        CHECK_EQ(refs(a), 1);
        CHECK(get_page(pg_of(a), domA));
        CHECK_EQ(refs(a), 2);
        CHECK(!get_page(pg_of(a), domB));
        CHECK_EQ(refs(a), 2);
        put_page(pg_of(a));
        CHECK(!get_page(pg_of(3), domA));          /* never in the heap */
        CHECK(!get_page(pg_of(a), NULL));
        put_page_alloc_ref(pg_of(a));
        CHECK(page_state_is(pg_of(a), free));
        CHECK(!get_page(pg_of(a), domA));           /* freed */
    }

    CASE("refs: the last put returns the frame and its accounting")
    {
        unsigned long free0 = total_free_pages(), tot0 = domA->tot_pages;
        unsigned long a = new_frame(domA);
        struct page_info *p;
        bool listed = false;

        CHECK_EQ(domA->tot_pages, tot0 + 1);
        CHECK_EQ(total_free_pages(), free0 - 1);
        page_list_for_each(p, &domA->page_list)
            listed |= p == pg_of(a);
        CHECK(listed);
        CHECK(get_page(pg_of(a), domA));
        put_page_alloc_ref(pg_of(a));
        put_page_alloc_ref(pg_of(a));               /* only once */
        CHECK(page_state_is(pg_of(a), inuse));      /* our ref keeps it */
        CHECK_EQ(domA->tot_pages, tot0 + 1);
        put_page(pg_of(a));
        CHECK(page_state_is(pg_of(a), free));
        CHECK_EQ(domA->tot_pages, tot0);
        CHECK_EQ(total_free_pages(), free0);
        listed = false;
        page_list_for_each(p, &domA->page_list)
            listed |= p == pg_of(a);
        CHECK(!listed);
    }

    CASE("refs: the count never overflows into the flags")
    {
        unsigned long a = new_frame(domA);
        unsigned long saved = pg_of(a)->count_info;

        pg_of(a)->count_info = (saved & ~PGC_count_mask) |
                               (PGC_count_mask - 1);
        CHECK(!get_page(pg_of(a), domA));
        CHECK_EQ(refs(a), PGC_count_mask - 1);
        pg_of(a)->count_info = saved;
        put_page_alloc_ref(pg_of(a));
    }

    CASE("refs: max_pages bounds a domain's allocations")
    {
        unsigned long max = domB->max_pages;

        domB->max_pages = domB->tot_pages;
        CHECK(!alloc_domain_pages(domB, 0, 0));
        domB->max_pages = max;
    }
}

static void test_validation(void)
{
    CASE("validate: a good L4-L1 tree, its counts, and back to baseline")
    {
        struct snap *s = malloc(sizeof(*s));
        unsigned long data = new_frame(domA), ro = new_frame(domA);
        struct tree t = build_tree(domA, 0x400000, data, RW | AD);

        tab(t.l1)[7] = ent(ro, P);
        tab(t.l4)[256] = ent(data, RW);     /* junk in a hypervisor slot */
        take_snap(s);
        run_as(domA);
        CHECK_EQ(ext(MMUEXT_PIN_L4_TABLE, t.l4), 0);
        CHECK_EQ(ttype(t.l4), PGT_l4_page_table);
        CHECK_EQ(ttype(t.l3), PGT_l3_page_table);
        CHECK_EQ(ttype(t.l2), PGT_l2_page_table);
        CHECK_EQ(ttype(t.l1), PGT_l1_page_table);
        CHECK_EQ(ttype(data), PGT_writable_page);
        CHECK_EQ(tcount(t.l4), 1);
        CHECK_EQ(refs(t.l4), 2);
        CHECK_EQ(tcount(t.l3), 1);
        CHECK_EQ(refs(t.l3), 2);
        CHECK_EQ(tcount(t.l1), 1);
        CHECK_EQ(tcount(data), 1);
        CHECK_EQ(refs(data), 2);
        CHECK_EQ(tcount(ro), 0);
        CHECK_EQ(refs(ro), 2);
        /*
         * The hypervisor's slots are the idle table's, not the guest's;
         * the RO M2P's (256) only once the L4 is a kernel table.
         */
        CHECK_EQ(tab(t.l4)[256], 0);
        CHECK_EQ(tab(t.l4)[262], STUB_XEN_SLOT(262));
        /* Ring-3 guest kernel: entries get USER, kernel-only ones marked. */
        CHECK(tab(t.l3)[l3_table_offset(0x400000)] & _PAGE_USER);
        CHECK_EQ(tab(t.l1)[7], ent(ro, P | _PAGE_USER | GUEST_KERNEL));
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, t.l4), 0);
        CHECK_EQ(snap_diff(s), -1);
        free(s);
    }

    CASE("validate: pin and unpin at every level return to baseline")
    {
        struct snap *s = malloc(sizeof(*s));
        unsigned long data = new_frame(domA);
        struct tree t = build_tree(domA, 0x7fff00000000UL, data, P);
        unsigned long f[4] = { t.l1, t.l2, t.l3, t.l4 };
        unsigned int lvl;

        take_snap(s);
        run_as(domA);
        for ( lvl = 1; lvl <= 4; lvl++ )
        {
            CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE + lvl - 1, f[lvl - 1]), 0);
            CHECK(pg_of(f[lvl - 1])->u.inuse.type_info & PGT_pinned);
            CHECK_EQ(refs(data), 2);
            CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, f[lvl - 1]), 0);
            CHECK_EQ(snap_diff(s), -1);
        }
        free(s);
    }

    CASE("validate: an empty frame pins as any level (mini-os case)")
    {
        unsigned long t = new_frame(domA);
        unsigned int lvl;

        run_as(domA);
        for ( lvl = 0; lvl < 4; lvl++ )
        {
            CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE + lvl, t), 0);
            CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, t), 0);
        }
        CHECK_EQ(tcount(t), 0);
        CHECK_EQ(refs(t), 1);
    }

    CASE("validate: a failure deep down leaves nothing referenced")
    {
        struct snap *s = malloc(sizeof(*s));
        unsigned long data = new_frame(domA), other = new_frame(domB);
        struct tree t = build_tree(domA, 0x400000, data, RW);

        tab(t.l1)[100] = ent(other, P);
        take_snap(s);
        run_as(domA);
        CHECK_EQ(ext(MMUEXT_PIN_L4_TABLE, t.l4), -EBUSY);
        CHECK_EQ(snap_diff(s), -1);
        CHECK_EQ(ttype(t.l4), PGT_none);
        free(s);
    }
}

static void test_invariants(void)
{
    CASE("invariant: another domain's frame is never mapped")
    {
        unsigned long l1 = new_frame(domA), b = new_frame(domB);

        run_as(domA);
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, l1), 0);
        CHECK_EQ(mmu1(slot_ma(l1, 0), ent(b, RW)), -EBUSY);
        CHECK_EQ(mmu1(slot_ma(l1, 0), ent(b, P)), -EBUSY);
        CHECK_EQ(tab(l1)[0], 0);
        CHECK_EQ(refs(b), 1);
        CHECK_EQ(tcount(b), 0);
        /* Nor pinned, nor named in mmu_update's ptr. */
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, b), -EINVAL);
        CHECK_EQ(mmu1(slot_ma(b, 0), 0), -EINVAL);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, l1), 0);
    }

    CASE("invariant: no writable mapping of a page-table frame (-EBUSY)")
    {
        unsigned long l1 = new_frame(domA), t = new_frame(domA);

        run_as(domA);
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, l1), 0);
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, t), 0);
        CHECK_EQ(mmu1(slot_ma(l1, 1), ent(t, RW)), -EBUSY);
        /* Not even of itself, and read-only is fine. */
        CHECK_EQ(mmu1(slot_ma(l1, 2), ent(l1, RW)), -EBUSY);
        CHECK_EQ(mmu1(slot_ma(l1, 2), ent(l1, P)), 0);
        CHECK_EQ(refs(l1), 3);
        CHECK_EQ(tcount(l1), 1);
        CHECK_EQ(mmu1(slot_ma(l1, 2), 0), 0);
        CHECK_EQ(refs(l1), 2);
        /* A frame that maps itself writable can't become a table. */
        tab(t)[0] = 0;
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, t), 0);
        tab(t)[3] = ent(t, RW);
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, t), -EBUSY);
        CHECK_EQ(tcount(t), 0);
        CHECK_EQ(refs(t), 1);
        tab(t)[3] = 0;
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, l1), 0);
    }

    CASE("invariant: a writable frame can't become a table (type in use)")
    {
        unsigned long l1 = new_frame(domA), d = new_frame(domA);

        run_as(domA);
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, l1), 0);
        CHECK_EQ(mmu1(slot_ma(l1, 0), ent(d, RW)), 0);
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, d), -EINVAL);
        CHECK_EQ(ext(MMUEXT_NEW_BASEPTR, d), -EINVAL);
        CHECK_EQ(ttype(d), PGT_writable_page);
        /* Once unmapped it can. */
        stub_reset();
        CHECK_EQ(mmu1(slot_ma(l1, 0), 0), 0);
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, d), 0);
        CHECK(stub_flush_all >= 1);     /* stale writable TLB entries */
        /* Where domA's tables, or any that may map its frames, are loaded. */
        CHECK(stub_flush_frames_of == domA);
        CHECK_EQ(ext(MMUEXT_PIN_L2_TABLE, d), -EINVAL);     /* one type */
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, d), -EINVAL);     /* once */
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, d), 0);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, d), -EINVAL);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, l1), 0);
        CHECK_EQ(refs(d), 1);
        CHECK_EQ(tcount(d), 0);
    }

    CASE("invariant: hypervisor memory is out of reach")
    {
        unsigned long l4 = new_frame(domA), l3 = new_frame(domA);
        unsigned long l1 = new_frame(domA), xh;
        unsigned int s;
        void *xp = alloc_xenheap_page();

        xh = mfn_x(virt_to_mfn(xp));
        run_as(domA);
        CHECK_EQ(ext(MMUEXT_PIN_L4_TABLE, l4), 0);
        CHECK_EQ(ext(MMUEXT_PIN_L3_TABLE, l3), 0);
        for ( s = 256; s < 272; s++ )
            CHECK_EQ(mmu1(slot_ma(l4, s), ent(l3, RW)), -EINVAL);
        CHECK_EQ(mmu1(slot_ma(l4, 255), ent(l3, RW)), 0);
        CHECK_EQ(mmu1(slot_ma(l4, 272), ent(l3, RW)), 0);
        CHECK_EQ(tcount(l3), 3);
        /* Xenheap and never-allocated RAM: owned by nobody. */
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, l1), 0);
        CHECK_EQ(mmu1(slot_ma(l1, 0), ent(xh, P)), -EBUSY);
        CHECK_EQ(mmu1(slot_ma(l1, 0), ent(5, RW)), -EBUSY);
        /* Nor the hypervisor's own page tables, nor MMIO for a domU. */
        CHECK_EQ(mmu1(slot_ma(l1, 0),
                      idle_pg_table[256] & (PTE_ADDR_MASK | P)), -EBUSY);
        CHECK_EQ(mmu1(slot_ma(l1, 0), ent(NR_FRAMES + 10, RW)), -EPERM);
        CHECK_EQ(tab(l1)[0], 0);
        CHECK_EQ(mmu1(slot_ma(l4, 255), 0), 0);
        CHECK_EQ(mmu1(slot_ma(l4, 272), 0), 0);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, l4), 0);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, l3), 0);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, l1), 0);
        CHECK_EQ(tcount(l3), 0);
        free_xenheap_page(xp);
    }

    CASE("invariant: bad flags and superpages are refused (-EINVAL)")
    {
        unsigned long l1 = new_frame(domA), l2 = new_frame(domA);
        unsigned long d = new_frame(domA), l1b = new_frame(domA);

        run_as(domA);
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, l1), 0);
        CHECK_EQ(ext(MMUEXT_PIN_L2_TABLE, l2), 0);
        CHECK_EQ(mmu1(slot_ma(l1, 0), ent(d, RW | _PAGE_PCD)), -EINVAL);
        CHECK_EQ(mmu1(slot_ma(l1, 0), ent(d, RW | (1UL << 62))), -EINVAL);
        CHECK_EQ(mmu1(slot_ma(l1, 0), ent(d, RW | _PAGE_GLOBAL |
                                          _PAGE_NX | (1UL << 55))), 0);
        CHECK_EQ(mmu1(slot_ma(l2, 0), ent(l1b, RW | _PAGE_PSE)), -EINVAL);
        CHECK_EQ(mmu1(slot_ma(l2, 0), ent(l1b, RW | _PAGE_GLOBAL)), -EINVAL);
        CHECK_EQ(mmu1(slot_ma(l2, 0), ent(l1b, RW)), 0);
        /* An L2 entry to a non-L1 frame: type conflict. */
        CHECK_EQ(mmu1(slot_ma(l2, 1), ent(d, RW)), -EINVAL);
        CHECK_EQ(tcount(l1b), 1);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, l2), 0);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, l1), 0);
        CHECK_EQ(tcount(l1b), 0);
        CHECK_EQ(tcount(d), 0);
        CHECK_EQ(refs(d), 1);
        /* Validation refuses the same entries as updates do. */
        tab(l2)[0] = ent(l1b, RW | _PAGE_PSE);
        CHECK_EQ(ext(MMUEXT_PIN_L2_TABLE, l2), -EINVAL);
        tab(l2)[0] = ent(l1b, RW | _PAGE_PCD);
        CHECK_EQ(ext(MMUEXT_PIN_L2_TABLE, l2), -EINVAL);
        tab(l2)[0] = 0;
        tab(l1)[0] = ent(d, RW | _PAGE_PCD);
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, l1), -EINVAL);
        tab(l1)[0] = 0;
        CHECK_EQ(tcount(l1b) + tcount(d) + tcount(l1) + tcount(l2), 0);
    }

    CASE("invariant: dom0 may map MMIO and use cache attributes")
    {
        unsigned long l1 = new_frame(dom0), d = new_frame(dom0);

        run_as(dom0);
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, l1), 0);
        CHECK_EQ(mmu1(slot_ma(l1, 0), ent(NR_FRAMES + 10, RW | _PAGE_PCD)),
                 0);
        CHECK_EQ(mmu1(slot_ma(l1, 1), ent(d, RW | _PAGE_PWT)), 0);
        CHECK_EQ(mmu1(slot_ma(l1, 0), 0), 0);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, l1), 0);
        CHECK_EQ(refs(d), 1);
    }

    CASE("invariant: MMIO the hypervisor took (an MSI-X table) is dom0's "
         "read-only, by update or by pin; RAM is never so changed")
    {
        unsigned long l1 = new_frame(dom0), l1b = new_frame(dom0);
        unsigned long d = new_frame(dom0), io = NR_FRAMES + 11;

        run_as(dom0);
        stub_ro_mmio = io;
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, l1), 0);
        CHECK_EQ(mmu1(slot_ma(l1, 0), ent(io, RW | _PAGE_PCD)), 0);
        CHECK(tab(l1)[0] & _PAGE_PRESENT);
        CHECK_EQ(tab(l1)[0] & _PAGE_RW, 0);
        CHECK_EQ(mmu1(slot_ma(l1, 1), ent(io + 1, RW)), 0);
        CHECK(tab(l1)[1] & _PAGE_RW);
        tab(l1b)[0] = ent(io, RW);
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, l1b), 0);
        CHECK_EQ(tab(l1b)[0] & _PAGE_RW, 0);
        /* A BAR pointed into RAM: the writable reference stays right. */
        stub_ro_mmio = d;
        CHECK_EQ(mmu1(slot_ma(l1, 2), ent(d, RW)), 0);
        CHECK(tab(l1)[2] & _PAGE_RW);
        stub_ro_mmio = 0;
        CHECK_EQ(mmu1(slot_ma(l1, 2), 0), 0);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, l1), 0);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, l1b), 0);
        CHECK_EQ(refs(d), 1);
        CHECK_EQ(tcount(d), 0);
    }

    CASE("invariant: firmware frames inside RAM's span are dom0's I/O memory")
    {
        unsigned long l1 = new_frame(dom0), l1a = new_frame(domA);
        unsigned long fw = 5;   /* never allocated: owned by nobody */
        struct e820map ram = e820;

        /* The e820 map says frame 5 is firmware's, not RAM. */
        e820.nr_map = 0;
        e820_add_range(&e820, 0, (uint64_t)fw << PAGE_SHIFT, E820_RAM);
        e820_add_range(&e820, (uint64_t)fw << PAGE_SHIFT,
                       (uint64_t)(fw + 1) << PAGE_SHIFT, E820_RESERVED);
        e820_add_range(&e820, (uint64_t)(fw + 1) << PAGE_SHIFT, 1ULL << 40,
                       E820_RAM);
        run_as(dom0);
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, l1), 0);
        CHECK_EQ(mmu1(slot_ma(l1, 0), ent(fw, RW)), 0);
        CHECK_EQ(refs(fw), 0);
        /* Unmapping takes nothing back either. */
        CHECK_EQ(mmu1(slot_ma(l1, 0), 0), 0);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, l1), 0);
        /* A domU may not; and RAM nobody owns stays refused to dom0. */
        run_as(domA);
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, l1a), 0);
        CHECK_EQ(mmu1(slot_ma(l1a, 0), ent(fw, RW)), -EPERM);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, l1a), 0);
        e820 = ram;
        run_as(dom0);
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, l1), 0);
        CHECK_EQ(mmu1(slot_ma(l1, 0), ent(fw, RW)), -EBUSY);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, l1), 0);
    }

    CASE("invariant: a mapped frame outlives its release, freed on unmap")
    {
        unsigned long l1 = new_frame(domA), d = new_frame(domA);
        unsigned long tot = domA->tot_pages;

        run_as(domA);
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, l1), 0);
        CHECK_EQ(mmu1(slot_ma(l1, 9), ent(d, RW)), 0);
        put_page_alloc_ref(pg_of(d));       /* the guest gave it back */
        CHECK(page_state_is(pg_of(d), inuse));
        CHECK_EQ(refs(d), 1);
        CHECK_EQ(tcount(d), 1);
        CHECK_EQ(domA->tot_pages, tot);
        CHECK_EQ(mmu1(slot_ma(l1, 9), 0), 0);
        CHECK(page_state_is(pg_of(d), free));
        CHECK_EQ(domA->tot_pages, tot - 1);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, l1), 0);
    }

    CASE("invariant: shared_info is writable by its domain only")
    {
        void *si = alloc_xenheap_page();
        unsigned long m = mfn_x(virt_to_mfn(si));
        unsigned long la = new_frame(domA), lb = new_frame(domB);

        share_xen_page_with_guest(pg_of(m), domA);
        run_as(domA);
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, la), 0);
        CHECK_EQ(mmu1(slot_ma(la, 0), ent(m, RW)), 0);
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, m), -EINVAL);   /* never a table */
        run_as(domB);
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, lb), 0);
        CHECK_EQ(mmu1(slot_ma(lb, 0), ent(m, P)), -EBUSY);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, lb), 0);
        run_as(domA);
        CHECK_EQ(refs(m), 2);
        CHECK_EQ(mmu1(slot_ma(la, 0), 0), 0);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, la), 0);
        put_page_alloc_ref(pg_of(m));
        CHECK_EQ(refs(m), 0);
        CHECK(page_get_owner(pg_of(m)) == NULL);
        CHECK(page_state_is(pg_of(m), inuse));  /* still the hypervisor's */
        free_xenheap_page(si);
    }
}

static void test_mmu_update(void)
{
    CASE("mmu_update: new refs before old ones go; A/D kept on request")
    {
        unsigned long l1 = new_frame(domA), a = new_frame(domA);
        unsigned long b = new_frame(domA);

        run_as(domA);
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, l1), 0);
        CHECK_EQ(mmu1(slot_ma(l1, 4), ent(a, RW)), 0);
        CHECK_EQ(tcount(a), 1);
        /* The hardware sets A/D behind our back. */
        tab(l1)[4] |= AD;
        CHECK_EQ(mmu1(slot_ma(l1, 4) | MMU_PT_UPDATE_PRESERVE_AD,
                      ent(a, P)), 0);
        CHECK_EQ(tab(l1)[4], ent(a, P | AD | _PAGE_USER | GUEST_KERNEL));
        CHECK_EQ(tcount(a), 0);
        CHECK_EQ(refs(a), 2);
        CHECK_EQ(mmu1(slot_ma(l1, 4), ent(b, RW | _PAGE_USER)), 0);
        CHECK_EQ(tab(l1)[4], ent(b, RW | _PAGE_USER));
        CHECK_EQ(refs(a), 1);
        CHECK_EQ(refs(b), 2);
        CHECK_EQ(mmu1(slot_ma(l1, 4) | MMU_PT_UPDATE_NO_TRANSLATE, 0), 0);
        CHECK_EQ(refs(b), 1);
        CHECK_EQ(tcount(b), 0);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, l1), 0);
    }

    CASE("mmu_update: kernel-only entries lose GLOBAL, user ones keep it")
    {
        unsigned long l1 = new_frame(domA), a = new_frame(domA);

        run_as(domA);
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, l1), 0);
        /* A global kernel page would outlive the switch to user mode. */
        CHECK_EQ(mmu1(slot_ma(l1, 0), ent(a, P | _PAGE_GLOBAL)), 0);
        CHECK_EQ(tab(l1)[0], ent(a, P | _PAGE_USER | GUEST_KERNEL));
        CHECK_EQ(mmu1(slot_ma(l1, 1), ent(a, P | _PAGE_USER |
                                          _PAGE_GLOBAL)), 0);
        CHECK_EQ(tab(l1)[1], ent(a, P | _PAGE_USER | _PAGE_GLOBAL));
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, l1), 0);
        /* Validation of a whole table does the same. */
        tab(l1)[0] = ent(a, P | _PAGE_GLOBAL);
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, l1), 0);
        CHECK_EQ(tab(l1)[0], ent(a, P | _PAGE_USER | GUEST_KERNEL));
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, l1), 0);
        CHECK_EQ(refs(a), 1);
    }

    CASE("mmu_update: stops at the first error; done counts the rest")
    {
        unsigned long l1 = new_frame(domA), a = new_frame(domA);
        unsigned long other = new_frame(domB);
        mmu_update_t u[3] = {
            { slot_ma(l1, 0), ent(a, RW) },
            { slot_ma(l1, 1), ent(other, RW) },
            { slot_ma(l1, 2), ent(a, P) },
        };
        unsigned int done = 99;

        run_as(domA);
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, l1), 0);
        CHECK_EQ(mmu(u, 3, &done, DOMID_SELF), -EBUSY);
        CHECK_EQ(done, 1);
        CHECK_EQ(tab(l1)[0] & PTE_ADDR_MASK, ent(a, 0));
        CHECK_EQ(tab(l1)[1], 0);
        CHECK_EQ(tab(l1)[2], 0);
        CHECK_EQ(refs(a), 2);
        u[1].val = 0;
        CHECK_EQ(mmu(u + 1, 2, &done, DOMID_SELF), 0);
        CHECK_EQ(done, 2);
        CHECK_EQ(refs(a), 3);
        /* An unknown command (ptr bit 2) is -ENOSYS. */
        u[0].ptr = slot_ma(l1, 0) | 4;
        CHECK_EQ(mmu(u, 1, &done, DOMID_SELF), -ENOSYS);
        CHECK_EQ(done, 0);
        CHECK_EQ(mmu1(slot_ma(l1, 0), 0), 0);
        CHECK_EQ(mmu1(slot_ma(l1, 2), 0), 0);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, l1), 0);
        CHECK_EQ(refs(a), 1);
    }

    CASE("mmu_update: a plain page of ours is written as memory")
    {
        unsigned long p = new_frame(domA);

        run_as(domA);
        CHECK_EQ(mmu1(slot_ma(p, 5), 0xabcdef), 0);
        CHECK_EQ(tab(p)[5], 0xabcdef);
        CHECK_EQ(tcount(p), 0);
    }

    CASE("mmu_update: bad request pointer is -EFAULT, nothing changed")
    {
        unsigned long l1 = new_frame(domA), a = new_frame(domA);
        mmu_update_t *bad = (mmu_update_t *)fault_page;
        unsigned int done = 99;
        mmu_update_t u[2] = { { slot_ma(l1, 0), ent(a, RW) } };

        run_as(domA);
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, l1), 0);
        CHECK_EQ(mmu(bad, 4, &done, DOMID_SELF), -EFAULT);
        CHECK_EQ(done, 0);
        CHECK_EQ(mmu(bad, 1, NULL, DOMID_SELF), -EFAULT);
        /* The done pointer faulting changes nothing of the result. */
        CHECK_EQ(mmu(u, 1, (unsigned int *)fault_page, DOMID_SELF), 0);
        CHECK_EQ(tcount(a), 1);
        CHECK_EQ(mmu1(slot_ma(l1, 0), 0), 0);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, l1), 0);
        CHECK_EQ(refs(a), 1);
    }

    CASE("mmu_update: MACHPHYS_UPDATE only for the caller's frames")
    {
        unsigned long a = new_frame(domA), b = new_frame(domB);

        run_as(domA);
        CHECK_EQ(mmu1(((uint64_t)a << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE, 42),
                 0);
        CHECK_EQ(get_gpfn_from_mfn(a), 42);
        CHECK_EQ(mmu1(((uint64_t)b << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE, 42),
                 -EINVAL);
        CHECK_EQ(get_gpfn_from_mfn(b), INVALID_M2P_ENTRY);
        CHECK_EQ(mmu1(((uint64_t)(NR_FRAMES + 1) << PAGE_SHIFT) |
                      MMU_MACHPHYS_UPDATE, 1), -EINVAL);
        CHECK_EQ(refs(a), 1);
        /* Freed frames forget their entry. */
        put_page_alloc_ref(pg_of(a));
        CHECK_EQ(get_gpfn_from_mfn(a), INVALID_M2P_ENTRY);
    }

    CASE("mmu_update: foreign domains by privilege only")
    {
        unsigned long l1 = new_frame(domA), l10 = new_frame(dom0);
        unsigned long a = new_frame(domA), l20 = new_frame(dom0);
        unsigned long l1d0 = new_frame(dom0);
        mmu_update_t u = { slot_ma(l1, 0), ent(a, RW) };

        run_as(domA);
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, l1), 0);
        CHECK_EQ(mmu(&u, 1, NULL, 1234), -ESRCH);
        CHECK_EQ(mmu(&u, 1, NULL, domA->domain_id), -ESRCH);
        CHECK_EQ(mmu(&u, 1, NULL, domB->domain_id), -EPERM);
        CHECK_EQ(extf(MMUEXT_PIN_L1_TABLE, l1, 0, domB->domain_id), -EPERM);
        /* Refused, and own frames: not a domain that maps others'. */
        CHECK(!domA->maps_foreign);
        /* dom0 maps domA's frame into its own table: foreign mapping. */
        run_as(dom0);
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, l10), 0);
        u.ptr = slot_ma(l10, 3);
        dom0->maps_foreign = false;
        CHECK_EQ(mmu(&u, 1, NULL, domA->domain_id), 0);
        /* From now on its CPUs take part in flushes for domA's frames. */
        CHECK(dom0->maps_foreign);
        CHECK_EQ(refs(a), 2);
        CHECK_EQ(tcount(a), 1);
        /* Without naming domA it is someone else's frame. */
        u.ptr = slot_ma(l10, 4);
        CHECK_EQ(mmu(&u, 1, NULL, DOMID_SELF), -EBUSY);
        /* Only L1 entries may point at foreign frames. */
        CHECK_EQ(ext(MMUEXT_PIN_L2_TABLE, l20), 0);
        u.ptr = slot_ma(l20, 0);
        u.val = ent(l1d0, RW);
        CHECK_EQ(mmu(&u, 1, NULL, domA->domain_id), -EINVAL);
        CHECK_EQ(mmu(&u, 1, NULL, DOMID_SELF), 0);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, l20), 0);
        CHECK_EQ(tcount(l1d0), 0);
        /* Flushes and the like are the caller's own business. */
        CHECK_EQ(extf(MMUEXT_TLB_FLUSH_LOCAL, 0, 0, domA->domain_id), -EPERM);
        CHECK_EQ(mmu1(slot_ma(l10, 3), 0), 0);
        CHECK_EQ(refs(a), 1);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, l10), 0);
        /* dom0 pins domA's table for it (a domain builder). */
        CHECK_EQ(extf(MMUEXT_UNPIN_TABLE, l1, 0, domA->domain_id), 0);
        CHECK_EQ(extf(MMUEXT_PIN_L1_TABLE, l1, 0, domA->domain_id), 0);
        CHECK_EQ(extf(MMUEXT_UNPIN_TABLE, l1, 0, domA->domain_id), 0);
        CHECK_EQ(refs(l1), 1);
        CHECK_EQ(tcount(l1), 0);
    }
}

static void test_update_va_mapping(void)
{
    CASE("update_va_mapping: walks the tables; missing levels are -EINVAL")
    {
        unsigned long va = 0x7f0000201000UL;
        unsigned long data = new_frame(domA), d2 = new_frame(domA);
        struct tree t = build_tree(domA, va, data, RW);
        struct vcpu *v = domA->vcpu[0];

        run_as(domA);
        CHECK_EQ(ext(MMUEXT_NEW_BASEPTR, t.l4), 0);
        CHECK_EQ(do_update_va_mapping(va, ent(d2, RW), UVMF_NONE), 0);
        CHECK_EQ(tab(t.l1)[l1_table_offset(va)] & PTE_ADDR_MASK, ent(d2, 0));
        CHECK_EQ(refs(data), 1);
        CHECK_EQ(tcount(d2), 1);
        /* Same L2, another L1 slot's neighbour region: no L1 there. */
        CHECK_EQ(do_update_va_mapping(va + L2_PAGE_SIZE, ent(d2, P), 0),
                 -EINVAL);
        /* No L3 entry. */
        CHECK_EQ(do_update_va_mapping(va + L3_PAGE_SIZE, ent(d2, P), 0),
                 -EINVAL);
        /* No L4 entry, the hypervisor's range, a non-canonical address. */
        CHECK_EQ(do_update_va_mapping(0x1000, ent(d2, P), 0), -EINVAL);
        CHECK_EQ(do_update_va_mapping(HYPERVISOR_VIRT_START + PAGE_SIZE,
                                      ent(d2, P), 0), -EINVAL);
        CHECK_EQ(do_update_va_mapping(0x0000800000000000UL, ent(d2, P), 0),
                 -EINVAL);
        /* Mapping the L1 itself writable: -EBUSY, as Xen. */
        CHECK_EQ(do_update_va_mapping(va, ent(t.l1, RW), 0), -EBUSY);
        CHECK_EQ(do_update_va_mapping(va, ent(t.l1, P), 0), 0);
        CHECK_EQ(tcount(d2), 0);
        CHECK_EQ(do_update_va_mapping(va, 0, 0), 0);
        /* No page tables installed at all. */
        run_as(domB);
        CHECK_EQ(do_update_va_mapping(va, 0, 0), -EINVAL);
        run_as(domA);
        CHECK(mfn_eq(v->arch.pv.guest_table, _mfn(t.l4)));
        CHECK_EQ(tcount(t.l4), 1);
    }

    CASE("update_va_mapping: flush kinds and vCPU masks")
    {
        unsigned long va = 0x7f0000201000UL;
        unsigned long d2 = new_frame(domA), mask = 1;
        pte_t e = ent(d2, P);

        run_as(domA);
        stub_reset();
        CHECK_EQ(do_update_va_mapping(va, e, UVMF_TLB_FLUSH | UVMF_LOCAL), 0);
        CHECK_EQ(stub_flush_all, 1);
        CHECK_EQ(stub_last_mask, 1);
        CHECK_EQ(do_update_va_mapping(va, e, UVMF_INVLPG | UVMF_ALL), 0);
        CHECK_EQ(stub_flush_one, 1);
        CHECK_EQ(stub_last_va, va);
        CHECK(stub_flush_domain == domA);
        CHECK_EQ(do_update_va_mapping(va, e, UVMF_INVLPG | UVMF_MULTI |
                                      (unsigned long)&mask), 0);
        CHECK_EQ(stub_flush_one, 2);
        CHECK_EQ(stub_last_mask, 1);
        mask = 0;
        CHECK_EQ(do_update_va_mapping(va, e, UVMF_TLB_FLUSH |
                                      (unsigned long)&mask), 0);
        CHECK_EQ(stub_last_mask, 0);
        CHECK_EQ(do_update_va_mapping(va, e, UVMF_TLB_FLUSH |
                                      (unsigned long)fault_page), -EFAULT);
        CHECK_EQ(do_update_va_mapping(va, 0, UVMF_NONE), 0);
        CHECK_EQ(refs(d2), 1);
    }

    CASE("replace_grant_l1e: host_addr's entry takes new_addr's, refs move")
    {
        unsigned long va = 0x7f0000201000UL, nva = va + PAGE_SIZE;
        unsigned long own = new_frame(domA), foreign = new_frame(domB);
        unsigned long l1;
        pte_t found, mine;

        /* The tree the first update_va_mapping case installed. */
        run_as(domA);
        l1 = (tab(mfn_x(domA->vcpu[0]->arch.pv.guest_table))
              [l4_table_offset(va)] & PTE_ADDR_MASK) >> PAGE_SHIFT;
        l1 = (tab(l1)[l3_table_offset(va)] & PTE_ADDR_MASK) >> PAGE_SHIFT;
        l1 = (tab(l1)[l2_table_offset(va)] & PTE_ADDR_MASK) >> PAGE_SHIFT;
        /* A foreign mapping stands in for the grant's PTE. */
        CHECK_EQ(pv_update_va_l1e(domA->vcpu[0], va, ent(foreign, RW),
                                  domB), 0);
        CHECK_EQ(do_update_va_mapping(nva, ent(own, RW), 0), 0);
        mine = tab(l1)[l1_table_offset(nva)];
        CHECK_EQ(refs(foreign), 2);
        CHECK_EQ(pv_replace_grant_l1e(domA->vcpu[0], va, _mfn(foreign), true,
                                      nva, &found), 0);
        CHECK_EQ(tab(l1)[l1_table_offset(va)], mine);
        CHECK_EQ(tab(l1)[l1_table_offset(nva)], 0);
        CHECK_EQ(refs(foreign), 1);
        CHECK_EQ(tcount(foreign), 0);
        CHECK_EQ(refs(own), 2);
        CHECK_EQ(tcount(own), 1);
        /* A mismatch: new_addr's entry is gone all the same, refs too. */
        CHECK_EQ(do_update_va_mapping(nva, ent(own, P), 0), 0);
        CHECK_EQ(refs(own), 3);
        CHECK_EQ(pv_replace_grant_l1e(domA->vcpu[0], va, _mfn(foreign), true,
                                      nva, &found), -ESRCH);
        CHECK_EQ(found, mine);
        CHECK_EQ(tab(l1)[l1_table_offset(nva)], 0);
        CHECK_EQ(refs(own), 2);
        /* No L1 for new_addr: nothing changes. */
        CHECK_EQ(pv_replace_grant_l1e(domA->vcpu[0], va, _mfn(own), true,
                                      0x1000, &found), -EINVAL);
        CHECK_EQ(tab(l1)[l1_table_offset(va)], mine);
        /* new_addr 0 clears it, its references with it. */
        CHECK_EQ(pv_replace_grant_l1e(domA->vcpu[0], va, _mfn(own), true, 0,
                                      &found), 0);
        CHECK_EQ(tab(l1)[l1_table_offset(va)], 0);
        CHECK_EQ(refs(own), 1);
        CHECK_EQ(tcount(own), 0);
    }

    CASE("update_va_mapping_otherdomain: dom0 maps a domU frame")
    {
        unsigned long va = 0x10000000UL;
        unsigned long d0data = new_frame(dom0), a = new_frame(domA);
        struct tree t = build_tree(dom0, va, d0data, RW);

        run_as(dom0);
        CHECK_EQ(ext(MMUEXT_NEW_BASEPTR, t.l4), 0);
        CHECK_EQ(do_update_va_mapping_otherdomain(va, ent(a, RW), 0,
                                                  domA->domain_id), 0);
        CHECK_EQ(refs(a), 2);
        CHECK_EQ(do_update_va_mapping_otherdomain(va, 0, 0, 1234), -ESRCH);
        CHECK_EQ(do_update_va_mapping(va, 0, 0), 0);
        CHECK_EQ(refs(a), 1);
        run_as(domA);
        CHECK_EQ(do_update_va_mapping_otherdomain(va, 0, 0, 0), -EPERM);
    }
}

static void test_mmuext(void)
{
    CASE("mmuext: NEW_BASEPTR holds the L4's type ref; switching drops it")
    {
        unsigned long a = new_frame(domB), b = new_frame(domB);
        struct vcpu *v = domB->vcpu[0];

        run_as(domB);
        stub_reset();
        CHECK_EQ(ext(MMUEXT_NEW_BASEPTR, a), 0);
        CHECK_EQ(ttype(a), PGT_l4_page_table);
        CHECK_EQ(tcount(a), 1);
        CHECK_EQ(refs(a), 2);
        CHECK_EQ(stub_cr3_updates, 1);
        CHECK_EQ(ext(MMUEXT_NEW_USER_BASEPTR, b), 0);
        CHECK(mfn_eq(v->arch.pv.guest_table_user, _mfn(b)));
        CHECK_EQ(ext(MMUEXT_NEW_USER_BASEPTR, 0), 0);
        CHECK(mfn_eq(v->arch.pv.guest_table_user, INVALID_MFN));
        CHECK_EQ(tcount(b), 0);
        CHECK_EQ(ext(MMUEXT_NEW_BASEPTR, b), 0);
        CHECK_EQ(tcount(a), 0);
        CHECK_EQ(refs(a), 1);
        CHECK_EQ(ext(MMUEXT_NEW_BASEPTR, 0), -EINVAL);
        CHECK(mfn_eq(v->arch.pv.guest_table, _mfn(b)));
        /* No such frame, as a kernel or a user table: refused, as Xen. */
        CHECK_EQ(ext(MMUEXT_NEW_BASEPTR, NR_FRAMES + 5), -EINVAL);
        CHECK_EQ(ext(MMUEXT_NEW_USER_BASEPTR, NR_FRAMES + 5), -EINVAL);
        CHECK(mfn_eq(v->arch.pv.guest_table, _mfn(b)));
        CHECK(mfn_eq(v->arch.pv.guest_table_user, INVALID_MFN));
    }

    CASE("mmuext: the RO M2P slot as m2p_strict says, kernel and user")
    {
        unsigned long k = new_frame(domB), u = new_frame(domB);
        struct vcpu *v = domB->vcpu[0];
        mfn_t old = v->arch.pv.guest_table;

        run_as(domB);
        /* Not strict: a kernel table gets it, a user table doesn't. */
        CHECK_EQ(ext(MMUEXT_PIN_L4_TABLE, u), 0);
        CHECK_EQ(tab(u)[256], 0);
        CHECK_EQ(ext(MMUEXT_NEW_USER_BASEPTR, u), 0);
        CHECK_EQ(tab(u)[256], 0);
        CHECK_EQ(ext(MMUEXT_NEW_BASEPTR, k), 0);
        CHECK_EQ(tab(k)[256], idle_pg_table[256]);
        CHECK_EQ(ext(MMUEXT_NEW_BASEPTR, mfn_x(old)), 0);
        CHECK_EQ(ext(MMUEXT_NEW_USER_BASEPTR, 0), 0);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, u), 0);
        /* Strict: every new L4 has it, a user table loses it. */
        domB->arch.pv.vm_assist = 1UL << VMASST_TYPE_m2p_strict;
        memset(tab(k), 0, PAGE_SIZE);
        CHECK_EQ(ext(MMUEXT_PIN_L4_TABLE, u), 0);
        CHECK_EQ(tab(u)[256], idle_pg_table[256]);
        CHECK_EQ(ext(MMUEXT_NEW_USER_BASEPTR, u), 0);
        CHECK_EQ(tab(u)[256], 0);
        CHECK_EQ(ext(MMUEXT_PIN_L4_TABLE, k), 0);
        CHECK_EQ(tab(k)[256], idle_pg_table[256]);
        /* A kernel table keeps what it has: a user one's stays empty. */
        CHECK_EQ(ext(MMUEXT_NEW_BASEPTR, u), 0);
        CHECK_EQ(tab(u)[256], 0);
        CHECK_EQ(ext(MMUEXT_NEW_BASEPTR, mfn_x(old)), 0);
        CHECK_EQ(ext(MMUEXT_NEW_USER_BASEPTR, 0), 0);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, u), 0);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, k), 0);
        domB->arch.pv.vm_assist = 0;
        CHECK_EQ(tcount(u) + tcount(k), 0);
    }

    CASE("mmuext: flushes, SET_LDT, cache flushes by privilege")
    {
        unsigned long mask = 1;
        struct mmuext_op op = { .cmd = MMUEXT_INVLPG_MULTI };
        XEN_GUEST_HANDLE_PARAM(mmuext_op_t) h = { &op };
        XEN_GUEST_HANDLE_PARAM(uint) dh = { NULL };
        struct vcpu *v = domA->vcpu[0];

        run_as(domA);
        stub_reset();
        CHECK_EQ(ext(MMUEXT_TLB_FLUSH_LOCAL, 0), 0);
        CHECK_EQ(ext(MMUEXT_INVLPG_LOCAL, 0x5000), 0);
        CHECK_EQ(ext(MMUEXT_TLB_FLUSH_ALL, 0), 0);
        CHECK_EQ(ext(MMUEXT_INVLPG_ALL, 0x6000), 0);
        CHECK_EQ(stub_flush_all, 2);
        CHECK_EQ(stub_flush_one, 2);
        /* "All" is every CPU with domA's tables loaded. */
        CHECK(stub_flush_domain == domA);
        op.arg1.linear_addr = 0x7000;
        set_xen_guest_handle(op.arg2.vcpumask, &mask);
        CHECK_EQ(do_mmuext_op(h, 1, dh, DOMID_SELF), 0);
        CHECK_EQ(stub_last_va, 0x7000);
        set_xen_guest_handle(op.arg2.vcpumask, fault_page);
        CHECK_EQ(do_mmuext_op(h, 1, dh, DOMID_SELF), -EINVAL);

        CHECK_EQ(extf(MMUEXT_SET_LDT, 0x10000, 16, DOMID_SELF), 0);
        CHECK_EQ(v->arch.pv.ldt_base, 0x10000);
        CHECK_EQ(v->arch.pv.ldt_ents, 16);
        CHECK_EQ(extf(MMUEXT_SET_LDT, 0x10008, 1, DOMID_SELF), -EINVAL);
        CHECK_EQ(extf(MMUEXT_SET_LDT, 0x10000, 8193, DOMID_SELF), -EINVAL);
        CHECK_EQ(extf(MMUEXT_SET_LDT, HYPERVISOR_VIRT_START, 1, DOMID_SELF),
                 -EINVAL);
        /* As in Xen, only the base is checked: the end may be beyond. */
        CHECK_EQ(extf(MMUEXT_SET_LDT, 0x00007ffffffff000UL, 8192,
                      DOMID_SELF), 0);
        CHECK_EQ(extf(MMUEXT_SET_LDT, 0x0000800000000000UL, 1, DOMID_SELF),
                 -EINVAL);
        CHECK_EQ(extf(MMUEXT_SET_LDT, 0x10008, 0, DOMID_SELF), 0);
        CHECK_EQ(v->arch.pv.ldt_base, 0);
        CHECK_EQ(v->arch.pv.ldt_ents, 0);

        CHECK_EQ(ext(MMUEXT_FLUSH_CACHE, 0), -EACCES);
        CHECK_EQ(ext(MMUEXT_FLUSH_CACHE_GLOBAL, 0), -EINVAL);
        CHECK_EQ(stub_flush_cache, 0);
        run_as(dom0);
        CHECK_EQ(ext(MMUEXT_FLUSH_CACHE, 0), 0);
        CHECK_EQ(ext(MMUEXT_FLUSH_CACHE_GLOBAL, 0), 0);
        CHECK_EQ(stub_flush_cache, 2);
    }

    /*
     * The vcpumask has a bit per vCPU the guest may have: 64 vCPUs are
     * one word, and the word after it may well be unmapped.
     */
    CASE("mmuext: a 64-vCPU guest's vcpumask is read up to its last bit only")
    {
        static unsigned long words[2];
        struct vcpu *vcpus[BITS_PER_LONG] = { domA->vcpu[0] };
        struct vcpu **had = domA->vcpu;
        struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_MULTI };
        XEN_GUEST_HANDLE_PARAM(mmuext_op_t) h = { &op };
        XEN_GUEST_HANDLE_PARAM(uint) dh = { NULL };

        run_as(domA);
        stub_reset();
        domA->vcpu = vcpus;
        domA->max_vcpus = BITS_PER_LONG;
        words[0] = 1;
        harness_fault_lo = (uintptr_t)&words[1];
        harness_fault_hi = (uintptr_t)&words[2];
        set_xen_guest_handle(op.arg2.vcpumask, words);
        CHECK_EQ(do_mmuext_op(h, 1, dh, DOMID_SELF), 0);
        harness_fault_lo = (uintptr_t)fault_page;
        harness_fault_hi = harness_fault_lo + PAGE_SIZE;
        domA->vcpu = had;
        domA->max_vcpus = 1;
    }

    CASE("mmuext: a vcpumask's bits each name their own vCPU, and no other")
    {
        static unsigned long words[2];
        struct vcpu *vcpus[2 * BITS_PER_LONG] = { domA->vcpu[0] };
        struct vcpu far = { .domain = domA, .processor = 1 };
        struct vcpu **had = domA->vcpu;
        struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_MULTI };
        XEN_GUEST_HANDLE_PARAM(mmuext_op_t) h = { &op };
        XEN_GUEST_HANDLE_PARAM(uint) dh = { NULL };

        run_as(domA);
        stub_reset();
        domA->vcpu[0]->processor = 0;
        vcpus[BITS_PER_LONG] = &far;
        domA->vcpu = vcpus;
        domA->max_vcpus = 2 * BITS_PER_LONG;
        set_xen_guest_handle(op.arg2.vcpumask, words);
        words[0] = 1;
        words[1] = 0;
        CHECK_EQ(do_mmuext_op(h, 1, dh, DOMID_SELF), 0);
        CHECK_EQ(stub_last_mask, 1UL << 0);
        words[0] = 0;
        words[1] = 1;
        CHECK_EQ(do_mmuext_op(h, 1, dh, DOMID_SELF), 0);
        CHECK_EQ(stub_last_mask, 1UL << 1);
        domA->vcpu = had;
        domA->max_vcpus = 1;
    }

    CASE("mmuext: CLEAR_PAGE and COPY_PAGE, never into a table")
    {
        unsigned long a = new_frame(domA), b = new_frame(domA);
        unsigned long t = new_frame(domA), o = new_frame(domB);

        run_as(domA);
        memset(tab(a), 0x77, PAGE_SIZE);
        CHECK_EQ(extf(MMUEXT_COPY_PAGE, b, a, DOMID_SELF), 0);
        CHECK_EQ(tab(b)[511], 0x7777777777777777UL);
        CHECK_EQ(ext(MMUEXT_CLEAR_PAGE, a), 0);
        CHECK_EQ(tab(a)[0], 0);
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, t), 0);
        CHECK_EQ(ext(MMUEXT_CLEAR_PAGE, t), -EINVAL);
        CHECK_EQ(extf(MMUEXT_COPY_PAGE, t, a, DOMID_SELF), -EINVAL);
        CHECK_EQ(extf(MMUEXT_COPY_PAGE, a, o, DOMID_SELF), -EINVAL);
        CHECK_EQ(extf(MMUEXT_COPY_PAGE, o, a, DOMID_SELF), -EINVAL);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, t), 0);
        CHECK_EQ(refs(a) + refs(b) + refs(t) + refs(o), 4);
        CHECK_EQ(tcount(a) + tcount(b) + tcount(t) + tcount(o), 0);
    }

    CASE("mmuext: unknown, unsupported, batches and bad pointers")
    {
        struct mmuext_op ops[3] = {
            { .cmd = MMUEXT_TLB_FLUSH_LOCAL },
            { .cmd = 99 },
            { .cmd = MMUEXT_TLB_FLUSH_LOCAL },
        };
        XEN_GUEST_HANDLE_PARAM(mmuext_op_t) h = { ops };
        XEN_GUEST_HANDLE_PARAM(mmuext_op_t) bad = {
            (mmuext_op_t *)fault_page };
        unsigned int done = 99;
        XEN_GUEST_HANDLE_PARAM(uint) dh = { &done };

        run_as(domA);
        CHECK_EQ(ext(99, 0), -ENOSYS);
        CHECK_EQ(ext(MMUEXT_MARK_SUPER, 0), -EOPNOTSUPP);
        CHECK_EQ(ext(MMUEXT_UNMARK_SUPER, 0), -EOPNOTSUPP);
        CHECK_EQ(do_mmuext_op(h, 3, dh, DOMID_SELF), -ENOSYS);
        CHECK_EQ(done, 1);
        CHECK_EQ(do_mmuext_op(bad, 2, dh, DOMID_SELF), -EFAULT);
        CHECK_EQ(done, 0);
        CHECK_EQ(do_mmuext_op(h, 3, dh, 1234), -ESRCH);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, NR_FRAMES + 5), -EINVAL);
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, NR_FRAMES + 5), -EINVAL);
    }
}

/* ---- continuations ---- */

/* Where the guest's SYSCALL ends, as the frame records it. */
#define CALL_RIP    0x401002UL

static struct cpu_user_regs *frame(void)
{
    return &get_cpu_info()->guest_cpu_user_regs;
}

/*
 * Runs an MMU batch hypercall the way a guest does: a continuation
 * rewinds rip over the SYSCALL, and the guest then issues the hypercall
 * in rax again with the argument registers as left.  *passes counts the
 * issues; every continuation must be well formed.
 */
static long issue(unsigned int op, void *list, unsigned int count,
                  unsigned int *done, unsigned int foreigndom,
                  unsigned int *passes)
{
    struct cpu_user_regs *r = frame();
    long rc;

    memset(r, 0, sizeof(*r));
    r->rdi = (unsigned long)list;
    r->rsi = count;
    r->rdx = (unsigned long)done;
    r->r10 = foreigndom;
    for ( *passes = 0; ; )
    {
        XEN_GUEST_HANDLE_PARAM(uint) dh = { (unsigned int *)r->rdx };

        r->rip = CALL_RIP;
        ++*passes;
        if ( op == __HYPERVISOR_mmu_update )
        {
            XEN_GUEST_HANDLE_PARAM(mmu_update_t) h = {
                (mmu_update_t *)r->rdi };

            rc = do_mmu_update(h, r->rsi, dh, r->r10);
        }
        else
        {
            XEN_GUEST_HANDLE_PARAM(mmuext_op_t) h = {
                (mmuext_op_t *)r->rdi };

            rc = do_mmuext_op(h, r->rsi, dh, r->r10);
        }
        if ( r->rip == CALL_RIP )
            return rc;
        CHECK_EQ(r->rip, CALL_RIP - 2);
        CHECK_EQ(rc, op);
        CHECK(r->rsi & MMU_UPDATE_PREEMPTED);
        CHECK_EQ(r->rdx, (unsigned long)done);
        CHECK_EQ(r->r10, foreigndom);
        if ( *passes == 10000 )
        {
            CHECK(!"endless continuations");
            return -EINVAL;
        }
    }
}

/*
 * XENMEM_decrease_reservation (common/memory.c) from run_as(d): the
 * number of extents given back.
 */
static long decrease(struct domain *d, xen_pfn_t frame, unsigned int order)
{
    struct xen_memory_reservation r = {
        .nr_extents = 1, .extent_order = order, .domid = DOMID_SELF,
    };
    XEN_GUEST_HANDLE_PARAM(void) h = { &r };

    set_xen_guest_handle(r.extent_start, &frame);
    run_as(d);
    return do_memory_op(XENMEM_decrease_reservation, h);
}

static void test_decrease(void)
{
    CASE("decrease: a frame goes back once, and not under a reference")
    {
        unsigned long a = new_frame(domA), tot0 = domA->tot_pages;

        CHECK(get_page(pg_of(a), domA));            /* a mapping of it */
        CHECK_EQ(decrease(domA, a, 0), 1);
        CHECK_EQ(refs(a), 1);
        CHECK(page_state_is(pg_of(a), inuse));
        /* Given back already: nothing more goes, as in Xen. */
        CHECK_EQ(decrease(domA, a, 0), 1);
        CHECK_EQ(refs(a), 1);
        CHECK(page_state_is(pg_of(a), inuse));
        put_page(pg_of(a));
        CHECK(page_state_is(pg_of(a), free));
        CHECK_EQ(domA->tot_pages, tot0 - 1);
        CHECK_EQ(decrease(domA, a, 0), 0);
    }

    CASE("decrease: frames shared by the hypervisor stay, writable-typed")
    {
        void *p = alloc_shared_xenheap_page(domA);
        unsigned long m = mfn_x(virt_to_mfn(p));

        CHECK_EQ(decrease(domA, m, 0), 0);
        CHECK(pg_of(m)->count_info & PGC_allocated);
        CHECK_EQ(refs(m), 1);
        CHECK_EQ(ttype(m), PGT_writable_page);
        CHECK_EQ(tcount(m), 1);
        CHECK(ext(MMUEXT_PIN_L1_TABLE, m) < 0);
        CHECK_EQ(tcount(m), 1);
        free_shared_xenheap_page(p);
    }

    CASE("decrease: a run with a frame not the caller's changes nothing")
    {
        struct page_info *pg = alloc_domain_pages(domA, 1, 0);
        unsigned long a = mfn_x(page_to_mfn(pg)), b = new_frame(domB);

        put_page_alloc_ref(&pg[1]);                 /* a+1 is free now */
        CHECK_EQ(decrease(domA, a, 1), 0);
        CHECK(pg[0].count_info & PGC_allocated);
        CHECK_EQ(refs(a), 1);
        CHECK_EQ(decrease(domA, b, 0), 0);          /* domB's */
        CHECK(pg_of(b)->count_info & PGC_allocated);
        CHECK_EQ(decrease(domA, ~0UL - 1, 1), 0);   /* wraps around */
        CHECK_EQ(decrease(domA, NR_FRAMES, 0), 0);
        CHECK_EQ(decrease(domA, a, 0), 1);
        CHECK(page_state_is(pg_of(a), free));
        run_as(domB);
        put_page_alloc_ref(pg_of(b));
    }
}

static void test_continuations(void)
{
    CASE("continuation: mmu_update's first yield, as the guest sees it")
    {
        unsigned long l1 = new_frame(domA), a = new_frame(domA);
        mmu_update_t u[8];
        unsigned int done = 99;
        XEN_GUEST_HANDLE_PARAM(mmu_update_t) h = { u };
        XEN_GUEST_HANDLE_PARAM(uint) dh = { &done };

        run_as(domA);
        for ( unsigned int i = 0; i < ARRAY_SIZE(u); i++ )
            u[i] = (mmu_update_t){ slot_ma(l1, i), ent(a, P) };
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, l1), 0);
        memset(frame(), 0, sizeof(*frame()));
        frame()->rip = CALL_RIP;
        frame()->rcx = CALL_RIP;
        /* The 3rd check (before the 4th entry) yields: 3 done. */
        harness_preempt_every = 3;
        harness_preempt_checks = 0;
        CHECK_EQ(do_mmu_update(h, 8, dh, DOMID_SELF),
                 __HYPERVISOR_mmu_update);
        harness_preempt_every = 0;
        CHECK_EQ(frame()->rip, CALL_RIP - 2);
        CHECK_EQ(frame()->rdi, (unsigned long)&u[3]);
        CHECK_EQ(frame()->rsi, 5 | MMU_UPDATE_PREEMPTED);
        CHECK_EQ(frame()->rdx, (unsigned long)&done);
        CHECK_EQ(frame()->r10, DOMID_SELF);
        CHECK_EQ(done, 3);
        CHECK(tab(l1)[2] && !tab(l1)[3]);
        /* The resumed pass adds to done rather than starting again. */
        CHECK_EQ(do_mmu_update((XEN_GUEST_HANDLE_PARAM(mmu_update_t)){
                                   &u[3] }, 5 | MMU_UPDATE_PREEMPTED, dh,
                               DOMID_SELF), 0);
        CHECK_EQ(done, 8);
        CHECK_EQ(refs(a), 9);
        for ( unsigned int i = 0; i < ARRAY_SIZE(u); i++ )
            u[i].val = 0;
        CHECK_EQ(mmu(u, 8, NULL, DOMID_SELF), 0);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, l1), 0);
        CHECK_EQ(refs(a), 1);
    }

    CASE("continuation: preempted mmu_update ends as an unbroken one")
    {
        /* Two tables given the same long batch, with a bad entry at 300. */
        enum { N = 400, BAD = 300 };
        unsigned long l1[2], a = new_frame(domA);
        unsigned long other = new_frame(domB);
        static mmu_update_t u[2][N];
        unsigned int done[2], passes[2];
        long rc[2];

        run_as(domA);
        for ( unsigned int t = 0; t < 2; t++ )
        {
            l1[t] = new_frame(domA);
            CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, l1[t]), 0);
            for ( unsigned int i = 0; i < N; i++ )
                u[t][i] = (mmu_update_t){ slot_ma(l1[t], i % 512),
                                          ent(i == BAD ? other : a, P) };
            /* The first run is never told to yield, the second often. */
            harness_preempt_every = t ? 7 : 0;
            harness_preempt_checks = 0;
            done[t] = 12345;
            rc[t] = issue(__HYPERVISOR_mmu_update, u[t], N, &done[t],
                          DOMID_SELF, &passes[t]);
        }
        harness_preempt_every = 0;
        CHECK_EQ(passes[0], 1);
        CHECK(passes[1] > 40);
        CHECK_EQ(rc[0], -EBUSY);
        CHECK_EQ(rc[1], rc[0]);
        CHECK_EQ(done[0], BAD);
        CHECK_EQ(done[1], BAD);
        CHECK(!memcmp(tab(l1[0]), tab(l1[1]), PAGE_SIZE));
        CHECK_EQ(refs(a), 1 + 2 * BAD);
        for ( unsigned int t = 0; t < 2; t++ )
        {
            for ( unsigned int i = 0; i < BAD; i++ )
                u[t][i].val = 0;
            CHECK_EQ(mmu(u[t], BAD, NULL, DOMID_SELF), 0);
            CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, l1[t]), 0);
        }
        CHECK_EQ(refs(a), 1);
    }

    CASE("continuation: every check yielding still moves one entry a pass")
    {
        struct mmuext_op ops[20];
        unsigned int passes, done = 7;

        run_as(domA);
        for ( unsigned int i = 0; i < ARRAY_SIZE(ops); i++ )
            ops[i] = (struct mmuext_op){ .cmd = MMUEXT_TLB_FLUSH_LOCAL };
        ops[15].cmd = 99;
        stub_reset();
        harness_preempt_every = 1;
        harness_preempt_checks = 0;
        CHECK_EQ(issue(__HYPERVISOR_mmuext_op, ops, 20, &done, DOMID_SELF,
                       &passes), -ENOSYS);
        harness_preempt_every = 0;
        CHECK_EQ(passes, 16);
        CHECK_EQ(done, 15);
        CHECK_EQ(stub_flush_all, 15);
        /* Without pdone the batch still completes. */
        harness_preempt_every = 2;
        CHECK_EQ(issue(__HYPERVISOR_mmuext_op, ops, 15, NULL, DOMID_SELF,
                       &passes), 0);
        harness_preempt_every = 0;
        CHECK(passes > 1);
        CHECK_EQ(stub_flush_all, 30);
    }
}

static int lcount(unsigned long mfn)
{
    return pgt_linear_count(pg_of(mfn)->u.inuse.type_info);
}

static void test_linear(void)
{
    CASE("linear: a read-only self-map at every level holds nothing")
    {
        struct snap *s = malloc(sizeof(*s));
        unsigned long data = new_frame(domA);
        struct tree t = build_tree(domA, 0x400000, data, RW);
        unsigned long f[3] = { t.l2, t.l3, t.l4 };

        run_as(domA);
        CHECK_EQ(ext(MMUEXT_PIN_L4_TABLE, t.l4), 0);
        take_snap(s);
        for ( unsigned int lvl = 2; lvl <= 4; lvl++ )
        {
            unsigned long m = f[lvl - 2];

            CHECK_EQ(mmu1(slot_ma(m, 300), ent(m, P)), 0);
            CHECK_EQ(tab(m)[300], ent(m, P | _PAGE_USER));
            CHECK_EQ(lcount(m), 0);
            CHECK_EQ(snap_diff(s), -1);
            /* Writable, it would hand the guest its own table. */
            CHECK_EQ(mmu1(slot_ma(m, 301), ent(m, RW)), -EINVAL);
            /* Only A/D change: the entry keeps (no) references. */
            CHECK_EQ(mmu1(slot_ma(m, 300), ent(m, P | AD)), 0);
            CHECK_EQ(mmu1(slot_ma(m, 300), 0), 0);
            CHECK_EQ(snap_diff(s), -1);
        }
        /* Through validation too, and torn down with the tree. */
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, t.l4), 0);
        tab(t.l4)[300] = ent(t.l4, P);
        tab(t.l2)[300] = ent(t.l2, P);
        take_snap(s);
        CHECK_EQ(ext(MMUEXT_PIN_L4_TABLE, t.l4), 0);
        CHECK_EQ(tcount(t.l4), 1);
        CHECK_EQ(refs(t.l4), 2);
        CHECK_EQ(tcount(t.l2), 1);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, t.l4), 0);
        CHECK_EQ(snap_diff(s), -1);
        tab(t.l4)[300] = ent(t.l4, RW);
        CHECK_EQ(ext(MMUEXT_PIN_L4_TABLE, t.l4), -EINVAL);
        CHECK_EQ(snap_diff(s), -1);
        free(s);
    }

    CASE("linear: pv-linear-pt=0 refuses them with -EINVAL")
    {
        unsigned long a = new_frame(domA), b = new_frame(domA);

        run_as(domA);
        CHECK_EQ(ext(MMUEXT_PIN_L2_TABLE, a), 0);
        CHECK_EQ(ext(MMUEXT_PIN_L2_TABLE, b), 0);
        opt_pv_linear_pt = false;
        CHECK_EQ(mmu1(slot_ma(a, 1), ent(a, P)), -EINVAL);
        CHECK_EQ(mmu1(slot_ma(a, 1), ent(b, P)), -EINVAL);
        opt_pv_linear_pt = true;
        CHECK_EQ(mmu1(slot_ma(a, 1), ent(a, P)), 0);
        CHECK_EQ(mmu1(slot_ma(a, 1), 0), 0);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, a), 0);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, b), 0);
        CHECK_EQ(tcount(a) + tcount(b), 0);
    }

    CASE("linear: one link only; the target must be a validated table")
    {
        struct snap *s = malloc(sizeof(*s));
        unsigned long a = new_frame(domA), b = new_frame(domA);
        unsigned long c = new_frame(domA), w = new_frame(domA);
        unsigned long other = new_frame(domB), l1 = new_frame(domA);

        run_as(domA);
        CHECK_EQ(ext(MMUEXT_PIN_L3_TABLE, a), 0);
        CHECK_EQ(ext(MMUEXT_PIN_L3_TABLE, b), 0);
        CHECK_EQ(ext(MMUEXT_PIN_L3_TABLE, c), 0);
        CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, l1), 0);
        CHECK_EQ(mmu1(slot_ma(l1, 0), ent(w, RW)), 0);
        take_snap(s);
        CHECK_EQ(mmu1(slot_ma(a, 0), ent(b, P)), 0);
        CHECK_EQ(tcount(b), 2);
        CHECK_EQ(refs(b), 3);
        CHECK_EQ(lcount(a), 1);
        CHECK_EQ(lcount(b), -1);
        /* Twice at the same target, and a self-map besides. */
        CHECK_EQ(mmu1(slot_ma(a, 1), ent(b, P)), 0);
        CHECK_EQ(mmu1(slot_ma(a, 2), ent(a, P)), 0);
        CHECK_EQ(lcount(a), 2);
        CHECK_EQ(lcount(b), -2);
        /* b is pointed at: it may not point on; a points: nobody at it. */
        CHECK_EQ(mmu1(slot_ma(b, 0), ent(c, P)), -EINVAL);
        CHECK_EQ(mmu1(slot_ma(c, 0), ent(a, P)), -EINVAL);
        CHECK_EQ(lcount(c), 0);
        /* c may point at b too: b is pointed at already. */
        CHECK_EQ(mmu1(slot_ma(c, 0), ent(b, P)), 0);
        CHECK_EQ(lcount(b), -3);
        CHECK_EQ(mmu1(slot_ma(c, 0), 0), 0);
        /* Writable, another domain's, no table, not one of the level. */
        CHECK_EQ(mmu1(slot_ma(a, 3), ent(c, RW)), -EINVAL);
        CHECK_EQ(mmu1(slot_ma(a, 3), ent(other, P)), -EINVAL);
        CHECK_EQ(mmu1(slot_ma(a, 3), ent(w, P)), -EINVAL);
        CHECK_EQ(mmu1(slot_ma(a, 3), ent(l1, P)), -EINVAL);
        CHECK_EQ(lcount(a), 2);
        CHECK_EQ(mmu1(slot_ma(a, 0), 0), 0);
        CHECK_EQ(mmu1(slot_ma(a, 1), 0), 0);
        CHECK_EQ(mmu1(slot_ma(a, 2), 0), 0);
        CHECK_EQ(lcount(a), 0);
        CHECK_EQ(lcount(b), 0);
        CHECK_EQ(snap_diff(s), -1);
        /* Pointed at once (-1), b may still not point: -1 + 1 is no 0. */
        CHECK_EQ(mmu1(slot_ma(a, 0), ent(b, P)), 0);
        CHECK_EQ(lcount(b), -1);
        CHECK_EQ(mmu1(slot_ma(b, 0), ent(c, P)), -EINVAL);
        CHECK_EQ(lcount(b), -1);
        CHECK_EQ(lcount(c), 0);
        CHECK_EQ(mmu1(slot_ma(a, 0), 0), 0);
        CHECK_EQ(snap_diff(s), -1);
        /* With the link gone, the chain the other way round is fine. */
        CHECK_EQ(mmu1(slot_ma(b, 0), ent(a, P)), 0);
        CHECK_EQ(mmu1(slot_ma(b, 0), 0), 0);
        CHECK_EQ(mmu1(slot_ma(l1, 0), 0), 0);
        for ( unsigned long m = a; m <= c; m++ )
            CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, m), 0);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, l1), 0);
        free(s);
    }

    CASE("linear: unpinning a target keeps it until the link goes")
    {
        struct snap *s = malloc(sizeof(*s));
        unsigned long data = new_frame(domA);
        struct tree t = build_tree(domA, 0x400000, data, RW);
        unsigned long a = new_frame(domA);

        take_snap(s);
        run_as(domA);
        CHECK_EQ(ext(MMUEXT_PIN_L4_TABLE, t.l4), 0);
        CHECK_EQ(ext(MMUEXT_PIN_L2_TABLE, a), 0);
        CHECK_EQ(mmu1(slot_ma(a, 9), ent(t.l2, P)), 0);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, t.l4), 0);
        /* The L4 and L3 went; the L2 (and what it maps) stays valid. */
        CHECK_EQ(tcount(t.l4), 0);
        CHECK_EQ(ttype(t.l2), PGT_l2_page_table);
        CHECK_EQ(tcount(t.l2), 1);
        CHECK_EQ(lcount(t.l2), -1);
        CHECK_EQ(tcount(t.l1), 1);
        CHECK_EQ(tcount(data), 1);
        /* Dropping the holder tears the target down with it. */
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, a), 0);
        CHECK_EQ(snap_diff(s), -1);
        CHECK_EQ(lcount(t.l2) + lcount(a), 0);
        free(s);
    }

    CASE("linear: an L4 pointing at another L4 installed as the root")
    {
        struct snap *s = malloc(sizeof(*s));
        unsigned long data = new_frame(domA);
        struct tree t = build_tree(domA, 0x400000, data, RW);
        struct tree u = build_tree(domA, 0x400000, data, P);
        struct vcpu *v = domA->vcpu[0];
        mfn_t old = v->arch.pv.guest_table;

        run_as(domA);
        CHECK_EQ(ext(MMUEXT_PIN_L4_TABLE, t.l4), 0);
        take_snap(s);
        tab(u.l4)[5] = ent(t.l4, P);
        CHECK_EQ(ext(MMUEXT_NEW_BASEPTR, u.l4), 0);
        CHECK_EQ(lcount(u.l4), 1);
        CHECK_EQ(lcount(t.l4), -1);
        CHECK_EQ(tcount(t.l4), 2);
        if ( !mfn_eq(old, INVALID_MFN) )
            CHECK_EQ(ext(MMUEXT_NEW_BASEPTR, mfn_x(old)), 0);
        else
        {
            put_page_and_type(pg_of(u.l4));
            v->arch.pv.guest_table = INVALID_MFN;
        }
        CHECK_EQ(lcount(t.l4), 0);
        CHECK_EQ(snap_diff(s), -1);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, t.l4), 0);
        free(s);
    }
}

/* ---- randomized stress ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static unsigned long rnd(unsigned long n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng % n;
}

#define POOL 48

/*
 * Recomputes, from the validated tables alone, what every frame of d's
 * pool must hold, and compares it with the frame table; also checks that
 * no writable L1 entry reaches a page-table frame, and the linear counts:
 * a self-reference holds nothing, a table holds linear entries or is
 * pointed at by them, never both.  0 if all agree.
 */
static int check_accounting(struct domain *d, const unsigned long *pool)
{
    static unsigned long want_c[NR_FRAMES], want_t[NR_FRAMES];
    static long holds[NR_FRAMES], users[NR_FRAMES];
    unsigned long i, j;
    int bad = 0;

    memset(want_c, 0, sizeof(want_c));
    memset(want_t, 0, sizeof(want_t));
    memset(holds, 0, sizeof(holds));
    memset(users, 0, sizeof(users));
    for ( i = 0; i < POOL; i++ )
    {
        unsigned long m = pool[i], ti = pg_of(m)->u.inuse.type_info;
        unsigned int lvl = (ti & PGT_type_mask) >> PGT_type_shift;

        want_c[m] += 1;                                 /* allocation */
        if ( ti & PGT_pinned )
        {
            want_c[m]++;
            want_t[m]++;
        }
        if ( mfn_eq(d->vcpu[0]->arch.pv.guest_table, _mfn(m)) )
        {
            want_c[m]++;
            want_t[m]++;
        }
        if ( lvl < 1 || lvl > 4 || !(ti & PGT_validated) ||
             !(ti & PGT_count_mask) )
            continue;
        for ( j = 0; j < 512; j++ )
        {
            pte_t e = tab(m)[j];
            unsigned long tgt = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;

            if ( !(e & P) || (lvl == 4 && j >= 256 && j < 272) ||
                 (lvl > 1 && tgt == m) )
                continue;
            if ( lvl > 1 && ttype(tgt) == PGT_lx_page_table(lvl) )
            {
                if ( e & _PAGE_RW )
                    bad = 1;
                holds[m]++;
                users[tgt]++;
            }
            want_c[tgt]++;
            if ( lvl > 1 || (e & _PAGE_RW) )
                want_t[tgt]++;
            if ( lvl == 1 && (e & _PAGE_RW) &&
                 ttype(tgt) != PGT_writable_page )
                bad = 1;
        }
    }
    for ( i = 0; i < POOL; i++ )
        if ( refs(pool[i]) != want_c[pool[i]] ||
             tcount(pool[i]) != want_t[pool[i]] ||
             (holds[pool[i]] && users[pool[i]]) ||
             pgt_linear_count(pg_of(pool[i])->u.inuse.type_info) !=
             holds[pool[i]] - users[pool[i]] )
            bad = 1;
    return bad;
}

static void test_stress(void)
{
    CASE("stress: random trees, updates, pins; counts exact, no leaks")
    {
        unsigned long pool[POOL], free0 = total_free_pages();
        unsigned long tot0 = domB->tot_pages, i;
        unsigned int iter, checks_bad = 0, ok_ops = 0;
        struct vcpu *v = domB->vcpu[0];

        /* domB's earlier frames stay as they are; start from a fresh L4. */
        run_as(domB);
        for ( i = 0; i < POOL; i++ )
            pool[i] = new_frame(domB);
        if ( !mfn_eq(v->arch.pv.guest_table, INVALID_MFN) )
            CHECK_EQ(ext(MMUEXT_NEW_BASEPTR, pool[0]), 0);

        for ( iter = 0; iter < 4000; iter++ )
        {
            unsigned long t = pool[rnd(POOL)], tgt = pool[rnd(POOL)];
            unsigned int lvl = 1 + rnd(4), slot = rnd(8);
            pte_t flags = rnd(2) ? RW : P, e = ent(tgt, flags | AD);
            long rc = 0;

            if ( lvl == 4 && rnd(8) == 0 )
                slot = 256 + rnd(16);
            switch ( rnd(7) )
            {
            case 0:     /* the guest writes a frame it can write */
                if ( !tcount(t) || ttype(t) == PGT_writable_page )
                    tab(t)[slot] = rnd(3) ? e : 0;
                break;
            case 1:
                rc = ext(MMUEXT_PIN_L1_TABLE + lvl - 1, t);
                break;
            case 2:
            case 3:
                rc = ext(MMUEXT_UNPIN_TABLE, t);
                break;
            case 4:
            case 5:
                rc = mmu1(slot_ma(t, slot), rnd(4) ? e : 0);
                break;
            case 6:
                rc = ext(MMUEXT_NEW_BASEPTR, t);
                break;
            }
            ok_ops += !rc;
            if ( iter % 50 == 0 )
                checks_bad += check_accounting(domB, pool);
        }
        CHECK_EQ(checks_bad, 0);
        CHECK(ok_ops > 500);

        /* Tear down: unpin all, then install an empty L4 of our own. */
        for ( i = 0; i < POOL; i++ )
            ext(MMUEXT_UNPIN_TABLE, pool[i]);
        memset(tab(pool[0]), 0, PAGE_SIZE);
        if ( tcount(pool[0]) )
            pool[0] = new_frame(domB);
        memset(tab(pool[0]), 0, PAGE_SIZE);
        CHECK_EQ(ext(MMUEXT_NEW_BASEPTR, pool[0]), 0);
        CHECK_EQ(check_accounting(domB, pool), 0);
        for ( i = 1; i < POOL; i++ )
        {
            CHECK_EQ(refs(pool[i]), 1);
            CHECK_EQ(tcount(pool[i]), 0);
        }
        /* Give everything back: every frame returns to the heap. */
        put_page_and_type(pg_of(pool[0]));
        v->arch.pv.guest_table = INVALID_MFN;
        while ( !page_list_empty(&domB->page_list) )
        {
            struct page_info *p = page_list_first(&domB->page_list);

            CHECK_EQ(p->count_info & PGC_count_mask, 1);
            put_page_alloc_ref(p);
            if ( page_state_is(p, inuse) )
                break;
        }
        CHECK(page_list_empty(&domB->page_list));
        CHECK_EQ(domB->tot_pages, 0);
        CHECK_EQ(total_free_pages(), free0 + tot0);
    }
}

/*
 * Several host threads acting as vCPUs of one domain on shared frames:
 * the reference and type counts must come out exact whatever interleaves.
 */
#define NTHREADS    4

static unsigned long mt_pool[POOL];

static void *mt_worker(void *arg)
{
    uint64_t r = 0x2545f4914f6cdd1dULL * (1 + (uintptr_t)arg);
    unsigned int i;

    for ( i = 0; i < 20000; i++ )
    {
        unsigned long t, tgt, lvl, slot;
        pte_t e;

        r ^= r << 13;
        r ^= r >> 7;
        r ^= r << 17;
        t = mt_pool[r % POOL];
        tgt = mt_pool[(r >> 8) % POOL];
        lvl = 1 + (r >> 16) % 4;
        slot = (r >> 20) % 8;
        e = ent(tgt, ((r >> 24) & 1 ? RW : P) | AD);
        switch ( (r >> 28) % 4 )
        {
        case 0:
            ext(MMUEXT_PIN_L1_TABLE + lvl - 1, t);
            break;
        case 1:
            ext(MMUEXT_UNPIN_TABLE, t);
            break;
        default:
            mmu1(slot_ma(t, slot), (r >> 32) % 3 ? e : 0);
            break;
        }
    }
    return NULL;
}

static void test_threads(void)
{
    CASE("threads: concurrent pins and updates keep counts exact")
    {
        pthread_t th[NTHREADS];
        unsigned long i;

        run_as(domA);
        for ( i = 0; i < POOL; i++ )
            mt_pool[i] = new_frame(domA);
        for ( i = 0; i < NTHREADS; i++ )
            pthread_create(&th[i], NULL, mt_worker, (void *)i);
        for ( i = 0; i < NTHREADS; i++ )
            pthread_join(th[i], NULL);
        CHECK_EQ(check_accounting(domA, mt_pool), 0);
        for ( i = 0; i < POOL; i++ )
            ext(MMUEXT_UNPIN_TABLE, mt_pool[i]);
        CHECK_EQ(check_accounting(domA, mt_pool), 0);
        for ( i = 0; i < POOL; i++ )
        {
            CHECK_EQ(refs(mt_pool[i]), 1);
            CHECK_EQ(tcount(mt_pool[i]), 0);
        }
    }
}

/*
 * A wide tree for preemption: an L4 with two L3s, each with four L2s,
 * each with eight L1s, each mapping `data` eight times.
 */
struct wide {
    unsigned long l4, l3[2], l2[8], l1[64];
};

static void build_wide(struct domain *d, struct wide *w, unsigned long data)
{
    w->l4 = new_frame(d);
    for ( unsigned int i = 0; i < 2; i++ )
    {
        w->l3[i] = new_frame(d);
        tab(w->l4)[i] = ent(w->l3[i], RW);
    }
    for ( unsigned int i = 0; i < 8; i++ )
    {
        w->l2[i] = new_frame(d);
        tab(w->l3[i / 4])[i % 4] = ent(w->l2[i], RW);
    }
    for ( unsigned int i = 0; i < 64; i++ )
    {
        w->l1[i] = new_frame(d);
        tab(w->l2[i / 8])[i % 8] = ent(w->l1[i], RW);
        for ( unsigned int j = 0; j < 8; j++ )
            tab(w->l1[i])[j] = ent(data, RW);
    }
}

/* Whether every table below w's L4 is validated with one type ref. */
static bool wide_validated(const struct wide *w)
{
    for ( unsigned int i = 0; i < 74; i++ )
    {
        unsigned long m = i < 2 ? w->l3[i] : i < 10 ? w->l2[i - 2]
                                           : w->l1[i - 10];
        unsigned long x = pg_of(m)->u.inuse.type_info;

        if ( !(x & PGT_validated) || (x & PGT_count_mask) != 1 ||
             (x & PGT_partial) )
            return false;
    }
    return true;
}

static long pin_issue(unsigned int cmd, unsigned long mfn,
                      unsigned int every, unsigned int *passes)
{
    struct mmuext_op op = { .cmd = cmd };
    long rc;

    op.arg1.mfn = mfn;
    harness_preempt_every = every;
    harness_preempt_checks = 0;
    rc = issue(__HYPERVISOR_mmuext_op, &op, 1, NULL, DOMID_SELF, passes);
    harness_preempt_every = 0;
    return rc;
}

/* One pass of a pin or unpin, told to stop at the every-th check. */
static long one_pass(unsigned int cmd, unsigned long mfn, unsigned int every)
{
    struct mmuext_op op = { .cmd = cmd };
    XEN_GUEST_HANDLE_PARAM(mmuext_op_t) h = { &op };
    XEN_GUEST_HANDLE_PARAM(uint) dh = { NULL };
    long rc;

    op.arg1.mfn = mfn;
    memset(frame(), 0, sizeof(*frame()));
    frame()->rip = CALL_RIP;
    harness_preempt_every = every;
    harness_preempt_checks = 0;
    rc = do_mmuext_op(h, 1, dh, DOMID_SELF);
    harness_preempt_every = 0;
    return rc;
}

static struct snap wide_before;

/* As domA: a new wide tree mapping a new frame *a; counts before noted. */
static void wide_setup(struct wide *w, unsigned long *a)
{
    *a = new_frame(domA);
    run_as(domA);
    build_wide(domA, w, *a);
    take_snap(&wide_before);
}

static void test_partial(void)
{
    CASE("partial: pin and unpin stopped at every check end as unbroken")
    {
        unsigned long a;
        struct wide w;
        unsigned int passes;

        wide_setup(&w, &a);
        CHECK_EQ(pin_issue(MMUEXT_PIN_L4_TABLE, w.l4, 1, &passes), 0);
        CHECK(passes > 50);
        CHECK(pg_of(w.l4)->u.inuse.type_info & PGT_pinned);
        CHECK(wide_validated(&w));
        CHECK_EQ(refs(a), 1 + 64 * 8);
        CHECK_EQ(pin_issue(MMUEXT_UNPIN_TABLE, w.l4, 1, &passes), 0);
        CHECK(passes > 50);
        CHECK(!domA->vcpu[0]->arch.pv.old_guest_table);
        CHECK_EQ(snap_diff(&wide_before), -1);
        CHECK_EQ(tcount(w.l4) + tcount(w.l3[1]) + tcount(w.l1[63]), 0);
    }

    CASE("partial: a teardown stopped below a table's last entry ends")
    {
        unsigned long a = new_frame(domA), l4, l3, l2, l1[8];
        struct snap before;
        unsigned int passes;

        /*
         * The L2 below the L3's entry 511 stops: the L3 is left partial
         * with all 512 entries still to put, which must be told apart
         * from none (a user stack's L2 sits there, under Linux).
         */
        run_as(domA);
        l4 = new_frame(domA);
        l3 = new_frame(domA);
        l2 = new_frame(domA);
        tab(l4)[0] = ent(l3, RW);
        tab(l3)[511] = ent(l2, RW);
        for ( unsigned int i = 0; i < 8; i++ )
        {
            l1[i] = new_frame(domA);
            tab(l2)[i] = ent(l1[i], RW);
            tab(l1[i])[0] = ent(a, RW);
        }
        take_snap(&before);
        CHECK_EQ(ext(MMUEXT_PIN_L4_TABLE, l4), 0);
        CHECK_EQ(pin_issue(MMUEXT_UNPIN_TABLE, l4, 2, &passes), 0);
        CHECK(passes > 1);
        CHECK(!domA->vcpu[0]->arch.pv.old_guest_table);
        CHECK_EQ(tcount(l4) + tcount(l3) + tcount(l2) + tcount(l1[0]), 0);
        CHECK(!(pg_of(l2)->u.inuse.type_info & PGT_partial));
        CHECK_EQ(snap_diff(&before), -1);
    }

    CASE("partial: a stopped pin holds its tree until a pin carries it on")
    {
        unsigned long a;
        struct wide w;

        wide_setup(&w, &a);
        CHECK_EQ(one_pass(MMUEXT_PIN_L4_TABLE, w.l4, 20),
                 __HYPERVISOR_mmuext_op);
        CHECK_EQ(frame()->rip, CALL_RIP - 2);
        CHECK(pg_of(w.l4)->u.inuse.type_info & PGT_partial);
        CHECK(!(pg_of(w.l4)->u.inuse.type_info & PGT_pinned));
        CHECK_EQ(tcount(w.l4), 1);
        /* No other type, no write, no unpin meanwhile. */
        CHECK_EQ(ext(MMUEXT_PIN_L3_TABLE, w.l4), -EINVAL);
        CHECK_EQ(mmu1(slot_ma(w.l4, 5), 0), -EINVAL);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, w.l4), -EINVAL);
        /* The re-issue, unpreempted, finishes it. */
        CHECK_EQ(ext(MMUEXT_PIN_L4_TABLE, w.l4), 0);
        CHECK(wide_validated(&w));
        CHECK_EQ(tcount(w.l4), 1);
        CHECK(!(pg_of(w.l4)->u.inuse.type_info & PGT_partial));
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, w.l4), 0);
        CHECK_EQ(snap_diff(&wide_before), -1);
    }

    CASE("partial: a failure after stops undoes the earlier passes too")
    {
        unsigned long a, other = new_frame(domB);
        struct wide w;
        unsigned int passes;

        wide_setup(&w, &a);
        tab(w.l1[63])[7] = ent(other, RW);
        CHECK_EQ(pin_issue(MMUEXT_PIN_L4_TABLE, w.l4, 3, &passes), -EBUSY);
        CHECK(passes > 10);
        CHECK_EQ(snap_diff(&wide_before), -1);
        CHECK_EQ(tcount(w.l4) + tcount(w.l3[0]) + tcount(w.l1[0]), 0);
    }

    CASE("partial: destruction drops a stopped validation")
    {
        unsigned long a;
        struct wide w;

        wide_setup(&w, &a);
        /* Stopped twice: the L4 and a lower table are partial. */
        CHECK_EQ(one_pass(MMUEXT_PIN_L4_TABLE, w.l4, 30),
                 __HYPERVISOR_mmuext_op);
        CHECK_EQ(one_pass(MMUEXT_PIN_L3_TABLE, w.l3[1], 5),
                 __HYPERVISOR_mmuext_op);
        CHECK(pg_of(w.l3[1])->u.inuse.type_info & PGT_partial);
        for ( unsigned long m = 0; m < NR_FRAMES; m++ )
            if ( page_get_owner(pg_of(m)) == domA )
                pv_drop_partial(pg_of(m));
        CHECK_EQ(snap_diff(&wide_before), -1);
    }

    CASE("partial: a stopped unpin is finished first by the next call")
    {
        unsigned long a;
        struct wide w;

        wide_setup(&w, &a);
        CHECK_EQ(ext(MMUEXT_PIN_L4_TABLE, w.l4), 0);
        /* The unpin is done (pdone would say 1); its teardown is not. */
        CHECK_EQ(one_pass(MMUEXT_UNPIN_TABLE, w.l4, 10),
                 __HYPERVISOR_mmuext_op);
        CHECK_EQ(frame()->rsi, 0 | MMU_UPDATE_PREEMPTED);
        CHECK(domA->vcpu[0]->arch.pv.old_guest_table == pg_of(w.l4));
        CHECK(pg_of(w.l4)->u.inuse.type_info & PGT_partial_put);
        /* Its holder's only: nobody takes it meanwhile. */
        CHECK_EQ(get_page_and_type(pg_of(w.l4), domA, PGT_l4_page_table),
                 -EINVAL);
        CHECK_EQ(get_page_and_type(pg_of(w.l4), domA, PGT_writable_page),
                 -EINVAL);
        /* The next call ends it before its own work, here a new pin. */
        CHECK_EQ(ext(MMUEXT_PIN_L4_TABLE, w.l4), 0);
        CHECK(domA->vcpu[0]->arch.pv.old_guest_table == NULL);
        CHECK(wide_validated(&w));
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, w.l4), 0);
        CHECK_EQ(snap_diff(&wide_before), -1);
        /* And a teardown stopped twice, then put whole (vCPU teardown). */
        CHECK_EQ(ext(MMUEXT_PIN_L4_TABLE, w.l4), 0);
        CHECK_EQ(one_pass(MMUEXT_UNPIN_TABLE, w.l4, 10),
                 __HYPERVISOR_mmuext_op);
        harness_preempt_every = 4;
        CHECK_EQ(pv_put_old_guest_table(domA->vcpu[0], true), -ERESTART);
        harness_preempt_every = 0;
        CHECK_EQ(pv_put_old_guest_table(domA->vcpu[0], false), 0);
        CHECK_EQ(snap_diff(&wide_before), -1);
    }

    CASE("partial: mmu_update cutting off a subtree tears it down in passes")
    {
        unsigned long a;
        struct wide w;
        mmu_update_t u = { slot_ma(0, 0), 0 };
        unsigned int passes, done = 0;

        wide_setup(&w, &a);
        CHECK_EQ(ext(MMUEXT_PIN_L4_TABLE, w.l4), 0);
        u.ptr = slot_ma(w.l4, 1);
        harness_preempt_every = 2;
        harness_preempt_checks = 0;
        CHECK_EQ(issue(__HYPERVISOR_mmu_update, &u, 1, &done, DOMID_SELF,
                       &passes), 0);
        harness_preempt_every = 0;
        CHECK(passes > 5);
        CHECK_EQ(done, 1);
        CHECK_EQ(tcount(w.l3[1]) + tcount(w.l2[7]) + tcount(w.l1[63]), 0);
        CHECK_EQ(tcount(w.l3[0]), 1);
        CHECK_EQ(refs(a), 1 + 32 * 8);
        /* Putting it back validates it again, in passes too. */
        u.val = ent(w.l3[1], RW);
        harness_preempt_every = 2;
        harness_preempt_checks = 0;
        CHECK_EQ(issue(__HYPERVISOR_mmu_update, &u, 1, &done, DOMID_SELF,
                       &passes), 0);
        harness_preempt_every = 0;
        CHECK(passes > 5);
        CHECK(wide_validated(&w));
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, w.l4), 0);
        CHECK_EQ(refs(a), 1);
    }
}

static void setup(void)
{
    host_directmap = mmap(NULL, NR_FRAMES << PAGE_SHIFT,
                          PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    fault_page = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
    if ( host_directmap == MAP_FAILED || !fault_page )
    {
        printf("FAIL: setup: out of memory\n");
        exit(1);
    }
    harness_fault_lo = (uintptr_t)fault_page;
    harness_fault_hi = harness_fault_lo + PAGE_SIZE;
    frame_table = calloc(NR_FRAMES, sizeof(*frame_table));
    max_page = NR_FRAMES;
    init_heap_pages(_mfn(NR_UNMANAGED), NR_FRAMES - NR_UNMANAGED);
    m2p_init();
    stub_domains[0] = dom0 = make_domain(0, true);
    stub_domains[1] = domA = make_domain(1, false);
    stub_domains[2] = domB = make_domain(2, false);
    stub_domains[3] = dom32 = make_domain(3, false);
    dom32->arch.pv.is_32bit = true;
    dom32->arch.pv.compat_virt_start = PV32_VIRT_START;
}

/* A PAE tree of dom32: an L3 with an L2 in each slot, va -> data. */
struct pae_tree {
    unsigned long l3, l2[4], l1;
};

static struct pae_tree build_pae_tree(uint32_t va, unsigned long data,
                                      pte_t l1f)
{
    struct pae_tree t = { .l3 = new_frame(dom32), .l1 = new_frame(dom32) };

    for ( unsigned int i = 0; i < 4; i++ )
    {
        t.l2[i] = new_frame(dom32);
        tab(t.l3)[i] = ent(t.l2[i], P);
    }
    tab(t.l2[va >> 30])[l2_table_offset(va)] = ent(t.l1, RW | AD);
    tab(t.l1)[l1_table_offset(va)] = ent(data, l1f);
    return t;
}

static void test_pv32_types(void)
{
    CASE("pv32: an L3 pins: 4 PDPTEs, the slot-3 L2 is the PAE Xen L2")
    {
        struct snap *s = malloc(sizeof(*s));
        unsigned long data = new_frame(dom32);
        struct pae_tree t = build_pae_tree(0xc0000000U, data, P);

        /* Junk past the PDPTEs and in the hypervisor's L2 slots. */
        tab(t.l3)[4] = ent(data, RW);
        tab(t.l3)[511] = ent(data, RW);
        tab(t.l2[3])[PV32_L2_XEN_FIRST] = ent(data, RW);
        take_snap(s);
        run_as(dom32);
        CHECK_EQ(ext(MMUEXT_PIN_L3_TABLE, t.l3), 0);
        CHECK_EQ(ttype(t.l3), PGT_l3_page_table);
        CHECK_EQ(ttype(t.l2[0]), PGT_l2_page_table);
        CHECK_EQ(ttype(t.l2[2]), PGT_l2_page_table);
        CHECK_EQ(ttype(t.l2[3]), PGT_l2_pae_xen);
        CHECK_EQ(tcount(t.l2[3]), 1);
        CHECK_EQ(ttype(t.l1), PGT_l1_page_table);
        /* Long mode sees all 512 L3 entries: the guest's 4 allow all. */
        CHECK_EQ(tab(t.l3)[0], ent(t.l2[0], P | _PAGE_USER | _PAGE_RW));
        CHECK_EQ(tab(t.l3)[4], 0);
        CHECK_EQ(tab(t.l3)[511], 0);
        CHECK_EQ(tab(t.l2[3])[PV32_L2_XEN_FIRST], m2p_compat_l2e(0));
        /* Ring 1 is supervisor: L2 and L1 entries stay as written. */
        CHECK_EQ(tab(t.l2[3])[0], ent(t.l1, RW | AD));
        CHECK_EQ(tab(t.l1)[0], ent(data, P));
        CHECK_EQ(refs(data), 2);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, t.l3), 0);
        CHECK_EQ(snap_diff(s), -1);
        /* Our entries go with the type. */
        CHECK_EQ(tab(t.l2[3])[PV32_L2_XEN_FIRST], 0);
        free(s);
    }

    CASE("pv32: bad PDPTEs are refused, nothing left referenced")
    {
        struct snap *s = malloc(sizeof(*s));
        unsigned long data = new_frame(dom32);
        struct pae_tree t = build_pae_tree(0x1000, data, RW);
        static const pte_t bad[] = { _PAGE_NX, _PAGE_PWT, _PAGE_PCD,
                                     _PAGE_PSE, _PAGE_GLOBAL, 1UL << 52 };

        take_snap(s);
        run_as(dom32);
        for ( unsigned int i = 0; i < ARRAY_SIZE(bad); i++ )
        {
            tab(t.l3)[3] = ent(t.l2[3], P | bad[i]);
            CHECK_EQ(ext(MMUEXT_PIN_L3_TABLE, t.l3), -EINVAL);
            tab(t.l3)[3] = ent(t.l2[3], P);
            tab(t.l3)[1] = ent(t.l2[1], P | bad[i]);
            CHECK_EQ(ext(MMUEXT_PIN_L3_TABLE, t.l3), -EINVAL);
            tab(t.l3)[1] = ent(t.l2[1], P);
            CHECK_EQ(snap_diff(s), -1);
        }
        /* The hypervisor's slots need an L2 under slot 3. */
        tab(t.l3)[3] = 0;
        CHECK_EQ(ext(MMUEXT_PIN_L3_TABLE, t.l3), -EINVAL);
        CHECK_EQ(snap_diff(s), -1);
        /* RW, USER, A, D and bits 9-11 are allowed. */
        tab(t.l3)[3] = ent(t.l2[3], P | RW | _PAGE_USER | AD | (7UL << 9));
        CHECK_EQ(ext(MMUEXT_PIN_L3_TABLE, t.l3), 0);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, t.l3), 0);
        CHECK_EQ(snap_diff(s), -1);
        free(s);
    }

    CASE("pv32: a PAE Xen L2 hangs under slot 3 of one L3 only")
    {
        struct snap *s = malloc(sizeof(*s));
        unsigned long data = new_frame(dom32), l3b = new_frame(dom32);
        struct pae_tree t = build_pae_tree(0x1000, data, RW);

        for ( unsigned int i = 0; i < 4; i++ )
            tab(l3b)[i] = tab(t.l3)[i];
        take_snap(s);
        run_as(dom32);
        CHECK_EQ(ext(MMUEXT_PIN_L3_TABLE, t.l3), 0);
        /* Another L3 with the same slot-3 L2. */
        CHECK_EQ(ext(MMUEXT_PIN_L3_TABLE, l3b), -EINVAL);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, t.l3), 0);
        CHECK_EQ(snap_diff(s), -1);
        /* The same L2 in another slot too, or pinned as an L2. */
        tab(t.l3)[2] = ent(t.l2[3], P);
        CHECK_EQ(ext(MMUEXT_PIN_L3_TABLE, t.l3), -EINVAL);
        CHECK_EQ(snap_diff(s), -1);
        tab(t.l3)[2] = ent(t.l2[2], P);
        CHECK_EQ(ext(MMUEXT_PIN_L2_TABLE, t.l2[3]), 0);
        CHECK_EQ(ext(MMUEXT_PIN_L3_TABLE, t.l3), -EINVAL);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, t.l2[3]), 0);
        CHECK_EQ(snap_diff(s), -1);
        free(s);
    }

    CASE("pv32: updates: L3 slot 3 up -EINVAL, Xen L2 slots -EPERM")
    {
        struct snap *s = malloc(sizeof(*s));
        unsigned long data = new_frame(dom32), l2 = new_frame(dom32);
        struct pae_tree t = build_pae_tree(0x1000, data, RW);

        take_snap(s);
        run_as(dom32);
        CHECK_EQ(ext(MMUEXT_PIN_L3_TABLE, t.l3), 0);
        CHECK_EQ(mmu1(slot_ma(t.l3, 3), ent(l2, P)), -EINVAL);
        CHECK_EQ(mmu1(slot_ma(t.l3, 3), 0), -EINVAL);
        CHECK_EQ(mmu1(slot_ma(t.l3, 4), ent(l2, P)), -EINVAL);
        CHECK_EQ(mmu1(slot_ma(t.l3, 1), ent(l2, P | _PAGE_NX)), -EINVAL);
        /* Slots 0-2 change as any entry does. */
        CHECK_EQ(mmu1(slot_ma(t.l3, 1), ent(l2, P)), 0);
        CHECK_EQ(ttype(l2), PGT_l2_page_table);
        CHECK_EQ(tab(t.l3)[1], ent(l2, P | _PAGE_USER | _PAGE_RW));
        CHECK_EQ(tcount(t.l2[1]), 0);
        /* No linear PDPTE: the hardware would see it writable. */
        CHECK_EQ(mmu1(slot_ma(t.l3, 1), ent(t.l3, P)), -EINVAL);
        /* The hypervisor's L2 slots are not the guest's to write. */
        CHECK_EQ(mmu1(slot_ma(t.l2[3], PV32_L2_XEN_FIRST), ent(data, P)),
                 -EPERM);
        CHECK_EQ(mmu1(slot_ma(t.l2[3], 511), 0), -EPERM);
        CHECK_EQ(mmu1(slot_ma(t.l2[3], PV32_L2_XEN_FIRST - 1), ent(t.l1, P)),
                 0);
        CHECK_EQ(mmu1(slot_ma(t.l2[3], PV32_L2_XEN_FIRST - 1), 0), 0);
        /* ... but an ordinary L2's slots are. */
        CHECK_EQ(mmu1(slot_ma(t.l2[2], PV32_L2_XEN_FIRST), ent(t.l1, P)), 0);
        CHECK_EQ(mmu1(slot_ma(t.l2[2], PV32_L2_XEN_FIRST), 0), 0);
        /* No L4 for a 32-bit guest. */
        CHECK_EQ(ext(MMUEXT_PIN_L4_TABLE, l2), -EINVAL);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, t.l3), 0);
        CHECK_EQ(snap_diff(s), -1);
        free(s);
    }
}

static void test_pv32_roots(void)
{
    CASE("pv32: a vCPU's own L4: Xen slots, slot 0 follows NEW_BASEPTR")
    {
        struct snap *s = malloc(sizeof(*s));
        struct vcpu *v = dom32->vcpu[0];
        unsigned long data = new_frame(dom32), data2 = new_frame(dom32);
        struct pae_tree t = build_pae_tree(0xc0000000U, data, P);
        struct pae_tree t2 = build_pae_tree(0xc0000000U, data, P);
        const pte_t root = P | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED;
        pte_t *l4;

        take_snap(s);
        run_as(dom32);
        v->arch.pv.pv32_l4 = INVALID_MFN;
        CHECK_EQ(pv32_vcpu_init(v), 0);
        CHECK(mfn_valid(v->arch.pv.pv32_l4));
        l4 = tab(mfn_x(v->arch.pv.pv32_l4));
        CHECK_EQ(l4[0], 0);
        CHECK_EQ(l4[256], 0);
        CHECK_EQ(l4[262], STUB_XEN_SLOT(262));
        stub_reset();
        CHECK_EQ(ext(MMUEXT_NEW_BASEPTR, t.l3), 0);
        CHECK_EQ(stub_cr3_updates, 1);
        CHECK_EQ(ttype(t.l3), PGT_l3_page_table);
        CHECK_EQ(tcount(t.l3), 1);
        CHECK_EQ(ttype(t.l2[3]), PGT_l2_pae_xen);
        CHECK_EQ(l4[0], ent(t.l3, root));
        CHECK_EQ(ext(MMUEXT_NEW_USER_BASEPTR, t2.l3), -EINVAL);
        CHECK_EQ(tcount(t2.l3), 0);
        /* update_va_mapping walks from the L3, within 4 GiB. */
        CHECK_EQ(do_update_va_mapping(0xc0001000UL, ent(data2, RW), 0), 0);
        CHECK_EQ(tab(t.l1)[1], ent(data2, RW));
        CHECK_EQ(do_update_va_mapping(0x1c0001000UL, ent(data2, RW), 0),
                 -EINVAL);
        CHECK_EQ(do_update_va_mapping(PV32_VIRT_START, ent(data2, RW), 0),
                 -EINVAL);
        CHECK_EQ(do_update_va_mapping(0xc0001000UL, 0, 0), 0);
        /* Another root: the old one's references go, slot 0 follows. */
        CHECK_EQ(ext(MMUEXT_NEW_BASEPTR, t2.l3), 0);
        CHECK_EQ(tcount(t.l3), 0);
        CHECK_EQ(tcount(t2.l3), 1);
        CHECK_EQ(l4[0], ent(t2.l3, root));
        /* Relinquishing: the root's references go, slot 0 with them. */
        put_page_and_type(pg_of(mfn_x(v->arch.pv.guest_table)));
        v->arch.pv.guest_table = INVALID_MFN;
        pv32_set_l4_root(v);
        CHECK_EQ(l4[0], 0);
        pv32_vcpu_destroy(v);
        CHECK(!mfn_valid(v->arch.pv.pv32_l4));
        pv32_vcpu_destroy(v);
        CHECK_EQ(snap_diff(s), -1);
        free(s);
    }

    CASE("pv32: CR3 values fold frame bits above 32 (pae_extended_cr3)")
    {
        CHECK_EQ(pv32_pfn_to_cr3(0x12345), 0x12345000U);
        CHECK_EQ(pv32_pfn_to_cr3(0x123456), 0x23456001U);
        CHECK_EQ(pv32_cr3_to_pfn(0x23456001U), 0x123456UL);
        CHECK_EQ(pv32_cr3_to_pfn(pv32_pfn_to_cr3(0xfffffffUL)), 0xfffffffUL);
    }
}

/* Entry mfn of the compat M2P, through its first piece's frames. */
static uint32_t compat_m2p(unsigned long mfn)
{
    return ((uint32_t *)mfn_to_virt(m2p_compat_chunk_mfn(0)))[mfn];
}

static long memop(unsigned int op, void *arg)
{
    XEN_GUEST_HANDLE_PARAM(void) h = { arg };

    return do_memory_op(op, h);
}

static void test_pv32_m2p(void)
{
    CASE("pv32: the compat M2P: 32-bit entries kept in step")
    {
        CHECK_EQ(m2p_compat_nr_chunks(), 1);
        /* One 2 MiB piece: a note may raise the start to just below it. */
        CHECK_EQ(m2p_compat_vstart(), 0xFFE00000U - 0x200000U);
        CHECK(mfn_valid(m2p_compat_chunk_mfn(0)));
        CHECK(!mfn_valid(m2p_compat_chunk_mfn(1)));
        CHECK_EQ(compat_m2p(100), 0xffffffffU);
        set_gpfn_from_mfn(100, 0x1234);
        CHECK_EQ(compat_m2p(100), 0x1234);
        CHECK_EQ(get_gpfn_from_mfn(100), 0x1234);
        set_gpfn_from_mfn(100, INVALID_M2P_ENTRY);
        CHECK_EQ(compat_m2p(100), 0xffffffffU);
        /* Its frames belong to no domain: nobody may map them. */
        CHECK(!get_page(pg_of(mfn_x(m2p_compat_chunk_mfn(0))), dom32));
    }

    CASE("pv32: every PAE Xen L2 maps the compat M2P read-only from 428")
    {
        unsigned long data = new_frame(dom32);
        struct pae_tree t = build_pae_tree(0x1000, data, RW);
        pte_t l2e, l1e;

        run_as(dom32);
        CHECK_EQ(ext(MMUEXT_PIN_L3_TABLE, t.l3), 0);
        l2e = tab(t.l2[3])[PV32_L2_XEN_FIRST];
        CHECK_EQ(l2e, m2p_compat_l2e(0));
        CHECK_EQ(l2e & (P | _PAGE_RW | _PAGE_USER | _PAGE_PSE),
                 P | _PAGE_USER);
        l1e = ((pte_t *)maddr_to_virt(l2e & PTE_ADDR_MASK))[0];
        CHECK_EQ(l1e & PTE_ADDR_MASK,
                 mfn_to_maddr(m2p_compat_chunk_mfn(0)));
        CHECK_EQ(l1e & (P | _PAGE_RW), P);
        /* Past the table's 4 pages (16 KiB here), nothing. */
        CHECK_EQ(((pte_t *)maddr_to_virt(l2e & PTE_ADDR_MASK))[4], 0);
        CHECK_EQ(tab(t.l2[3])[PV32_L2_XEN_FIRST + 1], 0);
        CHECK_EQ(tab(t.l2[3])[511], 0);
        /* An ordinary L2 gets nothing of ours. */
        CHECK_EQ(tab(t.l2[2])[PV32_L2_XEN_FIRST], 0);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, t.l3), 0);
    }

    CASE("pv32: machphys queries answer a 32-bit caller in its layouts")
    {
        /* A 32-bit guest's list is at a 32-bit address. */
        uint32_t m[3] = { 0 },
                 *frames = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
        struct {
            uint32_t max, list, nr;
        } cl = { 4, 0, 99 };
        xen_pfn_t frames64[4] = { 0 };
        struct xen_machphys_mfn_list l = { .max_extents = 4 };
        struct xen_machphys_mapping m64 = { 0 };

        run_as(dom32);
        CHECK_EQ(memop(XENMEM_machphys_mapping, m), 0);
        CHECK_EQ(m[0], 0xF5800000U);
        CHECK_EQ(m[1], 0xFFE00000U);
        CHECK_EQ(m[2], (0xFFE00000U - 0xF5800000U) / 4 - 1);
        CHECK(frames != MAP_FAILED && !((unsigned long)frames >> 32));
        cl.list = (uint32_t)(unsigned long)frames;
        CHECK_EQ(memop(XENMEM_machphys_mfn_list, &cl), 0);
        CHECK_EQ(cl.nr, 1);
        CHECK_EQ(cl.max, 4);
        CHECK_EQ(frames[0], mfn_x(m2p_compat_chunk_mfn(0)));
        CHECK_EQ(frames[1], 0);
        frames[0] = 0;
        CHECK_EQ(memop(XENMEM_machphys_compat_mfn_list, &cl), 0);
        CHECK_EQ(frames[0], mfn_x(m2p_compat_chunk_mfn(0)));
        munmap(frames, PAGE_SIZE);
        /* A 64-bit caller: its own table, and the compat one if asked. */
        run_as(domA);
        CHECK_EQ(memop(XENMEM_machphys_mapping, &m64), 0);
        CHECK_EQ(m64.v_start, MACH2PHYS_VIRT_START);
        set_xen_guest_handle(l.extent_start, frames64);
        CHECK_EQ(memop(XENMEM_machphys_mfn_list, &l), 0);
        CHECK_EQ(l.nr_extents, 1);
        CHECK_EQ(frames64[0], mfn_x(m2p_chunk_mfn(0)));
        CHECK_EQ(memop(XENMEM_machphys_compat_mfn_list, &l), 0);
        CHECK_EQ(l.nr_extents, 1);
        CHECK_EQ(frames64[0], mfn_x(m2p_compat_chunk_mfn(0)));
    }
}

static long ext32(const void *ops, unsigned int n, unsigned int *done)
{
    XEN_GUEST_HANDLE_PARAM(void) h = { (void *)ops };
    XEN_GUEST_HANDLE_PARAM(uint) dh = { done };

    return pv32_mmuext_op(h, n, dh, DOMID_SELF);
}

static void test_pv32_raised_start(void)
{
    CASE("pv32: an HV_START_LOW above the default moves Xen's L2 slots")
    {
        struct snap *s = malloc(sizeof(*s));
        unsigned long data = new_frame(dom32);
        struct pae_tree t = build_pae_tree(0x1000, data, RW);
        unsigned int first = pv32_l2_xen_first(0xFF000000U);
        uint32_t m[3] = { 0 };

        CHECK_EQ(first, 504);
        /* The guest's own below the new start. */
        tab(t.l2[3])[PV32_L2_XEN_FIRST] = ent(t.l1, P);
        take_snap(s);
        run_as(dom32);
        dom32->arch.pv.compat_virt_start = 0xFF000000U;
        CHECK_EQ(ext(MMUEXT_PIN_L3_TABLE, t.l3), 0);
        CHECK_EQ(tab(t.l2[3])[PV32_L2_XEN_FIRST], ent(t.l1, P));
        CHECK_EQ(tab(t.l2[3])[first], m2p_compat_l2e(0));
        CHECK_EQ(tab(t.l2[3])[first - 1], 0);
        CHECK_EQ(tab(t.l2[3])[511], 0);
        CHECK_EQ(mmu1(slot_ma(t.l2[3], first), 0), -EPERM);
        CHECK_EQ(mmu1(slot_ma(t.l2[3], first - 1), ent(t.l1, P)), 0);
        CHECK_EQ(mmu1(slot_ma(t.l2[3], first - 1), 0), 0);
        CHECK_EQ(memop(XENMEM_machphys_mapping, m), 0);
        CHECK_EQ(m[0], 0xFF000000U);
        CHECK_EQ(m[1], 0xFFE00000U);
        CHECK_EQ(m[2], (0xFFE00000U - 0xFF000000U) / 4 - 1);
        CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, t.l3), 0);
        CHECK_EQ(tab(t.l2[3])[first], 0);
        CHECK_EQ(snap_diff(s), -1);
        dom32->arch.pv.compat_virt_start = PV32_VIRT_START;
        free(s);
    }
}

static void test_pv32_ops(void)
{
    CASE("pv32: mmuext_op reads 12-byte entries, vCPU masks of 32-bit words")
    {
        struct snap *s = malloc(sizeof(*s));
        struct vcpu *v = dom32->vcpu[0];
        unsigned long data = new_frame(dom32);
        struct pae_tree t = build_pae_tree(0xc0000000U, data, P);
        /* 32-bit pointers: the guest's list and mask at a low address. */
        uint32_t *low = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
        uint32_t ops[5][3] = {
            { MMUEXT_PIN_L3_TABLE, t.l3, 0 },
            { MMUEXT_NEW_BASEPTR, t.l3, 0 },
            { MMUEXT_INVLPG_LOCAL, 0xc0000000U, 0 },
            { MMUEXT_TLB_FLUSH_MULTI, 0, 0 },
            { MMUEXT_UNPIN_TABLE, t.l3, 0 },
        };
        unsigned int done = 0;

        CHECK(low != MAP_FAILED && !((unsigned long)low >> 32));
        low[0] = 1; /* vCPU 0 */
        ops[3][2] = (uint32_t)(unsigned long)low;
        take_snap(s);
        run_as(dom32);
        v->arch.pv.pv32_l4 = INVALID_MFN;
        CHECK_EQ(pv32_vcpu_init(v), 0);
        v->processor = 3;
        stub_reset();
        CHECK_EQ(ext32(ops, 5, &done), 0);
        CHECK_EQ(done, 5);
        CHECK_EQ(stub_flush_all, 1);
        CHECK_EQ(stub_last_mask, 1UL << 3);
        CHECK_EQ(stub_flush_one, 1);
        CHECK_EQ(stub_last_va, 0xc0000000UL);
        /* Unpinned, the L3 is still the root. */
        CHECK_EQ(mfn_x(v->arch.pv.guest_table), t.l3);
        CHECK_EQ(tcount(t.l3), 1);
        /* update_va_mapping with a 32-bit mask pointer in its flags. */
        stub_reset();
        CHECK_EQ(do_update_va_mapping(0xc0000000UL, ent(data, RW),
                                      UVMF_INVLPG | (unsigned long)low),
                 0);
        CHECK_EQ(stub_flush_one, 1);
        CHECK_EQ(stub_last_mask, 1UL << 3);
        CHECK_EQ(do_update_va_mapping(0xc0000000UL, 0, 0), 0);
        /* A bad command in the middle stops the list there. */
        ops[1][0] = 99;
        done = 0;
        CHECK_EQ(ext32(ops, 2, &done), -ENOSYS);
        CHECK_EQ(done, 1);
        CHECK_EQ(ext32(ops + 4, 1, NULL), 0);
        put_page_and_type(pg_of(t.l3));
        v->arch.pv.guest_table = INVALID_MFN;
        pv32_vcpu_destroy(v);
        v->processor = 0;
        CHECK_EQ(snap_diff(s), -1);
        munmap(low, PAGE_SIZE);
        free(s);
    }
}

int main(void)
{
    setup();
    test_m2p();
    test_refs();
    test_validation();
    test_invariants();
    test_mmu_update();
    test_update_va_mapping();
    test_mmuext();
    test_linear();
    test_decrease();
    test_continuations();
    test_partial();
    test_stress();
    test_threads();
    test_pv32_types();
    test_pv32_roots();
    test_pv32_m2p();
    test_pv32_ops();
    test_pv32_raised_start();
    CASE("lookups give back every domain reference they take")
    {
        for ( unsigned int i = 0; i < ARRAY_SIZE(stub_domains); i++ )
            CHECK(!stub_domains[i] || stub_domains[i]->refcnt == 0);
    }
    return 0;
}
