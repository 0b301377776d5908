/* SPDX-License-Identifier: GPL-2.0-only */
/* Device interrupts as PIRQs: map, bind, status, EOI, unmap, and refusals. */

#include "hostile.h"
#include <hypercall.h>
#include <mm.h>
#include <public/event_channel.h>
#include <public/physdev.h>

/*
 * GSIs 16-23 are the IO-APIC's PCI pins, which QEMU's i440fx machine
 * leaves unconnected: binding them routes a line that never fires, so the
 * cases run the same on any machine state and leave nothing pending.
 * Each is unmapped once per boot: after that dom0 may not map it again.
 */
#define QUIET_GSI   23
#define QUIET_GSI2  22
#define IOAPIC_BASE 0xfec00000UL

static long map_gsi(domid_t domid, int gsi, int *pirq)
{
    struct physdev_map_pirq m = {
        .domid = domid, .type = MAP_PIRQ_TYPE_GSI, .index = gsi,
        .pirq = *pirq,
    };
    long rc = HYPERVISOR_physdev_op(PHYSDEVOP_map_pirq, &m);

    *pirq = m.pirq;
    return rc;
}

static long unmap_pirq(domid_t domid, int pirq)
{
    struct physdev_unmap_pirq u = { .domid = domid, .pirq = pirq };

    return HYPERVISOR_physdev_op(PHYSDEVOP_unmap_pirq, &u);
}

/* The port, or the negative error. */
static long bind_pirq(uint32_t pirq, bool share)
{
    struct evtchn_bind_pirq b = {
        .pirq = pirq, .flags = share ? BIND_PIRQ__WILL_SHARE : 0,
    };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_pirq, &b);

    return rc ? rc : (long)b.port;
}

static long pirq_eoi(uint32_t pirq)
{
    struct physdev_eoi e = { .irq = pirq };

    return HYPERVISOR_physdev_op(PHYSDEVOP_eoi, &e);
}

static long status_query(uint32_t pirq, uint32_t *flags)
{
    struct physdev_irq_status_query q = { .irq = pirq, .flags = 0xdead };
    long rc = HYPERVISOR_physdev_op(PHYSDEVOP_irq_status_query, &q);

    *flags = q.flags;
    return rc;
}

static long close_port(uint32_t port)
{
    struct evtchn_close c = { .port = port };

    return HYPERVISOR_event_channel_op(EVTCHNOP_close, &c);
}

static long setup_gsi(int gsi, uint8_t level, uint8_t low)
{
    struct physdev_setup_gsi s = { .gsi = gsi, .triggering = level,
                                   .polarity = low };

    return HYPERVISOR_physdev_op(PHYSDEVOP_setup_gsi, &s);
}

