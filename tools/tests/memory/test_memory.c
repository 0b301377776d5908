/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for memory_op: reservations, sizes, maps; privilege, owners. */
#include <stdlib.h>
#include <sys/mman.h>
#include <asm/config.h>
#include <xen/compat.h>
#include <xen/errno.h>
#include <xen/hypercall.h>
#include <xen/mm.h>
#include <xen/page_owner.h>
#include <xen/sched.h>
#include <asm/current.h>
#include <asm/domain.h>
#include <asm/e820.h>
#include <asm/flushtlb.h>
#include <asm/m2p.h>
#include <public/memory.h>
#include "check.h"
#include "domain_refs.h"
#include "preempt.h"

#define NR_FRAMES       1024UL
#define NR_UNMANAGED    16UL
/* Where the guest's SYSCALL ends, as the frame records it. */
#define CALL_RIP        0x401002UL

/* Guest memory windows where copies fail (include/asm/uaccess.h). */
extern uintptr_t harness_fault_lo, harness_fault_hi;
uintptr_t guest_ro_lo, guest_ro_hi;

/* ---- what the hypervisor around memory.c would provide ---- */

static struct domain *doms[3];
static unsigned long m2p[NR_FRAMES];

struct e820map e820 = {
    .nr_map = 3,
    .map = {
        { .addr = 0, .size = 0x9f000, .type = E820_RAM },
        { .addr = 0xf0000, .size = 0x10000, .type = E820_RESERVED },
        { .addr = 0x100000, .size = NR_FRAMES << PAGE_SHIFT,
          .type = E820_RAM },
    },
};

struct domain *get_domain_by_id(domid_t id)
{
    for ( unsigned int i = 0; i < ARRAY_SIZE(doms); i++ )
        if ( doms[i] && doms[i]->domain_id == id )
            return get_domain(doms[i]);
    return NULL;
}

void flush_tlb_mask(const cpumask_t *mask)
{
}

void flush_tlb_frames_of(const struct domain *owner)
{
}

void set_gpfn_from_mfn(unsigned long mfn, unsigned long pfn)
{
    if ( mfn < NR_FRAMES )
        m2p[mfn] = pfn;
}

unsigned long get_gpfn_from_mfn(unsigned long mfn)
{
    return mfn < NR_FRAMES ? m2p[mfn] : INVALID_M2P_ENTRY;
}

mfn_t m2p_chunk_mfn(unsigned long idx)
{
    return _mfn(0x500 + idx);
}

/* No 32-bit guests here: the compat table's queries are pv_mm's. */
mfn_t m2p_compat_chunk_mfn(unsigned long idx)
{
    return _mfn(0x600 + idx);
}

unsigned long m2p_compat_nr_chunks(void)
{
    return 1;
}

/* ---- helpers ---- */

static struct domain *dom0, *domA, *domB;

static struct domain *make_domain(domid_t id, bool privileged)
{
    struct domain *d = calloc(1, sizeof(*d));
    struct vcpu *v = calloc(1, sizeof(*v));

    d->domain_id = id;
    d->is_privileged = privileged;
    d->max_pages = 64;
    page_list_init(&d->page_list);
    d->max_vcpus = 1;
    d->vcpu = calloc(1, sizeof(*d->vcpu));
    d->vcpu[0] = v;
    d->shared_info = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
    memset(d->shared_info, 0, PAGE_SIZE);
    v->domain = d;
    memset(&v->arch, 0, sizeof(v->arch));
    return d;
}

static void run_as(struct domain *d)
{
    get_cpu_info()->current_vcpu = d->vcpu[0];
}

static bool refs_balanced(void)
{
    for ( unsigned int i = 0; i < ARRAY_SIZE(doms); i++ )
        if ( doms[i]->refcnt )
            return false;
    return true;
}

static long memop(unsigned long cmd, void *arg)
{
    return do_memory_op(cmd, (XEN_GUEST_HANDLE_PARAM(void)){ arg });
}

/*
 * A sub-op whose argument (arg, size bytes, its domid field at *domid)
 * names a domain answers `answer` for the caller's own domain, for any
 * from dom0, -EPERM for another's from a domU, -ESRCH for none, and
 * -EFAULT for an unreadable argument.  True if all of that holds.
 */
static bool names_domain(unsigned int cmd, void *arg, domid_t *domid,
                         size_t size, long answer)
{
    bool ok;

    memset(arg, 0, size);
    run_as(domA);
    *domid = DOMID_SELF;
    ok = memop(cmd, arg) == answer;
    *domid = domB->domain_id;
    ok &= memop(cmd, arg) == -EPERM;
    *domid = 77;
    ok &= memop(cmd, arg) == -ESRCH;
    harness_fault_lo = (uintptr_t)arg;
    harness_fault_hi = harness_fault_lo + size;
    ok &= memop(cmd, arg) == -EFAULT;
    harness_fault_lo = harness_fault_hi = 0;
    run_as(dom0);
    *domid = domB->domain_id;
    ok &= memop(cmd, arg) == answer;
    return ok && refs_balanced();
}

/*
 * A reservation sub-op issued as a guest does: a continuation rewinds rip
 * over the SYSCALL and the guest issues it again with the registers as
 * left.  *passes counts the issues.
 */
static long reserve(unsigned int op, struct domain *d, xen_pfn_t *list,
                    unsigned long nr, unsigned int order, unsigned int *passes)
{
    struct cpu_user_regs *r = &get_cpu_info()->guest_cpu_user_regs;
    struct xen_memory_reservation res = {
        .nr_extents = nr, .extent_order = order, .domid = d->domain_id,
    };
    unsigned int n = 0;
    long rc;

    set_xen_guest_handle(res.extent_start, list);
    memset(r, 0, sizeof(*r));
    r->rdi = op;
    r->rsi = (unsigned long)&res;
    for ( ;; )
    {
        r->rip = CALL_RIP;
        n++;
        rc = memop(r->rdi, (void *)r->rsi);
        if ( r->rip == CALL_RIP )
            break;
        CHECK_EQ(r->rip, CALL_RIP - 2);
        CHECK_EQ(rc, __HYPERVISOR_memory_op);
        CHECK_EQ(r->rdi & MEMOP_CMD_MASK, op);
        CHECK_EQ(r->rsi, (unsigned long)&res);
        if ( n == 1000 )
        {
            CHECK(!"endless continuations");
            break;
        }
    }
    if ( passes )
        *passes = n;
    return rc;
}

static unsigned long refs(unsigned long mfn)
{
    return frame_table[mfn].count_info & PGC_count_mask;
}

/* Frames for d from the real allocator, as a list of their mfns. */
static void give(struct domain *d, xen_pfn_t *list, unsigned int nr)
{
    for ( unsigned int i = 0; i < nr; i++ )
        list[i] = i;
    CHECK_EQ(reserve(XENMEM_populate_physmap, d, list, nr, 0, NULL), nr);
}

static long size_of(unsigned long cmd, domid_t domid)
{
    return memop(cmd, &domid);
}

