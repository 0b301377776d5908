/* SPDX-License-Identifier: GPL-2.0-only */
/* System time: nanoseconds since boot, as a signed 64-bit count. */
#ifndef XEN_TIME_H
#define XEN_TIME_H

#include <xen/types.h>

typedef int64_t s_time_t;

#define NANOSECS(ns)  ((s_time_t)(ns))
#define MICROSECS(us) ((s_time_t)(us)*1000LL)
#define MILLISECS(ms) ((s_time_t)(ms)*1000000LL)
#define SECONDS(s)    ((s_time_t)(s)*1000000000LL)
#define STIME_MAX     ((s_time_t)INT64_MAX)
/* The longest interval a guest may ask for: NOW() plus it never wraps. */
#define STIME_DELTA_MAX ((s_time_t)(UINT64_MAX >> 2))

/* Implemented by the platform time code. */
s_time_t get_s_time(void);
#define NOW() get_s_time()

#endif /* XEN_TIME_H */
