/* SPDX-License-Identifier: GPL-2.0-only */
/* memory_op: reservations, the machine memory map, the M2P's place. */
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/page_owner.h>
#include <xen/sched.h>
#include <asm/e820.h>
#include <asm/m2p.h>
#include <public/memory.h>

/*
 * The domain a sub-op names, referenced (put_domain() it): ourselves, or
 * any for the privileged.  NULL with *rc = -ESRCH if there is no such
 * domain, -EPERM if it is another's and the caller is unprivileged (Xen
 * answers in that order).
 */
static struct domain *target_domain(domid_t domid, long *rc)
{
    struct domain *self = current->domain, *d;

    if ( domid == DOMID_SELF || domid == self->domain_id )
        return get_domain(self);
    if ( !(d = get_domain_by_id(domid)) )
        *rc = -ESRCH;
    else if ( !self->is_privileged )
    {
        put_domain(d);
        d = NULL;
        *rc = -EPERM;
    }
    return d;
}

/*
 * Gives back the 2^order frames from frame, which must all be d's own
 * domain frames; false (and nothing changed) otherwise.  A reference on
 * each frame keeps it d's while we look and act, so another vCPU giving
 * back the same frames cannot make us drop a reference of the frame's next
 * owner.  The allocation reference goes only once: a frame given back but
 * still referenced (mapped) is d's until then, and giving it back again
 * does nothing, as in Xen; once freed it is no longer d's and is refused.
 *
 * Frames the hypervisor shares with d (shared_info, grant-table frames)
 * are refused: we write them for d's whole life, so they must keep their
 * writable type and never become one of d's page tables.  (Xen 4.17
 * counts such an extent as done yet keeps the type; refusing is plainer.)
 */
static bool release_extent(struct domain *d, xen_pfn_t frame,
                           unsigned int order)
{
    unsigned long n = 1UL << order, j;
    struct page_info *pg;

    if ( frame + n - 1 < frame || !mfn_valid(_mfn(frame)) ||
         !mfn_valid(_mfn(frame + n - 1)) )
        return false;
    pg = mfn_to_page(_mfn(frame));
    for ( j = 0; j < n; j++ )
    {
        if ( !get_page(&pg[j], d) )
            break;
        if ( pg[j].count_info & PGC_xen_heap )
        {
            put_page(&pg[j]);
            break;
        }
    }
    if ( j < n )
    {
        while ( j-- )
            put_page(&pg[j]);
        return false;
    }
    for ( j = 0; j < n; j++ )
    {
        set_gpfn_from_mfn(frame + j, INVALID_M2P_ENTRY);
        put_page_alloc_ref(&pg[j]);
        put_page(&pg[j]);
    }
    return true;
}

/*
 * Extents are single frames or 2^order runs, named by frame number: for a
 * PV guest a machine frame to give back, or the pfn a new frame is for
 * (the new machine frame replaces it in the list).  Works from extent
 * *next and leaves there the first extent not done: a bad list entry ends
 * the batch, and so does preemption (true returned).
 */
static bool reservation_op_on(struct domain *d, unsigned int op,
                              const struct xen_memory_reservation *r,
                              xen_ulong_t *next)
{
    xen_ulong_t i, start = *next;
    bool preempted = false;

    if ( r->extent_order > MAX_ORDER )
        return false;
    for ( i = start; i < r->nr_extents; i++ )
    {
        xen_pfn_t frame;
        struct page_info *pg;

        if ( i != start && hypercall_preempt_check() )
        {
            preempted = true;
            break;
        }
        if ( copy_from_guest_offset(&frame, r->extent_start, i, 1) )
            break;
        if ( op == XENMEM_decrease_reservation )
        {
            if ( !release_extent(d, frame, r->extent_order) )
                break;
            continue;
        }
        /* increase_reservation and populate_physmap. */
        if ( !(pg = alloc_domain_pages(d, r->extent_order, 0)) )
            break;
        for ( unsigned long j = 0; j < (1UL << r->extent_order); j++ )
            set_gpfn_from_mfn(mfn_x(page_to_mfn(pg)) + j,
                              op == XENMEM_populate_physmap
                              ? frame + j : INVALID_M2P_ENTRY);
        frame = mfn_x(page_to_mfn(pg));
        if ( copy_to_guest_offset(r->extent_start, i, &frame, 1) )
        {
            for ( unsigned long j = 0; j < (1UL << r->extent_order); j++ )
                put_page_alloc_ref(&pg[j]);
            break;
        }
    }
    *next = i;
    return preempted;
}

