/* SPDX-License-Identifier: GPL-2.0-only */
/* libhvxc: the domctl, sysctl and memory_op wrappers. */
#include <stdlib.h>
#include <string.h>

#include "xc_private.h"

/* A domctl on domid; on failure logs "name dN: error" and returns -1. */
static int do_domctl(xc_interface *xch, struct xen_domctl *d, uint32_t cmd,
                     uint32_t domid, const char *name)
{
    d->cmd = cmd;
    d->domain = domid;
    if ( xc_domctl(xch, d) )
        return xc_fail(xch, errno, "%s d%u: %s", name, domid,
                       strerror(errno));
    return 0;
}

static int do_sysctl(xc_interface *xch, struct xen_sysctl *s, uint32_t cmd,
                     const char *name)
{
    s->cmd = cmd;
    if ( xc_sysctl(xch, s) )
        return xc_fail(xch, errno, "%s: %s", name, strerror(errno));
    return 0;
}

static int check_domid(xc_interface *xch, uint32_t domid, const char *name)
{
    if ( domid >= DOMID_FIRST_RESERVED )
        return xc_fail(xch, EINVAL, "%s: d%u is not a domain id", name,
                       domid);
    return 0;
}

int xc_domain_create(xc_interface *xch, uint32_t *domid,
                     struct xen_domctl_createdomain *config)
{
    struct xen_domctl d = { 0 };
    struct xen_domctl_createdomain def = {
        .max_vcpus = 1, .max_evtchn_port = 1023, .max_grant_frames = 32,
        .max_maptrack_frames = 1024,
        .grant_opts = XEN_DOMCTL_GRANT_version(1),
    };

    if ( !domid || *domid >= DOMID_FIRST_RESERVED )
        return xc_fail(xch, EINVAL, "createdomain: bad domain id");
    d.u.createdomain = config ? *config : def;
    if ( do_domctl(xch, &d, XEN_DOMCTL_createdomain, *domid,
                   "createdomain") )
        return -1;
    *domid = d.domain;
    if ( config )
        *config = d.u.createdomain;
    return 0;
}

int xc_domain_destroy(xc_interface *xch, uint32_t domid)
{
    struct xen_domctl d;
    int rc;

    if ( check_domid(xch, domid, "destroydomain") )
        return -1;
    /*
     * Tearing a big domain down is preemptible: the hypervisor answers
     * -ERESTART (or -EAGAIN, as older Xens did) until it is done.
     */
    do {
        memset(&d, 0, sizeof(d));
        d.cmd = XEN_DOMCTL_destroydomain;
        d.domain = domid;
        rc = xc_domctl(xch, &d);
    } while ( rc && (errno == ERESTART || errno == EAGAIN || errno == EINTR) );
    if ( rc )
        return xc_fail(xch, errno, "destroydomain d%u: %s", domid,
                       strerror(errno));
    return 0;
}

int xc_domain_pause(xc_interface *xch, uint32_t domid)
{
    struct xen_domctl d = { 0 };

    return do_domctl(xch, &d, XEN_DOMCTL_pausedomain, domid, "pausedomain");
}

int xc_domain_unpause(xc_interface *xch, uint32_t domid)
{
    struct xen_domctl d = { 0 };

    return do_domctl(xch, &d, XEN_DOMCTL_unpausedomain, domid,
                     "unpausedomain");
}

int xc_domain_getinfo_single(xc_interface *xch, uint32_t domid,
                             xen_domctl_getdomaininfo_t *info)
{
    struct xen_domctl d = { 0 };

    if ( do_domctl(xch, &d, XEN_DOMCTL_getdomaininfo, domid,
                   "getdomaininfo") )
        return -1;
    /* Older hypervisors answered with the next domain up: not ours. */
    if ( d.u.getdomaininfo.domain != domid )
        return xc_fail(xch, ESRCH, "getdomaininfo d%u: no such domain",
                       domid);
    *info = d.u.getdomaininfo;
    return 0;
}

