/* SPDX-License-Identifier: GPL-2.0-only */
/* Cases for XENMEM_exchange: contiguous low extents, and what is refused. */

#include <xenctl.h>
#include "exchange.h"
#include "mmu.h"
#include <gnttab.h>
#include <hypercall.h>
#include <mm.h>
#include <public/memory.h>

/* Linux's swiotlb asks for extents this large; 64 KiB keeps it quick. */
#define ORDER   4
#define NR      (1U << ORDER)

static void exch_init(struct xen_memory_exchange *x, xen_pfn_t *in,
                      unsigned long nr_in, unsigned int in_order,
                      xen_pfn_t *out, unsigned long nr_out,
                      unsigned int out_order, unsigned int flags)
{
    memset(x, 0, sizeof(*x));
    set_xen_guest_handle(x->in.extent_start, in);
    x->in.nr_extents = nr_in;
    x->in.extent_order = in_order;
    x->in.domid = DOMID_SELF;
    set_xen_guest_handle(x->out.extent_start, out);
    x->out.nr_extents = nr_out;
    x->out.extent_order = out_order;
    x->out.mem_flags = flags;
    x->out.domid = DOMID_SELF;
}

static long exchange(struct xen_memory_exchange *x)
{
    return HYPERVISOR_memory_op(XENMEM_exchange, x);
}

static long reservation(void)
{
    domid_t self = DOMID_SELF;

    return HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
}

/*
 * Our page's only mapping goes, so that nothing but its allocation holds
 * the frame: what an exchange requires (Linux zaps the range likewise).
 */
static long unmap(void *va)
{
    return set_pte((unsigned long)va, 0);
}

long exchange_remap(unsigned long pfn, unsigned long mfn)
{
    mmu_update_t u = {
        .ptr = ((uint64_t)mfn << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE,
        .val = pfn,
    };
    long rc = HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF);

    if ( rc )
        return rc;
    phys_to_machine[pfn] = mfn;
    return set_pte((unsigned long)pfn_to_virt(pfn),
                   ((uint64_t)mfn << PAGE_SHIFT) | PTE_KERNEL_RW);
}

/* n of our pages, unmapped, with their pfns and machine frames. */
static bool take_pages(unsigned int n, void **va, unsigned long *pfn,
                       xen_pfn_t *mfn)
{
    for ( unsigned int i = 0; i < n; i++ )
    {
        if ( !(va[i] = alloc_page()) )
            return false;
        pfn[i] = virt_to_pfn(va[i]);
        mfn[i] = pfn_to_mfn(pfn[i]);
        if ( unmap(va[i]) )
            return false;
    }
    return true;
}

/*
 * Sixteen single frames for one machine-contiguous extent below 4 GiB, as
 * swiotlb-xen asks, and back again: the M2P names the pfns given, and
 * neither our reservation nor the host's free memory changes.
 */
TEST(exchange, contiguous_below_4g_and_back)
{
    void *va[NR];
    unsigned long pfn[NR], free_before = host_free_pages(), free_after;
    xen_pfn_t in[NR], out[NR], big;
    struct xen_memory_exchange x;
    long before = reservation();

    CHECK(take_pages(NR, va, pfn, in), "no pages");
    out[0] = pfn[0];
    exch_init(&x, in, NR, 0, out, 1, ORDER, XENMEMF_address_bits(32));
    CHECK_RC(exchange(&x), 0);
    CHECK(x.nr_exchanged == NR, "nr_exchanged %lu", x.nr_exchanged);
    big = out[0];
    CHECK(!(big & (NR - 1)), "extent at mfn %lx is not aligned", big);
    CHECK(big + NR <= 1UL << (32 - PAGE_SHIFT), "extent at mfn %lx", big);
    for ( unsigned int k = 0; k < NR; k++ )
    {
        CHECK(mfn_to_pfn(big + k) == pfn[0] + k, "m2p of %lx is %lx",
              big + k, mfn_to_pfn(big + k));
        CHECK_RC(exchange_remap(pfn[k], big + k), 0);
        memset(va[k], 0x3c, PAGE_SIZE);
    }
    CHECK_RC(reservation(), before);

    for ( unsigned int k = 0; k < NR; k++ )
    {
        CHECK_RC(unmap(va[k]), 0);
        out[k] = pfn[k];
    }
    exch_init(&x, &big, 1, ORDER, out, NR, 0, 0);
    CHECK_RC(exchange(&x), 0);
    CHECK(x.nr_exchanged == 1, "nr_exchanged %lu", x.nr_exchanged);
    for ( unsigned int k = 0; k < NR; k++ )
    {
        CHECK(mfn_to_pfn(out[k]) == pfn[k], "m2p of %lx is %lx", out[k],
              mfn_to_pfn(out[k]));
        CHECK_RC(exchange_remap(pfn[k], out[k]), 0);
    }
    CHECK_RC(reservation(), before);
    /*
     * Exactly on ours; Xen 4.17 may meanwhile free what earlier cases'
     * domains left to its background destruction.
     */
    free_after = host_free_pages();
    CHECK(on_our_hypervisor() ? free_after == free_before
                              : free_after + destroy_slack_pages() >=
                                free_before,
          "host free pages %lu, were %lu", free_after, free_before);
    for ( unsigned int k = 0; k < NR; k++ )
        free_page(va[k]);
}

