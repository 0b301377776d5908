/* SPDX-License-Identifier: GPL-2.0-only */
/* Assembly helpers shared by the entry paths: saving a register frame. */
#ifndef ASM_X86_ASM_DEFNS_H
#define ASM_X86_ASM_DEFNS_H

#ifdef __ASSEMBLY__
/*
 * Push or pop the general registers of struct cpu_user_regs, whose first
 * field (r15) ends up at the lowest address: %rsp then points at the frame.
 */
.macro SAVE_ALL
        push    %rdi
        push    %rsi
        push    %rdx
        push    %rcx
        push    %rax
        push    %r8
        push    %r9
        push    %r10
        push    %r11
        push    %rbx
        push    %rbp
        push    %r12
        push    %r13
        push    %r14
        push    %r15
.endm

.macro RESTORE_ALL
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbp
        pop     %rbx
        pop     %r11
        pop     %r10
        pop     %r9
        pop     %r8
        pop     %rax
        pop     %rcx
        pop     %rdx
        pop     %rsi
        pop     %rdi
.endm
#endif

/* Offsets in struct cpu_user_regs (checked in pv/traps.c). */
#define UREGS_r11           48
#define UREGS_rcx           88
#define UREGS_error_code    120
#define UREGS_entry_vector  124
#define UREGS_rip           128
#define UREGS_cs            136
#define UREGS_rflags        144
#define UREGS_rsp           152
#define UREGS_ss            160

#endif /* ASM_X86_ASM_DEFNS_H */
