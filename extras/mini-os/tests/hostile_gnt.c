/* SPDX-License-Identifier: GPL-2.0-only */
/* Grant unmaps a hostile domU aims at a PTE that no longer maps the grant. */

#include "hostile.h"
#include <events.h>
#include <gnttab.h>
#include <hypercall.h>
#include <mm.h>
#include <traps.h>

/*
 * Our own domain id, which a domU is never told: an unbound port offered
 * to DOMID_SELF records the id it stands for, and its status reports it.
 */
long own_domid(void)
{
    evtchn_status_t st = { .dom = DOMID_SELF };
    long port = alloc_unbound(DOMID_SELF, NULL, NULL), rc;

    if ( port < 0 )
        return port;
    st.port = port;
    rc = HYPERVISOR_event_channel_op(EVTCHNOP_status, &st);
    unbind_evtchn(port);
    if ( rc )
        return rc;
    return st.status == EVTCHNSTAT_unbound ? st.u.unbound.dom : -XEN_EINVAL;
}

/* What one case grants itself and maps: the page, its window, the ids. */
struct self_map {
    uint64_t *src, *win;
    grant_ref_t ref;
    grant_handle_t handle;
    domid_t me;
};

/* Grants src to ourselves and maps it at win (which loses its own page). */
static long map_self(struct self_map *s)
{
    struct gnttab_map_grant_ref m = { .flags = GNTMAP_host_map };
    long ref, me = own_domid();

    if ( me < 0 )
        return me;
    s->me = me;
    s->src = alloc_page();
    s->win = alloc_page();
    if ( !s->src || !s->win )
        return -XEN_ENOMEM;
    s->src[0] = 0x5ca1ab1e;
    if ( (ref = gnttab_grant_access(s->me, virt_to_mfn(s->src), false)) < 0 )
        return ref;
    s->ref = ref;
    /* As gnttab/map_own_grant: map only into an empty, flushed entry. */
    if ( set_pte((unsigned long)s->win, 0) )
        return -XEN_EINVAL;
    m.host_addr = (unsigned long)s->win;
    m.ref = s->ref;
    m.dom = s->me;
    if ( HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &m, 1) )
        return -XEN_EFAULT;
    if ( m.status != GNTST_okay )
        return m.status;
    s->handle = m.handle;
    return s->win[0] == s->src[0] ? 0 : -XEN_EIO;
}

static int16_t unmap(uint64_t host_addr, uint64_t bus, grant_handle_t h)
{
    struct gnttab_unmap_grant_ref u = {
        .host_addr = host_addr, .dev_bus_addr = bus, .handle = h,
    };

    if ( HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1) )
        return -1000;
    return u.status;
}

/*
 * The alias attack: map a grant at X, point X at a page of our own with
 * update_va_mapping, then unmap at X.  Clearing "whatever X maps now"
 * would end the grant while a mapping of it may live on (through another
 * link of the L1, or a stale TLB entry): Xen refuses, as the PTE does not
 * map the granted frame, and the grant stays in use.
 */
HOSTILE(hostile_gnt, unmap_replaced_pte_refused)
{
    struct self_map s;
    uint64_t *other = alloc_page();

    CHECK(other, "no page");
    CHECK_RC(map_self(&s), 0);
    other[0] = 0x0123456789abcdefUL;
    /*
     * Debug builds of Xen catch the implicit unmap of a grant PTE (a #GP
     * or a crash); release builds, like ours, just replace it.
     */
    hostile_crash_ok("Xen debug builds refuse an implicit grant unmap");
    CHECK_RC(HYPERVISOR_update_va_mapping((unsigned long)s.win,
                                          virt_to_mach(other) | PTE_KERNEL_RW,
                                          UVMF_INVLPG | UVMF_ALL), 0);
    CHECK(s.win[0] == other[0], "the window reads %" PRI64 "x", s.win[0]);
    CHECK(unmap((unsigned long)s.win, 0, s.handle) == GNTST_general_error,
          "unmap of a PTE that maps our own page was not refused");
    /* What X maps now was left alone... */
    CHECK(s.win[0] == other[0], "the window reads %" PRI64 "x", s.win[0]);
    /* ...and the granter still sees the grant in use. */
    CHECK(!gnttab_end_access(s.ref), "grant ended after a refused unmap");
    /* An empty entry is no mapping of the grant either. */
    CHECK_RC(set_pte((unsigned long)s.win, 0), 0);
    CHECK(unmap((unsigned long)s.win, 0, s.handle) == GNTST_general_error,
          "unmap of an empty PTE was not refused");
    CHECK(!gnttab_end_access(s.ref), "grant ended after a refused unmap");
}

/*
 * A second map of the grant puts a PTE of the frame back at X: the first
 * handle may take that one, and then the grant still has the second use,
 * which an empty X must not end.  (Nothing but dying ends the orphaned
 * handle; the harness then checks that every page comes back.)
 */
