/* SPDX-License-Identifier: GPL-2.0-only */
/* Transitive and sub-page grants (v2): copies only, chains Xen refuses. */

#include "hostile.h"
#include <builder.h>
#include <gnttab.h>
#include <hypercall.h>
#include <lib.h>
#include <mm.h>
#include <time.h>

/* Entries beyond anything mini-os's own allocator hands out. */
#define TREF    100
#define PLAIN   101

#define DOM0_BYTE   0x5c
#define CHAIN_BYTE  0xc3

static grant_entry_v2_t *e2(grant_ref_t ref)
{
    return (grant_entry_v2_t *)gnttab_table + ref;
}

static long set_version(uint32_t v)
{
    struct gnttab_set_version s = { .version = v };

    return HYPERVISOR_grant_table_op(GNTTABOP_set_version, &s, 1);
}

/* Our v2 entry ref: a transitive grant to `to` of (tdom, tref). */
static void trans(grant_ref_t ref, domid_t to, domid_t tdom, grant_ref_t tref,
                  uint16_t extra)
{
    e2(ref)->hdr.flags = 0;
    wmb();
    e2(ref)->transitive.trans_domid = tdom;
    e2(ref)->transitive.gref = tref;
    e2(ref)->hdr.domid = to;
    wmb();
    e2(ref)->hdr.flags = GTF_transitive | extra;
}

/* A copy of len bytes between (dom, ref) at off and our page at buf. */
static int16_t copy_ref(domid_t dom, grant_ref_t ref, unsigned int off,
                        void *buf, unsigned int len, bool to_ref)
{
    struct gnttab_copy c = { .len = len };
    struct gnttab_copy_ptr *r = to_ref ? &c.dest : &c.source;
    struct gnttab_copy_ptr *mine = to_ref ? &c.source : &c.dest;

    r->u.ref = ref;
    r->domid = dom;
    r->offset = off;
    mine->u.gmfn = virt_to_mfn(buf);
    mine->domid = DOMID_SELF;
    mine->offset = (unsigned long)buf & (PAGE_SIZE - 1);
    c.flags = to_ref ? GNTCOPY_dest_gref : GNTCOPY_source_gref;
    if ( HYPERVISOR_grant_table_op(GNTTABOP_copy, &c, 1) )
        return -1000;
    return c.status;
}

static int16_t map_ro(domid_t dom, grant_ref_t ref, void *at)
{
    struct gnttab_map_grant_ref m = {
        .host_addr = (unsigned long)at, .ref = ref, .dom = dom,
        .flags = GNTMAP_host_map | GNTMAP_readonly,
    };

    if ( HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &m, 1) )
        return -1000;
    return m.status;
}

/* Our id and a v2 table, or SKIP. */
#define V2_OR_SKIP(self) do {                                              \
    (self) = own_domid();                                                  \
    CHECK((self) >= 0, "no domain id (%ld)", (self));                      \
    CHECK_RC(set_version(2), 0);                                           \
} while ( 0 )

/*
 * The chain dom0 sets up with us: its grant `gref` (to us) of a page it
 * filled with DOM0_BYTE; our entry TREF grants it on to ourselves.  dom0
 * grants only once we run, so we retry until it has.
 */
