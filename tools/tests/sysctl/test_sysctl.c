/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for sysctl: privilege, version, and every list's bounds. */
#include <stdlib.h>
#include <asm/config.h>
#include <xen/console.h>
#include <xen/cpumask.h>
#include <xen/domctl.h>
#include <xen/errno.h>
#include <xen/hypercall.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/sched-if.h>
#include <asm/cpu_policy.h>
#include <asm/cpufeature.h>
#include <asm/current.h>
#include <asm/domain.h>
#include <asm/pv/emulate.h>
#include <asm/e820.h>
#include <asm/time.h>
#include <public/sysctl.h>
#include "check.h"
#include "domain_refs.h"

/* Guest memory window where copies fail (include/asm/uaccess.h). */
extern uintptr_t harness_fault_lo, harness_fault_hi;

/* ---- what the hypervisor around sysctl.c would provide ---- */

#define NR_DOMS 4
static struct domain *doms[NR_DOMS];     /* by ascending domid */
static const char ring_text[] = "0123456789abcdefghij";
static long live_allocs;
static bool alloc_fails;

struct cpuinfo_x86 boot_cpu_data;
unsigned long cpu_khz = 2000000;
unsigned long max_page = 0x12345;
struct e820map e820;

void *_xmalloc(unsigned long size, unsigned long align);
void xfree(void *p);

void *_xmalloc(unsigned long size, unsigned long align)
{
    if ( alloc_fails )
        return NULL;
    live_allocs++;
    return malloc(size);
}

void xfree(void *p)
{
    if ( p )
        live_allocs--;
    free(p);
}

size_t console_read_ring(char *buf, size_t size)
{
    size_t n = min(size, sizeof(ring_text) - 1);

    memcpy(buf, ring_text, n);
    return n;
}

struct domain *first_domain_from(domid_t domid)
{
    for ( unsigned int i = 0; i < NR_DOMS; i++ )
        if ( doms[i] && doms[i]->domain_id >= domid )
            return get_domain(doms[i]);
    return NULL;
}

void getdomaininfo(struct domain *d, struct xen_domctl_getdomaininfo *info)
{
    memset(info, 0, sizeof(*info));
    info->domain = d->domain_id;
}

unsigned int scheduler_id(void)
{
    return XEN_SCHEDULER_CREDIT;
}

uint64_t sched_cpu_idletime(unsigned int cpu)
{
    return 1000 + cpu;
}

static unsigned int sched_global_calls;

long sched_adjust_global(struct xen_sysctl_scheduler_op *op)
{
    sched_global_calls++;
    return 0;
}

static char keys_pressed[8];
static unsigned int nr_keys_pressed;

void handle_keypress(unsigned char key)
{
    if ( nr_keys_pressed < sizeof(keys_pressed) )
        keys_pressed[nr_keys_pressed++] = key;
}

unsigned long total_free_pages(void)
{
    return 77;
}

uint64_t e820_ram_total(const struct e820map *m)
{
    return 64ULL << 20;
}

struct domain *get_domain_by_id(domid_t id)
{
    for ( unsigned int i = 0; i < NR_DOMS; i++ )
        if ( doms[i] && doms[i]->domain_id == id )
            return get_domain(doms[i]);
    return NULL;
}

/*
 * A made-up CPU for the PV policy: 0xd basic leaves, leaf 7 with no
 * subleaf past 0, two caches, one topology level, x87/SSE/AVX state,
 * extended leaves to 0x80000008; every other register names itself.
 */
#define PV_LEAVES (10 + 3 + 1 + 2 + 3 + 2 + 9)

void pv_cpuid(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
    *r = (struct cpuid_regs){ leaf, sub, leaf ^ sub, 0x1234 };
    switch ( leaf )
    {
    case 0:
        r->eax = 0xd;
        break;
    case 4:
        r->eax = sub < 2 ? 1 : 0;
        break;
    case 7:
        r->eax = 0;
        break;
    case 0xb:
        r->ecx = sub < 1 ? 1u << 8 : 0;
        break;
    case 0xd:
        if ( sub == 0 )
            r->eax = 7, r->edx = 0;
        else if ( sub == 1 )
            r->ecx = r->edx = 0;
        break;
    case 0x80000000:
        r->eax = 0x80000008;
        break;
    }
}

/* ---- helpers ---- */

static struct domain *dom0, *domU;

static struct domain *make_domain(domid_t id, bool priv)
{
    struct domain *d = calloc(1, sizeof(*d));
    struct vcpu *v = calloc(1, sizeof(*v));

    d->domain_id = id;
    d->is_privileged = priv;
    d->max_vcpus = 1;
    d->vcpu = calloc(1, sizeof(*d->vcpu));
    d->vcpu[0] = v;
    v->domain = d;
    return d;
}

static void run_as(struct domain *d)
{
    get_cpu_info()->current_vcpu = d->vcpu[0];
}

static long sysctl(struct xen_sysctl *op)
{
    return do_sysctl((XEN_GUEST_HANDLE_PARAM(xen_sysctl_t)){ op });
}

static struct xen_sysctl new_op(uint32_t cmd)
{
    struct xen_sysctl op;

    memset(&op, 0xa5, sizeof(op));
    op.cmd = cmd;
    op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return op;
}

static bool refs_balanced(void)
{
    for ( unsigned int i = 0; i < NR_DOMS; i++ )
        if ( doms[i] && doms[i]->refcnt )
            return false;
    return true;
}

static long readconsole(struct xen_sysctl *op, char *buf, uint32_t count,
                        bool incremental, uint32_t index)
{
    *op = new_op(XEN_SYSCTL_readconsole);
    op->u.readconsole.clear = 0;
    op->u.readconsole.incremental = incremental;
    op->u.readconsole.index = index;
    op->u.readconsole.count = count;
    set_xen_guest_handle(op->u.readconsole.buffer, buf);
    return sysctl(op);
}

static long domlist(struct xen_sysctl *op, xen_domctl_getdomaininfo_t *buf,
                    domid_t first, uint32_t max)
{
    *op = new_op(XEN_SYSCTL_getdomaininfolist);
    op->u.getdomaininfolist.first_domain = first;
    op->u.getdomaininfolist.max_domains = max;
    set_xen_guest_handle(op->u.getdomaininfolist.buffer, buf);
    return sysctl(op);
}

static long cpuinfo(struct xen_sysctl *op, xen_sysctl_cpuinfo_t *buf,
                    uint32_t max)
{
    *op = new_op(XEN_SYSCTL_getcpuinfo);
    op->u.getcpuinfo.max_cpus = max;
    set_xen_guest_handle(op->u.getcpuinfo.info, buf);
    return sysctl(op);
}