int xc_domain_getinfolist(xc_interface *xch, uint32_t first, unsigned int max,
                          xen_domctl_getdomaininfo_t *info)
{
    struct xen_sysctl s = { 0 };
    struct xc_bounce b;
    int rc;

    if ( !info || !max )
        return xc_fail(xch, EINVAL, "getdomaininfolist: no buffer");
    if ( xc_bounce_pre(xch, &b, info, (size_t)max * sizeof(*info), false,
                       true) )
        return -1;
    s.u.getdomaininfolist.first_domain = first;
    s.u.getdomaininfolist.max_domains = max;
    set_xen_guest_handle(s.u.getdomaininfolist.buffer, b.locked);
    rc = do_sysctl(xch, &s, XEN_SYSCTL_getdomaininfolist,
                   "getdomaininfolist");
    xc_bounce_post(xch, &b);
    if ( rc )
        return -1;
    if ( s.u.getdomaininfolist.num_domains > max )
        return xc_fail(xch, E2BIG, "getdomaininfolist: %u domains for "
                       "room of %u", s.u.getdomaininfolist.num_domains, max);
    return s.u.getdomaininfolist.num_domains;
}

int xc_domain_max_mem(xc_interface *xch, uint32_t domid, uint64_t max_kb)
{
    struct xen_domctl d = { 0 };

    d.u.max_mem.max_memkb = max_kb;
    return do_domctl(xch, &d, XEN_DOMCTL_max_mem, domid, "max_mem");
}

int xc_domain_max_vcpus(xc_interface *xch, uint32_t domid, unsigned int max)
{
    struct xen_domctl d = { 0 };

    d.u.max_vcpus.max = max;
    return do_domctl(xch, &d, XEN_DOMCTL_max_vcpus, domid, "max_vcpus");
}

static int vcpucontext(xc_interface *xch, uint32_t cmd, uint32_t domid,
                       uint32_t vcpu, vcpu_guest_context_t *ctxt,
                       const char *name)
{
    struct xen_domctl d = { 0 };
    struct xc_bounce b;
    bool set = cmd == XEN_DOMCTL_setvcpucontext;
    int rc;

    if ( !ctxt )
        return xc_fail(xch, EINVAL, "%s d%u: no context", name, domid);
    if ( xc_bounce_pre(xch, &b, ctxt, sizeof(*ctxt), set, !set) )
        return -1;
    d.u.vcpucontext.vcpu = vcpu;
    set_xen_guest_handle(d.u.vcpucontext.ctxt, b.locked);
    rc = do_domctl(xch, &d, cmd, domid, name);
    xc_bounce_post(xch, &b);
    return rc;
}

int xc_domain_setvcpucontext(xc_interface *xch, uint32_t domid,
                             uint32_t vcpu, const vcpu_guest_context_t *ctxt)
{
    /* Only read: the bounce copies it in and not back. */
    return vcpucontext(xch, XEN_DOMCTL_setvcpucontext, domid, vcpu,
                       (vcpu_guest_context_t *)ctxt, "setvcpucontext");
}

int xc_domain_getvcpucontext(xc_interface *xch, uint32_t domid,
                             uint32_t vcpu, vcpu_guest_context_t *ctxt)
{
    return vcpucontext(xch, XEN_DOMCTL_getvcpucontext, domid, vcpu, ctxt,
                       "getvcpucontext");
}

int xc_domain_getvcpuinfo(xc_interface *xch, uint32_t domid, uint32_t vcpu,
                          struct xen_domctl_getvcpuinfo *info)
{
    struct xen_domctl d = { 0 };

    d.u.getvcpuinfo.vcpu = vcpu;
    if ( do_domctl(xch, &d, XEN_DOMCTL_getvcpuinfo, domid, "getvcpuinfo") )
        return -1;
    *info = d.u.getvcpuinfo;
    return 0;
}

