/* SPDX-License-Identifier: GPL-2.0-only */
/* What xl create asks first: cpupools, NUMA, CPU topology, TSC, CPUID. */

#include <xenctl.h>
#include "test.h"
#include <hypercall.h>

static struct xen_sysctl sop;
static struct xen_domctl dop;

/* A domain id that is in range but names no domain. */
#define NO_SUCH_DOMAIN 0x7ef0
#define MSR_INTEL_PLATFORM_INFO 0x000000ce
#define MSR_ARCH_CAPABILITIES   0x0000010a

static unsigned int nr_cpus(void)
{
    memset(&sop, 0, sizeof(sop));
    sop.cmd = XEN_SYSCTL_physinfo;
    return sysctl(&sop) ? 0 : sop.u.physinfo.max_cpu_id + 1;
}

static long numainfo(uint32_t num, void *meminfo, void *distance)
{
    memset(&sop, 0, sizeof(sop));
    sop.cmd = XEN_SYSCTL_numainfo;
    sop.u.numainfo.num_nodes = num;
    set_xen_guest_handle(sop.u.numainfo.meminfo, meminfo);
    set_xen_guest_handle(sop.u.numainfo.distance, distance);
    return sysctl(&sop);
}

/* One node under QEMU (no SRAT): its memory, and distance 10 to itself. */
TEST(toolstack_ops, numainfo)
{
    static struct xen_sysctl_meminfo mi[4];
    static uint32_t dist[16];

    CHECK_RC(numainfo(0, NULL, NULL), 0);
    CHECK(sop.u.numainfo.num_nodes == 1, "%u nodes", sop.u.numainfo.num_nodes);
    memset(mi, 0xee, sizeof(mi));
    memset(dist, 0xee, sizeof(dist));
    CHECK_RC(numainfo(4, mi, dist), 0);
    CHECK(sop.u.numainfo.num_nodes == 1, "%u nodes", sop.u.numainfo.num_nodes);
    CHECK(mi[0].memsize > ((uint64_t)start_info->nr_pages << PAGE_SHIFT) &&
          mi[0].memfree < mi[0].memsize, "size %" PRI64 "x free %" PRI64 "x",
          mi[0].memsize, mi[0].memfree);
    CHECK(dist[0] == 10, "distance %u", dist[0]);
    CHECK(mi[1].memsize == 0xeeeeeeeeeeeeeeeeUL && dist[1] == 0xeeeeeeee,
          "wrote past the node");
    /* Room for none: nothing written, and a count of none. */
    memset(mi, 0xee, sizeof(mi));
    CHECK_RC(numainfo(0, mi, NULL), 0);
    CHECK(sop.u.numainfo.num_nodes == 0, "%u nodes", sop.u.numainfo.num_nodes);
    CHECK(mi[0].memsize == 0xeeeeeeeeeeeeeeeeUL, "wrote with no room");
    CHECK_RC(numainfo(1, BAD_PTR, NULL), -XEN_EFAULT);
    CHECK_RC(numainfo(1, NULL, XEN_PTR), -XEN_EFAULT);
}

static long cputopoinfo(uint32_t num, void *buf)
{
    memset(&sop, 0, sizeof(sop));
    sop.cmd = XEN_SYSCTL_cputopoinfo;
    sop.u.cputopoinfo.num_cpus = num;
    set_xen_guest_handle(sop.u.cputopoinfo.cputopo, buf);
    return sysctl(&sop);
}

