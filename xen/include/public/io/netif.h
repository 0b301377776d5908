/* SPDX-License-Identifier: MIT */
/* Network split-driver protocol: tx/rx rings, extra info, control ring. */

#ifndef __XEN_PUBLIC_IO_NETIF_H__
#define __XEN_PUBLIC_IO_NETIF_H__

#include "ring.h"
#include "../grant_table.h"

/*
 * Connection: the frontend grants "tx-ring-ref" and "rx-ring-ref" (per
 * queue with "multi-queue-num-queues"), binds "event-channel" (or
 * "event-channel-tx"/"-rx"), and may add a control ring
 * ("ctrl-ring-ref", "event-channel-ctrl").  Features are negotiated with
 * "feature-*" keys on both sides.
 *
 * Transmit: a packet is one or more netif_tx_request slots, the first
 * holding the total size and NETTXF_more_data chaining the rest; extra
 * info slots (netif_extra_info) follow a request flagged
 * NETTXF_extra_info.  The backend answers each slot with a
 * netif_tx_response carrying its id.
 * Receive: the frontend posts empty granted pages as netif_rx_request;
 * the backend copies packet data in and answers with netif_rx_response
 * (status = bytes, or NETIF_RSP_*).
 * Ring publication and notification follow ring.h.
 */

/* A backend must accept packets using at least this many slots. */
#define XEN_NETIF_NR_SLOTS_MIN 18

/* Control ring: hash types and algorithms for receive-side scaling. */
#define _XEN_NETIF_CTRL_HASH_TYPE_IPV4 0
#define XEN_NETIF_CTRL_HASH_TYPE_IPV4 \
    (1 << _XEN_NETIF_CTRL_HASH_TYPE_IPV4)
#define _XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP 1
#define XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP \
    (1 << _XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP)
#define _XEN_NETIF_CTRL_HASH_TYPE_IPV6 2
#define XEN_NETIF_CTRL_HASH_TYPE_IPV6 \
    (1 << _XEN_NETIF_CTRL_HASH_TYPE_IPV6)
#define _XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP 3
#define XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP \
    (1 << _XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP)

#define XEN_NETIF_CTRL_HASH_ALGORITHM_NONE     0
#define XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ 1

#ifdef XEN_NETIF_DEFINE_TOEPLITZ
/*
 * Toeplitz hash of buf under key: a 64-bit window slides over the key
 * one bit per input bit; each set input bit XORs the window into the
 * accumulator.  The result is the accumulator's top 32 bits.
 */
static uint32_t xen_netif_toeplitz_hash(const uint8_t *key,
                                        unsigned int keylen,
                                        const uint8_t *buf,
                                        unsigned int buflen)
{
    uint64_t window = 0, acc = 0;
    unsigned int k, i, b;

    for ( k = 0; k < 8; k++ )
        window = (window << 8) | (k < keylen ? key[k] : 0);

    for ( i = 0; i < buflen; i++, k++ )
    {
        for ( b = 0; b < 8; b++ )
        {
            if ( buf[i] & (0x80 >> b) )
                acc ^= window;
            window <<= 1;
        }
        window |= k < keylen ? key[k] : 0;
    }

    return (uint32_t)(acc >> 32);
}
#endif

/* Control ring request; the backend answers with the same id and type. */
struct xen_netif_ctrl_request {
    uint16_t id;
    uint16_t type;
#define XEN_NETIF_CTRL_TYPE_INVALID               0
#define XEN_NETIF_CTRL_TYPE_GET_HASH_FLAGS        1
#define XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS        2
#define XEN_NETIF_CTRL_TYPE_SET_HASH_KEY          3
#define XEN_NETIF_CTRL_TYPE_GET_HASH_MAPPING_SIZE 4
#define XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE 5
#define XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING      6
#define XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM    7
#define XEN_NETIF_CTRL_TYPE_GET_GREF_MAPPING_SIZE 8
#define XEN_NETIF_CTRL_TYPE_ADD_GREF_MAPPING      9
#define XEN_NETIF_CTRL_TYPE_DEL_GREF_MAPPING      10
    uint32_t data[3];
};

struct xen_netif_ctrl_response {
    uint16_t id;
    uint16_t type;
    uint32_t status;
#define XEN_NETIF_CTRL_STATUS_SUCCESS           0
#define XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED     1
#define XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER 2
#define XEN_NETIF_CTRL_STATUS_BUFFER_OVERFLOW   3
    uint32_t data;
};

/* Entry of a page of grants handed over with ADD/DEL_GREF_MAPPING. */
struct xen_netif_gref {
    grant_ref_t ref;
    uint16_t flags;
#define _XEN_NETIF_CTRLF_GREF_readonly 0
#define XEN_NETIF_CTRLF_GREF_readonly (1U << _XEN_NETIF_CTRLF_GREF_readonly)
    uint16_t status;            /* written by the backend */
};

