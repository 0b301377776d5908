/* SPDX-License-Identifier: GPL-2.0-only */
/* Cases for dom0's toolstack interfaces: sysctl and domctl. */

#include <xenctl.h>
#include "test.h"
#include <hypercall.h>

static struct xen_sysctl sop;
static struct xen_domctl dop;

/* Our vCPUs: VCPUOP_is_up answers for each that exists, -ENOENT after. */
static unsigned int count_vcpus(void)
{
    unsigned int n = 0;

    while ( HYPERVISOR_vcpu_op(VCPUOP_is_up, n, NULL) >= 0 )
        n++;
    return n;
}

TEST(sysctl, physinfo)
{
    struct xen_sysctl_physinfo *pi = &sop.u.physinfo;

    memset(&sop, 0, sizeof(sop));
    sop.cmd = XEN_SYSCTL_physinfo;
    CHECK_RC(sysctl(&sop), 0);
    /* Whatever the machine: CPUs numbered densely, RAM below the top. */
    CHECK(pi->nr_cpus >= 1 && pi->max_cpu_id == pi->nr_cpus - 1,
          "cpus %u max %u", pi->nr_cpus, pi->max_cpu_id);
    CHECK(pi->total_pages > start_info->nr_pages &&
          pi->total_pages <= (unsigned long)HYPERVISOR_memory_op(
                                 XENMEM_maximum_ram_page, NULL),
          "total %" PRI64 "u pages", pi->total_pages);
    CHECK(pi->free_pages < pi->total_pages, "free %" PRI64 "u", pi->free_pages);
    /* libxl refuses PV guests unless the pv capability is there. */
    CHECK(pi->capabilities & XEN_SYSCTL_PHYSCAP_pv, "caps %x",
          pi->capabilities);
    CHECK(pi->cpu_khz > 0, "no cpu_khz");
}

/* The scheduler in use: credit on ours, credit2 by default on Debian's. */
static unsigned int sched_id(void)
{
    memset(&sop, 0, sizeof(sop));
    sop.cmd = XEN_SYSCTL_sched_id;
    return sysctl(&sop) ? 0 : sop.u.sched_id.sched_id;
}

TEST(sysctl, sched_id)
{
    memset(&sop, 0, sizeof(sop));
    sop.cmd = XEN_SYSCTL_sched_id;
    CHECK_RC(sysctl(&sop), 0);
    CHECK(sop.u.sched_id.sched_id == XEN_SCHEDULER_CREDIT ||
          sop.u.sched_id.sched_id == XEN_SCHEDULER_CREDIT2, "scheduler %u",
          sop.u.sched_id.sched_id);
}

static long sched_global(unsigned int id, uint32_t cmd)
{
    sop.cmd = XEN_SYSCTL_scheduler_op;
    sop.u.scheduler_op.cpupool_id = 0;
    sop.u.scheduler_op.sched_id = id;
    sop.u.scheduler_op.cmd = cmd;
    return sysctl(&sop);
}

/*
 * Reads the parameters and writes them back unchanged; values outside
 * Xen's bounds are refused.  Credit has a slice and a rate limit, credit2
 * only a rate limit.
 */