static long numainfo(struct xen_sysctl *op, uint32_t num, void *mi,
                     void *dist)
{
    *op = new_op(XEN_SYSCTL_numainfo);
    op->u.numainfo.num_nodes = num;
    set_xen_guest_handle(op->u.numainfo.meminfo, mi);
    set_xen_guest_handle(op->u.numainfo.distance, dist);
    return sysctl(op);
}

static long cputopo(struct xen_sysctl *op, uint32_t num, void *buf)
{
    *op = new_op(XEN_SYSCTL_cputopoinfo);
    op->u.cputopoinfo.num_cpus = num;
    set_xen_guest_handle(op->u.cputopoinfo.cputopo, buf);
    return sysctl(op);
}

static long pool(struct xen_sysctl *op, uint32_t cmd, uint32_t id,
                 uint32_t domid, uint32_t cpu, void *map, uint32_t nr_bits)
{
    *op = new_op(XEN_SYSCTL_cpupool_op);
    op->u.cpupool_op.op = cmd;
    op->u.cpupool_op.cpupool_id = id;
    op->u.cpupool_op.domid = domid;
    op->u.cpupool_op.cpu = cpu;
    set_xen_guest_handle(op->u.cpupool_op.cpumap.bitmap, map);
    op->u.cpupool_op.cpumap.nr_bits = nr_bits;
    return sysctl(op);
}

static long policy(struct xen_sysctl *op, uint32_t index, uint32_t nl,
                   void *l, uint32_t nm, void *m)
{
    *op = new_op(XEN_SYSCTL_get_cpu_policy);
    op->u.cpu_policy.index = index;
    op->u.cpu_policy._rsvd = 0;
    op->u.cpu_policy.nr_leaves = nl;
    op->u.cpu_policy.nr_msrs = nm;
    set_xen_guest_handle(op->u.cpu_policy.leaves, l);
    set_xen_guest_handle(op->u.cpu_policy.msrs, m);
    return sysctl(op);
}

static long featureset(struct xen_sysctl *op, uint32_t index, uint32_t nr,
                       void *buf)
{
    *op = new_op(XEN_SYSCTL_get_cpu_featureset);
    op->u.cpu_featureset.index = index;
    op->u.cpu_featureset.nr_features = nr;
    set_xen_guest_handle(op->u.cpu_featureset.features, buf);
    return sysctl(op);
}

static void fault_on(const void *p, size_t len)
{
    harness_fault_lo = (uintptr_t)p;
    harness_fault_hi = harness_fault_lo + len;
}

static void fault_off(void)
{
    harness_fault_lo = harness_fault_hi = 0;
}

static xen_cpuid_leaf_t leaves[CPUID_MAX_SERIALISED_LEAVES + 2];
static xen_msr_entry_t msrs[4];

