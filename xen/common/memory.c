/* SPDX-License-Identifier: GPL-2.0-only */
/* memory_op: reservations, exchanges, sizes; arch_memory_op() the rest. */
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/page_owner.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <asm/guest_range.h>
#include <asm/p2m.h>
#include <public/memory.h>
#include <xsm/xsm.h>

/*
 * The domain a sub-op names, referenced (put_domain() it): ourselves, or
 * any for the privileged.  NULL with *rc = -ESRCH if there is no such
 * domain, -EPERM if it is another's and the caller is unprivileged (Xen
 * answers in that order).
 */
static struct domain *target_domain(domid_t domid, long *rc)
{
    int err;
    struct domain *d = domain_lookup(domid,
                                     DOMAIN_LOOKUP_SELF | DOMAIN_LOOKUP_TARGET,
                                     &err);

    if ( !d )
        *rc = err;
    return d;
}

/*
 * The largest extent order a domain may ask for in one go: Xen 4.17's
 * defaults (memop-max-order), 9 for a domU and 18 for the control domain.
 */
static unsigned int max_order(const struct domain *d)
{
    return is_control_domain(d) ? 18 : 9;
}

/*
 * Whether Xen 4.17 accepts mem_flags' NUMA node: any below its limit of
 * 64 from the control domain; from others only a hint, never an exact
 * request.  We have one node, so an accepted hint changes nothing.
 */
static bool node_ok(unsigned int mem_flags)
{
    unsigned int node = XENMEMF_get_node(mem_flags);

    /* XENMEMF_node() stores the node plus one: none named reads as 0xff. */
    if ( node == 0xffu )
        return true;
    if ( is_control_domain(current->domain) )
        return node < 64;
    return !(mem_flags & XENMEMF_exact_node_request);
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
    guest_physmap_remove_page(d, INVALID_GFN, _mfn(frame), order);
    for ( j = 0; j < n; j++ )
    {
        put_page_alloc_ref(&pg[j]);
        put_page(&pg[j]);
    }
    return true;
}

/*
 * Entry i of an extent list: frame numbers of 64 bits, or of 32 bits
 * (narrow: a 32-bit PV guest's list, pv/compat_memory.c).  A frame too
 * large for a narrow list fails as an unwritable entry would.
 */
static bool get_extent(XEN_GUEST_HANDLE(xen_pfn_t) h, xen_ulong_t i,
                       bool narrow, xen_pfn_t *frame)
{
    uint32_t f;

    if ( !narrow )
        return !copy_from_guest_offset(frame, h, i, 1);
    if ( copy_from_guest_bytes(&f, (const uint32_t *)h.p + i, sizeof(f)) )
        return false;
    *frame = f;
    return true;
}

