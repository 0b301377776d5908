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
#include <asm/cpufeature.h>
#include <asm/e820.h>
#include <asm/smp.h>
#include <asm/time.h>

/* At least the console ring's size, so that a copy holds all of it. */
#define CONSOLE_COPY_SIZE   (64u << 10)

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

    for_each_present_cpu(cpu)
        max_cpu = cpu;
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

    for_each_present_cpu(cpu)
        nr = cpu + 1;
    nr = min(nr, ci->max_cpus);
    for ( cpu = 0; cpu < nr; cpu++ )
    {
        struct xen_sysctl_cpuinfo info = {
            .idletime = cpumask_test_cpu(cpu, &cpu_online_map)
                        ? sched_cpu_idletime(cpu) : 0,
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

long do_sysctl(XEN_GUEST_HANDLE_PARAM(xen_sysctl_t) u_sysctl)
{
    struct xen_sysctl op;
    long rc;

    if ( copy_from_guest(&op, u_sysctl, 1) )
        return -EFAULT;
    if ( op.interface_version != XEN_SYSCTL_INTERFACE_VERSION )
        return -EACCES;
    if ( !current->domain->is_privileged )
        return -EPERM;

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
    default:
        return -ENOSYS;
    }
    if ( !rc && copy_to_guest(u_sysctl, &op, 1) )
        rc = -EFAULT;
    return rc;
}
