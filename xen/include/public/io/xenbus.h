/* SPDX-License-Identifier: MIT */
/* XenBus device states, kept in xenstore by each end of a split driver. */

#ifndef _XEN_PUBLIC_IO_XENBUS_H
#define _XEN_PUBLIC_IO_XENBUS_H

/*
 * Each end writes only its own "state" node; it reacts to the other
 * end's node through a xenstore watch.  Usual sequence: both start in
 * Initialising; the backend goes to InitWait once it has published its
 * parameters; the frontend publishes its rings and goes to Initialised
 * (or Connected); the backend connects and goes to Connected.  Closing
 * and Closed tear the connection down; Reconfiguring/Reconfigured let a
 * connected device change its configuration.
 */
enum xenbus_state {
    XenbusStateUnknown       = 0,
    XenbusStateInitialising  = 1,
    XenbusStateInitWait      = 2,  /* backend: waiting for frontend info */
    XenbusStateInitialised   = 3,  /* frontend: info published */
    XenbusStateConnected     = 4,
    XenbusStateClosing       = 5,
    XenbusStateClosed        = 6,
    XenbusStateReconfiguring = 7,
    XenbusStateReconfigured  = 8
};
typedef enum xenbus_state XenbusState;

#endif /* _XEN_PUBLIC_IO_XENBUS_H */
