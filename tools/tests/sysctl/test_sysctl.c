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
#include <asm/cpufeature.h>
#include <asm/current.h>
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
            XEN_SYSCTL_readconsole, XEN_SYSCTL_getdomaininfolist, 0xffff,
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
    return check_failures ? 1 : 0;
}
