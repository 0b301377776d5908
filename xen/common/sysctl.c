/* SPDX-License-Identifier: GPL-2.0-only */
/* sysctl: the toolstack's view of the host (interface 0x15). */
#include <xen/console.h>
#include <xen/cpumask.h>
#include <xen/domctl.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/keyhandler.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/sched-if.h>
#include <xen/string.h>
#include <xen/xmalloc.h>
#include <asm/cpu_policy.h>
#include <asm/cpufeature.h>
#include <asm/e820.h>
#include <asm/smp.h>
#include <asm/time.h>
#include <xsm/xsm.h>

/* At least the console ring's size, so that a copy holds all of it. */
#define CONSOLE_COPY_SIZE (64u << 10)

/*
 * Xen's featureset words 0-7, in its order (1d, 1c, e1d, e1c, Da1, 7b0,
 * 7c0, e7d); the words we do not read stay zero.
 */
static void fill_hw_cap(uint32_t *cap)
{
    cap[0] = boot_cpu_data.features[FEATURE_WORD_1_EDX];
    cap[1] = boot_cpu_data.features[FEATURE_WORD_1_ECX];
    cap[2] = boot_cpu_data.features[FEATURE_WORD_E1_EDX];
    cap[3] = boot_cpu_data.features[FEATURE_WORD_E1_ECX];
    cap[5] = boot_cpu_data.features[FEATURE_WORD_7_0_EBX];
    cap[7] = boot_cpu_data.features[FEATURE_WORD_E7_EDX];
}

static void physinfo(struct xen_sysctl_physinfo *pi)
{
    unsigned int cpu, max_cpu = 0;

    for_each_present_cpu(cpu) max_cpu = cpu;
    memset(pi, 0, sizeof(*pi));
    /*
     * The CPU topology is not parsed yet: every CPU counts as a core of
     * one socket, and all memory as one NUMA node.
     */
    pi->threads_per_core = 1;
    pi->nr_cpus = num_online_cpus();
    pi->cores_per_socket = pi->nr_cpus;
    pi->max_cpu_id = max_cpu;
    pi->nr_nodes = 1;
    pi->max_node_id = 0;
    pi->cpu_khz = cpu_khz;
    /* libxl gives a guest grant tables only if a version is listed. */
    pi->capabilities = XEN_SYSCTL_PHYSCAP_pv | XEN_SYSCTL_PHYSCAP_gnttab_v1;
    pi->total_pages = e820_ram_total(&e820) >> PAGE_SHIFT;
    pi->free_pages = total_free_pages();
    pi->max_mfn = max_page - 1;
    fill_hw_cap(pi->hw_cap);
}

/*
 * The console ring, oldest byte first, as Xen reads it.  With incremental
 * set, index is how far the reader got: exact while the ring has not yet
 * wrapped, after which a reader starts again from the oldest byte kept.
 * "clear" is not supported: the console keeps its ring.
 */
static long read_console(struct xen_sysctl_readconsole *rc)
{
    char *ring = xmalloc_bytes(CONSOLE_COPY_SIZE);
    size_t len, start = 0, n;

    if ( !ring )
        return -ENOMEM;
    len = console_read_ring(ring, CONSOLE_COPY_SIZE);
    if ( rc->incremental && rc->index <= len )
        start = rc->index;
    n = min((size_t)rc->count, len - start);
    if ( n && copy_to_guest(rc->buffer, ring + start, n) )
    {
        xfree(ring);
        return -EFAULT;
    }
    xfree(ring);
    rc->count = n;
    rc->index = start + n;
    return 0;
}

static long domain_info_list(struct xen_sysctl_getdomaininfolist *l)
{
    struct xen_domctl_getdomaininfo info;
    struct domain *d;
    unsigned int id = l->first_domain, num = 0;

    while ( num < l->max_domains && id < DOMID_FIRST_RESERVED &&
            (d = first_domain_from(id)) )
    {
        getdomaininfo(d, &info);
        id = d->domain_id + 1;
        put_domain(d);
        if ( copy_to_guest_offset(l->buffer, num, &info, 1) )
            return -EFAULT;
        num++;
    }
    l->num_domains = num;
    return 0;
}