HOSTILE_BODY(gnttab_trans_hostile, chain_through_self)
{
    const char *arg = strstr((const char *)start_info->cmd_line, "gref=");
    uint8_t *buf = alloc_page();
    grant_ref_t g;
    unsigned int i;
    long self;
    int16_t rc = GNTST_general_error;

    CHECK(arg && buf, "no gref= or no page");
    g = simple_strtoul(arg + 5, NULL, 0);
    V2_OR_SKIP(self);
    trans(TREF, self, 0, g, 0);
    for ( i = 0; i < 500 && rc == GNTST_general_error; i++ )
    {
        rc = copy_ref(self, TREF, 0, buf, 64, false);
        if ( rc == GNTST_general_error )
            msleep(10);
    }
    CHECK_RC(rc, GNTST_okay);
    for ( i = 0; i < 64; i++ )
        CHECK(buf[i] == DOM0_BYTE, "byte %u is %#x", i, buf[i]);
    memset(buf, CHAIN_BYTE, 32);
    CHECK_RC(copy_ref(self, TREF, 64, buf, 32, true), GNTST_okay);
    /* Out of the page; our own hop read-only; never mapped. */
    CHECK_RC(copy_ref(self, TREF, 4090, buf, 32, true), GNTST_bad_copy_arg);
    trans(TREF, self, 0, g, GTF_readonly);
    CHECK_RC(copy_ref(self, TREF, 0, buf, 8, true), GNTST_general_error);
    CHECK_RC(copy_ref(self, TREF, 0, buf, 8, false), GNTST_okay);
    CHECK_RC(map_ro(self, TREF, buf), GNTST_general_error);
    e2(TREF)->hdr.flags = 0;
}

/* dom0's side: the attacker may read and write dom0's page only so. */
TEST(gnttab_trans, chain_through_domu)
{
    char cmdline[160];
    struct domu_spec spec = { .mem_kb = 4096, .cmdline = cmdline,
                              .max_grant_version = 2 };
    uint8_t *page = alloc_page();
    unsigned int reason = 0, i;
    struct domu d;
    long ref, rc;

    if ( !(spec.image = boot_module(&spec.image_len)) )
        SKIP("no kernel for the domU: give mini-os as dom0's boot module");
    CHECK(page, "no page");
    memset(page, DOM0_BYTE, PAGE_SIZE);
    /* A reference now, its grantee once the domU has an id. */
    ref = gnttab_grant_access(DOMID_INVALID, virt_to_mfn(page), false);
    CHECK(ref >= 0, "no grant reference");
    snprintf(cmdline, sizeof(cmdline), "role=hostile case=%s gref=%ld",
             "gnttab_trans_hostile/chain_through_self", ref);
    CHECK_RC(domu_build(&spec, &d), 0);
    gnttab_table[ref].domid = d.domid;
    rc = domu_wait_shutdown(&d, 20000, &reason);
    CHECK_RC(domu_destroy(&d), 0);
    CHECK_RC(rc, 0);
    CHECK(reason == SHUTDOWN_poweroff, "reason %u", reason);
    if ( !strncmp(d.verdict, "SKIP: ", 6) )
        SKIP("%s", d.verdict + 6);
    CHECK(!strcmp(d.verdict, "PASS"), "%s", d.verdict);
    /* Its write landed in our page, nothing else did, nothing is held. */
    for ( i = 0; i < PAGE_SIZE; i++ )
        CHECK(page[i] == (i >= 64 && i < 96 ? CHAIN_BYTE : DOM0_BYTE),
              "byte %u is %#x", i, page[i]);
    CHECK(gnttab_end_access(ref), "our grant is still in use");
    free_page(page);
}

/* Naming ourselves, at once or through a plain grant of ours. */
HOSTILE(gnttab_trans_hostile, self_loop)
{
    uint8_t *buf = alloc_page();
    long self;

    CHECK(buf, "no page");
    V2_OR_SKIP(self);
    trans(TREF, self, self, TREF, 0);
    CHECK_RC(copy_ref(self, TREF, 0, buf, 8, false), GNTST_general_error);
    e2(PLAIN)->full_page.frame = virt_to_mfn(buf);
    e2(PLAIN)->hdr.domid = self;
    wmb();
    e2(PLAIN)->hdr.flags = GTF_permit_access;
    trans(TREF, self, self, PLAIN, 0);
    CHECK_RC(copy_ref(self, TREF, 0, buf, 8, false), GNTST_general_error);
    /* The plain one still works, and nothing was left pinned. */
    CHECK_RC(copy_ref(self, PLAIN, 0, buf + 8, 8, false), GNTST_okay);
    e2(TREF)->hdr.flags = 0;
    e2(PLAIN)->hdr.flags = 0;
    CHECK_RC(set_version(1), 0);
}

