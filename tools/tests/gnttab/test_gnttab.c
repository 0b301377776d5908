/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for grant tables: sub-ops, refusals, flags, refs, teardown. */
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
/* First, as in the hypervisor build, so the public headers defer to it. */
#include <asm/config.h>
#include <xen/errno.h>
#include <xen/grant_table.h>
#include <xen/hypercall.h>
#include <xen/mm.h>
#include <xen/page_owner.h>
#include <xen/sched.h>
#include <asm/cpufeature.h>
#include <asm/domain.h>
#include <asm/flushtlb.h>
#include <asm/m2p.h>
#include <asm/pv/mm.h>
#include "check.h"
#include "preempt.h"
#include "domain_refs.h"

#define NR_FRAMES   4096UL
#define MAX_DOMS    4

/* Guest copies touching this window fail (include/asm/uaccess.h). */
extern uintptr_t harness_fault_lo, harness_fault_hi;

/* ---- what the hypervisor around grant_table.c would provide ---- */

static struct domain *doms[MAX_DOMS];
static long live_allocs;
static bool xzalloc_fails;
static unsigned int nr_flushes;
static unsigned long last_flush_va;

struct domain *get_domain_by_id(domid_t id)
{
    unsigned int i;

    for ( i = 0; i < MAX_DOMS; i++ )
        if ( doms[i] && doms[i]->domain_id == id )
            return get_domain(doms[i]);
    return NULL;
}

void *_xzalloc(size_t size, size_t align);
void *_xzalloc_array(size_t size, size_t align, size_t nr);
void xfree(void *p);

void *_xzalloc(size_t size, size_t align)
{
    void *p = xzalloc_fails ? NULL : calloc(1, size);

    if ( p )
        __atomic_fetch_add(&live_allocs, 1, __ATOMIC_RELAXED);
    return p;
}

void *_xzalloc_array(size_t size, size_t align, size_t nr)
{
    if ( nr && size > SIZE_MAX / nr )
        return NULL;
    return _xzalloc(size * nr, align);
}

void xfree(void *p)
{
    if ( p )
        __atomic_fetch_sub(&live_allocs, 1, __ATOMIC_RELAXED);
    free(p);
}

/* last_flush_va after a flush of the whole TLB. */
#define FLUSH_ALL (~0UL)

void flush_tlb_mask(const cpumask_t *mask)
{
    nr_flushes++;
    last_flush_va = FLUSH_ALL;
}

void flush_tlb_one_mask(const cpumask_t *mask, unsigned long va)
{
    nr_flushes++;
    last_flush_va = va;
}

void flush_tlb_domain(const struct domain *d)
{
    nr_flushes++;
    last_flush_va = FLUSH_ALL;
}

void flush_tlb_frames_of(const struct domain *owner)
{
    nr_flushes++;
    last_flush_va = FLUSH_ALL;
}

void set_gpfn_from_mfn(unsigned long mfn, unsigned long pfn)
{
}

unsigned long get_gpfn_from_mfn(unsigned long mfn)
{
    return INVALID_M2P_ENTRY;
}

/* A CPU with NX: grant mappings should be no-execute. */
struct cpuinfo_x86 boot_cpu_data = {
    .features[X86_FEATURE_NX / 32] = 1U << (X86_FEATURE_NX % 32),
};

/* Frame types: only "writable" versus "something else" matters here. */
int get_page_type(struct page_info *pg, unsigned long type)
{
    unsigned long t = pg->u.inuse.type_info;

    if ( (t & PGT_count_mask) && (t & PGT_type_mask) != type )
        return -EINVAL;
    if ( !(t & PGT_count_mask) )
        t = type | PGT_validated;
    pg->u.inuse.type_info = t + 1;
    return 0;
}

void put_page_type(struct page_info *pg)
{
    BUG_ON(!(pg->u.inuse.type_info & PGT_count_mask));
    pg->u.inuse.type_info--;
}

/*
 * A fake PV MMU: a few L1 slots, found by linear address (update_va_l1e)
 * or by the PTE's machine address (update_pt_entry); like the real one an
 * entry holds a reference on its frame, and a type one if writable.
 */
struct fake_pte {
    uint64_t key;
    bool by_ptr;
    pte_t pte;
};

static struct fake_pte ptes[8];
static unsigned int nr_ptes;

static struct fake_pte *add_slot(uint64_t key, bool by_ptr)
{
    ptes[nr_ptes] = (struct fake_pte){ .key = key, .by_ptr = by_ptr };
    return &ptes[nr_ptes++];
}

static struct fake_pte *find_slot(uint64_t key, bool by_ptr)
{
    unsigned int i;

    for ( i = 0; i < nr_ptes; i++ )
        if ( ptes[i].key == key && ptes[i].by_ptr == by_ptr )
            return &ptes[i];
    return NULL;
}

static int fake_write(struct fake_pte *s, pte_t val, struct domain *owner)
{
    struct page_info *pg;
    pte_t old;

    if ( !s )
        return -EINVAL;
    if ( val & _PAGE_PRESENT )
    {
        pg = mfn_to_page(maddr_to_mfn(val & PTE_ADDR_MASK));
        if ( !get_page(pg, owner) )
            return -EBUSY;
        if ( (val & _PAGE_RW) && get_page_type(pg, PGT_writable_page) )
        {
            put_page(pg);
            return -EBUSY;
        }
    }
    old = s->pte;
    s->pte = val;
    if ( old & _PAGE_PRESENT )
    {
        pg = mfn_to_page(maddr_to_mfn(old & PTE_ADDR_MASK));
        if ( old & _PAGE_RW )
            put_page_type(pg);
        put_page(pg);
    }
    return 0;
}

int pv_update_va_l1e(struct vcpu *v, unsigned long va, pte_t val,
                     struct domain *pg_owner)
{
    return fake_write(find_slot(va & PAGE_MASK, false), val, pg_owner);
}

int pv_update_pt_entry(paddr_t ptr, pte_t val, bool preserve_ad,
                       struct domain *pt_owner, struct domain *pg_owner)
{
    return fake_write(find_slot(ptr, true), val, pg_owner);
}

int pv_zap_grant_l1e(struct vcpu *v, uint64_t addr, bool is_ptr, mfn_t mfn,
                     bool rw, pte_t *found)
{
    struct fake_pte *s = find_slot(is_ptr ? addr : addr & PAGE_MASK, is_ptr);

    if ( !s )
        return -EINVAL;
    *found = s->pte;
    if ( !(s->pte & _PAGE_PRESENT) ||
         (s->pte & PTE_ADDR_MASK) != mfn_to_maddr(mfn) ||
         !(s->pte & _PAGE_RW) != !rw )
        return -ESRCH;
    return fake_write(s, 0, v->domain);
}

/* The real one's contract (pv/mm.c), on the fake slots. */
int pv_replace_grant_l1e(struct vcpu *v, uint64_t addr, mfn_t mfn, bool rw,
                         unsigned long new_addr, pte_t *found)
{
    struct fake_pte *s = find_slot(addr & PAGE_MASK, false);
    struct fake_pte *n = find_slot(new_addr & PAGE_MASK, false);
    struct fake_pte taken;

    if ( !s || !n )
        return -EINVAL;
    taken = *n;
    n->pte = 0;
    *found = s->pte;
    if ( !(s->pte & _PAGE_PRESENT) ||
         (s->pte & PTE_ADDR_MASK) != mfn_to_maddr(mfn) ||
         !(s->pte & _PAGE_RW) != !rw )
    {
        /* Nowhere to go: the taken entry's references go with it. */
        fake_write(&taken, 0, v->domain);
        return -ESRCH;
    }
    fake_write(s, 0, v->domain);
    s->pte = taken.pte;
    return 0;
}

/* ---- fabricated domains and guest-side helpers ---- */

static struct domain *mkdom(domid_t id, bool priv)
{
    struct domain *d = calloc(1, sizeof(*d));
    struct vcpu *v = calloc(1, sizeof(*v));
    unsigned int i;

    d->domain_id = id;
    d->is_privileged = priv;
    spin_lock_init(&d->page_alloc_lock, page_alloc);
    page_list_init(&d->page_list);
    d->max_pages = 512;
    d->max_vcpus = 1;
    d->vcpu = calloc(1, sizeof(*d->vcpu));
    d->vcpu[0] = v;
    v->domain = d;
    memset(&v->arch, 0, sizeof(v->arch));
    if ( grant_table_init(d) )
    {
        printf("FAIL: setup: grant_table_init failed\n");
        exit(1);
    }
    for ( i = 0; i < MAX_DOMS && doms[i]; i++ )
        ;
    doms[i] = d;
    return d;
}

static void rmdom(struct domain *d)
{
    unsigned int i;

    for ( i = 0; i < MAX_DOMS; i++ )
        if ( doms[i] == d )
            doms[i] = NULL;
}

static void as(struct domain *d)
{
    get_cpu_info()->current_vcpu = d->vcpu[0];
}

static long hc(unsigned int cmd, void *arg, unsigned int count)
{
    XEN_GUEST_HANDLE_PARAM(void) h = { .p = arg };

    return do_grant_table_op(cmd, h, count);
}

/* A fresh frame of d, every byte `fill`. */
static mfn_t page(struct domain *d, uint8_t fill)
{
    struct page_info *pg = alloc_domain_pages(d, 0, 0);

    BUG_ON(!pg);
    memset(page_to_virt(pg), fill, PAGE_SIZE);
    return page_to_mfn(pg);
}

static uint8_t *va_of(mfn_t mfn)
{
    return mfn_to_virt(mfn);
}

static unsigned long refs(mfn_t mfn)
{
    return mfn_to_page(mfn)->count_info & PGC_count_mask;
}

static unsigned long types(mfn_t mfn)
{
    return mfn_to_page(mfn)->u.inuse.type_info & PGT_count_mask;
}

/* d's table frame i, as the guest finds it with setup_table. */
static void *table_frame(struct domain *d, unsigned int i)
{
    struct gnttab_query_size q = { .dom = DOMID_SELF };
    xen_pfn_t frames[GNTTAB_DEFAULT_MAX_FRAMES];
    struct gnttab_setup_table s = { .dom = DOMID_SELF };
    struct vcpu *was = current;

    as(d);
    BUG_ON(hc(GNTTABOP_query_size, &q, 1) || i >= q.nr_frames);
    s.nr_frames = q.nr_frames;
    set_xen_guest_handle(s.frame_list, frames);
    BUG_ON(hc(GNTTABOP_setup_table, &s, 1) || s.status);
    get_cpu_info()->current_vcpu = was;
    return mfn_to_virt(_mfn(frames[i]));
}