/* Idle time of CPUs 0 to max_cpus - 1 (those there are), in ns. */
static long cpu_info(struct xen_sysctl_getcpuinfo *ci)
{
    unsigned int cpu, nr = 0;

    for_each_present_cpu(cpu) nr = cpu + 1;
    nr = min(nr, ci->max_cpus);
    for ( cpu = 0; cpu < nr; cpu++ )
    {
        struct xen_sysctl_cpuinfo info = {
            .idletime = cpumask_test_cpu(cpu, &cpu_online_map)
                            ? sched_cpu_idletime(cpu)
                            : 0,
        };

        if ( copy_to_guest_offset(ci->info, cpu, &info, 1) )
            return -EFAULT;
    }
    ci->nr_cpus = nr;
    return 0;
}

/* As if typed on the serial line: how dom0 asks for a dump or an audit. */
static long debug_keys(const struct xen_sysctl_debug_keys *k)
{
    for ( uint32_t i = 0; i < k->nr_keys; i++ )
    {
        char c;

        if ( copy_from_guest_offset(&c, k->keys, i, 1) )
            return -EFAULT;
        handle_keypress(c);
    }
    return 0;
}

/*
 * One NUMA node, node 0, holding every CPU and all memory: what Xen
 * reports on a machine without an ACPI SRAT.  A node's distance to
 * itself is ACPI's 10.
 */
#define NODE_LOCAL_DISTANCE 10

/* CPU ids run up to the last present CPU: Xen's nr_cpu_ids. */
static unsigned int nr_cpu_ids(void)
{
    unsigned int cpu, nr = 0;

    for_each_present_cpu(cpu) nr = cpu + 1;
    return nr;
}

/*
 * A CPU map as Xen writes one: as many bytes as both sides have, then
 * zeros for the rest of the caller's bytes.
 */
static int cpumask_to_guest(struct xenctl_bitmap *b, const cpumask_t *mask)
{
    unsigned int guest_bytes = (b->nr_bits + 7) / 8;
    unsigned int xen_bytes = (nr_cpu_ids() + 7) / 8;

    for ( unsigned int i = 0; i < guest_bytes; i++ )
    {
        uint8_t byte = 0;

        for ( unsigned int bit = 0; i < xen_bytes && bit < 8; bit++ )
            if ( cpumask_test_cpu(i * 8 + bit, mask) )
                byte |= 1u << bit;
        if ( copy_to_guest_offset(b->bitmap, i, &byte, 1) )
            return -EFAULT;
    }
    return 0;
}

/*
 * XEN_SYSCTL_cpupool_op with one pool, Pool-0 (id 0), which holds every
 * online CPU and every domain, and which our scheduler cannot split.
 * The answers are Xen 4.17's: Pool-0 again is -EEXIST; any other new
 * pool -ENOSPC, Xen's answer when it has all the pools it allows; a
 * pool that does not exist -ENOENT, a CPU past the last -EINVAL, one
 * not free to add -ENODEV, CPU 0 or an offline CPU cannot leave Pool-0
 * (-EINVAL).  Taking any other CPU from it is refused as if a domain
 * still needed it (-EBUSY): Xen would free the CPU.
 */
