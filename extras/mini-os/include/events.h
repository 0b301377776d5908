/* SPDX-License-Identifier: GPL-2.0-only */
/* 2-level event channels: binding ports to handlers and delivering them. */

#ifndef MINIOS_EVENTS_H
#define MINIOS_EVENTS_H

#include <os.h>
#include <public/event_channel.h>

typedef void evtchn_handler_t(evtchn_port_t port, void *data);

void events_init(void);
void do_hypervisor_callback(void);

/* Each returns the new port, or a negative errno from Xen. */
long bind_virq(unsigned int virq, evtchn_handler_t *fn, void *data);
long bind_ipi(unsigned int vcpu, evtchn_handler_t *fn, void *data);
long alloc_unbound(domid_t remote, evtchn_handler_t *fn, void *data);
/* Attach a handler to a port that exists already. */
void set_evtchn_handler(evtchn_port_t port, evtchn_handler_t *fn, void *data);
/* Detach the handler, mask the port and close it. */
long unbind_evtchn(evtchn_port_t port);

long notify_remote_via_evtchn(evtchn_port_t port);
void mask_evtchn(evtchn_port_t port);
void unmask_evtchn(evtchn_port_t port);
void clear_evtchn(evtchn_port_t port);

/* Upcalls taken so far, and events delivered to each port. */
extern unsigned long upcall_count;
extern unsigned long evtchn_delivered[EVTCHN_2L_NR_CHANNELS];

#endif /* MINIOS_EVENTS_H */
