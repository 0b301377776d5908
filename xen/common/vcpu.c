/* SPDX-License-Identifier: GPL-2.0-only */
/* vcpu_op and set_timer_op: a vCPU's timers, runstate and vcpu_info. */
#include <xen/compat.h>
#include <xen/domctl.h>
#include <xen/errno.h>
#include <xen/perfc.h>
#include <xen/event.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/page_owner.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <xen/string.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/xmalloc.h>
#include <asm/mm.h>
#include <asm/paging.h>
#include <asm/time.h>
#include <public/vcpu.h>

/* Guest timers fire as VIRQ_TIMER on the vCPU that set them. */
static void singleshot_timer_fn(void *data)
{
    send_guest_vcpu_virq(data, VIRQ_TIMER);
}

static void periodic_timer_fn(void *data)
{
    struct vcpu *v = data;

    send_guest_vcpu_virq(v, VIRQ_TIMER);
    set_timer(&v->periodic_timer, NOW() + v->periodic_period);
}

/* Called once per vCPU at creation, on the CPU that will run it. */
void vcpu_timers_init(struct vcpu *v)
{
    init_timer(&v->singleshot_timer, singleshot_timer_fn, v, v->processor);
    init_timer(&v->periodic_timer, periodic_timer_fn, v, v->processor);
}

/* A zero timeout stops the timer; one in the past fires at once. */
long do_set_timer_op(s_time_t timeout)
{
    struct vcpu *v = current;

    if ( timeout == 0 )
        stop_timer(&v->singleshot_timer);
    else
        set_timer(&v->singleshot_timer, timeout);
    return 0;
}

/*
 * Moves v's vcpu_info into a guest page (Linux does this for every vCPU):
 * the page must be the domain's own, and the structure must not straddle
 * a page boundary.  The current contents move along.
 */
static long register_vcpu_info(struct vcpu *v,
                               const struct vcpu_register_vcpu_info *r)
{
    struct domain *d = v->domain;
    struct vcpu_info *shared = &d->shared_info->vcpu_info[v->vcpu_id];
    struct page_info *pg;
    struct vcpu_info *new;

    /* Xen's answer to a structure that would straddle; rsvd goes unread. */
    if ( r->offset > PAGE_SIZE - sizeof(struct vcpu_info) )
        return -ENXIO;
    if ( !mfn_valid(_mfn(r->mfn)) )
        return -EINVAL;
    pg = mfn_to_page(_mfn(r->mfn));
    /*
     * We write the structure (pending bits, time) for as long as it lives
     * there: a writable type reference keeps the page ours and stops it
     * from becoming a page table, whose entries our writes would forge.
     * A page that is a table (or descriptor table) already is refused.
     */
    if ( get_page_and_type(pg, d, PGT_writable_page) )
        return -EINVAL;
    new = (struct vcpu_info *)((uint8_t *)page_to_virt(pg) + r->offset);
    /* Two registrations racing must not both move it (and leak a ref). */
    spin_lock(&d->domain_lock);
    if ( v->vcpu_info != shared )
    {
        spin_unlock(&d->domain_lock);
        put_page_and_type(pg);
        return -EINVAL; /* only once, as Xen allows */
    }
    *new = *shared;
    /* Events that arrived meanwhile are re-announced in the new place. */
    new->evtchn_upcall_pending = 1;
    if ( has_32bit_shinfo(d) )
        ((struct compat_vcpu_info *)new)->evtchn_pending_sel = ~0u;
    else
        new->evtchn_pending_sel = ~0UL;
    __atomic_store_n(&v->vcpu_info, new, __ATOMIC_RELEASE);
    spin_unlock(&d->domain_lock);
    update_vcpu_system_time(v);
    return 0;
}

/*
 * The runstate and time areas are registered, as in Xen 4.17, by guest
 * virtual address; Xen writes through that address whenever it updates
 * them.  We translate it once, at registration, through the caller's page
 * tables (a kernel address, the same in every vCPU's), and keep the
 * frames (docs/hypercall/vcpu_op.md says what differs).
 */

/* The frame of d's that the caller maps at va, held writable; or NULL. */
static struct page_info *get_area_frame(struct domain *d, unsigned long va)
{
    mfn_t mfn = paging_gva_to_mfn(current, va);
    struct page_info *pg;

    if ( !mfn_valid(mfn) )
        return NULL;
    pg = mfn_to_page(mfn);
    /* As for vcpu_info: a page table or descriptor page is refused. */
    return get_page_and_type(pg, d, PGT_writable_page) ? NULL : pg;
}

static void put_area_frames(struct page_info *const pg[2])
{
    for ( unsigned int i = 0; i < 2; i++ )
        if ( pg[i] )
            put_page_and_type(pg[i]);
}

/*
 * Points area at the size bytes at va (0: none), dropping the frames it
 * held.  A va that maps none of the domain's writable frames leaves the
 * area empty, as an unmapped address leaves Xen's unwritten.
 */
