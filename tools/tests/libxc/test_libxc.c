/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for libhvxc over fake /dev/xen devices: the error paths. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fake.h"
#include "hvxc.h"

static const char *case_name;
static char why[300];
static unsigned int failures;

#define CHECK(cond) do { \
    if ( !(cond) && !why[0] ) \
        snprintf(why, sizeof(why), "line %d: %s", __LINE__, #cond); \
} while ( 0 )

static void begin(const char *name)
{
    case_name = name;
    why[0] = '\0';
}

static void end(void)
{
    if ( why[0] )
    {
        printf("FAIL: libxc/%s: %s\n", case_name, why);
        failures++;
    }
    else
        printf("PASS: libxc/%s\n", case_name);
}

#define CASE(name) \
    for ( int once_ = (begin(name), 1); once_; once_ = (end(), 0) )

/* Log lines the library produced, for checking its messages. */
static char logged[1024];
static unsigned int nr_logged;

static void logger(void *opaque, enum xc_log_level level, const char *msg)
{
    (void)opaque;
    if ( level != XC_LOG_ERROR )
        return;
    nr_logged++;
    snprintf(logged, sizeof(logged), "%s", msg);
}

static xc_interface *open_fake(fake_hypercall_fn *fn, unsigned long frames)
{
    xc_interface *xch;

    fake_reset(frames);
    fake.hypercall = fn;
    nr_logged = 0;
    logged[0] = '\0';
    xch = xc_interface_open(logger, NULL);
    if ( !xch )
        abort();
    return xch;
}

/* ---- Hypervisors for the cases ---- */

static unsigned int destroy_calls, restarts_left;
static long hv_destroy(unsigned int op, uint64_t a[5])
{
    struct xen_domctl *d = (void *)(uintptr_t)a[0];

    if ( op != __HYPERVISOR_domctl || d->cmd != XEN_DOMCTL_destroydomain ||
         d->interface_version != XEN_DOMCTL_INTERFACE_VERSION )
        return -EINVAL;
    destroy_calls++;
    return restarts_left-- ? -ERESTART : 0;
}

static long hv_esrch(unsigned int op, uint64_t a[5])
{
    (void)op; (void)a;
    return -ESRCH;
}

static long hv_efault(unsigned int op, uint64_t a[5])
{
    (void)op; (void)a;
    return -EFAULT;
}

/* getdomaininfo answers for the next domain up, as old Xens did. */
static long hv_next_domain(unsigned int op, uint64_t a[5])
{
    struct xen_domctl *d = (void *)(uintptr_t)a[0];

    (void)op;
    d->u.getdomaininfo.domain = d->domain + 1;
    d->u.getdomaininfo.tot_pages = 77;
    return 0;
}

static long hv_info(unsigned int op, uint64_t a[5])
{
    struct xen_domctl *d = (void *)(uintptr_t)a[0];

    (void)op;
    if ( d->domain != 3 )
        return -ESRCH;
    d->u.getdomaininfo.domain = 3;
    d->u.getdomaininfo.tot_pages = 77;
    return 0;
}

/* A sysctl that reports more than the caller has room for. */
static long hv_overreport(unsigned int op, uint64_t a[5])
{
    struct xen_sysctl *s = (void *)(uintptr_t)a[0];

    if ( op != __HYPERVISOR_sysctl ||
         s->interface_version != XEN_SYSCTL_INTERFACE_VERSION )
        return -EINVAL;
    switch ( s->cmd )
    {
    case XEN_SYSCTL_getdomaininfolist:
        s->u.getdomaininfolist.num_domains =
            s->u.getdomaininfolist.max_domains + 1;
        return 0;
    case XEN_SYSCTL_readconsole:
        s->u.readconsole.count += 10;
        return 0;
    case XEN_SYSCTL_get_cpu_policy:
        s->u.cpu_policy.nr_leaves = 40;
        s->u.cpu_policy.nr_msrs = 3;
        return -ENOBUFS;
    }
    return -ENOSYS;
}

static long hv_console(unsigned int op, uint64_t a[5])
{
    struct xen_sysctl *s = (void *)(uintptr_t)a[0];
    char *buf = (char *)(uintptr_t)s->u.readconsole.buffer.p;

    (void)op;
    if ( s->cmd != XEN_SYSCTL_readconsole || !s->u.readconsole.incremental ||
         ((uintptr_t)buf & 4095) )
        return -EINVAL;
    memcpy(buf, "hello", 5);
    s->u.readconsole.count = 5;
    s->u.readconsole.index += 5;
    return 0;
}