/* What Linux does with a PCI line: map with pirq == GSI, set up, bind. */
TEST(physdev_irq, map_bind_status_unmap)
{
    struct evtchn_status st = { .dom = DOMID_SELF };
    int pirq = QUIET_GSI;
    uint32_t flags;
    long port;

    CHECK_RC(map_gsi(DOMID_SELF, QUIET_GSI, &pirq), 0);
    CHECK(pirq == QUIET_GSI, "pirq %d", pirq);
    CHECK_RC(setup_gsi(QUIET_GSI, 1, 1), 0);
    CHECK_RC(setup_gsi(QUIET_GSI, 1, 1), -XEN_EEXIST);
    /* Asking again, with -1 or the same PIRQ, gives the same one. */
    pirq = -1;
    CHECK_RC(map_gsi(DOMID_SELF, QUIET_GSI, &pirq), 0);
    CHECK(pirq == QUIET_GSI, "pirq %d", pirq);
    /* Another PIRQ for a GSI that has one: refused. */
    pirq = QUIET_GSI2;
    CHECK_RC(map_gsi(DOMID_SELF, QUIET_GSI, &pirq), -XEN_EEXIST);

    CHECK_RC(status_query(QUIET_GSI, &flags), 0);
    CHECK(flags == XENIRQSTAT_needs_eoi, "flags %#x", flags);
    port = bind_pirq(QUIET_GSI, true);
    CHECK(port > 0, "bind_pirq: %ld", port);
    if ( port <= 0 )
        return;
    st.port = port;
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_status, &st), 0);
    CHECK(st.status == EVTCHNSTAT_pirq && st.u.pirq == QUIET_GSI &&
          st.vcpu == 0, "status %u pirq %u vcpu %u", st.status, st.u.pirq,
          st.vcpu);
    /* Binding the GSI's PIRQ twice: refused, the first port unchanged. */
    CHECK_RC(bind_pirq(QUIET_GSI, true), -XEN_EEXIST);
    CHECK_RC(bind_pirq(QUIET_GSI, false), -XEN_EEXIST);
    /* An EOI of a line that never fired is accepted and does nothing. */
    CHECK_RC(pirq_eoi(QUIET_GSI), 0);
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_status, &st), 0);
    CHECK(st.status == EVTCHNSTAT_pirq, "status %u", st.status);

    CHECK_RC(close_port(port), 0);
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_status, &st), 0);
    CHECK(st.status == EVTCHNSTAT_closed, "status %u", st.status);
    CHECK_RC(unmap_pirq(DOMID_SELF, QUIET_GSI), 0);
    CHECK_RC(unmap_pirq(DOMID_SELF, QUIET_GSI), -XEN_EINVAL);
    CHECK_RC(pirq_eoi(QUIET_GSI), -XEN_EINVAL);
    CHECK_RC(bind_pirq(QUIET_GSI, true), -XEN_EPERM);
    /* Unmapping took the GSI from dom0 for good, as Xen does. */
    pirq = -1;
    CHECK_RC(map_gsi(DOMID_SELF, QUIET_GSI, &pirq), -XEN_EPERM);
    pirq = QUIET_GSI;
    CHECK_RC(map_gsi(DOMID_SELF, QUIET_GSI, &pirq), -XEN_EPERM);
}

/* Unmapping a bound PIRQ unbinds it; its port stays until closed. */
TEST(physdev_irq, unmap_while_bound)
{
    struct evtchn_status st = { .dom = DOMID_SELF };
    int pirq = -1;
    long port;

    CHECK_RC(map_gsi(DOMID_SELF, QUIET_GSI2, &pirq), 0);
    CHECK(pirq >= 16, "pirq %d", pirq);
    port = bind_pirq(pirq, true);
    CHECK(port > 0, "bind_pirq: %ld", port);
    if ( port <= 0 )
        return;
    CHECK_RC(unmap_pirq(DOMID_SELF, pirq), 0);
    st.port = port;
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_status, &st), 0);
    CHECK(st.status == EVTCHNSTAT_pirq, "status %u", st.status);
    CHECK_RC(close_port(port), 0);
    CHECK_RC(unmap_pirq(DOMID_SELF, pirq), -XEN_EINVAL);
}

/* Bad arguments from dom0: refused, nothing mapped. */
TEST(physdev_irq, bad_arguments)
{
    struct physdev_map_pirq msi = {
        .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_MSI, .index = 3,
        .pirq = -1, .bus = 0, .devfn = 0xff,
    };
    uint32_t flags;
    int pirq = -1;

    CHECK_RC(map_gsi(DOMID_SELF, -1, &pirq), -XEN_EINVAL);
    CHECK_RC(map_gsi(DOMID_SELF, 100000, &pirq), -XEN_EINVAL);
    pirq = 100000;
    CHECK_RC(map_gsi(DOMID_SELF, 21, &pirq), -XEN_EINVAL);
    pirq = QUIET_GSI;
    CHECK_RC(map_gsi(0x7ef0, QUIET_GSI, &pirq), -XEN_ESRCH);
    /* An MSI index that names a GSI. */
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_map_pirq, &msi), -XEN_EINVAL);
    msi.type = 7;
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_map_pirq, &msi), -XEN_EINVAL);
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_map_pirq, BAD_PTR),
             -XEN_EFAULT);

    /* PIRQs we were never given. */
    CHECK_RC(unmap_pirq(DOMID_SELF, QUIET_GSI), -XEN_EINVAL);
    CHECK_RC(unmap_pirq(DOMID_SELF, -1), -XEN_EINVAL);
    CHECK_RC(unmap_pirq(DOMID_SELF, 100000), -XEN_EINVAL);
    CHECK_RC(pirq_eoi(QUIET_GSI), -XEN_EINVAL);
    CHECK_RC(pirq_eoi(100000), -XEN_EINVAL);
    CHECK_RC(bind_pirq(QUIET_GSI, true), -XEN_EPERM);
    CHECK_RC(bind_pirq(100000, true), -XEN_EINVAL);
    CHECK_RC(status_query(100000, &flags), -XEN_EINVAL);
    CHECK_RC(setup_gsi(100000, 0, 0), -XEN_EINVAL);
    CHECK_RC(setup_gsi(-1, 0, 0), -XEN_EINVAL);
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_eoi, BAD_PTR), -XEN_EFAULT);
}

