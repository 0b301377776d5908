/* SPDX-License-Identifier: GPL-2.0-only */
/* domctl: the toolstack's operations on domains (interface 0x15). */
#include <xen/cpumask.h>
#include <xen/domctl.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/grant_table.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/sched-if.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <xen/time.h>
#include <xen/xmalloc.h>
#include <asm/domain.h>
#include <asm/cpufeature.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/system.h>
#include <asm/time.h>
#include <xsm/xsm.h>

/*
 * One toolstack operation at a time, as in Xen: each op sees and leaves
 * domains in a consistent state.
 */
static DEFINE_SPINLOCK(domctl_lock, domctl);

/* Guards every domain's toolstack_info (xen/sched.h). */
static DEFINE_SPINLOCK(toolstack_info_lock, toolstack_info);

/* A domain the toolstack made: what createdomain told of it. */
static void new_info(struct domain *d, const xen_domain_handle_t handle,
                     bool xs_domain)
{
    struct toolstack_info *ti = &d->toolstack;

    spin_lock(&toolstack_info_lock);
    memset(ti, 0, sizeof(*ti));
    ti->known = true;
    ti->tsc_zero = NOW();
    memcpy(ti->handle, handle, sizeof(ti->handle));
    ti->xs_domain = xs_domain;
    spin_unlock(&toolstack_info_lock);
}

/* Destruction forgets it: a dying domain reports no handle. */
static void free_info(struct domain *d)
{
    spin_lock(&toolstack_info_lock);
    memset(&d->toolstack, 0, sizeof(d->toolstack));
    spin_unlock(&toolstack_info_lock);
}

/* The first domain with an id from domid up, referenced; NULL if none. */
struct domain *first_domain_from(domid_t domid)
{
    struct domain *d = NULL;

    for ( unsigned int id = domid; !d && id < DOMID_FIRST_RESERVED; id++ )
        d = get_domain_by_id(id);
    return d;
}

/* Time v spent running, including the stretch it is in now. */
static uint64_t vcpu_cpu_time(const struct vcpu *v)
{
    uint64_t t = v->runstate.time[RUNSTATE_running];

    if ( v->is_running && v->runstate.state == RUNSTATE_running )
        t += NOW() - v->runstate.state_entry_time;
    return t;
}

void getdomaininfo(struct domain *d, struct xen_domctl_getdomaininfo *info)
{
    /* Blocked only if every online vCPU is; running if any one is. */
    uint32_t flags = XEN_DOMINF_blocked;
    const struct toolstack_info *ti;

    memset(info, 0, sizeof(*info));
    info->domain = d->domain_id;
    info->max_vcpu_id = XEN_INVALID_MAX_VCPU_ID;
    for ( unsigned int i = 0; i < d->max_vcpus; i++ )
    {
        const struct vcpu *v = d->vcpu[i];

        if ( !v )
            continue;
        info->max_vcpu_id = i;
        info->cpu_time += vcpu_cpu_time(v);
        if ( v->pause_flags & VPF_down )
            continue;
        info->nr_online_vcpus++;
        if ( !(v->pause_flags & VPF_blocked) )
            flags &= ~XEN_DOMINF_blocked;
        if ( v->is_running )
            flags |= XEN_DOMINF_running;
    }
    if ( !info->nr_online_vcpus )
        flags = 0;
    if ( d->state == DOMSTATE_dying )
        flags |= XEN_DOMINF_dying;
    if ( d->state == DOMSTATE_shutdown )
        flags |= XEN_DOMINF_shutdown |
                 (d->shutdown_code << XEN_DOMINF_shutdownshift);
    if ( __atomic_load_n(&d->pause_count, __ATOMIC_RELAXED) > 0 )
        flags |= XEN_DOMINF_paused;

    spin_lock(&toolstack_info_lock);
    if ( (ti = &d->toolstack)->known )
    {
        memcpy(info->handle, ti->handle, sizeof(info->handle));
        if ( ti->xs_domain )
            flags |= XEN_DOMINF_xs_domain;
    }
    spin_unlock(&toolstack_info_lock);

    info->flags = flags;
    info->tot_pages = d->tot_pages;
    info->max_pages = d->max_pages;
    /* PV: the frame number the guest maps is the machine frame. */
    info->shared_info_frame = mfn_x(virt_to_mfn(d->shared_info));
    info->cpupool = 0; /* every domain is in the one pool */
    info->gpaddr_bits = boot_cpu_data.paddr_bits;
    /* Xen emulates the PIT for a PV hardware domain, nothing for others. */
    if ( d == hardware_domain )
        info->arch_config.emulation_flags = XEN_X86_EMU_PIT;
}

