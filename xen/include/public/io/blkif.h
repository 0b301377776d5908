/* SPDX-License-Identifier: MIT */
/* Block device split-driver protocol: ring requests and responses. */

#ifndef __XEN_PUBLIC_IO_BLKIF_H__
#define __XEN_PUBLIC_IO_BLKIF_H__

#include "ring.h"
#include "../grant_table.h"

/*
 * Connection: the frontend grants the ring page(s) and writes
 * "ring-ref" (or "ring-ref%u" with "ring-page-order"), "event-channel"
 * and "protocol" under its xenstore directory; the backend publishes
 * "sectors", "sector-size", "info" (VDISK_*) and its "feature-*" keys.
 *
 * Each request carries an id the backend echoes in the response, and up
 * to BLKIF_MAX_SEGMENTS_PER_REQUEST granted data pages (more with
 * BLKIF_OP_INDIRECT).  Ring rules as in ring.h: the frontend fills
 * request slots then pushes req_prod; the backend copies each request
 * out of the ring before acting on it (RING_COPY_REQUEST), and pushes
 * responses the same way.  Sectors are always 512 bytes in
 * sector_number and first_sect/last_sect.
 */

#ifndef blkif_vdev_t
#define blkif_vdev_t uint16_t
#endif
#define blkif_sector_t uint64_t

/* Operations. */
#define BLKIF_OP_READ            0
#define BLKIF_OP_WRITE           1
#define BLKIF_OP_WRITE_BARRIER   2  /* "feature-barrier" */
#define BLKIF_OP_FLUSH_DISKCACHE 3  /* "feature-flush-cache" */
#define BLKIF_OP_RESERVED_1      4  /* never to be used */
#define BLKIF_OP_DISCARD         5  /* "feature-discard" */
#define BLKIF_OP_INDIRECT        6  /* "feature-max-indirect-segments" */

#define BLKIF_MAX_SEGMENTS_PER_REQUEST 11
#define BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST 8

/* One granted page and the sectors of it used (0-7, inclusive). */
struct blkif_request_segment {
    grant_ref_t gref;
    uint8_t first_sect, last_sect;
};

struct blkif_request {
    uint8_t operation;          /* BLKIF_OP_* */
    uint8_t nr_segments;
    blkif_vdev_t handle;        /* unused; kept for layout */
    uint64_t id;                /* echoed in the response */
    blkif_sector_t sector_number;
    struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};
typedef struct blkif_request blkif_request_t;

/* BLKIF_OP_DISCARD: the same slot, another view. */
struct blkif_request_discard {
    uint8_t operation;
    uint8_t flag;
#define BLKIF_DISCARD_SECURE (1 << 0)  /* "discard-secure" */
    blkif_vdev_t handle;
    uint64_t id;
    blkif_sector_t sector_number;
    uint64_t nr_sectors;
};
typedef struct blkif_request_discard blkif_request_discard_t;

/*
 * BLKIF_OP_INDIRECT: the segments are in granted pages full of
 * blkif_request_segment entries; indirect_op is the real operation.
 */
struct blkif_request_indirect {
    uint8_t operation;
    uint8_t indirect_op;
    uint16_t nr_segments;
    uint64_t id;
    blkif_sector_t sector_number;
    blkif_vdev_t handle;
    grant_ref_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
};
typedef struct blkif_request_indirect blkif_request_indirect_t;

struct blkif_response {
    uint64_t id;                /* from the request */
    uint8_t operation;          /* from the request */
    int16_t status;             /* BLKIF_RSP_* */
};
typedef struct blkif_response blkif_response_t;

#define BLKIF_RSP_EOPNOTSUPP -2
#define BLKIF_RSP_ERROR      -1
#define BLKIF_RSP_OKAY        0

DEFINE_RING_TYPES(blkif, struct blkif_request, struct blkif_response);

/* "info" bits published by the backend. */
#define VDISK_CDROM     0x1
#define VDISK_REMOVABLE 0x2
#define VDISK_READONLY  0x4

#endif /* __XEN_PUBLIC_IO_BLKIF_H__ */
