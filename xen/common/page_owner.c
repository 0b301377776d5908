/* SPDX-License-Identifier: GPL-2.0-only */
/* General references on domain frames, owner accounting and sharing. */
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/page_owner.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <asm/flushtlb.h>
#include <asm/p2m.h>

bool __pt_path get_page(struct page_info *pg, struct domain *d)
{
    unsigned long x = __atomic_load_n(&pg->count_info, __ATOMIC_RELAXED);

    do
    {
        /*
         * A zero count means free, never allocated, or on its way back to
         * the heap: nobody may revive it.  One below the maximum is the
         * ceiling so that the count can never wrap into the flags.
         */
        if ( !(x & PGC_count_mask) ||
             (x & PGC_count_mask) >= PGC_count_mask - 1 )
            return false;
    } while ( !__atomic_compare_exchange_n(&pg->count_info, &x, x + 1, false,
                                           __ATOMIC_ACQUIRE,
                                           __ATOMIC_RELAXED) );

    /* The owner only changes at count zero, which our reference prevents. */
    if ( likely(d && page_get_owner(pg) == d) )
        return true;
    put_page(pg);
    return false;
}

/*
 * Called with d's page_alloc_lock held after its frame counts fell:
 * whether the caller must now drop the reference d's frames held (see
 * domain_destroy()), which it does once the lock is released.
 */
bool domain_frames_gone(struct domain *d)
{
    if ( d->tot_pages || d->xenheap_pages || !d->frames_hold_ref )
        return false;
    d->frames_hold_ref = false;
    return true;
}

/* The last reference went: nobody else can reach pg now. */
static void last_put(struct page_info *pg)
{
    struct domain *d = page_get_owner(pg);
    bool drop = false;

    BUG_ON(pg->u.inuse.type_info & PGT_count_mask);

    if ( pg->count_info & PGC_xen_heap )
    {
        /* A shared xenheap frame: the hypervisor still owns and frees it. */
        pg->v.owner = NULL;
        pg->u.inuse.type_info = PGT_none;
        spin_lock(&d->page_alloc_lock);
        d->xenheap_pages--;
        drop = domain_frames_gone(d);
        spin_unlock(&d->page_alloc_lock);
        /* A dying d may be freed now, and this frame with it. */
        if ( drop )
            put_domain(d);
        return;
    }

    if ( pg->count_info & PGC_on_list )
    {
        spin_lock(&d->page_alloc_lock);
        page_list_del(pg, &d->page_list);
        d->tot_pages--;
        drop = domain_frames_gone(d);
        spin_unlock(&d->page_alloc_lock);
        pg->count_info &= ~PGC_on_list;
    }

    /*
     * A CPU may still hold a stale TLB entry from a guest mapping that was
     * removed without a flush; the next owner must not be reachable
     * through it.  (A TLB-flush clock could skip most of these flushes.)
     * A dying domain's own entries are gone already (tlb_clean); others'
     * mappings of its frames were grants, flushed when unmapped, or the
     * privileged domain's, which may map any frame anyway.
     */
    if ( !d || !d->tlb_clean )
        flush_tlb_frames_of(d);
    guest_physmap_remove_page(d, INVALID_GFN, page_to_mfn(pg), 0);
    pg->v.owner = NULL;
    free_domheap_page(pg);
    /* Only now: whoever sees d gone expects its memory back in the heap. */
    if ( drop )
        put_domain(d);
}

void __pt_path put_page(struct page_info *pg)
{
    unsigned long x = __atomic_load_n(&pg->count_info, __ATOMIC_RELAXED);

    do
    {
        BUG_ON(!(x & PGC_count_mask));
    } while ( !__atomic_compare_exchange_n(&pg->count_info, &x, x - 1, false,
                                           __ATOMIC_RELEASE,
                                           __ATOMIC_RELAXED) );

    if ( !((x - 1) & PGC_count_mask) )
    {
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        last_put(pg);
    }
}

struct page_info *alloc_domain_pages(struct domain *d, unsigned int order,
                                     unsigned int memflags)
{
    unsigned long i, nr = 1UL << order;
    struct page_info *pg;
    bool dying, dropped = false;

    spin_lock(&d->page_alloc_lock);
    /* A dying domain has given its pages back: it gets no new ones. */
    if ( d->tot_pages + nr > d->max_pages || d->state == DOMSTATE_dying )
    {
        spin_unlock(&d->page_alloc_lock);
        return NULL;
    }
    /* Reserve the pages first so that racing allocations can't overshoot. */
    d->tot_pages += nr;
    spin_unlock(&d->page_alloc_lock);

    pg = alloc_domheap_pages(d, order,
                             memf_bits_within(memflags, domain_alloc_bits(d)));

    spin_lock(&d->page_alloc_lock);
    if ( !pg )
    {
        d->tot_pages -= nr;
        dropped = domain_frames_gone(d);
    }
    else
        for ( i = 0; i < nr; i++ )
        {
            pg[i].count_info |= PGC_on_list;
            page_list_add_tail(&pg[i], &d->page_list);
        }
    dying = d->state == DOMSTATE_dying;
    spin_unlock(&d->page_alloc_lock);
    /* The caller's reference keeps d until it is done. */
    if ( dropped )
        put_domain(d);

    /* Destruction began meanwhile and may have missed these: give back. */
    if ( pg && dying )
    {
        for ( i = 0; i < nr; i++ )
            put_page_alloc_ref(&pg[i]);
        return NULL;
    }
    return pg;
}