static void register_area(struct vcpu *v, struct guest_area *area,
                          unsigned long va, unsigned int size)
{
    struct page_info *pg[2] = { NULL, NULL }, *old[2];
    unsigned int offset = va & ~PAGE_MASK;

    if ( va && (pg[0] = get_area_frame(v->domain, va)) &&
         offset + size > PAGE_SIZE &&
         !(pg[1] = get_area_frame(v->domain, va - offset + PAGE_SIZE)) )
    {
        put_page_and_type(pg[0]);
        pg[0] = NULL;
    }
    spin_lock(&area->lock);
    /*
     * Destruction lets the frames go once (vcpu_release_info(), after the
     * domain is marked dying): a registration racing with it installs
     * none, or the domain would never lose its last frames.
     */
    if ( pg[0] && v->domain->state == DOMSTATE_dying )
    {
        old[0] = pg[0];
        old[1] = pg[1];
    }
    else
    {
        old[0] = area->pg[0];
        old[1] = area->pg[1];
        area->pg[0] = pg[0];
        area->pg[1] = pg[1];
        area->offset = offset;
    }
    spin_unlock(&area->lock);
    /* Not under the lock: the last put may free the frame. */
    put_area_frames(old);
}

static void write_area(struct guest_area *area, const void *src,
                       unsigned int size)
{
    spin_lock(&area->lock);
    if ( area->pg[0] )
    {
        unsigned int first = min(size, (unsigned int)PAGE_SIZE - area->offset);

        memcpy((uint8_t *)page_to_virt(area->pg[0]) + area->offset, src,
               first);
        if ( first < size )
            memcpy(page_to_virt(area->pg[1]), (const uint8_t *)src + first,
                   size - first);
    }
    spin_unlock(&area->lock);
}

/*
 * Back to the slot in shared_info, dropping the references the guest page
 * held, and the runstate and time areas' frames; at destruction, before
 * the domain's pages are given back.
 */
void vcpu_release_info(struct vcpu *v)
{
    struct vcpu_info *shared = &v->domain->shared_info->vcpu_info[v->vcpu_id];
    struct vcpu_info *old = v->vcpu_info;

    register_area(v, &v->runstate_area, 0, 0);
    register_area(v, &v->time_area, 0, 0);
    if ( old == shared )
        return;
    __atomic_store_n(&v->vcpu_info, shared, __ATOMIC_RELEASE);
    put_page_and_type(virt_to_page(old));
}

/* The runstate's size and image as d's guests lay it out. */
static unsigned int runstate_size(const struct domain *d)
{
    return has_32bit_shinfo(d) ? sizeof(struct compat_vcpu_runstate_info)
                               : sizeof(struct vcpu_runstate_info);
}

static const void *runstate_image(const struct domain *d,
                                  const struct vcpu_runstate_info *rs,
                                  struct compat_vcpu_runstate_info *c)
{
    if ( !has_32bit_shinfo(d) )
        return rs;
    c->state = rs->state;
    c->state_entry_time = rs->state_entry_time;
    memcpy(c->time, rs->time, sizeof(c->time));
    return c;
}

/*
 * A vCPU gets its first context once (later ones: -EEXIST), and stays
 * down until VCPUOP_up unless the context says VGCF_online.
 */
long vcpu_set_first_context(struct vcpu *v, const struct vcpu_guest_context *c)
{
    struct domain *d = v->domain;
    long rc;

    spin_lock(&d->domain_lock);
    rc = arch_vcpu_initialised(v) ? -EEXIST : arch_set_info_guest(v, c);
    spin_unlock(&d->domain_lock);
    return rc;
}

static long vcpu_initialise(struct vcpu *v, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct vcpu_guest_context *c = xmalloc(struct vcpu_guest_context);
    long rc;

    if ( !c )
        return -ENOMEM;
    rc = copy_from_guest(c, arg, 1) ? -EFAULT : vcpu_set_first_context(v, c);
    xfree(c);
    return rc;
}

/*
 * As in Xen 4.17, only the down-to-up transition wakes the vCPU: one that
 * VGCF_online already marked up stays asleep.
 */
static long vcpu_up(struct vcpu *v)
{
    struct domain *d = v->domain;
    bool wake = false;
    long rc = 0;

    spin_lock(&d->domain_lock);
    if ( !arch_vcpu_initialised(v) )
        rc = -EINVAL;
    else
        wake = __atomic_fetch_and(&v->pause_flags, ~VPF_down,
                                  __ATOMIC_SEQ_CST) &
               VPF_down;
    spin_unlock(&d->domain_lock);
    if ( wake )
        vcpu_wake(v);
    return rc;
}

bool other_vcpus_up(const struct vcpu *v)
{
    const struct domain *d = v->domain;

    for ( unsigned int i = 0; i < d->max_vcpus; i++ )
        if ( i != v->vcpu_id && d->vcpu[i] &&
             !(d->vcpu[i]->pause_flags & VPF_down) )
            return true;
    return false;
}