static long cpupool_op(struct xen_sysctl_cpupool_op *op)
{
    struct domain *d;
    unsigned int cpu = op->cpu, n_dom = 0;
    cpumask_t none;

    switch ( op->op )
    {
    case XEN_SYSCTL_CPUPOOL_OP_CREATE:
        return op->cpupool_id ? -ENOSPC : -EEXIST;

    case XEN_SYSCTL_CPUPOOL_OP_DESTROY:
        /* Pool-0 always has dom0 in it. */
        return op->cpupool_id ? -ENOENT : -EBUSY;

    case XEN_SYSCTL_CPUPOOL_OP_INFO:
        /* The first pool with an id at or above the one asked for. */
        if ( op->cpupool_id )
            return -ENOENT;
        for ( domid_t id = 0; (d = first_domain_from(id)); )
        {
            id = d->domain_id + 1;
            put_domain(d);
            n_dom++;
            if ( !id )
                break;
        }
        op->sched_id = scheduler_id();
        op->n_dom = n_dom;
        return cpumask_to_guest(&op->cpumap, &cpu_online_map);

    case XEN_SYSCTL_CPUPOOL_OP_ADDCPU:
        if ( op->cpupool_id )
            return -ENOENT;
        /* No CPU is free: all are in Pool-0. */
        if ( cpu == XEN_SYSCTL_CPUPOOL_PAR_ANY )
            return -ENODEV;
        return cpu >= nr_cpu_ids() ? -EINVAL : -ENODEV;

    case XEN_SYSCTL_CPUPOOL_OP_RMCPU:
        if ( op->cpupool_id )
            return -ENOENT;
        /* "Any" is the pool's last CPU. */
        if ( cpu == XEN_SYSCTL_CPUPOOL_PAR_ANY )
        {
            unsigned int c;

            for_each_online_cpu(c) cpu = c;
        }
        if ( cpu >= nr_cpu_ids() )
            return -EINVAL;
        if ( !cpu || !cpumask_test_cpu(cpu, &cpu_online_map) )
            return -EINVAL;
        return -EBUSY;

    case XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN:
        if ( op->domid >= DOMID_FIRST_RESERVED ||
             !(d = get_domain_by_id(op->domid)) )
            return -ESRCH;
        put_domain(d);
        if ( d == current->domain )
            return -EPERM;
        return op->cpupool_id ? -ENOENT : 0;

    case XEN_SYSCTL_CPUPOOL_OP_FREEINFO:
        cpumask_clear(&none);
        return cpumask_to_guest(&op->cpumap, &none);

    default:
        return -ENOSYS;
    }
}

/*
 * Null handles ask for the node count alone; otherwise up to num_nodes
 * nodes' memory and distances are written and num_nodes says how many.
 */
static long numa_info(struct xen_sysctl_numainfo *ni)
{
    const uint32_t distance = NODE_LOCAL_DISTANCE;
    struct xen_sysctl_meminfo mi = {
        .memsize = e820_ram_total(&e820),
        .memfree = (uint64_t)total_free_pages() << PAGE_SHIFT,
    };
    uint32_t n = 1;

    if ( !guest_handle_is_null(ni->meminfo) ||
         !guest_handle_is_null(ni->distance) )
    {
        n = min(n, ni->num_nodes);
        if ( n && !guest_handle_is_null(ni->meminfo) &&
             copy_to_guest(ni->meminfo, &mi, 1) )
            return -EFAULT;
        if ( n && !guest_handle_is_null(ni->distance) &&
             copy_to_guest(ni->distance, &distance, 1) )
            return -EFAULT;
    }
    ni->num_nodes = n;
    return 0;
}

/*
 * Per CPU id up to the last present CPU (or num_cpus): as physinfo says,
 * each CPU is a core of its own in socket 0, node 0; an absent CPU is
 * XEN_INVALID_* throughout.  A null handle asks for the count.
 */
static long cpu_topo_info(struct xen_sysctl_cputopoinfo *ti)
{
    uint32_t n = nr_cpu_ids();

    if ( !guest_handle_is_null(ti->cputopo) )
    {
        n = min(n, ti->num_cpus);
        for ( uint32_t cpu = 0; cpu < n; cpu++ )
        {
            struct xen_sysctl_cputopo t = {
                .core = XEN_INVALID_CORE_ID,
                .socket = XEN_INVALID_SOCKET_ID,
                .node = XEN_INVALID_NODE_ID,
            };

            if ( cpumask_test_cpu(cpu, &cpu_present_map) )
                t = (struct xen_sysctl_cputopo){ .core = cpu };
            if ( copy_to_guest_offset(ti->cputopo, cpu, &t, 1) )
                return -EFAULT;
        }
    }
    ti->num_cpus = n;
    return 0;
}