TEST(sysctl, scheduler_op)
{
    struct xen_sysctl_credit_schedule *c = &sop.u.scheduler_op.u.sched_credit;
    unsigned int id = sched_id();
    uint32_t tslice, ratelimit;

    memset(&sop, 0, sizeof(sop));
    CHECK_RC(sched_global(id, XEN_SYSCTL_SCHEDOP_getinfo), 0);
    if ( id == XEN_SCHEDULER_CREDIT2 )
    {
        ratelimit = sop.u.scheduler_op.u.sched_credit2.ratelimit_us;
        CHECK(ratelimit <= XEN_SYSCTL_SCHED_RATELIMIT_MAX, "ratelimit %u",
              ratelimit);
        sop.u.scheduler_op.u.sched_credit2.ratelimit_us =
            XEN_SYSCTL_SCHED_RATELIMIT_MIN - 1;
        CHECK_RC(sched_global(id, XEN_SYSCTL_SCHEDOP_putinfo), -XEN_EINVAL);
        sop.u.scheduler_op.u.sched_credit2.ratelimit_us = ratelimit;
        CHECK_RC(sched_global(id, XEN_SYSCTL_SCHEDOP_putinfo), 0);
        return;
    }
    CHECK(id == XEN_SCHEDULER_CREDIT, "scheduler %u", id);
    tslice = c->tslice_ms;
    ratelimit = c->ratelimit_us;
    CHECK(tslice >= XEN_SYSCTL_CSCHED_TSLICE_MIN &&
          tslice <= XEN_SYSCTL_CSCHED_TSLICE_MAX, "tslice %u", tslice);
    CHECK(ratelimit <= tslice * 1000, "ratelimit %u", ratelimit);

    c->tslice_ms = 0;
    CHECK_RC(sched_global(id, XEN_SYSCTL_SCHEDOP_putinfo), -XEN_EINVAL);
    c->tslice_ms = XEN_SYSCTL_CSCHED_TSLICE_MAX + 1;
    CHECK_RC(sched_global(id, XEN_SYSCTL_SCHEDOP_putinfo), -XEN_EINVAL);
    c->tslice_ms = tslice;
    c->ratelimit_us = XEN_SYSCTL_SCHED_RATELIMIT_MIN - 1;
    CHECK_RC(sched_global(id, XEN_SYSCTL_SCHEDOP_putinfo), -XEN_EINVAL);
    /* A rate limit longer than the slice makes no sense. */
    c->ratelimit_us = tslice * 1000 + 1;
    CHECK_RC(sched_global(id, XEN_SYSCTL_SCHEDOP_putinfo), -XEN_EINVAL);
    c->ratelimit_us = ratelimit;
    CHECK_RC(sched_global(id, XEN_SYSCTL_SCHEDOP_putinfo), 0);
    CHECK(c->tslice_ms == tslice && c->ratelimit_us == ratelimit,
          "now %u ms %u us", c->tslice_ms, c->ratelimit_us);
}

TEST(sysctl, scheduler_op_refused)
{
    unsigned int id = sched_id();

    memset(&sop, 0, sizeof(sop));
    CHECK_RC(sched_global(id, 7), -XEN_EINVAL);
    CHECK_RC(sched_global(XEN_SCHEDULER_NULL, XEN_SYSCTL_SCHEDOP_getinfo),
             -XEN_EINVAL);
    sop.u.scheduler_op.cpupool_id = 99;
    sop.cmd = XEN_SYSCTL_scheduler_op;
    CHECK_RC(sysctl(&sop), -XEN_ESRCH);
}

TEST(sysctl, getcpuinfo)
{
    static xen_sysctl_cpuinfo_t info[8];
    uint64_t before;

    memset(&sop, 0, sizeof(sop));
    sop.cmd = XEN_SYSCTL_getcpuinfo;
    sop.u.getcpuinfo.max_cpus = 8;
    set_xen_guest_handle(sop.u.getcpuinfo.info, info);
    CHECK_RC(sysctl(&sop), 0);
    CHECK(sop.u.getcpuinfo.nr_cpus >= 1 && sop.u.getcpuinfo.nr_cpus <= 8,
          "%u cpus", sop.u.getcpuinfo.nr_cpus);
    before = info[0].idletime;
    CHECK_RC(sysctl(&sop), 0);
    CHECK(info[0].idletime >= before, "idle time went back");
}

TEST(sysctl, readconsole)
{
    static char buf[4096];

    memset(&sop, 0, sizeof(sop));
    sop.cmd = XEN_SYSCTL_readconsole;
    set_xen_guest_handle(sop.u.readconsole.buffer, buf);
    sop.u.readconsole.count = sizeof(buf) - 1;
    CHECK_RC(sysctl(&sop), 0);
    CHECK(sop.u.readconsole.count > 0 &&
          sop.u.readconsole.count < sizeof(buf), "%u bytes",
          sop.u.readconsole.count);
    buf[sop.u.readconsole.count] = '\0';
    /*
     * The hypervisor's own lines are in its console ring.  Its boot banner
     * may be gone: the cases before this one can log enough to wrap it.
     */
    CHECK(strstr(buf, "(XEN) "), "no '(XEN) ' line in the console ring");
}