static bool put_extent(XEN_GUEST_HANDLE(xen_pfn_t) h, xen_ulong_t i,
                       bool narrow, xen_pfn_t frame)
{
    uint32_t f = frame;

    if ( !narrow )
        return !copy_to_guest_offset(h, i, &frame, 1);
    return f == frame &&
           !copy_to_guest_bytes((uint32_t *)h.p + i, &f, sizeof(f));
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
                              bool narrow, xen_ulong_t *next)
{
    xen_ulong_t i, start = *next;
    bool preempted = false;
    unsigned int bits = XENMEMF_get_address_bits(r->mem_flags), memflags;

    /* The caller's limit, even when it acts for another domain. */
    if ( r->extent_order > max_order(current->domain) )
        return false;
    /*
     * An address width (new frames below 2^bits bytes): Xen 4.17 refuses
     * one that leaves no frame at all, for every reservation op.  A node
     * hint is checked (unless virtual: PV guests have no vNUMA).
     */
    if ( bits && bits <= PAGE_SHIFT )
        return false;
    memflags = MEMF_bits(bits);
    if ( !(r->mem_flags & XENMEMF_vnode) && !node_ok(r->mem_flags) )
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
        if ( !get_extent(r->extent_start, i, narrow, &frame) )
            break;
        if ( op == XENMEM_decrease_reservation )
        {
            if ( !release_extent(d, frame, r->extent_order) )
                break;
            continue;
        }
        /* increase_reservation and populate_physmap. */
        if ( !(pg = alloc_domain_pages(d, r->extent_order, memflags)) )
            break;
        if ( op == XENMEM_populate_physmap )
            guest_physmap_add_page(d, _gfn(frame), page_to_mfn(pg),
                                   r->extent_order);
        else
            guest_physmap_remove_page(d, INVALID_GFN, page_to_mfn(pg),
                                      r->extent_order);
        frame = mfn_x(page_to_mfn(pg));
        if ( !put_extent(r->extent_start, i, narrow, frame) )
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
long memory_reservation(unsigned int op, xen_ulong_t start,
                        const struct xen_memory_reservation *r, bool narrow,
                        XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *d;
    bool preempted;
    long rc;

    /* Xen reports a domain it cannot use as no extent done, not an errno. */
    if ( r->nr_extents > (~0U >> MEMOP_EXTENT_SHIFT) ||
         start >= r->nr_extents || !(d = target_domain(r->domid, &rc)) )
        return start;
    preempted = reservation_op_on(d, op, r, narrow, &start);
    put_domain(d);
    if ( preempted )
        return hypercall_continue(__HYPERVISOR_memory_op,
                                  op | (start << MEMOP_EXTENT_SHIFT),
                                  guest_handle_addr(arg));
    return start;
}

/*
 * Whether the guest list hnd may hold entries [first, nr), first < nr:
 * an address range the guest may use.  Whether it is mapped shows when
 * it is read.
 */
static bool list_ok(XEN_GUEST_HANDLE(xen_pfn_t) hnd, xen_ulong_t first,
                    xen_ulong_t nr, unsigned long narrow_end)
{
    size_t size = narrow_end ? sizeof(uint32_t) : sizeof(xen_pfn_t);
    unsigned long start = guest_handle_addr(hnd) + first * size;

    if ( nr > ~0UL / size || !guest_range_ok(start, (nr - first) * size) )
        return false;
    return !narrow_end || start + (nr - first) * size <= narrow_end;
}

/*
 * One chunk of an exchange: input extents [in_first, in_first + n_in)
 * for output extents [out_first, out_first + n_out), as many frames.  All
 * or nothing: 0, or an errno with d and both lists as they were.
 */
static long exchange_chunk(struct domain *d,
                           const struct xen_memory_exchange *x,
                           xen_ulong_t in_first, unsigned long n_in,
                           xen_ulong_t out_first, unsigned long n_out,
                           unsigned int memflags, bool narrow)
{
    struct page_list_head stolen = PAGE_LIST_HEAD_INIT;
    struct page_list_head fresh = PAGE_LIST_HEAD_INIT;
    unsigned int order = x->out.extent_order;
    unsigned long j, k, written = 0;
    struct page_info *pg;
    long rc = 0;

    /* A PV guest names its input by machine frame; each entry read once. */
    for ( j = 0; j < n_in && !rc; j++ )
    {
        xen_pfn_t gmfn;

        if ( !get_extent(x->in.extent_start, in_first + j, narrow, &gmfn) )
        {
            rc = -EFAULT;
            break;
        }
        for ( k = 0; k < (1UL << x->in.extent_order); k++ )
        {
            /* (An extent wrapping round starts past every frame.) */
            if ( !mfn_valid(_mfn(gmfn + k)) ||
                 !steal_domain_page(d, pg = mfn_to_page(_mfn(gmfn + k))) )
            {
                rc = -EINVAL;
                break;
            }
            page_list_add_tail(pg, &stolen);
        }
    }

    for ( j = 0; j < n_out && !rc; j++ )
    {
        if ( !(pg = alloc_domheap_pages(NULL, order, memflags)) )
        {
            rc = -ENOMEM;
            break;
        }
        /* Unowned frames come unscrubbed; d must not see old contents. */
        memset(page_to_virt(pg), 0, PAGE_SIZE << order);
        page_list_add_tail(pg, &fresh);
    }

    /*
     * Each output entry's pfn is read once and replaced by the new mfn;
     * d's p2m remembers each new frame's pfn, should the list have
     * to be put back.  Until the exchange is done the mfns are not d's,
     * so d can do nothing with them.
     */
    for ( pg = page_list_first(&fresh); pg && !rc; pg = page_list_next(pg) )
    {
        xen_pfn_t gpfn, mfn = mfn_x(page_to_mfn(pg));

        if ( !get_extent(x->out.extent_start, out_first + written, narrow,
                         &gpfn) )
        {
            rc = -EFAULT;
            break;
        }
        guest_physmap_add_page(d, _gfn(gpfn), _mfn(mfn), order);
        if ( !put_extent(x->out.extent_start, out_first + written, narrow,
                         mfn) )
            rc = -EFAULT;
        else
            written++;
    }

    /* Only a dying d refuses: it is going away, so is its memory. */
    if ( !rc && !exchange_domain_pages(d, &stolen, &fresh, order) )
        rc = -ESRCH;
    if ( !rc )
        return 0;

    while ( (pg = page_list_first(&stolen)) )
    {
        page_list_del(pg, &stolen);
        unsteal_domain_page(d, pg);
    }
    for ( j = 0; (pg = page_list_first(&fresh)); j++ )
    {
        xen_pfn_t gpfn = gfn_x(mfn_to_gfn(d, page_to_mfn(pg)));

        page_list_del(pg, &fresh);
        /* The guest's own list: if it went away meanwhile, so be it. */
        if ( j < written )
            (void)put_extent(x->out.extent_start, out_first + j, narrow, gpfn);
        guest_physmap_remove_page(d, _gfn(gpfn), page_to_mfn(pg), order);
        free_domheap_pages(pg, order);
    }
    return rc;
}

/* nr_exchanged into the guest's structure: 64 bits, or 32 at *done32. */
static bool put_exchanged(XEN_GUEST_HANDLE_PARAM(void) arg,
                          const struct xen_memory_exchange *x,
                          uint32_t *done32)
{
    XEN_GUEST_HANDLE_PARAM(xen_memory_exchange_t)
    done = guest_handle_cast(arg, xen_memory_exchange_t);
    uint32_t n = x->nr_exchanged;

    if ( done32 )
        return !copy_to_guest_bytes(done32, &n, sizeof(n));
    return !copy_field_to_guest(done, x, nr_exchanged);
}

/*
 * XENMEM_exchange, as Xen 4.17 checks it and answers; see
 * docs/hypercall/memory_op.md.  Works in chunks of the larger order; a
 * preempted call records its progress in nr_exchanged and is issued again.
 */
long memory_exchange(const struct xen_memory_exchange *xp, uint32_t *done32,
                     unsigned long narrow_end,
                     XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_memory_exchange x = *xp;
    bool narrow = narrow_end;
    unsigned int in_chunk = 0, out_chunk = 0, memflags;
    xen_ulong_t i, first, end;
    struct domain *d;
    long rc = 0;

    if ( max(x.in.extent_order, x.out.extent_order) >
         max_order(current->domain) )
    {
        rc = -EPERM;
        goto out;
    }
    if ( x.nr_exchanged > x.in.nr_extents || x.in.domid != x.out.domid ||
         (~0UL >> x.in.extent_order) < x.in.nr_extents ||
         (~0UL >> x.out.extent_order) < x.out.nr_extents ||
         (x.in.nr_extents << x.in.extent_order) !=
             (x.out.nr_extents << x.out.extent_order) )
    {
        rc = -EINVAL;
        goto out;
    }
    /* Xen 4.17 answers this before it looks at the lists. */
    if ( x.nr_exchanged == x.in.nr_extents )
        return 0;
    if ( x.in.extent_order <= x.out.extent_order )
        in_chunk = x.out.extent_order - x.in.extent_order;
    else
        out_chunk = x.in.extent_order - x.out.extent_order;
    first = x.nr_exchanged >> in_chunk;
    end = x.in.nr_extents >> in_chunk;
    if ( !list_ok(x.in.extent_start, x.nr_exchanged, x.in.nr_extents,
                  narrow_end) ||
         !list_ok(x.out.extent_start, first << out_chunk, x.out.nr_extents,
                  narrow_end) )
    {
        rc = -EFAULT;
        goto out;
    }
    if ( !node_ok(x.out.mem_flags) )
    {
        rc = -EINVAL;
        goto out;
    }
    if ( !(d = target_domain(x.in.domid, &rc)) )
        goto out;

    memflags = memf_bits_within(MEMF_bits(
                                    XENMEMF_get_address_bits(x.out.mem_flags)),
                                domain_alloc_bits(d));
    for ( i = first; i < end; i++ )
    {
        if ( i != first && hypercall_preempt_check() )
        {
            put_domain(d);
            x.nr_exchanged = i << in_chunk;
            if ( !put_exchanged(arg, &x, done32) )
                return -EFAULT;
            return hypercall_continue(__HYPERVISOR_memory_op, XENMEM_exchange,
                                      guest_handle_addr(arg));
        }
        rc = exchange_chunk(d, &x, i << in_chunk, 1UL << in_chunk,
                            i << out_chunk, 1UL << out_chunk, memflags,
                            narrow);
        if ( rc )
            break;
    }
    put_domain(d);
    x.nr_exchanged = i << in_chunk;
out:
    if ( !put_exchanged(arg, &x, done32) )
        rc = -EFAULT;
    return rc;
}

static long reservation_size(unsigned int op, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    domid_t domid;
    struct domain *d;
    long rc;

    if ( copy_from_guest(&domid, arg, 1) )
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
    default: /* XENMEM_maximum_gpfn */
        rc = domain_get_maximum_gpfn(d);
        break;
    }
    put_domain(d);
    return rc;
}