static void test_toolstack_ops(void)
{
    struct xen_sysctl op;

    CASE("numainfo: null handles ask for the count, one node")
    {
        struct xen_sysctl_meminfo mi[2];
        uint32_t dist[4];

        run_as(dom0);
        CHECK_EQ(numainfo(&op, 0, NULL, NULL), 0);
        CHECK_EQ(op.u.numainfo.num_nodes, 1);
        memset(mi, 0xee, sizeof(mi));
        memset(dist, 0xee, sizeof(dist));
        CHECK_EQ(numainfo(&op, 2, mi, dist), 0);
        CHECK_EQ(op.u.numainfo.num_nodes, 1);
        CHECK_EQ(mi[0].memsize, 64ULL << 20);
        CHECK_EQ(mi[0].memfree, 77ULL << PAGE_SHIFT);
        CHECK_EQ(dist[0], 10);
        CHECK_EQ(mi[1].memsize, 0xeeeeeeeeeeeeeeeeULL);
        CHECK_EQ(dist[1], 0xeeeeeeee);
        /* Either handle alone; no room at all. */
        CHECK_EQ(numainfo(&op, 1, NULL, dist), 0);
        CHECK_EQ(op.u.numainfo.num_nodes, 1);
        memset(mi, 0xee, sizeof(mi));
        CHECK_EQ(numainfo(&op, 0, mi, dist), 0);
        CHECK_EQ(op.u.numainfo.num_nodes, 0);
        CHECK_EQ(mi[0].memsize, 0xeeeeeeeeeeeeeeeeULL);
    }

    CASE("numainfo: an unwritable buffer is -EFAULT, the count unchanged")
    {
        struct xen_sysctl_meminfo mi;
        uint32_t dist;

        run_as(dom0);
        fault_on(&mi, sizeof(mi));
        CHECK_EQ(numainfo(&op, 1, &mi, &dist), -EFAULT);
        CHECK_EQ(op.u.numainfo.num_nodes, 1);
        fault_on(&dist, sizeof(dist));
        CHECK_EQ(numainfo(&op, 5, NULL, &dist), -EFAULT);
        CHECK_EQ(op.u.numainfo.num_nodes, 5);
        fault_off();
    }

    CASE("cputopoinfo: every CPU id to the last present, absent ones invalid")
    {
        struct xen_sysctl_cputopo t[5];

        run_as(dom0);
        CHECK_EQ(cputopo(&op, 0, NULL), 0);
        CHECK_EQ(op.u.cputopoinfo.num_cpus, 3);
        /* CPU 1 offline is still there; make it absent for a while. */
        cpumask_clear_cpu(1, &cpu_present_map);
        memset(t, 0xee, sizeof(t));
        CHECK_EQ(cputopo(&op, 5, t), 0);
        CHECK_EQ(op.u.cputopoinfo.num_cpus, 3);
        CHECK_EQ(t[0].core, 0);
        CHECK_EQ(t[0].socket, 0);
        CHECK_EQ(t[0].node, 0);
        CHECK_EQ(t[1].core, XEN_INVALID_CORE_ID);
        CHECK_EQ(t[1].socket, XEN_INVALID_SOCKET_ID);
        CHECK_EQ(t[1].node, XEN_INVALID_NODE_ID);
        CHECK_EQ(t[2].core, 2);
        CHECK_EQ(t[3].core, 0xeeeeeeee);
        cpumask_set_cpu(1, &cpu_present_map);
        memset(t, 0xee, sizeof(t));
        CHECK_EQ(cputopo(&op, 2, t), 0);
        CHECK_EQ(op.u.cputopoinfo.num_cpus, 2);
        CHECK_EQ(t[1].core, 1);
        CHECK_EQ(t[2].core, 0xeeeeeeee);
        fault_on(&t[1], sizeof(t[1]));
        CHECK_EQ(cputopo(&op, 5, t), -EFAULT);
        fault_off();
    }

    CASE("pcitopoinfo: no device known, 64 a call, null handles refused")
    {
        physdev_pci_device_t devs[70] = { { .bus = 0, .devfn = 8 } };
        uint32_t nodes[70];

        run_as(dom0);
        memset(nodes, 0xee, sizeof(nodes));
        op = new_op(XEN_SYSCTL_pcitopoinfo);
        op.u.pcitopoinfo.num_devs = 2;
        set_xen_guest_handle(op.u.pcitopoinfo.devs, devs);
        set_xen_guest_handle(op.u.pcitopoinfo.nodes, nodes);
        CHECK_EQ(sysctl(&op), 0);
        CHECK_EQ(op.u.pcitopoinfo.num_devs, 2);
        CHECK_EQ(nodes[0], XEN_INVALID_DEV);
        CHECK_EQ(nodes[1], XEN_INVALID_DEV);
        CHECK_EQ(nodes[2], 0xeeeeeeee);
        /* More than 64: the first 64, and the count says so. */
        op.u.pcitopoinfo.num_devs = 70;
        CHECK_EQ(sysctl(&op), 0);
        CHECK_EQ(op.u.pcitopoinfo.num_devs, 64);
        CHECK_EQ(nodes[63], XEN_INVALID_DEV);
        CHECK_EQ(nodes[64], 0xeeeeeeee);
        op.u.pcitopoinfo.num_devs = 0;
        CHECK_EQ(sysctl(&op), 0);
        CHECK_EQ(op.u.pcitopoinfo.num_devs, 0);
        /* A bad device list or node array is -EFAULT, the count kept. */
        op.u.pcitopoinfo.num_devs = 3;
        fault_on(&devs[1], sizeof(devs[1]));
        CHECK_EQ(sysctl(&op), -EFAULT);
        fault_off();
        fault_on(&nodes[2], sizeof(nodes[2]));
        CHECK_EQ(sysctl(&op), -EFAULT);
        fault_off();
        CHECK_EQ(op.u.pcitopoinfo.num_devs, 3);
        set_xen_guest_handle(op.u.pcitopoinfo.nodes, NULL);
        CHECK_EQ(sysctl(&op), -EINVAL);
        set_xen_guest_handle(op.u.pcitopoinfo.nodes, nodes);
        set_xen_guest_handle(op.u.pcitopoinfo.devs, NULL);
        CHECK_EQ(sysctl(&op), -EINVAL);
        /* An old interface version is refused before anything. */
        set_xen_guest_handle(op.u.pcitopoinfo.devs, devs);
        op.interface_version--;
        CHECK_EQ(sysctl(&op), -EACCES);
    }

    CASE("cpupool INFO: Pool-0, its CPUs, its domains, a map cut to size")
    {
        uint8_t map[4];

        run_as(dom0);
        memset(map, 0xee, sizeof(map));
        CHECK_EQ(pool(&op, XEN_SYSCTL_CPUPOOL_OP_INFO, 0, 0, 0, map, 32), 0);
        CHECK_EQ(op.u.cpupool_op.cpupool_id, 0);
        CHECK_EQ(op.u.cpupool_op.sched_id, XEN_SCHEDULER_CREDIT);
        CHECK_EQ(op.u.cpupool_op.n_dom, NR_DOMS);
        CHECK_EQ(map[0], 0x05);
        CHECK_EQ(map[1], 0);
        CHECK_EQ(map[3], 0);
        memset(map, 0xee, sizeof(map));
        CHECK_EQ(pool(&op, XEN_SYSCTL_CPUPOOL_OP_INFO, 0, 0, 0, map, 8), 0);
        CHECK_EQ(map[0], 0x05);
        CHECK_EQ(map[1], 0xee);
        CHECK_EQ(pool(&op, XEN_SYSCTL_CPUPOOL_OP_INFO, 0, 0, 0, map, 0), 0);
        CHECK_EQ(map[0], 0x05);
        CHECK_EQ(pool(&op, XEN_SYSCTL_CPUPOOL_OP_INFO, 1, 0, 0, map, 8),
                 -ENOENT);
        CHECK_EQ(pool(&op, XEN_SYSCTL_CPUPOOL_OP_INFO,
                      XEN_SYSCTL_CPUPOOL_PAR_ANY, 0, 0, map, 8), -ENOENT);
        fault_on(map, 1);
        CHECK_EQ(pool(&op, XEN_SYSCTL_CPUPOOL_OP_INFO, 0, 0, 0, map, 8),
                 -EFAULT);
        fault_off();
        memset(map, 0xee, sizeof(map));
        CHECK_EQ(pool(&op, XEN_SYSCTL_CPUPOOL_OP_FREEINFO, 0, 0, 0, map, 16),
                 0);
        CHECK_EQ(map[0], 0);
        CHECK_EQ(map[1], 0);
        CHECK_EQ(map[2], 0xee);
        /* All CPUs present, a map longer than the mask: no read past it. */
        {
            cpumask_t present = cpu_present_map, online = cpu_online_map;
            uint8_t big[NR_CPUS / 8 + 1];

            cpumask_setall(&cpu_present_map);
            cpumask_setall(&cpu_online_map);
            memset(big, 0xee, sizeof(big));
            CHECK_EQ(pool(&op, XEN_SYSCTL_CPUPOOL_OP_INFO, 0, 0, 0, big,
                          8 * sizeof(big)), 0);
            CHECK_EQ(big[NR_CPUS / 8 - 1], 0xff);
            CHECK_EQ(big[NR_CPUS / 8], 0);
            cpu_present_map = present;
            cpu_online_map = online;
        }
        CHECK(refs_balanced());
    }

    CASE("cpupool: Xen's errnos for what one pool cannot do")
    {
        run_as(dom0);
        CHECK_EQ(pool(&op, XEN_SYSCTL_CPUPOOL_OP_CREATE, 0, 0, 0, NULL, 0),
                 -EEXIST);
        CHECK_EQ(pool(&op, XEN_SYSCTL_CPUPOOL_OP_CREATE,
                      XEN_SYSCTL_CPUPOOL_PAR_ANY, 0, 0, NULL, 0), -ENOSPC);
        CHECK_EQ(pool(&op, XEN_SYSCTL_CPUPOOL_OP_DESTROY, 0, 0, 0, NULL, 0),
                 -EBUSY);
        CHECK_EQ(pool(&op, XEN_SYSCTL_CPUPOOL_OP_DESTROY, 2, 0, 0, NULL, 0),
                 -ENOENT);
        /* ADDCPU: no pool; no free CPU; past the last; offline; in use. */
        CHECK_EQ(pool(&op, XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 2, 0, 0, NULL, 0),
                 -ENOENT);
        CHECK_EQ(pool(&op, XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 0, 0,
                      XEN_SYSCTL_CPUPOOL_PAR_ANY, NULL, 0), -ENODEV);
        CHECK_EQ(pool(&op, XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 0, 0, 3, NULL, 0),
                 -EINVAL);
        CHECK_EQ(pool(&op, XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 0, 0, 1, NULL, 0),
                 -ENODEV);
        CHECK_EQ(pool(&op, XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 0, 0, 2, NULL, 0),
                 -ENODEV);
        /* RMCPU: CPU 0, an offline CPU, one past the last, one in use. */
        CHECK_EQ(pool(&op, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 2, 0, 2, NULL, 0),
                 -ENOENT);
        CHECK_EQ(pool(&op, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 0, 0, 0, NULL, 0),
                 -EINVAL);
        CHECK_EQ(pool(&op, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 0, 0, 1, NULL, 0),
                 -EINVAL);
        CHECK_EQ(pool(&op, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 0, 0, 3, NULL, 0),
                 -EINVAL);
        CHECK_EQ(pool(&op, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 0, 0, 2, NULL, 0),
                 -EBUSY);
        CHECK_EQ(pool(&op, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 0, 0,
                      XEN_SYSCTL_CPUPOOL_PAR_ANY, NULL, 0), -EBUSY);
        /* MOVEDOMAIN: ourselves, no such domain, in place, nowhere. */
        CHECK_EQ(pool(&op, XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, 0, 0, 0, NULL, 0),
                 -EPERM);
        CHECK_EQ(pool(&op, XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, 0, 2, 0, NULL, 0),
                 -ESRCH);
        CHECK_EQ(pool(&op, XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, 0,
                      DOMID_SELF, 0, NULL, 0), -ESRCH);
        CHECK_EQ(pool(&op, XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, 0, 1, 0, NULL, 0),
                 0);
        CHECK_EQ(pool(&op, XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, 4, 1, 0, NULL, 0),
                 -ENOENT);
        CHECK_EQ(pool(&op, 99, 0, 0, 0, NULL, 0), -ENOSYS);
        CHECK(refs_balanced());
    }

    CASE("get_cpu_policy: null handles give Xen 4.17's largest counts")
    {
        run_as(dom0);
        CHECK_EQ(policy(&op, XEN_SYSCTL_cpu_policy_raw, 0, NULL, 0, NULL), 0);
        CHECK_EQ(op.u.cpu_policy.nr_leaves, 120);
        CHECK_EQ(op.u.cpu_policy.nr_msrs, 2);
        CHECK_EQ(live_allocs, 0);
    }

    CASE("get_cpu_policy: the PV default, in Xen's order, all of it")
    {
        run_as(dom0);
        memset(leaves, 0xee, sizeof(leaves));
        CHECK_EQ(policy(&op, XEN_SYSCTL_cpu_policy_pv_default,
                        ARRAY_SIZE(leaves), leaves, 4, msrs), 0);
        CHECK_EQ(op.u.cpu_policy.nr_leaves, PV_LEAVES);
        CHECK_EQ(op.u.cpu_policy.nr_msrs, 2);
        CHECK_EQ(leaves[0].leaf, 0);
        CHECK_EQ(leaves[0].subleaf, XEN_CPUID_NO_SUBLEAF);
        CHECK_EQ(leaves[0].a, 0xd);
        /* Leaf 4: two caches, then the subleaf of type 0 that ends them. */
        CHECK_EQ(leaves[4].leaf, 4);
        CHECK_EQ(leaves[4].subleaf, 0);
        CHECK_EQ(leaves[5].a, 1);
        CHECK_EQ(leaves[6].subleaf, 2);
        CHECK_EQ(leaves[6].a, 0);
        CHECK_EQ(leaves[6].d, 0);
        CHECK_EQ(leaves[7].leaf, 5);
        /* Leaf 0xd: subleaves 0 and 1, then x87, SSE, AVX: up to 2. */
        for ( unsigned int i = 1; i < PV_LEAVES; i++ )
        {
            const xen_cpuid_leaf_t *l = &leaves[i];

            CHECK(l->leaf > l[-1].leaf ||
                  (l->leaf == l[-1].leaf && l->subleaf > l[-1].subleaf));
            if ( l->leaf == 0xd || l->leaf == 0xb )
                CHECK(l->subleaf <= 2);
            if ( l->leaf == 0xd && l->subleaf == 2 )
                CHECK_EQ(l->b, 2);
        }
        CHECK_EQ(leaves[PV_LEAVES - 11].leaf, 0x40000000);
        CHECK_EQ(leaves[PV_LEAVES - 10].leaf, 0x40000100);
        CHECK_EQ(leaves[PV_LEAVES - 1].leaf, 0x80000008);
        CHECK_EQ(leaves[PV_LEAVES].leaf, 0xeeeeeeee);
        CHECK_EQ(msrs[0].idx, 0xce);
        CHECK_EQ(msrs[1].idx, 0x10a);
        CHECK_EQ(msrs[1].flags, 0);
        CHECK_EQ(live_allocs, 0);
    }

    CASE("get_cpu_policy: -ENOBUFS when short, counts back as Xen's")
    {
        run_as(dom0);
        memset(leaves, 0xee, sizeof(leaves));
        CHECK_EQ(policy(&op, XEN_SYSCTL_cpu_policy_pv_default, 3, leaves,
                        4, msrs), -ENOBUFS);
        /* What fitted was written; the counts stay as they were. */
        CHECK_EQ(leaves[2].leaf, 2);
        CHECK_EQ(leaves[3].leaf, 0xeeeeeeee);
        CHECK_EQ(op.u.cpu_policy.nr_leaves, 3);
        CHECK_EQ(op.u.cpu_policy.nr_msrs, 4);
        /* The leaves fit, the MSRs do not: the leaf count comes back. */
        CHECK_EQ(policy(&op, XEN_SYSCTL_cpu_policy_pv_default,
                        ARRAY_SIZE(leaves), leaves, 1, msrs), -ENOBUFS);
        CHECK_EQ(op.u.cpu_policy.nr_leaves, PV_LEAVES);
        CHECK_EQ(op.u.cpu_policy.nr_msrs, 1);
        CHECK_EQ(policy(&op, XEN_SYSCTL_cpu_policy_pv_default,
                        PV_LEAVES - 1, leaves, 0, NULL), -ENOBUFS);
        CHECK_EQ(policy(&op, XEN_SYSCTL_cpu_policy_pv_default,
                        PV_LEAVES, leaves, 0, NULL), 0);
        CHECK_EQ(live_allocs, 0);
    }

    CASE("get_cpu_policy: bad index, reserved field, no HVM, bad buffers")
    {
        run_as(dom0);
        CHECK_EQ(policy(&op, 6, 0, NULL, 0, NULL), -EINVAL);
        CHECK_EQ(policy(&op, ~0u, 0, NULL, 0, NULL), -EINVAL);
        op = new_op(XEN_SYSCTL_get_cpu_policy);
        op.u.cpu_policy.index = 0;
        op.u.cpu_policy._rsvd = 1;
        CHECK_EQ(sysctl(&op), -EINVAL);
        CHECK_EQ(policy(&op, XEN_SYSCTL_cpu_policy_hvm_max, 0, NULL, 0, NULL),
                 -EOPNOTSUPP);
        CHECK_EQ(policy(&op, XEN_SYSCTL_cpu_policy_hvm_default, 0, NULL, 0,
                        NULL), -EOPNOTSUPP);
        fault_on(&leaves[1], sizeof(leaves[1]));
        CHECK_EQ(policy(&op, XEN_SYSCTL_cpu_policy_pv_max,
                        ARRAY_SIZE(leaves), leaves, 4, msrs), -EFAULT);
        fault_on(&msrs[1], sizeof(msrs[1]));
        CHECK_EQ(policy(&op, XEN_SYSCTL_cpu_policy_pv_max,
                        ARRAY_SIZE(leaves), leaves, 4, msrs), -EFAULT);
        fault_off();
        /* The real CPU's, whatever it is: leaf 0 first, 0x40000000 in. */
        CHECK_EQ(policy(&op, XEN_SYSCTL_cpu_policy_host, ARRAY_SIZE(leaves),
                        leaves, 4, msrs), 0);
        CHECK(op.u.cpu_policy.nr_leaves >= 3);
        CHECK_EQ(leaves[0].leaf, 0);
        alloc_fails = true;
        CHECK_EQ(policy(&op, XEN_SYSCTL_cpu_policy_host, ARRAY_SIZE(leaves),
                        leaves, 4, msrs), -ENOMEM);
        alloc_fails = false;
        CHECK_EQ(live_allocs, 0);
    }

    CASE("get_cpu_featureset: the count, the words, -ENOBUFS with the count")
    {
        uint32_t fs[FSCAPINTS + 1];

        run_as(dom0);
        CHECK_EQ(featureset(&op, 0, 0, NULL), 0);
        CHECK_EQ(op.u.cpu_featureset.nr_features, FSCAPINTS);
        memset(fs, 0xee, sizeof(fs));
        CHECK_EQ(featureset(&op, XEN_SYSCTL_cpu_featureset_pv, FSCAPINTS + 1,
                            fs), 0);
        CHECK_EQ(op.u.cpu_featureset.nr_features, FSCAPINTS);
        CHECK_EQ(fs[0], 0x1234);        /* leaf 1 EDX */
        CHECK_EQ(fs[1], 1);             /* leaf 1 ECX */
        CHECK_EQ(fs[6], 7);             /* leaf 7 ECX */
        CHECK_EQ(fs[8], 0);
        CHECK_EQ(fs[FSCAPINTS], 0xeeeeeeee);
        memset(fs, 0xee, sizeof(fs));
        CHECK_EQ(featureset(&op, XEN_SYSCTL_cpu_featureset_pv, 2, fs),
                 -ENOBUFS);
        CHECK_EQ(op.u.cpu_featureset.nr_features, 2);
        CHECK_EQ(fs[1], 1);
        CHECK_EQ(fs[2], 0xeeeeeeee);
        CHECK_EQ(featureset(&op, 6, FSCAPINTS, fs), -EINVAL);
        CHECK_EQ(featureset(&op, XEN_SYSCTL_cpu_featureset_hvm, FSCAPINTS,
                            fs), -EOPNOTSUPP);
        fault_on(fs, 4);
        CHECK_EQ(featureset(&op, XEN_SYSCTL_cpu_featureset_host, FSCAPINTS,
                            fs), -EFAULT);
        fault_off();
        CHECK_EQ(live_allocs, 0);
    }
}

