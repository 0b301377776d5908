/* SPDX-License-Identifier: GPL-2.0-only */
/* A small hypervisor behind libxc's fake /dev/xen, for xen.lowlevel.xc. */
#include <errno.h>
#include <string.h>

#include "fake.h"

/*
 * Linked with libhvxc and fake.c into libhvxc-fake.so, which the xend
 * suite loads through HVXC_LIB: domains are slots with a state, their
 * pages come from the fake's memfd (a bump allocator, nothing is given
 * back: the suite builds a few dozen small domains, and since libhvxc
 * populates before it parses the kernel, the refused ones count too).
 */
#define NR_FRAMES   (64UL << 10)        /* 256 MiB of guest memory */
#define MAX_DOMS    8
#define MAX_VCPUS   4

static struct dom {
    bool exists, paused;
    uint64_t tot_pages, max_kb;
    unsigned int max_vcpus;
    xen_pfn_t shared_mfn, gnt_mfn;
    unsigned int ports;
    xen_domain_handle_t handle;
    uint8_t hard[MAX_VCPUS];        /* CPU n: bit n (two CPUs) */
    uint16_t weight, cap;
} doms[MAX_DOMS];
static unsigned long next_mfn = FAKE_MFN0;
static const char ring[] = "(XEN) fake hypervisor of the xend suite\n";

static long new_mfn(void)
{
    return next_mfn < FAKE_MFN0 + NR_FRAMES ? (long)next_mfn++ : -ENOMEM;
}

static struct dom *dom_of(unsigned int domid)
{
    return domid < MAX_DOMS && doms[domid].exists ? &doms[domid] : NULL;
}

static void getinfo(unsigned int domid, xen_domctl_getdomaininfo_t *i)
{
    const struct dom *d = &doms[domid];

    memset(i, 0, sizeof(*i));
    i->domain = domid;
    i->flags = d->paused ? XEN_DOMINF_paused : XEN_DOMINF_running;
    i->tot_pages = d->tot_pages;
    i->max_pages = d->max_kb / 4;
    i->shared_info_frame = d->shared_mfn;
    i->nr_online_vcpus = d->max_vcpus;
    i->max_vcpu_id = d->max_vcpus ? d->max_vcpus - 1
                                  : XEN_INVALID_MAX_VCPU_ID;
    memcpy(i->handle, d->handle, sizeof(i->handle));
}

static long create(struct xen_domctl *c)
{
    long s, g;

    for ( unsigned int id = 1; id < MAX_DOMS; id++ )
    {
        if ( doms[id].exists )
            continue;
        if ( (s = new_mfn()) < 0 || (g = new_mfn()) < 0 )
            return -ENOMEM;
        doms[id] = (struct dom){ .exists = true, .paused = true,
                                 .shared_mfn = s, .gnt_mfn = g,
                                 .hard = { 3, 3, 3, 3 }, .weight = 256 };
        memcpy(doms[id].handle, c->u.createdomain.handle,
               sizeof(doms[id].handle));
        c->domain = id;
        return 0;
    }
    return -ENOSPC;
}

static long vcpu(struct xen_domctl *c, struct dom *d)
{
    struct xen_domctl_vcpuaffinity *a = &c->u.vcpuaffinity;
    uint8_t *map = (uint8_t *)a->cpumap_hard.bitmap.p;

    /* vcpu is the first field of getvcpuinfo and vcpuaffinity alike. */
    if ( a->vcpu >= d->max_vcpus )
        return -EINVAL;
    if ( c->cmd == XEN_DOMCTL_getvcpuinfo )
    {
        struct xen_domctl_getvcpuinfo *i = &c->u.getvcpuinfo;

        i->online = 1;
        i->running = !d->paused;
        i->blocked = 0;
        i->cpu_time = 0;
        i->cpu = d->hard[i->vcpu] & 1 ? 0 : 1;
        return 0;
    }
    if ( a->cpumap_hard.nr_bits < 8 || !map )
        return -EINVAL;
    if ( c->cmd == XEN_DOMCTL_setvcpuaffinity )
    {
        if ( !(map[0] & 3) )
            return -EINVAL;
        d->hard[a->vcpu] = map[0] & 3;
    }
    map[0] = d->hard[a->vcpu];
    return 0;
}

/* The credit scheduler's rules: weight 0 keeps the weight. */
static long credit(struct xen_domctl_scheduler_op *op, struct dom *d)
{
    if ( op->sched_id != XEN_SCHEDULER_CREDIT )
        return -EINVAL;
    if ( op->cmd == XEN_DOMCTL_SCHEDOP_getinfo )
    {
        op->u.credit.weight = d->weight;
        op->u.credit.cap = d->cap;
        return 0;
    }
    if ( op->u.credit.cap > 100 * d->max_vcpus )
        return -EINVAL;
    if ( op->u.credit.weight )
        d->weight = op->u.credit.weight;
    d->cap = op->u.credit.cap;
    return 0;
}

