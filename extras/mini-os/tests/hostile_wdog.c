/* SPDX-License-Identifier: GPL-2.0-only */
/* SCHEDOP_watchdog slots as an unprivileged domU may use and misuse them. */

#include "hostile.h"
#include <hypercall.h>

/* Long enough never to fire: the domain is destroyed well before. */
#define WD_SECS 3600

/*
 * Xen 4.17 computes "no free slot" in an unsigned int, so the guest gets
 * -ENOSPC's low 32 bits as a positive result: taken here as -ENOSPC.
 */
static long wd(uint32_t id, uint32_t timeout)
{
    struct sched_watchdog w = { .id = id, .timeout = timeout };
    long rc = HYPERVISOR_sched_op(SCHEDOP_watchdog, &w);

    return rc == (long)(uint32_t)-XEN_ENOSPC ? -XEN_ENOSPC : rc;
}

/*
 * Xen's semantics: id 0 takes a free slot (of two) and returns its id,
 * -ENOSPC when none is left; another id must name a slot in use, else
 * -EINVAL; timeout 0 frees it, after which the id is unknown again.
 */
HOSTILE(hostile_wdog, slots_and_errnos)
{
    long a, b;

    CHECK_RC(wd(1, WD_SECS), -XEN_EINVAL);
    CHECK_RC(wd(2, 0), -XEN_EINVAL);
    CHECK_RC(wd(3, WD_SECS), -XEN_EINVAL);
    CHECK_RC(wd(0xffffffffU, 0), -XEN_EINVAL);
    a = wd(0, WD_SECS);
    b = wd(0, WD_SECS);
    CHECK((a == 1 && b == 2) || (a == 2 && b == 1), "ids %ld and %ld", a, b);
    CHECK_RC(wd(0, WD_SECS), -XEN_ENOSPC);
    CHECK_RC(wd(a, WD_SECS), 0);
    CHECK_RC(wd(a, 0), 0);
    CHECK_RC(wd(a, 0), -XEN_EINVAL);
    CHECK_RC(wd(a, WD_SECS), -XEN_EINVAL);
    /* The freed slot is the one handed out next. */
    CHECK_RC(wd(0, WD_SECS), a);
    CHECK_RC(wd(0, WD_SECS), -XEN_ENOSPC);
    CHECK_RC(wd(a, 0), 0);
    CHECK_RC(wd(b, 0), 0);
    CHECK_RC(wd(b, 0), -XEN_EINVAL);
}

/*
 * Taking and freeing slots over and over leaves nothing armed behind: a
 * stray timer would shut this domain down with SHUTDOWN_watchdog.
 */
HOSTILE(hostile_wdog, churn)
{
    for ( unsigned int i = 0; i < 2000; i++ )
    {
        long a = wd(0, WD_SECS), b = wd(0, WD_SECS);

        CHECK(a > 0 && b > 0 && a != b, "round %u: ids %ld, %ld", i, a, b);
        CHECK_RC(wd(0, 1), -XEN_ENOSPC);
        CHECK_RC(wd(b, 0), 0);
        CHECK_RC(wd(a, 0), 0);
    }
}
