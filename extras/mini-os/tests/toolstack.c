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
          "total %lu pages", pi->total_pages);
    CHECK(pi->free_pages < pi->total_pages, "free %lu", pi->free_pages);
    /* libxl refuses PV guests unless the pv capability is there. */
    CHECK(pi->capabilities & XEN_SYSCTL_PHYSCAP_pv, "caps %x",
          pi->capabilities);
    CHECK(pi->cpu_khz > 0, "no cpu_khz");
}

TEST(sysctl, sched_id)
{
    memset(&sop, 0, sizeof(sop));
    sop.cmd = XEN_SYSCTL_sched_id;
    CHECK_RC(sysctl(&sop), 0);
    /* Debian's default. */
    CHECK(sop.u.sched_id.sched_id == XEN_SCHEDULER_CREDIT2, "scheduler %u",
          sop.u.sched_id.sched_id);
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
    /* Xen's own boot messages are in its console ring. */
    CHECK(strstr(buf, "Xen"), "no 'Xen' in the console ring");
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
    CHECK(i->tot_pages == start_info->nr_pages, "tot_pages %lu",
          i->tot_pages);
    CHECK(i->shared_info_frame == start_info->shared_info >> PAGE_SHIFT,
          "shared_info_frame %lx", i->shared_info_frame);
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
    CHECK(dop.u.getdomaininfo.tot_pages == 0, "%lu pages",
          dop.u.getdomaininfo.tot_pages);

    memset(&dop, 0, sizeof(dop));
    dop.cmd = XEN_DOMCTL_destroydomain;
    dop.domain = dom;
    CHECK_RC(domctl(&dop), 0);
}