/*
 * Waits until v's CPU has switched away from it, after which its saved
 * state may be read or changed and its frames are no longer in use.
 */
static void wait_descheduled(const struct vcpu *v)
{
    while ( __atomic_load_n(&v->is_running, __ATOMIC_ACQUIRE) )
        cpu_relax();
}

static void vcpu_pause_sync(struct vcpu *v)
{
    vcpu_pause_nosync(v);
    wait_descheduled(v);
}

static void domain_vcpus_pause(struct domain *d)
{
    for ( unsigned int i = 0; i < d->max_vcpus; i++ )
        if ( d->vcpu[i] )
            vcpu_pause_sync(d->vcpu[i]);
}

static void domain_vcpus_unpause(struct domain *d)
{
    for ( unsigned int i = 0; i < d->max_vcpus; i++ )
        if ( d->vcpu[i] )
            vcpu_unpause(d->vcpu[i]);
}

/*
 * The toolstack's pauses are counted in d->pause_count (a new domain
 * starts with one); Xen caps the count at 255 so that it cannot wrap.
 */
static long pause_by_toolstack(struct domain *d)
{
    int old = __atomic_load_n(&d->pause_count, __ATOMIC_RELAXED);

    do
    {
        if ( old >= 255 )
            return -EOVERFLOW;
    } while ( !__atomic_compare_exchange_n(&d->pause_count, &old, old + 1,
                                           false, __ATOMIC_SEQ_CST,
                                           __ATOMIC_RELAXED) );
    for ( unsigned int i = 0; i < d->max_vcpus; i++ )
    {
        struct vcpu *v = d->vcpu[i];

        if ( !v )
            continue;
        vcpu_sleep_nosync(v);
        wait_descheduled(v);
    }
    return 0;
}

static long unpause_by_toolstack(struct domain *d)
{
    int old = __atomic_load_n(&d->pause_count, __ATOMIC_RELAXED);

    do
    {
        if ( old <= 0 )
            return -EINVAL;
    } while ( !__atomic_compare_exchange_n(&d->pause_count, &old, old - 1,
                                           false, __ATOMIC_SEQ_CST,
                                           __ATOMIC_RELAXED) );
    /* The last pause gone: a new domain starts, a paused one resumes. */
    if ( old == 1 )
        domain_unpause(d);
    return 0;
}

/* What Xen 4.17 refuses in a createdomain configuration, for a PV host. */
static long check_config(const struct xen_domctl_createdomain *c)
{
    const uint32_t known = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap |
                           XEN_DOMCTL_CDF_s3_integrity |
                           XEN_DOMCTL_CDF_oos_off | XEN_DOMCTL_CDF_xs_domain |
                           XEN_DOMCTL_CDF_iommu | XEN_DOMCTL_CDF_nested_virt |
                           XEN_DOMCTL_CDF_vpmu;

    if ( (c->flags & ~known) || (c->iommu_opts & ~XEN_DOMCTL_IOMMU_MAX) )
        return -EINVAL;
    /* No HVM, IOMMU, vPMU or trace buffers here: asking for them fails. */
    if ( c->flags &
         (XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap | XEN_DOMCTL_CDF_iommu |
          XEN_DOMCTL_CDF_nested_virt | XEN_DOMCTL_CDF_vpmu) )
        return -EINVAL;
    if ( c->vmtrace_size )
        return -EINVAL;
    /* vcpu_info lives in shared_info until the guest moves it. */
    if ( c->max_vcpus < 1 || c->max_vcpus > XEN_LEGACY_MAX_VCPUS )
        return -EINVAL;
    /* A PV domU has no emulated devices. */
    if ( c->arch.emulation_flags )
        return -EOPNOTSUPP;
    if ( c->arch.misc_flags & ~XEN_X86_MSR_RELAXED )
        return -EINVAL;
    /* There is one CPU pool, pool 0. */
    if ( c->cpupool_id )
        return -ENOENT;
    return 0;
}

