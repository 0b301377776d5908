/* SPDX-License-Identifier: GPL-2.0-only */
/* A toolstack's bad setvcpucontext and hypercall_init calls on a domU. */

#include <xenctl.h>
#include "test.h"
#include <builder.h>
#include <hypercall.h>
#include <mm.h>
#include <time.h>

#define VCPUCTX_MEM_KB      4096
/* Canonical on no x86-64 CPU: bits 63..47 differ. */
#define NONCANONICAL        0x8000000000000000UL
/* The most entries an LDT can have (a selector's 13 index bits). */
#define LDT_ENTS_MAX        8192
/* A frame number no machine has. */
#define NO_SUCH_MFN         (1UL << 36)

static vcpu_guest_context_t good, bad, seen;

static long set_ctx(domid_t dom, unsigned int vcpu, vcpu_guest_context_t *c)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_setvcpucontext,
                             .domain = dom };

    op.u.vcpucontext.vcpu = vcpu;
    set_xen_guest_handle(op.u.vcpucontext.ctxt, c);
    return domctl(&op);
}

static long get_ctx(domid_t dom, unsigned int vcpu, vcpu_guest_context_t *c)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_getvcpucontext,
                             .domain = dom };

    memset(c, 0, sizeof(*c));
    op.u.vcpucontext.vcpu = vcpu;
    set_xen_guest_handle(op.u.vcpucontext.ctxt, c);
    return domctl(&op);
}

static long hypercall_init(domid_t dom, unsigned long mfn)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_hypercall_init,
                             .domain = dom };

    op.u.hypercall_init.gmfn = mfn;
    return domctl(&op);
}

static long pause_domain(domid_t dom)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_pausedomain, .domain = dom };

    return domctl(&op);
}

/* The machine frame our page table maps at va. */
static unsigned long mapped_mfn(const void *va)
{
    return (*pt_entry((unsigned long)va, 1) & PTE_ADDR_MASK) >> PAGE_SHIFT;
}

/* Whether dom is no longer listed (getdomaininfo answers the next one). */
static bool gone(domid_t dom)
{
    struct xen_domctl_getdomaininfo info;

    return domain_getinfo(dom, &info) || info.domain != dom;
}

/*
 * A spinning domU with a second vCPU, never initialised, and in good a
 * context vCPU 1 may take: vCPU 0's, down.  The free page count before.
 */
static long build_two_vcpu_domu(struct domu *d, unsigned long *before)
{
    struct domu_spec spec = { .mem_kb = VCPUCTX_MEM_KB, .cmdline = "role=spin",
                              .max_vcpus = 2 };
    long rc;

    if ( !(spec.image = boot_module(&spec.image_len)) )
        return -XEN_ENOENT;
    *before = host_free_pages();
    if ( (rc = domu_build(&spec, d)) )
        return rc;
    if ( (rc = get_ctx(d->domid, 0, &good)) )
    {
        domu_destroy(d);
        return rc;
    }
    good.flags &= ~VGCF_online;
    return 0;
}

/* Destroys d; whether every page it had came back and it is gone. */
static bool destroy_gives_all_back(struct domu *d, unsigned long before)
{
    unsigned long after;

    if ( domu_destroy(d) )
        return false;
    after = host_free_pages_settled(before);
    for ( unsigned int ms = 0; !gone(d->domid) && ms < 1000; ms += 10 )
        msleep(10);
    printk("vcpuctx: free pages %lu before, %lu after\n", before, after);
    return after + destroy_slack_pages() >= before && gone(d->domid);
}

/* Each a context Xen refuses with -EINVAL before it changes anything. */
static void break_context(vcpu_guest_context_t *c, unsigned int which)
{
    switch ( which )
    {
    case 0: c->user_regs.rip = NONCANONICAL; break;
    case 1: c->user_regs.rsp = NONCANONICAL; break;
    case 2: c->kernel_sp = NONCANONICAL; break;
    case 3: c->fs_base = NONCANONICAL; break;
    case 4: c->gs_base_kernel = NONCANONICAL; break;
    case 5: c->gs_base_user = NONCANONICAL; break;
    case 6: c->event_callback_eip = NONCANONICAL; break;
    case 7: c->failsafe_callback_eip = NONCANONICAL; break;
    case 8: c->syscall_callback_eip = NONCANONICAL; break;
    case 9: c->trap_ctxt[0].address = NONCANONICAL; break;
    case 10: c->trap_ctxt[255].address = NONCANONICAL; break;
    case 11: c->ldt_base = 0x800; c->ldt_ents = 1; break;
    case 12: c->ldt_base = 0; c->ldt_ents = LDT_ENTS_MAX + 1; break;
    case 13: c->ldt_base = NONCANONICAL; c->ldt_ents = 1; break;
    }
}
#define NR_BROKEN 14