static int vcpuaffinity(xc_interface *xch, uint32_t cmd, uint32_t domid,
                        uint32_t vcpu, uint8_t *hard, uint8_t *soft,
                        size_t nbytes, uint32_t flags, const char *name)
{
    struct xen_domctl d = { 0 };
    struct xc_bounce bh, bs;
    bool set = cmd == XEN_DOMCTL_setvcpuaffinity;
    int rc = -1;

    if ( !nbytes || nbytes > (1u << 16) || (!hard && !soft) )
        return xc_fail(xch, EINVAL, "%s d%u: bad cpumap", name, domid);
    if ( xc_bounce_pre(xch, &bh, hard, hard ? nbytes : 0, set, true) )
        return -1;
    if ( xc_bounce_pre(xch, &bs, soft, soft ? nbytes : 0, set, true) )
        goto out;
    d.u.vcpuaffinity.vcpu = vcpu;
    d.u.vcpuaffinity.flags = flags;
    set_xen_guest_handle(d.u.vcpuaffinity.cpumap_hard.bitmap, bh.locked);
    d.u.vcpuaffinity.cpumap_hard.nr_bits = hard ? nbytes * 8 : 0;
    set_xen_guest_handle(d.u.vcpuaffinity.cpumap_soft.bitmap, bs.locked);
    d.u.vcpuaffinity.cpumap_soft.nr_bits = soft ? nbytes * 8 : 0;
    rc = do_domctl(xch, &d, cmd, domid, name);
    xc_bounce_post(xch, &bs);
 out:
    xc_bounce_post(xch, &bh);
    return rc;
}

int xc_vcpu_setaffinity(xc_interface *xch, uint32_t domid, uint32_t vcpu,
                        uint8_t *hard, uint8_t *soft, size_t nbytes,
                        uint32_t flags)
{
    return vcpuaffinity(xch, XEN_DOMCTL_setvcpuaffinity, domid, vcpu, hard,
                        soft, nbytes, flags, "setvcpuaffinity");
}

int xc_vcpu_getaffinity(xc_interface *xch, uint32_t domid, uint32_t vcpu,
                        uint8_t *hard, uint8_t *soft, size_t nbytes,
                        uint32_t flags)
{
    return vcpuaffinity(xch, XEN_DOMCTL_getvcpuaffinity, domid, vcpu, hard,
                        soft, nbytes, flags, "getvcpuaffinity");
}

int xc_domain_sethandle(xc_interface *xch, uint32_t domid,
                        const xen_domain_handle_t handle)
{
    struct xen_domctl d = { 0 };

    memcpy(d.u.setdomainhandle.handle, handle, sizeof(xen_domain_handle_t));
    return do_domctl(xch, &d, XEN_DOMCTL_setdomainhandle, domid,
                     "setdomainhandle");
}

int xc_domain_hypercall_init(xc_interface *xch, uint32_t domid,
                             uint64_t gmfn)
{
    struct xen_domctl d = { 0 };

    d.u.hypercall_init.gmfn = gmfn;
    return do_domctl(xch, &d, XEN_DOMCTL_hypercall_init, domid,
                     "hypercall_init");
}

int xc_domain_set_address_size(xc_interface *xch, uint32_t domid,
                               unsigned int bits)
{
    struct xen_domctl d = { 0 };

    d.u.address_size.size = bits;
    return do_domctl(xch, &d, XEN_DOMCTL_set_address_size, domid,
                     "set_address_size");
}

int xc_domain_get_address_size(xc_interface *xch, uint32_t domid,
                               unsigned int *bits)
{
    struct xen_domctl d = { 0 };

    if ( do_domctl(xch, &d, XEN_DOMCTL_get_address_size, domid,
                   "get_address_size") )
        return -1;
    *bits = d.u.address_size.size;
    return 0;
}