/*
 * The result counts extents from the first pass's start, so a preempted
 * batch is continued with the extent to resume at above the sub-op in cmd
 * (MEMOP_EXTENT_SHIFT).  A list too long for that encoding does nothing,
 * as in Xen; so does a start beyond its end.
 */
static long reservation_op(unsigned int op, xen_ulong_t start,
                           XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_memory_reservation r;
    struct domain *d;
    bool preempted;
    long rc;

    /* Xen reports a domain it cannot use as no extent done, not an errno. */
    if ( copy_from_guest_bytes(&r, arg.p, sizeof(r)) ||
         r.nr_extents > (~0U >> MEMOP_EXTENT_SHIFT) ||
         start >= r.nr_extents || !(d = target_domain(r.domid, &rc)) )
        return start;
    preempted = reservation_op_on(d, op, &r, &start);
    put_domain(d);
    if ( preempted )
        return hypercall_continue(__HYPERVISOR_memory_op,
                                  op | (start << MEMOP_EXTENT_SHIFT),
                                  (unsigned long)arg.p);
    return start;
}

static long machine_memory_map(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_memory_map map;
    unsigned int n;

    if ( !current->domain->is_privileged )
        return -EPERM;
    if ( copy_from_guest_bytes(&map, arg.p, sizeof(map)) )
        return -EFAULT;
    n = min(map.nr_entries, e820.nr_map);
    if ( copy_to_guest_bytes(map.buffer.p, e820.map,
                             n * sizeof(e820.map[0])) )
        return -EFAULT;
    map.nr_entries = n;
    return copy_to_guest_bytes(arg.p, &map, sizeof(map)) ? -EFAULT : 0;
}

static long reservation_size(unsigned int op, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    domid_t domid;
    struct domain *d;
    long rc;

    if ( copy_from_guest_bytes(&domid, arg.p, sizeof(domid)) )
        return -EFAULT;

    if ( !(d = target_domain(domid, &rc)) )
        return rc;
    switch ( op )
    {
    case XENMEM_current_reservation:
        rc = d->tot_pages;
        break;
    case XENMEM_maximum_reservation:
        rc = d->max_pages;
        break;
    default:    /* XENMEM_maximum_gpfn: the guest keeps its p2m size there */
        rc = d->shared_info->arch.max_pfn - 1;
        break;
    }
    put_domain(d);
    return rc;
}

long do_memory_op(unsigned long cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    unsigned int op = cmd & MEMOP_CMD_MASK;

    switch ( op )
    {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        return reservation_op(op, cmd >> MEMOP_EXTENT_SHIFT, arg);
    }
    /* Only the reservation sub-ops continue; others have no start. */
    switch ( cmd )
    {
    case XENMEM_maximum_ram_page:
        return max_page;
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn:
        return reservation_size(cmd, arg);
    case XENMEM_machphys_mapping:
    {
        struct xen_machphys_mapping m = {
            .v_start = MACH2PHYS_VIRT_START,
            .v_end = MACH2PHYS_VIRT_START + max_page * sizeof(unsigned long),
            .max_mfn = max_page - 1,
        };

        return copy_to_guest_bytes(arg.p, &m, sizeof(m)) ? -EFAULT : 0;
    }
    case XENMEM_machphys_mfn_list:
    {
        struct xen_machphys_mfn_list l;
        unsigned long chunks = DIV_ROUND_UP(max_page * sizeof(unsigned long),
                                            L2_PAGE_SIZE);
        unsigned int i;

        if ( copy_from_guest_bytes(&l, arg.p, sizeof(l)) )
            return -EFAULT;
        for ( i = 0; i < l.max_extents && i < chunks; i++ )
        {
            xen_pfn_t mfn = mfn_x(m2p_chunk_mfn(i));

            if ( copy_to_guest_offset(l.extent_start, i, &mfn, 1) )
                return -EFAULT;
        }
        l.nr_extents = i;
        return copy_to_guest_bytes(arg.p, &l, sizeof(l)) ? -EFAULT : 0;
    }
    case XENMEM_machine_memory_map:
        return machine_memory_map(arg);
    case XENMEM_set_memory_map:
    {
        /* No domain keeps a map yet; but the domain is checked first. */
        struct xen_foreign_memory_map fmap;
        struct domain *d;
        long rc;

        if ( copy_from_guest_bytes(&fmap, arg.p, sizeof(fmap)) )
            return -EFAULT;
        if ( !(d = target_domain(fmap.domid, &rc)) )
            return rc;
        put_domain(d);
        return -ENOSYS;
    }
    /* A PV guest's own map is the machine's in dom0; none is kept. */
    case XENMEM_memory_map:
    default:
        return -ENOSYS;
    }
}
