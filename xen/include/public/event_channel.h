/* SPDX-License-Identifier: MIT */
/* event_channel_op hypercall and the FIFO event-channel shared structures. */

#ifndef __XEN_PUBLIC_EVENT_CHANNEL_H__
#define __XEN_PUBLIC_EVENT_CHANNEL_H__

#include "xen.h"

/*
 * HYPERVISOR_event_channel_op(cmd, arg): arg points to the structure
 * named after the command.  Fields marked IN are filled by the caller,
 * OUT ones by Xen before the call returns.
 */
#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq        1
#define EVTCHNOP_bind_pirq        2
#define EVTCHNOP_close            3
#define EVTCHNOP_send             4
#define EVTCHNOP_status           5
#define EVTCHNOP_alloc_unbound    6
#define EVTCHNOP_bind_ipi         7
#define EVTCHNOP_bind_vcpu        8
#define EVTCHNOP_unmask           9
#define EVTCHNOP_reset            10
#define EVTCHNOP_init_control     11
#define EVTCHNOP_expand_array     12
#define EVTCHNOP_set_priority     13
#ifdef __XEN__
#define EVTCHNOP_reset_cont       14  /* internal continuation */
#endif

typedef uint32_t evtchn_port_t;
DEFINE_XEN_GUEST_HANDLE(evtchn_port_t);

/* Allocate a port in 'dom' that 'remote_dom' may later bind to. */
struct evtchn_alloc_unbound {
    domid_t dom, remote_dom;    /* IN */
    evtchn_port_t port;         /* OUT */
};
typedef struct evtchn_alloc_unbound evtchn_alloc_unbound_t;

/* Connect a new local port to an unbound port of another domain. */
struct evtchn_bind_interdomain {
    domid_t remote_dom;         /* IN */
    evtchn_port_t remote_port;  /* IN */
    evtchn_port_t local_port;   /* OUT */
};
typedef struct evtchn_bind_interdomain evtchn_bind_interdomain_t;

/* Bind a VIRQ_* to a new port delivered to 'vcpu'. */
struct evtchn_bind_virq {
    uint32_t virq;              /* IN */
    uint32_t vcpu;              /* IN */
    evtchn_port_t port;         /* OUT */
};
typedef struct evtchn_bind_virq evtchn_bind_virq_t;

/* Bind a physical IRQ (privileged or assigned). */
struct evtchn_bind_pirq {
    uint32_t pirq;              /* IN */
#define BIND_PIRQ__WILL_SHARE 1
    uint32_t flags;             /* IN: BIND_PIRQ__* */
    evtchn_port_t port;         /* OUT */
};
typedef struct evtchn_bind_pirq evtchn_bind_pirq_t;

/* A port for inter-processor events to 'vcpu'. */
struct evtchn_bind_ipi {
    uint32_t vcpu;              /* IN */
    evtchn_port_t port;         /* OUT */
};
typedef struct evtchn_bind_ipi evtchn_bind_ipi_t;

/* Close a port (the remote end becomes unbound). */
struct evtchn_close {
    evtchn_port_t port;         /* IN */
};
typedef struct evtchn_close evtchn_close_t;

/* Notify the other end of a port. */
struct evtchn_send {
    evtchn_port_t port;         /* IN */
};
typedef struct evtchn_send evtchn_send_t;

/* Query a port of 'dom'. */
struct evtchn_status {
    domid_t dom;                /* IN */
    evtchn_port_t port;         /* IN */
#define EVTCHNSTAT_closed       0
#define EVTCHNSTAT_unbound      1
#define EVTCHNSTAT_interdomain  2
#define EVTCHNSTAT_pirq         3
#define EVTCHNSTAT_virq         4
#define EVTCHNSTAT_ipi          5
    uint32_t status;            /* OUT: EVTCHNSTAT_* */
    uint32_t vcpu;              /* OUT: notified vcpu */
    union {                     /* OUT, by status */
        struct {
            domid_t dom;
        } unbound;
        struct {
            domid_t dom;
            evtchn_port_t port;
        } interdomain;
        uint32_t pirq;
        uint32_t virq;
    } u;
};
typedef struct evtchn_status evtchn_status_t;

/* Deliver a port's notifications to another vcpu. */
struct evtchn_bind_vcpu {
    evtchn_port_t port;         /* IN */
    uint32_t vcpu;              /* IN */
};
typedef struct evtchn_bind_vcpu evtchn_bind_vcpu_t;

