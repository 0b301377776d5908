/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for domctl: privilege, bounds, references, errnos per Xen. */
#include <stdlib.h>
#include <asm/config.h>
#include <xen/cpumask.h>
#include <xen/domctl.h>
#include <xen/guest_access.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/grant_table.h>
#include <xen/hypercall.h>
#include <xen/sched.h>
#include <xen/sched-if.h>
#include <xen/time.h>
#include <asm/cpufeature.h>
#include <asm/current.h>
#include <asm/domain.h>
#include <asm/time.h>
#include <public/domctl.h>
#include "check.h"
#include "domain_refs.h"

/* Guest memory window where copies fail (include/asm/uaccess.h). */
extern uintptr_t harness_fault_lo, harness_fault_hi;

/* ---- what the hypervisor around domctl.c would provide ---- */

#define MAX_DOMS    8
#define MAX_VCPUS   4
static struct domain *doms[MAX_DOMS];
static long live_allocs;
static unsigned int destroyed, created_vcpus, virqs, arch_calls;
static unsigned int grant_frames, grant_maptrack, set_ctx_calls;
static unsigned int evtchn_max_port;
struct cpuinfo_x86 boot_cpu_data = { .paddr_bits = 40 };
static int grant_rc;
static bool alloc_fails, vcpu_create_fails;
struct domain *hardware_domain;
unsigned long cpu_khz = 2000000;

void *_xmalloc(unsigned long size, unsigned long align);
void *_xzalloc(unsigned long size, unsigned long align);
void xfree(void *p);

void *_xmalloc(unsigned long size, unsigned long align)
{
    if ( alloc_fails )
        return NULL;
    live_allocs++;
    return malloc(size);
}

void *_xzalloc(unsigned long size, unsigned long align)
{
    if ( alloc_fails )
        return NULL;
    live_allocs++;
    return calloc(1, size);
}

void xfree(void *p)
{
    if ( p )
        live_allocs--;
    free(p);
}

struct domain *get_domain_by_id(domid_t id)
{
    for ( unsigned int i = 0; i < MAX_DOMS; i++ )
        if ( doms[i] && doms[i]->domain_id == id )
            return get_domain(doms[i]);
    return NULL;
}

static struct vcpu *new_vcpu(struct domain *d, unsigned int id,
                             unsigned int cpu)
{
    struct vcpu *v = calloc(1, sizeof(*v));

    v->vcpu_id = id;
    v->domain = d;
    v->processor = cpu;
    memset(&v->arch, 0, sizeof(v->arch));
    v->pause_flags = VPF_down;
    cpumask_setall(&v->cpu_hard_affinity);
    d->vcpu[id] = v;
    return v;
}

static struct domain *new_domain(domid_t id, bool priv, unsigned int nr)
{
    struct domain *d = calloc(1, sizeof(*d));

    d->domain_id = id;
    d->is_privileged = priv;
    d->max_vcpus = nr;
    d->vcpu = calloc(nr, sizeof(*d->vcpu));
    d->shared_info = aligned_alloc(4096, 4096);
    for ( unsigned int i = 0; i < MAX_DOMS; i++ )
        if ( !doms[i] )
        {
            doms[i] = d;
            break;
        }
    return d;
}

struct domain *domain_create(domid_t domid, enum guest_type type,
                             bool privileged, unsigned int max_vcpus)
{
    struct domain *d;

    /* The real one allocates the domain first. */
    if ( alloc_fails )
        return NULL;
    if ( (d = new_domain(domid, privileged, max_vcpus)) )
        d->guest_type = type;
    return d;
}

void domain_destroy(struct domain *d)
{
    destroyed++;
    for ( unsigned int i = 0; i < MAX_DOMS; i++ )
        if ( doms[i] == d )
            doms[i] = NULL;
}

/* domain_kill() calls that stop part way, if a case asks. */
static unsigned int kill_preemptions;

int domain_kill(struct domain *d)
{
    if ( kill_preemptions )
    {
        kill_preemptions--;
        d->state = DOMSTATE_dying;
        d->kill_stage = KILL_FRAMES;
        return -ERESTART;
    }
    domain_destroy(d);
    return 0;
}

/* The continuation do_domctl asked for: hypercall and its one argument. */
static unsigned int continued_op, continued_nr;
static unsigned long continued_arg;

long hypercall_create_continuation(unsigned int op, unsigned int nr,
                                   const unsigned long *args)
{
    continued_op = op;
    continued_nr = nr;
    continued_arg = args[0];
    return op;
}

struct vcpu *vcpu_create(struct domain *d, unsigned int vcpu_id,
                         unsigned int cpu)
{
    if ( vcpu_create_fails )
        return NULL;
    created_vcpus++;
    return new_vcpu(d, vcpu_id, cpu);
}

void vcpu_pause_nosync(struct vcpu *v)
{
    v->pause_count++;
}

void vcpu_unpause(struct vcpu *v)
{
    if ( --v->pause_count < 0 )
        panic("vcpu_unpause: unbalanced");
}

void vcpu_sleep_nosync(struct vcpu *v)
{
}

static unsigned int domain_unpauses;

void domain_unpause(struct domain *d)
{
    domain_unpauses++;
}

int grant_table_set_limits(struct domain *d, unsigned int max_frames,
                           unsigned int max_maptrack_frames,
                           unsigned int max_version)
{
    grant_frames = max_frames;
    grant_maptrack = max_maptrack_frames;
    return grant_rc;
}

void evtchn_set_max_port(struct domain *d, unsigned int max_port)
{
    evtchn_max_port = max_port;
}

void send_guest_global_virq(struct domain *d, unsigned int virq)
{
    virqs++;
}

int arch_set_info_guest(struct vcpu *v, const struct vcpu_guest_context *c)
{
    set_ctx_calls++;
    return 0;
}

void arch_get_info_guest(struct vcpu *v, struct vcpu_guest_context *c)
{
    memset(c, 0, sizeof(*c));
    c->user_regs.rip = 0x1000 + v->vcpu_id;
}

/* The native layout: these tests make no 32-bit domain. */
int arch_vcpu_context_from_guest(const struct domain *d, uint64_t addr,
                                 struct vcpu_guest_context *c)
{
    (void)d;
    return copy_from_guest_bytes(c, (const void *)(uintptr_t)addr,
                                 sizeof(*c))
               ? -EFAULT
               : 0;
}