static bool domid_free(domid_t dom)
{
    struct domain *d = get_domain_by_id(dom);

    if ( !d )
        return true;
    put_domain(d);
    return false;
}

/* Ids for domains run from 1 to DOMID_FIRST_RESERVED - 1, then wrap. */
static domid_t next_domid(domid_t dom)
{
    return dom + 1U >= DOMID_FIRST_RESERVED ? 1 : dom + 1;
}

/* createdomain's grant-table limits; -1 asks for the host's default. */
static int set_grant_limits(struct domain *d,
                            const struct xen_domctl_createdomain *c)
{
    unsigned int frames = c->max_grant_frames < 0 ? GNTTAB_DEFAULT_MAX_FRAMES
                                                  : c->max_grant_frames;
    unsigned int maptrack = c->max_maptrack_frames < 0
                                ? GNTTAB_DEFAULT_MAX_MAPTRACK
                                : c->max_maptrack_frames;

    return grant_table_set_limits(d, frames, maptrack,
                                  XEN_DOMCTL_GRANT_version(c->grant_opts));
}

/*
 * Like Xen, a new id is the first free one after the last handed out,
 * so that a just-destroyed domain's id is not reused at once.
 */
static long create_domain(struct xen_domctl *op)
{
    static domid_t rover;
    struct xen_domctl_createdomain *c = &op->u.createdomain;
    struct domain *d;
    domid_t dom = op->domain;
    unsigned int tries;
    long rc;

    if ( (rc = check_config(c)) )
        return rc;
    if ( dom > 0 && dom < DOMID_FIRST_RESERVED )
    {
        if ( !domid_free(dom) )
            return -EEXIST;
    }
    else
    {
        dom = rover;
        for ( tries = 1; tries < DOMID_FIRST_RESERVED; tries++ )
        {
            dom = next_domid(dom);
            if ( domid_free(dom) )
                break;
        }
        if ( tries == DOMID_FIRST_RESERVED )
            return -ENOMEM;
        rover = dom;
    }

    /* check_config() refused HVM: no vendor code fills hvm_funcs yet. */
    if ( !(d = domain_create(dom,
                             c->flags & XEN_DOMCTL_CDF_hvm ? guest_type_hvm
                                                           : guest_type_pv,
                             false, c->max_vcpus)) )
        return -ENOMEM;
    /* Created paused: the toolstack's unpause starts it. */
    __atomic_store_n(&d->pause_count, 1, __ATOMIC_SEQ_CST);
    evtchn_set_max_port(d, c->max_evtchn_port);
    if ( (rc = set_grant_limits(d, c)) )
    {
        domain_destroy(d);
        return rc;
    }
    new_info(d, c->handle, c->flags & XEN_DOMCTL_CDF_xs_domain);
    op->domain = dom;
    return 0;
}

/* vCPU i goes on the online CPU after vCPU i-1's, round robin. */
static long create_vcpus(struct domain *d, unsigned int max)
{
    unsigned int cpu = cpumask_first(&cpu_online_map);

    if ( d == current->domain || max != d->max_vcpus )
        return -EINVAL;
    for ( unsigned int i = 0; i < max; i++ )
    {
        if ( i )
        {
            cpu = cpumask_next(d->vcpu[i - 1]->processor, &cpu_online_map);
            if ( cpu >= NR_CPUS )
                cpu = cpumask_first(&cpu_online_map);
        }
        if ( !d->vcpu[i] && !vcpu_create(d, i, cpu) )
            return -ENOMEM;
    }
    return 0;
}

/* -ERESTART while the walk over its frames goes on: do_domctl continues. */
static long destroy_domain(struct domain *d)
{
    long rc;

    if ( d == current->domain )
        return -EINVAL;
    if ( d->kill_stage == KILL_NONE )
    {
        /* Its CPUs must have let go of it before its memory goes. */
        domain_vcpus_pause(d);
        free_info(d);
    }
    rc = domain_kill(d);
    if ( !rc && hardware_domain )
        send_guest_global_virq(hardware_domain, VIRQ_DOM_EXC);
    return rc;
}