/*
 * The NUMA node of each PCI device named: Xen answers XEN_INVALID_DEV for
 * a device it does not know, and no PCI device is known here yet (dom0's
 * PHYSDEVOP_pci_device_add is not taken).  Like Xen, at most 64 devices
 * a call, num_devs then saying how many were done (the toolstack calls
 * again for the rest).
 */
static long pci_topo_info(struct xen_sysctl_pcitopoinfo *ti)
{
    unsigned int i;

    if ( guest_handle_is_null(ti->devs) || guest_handle_is_null(ti->nodes) )
        return -EINVAL;
    for ( i = 0; i < ti->num_devs && i < 64; i++ )
    {
        physdev_pci_device_t dev;
        uint32_t node = XEN_INVALID_DEV;

        if ( copy_from_guest_offset(&dev, ti->devs, i, 1) ||
             copy_to_guest_offset(ti->nodes, i, &node, 1) )
            return -EFAULT;
    }
    ti->num_devs = i;
    return 0;
}

long do_sysctl(XEN_GUEST_HANDLE_PARAM(xen_sysctl_t) u_sysctl)
{
    struct xen_sysctl op;
    bool copy_on_error = false;
    long rc;

    if ( copy_from_guest(&op, u_sysctl, 1) )
        return -EFAULT;
    if ( op.interface_version != XEN_SYSCTL_INTERFACE_VERSION )
        return -EACCES;
    if ( (rc = xsm_sysctl(current->domain, op.cmd)) )
        return rc;

    switch ( op.cmd )
    {
    case XEN_SYSCTL_physinfo:
        physinfo(&op.u.physinfo);
        rc = 0;
        break;
    case XEN_SYSCTL_sched_id:
        op.u.sched_id.sched_id = scheduler_id();
        rc = 0;
        break;
    case XEN_SYSCTL_scheduler_op:
        rc = sched_adjust_global(&op.u.scheduler_op);
        break;
    case XEN_SYSCTL_getcpuinfo:
        rc = cpu_info(&op.u.getcpuinfo);
        break;
    case XEN_SYSCTL_readconsole:
        rc = read_console(&op.u.readconsole);
        break;
    case XEN_SYSCTL_getdomaininfolist:
        rc = domain_info_list(&op.u.getdomaininfolist);
        break;
    case XEN_SYSCTL_debug_keys:
        rc = debug_keys(&op.u.debug_keys);
        break;
    case XEN_SYSCTL_cpupool_op:
        rc = cpupool_op(&op.u.cpupool_op);
        break;
    case XEN_SYSCTL_numainfo:
        rc = numa_info(&op.u.numainfo);
        break;
    case XEN_SYSCTL_cputopoinfo:
        rc = cpu_topo_info(&op.u.cputopoinfo);
        break;
    case XEN_SYSCTL_pcitopoinfo:
        rc = pci_topo_info(&op.u.pcitopoinfo);
        break;
    case XEN_SYSCTL_get_cpu_policy:
        rc = sysctl_cpu_policy(&op.u.cpu_policy, &copy_on_error);
        break;
    case XEN_SYSCTL_get_cpu_featureset:
        rc = sysctl_cpu_featureset(&op.u.cpu_featureset, &copy_on_error);
        break;
    default:
        return -ENOSYS;
    }
    /* Some answers carry counts back even with an error (-ENOBUFS). */
    if ( (!rc || copy_on_error) && copy_to_guest(u_sysctl, &op, 1) )
        rc = -EFAULT;
    return rc;
}