int arch_vcpu_context_to_guest(const struct domain *d, uint64_t addr,
                               const struct vcpu_guest_context *c)
{
    (void)d;
    return copy_to_guest_bytes((void *)(uintptr_t)addr, c, sizeof(*c))
               ? -EFAULT
               : 0;
}

bool arch_vcpu_initialised(const struct vcpu *v)
{
    return !(v->pause_flags & VPF_down);
}

int vcpu_set_hard_affinity(struct vcpu *v, const cpumask_t *mask)
{
    if ( !cpumask_intersects(mask, &cpu_online_map) )
        return -EINVAL;
    cpumask_copy(&v->cpu_hard_affinity, mask);
    return 0;
}

void vcpu_set_soft_affinity(struct vcpu *v, const cpumask_t *mask)
{
    cpumask_copy(&v->cpu_soft_affinity, mask);
}

long sched_adjust(struct domain *d, struct xen_domctl_scheduler_op *op)
{
    return 0;
}

long arch_do_domctl(struct xen_domctl *op, struct domain *d, bool *copyback)
{
    arch_calls++;
    return -ENOSYS;
}

s_time_t get_s_time(void)
{
    return 1000000;
}

/* ---- helpers ---- */

static struct domain *dom0, *domU, *target;

static void run_as(struct domain *d)
{
    get_cpu_info()->current_vcpu = d->vcpu[0];
}

static bool refs_balanced(void)
{
    for ( unsigned int i = 0; i < MAX_DOMS; i++ )
        if ( doms[i] && doms[i]->refcnt )
            return false;
    return true;
}

static struct xen_domctl new_op(uint32_t cmd, domid_t dom)
{
    struct xen_domctl op;

    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.domain = dom;
    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    return op;
}

static long domctl(struct xen_domctl *op)
{
    return do_domctl((XEN_GUEST_HANDLE_PARAM(xen_domctl_t)){ op });
}

static struct xen_domctl create_op(domid_t dom, unsigned int vcpus)
{
    struct xen_domctl op = new_op(XEN_DOMCTL_createdomain, dom);

    op.u.createdomain.max_vcpus = vcpus;
    op.u.createdomain.max_grant_frames = -1;
    op.u.createdomain.max_maptrack_frames = -1;
    return op;
}

static long create(domid_t dom, unsigned int vcpus)
{
    struct xen_domctl op = create_op(dom, vcpus);
    long rc = domctl(&op);

    return rc ? rc : op.domain;
}

static long simple(uint32_t cmd, domid_t dom)
{
    struct xen_domctl op = new_op(cmd, dom);

    return domctl(&op);
}

static void test_gate(void)
{
    CASE("unprivileged: -EPERM for every op, nothing changes, refs drop")
    {
        static const uint32_t cmds[] = {
            XEN_DOMCTL_createdomain, XEN_DOMCTL_getdomaininfo,
            XEN_DOMCTL_destroydomain, XEN_DOMCTL_pausedomain,
            XEN_DOMCTL_unpausedomain, XEN_DOMCTL_max_vcpus,
            XEN_DOMCTL_max_mem, XEN_DOMCTL_setvcpucontext,
            XEN_DOMCTL_getvcpuinfo, XEN_DOMCTL_setdomainhandle,
            XEN_DOMCTL_setvcpuaffinity, XEN_DOMCTL_scheduler_op, 0x7777,
        };
        unsigned long max = target->max_pages;
        int pauses = target->pause_count;

        run_as(domU);
        destroyed = arch_calls = 0;
        for ( unsigned int i = 0; i < ARRAY_SIZE(cmds); i++ )
        {
            struct xen_domctl op = new_op(cmds[i], target->domain_id), b;

            op.u.createdomain.max_vcpus = 1;
            b = op;
            CHECK_EQ(domctl(&op), -EPERM);
            CHECK(!memcmp(&op, &b, sizeof(op)));
        }
        /* Its own domain is no different. */
        CHECK_EQ(simple(XEN_DOMCTL_pausedomain, domU->domain_id), -EPERM);
        CHECK_EQ(destroyed, 0);
        CHECK_EQ(arch_calls, 0);
        CHECK_EQ(target->max_pages, max);
        CHECK_EQ(target->pause_count, pauses);
        CHECK(refs_balanced());
    }

    CASE("errno order: -EFAULT, -EACCES for the version, -ESRCH, -EPERM")
    {
        struct xen_domctl op = new_op(XEN_DOMCTL_pausedomain, 77);

        run_as(domU);
        CHECK_EQ(domctl(&op), -ESRCH);
        op.interface_version--;
        CHECK_EQ(domctl(&op), -EACCES);
        op.interface_version += 2;
        CHECK_EQ(domctl(&op), -EACCES);
        harness_fault_lo = (uintptr_t)&op;
        harness_fault_hi = harness_fault_lo + 1;
        CHECK_EQ(domctl(&op), -EFAULT);
        harness_fault_lo = harness_fault_hi = 0;
        run_as(dom0);
        CHECK_EQ(simple(XEN_DOMCTL_pausedomain, 77), -ESRCH);
        CHECK_EQ(simple(XEN_DOMCTL_max_mem, DOMID_FIRST_RESERVED), -ESRCH);
        CHECK(refs_balanced());
    }

    CASE("ops we do not know go to the arch code, with the domain")
    {
        run_as(dom0);
        arch_calls = 0;
        CHECK_EQ(simple(0x7777, target->domain_id), -ENOSYS);
        CHECK_EQ(arch_calls, 1);
        CHECK(refs_balanced());
    }
}