static long set_vcpu_context(struct domain *d,
                             const struct xen_domctl_vcpucontext *vc)
{
    struct vcpu_guest_context *c;
    struct vcpu *v;
    long rc;

    /* Pausing the caller's own vCPUs could deadlock it. */
    if ( d == current->domain || vc->vcpu >= d->max_vcpus ||
         !(v = d->vcpu[vc->vcpu]) )
        return -EINVAL;
    if ( !(c = xmalloc(struct vcpu_guest_context)) )
        return -ENOMEM;
    if ( (rc = arch_vcpu_context_from_guest(d, guest_handle_addr(vc->ctxt),
                                            c)) )
    {
        xfree(c);
        return rc;
    }
    domain_vcpus_pause(d);
    spin_lock(&d->domain_lock);
    rc = arch_set_info_guest(v, c);
    spin_unlock(&d->domain_lock);
    /* Unpausing wakes v if the context brought it up. */
    domain_vcpus_unpause(d);
    xfree(c);
    return rc;
}

static long get_vcpu_context(struct domain *d,
                             const struct xen_domctl_vcpucontext *vc)
{
    struct vcpu_guest_context *c;
    struct vcpu *v;
    long rc;

    if ( vc->vcpu >= d->max_vcpus || !(v = d->vcpu[vc->vcpu]) || v == current )
        return -EINVAL;
    if ( !arch_vcpu_initialised(v) )
        return -ENODATA;
    if ( !(c = xmalloc(struct vcpu_guest_context)) )
        return -ENOMEM;
    /*
     * A sibling of the caller may be spinning on domctl_lock, and would
     * never be descheduled: it is not paused, and its context is the one
     * saved when it last left its CPU.
     */
    if ( d == current->domain )
        arch_get_info_guest(v, c);
    else
    {
        vcpu_pause_sync(v);
        arch_get_info_guest(v, c);
        vcpu_unpause(v);
    }
    rc = arch_vcpu_context_to_guest(d, guest_handle_addr(vc->ctxt), c);
    xfree(c);
    return rc;
}

static long get_vcpu_info(struct domain *d, struct xen_domctl_getvcpuinfo *vi)
{
    const struct vcpu *v;

    if ( vi->vcpu >= d->max_vcpus )
        return -EINVAL;
    if ( !(v = d->vcpu[vi->vcpu]) )
        return -ESRCH;
    vi->online = !(v->pause_flags & VPF_down);
    vi->blocked = !!(v->pause_flags & VPF_blocked);
    vi->running = v->is_running;
    vi->cpu_time = vcpu_cpu_time(v);
    vi->cpu = v->processor;
    return 0;
}

/*
 * d's info, started on first use for a domain no toolstack created (dom0),
 * its TSC's elapsed time counting from then.
 */
static struct toolstack_info *get_info(struct domain *d)
{
    struct toolstack_info *ti = &d->toolstack;

    spin_lock(&toolstack_info_lock);
    if ( !ti->known )
    {
        ti->known = true;
        ti->tsc_zero = NOW();
    }
    spin_unlock(&toolstack_info_lock);
    return ti;
}

static long set_handle(struct domain *d, const xen_domain_handle_t handle)
{
    struct toolstack_info *ti = get_info(d);

    spin_lock(&toolstack_info_lock);
    memcpy(ti->handle, handle, sizeof(ti->handle));
    spin_unlock(&toolstack_info_lock);
    return 0;
}

/*
 * getdomaininfo answers for the first domain with an id at or above the
 * one asked for (Xen 4.17's semantics, which xc_domain_getinfo's walk
 * relies on), and says which one it was in op->domain.
 */
static long get_domain_info(struct xen_domctl *op)
{
    struct domain *d;

    if ( op->domain >= DOMID_FIRST_RESERVED )
        return -EINVAL;
    if ( !(d = first_domain_from(op->domain)) )
        return -ESRCH;
    getdomaininfo(d, &op->u.getdomaininfo);
    put_domain(d);
    op->domain = op->u.getdomaininfo.domain;
    return 0;
}

/*
 * A CPU bitmap from the guest, as Xen reads one: bits beyond NR_CPUS are
 * ignored, bits the guest did not send are clear.
 */