static void test_reservations(void)
{
    CASE("populate_physmap: new frames, owned, in the M2P, refs balance")
    {
        xen_pfn_t list[4] = { 10, 11, 12, 13 };
        unsigned long before = domA->tot_pages;

        run_as(domA);
        CHECK_EQ(reserve(XENMEM_populate_physmap, domA, list, 4, 0, NULL), 4);
        CHECK_EQ(domA->tot_pages, before + 4);
        for ( unsigned int i = 0; i < 4; i++ )
        {
            CHECK(list[i] < NR_FRAMES);
            CHECK(page_get_owner(&frame_table[list[i]]) == domA);
            CHECK_EQ(m2p[list[i]], 10 + i);
            CHECK_EQ(refs(list[i]), 1);
        }
        CHECK(refs_balanced());
    }

    CASE("increase_reservation: order 2 extents, no M2P entry yet")
    {
        xen_pfn_t list[2] = { 0, 0 };
        unsigned long before = domA->tot_pages;

        run_as(domA);
        CHECK_EQ(reserve(XENMEM_increase_reservation, domA, list, 2, 2, NULL),
                 2);
        CHECK_EQ(domA->tot_pages, before + 8);
        for ( unsigned int j = 0; j < 4; j++ )
        {
            CHECK(page_get_owner(&frame_table[list[1] + j]) == domA);
            CHECK_EQ(m2p[list[1] + j], INVALID_M2P_ENTRY);
        }
    }

    CASE("decrease_reservation: own frames go back, M2P cleared")
    {
        xen_pfn_t list[3];
        unsigned long before, free_before;

        run_as(domA);
        give(domA, list, 3);
        before = domA->tot_pages;
        free_before = total_free_pages();
        CHECK_EQ(reserve(XENMEM_decrease_reservation, domA, list, 3, 0, NULL),
                 3);
        CHECK_EQ(domA->tot_pages, before - 3);
        CHECK_EQ(total_free_pages(), free_before + 3);
        for ( unsigned int i = 0; i < 3; i++ )
        {
            CHECK_EQ(refs(list[i]), 0);
            CHECK_EQ(m2p[list[i]], INVALID_M2P_ENTRY);
        }
        CHECK(refs_balanced());
    }

    CASE("decrease_reservation: another domain's frame ends the batch")
    {
        xen_pfn_t mine[2], theirs[1], list[3];
        unsigned long a = domA->tot_pages, b;

        run_as(domB);
        give(domB, theirs, 1);
        b = domB->tot_pages;
        run_as(domA);
        give(domA, mine, 2);
        list[0] = mine[0];
        list[1] = theirs[0];
        list[2] = mine[1];
        CHECK_EQ(reserve(XENMEM_decrease_reservation, domA, list, 3, 0, NULL),
                 1);
        CHECK_EQ(domA->tot_pages, a + 1);
        CHECK_EQ(domB->tot_pages, b);
        CHECK(page_get_owner(&frame_table[theirs[0]]) == domB);
        CHECK_EQ(refs(theirs[0]), 1);
        CHECK_EQ(m2p[theirs[0]], 0);
        CHECK_EQ(refs(mine[1]), 1);
    }

    CASE("decrease_reservation: an order-1 extent half another's is refused")
    {
        xen_pfn_t ext[1], list[1];
        unsigned long b;
        unsigned int i;

        /* Find a frame of A's whose next frame is B's. */
        run_as(domA);
        give(domA, ext, 1);
        run_as(domB);
        give(domB, list, 1);
        b = domB->tot_pages;
        run_as(domA);
        for ( i = 0; i < NR_FRAMES - 1; i++ )
            if ( page_get_owner(&frame_table[i]) == domA &&
                 page_get_owner(&frame_table[i + 1]) == domB )
                break;
        CHECK(i < NR_FRAMES - 1);
        list[0] = i;
        CHECK_EQ(reserve(XENMEM_decrease_reservation, domA, list, 1, 1, NULL),
                 0);
        CHECK_EQ(refs(i), 1);
        CHECK_EQ(refs(i + 1), 1);
        CHECK_EQ(domB->tot_pages, b);
    }

    CASE("decrease_reservation: frames past max_page, at and beyond")
    {
        xen_pfn_t list[1] = { NR_FRAMES };

        run_as(domA);
        CHECK_EQ(reserve(XENMEM_decrease_reservation, domA, list, 1, 0, NULL),
                 0);
        list[0] = NR_FRAMES - 1;    /* valid, but not domA's */
        CHECK_EQ(reserve(XENMEM_decrease_reservation, domA, list, 1, 0, NULL),
                 0);
        list[0] = NR_FRAMES - 2;    /* an order-2 run crossing the end */
        CHECK_EQ(reserve(XENMEM_decrease_reservation, domA, list, 1, 2, NULL),
                 0);
        list[0] = ~0UL;
        CHECK_EQ(reserve(XENMEM_decrease_reservation, domA, list, 1, 0, NULL),
                 0);
    }

    CASE("extent order: past MAX_ORDER nothing is done")
    {
        xen_pfn_t list[1] = { 0 };
        unsigned long a = domA->tot_pages, max = domA->max_pages;

        run_as(domA);
        domA->max_pages = ~0UL;
        CHECK_EQ(reserve(XENMEM_increase_reservation, domA, list, 1,
                         MAX_ORDER + 1, NULL), 0);
        CHECK_EQ(reserve(XENMEM_populate_physmap, domA, list, 1, ~0u, NULL),
                 0);
        domA->max_pages = max;
        CHECK_EQ(domA->tot_pages, a);
    }

    CASE("extent order: above 9 for a domU, 18 for dom0, nothing is done")
    {
        /*
         * Xen 4.17's default limits, even on extents one owns: stood in
         * for by a frame table of 2^19 frames that all look like A's.
         */
        struct page_info *real = frame_table, *big;
        unsigned long real_max = max_page, n = 1UL << 19;
        xen_pfn_t list[1] = { 0 };

        big = calloc(n, sizeof(*big));
        CHECK(big);
        for ( unsigned long i = 0; big && i < n; i++ )
        {
            big[i].count_info = PGC_state_inuse | PGC_allocated | 1;
            big[i].v.owner = domA;
        }
        if ( big )
        {
            frame_table = big;
            max_page = n;
            run_as(domA);
            CHECK_EQ(reserve(XENMEM_decrease_reservation, domA, list, 1, 10,
                             NULL), 0);
            run_as(dom0);
            CHECK_EQ(reserve(XENMEM_decrease_reservation, domA, list, 1, 19,
                             NULL), 0);
            frame_table = real;
            max_page = real_max;
            CHECK_EQ(big[0].count_info, PGC_state_inuse | PGC_allocated | 1);
            CHECK_EQ(big[n - 1].count_info,
                     PGC_state_inuse | PGC_allocated | 1);
        }
        CHECK(refs_balanced());
        free(big);
    }

    CASE("extent order past MAX_ORDER: refused even on frames one owns")
    {
        /*
         * A domain holding a whole aligned run of 2^(MAX_ORDER + 1) frames
         * (8 GiB) still may not give it back as one extent.  Such a
         * machine is stood in for by a frame table of that size whose
         * frames look allocated to A; nothing may touch them.
         */
        struct page_info *real = frame_table, *big;
        unsigned long real_max = max_page, n = 1UL << (MAX_ORDER + 1);
        xen_pfn_t list[1] = { 0 };
        unsigned long a = domA->tot_pages;

        big = calloc(n, sizeof(*big));
        CHECK(big);
        for ( unsigned long i = 0; big && i < n; i++ )
        {
            big[i].count_info = PGC_state_inuse | PGC_allocated | 1;
            big[i].v.owner = domA;
        }
        run_as(domA);
        if ( big )
        {
            frame_table = big;
            max_page = n;
            CHECK_EQ(reserve(XENMEM_decrease_reservation, domA, list, 1,
                             MAX_ORDER + 1, NULL), 0);
            frame_table = real;
            max_page = real_max;
            CHECK_EQ(big[0].count_info, PGC_state_inuse | PGC_allocated | 1);
            CHECK_EQ(big[n - 1].count_info,
                     PGC_state_inuse | PGC_allocated | 1);
        }
        CHECK_EQ(domA->tot_pages, a);
        CHECK(refs_balanced());
        free(big);
    }

    CASE("a failed copy back frees only the new extent, not the next frame")
    {
        /*
         * Every free frame goes to B, then exactly one comes back whose
         * next frame is still B's: A's extent must be that frame, and
         * giving it back must leave B's neighbour alone.
         */
        unsigned long nfree = total_free_pages(), b, max = domB->max_pages;
        xen_pfn_t *all = calloc(nfree, sizeof(*all)), list[1] = { 0 };
        unsigned long i, x = 0;
        bool found = false;

        CHECK(all);
        run_as(domB);
        domB->max_pages = ~0UL;
        for ( i = 0; all && i < nfree; i++ )
            all[i] = i;
        if ( all )
            CHECK_EQ(reserve(XENMEM_populate_physmap, domB, all, nfree, 0,
                             NULL), nfree);
        CHECK_EQ(total_free_pages(), 0);
        for ( i = 0; all && i < nfree && !found; i++ )
            if ( all[i] + 1 < NR_FRAMES &&
                 page_get_owner(&frame_table[all[i] + 1]) == domB )
            {
                x = all[i];
                found = true;
            }
        CHECK(found);
        list[0] = x;
        CHECK_EQ(reserve(XENMEM_decrease_reservation, domB, list, 1, 0, NULL),
                 1);
        CHECK_EQ(total_free_pages(), 1);
        b = domB->tot_pages;

        run_as(domA);
        guest_ro_lo = (uintptr_t)&list[0];
        guest_ro_hi = guest_ro_lo + sizeof(list[0]);
        CHECK_EQ(reserve(XENMEM_increase_reservation, domA, list, 1, 0, NULL),
                 0);
        guest_ro_lo = guest_ro_hi = 0;
        CHECK_EQ(total_free_pages(), 1);
        CHECK_EQ(domB->tot_pages, b);
        CHECK(page_get_owner(&frame_table[x + 1]) == domB);
        CHECK_EQ(refs(x + 1), 1);
        /* Populated, the extent's M2P entry is set, and only its own. */
        {
            unsigned long theirs = m2p[x + 1];

            list[0] = 77;
            CHECK_EQ(reserve(XENMEM_populate_physmap, domA, list, 1, 0, NULL),
                     1);
            CHECK_EQ(list[0], x);
            CHECK_EQ(m2p[x], 77);
            CHECK_EQ(m2p[x + 1], theirs);
            CHECK_EQ(reserve(XENMEM_decrease_reservation, domA, list, 1, 0,
                             NULL), 1);
        }

        /*
         * A run of one domain's frames up to the last one, asked back as
         * an extent reaching past the end: refused, nothing touched.
         */
        {
            struct domain *o = page_get_owner(&frame_table[NR_FRAMES - 2]);

            CHECK(o && page_get_owner(&frame_table[NR_FRAMES - 1]) == o);
            list[0] = NR_FRAMES - 2;
            run_as(dom0);
            if ( o )
                CHECK_EQ(reserve(XENMEM_decrease_reservation, o, list, 1, 2,
                                 NULL), 0);
            CHECK_EQ(refs(NR_FRAMES - 2), 1);
            CHECK_EQ(refs(NR_FRAMES - 1), 1);
        }

        /* B gives back all it was given. */
        run_as(domB);
        for ( i = 0; all && i < nfree; i++ )
            if ( all[i] == x )
                all[i] = all[--nfree];
        if ( all )
            CHECK_EQ(reserve(XENMEM_decrease_reservation, domB, all, nfree, 0,
                             NULL), nfree);
        domB->max_pages = max;
        CHECK(refs_balanced());
        free(all);
    }

    CASE("max_pages: an allocation stops at the limit, not one past")
    {
        xen_pfn_t list[4] = { 0 };
        unsigned long max = domA->max_pages;

        run_as(domA);
        domA->max_pages = domA->tot_pages + 2;
        CHECK_EQ(reserve(XENMEM_increase_reservation, domA, list, 4, 0, NULL),
                 2);
        CHECK_EQ(domA->tot_pages, domA->max_pages);
        CHECK_EQ(reserve(XENMEM_decrease_reservation, domA, list, 2, 0, NULL),
                 2);
        domA->max_pages = max;
    }

    CASE("a dying domain gets no new frames")
    {
        xen_pfn_t list[2] = { 0 };
        unsigned long a = domA->tot_pages, free_before = total_free_pages();

        run_as(dom0);
        domA->state = DOMSTATE_dying;
        CHECK_EQ(reserve(XENMEM_increase_reservation, domA, list, 2, 0, NULL),
                 0);
        CHECK_EQ(reserve(XENMEM_populate_physmap, domA, list, 2, 0, NULL), 0);
        domA->state = DOMSTATE_running;
        CHECK_EQ(domA->tot_pages, a);
        CHECK_EQ(total_free_pages(), free_before);
        CHECK(refs_balanced());
    }

    CASE("nr_extents: the encoding's limit, and one past it, does nothing")
    {
        xen_pfn_t list[2] = { 0 };
        unsigned long a = domA->tot_pages, max = domA->max_pages;

        run_as(domA);
        CHECK_EQ(reserve(XENMEM_increase_reservation, domA, list,
                         (~0U >> MEMOP_EXTENT_SHIFT) + 1, 0, NULL), 0);
        CHECK_EQ(domA->tot_pages, a);
        /* At the limit it goes ahead, until max_pages stops it. */
        domA->max_pages = a + 1;
        CHECK_EQ(reserve(XENMEM_increase_reservation, domA, list,
                         ~0U >> MEMOP_EXTENT_SHIFT, 0, NULL), 1);
        CHECK_EQ(domA->tot_pages, a + 1);
        CHECK_EQ(reserve(XENMEM_decrease_reservation, domA, list, 1, 0, NULL),
                 1);
        domA->max_pages = max;
    }

    CASE("start extent: at nr_extents nothing; the last one alone")
    {
        xen_pfn_t list[3] = { 0 };
        struct xen_memory_reservation res = {
            .nr_extents = 3, .extent_order = 0, .domid = DOMID_SELF,
        };
        unsigned long a = domA->tot_pages;

        run_as(domA);
        set_xen_guest_handle(res.extent_start, list);
        CHECK_EQ(memop(XENMEM_increase_reservation |
                       (3UL << MEMOP_EXTENT_SHIFT), &res), 3);
        CHECK_EQ(domA->tot_pages, a);
        CHECK_EQ(memop(XENMEM_increase_reservation |
                       (2UL << MEMOP_EXTENT_SHIFT), &res), 3);
        CHECK_EQ(domA->tot_pages, a + 1);
        CHECK_EQ(list[0], 0);
        CHECK(list[2] != 0);
        res.nr_extents = 1;
        list[0] = list[2];
        CHECK_EQ(memop(XENMEM_decrease_reservation, &res), 1);
    }

    CASE("another domain's reservation: nothing done for a domU")
    {
        xen_pfn_t list[2] = { 0 }, theirs[1];
        unsigned long b;

        run_as(domB);
        give(domB, theirs, 1);
        b = domB->tot_pages;
        run_as(domA);
        CHECK_EQ(reserve(XENMEM_increase_reservation, domB, list, 2, 0, NULL),
                 0);
        CHECK_EQ(reserve(XENMEM_decrease_reservation, domB, theirs, 1, 0,
                         NULL), 0);
        CHECK_EQ(domB->tot_pages, b);
        CHECK_EQ(refs(theirs[0]), 1);
        CHECK(refs_balanced());
    }

    CASE("another domain's reservation: dom0 may, for that domain")
    {
        xen_pfn_t list[2] = { 0 };
        unsigned long b = domB->tot_pages, z = dom0->tot_pages;

        run_as(dom0);
        CHECK_EQ(reserve(XENMEM_increase_reservation, domB, list, 2, 0, NULL),
                 2);
        CHECK_EQ(domB->tot_pages, b + 2);
        CHECK_EQ(dom0->tot_pages, z);
        CHECK(page_get_owner(&frame_table[list[0]]) == domB);
        CHECK_EQ(reserve(XENMEM_decrease_reservation, domB, list, 2, 0, NULL),
                 2);
        CHECK_EQ(domB->tot_pages, b);
        CHECK(refs_balanced());
    }

    CASE("a domain that does not exist: nothing done")
    {
        xen_pfn_t list[1] = { 0 };
        struct xen_memory_reservation res = {
            .nr_extents = 1, .domid = 77,
        };

        run_as(dom0);
        set_xen_guest_handle(res.extent_start, list);
        CHECK_EQ(memop(XENMEM_increase_reservation, &res), 0);
        CHECK(refs_balanced());
    }

    CASE("an unreadable extent list ends the batch there")
    {
        xen_pfn_t list[2] = { 0 };
        unsigned long a = domA->tot_pages;

        run_as(domA);
        harness_fault_lo = (uintptr_t)&list[1];
        harness_fault_hi = harness_fault_lo + sizeof(list[1]);
        CHECK_EQ(reserve(XENMEM_increase_reservation, domA, list, 2, 0, NULL),
                 1);
        harness_fault_lo = harness_fault_hi = 0;
        CHECK_EQ(domA->tot_pages, a + 1);
        CHECK_EQ(reserve(XENMEM_decrease_reservation, domA, list, 1, 0, NULL),
                 1);
        CHECK_EQ(domA->tot_pages, a);
    }

    CASE("a read-only extent list: the new frames go back, none counted")
    {
        xen_pfn_t list[2] = { 0 };
        unsigned long a = domA->tot_pages, free_before = total_free_pages();

        run_as(domA);
        guest_ro_lo = (uintptr_t)&list[1];
        guest_ro_hi = guest_ro_lo + sizeof(list[1]);
        CHECK_EQ(reserve(XENMEM_increase_reservation, domA, list, 2, 2, NULL),
                 1);
        guest_ro_lo = guest_ro_hi = 0;
        CHECK_EQ(domA->tot_pages, a + 4);
        CHECK_EQ(total_free_pages(), free_before - 4);
        CHECK_EQ(reserve(XENMEM_decrease_reservation, domA, list, 1, 2, NULL),
                 1);
        CHECK_EQ(domA->tot_pages, a);
        CHECK_EQ(total_free_pages(), free_before);
    }

    CASE("continuations: a preempted batch resumes where it stopped")
    {
        xen_pfn_t list[6] = { 0 };
        unsigned long a = domA->tot_pages;
        unsigned int passes;

        run_as(domA);
        harness_preempt_every = 2;
        harness_preempt_checks = 0;
        CHECK_EQ(reserve(XENMEM_increase_reservation, domA, list, 6, 0,
                         &passes), 6);
        CHECK(passes > 1);
        CHECK_EQ(domA->tot_pages, a + 6);
        harness_preempt_every = 1;
        harness_preempt_checks = 0;
        CHECK_EQ(reserve(XENMEM_decrease_reservation, domA, list, 6, 0,
                         &passes), 6);
        harness_preempt_every = 0;
        CHECK_EQ(passes, 6);
        CHECK_EQ(domA->tot_pages, a);
        CHECK(refs_balanced());
    }
}

