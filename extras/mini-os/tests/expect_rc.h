/* SPDX-License-Identifier: GPL-2.0-only */
/* Collects each result that differs from Xen's, for one report per case. */
#ifndef TESTS_EXPECT_RC_H
#define TESTS_EXPECT_RC_H

/* Notes "what rc!=want" unless rc is want. */
void expect_rc(const char *what, long rc, long want);

/* Fails the running case with every difference noted, then starts afresh. */
void report_mismatches(void);

#endif