static int bitmap_from_guest(cpumask_t *mask, const struct xenctl_bitmap *b)
{
    unsigned int guest_bytes = (b->nr_bits + 7) / 8;
    unsigned int bytes = min(guest_bytes, (unsigned int)(NR_CPUS + 7) / 8);
    uint8_t map[(NR_CPUS + 7) / 8] = { 0 };

    if ( bytes && copy_from_guest(map, b->bitmap, bytes) )
        return -EFAULT;
    if ( (b->nr_bits & 7) && guest_bytes == bytes )
        map[bytes - 1] &= (1u << (b->nr_bits & 7)) - 1;
    cpumask_clear(mask);
    for ( unsigned int cpu = 0; cpu < bytes * 8; cpu++ )
        if ( map[cpu / 8] & (1u << (cpu % 8)) )
            cpumask_set_cpu(cpu, mask);
    return 0;
}

/* The reverse: as many bytes as the guest has room for, zero-padded. */
static int bitmap_to_guest(struct xenctl_bitmap *b, const cpumask_t *mask)
{
    unsigned int guest_bytes = (b->nr_bits + 7) / 8;
    uint8_t map[(NR_CPUS + 7) / 8] = { 0 };

    for ( unsigned int cpu = 0; cpu < NR_CPUS; cpu++ )
        if ( cpumask_test_cpu(cpu, mask) )
            map[cpu / 8] |= 1u << (cpu % 8);
    for ( unsigned int i = 0; i < guest_bytes; i++ )
    {
        uint8_t byte = i < sizeof(map) ? map[i] : 0;

        if ( i == guest_bytes - 1 && (b->nr_bits & 7) )
            byte &= (1u << (b->nr_bits & 7)) - 1;
        if ( copy_to_guest_offset(b->bitmap, i, &byte, 1) )
            return -EFAULT;
    }
    return 0;
}

/*
 * XEN_DOMCTL_{set,get}vcpuaffinity, with Xen 4.17's answers: setting
 * reports back the affinity in force (hard: within the online CPUs;
 * soft: also within the hard one).  Only hard affinity steers our
 * scheduler; soft is stored for the toolstack.
 */
static long vcpu_affinity(struct domain *d, uint32_t cmd,
                          struct xen_domctl_vcpuaffinity *va)
{
    cpumask_t mask;
    struct vcpu *v;
    int rc = 0;

    if ( va->vcpu >= d->max_vcpus )
        return -EINVAL;
    if ( !(v = d->vcpu[va->vcpu]) )
        return -ESRCH;
    if ( !(va->flags & (XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT)) )
        return -EINVAL;

    if ( cmd == XEN_DOMCTL_getvcpuaffinity )
    {
        if ( va->flags & XEN_VCPUAFFINITY_HARD )
            rc = bitmap_to_guest(&va->cpumap_hard, &v->cpu_hard_affinity);
        if ( !rc && (va->flags & XEN_VCPUAFFINITY_SOFT) )
            rc = bitmap_to_guest(&va->cpumap_soft, &v->cpu_soft_affinity);
        return rc;
    }

    if ( va->flags & XEN_VCPUAFFINITY_HARD )
    {
        if ( (rc = bitmap_from_guest(&mask, &va->cpumap_hard)) ||
             (rc = vcpu_set_hard_affinity(v, &mask)) )
            return rc;
        cpumask_and(&mask, &v->cpu_hard_affinity, &cpu_online_map);
        if ( (rc = bitmap_to_guest(&va->cpumap_hard, &mask)) )
            return rc;
    }
    if ( va->flags & XEN_VCPUAFFINITY_SOFT )
    {
        if ( (rc = bitmap_from_guest(&mask, &va->cpumap_soft)) )
            return rc;
        vcpu_set_soft_affinity(v, &mask);
        cpumask_and(&mask, &mask, &cpu_online_map);
        cpumask_and(&mask, &mask, &v->cpu_hard_affinity);
        rc = bitmap_to_guest(&va->cpumap_soft, &mask);
    }
    return rc;
}

/* Xen 4.17's TSC modes; 3 (PVRDTSCP) is no longer accepted. */
#define TSC_MODE_DEFAULT        0
#define TSC_MODE_ALWAYS_EMULATE 1
#define TSC_MODE_NEVER_EMULATE  2

