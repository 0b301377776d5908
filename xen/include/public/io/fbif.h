/* SPDX-License-Identifier: MIT */
/* Paravirtual frame buffer: the shared page and its event rings. */

#ifndef __XEN_PUBLIC_IO_FBIF_H__
#define __XEN_PUBLIC_IO_FBIF_H__

#include "../xen.h"

/*
 * The frontend (guest) owns the frame buffer memory and shares its
 * frames through xenfb_page.pd (page directory of frame lists).  Events
 * travel in two rings inside the shared page:
 *  out ring (frontend -> backend): the frontend writes an event, write
 *    barrier, advances out_prod; the backend reads, then out_cons.
 *  in ring (backend -> frontend): the backend writes, then in_prod; the
 *    frontend reads, then in_cons.
 * Indexes are free-running and reduced modulo the ring length.
 */

/* Frontend -> backend: this rectangle changed. */
#define XENFB_TYPE_UPDATE 2
struct xenfb_update {
    uint8_t type;               /* XENFB_TYPE_UPDATE */
    int32_t x;
    int32_t y;
    int32_t width;
    int32_t height;
};

/* Frontend -> backend: new mode ("feature-resize"). */
#define XENFB_TYPE_RESIZE 3
struct xenfb_resize {
    uint8_t type;               /* XENFB_TYPE_RESIZE */
    int32_t width;
    int32_t height;
    int32_t stride;
    int32_t depth;
    int32_t offset;             /* of the visible area in the buffer */
};

#define XENFB_OUT_EVENT_SIZE 40

union xenfb_out_event {
    uint8_t type;
    struct xenfb_update update;
    struct xenfb_resize resize;
    char pad[XENFB_OUT_EVENT_SIZE];
};

/* Backend -> frontend: how often to send updates (ms, or none). */
#define XENFB_TYPE_REFRESH_PERIOD 1
#define XENFB_NO_REFRESH 0
struct xenfb_refresh_period {
    uint8_t type;               /* XENFB_TYPE_REFRESH_PERIOD */
    uint32_t period;
};

#define XENFB_IN_EVENT_SIZE 40

union xenfb_in_event {
    uint8_t type;
    struct xenfb_refresh_period refresh_period;
    char pad[XENFB_IN_EVENT_SIZE];
};

/* Ring placement in the shared page. */
#define XENFB_IN_RING_SIZE 1024
#define XENFB_IN_RING_LEN  (XENFB_IN_RING_SIZE / XENFB_IN_EVENT_SIZE)
#define XENFB_IN_RING_OFFS 1024
#define XENFB_IN_RING(page) \
    ((union xenfb_in_event *)((char *)(page) + XENFB_IN_RING_OFFS))
#define XENFB_IN_RING_REF(page, idx) \
    (XENFB_IN_RING((page))[(idx) % XENFB_IN_RING_LEN])

#define XENFB_OUT_RING_SIZE 2048
#define XENFB_OUT_RING_LEN  (XENFB_OUT_RING_SIZE / XENFB_OUT_EVENT_SIZE)
#define XENFB_OUT_RING_OFFS (XENFB_IN_RING_OFFS + XENFB_IN_RING_SIZE)
#define XENFB_OUT_RING(page) \
    ((union xenfb_out_event *)((char *)(page) + XENFB_OUT_RING_OFFS))
#define XENFB_OUT_RING_REF(page, idx) \
    (XENFB_OUT_RING((page))[(idx) % XENFB_OUT_RING_LEN])

/* Start of the shared page; the rings follow at the offsets above. */
struct xenfb_page {
    uint32_t in_cons, in_prod;
    uint32_t out_cons, out_prod;
    int32_t width;              /* written by the frontend at setup */
    int32_t height;
    uint32_t line_length;
    uint32_t mem_length;
    uint8_t depth;              /* bits per pixel */
    unsigned long pd[256];      /* frames listing the buffer's frames */
};

#ifdef __KERNEL__
/* Default mode of Linux's frontend. */
#define XENFB_WIDTH  800
#define XENFB_HEIGHT 600
#define XENFB_DEPTH  32
#endif

#endif /* __XEN_PUBLIC_IO_FBIF_H__ */
