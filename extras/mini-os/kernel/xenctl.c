/* SPDX-License-Identifier: GPL-2.0-only */
/* dom0's domctl and sysctl calls, at the versions Xen 4.17 implements. */

#include <xenctl.h>
#include <lib.h>
#include <hypercall.h>
#include <time.h>

long sysctl(struct xen_sysctl *op)
{
    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return _hypercall1(__HYPERVISOR_sysctl, op);
}

long domctl(struct xen_domctl *op)
{
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    return _hypercall1(__HYPERVISOR_domctl, op);
}

unsigned long host_free_pages(void)
{
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_physinfo };

    return sysctl(&op) ? 0 : op.u.physinfo.free_pages;
}

bool on_our_hypervisor(void)
{
    xen_extraversion_t extra;
    size_t n;

    if ( HYPERVISOR_xen_version(XENVER_extraversion, extra) )
        return false;
    n = strnlen(extra, sizeof(extra));
    return n >= 3 && !memcmp(extra + n - 3, "-hv", 3);
}

unsigned long destroy_slack_pages(void)
{
    return on_our_hypervisor() ? 0 : 64;
}

unsigned long host_free_pages_settled(unsigned long before)
{
    unsigned long slack = destroy_slack_pages(), now = host_free_pages();

    for ( unsigned int ms = 0; now + slack < before && ms < 1000; ms += 10 )
    {
        msleep(10);
        now = host_free_pages();
    }
    return now;
}

long domain_getinfo(domid_t dom, struct xen_domctl_getdomaininfo *info)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_getdomaininfo, .domain = dom };
    long rc = domctl(&op);

    if ( !rc )
        *info = op.u.getdomaininfo;
    return rc;
}

long vcpu_cpu(domid_t dom, unsigned int vcpu)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_getvcpuinfo, .domain = dom };
    long rc;

    op.u.getvcpuinfo.vcpu = vcpu;
    rc = domctl(&op);
    return rc ? rc : (long)op.u.getvcpuinfo.cpu;
}

#define PIN_MAP_BYTES 16        /* up to 128 CPUs */

long vcpu_pin(domid_t dom, unsigned int vcpu, int cpu)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_setvcpuaffinity,
                             .domain = dom };
    uint8_t map[PIN_MAP_BYTES];

    memset(map, cpu < 0 ? 0xff : 0, sizeof(map));
    if ( cpu >= 0 )
        map[cpu / 8] = 1u << (cpu % 8);
    op.u.vcpuaffinity.vcpu = vcpu;
    op.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD;
    set_xen_guest_handle(op.u.vcpuaffinity.cpumap_hard.bitmap, map);
    op.u.vcpuaffinity.cpumap_hard.nr_bits = PIN_MAP_BYTES * 8;
    return domctl(&op);
}
