/* SPDX-License-Identifier: GPL-2.0-only */
/* What xl's daemon relies on to follow a guest's shutdown: VIRQ_DOM_EXC. */

#include "test.h"
#include <builder.h>
#include <events.h>
#include <hypercall.h>
#include <public/sched.h>

#define LIFECYCLE_MEM_KB 4096

static unsigned long dom_exc_seen;

static void count_dom_exc(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    dom_exc_seen++;
}

/*
 * xenstored fires @releaseDomain on VIRQ_DOM_EXC, and xl's daemon then
 * destroys or rebuilds a guest that shut down (on_poweroff, on_reboot,
 * on_crash).  Xen raises it when a domain's shutdown completes, not only
 * when it is destroyed: ours did not, so `xl shutdown` left the guest
 * shut down for ever.
 */
TEST(xl, domu_shutdown_raises_dom_exc)
{
    struct domu_spec spec = { .mem_kb = LIFECYCLE_MEM_KB,
                              .cmdline = "role=crash" };
    unsigned int reason = ~0u;
    unsigned long seen;
    struct domu d;
    bool raised;
    long port, rc;

    if ( !(spec.image = boot_module(&spec.image_len)) )
        SKIP("no kernel for the domU: give mini-os as dom0's boot module");
    port = bind_virq(VIRQ_DOM_EXC, count_dom_exc, NULL);
    CHECK(port > 0, "binding VIRQ_DOM_EXC: %ld", port);
    seen = dom_exc_seen;
    rc = domu_build(&spec, &d);
    if ( !rc )
    {
        rc = domu_wait_shutdown(&d, 5000, &reason);
        raised = !rc && wait_for_count(&dom_exc_seen, seen + 1, 1000);
        domu_destroy(&d);
    }
    unbind_evtchn(port);
    CHECK_RC(rc, 0);
    CHECK(reason == SHUTDOWN_crash, "shutdown reason %u", reason);
    CHECK(raised, "no VIRQ_DOM_EXC for d%u's shutdown", d.domid);
}
