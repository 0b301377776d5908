/* SPDX-License-Identifier: GPL-2.0-only */
/* The default access-control policy: dom0 privileged, every other not. */
#include <xen/errno.h>
#include <xen/sched.h>
#include <xsm/xsm.h>
#include <public/version.h>
#include <public/xen.h>

int xsm_default_action(enum xsm_action action, const struct domain *src,
                       const struct domain *target)
{
    switch ( action )
    {
    case XSM_HOOK:
        return 0;
    case XSM_TARGET:
        if ( src == target )
            return 0;
        break;
    case XSM_DM_PRIV:
    case XSM_PRIV:
        break;
    }
    return src->is_privileged ? 0 : -EPERM;
}

int xsm_domctl(const struct domain *src, const struct domain *target,
               unsigned int cmd)
{
    return xsm_default_action(XSM_PRIV, src, target);
}

int xsm_sysctl(const struct domain *src, unsigned int cmd)
{
    return xsm_default_action(XSM_PRIV, src, NULL);
}

int xsm_evtchn_control(const struct domain *src, const struct domain *d)
{
    return xsm_default_action(XSM_TARGET, src, d);
}

int xsm_grant_control(const struct domain *src, const struct domain *d)
{
    return xsm_default_action(XSM_TARGET, src, d);
}

int xsm_mmu_io(const struct domain *src)
{
    return xsm_default_action(XSM_PRIV, src, NULL);
}

int xsm_xen_version(const struct domain *src, unsigned int op)
{
    return xsm_default_action(op == XENVER_commandline ? XSM_PRIV : XSM_HOOK,
                              src, NULL);
}

int xsm_console_io(const struct domain *src, int cmd)
{
    /* A domain given the console (is_console) may write to it. */
    if ( src->is_console && cmd == CONSOLEIO_write )
        return xsm_default_action(XSM_HOOK, src, NULL);
    return xsm_default_action(XSM_PRIV, src, NULL);
}

int xsm_schedop_shutdown(const struct domain *src, const struct domain *target)
{
    return xsm_default_action(XSM_DM_PRIV, src, target);
}

int xsm_machine_memory_map(const struct domain *src)
{
    return xsm_default_action(XSM_PRIV, src, NULL);
}

int xsm_apic(const struct domain *src, int cmd)
{
    return xsm_default_action(XSM_PRIV, src, NULL);
}

int xsm_map_domain_pirq(const struct domain *src, const struct domain *d)
{
    return xsm_default_action(XSM_DM_PRIV, src, d);
}

int xsm_unmap_domain_pirq(const struct domain *src, const struct domain *d)
{
    return xsm_default_action(XSM_DM_PRIV, src, d);
}

int xsm_resource_setup_gsi(const struct domain *src, int gsi)
{
    return xsm_default_action(XSM_PRIV, src, NULL);
}

int xsm_resource_plug_pci(const struct domain *src)
{
    return xsm_default_action(XSM_PRIV, src, NULL);
}

int xsm_resource_unplug_pci(const struct domain *src)
{
    return xsm_default_action(XSM_PRIV, src, NULL);
}

int xsm_resource_setup_pci(const struct domain *src)
{
    return xsm_default_action(XSM_PRIV, src, NULL);
}

int xsm_resource_setup_misc(const struct domain *src)
{
    return xsm_default_action(XSM_PRIV, src, NULL);
}