/* Every CPU id up to the last: a core, a socket and node 0 each. */
TEST(toolstack_ops, cputopoinfo)
{
    static struct xen_sysctl_cputopo t[8];
    unsigned int cpus = nr_cpus();

    CHECK_RC(cputopoinfo(0, NULL), 0);
    CHECK(sop.u.cputopoinfo.num_cpus == cpus, "%u CPUs, physinfo %u",
          sop.u.cputopoinfo.num_cpus, cpus);
    memset(t, 0xee, sizeof(t));
    CHECK_RC(cputopoinfo(8, t), 0);
    CHECK(sop.u.cputopoinfo.num_cpus == cpus, "%u CPUs",
          sop.u.cputopoinfo.num_cpus);
    for ( unsigned int i = 0; i < cpus; i++ )
        CHECK(t[i].core != XEN_INVALID_CORE_ID &&
              t[i].socket != XEN_INVALID_SOCKET_ID && t[i].node == 0,
              "cpu %u: core %x socket %x node %x", i, t[i].core,
              t[i].socket, t[i].node);
    /* No two CPUs share a core (no SMT under QEMU -smp). */
    for ( unsigned int i = 1; i < cpus; i++ )
        CHECK(t[i].core != t[0].core || t[i].socket != t[0].socket,
              "cpu %u is cpu 0's core", i);
    CHECK(t[cpus].core == 0xeeeeeeee, "wrote past the last CPU");
    memset(t, 0xee, sizeof(t));
    CHECK_RC(cputopoinfo(1, t), 0);
    CHECK(sop.u.cputopoinfo.num_cpus == 1, "%u CPUs",
          sop.u.cputopoinfo.num_cpus);
    CHECK(t[1].core == 0xeeeeeeee, "wrote past num_cpus");
    CHECK_RC(cputopoinfo(1, BAD_PTR), -XEN_EFAULT);
}

static long cpupool(uint32_t op, uint32_t pool, uint32_t domid, uint32_t cpu,
                    uint8_t *map, uint32_t nr_bits)
{
    memset(&sop, 0, sizeof(sop));
    sop.cmd = XEN_SYSCTL_cpupool_op;
    sop.u.cpupool_op.op = op;
    sop.u.cpupool_op.cpupool_id = pool;
    sop.u.cpupool_op.domid = domid;
    sop.u.cpupool_op.cpu = cpu;
    set_xen_guest_handle(sop.u.cpupool_op.cpumap.bitmap, map);
    sop.u.cpupool_op.cpumap.nr_bits = nr_bits;
    return sysctl(&sop);
}

/* Pool-0: the default scheduler, every CPU, dom0 at least. */
TEST(toolstack_ops, cpupool_info)
{
    static uint8_t map[8];
    unsigned int cpus = nr_cpus(), sched;

    memset(&sop, 0, sizeof(sop));
    sop.cmd = XEN_SYSCTL_sched_id;
    CHECK_RC(sysctl(&sop), 0);
    sched = sop.u.sched_id.sched_id;

    memset(map, 0xee, sizeof(map));
    CHECK_RC(cpupool(XEN_SYSCTL_CPUPOOL_OP_INFO, 0, 0, 0, map, 64), 0);
    CHECK(sop.u.cpupool_op.cpupool_id == 0, "pool %u",
          sop.u.cpupool_op.cpupool_id);
    CHECK(sop.u.cpupool_op.sched_id == sched, "scheduler %u, default %u",
          sop.u.cpupool_op.sched_id, sched);
    CHECK(sop.u.cpupool_op.n_dom >= 1, "%u domains", sop.u.cpupool_op.n_dom);
    CHECK(map[0] == (1u << cpus) - 1, "CPUs %02x of %u", map[0], cpus);
    for ( unsigned int i = 1; i < 8; i++ )
        CHECK(map[i] == 0, "byte %u of the map: %02x", i, map[i]);
    /* A map of 8 bits: one byte written, the rest left alone. */
    memset(map, 0xee, sizeof(map));
    CHECK_RC(cpupool(XEN_SYSCTL_CPUPOOL_OP_INFO, 0, 0, 0, map, 8), 0);
    CHECK(map[0] == (1u << cpus) - 1 && map[1] == 0xee, "map %02x %02x",
          map[0], map[1]);
    /* No pool from id 1 up; a map it cannot write. */
    CHECK_RC(cpupool(XEN_SYSCTL_CPUPOOL_OP_INFO, 1, 0, 0, map, 64),
             -XEN_ENOENT);
    CHECK_RC(cpupool(XEN_SYSCTL_CPUPOOL_OP_INFO, XEN_SYSCTL_CPUPOOL_PAR_ANY,
                     0, 0, map, 64), -XEN_ENOENT);
    CHECK_RC(cpupool(XEN_SYSCTL_CPUPOOL_OP_INFO, 0, 0, 0, BAD_PTR, 64),
             -XEN_EFAULT);
    /* No CPU is free. */
    memset(map, 0xee, sizeof(map));
    CHECK_RC(cpupool(XEN_SYSCTL_CPUPOOL_OP_FREEINFO, 0, 0, 0, map, 64), 0);
    for ( unsigned int i = 0; i < 8; i++ )
        CHECK(map[i] == 0, "free byte %u: %02x", i, map[i]);
}