static int sched_credit(xc_interface *xch, uint32_t domid, uint32_t cmd,
                        struct xen_domctl_sched_credit *p)
{
    struct xen_domctl d = { 0 };

    d.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
    d.u.scheduler_op.cmd = cmd;
    d.u.scheduler_op.u.credit = *p;
    if ( do_domctl(xch, &d, XEN_DOMCTL_scheduler_op, domid,
                   "scheduler_op credit") )
        return -1;
    *p = d.u.scheduler_op.u.credit;
    return 0;
}

int xc_sched_credit_domain_set(xc_interface *xch, uint32_t domid,
                               const struct xen_domctl_sched_credit *p)
{
    struct xen_domctl_sched_credit c = *p;

    return sched_credit(xch, domid, XEN_DOMCTL_SCHEDOP_putinfo, &c);
}

int xc_sched_credit_domain_get(xc_interface *xch, uint32_t domid,
                               struct xen_domctl_sched_credit *p)
{
    return sched_credit(xch, domid, XEN_DOMCTL_SCHEDOP_getinfo, p);
}

/* Bounces the leaf and MSR arrays of a CPU policy call. */
struct policy_bufs {
    struct xc_bounce leaves, msrs;
};

static int policy_pre(xc_interface *xch, struct policy_bufs *p, bool in,
                      uint32_t nr_leaves, void *leaves, uint32_t nr_msrs,
                      void *msrs)
{
    if ( (nr_leaves && !leaves) || (nr_msrs && !msrs) )
        return xc_fail(xch, EINVAL, "cpu policy: missing buffer");
    if ( xc_bounce_pre(xch, &p->leaves, leaves,
                       nr_leaves * sizeof(xen_cpuid_leaf_t), in, !in) )
        return -1;
    if ( xc_bounce_pre(xch, &p->msrs, msrs,
                       nr_msrs * sizeof(xen_msr_entry_t), in, !in) )
    {
        xc_bounce_post(xch, &p->leaves);
        return -1;
    }
    return 0;
}

static void policy_post(xc_interface *xch, struct policy_bufs *p)
{
    xc_bounce_post(xch, &p->msrs);
    xc_bounce_post(xch, &p->leaves);
}

int xc_get_domain_cpu_policy(xc_interface *xch, uint32_t domid,
                             uint32_t *nr_leaves, xen_cpuid_leaf_t *leaves,
                             uint32_t *nr_msrs, xen_msr_entry_t *msrs)
{
    struct xen_domctl d = { 0 };
    struct policy_bufs p;
    int rc;

    if ( policy_pre(xch, &p, false, *nr_leaves, leaves, *nr_msrs, msrs) )
        return -1;
    d.u.cpu_policy.nr_leaves = *nr_leaves;
    d.u.cpu_policy.nr_msrs = *nr_msrs;
    set_xen_guest_handle(d.u.cpu_policy.leaves, p.leaves.locked);
    set_xen_guest_handle(d.u.cpu_policy.msrs, p.msrs.locked);
    rc = do_domctl(xch, &d, XEN_DOMCTL_get_cpu_policy, domid,
                   "get_cpu_policy");
    policy_post(xch, &p);
    if ( !rc || errno == ENOBUFS )
    {
        *nr_leaves = d.u.cpu_policy.nr_leaves;
        *nr_msrs = d.u.cpu_policy.nr_msrs;
    }
    return rc;
}

