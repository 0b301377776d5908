/* SPDX-License-Identifier: GPL-2.0-only */
/* Two domains talking: dom0 builds a peer, which answers through a grant. */

#include <xenctl.h>
#include "test.h"
#include <builder.h>
#include <events.h>
#include <gnttab.h>
#include <hypercall.h>
#include <mm.h>
#include <time.h>

/*
 * The protocol needs nothing but dom0's id: dom0 offers one unbound port
 * and one grant to the peer, and the peer finds them by trying, since
 * only an offer meant for it can succeed.  dom0 writes a ping into the
 * granted page; the peer maps it, writes its answer beside it and
 * signals the port.
 */
#define PING_MAGIC 0x474e4950u          /* "PING" */
#define PONG_MAGIC 0x474e4f50u          /* "PONG" */

struct peer_page {
    uint32_t ping_magic, nonce;
    uint32_t pong_magic, answer;
};

static uint32_t peer_answer(uint32_t nonce)
{
    return nonce * 2654435761u + 1;
}

#define PEER_MEM_KB   4096
#define PEER_SCAN_PORTS 128
#define PEER_SCAN_REFS  512

/* The peer's side: dom0's offer is the one bind or map that succeeds. */
bool find_offered_port(evtchn_port_t *port)
{
    for ( evtchn_port_t p = 1; p < PEER_SCAN_PORTS; p++ )
    {
        evtchn_bind_interdomain_t b = { .remote_dom = 0, .remote_port = p };

        if ( !HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &b) )
        {
            *port = b.local_port;
            return true;
        }
    }
    return false;
}

bool map_offered_grant(void *win, grant_handle_t *handle)
{
    for ( grant_ref_t r = 0; r < PEER_SCAN_REFS; r++ )
    {
        struct gnttab_map_grant_ref m = {
            .host_addr = (unsigned long)win, .flags = GNTMAP_host_map,
            .ref = r, .dom = 0,
        };

        if ( !HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &m, 1) &&
             m.status == GNTST_okay )
        {
            *handle = m.handle;
            return true;
        }
    }
    return false;
}

/* The peer: find dom0's offer, answer it, and power off. */
void peer_main(void)
{
    struct peer_page *pg = alloc_page();
    uint64_t deadline = monotonic_clock() + MILLISECS(10000);
    struct gnttab_unmap_grant_ref u = { 0 };
    evtchn_port_t port = 0;
    grant_handle_t handle;
    bool mapped = false;

    if ( !pg || set_pte((unsigned long)pg, 0) )
        panic("peer: no window page");
    /* dom0 may build us before it makes its offer: keep looking. */
    while ( (!port && !find_offered_port(&port)) ||
            (!mapped && !(mapped = map_offered_grant(pg, &handle))) )
    {
        if ( monotonic_clock() > deadline )
            panic("peer: no offer from dom0 (port %u, grant %s)", port,
                  mapped ? "mapped" : "not found");
        msleep(10);
    }
    if ( pg->ping_magic != PING_MAGIC )
        panic("peer: the granted page holds %x, not a ping", pg->ping_magic);
    printk("peer: ping %u through a grant, port %u\n", pg->nonce, port);
    pg->answer = peer_answer(pg->nonce);
    wmb();
    pg->pong_magic = PONG_MAGIC;
    notify_remote_via_evtchn(port);

    u.host_addr = (unsigned long)pg;
    u.handle = handle;
    HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1);
    printk("peer: answered, powering off\n");
    do_shutdown(SHUTDOWN_poweroff);
}

/* Offers d the page and a port, and waits for its answer. */
static void exchange_with(struct domu *d)
{
    struct peer_page *pg = alloc_page();
    uint64_t deadline;
    unsigned int reason;
    long port, ref;

    CHECK(pg, "no page");
    pg->ping_magic = PING_MAGIC;
    pg->nonce = (uint32_t)monotonic_clock();
    CHECK((port = alloc_unbound(d->domid, NULL, NULL)) > 0,
          "alloc_unbound: %ld", port);
    unmask_evtchn(port);
    CHECK((ref = gnttab_grant_access(d->domid, virt_to_mfn(pg), false)) > 0,
          "no grant reference");

    deadline = monotonic_clock() + MILLISECS(10000);
    while ( !ACCESS_ONCE(evtchn_delivered[port]) &&
            monotonic_clock() < deadline )
    {
        domu_console_drain(d);
        msleep(2);
    }
    domu_console_drain(d);
    CHECK(ACCESS_ONCE(pg->pong_magic) == PONG_MAGIC,
          "no answer from d%u", d->domid);
    CHECK(pg->answer == peer_answer(pg->nonce), "answer %x to %x",
          pg->answer, pg->nonce);
    CHECK_RC(domu_wait_shutdown(d, 10000, &reason), 0);
    CHECK(reason == SHUTDOWN_poweroff, "shut down with reason %u", reason);
    CHECK(gnttab_end_access(ref), "grant still mapped after shutdown");
    CHECK_RC(unbind_evtchn(port), 0);
    free_page(pg);
}