static void test_create(void)
{
    CASE("createdomain: max_vcpus 1 and the legacy maximum, not 0 or one past")
    {
        long id;

        run_as(dom0);
        CHECK_EQ(create(0, 0), -EINVAL);
        CHECK_EQ(create(0, XEN_LEGACY_MAX_VCPUS + 1), -EINVAL);
        id = create(0, 1);
        CHECK(id > 0 && id < DOMID_FIRST_RESERVED);
        CHECK_EQ(simple(XEN_DOMCTL_destroydomain, id), 0);
        id = create(0, XEN_LEGACY_MAX_VCPUS);
        CHECK(id > 0 && id < DOMID_FIRST_RESERVED);
        CHECK_EQ(simple(XEN_DOMCTL_destroydomain, id), 0);
        CHECK(refs_balanced());
    }

    CASE("createdomain: flags, emulation, pools and vmtrace refused per Xen")
    {
        struct xen_domctl op;

        run_as(dom0);
        op = create_op(0, 1);
        op.u.createdomain.flags = XEN_DOMCTL_CDF_hvm;
        CHECK_EQ(domctl(&op), -EINVAL);
        op.u.createdomain.flags = 1U << 8;
        CHECK_EQ(domctl(&op), -EINVAL);
        op.u.createdomain.flags = XEN_DOMCTL_CDF_iommu;
        CHECK_EQ(domctl(&op), -EINVAL);
        op.u.createdomain.flags = XEN_DOMCTL_CDF_vpmu;
        CHECK_EQ(domctl(&op), -EINVAL);
        op = create_op(0, 1);
        op.u.createdomain.iommu_opts = XEN_DOMCTL_IOMMU_MAX << 1;
        CHECK_EQ(domctl(&op), -EINVAL);
        op = create_op(0, 1);
        op.u.createdomain.vmtrace_size = 4096;
        CHECK_EQ(domctl(&op), -EINVAL);
        op = create_op(0, 1);
        op.u.createdomain.arch.emulation_flags = XEN_X86_EMU_PIT;
        CHECK_EQ(domctl(&op), -EOPNOTSUPP);
        op = create_op(0, 1);
        op.u.createdomain.arch.misc_flags = XEN_X86_MSR_RELAXED << 1;
        CHECK_EQ(domctl(&op), -EINVAL);
        op = create_op(0, 1);
        op.u.createdomain.cpupool_id = 1;
        CHECK_EQ(domctl(&op), -ENOENT);
        CHECK_EQ(created_vcpus, 0);
    }

    CASE("createdomain: a domid asked for, taken, or reserved")
    {
        struct xen_domctl op;

        run_as(dom0);
        CHECK_EQ(create(target->domain_id, 1), -EEXIST);
        /* The lowest id one may ask for is 1 (0 asks for any free one). */
        CHECK_EQ(domU->domain_id, 1);
        CHECK_EQ(create(1, 1), -EEXIST);
        CHECK_EQ(create(DOMID_FIRST_RESERVED - 1, 1),
                 DOMID_FIRST_RESERVED - 1);
        CHECK_EQ(simple(XEN_DOMCTL_destroydomain, DOMID_FIRST_RESERVED - 1),
                 0);
        /* At or past the reserved range: a free id is picked instead. */
        op = create_op(DOMID_FIRST_RESERVED, 1);
        CHECK_EQ(domctl(&op), 0);
        CHECK(op.domain > 0 && op.domain < DOMID_FIRST_RESERVED);
        CHECK_EQ(simple(XEN_DOMCTL_destroydomain, op.domain), 0);
        CHECK(refs_balanced());
    }

    CASE("createdomain: new ids go round, skipping used ones, never 0")
    {
        long a, b;

        run_as(dom0);
        a = create(0, 1);
        b = create(0, 1);
        CHECK(b != a && b > 0);
        CHECK(b != target->domain_id && a != target->domain_id);
        CHECK_EQ(simple(XEN_DOMCTL_destroydomain, a), 0);
        CHECK_EQ(simple(XEN_DOMCTL_destroydomain, b), 0);
        /* The id just freed is not the next one handed out. */
        a = create(0, 1);
        CHECK(a != b);
        CHECK_EQ(simple(XEN_DOMCTL_destroydomain, a), 0);
    }

    CASE("createdomain: starts paused, with its grant and port limits and "
         "handle")
    {
        struct xen_domctl op = create_op(0, 1), info;
        struct domain *d;

        run_as(dom0);
        memset(op.u.createdomain.handle, 0xab, sizeof(xen_domain_handle_t));
        op.u.createdomain.max_grant_frames = 7;
        op.u.createdomain.max_maptrack_frames = 9;
        op.u.createdomain.max_evtchn_port = 1023;
        op.u.createdomain.flags = XEN_DOMCTL_CDF_xs_domain;
        CHECK_EQ(domctl(&op), 0);
        CHECK_EQ(grant_frames, 7);
        CHECK_EQ(grant_maptrack, 9);
        CHECK_EQ(evtchn_max_port, 1023);
        d = get_domain_by_id(op.domain);
        CHECK(d && d->pause_count == 1);
        put_domain(d);
        info = new_op(XEN_DOMCTL_getdomaininfo, op.domain);
        CHECK_EQ(domctl(&info), 0);
        CHECK_EQ(info.u.getdomaininfo.handle[15], 0xab);
        CHECK(info.u.getdomaininfo.flags & XEN_DOMINF_xs_domain);
        CHECK(info.u.getdomaininfo.flags & XEN_DOMINF_paused);
        CHECK_EQ(info.u.getdomaininfo.gpaddr_bits, 40);
        CHECK_EQ(simple(XEN_DOMCTL_destroydomain, op.domain), 0);
        op = create_op(0, 1);
        CHECK_EQ(domctl(&op), 0);
        CHECK_EQ(grant_frames, GNTTAB_DEFAULT_MAX_FRAMES);
        CHECK_EQ(grant_maptrack, GNTTAB_DEFAULT_MAX_MAPTRACK);
        CHECK_EQ(simple(XEN_DOMCTL_destroydomain, op.domain), 0);
    }

    CASE("createdomain: refused grant limits or no memory undo it all")
    {
        long before = live_allocs;

        run_as(dom0);
        destroyed = 0;
        grant_rc = -EINVAL;
        CHECK_EQ(create(0, 1), -EINVAL);
        grant_rc = 0;
        CHECK_EQ(destroyed, 1);
        CHECK_EQ(live_allocs, before);
    }
}

