/* SPDX-License-Identifier: MIT */
/* Shared request/response rings used by all split (front/back) drivers. */

#ifndef __XEN_PUBLIC_IO_RING_H__
#define __XEN_PUBLIC_IO_RING_H__

#include "../xen.h"

/*
 * A shared ring lives in one or more granted pages.  The frontend
 * produces requests and consumes responses; the backend does the
 * reverse.  Responses reuse the slots of consumed requests, so the ring
 * holds at most RING_SIZE outstanding requests.
 *
 * Indexes are free-running 32-bit counters (RING_IDX) reduced modulo the
 * power-of-two ring size.  Ownership rules:
 *   req_prod   written by the frontend only, after the request slots
 *              (write barrier in between: RING_PUSH_REQUESTS);
 *   rsp_prod   written by the backend only, after the response slots;
 *   req_event  written by the backend: "notify me when req_prod passes
 *              this value";
 *   rsp_event  written by the frontend, likewise for rsp_prod.
 * Each side keeps its private producer and consumer indexes in its own
 * front_ring/back_ring structure, which is never shared.
 *
 * The user must provide xen_mb(), xen_rmb() and xen_wmb() (full, read
 * and write barriers) and memset() before expanding the macros.
 */

#if __XEN_INTERFACE_VERSION__ < 0x00030208
#define xen_mb()  mb()
#define xen_rmb() rmb()
#define xen_wmb() wmb()
#endif

typedef unsigned int RING_IDX;

/* Round a 32-bit value down to a power of two (constant expression). */
#define XEN_RING_P2_2_(x)  (((x) & 0x2u) ? 0x2u : ((x) & 0x1u))
#define XEN_RING_P2_4_(x)  (((x) & 0xcu) ? XEN_RING_P2_2_((x) >> 2) << 2 \
                                        : XEN_RING_P2_2_(x))
#define XEN_RING_P2_8_(x)  (((x) & 0xf0u) ? XEN_RING_P2_4_((x) >> 4) << 4 \
                                         : XEN_RING_P2_4_(x))
#define XEN_RING_P2_16_(x) (((x) & 0xff00u) ? XEN_RING_P2_8_((x) >> 8) << 8 \
                                           : XEN_RING_P2_8_(x))
#define XEN_RING_P2_32_(x) (((x) & 0xffff0000u)                           \
                            ? XEN_RING_P2_16_((x) >> 16) << 16            \
                            : XEN_RING_P2_16_(x))

/* Slots in a ring of type _s occupying _sz bytes (constant expression). */
#define __CONST_RING_SIZE(_s, _sz)                                        \
    (XEN_RING_P2_32_(((_sz) - offsetof(struct _s##_sring, ring)) /        \
                     sizeof(((struct _s##_sring *)0)->ring[0])))

/* The same for a shared ring pointer _s. */
#define __RING_SIZE(_s, _sz)                                              \
    (XEN_RING_P2_32_(((_sz) - (long)(_s)->ring + (long)(_s)) /            \
                     sizeof((_s)->ring[0])))

/*
 * Declares, for a ring called __name:
 *   union __name##_sring_entry  one slot (request or response);
 *   struct __name##_sring       the shared page layout (64-byte header);
 *   struct __name##_front_ring  the frontend's private state;
 *   struct __name##_back_ring   the backend's private state;
 * and the matching _t typedefs.
 */
#define DEFINE_RING_TYPES(__name, __req_t, __rsp_t)                       \
union __name##_sring_entry {                                              \
    __req_t req;                                                          \
    __rsp_t rsp;                                                          \
};                                                                        \
struct __name##_sring {                                                   \
    RING_IDX req_prod, req_event;                                         \
    RING_IDX rsp_prod, rsp_event;                                         \
    union {                                                               \
        struct {                                                          \
            uint8_t smartpoll_active;                                     \
        } netif;                                                          \
        struct {                                                          \
            uint8_t msg;                                                  \
        } tapif_user;                                                     \
        uint8_t pvt_pad[4];                                               \
    } pvt;                  /* per-protocol scratch, zeroed at init */    \
    uint8_t __pad[44];      /* slots start 64 bytes in */                 \
    union __name##_sring_entry ring[1]; /* really RING_SIZE slots */      \
};                                                                        \
struct __name##_front_ring {                                              \
    RING_IDX req_prod_pvt;  /* next request slot to fill */               \
    RING_IDX rsp_cons;      /* next response to read */                   \
    unsigned int nr_ents;                                                 \
    struct __name##_sring *sring;                                         \
};                                                                        \
struct __name##_back_ring {                                               \
    RING_IDX rsp_prod_pvt;  /* next response slot to fill */              \
    RING_IDX req_cons;      /* next request to read */                    \
    unsigned int nr_ents;                                                 \
    struct __name##_sring *sring;                                         \
};                                                                        \
typedef struct __name##_sring __name##_sring_t;                           \
typedef struct __name##_front_ring __name##_front_ring_t;                 \
typedef struct __name##_back_ring __name##_back_ring_t

/* Initialise a fresh shared page (the frontend does this). */
#define SHARED_RING_INIT(_s) do {                                         \
    (_s)->req_prod = (_s)->rsp_prod = 0;                                  \
    (_s)->req_event = (_s)->rsp_event = 1;                                \
    (void)memset((_s)->pvt.pvt_pad, 0, sizeof((_s)->pvt.pvt_pad));        \
    (void)memset((_s)->__pad, 0, sizeof((_s)->__pad));                    \
} while ( 0 )

/* Attach private state to a shared ring, starting at index _i. */
#define FRONT_RING_ATTACH(_r, _s, _i, __size) do {                        \
    (_r)->req_prod_pvt = (_i);                                            \
    (_r)->rsp_cons = (_i);                                                \
    (_r)->nr_ents = __RING_SIZE(_s, __size);                              \
    (_r)->sring = (_s);                                                   \
} while ( 0 )

#define FRONT_RING_INIT(_r, _s, __size) FRONT_RING_ATTACH(_r, _s, 0, __size)

#define XEN_FRONT_RING_INIT(r, s, size) do {                              \
    SHARED_RING_INIT(s);                                                  \
    FRONT_RING_INIT(r, s, size);                                          \
} while ( 0 )

