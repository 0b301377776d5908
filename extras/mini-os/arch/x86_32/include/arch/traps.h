/* SPDX-License-Identifier: GPL-2.0-only */
/* The 32-bit trap frame, as trap_common in head.S leaves it. */

#ifndef MINIOS_ARCH_TRAPS_H
#define MINIOS_ARCH_TRAPS_H

/*
 * What trap_common pushes, lowest address first, over Xen's 32-bit
 * bounce frame (eip, cs with the saved upcall mask in its upper half,
 * eflags; esp and ss only when it came from ring 3).
 */
struct trap_regs {
    unsigned long ebx, ecx, edx, esi, edi, ebp, eax;
    unsigned long vector, error_code;
    unsigned long eip, cs, eflags, esp, ss;
};

/* The interrupted instruction pointer, and the register results go in. */
#define TRAP_IP(r) ((r)->eip)
#define TRAP_AX(r) ((r)->eax)

#endif /* MINIOS_ARCH_TRAPS_H */