/*
 * Defect class: a toolstack (or a guest's own VCPUOP_initialise, which
 * takes the same path) handing a vCPU a context with a non-canonical
 * address would have the return to it fault in the hypervisor, and an
 * oversized LDT reaches past the LDT's mapping.  Xen refuses each with
 * -EINVAL; the vCPU stays uninitialised (getvcpucontext: -ENODATA).
 */
TEST(domctl, setvcpucontext_bad_context_leaves_new_vcpu_alone)
{
    unsigned long before;
    struct domu d;
    long rc;

    rc = build_two_vcpu_domu(&d, &before);
    if ( rc == -XEN_ENOENT )
        SKIP("no kernel for the domU: give mini-os as dom0's boot module");
    CHECK_RC(rc, 0);
    for ( unsigned int i = 0; i < NR_BROKEN && !test_failed(); i++ )
    {
        bad = good;
        break_context(&bad, i);
        rc = set_ctx(d.domid, 1, &bad);
        if ( rc != -XEN_EINVAL )
            test_fail("context %u: setvcpucontext gave %ld", i, rc);
        else if ( (rc = get_ctx(d.domid, 1, &seen)) != -XEN_ENODATA )
            test_fail("context %u: vCPU 1 initialised (%ld)", i, rc);
    }
    /* User mode with no user page table to run on. */
    bad = good;
    bad.flags &= ~VGCF_in_kernel;
    bad.ctrlreg[1] = 0;
    if ( !test_failed() && (rc = set_ctx(d.domid, 1, &bad)) != -XEN_EINVAL )
        test_fail("user mode without a user L4: %ld", rc);
    /* A kernel L4 that is no frame at all, or not an L4 of the domain's. */
    bad = good;
    bad.ctrlreg[3] = xen_pfn_to_cr3(NO_SUCH_MFN);
    if ( !test_failed() && (rc = set_ctx(d.domid, 1, &bad)) != -XEN_EINVAL )
        test_fail("cr3 on a missing frame: %ld", rc);
    bad.ctrlreg[3] = xen_pfn_to_cr3(mapped_mfn(d.console));
    if ( !test_failed() && (rc = set_ctx(d.domid, 1, &bad)) != -XEN_EINVAL )
        test_fail("cr3 on its console ring: %ld", rc);
    /*
     * Good page tables, but a GDT frame not the domain's: refused, and
     * the references the tables took go back (the destroy below counts).
     */
    for ( unsigned int user = 0; user < 2 && !test_failed(); user++ )
    {
        bad = good;
        bad.ctrlreg[1] = user ? good.ctrlreg[3] : 0;
        bad.gdt_ents = 1;
        bad.gdt_frames[0] = virt_to_mfn(&bad);
        if ( (rc = set_ctx(d.domid, 1, &bad)) != -XEN_EINVAL )
            test_fail("GDT frame of dom0's (user L4 %u): %ld", user, rc);
    }
    if ( !test_failed() && (rc = get_ctx(d.domid, 1, &seen)) != -XEN_ENODATA )
        test_fail("vCPU 1 initialised (%ld)", rc);
    if ( test_failed() )
    {
        domu_destroy(&d);
        return;
    }
    /* The good context (with a user L4) still takes. */
    good.ctrlreg[1] = good.ctrlreg[3];
    CHECK_RC(set_ctx(d.domid, 1, &good), 0);
    CHECK_RC(get_ctx(d.domid, 1, &seen), 0);
    CHECK(seen.ctrlreg[3] == good.ctrlreg[3] &&
          seen.ctrlreg[1] == good.ctrlreg[1], "cr3 %lx/%lx, set %lx/%lx",
          seen.ctrlreg[3], seen.ctrlreg[1], good.ctrlreg[3],
          good.ctrlreg[1]);
    CHECK(destroy_gives_all_back(&d, before), "d%u kept pages", d.domid);
}

/*
 * The same contexts for a vCPU that has one: refused with nothing
 * changed.  Once a vCPU has tables, a context may change its registers
 * but not its tables: the same ones again take, another LDT size does not.
 */