#define BACK_RING_ATTACH(_r, _s, _i, __size) do {                         \
    (_r)->rsp_prod_pvt = (_i);                                            \
    (_r)->req_cons = (_i);                                                \
    (_r)->nr_ents = __RING_SIZE(_s, __size);                              \
    (_r)->sring = (_s);                                                   \
} while ( 0 )

#define BACK_RING_INIT(_r, _s, __size) BACK_RING_ATTACH(_r, _s, 0, __size)

#define RING_SIZE(_r) ((_r)->nr_ents)

/* Request slots the frontend may still fill. */
#define RING_FREE_REQUESTS(_r)                                            \
    (RING_SIZE(_r) - ((_r)->req_prod_pvt - (_r)->rsp_cons))

#define RING_FULL(_r) (RING_FREE_REQUESTS(_r) == 0)

/* Responses published by the backend and not yet consumed. */
#define XEN_RING_NR_UNCONSUMED_RESPONSES(_r)                              \
    ((_r)->sring->rsp_prod - (_r)->rsp_cons)

/*
 * Requests published and not yet consumed, never more than there are
 * free response slots (a misbehaving frontend cannot make the backend
 * overrun).  req_prod is read once.
 */
#ifdef __GNUC__
#define XEN_RING_NR_UNCONSUMED_REQUESTS(_r) ({                            \
    unsigned int req_ = (_r)->sring->req_prod - (_r)->req_cons;           \
    unsigned int rsp_ = RING_SIZE(_r) -                                   \
                        ((_r)->req_cons - (_r)->rsp_prod_pvt);            \
    req_ < rsp_ ? req_ : rsp_;                                            \
})
#else
#define XEN_RING_NR_UNCONSUMED_REQUESTS(_r)                               \
    ((((_r)->sring->req_prod - (_r)->req_cons) <                          \
      (RING_SIZE(_r) - ((_r)->req_cons - (_r)->rsp_prod_pvt)))            \
     ? ((_r)->sring->req_prod - (_r)->req_cons)                           \
     : (RING_SIZE(_r) - ((_r)->req_cons - (_r)->rsp_prod_pvt)))
#endif

#ifdef XEN_RING_HAS_UNCONSUMED_IS_BOOL
#define RING_HAS_UNCONSUMED_RESPONSES(_r)                                 \
    (!!XEN_RING_NR_UNCONSUMED_RESPONSES(_r))
#define RING_HAS_UNCONSUMED_REQUESTS(_r)                                  \
    (!!XEN_RING_NR_UNCONSUMED_REQUESTS(_r))
#else
#define RING_HAS_UNCONSUMED_RESPONSES(_r) XEN_RING_NR_UNCONSUMED_RESPONSES(_r)
#define RING_HAS_UNCONSUMED_REQUESTS(_r) XEN_RING_NR_UNCONSUMED_REQUESTS(_r)
#endif