/* domctl's halves, called as arch_do_domctl would, on a domain of ours. */
static long dom_policy(struct domain *d, bool set,
                       struct xen_domctl_cpu_policy *p, uint32_t nl,
                       void *l, uint32_t nm, void *m, bool *copyback)
{
    memset(p, 0, sizeof(*p));
    p->nr_leaves = nl;
    p->nr_msrs = nm;
    set_xen_guest_handle(p->leaves, l);
    set_xen_guest_handle(p->msrs, m);
    p->err_leaf = p->err_subleaf = p->err_msr = 0x55;
    *copyback = false;
    return set ? domctl_set_cpu_policy(d, p, copyback)
               : domctl_get_cpu_policy(d, p, copyback);
}

static void test_domain_policy(void)
{
    struct xen_domctl_cpu_policy p;
    struct domain *d = doms[2];
    bool cb;

    memset(&d->arch, 0, sizeof(d->arch));
    d->state = DOMSTATE_creating;

    CASE("domctl get_cpu_policy: the PV default until one is set")
    {
        run_as(dom0);
        CHECK_EQ(dom_policy(d, false, &p, 0, NULL, 0, NULL, &cb), 0);
        CHECK(cb);
        CHECK_EQ(p.nr_leaves, 120);
        CHECK_EQ(p.nr_msrs, 2);
        CHECK_EQ(dom_policy(d, false, &p, ARRAY_SIZE(leaves), leaves, 4,
                            msrs, &cb), 0);
        CHECK_EQ(p.nr_leaves, PV_LEAVES);
        CHECK_EQ(p.nr_msrs, 2);
        CHECK_EQ(dom_policy(d, false, &p, 2, leaves, 4, msrs, &cb), -ENOBUFS);
        CHECK(!cb);
        CHECK_EQ(dom_policy(d, false, &p, PV_LEAVES, leaves, 1, msrs, &cb),
                 -ENOBUFS);
        CHECK_EQ(live_allocs, 0);
    }

    CASE("domctl set_cpu_policy: merged, trimmed, kept and read back")
    {
        xen_cpuid_leaf_t l[2] = {
            { .leaf = 0, .subleaf = XEN_CPUID_NO_SUBLEAF, .a = 7 },
            { .leaf = 0x80000001, .subleaf = XEN_CPUID_NO_SUBLEAF,
              .c = 0xabc },
        };
        xen_msr_entry_t m = { .idx = 0x10a, .val = 0x42 };

        run_as(dom0);
        CHECK_EQ(dom_policy(d, true, &p, 2, l, 1, &m, &cb), 0);
        CHECK(!cb);
        CHECK(d->arch.cpu_policy);
        /* The domain's policy is the one allocation left. */
        CHECK_EQ(live_allocs, 1);
        /* Basic leaves to 7 only: 0-3, 4's three, 5, 6, 7's one. */
        CHECK_EQ(dom_policy(d, false, &p, ARRAY_SIZE(leaves), leaves, 4,
                            msrs, &cb), 0);
        CHECK_EQ(p.nr_leaves, 4 + 3 + 2 + 1 + 2 + 9);
        CHECK_EQ(leaves[0].a, 7);
        CHECK_EQ(leaves[13].leaf, 0x80000001);
        CHECK_EQ(leaves[13].c, 0xabc);
        CHECK_EQ(msrs[1].val, 0x42);
        /* Setting it again reuses it. */
        CHECK_EQ(dom_policy(d, true, &p, 2, l, 1, &m, &cb), 0);
        CHECK_EQ(live_allocs, 1);
    }

    CASE("domctl set_cpu_policy: Xen's errnos and the err_* it names")
    {
        xen_cpuid_leaf_t l = { .leaf = 4, .subleaf = 6 };
        xen_msr_entry_t m = { .idx = 0xce, .flags = 1 };

        run_as(dom0);
        CHECK_EQ(dom_policy(d, true, &p, 121, leaves, 0, NULL, &cb), -E2BIG);
        CHECK(cb);
        CHECK_EQ(p.err_leaf, ~0u);
        CHECK_EQ(dom_policy(d, true, &p, 0, NULL, 3, msrs, &cb), -E2BIG);
        CHECK_EQ(dom_policy(d, true, &p, 1, &l, 0, NULL, &cb), -ERANGE);
        CHECK_EQ(p.err_leaf, 4);
        CHECK_EQ(p.err_subleaf, 6);
        CHECK_EQ(p.err_msr, ~0u);
        l = (xen_cpuid_leaf_t){ .leaf = 0x40000000, .subleaf = 0 };
        CHECK_EQ(dom_policy(d, true, &p, 1, &l, 0, NULL, &cb), -ERANGE);
        l = (xen_cpuid_leaf_t){ .leaf = 0x80000022,
                                .subleaf = XEN_CPUID_NO_SUBLEAF };
        CHECK_EQ(dom_policy(d, true, &p, 1, &l, 0, NULL, &cb), -ERANGE);
        CHECK_EQ(p.err_leaf, 0x80000022);
        CHECK_EQ(dom_policy(d, true, &p, 0, NULL, 1, &m, &cb), -EINVAL);
        CHECK_EQ(p.err_msr, 0xce);
        m = (xen_msr_entry_t){ .idx = 0xce, .val = 1ULL << 32 };
        CHECK_EQ(dom_policy(d, true, &p, 0, NULL, 1, &m, &cb), -EOVERFLOW);
        m = (xen_msr_entry_t){ .idx = 0x10a, .val = 1ULL << 40 };
        CHECK_EQ(dom_policy(d, true, &p, 0, NULL, 1, &m, &cb), 0);
        m = (xen_msr_entry_t){ .idx = 0x1b };
        CHECK_EQ(dom_policy(d, true, &p, 0, NULL, 1, &m, &cb), -ERANGE);
        CHECK_EQ(p.err_msr, 0x1b);
        /* Beyond the maximum policy: more leaves, or a new MSR bit. */
        l = (xen_cpuid_leaf_t){ .leaf = 0, .subleaf = XEN_CPUID_NO_SUBLEAF,
                                .a = 0xe };
        CHECK_EQ(dom_policy(d, true, &p, 1, &l, 0, NULL, &cb), -EINVAL);
        CHECK_EQ(p.err_leaf, 0);
        CHECK_EQ(p.err_subleaf, XEN_CPUID_NO_SUBLEAF);
        l = (xen_cpuid_leaf_t){ .leaf = 0x80000000,
                                .subleaf = XEN_CPUID_NO_SUBLEAF,
                                .a = 0x80000009 };
        CHECK_EQ(dom_policy(d, true, &p, 1, &l, 0, NULL, &cb), -EINVAL);
        CHECK_EQ(p.err_leaf, 0x80000000);
        m = (xen_msr_entry_t){ .idx = 0xce, .val = 1 };
        CHECK_EQ(dom_policy(d, true, &p, 0, NULL, 1, &m, &cb), -EINVAL);
        CHECK_EQ(p.err_msr, 0xce);
        fault_on(&leaves[0], sizeof(leaves[0]));
        CHECK_EQ(dom_policy(d, true, &p, 1, leaves, 0, NULL, &cb), -EFAULT);
        fault_off();
        /* Nothing of that changed the policy set before. */
        CHECK_EQ(dom_policy(d, false, &p, ARRAY_SIZE(leaves), leaves, 4,
                            msrs, &cb), 0);
        CHECK_EQ(leaves[0].a, 7);
        CHECK_EQ(live_allocs, 1);
    }

    CASE("domctl set_cpu_policy: not on ourselves, not once it ran")
    {
        run_as(dom0);
        memset(&dom0->arch, 0, sizeof(dom0->arch));
        CHECK_EQ(dom_policy(dom0, true, &p, 0, NULL, 0, NULL, &cb), -EINVAL);
        CHECK(!cb);
        d->state = DOMSTATE_running;
        CHECK_EQ(dom_policy(d, true, &p, 0, NULL, 0, NULL, &cb), -EEXIST);
        CHECK(!cb);
        alloc_fails = true;
        d->state = DOMSTATE_creating;
        CHECK_EQ(dom_policy(d, true, &p, 0, NULL, 0, NULL, &cb), -ENOMEM);
        alloc_fails = false;
        CHECK_EQ(live_allocs, 1);
    }

    CASE("domctl cpu policy: a dying domain's goes, the default is back")
    {
        run_as(dom0);
        domain_cpu_policy_free(d);
        CHECK(!d->arch.cpu_policy);
        CHECK_EQ(live_allocs, 0);
        CHECK_EQ(dom_policy(d, false, &p, ARRAY_SIZE(leaves), leaves, 4,
                            msrs, &cb), 0);
        CHECK_EQ(p.nr_leaves, PV_LEAVES);
        domain_cpu_policy_free(d);
        CHECK_EQ(live_allocs, 0);
    }
}