/* populate_physmap gives 3 extents of however many; records the undo. */
static unsigned long decreased;
static long hv_partial(unsigned int op, uint64_t a[5])
{
    struct xen_memory_reservation *r = (void *)(uintptr_t)a[1];

    if ( op != __HYPERVISOR_memory_op )
        return -ENOSYS;
    if ( a[0] == XENMEM_populate_physmap )
        return r->nr_extents < 3 ? r->nr_extents : 3;
    if ( a[0] == XENMEM_decrease_reservation )
    {
        decreased = r->nr_extents;
        return r->nr_extents;
    }
    return -ENOSYS;
}

/* Records what each call asked for and answers success. */
static uint32_t last_cmd, last_op;
static long hv_record(unsigned int op, uint64_t a[5])
{
    last_op = op;
    if ( op == __HYPERVISOR_domctl )
    {
        struct xen_domctl *d = (void *)(uintptr_t)a[0];

        last_cmd = d->cmd;
        if ( d->interface_version != XEN_DOMCTL_INTERFACE_VERSION )
            return -EACCES;
        if ( d->cmd == XEN_DOMCTL_getdomaininfo )
            d->u.getdomaininfo.domain = d->domain;
        if ( d->cmd == XEN_DOMCTL_createdomain )
            d->domain = 12;
        if ( d->cmd == XEN_DOMCTL_get_address_size )
            d->u.address_size.size = 64;
        if ( d->cmd == XEN_DOMCTL_scheduler_op )
            d->u.scheduler_op.u.credit.weight = 256;
        if ( d->cmd == XEN_DOMCTL_getvcpuaffinity )
            ((uint8_t *)d->u.vcpuaffinity.cpumap_hard.bitmap.p)[0] = 0x5;
    }
    else if ( op == __HYPERVISOR_sysctl )
    {
        struct xen_sysctl *s = (void *)(uintptr_t)a[0];

        last_cmd = s->cmd;
        if ( s->interface_version != XEN_SYSCTL_INTERFACE_VERSION )
            return -EACCES;
        if ( s->cmd == XEN_SYSCTL_physinfo )
            s->u.physinfo.nr_cpus = 2;
        if ( s->cmd == XEN_SYSCTL_cpupool_op &&
             s->u.cpupool_op.op == XEN_SYSCTL_CPUPOOL_OP_CREATE )
            s->u.cpupool_op.cpupool_id = 3;
        if ( s->cmd == XEN_SYSCTL_cpupool_op &&
             s->u.cpupool_op.op == XEN_SYSCTL_CPUPOOL_OP_INFO )
            ((uint8_t *)s->u.cpupool_op.cpumap.bitmap.p)[0] = 0x3;
        if ( s->cmd == XEN_SYSCTL_cputopoinfo )
            s->u.cputopoinfo.num_cpus = 2;
    }
    else
        last_cmd = a[0];
    return 0;
}

/* ---- Cases ---- */

static void test_open(void)
{
    CASE("open-fails-with-errno")
    {
        xc_interface *xch;

        fake_reset(0);
        fake.open_errno = ENOENT;
        nr_logged = 0;
        errno = 0;
        xch = xc_interface_open(logger, NULL);
        CHECK(!xch);
        CHECK(errno == ENOENT);
        CHECK(nr_logged == 1 && strstr(logged, "/dev/xen/privcmd"));
    }
}