/* What a host with only Pool-0 refuses, and the one move that is a no-op. */
TEST(toolstack_ops, cpupool_refused)
{
    static uint8_t map[8];
    unsigned int cpus = nr_cpus();
    long rc0, rc9;
    domid_t dom;

    CHECK_RC(cpupool(XEN_SYSCTL_CPUPOOL_OP_CREATE, 0, 0, 0, NULL, 0),
             -XEN_EEXIST);
    CHECK_RC(cpupool(XEN_SYSCTL_CPUPOOL_OP_DESTROY, 0, 0, 0, NULL, 0),
             -XEN_EBUSY);
    CHECK_RC(cpupool(XEN_SYSCTL_CPUPOOL_OP_DESTROY, 5, 0, 0, NULL, 0),
             -XEN_ENOENT);
    CHECK_RC(cpupool(XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 0, 0, 0, NULL, 0),
             -XEN_ENODEV);
    CHECK_RC(cpupool(XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 0, 0,
                     XEN_SYSCTL_CPUPOOL_PAR_ANY, NULL, 0), -XEN_ENODEV);
    CHECK_RC(cpupool(XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 0, 0, 4096, NULL, 0),
             -XEN_EINVAL);
    CHECK_RC(cpupool(XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 7, 0, 0, NULL, 0),
             -XEN_ENOENT);
    /* CPU 0 never leaves Pool-0; nor does a CPU past the last. */
    CHECK_RC(cpupool(XEN_SYSCTL_CPUPOOL_OP_RMCPU, 0, 0, 0, NULL, 0),
             -XEN_EINVAL);
    CHECK_RC(cpupool(XEN_SYSCTL_CPUPOOL_OP_RMCPU, 0, 0, cpus, NULL, 0),
             -XEN_EINVAL);
    CHECK_RC(cpupool(XEN_SYSCTL_CPUPOOL_OP_RMCPU, 7, 0, 1, NULL, 0),
             -XEN_ENOENT);
    CHECK_RC(cpupool(XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, 0, 0, 0, NULL, 0),
             -XEN_EPERM);
    CHECK_RC(cpupool(XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, 0, NO_SUCH_DOMAIN, 0,
                     NULL, 0), -XEN_ESRCH);
    CHECK_RC(cpupool(99, 0, 0, 0, map, 64), -XEN_ENOSYS);

    memset(&dop, 0, sizeof(dop));
    dop.cmd = XEN_DOMCTL_createdomain;
    dop.u.createdomain.max_vcpus = 1;
    dop.u.createdomain.max_grant_frames = 1;
    dop.u.createdomain.max_maptrack_frames = 1;
    dop.u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(1);
    CHECK_RC(domctl(&dop), 0);
    dom = dop.domain;
    /* To the pool it is in: nothing to do; to one that does not exist. */
    rc0 = cpupool(XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, 0, dom, 0, NULL, 0);
    rc9 = cpupool(XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, 9, dom, 0, NULL, 0);
    memset(&dop, 0, sizeof(dop));
    dop.cmd = XEN_DOMCTL_destroydomain;
    dop.domain = dom;
    CHECK_RC(domctl(&dop), 0);
    CHECK(rc0 == 0 && rc9 == -XEN_ENOENT, "moves: to 0 %ld, to 9 %ld", rc0,
          rc9);
}

