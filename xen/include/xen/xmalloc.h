/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor's general-purpose memory allocator (xmalloc/xfree). */
#ifndef XEN_XMALLOC_H
#define XEN_XMALLOC_H

#include <xen/types.h>

/*
 * What a zero-byte request returns: distinct from NULL so callers don't
 * see a failure, and non-canonical so any dereference faults instead of
 * reaching memory a guest might control.
 */
#define ZERO_BLOCK_PTR ((void *)0x8000000000000000UL)

/* align must be a power of two; NULL on failure. */
void *_xmalloc(size_t size, size_t align);
void *_xzalloc(size_t size, size_t align);
/* NULL (not a wrapped-around size) when nr * size overflows. */
void *_xmalloc_array(size_t size, size_t align, size_t nr);
void *_xzalloc_array(size_t size, size_t align, size_t nr);
/* Accepts NULL and ZERO_BLOCK_PTR; panics on a pointer it never gave out. */
void xfree(void *p);

#define xmalloc_bytes(size) _xmalloc(size, sizeof(void *))
#define xzalloc_bytes(size) _xzalloc(size, sizeof(void *))
#define xmalloc(type)       ((type *)_xmalloc(sizeof(type), __alignof__(type)))
#define xzalloc(type)       ((type *)_xzalloc(sizeof(type), __alignof__(type)))
#define xmalloc_array(type, nr)                                               \
    ((type *)_xmalloc_array(sizeof(type), __alignof__(type), nr))
#define xzalloc_array(type, nr)                                               \
    ((type *)_xzalloc_array(sizeof(type), __alignof__(type), nr))

#endif /* XEN_XMALLOC_H */
