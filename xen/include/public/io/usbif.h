/* SPDX-License-Identifier: MIT */
/* Virtual USB split driver: URB ring and port-connection ring. */

#ifndef __XEN_PUBLIC_IO_USBIF_H__
#define __XEN_PUBLIC_IO_USBIF_H__

#include "ring.h"
#include "../grant_table.h"

/*
 * Two classic rings (ring.h rules): the urb ring carries transfers from
 * the frontend and their completions back; the conn ring is filled with
 * empty requests by the frontend, which the backend answers whenever a
 * device is plugged into or removed from a virtual port.
 */

enum usb_spec_version {
    USB_VER_UNKNOWN = 0,
    USB_VER_USB11 = 1,
    USB_VER_USB20 = 2,
    USB_VER_USB30 = 3
};

/*
 * usbif_urb_request.pipe:
 *   bits 4:0 port, 5 unlink, 7 direction (in), 14:8 device,
 *   18:15 endpoint, 31:30 transfer type.
 */
#define USBIF_PIPE_PORT_MASK  0x0000001f
#define USBIF_PIPE_UNLINK     0x00000020
#define USBIF_PIPE_DIR        0x00000080
#define USBIF_PIPE_DEV_MASK   0x0000007f
#define USBIF_PIPE_DEV_SHIFT  8
#define USBIF_PIPE_EP_MASK    0x0000000f
#define USBIF_PIPE_EP_SHIFT   15
#define USBIF_PIPE_TYPE_MASK  0x00000003
#define USBIF_PIPE_TYPE_SHIFT 30
#define USBIF_PIPE_TYPE_ISOC  0
#define USBIF_PIPE_TYPE_INT   1
#define USBIF_PIPE_TYPE_CTRL  2
#define USBIF_PIPE_TYPE_BULK  3

#define usbif_pipeportnum(pipe)      ((pipe) & USBIF_PIPE_PORT_MASK)
#define usbif_setportnum_pipe(pipe, portnum) ((pipe) | (portnum))
#define usbif_pipeunlink(pipe)       ((pipe) & USBIF_PIPE_UNLINK)
#define usbif_pipesubmit(pipe)       (!usbif_pipeunlink(pipe))
#define usbif_setunlink_pipe(pipe)   ((pipe) | USBIF_PIPE_UNLINK)
#define usbif_pipein(pipe)           ((pipe) & USBIF_PIPE_DIR)
#define usbif_pipeout(pipe)          (!usbif_pipein(pipe))
#define usbif_pipedevice(pipe) \
    (((pipe) >> USBIF_PIPE_DEV_SHIFT) & USBIF_PIPE_DEV_MASK)
#define usbif_pipeendpoint(pipe) \
    (((pipe) >> USBIF_PIPE_EP_SHIFT) & USBIF_PIPE_EP_MASK)
#define usbif_pipetype(pipe) \
    (((pipe) >> USBIF_PIPE_TYPE_SHIFT) & USBIF_PIPE_TYPE_MASK)
#define usbif_pipeisoc(pipe) (usbif_pipetype(pipe) == USBIF_PIPE_TYPE_ISOC)
#define usbif_pipeint(pipe)  (usbif_pipetype(pipe) == USBIF_PIPE_TYPE_INT)
#define usbif_pipectrl(pipe) (usbif_pipetype(pipe) == USBIF_PIPE_TYPE_CTRL)
#define usbif_pipebulk(pipe) (usbif_pipetype(pipe) == USBIF_PIPE_TYPE_BULK)

#define USBIF_MAX_SEGMENTS_PER_REQUEST (16)
#define USBIF_MAX_PORTNR 31
#define USBIF_RING_SIZE  4096

struct usbif_request_segment {
    grant_ref_t gref;
    uint16_t offset;
    uint16_t length;
};

struct usbif_urb_request {
    uint16_t id;                /* echoed in the response */
    uint16_t nr_buffer_segs;
    uint32_t pipe;              /* see above */
    uint16_t transfer_flags;
#define USBIF_SHORT_NOT_OK 0x0001
    uint16_t buffer_length;
    union {
        uint8_t ctrl[8];        /* setup packet */
        struct {
            uint16_t interval;
            uint16_t start_frame;
            uint16_t number_of_packets;
            uint16_t nr_frame_desc_segs;
        } isoc;
        struct {
            uint16_t interval;
            uint16_t pad[3];
        } intr;
        struct {
            uint16_t unlink_id;
            uint16_t pad[3];
        } unlink;
    } u;
    struct usbif_request_segment seg[USBIF_MAX_SEGMENTS_PER_REQUEST];
};
typedef struct usbif_urb_request usbif_urb_request_t;

struct usbif_urb_response {
    uint16_t id;
    uint16_t start_frame;
    int32_t status;             /* USBIF_STATUS_* */
#define USBIF_STATUS_OK       0
#define USBIF_STATUS_NODEV    (-19)
#define USBIF_STATUS_INVAL    (-22)
#define USBIF_STATUS_STALL    (-32)
#define USBIF_STATUS_IOERROR  (-71)
#define USBIF_STATUS_BABBLE   (-75)
#define USBIF_STATUS_SHUTDOWN (-108)
    int32_t actual_length;
    int32_t error_count;
};
typedef struct usbif_urb_response usbif_urb_response_t;

DEFINE_RING_TYPES(usbif_urb, struct usbif_urb_request,
                  struct usbif_urb_response);
#define USB_URB_RING_SIZE __CONST_RING_SIZE(usbif_urb, USBIF_RING_SIZE)

struct usbif_conn_request {
    uint16_t id;
};
typedef struct usbif_conn_request usbif_conn_request_t;

struct usbif_conn_response {
    uint16_t id;
    uint8_t portnum;
    uint8_t speed;              /* USBIF_SPEED_*, NONE = unplugged */
#define USBIF_SPEED_NONE 0
#define USBIF_SPEED_LOW  1
#define USBIF_SPEED_FULL 2
#define USBIF_SPEED_HIGH 3
};
typedef struct usbif_conn_response usbif_conn_response_t;

DEFINE_RING_TYPES(usbif_conn, struct usbif_conn_request,
                  struct usbif_conn_response);
#define USB_CONN_RING_SIZE __CONST_RING_SIZE(usbif_conn, USBIF_RING_SIZE)

#endif /* __XEN_PUBLIC_IO_USBIF_H__ */