/*
 * An exchange issued as a guest does: a continuation rewinds rip and the
 * guest issues it again, its progress in nr_exchanged.
 */
static long exchange(struct xen_memory_exchange *x, unsigned int *passes)
{
    struct cpu_user_regs *r = &get_cpu_info()->guest_cpu_user_regs;
    unsigned int n = 0;
    long rc;

    memset(r, 0, sizeof(*r));
    r->rdi = XENMEM_exchange;
    r->rsi = (unsigned long)x;
    for ( ;; )
    {
        r->rip = CALL_RIP;
        n++;
        rc = memop(r->rdi, (void *)r->rsi);
        if ( r->rip == CALL_RIP )
            break;
        CHECK_EQ(rc, __HYPERVISOR_memory_op);
        CHECK_EQ(r->rdi, XENMEM_exchange);
        if ( n == 1000 )
        {
            CHECK(!"endless continuations");
            break;
        }
    }
    if ( passes )
        *passes = n;
    return rc;
}

static void exch_init(struct xen_memory_exchange *x, domid_t dom,
                      xen_pfn_t *in, unsigned long nr_in,
                      unsigned int in_order, xen_pfn_t *out,
                      unsigned long nr_out, unsigned int out_order,
                      unsigned int flags)
{
    memset(x, 0, sizeof(*x));
    set_xen_guest_handle(x->in.extent_start, in);
    x->in.nr_extents = nr_in;
    x->in.extent_order = in_order;
    x->in.domid = dom;
    set_xen_guest_handle(x->out.extent_start, out);
    x->out.nr_extents = nr_out;
    x->out.extent_order = out_order;
    x->out.mem_flags = flags;
    x->out.domid = dom;
}