/*
 * answer, for a sub-op that has nothing to do here, once the domain its
 * argument names passes target_domain()'s checks, which Xen makes first.
 */
static long once_domain_named(domid_t domid, long answer)
{
    struct domain *d;
    long rc;

    if ( !(d = target_domain(domid, &rc)) )
        return rc;
    put_domain(d);
    return answer;
}

long memory_set_memory_map(domid_t domid)
{
    return once_domain_named(domid, -ENOSYS);
}

/*
 * No resource can be mapped this way here yet: -EOPNOTSUPP, Xen's answer
 * for a type it lacks, sends the toolstack to its older ways
 * (GNTTABOP_setup_table for a new guest's grant table).
 */
long memory_acquire_resource(const struct xen_mem_acquire_resource *r)
{
    if ( r->pad )
        return -EINVAL;
    /*
     * Only another domain's resources are mapped this way: Xen finds no
     * domain for DOMID_SELF and refuses the caller's own id.
     */
    if ( r->domid == DOMID_SELF )
        return -ESRCH;
    if ( r->domid == current->domain->domain_id )
        return -EPERM;
    return once_domain_named(r->domid, -EOPNOTSUPP);
}

long do_memory_op(unsigned long cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    unsigned int op = cmd & MEMOP_CMD_MASK;

    switch ( op )
    {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
    {
        struct xen_memory_reservation r;

        if ( copy_from_guest(&r, arg, 1) )
            return cmd >> MEMOP_EXTENT_SHIFT;
        return memory_reservation(op, cmd >> MEMOP_EXTENT_SHIFT, &r, false,
                                  arg);
    }
    case XENMEM_exchange:
    {
        struct xen_memory_exchange x;

        /* Its progress is in its argument: a start in cmd is refused. */
        if ( cmd >> MEMOP_EXTENT_SHIFT )
            return -EINVAL;
        if ( copy_from_guest(&x, arg, 1) )
            return -EFAULT;
        return memory_exchange(&x, NULL, 0, arg);
    }
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
    case XENMEM_set_memory_map:
    {
        struct xen_foreign_memory_map fmap;

        if ( copy_from_guest(&fmap, arg, 1) )
            return -EFAULT;
        return memory_set_memory_map(fmap.domid);
    }
    case XENMEM_get_vnumainfo:
    {
        /* No domain has a virtual NUMA layout: Xen's -EOPNOTSUPP. */
        struct xen_vnuma_topology_info t;

        if ( copy_from_guest(&t, arg, 1) )
            return -EFAULT;
        return once_domain_named(t.domid, -EOPNOTSUPP);
    }
    case XENMEM_acquire_resource:
    {
        struct xen_mem_acquire_resource r;

        if ( copy_from_guest(&r, arg, 1) )
            return -EFAULT;
        return memory_acquire_resource(&r);
    }
    default:
        return arch_memory_op(op, arg);
    }
}
