/* SPDX-License-Identifier: GPL-2.0-only */
/* 32-bit PV guests: not offered yet, and refused the way Xen refuses them. */

#include <xenctl.h>
#include "test.h"
#include <hypercall.h>
#include <traps.h>

/*
 * Debian's Xen 4.17 is built without 32-bit PV (CONFIG_PV32 off) and we
 * have not built it yet (docs/misc/compat32.md): neither may advertise
 * the guest type a toolstack would then try to build, and making a
 * domain 32-bit must fail with the same errno on both.
 */
TEST(compat32, not_in_capabilities)
{
    static xen_capabilities_info_t caps;

    CHECK_RC(HYPERVISOR_xen_version(XENVER_capabilities, caps), 0);
    CHECK(!strstr(caps, "xen-3.0-x86_32"), "a 32-bit PV guest type in '%s'",
          caps);
}

/* A toolstack's first step for a 32-bit kernel: set_address_size 32. */
TEST(compat32, set_address_size_32_refused)
{
    static struct xen_domctl op;
    long set_rc, get_rc;
    unsigned int size;
    domid_t dom;

    /* An empty PV domain, as a toolstack has it at that step. */
    op = (struct xen_domctl){
        .cmd = XEN_DOMCTL_createdomain,
        .u.createdomain = { .max_vcpus = 1, .max_evtchn_port = 1023,
                            .max_grant_frames = 4, .max_maptrack_frames = 128,
                            .grant_opts = XEN_DOMCTL_GRANT_version(1) } };
    CHECK_RC(domctl(&op), 0);
    dom = op.domain;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_set_address_size;
    op.domain = dom;
    op.u.address_size.size = 32;
    set_rc = domctl(&op);
    /* It stays a 64-bit domain. */
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_get_address_size;
    op.domain = dom;
    get_rc = domctl(&op);
    size = op.u.address_size.size;

    /* Destroyed before any check can leave the case. */
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_destroydomain;
    op.domain = dom;
    CHECK_RC(domctl(&op), 0);
    CHECK_RC(set_rc, -XEN_EOPNOTSUPP);
    CHECK_RC(get_rc, 0);
    CHECK(size == 64, "address size %u", size);
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
