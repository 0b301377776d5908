/* SPDX-License-Identifier: GPL-2.0-only */
/* Assembly helpers shared by the entry paths: saving a register frame. */
#ifndef ASM_X86_ASM_DEFNS_H
#define ASM_X86_ASM_DEFNS_H

#ifdef __ASSEMBLY__
#include <asm/current.h>

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

/*
 * SMEP and SMAP back on, first thing after SAVE_ALL on every entry, if
 * this CPU runs a 32-bit PV vCPU, whose exit turned them off (its ring-1
 * kernel runs on USER pages; pv_prepare_return()): the hypervisor never
 * runs C with them off.  pv32_entered_on says whether they were on
 * already: a guest that ran so (an NMI or #MC between the exit's CR4
 * write and its IRETQ turned them on again) may take a #PF of ours,
 * which pv_handle_exception() retries.  pv32_cr4_mask is 0 without
 * either feature.  Finds cpu_info from any of this CPU's stacks;
 * clobbers %rax, %rcx and %rdx, which SAVE_ALL saved.
 */
.macro PV32_CR4_ON
        mov     %rsp, %rcx
        or      $(STACK_SIZE - 1), %rcx
        cmpb    $0, CPUINFO_pv32_running + 1 - CPUINFO_SIZE(%rcx)
        je      .Lpv32_cr4_on_done\@
        mov     %cr4, %rax
        mov     %rax, %rdx
        or      pv32_cr4_mask(%rip), %rdx
        cmp     %rax, %rdx
        sete    CPUINFO_pv32_entered_on + 1 - CPUINFO_SIZE(%rcx)
        je      .Lpv32_cr4_on_done\@
        mov     %rdx, %cr4
.Lpv32_cr4_on_done\@:
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