/* Frame mfn is d's, as one of its plain frames with pfn in the M2P. */
static bool plain_frame(unsigned long mfn, struct domain *d, unsigned long pfn)
{
    const struct page_info *pg = &frame_table[mfn];

    return page_get_owner(pg) == d && refs(mfn) == 1 &&
           (pg->count_info & PGC_allocated) &&
           (pg->count_info & PGC_on_list) && m2p[mfn] == pfn;
}

static bool on_list(const struct domain *d, unsigned long mfn)
{
    const struct page_info *pg;

    page_list_for_each(pg, &d->page_list)
        if ( pg == &frame_table[mfn] )
            return true;
    return false;
}

static bool freed(unsigned long mfn)
{
    return page_state_is(&frame_table[mfn], free) &&
           m2p[mfn] == INVALID_M2P_ENTRY;
}

static void test_exchange(void)
{
    CASE("exchange: four frames for one order-2 extent below 1 MiB")
    {
        xen_pfn_t in[4], out[1] = { 100 };
        struct xen_memory_exchange x;
        unsigned long a, free_before;

        run_as(domA);
        give(domA, in, 4);
        a = domA->tot_pages;
        free_before = total_free_pages();
        exch_init(&x, DOMID_SELF, in, 4, 0, out, 1, 2,
                  XENMEMF_address_bits(20));
        CHECK_EQ(exchange(&x, NULL), 0);
        CHECK_EQ(x.nr_exchanged, 4);
        CHECK(out[0] + 4 <= 1UL << (20 - PAGE_SHIFT));
        CHECK_EQ(out[0] & 3, 0);
        for ( unsigned int k = 0; k < 4; k++ )
        {
            CHECK(plain_frame(out[0] + k, domA, 100 + k));
            CHECK(on_list(domA, out[0] + k));
            CHECK(freed(in[k]));
        }
        CHECK_EQ(domA->tot_pages, a);
        CHECK_EQ(total_free_pages(), free_before);
        CHECK(refs_balanced());

        /* And back: the order-2 extent for four single frames. */
        in[0] = out[0];
        out[0] = 0;
        {
            xen_pfn_t four[4] = { 200, 201, 202, 203 }, big = in[0];

            exch_init(&x, DOMID_SELF, in, 1, 2, four, 4, 0, 0);
            CHECK_EQ(exchange(&x, NULL), 0);
            CHECK_EQ(x.nr_exchanged, 1);
            for ( unsigned int k = 0; k < 4; k++ )
            {
                CHECK(plain_frame(four[k], domA, 200 + k));
                CHECK(freed(big + k));
            }
            CHECK_EQ(domA->tot_pages, a);
            CHECK_EQ(total_free_pages(), free_before);
            CHECK_EQ(reserve(XENMEM_decrease_reservation, domA, four, 4, 0,
                             NULL), 4);
        }
        CHECK(refs_balanced());
    }

    CASE("exchange: refused before anything is done, as Xen 4.17 orders it")
    {
        xen_pfn_t in[2], out[2] = { 7, 8 };
        struct xen_memory_exchange x;
        unsigned long a;

        run_as(domA);
        give(domA, in, 2);
        a = domA->tot_pages;
        /* Order limits: 9 for a domU, 18 for dom0. */
        exch_init(&x, DOMID_SELF, in, 2, 0, out, 1, 10, 0);
        CHECK_EQ(exchange(&x, NULL), -EPERM);
        exch_init(&x, DOMID_SELF, in, 2, 10, out, 2, 10, 0);
        CHECK_EQ(exchange(&x, NULL), -EPERM);
        run_as(dom0);
        exch_init(&x, domA->domain_id, in, 1, 0, out, 1, 19, 0);
        CHECK_EQ(exchange(&x, NULL), -EPERM);
        /* Sizes that differ; at dom0's limit the order alone is fine. */
        exch_init(&x, domA->domain_id, in, 1, 0, out, 1, 18, 0);
        CHECK_EQ(exchange(&x, NULL), -EINVAL);
        run_as(domA);
        exch_init(&x, DOMID_SELF, in, 2, 0, out, 1, 0, 0);
        CHECK_EQ(exchange(&x, NULL), -EINVAL);
        exch_init(&x, DOMID_SELF, in, 2, 0, out, 2, 0, 0);
        x.out.domid = domA->domain_id;
        CHECK_EQ(exchange(&x, NULL), -EINVAL);
        exch_init(&x, DOMID_SELF, in, 2, 0, out, 2, 0, 0);
        x.nr_exchanged = 3;
        CHECK_EQ(exchange(&x, NULL), -EINVAL);
        CHECK_EQ(x.nr_exchanged, 3);
        /* Lists whose size in bytes overflows. */
        exch_init(&x, DOMID_SELF, in, 1UL << 62, 0, out, 1UL << 62, 0, 0);
        CHECK_EQ(exchange(&x, NULL), -EFAULT);
        exch_init(&x, DOMID_SELF, in, ~0UL, 1, out, ~0UL, 1, 0);
        CHECK_EQ(exchange(&x, NULL), -EINVAL);
        /* Either side alone overflowing to the other's size. */
        exch_init(&x, DOMID_SELF, in, 1UL << 63, 1, out, 0, 0, 0);
        CHECK_EQ(exchange(&x, NULL), -EINVAL);
        exch_init(&x, DOMID_SELF, in, 0, 0, out, 1UL << 63, 1, 0);
        CHECK_EQ(exchange(&x, NULL), -EINVAL);
        /* The most that does not overflow, but is too long a list. */
        exch_init(&x, DOMID_SELF, in, ~0UL >> 1, 1, out, ~0UL >> 1, 1, 0);
        CHECK_EQ(exchange(&x, NULL), -EFAULT);
        /* Lists in the hypervisor's range. */
        exch_init(&x, DOMID_SELF, (void *)(HYPERVISOR_VIRT_START + 8), 2, 0,
                  out, 2, 0, 0);
        CHECK_EQ(exchange(&x, NULL), -EFAULT);
        exch_init(&x, DOMID_SELF, in, 2, 0,
                  (void *)(HYPERVISOR_VIRT_START + 8), 2, 0, 0);
        CHECK_EQ(exchange(&x, NULL), -EFAULT);
        /* With nothing (left) to do, Xen does not look at the lists. */
        exch_init(&x, DOMID_SELF, (void *)(HYPERVISOR_VIRT_START + 8), 2, 0,
                  out, 2, 0, 0);
        x.nr_exchanged = 2;
        CHECK_EQ(exchange(&x, NULL), 0);
        exch_init(&x, DOMID_SELF, in, 0, 0,
                  (void *)(HYPERVISOR_VIRT_START + 8), 0, 0, 0);
        CHECK_EQ(exchange(&x, NULL), 0);
        /* But a list starting past the guest's range is refused. */
        exch_init(&x, DOMID_SELF, (void *)((1UL << 47) - 8), 2, 0, out, 2,
                  0, 0);
        CHECK_EQ(exchange(&x, NULL), -EFAULT);
        /* NUMA: a domU may hint at a node but not insist; dom0 below 64. */
        exch_init(&x, DOMID_SELF, in, 2, 0, out, 2, 0,
                  XENMEMF_exact_node(0));
        CHECK_EQ(exchange(&x, NULL), -EINVAL);
        run_as(dom0);
        exch_init(&x, domA->domain_id, in, 2, 0, out, 2, 0, XENMEMF_node(64));
        CHECK_EQ(exchange(&x, NULL), -EINVAL);
        /* Domains: none such; another's for a domU. */
        exch_init(&x, 77, in, 2, 0, out, 2, 0, 0);
        CHECK_EQ(exchange(&x, NULL), -ESRCH);
        run_as(domB);
        exch_init(&x, domA->domain_id, in, 2, 0, out, 2, 0, 0);
        CHECK_EQ(exchange(&x, NULL), -EPERM);
        CHECK_EQ(x.nr_exchanged, 0);
        /* A start encoded in cmd, as for reservations, is refused. */
        run_as(domA);
        exch_init(&x, DOMID_SELF, in, 2, 0, out, 2, 0, 0);
        CHECK_EQ(memop(XENMEM_exchange | (1UL << MEMOP_EXTENT_SHIFT), &x),
                 -EINVAL);
        /* An unreadable argument, and one whose progress cannot be told. */
        harness_fault_lo = (uintptr_t)&x;
        harness_fault_hi = harness_fault_lo + 1;
        CHECK_EQ(exchange(&x, NULL), -EFAULT);
        harness_fault_lo = (uintptr_t)&x.nr_exchanged;
        harness_fault_hi = harness_fault_lo + 1;
        CHECK_EQ(exchange(&x, NULL), -EFAULT);
        harness_fault_lo = harness_fault_hi = 0;
        CHECK_EQ(out[0], 7);
        CHECK_EQ(out[1], 8);
        /* Done already: nothing to do. */
        x.nr_exchanged = 2;
        CHECK_EQ(exchange(&x, NULL), 0);
        CHECK_EQ(x.nr_exchanged, 2);
        for ( unsigned int k = 0; k < 2; k++ )
            CHECK(plain_frame(in[k], domA, k));
        CHECK_EQ(domA->tot_pages, a);
        CHECK_EQ(reserve(XENMEM_decrease_reservation, domA, in, 2, 0, NULL),
                 2);
        CHECK(refs_balanced());
    }

    CASE("exchange: only plain frames of one's own, else -EINVAL")
    {
        xen_pfn_t mine[3], theirs[1], in[1], out[1];
        struct xen_memory_exchange x;
        struct page_info *pg;
        void *shared;
        unsigned long a, b, free_before;

        run_as(domB);
        give(domB, theirs, 1);
        run_as(domA);
        give(domA, mine, 3);
        a = domA->tot_pages;
        b = domB->tot_pages;
        free_before = total_free_pages();
        shared = alloc_shared_xenheap_page(domA);
        CHECK(shared);
        {
            const xen_pfn_t bad[] = {
                theirs[0], NR_FRAMES, ~0UL, 3 /* unmanaged */,
                shared ? mfn_x(virt_to_mfn(shared)) : 0,
            };

            for ( unsigned int k = 0; k < ARRAY_SIZE(bad); k++ )
            {
                in[0] = bad[k];
                out[0] = 5;
                exch_init(&x, DOMID_SELF, in, 1, 0, out, 1, 0, 0);
                CHECK_EQ(exchange(&x, NULL), -EINVAL);
                CHECK_EQ(x.nr_exchanged, 0);
                CHECK_EQ(out[0], 5);
            }
        }
        CHECK_EQ(total_free_pages(), free_before - 1);

        /* Mapped (another reference), or typed and pinned: in use. */
        pg = &frame_table[mine[0]];
        CHECK(get_page(pg, domA));
        in[0] = mine[0];
        exch_init(&x, DOMID_SELF, in, 1, 0, out, 1, 0, 0);
        CHECK_EQ(exchange(&x, NULL), -EINVAL);
        pg->u.inuse.type_info = PGT_l1_page_table | PGT_validated |
                                PGT_pinned | 1;
        CHECK_EQ(exchange(&x, NULL), -EINVAL);
        pg->u.inuse.type_info = PGT_l1_page_table | PGT_validated;
        put_page(pg);
        CHECK(plain_frame(mine[0], domA, 0));

        /* The same frame twice in one chunk: the chunk is refused whole. */
        {
            xen_pfn_t twice[2] = { mine[1], mine[1] }, big[1] = { 9 };

            exch_init(&x, DOMID_SELF, twice, 2, 0, big, 1, 1, 0);
            CHECK_EQ(exchange(&x, NULL), -EINVAL);
            CHECK_EQ(big[0], 9);
            CHECK(plain_frame(mine[1], domA, 1));
            CHECK(on_list(domA, mine[1]));
        }
        CHECK_EQ(domA->tot_pages, a);
        CHECK_EQ(domB->tot_pages, b);
        CHECK(plain_frame(theirs[0], domB, 0));

        /* A frame whose old type went unused is fine; its type is reset. */
        in[0] = mine[0];
        out[0] = 40;
        exch_init(&x, DOMID_SELF, in, 1, 0, out, 1, 0, 0);
        CHECK_EQ(exchange(&x, NULL), 0);
        CHECK(freed(mine[0]));
        CHECK(plain_frame(out[0], domA, 40));
        mine[0] = out[0];
        CHECK_EQ(reserve(XENMEM_decrease_reservation, domA, mine, 3, 0, NULL),
                 3);
        run_as(domB);
        CHECK_EQ(reserve(XENMEM_decrease_reservation, domB, theirs, 1, 0,
                         NULL), 1);
        free_shared_xenheap_page(shared);
        CHECK_EQ(total_free_pages(), free_before + 4);
        CHECK(refs_balanced());
    }

    CASE("exchange: a failed chunk is undone; those before it stay done")
    {
        xen_pfn_t mine[5], in[4], out[4] = { 50, 51, 52, 53 }, keep[5];
        struct xen_memory_exchange x;
        unsigned long a, free_before;

        run_as(domA);
        give(domA, mine, 5);
        memcpy(keep, mine, sizeof(keep));
        a = domA->tot_pages;
        free_before = total_free_pages();
        /* Single frames: the third, mapped, stops it after two. */
        CHECK(get_page(&frame_table[mine[2]], domA));
        memcpy(in, mine, sizeof(in));
        exch_init(&x, DOMID_SELF, in, 4, 0, out, 4, 0, 0);
        CHECK_EQ(exchange(&x, NULL), -EINVAL);
        CHECK_EQ(x.nr_exchanged, 2);
        CHECK(freed(keep[0]) && freed(keep[1]));
        CHECK(plain_frame(out[0], domA, 50));
        CHECK(plain_frame(out[1], domA, 51));
        CHECK_EQ(out[2], 52);
        CHECK_EQ(out[3], 53);
        CHECK_EQ(refs(keep[2]), 2);
        CHECK(plain_frame(keep[3], domA, 3));
        CHECK_EQ(domA->tot_pages, a);
        CHECK_EQ(total_free_pages(), free_before);
        put_page(&frame_table[keep[2]]);

        /* Resumed where it stopped, it finishes. */
        CHECK_EQ(exchange(&x, NULL), 0);
        CHECK_EQ(x.nr_exchanged, 4);
        CHECK(freed(keep[2]) && freed(keep[3]));
        CHECK(plain_frame(out[3], domA, 53));

        /* One chunk of four whose last frame is another's: all undone. */
        {
            xen_pfn_t theirs[1], big[1] = { 60 };

            run_as(domB);
            give(domB, theirs, 1);
            run_as(domA);
            in[0] = out[0];
            in[1] = out[1];
            in[2] = out[2];
            in[3] = theirs[0];
            exch_init(&x, DOMID_SELF, in, 4, 0, big, 1, 2, 0);
            CHECK_EQ(exchange(&x, NULL), -EINVAL);
            CHECK_EQ(x.nr_exchanged, 0);
            CHECK_EQ(big[0], 60);
            for ( unsigned int k = 0; k < 3; k++ )
            {
                CHECK(plain_frame(out[k], domA, 50 + k));
                CHECK(on_list(domA, out[k]));
            }
            CHECK_EQ(domA->tot_pages, a);
            CHECK_EQ(total_free_pages(), free_before - 1);
            run_as(domB);
            CHECK_EQ(reserve(XENMEM_decrease_reservation, domB, theirs, 1, 0,
                             NULL), 1);
            run_as(domA);
        }
        CHECK_EQ(reserve(XENMEM_decrease_reservation, domA, out, 4, 0, NULL),
                 4);
        CHECK_EQ(reserve(XENMEM_decrease_reservation, domA, &keep[4], 1, 0,
                         NULL), 1);
        CHECK(refs_balanced());
    }

    CASE("exchange: bad lists and no memory undo the chunk")
    {
        xen_pfn_t mine[4], in[4], out[4] = { 70, 71, 72, 73 };
        struct xen_memory_exchange x;
        unsigned long a, free_before;

        run_as(domA);
        give(domA, mine, 4);
        a = domA->tot_pages;
        free_before = total_free_pages();
        memcpy(in, mine, sizeof(in));

        /* The second input entry unreadable. */
        harness_fault_lo = (uintptr_t)&in[1];
        harness_fault_hi = harness_fault_lo + sizeof(in[1]);
        exch_init(&x, DOMID_SELF, in, 4, 0, out, 1, 2, 0);
        CHECK_EQ(exchange(&x, NULL), -EFAULT);
        /* The output list unreadable, or read-only. */
        harness_fault_lo = (uintptr_t)&out[0];
        harness_fault_hi = harness_fault_lo + sizeof(out[0]);
        CHECK_EQ(exchange(&x, NULL), -EFAULT);
        harness_fault_lo = harness_fault_hi = 0;
        guest_ro_lo = (uintptr_t)&out[0];
        guest_ro_hi = guest_ro_lo + sizeof(out[0]);
        CHECK_EQ(exchange(&x, NULL), -EFAULT);
        guest_ro_lo = guest_ro_hi = 0;
        CHECK_EQ(x.nr_exchanged, 0);
        CHECK_EQ(out[0], 70);

        /* The last of four output entries read-only: three put back. */
        {
            xen_pfn_t big[1] = { 20 };

            CHECK_EQ(reserve(XENMEM_populate_physmap, domA, big, 1, 2, NULL),
                     1);
            guest_ro_lo = (uintptr_t)&out[3];
            guest_ro_hi = guest_ro_lo + sizeof(out[3]);
            exch_init(&x, DOMID_SELF, big, 1, 2, out, 4, 0, 0);
            CHECK_EQ(exchange(&x, NULL), -EFAULT);
            guest_ro_lo = guest_ro_hi = 0;
            CHECK_EQ(x.nr_exchanged, 0);
            for ( unsigned int k = 0; k < 4; k++ )
            {
                CHECK_EQ(out[k], 70 + k);
                CHECK(plain_frame(big[0] + k, domA, 20 + k));
            }
            CHECK_EQ(total_free_pages(), free_before - 4);
            CHECK_EQ(reserve(XENMEM_decrease_reservation, domA, big, 1, 2,
                             NULL), 1);
        }

        /* No frame below 2^12 bytes: -ENOMEM. */
        exch_init(&x, DOMID_SELF, in, 4, 0, out, 1, 2,
                  XENMEMF_address_bits(12));
        CHECK_EQ(exchange(&x, NULL), -ENOMEM);
        CHECK_EQ(x.nr_exchanged, 0);
        CHECK_EQ(out[0], 70);
        for ( unsigned int k = 0; k < 4; k++ )
        {
            CHECK(plain_frame(mine[k], domA, k));
            CHECK(on_list(domA, mine[k]));
        }
        CHECK_EQ(domA->tot_pages, a);
        CHECK_EQ(total_free_pages(), free_before);
        CHECK_EQ(reserve(XENMEM_decrease_reservation, domA, mine, 4, 0, NULL),
                 4);
        CHECK(refs_balanced());
    }

    CASE("exchange: memory running out at the second new extent")
    {
        unsigned long nfree = total_free_pages(), max = domB->max_pages;
        xen_pfn_t *all = calloc(nfree, sizeof(*all)), big[1] = { 30 };
        xen_pfn_t out[2] = { 31, 32 };
        struct xen_memory_exchange x;
        unsigned long i;

        /* B takes all free memory but one frame. */
        CHECK(all);
        run_as(domA);
        CHECK_EQ(reserve(XENMEM_populate_physmap, domA, big, 1, 1, NULL), 1);
        run_as(domB);
        domB->max_pages = ~0UL;
        for ( i = 0; all && i < nfree - 3; i++ )
            all[i] = i;
        if ( all )
            CHECK_EQ(reserve(XENMEM_populate_physmap, domB, all, nfree - 3, 0,
                             NULL), nfree - 3);
        CHECK_EQ(total_free_pages(), 1);
        run_as(domA);
        exch_init(&x, DOMID_SELF, big, 1, 1, out, 2, 0, 0);
        CHECK_EQ(exchange(&x, NULL), -ENOMEM);
        CHECK_EQ(x.nr_exchanged, 0);
        CHECK_EQ(out[0], 31);
        CHECK_EQ(out[1], 32);
        CHECK_EQ(total_free_pages(), 1);
        CHECK(plain_frame(big[0], domA, 30) && plain_frame(big[0] + 1, domA,
                                                           31));
        CHECK_EQ(reserve(XENMEM_decrease_reservation, domA, big, 1, 1, NULL),
                 1);
        run_as(domB);
        if ( all )
            CHECK_EQ(reserve(XENMEM_decrease_reservation, domB, all,
                             nfree - 3, 0, NULL), nfree - 3);
        domB->max_pages = max;
        free(all);
        CHECK(refs_balanced());
    }

    CASE("exchange: preempted between chunks, continued to the end")
    {
        xen_pfn_t in[6], out[6] = { 80, 81, 82, 83, 84, 85 };
        struct xen_memory_exchange x;
        unsigned long a;
        unsigned int passes;

        run_as(domA);
        give(domA, in, 6);
        a = domA->tot_pages;
        /* Checks between chunks, the 2nd and 4th finding work pending. */
        harness_preempt_every = 2;
        harness_preempt_checks = 0;
        exch_init(&x, DOMID_SELF, in, 6, 0, out, 6, 0, 0);
        CHECK_EQ(exchange(&x, &passes), 0);
        harness_preempt_every = 0;
        CHECK_EQ(passes, 3);
        CHECK_EQ(x.nr_exchanged, 6);
        for ( unsigned int k = 0; k < 6; k++ )
            CHECK(plain_frame(out[k], domA, 80 + k));
        CHECK_EQ(domA->tot_pages, a);
        /* Progress that cannot be recorded: -EFAULT. */
        exch_init(&x, DOMID_SELF, out, 2, 0, in, 2, 0, 0);
        in[0] = 86;
        in[1] = 87;
        guest_ro_lo = (uintptr_t)&x.nr_exchanged;
        guest_ro_hi = guest_ro_lo + sizeof(x.nr_exchanged);
        harness_preempt_every = 1;
        harness_preempt_checks = 0;
        CHECK_EQ(memop(XENMEM_exchange, &x), -EFAULT);
        harness_preempt_every = 0;
        guest_ro_lo = guest_ro_hi = 0;
        CHECK(plain_frame(in[0], domA, 86));
        out[0] = in[0];
        CHECK_EQ(reserve(XENMEM_decrease_reservation, domA, out, 6, 0, NULL),
                 6);
        CHECK(refs_balanced());
    }

    CASE("exchange: dom0 for another domain; a dying one gets nothing")
    {
        xen_pfn_t theirs[2], out[2] = { 90, 91 };
        struct xen_memory_exchange x;
        unsigned long b, z = dom0->tot_pages, free_before;

        run_as(domB);
        give(domB, theirs, 2);
        b = domB->tot_pages;
        run_as(dom0);
        exch_init(&x, domB->domain_id, theirs, 1, 0, out, 1, 0, 0);
        CHECK_EQ(exchange(&x, NULL), 0);
        CHECK(plain_frame(out[0], domB, 90));
        CHECK_EQ(domB->tot_pages, b);
        CHECK_EQ(dom0->tot_pages, z);

        /* Dying meanwhile: its stolen frames are freed and uncounted. */
        free_before = total_free_pages();
        domB->state = DOMSTATE_dying;
        exch_init(&x, domB->domain_id, &theirs[1], 1, 0, &out[1], 1, 0, 0);
        CHECK_EQ(exchange(&x, NULL), -ESRCH);
        domB->state = DOMSTATE_running;
        CHECK_EQ(out[1], 91);
        CHECK(freed(theirs[1]));
        CHECK_EQ(domB->tot_pages, b - 1);
        CHECK_EQ(total_free_pages(), free_before + 1);
        run_as(domB);
        CHECK_EQ(reserve(XENMEM_decrease_reservation, domB, out, 1, 0, NULL),
                 1);
        CHECK(refs_balanced());
    }

    CASE("exchange: a dying domain's last frame drops the frames' reference")
    {
        xen_pfn_t theirs[1], out[1] = { 92 };
        struct xen_memory_exchange x;
        unsigned long t;

        run_as(domB);
        give(domB, theirs, 1);
        run_as(dom0);
        /* As if theirs[0] were all it had left, its frames holding it. */
        t = domB->tot_pages;
        domB->tot_pages = 1;
        domB->frames_hold_ref = true;
        domB->refcnt++;
        domB->state = DOMSTATE_dying;
        exch_init(&x, domB->domain_id, theirs, 1, 0, out, 1, 0, 0);
        CHECK_EQ(exchange(&x, NULL), -ESRCH);
        domB->state = DOMSTATE_running;
        CHECK(freed(theirs[0]));
        CHECK(!domB->frames_hold_ref);
        CHECK(refs_balanced());
        domB->tot_pages = t - 1;
    }

    CASE("a 32-bit PV domain's frames: a width over 2^37 narrowed to it")
    {
        /* Every allocation for it (page_owner.c, exchange) goes through. */
        CHECK_EQ(MEMF_get_bits(memf_bits_within(0, PV32_ALLOC_BITS)), 37);
        CHECK_EQ(MEMF_get_bits(memf_bits_within(MEMF_bits(40), 37)), 37);
        CHECK_EQ(MEMF_get_bits(memf_bits_within(MEMF_bits(20), 37)), 20);
        CHECK_EQ(memf_bits_within(MEMF_bits(40) | MEMF_no_scrub, 37),
                 MEMF_bits(37) | MEMF_no_scrub);
        /* 64-bit domains: no limit added. */
        CHECK_EQ(memf_bits_within(MEMF_no_scrub, 0), MEMF_no_scrub);
        CHECK_EQ(memf_bits_within(MEMF_bits(40), 0), MEMF_bits(40));
    }

    CASE("reservations: address_bits limits new frames as Xen's do")
    {
        xen_pfn_t list[2] = { 0, 1 };
        struct xen_memory_reservation res = {
            .nr_extents = 2, .extent_order = 0, .domid = DOMID_SELF,
            .mem_flags = XENMEMF_address_bits(20),
        };
        unsigned long a;

        run_as(domA);
        a = domA->tot_pages;
        set_xen_guest_handle(res.extent_start, list);
        CHECK_EQ(memop(XENMEM_populate_physmap, &res), 2);
        CHECK(list[0] < 256 && list[1] < 256);
        CHECK_EQ(memop(XENMEM_decrease_reservation, &res), 2);
        /* Too narrow for any frame: nothing, for every reservation op. */
        res.mem_flags = XENMEMF_address_bits(12);
        CHECK_EQ(memop(XENMEM_increase_reservation, &res), 0);
        CHECK_EQ(memop(XENMEM_populate_physmap, &res), 0);
        /* Wider than all RAM: no limit at all. */
        res.mem_flags = XENMEMF_address_bits(40);
        CHECK_EQ(memop(XENMEM_increase_reservation, &res), 2);
        res.mem_flags = XENMEMF_address_bits(12);
        CHECK_EQ(memop(XENMEM_decrease_reservation, &res), 0);
        res.mem_flags = XENMEMF_address_bits(13);
        CHECK_EQ(memop(XENMEM_decrease_reservation, &res), 2);
        /* Node hints: a domU may not insist; dom0 names one below 64. */
        res.mem_flags = XENMEMF_exact_node(1);
        CHECK_EQ(memop(XENMEM_increase_reservation, &res), 0);
        /* A virtual node: PV guests have none, so nothing is checked. */
        res.mem_flags = XENMEMF_exact_node(1) | XENMEMF_vnode;
        CHECK_EQ(memop(XENMEM_increase_reservation, &res), 2);
        res.mem_flags = 0;
        CHECK_EQ(memop(XENMEM_decrease_reservation, &res), 2);
        res.mem_flags = XENMEMF_node(1);
        res.nr_extents = 1;
        CHECK_EQ(memop(XENMEM_increase_reservation, &res), 1);
        res.mem_flags = 0;
        CHECK_EQ(memop(XENMEM_decrease_reservation, &res), 1);
        run_as(dom0);
        res.domid = domA->domain_id;
        res.mem_flags = XENMEMF_node(64);
        CHECK_EQ(memop(XENMEM_increase_reservation, &res), 0);
        CHECK_EQ(domA->tot_pages, a);
        CHECK(refs_balanced());
    }
}

