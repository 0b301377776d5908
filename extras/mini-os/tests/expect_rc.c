/* SPDX-License-Identifier: GPL-2.0-only */
/* Collects each result that differs from Xen's, for one report per case. */

#include "expect_rc.h"
#include "test.h"
#include <lib.h>

/*
 * Hostile cases try a dozen refusals in a row: seeing all the differences
 * from one run says more than stopping at the first.
 */
static char mismatches[400];
static unsigned int nr_mismatches;

void expect_rc(const char *what, long rc, long want)
{
    size_t len = strlen(mismatches);

    if ( rc == want )
        return;
    nr_mismatches++;
    if ( len < sizeof(mismatches) - 1 )
        snprintf(mismatches + len, sizeof(mismatches) - len, "%s%s %ld!=%ld",
                 len ? ", " : "", what, rc, want);
}

void report_mismatches(void)
{
    if ( nr_mismatches )
        test_fail("%u unlike Xen: %s", nr_mismatches, mismatches);
    nr_mismatches = 0;
    mismatches[0] = '\0';
}
