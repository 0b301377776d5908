/* SPDX-License-Identifier: GPL-2.0-only */
/* dom0 shuts a domU down from outside: the domain still goes away whole. */

#include <xenctl.h>
#include "test.h"
#include <builder.h>
#include <hypercall.h>
#include <time.h>

/* Pages a destroyed domain may still hold a moment later (see domain.c). */
#define FREE_SLACK  64

static unsigned long free_pages(void)
{
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_physinfo };

    return sysctl(&op) ? 0 : op.u.physinfo.free_pages;
}

/*
 * A domain shut down by SCHEDOP_remote_shutdown can still be destroyed,
 * and its memory comes back.  (A leaked reference to the struct domain
 * alone is too small to see in the free count: mutation testing still
 * finds that one surviving.)
 */
TEST(sched_remote, shutdown_then_destroy_frees_all)
{
    struct domu_spec spec = { .mem_kb = 4096, .cmdline = "role=spin" };
    struct domu d;
    sched_remote_shutdown_t r = { .reason = SHUTDOWN_poweroff };
    unsigned long before;

    if ( !(spec.image = boot_module(&spec.image_len)) )
        SKIP("no kernel for the domU: give mini-os as dom0's boot module");
    before = free_pages();
    CHECK_RC(domu_build(&spec, &d), 0);
    msleep(2);
    r.domain_id = d.domid;
    CHECK_RC(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &r), 0);
    CHECK_RC(domu_destroy(&d), 0);
    msleep(50);
    CHECK(free_pages() + FREE_SLACK >= before, "free pages %lu, were %lu",
          free_pages(), before);
}