/* Arguments refused before anything is done, in Xen 4.17's order. */
TEST(exchange, bad_arguments)
{
    void *va = alloc_page();
    xen_pfn_t in[2], out[2] = { 5, 6 };
    struct xen_memory_exchange x;
    long before = reservation();

    CHECK(va, "no page");
    /* Our mapped page: any case that got as far as it would be -EINVAL. */
    in[0] = in[1] = virt_to_mfn(va);
    /* dom0's order limit is 18: above it -EPERM, at it the sizes count. */
    exch_init(&x, in, 1, 0, out, 1, 19, 0);
    CHECK_RC(exchange(&x), -XEN_EPERM);
    exch_init(&x, in, 1, 0, out, 1, 18, 0);
    CHECK_RC(exchange(&x), -XEN_EINVAL);
    exch_init(&x, in, 2, 0, out, 1, 0, 0);
    CHECK_RC(exchange(&x), -XEN_EINVAL);
    exch_init(&x, in, 1, 0, out, 1, 0, 0);
    x.out.domid = SELF_ID;
    CHECK_RC(exchange(&x), -XEN_EINVAL);
    exch_init(&x, in, 1, 0, out, 1, 0, 0);
    x.nr_exchanged = 2;
    CHECK_RC(exchange(&x), -XEN_EINVAL);
    CHECK(x.nr_exchanged == 2, "nr_exchanged %lu", x.nr_exchanged);
    /* A node beyond Xen's limit; a domain that does not exist. */
    exch_init(&x, in, 1, 0, out, 1, 0, XENMEMF_node(64));
    CHECK_RC(exchange(&x), -XEN_EINVAL);
    exch_init(&x, in, 1, 0, out, 1, 0, 0);
    x.in.domid = x.out.domid = 0x7ef0;
    CHECK_RC(exchange(&x), -XEN_ESRCH);
    /* A start in cmd, as reservations continue, is not for this op. */
    exch_init(&x, in, 1, 0, out, 1, 0, 0);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_exchange | (1 << 6), &x),
             -XEN_EINVAL);
    /* Bad pointers: the argument, either list. */
    CHECK_RC(exchange(BAD_PTR), -XEN_EFAULT);
    CHECK_RC(exchange(XEN_PTR), -XEN_EFAULT);
    exch_init(&x, BAD_PTR, 1, 0, out, 1, 0, 0);
    CHECK_RC(exchange(&x), -XEN_EFAULT);
    CHECK(x.nr_exchanged == 0, "nr_exchanged %lu", x.nr_exchanged);
    exch_init(&x, XEN_PTR, 1, 0, out, 1, 0, 0);
    CHECK_RC(exchange(&x), -XEN_EFAULT);
    exch_init(&x, in, 1, 0, XEN_PTR, 1, 0, 0);
    CHECK_RC(exchange(&x), -XEN_EFAULT);
    /* With nothing (left) to do, Xen does not look at the lists. */
    exch_init(&x, XEN_PTR, 1, 0, out, 1, 0, 0);
    x.nr_exchanged = 1;
    CHECK_RC(exchange(&x), 0);
    exch_init(&x, in, 0, 0, XEN_PTR, 0, 0, 0);
    CHECK_RC(exchange(&x), 0);
    /* Nothing to do: done already, or nothing asked. */
    exch_init(&x, in, 1, 0, out, 1, 0, 0);
    x.nr_exchanged = 1;
    CHECK_RC(exchange(&x), 0);
    exch_init(&x, in, 0, 0, out, 0, 0, 0);
    CHECK_RC(exchange(&x), 0);
    CHECK(out[0] == 5 && out[1] == 6, "output list written: %lx %lx",
          out[0], out[1]);
    CHECK_RC(reservation(), before);
    free_page(va);
}

