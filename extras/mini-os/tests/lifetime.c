/* SPDX-License-Identifier: GPL-2.0-only */
/* A destroyed domain lingers, dying, while another domain maps its frames. */

#include <xenctl.h>
#include "test.h"
#include <builder.h>
#include <gnttab.h>
#include <hypercall.h>
#include <mm.h>
#include <time.h>

#define LIFETIME_MEM_KB     4096
#define GRANTER_MAGIC       0x544e5247u     /* "GRNT" */
#define GRANTER_SCAN_REFS   512
#define HUNDRED             100
/* The copier tries these many domains after it, these many refs each. */
#define COPIER_DOMS         24
#define COPIER_REFS         16
#define RACE_ROUNDS         20

/* The machine frame our page table maps at va. */
static unsigned long mapped_mfn(const void *va)
{
    return (*pt_entry((unsigned long)va, 1) & PTE_ADDR_MASK) >> PAGE_SHIFT;
}

/* Whether dom is listed and dying; its figures in *info. */
static bool listed_dying(domid_t dom, struct xen_domctl_getdomaininfo *info)
{
    return !domain_getinfo(dom, info) && info->domain == dom &&
           (info->flags & XEN_DOMINF_dying);
}

/* Whether dom is no longer listed (getdomaininfo answers the next one). */
static bool gone(domid_t dom)
{
    struct xen_domctl_getdomaininfo info;

    return domain_getinfo(dom, &info) || info.domain != dom;
}

/* createdomain asking for id dom, as the builder asks for any. */
static long create_with_id(domid_t dom)
{
    struct xen_domctl op = {
        .cmd = XEN_DOMCTL_createdomain, .domain = dom,
    };
    struct xen_domctl_createdomain *c = &op.u.createdomain;
    long rc;

    c->max_vcpus = 1;
    c->max_evtchn_port = 1023;
    c->max_grant_frames = 4;
    c->max_maptrack_frames = 128;
    c->grant_opts = XEN_DOMCTL_GRANT_version(1);
    rc = domctl(&op);
    if ( !rc )
    {
        /* Not expected; don't leave it behind. */
        memset(&op, 0, sizeof(op));
        op.cmd = XEN_DOMCTL_destroydomain;
        op.domain = dom;
        domctl(&op);
    }
    return rc;
}

/* The number after "key=" on our command line, or dflt. */
static unsigned long cmdline_number(const char *key, unsigned long dflt)
{
    const char *p = strstr((const char *)start_info->cmd_line, key);

    return p ? simple_strtoul(p + strlen(key), NULL, 10) : dflt;
}

/*
 * The "granter" role: grants one page to dom0 (or to the domain "to="
 * names), then spins until destroyed.
 */
void granter_main(void)
{
    domid_t to = cmdline_number("to=", 0);
    uint32_t *pg = alloc_page();
    long ref;

    if ( !pg )
        panic("granter: no page");
    pg[0] = GRANTER_MAGIC;
    if ( (ref = gnttab_grant_access(to, virt_to_mfn(pg), false)) < 0 )
        panic("granter: no grant reference (%ld)", ref);
    printk("granter: page granted to d%u as ref %ld\n", to, ref);
    for ( ; ; )
        asm volatile ( "pause" );
}

/*
 * The "copier" role: copies for ever from the first references of the
 * COPIER_DOMS domains after its own id, which dom0 creates and destroys
 * meanwhile, so that its copies race with their destruction.
 */
