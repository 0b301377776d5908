/* SPDX-License-Identifier: GPL-2.0-only */
/* Frames owned by domains: general references, owner lists, sharing. */
#ifndef XEN_PAGE_OWNER_H
#define XEN_PAGE_OWNER_H

#include <xen/lib.h>
#include <xen/mm.h>

struct domain;

/*
 * Set on a frame while it is on its owner's page_list and counted in
 * tot_pages, so that the last put_page() knows whether to unlink it.  It
 * lives in count_info bits 56-59, which xen/mm.h leaves unused.
 */
#define PGC_on_list (1UL << 59)
BUILD_BUG_ON(PGC_on_list &(PGC_count_mask | PGC_state | PGC_xen_heap |
                           PGC_allocated));

/*
 * Takes a general reference on pg if it is in use and owned by d.  Fails
 * on a free or unowned frame, on another domain's, and when the count
 * would overflow; never touches a frame whose count already reached zero.
 */
bool get_page(struct page_info *pg, struct domain *d);

/*
 * Drops a general reference.  The last one returns a domain frame to the
 * heap (after unlinking it from its owner's list), or, for a xenheap frame
 * shared with a guest, ends the sharing and leaves the frame to its
 * hypervisor owner to free.
 */
void put_page(struct page_info *pg);

/*
 * 2^order fresh frames owned by d, on d->page_list and counted in
 * d->tot_pages, each holding the allocation reference (PGC_allocated).
 * NULL if the heap is out or d would exceed max_pages.
 */
struct page_info *alloc_domain_pages(struct domain *d, unsigned int order,
                                     unsigned int memflags);

/*
 * Drops the allocation reference (once; later calls do nothing): how a
 * domain gives a frame back (decrease_reservation, destruction).  The
 * frame goes back to the heap when its last other reference goes.
 */
void put_page_alloc_ref(struct page_info *pg);

/*
 * Exchanges (XENMEM_exchange) swap frames of a domain for fresh ones in
 * three steps, so that a failure part-way leaves the domain as it was.
 *
 * steal_domain_page() takes pg away from d if it is one of d's plain
 * frames, held by nothing but its allocation (not mapped, typed, pinned,
 * granted out or shared by the hypervisor): it then has no reference at
 * all, so nobody can take one, and is off d's list, but it stays counted
 * in d->tot_pages.  False, with nothing changed, otherwise.
 * unsteal_domain_page() gives it back (or frees it, uncounted, if d began
 * dying meanwhile: destruction would not see it again).
 * exchange_domain_pages() completes the swap: the stolen frames on *stolen
 * go back to the heap, and the extents of 2^order fresh frames on *fresh
 * (from alloc_domheap_pages(NULL, ...), listed by first frame, exactly as
 * many frames) become d's, inheriting the count.  False, with nothing
 * done, if d is dying; the caller then gives back what it stole.  Both
 * lists are left empty on success.
 */
bool steal_domain_page(struct domain *d, struct page_info *pg);
void unsteal_domain_page(struct domain *d, struct page_info *pg);
bool exchange_domain_pages(struct domain *d, struct page_list_head *stolen,
                           struct page_list_head *fresh, unsigned int order);

/*
 * With d->page_alloc_lock held, after d->tot_pages or d->xenheap_pages
 * fell: whether the caller, once it released the lock, must put_domain()
 * the reference a dying d's last frames held.
 */
bool domain_frames_gone(struct domain *d);

/*
 * Lets d map the xenheap frame pg (its shared_info) writable, as if it
 * owned it.  The frame keeps a permanent writable type reference so it can
 * never become one of d's page tables.  Undo with put_page_alloc_ref()
 * and free the frame once nothing maps it (its count is back to zero).
 */
void share_xen_page_with_guest(struct page_info *pg, struct domain *d);

/* A zeroed xenheap frame shared with d as above; NULL if out of memory. */
void *alloc_shared_xenheap_page(struct domain *d);
/*
 * Ends the sharing and frees the frame, unless a page table still maps
 * it: freeing it then would give the guest a window onto the frame's next
 * user, so it is kept (leaked, with a warning).
 */
void free_shared_xenheap_page(void *p);

#endif /* XEN_PAGE_OWNER_H */
