/* SPDX-License-Identifier: GPL-2.0-only */
/* Cases for grant_table_op: table setup, grants to ourselves, copy, map. */

#include "hostile.h"
#include <hypercall.h>
#include <gnttab.h>
#include <mm.h>

static long query(domid_t dom, struct gnttab_query_size *q)
{
    memset(q, 0, sizeof(*q));
    q->dom = dom;
    return HYPERVISOR_grant_table_op(GNTTABOP_query_size, q, 1);
}

TEST(gnttab, query_size)
{
    struct gnttab_query_size q;

    CHECK_RC(query(DOMID_SELF, &q), 0);
    CHECK(q.status == GNTST_okay, "status %d", q.status);
    CHECK(q.nr_frames >= gnttab_nr_frames && q.max_nr_frames >= q.nr_frames,
          "frames %u of %u", q.nr_frames, q.max_nr_frames);
}

TEST(gnttab, query_size_missing_domain)
{
    struct gnttab_query_size q;

    CHECK_RC(query(1234, &q), 0);
    CHECK(q.status == GNTST_bad_domain, "status %d", q.status);
}

TEST(gnttab, setup_table_again_same_frames)
{
    xen_pfn_t frames[GNTTAB_MAX_FRAMES];
    struct gnttab_setup_table s = {
        .dom = DOMID_SELF, .nr_frames = gnttab_nr_frames,
    };
    unsigned int i;

    set_xen_guest_handle(s.frame_list, frames);
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &s, 1), 0);
    CHECK(s.status == GNTST_okay, "status %d", s.status);
    for ( i = 0; i < gnttab_nr_frames; i++ )
        CHECK(frames[i] == gnttab_frames[i], "frame %u: %lx, was %lx", i,
              frames[i], gnttab_frames[i]);
}

/* A frame list in the hypervisor's range: -EFAULT, the status untouched. */
TEST(gnttab, setup_table_list_in_xen_range)
{
    struct gnttab_setup_table s = { .dom = DOMID_SELF, .nr_frames = 1,
                                    .status = 99 };

    set_xen_guest_handle(s.frame_list, (xen_pfn_t *)XEN_PTR);
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &s, 1),
             -XEN_EFAULT);
    CHECK(s.status == 99, "status %d", s.status);
}

TEST(gnttab, setup_table_too_many_frames)
{
    static xen_pfn_t frames[1024];
    struct gnttab_query_size q;
    struct gnttab_setup_table s = { .dom = DOMID_SELF };

    CHECK_RC(query(DOMID_SELF, &q), 0);
    CHECK(q.max_nr_frames < ARRAY_SIZE(frames), "max %u", q.max_nr_frames);
    s.nr_frames = q.max_nr_frames + 1;
    set_xen_guest_handle(s.frame_list, frames);
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &s, 1), 0);
    CHECK(s.status == GNTST_general_error, "status %d", s.status);
}

TEST(gnttab, version)
{
    struct gnttab_get_version g = { .dom = DOMID_SELF };
    struct gnttab_set_version s = { .version = 1 };

    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_get_version, &g, 1), 0);
    CHECK(g.version == 1, "version %u", g.version);
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_set_version, &s, 1), 0);
    CHECK(s.version == 1, "version %u", s.version);
}

static long get_status(uint32_t nr, void *list, unsigned int count,
                       int16_t *status)
{
    struct gnttab_get_status_frames g = { .nr_frames = nr,
                                          .dom = DOMID_SELF,
                                          .status = 99 };
    long rc;

    set_xen_guest_handle(g.frame_list, list);
    rc = HYPERVISOR_grant_table_op(GNTTABOP_get_status_frames, &g, count);
    *status = g.status;
    return rc;
}

/*
 * Version 2's status frames: 64-bit frame numbers at both widths (a
 * 32-bit handle to them at 32 bits); too many is the call's status, a
 * list we cannot write too; one starting in the hypervisor's range (or
 * reaching into its hole at 32 bits) is -EFAULT before anything, as Xen
 * checks the handle first.
 */
