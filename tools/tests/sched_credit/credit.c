/* SPDX-License-Identifier: GPL-2.0-only */
/* The real credit scheduler, built for the host with its ops table exposed. */
#include "../../../xen/common/sched_credit.c"

const struct scheduler *const credit_ops = &sched_credit_ops;
