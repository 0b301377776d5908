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
#define guest_handle_is_null(hnd)   ((hnd).p == NULL)
#define guest_handle_add_offset(hnd, nr) ((hnd).p += (nr))
/* The guest address hnd names. */
#define guest_handle_addr(hnd)      ((unsigned long)(hnd).p)
/* hnd as a handle of another type (Xen's guest_handle_cast). */
#define guest_handle_cast(hnd, type) ({                                     \
    type *_x = (void *)(hnd).p;                                             \
    (XEN_GUEST_HANDLE_PARAM(type)) { _x };                                  \
})
/*
 * Whether nr elements from hnd lie where the guest may have memory; that
 * they are mapped shows when they are copied.
 */
#define guest_handle_okay(hnd, nr)                                          \
    ((unsigned long)(nr) <= ~0UL / sizeof(*(hnd).p) &&                      \
     guest_range_ok(guest_handle_addr(hnd),                                 \
                    (unsigned long)(nr) * sizeof(*(hnd).p)))

#define copy_from_guest_offset(ptr, hnd, off, nr) ({                        \
    const typeof(*(ptr)) *_s = (hnd).p;                                     \
    copy_from_guest_bytes(ptr, _s + (off), sizeof(*(ptr)) * (nr));          \
})
#define copy_to_guest_offset(hnd, off, ptr, nr) ({                          \
    unsigned char *_d = (void *)(hnd).p;                                    \
    (void)((hnd).p == (ptr));                                               \
    copy_to_guest_bytes(_d + sizeof(*(ptr)) * (off), ptr,                   \
                        sizeof(*(ptr)) * (nr));                             \
})
#define copy_from_guest(ptr, hnd, nr)   copy_from_guest_offset(ptr, hnd, 0, nr)
#define copy_to_guest(hnd, ptr, nr)     copy_to_guest_offset(hnd, 0, ptr, nr)

/* One field of the structure hnd points at, from or to *ptr's. */
#define copy_field_from_guest(ptr, hnd, field) ({                           \
    const typeof(&(ptr)->field) _f = &(hnd).p->field;                       \
    copy_from_guest_bytes(&(ptr)->field, _f, sizeof(*_f));                  \
})
#define copy_field_to_guest(hnd, ptr, field) ({                             \
    const typeof(&(ptr)->field) _f = &(ptr)->field;                         \
    (void)(&(hnd).p->field == _f);                                          \
    copy_to_guest_bytes(&(hnd).p->field, _f, sizeof(*_f));                  \
})

/* A whole structure at a raw guest address (vcpu_op, callback_op ...). */
#define copy_from_guest_addr(ptr, addr)                                     \
    copy_from_guest_bytes(ptr, (const void *)(unsigned long)(addr),         \
                          sizeof(*(ptr)))
#define copy_to_guest_addr(addr, ptr)                                       \
    copy_to_guest_bytes((void *)(unsigned long)(addr), ptr, sizeof(*(ptr)))

#endif /* XEN_GUEST_ACCESS_H */
