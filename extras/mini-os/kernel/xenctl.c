/* SPDX-License-Identifier: GPL-2.0-only */
/* dom0's domctl and sysctl calls, at the versions Xen 4.17 implements. */

#include <xenctl.h>
#include <lib.h>
#include <hypercall.h>

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

long domain_getinfo(domid_t dom, struct xen_domctl_getdomaininfo *info)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_getdomaininfo, .domain = dom };
    long rc = domctl(&op);

    if ( !rc )
        *info = op.u.getdomaininfo;
    return rc;
}