void put_page_alloc_ref(struct page_info *pg)
{
    if ( !(__atomic_fetch_and(&pg->count_info, ~PGC_allocated,
                              __ATOMIC_ACQ_REL) &
           PGC_allocated) )
        return;
    if ( pg->count_info & PGC_xen_heap )
        __atomic_fetch_sub(&pg->u.inuse.type_info, 1, __ATOMIC_RELEASE);
    put_page(pg);
}

bool steal_domain_page(struct domain *d, struct page_info *pg)
{
    const unsigned long want = PGC_state_inuse | PGC_allocated | PGC_on_list |
                               2;
    unsigned long x;

    if ( !get_page(pg, d) )
        return false;
    /*
     * Exactly our reference and the allocation's, and nothing else: every
     * mapping, type use, pin or grant mapping holds a general reference.
     * Dropping both at once leaves the count at zero, where get_page()
     * refuses it, so nobody can start using the frame behind our back.
     */
    x = __atomic_load_n(&pg->count_info, __ATOMIC_RELAXED);
    do
    {
        if ( (x & (PGC_count_mask | PGC_state | PGC_allocated | PGC_on_list |
                   PGC_xen_heap)) != want )
        {
            put_page(pg);
            return false;
        }
    } while ( !__atomic_compare_exchange_n(
        &pg->count_info, &x, x & ~(PGC_count_mask | PGC_allocated), false,
        __ATOMIC_ACQUIRE, __ATOMIC_RELAXED) );

    spin_lock(&d->page_alloc_lock);
    page_list_del(pg, &d->page_list);
    pg->count_info &= ~PGC_on_list;
    spin_unlock(&d->page_alloc_lock);
    /* A type left at count zero (an old table) must be checked anew. */
    pg->u.inuse.type_info = PGT_none;
    return true;
}

/*
 * A frame nobody holds and no domain counts goes back to the heap.  A CPU
 * may still cache a guest mapping of it removed without a flush (see
 * last_put()); the caller flushed since the frame lost its references.
 */
static void free_unowned(struct page_info *pg, unsigned int order)
{
    guest_physmap_remove_page(NULL, INVALID_GFN, page_to_mfn(pg), order);
    for ( unsigned long i = 0; i < (1UL << order); i++ )
    {
        pg[i].v.owner = NULL;
        pg[i].u.inuse.type_info = PGT_none;
    }
    free_domheap_pages(pg, order);
}

void unsteal_domain_page(struct domain *d, struct page_info *pg)
{
    bool drop;

    spin_lock(&d->page_alloc_lock);
    if ( d->state != DOMSTATE_dying )
    {
        /* Destruction's walk over d's list comes after this, if at all. */
        page_list_add_tail(pg, &d->page_list);
        __atomic_fetch_or(&pg->count_info, PGC_on_list | PGC_allocated | 1,
                          __ATOMIC_RELEASE);
        spin_unlock(&d->page_alloc_lock);
        return;
    }
    d->tot_pages--;
    drop = domain_frames_gone(d);
    spin_unlock(&d->page_alloc_lock);
    flush_tlb_frames_of(d);
    free_unowned(pg, 0);
    if ( drop )
        put_domain(d);
}

bool exchange_domain_pages(struct domain *d, struct page_list_head *stolen,
                           struct page_list_head *fresh, unsigned int order)
{
    struct page_info *pg;

    spin_lock(&d->page_alloc_lock);
    if ( d->state == DOMSTATE_dying )
    {
        spin_unlock(&d->page_alloc_lock);
        return false;
    }
    while ( (pg = page_list_first(fresh)) )
    {
        page_list_del(pg, fresh);
        for ( unsigned long i = 0; i < (1UL << order); i++ )
        {
            pg[i].v.owner = d;
            page_list_add_tail(&pg[i], &d->page_list);
            /* Owner and list before the references that make it usable. */
            __atomic_fetch_or(&pg[i].count_info,
                              PGC_on_list | PGC_allocated | 1,
                              __ATOMIC_RELEASE);
        }
    }
    spin_unlock(&d->page_alloc_lock);

    flush_tlb_frames_of(d);
    while ( (pg = page_list_first(stolen)) )
    {
        page_list_del(pg, stolen);
        free_unowned(pg, 0);
    }
    return true;
}

void share_xen_page_with_guest(struct page_info *pg, struct domain *d)
{
    BUG_ON(!(pg->count_info & PGC_xen_heap) ||
           (pg->count_info & PGC_count_mask));

    guest_physmap_remove_page(d, INVALID_GFN, page_to_mfn(pg), 0);
    pg->u.inuse.type_info = PGT_writable_page | PGT_validated | 1;
    pg->v.owner = d;
    spin_lock(&d->page_alloc_lock);
    d->xenheap_pages++;
    spin_unlock(&d->page_alloc_lock);
    /* Publish the owner and type before the reference makes them usable. */
    __atomic_fetch_or(&pg->count_info, PGC_allocated | 1, __ATOMIC_RELEASE);
}

void *alloc_shared_xenheap_page(struct domain *d)
{
    void *p = alloc_xenheap_page();

    if ( !p )
        return NULL;
    /* The xenheap does not scrub; the guest must not see old contents. */
    memset(p, 0, PAGE_SIZE);
    share_xen_page_with_guest(virt_to_page(p), d);
    return p;
}

void free_shared_xenheap_page(void *p)
{
    struct page_info *pg = virt_to_page(p);

    put_page_alloc_ref(pg);
    if ( __atomic_load_n(&pg->count_info, __ATOMIC_ACQUIRE) & PGC_count_mask )
    {
        printk(XENLOG_WARNING "frame %#lx shared with a guest is still "
                              "mapped: not freed\n",
               mfn_x(page_to_mfn(pg)));
        return;
    }
    free_xenheap_page(p);
}