int xc_set_domain_cpu_policy(xc_interface *xch, uint32_t domid,
                             uint32_t nr_leaves,
                             const xen_cpuid_leaf_t *leaves,
                             uint32_t nr_msrs, const xen_msr_entry_t *msrs,
                             uint32_t *err_leaf, uint32_t *err_subleaf,
                             uint32_t *err_msr)
{
    struct xen_domctl d = { 0 };
    struct policy_bufs p;
    int rc;

    /* The arrays are only read: copied in, never back. */
    if ( policy_pre(xch, &p, true, nr_leaves, (void *)leaves, nr_msrs,
                    (void *)msrs) )
        return -1;
    d.u.cpu_policy.nr_leaves = nr_leaves;
    d.u.cpu_policy.nr_msrs = nr_msrs;
    set_xen_guest_handle(d.u.cpu_policy.leaves, p.leaves.locked);
    set_xen_guest_handle(d.u.cpu_policy.msrs, p.msrs.locked);
    rc = do_domctl(xch, &d, XEN_DOMCTL_set_cpu_policy, domid,
                   "set_cpu_policy");
    p.leaves.out = p.msrs.out = false;
    policy_post(xch, &p);
    if ( err_leaf )
        *err_leaf = d.u.cpu_policy.err_leaf;
    if ( err_subleaf )
        *err_subleaf = d.u.cpu_policy.err_subleaf;
    if ( err_msr )
        *err_msr = d.u.cpu_policy.err_msr;
    return rc;
}

/* ---- memory_op ---- */

static long reservation(xc_interface *xch, unsigned int cmd, uint32_t domid,
                        unsigned long nr, unsigned int order,
                        unsigned int memflags, xen_pfn_t *pfns,
                        const char *name)
{
    struct xen_memory_reservation r = { 0 };
    struct xc_bounce b;
    long rc;

    if ( check_domid(xch, domid, name) )
        return -1;
    if ( !nr || !pfns || order >= 32 || nr > (1UL << 30) )
        return xc_fail(xch, EINVAL, "%s d%u: bad extents", name, domid);
    if ( xc_bounce_pre(xch, &b, pfns, nr * sizeof(*pfns), true, true) )
        return -1;
    set_xen_guest_handle(r.extent_start, b.locked);
    r.nr_extents = nr;
    r.extent_order = order;
    r.mem_flags = memflags;
    r.domid = domid;
    rc = xc_memory_op(xch, cmd, &r, sizeof(r));
    xc_bounce_post(xch, &b);
    if ( rc < 0 )
        return xc_fail(xch, errno, "%s d%u: %s", name, domid,
                       strerror(errno));
    return rc;
}

int xc_domain_populate_physmap(xc_interface *xch, uint32_t domid,
                               unsigned long nr, unsigned int order,
                               unsigned int memflags, xen_pfn_t *pfns)
{
    long done = reservation(xch, XENMEM_populate_physmap, domid, nr, order,
                            memflags, pfns, "populate_physmap");

    if ( done < 0 )
        return -1;
    if ( (unsigned long)done < nr )
    {
        /* Give back what did arrive: the caller sees all or nothing. */
        if ( done )
            reservation(xch, XENMEM_decrease_reservation, domid, done, order,
                        0, pfns, "decrease_reservation");
        return xc_fail(xch, ENOMEM, "populate_physmap d%u: %ld of %lu "
                       "extents", domid, done, nr);
    }
    return 0;
}

long xc_domain_decrease_reservation(xc_interface *xch, uint32_t domid,
                                    unsigned long nr, unsigned int order,
                                    xen_pfn_t *pfns)
{
    return reservation(xch, XENMEM_decrease_reservation, domid, nr, order, 0,
                       pfns, "decrease_reservation");
}

int xc_domain_claim_pages(xc_interface *xch, uint32_t domid,
                          unsigned long nr_pages)
{
    struct xen_memory_reservation r = { .nr_extents = nr_pages,
                                        .domid = domid };

    if ( check_domid(xch, domid, "claim_pages") )
        return -1;
    if ( xc_memory_op(xch, XENMEM_claim_pages, &r, sizeof(r)) < 0 )
        return xc_fail(xch, errno, "claim_pages d%u: %s", domid,
                       strerror(errno));
    return 0;
}