/* The last vCPU going down powers the domain off, as in Xen. */
static long vcpu_down(struct vcpu *v)
{
    if ( !other_vcpus_up(v) )
        domain_shutdown(v->domain, SHUTDOWN_poweroff);
    else if ( !(__atomic_fetch_or(&v->pause_flags, VPF_down,
                                  __ATOMIC_SEQ_CST) &
                VPF_down) )
        vcpu_sleep_nosync(v);
    return 0;
}

long do_vcpu_op(int cmd, unsigned int vcpuid, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *d = current->domain;
    struct vcpu *v;

    if ( vcpuid >= d->max_vcpus || !(v = d->vcpu[vcpuid]) )
        return -ENOENT;

    perfc_incra(vcpu_op, (unsigned int)cmd, 32);
    switch ( cmd )
    {
    case VCPUOP_initialise:
        return vcpu_initialise(v, arg);

    case VCPUOP_up:
        return vcpu_up(v);

    case VCPUOP_down:
        return vcpu_down(v);

    case VCPUOP_is_up:
        return !(v->pause_flags & VPF_down);

    case VCPUOP_get_runstate_info:
    {
        struct vcpu_runstate_info rs = v->runstate;
        struct compat_vcpu_runstate_info c;
        s_time_t delta = NOW() - rs.state_entry_time;

        /* As Xen: the current state's time includes its stretch so far. */
        if ( delta > 0 )
            rs.time[rs.state] += delta;
        return copy_to_guest_bytes(arg.p, runstate_image(d, &rs, &c),
                                   runstate_size(d))
                   ? -EFAULT
                   : 0;
    }

    case VCPUOP_set_periodic_timer:
    {
        struct vcpu_set_periodic_timer p;

        if ( copy_from_guest(&p, arg, 1) )
            return -EFAULT;
        /* Xen refuses periods under 1 ms, which would flood the CPU. */
        if ( p.period_ns < MILLISECS(1) )
            return -EINVAL;
        /*
         * Nor periods so long that NOW() plus one wraps into the past: the
         * timer would fire and re-arm itself for ever on this CPU.
         */
        if ( p.period_ns > STIME_DELTA_MAX )
            return -EINVAL;
        if ( v != current )
            return -EINVAL;
        v->periodic_period = p.period_ns;
        set_timer(&v->periodic_timer, NOW() + v->periodic_period);
        return 0;
    }

    case VCPUOP_stop_periodic_timer:
        if ( v != current )
            return -EINVAL;
        v->periodic_period = 0;
        stop_timer(&v->periodic_timer);
        return 0;

    case VCPUOP_set_singleshot_timer:
    {
        struct vcpu_set_singleshot_timer s;

        if ( v != current )
            return -EINVAL;
        if ( copy_from_guest(&s, arg, 1) )
            return -EFAULT;
        /* VCPU_SSHOTTMR_future is ignored, as Xen 4.17 does. */
        set_timer(&v->singleshot_timer, s.timeout_abs_ns);
        return 0;
    }

    case VCPUOP_stop_singleshot_timer:
        if ( v != current )
            return -EINVAL;
        stop_timer(&v->singleshot_timer);
        return 0;

    case VCPUOP_register_vcpu_info:
    {
        struct vcpu_register_vcpu_info r;

        if ( copy_from_guest(&r, arg, 1) )
            return -EFAULT;
        return register_vcpu_info(v, &r);
    }

    case VCPUOP_register_runstate_memory_area:
    {
        struct vcpu_register_runstate_memory_area a;

        if ( copy_from_guest(&a, arg, 1) )
            return -EFAULT;
        if ( a.addr.p && !guest_range_ok(a.addr.p, runstate_size(d)) )
            return -EINVAL;
        register_area(v, &v->runstate_area, a.addr.p, runstate_size(d));
        if ( v == current )
            update_runstate_area(v);
        return 0;
    }

    case VCPUOP_register_vcpu_time_memory_area:
    {
        struct vcpu_register_time_memory_area a;

        if ( copy_from_guest(&a, arg, 1) )
            return -EFAULT;
        if ( a.addr.p &&
             !guest_range_ok(a.addr.p, sizeof(struct vcpu_time_info)) )
            return -EINVAL;
        register_area(v, &v->time_area, a.addr.p,
                      sizeof(struct vcpu_time_info));
        /* Filled in at once, as the guest may read it straight away. */
        if ( v == current )
            update_time_area(v);
        return 0;
    }

    case VCPUOP_get_physid:
        /* Only for dom0 vCPUs pinned to their CPU, which we do not pin. */
        return -EINVAL;

    default:
        return -ENOSYS;
    }
}

/*
 * Copies v's runstate (and time) into the guest's registered areas,
 * through the hypervisor's own mapping of their frames.
 */
void update_runstate_area(struct vcpu *v)
{
    struct compat_vcpu_runstate_info c;

    write_area(&v->runstate_area, runstate_image(v->domain, &v->runstate, &c),
               runstate_size(v->domain));
}

void update_time_area(struct vcpu *v)
{
    write_area(&v->time_area, &v->vcpu_info->time, sizeof(v->vcpu_info->time));
}