TEST(gnttab, get_status_frames)
{
    struct gnttab_set_version v = { .version = 2 };
    uint64_t list[2] = { 0, 0 };
    int16_t st[6];
    long rc[6];

    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_set_version, &v, 1), 0);
    rc[0] = get_status(1, list, 1, &st[0]);
    rc[1] = get_status(1, list, 2, &st[1]);
    rc[2] = get_status(4096, list, 1, &st[2]);
    rc[3] = get_status(1, BAD_PTR, 1, &st[3]);
    rc[4] = get_status(1, XEN_PTR, 1, &st[4]);
#ifdef __i386__
    rc[5] = get_status(2, (char *)HYPERVISOR_VIRT_START - 8, 1, &st[5]);
#else
    /* Xen checks where a 64-bit list starts only. */
    rc[5] = -XEN_EFAULT;
    st[5] = 99;
#endif
    /* Back to version 1 before anything can fail. */
    v.version = 1;
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_set_version, &v, 1), 0);
    CHECK(!rc[0] && st[0] == GNTST_okay && list[0] && !list[1],
          "rc %ld status %d, frames %" PRI64 "x %" PRI64 "x", rc[0], st[0],
          list[0], list[1]);
    CHECK(rc[1] == -XEN_EINVAL, "count 2: %ld", rc[1]);
    CHECK(!rc[2] && st[2] == GNTST_general_error, "too many: %ld %d", rc[2],
          st[2]);
    CHECK(!rc[3] && st[3] == GNTST_bad_virt_addr, "unmapped list: %ld %d",
          rc[3], st[3]);
    CHECK(rc[4] == -XEN_EFAULT && st[4] == 99, "list in Xen's range: %ld %d",
          rc[4], st[4]);
    CHECK(rc[5] == -XEN_EFAULT && st[5] == 99, "list into the hole: %ld %d",
          rc[5], st[5]);
}

/*
 * An unprivileged domain asking for another's status frames (dom0's, one
 * that does not exist): refused in the status, nothing written.
 */
HOSTILE(gnttab, get_status_frames_of_others)
{
    uint64_t list[1] = { 0 };
    int16_t st[2];
    long rc[2];
    struct gnttab_get_status_frames g = { .nr_frames = 1, .dom = 0 };

    set_xen_guest_handle(g.frame_list, list);
    rc[0] = HYPERVISOR_grant_table_op(GNTTABOP_get_status_frames, &g, 1);
    st[0] = g.status;
    g.dom = 0x7000;
    rc[1] = HYPERVISOR_grant_table_op(GNTTABOP_get_status_frames, &g, 1);
    st[1] = g.status;
    CHECK(!rc[0] && st[0] == GNTST_permission_denied, "dom0's: %ld %d",
          rc[0], st[0]);
    CHECK(!rc[1] && st[1] == GNTST_bad_domain, "no domain's: %ld %d", rc[1],
          st[1]);
    CHECK(!list[0], "frame %" PRI64 "x written", list[0]);
}

static long copy1(struct gnttab_copy *c)
{
    return HYPERVISOR_grant_table_op(GNTTABOP_copy, c, 1);
}

TEST(gnttab, copy_from_grant)
{
    uint8_t *src = alloc_page(), *dst = alloc_page();
    struct gnttab_copy c = { 0 };
    long ref;

    CHECK(src && dst, "no pages");
    memset(src, 0xa5, PAGE_SIZE);
    ref = gnttab_grant_access(SELF_ID, virt_to_mfn(src), true);
    CHECK(ref > 0, "no grant reference");
    c.source.u.ref = ref;
    c.source.domid = SELF_ID;
    c.source.offset = 16;
    c.dest.u.gmfn = virt_to_mfn(dst);
    c.dest.domid = DOMID_SELF;
    c.dest.offset = 32;
    c.len = 100;
    c.flags = GNTCOPY_source_gref;
    CHECK_RC(copy1(&c), 0);
    CHECK(c.status == GNTST_okay, "status %d", c.status);
    CHECK(dst[31] == 0 && dst[32] == 0xa5 && dst[131] == 0xa5 &&
          dst[132] == 0, "copied wrong bytes");
    CHECK(gnttab_end_access(ref), "grant still busy");
    free_page(src);
    free_page(dst);
}

