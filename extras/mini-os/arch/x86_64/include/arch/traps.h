/* SPDX-License-Identifier: GPL-2.0-only */
/* The 64-bit trap frame, as trap_common in head.S leaves it. */

#ifndef MINIOS_ARCH_TRAPS_H
#define MINIOS_ARCH_TRAPS_H

/* What trap_common in head.S pushes, lowest address first. */
struct trap_regs {
    unsigned long r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    unsigned long rax, rcx, rdx, rsi, rdi;
    unsigned long vector, error_code;
    unsigned long rip, cs, rflags, rsp, ss;
};

/* The interrupted instruction pointer, and the register results go in. */
#define TRAP_IP(r) ((r)->rip)
#define TRAP_AX(r) ((r)->rax)

#endif /* MINIOS_ARCH_TRAPS_H */
