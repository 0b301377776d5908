/* SPDX-License-Identifier: GPL-2.0-only */
/* Typed copies through guest handles: the only way to touch guest memory. */
#ifndef XEN_GUEST_ACCESS_H
#define XEN_GUEST_ACCESS_H

#include <asm/uaccess.h>

/*
 * A guest handle is opaque outside this file: code passes it on, offsets
 * it, copies through it, and takes its address only to hand it back to
 * the guest (a continuation's arguments) or to keep it (a registration).
 *
 * Each copy returns the number of bytes not copied, so 0 is success and a
 * caller turns anything else into -EFAULT.  nr counts elements of *ptr's
 * type, which must be the handle's (a void handle takes any); off (in
 * elements) indexes into a guest array.
 */
#define guest_handle_is_null(hnd)        ((hnd).p == NULL)
#define guest_handle_add_offset(hnd, nr) ((hnd).p += (nr))
/* The guest address hnd names. */
#define guest_handle_addr(hnd) ((unsigned long)(hnd).p)
/* hnd as a handle of another type (Xen's guest_handle_cast). */
#define guest_handle_cast(hnd, type)                                          \
    ((XEN_GUEST_HANDLE_PARAM(type)){ (type *)(hnd).p })
/*
 * Whether nr elements from hnd lie where the guest may have memory; that
 * they are mapped shows when they are copied.
 */
#define guest_handle_okay(hnd, nr)                                            \
    ((unsigned long)(nr) <= ~0UL / sizeof(*(hnd).p) &&                        \
     guest_range_ok(guest_handle_addr(hnd),                                   \
                    (unsigned long)(nr) * sizeof(*(hnd).p)))

/*
 * 0, and a compile-time error unless ptr may point where hnd does (the
 * same type, or a void handle).  Plain expressions rather than statement
 * expressions, so that checkers see the copies' destinations written.
 */
#define guest_handle_type_check(hnd, ptr) (0 * sizeof((hnd).p == (ptr)))

#define copy_from_guest_offset(ptr, hnd, off, nr)                             \
    copy_from_guest_bytes(ptr,                                                \
                          (const unsigned char *)(hnd).p +                    \
                              sizeof(*(ptr)) * (off) +                        \
                              guest_handle_type_check(hnd, ptr),              \
                          sizeof(*(ptr)) * (nr))
#define copy_to_guest_offset(hnd, off, ptr, nr)                               \
    copy_to_guest_bytes((unsigned char *)(hnd).p + sizeof(*(ptr)) * (off) +   \
                            guest_handle_type_check(hnd, ptr),                \
                        ptr, sizeof(*(ptr)) * (nr))
#define copy_from_guest(ptr, hnd, nr) copy_from_guest_offset(ptr, hnd, 0, nr)
#define copy_to_guest(hnd, ptr, nr)   copy_to_guest_offset(hnd, 0, ptr, nr)

/* One field of the structure hnd points at, from *ptr's. */
#define copy_field_to_guest(hnd, ptr, field)                                  \
    copy_to_guest_bytes(&(hnd).p->field, &(ptr)->field,                       \
                        sizeof((ptr)->field) +                                \
                            0 * sizeof(&(hnd).p->field == &(ptr)->field))

/* A whole structure at a raw guest address (vcpu_op, callback_op ...). */
#define copy_from_guest_addr(ptr, addr)                                       \
    copy_from_guest_bytes(ptr, (const void *)(unsigned long)(addr),           \
                          sizeof(*(ptr)))
#define copy_to_guest_addr(addr, ptr)                                         \
    copy_to_guest_bytes((void *)(unsigned long)(addr), ptr, sizeof(*(ptr)))

#endif /* XEN_GUEST_ACCESS_H */