TEST(sysctl, getdomaininfolist)
{
    static xen_domctl_getdomaininfo_t info[4];

    memset(&sop, 0, sizeof(sop));
    sop.cmd = XEN_SYSCTL_getdomaininfolist;
    sop.u.getdomaininfolist.first_domain = 0;
    sop.u.getdomaininfolist.max_domains = ARRAY_SIZE(info);
    set_xen_guest_handle(sop.u.getdomaininfolist.buffer, info);
    CHECK_RC(sysctl(&sop), 0);
    CHECK(sop.u.getdomaininfolist.num_domains >= 1, "%u domains",
          sop.u.getdomaininfolist.num_domains);
    CHECK(info[0].domain == 0, "first is d%u", info[0].domain);
}

TEST(sysctl, wrong_version_refused)
{
    memset(&sop, 0, sizeof(sop));
    sop.cmd = XEN_SYSCTL_physinfo;
    sop.interface_version = XEN_SYSCTL_INTERFACE_VERSION + 1;
    CHECK_RC(_hypercall1(__HYPERVISOR_sysctl, &sop), -XEN_EACCES);
}

TEST(sysctl, bad_pointer)
{
    CHECK_RC(_hypercall1(__HYPERVISOR_sysctl, BAD_PTR), -XEN_EFAULT);
}

static long domain_info(domid_t dom)
{
    memset(&dop, 0, sizeof(dop));
    dop.cmd = XEN_DOMCTL_getdomaininfo;
    dop.domain = dom;
    return domctl(&dop);
}

TEST(domctl, getdomaininfo_self)
{
    xen_domctl_getdomaininfo_t *i = &dop.u.getdomaininfo;

    CHECK_RC(domain_info(0), 0);
    CHECK(i->domain == 0, "domain %u", i->domain);
    CHECK(i->tot_pages == start_info->nr_pages, "tot_pages %" PRI64 "u",
          i->tot_pages);
    CHECK(i->shared_info_frame == start_info->shared_info >> PAGE_SHIFT,
          "shared_info_frame %" PRI64 "x", i->shared_info_frame);
    CHECK(i->max_vcpu_id == count_vcpus() - 1, "max_vcpu_id %u",
          i->max_vcpu_id);
    CHECK(i->flags & XEN_DOMINF_running, "flags %x", i->flags);
    CHECK(!(i->flags & (XEN_DOMINF_hvm_guest | XEN_DOMINF_dying)),
          "flags %x", i->flags);
}

TEST(domctl, getdomaininfo_missing)
{
    /* No domain with this id or above exists. */
    CHECK_RC(domain_info(1234), -XEN_ESRCH);
}

TEST(domctl, getvcpuinfo)
{
    memset(&dop, 0, sizeof(dop));
    dop.cmd = XEN_DOMCTL_getvcpuinfo;
    dop.domain = 0;
    dop.u.getvcpuinfo.vcpu = 0;
    CHECK_RC(domctl(&dop), 0);
    CHECK(dop.u.getvcpuinfo.online && dop.u.getvcpuinfo.running,
          "online %u running %u", dop.u.getvcpuinfo.online,
          dop.u.getvcpuinfo.running);
    dop.u.getvcpuinfo.vcpu = 99;
    CHECK_RC(domctl(&dop), -XEN_EINVAL);
}

TEST(domctl, wrong_version_refused)
{
    memset(&dop, 0, sizeof(dop));
    dop.cmd = XEN_DOMCTL_getdomaininfo;
    dop.interface_version = XEN_DOMCTL_INTERFACE_VERSION - 1;
    CHECK_RC(_hypercall1(__HYPERVISOR_domctl, &dop), -XEN_EACCES);
}

