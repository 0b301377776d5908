/* SPDX-License-Identifier: MIT */
/* Virtual TPM split driver: the shared command page (and the old ring). */

#ifndef __XEN_PUBLIC_IO_TPMIF_H__
#define __XEN_PUBLIC_IO_TPMIF_H__

#include "../grant_table.h"

/* Version 1 interface (a one-slot ring of page grants). */
struct tpmif_tx_request {
    unsigned long addr;
    grant_ref_t ref;
    uint16_t unused;
    uint16_t size;
};
typedef struct tpmif_tx_request tpmif_tx_request_t;

typedef uint32_t TPMIF_RING_IDX;

#define TPMIF_TX_RING_SIZE 1

struct tpmif_ring {
    struct tpmif_tx_request req;
};
typedef struct tpmif_ring tpmif_ring_t;

struct tpmif_tx_interface {
    struct tpmif_ring ring[TPMIF_TX_RING_SIZE];
};
typedef struct tpmif_tx_interface tpmif_tx_interface_t;

/*
 * Version 2 interface: one shared page holding this header, then the
 * command or response bytes (after nr_extra_pages grant references).
 * state hands the page back and forth:
 *  the frontend writes the command and length, then (write barrier)
 *  sets SUBMIT and notifies; the backend runs it, writes the response
 *  and length, then (write barrier) sets FINISH and notifies.  To abort,
 *  the frontend sets CANCEL; the backend acknowledges with IDLE.  So the
 *  frontend only ever writes SUBMIT or CANCEL and the backend only IDLE
 *  or FINISH; plain stores suffice.
 */
enum tpmif_state {
    TPMIF_STATE_IDLE = 0,
    TPMIF_STATE_SUBMIT = 1,
    TPMIF_STATE_FINISH = 2,
    TPMIF_STATE_CANCEL = 3
};

struct tpmif_shared_page {
    uint32_t length;            /* bytes of command or response */
    uint8_t state;              /* enum tpmif_state */
    uint8_t locality;           /* TPM locality of the command */
    uint8_t pad;
    uint8_t nr_extra_pages;     /* grant refs following the header */
    __xen_extension uint32_t extra_pages[0];
};
typedef struct tpmif_shared_page tpmif_shared_page_t;

#endif /* __XEN_PUBLIC_IO_TPMIF_H__ */