static void test_domains(void)
{
    CASE("getdomaininfo: the first domain at or above, and its bounds")
    {
        struct xen_domctl op;

        run_as(dom0);
        op = new_op(XEN_DOMCTL_getdomaininfo, domU->domain_id + 1);
        CHECK_EQ(domctl(&op), 0);
        CHECK_EQ(op.domain, target->domain_id);
        CHECK_EQ(op.u.getdomaininfo.domain, target->domain_id);
        CHECK_EQ(op.u.getdomaininfo.max_vcpu_id, MAX_VCPUS - 1);
        op = new_op(XEN_DOMCTL_getdomaininfo, target->domain_id + 1);
        CHECK_EQ(domctl(&op), -ESRCH);
        op = new_op(XEN_DOMCTL_getdomaininfo, DOMID_FIRST_RESERVED - 1);
        CHECK_EQ(domctl(&op), -ESRCH);
        op = new_op(XEN_DOMCTL_getdomaininfo, DOMID_FIRST_RESERVED);
        CHECK_EQ(domctl(&op), -EINVAL);
        op = new_op(XEN_DOMCTL_getdomaininfo, DOMID_SELF);
        CHECK_EQ(domctl(&op), -EINVAL);
        CHECK(refs_balanced());
    }

    CASE("getdomaininfo: flags from the vCPUs and the domain's state")
    {
        struct xen_domctl op;

        run_as(dom0);
        target->vcpu[0]->pause_flags = VPF_blocked;
        target->vcpu[1]->pause_flags = VPF_down;
        target->vcpu[2]->pause_flags = VPF_blocked;
        target->vcpu[3]->pause_flags = VPF_down;
        op = new_op(XEN_DOMCTL_getdomaininfo, target->domain_id);
        CHECK_EQ(domctl(&op), 0);
        CHECK_EQ(op.u.getdomaininfo.nr_online_vcpus, 2);
        CHECK(op.u.getdomaininfo.flags & XEN_DOMINF_blocked);
        target->vcpu[2]->pause_flags = 0;
        target->vcpu[2]->is_running = true;
        CHECK_EQ(domctl(&op), 0);
        CHECK(!(op.u.getdomaininfo.flags & XEN_DOMINF_blocked));
        CHECK(op.u.getdomaininfo.flags & XEN_DOMINF_running);
        target->vcpu[2]->is_running = false;
        target->state = DOMSTATE_shutdown;
        target->shutdown_code = SHUTDOWN_crash;
        CHECK_EQ(domctl(&op), 0);
        CHECK(op.u.getdomaininfo.flags & XEN_DOMINF_shutdown);
        CHECK_EQ((op.u.getdomaininfo.flags >> XEN_DOMINF_shutdownshift) &
                 XEN_DOMINF_shutdownmask, SHUTDOWN_crash);
        target->state = DOMSTATE_running;
        /* Paused only while someone holds a pause. */
        target->pause_count = 0;
        CHECK_EQ(domctl(&op), 0);
        CHECK(!(op.u.getdomaininfo.flags & XEN_DOMINF_paused));
        target->pause_count = 1;
        CHECK_EQ(domctl(&op), 0);
        CHECK(op.u.getdomaininfo.flags & XEN_DOMINF_paused);
        target->pause_count = 0;
        target->vcpu[0]->pause_flags = VPF_down;
        target->vcpu[2]->pause_flags = VPF_down;
        CHECK_EQ(domctl(&op), 0);
        CHECK_EQ(op.u.getdomaininfo.flags & (XEN_DOMINF_blocked |
                                             XEN_DOMINF_running), 0);
        for ( unsigned int i = 0; i < MAX_VCPUS; i++ )
            target->vcpu[i]->pause_flags = 0;
    }

    CASE("pause: counted up to 255, not one more; unpause not below 0")
    {
        run_as(dom0);
        domain_unpauses = 0;
        target->pause_count = 0;
        CHECK_EQ(simple(XEN_DOMCTL_unpausedomain, target->domain_id),
                 -EINVAL);
        CHECK_EQ(target->pause_count, 0);
        for ( unsigned int i = 0; i < 255; i++ )
            CHECK_EQ(simple(XEN_DOMCTL_pausedomain, target->domain_id), 0);
        CHECK_EQ(target->pause_count, 255);
        CHECK_EQ(simple(XEN_DOMCTL_pausedomain, target->domain_id),
                 -EOVERFLOW);
        CHECK_EQ(target->pause_count, 255);
        for ( unsigned int i = 0; i < 254; i++ )
            CHECK_EQ(simple(XEN_DOMCTL_unpausedomain, target->domain_id), 0);
        CHECK_EQ(domain_unpauses, 0);
        CHECK_EQ(simple(XEN_DOMCTL_unpausedomain, target->domain_id), 0);
        CHECK_EQ(domain_unpauses, 1);
        CHECK_EQ(target->pause_count, 0);
        CHECK(refs_balanced());
    }

    CASE("pause or destroy oneself: -EINVAL")
    {
        run_as(dom0);
        destroyed = 0;
        CHECK_EQ(simple(XEN_DOMCTL_pausedomain, dom0->domain_id), -EINVAL);
        CHECK_EQ(simple(XEN_DOMCTL_destroydomain, dom0->domain_id), -EINVAL);
        CHECK_EQ(dom0->pause_count, 0);
        CHECK_EQ(destroyed, 0);
    }

    CASE("destroydomain: preempted, continued with the same argument")
    {
        struct xen_domctl op;
        long id, before = live_allocs;

        run_as(dom0);
        hardware_domain = dom0;
        virqs = destroyed = 0;
        id = create(0, 1);
        op = new_op(XEN_DOMCTL_destroydomain, id);
        kill_preemptions = 2;
        CHECK_EQ(domctl(&op), __HYPERVISOR_domctl);
        CHECK_EQ(continued_op, __HYPERVISOR_domctl);
        CHECK_EQ(continued_nr, 1);
        CHECK(continued_arg == (unsigned long)&op);
        /* Dying: nothing but destroydomain reaches it any more. */
        CHECK_EQ(simple(XEN_DOMCTL_pausedomain, id), -EINVAL);
        CHECK_EQ(domctl(&op), __HYPERVISOR_domctl);
        CHECK_EQ(virqs, 0);
        CHECK_EQ(domctl(&op), 0);
        CHECK_EQ(destroyed, 1);
        CHECK_EQ(virqs, 1);
        CHECK_EQ(live_allocs, before);
        hardware_domain = NULL;
    }

    CASE("destroydomain: paused first, dom0 told, the handle freed")
    {
        long id, before = live_allocs;
        struct domain *d;

        run_as(dom0);
        hardware_domain = dom0;
        virqs = 0;
        id = create(0, 2);
        d = get_domain_by_id(id);
        put_domain(d);
        CHECK_EQ(simple(XEN_DOMCTL_max_vcpus, id), -EINVAL);
        {
            struct xen_domctl op = new_op(XEN_DOMCTL_max_vcpus, id);

            op.u.max_vcpus.max = 2;
            CHECK_EQ(domctl(&op), 0);
        }
        CHECK_EQ(simple(XEN_DOMCTL_destroydomain, id), 0);
        CHECK_EQ(d->vcpu[0]->pause_count, 1);
        CHECK_EQ(d->vcpu[1]->pause_count, 1);
        CHECK_EQ(virqs, 1);
        CHECK_EQ(live_allocs, before);
        hardware_domain = NULL;
    }

    CASE("max_vcpus: only the number createdomain gave, round robin CPUs")
    {
        struct xen_domctl op;
        long id;
        struct domain *d;

        run_as(dom0);
        id = create(0, 3);
        op = new_op(XEN_DOMCTL_max_vcpus, id);
        op.u.max_vcpus.max = 4;
        CHECK_EQ(domctl(&op), -EINVAL);
        op.u.max_vcpus.max = 2;
        CHECK_EQ(domctl(&op), -EINVAL);
        created_vcpus = 0;
        op.u.max_vcpus.max = 3;
        CHECK_EQ(domctl(&op), 0);
        CHECK_EQ(created_vcpus, 3);
        d = get_domain_by_id(id);
        CHECK_EQ(d->vcpu[0]->processor, 0);
        CHECK_EQ(d->vcpu[1]->processor, 1);
        CHECK_EQ(d->vcpu[2]->processor, 0);
        put_domain(d);
        /* Again: the vCPUs there are stay. */
        CHECK_EQ(domctl(&op), 0);
        CHECK_EQ(created_vcpus, 3);
        CHECK_EQ(simple(XEN_DOMCTL_destroydomain, id), 0);
        /* Not for the caller's own domain. */
        op = new_op(XEN_DOMCTL_max_vcpus, dom0->domain_id);
        op.u.max_vcpus.max = dom0->max_vcpus;
        CHECK_EQ(domctl(&op), -EINVAL);
    }

    CASE("out of memory: -ENOMEM from createdomain, max_vcpus, contexts")
    {
        struct vcpu_guest_context ctx;
        struct xen_domctl op;
        long id, before = live_allocs;

        run_as(dom0);
        destroyed = 0;
        alloc_fails = true;
        CHECK_EQ(create(0, 1), -ENOMEM);
        alloc_fails = false;
        CHECK_EQ(destroyed, 0);
        id = create(0, 2);
        op = new_op(XEN_DOMCTL_max_vcpus, id);
        op.u.max_vcpus.max = 2;
        vcpu_create_fails = true;
        CHECK_EQ(domctl(&op), -ENOMEM);
        vcpu_create_fails = false;
        CHECK_EQ(simple(XEN_DOMCTL_destroydomain, id), 0);
        op = new_op(XEN_DOMCTL_setvcpucontext, target->domain_id);
        set_xen_guest_handle(op.u.vcpucontext.ctxt, &ctx);
        alloc_fails = true;
        CHECK_EQ(domctl(&op), -ENOMEM);
        op.cmd = XEN_DOMCTL_getvcpucontext;
        CHECK_EQ(domctl(&op), -ENOMEM);
        alloc_fails = false;
        CHECK_EQ(live_allocs, before);
        CHECK(refs_balanced());
    }

    CASE("max_mem: in KiB, rounded down to pages, lower than held is fine")
    {
        struct xen_domctl op = new_op(XEN_DOMCTL_max_mem, target->domain_id);

        run_as(dom0);
        op.u.max_mem.max_memkb = 4096 + 3;
        CHECK_EQ(domctl(&op), 0);
        CHECK_EQ(target->max_pages, 1024);
        op.u.max_mem.max_memkb = 0;
        CHECK_EQ(domctl(&op), 0);
        CHECK_EQ(target->max_pages, 0);
    }
}

