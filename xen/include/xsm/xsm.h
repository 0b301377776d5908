/* SPDX-License-Identifier: GPL-2.0-only */
/* Access-control hooks: who may do what to which domain (XSM-style). */
#ifndef XSM_XSM_H
#define XSM_XSM_H

#include <xen/types.h>

struct domain;

/*
 * The rights a check asks for, as Xen's dummy policy names them:
 * XSM_HOOK anyone; XSM_TARGET the domain itself, or a privileged caller;
 * XSM_DM_PRIV the target's device model, or a privileged caller (no
 * domain is another's device model yet, so today that is XSM_PRIV);
 * XSM_PRIV a privileged caller only.  A policy module (FLASK, one for a
 * device-model or driver domain) replaces xsm_dummy.c and answers the
 * same hooks; callers never test is_privileged themselves.  Which domain
 * owns the hardware or the toolstack is no check but an identity:
 * is_hardware_domain() and is_control_domain() (xen/sched.h), and the
 * I/O resources it holds asm/iocap.h.
 */
enum xsm_action {
    XSM_HOOK,
    XSM_TARGET,
    XSM_DM_PRIV,
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

/* xen_version sub-op op (XENVER_*): only the command line is guarded. */
int xsm_xen_version(const struct domain *src, unsigned int op);
/* console_io sub-op cmd: the privileged domain, or a console domain's write.
 */
int xsm_console_io(const struct domain *src, int cmd);
/* SCHEDOP_remote_shutdown of target (NULL: checked before the lookup). */
int xsm_schedop_shutdown(const struct domain *src,
                         const struct domain *target);
/* XENMEM_machine_memory_map: the host's E820. */
int xsm_machine_memory_map(const struct domain *src);
/* PHYSDEVOP_apic_read/_write and _alloc_irq_vector (cmd). */
int xsm_apic(const struct domain *src, int cmd);
/* PHYSDEVOP_map_pirq / _unmap_pirq on d's table. */
int xsm_map_domain_pirq(const struct domain *src, const struct domain *d);
int xsm_unmap_domain_pirq(const struct domain *src, const struct domain *d);
/* PHYSDEVOP_setup_gsi. */
int xsm_resource_setup_gsi(const struct domain *src, int gsi);
/* PCI devices reported, withdrawn, set up (MSI-X, MSI), and the rest. */
int xsm_resource_plug_pci(const struct domain *src);
int xsm_resource_unplug_pci(const struct domain *src);
int xsm_resource_setup_pci(const struct domain *src);
int xsm_resource_setup_misc(const struct domain *src);

#endif /* XSM_XSM_H */