/* Domains that are not there; references that are not ours to use. */
HOSTILE(gnttab_trans_hostile, bad_chains)
{
    uint8_t *buf = alloc_page();
    long self;

    CHECK(buf, "no page");
    V2_OR_SKIP(self);
    trans(TREF, self, 0x7000, 1, 0);
    CHECK_RC(copy_ref(self, TREF, 0, buf, 8, false), GNTST_general_error);
    trans(TREF, self, DOMID_SELF, 1, 0);
    CHECK_RC(copy_ref(self, TREF, 0, buf, 8, false), GNTST_general_error);
    trans(TREF, self, DOMID_INVALID, 1, 0);
    CHECK_RC(copy_ref(self, TREF, 0, buf, 8, false), GNTST_general_error);
    /* dom0's table: far past its end, and an entry not granted to us. */
    trans(TREF, self, 0, 0xfffff, 0);
    CHECK_RC(copy_ref(self, TREF, 0, buf, 8, false), GNTST_bad_gntref);
    trans(TREF, self, 0, 3, 0);
    CHECK_RC(copy_ref(self, TREF, 0, buf, 8, true), GNTST_general_error);
    /* Granted to dom0, not to us, the copier. */
    trans(TREF, 0, 0, 3, 0);
    CHECK_RC(copy_ref(self, TREF, 0, buf, 8, false), GNTST_general_error);
    /* Never mapped, whatever it names. */
    trans(TREF, self, 0, 3, 0);
    CHECK_RC(map_ro(self, TREF, buf), GNTST_general_error);
    e2(TREF)->hdr.flags = 0;
    CHECK_RC(set_version(1), 0);
}

/* In a v1 table the transitive type is no grant at all. */
HOSTILE(gnttab_trans_hostile, v1_table)
{
    uint8_t *buf = alloc_page();
    long self = own_domid();

    CHECK(buf && self >= 0, "no page or id");
    gnttab_table[TREF].domid = self;
    gnttab_table[TREF].frame = virt_to_mfn(buf);
    wmb();
    gnttab_table[TREF].flags = GTF_transitive;
    CHECK_RC(copy_ref(self, TREF, 0, buf + 8, 8, false), GNTST_general_error);
    CHECK_RC(map_ro(self, TREF, buf), GNTST_general_error);
    CHECK(gnttab_table[TREF].flags == GTF_transitive, "flags now %#x",
          gnttab_table[TREF].flags);
    gnttab_table[TREF].flags = 0;
}

/* Sub-page grants: the range bounds copies, and no mapping at all. */
HOSTILE(gnttab_trans_hostile, sub_page_bounds)
{
    uint8_t *page = alloc_page(), *buf = alloc_page();
    long self;

    CHECK(page && buf, "no page");
    V2_OR_SKIP(self);
    memset(page, 0x6d, PAGE_SIZE);
    e2(PLAIN)->sub_page.frame = virt_to_mfn(page);
    e2(PLAIN)->sub_page.page_off = 512;
    e2(PLAIN)->sub_page.length = 256;
    e2(PLAIN)->hdr.domid = self;
    wmb();
    e2(PLAIN)->hdr.flags = GTF_permit_access | GTF_sub_page;
    CHECK_RC(copy_ref(self, PLAIN, 512, buf, 256, false), GNTST_okay);
    CHECK(buf[0] == 0x6d && buf[255] == 0x6d, "copied %#x..%#x", buf[0],
          buf[255]);
    CHECK_RC(copy_ref(self, PLAIN, 511, buf, 8, false), GNTST_general_error);
    CHECK_RC(copy_ref(self, PLAIN, 761, buf, 8, true), GNTST_general_error);
    CHECK_RC(copy_ref(self, PLAIN, 760, buf, 8, true), GNTST_okay);
    CHECK_RC(copy_ref(self, PLAIN, 4000, buf, 200, false),
             GNTST_bad_copy_arg);
    CHECK_RC(map_ro(self, PLAIN, buf), GNTST_general_error);
    e2(PLAIN)->hdr.flags = 0;
    CHECK_RC(set_version(1), 0);
}