static void test_domctl(void)
{
    CASE("destroy-retries-erestart")
    {
        xc_interface *xch = open_fake(hv_destroy, 0);

        destroy_calls = 0;
        restarts_left = 5;
        CHECK(xc_domain_destroy(xch, 4) == 0);
        CHECK(destroy_calls == 6);
        CHECK(!fake.unaligned_arg);
        CHECK(nr_logged == 0);
        xc_interface_close(xch);
    }
    CASE("bad-domid-refused-locally")
    {
        xc_interface *xch = open_fake(hv_destroy, 0);
        xen_pfn_t pfn = 0;

        CHECK(xc_domain_destroy(xch, DOMID_SELF) == -1 && errno == EINVAL);
        CHECK(xc_domain_populate_physmap(xch, 0x7ff0, 1, 0, 0, &pfn) == -1 &&
              errno == EINVAL);
        CHECK(fake.nr_hypercalls == 0);
        CHECK(nr_logged == 2);
        xc_interface_close(xch);
    }
    CASE("hypervisor-errno-and-message")
    {
        xc_interface *xch = open_fake(hv_esrch, 0);

        CHECK(xc_domain_pause(xch, 9) == -1 && errno == ESRCH);
        CHECK(strstr(logged, "pausedomain d9") != NULL);
        CHECK(!strcmp(xc_last_error(xch), logged));
        CHECK(xc_domain_max_mem(xch, 9, 1024) == -1 && errno == ESRCH);
        xc_interface_close(xch);
    }
    CASE("efault-passed-through")
    {
        xc_interface *xch = open_fake(hv_efault, 0);
        vcpu_guest_context_t ctxt;

        CHECK(xc_domain_getvcpucontext(xch, 1, 0, &ctxt) == -1 &&
              errno == EFAULT);
        CHECK(xc_domain_getvcpucontext(xch, 1, 0, NULL) == -1 &&
              errno == EINVAL);
        xc_interface_close(xch);
    }
    CASE("getinfo-of-another-domain-is-esrch")
    {
        xc_interface *xch = open_fake(hv_next_domain, 0);
        xen_domctl_getdomaininfo_t info;

        CHECK(xc_domain_getinfo_single(xch, 3, &info) == -1 &&
              errno == ESRCH);
        fake.hypercall = hv_info;
        memset(&info, 0, sizeof(info));
        CHECK(xc_domain_getinfo_single(xch, 3, &info) == 0);
        CHECK(info.tot_pages == 77);
        CHECK(!fake.unaligned_arg);
        xc_interface_close(xch);
    }
}

static void test_wrappers(void)
{
    CASE("every-wrapper-asks-its-op")
    {
        xc_interface *xch = open_fake(hv_record, 0);
        uint32_t domid = 0, pool = 0, id;
        unsigned int bits, nr = 4;
        uint8_t hard[8] = { 0 }, map[64];
        struct xen_domctl_sched_credit cr = { 0 };
        struct xen_sysctl_credit_schedule cs = { 0 };
        struct xen_sysctl_physinfo pi;
        struct xc_cpupool_info ci;
        xen_sysctl_cputopo_t topo[4];
        struct xen_domctl_getvcpuinfo vi;
        vcpu_guest_context_t ctxt = { 0 };
        xen_domain_handle_t h = { 1 };
        struct mmuext_op pin = { .cmd = MMUEXT_PIN_L4_TABLE };
        evtchn_port_t port;

#define ASKS(call, op, cmd) CHECK((call) == 0 && last_op == (op) && \
                                  last_cmd == (cmd))
#define D(call, cmd) ASKS(call, __HYPERVISOR_domctl, cmd)
#define S(call, cmd) ASKS(call, __HYPERVISOR_sysctl, cmd)
        D(xc_domain_create(xch, &domid, NULL), XEN_DOMCTL_createdomain);
        CHECK(domid == 12);
        D(xc_domain_unpause(xch, 12), XEN_DOMCTL_unpausedomain);
        D(xc_domain_max_vcpus(xch, 12, 2), XEN_DOMCTL_max_vcpus);
        D(xc_domain_setvcpucontext(xch, 12, 0, &ctxt),
          XEN_DOMCTL_setvcpucontext);
        D(xc_domain_getvcpuinfo(xch, 12, 0, &vi), XEN_DOMCTL_getvcpuinfo);
        D(xc_vcpu_setaffinity(xch, 12, 0, hard, NULL, sizeof(hard),
                              XEN_VCPUAFFINITY_HARD),
          XEN_DOMCTL_setvcpuaffinity);
        D(xc_vcpu_getaffinity(xch, 12, 0, hard, NULL, sizeof(hard),
                              XEN_VCPUAFFINITY_HARD),
          XEN_DOMCTL_getvcpuaffinity);
        CHECK(hard[0] == 0x5);
        D(xc_domain_sethandle(xch, 12, h), XEN_DOMCTL_setdomainhandle);
        D(xc_domain_hypercall_init(xch, 12, 7), XEN_DOMCTL_hypercall_init);
        D(xc_domain_set_address_size(xch, 12, 64),
          XEN_DOMCTL_set_address_size);
        D(xc_domain_get_address_size(xch, 12, &bits),
          XEN_DOMCTL_get_address_size);
        CHECK(bits == 64);
        D(xc_sched_credit_domain_set(xch, 12, &cr), XEN_DOMCTL_scheduler_op);
        D(xc_sched_credit_domain_get(xch, 12, &cr), XEN_DOMCTL_scheduler_op);
        CHECK(cr.weight == 256);
        S(xc_physinfo(xch, &pi), XEN_SYSCTL_physinfo);
        CHECK(pi.nr_cpus == 2);
        S(xc_cputopoinfo(xch, &nr, topo), XEN_SYSCTL_cputopoinfo);
        CHECK(nr == 2);
        S(xc_sched_id(xch, &id), XEN_SYSCTL_sched_id);
        S(xc_sched_credit_params_get(xch, 0, &cs), XEN_SYSCTL_scheduler_op);
        S(xc_send_debug_keys(xch, "q"), XEN_SYSCTL_debug_keys);
        S(xc_cpupool_create(xch, &pool, XEN_SCHEDULER_CREDIT),
          XEN_SYSCTL_cpupool_op);
        CHECK(pool == 3);
        S(xc_cpupool_getinfo(xch, 0, &ci), XEN_SYSCTL_cpupool_op);
        CHECK(ci.cpumap[0] == 0x3);
        S(xc_cpupool_addcpu(xch, 3, -1), XEN_SYSCTL_cpupool_op);
        S(xc_cpupool_movedomain(xch, 3, 12), XEN_SYSCTL_cpupool_op);
        S(xc_cpupool_removecpu(xch, 3, 1), XEN_SYSCTL_cpupool_op);
        S(xc_cpupool_freeinfo(xch, map), XEN_SYSCTL_cpupool_op);
        S(xc_cpupool_destroy(xch, 3), XEN_SYSCTL_cpupool_op);
        ASKS(xc_evtchn_alloc_unbound(xch, 12, 0, &port),
             __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound);
        ASKS(xc_domain_set_pod_target(xch, 12, 100), __HYPERVISOR_memory_op,
             XENMEM_set_pod_target);
        CHECK(xc_mmuext_op(xch, &pin, 1, 12) == 0 &&
              last_op == __HYPERVISOR_mmuext_op);
        CHECK(!fake.unaligned_arg && nr_logged == 0);
#undef S
#undef D
#undef ASKS
        xc_interface_close(xch);
    }
}