static long cpu_policy(uint32_t index, uint32_t nr_leaves, void *leaves,
                       uint32_t nr_msrs, void *msrs)
{
    memset(&sop, 0, sizeof(sop));
    sop.cmd = XEN_SYSCTL_get_cpu_policy;
    sop.u.cpu_policy.index = index;
    sop.u.cpu_policy.nr_leaves = nr_leaves;
    sop.u.cpu_policy.nr_msrs = nr_msrs;
    set_xen_guest_handle(sop.u.cpu_policy.leaves, leaves);
    set_xen_guest_handle(sop.u.cpu_policy.msrs, msrs);
    return sysctl(&sop);
}

static xen_cpuid_leaf_t leaves[160];
static xen_msr_entry_t msrs[4];

/*
 * The first n leaves hold the subleaves Xen 4.17 serialises: leaf 4's
 * and 0xb's up to the first of type 0 (or the table's end), 0xd's 0 and
 * 1, then one per state component up to the last that XCR0 or XSS has.
 */
static bool leaf_shape(unsigned int n)
{
    uint64_t xstates = 0;
    unsigned int nr_d = 0, want_d;

    for ( unsigned int i = 0; i < n; i++ )
    {
        const xen_cpuid_leaf_t *l = &leaves[i];
        bool last = i + 1 == n || leaves[i + 1].leaf != l->leaf;

        if ( l->leaf == 4 && !(l->a & 0x1f) && !last )
            return false;
        if ( l->leaf == 0xb && !((l->c >> 8) & 0xff) && !last )
            return false;
        if ( l->leaf != 0xd )
            continue;
        nr_d++;
        if ( l->subleaf == 0 )
            xstates |= l->a | ((uint64_t)l->d << 32);
        if ( l->subleaf == 1 )
            xstates |= l->c | ((uint64_t)l->d << 32);
    }
    want_d = xstates >> 2 ? 64 - __builtin_clzll(xstates) : 2;
    return !nr_d || nr_d == want_d;
}

/* Xen 4.17's counts: 120 leaves and 2 MSRs at most, in order. */
TEST(toolstack_ops, cpu_policy)
{
    uint32_t max_leaves, n;

    CHECK_RC(cpu_policy(XEN_SYSCTL_cpu_policy_pv_default, 0, NULL, 0, NULL),
             0);
    max_leaves = sop.u.cpu_policy.nr_leaves;
    CHECK(max_leaves == 120 && sop.u.cpu_policy.nr_msrs == 2,
          "%u leaves, %u MSRs", max_leaves, sop.u.cpu_policy.nr_msrs);
    CHECK_RC(cpu_policy(XEN_SYSCTL_cpu_policy_pv_default, max_leaves, leaves,
                        4, msrs), 0);
    n = sop.u.cpu_policy.nr_leaves;
    CHECK(n > 3 && n <= max_leaves && sop.u.cpu_policy.nr_msrs == 2,
          "%u leaves, %u MSRs", n, sop.u.cpu_policy.nr_msrs);
    CHECK(leaves[0].leaf == 0 && leaves[0].subleaf == XEN_CPUID_NO_SUBLEAF &&
          leaves[0].a >= 1, "first leaf %x/%x max %x", leaves[0].leaf,
          leaves[0].subleaf, leaves[0].a);
    for ( unsigned int i = 1; i < n; i++ )
        CHECK(leaves[i].leaf > leaves[i - 1].leaf ||
              (leaves[i].leaf == leaves[i - 1].leaf &&
               leaves[i].subleaf > leaves[i - 1].subleaf),
              "leaf %u (%x/%x) out of order", i, leaves[i].leaf,
              leaves[i].subleaf);
    CHECK(msrs[0].idx == MSR_INTEL_PLATFORM_INFO &&
          msrs[1].idx == MSR_ARCH_CAPABILITIES && !msrs[0].flags,
          "MSRs %x %x", msrs[0].idx, msrs[1].idx);
    CHECK(leaf_shape(n), "subleaves as Xen serialises them");
    /* The host's policy has leaf 0 too; PV's hides the hypervisor bit. */
    CHECK_RC(cpu_policy(XEN_SYSCTL_cpu_policy_host, max_leaves, leaves,
                        4, msrs), 0);
    CHECK(leaves[0].leaf == 0, "host's first leaf %x", leaves[0].leaf);

    /* Too little room for either; a bad index or reserved field. */
    CHECK_RC(cpu_policy(XEN_SYSCTL_cpu_policy_pv_default, 1, leaves, 4, msrs),
             -XEN_ENOBUFS);
    CHECK_RC(cpu_policy(XEN_SYSCTL_cpu_policy_pv_default, max_leaves, leaves,
                        1, msrs), -XEN_ENOBUFS);
    CHECK_RC(cpu_policy(6, 0, NULL, 0, NULL), -XEN_EINVAL);
    memset(&sop, 0, sizeof(sop));
    sop.cmd = XEN_SYSCTL_get_cpu_policy;
    sop.u.cpu_policy._rsvd = 1;
    CHECK_RC(sysctl(&sop), -XEN_EINVAL);
    CHECK_RC(cpu_policy(XEN_SYSCTL_cpu_policy_pv_default, max_leaves,
                        BAD_PTR, 4, msrs), -XEN_EFAULT);
    CHECK_RC(cpu_policy(XEN_SYSCTL_cpu_policy_pv_default, max_leaves, leaves,
                        4, XEN_PTR), -XEN_EFAULT);
}

