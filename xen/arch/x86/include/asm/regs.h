/* SPDX-License-Identifier: GPL-2.0-only */
/* The register frame every exception and interrupt entry saves. */
#ifndef ASM_X86_REGS_H
#define ASM_X86_REGS_H

#include <xen/types.h>

/*
 * Field order equals Xen's public x86-64 cpu_user_regs so that guest
 * frames can later be copied in and out without translation.  The general
 * registers are pushed by entry.S; error_code onwards by the CPU (or the
 * stub, for vectors without an error code).
 */
struct cpu_user_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint32_t error_code;
    uint32_t entry_vector;
    uint64_t rip;
    uint16_t cs, _pad0[1];
    uint8_t  saved_upcall_mask;
    uint8_t  _pad1[3];
    uint64_t rflags;
    uint64_t rsp;
    uint16_t ss, _pad2[3];
};

static inline bool guest_mode(const struct cpu_user_regs *r)
{
    return (r->cs & 3) != 0;
}

#endif /* ASM_X86_REGS_H */