/*
 * XEN_DOMCTL_settscinfo/gettscinfo.  As in Xen, not on the caller (which
 * Xen would have to pause), and the incarnation reported is one more
 * than the one set.
 */
static long tsc_info(struct domain *d, uint32_t cmd,
                     struct xen_domctl_tsc_info *t)
{
    struct toolstack_info *ti;

    if ( d == current->domain )
        return -EINVAL;
    ti = get_info(d);
    if ( cmd == XEN_DOMCTL_settscinfo )
    {
        if ( t->tsc_mode > TSC_MODE_NEVER_EMULATE )
            return -EINVAL;
        spin_lock(&toolstack_info_lock);
        ti->tsc_mode = t->tsc_mode;
        ti->gtsc_khz = t->gtsc_khz;
        ti->incarnation = t->incarnation;
        ti->tsc_zero = (uint64_t)NOW() - t->elapsed_nsec;
        spin_unlock(&toolstack_info_lock);
        return 0;
    }
    spin_lock(&toolstack_info_lock);
    t->tsc_mode = ti->tsc_mode;
    t->incarnation = ti->incarnation + 1;
    t->pad = 0;
    if ( ti->tsc_mode == TSC_MODE_NEVER_EMULATE )
    {
        t->gtsc_khz = 0;
        t->elapsed_nsec = 0;
    }
    else
    {
        t->gtsc_khz = ti->gtsc_khz ?: cpu_khz;
        /* As in Xen: modulo 2^64, and a negative time reads as 0. */
        t->elapsed_nsec = (uint64_t)NOW() - (uint64_t)ti->tsc_zero;
        if ( (int64_t)t->elapsed_nsec < 0 )
            t->elapsed_nsec = 0;
    }
    spin_unlock(&toolstack_info_lock);
    return 0;
}

/*
 * XEN_DOMCTL_{set,get}nodeaffinity over Xen's 64 nodes, of which only
 * node 0 exists.  A map without node 0 is -EINVAL; all 64 nodes means
 * "none in particular".  Without a map of its own a domain reports the
 * nodes of its vCPUs' CPUs (node 0), or every node before it has any.
 */
#define MAX_NUMNODES 64

static long node_affinity(struct domain *d, uint32_t cmd,
                          struct xenctl_bitmap *b)
{
    unsigned int guest_bytes = (b->nr_bits + 7) / 8;
    unsigned int bytes = min(guest_bytes, MAX_NUMNODES / 8u);
    uint8_t map[MAX_NUMNODES / 8] = { 0 };
    struct toolstack_info *ti = get_info(d);
    uint64_t nodes = 0;

    if ( cmd == XEN_DOMCTL_getnodeaffinity )
    {
        spin_lock(&toolstack_info_lock);
        if ( ti->node_explicit )
            nodes = ti->node_affinity;
        else
            nodes = d->vcpu[0] ? 1 : ~0ULL;
        spin_unlock(&toolstack_info_lock);
        for ( unsigned int i = 0; i < guest_bytes; i++ )
        {
            uint8_t byte = i < sizeof(nodes) ? nodes >> (i * 8) : 0;

            if ( copy_to_guest_offset(b->bitmap, i, &byte, 1) )
                return -EFAULT;
        }
        return 0;
    }

    if ( bytes && copy_from_guest(map, b->bitmap, bytes) )
        return -EFAULT;
    if ( (b->nr_bits & 7) && guest_bytes == bytes )
        map[bytes - 1] &= (1u << (b->nr_bits & 7)) - 1;
    for ( unsigned int i = 0; i < bytes; i++ )
        nodes |= (uint64_t)map[i] << (i * 8);
    if ( !(nodes & 1) )
        return -EINVAL;
    spin_lock(&toolstack_info_lock);
    ti->node_explicit = nodes != ~0ULL;
    ti->node_affinity = nodes;
    spin_unlock(&toolstack_info_lock);
    return 0;
}

