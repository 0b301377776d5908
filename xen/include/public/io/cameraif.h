/* SPDX-License-Identifier: MIT */
/* Para-virtual camera: configuration, buffers and frames over rings. */

#ifndef __XEN_PUBLIC_IO_CAMERAIF_H__
#define __XEN_PUBLIC_IO_CAMERAIF_H__

#include "ring.h"
#include "../grant_table.h"

/*
 * Per camera, two channels:
 *  - a request ring (ring.h rules): xencamera_req from the frontend,
 *    xencamera_resp with the same id from the backend;
 *  - an event page: the backend writes a xencamera_evt at in_prod,
 *    write barrier, advances in_prod and notifies; the frontend reads,
 *    then advances in_cons.
 * Frame buffers are shared through chained page-directory pages.
 */

#define XENCAMERA_PROTOCOL_VERSION "1"

/* Requests. */
#define XENCAMERA_OP_CONFIG_SET      0x00
#define XENCAMERA_OP_CONFIG_GET      0x01
#define XENCAMERA_OP_CONFIG_VALIDATE 0x02
#define XENCAMERA_OP_FRAME_RATE_SET  0x03
#define XENCAMERA_OP_BUF_GET_LAYOUT  0x04
#define XENCAMERA_OP_BUF_REQUEST     0x05
#define XENCAMERA_OP_BUF_CREATE      0x06
#define XENCAMERA_OP_BUF_DESTROY     0x07
#define XENCAMERA_OP_BUF_QUEUE       0x08
#define XENCAMERA_OP_BUF_DEQUEUE     0x09
#define XENCAMERA_OP_CTRL_ENUM       0x0a
#define XENCAMERA_OP_CTRL_SET        0x0b
#define XENCAMERA_OP_CTRL_GET        0x0c
#define XENCAMERA_OP_STREAM_START    0x0d
#define XENCAMERA_OP_STREAM_STOP     0x0e

/* Controls. */
#define XENCAMERA_CTRL_BRIGHTNESS 0
#define XENCAMERA_CTRL_CONTRAST   1
#define XENCAMERA_CTRL_SATURATION 2
#define XENCAMERA_CTRL_HUE        3
#define XENCAMERA_MAX_CTRL        4

#define XENCAMERA_CTRL_FLG_RO       (1 << 0)
#define XENCAMERA_CTRL_FLG_WO       (1 << 1)
#define XENCAMERA_CTRL_FLG_VOLATILE (1 << 2)

/* Colour description returned with a configuration (V4L2 meanings). */
#define XENCAMERA_COLORSPACE_DEFAULT   0
#define XENCAMERA_COLORSPACE_SMPTE170M 1
#define XENCAMERA_COLORSPACE_REC709    2
#define XENCAMERA_COLORSPACE_SRGB      3
#define XENCAMERA_COLORSPACE_OPRGB     4
#define XENCAMERA_COLORSPACE_BT2020    5
#define XENCAMERA_COLORSPACE_DCI_P3    6

#define XENCAMERA_XFER_FUNC_DEFAULT    0
#define XENCAMERA_XFER_FUNC_709        1
#define XENCAMERA_XFER_FUNC_SRGB       2
#define XENCAMERA_XFER_FUNC_OPRGB      3
#define XENCAMERA_XFER_FUNC_NONE       4
#define XENCAMERA_XFER_FUNC_DCI_P3     5
#define XENCAMERA_XFER_FUNC_SMPTE2084  6

#define XENCAMERA_YCBCR_ENC_IGNORE           0
#define XENCAMERA_YCBCR_ENC_601              1
#define XENCAMERA_YCBCR_ENC_709              2
#define XENCAMERA_YCBCR_ENC_XV601            3
#define XENCAMERA_YCBCR_ENC_XV709            4
#define XENCAMERA_YCBCR_ENC_BT2020           5
#define XENCAMERA_YCBCR_ENC_BT2020_CONST_LUM 6

#define XENCAMERA_QUANTIZATION_DEFAULT    0
#define XENCAMERA_QUANTIZATION_FULL_RANGE 1
#define XENCAMERA_QUANTIZATION_LIM_RANGE  2

/* Events. */
#define XENCAMERA_EVT_FRAME_AVAIL 0x00
#define XENCAMERA_EVT_CTRL_CHANGE 0x01

/* Xenstore names and value syntax. */
#define XENCAMERA_DRIVER_NAME          "vcamera"
#define XENCAMERA_LIST_SEPARATOR       ","
#define XENCAMERA_RESOLUTION_SEPARATOR "x"
#define XENCAMERA_FRACTION_SEPARATOR   "/"

#define XENCAMERA_FIELD_BE_VERSIONS  "versions"
#define XENCAMERA_FIELD_FE_VERSION   "version"
#define XENCAMERA_FIELD_REQ_RING_REF "req-ring-ref"
#define XENCAMERA_FIELD_REQ_CHANNEL  "req-event-channel"
#define XENCAMERA_FIELD_EVT_RING_REF "evt-ring-ref"
#define XENCAMERA_FIELD_EVT_CHANNEL  "evt-event-channel"
#define XENCAMERA_FIELD_MAX_BUFFERS  "max-buffers"
#define XENCAMERA_FIELD_CONTROLS     "controls"
#define XENCAMERA_FIELD_FORMATS      "formats"
#define XENCAMERA_FIELD_FRAME_RATES  "frame-rates"
#define XENCAMERA_FIELD_BE_ALLOC     "be-alloc"
#define XENCAMERA_FIELD_UNIQUE_ID    "unique-id"