static grant_entry_v1_t *v1e(struct domain *d, grant_ref_t ref)
{
    return (grant_entry_v1_t *)table_frame(d, ref / 512) + ref % 512;
}

static grant_entry_v2_t *v2e(struct domain *d, grant_ref_t ref)
{
    return (grant_entry_v2_t *)table_frame(d, ref / 256) + ref % 256;
}

/* The granter's side of the protocol, as mini-os and Linux do it. */
static void grant(struct domain *d, grant_ref_t ref, domid_t to, mfn_t mfn,
                  bool readonly)
{
    grant_entry_v1_t *e = v1e(d, ref);

    e->domid = to;
    e->frame = mfn_x(mfn);
    __atomic_store_n(&e->flags,
                     GTF_permit_access | (readonly ? GTF_readonly : 0),
                     __ATOMIC_RELEASE);
}

static bool end_access(struct domain *d, grant_ref_t ref)
{
    uint16_t *flags = &v1e(d, ref)->flags;
    uint16_t old = __atomic_load_n(flags, __ATOMIC_RELAXED);

    do {
        if ( old & (GTF_reading | GTF_writing) )
            return false;
    } while ( !__atomic_compare_exchange_n(flags, &old, 0, false,
                                           __ATOMIC_SEQ_CST,
                                           __ATOMIC_SEQ_CST) );
    return true;
}

static int16_t copy1(struct gnttab_copy *c)
{
    BUG_ON(hc(GNTTABOP_copy, c, 1));
    return c->status;
}

/* B copies len bytes from A's grant ref (to B) into B's own frame. */
static struct gnttab_copy from_ref(struct domain *a, grant_ref_t ref,
                                   mfn_t dst, unsigned int len)
{
    struct gnttab_copy c = { 0 };

    c.source.u.ref = ref;
    c.source.domid = a->domain_id;
    c.dest.u.gmfn = mfn_x(dst);
    c.dest.domid = DOMID_SELF;
    c.len = len;
    c.flags = GNTCOPY_source_gref;
    return c;
}

static struct gnttab_copy to_ref(struct domain *a, grant_ref_t ref,
                                 mfn_t src, unsigned int len)
{
    struct gnttab_copy c = { 0 };

    c.source.u.gmfn = mfn_x(src);
    c.source.domid = DOMID_SELF;
    c.dest.u.ref = ref;
    c.dest.domid = a->domain_id;
    c.len = len;
    c.flags = GNTCOPY_dest_gref;
    return c;
}

static struct gnttab_map_grant_ref map_op(struct domain *granter,
                                          grant_ref_t ref, uint64_t addr,
                                          uint32_t flags)
{
    struct gnttab_map_grant_ref m = { 0 };

    m.host_addr = addr;
    m.flags = flags;
    m.ref = ref;
    m.dom = granter->domain_id;
    return m;
}

static int16_t map1(struct gnttab_map_grant_ref *m)
{
    BUG_ON(hc(GNTTABOP_map_grant_ref, m, 1));
    return m->status;
}

static int16_t unmap1(uint64_t addr, uint64_t bus, grant_handle_t h)
{
    struct gnttab_unmap_grant_ref u = { .host_addr = addr,
                                        .dev_bus_addr = bus, .handle = h };

    BUG_ON(hc(GNTTABOP_unmap_grant_ref, &u, 1));
    return u.status;
}

#define VA1     0x40000000UL
#define VA2     0x40001000UL
#define PTE1    0x123458UL       /* "machine address" of a PTE slot */

static struct domain *d0, *dA, *dB;

