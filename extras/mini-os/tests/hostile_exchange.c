/* SPDX-License-Identifier: GPL-2.0-only */
/* XENMEM_exchange from an unprivileged domU: others' frames and domains. */

#include "exchange.h"
#include "expect_rc.h"
#include "hostile.h"
#include <hypercall.h>
#include <mm.h>
#include <public/memory.h>

/* A domain id that is in range but names no domain. */
#define NO_SUCH_DOMAIN 0x7ef0

/* Exchanges nr single frames from in for nr single frames; its result. */
static long exchange(domid_t dom, xen_pfn_t *in, xen_pfn_t *out,
                     unsigned long nr, unsigned int out_order,
                     unsigned int flags, xen_ulong_t *done)
{
    struct xen_memory_exchange x = {
        .in = { .nr_extents = nr, .domid = dom },
        .out = { .nr_extents = nr >> out_order, .extent_order = out_order,
                 .mem_flags = flags, .domid = dom },
    };
    long rc;

    set_xen_guest_handle(x.in.extent_start, in);
    set_xen_guest_handle(x.out.extent_start, out);
    rc = HYPERVISOR_memory_op(XENMEM_exchange, &x);
    *done = x.nr_exchanged;
    return rc;
}

/*
 * dom0's frame, the hypervisor's, our own tables and shared_info; dom0 as
 * the domain, or none; beyond a domU's order limit (9); an exact node.
 * Each refused with Xen's errno and nothing exchanged.  Then a batch whose
 * first frame is ours and second dom0's: ours is exchanged, and dom0
 * checks afterwards that its page is intact.
 */
HOSTILE(exchange, foreign_frames_refused)
{
    unsigned long victim = hostile_victim_mfn();
    void *va = alloc_page();
    xen_pfn_t in[2], out[2], m2p_frame[1];
    struct xen_machphys_mfn_list l = { .max_extents = 1 };
    const struct {
        const char *what;
        xen_pfn_t mfn;
    } frames[] = {
        { "dom0's", victim },
        { "M2P", 0 },
        { "our L4", virt_to_mfn((void *)start_info->pt_base) },
        { "shared_info", start_info->shared_info >> PAGE_SHIFT },
    };
    xen_ulong_t done;
    unsigned long pfn;

    if ( !victim )
        SKIP("dom0 named no page of its own");
    CHECK(va, "no page");
    set_xen_guest_handle(l.extent_start, m2p_frame);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_machphys_mfn_list, &l), 0);

    for ( unsigned int i = 0; i < ARRAY_SIZE(frames); i++ )
    {
        in[0] = i == 1 ? m2p_frame[0] : frames[i].mfn;
        out[0] = 1;
        expect_rc(frames[i].what, exchange(DOMID_SELF, in, out, 1, 0, 0, &done),
                  -XEN_EINVAL);
        expect_rc("its nr_exchanged", done, 0);
        expect_rc("its output", out[0], 1);
    }
    in[0] = victim;
    expect_rc("as dom0", exchange(0, in, out, 1, 0, 0, &done), -XEN_EPERM);
    expect_rc("no such domain",
              exchange(NO_SUCH_DOMAIN, in, out, 1, 0, 0, &done), -XEN_ESRCH);
    /* Order 10 is over the limit; 9 passes it, and the sizes differ. */
    expect_rc("order 10", exchange(DOMID_SELF, in, out, 1, 10, 0, &done),
              -XEN_EPERM);
    expect_rc("order 9", exchange(DOMID_SELF, in, out, 1, 9, 0, &done),
              -XEN_EINVAL);
    expect_rc("exact node",
              exchange(DOMID_SELF, in, out, 1, 0, XENMEMF_exact_node(0), &done),
              -XEN_EINVAL);

    pfn = virt_to_pfn(va);
    in[0] = virt_to_mfn(va);
    in[1] = victim;
    out[0] = pfn;
    out[1] = 2;
    CHECK_RC(set_pte((unsigned long)va, 0), 0);
    expect_rc("ours then dom0's", exchange(DOMID_SELF, in, out, 2, 0, 0, &done),
              -XEN_EINVAL);
    expect_rc("ours then dom0's: done", done, 1);
    expect_rc("ours then dom0's: second output", out[1], 2);
    if ( done == 1 )
    {
        CHECK_RC(exchange_remap(pfn, out[0]), 0);
        memset(va, 0x5a, PAGE_SIZE);
    }
    report_mismatches();
}
