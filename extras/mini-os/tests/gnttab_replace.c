/* SPDX-License-Identifier: GPL-2.0-only */
/* GNTTABOP_unmap_and_replace: a grant PTE taking over another mapping. */

#include "hostile.h"
#include <gnttab.h>
#include <hypercall.h>
#include <mm.h>
#include <traps.h>

#define PF (1 + 14)

/* A page granted to ourselves, mapped at a page of ours emptied for it. */
struct granted {
    uint64_t *page, *at;
    grant_ref_t ref;
    grant_handle_t handle;
};

/* GNTST_okay once g is set up; by_pte: mapped by the PTE's address. */
static long grant_and_map(struct granted *g, bool by_pte)
{
    struct gnttab_map_grant_ref m = {
        .flags = GNTMAP_host_map | (by_pte ? GNTMAP_contains_pte : 0),
    };
    long id = own_domid(), ref;

    g->page = alloc_page();
    g->at = alloc_page();
    if ( id < 0 || !g->page || !g->at )
        return -1;
    g->page[0] = 0x9a9e;
    ref = gnttab_grant_access(id, virt_to_mfn(g->page), false);
    if ( ref < 0 )
        return -1;
    g->ref = ref;
    m.host_addr = by_pte ? pt_entry_maddr((unsigned long)g->at, 1)
                         : (unsigned long)g->at;
    if ( set_pte((unsigned long)g->at, 0) )
        return -1;
    m.ref = ref;
    m.dom = id;
    if ( HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &m, 1) )
        return -1;
    g->handle = m.handle;
    return m.status;
}

static int16_t replace(uint64_t host_addr, uint64_t new_addr,
                       grant_handle_t handle)
{
    struct gnttab_unmap_and_replace u = {
        .host_addr = host_addr, .new_addr = new_addr, .handle = handle,
    };

    if ( HYPERVISOR_grant_table_op(GNTTABOP_unmap_and_replace, &u, 1) )
        return -1000;
    return u.status;
}

static long flush_local(void)
{
    struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };

    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* Our own page back at va, writable. */
static long remap(void *va)
{
    return set_pte((unsigned long)va, virt_to_mach(va) | PTE_KERNEL_RW);
}

/* Gives back what a case took: g's pages (its own back at g->at), mine. */
static void give_back(struct granted *g, uint64_t *mine)
{
    if ( remap(g->at) )
        test_fail("cannot map our page back at %p", (void *)g->at);
    else
        free_page(g->at);
    free_page(g->page);
    if ( mine )
        free_page(mine);
}

TEST(gnttab_replace, takes_over_new_addr)
{
    struct granted g;
    uint64_t *mine = alloc_page(), v;

    CHECK(mine, "no page");
    CHECK_RC(grant_and_map(&g, false), GNTST_okay);
    CHECK(g.at[0] == 0x9a9e, "the grant reads %" PRI64 "x", g.at[0]);
    mine[0] = 0x3141;
    CHECK_RC(replace((unsigned long)g.at, (unsigned long)mine, g.handle),
             GNTST_okay);
    /* g.at now maps our page, and mine nothing. */
    CHECK(g.at[0] == 0x3141, "host_addr reads %" PRI64 "x", g.at[0]);
    CHECK_RC(probe_read64(mine, &v), PF);
    CHECK(gnttab_end_access(g.ref), "the grant is still in use");
    /* The handle went with it. */
    CHECK_RC(replace((unsigned long)g.at, 0, g.handle), GNTST_bad_handle);
    CHECK_RC(remap(mine), 0);
    CHECK(mine[0] == 0x3141, "our page reads %" PRI64 "x", mine[0]);
    give_back(&g, mine);
}

TEST(gnttab_replace, zero_new_addr_unmaps)
{
    struct granted g;
    uint64_t v;

    CHECK_RC(grant_and_map(&g, false), GNTST_okay);
    CHECK_RC(replace((unsigned long)g.at, 0, g.handle), GNTST_okay);
    CHECK_RC(probe_read64(g.at, &v), PF);
    CHECK(gnttab_end_access(g.ref), "the grant is still in use");
    give_back(&g, NULL);
}