TEST(domctl, create_and_destroy_domain)
{
    struct xen_domctl_createdomain *c = &dop.u.createdomain;
    domid_t dom;

    memset(&dop, 0, sizeof(dop));
    dop.cmd = XEN_DOMCTL_createdomain;
    dop.domain = 0;             /* let Xen choose the id */
    c->max_vcpus = 1;
    c->max_evtchn_port = 1023;
    c->max_grant_frames = 4;
    c->max_maptrack_frames = 128;
    c->grant_opts = XEN_DOMCTL_GRANT_version(1);
    CHECK_RC(domctl(&dop), 0);
    dom = dop.domain;
    CHECK(dom > 0 && dom < DOMID_FIRST_RESERVED, "new domain %u", dom);

    /* It exists, paused and empty, until we destroy it. */
    CHECK_RC(domain_info(dom), 0);
    CHECK(dop.u.getdomaininfo.domain == dom, "info for d%u",
          dop.u.getdomaininfo.domain);
    CHECK(dop.u.getdomaininfo.flags & XEN_DOMINF_paused, "flags %x",
          dop.u.getdomaininfo.flags);
    CHECK(dop.u.getdomaininfo.tot_pages == 0, "%" PRI64 "u pages",
          dop.u.getdomaininfo.tot_pages);

    memset(&dop, 0, sizeof(dop));
    dop.cmd = XEN_DOMCTL_destroydomain;
    dop.domain = dom;
    CHECK_RC(domctl(&dop), 0);
}

static long sched_dom(unsigned int id, uint32_t cmd, uint16_t weight,
                      uint16_t cap)
{
    memset(&dop, 0, sizeof(dop));
    dop.cmd = XEN_DOMCTL_scheduler_op;
    dop.domain = 0;
    dop.u.scheduler_op.sched_id = id;
    dop.u.scheduler_op.cmd = cmd;
    dop.u.scheduler_op.u.credit.weight = weight;
    dop.u.scheduler_op.u.credit.cap = cap;
    return domctl(&dop);
}

/* credit and credit2 share the layout: weight, then cap. */
#define SCHED_WEIGHT (dop.u.scheduler_op.u.credit.weight)
#define SCHED_CAP    (dop.u.scheduler_op.u.credit.cap)

TEST(domctl, scheduler_op_weight)
{
    unsigned int id = sched_id();
    uint16_t weight, now, kept;

    CHECK_RC(sched_dom(id, XEN_DOMCTL_SCHEDOP_getinfo, 0, 0), 0);
    weight = SCHED_WEIGHT;
    CHECK(weight >= 1, "weight %u", weight);
    CHECK_RC(sched_dom(id, XEN_DOMCTL_SCHEDOP_putinfo, 512, 0), 0);
    CHECK_RC(sched_dom(id, XEN_DOMCTL_SCHEDOP_getinfo, 0, 0), 0);
    now = SCHED_WEIGHT;
    /* Weight 0 means "leave it". */
    CHECK_RC(sched_dom(id, XEN_DOMCTL_SCHEDOP_putinfo, 0, 0), 0);
    CHECK_RC(sched_dom(id, XEN_DOMCTL_SCHEDOP_getinfo, 0, 0), 0);
    kept = SCHED_WEIGHT;
    CHECK_RC(sched_dom(id, XEN_DOMCTL_SCHEDOP_putinfo, weight, 0), 0);
    CHECK(now == 512, "weight %u after setting 512", now);
    CHECK(kept == 512, "weight %u after setting 0", kept);
    CHECK_RC(sched_dom(id, XEN_DOMCTL_SCHEDOP_getinfo, 0, 0), 0);
    CHECK(SCHED_WEIGHT == weight, "weight %u, not back to %u", SCHED_WEIGHT,
          weight);
}

/*
 * Cap 50 and back to none.  Credit leaves the cap alone for 0xffff;
 * credit2 takes any non-zero value as a cap, and refuses one above 100
 * per vCPU.
 */