TEST(gnttab, copy_bad_ref)
{
    uint8_t *dst = alloc_page();
    struct gnttab_copy c = { 0 };

    CHECK(dst, "no page");
    c.source.u.ref = 100000;
    c.source.domid = SELF_ID;
    c.dest.u.gmfn = virt_to_mfn(dst);
    c.dest.domid = DOMID_SELF;
    c.len = 8;
    c.flags = GNTCOPY_source_gref;
    CHECK_RC(copy1(&c), 0);
    CHECK(c.status == GNTST_bad_gntref, "status %d", c.status);
    free_page(dst);
}

TEST(gnttab, copy_revoked_grant)
{
    uint8_t *src = alloc_page(), *dst = alloc_page();
    struct gnttab_copy c = { 0 };
    long ref;

    CHECK(src && dst, "no pages");
    ref = gnttab_grant_access(SELF_ID, virt_to_mfn(src), true);
    CHECK(ref > 0, "no grant reference");
    CHECK(gnttab_end_access(ref), "grant busy");
    c.source.u.ref = ref;
    c.source.domid = SELF_ID;
    c.dest.u.gmfn = virt_to_mfn(dst);
    c.dest.domid = DOMID_SELF;
    c.len = 8;
    c.flags = GNTCOPY_source_gref;
    CHECK_RC(copy1(&c), 0);
    CHECK(c.status == GNTST_general_error, "status %d", c.status);
    free_page(src);
    free_page(dst);
}

TEST(gnttab, copy_into_readonly_grant_refused)
{
    uint8_t *src = alloc_page(), *dst = alloc_page();
    struct gnttab_copy c = { 0 };
    long ref;

    CHECK(src && dst, "no pages");
    ref = gnttab_grant_access(SELF_ID, virt_to_mfn(dst), true);
    CHECK(ref > 0, "no grant reference");
    c.source.u.gmfn = virt_to_mfn(src);
    c.source.domid = DOMID_SELF;
    c.dest.u.ref = ref;
    c.dest.domid = SELF_ID;
    c.len = 8;
    c.flags = GNTCOPY_dest_gref;
    CHECK_RC(copy1(&c), 0);
    CHECK(c.status == GNTST_general_error, "status %d", c.status);
    CHECK(gnttab_end_access(ref), "grant busy");
    free_page(src);
    free_page(dst);
}

TEST(gnttab, copy_crosses_page_refused)
{
    uint8_t *src = alloc_page(), *dst = alloc_page();
    struct gnttab_copy c = { 0 };

    CHECK(src && dst, "no pages");
    c.source.u.gmfn = virt_to_mfn(src);
    c.source.domid = DOMID_SELF;
    c.source.offset = PAGE_SIZE - 4;
    c.dest.u.gmfn = virt_to_mfn(dst);
    c.dest.domid = DOMID_SELF;
    c.len = 8;
    CHECK_RC(copy1(&c), 0);
    CHECK(c.status == GNTST_bad_copy_arg, "status %d", c.status);
    free_page(src);
    free_page(dst);
}

/*
 * Grants a page to ourselves, maps, uses, unmaps and revokes it.  Also
 * what a case counting the host's free pages runs first: dom0's first
 * grant mapping gives it a maptrack frame it keeps (on Xen too).
 */
