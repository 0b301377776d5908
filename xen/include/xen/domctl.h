/* SPDX-License-Identifier: GPL-2.0-only */
/* What domctl, sysctl and vcpu_op share: domain info, vCPU contexts. */
#ifndef XEN_DOMCTL_H
#define XEN_DOMCTL_H

#include <public/domctl.h>

struct domain;
struct vcpu;

/* Fills in XEN_DOMCTL_getdomaininfo's answer for d (also sysctl's list). */
void getdomaininfo(struct domain *d, struct xen_domctl_getdomaininfo *info);

/*
 * The first domain with an id >= domid, or NULL: getdomaininfo's and
 * getdomaininfolist's walk.
 */
struct domain *first_domain_from(domid_t domid);

/*
 * Arch: installs a 64-bit PV vcpu_guest_context in v (setvcpucontext,
 * VCPUOP_initialise), after checking all of it; nothing changes on an
 * error (-EINVAL for a bad field or frame, -EOPNOTSUPP for changing the
 * tables of a vCPU already initialised).  VGCF_online in c->flags decides
 * whether v is up afterwards; nothing is woken.  v is not running and the
 * caller holds v->domain->domain_lock.
 */
int arch_set_info_guest(struct vcpu *v, const struct vcpu_guest_context *c);
/* The reverse, for XEN_DOMCTL_getvcpucontext; v is not running. */
void arch_get_info_guest(struct vcpu *v, struct vcpu_guest_context *c);
/*
 * Arch: the vcpu_guest_context at the caller's addr in the layout of d's
 * width, as Xen reads and writes it for the vcpucontext domctls (a 32-bit
 * domain's is its 2800-byte one, whoever asks).  0 or -EFAULT.
 */
int arch_vcpu_context_from_guest(const struct domain *d, uint64_t addr,
                                 struct vcpu_guest_context *c);
int arch_vcpu_context_to_guest(const struct domain *d, uint64_t addr,
                               const struct vcpu_guest_context *c);
/* v has a context: set by the builder, a toolstack or VCPUOP_initialise. */
bool arch_vcpu_initialised(const struct vcpu *v);

/*
 * Arch domctl ops, for commands the common code does not know; d is the
 * target (never NULL).  Sets *copyback when op must go back to the caller.
 */
long arch_do_domctl(struct xen_domctl *op, struct domain *d, bool *copyback);

#endif /* XEN_DOMCTL_H */