void copier_main(void)
{
    static struct gnttab_copy ops[COPIER_DOMS * COPIER_REFS];
    domid_t self = cmdline_number("self=", 0);
    void *dst = alloc_page();
    unsigned long copied = 0, next_report = 1;

    if ( !dst || !self )
        panic("copier: no page or no self= on the command line");
    for ( unsigned int i = 0; i < ARRAY_SIZE(ops); i++ )
    {
        ops[i].source.u.ref = i % COPIER_REFS;
        ops[i].source.domid = self + 1 + i / COPIER_REFS;
        ops[i].dest.u.gmfn = virt_to_mfn(dst);
        ops[i].dest.domid = DOMID_SELF;
        ops[i].len = 64;
        ops[i].flags = GNTCOPY_source_gref;
    }
    for ( ; ; )
    {
        HYPERVISOR_grant_table_op(GNTTABOP_copy, ops, ARRAY_SIZE(ops));
        for ( unsigned int i = 0; i < ARRAY_SIZE(ops); i++ )
            copied += ops[i].status == GNTST_okay;
        if ( copied >= next_report )
        {
            printk("copier: %lu copies\n", copied);
            next_report *= 4;
        }
    }
}

/*
 * Maps the page the granter offers (it tries references in turn, as it
 * may not have granted yet) at our va; the handle, or -1 after 10 s.
 */
static long map_granters_page(struct domu *d, void *va)
{
    uint64_t deadline = monotonic_clock() + MILLISECS(10000);

    do {
        for ( grant_ref_t r = 0; r < GRANTER_SCAN_REFS; r++ )
        {
            struct gnttab_map_grant_ref m = {
                .host_addr = (unsigned long)va, .flags = GNTMAP_host_map,
                .ref = r, .dom = d->domid,
            };

            if ( !HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &m, 1) &&
                 m.status == GNTST_okay )
                return m.handle;
        }
        domu_console_drain(d);
        msleep(10);
    } while ( monotonic_clock() < deadline );
    return -1;
}

/*
 * Defect: the domain was freed at destroy while dom0 still mapped one of
 * its frames, and the unmap then updated freed memory (by then another
 * domain's, whose page list and count it corrupted).  Xen keeps the
 * domain, dying, with its id, until its last frame goes.
 */
TEST(lifetime, destroyed_domain_lingers_while_a_frame_is_mapped)
{
    struct domu_spec spec = { .mem_kb = LIFETIME_MEM_KB,
                              .cmdline = "role=spin" };
    struct xen_domctl_getdomaininfo info;
    struct domu d, n;
    unsigned long before, after, n_pages;
    void *win = alloc_page();
    domid_t zid;

    if ( !(spec.image = boot_module(&spec.image_len)) )
        SKIP("no kernel for the domU: give mini-os as dom0's boot module");
    CHECK(win, "no page");
    before = host_free_pages();
    CHECK_RC(domu_build(&spec, &d), 0);
    zid = d.domid;
    /* Its console ring, a frame of its memory, mapped a second time. */
    CHECK_RC(map_foreign_frame(win, mapped_mfn(d.console), zid), 0);
    CHECK_RC(domu_destroy(&d), 0);

    CHECK(listed_dying(zid, &info), "d%u not listed as dying while one of "
          "its frames is mapped", zid);
    CHECK(info.tot_pages >= 1 && info.tot_pages < d.nr_pages,
          "dying d%u still has %lu of its %lu pages", zid,
          (unsigned long)info.tot_pages, d.nr_pages);
    /* Destroying it again changes nothing. */
    {
        struct xen_domctl op = { .cmd = XEN_DOMCTL_destroydomain,
                                 .domain = zid };

        CHECK_RC(domctl(&op), 0);
        CHECK(listed_dying(zid, &info), "d%u gone after a second destroy",
              zid);
    }
    /* Its id stays taken, and a domain made meanwhile gets another. */
    CHECK_RC(create_with_id(zid), -XEN_EEXIST);
    CHECK_RC(domu_build(&spec, &n), 0);
    CHECK(n.domid != zid, "new domain got the dying d%u's id", zid);
    CHECK_RC(domain_getinfo(n.domid, &info), 0);
    n_pages = info.tot_pages;

    CHECK_RC(unmap_foreign_frame(win), 0);
    CHECK(gone(zid), "d%u still listed after its last frame was unmapped",
          zid);
    /* The unmap touched the dying domain's figures, nobody else's. */
    CHECK_RC(domain_getinfo(n.domid, &info), 0);
    CHECK(info.domain == n.domid && info.tot_pages == n_pages,
          "d%u has %lu pages, had %lu", n.domid,
          (unsigned long)info.tot_pages, n_pages);
    CHECK_RC(domu_destroy(&n), 0);
    CHECK(gone(n.domid), "d%u still listed", n.domid);
    free_page(win);
    after = host_free_pages_settled(before);
    printk("lifetime: free pages %lu before, %lu after\n", before, after);
    CHECK(after + destroy_slack_pages() >= before, "free pages %lu, were %lu", after,
          before);
}