/* libxl reads the host's featureset and tolerates a short buffer. */
TEST(toolstack_ops, cpu_featureset)
{
    static uint32_t fs[32];
    uint32_t nr;

    memset(&sop, 0, sizeof(sop));
    sop.cmd = XEN_SYSCTL_get_cpu_featureset;
    CHECK_RC(sysctl(&sop), 0);
    nr = sop.u.cpu_featureset.nr_features;
    CHECK(nr >= 8 && nr <= 32, "%u words", nr);
    sop.u.cpu_featureset.index = XEN_SYSCTL_cpu_featureset_host;
    sop.u.cpu_featureset.nr_features = 32;
    set_xen_guest_handle(sop.u.cpu_featureset.features, fs);
    CHECK_RC(sysctl(&sop), 0);
    CHECK(sop.u.cpu_featureset.nr_features == nr, "%u words of %u",
          sop.u.cpu_featureset.nr_features, nr);
    /* FPU (1d bit 0) on any x86-64 host. */
    CHECK(fs[0] & 1, "1d %x", fs[0]);
    sop.u.cpu_featureset.nr_features = 1;
    CHECK_RC(sysctl(&sop), -XEN_ENOBUFS);
    CHECK(sop.u.cpu_featureset.nr_features == 1, "%u words",
          sop.u.cpu_featureset.nr_features);
    sop.u.cpu_featureset.index = 6;
    sop.u.cpu_featureset.nr_features = 32;
    CHECK_RC(sysctl(&sop), -XEN_EINVAL);
}

/* A new paused PV domain with one vCPU, as xl create starts from. */
static long new_domain(domid_t *dom)
{
    long rc;

    memset(&dop, 0, sizeof(dop));
    dop.cmd = XEN_DOMCTL_createdomain;
    dop.u.createdomain.max_vcpus = 1;
    dop.u.createdomain.max_grant_frames = 1;
    dop.u.createdomain.max_maptrack_frames = 1;
    dop.u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(1);
    if ( (rc = domctl(&dop)) )
        return rc;
    *dom = dop.domain;
    memset(&dop, 0, sizeof(dop));
    dop.cmd = XEN_DOMCTL_max_vcpus;
    dop.domain = *dom;
    dop.u.max_vcpus.max = 1;
    return domctl(&dop);
}

