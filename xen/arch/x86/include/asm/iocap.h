/* SPDX-License-Identifier: GPL-2.0-only */
/* Which I/O resources a domain holds: ports, I/O memory, cache control. */
#ifndef ASM_X86_IOCAP_H
#define ASM_X86_IOCAP_H

#include <xen/sched.h>

/*
 * The hardware domain holds every port and I/O frame the hypervisor did
 * not keep for itself, as Xen's defaults grant dom0; Xen keeps them as
 * per-domain range sets that a driver domain is given a slice of, which
 * is what these will read then.  Inline: page-table updates and port
 * emulation ask on every access.
 */
static inline bool ioports_access_permitted(const struct domain *d)
{
    return is_hardware_domain(d);
}

static inline bool iomem_access_permitted(const struct domain *d)
{
    return is_hardware_domain(d);
}

/* WBINVD, and cache attributes in its PTEs: for a domain with devices. */
static inline bool cache_flush_permitted(const struct domain *d)
{
    return ioports_access_permitted(d) || iomem_access_permitted(d);
}

#endif /* ASM_X86_IOCAP_H */
