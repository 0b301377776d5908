/* SPDX-License-Identifier: MIT */
/* sched_op hypercall: yield, block, shutdown, poll and watchdogs. */

#ifndef __XEN_PUBLIC_SCHED_H__
#define __XEN_PUBLIC_SCHED_H__

#include "event_channel.h"

/*
 * HYPERVISOR_sched_op(cmd, arg).  (The Xen 3.0.0 form sched_op_compat
 * took the shutdown reason directly as its second argument.)
 */
#define SCHEDOP_yield           0  /* give up the cpu; no argument */
#define SCHEDOP_block           1  /* sleep until an event; no argument */
#define SCHEDOP_shutdown        2  /* struct sched_shutdown */
#define SCHEDOP_poll            3  /* struct sched_poll */
#define SCHEDOP_remote_shutdown 4  /* struct sched_remote_shutdown */
#define SCHEDOP_shutdown_code   5  /* struct sched_shutdown: set reason */
#define SCHEDOP_watchdog        6  /* struct sched_watchdog */
#define SCHEDOP_pin_override    7  /* struct sched_pin_override (dom0) */

struct sched_shutdown {
    unsigned int reason;        /* SHUTDOWN_* */
};
typedef struct sched_shutdown sched_shutdown_t;
DEFINE_XEN_GUEST_HANDLE(sched_shutdown_t);

/* Block until one of the ports is pending or the timeout (ns) passes. */
struct sched_poll {
    XEN_GUEST_HANDLE(evtchn_port_t) ports;
    unsigned int nr_ports;
    uint64_t timeout;           /* absolute system time; 0 = none */
};
typedef struct sched_poll sched_poll_t;
DEFINE_XEN_GUEST_HANDLE(sched_poll_t);

struct sched_remote_shutdown {
    domid_t domain_id;
    unsigned int reason;        /* SHUTDOWN_* */
};
typedef struct sched_remote_shutdown sched_remote_shutdown_t;
DEFINE_XEN_GUEST_HANDLE(sched_remote_shutdown_t);

/*
 * id 0 with a timeout creates a watchdog and returns its id; a known id
 * with a timeout re-arms it, with timeout 0 destroys it.  Seconds.
 */
struct sched_watchdog {
    uint32_t id;
    uint32_t timeout;
};
typedef struct sched_watchdog sched_watchdog_t;
DEFINE_XEN_GUEST_HANDLE(sched_watchdog_t);

/* Temporarily pin the calling vcpu to a pcpu; -1 undoes it. */
struct sched_pin_override {
    int32_t pcpu;
};
typedef struct sched_pin_override sched_pin_override_t;
DEFINE_XEN_GUEST_HANDLE(sched_pin_override_t);

/* Shutdown reasons. */
#define SHUTDOWN_poweroff   0
#define SHUTDOWN_reboot     1
#define SHUTDOWN_suspend    2  /* save state and stop; may be resumed */
#define SHUTDOWN_crash      3
#define SHUTDOWN_watchdog   4
#define SHUTDOWN_soft_reset 5  /* restart in place (kexec) */
#define SHUTDOWN_MAX        5

#endif /* __XEN_PUBLIC_SCHED_H__ */
