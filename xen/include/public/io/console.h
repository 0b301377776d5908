/* SPDX-License-Identifier: MIT */
/* The PV console page shared between a guest and the console daemon. */

#ifndef __XEN_PUBLIC_IO_CONSOLE_H__
#define __XEN_PUBLIC_IO_CONSOLE_H__

#include "../xen.h"

typedef uint32_t XENCONS_RING_IDX;

/* Offset in 'ring' (an array) of free-running index idx. */
#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

/*
 * Two byte rings with free-running indexes.
 *  in[]:  console input.  The daemon writes bytes, write barrier, then
 *         in_prod; the guest reads bytes, barrier, then in_cons.
 *  out[]: console output.  The guest writes bytes, write barrier, then
 *         out_prod; the daemon reads bytes, barrier, then out_cons.
 * The writer of an index notifies the other side over the console event
 * channel afterwards.
 */
struct xencons_interface {
    char in[1024];
    char out[2048];
    XENCONS_RING_IDX in_cons, in_prod;
    XENCONS_RING_IDX out_cons, out_prod;
};

#ifdef XEN_WANT_FLEX_CONSOLE_RING
#include "ring.h"
DEFINE_XEN_FLEX_RING(xencons);
#endif

#endif /* __XEN_PUBLIC_IO_CONSOLE_H__ */