static void test_sysctl(void)
{
    CASE("too-small-buffers")
    {
        xc_interface *xch = open_fake(hv_overreport, 0);
        xen_domctl_getdomaininfo_t info[2];
        char buf[16];
        unsigned int count = sizeof(buf);
        uint32_t nl = 1, nm = 0;
        xen_cpuid_leaf_t leaf;

        CHECK(xc_domain_getinfolist(xch, 0, 2, info) == -1 && errno == E2BIG);
        CHECK(xc_domain_getinfolist(xch, 0, 0, info) == -1 &&
              errno == EINVAL);
        CHECK(xc_readconsolering(xch, buf, &count, 0, NULL) == -1 &&
              errno == EOVERFLOW);
        CHECK(xc_get_system_cpu_policy(xch, 0, &nl, &leaf, &nm, NULL) == -1 &&
              errno == ENOBUFS);
        CHECK(nl == 40 && nm == 3);
        nm = 1;
        CHECK(xc_get_system_cpu_policy(xch, 0, &nl, &leaf, &nm, NULL) == -1 &&
              errno == EINVAL);
        xc_interface_close(xch);
    }
    CASE("readconsole-bounces-out")
    {
        xc_interface *xch = open_fake(hv_console, 0);
        char buf[64] = "";
        unsigned int count = sizeof(buf);
        uint32_t index = 10;

        CHECK(xc_readconsolering(xch, buf, &count, 0, &index) == 0);
        CHECK(count == 5 && !memcmp(buf, "hello", 5) && index == 15);
        xc_interface_close(xch);
    }
}

static void test_memory(void)
{
    CASE("populate-partial-is-undone")
    {
        xc_interface *xch = open_fake(hv_partial, 0);
        xen_pfn_t pfns[5] = { 0, 1, 2, 3, 4 };

        decreased = 0;
        CHECK(xc_domain_populate_physmap(xch, 2, 5, 0, 0, pfns) == -1 &&
              errno == ENOMEM);
        CHECK(decreased == 3);
        CHECK(xc_domain_populate_physmap(xch, 2, 2, 0, 0, pfns) == 0);
        CHECK(xc_domain_claim_pages(xch, 2, 10) == -1 && errno == ENOSYS);
        xc_interface_close(xch);
    }
}

