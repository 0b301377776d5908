/* SPDX-License-Identifier: GPL-2.0-only */
/* dom0's toolstack interfaces: domctl and sysctl at Xen 4.17's versions. */

/*
 * These interfaces exist only for the toolstack, and __XEN_TOOLS__ picks
 * the newest guest interface itself: include this header first.
 */
#ifndef MINIOS_XENCTL_H
#define MINIOS_XENCTL_H

#undef __XEN_INTERFACE_VERSION__
#define __XEN_TOOLS__

#include <os.h>
#include <public/sysctl.h>
#include <public/domctl.h>

/* Each fills in the interface version and returns the hypercall's result. */
long sysctl(struct xen_sysctl *op);
long domctl(struct xen_domctl *op);

/* Whether we run on our hypervisor (its extraversion ends "-hv"), not Xen. */
bool on_our_hypervisor(void);
/* The hypervisor's free pages (sysctl physinfo), or 0 if it will not say. */
unsigned long host_free_pages(void);
/*
 * Pages a just-destroyed domain may still hold: none on ours, which gives
 * everything back by the time the domain's last reference goes; 64 on Xen
 * 4.17, which frees its structures after an RCU grace period.
 */
unsigned long destroy_slack_pages(void);
/*
 * host_free_pages() once it is back to before (less that slack), or as it
 * is after a second.
 */
unsigned long host_free_pages_settled(unsigned long before);

/* XEN_DOMCTL_getdomaininfo for dom into *info: 0 or a negative errno. */
long domain_getinfo(domid_t dom, struct xen_domctl_getdomaininfo *info);

/* The CPU a vCPU runs on or last ran on, or a negative errno. */
long vcpu_cpu(domid_t dom, unsigned int vcpu);
/* Hard affinity: the vCPU may run only on cpu, or anywhere if cpu < 0. */
long vcpu_pin(domid_t dom, unsigned int vcpu, int cpu);

#endif /* MINIOS_XENCTL_H */