static void test_vcpus(void)
{
    CASE("getvcpuinfo: vCPU ids at the limit and one past")
    {
        struct xen_domctl op = new_op(XEN_DOMCTL_getvcpuinfo,
                                      target->domain_id);

        run_as(dom0);
        target->vcpu[3]->processor = 1;
        target->vcpu[3]->pause_flags = VPF_blocked;
        op.u.getvcpuinfo.vcpu = MAX_VCPUS - 1;
        CHECK_EQ(domctl(&op), 0);
        CHECK_EQ(op.u.getvcpuinfo.cpu, 1);
        CHECK_EQ(op.u.getvcpuinfo.online, 1);
        CHECK_EQ(op.u.getvcpuinfo.blocked, 1);
        op.u.getvcpuinfo.vcpu = MAX_VCPUS;
        CHECK_EQ(domctl(&op), -EINVAL);
        op.u.getvcpuinfo.vcpu = ~0u;
        CHECK_EQ(domctl(&op), -EINVAL);
        target->vcpu[3]->pause_flags = 0;
        CHECK(refs_balanced());
    }

    CASE("set/getvcpucontext: vCPU ids at the limit and one past, self")
    {
        struct vcpu_guest_context ctx;
        struct xen_domctl op = new_op(XEN_DOMCTL_setvcpucontext,
                                      target->domain_id);
        long before = live_allocs;

        run_as(dom0);
        memset(&ctx, 0, sizeof(ctx));
        set_xen_guest_handle(op.u.vcpucontext.ctxt, &ctx);
        set_ctx_calls = 0;
        op.u.vcpucontext.vcpu = MAX_VCPUS;
        CHECK_EQ(domctl(&op), -EINVAL);
        op.u.vcpucontext.vcpu = MAX_VCPUS - 1;
        CHECK_EQ(domctl(&op), 0);
        CHECK_EQ(set_ctx_calls, 1);
        for ( unsigned int i = 0; i < MAX_VCPUS; i++ )
            CHECK_EQ(target->vcpu[i]->pause_count, 0);
        op.cmd = XEN_DOMCTL_getvcpucontext;
        CHECK_EQ(domctl(&op), 0);
        CHECK_EQ(ctx.user_regs.rip, 0x1000 + MAX_VCPUS - 1);
        CHECK_EQ(target->vcpu[MAX_VCPUS - 1]->pause_count, 0);
        op.u.vcpucontext.vcpu = MAX_VCPUS;
        CHECK_EQ(domctl(&op), -EINVAL);
        target->vcpu[1]->pause_flags = VPF_down;
        op.u.vcpucontext.vcpu = 1;
        CHECK_EQ(domctl(&op), -ENODATA);
        target->vcpu[1]->pause_flags = 0;
        /* The caller's own domain may not be set. */
        op = new_op(XEN_DOMCTL_setvcpucontext, dom0->domain_id);
        set_xen_guest_handle(op.u.vcpucontext.ctxt, &ctx);
        CHECK_EQ(domctl(&op), -EINVAL);
        CHECK_EQ(set_ctx_calls, 1);
        CHECK_EQ(live_allocs, before);
        CHECK(refs_balanced());
    }

    CASE("setvcpucontext: an unreadable context is -EFAULT, nothing paused")
    {
        struct vcpu_guest_context ctx;
        struct xen_domctl op = new_op(XEN_DOMCTL_setvcpucontext,
                                      target->domain_id);
        long before = live_allocs;

        run_as(dom0);
        set_xen_guest_handle(op.u.vcpucontext.ctxt, &ctx);
        harness_fault_lo = (uintptr_t)&ctx;
        harness_fault_hi = harness_fault_lo + 1;
        CHECK_EQ(domctl(&op), -EFAULT);
        harness_fault_lo = harness_fault_hi = 0;
        CHECK_EQ(live_allocs, before);
        CHECK_EQ(target->vcpu[0]->pause_count, 0);
    }

    CASE("vcpuaffinity: vCPU ids, flags, and a map cut to nr_bits")
    {
        struct xen_domctl op = new_op(XEN_DOMCTL_setvcpuaffinity,
                                      target->domain_id);
        uint8_t hard[2] = { 0xff, 0xff }, soft[2] = { 0xff, 0xff };

        run_as(dom0);
        set_xen_guest_handle(op.u.vcpuaffinity.cpumap_hard.bitmap, hard);
        set_xen_guest_handle(op.u.vcpuaffinity.cpumap_soft.bitmap, soft);
        op.u.vcpuaffinity.cpumap_hard.nr_bits = 12;
        op.u.vcpuaffinity.cpumap_soft.nr_bits = 12;
        op.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD;
        op.u.vcpuaffinity.vcpu = MAX_VCPUS;
        CHECK_EQ(domctl(&op), -EINVAL);
        op.u.vcpuaffinity.vcpu = MAX_VCPUS - 1;
        op.u.vcpuaffinity.flags = 0;
        CHECK_EQ(domctl(&op), -EINVAL);
        op.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD;
        hard[0] = 0x02;
        hard[1] = 0xff;
        CHECK_EQ(domctl(&op), 0);
        CHECK(cpumask_test_cpu(1, &target->vcpu[3]->cpu_hard_affinity));
        CHECK(!cpumask_test_cpu(0, &target->vcpu[3]->cpu_hard_affinity));
        CHECK(cpumask_test_cpu(11, &target->vcpu[3]->cpu_hard_affinity));
        CHECK(!cpumask_test_cpu(12, &target->vcpu[3]->cpu_hard_affinity));
        /* What is in force comes back: within the online CPUs (0, 1). */
        CHECK_EQ(hard[0], 0x02);
        CHECK_EQ(hard[1], 0);
        op.cmd = XEN_DOMCTL_getvcpuaffinity;
        hard[0] = hard[1] = 0xff;
        CHECK_EQ(domctl(&op), 0);
        CHECK_EQ(hard[0], 0x02);
        CHECK_EQ(hard[1], 0x0f);
        CHECK_EQ(soft[1], 0xff);
        op.u.vcpuaffinity.vcpu = MAX_VCPUS;
        CHECK_EQ(domctl(&op), -EINVAL);
        CHECK(refs_balanced());
    }

    CASE("vcpuaffinity: soft maps are stored, read back, and cut to hard")
    {
        struct xen_domctl op = new_op(XEN_DOMCTL_setvcpuaffinity,
                                      target->domain_id);
        uint8_t soft[1] = { 0x06 };
        struct vcpu *v = target->vcpu[2];

        run_as(dom0);
        cpumask_setall(&v->cpu_hard_affinity);
        cpumask_clear(&v->cpu_soft_affinity);
        set_xen_guest_handle(op.u.vcpuaffinity.cpumap_soft.bitmap, soft);
        op.u.vcpuaffinity.cpumap_soft.nr_bits = 8;
        op.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_SOFT;
        op.u.vcpuaffinity.vcpu = 2;
        CHECK_EQ(domctl(&op), 0);
        CHECK(cpumask_test_cpu(1, &v->cpu_soft_affinity));
        CHECK(cpumask_test_cpu(2, &v->cpu_soft_affinity));
        CHECK(!cpumask_test_cpu(0, &v->cpu_soft_affinity));
        /* What is in force comes back: within the online CPUs (0, 1). */
        CHECK_EQ(soft[0], 0x02);
        op.cmd = XEN_DOMCTL_getvcpuaffinity;
        soft[0] = 0;
        CHECK_EQ(domctl(&op), 0);
        CHECK_EQ(soft[0], 0x06);
        /* Only the last byte is cut to nr_bits: 12 bits of all CPUs. */
        {
            uint8_t hard[2] = { 0, 0 };

            set_xen_guest_handle(op.u.vcpuaffinity.cpumap_hard.bitmap, hard);
            op.u.vcpuaffinity.cpumap_hard.nr_bits = 12;
            op.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD;
            CHECK_EQ(domctl(&op), 0);
            CHECK_EQ(hard[0], 0xff);
            CHECK_EQ(hard[1], 0x0f);
            op.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_SOFT;
        }
        /* An unreadable soft map is -EFAULT and changes nothing. */
        op.cmd = XEN_DOMCTL_setvcpuaffinity;
        harness_fault_lo = (uintptr_t)soft;
        harness_fault_hi = harness_fault_lo + 1;
        CHECK_EQ(domctl(&op), -EFAULT);
        harness_fault_lo = harness_fault_hi = 0;
        CHECK(cpumask_test_cpu(2, &v->cpu_soft_affinity));
        CHECK(!cpumask_test_cpu(0, &v->cpu_soft_affinity));
        /* Both maps in one call (as xl vcpu-pin gives them): both set. */
        {
            uint8_t hard[1] = { 0xff };

            set_xen_guest_handle(op.u.vcpuaffinity.cpumap_hard.bitmap, hard);
            op.u.vcpuaffinity.cpumap_hard.nr_bits = 8;
            op.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD |
                                      XEN_VCPUAFFINITY_SOFT;
            soft[0] = 0x01;
            CHECK_EQ(domctl(&op), 0);
            CHECK(cpumask_test_cpu(0, &v->cpu_soft_affinity));
            CHECK(!cpumask_test_cpu(2, &v->cpu_soft_affinity));
            CHECK_EQ(hard[0], 0x03);
            CHECK_EQ(soft[0], 0x01);
        }
        CHECK(refs_balanced());
    }

    CASE("vcpuaffinity: no online CPU in the map is refused")
    {
        struct xen_domctl op = new_op(XEN_DOMCTL_setvcpuaffinity,
                                      target->domain_id);
        uint8_t hard[1] = { 0x04 };

        run_as(dom0);
        set_xen_guest_handle(op.u.vcpuaffinity.cpumap_hard.bitmap, hard);
        op.u.vcpuaffinity.cpumap_hard.nr_bits = 8;
        op.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD;
        op.u.vcpuaffinity.vcpu = 0;
        CHECK_EQ(domctl(&op), -EINVAL);
        CHECK(cpumask_test_cpu(0, &target->vcpu[0]->cpu_hard_affinity));
    }
}