DEFINE_RING_TYPES(xen_netif_ctrl,
                  struct xen_netif_ctrl_request,
                  struct xen_netif_ctrl_response);

/* netif_tx_request.flags */
#define _NETTXF_csum_blank     (0)
#define NETTXF_csum_blank      (1U << _NETTXF_csum_blank)
#define _NETTXF_data_validated (1)
#define NETTXF_data_validated  (1U << _NETTXF_data_validated)
#define _NETTXF_more_data      (2)
#define NETTXF_more_data       (1U << _NETTXF_more_data)
#define _NETTXF_extra_info     (3)
#define NETTXF_extra_info      (1U << _NETTXF_extra_info)

#define XEN_NETIF_MAX_TX_SIZE 0xFFFF

struct netif_tx_request {
    grant_ref_t gref;           /* page holding the data */
    uint16_t offset;            /* data offset in it */
    uint16_t flags;             /* NETTXF_* */
    uint16_t id;                /* echoed in the response */
    uint16_t size;              /* first slot: packet size; others: own */
};
typedef struct netif_tx_request netif_tx_request_t;

/* netif_extra_info.type */
#define XEN_NETIF_EXTRA_TYPE_NONE      (0)
#define XEN_NETIF_EXTRA_TYPE_GSO       (1)
#define XEN_NETIF_EXTRA_TYPE_MCAST_ADD (2)
#define XEN_NETIF_EXTRA_TYPE_MCAST_DEL (3)
#define XEN_NETIF_EXTRA_TYPE_HASH      (4)
#define XEN_NETIF_EXTRA_TYPE_MAX       (5)

/* netif_extra_info.flags: another extra slot follows. */
#define _XEN_NETIF_EXTRA_FLAG_MORE (0)
#define XEN_NETIF_EXTRA_FLAG_MORE  (1U << _XEN_NETIF_EXTRA_FLAG_MORE)

/* GSO types. */
#define XEN_NETIF_GSO_TYPE_NONE  (0)
#define XEN_NETIF_GSO_TYPE_TCPV4 (1)
#define XEN_NETIF_GSO_TYPE_TCPV6 (2)

/* An extra slot, on either ring; same size as a request. */
struct netif_extra_info {
    uint8_t type;
    uint8_t flags;
    union {
        struct {
            uint16_t size;      /* MSS */
            uint8_t type;       /* XEN_NETIF_GSO_TYPE_* */
            uint8_t pad;
            uint16_t features;
        } gso;
        struct {
            uint8_t addr[6];
        } mcast;
        struct {
            uint8_t type;       /* _XEN_NETIF_CTRL_HASH_TYPE_* */
            uint8_t algorithm;
            uint8_t value[4];
        } hash;
        uint16_t pad[3];
    } u;
};
typedef struct netif_extra_info netif_extra_info_t;

struct netif_tx_response {
    uint16_t id;
    int16_t status;             /* NETIF_RSP_* */
};
typedef struct netif_tx_response netif_tx_response_t;

struct netif_rx_request {
    uint16_t id;
    uint16_t pad;
    grant_ref_t gref;           /* page to receive into */
};
typedef struct netif_rx_request netif_rx_request_t;

/* netif_rx_response.flags */
#define _NETRXF_data_validated (0)
#define NETRXF_data_validated  (1U << _NETRXF_data_validated)
#define _NETRXF_csum_blank     (1)
#define NETRXF_csum_blank      (1U << _NETRXF_csum_blank)
#define _NETRXF_more_data      (2)
#define NETRXF_more_data       (1U << _NETRXF_more_data)
#define _NETRXF_extra_info     (3)
#define NETRXF_extra_info      (1U << _NETRXF_extra_info)
#define _NETRXF_gso_prefix     (4)
#define NETRXF_gso_prefix      (1U << _NETRXF_gso_prefix)

struct netif_rx_response {
    uint16_t id;
    uint16_t offset;
    uint16_t flags;             /* NETRXF_* */
    int16_t status;             /* bytes, or NETIF_RSP_* if negative */
};
typedef struct netif_rx_response netif_rx_response_t;

DEFINE_RING_TYPES(netif_tx, struct netif_tx_request, struct netif_tx_response);
DEFINE_RING_TYPES(netif_rx, struct netif_rx_request, struct netif_rx_response);

#define NETIF_RSP_DROPPED -2
#define NETIF_RSP_ERROR   -1
#define NETIF_RSP_OKAY     0
#define NETIF_RSP_NULL     1    /* no response: padding for extra info */

#endif /* __XEN_PUBLIC_IO_NETIF_H__ */
