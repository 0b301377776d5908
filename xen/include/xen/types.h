/* SPDX-License-Identifier: GPL-2.0-only */
/* Basic scalar types and type-safe frame numbers for the hypervisor. */
#ifndef XEN_TYPES_H
#define XEN_TYPES_H

/* The compiler's freestanding headers; identical under a host test build. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t paddr_t;
typedef uint16_t domid_t;

/*
 * Machine and guest frame numbers are distinct types so that mixing them up
 * is a compile error; _mfn()/mfn_x() convert at the boundaries.
 */
#define TYPE_SAFE(type, name)                                                 \
    typedef struct {                                                          \
        type name;                                                            \
    } name##_t;                                                               \
    static inline name##_t _##name(type n)                                    \
    {                                                                         \
        return (name##_t){ n };                                               \
    }                                                                         \
    static inline type name##_x(name##_t n)                                   \
    {                                                                         \
        return n.name;                                                        \
    }

TYPE_SAFE(unsigned long, mfn)
TYPE_SAFE(unsigned long, gfn)
TYPE_SAFE(unsigned long, pfn)

#define INVALID_MFN _mfn(~0UL)
#define INVALID_GFN _gfn(~0UL)

static inline bool mfn_eq(mfn_t a, mfn_t b)
{
    return mfn_x(a) == mfn_x(b);
}

static inline mfn_t mfn_add(mfn_t m, unsigned long i)
{
    return _mfn(mfn_x(m) + i);
}

#endif /* XEN_TYPES_H */
