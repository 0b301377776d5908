/* SPDX-License-Identifier: GPL-2.0-only */
/* Event channels: the hypercall, event delivery, what the scheduler asks. */
#ifndef XEN_EVENT_H
#define XEN_EVENT_H

#include <xen/sched.h>
#include <public/event_channel.h>

/*
 * Locking.  d->event_lock guards d's port table and every vCPU's
 * virq_to_evtchn[].  It is always taken with interrupts disabled, so that
 * a VIRQ may be raised from an interrupt handler without deadlocking
 * against the CPU it interrupted; anyone else taking it must do the same.
 * When two domains' locks are needed (interdomain bind and close), a
 * global pair lock is taken first and the domains are locked in address
 * order; nothing else ever holds two event locks.  Each domain's
 * delivery lock (xen/common/event_internal.h) is taken inside them, or
 * alone by a sender, and never the other way round.
 *
 * An interdomain port holds a plain pointer to its peer.  That is safe
 * because unlinking a pair needs both domains' locks, and evtchn_destroy()
 * unlinks every pair before a domain's memory may go.
 */

/*
 * EVTCHNOP_*: guest context only (current is the caller); takes event
 * locks, never sleeps.
 */
long do_event_channel_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg);

/*
 * Domain creation: set up the port table with port 0 reserved.  0 or
 * -ENOMEM.  Process context.
 */
int evtchn_init(struct domain *d);

/*
 * createdomain's max_evtchn_port: ports above it are never allocated
 * (-ENOSPC) and name no channel (-EINVAL).  Before any port is used.
 */
void evtchn_set_max_port(struct domain *d, unsigned int max_port);

/* d became a 32-bit guest: its 2-level ABI takes the 32-bit layout. */
void evtchn_switch_compat(struct domain *d);

/*
 * Domain teardown: close every port (interdomain peers go back to
 * unbound, naming d) and free the table.  No port can be allocated in d
 * afterwards.  Process context, no event lock held; call it while d's
 * vCPUs and shared_info still exist.  A no-op if evtchn_init() never ran
 * or failed.
 */
void evtchn_destroy(struct domain *d);

/*
 * Make port pending for v, in the order the guest relies on: the port's
 * bit in shared_info, then (unless the port is masked) the selector bit in
 * v's vcpu_info, then evtchn_upcall_pending, then vcpu_kick().  A vCPU
 * polling the port (or polling several) is woken even if the port is
 * masked.  Under FIFO the port joins the queue of its priority on v
 * instead (see public/event_channel.h).  port must be valid.  Takes d's
 * delivery lock with interrupts off (innermost of the event locks): any
 * context, including interrupt handlers.
 */
void evtchn_set_pending(struct vcpu *v, unsigned int port);

/*
 * Set v's evtchn_upcall_pending and kick v if it was clear.  Lock-free:
 * any context.
 */
void vcpu_mark_events_pending(struct vcpu *v);

/*
 * Raise a per-vCPU VIRQ (TIMER, DEBUG, XENOPROF, XENPMU) on v, or a global
 * one in d on whichever vCPU its port is bound to; nothing happens if the
 * guest has not bound it.  Any context, including interrupt handlers and
 * softirqs, as long as the caller holds no event lock.
 */
void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq);
void send_guest_global_virq(struct domain *d, unsigned int virq);

/*
 * For SCHEDOP_block and the return-to-guest path: v has an upcall pending
 * and has not masked upcalls.  Lock-free: any context.
 */
bool local_events_need_delivery(const struct vcpu *v);

/*
 * For SCHEDOP_poll, while d exists and is not past evtchn_destroy() (d
 * is the caller's own domain):
 *  - evtchn_port_is_valid: port is one the guest may name (-EINVAL if not);
 *    lock-free;
 *  - evtchn_port_pending: its bit is set in shared_info (2-level) or
 *    PENDING in its event word (FIFO); takes the delivery lock.
 * The poll protocol: set v->poll_evtchn (the port, or 0 when polling
 * several), set VPF_blocked and VPF_polling, then check each port again
 * with evtchn_port_pending() before descheduling.  evtchn_set_pending()
 * clears VPF_polling of a vCPU whose poll it satisfies and calls
 * vcpu_kick(), which must then let it run.
 */
/*
 * A PIRQ's interrupt, from the interrupt handler: raises port of d
 * without d's lock (the GSI's binding keeps port bound meanwhile); mask
 * masks it first.
 */
void evtchn_send_pirq(struct domain *d, unsigned int port, bool mask);
/* The vCPU port of d notifies (0 for a port that does not exist). */
unsigned int evtchn_notify_vcpu(const struct domain *d, unsigned int port);
/* EVTCHNOP_unmask on d's port; takes d->event_lock. */
long evtchn_unmask_port(struct domain *d, unsigned int port);

bool evtchn_port_is_valid(const struct domain *d, unsigned int port);
bool evtchn_port_pending(const struct domain *d, unsigned int port);

/*
 * Arch: v has new work (an upcall, or a satisfied poll).  Clear
 * VPF_blocked and VPF_polling together (any upcall ends a poll, as in
 * Xen) and make v runnable if nothing else stops it; if v is
 * running on another CPU, interrupt that CPU so it notices the upcall on
 * its way back to the guest.  Called with d->event_lock possibly held and
 * interrupts possibly disabled, even from an interrupt handler: it must
 * not take an event lock nor wait for another CPU.
 */
void vcpu_kick(struct vcpu *v);

/*
 * Debug key 'e': print d's per-vCPU event state and its ports in use.
 * Takes no lock, so that it can show a domain stuck holding one.
 */
void evtchn_dump_domain(const struct domain *d);

#endif /* XEN_EVENT_H */