TEST(domctl, setvcpucontext_bad_context_changes_nothing)
{
    unsigned long before;
    struct domu d;
    long rc;
    static vcpu_guest_context_t was;

    rc = build_two_vcpu_domu(&d, &before);
    if ( rc == -XEN_ENOENT )
        SKIP("no kernel for the domU: give mini-os as dom0's boot module");
    CHECK_RC(rc, 0);
    if ( (rc = set_ctx(d.domid, 1, &good)) || (rc = get_ctx(d.domid, 1, &was)) )
    {
        domu_destroy(&d);
        CHECK_RC(rc, 0);
    }
    for ( unsigned int i = 0; i < NR_BROKEN && !test_failed(); i++ )
    {
        bad = was;
        break_context(&bad, i);
        rc = set_ctx(d.domid, 1, &bad);
        if ( rc != -XEN_EINVAL )
            test_fail("context %u: setvcpucontext gave %ld", i, rc);
        else if ( (rc = get_ctx(d.domid, 1, &seen)) )
            test_fail("context %u: getvcpucontext gave %ld", i, rc);
        else if ( memcmp(&seen, &was, sizeof(seen)) )
            test_fail("context %u: vCPU 1's context changed", i);
    }
    /* Its own context back: the same tables, so it takes. */
    bad = was;
    if ( !test_failed() && (rc = set_ctx(d.domid, 1, &bad)) )
        test_fail("its own context again: %ld", rc);
    bad.ldt_ents = 1;
    if ( !test_failed() && (rc = set_ctx(d.domid, 1, &bad)) != -XEN_EOPNOTSUPP )
        test_fail("another LDT: %ld", rc);
    /* Xen 4.17 takes another LDT base, and keeps the one it had. */
    bad = was;
    bad.ldt_base = PAGE_SIZE;
    if ( !test_failed() && (rc = set_ctx(d.domid, 1, &bad)) )
        test_fail("another LDT base: %ld", rc);
    if ( !test_failed() && (rc = get_ctx(d.domid, 1, &seen)) )
        test_fail("getvcpucontext gave %ld", rc);
    if ( !test_failed() && memcmp(&seen, &was, sizeof(seen)) )
        test_fail("vCPU 1's context changed");
    if ( test_failed() )
    {
        domu_destroy(&d);
        return;
    }
    CHECK(destroy_gives_all_back(&d, before), "d%u kept pages", d.domid);
}

/*
 * XEN_DOMCTL_hypercall_init writes the stubs into a page of the domain's
 * that may be written: Xen refuses a frame not the domain's (-EINVAL) and
 * one of its own that is in use as something else, here its L4 (-EPERM),
 * and a good page's reference goes back once written.
 */
TEST(domctl, hypercall_init_checks_the_frame)
{
    uint8_t *mine = alloc_page();
    unsigned long before;
    struct domu d;
    long rc;

    CHECK(mine, "no page");
    memset(mine, 0x5a, PAGE_SIZE);
    rc = build_two_vcpu_domu(&d, &before);
    if ( rc == -XEN_ENOENT )
    {
        free_page(mine);
        SKIP("no kernel for the domU: give mini-os as dom0's boot module");
    }
    CHECK_RC(rc, 0);
    if ( (rc = hypercall_init(d.domid, virt_to_mfn(mine))) != -XEN_EINVAL )
        test_fail("a frame of dom0's: %ld", rc);
    else if ( (rc = hypercall_init(d.domid, NO_SUCH_MFN)) != -XEN_EINVAL )
        test_fail("a missing frame: %ld", rc);
    else if ( (rc = hypercall_init(d.domid,
                                   xen_cr3_to_pfn(good.ctrlreg[3]))) !=
              -XEN_EPERM )
        test_fail("its L4: %ld", rc);
    /* Its console ring is as good a page as any once it runs no more. */
    else if ( (rc = pause_domain(d.domid)) )
        test_fail("pausedomain: %ld", rc);
    else
    {
        domu_console_drain(&d);
        memcpy(mine, d.console, PAGE_SIZE);
        if ( (rc = hypercall_init(d.domid, mapped_mfn(d.console))) )
            test_fail("its console ring: %ld", rc);
        else if ( !memcmp(mine, d.console, PAGE_SIZE) )
            test_fail("no stubs written to its console ring");
        /* An empty ring again, for the drain at the destroy. */
        memset(d.console, 0, PAGE_SIZE);
        memset(mine, 0x5a, PAGE_SIZE);
    }
    if ( test_failed() )
    {
        domu_destroy(&d);
        free_page(mine);
        return;
    }
    for ( unsigned int i = 0; i < PAGE_SIZE; i++ )
        CHECK(mine[i] == 0x5a, "dom0's page changed at %u", i);
    free_page(mine);
    CHECK(destroy_gives_all_back(&d, before), "d%u kept pages", d.domid);
}

/* A toolstack sets a 64-bit PV domain's address size to 64, and reads it. */
TEST(domctl, address_size_64)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_set_address_size };
    unsigned long before;
    struct domu d;
    long rc;

    rc = build_two_vcpu_domu(&d, &before);
    if ( rc == -XEN_ENOENT )
        SKIP("no kernel for the domU: give mini-os as dom0's boot module");
    CHECK_RC(rc, 0);
    op.domain = d.domid;
    op.u.address_size.size = 64;
    if ( (rc = domctl(&op)) )
        test_fail("set_address_size 64: %ld", rc);
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_get_address_size;
    op.domain = d.domid;
    if ( !test_failed() && (rc = domctl(&op)) )
        test_fail("get_address_size: %ld", rc);
    if ( !test_failed() && op.u.address_size.size != 64 )
        test_fail("address size %u", op.u.address_size.size);
    CHECK_RC(domu_destroy(&d), 0);
}