/* Slot addresses for an index. */
#define RING_GET_REQUEST(_r, _idx)                                        \
    (&((_r)->sring->ring[(_idx) & (RING_SIZE(_r) - 1)].req))
#define RING_GET_RESPONSE(_r, _idx)                                       \
    (&((_r)->sring->ring[(_idx) & (RING_SIZE(_r) - 1)].rsp))

/*
 * Copy a slot out in one go through a volatile pointer, so that the
 * other side rewriting the slot cannot make us read two different
 * values of the same field.
 */
#define RING_COPY_(type, r, idx, dest) do {                               \
    *(dest) = *(volatile __typeof__(dest))RING_GET_##type(r, idx);        \
} while ( 0 )
#define RING_COPY_REQUEST(r, idx, req) RING_COPY_(REQUEST, r, idx, req)
#define RING_COPY_RESPONSE(r, idx, rsp) RING_COPY_(RESPONSE, r, idx, rsp)

/* Sanity checks on indexes supplied by the other side. */
#define RING_REQUEST_CONS_OVERFLOW(_r, _cons)                             \
    (((_cons) - (_r)->rsp_prod_pvt) >= RING_SIZE(_r))
#define RING_REQUEST_PROD_OVERFLOW(_r, _prod)                             \
    (((_prod) - (_r)->rsp_prod_pvt) > RING_SIZE(_r))
#define RING_RESPONSE_PROD_OVERFLOW(_r, _prod)                            \
    (((_prod) - (_r)->rsp_cons) > RING_SIZE(_r))

/* Publish filled slots: barrier first, then the producer index. */
#define RING_PUSH_REQUESTS(_r) do {                                       \
    xen_wmb();                                                            \
    (_r)->sring->req_prod = (_r)->req_prod_pvt;                           \
} while ( 0 )

#define RING_PUSH_RESPONSES(_r) do {                                      \
    xen_wmb();                                                            \
    (_r)->sring->rsp_prod = (_r)->rsp_prod_pvt;                           \
} while ( 0 )

/*
 * Publish and decide whether to notify: notify only if the other side's
 * event index lies in (old, new], i.e. it asked to be woken for one of
 * the entries just published.  The full barrier orders our producer
 * write before our read of the event index.
 */
#define RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(_r, _notify) do {             \
    RING_IDX old_ = (_r)->sring->req_prod;                                \
    RING_IDX new_ = (_r)->req_prod_pvt;                                   \
    xen_wmb();                                                            \
    (_r)->sring->req_prod = new_;                                         \
    xen_mb();                                                             \
    (_notify) = ((RING_IDX)(new_ - (_r)->sring->req_event) <              \
                 (RING_IDX)(new_ - old_));                                \
} while ( 0 )

#define RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(_r, _notify) do {            \
    RING_IDX old_ = (_r)->sring->rsp_prod;                                \
    RING_IDX new_ = (_r)->rsp_prod_pvt;                                   \
    xen_wmb();                                                            \
    (_r)->sring->rsp_prod = new_;                                         \
    xen_mb();                                                             \
    (_notify) = ((RING_IDX)(new_ - (_r)->sring->rsp_event) <              \
                 (RING_IDX)(new_ - old_));                                \
} while ( 0 )

/*
 * Before going idle: if nothing is pending, ask to be notified of the
 * next entry (event index = consumer + 1), then look once more to close
 * the race with a producer that published just before.
 */
#define RING_FINAL_CHECK_FOR_REQUESTS(_r, _work_to_do) do {               \
    (_work_to_do) = RING_HAS_UNCONSUMED_REQUESTS(_r);                     \
    if ( _work_to_do )                                                    \
        break;                                                            \
    (_r)->sring->req_event = (_r)->req_cons + 1;                          \
    xen_mb();                                                             \
    (_work_to_do) = RING_HAS_UNCONSUMED_REQUESTS(_r);                     \
} while ( 0 )

#define RING_FINAL_CHECK_FOR_RESPONSES(_r, _work_to_do) do {              \
    (_work_to_do) = RING_HAS_UNCONSUMED_RESPONSES(_r);                    \
    if ( _work_to_do )                                                    \
        break;                                                            \
    (_r)->sring->rsp_event = (_r)->rsp_cons + 1;                          \
    xen_mb();                                                             \
    (_work_to_do) = RING_HAS_UNCONSUMED_RESPONSES(_r);                    \
} while ( 0 )

/*
 * Byte-stream ("flex") rings of 2^order pages split into an in and an
 * out half, as used by 9pfs, pvcalls and others.  The interface page
 * holds the indexes; each side writes only its producer index (after the
 * data) and its consumer index (after reading).
 */