#define XENCAMERA_CTRL_BRIGHTNESS_STR "brightness"
#define XENCAMERA_CTRL_CONTRAST_STR   "contrast"
#define XENCAMERA_CTRL_SATURATION_STR "saturation"
#define XENCAMERA_CTRL_HUE_STR        "hue"

/* Suffix of a big-endian fourcc in "formats". */
#define XENCAMERA_FOURCC_BIGENDIAN_STR "-BE"

#define XENCAMERA_MAX_PLANE 4

struct xencamera_config_req {
    uint32_t pixel_format;      /* fourcc */
    uint32_t width;
    uint32_t height;
};

struct xencamera_frame_rate_req {
    uint32_t frame_rate_numer;
    uint32_t frame_rate_denom;
};

struct xencamera_buf_request {
    uint8_t num_bufs;
};

struct xencamera_buf_create_req {
    uint8_t index;
    uint8_t reserved[3];
    uint32_t plane_offset[XENCAMERA_MAX_PLANE];
    grant_ref_t gref_directory; /* first page-directory page */
};

/* A granted page listing buffer pages; chained by gref_dir_next_page. */
struct xencamera_page_directory {
    grant_ref_t gref_dir_next_page;
    grant_ref_t gref[1];        /* as many as fit in the page */
};

struct xencamera_index {
    uint8_t index;
};

struct xencamera_ctrl_value {
    uint8_t type;               /* XENCAMERA_CTRL_* */
    uint8_t reserved[7];
    int64_t value;
};

struct xencamera_get_ctrl_req {
    uint8_t type;
};

struct xencamera_config_resp {
    uint32_t pixel_format;
    uint32_t width;
    uint32_t height;
    uint32_t colorspace;        /* XENCAMERA_COLORSPACE_* */
    uint32_t xfer_func;         /* XENCAMERA_XFER_FUNC_* */
    uint32_t ycbcr_enc;         /* XENCAMERA_YCBCR_ENC_* */
    uint32_t quantization;      /* XENCAMERA_QUANTIZATION_* */
    uint32_t displ_asp_ratio_numer;
    uint32_t displ_asp_ratio_denom;
    uint32_t frame_rate_numer;
    uint32_t frame_rate_denom;
};

struct xencamera_buf_get_layout_resp {
    uint8_t num_planes;
    uint8_t reserved[3];
    uint32_t size;
    uint32_t plane_size[XENCAMERA_MAX_PLANE];
    uint32_t plane_stride[XENCAMERA_MAX_PLANE];
};

struct xencamera_ctrl_enum_resp {
    uint8_t index;
    uint8_t type;
    uint8_t reserved[2];
    uint32_t flags;             /* XENCAMERA_CTRL_FLG_* */
    int64_t min;
    int64_t max;
    int64_t step;
    int64_t def_val;
};

struct xencamera_frame_avail_evt {
    uint8_t index;              /* buffer holding the frame */
    uint8_t reserved[3];
    uint32_t used_sz;
    uint32_t seq_num;
};

struct xencamera_req {
    uint16_t id;
    uint8_t operation;          /* XENCAMERA_OP_* */
    uint8_t reserved[5];
    union {
        struct xencamera_config_req config;
        struct xencamera_frame_rate_req frame_rate;
        struct xencamera_buf_request buf_request;
        struct xencamera_buf_create_req buf_create;
        struct xencamera_index index;
        struct xencamera_ctrl_value ctrl_value;
        struct xencamera_get_ctrl_req get_ctrl;
        uint8_t reserved[56];
    } req;
};

struct xencamera_resp {
    uint16_t id;
    uint8_t operation;
    uint8_t reserved;
    int32_t status;             /* 0 or a negative XEN_E* */
    union {
        struct xencamera_config_resp config;
        struct xencamera_buf_get_layout_resp buf_layout;
        struct xencamera_buf_request buf_request;
        struct xencamera_ctrl_enum_resp ctrl_enum;
        struct xencamera_ctrl_value ctrl_value;
        uint8_t reserved1[56];
    } resp;
};

struct xencamera_evt {
    uint16_t id;
    uint8_t type;               /* XENCAMERA_EVT_* */
    uint8_t reserved[5];
    union {
        struct xencamera_frame_avail_evt frame_avail;
        struct xencamera_ctrl_value ctrl_value;
        uint8_t reserved[56];
    } evt;
};

DEFINE_RING_TYPES(xen_cameraif, struct xencamera_req, struct xencamera_resp);

/* Head of the event page; the event ring follows it. */
struct xencamera_event_page {
    uint32_t in_cons;           /* written by the frontend */
    uint32_t in_prod;           /* written by the backend */
    uint8_t reserved[56];
};

#define XENCAMERA_EVENT_PAGE_SIZE 4096
#define XENCAMERA_IN_RING_OFFS (sizeof(struct xencamera_event_page))
#define XENCAMERA_IN_RING_SIZE \
    (XENCAMERA_EVENT_PAGE_SIZE - XENCAMERA_IN_RING_OFFS)
#define XENCAMERA_IN_RING_LEN \
    (XENCAMERA_IN_RING_SIZE / sizeof(struct xencamera_evt))
#define XENCAMERA_IN_RING(page) \
    ((struct xencamera_evt *)((char *)(page) + XENCAMERA_IN_RING_OFFS))
#define XENCAMERA_IN_RING_REF(page, idx) \
    (XENCAMERA_IN_RING((page))[(idx) % XENCAMERA_IN_RING_LEN])

#endif /* __XEN_PUBLIC_IO_CAMERAIF_H__ */