/* One frame that may not go: -EINVAL, nothing done, the output as it was. */
static bool refused(xen_pfn_t mfn)
{
    xen_pfn_t in[1] = { mfn }, out[1] = { 7 };
    struct xen_memory_exchange x;

    exch_init(&x, in, 1, 0, out, 1, 0, 0);
    return exchange(&x) == -XEN_EINVAL && x.nr_exchanged == 0 && out[0] == 7;
}

TEST(exchange, frames_not_ours_or_in_use_refused)
{
    void *va = alloc_page();
    xen_pfn_t m2p_frame[1];
    struct xen_machphys_mfn_list l = { .max_extents = 1 };
    long max = HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);

    CHECK(va, "no page");
    set_xen_guest_handle(l.extent_start, m2p_frame);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_machphys_mfn_list, &l), 0);
    /* The hypervisor's frame, frames past RAM, our page while mapped. */
    CHECK(refused(m2p_frame[0]), "M2P frame %lx", m2p_frame[0]);
    CHECK(refused(max), "frame %lx past RAM", max);
    CHECK(refused(~0UL), "frame ~0");
    CHECK(refused(virt_to_mfn(va)), "our mapped page");
    CHECK(refused(start_info->shared_info >> PAGE_SHIFT), "shared_info");
    free_page(va);
}

/* A page-table frame pinned by us, with no mapping left: still in use. */
TEST(exchange, pinned_table_refused)
{
    void *t = table_page();
    xen_pfn_t mfn;

    CHECK(t, "no page");
    mfn = virt_to_mfn(t);
    CHECK_RC(ext1(MMUEXT_PIN_L1_TABLE, mfn, 0), 0);
    CHECK_RC(unmap(t), 0);
    CHECK(refused(mfn), "pinned L1 %lx", mfn);
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, mfn, 0), 0);
    CHECK_RC(make_writable(t), 0);
    free_page(t);
}

/* A frame of ours that a grant mapping holds (here our own): in use. */
TEST(exchange, grant_mapped_frame_refused)
{
    uint64_t *src = alloc_page(), *win = alloc_page();
    struct gnttab_map_grant_ref m = { 0 };
    struct gnttab_unmap_grant_ref u = { 0 };
    xen_pfn_t mfn;
    long ref;

    CHECK(src && win, "no pages");
    mfn = virt_to_mfn(src);
    ref = gnttab_grant_access(SELF_ID, mfn, false);
    CHECK(ref > 0, "no grant reference");
    CHECK_RC(unmap(win), 0);
    m.host_addr = (unsigned long)win;
    m.flags = GNTMAP_host_map;
    m.ref = ref;
    m.dom = SELF_ID;
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &m, 1), 0);
    CHECK(m.status == GNTST_okay, "map status %d", m.status);
    CHECK_RC(unmap(src), 0);
    CHECK(refused(mfn), "grant-mapped frame %lx", mfn);
    u.host_addr = (unsigned long)win;
    u.handle = m.handle;
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1), 0);
    CHECK(gnttab_end_access(ref), "grant still busy");
    CHECK_RC(make_writable(src), 0);
    CHECK_RC(make_writable(win), 0);
    free_page(src);
    free_page(win);
}

/*
 * Single frames, the third still mapped: the two before it are exchanged
 * and reported, the third and fourth are left alone.
 */