static void test_sizes(void)
{
    CASE("current/maximum reservation: self, by id and DOMID_SELF")
    {
        run_as(domA);
        CHECK_EQ(size_of(XENMEM_current_reservation, DOMID_SELF),
                 domA->tot_pages);
        CHECK_EQ(size_of(XENMEM_current_reservation, domA->domain_id),
                 domA->tot_pages);
        CHECK_EQ(size_of(XENMEM_maximum_reservation, DOMID_SELF),
                 domA->max_pages);
        domA->shared_info->arch.max_pfn = 0;
        /* A guest that never set its list's length: 0, as on Xen. */
        CHECK_EQ(size_of(XENMEM_maximum_gpfn, DOMID_SELF), 0);
        domA->shared_info->arch.max_pfn = 300;
        CHECK_EQ(size_of(XENMEM_maximum_gpfn, DOMID_SELF), 299);
        CHECK(refs_balanced());
    }

    CASE("p2m: max_mapped_pfn follows populate; PV's maximum_gpfn does not")
    {
        xen_pfn_t list[2] = { 0x123456, 0x123455 };

        run_as(domA);
        CHECK_EQ(reserve(XENMEM_populate_physmap, domA, list, 2, 0, NULL), 2);
        CHECK_EQ(domA->arch.p2m.max_mapped_pfn, 0x123456);
        /* A PV guest's size is the length of the list it registered. */
        CHECK_EQ(size_of(XENMEM_maximum_gpfn, DOMID_SELF), 299);
        /* A 32-bit guest's max_pfn is where its own layout has it. */
        domA->arch.pv.is_32bit = true;
        ((struct compat_shared_info *)domA->shared_info)->arch.max_pfn = 40;
        CHECK_EQ(size_of(XENMEM_maximum_gpfn, DOMID_SELF), 39);
        domA->arch.pv.is_32bit = false;
        domA->shared_info->arch.max_pfn = 300;
        CHECK_EQ(reserve(XENMEM_decrease_reservation, domA, list, 2, 0, NULL),
                 2);
        CHECK(refs_balanced());
    }

    CASE("another domain's sizes: -EPERM for a domU, fine for dom0")
    {
        run_as(domA);
        CHECK_EQ(size_of(XENMEM_current_reservation, domB->domain_id),
                 -EPERM);
        CHECK_EQ(size_of(XENMEM_maximum_reservation, domB->domain_id),
                 -EPERM);
        CHECK_EQ(size_of(XENMEM_maximum_gpfn, domB->domain_id), -EPERM);
        CHECK_EQ(size_of(XENMEM_current_reservation, 77), -ESRCH);
        run_as(dom0);
        CHECK_EQ(size_of(XENMEM_maximum_reservation, domB->domain_id),
                 domB->max_pages);
        CHECK_EQ(size_of(XENMEM_current_reservation, 77), -ESRCH);
        CHECK(refs_balanced());
    }

    CASE("sizes: an unreadable domid is -EFAULT")
    {
        static domid_t id = DOMID_SELF;

        run_as(domA);
        harness_fault_lo = (uintptr_t)&id;
        harness_fault_hi = harness_fault_lo + sizeof(id);
        CHECK_EQ(memop(XENMEM_current_reservation, &id), -EFAULT);
        harness_fault_lo = harness_fault_hi = 0;
    }
}