static void destroy(domid_t dom)
{
    memset(&dop, 0, sizeof(dop));
    dop.cmd = XEN_DOMCTL_destroydomain;
    dop.domain = dom;
    domctl(&dop);
}

static long tscinfo(uint32_t cmd, domid_t dom, uint32_t mode, uint32_t khz,
                    uint32_t incarnation)
{
    memset(&dop, 0, sizeof(dop));
    dop.cmd = cmd;
    dop.domain = dom;
    dop.u.tsc_info.tsc_mode = mode;
    dop.u.tsc_info.gtsc_khz = khz;
    dop.u.tsc_info.incarnation = incarnation;
    return domctl(&dop);
}

static void tsc_cases(domid_t dom)
{
    struct xen_domctl_tsc_info *t = &dop.u.tsc_info;

    CHECK_RC(tscinfo(XEN_DOMCTL_gettscinfo, dom, 0, 0, 0), 0);
    /* Default mode, the host's frequency, incarnation 1 (0 plus 1). */
    CHECK(t->tsc_mode == 0 && t->gtsc_khz > 0 && t->incarnation == 1,
          "new: mode %u khz %u incarnation %u", t->tsc_mode, t->gtsc_khz,
          t->incarnation);
    /* Always emulate, at 1 GHz, after five migrations. */
    CHECK_RC(tscinfo(XEN_DOMCTL_settscinfo, dom, 1, 1000000, 5), 0);
    CHECK_RC(tscinfo(XEN_DOMCTL_gettscinfo, dom, 0, 0, 0), 0);
    CHECK(t->tsc_mode == 1 && t->gtsc_khz == 1000000 && t->incarnation == 6,
          "mode %u khz %u incarnation %u", t->tsc_mode, t->gtsc_khz,
          t->incarnation);
    /* Native: no frequency of its own. */
    CHECK_RC(tscinfo(XEN_DOMCTL_settscinfo, dom, 2, 1000000, 0), 0);
    CHECK_RC(tscinfo(XEN_DOMCTL_gettscinfo, dom, 0, 0, 0), 0);
    CHECK(t->tsc_mode == 2 && t->gtsc_khz == 0 && t->elapsed_nsec == 0,
          "mode %u khz %u elapsed %" PRI64 "u", t->tsc_mode, t->gtsc_khz,
          t->elapsed_nsec);
    /* Mode 3 (PVRDTSCP) is gone. */
    CHECK_RC(tscinfo(XEN_DOMCTL_settscinfo, dom, 3, 0, 0), -XEN_EINVAL);
}

/* settscinfo then gettscinfo: the mode, frequency and incarnation kept. */
TEST(toolstack_ops, tscinfo)
{
    domid_t dom;

    CHECK_RC(new_domain(&dom), 0);
    tsc_cases(dom);
    destroy(dom);
    /* Not on ourselves (it would pause us); not on no domain. */
    CHECK_RC(tscinfo(XEN_DOMCTL_gettscinfo, 0, 0, 0, 0), -XEN_EINVAL);
    CHECK_RC(tscinfo(XEN_DOMCTL_settscinfo, 0, 0, 0, 0), -XEN_EINVAL);
    CHECK_RC(tscinfo(XEN_DOMCTL_gettscinfo, NO_SUCH_DOMAIN, 0, 0, 0),
             -XEN_ESRCH);
}

static long nodeaffinity(uint32_t cmd, domid_t dom, void *map,
                         uint32_t nr_bits)
{
    memset(&dop, 0, sizeof(dop));
    dop.cmd = cmd;
    dop.domain = dom;
    set_xen_guest_handle(dop.u.nodeaffinity.nodemap.bitmap, map);
    dop.u.nodeaffinity.nodemap.nr_bits = nr_bits;
    return domctl(&dop);
}

