/* SPDX-License-Identifier: GPL-2.0-only */
/* Access-control hooks: who may do what to which domain (XSM-style). */
#ifndef XSM_XSM_H
#define XSM_XSM_H

#include <xen/types.h>

struct domain;

/*
 * The rights a check asks for, as Xen's dummy policy names them:
 * XSM_HOOK anyone; XSM_TARGET the domain itself, or a privileged caller;
 * XSM_PRIV a privileged caller only.  A policy module (FLASK, one for a
 * device-model or driver domain) replaces xsm_dummy.c and answers the
 * same hooks; callers never test is_privileged themselves.
 */
enum xsm_action {
    XSM_HOOK,
    XSM_TARGET,
    XSM_PRIV,
};

/* 0, or -EPERM: may src act on target (NULL: on none) with those rights? */
int xsm_default_action(enum xsm_action action, const struct domain *src,
                       const struct domain *target);

/* One hook per hypercall family, each 0 or -EPERM. */
int xsm_domctl(const struct domain *src, const struct domain *target,
               unsigned int cmd);
int xsm_sysctl(const struct domain *src, unsigned int cmd);
int xsm_evtchn_control(const struct domain *src, const struct domain *d);
int xsm_grant_control(const struct domain *src, const struct domain *d);
/* Access to I/O memory through mmu_update (foreigndom DOMID_IO). */
int xsm_mmu_io(const struct domain *src);

#endif /* XSM_XSM_H */