static void setup(void)
{
    host_directmap = mmap(NULL, NR_FRAMES << PAGE_SHIFT,
                          PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    frame_table = calloc(NR_FRAMES, sizeof(*frame_table));
    max_page = NR_FRAMES;
    init_heap_pages(_mfn(16), NR_FRAMES - 16);
    d0 = mkdom(0, true);
    dA = mkdom(1, false);
    dB = mkdom(2, false);
    add_slot(VA1, false);
    add_slot(VA2, false);
    add_slot(PTE1, true);
}

/* ---- the cases ---- */

static void test_setup_and_query(void)
{
    CASE("init: one v1 frame, zeroed, shared writable with its domain")
    {
        uint8_t *f = table_frame(dA, 0);
        struct page_info *pg = virt_to_page(f);
        unsigned int i;

        CHECK(page_get_owner(pg) == dA);
        CHECK(pg->count_info & PGC_allocated);
        CHECK_EQ(refs(page_to_mfn(pg)), 1);
        CHECK_EQ(pg->u.inuse.type_info & PGT_type_mask, PGT_writable_page);
        for ( i = 0; i < PAGE_SIZE && !f[i]; i++ )
            ;
        CHECK_EQ(i, PAGE_SIZE);
    }

    CASE("query_size: self, privileged other, refusals, missing domain")
    {
        struct gnttab_query_size q = { .dom = DOMID_SELF };

        as(dA);
        CHECK_EQ(hc(GNTTABOP_query_size, &q, 1), 0);
        CHECK_EQ(q.status, GNTST_okay);
        CHECK_EQ(q.nr_frames, GNTTAB_INITIAL_FRAMES);
        CHECK_EQ(q.max_nr_frames, GNTTAB_DEFAULT_MAX_FRAMES);
        q = (struct gnttab_query_size){ .dom = 2 };
        CHECK_EQ(hc(GNTTABOP_query_size, &q, 1), 0);
        CHECK_EQ((int16_t)q.status, GNTST_permission_denied);
        as(d0);
        q = (struct gnttab_query_size){ .dom = 2 };
        CHECK_EQ(hc(GNTTABOP_query_size, &q, 1), 0);
        CHECK_EQ(q.status, GNTST_okay);
        CHECK_EQ(q.nr_frames, 1);
        q = (struct gnttab_query_size){ .dom = 1234 };
        CHECK_EQ(hc(GNTTABOP_query_size, &q, 1), 0);
        CHECK_EQ((int16_t)q.status, GNTST_bad_domain);
        CHECK_EQ(hc(GNTTABOP_query_size, &q, 2), -EINVAL);
        /* A domain without a grant table (none built yet): -ENOSYS. */
        {
            struct grant_table *gt = dA->grant_table;

            as(dA);
            dA->grant_table = NULL;
            CHECK_EQ(hc(GNTTABOP_query_size, &q, 1), -ENOSYS);
            dA->grant_table = gt;
        }
    }

    CASE("setup_table: grows, same frames again, limit, bad list, others")
    {
        xen_pfn_t f1[8], f2[8];
        struct gnttab_setup_table s = { .dom = DOMID_SELF, .nr_frames = 4 };
        struct gnttab_query_size q = { .dom = DOMID_SELF };
        unsigned int i;

        as(dA);
        set_xen_guest_handle(s.frame_list, f1);
        CHECK_EQ(hc(GNTTABOP_setup_table, &s, 1), 0);
        CHECK_EQ(s.status, GNTST_okay);
        CHECK_EQ(hc(GNTTABOP_query_size, &q, 1), 0);
        CHECK_EQ(q.nr_frames, 4);
        for ( i = 0; i < 4; i++ )
            CHECK(page_get_owner(mfn_to_page(_mfn(f1[i]))) == dA);
        CHECK(f1[0] != f1[1] && f1[1] != f1[2] && f1[2] != f1[3]);
        /* Asking for fewer shrinks nothing and returns the same frames. */
        s.nr_frames = 2;
        set_xen_guest_handle(s.frame_list, f2);
        CHECK_EQ(hc(GNTTABOP_setup_table, &s, 1), 0);
        CHECK_EQ(s.status, GNTST_okay);
        CHECK(f2[0] == f1[0] && f2[1] == f1[1]);
        CHECK_EQ(hc(GNTTABOP_query_size, &q, 1), 0);
        CHECK_EQ(q.nr_frames, 4);

        s.nr_frames = GNTTAB_DEFAULT_MAX_FRAMES + 1;
        CHECK_EQ(hc(GNTTABOP_setup_table, &s, 1), 0);
        CHECK_EQ((int16_t)s.status, GNTST_general_error);

        s.nr_frames = 1;
        harness_fault_lo = (uintptr_t)f2;
        harness_fault_hi = (uintptr_t)(f2 + 1);
        CHECK_EQ(hc(GNTTABOP_setup_table, &s, 1), 0);
        CHECK_EQ((int16_t)s.status, GNTST_bad_virt_addr);
        /* A fault on the argument itself is -EFAULT. */
        harness_fault_lo = (uintptr_t)&s;
        harness_fault_hi = (uintptr_t)(&s + 1);
        CHECK_EQ(hc(GNTTABOP_setup_table, &s, 1), -EFAULT);
        harness_fault_lo = harness_fault_hi = 0;

        s.dom = 2;
        set_xen_guest_handle(s.frame_list, f2);
        CHECK_EQ(hc(GNTTABOP_setup_table, &s, 1), 0);
        CHECK_EQ((int16_t)s.status, GNTST_permission_denied);
        s.dom = 999;
        CHECK_EQ(hc(GNTTABOP_setup_table, &s, 1), 0);
        CHECK_EQ((int16_t)s.status, GNTST_bad_domain);
        CHECK_EQ(hc(GNTTABOP_setup_table, &s, 0), -EINVAL);

        /* dom0 may size (and learn the frames of) another domain's table. */
        as(d0);
        s.dom = 2;
        s.nr_frames = 2;
        CHECK_EQ(hc(GNTTABOP_setup_table, &s, 1), 0);
        CHECK_EQ(s.status, GNTST_okay);
        CHECK(page_get_owner(mfn_to_page(_mfn(f2[1]))) == dB);
    }

    CASE("set_limits and frame_mfn: growth on demand, bounded")
    {
        struct domain *d = mkdom(3, false);
        struct gnttab_setup_table s = { .dom = DOMID_SELF, .nr_frames = 5 };
        xen_pfn_t f[8];
        mfn_t mfn;

        CHECK_EQ(grant_table_set_limits(d, 0, 128, 2), -EINVAL);
        CHECK_EQ(grant_table_set_limits(d, 65, 128, 2), -EINVAL);
        CHECK_EQ(grant_table_set_limits(d, 4, 128, 3), -EINVAL);
        CHECK_EQ(grant_table_set_limits(d, 4, 128, 2), 0);
        as(d);
        set_xen_guest_handle(s.frame_list, f);
        CHECK_EQ(hc(GNTTABOP_setup_table, &s, 1), 0);
        CHECK_EQ((int16_t)s.status, GNTST_general_error);
        CHECK_EQ(grant_table_frame_mfn(d, 2, false, &mfn), 0);
        CHECK(page_get_owner(mfn_to_page(mfn)) == d);
        s.nr_frames = 3;
        CHECK_EQ(hc(GNTTABOP_setup_table, &s, 1), 0);
        CHECK_EQ(f[2], mfn_x(mfn));
        CHECK_EQ(grant_table_frame_mfn(d, 4, false, &mfn), -EINVAL);
        CHECK_EQ(grant_table_frame_mfn(d, 0, true, &mfn), -EINVAL);
        CHECK_EQ(grant_table_set_limits(d, 2, 128, 2), -EINVAL);
        rmdom(d);
        grant_table_destroy(d);
        CHECK(!d->grant_table);
    }
}

static void test_copy(void)
{
    CASE("setup_table: growth without memory fails and keeps the table")
    {
        struct domain *d = mkdom(3, false);
        struct gnttab_setup_table s = { .dom = DOMID_SELF, .nr_frames = 2 };
        struct gnttab_query_size q = { .dom = DOMID_SELF };
        xen_pfn_t f[2];
        long before = live_allocs;

        as(d);
        set_xen_guest_handle(s.frame_list, f);
        xzalloc_fails = true;
        CHECK_EQ(hc(GNTTABOP_setup_table, &s, 1), 0);
        xzalloc_fails = false;
        CHECK_EQ((int16_t)s.status, GNTST_general_error);
        CHECK_EQ(live_allocs, before);
        CHECK_EQ(hc(GNTTABOP_query_size, &q, 1), 0);
        CHECK_EQ(q.nr_frames, 1);
        CHECK_EQ(hc(GNTTABOP_setup_table, &s, 1), 0);
        CHECK_EQ(s.status, GNTST_okay);
        rmdom(d);
        grant_table_destroy(d);
    }

    CASE("copy: from a grant into own frame, flags and refs restored")
    {
        mfn_t src = page(dA, 0xa5), dst = page(dB, 0);
        struct gnttab_copy c = from_ref(dA, 10, dst, 100);
        unsigned long r = refs(src);

        grant(dA, 10, 2, src, true);
        c.source.offset = 16;
        c.dest.offset = 32;
        as(dB);
        CHECK_EQ(copy1(&c), GNTST_okay);
        CHECK(va_of(dst)[31] == 0 && va_of(dst)[32] == 0xa5 &&
              va_of(dst)[131] == 0xa5 && va_of(dst)[132] == 0);
        CHECK_EQ(v1e(dA, 10)->flags, GTF_permit_access | GTF_readonly);
        CHECK_EQ(refs(src), r);
        CHECK_EQ(types(dst), 0);
        CHECK(end_access(dA, 10));
    }

    CASE("copy: into a writable grant, the granter's frame changes")
    {
        mfn_t dst = page(dA, 0), src = page(dB, 0x3c);
        struct gnttab_copy c = to_ref(dA, 11, src, PAGE_SIZE);

        grant(dA, 11, 2, dst, false);
        as(dB);
        CHECK_EQ(copy1(&c), GNTST_okay);
        CHECK(va_of(dst)[0] == 0x3c && va_of(dst)[PAGE_SIZE - 1] == 0x3c);
        CHECK_EQ(v1e(dA, 11)->flags, GTF_permit_access);
        CHECK_EQ(types(dst), 0);
        CHECK(end_access(dA, 11));
    }

    CASE("copy: both sides by grant, and both by own frame")
    {
        mfn_t a = page(dA, 0x11), b = page(dA, 0);
        mfn_t own1 = page(dB, 0x22), own2 = page(dB, 0);
        struct gnttab_copy c = { 0 };

        grant(dA, 12, 2, a, true);
        grant(dA, 13, 2, b, false);
        c.source.u.ref = 12;
        c.source.domid = 1;
        c.dest.u.ref = 13;
        c.dest.domid = 1;
        c.len = 8;
        c.flags = GNTCOPY_source_gref | GNTCOPY_dest_gref;
        as(dB);
        CHECK_EQ(copy1(&c), GNTST_okay);
        CHECK(va_of(b)[7] == 0x11 && va_of(b)[8] == 0);
        c = (struct gnttab_copy){ 0 };
        c.source.u.gmfn = mfn_x(own1);
        c.source.domid = DOMID_SELF;
        c.dest.u.gmfn = mfn_x(own2);
        c.dest.domid = DOMID_SELF;
        c.len = 4;
        CHECK_EQ(copy1(&c), GNTST_okay);
        CHECK(va_of(own2)[3] == 0x22 && va_of(own2)[4] == 0);
        CHECK(end_access(dA, 12) && end_access(dA, 13));
    }

    CASE("copy: each refusal has Xen's status and changes nothing")
    {
        mfn_t ro = page(dA, 0x77), rw = page(dA, 0x66);
        mfn_t mine = page(dB, 0x55), pt = page(dB, 0);
        mfn_t theirs = page(dA, 0);
        struct gnttab_copy c;
        unsigned long r_ro, r_rw, r_mine;

        grant(dA, 20, 2, ro, true);
        grant(dA, 21, 2, rw, false);
        grant(dA, 22, 3, rw, false);            /* for another domain */
        r_ro = refs(ro);
        r_rw = refs(rw);
        r_mine = refs(mine);
        as(dB);

        /* Revoked (no GTF_permit_access): general error, as Xen. */
        grant(dA, 23, 2, ro, true);
        CHECK(end_access(dA, 23));
        c = from_ref(dA, 23, mine, 8);
        CHECK_EQ(copy1(&c), GNTST_general_error);
        /* Granted to someone else. */
        c = from_ref(dA, 22, mine, 8);
        CHECK_EQ(copy1(&c), GNTST_general_error);
        /* Writing into a read-only grant. */
        c = to_ref(dA, 20, mine, 8);
        CHECK_EQ(copy1(&c), GNTST_general_error);
        /* Reference beyond the table (4 frames of 512). */
        c = from_ref(dA, 4 * 512, mine, 8);
        CHECK_EQ(copy1(&c), GNTST_bad_gntref);
        c = from_ref(dA, 100000, mine, 8);
        CHECK_EQ(copy1(&c), GNTST_bad_gntref);
        /* Ranges crossing the end of the page. */
        c = from_ref(dA, 21, mine, 8);
        c.source.offset = PAGE_SIZE - 4;
        CHECK_EQ(copy1(&c), GNTST_bad_copy_arg);
        c = from_ref(dA, 21, mine, 8);
        c.source.offset = PAGE_SIZE - 7;
        CHECK_EQ(copy1(&c), GNTST_bad_copy_arg);
        c = from_ref(dA, 21, mine, 8);
        c.dest.offset = PAGE_SIZE - 7;
        CHECK_EQ(copy1(&c), GNTST_bad_copy_arg);
        c = from_ref(dA, 21, mine, 8);
        c.len = PAGE_SIZE + 1;
        CHECK_EQ(copy1(&c), GNTST_bad_copy_arg);
        /* No such granter. */
        c = from_ref(dA, 21, mine, 8);
        c.source.domid = 77;
        CHECK_EQ(copy1(&c), GNTST_bad_domain);
        /* A frame number names the caller's own frames only. */
        c = from_ref(dA, 21, mine, 8);
        c.dest.domid = 2;
        CHECK_EQ(copy1(&c), GNTST_permission_denied);
        c = from_ref(dA, 21, theirs, 8);
        CHECK_EQ(copy1(&c), GNTST_bad_page);
        c = from_ref(dA, 21, _mfn(NR_FRAMES + 5), 8);
        CHECK_EQ(copy1(&c), GNTST_bad_page);
        /* Our own page table can't be written through a copy. */
        mfn_to_page(pt)->u.inuse.type_info = PGT_l1_page_table |
                                             PGT_validated | 1;
        c = from_ref(dA, 21, pt, 8);
        CHECK_EQ(copy1(&c), GNTST_general_error);
        mfn_to_page(pt)->u.inuse.type_info = 0;
        /* Domain checks come first: bad granter beats a bad reference. */
        c = from_ref(dA, 100000, mine, 8);
        c.dest.domid = 77;
        c.dest.u.ref = 1;
        c.flags |= GNTCOPY_dest_gref;
        CHECK_EQ(copy1(&c), GNTST_bad_domain);

        CHECK_EQ(v1e(dA, 20)->flags, GTF_permit_access | GTF_readonly);
        CHECK_EQ(v1e(dA, 21)->flags, GTF_permit_access);
        CHECK_EQ(v1e(dA, 22)->flags, GTF_permit_access);
        CHECK_EQ(v1e(dA, 23)->flags, 0);
        CHECK_EQ(refs(ro), r_ro);
        CHECK_EQ(refs(rw), r_rw);
        CHECK_EQ(refs(mine), r_mine);
        CHECK_EQ(types(rw), 0);
        CHECK_EQ(types(mine), 0);
        CHECK(va_of(rw)[0] == 0x66 && va_of(ro)[0] == 0x77);
        CHECK(end_access(dA, 20) && end_access(dA, 21) &&
              end_access(dA, 22));
    }

    CASE("copy: a batch reports per element and does the good ones")
    {
        mfn_t src = page(dA, 0x42), d1 = page(dB, 0), d2 = page(dB, 0);
        struct gnttab_copy c[4];

        grant(dA, 30, 2, src, true);
        c[0] = from_ref(dA, 30, d1, 16);
        c[1] = from_ref(dA, 31, d1, 16);        /* not granted */
        c[2] = from_ref(dA, 30, d1, 16);
        c[2].dest.offset = PAGE_SIZE - 8;
        c[3] = from_ref(dA, 30, d2, 32);
        c[3].dest.offset = 100;
        as(dB);
        CHECK_EQ(hc(GNTTABOP_copy, c, 4), 0);
        CHECK_EQ(c[0].status, GNTST_okay);
        CHECK_EQ(c[1].status, GNTST_general_error);
        CHECK_EQ(c[2].status, GNTST_bad_copy_arg);
        CHECK_EQ(c[3].status, GNTST_okay);
        CHECK(va_of(d1)[15] == 0x42 && va_of(d1)[16] == 0);
        CHECK(va_of(d2)[100] == 0x42 && va_of(d2)[131] == 0x42 &&
              va_of(d2)[132] == 0);
        CHECK_EQ(v1e(dA, 30)->flags, GTF_permit_access | GTF_readonly);
        CHECK(end_access(dA, 30));
    }

    CASE("copy: an unreadable element stops the batch with -EFAULT")
    {
        mfn_t src = page(dA, 0x42), d1 = page(dB, 0), d2 = page(dB, 0);
        struct gnttab_copy c[2];

        grant(dA, 32, 2, src, true);
        c[0] = from_ref(dA, 32, d1, 16);
        c[1] = from_ref(dA, 32, d2, 16);
        c[0].status = c[1].status = 99;
        as(dB);
        harness_fault_lo = (uintptr_t)&c[1];
        harness_fault_hi = (uintptr_t)(&c[1] + 1);
        CHECK_EQ(hc(GNTTABOP_copy, c, 2), -EFAULT);
        CHECK_EQ(c[0].status, GNTST_okay);
        CHECK_EQ(c[1].status, 99);
        CHECK(va_of(d1)[0] == 0x42 && va_of(d2)[0] == 0);
        /* The first element unreadable: nothing at all happens. */
        memset(va_of(d1), 0, PAGE_SIZE);
        harness_fault_lo = (uintptr_t)&c[0];
        harness_fault_hi = (uintptr_t)(&c[0] + 1);
        CHECK_EQ(hc(GNTTABOP_copy, c, 2), -EFAULT);
        harness_fault_lo = harness_fault_hi = 0;
        CHECK(va_of(d1)[0] == 0);
        CHECK_EQ(v1e(dA, 32)->flags, GTF_permit_access | GTF_readonly);
        CHECK(end_access(dA, 32));
    }
}

/*
 * Issues grant_table_op as a guest would, re-issuing it after each
 * continuation from the registers the continuation left; *passes counts.
 */
static long issue(unsigned int cmd, void *arg, unsigned int count,
                  unsigned int *passes)
{
    struct cpu_user_regs *r = &get_cpu_info()->guest_cpu_user_regs;
    long rc;

    r->rdi = cmd;
    r->rsi = (unsigned long)arg;
    r->rdx = count;
    for ( *passes = 1; ; ++*passes )
    {
        r->rip = 0x1002;
        rc = hc(r->rdi, (void *)r->rsi, r->rdx);
        if ( r->rip == 0x1002 || *passes == 10000 )
            return rc;
        CHECK_EQ(r->rip, 0x1000);
        CHECK_EQ(rc, __HYPERVISOR_grant_table_op);
    }
}

static void test_continuations(void)
{
    CASE("continuation: a yielding copy batch advances array and count")
    {
        mfn_t src = page(dA, 0x42), dst = page(dB, 0);
        struct gnttab_copy c[5];
        struct cpu_user_regs *r = &get_cpu_info()->guest_cpu_user_regs;

        grant(dA, 33, 2, src, true);
        for ( unsigned int i = 0; i < 5; i++ )
        {
            c[i] = from_ref(dA, 33, dst, 8);
            c[i].dest.offset = i * 8;
            c[i].status = 99;
        }
        as(dB);
        r->rip = 0x1002;
        harness_preempt_every = 2;
        harness_preempt_checks = 0;
        CHECK_EQ(hc(GNTTABOP_copy, c, 5), __HYPERVISOR_grant_table_op);
        harness_preempt_every = 0;
        CHECK_EQ(r->rip, 0x1000);
        CHECK_EQ(r->rdi, GNTTABOP_copy);
        CHECK_EQ(r->rsi, (unsigned long)&c[2]);
        CHECK_EQ(r->rdx, 3);
        CHECK(c[1].status == GNTST_okay && c[2].status == 99);
        CHECK(va_of(dst)[15] == 0x42 && va_of(dst)[16] == 0);
        CHECK_EQ(hc(GNTTABOP_copy, &c[2], 3), 0);
        CHECK(va_of(dst)[39] == 0x42 && va_of(dst)[40] == 0);
        CHECK(end_access(dA, 33));
    }

    CASE("continuation: preempted map/unmap/copy end as unbroken ones")
    {
        enum { N = 64 };
        static struct gnttab_copy c[2][N];
        static struct gnttab_map_grant_ref m[N];
        static struct gnttab_unmap_grant_ref u[N];
        mfn_t src = page(dA, 0x5a), dst[2] = { page(dB, 0), page(dB, 0) };
        unsigned int passes[3];

        grant(dA, 34, 2, src, true);
        as(dB);
        for ( unsigned int t = 0; t < 2; t++ )
        {
            for ( unsigned int i = 0; i < N; i++ )
            {
                c[t][i] = from_ref(dA, i % 5 ? 34 : 35, dst[t], 16);
                c[t][i].dest.offset = i * 64;
                c[t][i].status = 99;
            }
            harness_preempt_every = t ? 5 : 0;
            harness_preempt_checks = 0;
            CHECK_EQ(issue(GNTTABOP_copy, c[t], N, &passes[t]), 0);
        }
        CHECK_EQ(passes[0], 1);
        CHECK(passes[1] > 10);
        for ( unsigned int i = 0; i < N; i++ )
            CHECK_EQ(c[1][i].status, c[0][i].status);
        CHECK_EQ(c[1][5].status, GNTST_general_error);
        CHECK(!memcmp(va_of(dst[0]), va_of(dst[1]), PAGE_SIZE));

        /* Device maps (no PTE): each pins the entry once more. */
        for ( unsigned int i = 0; i < N; i++ )
            m[i] = map_op(dA, 34, 0, GNTMAP_device_map | GNTMAP_readonly);
        harness_preempt_every = 3;
        harness_preempt_checks = 0;
        CHECK_EQ(issue(GNTTABOP_map_grant_ref, m, N, &passes[2]), 0);
        CHECK(passes[2] > 10);
        for ( unsigned int i = 0; i < N; i++ )
        {
            CHECK_EQ(m[i].status, GNTST_okay);
            u[i] = (struct gnttab_unmap_grant_ref){
                .dev_bus_addr = m[i].dev_bus_addr, .handle = m[i].handle };
        }
        CHECK_EQ(refs(src), 1 + N);
        CHECK_EQ(issue(GNTTABOP_unmap_grant_ref, u, N, &passes[2]), 0);
        harness_preempt_every = 0;
        CHECK(passes[2] > 10);
        for ( unsigned int i = 0; i < N; i++ )
            CHECK_EQ(u[i].status, GNTST_okay);
        CHECK_EQ(refs(src), 1);
        CHECK(end_access(dA, 34));
    }
}

static void test_map(void)
{
    CASE("map: host mapping installs the PTE, pins the entry; unmap undoes")
    {
        mfn_t f = page(dA, 0x99);
        struct gnttab_map_grant_ref m = map_op(dA, 40, VA1, GNTMAP_host_map);
        unsigned long r = refs(f);
        unsigned int flushes;

        grant(dA, 40, 2, f, false);
        as(dB);
        CHECK_EQ(map1(&m), GNTST_okay);
        CHECK_EQ(m.dev_bus_addr, mfn_to_maddr(f));
        CHECK_EQ(find_slot(VA1, false)->pte & PTE_ADDR_MASK,
                 mfn_to_maddr(f));
        CHECK(find_slot(VA1, false)->pte & _PAGE_RW);
        CHECK(find_slot(VA1, false)->pte & _PAGE_NX);
        CHECK(!(find_slot(VA1, false)->pte & _PAGE_USER));
        CHECK_EQ(v1e(dA, 40)->flags,
                 GTF_permit_access | GTF_reading | GTF_writing);
        /* Ours and the PTE's. */
        CHECK_EQ(refs(f), r + 2);
        CHECK_EQ(types(f), 2);
        /* The granter can't revoke while the page is mapped. */
        CHECK(!end_access(dA, 40));

        flushes = nr_flushes;
        CHECK_EQ(unmap1(VA1, 0, m.handle), GNTST_okay);
        CHECK_EQ(find_slot(VA1, false)->pte, 0);
        CHECK_EQ(nr_flushes, flushes + 1);
        /* Not just VA1: its L1 may be linked at other addresses too. */
        CHECK_EQ(last_flush_va, FLUSH_ALL);
        CHECK_EQ(v1e(dA, 40)->flags, GTF_permit_access);
        CHECK_EQ(refs(f), r);
        CHECK_EQ(types(f), 0);
        CHECK_EQ(unmap1(VA1, 0, m.handle), GNTST_bad_handle);
        CHECK(end_access(dA, 40));
    }

    CASE("map: read-only and writable uses counted apart")
    {
        mfn_t f = page(dA, 0);
        struct gnttab_map_grant_ref ro = map_op(dA, 41, VA1,
                                                GNTMAP_host_map |
                                                GNTMAP_readonly);
        struct gnttab_map_grant_ref rw = map_op(dA, 41, 0,
                                                GNTMAP_device_map);
        unsigned long r = refs(f);

        grant(dA, 41, 2, f, false);
        as(dB);
        CHECK_EQ(map1(&ro), GNTST_okay);
        CHECK(!(find_slot(VA1, false)->pte & _PAGE_RW));
        CHECK_EQ(v1e(dA, 41)->flags, GTF_permit_access | GTF_reading);
        CHECK_EQ(types(f), 0);
        CHECK_EQ(map1(&rw), GNTST_okay);
        CHECK(rw.handle != ro.handle);
        CHECK_EQ(v1e(dA, 41)->flags,
                 GTF_permit_access | GTF_reading | GTF_writing);
        CHECK_EQ(types(f), 1);
        /* Device part is undone by its bus address. */
        CHECK_EQ(unmap1(0, mfn_to_maddr(f) + PAGE_SIZE, rw.handle),
                 GNTST_bad_dev_addr);
        /* A host-only mapping ignores it (Xen 4.17), and stays mapped. */
        CHECK_EQ(unmap1(0, mfn_to_maddr(f) + PAGE_SIZE, ro.handle),
                 GNTST_okay);
        CHECK(find_slot(VA1, false)->pte & _PAGE_PRESENT);
        CHECK_EQ(unmap1(0, mfn_to_maddr(f), rw.handle), GNTST_okay);
        CHECK_EQ(v1e(dA, 41)->flags, GTF_permit_access | GTF_reading);
        CHECK_EQ(unmap1(VA1, 0, ro.handle), GNTST_okay);
        CHECK_EQ(v1e(dA, 41)->flags, GTF_permit_access);
        CHECK_EQ(refs(f), r);
        CHECK_EQ(types(f), 0);
        CHECK(end_access(dA, 41));
    }

    CASE("map: the read-only use ends first, the entry stays read and written")
    {
        mfn_t f = page(dA, 0);
        struct gnttab_map_grant_ref ro = map_op(dA, 46, VA1,
                                                GNTMAP_host_map |
                                                GNTMAP_readonly);
        struct gnttab_map_grant_ref rw = map_op(dA, 46, 0,
                                                GNTMAP_device_map);
        unsigned long r = refs(f);

        grant(dA, 46, 2, f, false);
        as(dB);
        CHECK_EQ(map1(&rw), GNTST_okay);
        CHECK_EQ(map1(&ro), GNTST_okay);
        CHECK_EQ(unmap1(VA1, 0, ro.handle), GNTST_okay);
        /* Still mapped writable: the granter must still see it in use. */
        CHECK_EQ(v1e(dA, 46)->flags,
                 GTF_permit_access | GTF_reading | GTF_writing);
        CHECK(!end_access(dA, 46));
        CHECK_EQ(unmap1(0, mfn_to_maddr(f), rw.handle), GNTST_okay);
        CHECK_EQ(v1e(dA, 46)->flags, GTF_permit_access);
        CHECK_EQ(refs(f), r);
        CHECK_EQ(types(f), 0);
        CHECK(end_access(dA, 46));
    }

    CASE("map: PTE by machine address, application map, avail bits")
    {
        mfn_t f = page(dA, 0);
        struct gnttab_map_grant_ref m =
            map_op(dA, 42, PTE1, GNTMAP_host_map | GNTMAP_contains_pte |
                                 GNTMAP_application_map |
                                 (5U << _GNTMAP_guest_avail0));
        unsigned int flushes;

        grant(dA, 42, 2, f, false);
        as(dB);
        CHECK_EQ(map1(&m), GNTST_okay);
        CHECK_EQ(find_slot(PTE1, true)->pte & PTE_ADDR_MASK, mfn_to_maddr(f));
        CHECK(find_slot(PTE1, true)->pte & _PAGE_USER);
        CHECK_EQ((find_slot(PTE1, true)->pte >> 9) & 7, 5);
        flushes = nr_flushes;
        CHECK_EQ(unmap1(PTE1, 0, m.handle), GNTST_okay);
        CHECK_EQ(find_slot(PTE1, true)->pte, 0);
        CHECK_EQ(nr_flushes, flushes + 1);
        m = map_op(dA, 42, PTE1 + 4, GNTMAP_host_map | GNTMAP_contains_pte);
        CHECK_EQ(map1(&m), GNTST_general_error);
        CHECK_EQ(v1e(dA, 42)->flags, GTF_permit_access);
        CHECK(end_access(dA, 42));
    }

    CASE("map: refusals leave no pin, no reference, no handle")
    {
        mfn_t f = page(dA, 0), g = page(dA, 0);
        struct gnttab_map_grant_ref m;
        unsigned long r = refs(f);
        grant_handle_t first;

        grant(dA, 43, 2, f, true);
        grant(dA, 44, 3, f, false);
        grant(dA, 45, 2, g, false);
        as(dB);
        m = map_op(dA, 43, VA1, 0);
        CHECK_EQ(map1(&m), GNTST_bad_gntref);
        m = map_op(dA, 43, VA1, GNTMAP_host_map);
        m.dom = DOMID_SELF;
        CHECK_EQ(map1(&m), GNTST_bad_domain);
        m.dom = 1234;
        CHECK_EQ(map1(&m), GNTST_bad_domain);
        m = map_op(dA, 100000, VA1, GNTMAP_host_map);
        CHECK_EQ(map1(&m), GNTST_bad_gntref);
        /* Xen 4.17: a writable map of a read-only grant is a general error. */
        m = map_op(dA, 43, VA1, GNTMAP_host_map);
        CHECK_EQ(map1(&m), GNTST_general_error);
        m = map_op(dA, 44, VA1, GNTMAP_host_map);
        CHECK_EQ(map1(&m), GNTST_general_error);
        /* No L1 maps the address: the PTE can't go in. */
        m = map_op(dA, 45, 0x7000000UL, GNTMAP_host_map);
        CHECK_EQ(map1(&m), GNTST_general_error);
        CHECK_EQ(v1e(dA, 43)->flags, GTF_permit_access | GTF_readonly);
        CHECK_EQ(v1e(dA, 44)->flags, GTF_permit_access);
        CHECK_EQ(v1e(dA, 45)->flags, GTF_permit_access);
        CHECK_EQ(refs(f), r);
        CHECK_EQ(types(g), 0);
        /* The handles taken for the failures were all given back. */
        m = map_op(dA, 45, 0, GNTMAP_device_map | GNTMAP_readonly);
        CHECK_EQ(map1(&m), GNTST_okay);
        first = m.handle;
        CHECK_EQ(unmap1(0, m.dev_bus_addr, first), GNTST_okay);
        CHECK_EQ(map1(&m), GNTST_okay);
        CHECK_EQ(m.handle, first);
        CHECK_EQ(unmap1(0, m.dev_bus_addr, m.handle), GNTST_okay);
        CHECK(end_access(dA, 43) && end_access(dA, 44) &&
              end_access(dA, 45));
    }

    CASE("unmap: bad handles, wrong address, partial unmap keeps the rest")
    {
        mfn_t f = page(dA, 0);
        struct gnttab_map_grant_ref m =
            map_op(dA, 46, VA2, GNTMAP_host_map | GNTMAP_device_map);

        grant(dA, 46, 2, f, false);
        as(dB);
        CHECK_EQ(unmap1(VA2, 0, 4000), GNTST_bad_handle);
        CHECK_EQ(unmap1(VA2, 0, 0), GNTST_bad_handle);
        CHECK_EQ(map1(&m), GNTST_okay);
        /* Another domain's handle space is its own. */
        as(dA);
        CHECK_EQ(unmap1(VA2, 0, m.handle), GNTST_bad_handle);
        as(dB);
        CHECK_EQ(unmap1(VA1, 0, m.handle), GNTST_general_error);
        CHECK(find_slot(VA2, false)->pte & _PAGE_PRESENT);
        CHECK_EQ(unmap1(0, 0, m.handle), GNTST_okay);
        CHECK(find_slot(VA2, false)->pte & _PAGE_PRESENT);
        CHECK_EQ(unmap1(VA2, 0, m.handle), GNTST_okay);
        CHECK_EQ(find_slot(VA2, false)->pte, 0);
        /* Still device-mapped, so still in use. */
        CHECK_EQ(v1e(dA, 46)->flags,
                 GTF_permit_access | GTF_reading | GTF_writing);
        CHECK_EQ(unmap1(VA2, mfn_to_maddr(f), m.handle), GNTST_okay);
        CHECK_EQ(v1e(dA, 46)->flags, GTF_permit_access);
        CHECK_EQ(unmap1(0, mfn_to_maddr(f), m.handle), GNTST_bad_handle);
        CHECK(end_access(dA, 46));
    }

    CASE("unmap_and_replace: host_addr takes new_addr's PTE, the grant ends")
    {
        mfn_t f = page(dA, 0x5a), own = page(dB, 0x6b);
        pte_t mine = mfn_to_maddr(own) | _PAGE_PRESENT | _PAGE_RW;
        unsigned long r = refs(f), ro = refs(own);
        struct gnttab_unmap_and_replace u = { VA1, VA2, 0, 0 };
        struct gnttab_map_grant_ref m;

        grant(dA, 49, 2, f, false);
        as(dB);
        CHECK_EQ(pv_update_va_l1e(current, VA2, mine, dB), 0);
        m = map_op(dA, 49, VA1, GNTMAP_host_map);
        CHECK_EQ(map1(&m), GNTST_okay);
        u.handle = m.handle;
        CHECK_EQ(hc(GNTTABOP_unmap_and_replace, &u, 1), 0);
        CHECK_EQ(u.status, GNTST_okay);
        CHECK_EQ(find_slot(VA1, false)->pte, mine);
        CHECK_EQ(find_slot(VA2, false)->pte, 0);
        CHECK_EQ(refs(own), ro + 1);
        CHECK_EQ(refs(f), r);
        CHECK(end_access(dA, 49));
        /* The handle is gone; new_addr 0 just unmaps. */
        CHECK_EQ(hc(GNTTABOP_unmap_and_replace, &u, 1), 0);
        CHECK_EQ(u.status, GNTST_bad_handle);
        grant(dA, 49, 2, f, true);
        m = map_op(dA, 49, VA2, GNTMAP_host_map | GNTMAP_readonly);
        CHECK_EQ(map1(&m), GNTST_okay);
        u = (struct gnttab_unmap_and_replace){ .host_addr = VA2,
                                               .handle = m.handle };
        CHECK_EQ(hc(GNTTABOP_unmap_and_replace, &u, 1), 0);
        CHECK_EQ(u.status, GNTST_okay);
        CHECK_EQ(find_slot(VA2, false)->pte, 0);
        CHECK(end_access(dA, 49));
        CHECK_EQ(pv_update_va_l1e(current, VA1, 0, dB), 0);
        CHECK_EQ(refs(own), ro);
    }

    CASE("unmap_and_replace: a PTE by machine address can't take another")
    {
        mfn_t f = page(dA, 0x5a);
        struct gnttab_map_grant_ref m = map_op(dA, 50, PTE1,
                                               GNTMAP_host_map |
                                               GNTMAP_contains_pte);
        struct gnttab_unmap_and_replace u = { .host_addr = PTE1,
                                              .new_addr = VA2 };

        grant(dA, 50, 2, f, false);
        as(dB);
        CHECK_EQ(map1(&m), GNTST_okay);
        u.handle = m.handle;
        CHECK_EQ(hc(GNTTABOP_unmap_and_replace, &u, 1), 0);
        CHECK_EQ(u.status, GNTST_general_error);
        CHECK(find_slot(PTE1, true)->pte & _PAGE_PRESENT);
        CHECK(!end_access(dA, 50));
        u.new_addr = 0;
        CHECK_EQ(hc(GNTTABOP_unmap_and_replace, &u, 1), 0);
        CHECK_EQ(u.status, GNTST_okay);
        CHECK_EQ(find_slot(PTE1, true)->pte, 0);
        CHECK(end_access(dA, 50));
    }

    CASE("unmap: a PTE the guest replaced is left alone, the grant kept")
    {
        mfn_t f = page(dA, 0x5a), own = page(dB, 0x6b);
        struct gnttab_map_grant_ref m = map_op(dA, 48, VA1, GNTMAP_host_map);
        struct gnttab_map_grant_ref m2 = m;
        unsigned long r = refs(f), ro = refs(own);
        pte_t mine = mfn_to_maddr(own) | _PAGE_PRESENT | _PAGE_RW;

        grant(dA, 48, 2, f, false);
        as(dB);
        CHECK_EQ(map1(&m), GNTST_okay);
        /* update_va_mapping over the grant: only the PTE's own refs go. */
        CHECK_EQ(pv_update_va_l1e(current, VA1, mine, dB), 0);
        CHECK_EQ(refs(f), r + 1);
        CHECK_EQ(unmap1(VA1, 0, m.handle), GNTST_general_error);
        CHECK_EQ(find_slot(VA1, false)->pte, mine);
        CHECK_EQ(refs(own), ro + 1);
        CHECK_EQ(v1e(dA, 48)->flags,
                 GTF_permit_access | GTF_reading | GTF_writing);
        CHECK_EQ(refs(f), r + 1);
        CHECK(!end_access(dA, 48));
        /* Nor may an empty entry end it. */
        CHECK_EQ(pv_update_va_l1e(current, VA1, 0, dB), 0);
        CHECK_EQ(unmap1(VA1, 0, m.handle), GNTST_general_error);
        /* A second mapping at VA1 is a PTE the first handle may undo. */
        CHECK_EQ(map1(&m2), GNTST_okay);
        CHECK_EQ(unmap1(VA1, 0, m.handle), GNTST_okay);
        CHECK_EQ(find_slot(VA1, false)->pte, 0);
        CHECK_EQ(refs(f), r + 1);
        CHECK(!end_access(dA, 48));
        CHECK_EQ(unmap1(VA1, 0, m2.handle), GNTST_general_error);
        CHECK_EQ(unmap1(VA1, 0, m.handle), GNTST_bad_handle);
        /* Only a PTE of the frame ends m2: the fake MMU makes one. */
        CHECK_EQ(pv_update_va_l1e(current, VA1, mfn_to_maddr(f) |
                                  _PAGE_PRESENT | _PAGE_RW, dA), 0);
        CHECK_EQ(unmap1(VA1, 0, m2.handle), GNTST_okay);
        CHECK_EQ(refs(f), r);
        CHECK_EQ(types(f), 0);
        CHECK(end_access(dA, 48));
    }

    CASE("map: a batch with an unwritable element returns -EFAULT")
    {
        mfn_t f = page(dA, 0);
        struct gnttab_map_grant_ref m[2];

        grant(dA, 47, 2, f, true);
        m[0] = map_op(dA, 47, 0, GNTMAP_device_map | GNTMAP_readonly);
        m[1] = map_op(dA, 47, 0, GNTMAP_device_map | GNTMAP_readonly);
        as(dB);
        harness_fault_lo = (uintptr_t)&m[1];
        harness_fault_hi = (uintptr_t)(&m[1] + 1);
        CHECK_EQ(hc(GNTTABOP_map_grant_ref, m, 2), -EFAULT);
        harness_fault_lo = harness_fault_hi = 0;
        CHECK_EQ(m[0].status, GNTST_okay);
        CHECK_EQ(unmap1(0, m[0].dev_bus_addr, m[0].handle), GNTST_okay);
        CHECK(end_access(dA, 47));
    }
}

static void test_versions(void)
{
    CASE("version: v1 -> v2 -> v1 keeps reserved entries, clears the rest")
    {
        struct gnttab_get_version g = { .dom = DOMID_SELF };
        struct gnttab_set_version s = { .version = 2 };
        struct gnttab_get_status_frames sf = { .dom = DOMID_SELF };
        uint64_t st[4];
        mfn_t f = page(dA, 0);

        as(dA);
        CHECK_EQ(hc(GNTTABOP_get_version, &g, 1), 0);
        CHECK_EQ(g.version, 1);
        grant(dA, 1, 0, f, false);
        grant(dA, 50, 2, f, false);
        sf.nr_frames = 1;
        set_xen_guest_handle(sf.frame_list, st);
        CHECK_EQ(hc(GNTTABOP_get_status_frames, &sf, 1), 0);
        CHECK_EQ((int16_t)sf.status, GNTST_general_error);

        CHECK_EQ(hc(GNTTABOP_set_version, &s, 1), 0);
        CHECK_EQ(s.version, 2);
        CHECK_EQ(hc(GNTTABOP_get_version, &g, 1), 0);
        CHECK_EQ(g.version, 2);
        CHECK_EQ(v2e(dA, 1)->hdr.flags, GTF_permit_access);
        CHECK_EQ(v2e(dA, 1)->hdr.domid, 0);
        CHECK_EQ(v2e(dA, 1)->full_page.frame, mfn_x(f));
        CHECK_EQ(v2e(dA, 50)->hdr.flags, 0);
        /* 4 frames of 256 entries: one status frame of 2048. */
        CHECK_EQ(hc(GNTTABOP_get_status_frames, &sf, 1), 0);
        CHECK_EQ(sf.status, GNTST_okay);
        CHECK(page_get_owner(mfn_to_page(_mfn(st[0]))) == dA);
        sf.nr_frames = 2;
        CHECK_EQ(hc(GNTTABOP_get_status_frames, &sf, 1), 0);
        CHECK_EQ((int16_t)sf.status, GNTST_general_error);

        s.version = 2;
        CHECK_EQ(hc(GNTTABOP_set_version, &s, 1), 0);
        s.version = 3;
        CHECK_EQ(hc(GNTTABOP_set_version, &s, 1), -EINVAL);
        CHECK_EQ(s.version, 2);
        s.version = 1;
        CHECK_EQ(hc(GNTTABOP_set_version, &s, 1), 0);
        CHECK_EQ(s.version, 1);
        CHECK_EQ(v1e(dA, 1)->flags, GTF_permit_access);
        CHECK_EQ(v1e(dA, 1)->frame, mfn_x(f));
        CHECK_EQ(v1e(dA, 50)->flags, 0);
        /* The status frame went back to the heap. */
        CHECK(!page_get_owner(mfn_to_page(_mfn(st[0]))));
        CHECK(end_access(dA, 1));
    }

    CASE("version: v2 copy, sub-page grants, status bits")
    {
        struct gnttab_set_version s = { .version = 2 };
        struct gnttab_get_status_frames sf = { .dom = DOMID_SELF,
                                               .nr_frames = 1 };
        mfn_t f = page(dA, 0x5a), dst = page(dB, 0);
        grant_entry_v2_t *e;
        grant_status_t *status;
        uint64_t st;
        struct gnttab_copy c;
        struct gnttab_map_grant_ref m;

        as(dA);
        CHECK_EQ(hc(GNTTABOP_set_version, &s, 1), 0);
        set_xen_guest_handle(sf.frame_list, &st);
        CHECK_EQ(hc(GNTTABOP_get_status_frames, &sf, 1), 0);
        status = mfn_to_virt(_mfn(st));
        e = v2e(dA, 60);
        e->sub_page.page_off = 100;
        e->sub_page.length = 50;
        e->sub_page.frame = mfn_x(f);
        e->hdr.domid = 2;
        __atomic_store_n(&e->hdr.flags, GTF_permit_access | GTF_sub_page |
                         GTF_readonly, __ATOMIC_RELEASE);
        as(dB);
        c = from_ref(dA, 60, dst, 50);
        c.source.offset = 100;
        CHECK_EQ(copy1(&c), GNTST_okay);
        CHECK(va_of(dst)[0] == 0x5a && va_of(dst)[49] == 0x5a &&
              va_of(dst)[50] == 0);
        c.source.offset = 99;
        CHECK_EQ(copy1(&c), GNTST_general_error);
        c.source.offset = 101;
        CHECK_EQ(copy1(&c), GNTST_general_error);
        m = map_op(dA, 60, VA1, GNTMAP_host_map | GNTMAP_readonly);
        CHECK_EQ(map1(&m), GNTST_general_error);
        CHECK_EQ(status[60], 0);

        /* A full-page v2 grant mapped: the status shows it, not flags. */
        e = v2e(dA, 61);
        e->full_page.frame = mfn_x(f);
        e->hdr.domid = 2;
        __atomic_store_n(&e->hdr.flags, GTF_permit_access, __ATOMIC_RELEASE);
        m = map_op(dA, 61, VA1, GNTMAP_host_map);
        CHECK_EQ(map1(&m), GNTST_okay);
        CHECK_EQ(status[61], GTF_reading | GTF_writing);
        CHECK_EQ(e->hdr.flags, GTF_permit_access);
        /* In use beyond the reserved entries: no version change. */
        as(dA);
        s.version = 1;
        CHECK_EQ(hc(GNTTABOP_set_version, &s, 1), -EBUSY);
        CHECK_EQ(s.version, 2);
        as(dB);
        CHECK_EQ(unmap1(VA1, 0, m.handle), GNTST_okay);
        CHECK_EQ(status[61], 0);
        /* A read-only mapping blocks it as well. */
        m = map_op(dA, 61, VA1, GNTMAP_host_map | GNTMAP_readonly);
        CHECK_EQ(map1(&m), GNTST_okay);
        as(dA);
        s.version = 1;
        CHECK_EQ(hc(GNTTABOP_set_version, &s, 1), -EBUSY);
        as(dB);
        CHECK_EQ(unmap1(VA1, 0, m.handle), GNTST_okay);
        /* A guest mapping of the status frame blocks the switch too. */
        as(dA);
        CHECK(get_page(mfn_to_page(_mfn(st)), dA));
        s.version = 1;
        CHECK_EQ(hc(GNTTABOP_set_version, &s, 1), -EBUSY);
        put_page(mfn_to_page(_mfn(st)));
        /* A reserved entry above 32 bits of frame can't go back to v1. */
        v2e(dA, 2)->full_page.frame = 1UL << 32;
        v2e(dA, 2)->hdr.flags = GTF_permit_access;
        s.version = 1;
        CHECK_EQ(hc(GNTTABOP_set_version, &s, 1), -ERANGE);
        v2e(dA, 2)->hdr.flags = 0;
        s.version = 1;
        CHECK_EQ(hc(GNTTABOP_set_version, &s, 1), 0);
        CHECK_EQ(s.version, 1);
    }

    CASE("version: a mapped reserved entry survives the switch")
    {
        struct gnttab_set_version s = { .version = 2 };
        struct gnttab_get_status_frames sf = { .dom = DOMID_SELF,
                                               .nr_frames = 1 };
        mfn_t f = page(dA, 0);
        struct gnttab_map_grant_ref m = map_op(dA, 1, VA1, GNTMAP_host_map);
        uint64_t st;

        grant(dA, 1, 0, f, false);
        as(d0);
        CHECK_EQ(map1(&m), GNTST_okay);
        as(dA);
        CHECK_EQ(hc(GNTTABOP_set_version, &s, 1), 0);
        set_xen_guest_handle(sf.frame_list, &st);
        CHECK_EQ(hc(GNTTABOP_get_status_frames, &sf, 1), 0);
        CHECK_EQ(((grant_status_t *)mfn_to_virt(_mfn(st)))[1],
                 GTF_reading | GTF_writing);
        CHECK_EQ(v2e(dA, 1)->hdr.flags, GTF_permit_access);
        as(d0);
        CHECK_EQ(unmap1(VA1, 0, m.handle), GNTST_okay);
        CHECK_EQ(((grant_status_t *)mfn_to_virt(_mfn(st)))[1], 0);
        as(dA);
        s.version = 1;
        CHECK_EQ(hc(GNTTABOP_set_version, &s, 1), 0);
        CHECK_EQ(v1e(dA, 1)->flags, GTF_permit_access);
        CHECK(end_access(dA, 1));
    }

    CASE("version: limits and other domains")
    {
        struct gnttab_set_version s = { .version = 2 };
        struct gnttab_get_version g = { .dom = 2 };

        as(dA);
        CHECK_EQ(hc(GNTTABOP_get_version, &g, 1), -EPERM);
        g.dom = 999;
        CHECK_EQ(hc(GNTTABOP_get_version, &g, 1), -ESRCH);
        as(d0);
        g.dom = 1;
        CHECK_EQ(hc(GNTTABOP_get_version, &g, 1), 0);
        CHECK_EQ(g.version, 1);
        CHECK_EQ(grant_table_set_limits(dB, 64, 1024, 1), 0);
        as(dB);
        CHECK_EQ(hc(GNTTABOP_set_version, &s, 1), -ENOSYS);
        CHECK_EQ(s.version, 1);
        CHECK_EQ(grant_table_set_limits(dB, 64, 1024, 2), 0);
    }
}

static void test_misc(void)
{
    CASE("swap_grant_ref: entries exchanged, bad refs, busy entries")
    {
        struct gnttab_swap_grant_ref sw = { .ref_a = 70, .ref_b = 71 };
        mfn_t a = page(dA, 0), b = page(dA, 0);
        struct gnttab_map_grant_ref m = map_op(dA, 70, 0, GNTMAP_device_map);

        grant(dA, 70, 2, a, false);
        grant(dA, 71, 3, b, true);
        as(dA);
        CHECK_EQ(hc(GNTTABOP_swap_grant_ref, &sw, 1), 0);
        CHECK_EQ(sw.status, GNTST_okay);
        CHECK(v1e(dA, 70)->frame == mfn_x(b) && v1e(dA, 70)->domid == 3);
        CHECK(v1e(dA, 71)->frame == mfn_x(a) && v1e(dA, 71)->domid == 2);
        CHECK_EQ(v1e(dA, 70)->flags, GTF_permit_access | GTF_readonly);
        sw.ref_b = 1 << 20;
        CHECK_EQ(hc(GNTTABOP_swap_grant_ref, &sw, 1), 0);
        CHECK_EQ(sw.status, GNTST_bad_gntref);
        m.ref = 71;
        as(dB);
        CHECK_EQ(map1(&m), GNTST_okay);
        as(dA);
        sw.ref_b = 71;
        CHECK_EQ(hc(GNTTABOP_swap_grant_ref, &sw, 1), 0);
        CHECK_EQ(sw.status, GNTST_eagain);
        as(dB);
        CHECK_EQ(unmap1(0, m.dev_bus_addr, m.handle), GNTST_okay);
        CHECK(end_access(dA, 70) && end_access(dA, 71));
    }

    CASE("unknown ops, bad counts, bad pointers")
    {
        struct gnttab_query_size q = { .dom = DOMID_SELF };

        as(dA);
        CHECK_EQ(hc(99, &q, 1), -ENOSYS);
        CHECK_EQ(hc(GNTTABOP_transfer, &q, 1), -ENOSYS);
        CHECK_EQ(hc(GNTTABOP_query_size, &q, -1), -EINVAL);
        harness_fault_lo = (uintptr_t)&q;
        harness_fault_hi = (uintptr_t)(&q + 1);
        CHECK_EQ(hc(GNTTABOP_query_size, &q, 1), -EFAULT);
        CHECK_EQ(hc(GNTTABOP_copy, &q, 1), -EFAULT);
        CHECK_EQ(hc(GNTTABOP_map_grant_ref, &q, 1), -EFAULT);
        CHECK_EQ(hc(GNTTABOP_unmap_grant_ref, &q, 1), -EFAULT);
        CHECK_EQ(hc(GNTTABOP_set_version, &q, 1), -EFAULT);
        CHECK_EQ(hc(GNTTABOP_get_version, &q, 1), -EFAULT);
        harness_fault_lo = harness_fault_hi = 0;
        CHECK_EQ(hc(GNTTABOP_copy, &q, 0), 0);
    }
}

/* The granter revokes and re-grants while the grantee copies. */
static volatile bool racing;
static grant_entry_v1_t *race_entry;
static mfn_t race_frame;
static unsigned long race_rounds;

static void *granter_thread(void *arg)
{
    grant_entry_v1_t *e = race_entry;
    mfn_t f = race_frame;
    unsigned int i;

    while ( racing )
    {
        uint16_t old = __atomic_load_n(&e->flags, __ATOMIC_RELAXED);

        if ( !(old & (GTF_reading | GTF_writing)) )
            __atomic_compare_exchange_n(&e->flags, &old, 0, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        e->domid = 2;
        e->frame = mfn_x(f);
        __atomic_store_n(&e->flags, GTF_permit_access, __ATOMIC_RELEASE);
        __atomic_fetch_add(&race_rounds, 1, __ATOMIC_RELEASE);
        /* A granter rewriting in a tight loop is refused (CLAIM_TRIES). */
        for ( i = 0; i < 64; i++ )
            cpu_relax();
    }
    return NULL;
}

static void test_race(void)
{
    CASE("race: revoking while copies run leaves no stale in-use bits")
    {
        mfn_t f = page(dA, 0x31), dst = page(dB, 0);
        unsigned long r = refs(f);
        unsigned int i, ok = 0, refused = 0;
        pthread_t t;

        race_entry = v1e(dA, 80);
        grant(dA, 80, 2, f, false);
        race_frame = f;
        as(dB);
        racing = true;
        pthread_create(&t, NULL, granter_thread, NULL);
        while ( !__atomic_load_n(&race_rounds, __ATOMIC_ACQUIRE) )
            ;
        /*
         * The granter can win every claim for a while on a loaded host:
         * keep going (boundedly) until at least one copy got through.
         */
        for ( i = 0; i < 20000 || (!ok && i < 2000000); i++ )
        {
            struct gnttab_copy c = from_ref(dA, 80, dst, 64);
            int16_t st = copy1(&c);

            if ( st == GNTST_okay )
                ok++;
            else if ( st == GNTST_general_error )
                refused++;
        }
        racing = false;
        pthread_join(t, NULL);
        CHECK_EQ(ok + refused, i);
        CHECK(ok > 0);
        CHECK_EQ(v1e(dA, 80)->flags & (GTF_reading | GTF_writing), 0);
        CHECK_EQ(refs(f), r);
        CHECK_EQ(types(dst), 0);
        CHECK(va_of(dst)[63] == 0x31);
        CHECK(end_access(dA, 80));
    }
}

static void test_destroy(void)
{
    CASE("destroy: a mapper's maps released, a granter's frames freed")
    {
        struct domain *dC = mkdom(3, false);
        mfn_t f = page(dA, 0x10), g = page(dC, 0x20);
        struct gnttab_map_grant_ref m1 = map_op(dA, 90, VA1, GNTMAP_host_map);
        struct gnttab_map_grant_ref m2 = map_op(dC, 91, 0,
                                                GNTMAP_device_map);
        struct gnttab_map_grant_ref m3 = map_op(dA, 92, 0,
                                                GNTMAP_device_map |
                                                GNTMAP_readonly);
        xen_pfn_t tf[2];
        struct gnttab_setup_table s = { .dom = DOMID_SELF, .nr_frames = 2 };
        unsigned long rf = refs(f), rg = refs(g), free_before;
        long allocs = live_allocs;

        grant(dA, 90, 3, f, false);
        grant(dA, 92, 3, f, true);
        grant(dC, 91, 1, g, false);
        as(dC);
        set_xen_guest_handle(s.frame_list, tf);
        CHECK_EQ(hc(GNTTABOP_setup_table, &s, 1), 0);
        CHECK_EQ(map1(&m1), GNTST_okay);
        CHECK_EQ(map1(&m3), GNTST_okay);
        as(dA);
        CHECK_EQ(map1(&m2), GNTST_okay);
        CHECK(v1e(dA, 90)->flags & GTF_writing);

        /* dC dies: its page tables first (the PTE goes), then its table. */
        as(dC);
        CHECK_EQ(pv_update_va_l1e(current, VA1, 0, dC), 0);
        free_before = total_free_pages();
        rmdom(dC);
        grant_table_destroy(dC);
        CHECK(!dC->grant_table);
        CHECK_EQ(v1e(dA, 90)->flags, GTF_permit_access);
        CHECK_EQ(v1e(dA, 92)->flags, GTF_permit_access | GTF_readonly);
        CHECK_EQ(refs(f), rf);
        CHECK_EQ(types(f), 0);
        /* Its two table frames went back to the heap... */
        CHECK_EQ(total_free_pages(), free_before + 2);
        CHECK(!page_get_owner(mfn_to_page(_mfn(tf[0]))));
        /* ...and dA's mapping of dC's frame still holds that frame. */
        CHECK_EQ(refs(g), rg + 1);
        CHECK_EQ(types(g), 1);
        as(dA);
        CHECK_EQ(unmap1(0, m2.dev_bus_addr, m2.handle), GNTST_okay);
        CHECK_EQ(refs(g), rg);
        CHECK_EQ(types(g), 0);
        CHECK(allocs - live_allocs > 0);
        CHECK(end_access(dA, 90) && end_access(dA, 92));
    }

    CASE("release: a dying granter's table serves its grantees till freed")
    {
        struct domain *dG = mkdom(3, false);
        mfn_t g = page(dG, 0x30);
        struct gnttab_map_grant_ref m = map_op(dG, 93, 0, GNTMAP_device_map);
        struct gnttab_query_size q = { .dom = 3 };
        struct gnttab_setup_table s = { .dom = 3 };
        xen_pfn_t tf[8];
        unsigned long rg = refs(g), free_before;
        long allocs = live_allocs;

        grant(dG, 93, 1, g, false);
        as(dA);
        CHECK_EQ(map1(&m), GNTST_okay);
        CHECK(v1e(dG, 93)->flags & GTF_writing);
        as(d0);
        CHECK_EQ(hc(GNTTABOP_query_size, &q, 1), 0);

        /* dG dies: its frames lose their allocation reference... */
        dG->state = DOMSTATE_dying;
        free_before = total_free_pages();
        grant_table_release(dG);
        CHECK(dG->grant_table);
        CHECK(!page_get_owner(virt_to_page(table_frame(dG, 0))));
        /* ...and its table grows no more, */
        s.nr_frames = q.nr_frames + 1;
        set_xen_guest_handle(s.frame_list, tf);
        CHECK_EQ(hc(GNTTABOP_setup_table, &s, 1), 0);
        CHECK_EQ((int16_t)s.status, GNTST_general_error);
        /* but the grantee's unmap still ends its use of the entry. */
        as(dA);
        CHECK_EQ(unmap1(0, m.dev_bus_addr, m.handle), GNTST_okay);
        CHECK_EQ(v1e(dG, 93)->flags, GTF_permit_access);
        CHECK_EQ(refs(g), rg);
        CHECK_EQ(types(g), 0);
        /* The table's frames go back when the domain itself goes. */
        CHECK_EQ(total_free_pages(), free_before);
        rmdom(dG);
        grant_table_destroy(dG);
        CHECK(!dG->grant_table);
        CHECK_EQ(total_free_pages(), free_before + q.nr_frames);
        CHECK(allocs - live_allocs > 0);
    }

    CASE("destroy: every allocation of a table goes back")
    {
        long allocs = live_allocs;
        unsigned long free_before = total_free_pages();
        struct domain *d = mkdom(3, false);
        struct gnttab_set_version s = { .version = 2 };
        struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 9 };
        xen_pfn_t f[9];
        mfn_t own = page(d, 0);
        struct gnttab_map_grant_ref m = map_op(d, 20, 0, GNTMAP_device_map);

        as(d);
        set_xen_guest_handle(st.frame_list, f);
        CHECK_EQ(hc(GNTTABOP_setup_table, &st, 1), 0);
        CHECK_EQ(hc(GNTTABOP_set_version, &s, 1), 0);
        v2e(d, 20)->full_page.frame = mfn_x(own);
        v2e(d, 20)->hdr.domid = 3;
        v2e(d, 20)->hdr.flags = GTF_permit_access;
        CHECK_EQ(map1(&m), GNTST_okay);
        rmdom(d);
        grant_table_destroy(d);
        CHECK_EQ(live_allocs, allocs);
        /* Only the domain's own frame is still out. */
        CHECK_EQ(total_free_pages(), free_before - 1);
        CHECK_EQ(refs(own), 1);
        CHECK_EQ(types(own), 0);
    }
}

/* v2 entry ref of d: a transitive grant to `to` of (tdom, tref). */
static void grant_trans(struct domain *d, grant_ref_t ref, domid_t to,
                        domid_t tdom, grant_ref_t tref, bool readonly)
{
    grant_entry_v2_t *e = v2e(d, ref);

    e->transitive.trans_domid = tdom;
    e->transitive.gref = tref;
    e->hdr.domid = to;
    __atomic_store_n(&e->hdr.flags,
                     GTF_transitive | (readonly ? GTF_readonly : 0),
                     __ATOMIC_RELEASE);
}

static grant_status_t *status_of(struct domain *d)
{
    struct gnttab_get_status_frames sf = { .dom = DOMID_SELF,
                                           .nr_frames = 1 };
    struct vcpu *was = current;
    uint64_t st;

    as(d);
    set_xen_guest_handle(sf.frame_list, &st);
    BUG_ON(hc(GNTTABOP_get_status_frames, &sf, 1) || sf.status);
    get_cpu_info()->current_vcpu = was;
    return mfn_to_virt(_mfn(st));
}

static void set_version(struct domain *d, unsigned int v)
{
    struct gnttab_set_version s = { .version = v };
    struct vcpu *was = current;

    as(d);
    BUG_ON(hc(GNTTABOP_set_version, &s, 1) || s.version != v);
    get_cpu_info()->current_vcpu = was;
}

/*
 * Transitive grants: A grants a frame to B, B grants it on to d0 with a
 * v2 transitive entry, d0 copies through B's entry.
 */
static void test_transitive(void)
{
    CASE("transitive: copy through an intermediate's grant, both ways")
    {
        mfn_t f = page(dA, 0x77), mine = page(d0, 0);
        grant_status_t *stB;
        struct gnttab_copy c;
        struct gnttab_map_grant_ref m;

        set_version(dB, 2);
        stB = status_of(dB);
        grant(dA, 70, 2, f, false);
        grant_trans(dB, 80, 0, 1, 70, false);
        as(d0);
        c = from_ref(dB, 80, mine, 100);
        CHECK_EQ(copy1(&c), GNTST_okay);
        CHECK(va_of(mine)[0] == 0x77 && va_of(mine)[99] == 0x77 &&
              va_of(mine)[100] == 0);
        /* Every use ended: no in-use bits left anywhere in the chain. */
        CHECK_EQ(stB[80], 0);
        CHECK_EQ(v1e(dA, 70)->flags, GTF_permit_access);
        CHECK_EQ(types(f), 0);

        memset(va_of(mine), 0x11, 8);
        c = to_ref(dB, 80, mine, 8);
        c.dest.offset = 16;
        CHECK_EQ(copy1(&c), GNTST_okay);
        CHECK(va_of(f)[16] == 0x11 && va_of(f)[24] == 0x77);
        CHECK_EQ(stB[80], 0);
        CHECK_EQ(types(f), 0);

        /* Copy only: a map fails, and leaves nothing pinned. */
        m = map_op(dB, 80, VA1, GNTMAP_host_map | GNTMAP_readonly);
        CHECK_EQ(map1(&m), GNTST_general_error);
        CHECK_EQ(stB[80], 0);

        /* GTF_readonly at either hop stops writes, not reads. */
        grant_trans(dB, 80, 0, 1, 70, true);
        c = to_ref(dB, 80, mine, 8);
        CHECK_EQ(copy1(&c), GNTST_general_error);
        c = from_ref(dB, 80, mine, 8);
        CHECK_EQ(copy1(&c), GNTST_okay);
        grant_trans(dB, 80, 0, 1, 70, false);
        CHECK(end_access(dA, 70));
        grant(dA, 70, 2, f, true);
        c = to_ref(dB, 80, mine, 8);
        CHECK_EQ(copy1(&c), GNTST_general_error);
        CHECK_EQ(stB[80], 0);
        CHECK_EQ(v1e(dA, 70)->flags, GTF_permit_access | GTF_readonly);
        c = from_ref(dB, 80, mine, 8);
        CHECK_EQ(copy1(&c), GNTST_okay);
        CHECK(end_access(dA, 70));
    }

    CASE("transitive: bad chains get Xen's status")
    {
        mfn_t f = page(dA, 0x33), mine = page(d0, 0);
        grant_status_t *stB = status_of(dB);
        struct gnttab_copy c;

        grant(dA, 70, 2, f, false);
        as(d0);
        c = from_ref(dB, 80, mine, 8);
        /* Naming B itself, no domain, DOMID_SELF. */
        grant_trans(dB, 80, 0, 2, 70, false);
        CHECK_EQ(copy1(&c), GNTST_general_error);
        grant_trans(dB, 80, 0, 77, 70, false);
        CHECK_EQ(copy1(&c), GNTST_general_error);
        grant_trans(dB, 80, 0, DOMID_SELF, 70, false);
        CHECK_EQ(copy1(&c), GNTST_general_error);
        /* A reference past A's table; A's entry not granted to B. */
        grant_trans(dB, 80, 0, 1, 1U << 20, false);
        CHECK_EQ(copy1(&c), GNTST_bad_gntref);
        grant_trans(dB, 80, 0, 1, 71, false);
        CHECK_EQ(copy1(&c), GNTST_general_error);
        /* Granted to someone else than the copier. */
        grant_trans(dB, 80, 1, 1, 70, false);
        CHECK_EQ(copy1(&c), GNTST_general_error);
        CHECK_EQ(stB[80], 0);
        CHECK_EQ(v1e(dA, 70)->flags, GTF_permit_access);

        /* Two hops: B -> d0's transitive entry -> A.  One hop only. */
        set_version(d0, 2);
        grant(dA, 72, 0, f, false);
        grant_trans(d0, 90, 2, 1, 72, false);
        grant_trans(dB, 80, 0, 0, 90, false);
        CHECK_EQ(copy1(&c), GNTST_general_error);
        /* d0 copying straight through its own entry is no chain at all. */
        as(dB);
        c = from_ref(d0, 90, page(dB, 0), 8);
        CHECK_EQ(copy1(&c), GNTST_okay);
        v2e(d0, 90)->hdr.flags = 0;
        set_version(d0, 1);
        CHECK(end_access(dA, 72));
        as(d0);

        /* A transitive type in a v1 table is no grant. */
        v2e(dB, 80)->hdr.flags = 0;
        set_version(dB, 1);
        v1e(dB, 80)->domid = 0;
        __atomic_store_n(&v1e(dB, 80)->flags, GTF_transitive,
                         __ATOMIC_RELEASE);
        c = from_ref(dB, 80, mine, 8);
        CHECK_EQ(copy1(&c), GNTST_general_error);
        CHECK_EQ(v1e(dB, 80)->flags, GTF_transitive);
        v1e(dB, 80)->flags = 0;
        CHECK(end_access(dA, 70));
    }
}

int main(void)
{
    setup();
    test_setup_and_query();
    test_copy();
    test_map();
    test_continuations();
    test_versions();
    test_misc();
    test_race();
    test_transitive();
    test_destroy();
    CASE("lookups give back every domain reference they take")
    {
        for ( unsigned int i = 0; i < MAX_DOMS; i++ )
            CHECK(!doms[i] || doms[i]->refcnt == 0);
    }
    return check_failures ? 1 : 0;
}