/*
 * The same for a frame the hypervisor shares with the domain, not one of
 * its memory: its shared_info page, which the toolstack maps.
 */
TEST(lifetime, destroyed_domain_lingers_while_shared_info_is_mapped)
{
    struct domu_spec spec = { .mem_kb = LIFETIME_MEM_KB,
                              .cmdline = "role=spin" };
    struct xen_domctl_getdomaininfo info;
    unsigned long before, after;
    void *win = alloc_page();
    struct domu d;

    if ( !(spec.image = boot_module(&spec.image_len)) )
        SKIP("no kernel for the domU: give mini-os as dom0's boot module");
    CHECK(win, "no page");
    before = host_free_pages();
    CHECK_RC(domu_build(&spec, &d), 0);
    CHECK_RC(domain_getinfo(d.domid, &info), 0);
    CHECK_RC(map_foreign_frame(win, info.shared_info_frame, d.domid), 0);
    CHECK_RC(domu_destroy(&d), 0);
    CHECK(listed_dying(d.domid, &info), "d%u not listed as dying while its "
          "shared_info is mapped", d.domid);
    CHECK_RC(unmap_foreign_frame(win), 0);
    CHECK(gone(d.domid), "d%u still listed after the unmap", d.domid);
    free_page(win);
    after = host_free_pages_settled(before);
    printk("lifetime: free pages %lu before, %lu after\n", before, after);
    CHECK(after + destroy_slack_pages() >= before, "free pages %lu, were %lu", after,
          before);
}

/*
 * A backend's grant mapping outliving the frontend: the granter's table
 * must still be there when the mapping goes (the unmap unpins its entry),
 * and the granter with it, dying, until then.
 */
TEST(lifetime, grant_mapping_outlives_the_granter)
{
    struct domu_spec spec = { .mem_kb = LIFETIME_MEM_KB,
                              .cmdline = "role=granter" };
    struct xen_domctl_getdomaininfo info;
    struct gnttab_unmap_grant_ref u = { 0 };
    uint32_t *win = alloc_page();
    unsigned long before, after;
    struct domu d;
    long handle;

    if ( !(spec.image = boot_module(&spec.image_len)) )
        SKIP("no kernel for the domU: give mini-os as dom0's boot module");
    CHECK(win, "no page");
    /* dom0's maptrack frame, which it keeps, is not the domU's. */
    gnttab_own_grant_roundtrip();
    if ( test_failed() )
        return;
    before = host_free_pages();
    CHECK_RC(set_pte((unsigned long)win, 0), 0);
    CHECK_RC(domu_build(&spec, &d), 0);
    handle = map_granters_page(&d, win);
    if ( handle < 0 )
        domu_destroy(&d);
    CHECK(handle >= 0, "no grant from d%u", d.domid);
    CHECK(win[0] == GRANTER_MAGIC, "the granted page holds %x", win[0]);
    CHECK_RC(domu_destroy(&d), 0);

    CHECK(listed_dying(d.domid, &info), "d%u not listed as dying while its "
          "granted frame is mapped", d.domid);
    /* The mapping still reaches the frame, and only it. */
    CHECK(win[0] == GRANTER_MAGIC, "the granted page now holds %x", win[0]);

    u.host_addr = (unsigned long)win;
    u.handle = handle;
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1), 0);
    CHECK(u.status == GNTST_okay, "unmap: status %d", u.status);
    CHECK(gone(d.domid), "d%u still listed after the unmap", d.domid);
    CHECK_RC(unmap_foreign_frame(win), 0);
    free_page(win);
    after = host_free_pages_settled(before);
    printk("lifetime: free pages %lu before, %lu after\n", before, after);
    CHECK(after + destroy_slack_pages() >= before, "free pages %lu, were %lu", after,
          before);
}