static void test_maps(void)
{
    CASE("machine_memory_map: -EPERM for a domU, its buffer untouched")
    {
        struct e820entry buf[4];
        struct xen_memory_map map = { .nr_entries = 4 };

        memset(buf, 0xee, sizeof(buf));
        set_xen_guest_handle(map.buffer, buf);
        run_as(domA);
        CHECK_EQ(memop(XENMEM_machine_memory_map, &map), -EPERM);
        CHECK_EQ(map.nr_entries, 4);
        CHECK_EQ(buf[0].type, 0xeeeeeeee);
    }

    CASE("machine_memory_map: dom0 gets up to nr_entries entries")
    {
        struct e820entry buf[4];
        struct xen_memory_map map = { .nr_entries = 4 };

        memset(buf, 0xee, sizeof(buf));
        set_xen_guest_handle(map.buffer, buf);
        run_as(dom0);
        CHECK_EQ(memop(XENMEM_machine_memory_map, &map), 0);
        CHECK_EQ(map.nr_entries, 3);
        CHECK_EQ(buf[1].type, E820_RESERVED);
        CHECK_EQ(buf[3].type, 0xeeeeeeee);
        map.nr_entries = 2;
        memset(buf, 0xee, sizeof(buf));
        CHECK_EQ(memop(XENMEM_machine_memory_map, &map), 0);
        CHECK_EQ(map.nr_entries, 2);
        CHECK_EQ(buf[2].type, 0xeeeeeeee);
        map.nr_entries = 0;
        memset(buf, 0xee, sizeof(buf));
        CHECK_EQ(memop(XENMEM_machine_memory_map, &map), 0);
        CHECK_EQ(map.nr_entries, 0);
        CHECK_EQ(buf[0].type, 0xeeeeeeee);
    }

    CASE("machine_memory_map: unwritable or unreadable is -EFAULT")
    {
        struct e820entry buf[4];
        struct xen_memory_map map = { .nr_entries = 4 };

        set_xen_guest_handle(map.buffer, buf);
        run_as(dom0);
        harness_fault_lo = (uintptr_t)buf;
        harness_fault_hi = harness_fault_lo + 1;
        CHECK_EQ(memop(XENMEM_machine_memory_map, &map), -EFAULT);
        harness_fault_lo = (uintptr_t)&map;
        harness_fault_hi = harness_fault_lo + 1;
        CHECK_EQ(memop(XENMEM_machine_memory_map, &map), -EFAULT);
        harness_fault_lo = harness_fault_hi = 0;
    }

    CASE("machphys: max_ram_page, the mapping, the mfn list's bound")
    {
        struct xen_machphys_mapping m;
        struct xen_machphys_mfn_list l = { .max_extents = 0 };
        xen_pfn_t mfns[3] = { 0, 0, 0 };

        run_as(domA);
        CHECK_EQ(memop(XENMEM_maximum_ram_page, NULL), max_page);
        CHECK_EQ(memop(XENMEM_machphys_mapping, &m), 0);
        CHECK_EQ(m.v_start, MACH2PHYS_VIRT_START);
        CHECK_EQ(m.v_end, MACH2PHYS_VIRT_START + NR_FRAMES * 8);
        CHECK_EQ(m.max_mfn, NR_FRAMES - 1);
        set_xen_guest_handle(l.extent_start, mfns);
        CHECK_EQ(memop(XENMEM_machphys_mfn_list, &l), 0);
        CHECK_EQ(l.nr_extents, 0);
        CHECK_EQ(mfns[0], 0);
        /* 1024 frames need one 2 MiB chunk of the table: not two. */
        l.max_extents = 3;
        CHECK_EQ(memop(XENMEM_machphys_mfn_list, &l), 0);
        CHECK_EQ(l.nr_extents, 1);
        CHECK_EQ(mfns[0], 0x500);
        CHECK_EQ(mfns[1], 0);
        /* Unwritable list, unreadable or unwritable argument: -EFAULT. */
        guest_ro_lo = (uintptr_t)mfns;
        guest_ro_hi = guest_ro_lo + sizeof(mfns[0]);
        CHECK_EQ(memop(XENMEM_machphys_mfn_list, &l), -EFAULT);
        guest_ro_lo = (uintptr_t)&l;
        guest_ro_hi = guest_ro_lo + sizeof(l);
        CHECK_EQ(memop(XENMEM_machphys_mfn_list, &l), -EFAULT);
        CHECK_EQ(memop(XENMEM_machphys_mapping, &l), -EFAULT);
        guest_ro_lo = guest_ro_hi = 0;
        harness_fault_lo = (uintptr_t)&l;
        harness_fault_hi = harness_fault_lo + sizeof(l);
        CHECK_EQ(memop(XENMEM_machphys_mfn_list, &l), -EFAULT);
        harness_fault_lo = harness_fault_hi = 0;
    }

    CASE("set_memory_map: -ENOSYS for a domain one may name, else refused")
    {
        struct xen_foreign_memory_map f;

        CHECK(names_domain(XENMEM_set_memory_map, &f, &f.domid, sizeof(f),
                           -ENOSYS));
    }

    CASE("get_vnumainfo: -EOPNOTSUPP (no vNUMA) for a domain one may name")
    {
        struct xen_vnuma_topology_info t;

        CHECK(names_domain(XENMEM_get_vnumainfo, &t, &t.domid, sizeof(t),
                           -EOPNOTSUPP));
    }

    CASE("acquire_resource: another domain's only; -EOPNOTSUPP past that")
    {
        struct xen_mem_acquire_resource r = {
            .type = XENMEM_resource_grant_table, .nr_frames = 1,
        };
        static const struct { bool priv; domid_t dom; long rc; } calls[] = {
            { false, DOMID_SELF, -ESRCH }, { false, 1, -EPERM },
            { false, 2, -EPERM }, { false, 77, -ESRCH },
            { true, DOMID_SELF, -ESRCH }, { true, 0, -EPERM },
            { true, 2, -EOPNOTSUPP },
        };

        CHECK_EQ(domA->domain_id, 1);
        CHECK_EQ(domB->domain_id, 2);
        for ( unsigned int i = 0; i < ARRAY_SIZE(calls); i++ )
        {
            run_as(calls[i].priv ? dom0 : domA);
            r.domid = calls[i].dom;
            CHECK_EQ(memop(XENMEM_acquire_resource, &r), calls[i].rc);
        }
        /* The pad and a readable argument come first. */
        r.pad = 1;
        CHECK_EQ(memop(XENMEM_acquire_resource, &r), -EINVAL);
        harness_fault_lo = (uintptr_t)&r;
        harness_fault_hi = harness_fault_lo + sizeof(r);
        CHECK_EQ(memop(XENMEM_acquire_resource, &r), -EFAULT);
        harness_fault_lo = harness_fault_hi = 0;
        CHECK(refs_balanced());
    }

    CASE("unknown sub-ops, and a start on one that has none: -ENOSYS")
    {
        run_as(dom0);
        CHECK_EQ(memop(XENMEM_memory_map, NULL), -ENOSYS);
        CHECK_EQ(memop(63, NULL), -ENOSYS);
        CHECK_EQ(memop(XENMEM_maximum_ram_page | (1UL << MEMOP_EXTENT_SHIFT),
                       NULL), -ENOSYS);
    }
}