void gnttab_own_grant_roundtrip(void)
{
    uint64_t *src = alloc_page(), *win = alloc_page();
    struct gnttab_map_grant_ref m = { 0 };
    struct gnttab_unmap_grant_ref u = { 0 };
    long ref;

    CHECK(src && win, "no pages");
    src[0] = 0x1122334455667788UL;
    ref = gnttab_grant_access(SELF_ID, virt_to_mfn(src), false);
    CHECK(ref > 0, "no grant reference");
    /*
     * Map it at win.  Xen does not flush our TLB for the new entry, so
     * take win's own page away first (with a flush), as Linux maps grants
     * only into empty entries.
     */
    CHECK_RC(set_pte((unsigned long)win, 0), 0);
    m.host_addr = (unsigned long)win;
    m.flags = GNTMAP_host_map;
    m.ref = ref;
    m.dom = SELF_ID;
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &m, 1), 0);
    CHECK(m.status == GNTST_okay, "map status %d", m.status);
    CHECK(win[0] == src[0], "mapped page reads %" PRI64 "x", win[0]);
    win[1] = 99;
    CHECK(src[1] == 99, "write through the mapping lost");
    /* Xen marks the entry in use: revoking it now must fail. */
    CHECK(!gnttab_end_access(ref), "revoked while mapped");
    u.host_addr = (unsigned long)win;
    u.handle = m.handle;
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1), 0);
    CHECK(u.status == GNTST_okay, "unmap status %d", u.status);
    CHECK(gnttab_end_access(ref), "grant still busy");
    CHECK_RC(make_writable(win), 0);
    free_page(src);
    free_page(win);
}

TEST(gnttab, map_own_grant)
{
    gnttab_own_grant_roundtrip();
}

TEST(gnttab, map_readonly_grant_writable_refused)
{
    uint64_t *src = alloc_page(), *win = alloc_page();
    struct gnttab_map_grant_ref m = { 0 };
    long ref;

    CHECK(src && win, "no pages");
    ref = gnttab_grant_access(SELF_ID, virt_to_mfn(src), true);
    CHECK(ref > 0, "no grant reference");
    m.host_addr = (unsigned long)win;
    m.flags = GNTMAP_host_map;
    m.ref = ref;
    m.dom = SELF_ID;
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &m, 1), 0);
    /* Xen 4.17 reports it as a general error, not permission_denied. */
    CHECK(m.status == GNTST_general_error, "status %d", m.status);
    CHECK(gnttab_end_access(ref), "grant busy");
    free_page(src);
    free_page(win);
}

TEST(gnttab, unmap_bad_handle)
{
    void *win = alloc_page();
    struct gnttab_unmap_grant_ref u = { 0 };

    CHECK(win, "no page");
    u.host_addr = (unsigned long)win;
    u.handle = 4000;
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1), 0);
    CHECK(u.status == GNTST_bad_handle, "status %d", u.status);
    free_page(win);
}

TEST(gnttab, swap_grant_ref)
{
    void *a = alloc_page(), *b = alloc_page();
    struct gnttab_swap_grant_ref s;
    long ra, rb;

    CHECK(a && b, "no pages");
    ra = gnttab_grant_access(SELF_ID, virt_to_mfn(a), true);
    rb = gnttab_grant_access(SELF_ID, virt_to_mfn(b), true);
    CHECK(ra > 0 && rb > 0, "no grant references");
    s.ref_a = ra;
    s.ref_b = rb;
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_swap_grant_ref, &s, 1), 0);
    CHECK(s.status == GNTST_okay, "status %d", s.status);
    CHECK(gnttab_table[ra].frame == virt_to_mfn(b) &&
          gnttab_table[rb].frame == virt_to_mfn(a), "not swapped");
    CHECK(gnttab_end_access(ra) && gnttab_end_access(rb), "grants busy");
    free_page(a);
    free_page(b);
}

TEST(gnttab, unknown_op)
{
    CHECK_RC(HYPERVISOR_grant_table_op(99, NULL, 1), -XEN_ENOSYS);
}

TEST(gnttab, bad_pointer)
{
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_query_size, BAD_PTR, 1),
             -XEN_EFAULT);
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_copy, XEN_PTR, 1),
             -XEN_EFAULT);
}