TEST(domctl, scheduler_op_cap)
{
    unsigned int id = sched_id();
    uint16_t cap, kept = 50;

    CHECK_RC(sched_dom(id, XEN_DOMCTL_SCHEDOP_putinfo, 0, 50), 0);
    CHECK_RC(sched_dom(id, XEN_DOMCTL_SCHEDOP_getinfo, 0, 0), 0);
    cap = SCHED_CAP;
    if ( id == XEN_SCHEDULER_CREDIT )
    {
        CHECK_RC(sched_dom(id, XEN_DOMCTL_SCHEDOP_putinfo, 0, 0xffff), 0);
        CHECK_RC(sched_dom(id, XEN_DOMCTL_SCHEDOP_getinfo, 0, 0), 0);
        kept = SCHED_CAP;
    }
    else
        CHECK_RC(sched_dom(id, XEN_DOMCTL_SCHEDOP_putinfo, 0,
                           100 * count_vcpus() + 1), -XEN_EINVAL);
    CHECK_RC(sched_dom(id, XEN_DOMCTL_SCHEDOP_putinfo, 0, 0), 0);
    CHECK(cap == 50, "cap %u after setting 50", cap);
    CHECK(kept == 50, "cap %u after setting 0xffff", kept);
    CHECK_RC(sched_dom(id, XEN_DOMCTL_SCHEDOP_getinfo, 0, 0), 0);
    CHECK(SCHED_CAP == 0, "cap %u after removing it", SCHED_CAP);
}

TEST(domctl, scheduler_op_refused)
{
    unsigned int id = sched_id();

    CHECK_RC(sched_dom(XEN_SCHEDULER_NULL, XEN_DOMCTL_SCHEDOP_getinfo, 0, 0),
             -XEN_EINVAL);
    CHECK_RC(sched_dom(id, 9, 0, 0), -XEN_EINVAL);
    /* Neither credit scheduler has per-vCPU parameters. */
    CHECK_RC(sched_dom(id, XEN_DOMCTL_SCHEDOP_getvcpuinfo, 0, 0),
             -XEN_EINVAL);
}

static long vcpu_affinity(uint32_t cmd, uint8_t *map, uint32_t nr_bits)
{
    memset(&dop, 0, sizeof(dop));
    dop.cmd = cmd;
    dop.domain = 0;
    dop.u.vcpuaffinity.vcpu = 0;
    dop.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD;
    set_xen_guest_handle(dop.u.vcpuaffinity.cpumap_hard.bitmap, map);
    dop.u.vcpuaffinity.cpumap_hard.nr_bits = nr_bits;
    return domctl(&dop);
}

/* Our vCPU 0 may run anywhere; an empty set of CPUs is refused. */
TEST(domctl, vcpuaffinity)
{
    static uint8_t map[8];
    unsigned int cpus, n = 0;

    memset(&sop, 0, sizeof(sop));
    sop.cmd = XEN_SYSCTL_physinfo;
    CHECK_RC(sysctl(&sop), 0);
    cpus = sop.u.physinfo.nr_cpus;

    memset(map, 0, sizeof(map));
    CHECK_RC(vcpu_affinity(XEN_DOMCTL_getvcpuaffinity, map, 64), 0);
    CHECK(map[0] & 1, "hard affinity %02x", map[0]);
    memset(map, 0, sizeof(map));
    CHECK_RC(vcpu_affinity(XEN_DOMCTL_setvcpuaffinity, map, 64), -XEN_EINVAL);
    /* All CPUs: what comes back is the online ones. */
    memset(map, 0xff, sizeof(map));
    CHECK_RC(vcpu_affinity(XEN_DOMCTL_setvcpuaffinity, map, 64), 0);
    for ( unsigned int i = 0; i < 64; i++ )
        n += !!(map[i / 8] & (1u << (i % 8)));
    CHECK(n == cpus, "%u CPUs in the affinity, %u online", n, cpus);
}