int xc_domain_set_pod_target(xc_interface *xch, uint32_t domid,
                             uint64_t target_pages)
{
    struct xen_pod_target t = { .target_pages = target_pages,
                                .domid = domid };

    if ( check_domid(xch, domid, "set_pod_target") )
        return -1;
    if ( xc_memory_op(xch, XENMEM_set_pod_target, &t, sizeof(t)) < 0 )
        return xc_fail(xch, errno, "set_pod_target d%u: %s", domid,
                       strerror(errno));
    return 0;
}

/* ---- The host ---- */

int xc_physinfo(xc_interface *xch, struct xen_sysctl_physinfo *info)
{
    struct xen_sysctl s = { 0 };

    if ( do_sysctl(xch, &s, XEN_SYSCTL_physinfo, "physinfo") )
        return -1;
    *info = s.u.physinfo;
    return 0;
}

int xc_cputopoinfo(xc_interface *xch, unsigned int *nr,
                   xen_sysctl_cputopo_t *topo)
{
    struct xen_sysctl s = { 0 };
    struct xc_bounce b;
    int rc;

    if ( *nr && !topo )
        return xc_fail(xch, EINVAL, "cputopoinfo: no buffer");
    if ( xc_bounce_pre(xch, &b, topo, *nr * sizeof(*topo), false, true) )
        return -1;
    s.u.cputopoinfo.num_cpus = *nr;
    set_xen_guest_handle(s.u.cputopoinfo.cputopo, b.locked);
    rc = do_sysctl(xch, &s, XEN_SYSCTL_cputopoinfo, "cputopoinfo");
    xc_bounce_post(xch, &b);
    if ( !rc )
        *nr = s.u.cputopoinfo.num_cpus;
    return rc;
}

int xc_sched_id(xc_interface *xch, uint32_t *sched_id)
{
    struct xen_sysctl s = { 0 };

    if ( do_sysctl(xch, &s, XEN_SYSCTL_sched_id, "sched_id") )
        return -1;
    *sched_id = s.u.sched_id.sched_id;
    return 0;
}

int xc_readconsolering(xc_interface *xch, char *buf, unsigned int *count,
                       int clear, uint32_t *index)
{
    struct xen_sysctl s = { 0 };
    struct xc_bounce b;
    int rc;

    if ( !buf || !*count )
        return xc_fail(xch, EINVAL, "readconsole: no buffer");
    if ( xc_bounce_pre(xch, &b, buf, *count, false, true) )
        return -1;
    s.u.readconsole.clear = !!clear;
    s.u.readconsole.incremental = !!index;
    s.u.readconsole.index = index ? *index : 0;
    s.u.readconsole.count = *count;
    set_xen_guest_handle(s.u.readconsole.buffer, b.locked);
    rc = do_sysctl(xch, &s, XEN_SYSCTL_readconsole, "readconsole");
    xc_bounce_post(xch, &b);
    if ( rc )
        return -1;
    if ( s.u.readconsole.count > *count )
        return xc_fail(xch, EOVERFLOW, "readconsole: %u bytes for room of "
                       "%u", s.u.readconsole.count, *count);
    *count = s.u.readconsole.count;
    if ( index )
        *index = s.u.readconsole.index;
    return 0;
}

int xc_send_debug_keys(xc_interface *xch, const char *keys)
{
    struct xen_sysctl s = { 0 };
    struct xc_bounce b;
    size_t len = keys ? strlen(keys) : 0;
    int rc;

    if ( !len )
        return xc_fail(xch, EINVAL, "debug_keys: no keys");
    if ( xc_bounce_pre(xch, &b, (void *)keys, len, true, false) )
        return -1;
    set_xen_guest_handle(s.u.debug_keys.keys, b.locked);
    s.u.debug_keys.nr_keys = len;
    rc = do_sysctl(xch, &s, XEN_SYSCTL_debug_keys, "debug_keys");
    xc_bounce_post(xch, &b);
    return rc;
}