/* Unmask a port, re-raising it if it became pending while masked. */
struct evtchn_unmask {
    evtchn_port_t port;         /* IN */
};
typedef struct evtchn_unmask evtchn_unmask_t;

/* Close all ports of 'dom' (DOMID_SELF or, privileged, another). */
struct evtchn_reset {
    domid_t dom;                /* IN */
};
typedef struct evtchn_reset evtchn_reset_t;

/* Switch to the FIFO ABI: register 'vcpu's control block. */
struct evtchn_init_control {
    uint64_t control_gfn;       /* IN: page holding the control block */
    uint32_t offset;            /* IN: its offset in that page */
    uint32_t vcpu;              /* IN */
    uint8_t link_bits;          /* OUT: EVTCHN_FIFO_LINK_BITS */
    uint8_t _pad[7];
};
typedef struct evtchn_init_control evtchn_init_control_t;

/* Give Xen one more page of FIFO event words. */
struct evtchn_expand_array {
    uint64_t array_gfn;         /* IN */
};
typedef struct evtchn_expand_array evtchn_expand_array_t;

/* Set a port's FIFO priority (0 highest). */
struct evtchn_set_priority {
    evtchn_port_t port;         /* IN */
    uint32_t priority;          /* IN */
};
typedef struct evtchn_set_priority evtchn_set_priority_t;

/* The old single-argument form (event_channel_op_compat). */
struct evtchn_op {
    uint32_t cmd;               /* EVTCHNOP_* */
    union {
        evtchn_alloc_unbound_t alloc_unbound;
        evtchn_bind_interdomain_t bind_interdomain;
        evtchn_bind_virq_t bind_virq;
        evtchn_bind_pirq_t bind_pirq;
        evtchn_bind_ipi_t bind_ipi;
        evtchn_close_t close;
        evtchn_send_t send;
        evtchn_status_t status;
        evtchn_bind_vcpu_t bind_vcpu;
        evtchn_unmask_t unmask;
    } u;
};
typedef struct evtchn_op evtchn_op_t;
DEFINE_XEN_GUEST_HANDLE(evtchn_op_t);

/* Ports the 2-level ABI (bitmaps in shared_info) can address. */
#define EVTCHN_2L_NR_CHANNELS (sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64)

/*
 * FIFO ABI.  Each port has a 32-bit event word in guest pages registered
 * with EVTCHNOP_expand_array; each vcpu a control block with one queue
 * head per priority.
 *  - Xen sets PENDING; if the port is not MASKED and not LINKED it sets
 *    LINKED, appends the port to its priority's queue (the previous
 *    tail's LINK field names it, or head[] does if the queue was empty)
 *    and sets the priority's bit in 'ready', all with atomic operations.
 *  - The guest walks a queue from head[], following LINK and clearing
 *    LINKED and PENDING with compare-and-swap.  It owns MASKED (set and
 *    cleared atomically) and calls EVTCHNOP_unmask when it unmasks a
 *    port that is pending, so that Xen links it.
 *  - BUSY is set by Xen while it is updating a word; the guest's
 *    compare-and-swap on a word must expect BUSY clear, and so retries
 *    until Xen has finished.
 */
#define EVTCHN_FIFO_PRIORITY_MAX     0
#define EVTCHN_FIFO_PRIORITY_DEFAULT 7
#define EVTCHN_FIFO_PRIORITY_MIN     15
#define EVTCHN_FIFO_MAX_QUEUES (EVTCHN_FIFO_PRIORITY_MIN + 1)

typedef uint32_t event_word_t;

#define EVTCHN_FIFO_PENDING 31
#define EVTCHN_FIFO_MASKED  30
#define EVTCHN_FIFO_LINKED  29
#define EVTCHN_FIFO_BUSY    28

#define EVTCHN_FIFO_LINK_BITS 17
#define EVTCHN_FIFO_LINK_MASK ((1 << EVTCHN_FIFO_LINK_BITS) - 1)
#define EVTCHN_FIFO_NR_CHANNELS (1 << EVTCHN_FIFO_LINK_BITS)

struct evtchn_fifo_control_block {
    uint32_t ready;             /* Xen sets bits, guest clears them */
    uint32_t _rsvd;
    uint32_t head[EVTCHN_FIFO_MAX_QUEUES];  /* first port per priority */
};
typedef struct evtchn_fifo_control_block evtchn_fifo_control_block_t;

#endif /* __XEN_PUBLIC_EVENT_CHANNEL_H__ */
