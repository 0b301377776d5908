/* SPDX-License-Identifier: GPL-2.0-only */
/* xenstored's Xen side: guests' rings, event channels, domain deaths. */
#ifndef XSD_XEN_H
#define XSD_XEN_H

#include <stdbool.h>

struct xsd;
struct xsd_conn;
struct xsd_xen;

/* NULL when not on Xen (no /dev/xen/privcmd or evtchn): socket only. */
struct xsd_xen *xsd_xen_open(struct xsd *d);
/* The descriptor to poll for events. */
int xsd_xen_fd(const struct xsd_xen *x);
/* Handles pending events and ring input; true if a ring has more. */
bool xsd_xen_events(struct xsd_xen *x);
bool xsd_xen_is_ring(const struct xsd_xen *x, const struct xsd_conn *c);
void xsd_xen_close(struct xsd_xen *x);

#endif /* XSD_XEN_H */
