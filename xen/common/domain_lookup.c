/* SPDX-License-Identifier: GPL-2.0-only */
/* Finding the domain a hypercall argument names, with the caller's rights. */
#include <xen/errno.h>
#include <xen/sched.h>
#include <xsm/xsm.h>

/*
 * Xen's order of answers: no such domain (-ESRCH) before not allowed
 * (-EPERM).  Reserved ids name no domain here; DOMID_SELF names the
 * caller only where the flags say so.
 */
struct domain *domain_lookup(domid_t domid, unsigned int flags, int *rc)
{
    struct domain *self = current->domain, *d;
    int err;

    *rc = -ESRCH;
    if ( domid == DOMID_SELF && (flags & DOMAIN_LOOKUP_SELF) )
        d = get_domain(self);
    else if ( domid >= DOMID_FIRST_RESERVED ||
              (domid == self->domain_id &&
               (flags & DOMAIN_LOOKUP_NOT_OWN_ID)) ||
              !(d = get_domain_by_id(domid)) )
        return NULL;
    if ( (flags & DOMAIN_LOOKUP_TARGET) &&
         (err = xsm_default_action(XSM_TARGET, self, d)) )
    {
        put_domain(d);
        *rc = err;
        return NULL;
    }
    *rc = 0;
    return d;
}
