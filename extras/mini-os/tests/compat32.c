/* SPDX-License-Identifier: GPL-2.0-only */
/* 32-bit PV guests: offered, and making a domain 32-bit, as Xen does. */

#include <xenctl.h>
#include "test.h"
#include <hypercall.h>
#include <traps.h>

/*
 * Ours runs 32-bit PAE PV guests with pv=32, which the suite's runs on ours
 * give (docs/misc/compat32.md), and says so as Xen with PV32 does, after
 * the 64-bit type; Debian's Xen 4.17 is built
 * without them (CONFIG_PV32 off) and lists no 32-bit type.
 */
TEST(compat32, capabilities)
{
    static xen_capabilities_info_t caps;

    CHECK_RC(HYPERVISOR_xen_version(XENVER_capabilities, caps), 0);
    if ( on_our_hypervisor() )
        CHECK(!strncmp(caps, "xen-3.0-x86_64 xen-3.0-x86_32p ", 31),
              "capabilities '%s'", caps);
    else
        CHECK(!strstr(caps, "xen-3.0-x86_32"),
              "a 32-bit PV guest type in '%s'", caps);
}

/* A new PV domain with no memory and no vCPU up; 0 if refused. */
static domid_t empty_domain(void)
{
    static struct xen_domctl op;

    op = (struct xen_domctl){
        .cmd = XEN_DOMCTL_createdomain,
        .u.createdomain = { .max_vcpus = 1, .max_evtchn_port = 1023,
                            .max_grant_frames = 4, .max_maptrack_frames = 128,
                            .grant_opts = XEN_DOMCTL_GRANT_version(1) } };
    return domctl(&op) ? 0 : op.domain;
}

static long destroy_domain(domid_t dom)
{
    static struct xen_domctl op;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_destroydomain;
    op.domain = dom;
    return domctl(&op);
}

/* The address size of dom, or a negative errno. */
static long address_size(domid_t dom)
{
    static struct xen_domctl op;
    long rc;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_get_address_size;
    op.domain = dom;
    rc = domctl(&op);
    return rc ? rc : (long)op.u.address_size.size;
}

static long set_address_size(domid_t dom, unsigned int size)
{
    static struct xen_domctl op;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_set_address_size;
    op.domain = dom;
    op.u.address_size.size = size;
    return domctl(&op);
}

/*
 * A toolstack's first step for a 32-bit kernel: set_address_size 32 on
 * an empty domain.  Ours makes it 32-bit for good (64 is then -EINVAL, as
 * Xen with PV32); Debian's Xen 4.17, built without PV32, refuses with
 * -EOPNOTSUPP and the domain stays 64-bit.
 */
TEST(compat32, set_address_size_32)
{
    long set_rc, size, back_rc, size_after;
    domid_t dom;

    /* An empty PV domain, as a toolstack has it at that step. */
    CHECK((dom = empty_domain()) > 0, "createdomain");

    set_rc = set_address_size(dom, 32);
    size = address_size(dom);
    back_rc = set_address_size(dom, 64);
    size_after = address_size(dom);

    /* Destroyed before any check can leave the case. */
    CHECK_RC(destroy_domain(dom), 0);
    if ( on_our_hypervisor() )
    {
        CHECK_RC(set_rc, 0);
        CHECK_RC(size, 32);
        CHECK_RC(back_rc, -XEN_EINVAL);
        CHECK_RC(size_after, 32);
    }
    else
    {
        CHECK_RC(set_rc, -XEN_EOPNOTSUPP);
        CHECK_RC(size, 64);
        CHECK_RC(back_rc, 0);
        CHECK_RC(size_after, 64);
    }
}

/* Once the domain has memory its width is fixed: -EACCES, as Xen. */
TEST(compat32, set_address_size_32_after_memory)
{
    static struct xen_domctl op;
    static xen_pfn_t frame;
    static struct xen_memory_reservation r;
    long mem_rc, set_rc, size;
    domid_t dom;

    if ( !on_our_hypervisor() )
    {
        test_skip("Xen 4.17 has no 32-bit PV (CONFIG_PV32 off)");
        return;
    }
    CHECK((dom = empty_domain()) > 0, "createdomain");
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_max_mem;
    op.domain = dom;
    op.u.max_mem.max_memkb = 64;
    mem_rc = domctl(&op);
    frame = 0;
    r = (struct xen_memory_reservation){ .nr_extents = 1, .domid = dom };
    set_xen_guest_handle(r.extent_start, &frame);
    if ( !mem_rc )
        mem_rc = HYPERVISOR_memory_op(XENMEM_populate_physmap, &r);
    set_rc = set_address_size(dom, 32);
    size = address_size(dom);

    CHECK_RC(destroy_domain(dom), 0);
    CHECK_RC(mem_rc, 1);
    CHECK_RC(set_rc, -XEN_EACCES);
    CHECK_RC(size, 64);
}

/*
 * int $0x82 is the 32-bit PV hypercall instruction, through a gate of
 * DPL 1: a 64-bit guest (kernel and user both in ring 3) gets #GP naming
 * the IDT entry, never the hypercall.  The error code is (0x82 << 3) | 2
 * on hardware; QEMU 7.2 reports 0x82 * 16 + 2.  Xen 4.17 takes that for
 * an int n of vector 0x104, reads its trap table out of bounds and
 * injects vector 4, so the case runs on ours only.
 */
TEST(compat32, int82_refused_to_64bit)
{
    if ( !on_our_hypervisor() )
    {
        test_skip("Xen 4.17 misreads QEMU's error code for int $0x82");
        return;
    }
    CHECK_RC(probe_int82(), 1 + 13);
    CHECK(last_fixup_error == ((0x82 << 3) | 2) ||
          last_fixup_error == 0x82 * 16 + 2, "error code %lx",
          last_fixup_error);
}

/*
 * The compat M2P's frames, asked for by a 64-bit caller (a toolstack
 * saving a 32-bit guest): one 2 MiB piece per extent, not the frames of
 * the 8-byte table.  Xen 4.17 here is built without 32-bit PV and has no
 * such table (-EOPNOTSUPP); ours keeps one for every frame.
 */
TEST(compat32, machphys_compat_mfn_list)
{
    static xen_pfn_t compat[8], native[8];
    struct xen_machphys_mfn_list l = { .max_extents = ARRAY_SIZE(compat) };
    long rc;

    set_xen_guest_handle(l.extent_start, compat);
    rc = HYPERVISOR_memory_op(XENMEM_machphys_compat_mfn_list, &l);
    if ( rc == -XEN_EOPNOTSUPP && !on_our_hypervisor() )
        SKIP("Xen 4.17 here is built without 32-bit PV: no compat M2P");
    CHECK_RC(rc, 0);
    CHECK(l.nr_extents >= 1 && l.nr_extents <= ARRAY_SIZE(compat),
          "%u extents", l.nr_extents);
    set_xen_guest_handle(l.extent_start, native);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_machphys_mfn_list, &l), 0);
    CHECK(compat[0] && compat[0] != native[0], "compat %lx native %lx",
          compat[0], native[0]);
    /* Hostile: a list Xen cannot write. */
    l.max_extents = 1;
    set_xen_guest_handle(l.extent_start, BAD_PTR);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_machphys_compat_mfn_list, &l),
             -XEN_EFAULT);
}