/*
 * The lists of a 32-bit guest (pv/compat_memory.c passes them narrow):
 * 4-byte entries read and written, nr_exchanged a 4-byte word, and
 * exchange's lists bounded by its hypervisor hole.
 */
static void test_narrow(void)
{
    CASE("narrow lists: populate writes 32-bit mfns, decrease reads them")
    {
        uint32_t list[4] = { 10, 11, 12, 13 };
        struct xen_memory_reservation r = { .nr_extents = 3,
                                            .domid = DOMID_SELF };
        XEN_GUEST_HANDLE_PARAM(void) arg = { &r };

        run_as(domA);
        set_xen_guest_handle(r.extent_start, (xen_pfn_t *)list);
        CHECK_EQ(memory_reservation(XENMEM_populate_physmap, 0, &r, true, arg),
                 3);
        CHECK_EQ(list[3], 13);
        for ( unsigned int i = 0; i < 3; i++ )
        {
            CHECK(plain_frame(list[i], domA, 10 + i));
            CHECK_EQ(m2p[list[i]], 10 + i);
        }
        /* From extent 1: two read as 32-bit mfns and given back. */
        CHECK_EQ(memory_reservation(XENMEM_decrease_reservation, 1, &r, true,
                                    arg),
                 3);
        CHECK(plain_frame(list[0], domA, 10));
        CHECK(freed(list[1]) && freed(list[2]));
        r.nr_extents = 1;
        CHECK_EQ(memory_reservation(XENMEM_decrease_reservation, 0, &r, true,
                                    arg),
                 1);
        CHECK(refs_balanced());
    }

    CASE("narrow exchange: 32-bit lists and nr_exchanged, lists in the hole")
    {
        uint32_t in[2] = { 20, 21 }, out[2] = { 100, 101 }, done = 0x55;
        struct xen_memory_reservation r = { .nr_extents = 2,
                                            .domid = DOMID_SELF };
        XEN_GUEST_HANDLE_PARAM(void) arg = { &r };
        struct xen_memory_exchange x;

        run_as(domA);
        set_xen_guest_handle(r.extent_start, (xen_pfn_t *)in);
        CHECK_EQ(memory_reservation(XENMEM_populate_physmap, 0, &r, true, arg),
                 2);
        exch_init(&x, DOMID_SELF, (xen_pfn_t *)in, 2, 0, (xen_pfn_t *)out, 2,
                  0, 0);
        /* The out list reaching the end given: -EFAULT, nothing done. */
        CHECK_EQ(memory_exchange(&x, &done, (unsigned long)&out[1], arg),
                 -EFAULT);
        CHECK_EQ(done, 0);
        CHECK(plain_frame(in[0], domA, 20) && plain_frame(in[1], domA, 21));
        CHECK_EQ(memory_exchange(&x, &done, 1UL << 47, arg), 0);
        CHECK_EQ(done, 2);
        /* Chunk by chunk: an old frame may come back as a new one. */
        CHECK(!plain_frame(in[0], domA, 20) && !plain_frame(in[1], domA, 21));
        CHECK(plain_frame(out[0], domA, 100) && plain_frame(out[1], domA, 101));
        set_xen_guest_handle(r.extent_start, (xen_pfn_t *)out);
        CHECK_EQ(memory_reservation(XENMEM_decrease_reservation, 0, &r, true,
                                    arg),
                 2);
        CHECK(refs_balanced());
    }
}

int main(void)
{
    host_directmap = mmap(NULL, NR_FRAMES << PAGE_SHIFT,
                          PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if ( host_directmap == MAP_FAILED )
    {
        printf("FAIL: setup: out of memory\n");
        return 1;
    }
    frame_table = calloc(NR_FRAMES, sizeof(*frame_table));
    max_page = NR_FRAMES;
    init_heap_pages(_mfn(NR_UNMANAGED), NR_FRAMES - NR_UNMANAGED);
    doms[0] = dom0 = make_domain(0, true);
    doms[1] = domA = make_domain(1, false);
    doms[2] = domB = make_domain(2, false);
    test_reservations();
    test_exchange();
    test_narrow();
    test_sizes();
    test_maps();
    return check_failures ? 1 : 0;
}
