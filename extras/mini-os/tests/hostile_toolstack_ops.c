/* SPDX-License-Identifier: GPL-2.0-only */
/* An unprivileged domU on the ops xl create needs: -EPERM, real arguments. */

#include <xenctl.h>
#include "hostile.h"
#include <hypercall.h>

static struct xen_sysctl sop;
static struct xen_domctl dop;
static uint8_t map[8];
static xen_cpuid_leaf_t leaves[4];
static xen_msr_entry_t msrs[2];

/*
 * Each would succeed for dom0 with these arguments; a domU is refused
 * before anything is read or written, its buffers left as they were.
 */
HOSTILE(toolstack_ops_unpriv, sysctls_refused)
{
    memset(map, 0xee, sizeof(map));
    memset(&sop, 0, sizeof(sop));
    sop.cmd = XEN_SYSCTL_cpupool_op;
    sop.u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_INFO;
    set_xen_guest_handle(sop.u.cpupool_op.cpumap.bitmap, map);
    sop.u.cpupool_op.cpumap.nr_bits = 64;
    CHECK_RC(sysctl(&sop), -XEN_EPERM);
    CHECK(map[0] == 0xee, "cpupool map written: %02x", map[0]);

    memset(&sop, 0, sizeof(sop));
    sop.cmd = XEN_SYSCTL_numainfo;
    CHECK_RC(sysctl(&sop), -XEN_EPERM);
    CHECK(sop.u.numainfo.num_nodes == 0, "%u nodes",
          sop.u.numainfo.num_nodes);

    memset(&sop, 0, sizeof(sop));
    sop.cmd = XEN_SYSCTL_cputopoinfo;
    CHECK_RC(sysctl(&sop), -XEN_EPERM);
    CHECK(sop.u.cputopoinfo.num_cpus == 0, "%u CPUs",
          sop.u.cputopoinfo.num_cpus);

    memset(leaves, 0xee, sizeof(leaves));
    memset(&sop, 0, sizeof(sop));
    sop.cmd = XEN_SYSCTL_get_cpu_policy;
    sop.u.cpu_policy.index = XEN_SYSCTL_cpu_policy_pv_default;
    sop.u.cpu_policy.nr_leaves = 4;
    set_xen_guest_handle(sop.u.cpu_policy.leaves, leaves);
    CHECK_RC(sysctl(&sop), -XEN_EPERM);
    CHECK(leaves[0].leaf == 0xeeeeeeee, "leaf written: %x", leaves[0].leaf);

    memset(&sop, 0, sizeof(sop));
    sop.cmd = XEN_SYSCTL_get_cpu_featureset;
    CHECK_RC(sysctl(&sop), -XEN_EPERM);
}

static long dctl(uint32_t cmd, domid_t dom)
{
    memset(&dop, 0, sizeof(dop));
    dop.cmd = cmd;
    dop.domain = dom;
    return domctl(&dop);
}

/*
 * On dom0, which always exists; on no domain at all the lookup comes
 * first, as in Xen: -ESRCH.
 */
HOSTILE(toolstack_ops_unpriv, domctls_refused)
{
    CHECK_RC(dctl(XEN_DOMCTL_gettscinfo, 0), -XEN_EPERM);
    dop.u.tsc_info.tsc_mode = 1;
    CHECK_RC(dctl(XEN_DOMCTL_settscinfo, 0), -XEN_EPERM);
    CHECK_RC(dctl(XEN_DOMCTL_gettscinfo, 0x7ef0), -XEN_ESRCH);

    memset(map, 0xee, sizeof(map));
    memset(&dop, 0, sizeof(dop));
    dop.cmd = XEN_DOMCTL_getnodeaffinity;
    set_xen_guest_handle(dop.u.nodeaffinity.nodemap.bitmap, map);
    dop.u.nodeaffinity.nodemap.nr_bits = 64;
    CHECK_RC(domctl(&dop), -XEN_EPERM);
    CHECK(map[0] == 0xee, "node map written: %02x", map[0]);
    map[0] = 1;
    dop.cmd = XEN_DOMCTL_setnodeaffinity;
    CHECK_RC(domctl(&dop), -XEN_EPERM);

    memset(leaves, 0xee, sizeof(leaves));
    memset(&dop, 0, sizeof(dop));
    dop.cmd = XEN_DOMCTL_get_cpu_policy;
    dop.u.cpu_policy.nr_leaves = 4;
    dop.u.cpu_policy.nr_msrs = 2;
    set_xen_guest_handle(dop.u.cpu_policy.leaves, leaves);
    set_xen_guest_handle(dop.u.cpu_policy.msrs, msrs);
    CHECK_RC(domctl(&dop), -XEN_EPERM);
    CHECK(leaves[0].leaf == 0xeeeeeeee, "leaf written: %x", leaves[0].leaf);
    dop.cmd = XEN_DOMCTL_set_cpu_policy;
    dop.u.cpu_policy.nr_leaves = 0;
    dop.u.cpu_policy.nr_msrs = 0;
    CHECK_RC(domctl(&dop), -XEN_EPERM);
}