HOSTILE(hostile_gnt, unmap_after_remap_keeps_other_use)
{
    struct gnttab_map_grant_ref m = { .flags = GNTMAP_host_map };
    struct self_map s;

    CHECK_RC(map_self(&s), 0);
    CHECK_RC(set_pte((unsigned long)s.win, 0), 0);
    m.host_addr = (unsigned long)s.win;
    m.ref = s.ref;
    m.dom = s.me;
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &m, 1), 0);
    CHECK(m.status == GNTST_okay, "second map: status %d", m.status);
    CHECK(unmap((unsigned long)s.win, 0, s.handle) == GNTST_okay,
          "unmap of a PTE of the granted frame refused");
    CHECK(!gnttab_end_access(s.ref), "grant ended with a handle left");
    CHECK(unmap((unsigned long)s.win, 0, m.handle) == GNTST_general_error,
          "second handle unmapped an empty PTE");
    CHECK(!gnttab_end_access(s.ref), "grant ended with a handle left");
}

/*
 * The L1 holding a grant's PTE may be linked at a second place, and the
 * frame read through it there: an unmap must flush that translation too
 * (the whole TLB), or the alias outlives the grant.  ALIAS_BASE is a free
 * 2 MiB slot of our kernel L2.
 */
#define ALIAS_BASE  (VIRT_BASE + (768UL << 20))
#define L2_SPAN     (PT_ENTRIES * PAGE_SIZE)

static long link_alias(uint64_t val)
{
    mmu_update_t u = {
        .ptr = pt_entry_maddr(ALIAS_BASE, 2) | MMU_NORMAL_PT_UPDATE,
        .val = val,
    };

    return HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF);
}

HOSTILE(hostile_gnt, unmap_flushes_aliases)
{
    struct self_map s;
    uint64_t *l2e, *alias, v = 0;
    int fault;

    CHECK_RC(map_self(&s), 0);
    l2e = pt_entry((unsigned long)s.win, 2);
    CHECK(l2e && pt_entry(ALIAS_BASE, 2) && !*pt_entry(ALIAS_BASE, 2),
          "no free L2 slot at %lx", ALIAS_BASE);
    CHECK_RC(link_alias(*l2e), 0);
    alias = (uint64_t *)(ALIAS_BASE + ((unsigned long)s.win & (L2_SPAN - 1)));
    /* Through the alias the granted page reads, and is now in the TLB. */
    CHECK_RC(probe_read64(alias, &v), 0);
    CHECK(v == s.src[0], "the alias reads %" PRI64 "x", v);
    CHECK(unmap((unsigned long)s.win, 0, s.handle) == GNTST_okay,
          "unmap failed");
    fault = probe_read64(alias, &v);
    CHECK_RC(link_alias(0), 0);
    CHECK(fault == 1 + 14, "the alias still reads %" PRI64 "x after the unmap", v);
    CHECK(gnttab_end_access(s.ref), "grant still in use");
}

/* A mapping can't be undone through another address of ours. */
HOSTILE(hostile_gnt, unmap_other_va_refused)
{
    struct self_map s;
    uint64_t *other = alloc_page();

    CHECK(other, "no page");
    CHECK_RC(map_self(&s), 0);
    CHECK(unmap((unsigned long)other, 0, s.handle) == GNTST_general_error,
          "unmap through another address not refused");
    CHECK(s.win[0] == s.src[0], "the window lost the grant");
    CHECK(!gnttab_end_access(s.ref), "grant ended");
    CHECK(unmap((unsigned long)s.win, 0, s.handle) == GNTST_okay,
          "the real unmap failed");
    CHECK(gnttab_end_access(s.ref), "grant still in use");
}

/* Handles beyond the table, and handles no longer in use. */
HOSTILE(hostile_gnt, unmap_bad_handle)
{
    struct self_map s;

    CHECK_RC(map_self(&s), 0);
    CHECK(unmap((unsigned long)s.win, 0, 0xffffffffU) == GNTST_bad_handle,
          "out-of-range handle");
    CHECK(unmap((unsigned long)s.win, 0, 1U << 20) == GNTST_bad_handle,
          "out-of-range handle");
    CHECK(unmap((unsigned long)s.win, 0, s.handle + 1) == GNTST_bad_handle,
          "unused handle");
    CHECK(unmap((unsigned long)s.win, 0, s.handle) == GNTST_okay,
          "the real unmap failed");
    CHECK(unmap((unsigned long)s.win, 0, s.handle) == GNTST_bad_handle,
          "handle still usable after its unmap");
    CHECK(gnttab_end_access(s.ref), "grant still in use");
}

/*
 * An unmap naming only a bus address undoes no host mapping: the PTE and
 * the grant's use both stay.  Xen 4.17 looks at the address only for a
 * device mapping, so a wrong one changes nothing here either.
 */
HOSTILE(hostile_gnt, unmap_dev_bus_addr_only)
{
    struct self_map s;
    uint64_t bus;

    CHECK_RC(map_self(&s), 0);
    bus = virt_to_mach(s.src) & PTE_ADDR_MASK;
    CHECK(unmap(0, bus + PAGE_SIZE, s.handle) == GNTST_okay,
          "wrong bus address of a host mapping");
    CHECK(s.win[0] == s.src[0], "the window lost the grant");
    CHECK(unmap(0, bus, s.handle) == GNTST_okay, "bus-address-only unmap");
    CHECK(s.win[0] == s.src[0], "the window lost the grant");
    CHECK(!gnttab_end_access(s.ref), "grant ended while mapped");
    CHECK(unmap((unsigned long)s.win, 0, s.handle) == GNTST_okay,
          "the real unmap failed");
    CHECK(gnttab_end_access(s.ref), "grant still in use");
}