#ifndef XEN_PAGE_SHIFT
#define XEN_PAGE_SHIFT 12
#endif
#define XEN_FLEX_RING_SIZE(order)                                         \
    (1UL << ((order) + XEN_PAGE_SHIFT - 1))

/*
 * 'inline' is not C89, and the header should not need <string.h> or
 * <stddef.h>: GNU compilers get __inline__ and builtins.
 */
#if defined(__GNUC__)
#define XEN_FLEX_RING_INLINE_ static __inline__
#define XEN_FLEX_RING_SIZE_T_ __SIZE_TYPE__
#define XEN_FLEX_RING_MEMCPY_ __builtin_memcpy
#else
#define XEN_FLEX_RING_INLINE_ static inline
#define XEN_FLEX_RING_SIZE_T_ size_t
#define XEN_FLEX_RING_MEMCPY_ memcpy
#endif

#define DEFINE_XEN_FLEX_RING(name)                                        \
XEN_FLEX_RING_INLINE_ RING_IDX name##_mask(RING_IDX idx, RING_IDX size)   \
{                                                                         \
    return idx & (size - 1);                                              \
}                                                                         \
XEN_FLEX_RING_INLINE_ unsigned char *name##_get_ring_ptr(                 \
    unsigned char *buf, RING_IDX idx, RING_IDX ring_size)                 \
{                                                                         \
    return buf + name##_mask(idx, ring_size);                             \
}                                                                         \
XEN_FLEX_RING_INLINE_ void name##_read_packet(void *opaque,               \
    const unsigned char *buf, XEN_FLEX_RING_SIZE_T_ size,                 \
    RING_IDX masked_prod, RING_IDX *masked_cons, RING_IDX ring_size)      \
{                                                                         \
    RING_IDX first_ = ring_size - *masked_cons;                           \
    if ( *masked_cons < masked_prod || size <= first_ )                   \
        XEN_FLEX_RING_MEMCPY_(opaque, buf + *masked_cons, size);          \
    else                                                                  \
    {                                                                     \
        XEN_FLEX_RING_MEMCPY_(opaque, buf + *masked_cons, first_);        \
        XEN_FLEX_RING_MEMCPY_((unsigned char *)opaque + first_, buf,      \
                              size - first_);                             \
    }                                                                     \
    *masked_cons = name##_mask(*masked_cons + size, ring_size);           \
}                                                                         \
XEN_FLEX_RING_INLINE_ void name##_write_packet(unsigned char *buf,        \
    const void *opaque, XEN_FLEX_RING_SIZE_T_ size,                       \
    RING_IDX *masked_prod, RING_IDX masked_cons, RING_IDX ring_size)      \
{                                                                         \
    RING_IDX first_ = ring_size - *masked_prod;                           \
    if ( *masked_prod < masked_cons || size <= first_ )                   \
        XEN_FLEX_RING_MEMCPY_(buf + *masked_prod, opaque, size);          \
    else                                                                  \
    {                                                                     \
        XEN_FLEX_RING_MEMCPY_(buf + *masked_prod, opaque, first_);        \
        XEN_FLEX_RING_MEMCPY_(buf, (const unsigned char *)opaque + first_,\
                              size - first_);                             \
    }                                                                     \
    *masked_prod = name##_mask(*masked_prod + size, ring_size);           \
}                                                                         \
XEN_FLEX_RING_INLINE_ RING_IDX name##_queued(RING_IDX prod, RING_IDX cons,\
                                             RING_IDX ring_size)          \
{                                                                         \
    if ( prod == cons )                                                   \
        return 0;                                                         \
    prod = name##_mask(prod, ring_size);                                  \
    cons = name##_mask(cons, ring_size);                                  \
    if ( prod == cons )                                                   \
        return ring_size;                                                 \
    return prod > cons ? prod - cons : ring_size - (cons - prod);         \
}                                                                         \
struct name##_data {                                                      \
    unsigned char *in;                                                    \
    unsigned char *out;                                                   \
}

#define DEFINE_XEN_FLEX_RING_AND_INTF(name)                               \
struct name##_data_intf {                                                 \
    RING_IDX in_cons, in_prod;                                            \
    uint8_t pad1[56];                                                     \
    RING_IDX out_cons, out_prod;                                          \
    uint8_t pad2[56];                                                     \
    RING_IDX ring_order;                                                  \
    __xen_extension grant_ref_t ref[XEN_FLEX_ARRAY_DIM];                  \
};                                                                        \
DEFINE_XEN_FLEX_RING(name)

#endif /* __XEN_PUBLIC_IO_RING_H__ */
