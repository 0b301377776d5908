/* SPDX-License-Identifier: MIT */
/* vchan: the shared control page of a two-way byte stream between domains. */

#ifndef __XEN_PUBLIC_IO_LIBXENVCHAN_H__
#define __XEN_PUBLIC_IO_LIBXENVCHAN_H__

#include "../xen.h"

/*
 * The server grants this page (and the data rings listed in grants[]);
 * the client maps it.  "left" is the client-to-server ring, "right" the
 * server-to-client ring; each is a byte ring of 2^order bytes (orders
 * 10 and 11 live inside this page).  The writer of a ring fills data,
 * write barrier, then advances prod; the reader consumes, barrier, then
 * advances cons.  *_live is each side's liveness flag (1 live, 0 gone,
 * 2 not yet connected) written only by that side.  *_notify holds
 * VCHAN_NOTIFY_* bits set by a side that wants an event when the other
 * reads or writes; the other side clears them as it sends the event.
 */
struct ring_shared {
    uint32_t cons, prod;
};

#define VCHAN_NOTIFY_WRITE 0x1
#define VCHAN_NOTIFY_READ  0x2

struct vchan_interface {
    struct ring_shared left, right;
    uint16_t left_order, right_order;
    uint8_t cli_live, srv_live;
    uint8_t cli_notify, srv_notify;     /* notify requests to client/server */
    __xen_extension uint32_t grants[0]; /* data ring grants, left first */
};

#endif /* __XEN_PUBLIC_IO_LIBXENVCHAN_H__ */