static long domctl(struct xen_domctl *c)
{
    struct dom *d;

    if ( c->cmd == XEN_DOMCTL_createdomain )
        return create(c);
    if ( !(d = dom_of(c->domain)) )
        return -ESRCH;
    switch ( c->cmd )
    {
    case XEN_DOMCTL_max_vcpus:
        if ( c->u.max_vcpus.max > MAX_VCPUS )
            return -EINVAL;
        d->max_vcpus = c->u.max_vcpus.max;
        return 0;
    case XEN_DOMCTL_getvcpuinfo:
    case XEN_DOMCTL_getvcpuaffinity:
    case XEN_DOMCTL_setvcpuaffinity:
        return vcpu(c, d);
    case XEN_DOMCTL_scheduler_op:
        return credit(&c->u.scheduler_op, d);
    case XEN_DOMCTL_max_mem:
        d->max_kb = c->u.max_mem.max_memkb;
        return 0;
    case XEN_DOMCTL_getdomaininfo:
        getinfo(c->domain, &c->u.getdomaininfo);
        return 0;
    case XEN_DOMCTL_hypercall_init:
    case XEN_DOMCTL_setvcpucontext:
        return 0;
    case XEN_DOMCTL_pausedomain:
        d->paused = true;
        return 0;
    case XEN_DOMCTL_unpausedomain:
        d->paused = false;
        return 0;
    case XEN_DOMCTL_destroydomain:
        d->exists = false;
        /* Frames are handed out in order, never freed one by one: all
         * of them are free again once no domain is left. */
        for ( unsigned int id = 1; id < MAX_DOMS; id++ )
            if ( doms[id].exists )
                return 0;
        next_mfn = FAKE_MFN0;
        return 0;
    }
    return -ENOSYS;
}

static long sysctl(struct xen_sysctl *s)
{
    switch ( s->cmd )
    {
    case XEN_SYSCTL_getdomaininfolist:
    {
        struct xen_sysctl_getdomaininfolist *l = &s->u.getdomaininfolist;
        xen_domctl_getdomaininfo_t *out = (void *)l->buffer.p;

        l->num_domains = 0;
        for ( unsigned int id = l->first_domain; id < MAX_DOMS; id++ )
            if ( doms[id].exists && l->num_domains < l->max_domains )
                getinfo(id, &out[l->num_domains++]);
        return 0;
    }
    case XEN_SYSCTL_physinfo:
        memset(&s->u.physinfo, 0, sizeof(s->u.physinfo));
        s->u.physinfo.nr_cpus = 2;
        s->u.physinfo.max_cpu_id = 1;
        s->u.physinfo.threads_per_core = 1;
        s->u.physinfo.cores_per_socket = 2;
        s->u.physinfo.nr_nodes = 1;
        s->u.physinfo.cpu_khz = 2000000;
        s->u.physinfo.total_pages = NR_FRAMES;
        s->u.physinfo.free_pages = FAKE_MFN0 + NR_FRAMES - next_mfn;
        return 0;
    case XEN_SYSCTL_readconsole:
    {
        struct xen_sysctl_readconsole *r = &s->u.readconsole;

        if ( r->count > sizeof(ring) - 1 )
            r->count = sizeof(ring) - 1;
        memcpy((void *)r->buffer.p, ring, r->count);
        return 0;
    }
    }
    return -ENOSYS;
}

static long hypercall(unsigned int op, uint64_t a[5])
{
    switch ( op )
    {
    case __HYPERVISOR_domctl:
        return domctl((void *)(uintptr_t)a[0]);
    case __HYPERVISOR_sysctl:
        return sysctl((void *)(uintptr_t)a[0]);
    case __HYPERVISOR_memory_op:
    {
        struct xen_memory_reservation *r = (void *)(uintptr_t)a[1];
        xen_pfn_t *ext = (xen_pfn_t *)r->extent_start.p;
        struct dom *d = dom_of(r->domid);
        long mfn;

        if ( a[0] != XENMEM_populate_physmap || !d || r->extent_order )
            return -ENOSYS;
        for ( unsigned long i = 0; i < r->nr_extents; i++ )
        {
            if ( (mfn = new_mfn()) < 0 )
                return i;
            ext[i] = mfn;
            d->tot_pages++;
        }
        return r->nr_extents;
    }
    case __HYPERVISOR_event_channel_op:
    {
        struct evtchn_alloc_unbound *u = (void *)(uintptr_t)a[1];
        struct dom *d = dom_of(u->dom);

        if ( a[0] != EVTCHNOP_alloc_unbound || !d )
            return -EINVAL;
        u->port = ++d->ports;
        return 0;
    }
    case __HYPERVISOR_grant_table_op:
    {
        struct gnttab_setup_table *s = (void *)(uintptr_t)a[1];
        struct dom *d = dom_of(s->dom);

        if ( a[0] != GNTTABOP_setup_table || !d )
            return -EINVAL;
        *(xen_pfn_t *)s->frame_list.p = d->gnt_mfn;
        s->status = GNTST_okay;
        return 0;
    }
    case __HYPERVISOR_mmuext_op:
        return dom_of(a[3]) ? 0 : -ESRCH;
    }
    return -ENOSYS;
}

/* Installed as the library loads: domain 0 exists and runs. */
static void __attribute__((constructor)) fakehv_init(void)
{
    fake_reset(NR_FRAMES);
    fake.hypercall = hypercall;
    doms[0] = (struct dom){ .exists = true, .tot_pages = 256,
                            .max_kb = 1024, .max_vcpus = 1 };
}
