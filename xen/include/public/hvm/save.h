/* SPDX-License-Identifier: MIT */
/* HVM save/restore stream: record framing and typed record declarations. */

#ifndef __XEN_PUBLIC_HVM_SAVE_H__
#define __XEN_PUBLIC_HVM_SAVE_H__

#include "../xen.h"

/*
 * An HVM context (XEN_DOMCTL_gethvmcontext) is a sequence of records,
 * each a hvm_save_descriptor followed by 'length' bytes of the record
 * type named by typecode; 'instance' tells apart records of one type
 * (vcpu number, device number).  The stream starts with HEADER and ends
 * with END.  It is produced and consumed by Xen and the toolstack only;
 * the guest never sees it.
 */
struct hvm_save_descriptor {
    uint16_t typecode;
    uint16_t instance;
    uint32_t length;
};

/*
 * DECLARE_HVM_SAVE_TYPE(NAME, code, type) binds a record type to its
 * code through a marker structure that is never instantiated: 't' has
 * the record's type, sizeof 'c' is the code, sizeof 'cpt' - 1 says
 * whether an older, shorter ("compat") layout exists.
 * (C++ forbids a zero-size member before another, so there the two
 * arrays swap places; only sizes are ever taken.)
 */
#ifdef __cplusplus
#define XEN_HVM_SAVE_MARKER_(_x, _type, _code, _n)                        \
    struct __HVM_SAVE_TYPE_##_x {                                         \
        _type t; char cpt[_n]; __xen_extension char c[_code]; }
#else
#define XEN_HVM_SAVE_MARKER_(_x, _type, _code, _n)                        \
    struct __HVM_SAVE_TYPE_##_x {                                         \
        _type t; __xen_extension char c[_code]; char cpt[_n]; }
#endif

#ifdef __XEN__
/* The hypervisor also records how to upgrade a compat record in place. */
#define DECLARE_HVM_SAVE_TYPE_COMPAT(_x, _code, _type, _ctype, _fix)      \
    static inline int __HVM_SAVE_FIX_COMPAT_##_x(void *h, uint32_t size)  \
    { return _fix(h, size); }                                             \
    XEN_HVM_SAVE_MARKER_(_x, _type, _code, 2);                            \
    struct __HVM_SAVE_TYPE_COMPAT_##_x { _ctype t; }

#define DECLARE_HVM_SAVE_TYPE(_x, _code, _type)                           \
    static inline int __HVM_SAVE_FIX_COMPAT_##_x(void *h, uint32_t size)  \
    { (void)h; (void)size; __builtin_trap(); return -1; }                 \
    XEN_HVM_SAVE_MARKER_(_x, _type, _code, 1);                            \
    struct __HVM_SAVE_TYPE_COMPAT_##_x { _type t; }
#else
#define DECLARE_HVM_SAVE_TYPE_COMPAT(_x, _code, _type, _ctype, _fix)      \
    XEN_HVM_SAVE_MARKER_(_x, _type, _code, 2)
#define DECLARE_HVM_SAVE_TYPE(_x, _code, _type)                           \
    XEN_HVM_SAVE_MARKER_(_x, _type, _code, 1)
#endif

/* Type, payload length and code of record NAME. */
#define HVM_SAVE_TYPE(_x) __typeof__(((struct __HVM_SAVE_TYPE_##_x *)(0))->t)
#define HVM_SAVE_LENGTH(_x) (sizeof(HVM_SAVE_TYPE(_x)))
#define HVM_SAVE_CODE(_x) (sizeof(((struct __HVM_SAVE_TYPE_##_x *)(0))->c))

#ifdef __XEN__
#define HVM_SAVE_TYPE_COMPAT(_x)                                          \
    __typeof__(((struct __HVM_SAVE_TYPE_COMPAT_##_x *)(0))->t)
#define HVM_SAVE_LENGTH_COMPAT(_x) (sizeof(HVM_SAVE_TYPE_COMPAT(_x)))
#define HVM_SAVE_HAS_COMPAT(_x)                                           \
    (sizeof(((struct __HVM_SAVE_TYPE_##_x *)(0))->cpt) - 1)
#define HVM_SAVE_FIX_COMPAT(_x, _dst, _size)                              \
    __HVM_SAVE_FIX_COMPAT_##_x(_dst, _size)
#endif

/* The terminating record: code 0, no payload. */
__xen_extension struct hvm_save_end {};
DECLARE_HVM_SAVE_TYPE(END, 0, struct hvm_save_end);

#if defined(__i386__) || defined(__x86_64__)
#include "../arch-x86/hvm/save.h"
#else
#error "No HVM save records for this architecture."
#endif

#endif /* __XEN_PUBLIC_HVM_SAVE_H__ */