/*
 * A running domain we did not build: one the hypervisor started from a
 * boot module.  Ours are all destroyed before their case ends.
 */
static bool find_boot_domain(struct xen_domctl_getdomaininfo *info)
{
    domid_t dom = 1;

    while ( dom < DOMID_FIRST_RESERVED && !domain_getinfo(dom, info) )
    {
        if ( !(info->flags & (XEN_DOMINF_dying | XEN_DOMINF_shutdown)) )
            return true;
        dom = info->domain + 1;
    }
    return false;
}

/*
 * The peer started at boot ("domU mem=4M -- role=peer", see
 * docs/misc/boot-domains.md) answers as one we built does, and its
 * memory comes back when we destroy it.  First of the group, since the
 * peer gives up on dom0's offer after a while.  Xen 4.17 starts no
 * domains but dom0 on x86: skipped there.
 */
TEST(domain, boot_peer_exchange)
{
    struct xen_domctl_getdomaininfo info;
    struct domu d;
    unsigned long before;

    if ( !find_boot_domain(&info) )
        SKIP("no domain started at boot: give a \"domU -- role=peer\" "
             "module");
    CHECK_RC(domu_adopt(info.domain, &d), 0);
    exchange_with(&d);
    if ( test_failed() )
    {
        domu_destroy(&d);
        return;
    }
    before = host_free_pages();
    CHECK_RC(domu_destroy(&d), 0);
    CHECK(host_free_pages() + destroy_slack_pages() >= before + d.nr_pages,
          "free pages %lu, were %lu before d%u's %lu", host_free_pages(), before,
          d.domid, d.nr_pages);
}

TEST(domain, build_peer_and_exchange)
{
    struct domu_spec spec = { .mem_kb = PEER_MEM_KB, .cmdline = "role=peer" };
    struct domu d;
    unsigned long before;

    if ( !(spec.image = boot_module(&spec.image_len)) )
        SKIP("no kernel for the peer: give mini-os as dom0's boot module");
    before = host_free_pages();
    CHECK_RC(domu_build(&spec, &d), 0);
    exchange_with(&d);
    if ( test_failed() )
    {
        domu_destroy(&d);
        return;
    }
    CHECK_RC(domu_destroy(&d), 0);
    /* Every page comes back. */
    CHECK(host_free_pages() + destroy_slack_pages() >= before, "free pages %lu, were %lu",
          host_free_pages(), before);
}

TEST(domain, bad_image_refused)
{
    static const char junk[512] = "\177ELF but not really";
    struct domu_spec spec = { .image = junk, .image_len = sizeof(junk),
                              .mem_kb = PEER_MEM_KB };
    struct domu d;

    CHECK_RC(domu_build(&spec, &d), -XEN_EINVAL);
}

TEST(domain, too_small_refused)
{
    struct domu_spec spec = { .mem_kb = 64, .cmdline = "role=peer" };
    struct domu d;
    struct xen_domctl_getdomaininfo info;
    unsigned long before;

    if ( !(spec.image = boot_module(&spec.image_len)) )
        SKIP("no kernel for the peer: give mini-os as dom0's boot module");
    before = host_free_pages();
    CHECK_RC(domu_build(&spec, &d), -XEN_ENOMEM);
    /* The half-built domain is gone, with its memory. */
    CHECK(d.domid, "no domain was made");
    CHECK_RC(domain_getinfo(d.domid, &info), -XEN_ESRCH);
    CHECK(host_free_pages() + destroy_slack_pages() >= before, "free pages %lu, were %lu",
          host_free_pages(), before);
}

TEST(domain, repeated_build_and_destroy_leaks_nothing)
{
    struct domu_spec spec = { .mem_kb = PEER_MEM_KB, .cmdline = "role=spin" };
    struct domu d;
    unsigned long before, after;

    if ( !(spec.image = boot_module(&spec.image_len)) )
        SKIP("no kernel for the peer: give mini-os as dom0's boot module");
    before = host_free_pages();
    /* Destroyed while running: a leak of a page a domain would show. */
    for ( unsigned int i = 0; i < 32; i++ )
    {
        CHECK_RC(domu_build(&spec, &d), 0);
        msleep(2);
        CHECK_RC(domu_destroy(&d), 0);
    }
    msleep(50);
    after = host_free_pages();
    CHECK(after + destroy_slack_pages() / 2 >= before, "free pages %lu, were %lu",
          after, before);
}