int xc_get_system_cpu_policy(xc_interface *xch, uint32_t index,
                             uint32_t *nr_leaves, xen_cpuid_leaf_t *leaves,
                             uint32_t *nr_msrs, xen_msr_entry_t *msrs)
{
    struct xen_sysctl s = { 0 };
    struct policy_bufs p;
    int rc;

    if ( policy_pre(xch, &p, false, *nr_leaves, leaves, *nr_msrs, msrs) )
        return -1;
    s.u.cpu_policy.index = index;
    s.u.cpu_policy.nr_leaves = *nr_leaves;
    s.u.cpu_policy.nr_msrs = *nr_msrs;
    set_xen_guest_handle(s.u.cpu_policy.leaves, p.leaves.locked);
    set_xen_guest_handle(s.u.cpu_policy.msrs, p.msrs.locked);
    rc = do_sysctl(xch, &s, XEN_SYSCTL_get_cpu_policy, "get_cpu_policy");
    policy_post(xch, &p);
    if ( !rc || errno == ENOBUFS )
    {
        *nr_leaves = s.u.cpu_policy.nr_leaves;
        *nr_msrs = s.u.cpu_policy.nr_msrs;
    }
    return rc;
}

static int sched_credit_params(xc_interface *xch, uint32_t pool, uint32_t cmd,
                               struct xen_sysctl_credit_schedule *p)
{
    struct xen_sysctl s = { 0 };

    s.u.scheduler_op.cpupool_id = pool;
    s.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
    s.u.scheduler_op.cmd = cmd;
    s.u.scheduler_op.u.sched_credit = *p;
    if ( do_sysctl(xch, &s, XEN_SYSCTL_scheduler_op, "scheduler_op credit") )
        return -1;
    *p = s.u.scheduler_op.u.sched_credit;
    return 0;
}

int xc_sched_credit_params_get(xc_interface *xch, uint32_t pool,
                               struct xen_sysctl_credit_schedule *p)
{
    return sched_credit_params(xch, pool, XEN_SYSCTL_SCHEDOP_getinfo, p);
}

int xc_sched_credit_params_set(xc_interface *xch, uint32_t pool,
                               struct xen_sysctl_credit_schedule *p)
{
    return sched_credit_params(xch, pool, XEN_SYSCTL_SCHEDOP_putinfo, p);
}

/* ---- Cpupools ---- */

static int cpupool_op(xc_interface *xch, uint32_t op, uint32_t pool,
                      uint32_t sched_id, uint32_t domid, uint32_t cpu,
                      struct xc_cpupool_info *info, const char *name)
{
    struct xen_sysctl s = { 0 };
    struct xc_bounce b = { 0 };
    int rc;

    if ( info && xc_bounce_pre(xch, &b, info->cpumap, sizeof(info->cpumap),
                               false, true) )
        return -1;
    s.u.cpupool_op.op = op;
    s.u.cpupool_op.cpupool_id = pool;
    s.u.cpupool_op.sched_id = sched_id;
    s.u.cpupool_op.domid = domid;
    s.u.cpupool_op.cpu = cpu;
    set_xen_guest_handle(s.u.cpupool_op.cpumap.bitmap, b.locked);
    s.u.cpupool_op.cpumap.nr_bits = info ? sizeof(info->cpumap) * 8 : 0;
    rc = do_sysctl(xch, &s, XEN_SYSCTL_cpupool_op, name);
    xc_bounce_post(xch, &b);
    if ( !rc && info )
    {
        info->cpupool_id = s.u.cpupool_op.cpupool_id;
        info->sched_id = s.u.cpupool_op.sched_id;
        info->n_dom = s.u.cpupool_op.n_dom;
    }
    return rc;
}

int xc_cpupool_create(xc_interface *xch, uint32_t *pool, uint32_t sched_id)
{
    struct xc_cpupool_info info;

    if ( cpupool_op(xch, XEN_SYSCTL_CPUPOOL_OP_CREATE, *pool, sched_id, 0, 0,
                    &info, "cpupool create") )
        return -1;
    *pool = info.cpupool_id;
    return 0;
}