TEST(exchange, partial_failure_keeps_what_was_done)
{
    void *va[4];
    unsigned long pfn[4];
    xen_pfn_t in[4], out[4];
    struct xen_memory_exchange x;
    long before = reservation();

    CHECK(take_pages(4, va, pfn, in), "no pages");
    CHECK_RC(exchange_remap(pfn[2], in[2]), 0);
    for ( unsigned int k = 0; k < 4; k++ )
        out[k] = pfn[k];
    exch_init(&x, in, 4, 0, out, 4, 0, 0);
    CHECK_RC(exchange(&x), -XEN_EINVAL);
    CHECK(x.nr_exchanged == 2, "nr_exchanged %lu", x.nr_exchanged);
    CHECK(out[2] == pfn[2] && out[3] == pfn[3],
          "untouched entries now %lx %lx", out[2], out[3]);
    for ( unsigned int k = 0; k < 2; k++ )
    {
        CHECK(out[k] != in[k], "entry %u still the old frame", k);
        CHECK(mfn_to_pfn(out[k]) == pfn[k], "m2p of %lx is %lx", out[k],
              mfn_to_pfn(out[k]));
        CHECK_RC(exchange_remap(pfn[k], out[k]), 0);
    }
    /* The fourth is still ours: it maps again. */
    CHECK_RC(exchange_remap(pfn[3], in[3]), 0);
    CHECK_RC(reservation(), before);
    for ( unsigned int k = 0; k < 4; k++ )
        free_page(va[k]);
}

/* No memory where asked (below 4 KiB): -ENOMEM, our frames still ours. */
TEST(exchange, no_memory_gives_frames_back)
{
    void *va[2];
    unsigned long pfn[2];
    xen_pfn_t in[2], out[1];
    struct xen_memory_exchange x;
    long before = reservation();

    CHECK(take_pages(2, va, pfn, in), "no pages");
    out[0] = pfn[0];
    exch_init(&x, in, 2, 0, out, 1, 1, XENMEMF_address_bits(12));
    CHECK_RC(exchange(&x), -XEN_ENOMEM);
    CHECK(x.nr_exchanged == 0, "nr_exchanged %lu", x.nr_exchanged);
    CHECK(out[0] == pfn[0], "output entry now %lx", out[0]);
    for ( unsigned int k = 0; k < 2; k++ )
    {
        CHECK(mfn_to_pfn(in[k]) == pfn[k], "m2p of %lx is %lx", in[k],
              mfn_to_pfn(in[k]));
        CHECK_RC(exchange_remap(pfn[k], in[k]), 0);
        free_page(va[k]);
    }
    CHECK_RC(reservation(), before);
}

/*
 * populate_physmap honours address_bits; too narrow a width, or a node past
 * the limit, does nothing.
 */
TEST(exchange, populate_address_bits)
{
    void *va = alloc_page();
    unsigned long pfn;
    xen_pfn_t frame;
    struct xen_memory_reservation r = {
        .nr_extents = 1, .domid = DOMID_SELF,
        .mem_flags = XENMEMF_address_bits(12),
    };
    long before = reservation();

    CHECK(va, "no page");
    pfn = virt_to_pfn(va);
    frame = pfn_to_mfn(pfn);
    set_xen_guest_handle(r.extent_start, &frame);
    CHECK_RC(unmap(va), 0);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r), 0);
    r.mem_flags = 0;
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r), 1);
    frame = pfn;
    r.mem_flags = XENMEMF_address_bits(12);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_populate_physmap, &r), 0);
    /* Nor does a NUMA node beyond Xen's limit. */
    r.mem_flags = XENMEMF_node(64);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_populate_physmap, &r), 0);
    r.mem_flags = XENMEMF_address_bits(32);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_populate_physmap, &r), 1);
    CHECK(frame < 1UL << (32 - PAGE_SHIFT), "frame %lx above 4 GiB", frame);
    CHECK(mfn_to_pfn(frame) == pfn, "m2p of %lx is %lx", frame,
          mfn_to_pfn(frame));
    CHECK_RC(exchange_remap(pfn, frame), 0);
    CHECK_RC(reservation(), before);
    free_page(va);
}
