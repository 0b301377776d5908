/* SPDX-License-Identifier: MIT */
/* argo_op hypercall: hypervisor-mediated inter-domain message rings. */

#ifndef __XEN_PUBLIC_ARGO_H__
#define __XEN_PUBLIC_ARGO_H__

#include "xen.h"

/*
 * A receiver registers a ring in its own memory; senders never map it.
 * Xen copies each message into the ring on the sender's behalf
 * (XEN_ARGO_OP_sendv), advancing tx_ptr; the receiver consumes and
 * advances rx_ptr.  Xen is the only writer of tx_ptr, the ring owner the
 * only writer of rx_ptr; both are byte offsets into ring[].
 */

#define XEN_ARGO_DOMID_ANY       DOMID_INVALID
#define XEN_ARGO_MAX_RING_SIZE   (0x1000000ULL)

typedef uint32_t xen_argo_port_t;
typedef uint64_t xen_argo_gfn_t;

/* Maximum iovs per sendv. */
#define XEN_ARGO_MAXIOV 8U

typedef struct xen_argo_iov {
    XEN_GUEST_HANDLE(uint8) iov_hnd;
    uint32_t iov_len;
    uint32_t pad;
} xen_argo_iov_t;

typedef struct xen_argo_addr {
    xen_argo_port_t aport;
    domid_t domain_id;
    uint16_t pad;
} xen_argo_addr_t;

typedef struct xen_argo_send_addr {
    xen_argo_addr_t src;
    xen_argo_addr_t dst;
} xen_argo_send_addr_t;

/* The ring header in the receiver's memory, followed by the data. */
typedef struct xen_argo_ring {
    uint32_t rx_ptr;            /* written by the receiver */
    uint32_t tx_ptr;            /* written by Xen */
    uint8_t reserved[56];
    __xen_extension uint8_t ring[XEN_FLEX_ARRAY_DIM];
} xen_argo_ring_t;

typedef struct xen_argo_register_ring {
    xen_argo_port_t aport;
    domid_t partner_id;         /* sender allowed, or XEN_ARGO_DOMID_ANY */
    uint16_t pad;
    uint32_t len;               /* bytes of ring data */
} xen_argo_register_ring_t;

typedef struct xen_argo_unregister_ring {
    xen_argo_port_t aport;
    domid_t partner_id;
    uint16_t pad;
} xen_argo_unregister_ring_t;

/* Messages occupy whole slots of this size. */
#define XEN_ARGO_MSG_SLOT_SIZE 0x10

/* xen_argo_ring_data_ent.flags, written by Xen on notify. */
#define XEN_ARGO_RING_EXISTS     (1U << 0)
#define XEN_ARGO_RING_SHARED     (1U << 1)
#define XEN_ARGO_RING_EMPTY      (1U << 2)
#define XEN_ARGO_RING_SUFFICIENT (1U << 3)
#define XEN_ARGO_RING_EMSGSIZE   (1U << 4)
#define XEN_ARGO_RING_EBUSY      (1U << 5)

typedef struct xen_argo_ring_data_ent {
    xen_argo_addr_t ring;
    uint16_t flags;
    uint16_t pad;
    uint32_t space_required;
    uint32_t max_message_size;
} xen_argo_ring_data_ent_t;

typedef struct xen_argo_ring_data {
    uint32_t nent;
    uint32_t pad;
    __xen_extension xen_argo_ring_data_ent_t data[XEN_FLEX_ARRAY_DIM];
} xen_argo_ring_data_t;

/* Header Xen writes in front of each message in a ring. */
struct xen_argo_ring_message_header {
    uint32_t len;
    xen_argo_addr_t source;
    uint32_t message_type;
    __xen_extension uint8_t data[XEN_FLEX_ARRAY_DIM];
};

/* Operations. */
#define XEN_ARGO_OP_register_ring 1
#define XEN_ARGO_REGISTER_FLAG_FAIL_EXIST 0x1
#ifdef __XEN__
#define XEN_ARGO_REGISTER_FLAG_MASK XEN_ARGO_REGISTER_FLAG_FAIL_EXIST
#endif
#define XEN_ARGO_OP_unregister_ring 2
#define XEN_ARGO_OP_sendv           3
#define XEN_ARGO_OP_notify          4

#endif /* __XEN_PUBLIC_ARGO_H__ */
