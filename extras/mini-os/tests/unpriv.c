/* SPDX-License-Identifier: GPL-2.0-only */
/* What an unprivileged domain is refused: control hypercalls on others. */

#include <xenctl.h>
#include "hostile.h"
#include <hypercall.h>

/* A domU may not act as a toolstack: domctl on dom0 is refused. */
HOSTILE(unpriv, domctl_getdomaininfo_refused)
{
    struct xen_domctl_getdomaininfo info;

    CHECK_RC(domain_getinfo(0, &info), -XEN_EPERM);
}

/* Nor read the host's state through sysctl. */
HOSTILE(unpriv, sysctl_physinfo_refused)
{
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_physinfo };

    CHECK_RC(sysctl(&op), -XEN_EPERM);
}
