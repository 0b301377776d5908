/* SPDX-License-Identifier: GPL-2.0-only */
/* The interrupt lines the hypervisor keeps: dom0 may map, never bind. */

#include "test.h"
#include <hypercall.h>
#include <public/event_channel.h>
#include <public/physdev.h>

/*
 * Under QEMU, GSI 2 is the PIT's pin (ISA IRQ 0's override) and Xen's
 * 8259 cascade IRQ 2; GSI 4 is com1's line, the console's on both
 * hypervisors (com1=115200,8n1, Xen's default IRQ 4).  Xen maps them and
 * refuses the binding as "in use" (-EBUSY); IRQ 0 it refuses at the map.
 * Nothing is bound, so nothing can fire; each PIRQ is unmapped again.
 */
static long map_gsi(int gsi, int *pirq)
{
    struct physdev_map_pirq m = {
        .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_GSI, .index = gsi,
        .pirq = *pirq,
    };
    long rc = HYPERVISOR_physdev_op(PHYSDEVOP_map_pirq, &m);

    *pirq = m.pirq;
    return rc;
}

static long bind_pirq(uint32_t pirq)
{
    struct evtchn_bind_pirq b = { .pirq = pirq,
                                  .flags = BIND_PIRQ__WILL_SHARE };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_pirq, &b);

    return rc ? rc : (long)b.port;
}

static long unmap_pirq(int pirq)
{
    struct physdev_unmap_pirq u = { .domid = DOMID_SELF, .pirq = pirq };

    return HYPERVISOR_physdev_op(PHYSDEVOP_unmap_pirq, &u);
}

TEST(physdev_irq, xens_lines)
{
    static const int gsis[] = { 2, 4 };
    int pirq = 0;

    CHECK_RC(map_gsi(0, &pirq), -XEN_EPERM);
    for ( unsigned int i = 0; i < ARRAY_SIZE(gsis); i++ )
    {
        pirq = gsis[i];
        CHECK_RC(map_gsi(gsis[i], &pirq), 0);
        CHECK(pirq == gsis[i], "GSI %d: pirq %d", gsis[i], pirq);
        CHECK_RC(bind_pirq(pirq), -XEN_EBUSY);
        CHECK_RC(unmap_pirq(pirq), 0);
    }
}