static void node_cases(domid_t dom)
{
    static uint8_t map[16];

    /* New: every node; node 0 given: node 0 alone. */
    memset(map, 0xee, sizeof(map));
    CHECK_RC(nodeaffinity(XEN_DOMCTL_getnodeaffinity, dom, map, 128), 0);
    CHECK(map[0] == 1, "node map %02x", map[0]);
    CHECK(map[8] == 0, "byte 8 of 16: %02x", map[8]);
    memset(map, 0, sizeof(map));
    map[0] = 1;
    CHECK_RC(nodeaffinity(XEN_DOMCTL_setnodeaffinity, dom, map, 8), 0);
    memset(map, 0xee, sizeof(map));
    CHECK_RC(nodeaffinity(XEN_DOMCTL_getnodeaffinity, dom, map, 64), 0);
    CHECK(map[0] == 1 && map[7] == 0, "node map %02x..%02x", map[0],
          map[7]);
    /* Only nodes that do not exist, or none: -EINVAL, nothing changed. */
    memset(map, 0, sizeof(map));
    map[0] = 2;
    CHECK_RC(nodeaffinity(XEN_DOMCTL_setnodeaffinity, dom, map, 8),
             -XEN_EINVAL);
    map[0] = 1;
    CHECK_RC(nodeaffinity(XEN_DOMCTL_setnodeaffinity, dom, map, 0),
             -XEN_EINVAL);
    /* nr_bits 1 keeps only node 0's bit of the byte. */
    map[0] = 0xff;
    CHECK_RC(nodeaffinity(XEN_DOMCTL_setnodeaffinity, dom, map, 1), 0);
    memset(map, 0xee, sizeof(map));
    CHECK_RC(nodeaffinity(XEN_DOMCTL_getnodeaffinity, dom, map, 64), 0);
    CHECK(map[0] == 1, "node map %02x", map[0]);
    CHECK_RC(nodeaffinity(XEN_DOMCTL_setnodeaffinity, dom, BAD_PTR, 8),
             -XEN_EFAULT);
    CHECK_RC(nodeaffinity(XEN_DOMCTL_getnodeaffinity, dom, XEN_PTR, 8),
             -XEN_EFAULT);
}

TEST(toolstack_ops, nodeaffinity)
{
    domid_t dom;

    CHECK_RC(new_domain(&dom), 0);
    node_cases(dom);
    destroy(dom);
    CHECK_RC(nodeaffinity(XEN_DOMCTL_getnodeaffinity, NO_SUCH_DOMAIN, NULL,
                          0), -XEN_ESRCH);
}

static long dom_policy(uint32_t cmd, domid_t dom, uint32_t nr_leaves,
                       void *l, uint32_t nr_msrs, void *m)
{
    memset(&dop, 0, sizeof(dop));
    dop.cmd = cmd;
    dop.domain = dom;
    dop.u.cpu_policy.nr_leaves = nr_leaves;
    dop.u.cpu_policy.nr_msrs = nr_msrs;
    set_xen_guest_handle(dop.u.cpu_policy.leaves, l);
    set_xen_guest_handle(dop.u.cpu_policy.msrs, m);
    dop.u.cpu_policy.err_leaf = dop.u.cpu_policy.err_subleaf =
        dop.u.cpu_policy.err_msr = ~0u;
    return domctl(&dop);
}