/* The IO-APIC registers Linux reads through Xen, and the vector echo. */
TEST(physdev_irq, apic_read_and_vectors)
{
    struct physdev_apic a = { .apic_physbase = IOAPIC_BASE, .reg = 1 };
    struct physdev_irq v = { .irq = QUIET_GSI };

    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_apic_read, &a), 0);
    /* Version 0x11 or 0x20, with (at least) 24 entries. */
    CHECK(((a.value >> 16) & 0xff) >= 23, "IO-APIC version reg %#x",
          a.value);
    a.apic_physbase = 0xfeb00000UL;
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_apic_read, &a), -XEN_EINVAL);
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_alloc_irq_vector, &v), 0);
    CHECK(v.vector == QUIET_GSI, "vector %u", v.vector);
}

/*
 * A domU: no mapping, set-up or IO-APIC access, whatever domain it names;
 * EOIs and binds of PIRQs it was never given fail as in Xen; its own EOI
 * bitmap page is taken once and given back when it dies.
 */
HOSTILE(physdev_irq, domu_refused)
{
    struct physdev_pirq_eoi_gmfn g;
    struct physdev_map_pirq mm = {
        .domid = 0x7ef0, .type = MAP_PIRQ_TYPE_MULTI_MSI, .index = -1,
        .pirq = -1, .table_base = 1,
    };
    void *page = alloc_page();
    uint32_t flags;
    int pirq = 5;

    /* Xen's first check, before the domain's: a multi-MSI table. */
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_map_pirq, &mm), -XEN_EINVAL);
    CHECK_RC(map_gsi(DOMID_SELF, 5, &pirq), -XEN_EPERM);
    CHECK_RC(map_gsi(0, 5, &pirq), -XEN_EPERM);
    CHECK_RC(map_gsi(0x7ef0, 5, &pirq), -XEN_ESRCH);
    CHECK_RC(unmap_pirq(DOMID_SELF, 5), -XEN_EPERM);
    CHECK_RC(unmap_pirq(0, 5), -XEN_EPERM);
    CHECK_RC(setup_gsi(5, 1, 1), -XEN_EPERM);
    CHECK_RC(setup_gsi(100000, 1, 1), -XEN_EINVAL);
    CHECK_RC(bind_pirq(5, true), -XEN_EPERM);
    CHECK_RC(bind_pirq(100000, true), -XEN_EINVAL);
    CHECK_RC(pirq_eoi(5), -XEN_EINVAL);
    CHECK_RC(status_query(5, &flags), 0);
    CHECK(flags == XENIRQSTAT_needs_eoi, "flags %#x", flags);
    CHECK_RC(status_query(100000, &flags), -XEN_EINVAL);
    if ( !page )
        SKIP("no page for the EOI bitmap");
    g.gmfn = virt_to_mfn(page);
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_pirq_eoi_gmfn_v2, &g), 0);
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_pirq_eoi_gmfn_v2, &g),
             -XEN_EBUSY);
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_pirq_eoi_gmfn_v1, &g),
             -XEN_EBUSY);
}
