/* SPDX-License-Identifier: GPL-2.0-only */
/* Host-test stand-in for asm/uaccess.h: guest memory is this process's. */
#ifndef ASM_X86_UACCESS_H
#define ASM_X86_UACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <public/xen.h>

/*
 * A test makes a guest pointer "unmapped" by pointing it into
 * [harness_fault_lo, harness_fault_hi): copies touching that window fail
 * as a faulting guest access would.
 */
extern uintptr_t harness_fault_lo, harness_fault_hi;

static inline unsigned long harness_guest_copy(void *dst, const void *src,
                                               unsigned long len,
                                               uintptr_t guest)
{
    if ( guest < harness_fault_hi && guest + len > harness_fault_lo )
        return len;
    __builtin_memcpy(dst, src, len);
    return 0;
}

/* The hypervisor's own check: host pointers all pass it. */
#include <asm/guest_range.h>
#define copy_from_guest_bytes(dst, src, len) \
    harness_guest_copy(dst, src, len, (uintptr_t)(src))
#define copy_to_guest_bytes(dst, src, len) \
    harness_guest_copy(dst, src, len, (uintptr_t)(dst))

#endif /* ASM_X86_UACCESS_H */