static void test_map(void)
{
    CASE("mmapbatch-per-frame-errors")
    {
        xc_interface *xch = open_fake(NULL, 4);
        xen_pfn_t mfns[3] = { FAKE_MFN0, FAKE_MFN0 + 1, FAKE_MFN0 + 2 };
        int err[3];
        uint8_t *p;

        fake.frame_err[1] = -EPERM;
        fake.frame_err[2] = -ENOENT;
        fake.mmapbatch_errno = ENOENT;
        ((uint8_t *)fake_frame(FAKE_MFN0))[0] = 0xab;
        p = xc_map_foreign_bulk(xch, 1, PROT_READ, mfns, err, 3);
        CHECK(p && p[0] == 0xab);
        CHECK(err[0] == 0 && err[1] == -EPERM && err[2] == -ENOENT);
        if ( p )
            xc_unmap(xch, p, 3);
        CHECK(!xc_map_foreign_pages(xch, 1, PROT_READ, mfns, 3) &&
              errno == EPERM);
        CHECK(strstr(logged, "frame 0x10001") != NULL);
        fake.mmapbatch_errno = EFAULT;
        CHECK(!xc_map_foreign_bulk(xch, 1, PROT_READ, mfns, err, 3) &&
              errno == EFAULT);
        CHECK(!xc_map_foreign_bulk(xch, DOMID_IO, PROT_READ, mfns, err, 3) &&
              errno == EINVAL);
        xc_interface_close(xch);
    }
    CASE("mmap-resource-not-offered")
    {
        xc_interface *xch = open_fake(NULL, 0);

        CHECK(!xc_map_resource(xch, 1, XENMEM_resource_grant_table, 0, 0, 1,
                               PROT_READ) && errno == EOPNOTSUPP);
        fake.mmap_resource_errno = EPERM;
        CHECK(!xc_map_resource(xch, 1, XENMEM_resource_grant_table, 0, 0, 1,
                               PROT_READ) && errno == EPERM);
        xc_interface_close(xch);
    }
    CASE("evtchn-device")
    {
        xc_interface *xch = open_fake(NULL, 0);
        xc_evtchn *xce = xc_evtchn_open(xch);

        CHECK(xce != NULL);
        if ( xce )
        {
            CHECK(xc_evtchn_bind_interdomain(xce, 3, 2) == 42);
            CHECK(xc_evtchn_bind_interdomain(xce, DOMID_SELF, 2) == -1 &&
                  errno == ESRCH);
            CHECK(xc_evtchn_notify(xce, 42) == 0);
            CHECK(xc_evtchn_notify(xce, 1) == -1 && errno == EINVAL);
            fake.pending_port = 42;
            CHECK(xc_evtchn_pending(xce) == 42);
            CHECK(xc_evtchn_unmask(xce, 42) == 0 && fake.unmasked_port == 42);
            CHECK(xc_evtchn_bind_virq(xce, 3) == -1 && errno == ENOTTY);
            xc_evtchn_close(xce);
        }
        xc_interface_close(xch);
    }
    CASE("grant-devices")
    {
        xc_interface *xch = open_fake(NULL, 0);
        xc_gnttab *g = xc_gnttab_open(xch);
        xc_gntshr *s = xc_gntshr_open(xch);
        uint32_t doms[2] = { 1, 1 }, refs[5] = { 8, 9 };
        void *p;

        CHECK(g && s);
        if ( g && s )
        {
            fake.grant_index = 0x3000;
            p = xc_gnttab_map_grant_refs(g, 2, doms, refs, PROT_READ);
            CHECK(p && fake.grant_count == 2);
            CHECK(p && xc_gnttab_unmap(g, p, 1) == -1 && errno == EINVAL);
            CHECK(p && xc_gnttab_unmap(g, p, 2) == 0 && fake.grant_unmapped);
            CHECK(!xc_gnttab_map_grant_refs(g, 0, doms, refs, PROT_READ) &&
                  errno == EINVAL);
            p = xc_gntshr_share_pages(s, 1, 2, refs, 1);
            CHECK(p && refs[0] == 8 && refs[1] == 9);
            if ( p )
                xc_gntshr_unshare(s, p, 2);
            CHECK(!xc_gntshr_share_pages(s, 1, 5, refs, 1) &&
                  errno == ENOSPC);
        }
        xc_gntshr_close(s);
        xc_gnttab_close(g);
        xc_interface_close(xch);
    }
}

/* test_builder.c's way into the cases' state. */
void builder_begin(const char *name);
void builder_end(void);
void builder_check(bool ok, int line, const char *what);
void test_builder(void);

void builder_begin(const char *name)
{
    begin(name);
}

void builder_end(void)
{
    end();
}

void builder_check(bool ok, int line, const char *what)
{
    if ( !ok && !why[0] )
        snprintf(why, sizeof(why), "test_builder.c line %d: %s", line, what);
}

int main(void)
{
    test_open();
    test_domctl();
    test_wrappers();
    test_sysctl();
    test_memory();
    test_map();
    test_builder();
    return failures ? 1 : 0;
}