/*
 * Destroying 100 domains in a row, each with a frame mapped by dom0 until
 * after its destroy, gives every page back: the free count ends where it
 * began (give or take Xen's RCU delay).
 */
TEST(lifetime, hundred_domains_give_every_page_back)
{
    struct domu_spec spec = { .mem_kb = LIFETIME_MEM_KB,
                              .cmdline = "role=spin" };
    struct xen_domctl_getdomaininfo info;
    unsigned long before, after;
    void *win = alloc_page();
    struct domu d;

    if ( !(spec.image = boot_module(&spec.image_len)) )
        SKIP("no kernel for the domU: give mini-os as dom0's boot module");
    CHECK(win, "no page");
    before = host_free_pages();
    for ( unsigned int i = 0; i < HUNDRED; i++ )
    {
        CHECK_RC(domu_build(&spec, &d), 0);
        CHECK_RC(map_foreign_frame(win, mapped_mfn(d.console), d.domid), 0);
        CHECK_RC(domu_destroy(&d), 0);
        CHECK(listed_dying(d.domid, &info), "d%u (%u of %u) not dying",
              d.domid, i, HUNDRED);
        CHECK_RC(unmap_foreign_frame(win), 0);
        CHECK(gone(d.domid), "d%u (%u of %u) still listed", d.domid, i,
              HUNDRED);
    }
    free_page(win);
    after = host_free_pages_settled(before);
    printk("lifetime: %u domains: free pages %lu before, %lu after\n",
           HUNDRED, before, after);
    CHECK(after + destroy_slack_pages() >= before, "free pages %lu, were %lu", after,
          before);
}

/*
 * Another domain's copies from a granter racing with its destruction:
 * each copy looks the granter up and uses its grant table, which must
 * stay until the last such user is done with the domain (before, it was
 * freed at destroy under the copies' feet).  A stress case: the race
 * rarely lands, but when it does the hypervisor must survive it.
 */
TEST(lifetime, copies_racing_the_granters_destruction)
{
    struct domu_spec spec = { .mem_kb = LIFETIME_MEM_KB };
    char cmdline[64];
    unsigned long before, after;
    struct domu c, g;
    domid_t self;

    if ( !(spec.image = boot_module(&spec.image_len)) )
        SKIP("no kernel for the domUs: give mini-os as dom0's boot module");
    /*
     * Our ids come one after another: the copier's, then the granters'.
     * (This first domain also grows Xen's pools before we count.)
     */
    spec.cmdline = "role=spin";
    CHECK_RC(domu_build(&spec, &c), 0);
    CHECK_RC(domu_destroy(&c), 0);
    before = host_free_pages();
    self = c.domid + 1;
    snprintf(cmdline, sizeof(cmdline), "role=copier self=%u", self);
    spec.cmdline = cmdline;
    CHECK_RC(domu_build(&spec, &c), 0);
    if ( c.domid != self )
        domu_destroy(&c);
    CHECK(c.domid == self, "the copier is d%u, not d%u", c.domid, self);
    for ( unsigned int i = 0; i < RACE_ROUNDS; i++ )
    {
        snprintf(cmdline, sizeof(cmdline), "role=granter to=%u", c.domid);
        CHECK_RC(domu_build(&spec, &g), 0);
        msleep(5);
        domu_console_drain(&c);
        CHECK_RC(domu_destroy(&g), 0);
    }
    domu_console_drain(&c);
    CHECK_RC(domu_destroy(&c), 0);
    after = host_free_pages_settled(before);
    for ( unsigned int i = 0; i <= RACE_ROUNDS; i++ )
        CHECK(gone(c.domid + i), "d%u still listed", c.domid + i);
    printk("lifetime: free pages %lu before, %lu after\n", before, after);
    CHECK(after + destroy_slack_pages() >= before, "free pages %lu, were %lu", after,
          before);
}
