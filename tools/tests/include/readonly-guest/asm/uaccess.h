/* SPDX-License-Identifier: GPL-2.0-only */
/* Guest copies for suites that need a read-only guest range too. */
#ifndef ASM_X86_UACCESS_H
#define ASM_X86_UACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Copies touching [harness_fault_lo, harness_fault_hi) fail both ways, as
 * for an unmapped guest address; copies to guest memory in
 * [guest_ro_lo, guest_ro_hi) fail, as for a read-only mapping.
 */
extern uintptr_t harness_fault_lo, harness_fault_hi;
extern uintptr_t guest_ro_lo, guest_ro_hi;

static inline bool test_guest_overlaps(uintptr_t guest, unsigned long len,
                                       uintptr_t lo, uintptr_t hi)
{
    return guest < hi && guest + len > lo;
}

static inline unsigned long copy_from_guest_bytes(void *dst, const void *src,
                                                  unsigned long len)
{
    if ( test_guest_overlaps((uintptr_t)src, len, harness_fault_lo,
                             harness_fault_hi) )
        return len;
    __builtin_memcpy(dst, src, len);
    return 0;
}

static inline unsigned long copy_to_guest_bytes(void *dst, const void *src,
                                                unsigned long len)
{
    if ( test_guest_overlaps((uintptr_t)dst, len, harness_fault_lo,
                             harness_fault_hi) ||
         test_guest_overlaps((uintptr_t)dst, len, guest_ro_lo, guest_ro_hi) )
        return len;
    __builtin_memcpy(dst, src, len);
    return 0;
}

#endif /* ASM_X86_UACCESS_H */
