/* SPDX-License-Identifier: GPL-2.0-only */
/* Cases for calls Xen 4.17's xl makes that once stopped it (xl-on-ours.md). */

#include <xenctl.h>
#include "test.h"
#include <hypercall.h>

/* A domain id no domain has (below the reserved ones, DOMID_SELF...). */
#define NO_DOMAIN 0x7fe0

/* xl save wants -EOPNOTSUPP: the domain has no vNUMA layout. */
TEST(xl, vnumainfo_none)
{
    struct xen_vnuma_topology_info t;

    memset(&t, 0, sizeof(t));
    t.domid = DOMID_SELF;
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_get_vnumainfo, &t), -XEN_EOPNOTSUPP);
    t.domid = NO_DOMAIN;
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_get_vnumainfo, &t), -XEN_ESRCH);
}

/* The argument checks that come before any resource is looked at. */
TEST(xl, acquire_resource_checks)
{
    struct xen_mem_acquire_resource r;

    memset(&r, 0, sizeof(r));
    r.domid = NO_DOMAIN;
    r.type = XENMEM_resource_grant_table;
    r.pad = 1;
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_acquire_resource, &r), -XEN_EINVAL);
    r.pad = 0;
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_acquire_resource, &r), -XEN_ESRCH);
    /* Another domain's only: DOMID_SELF is none, our own id refused. */
    r.domid = DOMID_SELF;
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_acquire_resource, &r), -XEN_ESRCH);
    r.domid = 0;
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_acquire_resource, &r), -XEN_EPERM);
}

static struct xen_sysctl sop;

/*
 * xl info -n asks for each PCI device's node: a device on a bus no machine
 * here has is unknown (XEN_INVALID_DEV); null arrays are -EINVAL.
 */
TEST(xl, pcitopoinfo)
{
    static physdev_pci_device_t dev = { .seg = 0, .bus = 0xfe, .devfn = 0xff };
    static uint32_t node = 0x1234;
    struct xen_sysctl_pcitopoinfo *ti = &sop.u.pcitopoinfo;

    memset(&sop, 0, sizeof(sop));
    sop.cmd = XEN_SYSCTL_pcitopoinfo;
    ti->num_devs = 1;
    set_xen_guest_handle(ti->devs, &dev);
    set_xen_guest_handle(ti->nodes, &node);
    CHECK_RC(sysctl(&sop), 0);
    CHECK(ti->num_devs == 1, "num_devs %u", ti->num_devs);
    CHECK(node == XEN_INVALID_DEV, "node %x", node);
    ti->num_devs = 0;
    CHECK_RC(sysctl(&sop), 0);
    ti->num_devs = 1;
    set_xen_guest_handle(ti->nodes, NULL);
    CHECK_RC(sysctl(&sop), -XEN_EINVAL);
    set_xen_guest_handle(ti->nodes, &node);
    set_xen_guest_handle(ti->devs, NULL);
    CHECK_RC(sysctl(&sop), -XEN_EINVAL);
}
