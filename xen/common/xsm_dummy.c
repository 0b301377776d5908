/* SPDX-License-Identifier: GPL-2.0-only */
/* The default access-control policy: dom0 privileged, every other not. */
#include <xen/errno.h>
#include <xen/sched.h>
#include <xsm/xsm.h>

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