int xc_cpupool_destroy(xc_interface *xch, uint32_t pool)
{
    return cpupool_op(xch, XEN_SYSCTL_CPUPOOL_OP_DESTROY, pool, 0, 0, 0, NULL,
                      "cpupool destroy");
}

int xc_cpupool_getinfo(xc_interface *xch, uint32_t pool,
                       struct xc_cpupool_info *info)
{
    return cpupool_op(xch, XEN_SYSCTL_CPUPOOL_OP_INFO, pool, 0, 0, 0, info,
                      "cpupool info");
}

int xc_cpupool_addcpu(xc_interface *xch, uint32_t pool, int cpu)
{
    return cpupool_op(xch, XEN_SYSCTL_CPUPOOL_OP_ADDCPU, pool, 0, 0,
                      cpu < 0 ? XEN_SYSCTL_CPUPOOL_PAR_ANY : (uint32_t)cpu,
                      NULL, "cpupool addcpu");
}

int xc_cpupool_removecpu(xc_interface *xch, uint32_t pool, int cpu)
{
    return cpupool_op(xch, XEN_SYSCTL_CPUPOOL_OP_RMCPU, pool, 0, 0,
                      cpu < 0 ? XEN_SYSCTL_CPUPOOL_PAR_ANY : (uint32_t)cpu,
                      NULL, "cpupool removecpu");
}

int xc_cpupool_movedomain(xc_interface *xch, uint32_t pool, uint32_t domid)
{
    return cpupool_op(xch, XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, pool, 0, domid,
                      0, NULL, "cpupool movedomain");
}

int xc_cpupool_freeinfo(xc_interface *xch, uint8_t cpumap[64])
{
    struct xc_cpupool_info info;

    if ( cpupool_op(xch, XEN_SYSCTL_CPUPOOL_OP_FREEINFO, 0, 0, 0, 0, &info,
                    "cpupool freeinfo") )
        return -1;
    memcpy(cpumap, info.cpumap, sizeof(info.cpumap));
    return 0;
}

/* ---- Other hypercalls the builder needs ---- */

int xc_evtchn_alloc_unbound(xc_interface *xch, uint32_t domid,
                            uint32_t remote_domid, evtchn_port_t *port)
{
    struct evtchn_alloc_unbound a = { .dom = domid,
                                      .remote_dom = remote_domid };
    struct xc_bounce b;
    long rc;

    if ( xc_bounce_pre(xch, &b, &a, sizeof(a), true, true) )
        return -1;
    rc = xc_hypercall(xch, __HYPERVISOR_event_channel_op,
                      EVTCHNOP_alloc_unbound, (uintptr_t)b.locked, 0, 0, 0);
    xc_bounce_post(xch, &b);
    if ( rc < 0 )
        return xc_fail(xch, errno, "evtchn alloc_unbound d%u for d%u: %s",
                       domid, remote_domid, strerror(errno));
    *port = a.port;
    return 0;
}

int xc_mmuext_op(xc_interface *xch, struct mmuext_op *ops, unsigned int nr,
                 uint32_t domid)
{
    struct xc_bounce b;
    long rc;

    if ( !nr || !ops )
        return xc_fail(xch, EINVAL, "mmuext_op: no operations");
    if ( xc_bounce_pre(xch, &b, ops, nr * sizeof(*ops), true, false) )
        return -1;
    rc = xc_hypercall(xch, __HYPERVISOR_mmuext_op, (uintptr_t)b.locked, nr,
                      0, domid, 0);
    xc_bounce_post(xch, &b);
    if ( rc < 0 )
        return xc_fail(xch, errno, "mmuext_op d%u: %s", domid,
                       strerror(errno));
    return 0;
}