int main(void)
{
    struct xen_sysctl op, before;

    dom0 = doms[0] = make_domain(0, true);
    domU = doms[1] = make_domain(1, false);
    doms[2] = make_domain(5, false);
    doms[3] = make_domain(DOMID_FIRST_RESERVED - 1, false);
    /* CPUs 0-2 present, 0 and 2 online. */
    cpumask_set_cpu(0, &cpu_present_map);
    cpumask_set_cpu(1, &cpu_present_map);
    cpumask_set_cpu(2, &cpu_present_map);
    cpumask_set_cpu(0, &cpu_online_map);
    cpumask_set_cpu(2, &cpu_online_map);

    CASE("unprivileged: -EPERM for every sub-op, the argument untouched")
    {
        static const uint32_t cmds[] = {
            XEN_SYSCTL_physinfo, XEN_SYSCTL_sched_id,
            XEN_SYSCTL_scheduler_op, XEN_SYSCTL_getcpuinfo,
            XEN_SYSCTL_readconsole, XEN_SYSCTL_getdomaininfolist,
            XEN_SYSCTL_cpupool_op, XEN_SYSCTL_numainfo,
            XEN_SYSCTL_cputopoinfo, XEN_SYSCTL_get_cpu_policy,
            XEN_SYSCTL_get_cpu_featureset, XEN_SYSCTL_pcitopoinfo, 0xffff,
        };

        run_as(domU);
        sched_global_calls = 0;
        for ( unsigned int i = 0; i < ARRAY_SIZE(cmds); i++ )
        {
            op = new_op(cmds[i]);
            before = op;
            CHECK_EQ(sysctl(&op), -EPERM);
            CHECK(!memcmp(&op, &before, sizeof(op)));
        }
        CHECK_EQ(sched_global_calls, 0);
        CHECK(refs_balanced());
    }

    CASE("debug_keys: dom0's keys are pressed in order; a domU's are not")
    {
        static char keys[] = "Aq";

        op = new_op(XEN_SYSCTL_debug_keys);
        set_xen_guest_handle(op.u.debug_keys.keys, keys);
        op.u.debug_keys.nr_keys = 2;
        run_as(domU);
        CHECK_EQ(sysctl(&op), -EPERM);
        CHECK_EQ(nr_keys_pressed, 0);
        run_as(dom0);
        CHECK_EQ(sysctl(&op), 0);
        CHECK_EQ(nr_keys_pressed, 2);
        CHECK(!memcmp(keys_pressed, "Aq", 2));
        nr_keys_pressed = 0;
    }

    CASE("interface version: one off either way is -EACCES")
    {
        run_as(dom0);
        op = new_op(XEN_SYSCTL_physinfo);
        op.interface_version = XEN_SYSCTL_INTERFACE_VERSION + 1;
        before = op;
        CHECK_EQ(sysctl(&op), -EACCES);
        CHECK(!memcmp(&op, &before, sizeof(op)));
        op.interface_version = XEN_SYSCTL_INTERFACE_VERSION - 1;
        CHECK_EQ(sysctl(&op), -EACCES);
        /* Xen checks the version before the caller's privilege. */
        run_as(domU);
        CHECK_EQ(sysctl(&op), -EACCES);
    }

    CASE("interface version: -EACCES for the ops xl create needs")
    {
        static const uint32_t cmds[] = {
            XEN_SYSCTL_cpupool_op, XEN_SYSCTL_numainfo,
            XEN_SYSCTL_cputopoinfo, XEN_SYSCTL_get_cpu_policy,
            XEN_SYSCTL_get_cpu_featureset,
        };

        run_as(dom0);
        for ( unsigned int i = 0; i < ARRAY_SIZE(cmds); i++ )
        {
            op = new_op(cmds[i]);
            op.interface_version = XEN_SYSCTL_INTERFACE_VERSION - 1;
            before = op;
            CHECK_EQ(sysctl(&op), -EACCES);
            CHECK(!memcmp(&op, &before, sizeof(op)));
        }
    }

    CASE("an unreadable argument is -EFAULT; unknown sub-ops -ENOSYS")
    {
        run_as(dom0);
        op = new_op(XEN_SYSCTL_physinfo);
        harness_fault_lo = (uintptr_t)&op;
        harness_fault_hi = harness_fault_lo + 1;
        CHECK_EQ(sysctl(&op), -EFAULT);
        harness_fault_lo = harness_fault_hi = 0;
        op = new_op(0xffff);
        CHECK_EQ(sysctl(&op), -ENOSYS);
    }

    CASE("physinfo: CPUs, pages and capabilities")
    {
        run_as(dom0);
        op = new_op(XEN_SYSCTL_physinfo);
        CHECK_EQ(sysctl(&op), 0);
        CHECK_EQ(op.u.physinfo.nr_cpus, 2);
        CHECK_EQ(op.u.physinfo.max_cpu_id, 2);
        CHECK_EQ(op.u.physinfo.threads_per_core, 1);
        CHECK_EQ(op.u.physinfo.max_mfn, max_page - 1);
        CHECK_EQ(op.u.physinfo.free_pages, 77);
        CHECK_EQ(op.u.physinfo.total_pages, (64 << 20) >> PAGE_SHIFT);
        CHECK_EQ(op.u.physinfo.cpu_khz, 2000000);
        CHECK(op.u.physinfo.capabilities & XEN_SYSCTL_PHYSCAP_pv);
        CHECK(!(op.u.physinfo.capabilities & XEN_SYSCTL_PHYSCAP_hvm));
        op = new_op(XEN_SYSCTL_sched_id);
        CHECK_EQ(sysctl(&op), 0);
        CHECK_EQ(op.u.sched_id.sched_id, XEN_SCHEDULER_CREDIT);
    }

    CASE("readconsole: count bounds the copy, index says how far")
    {
        char buf[64];

        run_as(dom0);
        memset(buf, 'X', sizeof(buf));
        CHECK_EQ(readconsole(&op, buf, 5, false, 0), 0);
        CHECK_EQ(op.u.readconsole.count, 5);
        CHECK_EQ(op.u.readconsole.index, 5);
        CHECK(!memcmp(buf, "01234X", 6));
        /* Exactly the ring, and one more than the ring. */
        CHECK_EQ(readconsole(&op, buf, 20, false, 0), 0);
        CHECK_EQ(op.u.readconsole.count, 20);
        CHECK_EQ(readconsole(&op, buf, 21, false, 0), 0);
        CHECK_EQ(op.u.readconsole.count, 20);
        CHECK_EQ(op.u.readconsole.index, 20);
        CHECK_EQ(live_allocs, 0);
    }

    CASE("readconsole: incremental from index, at and past the end")
    {
        char buf[64];

        run_as(dom0);
        memset(buf, 'X', sizeof(buf));
        CHECK_EQ(readconsole(&op, buf, 64, true, 17), 0);
        CHECK_EQ(op.u.readconsole.count, 3);
        CHECK_EQ(op.u.readconsole.index, 20);
        CHECK(!memcmp(buf, "hijX", 4));
        CHECK_EQ(readconsole(&op, buf, 64, true, 20), 0);
        CHECK_EQ(op.u.readconsole.count, 0);
        CHECK_EQ(op.u.readconsole.index, 20);
        /* Past what the ring holds: read again from its oldest byte. */
        CHECK_EQ(readconsole(&op, buf, 64, true, 21), 0);
        CHECK_EQ(op.u.readconsole.count, 20);
        CHECK(!memcmp(buf, ring_text, 20));
        /* Not incremental: index is ignored. */
        CHECK_EQ(readconsole(&op, buf, 2, false, 7), 0);
        CHECK(!memcmp(buf, "01", 2));
        CHECK_EQ(op.u.readconsole.index, 2);
    }

    CASE("readconsole: no memory for the copy is -ENOMEM, nothing read")
    {
        char buf[8] = "XXXXXXX";

        run_as(dom0);
        alloc_fails = true;
        CHECK_EQ(readconsole(&op, buf, 8, false, 0), -ENOMEM);
        alloc_fails = false;
        CHECK(!memcmp(buf, "XXXXXXX", 8));
    }

    CASE("readconsole: an unwritable buffer is -EFAULT, nothing leaked")
    {
        char buf[64];

        run_as(dom0);
        harness_fault_lo = (uintptr_t)buf;
        harness_fault_hi = harness_fault_lo + sizeof(buf);
        CHECK_EQ(readconsole(&op, buf, 8, false, 0), -EFAULT);
        harness_fault_lo = harness_fault_hi = 0;
        CHECK_EQ(live_allocs, 0);
    }

    CASE("getdomaininfolist: max_domains bounds the list, refs balance")
    {
        xen_domctl_getdomaininfo_t info[NR_DOMS + 1];

        run_as(dom0);
        memset(info, 0, sizeof(info));
        CHECK_EQ(domlist(&op, info, 0, NR_DOMS + 1), 0);
        CHECK_EQ(op.u.getdomaininfolist.num_domains, NR_DOMS);
        CHECK_EQ(info[0].domain, 0);
        CHECK_EQ(info[2].domain, 5);
        CHECK_EQ(info[3].domain, DOMID_FIRST_RESERVED - 1);
        memset(info, 0xee, sizeof(info));
        CHECK_EQ(domlist(&op, info, 0, 2), 0);
        CHECK_EQ(op.u.getdomaininfolist.num_domains, 2);
        CHECK_EQ(info[1].domain, 1);
        CHECK_EQ(info[2].domain, 0xeeee);
        CHECK_EQ(domlist(&op, info, 0, 0), 0);
        CHECK_EQ(op.u.getdomaininfolist.num_domains, 0);
        CHECK(refs_balanced());
    }

    CASE("getdomaininfolist: from first_domain on, to the last domid")
    {
        xen_domctl_getdomaininfo_t info[NR_DOMS];

        run_as(dom0);
        CHECK_EQ(domlist(&op, info, 2, NR_DOMS), 0);
        CHECK_EQ(op.u.getdomaininfolist.num_domains, 2);
        CHECK_EQ(info[0].domain, 5);
        CHECK_EQ(domlist(&op, info, 5, NR_DOMS), 0);
        CHECK_EQ(op.u.getdomaininfolist.num_domains, 2);
        CHECK_EQ(domlist(&op, info, DOMID_FIRST_RESERVED - 1, NR_DOMS), 0);
        CHECK_EQ(op.u.getdomaininfolist.num_domains, 1);
        CHECK_EQ(domlist(&op, info, DOMID_FIRST_RESERVED, NR_DOMS), 0);
        CHECK_EQ(op.u.getdomaininfolist.num_domains, 0);
        CHECK(refs_balanced());
    }

    CASE("getdomaininfolist: an unwritable buffer is -EFAULT, refs balance")
    {
        xen_domctl_getdomaininfo_t info[NR_DOMS];

        run_as(dom0);
        harness_fault_lo = (uintptr_t)&info[1];
        harness_fault_hi = harness_fault_lo + sizeof(info[1]);
        CHECK_EQ(domlist(&op, info, 0, NR_DOMS), -EFAULT);
        harness_fault_lo = harness_fault_hi = 0;
        CHECK(refs_balanced());
    }

    CASE("getcpuinfo: present CPUs up to max_cpus, offline ones idle 0")
    {
        xen_sysctl_cpuinfo_t ci[4];

        run_as(dom0);
        memset(ci, 0xee, sizeof(ci));
        CHECK_EQ(cpuinfo(&op, ci, 4), 0);
        CHECK_EQ(op.u.getcpuinfo.nr_cpus, 3);
        CHECK_EQ(ci[0].idletime, 1000);
        CHECK_EQ(ci[1].idletime, 0);
        CHECK_EQ(ci[2].idletime, 1002);
        CHECK_EQ(ci[3].idletime, 0xeeeeeeeeeeeeeeeeULL);
        memset(ci, 0xee, sizeof(ci));
        CHECK_EQ(cpuinfo(&op, ci, 1), 0);
        CHECK_EQ(op.u.getcpuinfo.nr_cpus, 1);
        CHECK_EQ(ci[1].idletime, 0xeeeeeeeeeeeeeeeeULL);
        CHECK_EQ(cpuinfo(&op, ci, 0), 0);
        CHECK_EQ(op.u.getcpuinfo.nr_cpus, 0);
    }

    CASE("scheduler_op: passed to the scheduler for dom0")
    {
        run_as(dom0);
        sched_global_calls = 0;
        op = new_op(XEN_SYSCTL_scheduler_op);
        CHECK_EQ(sysctl(&op), 0);
        CHECK_EQ(sched_global_calls, 1);
    }
    test_toolstack_ops();
    test_domain_policy();
    return check_failures ? 1 : 0;
}