static void policy_cases(domid_t dom)
{
    struct xen_domctl_cpu_policy *p = &dop.u.cpu_policy;
    uint32_t n;

    CHECK_RC(dom_policy(XEN_DOMCTL_get_cpu_policy, dom, 0, NULL, 0, NULL), 0);
    CHECK(p->nr_leaves == 120 && p->nr_msrs == 2, "%u leaves, %u MSRs",
          p->nr_leaves, p->nr_msrs);
    CHECK_RC(dom_policy(XEN_DOMCTL_get_cpu_policy, dom, 120, leaves, 4, msrs),
             0);
    n = p->nr_leaves;
    CHECK(n > 3 && n <= 120 && p->nr_msrs == 2, "%u leaves", n);
    /* What libxl does: the policy back as it was, before the domain runs. */
    CHECK_RC(dom_policy(XEN_DOMCTL_set_cpu_policy, dom, n, leaves, 0, NULL),
             0);
    CHECK_RC(dom_policy(XEN_DOMCTL_get_cpu_policy, dom, 1, leaves, 4, msrs),
             -XEN_ENOBUFS);
    /* More than a policy holds; a leaf it has no room for; a bad MSR. */
    CHECK_RC(dom_policy(XEN_DOMCTL_set_cpu_policy, dom, 121, leaves, 0, NULL),
             -XEN_E2BIG);
    leaves[0] = (xen_cpuid_leaf_t){ .leaf = 0x50000000,
                                    .subleaf = XEN_CPUID_NO_SUBLEAF };
    CHECK_RC(dom_policy(XEN_DOMCTL_set_cpu_policy, dom, 1, leaves, 0, NULL),
             -XEN_ERANGE);
    CHECK(p->err_leaf == 0x50000000 && p->err_subleaf == XEN_CPUID_NO_SUBLEAF,
          "err leaf %x/%x", p->err_leaf, p->err_subleaf);
    /* More basic leaves than Xen offers. */
    leaves[0] = (xen_cpuid_leaf_t){ .leaf = 0, .a = 0xd + 1,
                                    .subleaf = XEN_CPUID_NO_SUBLEAF };
    CHECK_RC(dom_policy(XEN_DOMCTL_set_cpu_policy, dom, 1, leaves, 0, NULL),
             -XEN_EINVAL);
    CHECK(p->err_leaf == 0, "err leaf %x/%x", p->err_leaf, p->err_subleaf);
    msrs[0] = (xen_msr_entry_t){ .idx = MSR_INTEL_PLATFORM_INFO, .flags = 1 };
    CHECK_RC(dom_policy(XEN_DOMCTL_set_cpu_policy, dom, 0, leaves, 1, msrs),
             -XEN_EINVAL);
    CHECK(p->err_msr == MSR_INTEL_PLATFORM_INFO, "err msr %x", p->err_msr);
    /* PLATFORM_INFO: 32 bits, none PV max lacks (CPUID faulting too). */
    msrs[0] = (xen_msr_entry_t){ .idx = MSR_INTEL_PLATFORM_INFO,
                                 .val = 1ULL << 32 };
    CHECK_RC(dom_policy(XEN_DOMCTL_set_cpu_policy, dom, 0, leaves, 1, msrs),
             -XEN_EOVERFLOW);
    msrs[0].val = 1UL << 31;
    CHECK_RC(dom_policy(XEN_DOMCTL_set_cpu_policy, dom, 0, leaves, 1, msrs),
             -XEN_EINVAL);
    CHECK(p->err_msr == MSR_INTEL_PLATFORM_INFO, "err msr %x", p->err_msr);
    /* ARCH_CAPABILITIES is 64 bits wide and not audited. */
    msrs[0] = (xen_msr_entry_t){ .idx = MSR_ARCH_CAPABILITIES,
                                 .val = 1ULL << 32 };
    CHECK_RC(dom_policy(XEN_DOMCTL_set_cpu_policy, dom, 0, leaves, 1, msrs),
             0);
    msrs[0] = (xen_msr_entry_t){ .idx = 0x1b };
    CHECK_RC(dom_policy(XEN_DOMCTL_set_cpu_policy, dom, 0, leaves, 1, msrs),
             -XEN_ERANGE);
    CHECK(p->err_msr == 0x1b, "err msr %x", p->err_msr);
    CHECK_RC(dom_policy(XEN_DOMCTL_set_cpu_policy, dom, 1, BAD_PTR, 0, NULL),
             -XEN_EFAULT);
}

TEST(toolstack_ops, domain_cpu_policy)
{
    domid_t dom;

    CHECK_RC(new_domain(&dom), 0);
    policy_cases(dom);
    destroy(dom);
    /* Setting our own policy would pause us. */
    CHECK_RC(dom_policy(XEN_DOMCTL_set_cpu_policy, 0, 0, NULL, 0, NULL),
             -XEN_EINVAL);
}
