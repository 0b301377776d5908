/* SPDX-License-Identifier: GPL-2.0-only */
/* Typed copies through guest handles: the only way to touch guest memory. */
#ifndef XEN_GUEST_ACCESS_H
#define XEN_GUEST_ACCESS_H

#include <asm/uaccess.h>

/*
 * Each returns the number of bytes not copied, so 0 is success and a
 * caller turns anything else into -EFAULT.  nr counts elements of the
 * handle's type; off (in elements) indexes into a guest array.
 */
#define guest_handle_is_null(hnd)   ((hnd).p == NULL)
#define guest_handle_add_offset(hnd, nr) ((hnd).p += (nr))

#define copy_from_guest_offset(ptr, hnd, off, nr)                           \
    copy_from_guest_bytes(ptr, (hnd).p + (off), sizeof(*(hnd).p) * (nr))
#define copy_to_guest_offset(hnd, off, ptr, nr)                             \
    copy_to_guest_bytes((hnd).p + (off), ptr, sizeof(*(hnd).p) * (nr))
#define copy_from_guest(ptr, hnd, nr)   copy_from_guest_offset(ptr, hnd, 0, nr)
#define copy_to_guest(hnd, ptr, nr)     copy_to_guest_offset(hnd, 0, ptr, nr)

/* A whole structure at a raw guest address (vcpu_op, callback_op ...). */
#define copy_from_guest_addr(ptr, addr)                                     \
    copy_from_guest_bytes(ptr, (const void *)(unsigned long)(addr),         \
                          sizeof(*(ptr)))
#define copy_to_guest_addr(addr, ptr)                                       \
    copy_to_guest_bytes((void *)(unsigned long)(addr), ptr, sizeof(*(ptr)))

#endif /* XEN_GUEST_ACCESS_H */
