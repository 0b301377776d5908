/* SPDX-License-Identifier: GPL-2.0-only */
/* dom0 shuts a domU down from outside: the domain still goes away whole. */

#include <xenctl.h>
#include "test.h"
#include <builder.h>
#include <hypercall.h>
#include <time.h>


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
    before = host_free_pages();
    CHECK_RC(domu_build(&spec, &d), 0);
    msleep(2);
    r.domain_id = d.domid;
    CHECK_RC(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &r), 0);
    CHECK_RC(domu_destroy(&d), 0);
    msleep(50);
    CHECK(host_free_pages() + destroy_slack_pages() >= before, "free pages %lu, were %lu",
          host_free_pages(), before);
}