static long tsc(uint32_t cmd, domid_t dom, uint32_t mode, uint32_t khz,
                uint32_t inc, uint64_t elapsed, struct xen_domctl *op)
{
    *op = new_op(cmd, dom);
    op->u.tsc_info.tsc_mode = mode;
    op->u.tsc_info.gtsc_khz = khz;
    op->u.tsc_info.incarnation = inc;
    op->u.tsc_info.elapsed_nsec = elapsed;
    return domctl(op);
}

static long nodes(uint32_t cmd, domid_t dom, void *map, uint32_t nr_bits)
{
    struct xen_domctl op = new_op(cmd, dom);

    set_xen_guest_handle(op.u.nodeaffinity.nodemap.bitmap, map);
    op.u.nodeaffinity.nodemap.nr_bits = nr_bits;
    return domctl(&op);
}

static void test_toolstack_info(void)
{
    struct xen_domctl op;

    CASE("tsc/nodeaffinity: -EACCES for the version, -EPERM unprivileged")
    {
        static const uint32_t cmds[] = {
            XEN_DOMCTL_settscinfo, XEN_DOMCTL_gettscinfo,
            XEN_DOMCTL_setnodeaffinity, XEN_DOMCTL_getnodeaffinity,
        };

        for ( unsigned int i = 0; i < ARRAY_SIZE(cmds); i++ )
        {
            struct xen_domctl b;

            run_as(dom0);
            op = new_op(cmds[i], target->domain_id);
            op.interface_version++;
            CHECK_EQ(domctl(&op), -EACCES);
            run_as(domU);
            op = new_op(cmds[i], target->domain_id);
            op.u.tsc_info.tsc_mode = 1;
            b = op;
            CHECK_EQ(domctl(&op), -EPERM);
            CHECK(!memcmp(&op, &b, sizeof(op)));
        }
        run_as(dom0);
        CHECK_EQ(tsc(XEN_DOMCTL_gettscinfo, 77, 0, 0, 0, 0, &op), -ESRCH);
        CHECK_EQ(nodes(XEN_DOMCTL_getnodeaffinity, 77, NULL, 0), -ESRCH);
        CHECK(refs_balanced());
    }

    CASE("tscinfo: a new domain's, then what was set, incarnation plus one")
    {
        run_as(dom0);
        memset(&op.u, 0xee, sizeof(op.u));
        CHECK_EQ(tsc(XEN_DOMCTL_gettscinfo, target->domain_id, 9, 9, 9, 9,
                     &op), 0);
        CHECK_EQ(op.u.tsc_info.tsc_mode, 0);
        CHECK_EQ(op.u.tsc_info.gtsc_khz, cpu_khz);
        CHECK_EQ(op.u.tsc_info.incarnation, 1);
        CHECK_EQ(op.u.tsc_info.pad, 0);
        CHECK_EQ(tsc(XEN_DOMCTL_settscinfo, target->domain_id, 1, 1000, 5,
                     300, &op), 0);
        CHECK_EQ(tsc(XEN_DOMCTL_gettscinfo, target->domain_id, 0, 0, 0, 0,
                     &op), 0);
        CHECK_EQ(op.u.tsc_info.tsc_mode, 1);
        CHECK_EQ(op.u.tsc_info.gtsc_khz, 1000);
        CHECK_EQ(op.u.tsc_info.incarnation, 6);
        /* The clock stands still here: exactly what was set. */
        CHECK_EQ(op.u.tsc_info.elapsed_nsec, 300);
        /* Frequency 0 is the host's; native mode has none. */
        CHECK_EQ(tsc(XEN_DOMCTL_settscinfo, target->domain_id, 0, 0, 0, 0,
                     &op), 0);
        CHECK_EQ(tsc(XEN_DOMCTL_gettscinfo, target->domain_id, 0, 0, 0, 0,
                     &op), 0);
        CHECK_EQ(op.u.tsc_info.gtsc_khz, cpu_khz);
        CHECK_EQ(tsc(XEN_DOMCTL_settscinfo, target->domain_id, 2, 1000, 0,
                     300, &op), 0);
        CHECK_EQ(tsc(XEN_DOMCTL_gettscinfo, target->domain_id, 0, 0, 0, 0,
                     &op), 0);
        CHECK_EQ(op.u.tsc_info.tsc_mode, 2);
        CHECK_EQ(op.u.tsc_info.gtsc_khz, 0);
        CHECK_EQ(op.u.tsc_info.elapsed_nsec, 0);
        /* Elapsed time from after now reads as 0, not negative. */
        CHECK_EQ(tsc(XEN_DOMCTL_settscinfo, target->domain_id, 1, 0, 0,
                     ~0ULL, &op), 0);
        CHECK_EQ(tsc(XEN_DOMCTL_gettscinfo, target->domain_id, 0, 0, 0, 0,
                     &op), 0);
        CHECK_EQ(op.u.tsc_info.elapsed_nsec, 0);
        CHECK(refs_balanced());
    }

    CASE("tscinfo: mode 3 and up -EINVAL, nothing changed; not on ourselves")
    {
        run_as(dom0);
        CHECK_EQ(tsc(XEN_DOMCTL_settscinfo, target->domain_id, 2, 0, 0, 0,
                     &op), 0);
        CHECK_EQ(tsc(XEN_DOMCTL_settscinfo, target->domain_id, 3, 0, 0, 0,
                     &op), -EINVAL);
        CHECK_EQ(tsc(XEN_DOMCTL_settscinfo, target->domain_id, ~0u, 0, 0, 0,
                     &op), -EINVAL);
        CHECK_EQ(tsc(XEN_DOMCTL_gettscinfo, target->domain_id, 0, 0, 0, 0,
                     &op), 0);
        CHECK_EQ(op.u.tsc_info.tsc_mode, 2);
        CHECK_EQ(tsc(XEN_DOMCTL_gettscinfo, 0, 0, 0, 0, 0, &op), -EINVAL);
        CHECK_EQ(tsc(XEN_DOMCTL_settscinfo, 0, 0, 0, 0, 0, &op), -EINVAL);
        /* The info lives in struct domain: nothing to allocate. */
        alloc_fails = true;
        CHECK_EQ(tsc(XEN_DOMCTL_gettscinfo, domU->domain_id, 0, 0, 0, 0,
                     &op), 0);
        alloc_fails = false;
        CHECK(refs_balanced());
    }

    CASE("nodeaffinity: node 0 by default, every node without a vCPU")
    {
        uint8_t map[16];
        struct domain *bare = new_domain(9, false, 1);

        run_as(dom0);
        memset(map, 0xee, sizeof(map));
        CHECK_EQ(nodes(XEN_DOMCTL_getnodeaffinity, target->domain_id, map,
                       128), 0);
        CHECK_EQ(map[0], 1);
        CHECK_EQ(map[7], 0);
        CHECK_EQ(map[15], 0);
        memset(map, 0xee, sizeof(map));
        CHECK_EQ(nodes(XEN_DOMCTL_getnodeaffinity, 9, map, 72), 0);
        CHECK_EQ(map[0], 0xff);
        CHECK_EQ(map[7], 0xff);
        CHECK_EQ(map[8], 0);
        CHECK_EQ(map[9], 0xee);
        domain_destroy(bare);
        CHECK(refs_balanced());
    }

    CASE("nodeaffinity: kept as given, node 0 needed, all nodes is none")
    {
        uint8_t map[8], out[8];

        run_as(dom0);
        memset(map, 0, sizeof(map));
        map[0] = 0x21;
        CHECK_EQ(nodes(XEN_DOMCTL_setnodeaffinity, target->domain_id, map,
                       64), 0);
        CHECK_EQ(nodes(XEN_DOMCTL_getnodeaffinity, target->domain_id, out,
                       64), 0);
        CHECK_EQ(out[0], 0x21);
        /* Without node 0 or with no bits: -EINVAL, the map kept. */
        map[0] = 0x20;
        CHECK_EQ(nodes(XEN_DOMCTL_setnodeaffinity, target->domain_id, map,
                       64), -EINVAL);
        map[0] = 0xff;
        CHECK_EQ(nodes(XEN_DOMCTL_setnodeaffinity, target->domain_id, map,
                       0), -EINVAL);
        CHECK_EQ(nodes(XEN_DOMCTL_getnodeaffinity, target->domain_id, out,
                       64), 0);
        CHECK_EQ(out[0], 0x21);
        /* nr_bits cuts the last byte; past 64 nodes is ignored. */
        CHECK_EQ(nodes(XEN_DOMCTL_setnodeaffinity, target->domain_id, map,
                       3), 0);
        CHECK_EQ(nodes(XEN_DOMCTL_getnodeaffinity, target->domain_id, out,
                       8), 0);
        CHECK_EQ(out[0], 0x07);
        memset(map, 0xff, sizeof(map));
        CHECK_EQ(nodes(XEN_DOMCTL_setnodeaffinity, target->domain_id, map,
                       64), 0);
        CHECK_EQ(nodes(XEN_DOMCTL_getnodeaffinity, target->domain_id, out,
                       8), 0);
        CHECK_EQ(out[0], 0x01);
        CHECK(refs_balanced());
    }

    CASE("nodeaffinity: unreadable or unwritable maps are -EFAULT")
    {
        uint8_t map[8] = { 1 };

        run_as(dom0);
        harness_fault_lo = (uintptr_t)map;
        harness_fault_hi = harness_fault_lo + 1;
        CHECK_EQ(nodes(XEN_DOMCTL_setnodeaffinity, target->domain_id, map,
                       8), -EFAULT);
        CHECK_EQ(nodes(XEN_DOMCTL_getnodeaffinity, target->domain_id, map,
                       8), -EFAULT);
        harness_fault_lo = harness_fault_hi = 0;
        CHECK(refs_balanced());
    }
}

int main(void)
{
    cpumask_set_cpu(0, &cpu_online_map);
    cpumask_set_cpu(1, &cpu_online_map);
    dom0 = new_domain(0, true, 1);
    new_vcpu(dom0, 0, 0);
    domU = new_domain(1, false, 1);
    new_vcpu(domU, 0, 0);
    target = new_domain(5, false, MAX_VCPUS);
    for ( unsigned int i = 0; i < MAX_VCPUS; i++ )
        new_vcpu(target, i, 0)->pause_flags = 0;
    test_gate();
    test_create();
    test_domains();
    test_vcpus();
    test_toolstack_info();
    return check_failures ? 1 : 0;
}