TEST(gnttab_replace, refusals_change_nothing)
{
    struct granted g;
    uint64_t *mine = alloc_page();

    CHECK(mine, "no page");
    mine[0] = 0x2718;
    CHECK_RC(grant_and_map(&g, false), GNTST_okay);
    CHECK_RC(replace((unsigned long)g.at, (unsigned long)mine, 0xfff0),
             GNTST_bad_handle);
    /* Not where it was mapped; no L1 at new_addr. */
    CHECK_RC(replace((unsigned long)mine, 0, g.handle), GNTST_general_error);
    CHECK_RC(replace((unsigned long)g.at, (unsigned long)XEN_PTR, g.handle),
             GNTST_general_error);
    CHECK(g.at[0] == 0x9a9e, "the grant reads %" PRI64 "x", g.at[0]);
    CHECK(mine[0] == 0x2718, "our page reads %" PRI64 "x", mine[0]);
    CHECK(!gnttab_end_access(g.ref), "the grant ended");
    CHECK_RC(replace((unsigned long)g.at, 0, g.handle), GNTST_okay);
    CHECK(gnttab_end_access(g.ref), "the grant is still in use");
    give_back(&g, mine);
}

TEST(gnttab_replace, by_pte_address_only_unmaps)
{
    struct granted g;
    uint64_t *mine;

    CHECK_RC(grant_and_map(&g, true), GNTST_okay);
    CHECK(g.at[0] == 0x9a9e, "the grant reads %" PRI64 "x", g.at[0]);
    mine = alloc_page();
    CHECK(mine, "no page");
    mine[0] = 0x1618;
    CHECK_RC(replace(pt_entry_maddr((unsigned long)g.at, 1),
                     (unsigned long)mine, g.handle), GNTST_general_error);
    CHECK(mine[0] == 0x1618, "our page reads %" PRI64 "x", mine[0]);
    CHECK_RC(replace(pt_entry_maddr((unsigned long)g.at, 1), 0, g.handle),
             GNTST_okay);
    CHECK(gnttab_end_access(g.ref), "the grant is still in use");
    give_back(&g, mine);
}

/*
 * The grant's PTE replaced behind the hypervisor's back, then a replace
 * that would take over a writable mapping of ours: the check fails, the
 * grant stays in use, and the mapping at new_addr is gone with its
 * references (Xen drops what it took), so nothing of it can outlive us.
 */
HOSTILE(hostile_gnt_replace, mismatch_drops_new_addr)
{
    struct granted g;
    uint64_t *other = alloc_page(), *mine = alloc_page(), v;

    CHECK(other && mine, "no pages");
    CHECK_RC(grant_and_map(&g, false), GNTST_okay);
    hostile_crash_ok("Xen debug builds refuse an implicit grant unmap");
    CHECK_RC(set_pte((unsigned long)g.at, virt_to_mach(other) |
                     PTE_KERNEL_RW), 0);
    CHECK_RC(replace((unsigned long)g.at, (unsigned long)mine, g.handle),
             GNTST_general_error);
    /* A failed unmap need not flush: we do, to see the entry gone. */
    CHECK_RC(flush_local(), 0);
    CHECK_RC(probe_read64(mine, &v), PF);
    CHECK(!gnttab_end_access(g.ref), "the grant ended");
}

/*
 * new_addr the grant's own address: the entry taken is the grant PTE,
 * after which host_addr maps nothing and the replace fails.  Xen then
 * drops the taken grant PTE as an implicit unmap, which crashes us.
 */
HOSTILE(hostile_gnt_replace, new_addr_is_host_addr)
{
    struct granted g;
    uint64_t v;

    CHECK_RC(grant_and_map(&g, false), GNTST_okay);
    hostile_crash_ok("Xen crashes a domain that implicitly unmaps a grant");
    CHECK_RC(replace((unsigned long)g.at, (unsigned long)g.at, g.handle),
             GNTST_general_error);
    CHECK_RC(flush_local(), 0);
    CHECK_RC(probe_read64(g.at, &v), PF);
    CHECK(!gnttab_end_access(g.ref), "the grant ended");
}