static long domctl_op(struct xen_domctl *op, struct domain *d, bool *copyback)
{
    /*
     * A destroyed domain whose frames are still mapped somewhere lingers,
     * dying: it can be seen and destroyed again (which goes on with a
     * preempted destruction, or does nothing), but no longer paused,
     * started or changed.
     */
    if ( d && d->state == DOMSTATE_dying &&
         op->cmd != XEN_DOMCTL_destroydomain )
        return -EINVAL;

    switch ( op->cmd )
    {
    case XEN_DOMCTL_createdomain:
        *copyback = true;
        return create_domain(op);

    case XEN_DOMCTL_getdomaininfo:
        *copyback = true;
        return get_domain_info(op);

    case XEN_DOMCTL_destroydomain:
        return destroy_domain(d);

    case XEN_DOMCTL_pausedomain:
        return d == current->domain ? -EINVAL : pause_by_toolstack(d);

    case XEN_DOMCTL_unpausedomain:
        return unpause_by_toolstack(d);

    case XEN_DOMCTL_max_vcpus:
        return create_vcpus(d, op->u.max_vcpus.max);

    case XEN_DOMCTL_max_mem:
    {
        /*
         * Lowering the limit below what the domain holds is allowed: it
         * then just cannot allocate until it is back under.
         */
        uint64_t pages = op->u.max_mem.max_memkb >> (PAGE_SHIFT - 10);

        spin_lock(&d->page_alloc_lock);
        d->max_pages = min(pages, (uint64_t)~0UL);
        spin_unlock(&d->page_alloc_lock);
        return 0;
    }

    case XEN_DOMCTL_setvcpucontext:
        return set_vcpu_context(d, &op->u.vcpucontext);

    case XEN_DOMCTL_getvcpucontext:
        return get_vcpu_context(d, &op->u.vcpucontext);

    case XEN_DOMCTL_getvcpuinfo:
        *copyback = true;
        return get_vcpu_info(d, &op->u.getvcpuinfo);

    case XEN_DOMCTL_setdomainhandle:
        return set_handle(d, op->u.setdomainhandle.handle);

    case XEN_DOMCTL_setvcpuaffinity:
    case XEN_DOMCTL_getvcpuaffinity:
        *copyback = true;
        return vcpu_affinity(d, op->cmd, &op->u.vcpuaffinity);

    case XEN_DOMCTL_scheduler_op:
        *copyback = true;
        return sched_adjust(d, &op->u.scheduler_op);

    case XEN_DOMCTL_settscinfo:
    case XEN_DOMCTL_gettscinfo:
        *copyback = op->cmd == XEN_DOMCTL_gettscinfo;
        return tsc_info(d, op->cmd, &op->u.tsc_info);

    case XEN_DOMCTL_setnodeaffinity:
    case XEN_DOMCTL_getnodeaffinity:
        return node_affinity(d, op->cmd, &op->u.nodeaffinity.nodemap);

    default:
        return arch_do_domctl(op, d, copyback);
    }
}

long do_domctl(XEN_GUEST_HANDLE_PARAM(xen_domctl_t) u_domctl)
{
    struct xen_domctl op;
    struct domain *d = NULL;
    bool copyback = false;
    long rc;

    /* The checks in Xen's order, which decides the errno of a bad call. */
    if ( copy_from_guest(&op, u_domctl, 1) )
        return -EFAULT;
    if ( op.interface_version != XEN_DOMCTL_INTERFACE_VERSION )
        return -EACCES;
    if ( op.cmd != XEN_DOMCTL_createdomain &&
         op.cmd != XEN_DOMCTL_getdomaininfo &&
         !(d = get_domain_by_id(op.domain)) )
        return -ESRCH;
    if ( (rc = xsm_domctl(current->domain, d, op.cmd)) )
    {
        if ( d )
            put_domain(d);
        return rc;
    }

    spin_lock(&domctl_lock);
    rc = domctl_op(&op, d, &copyback);
    spin_unlock(&domctl_lock);
    if ( d )
        put_domain(d);
    if ( rc == -ERESTART )
        return hypercall_continue(__HYPERVISOR_domctl,
                                  guest_handle_addr(u_domctl));

    /* A refused CPU policy names the leaf or MSR at fault, as in Xen. */
    if ( (!rc || op.cmd == XEN_DOMCTL_set_cpu_policy) && copyback &&
         copy_to_guest(u_domctl, &op, 1) )
        rc = -EFAULT;
    return rc;
}
