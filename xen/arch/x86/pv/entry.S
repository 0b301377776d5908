/* SPDX-License-Identifier: GPL-2.0-only */
/* PV guests enter by SYSCALL and leave through return_to_guest. */
#include <asm/asm-defns.h>
#include <asm/pv/entry.h>

/*
 * SYSCALL leaves %rsp as the guest had it, and we use no %gs: so each CPU
 * gets its own stub (MSR_LSTAR) that parks the guest's %rsp and loads the
 * top of that CPU's guest frame (struct cpu_info) from tables indexed at
 * assembly time.  What follows is shared.  All of it runs on every PV
 * hypercall, hence the hot section (xen/compiler.h's __hot_path).
 */
.macro SYSCALL_STUBS name, ss, common
        .balign PV_SYSCALL_STUB_SIZE
        .globl  \name
\name:
        .set    cpu, 0
        .rept   NR_CPUS
        .balign PV_SYSCALL_STUB_SIZE
        mov     %rsp, pv_syscall_scratch + 8 * cpu(%rip)
        mov     pv_frame_top + 8 * cpu(%rip), %rsp
        pushq   $\ss                                   /* ss */
        pushq   pv_syscall_scratch + 8 * cpu(%rip)      /* rsp */
        jmp     \common
        .set    cpu, cpu + 1
        .endr
.endm

/* Completes the frame as if trapped, with cs, and calls handler. */
.macro SYSCALL_FRAME cs, handler
        push    %r11                    /* rflags */
        pushq   $\cs                    /* cs */
        push    %rcx                    /* rip */
        pushq   $0
        movl    $TRAP_syscall, 4(%rsp)  /* entry_vector */
        SAVE_ALL
        /* A 32-bit guest's 64-bit code segment could SYSCALL. */
        PV32_CR4_ON
        mov     %rsp, %rdi
        sti
        call    \handler
.endm

        .section .text.hot, "ax", @progbits
        SYSCALL_STUBS pv_syscall_stubs, PV_KERNEL_SS, pv_syscall_common

/*
 * SFMASK has cleared IF, DF, TF and AC; the frame is built as if trapped.
 * Guest kernel and user mode share the flat selectors pushed here
 * (FLAT_KERNEL_CS/SS are FLAT_USER_CS/SS); pv_syscall() tells them apart.
 */
pv_syscall_common:
        SYSCALL_FRAME PV_KERNEL_CS, pv_syscall
        /* Fall through. */

/*
 * Every way back into a guest: %rsp points at the guest frame in cpu_info.
 * Pending softirqs run first (they may switch to another vCPU and never
 * come back here), then pending events are bounced into the guest.
 */
        .globl  return_to_guest
return_to_guest:
        call    pv_prepare_return       /* returns with interrupts off */
        /*
         * Back from a SYSCALL to the same place with the same flags, in
         * 64-bit guest code (kernel or user mode, whose selectors are the
         * same): SYSRET does what IRET would, cheaper.  STAR gives it the
         * guest's selectors (CS 0xe033, SS 0xe02b); the other segment
         * registers are the guest's throughout, as IRET would leave them.
         * A non-canonical RIP would fault in ring 0 on some CPUs: IRET then.
         * A continuation's RIP, moved back onto the SYSCALL, fails the
         * RCX check and leaves by IRET too.
         */
        cmpl    $TRAP_syscall, UREGS_entry_vector(%rsp)
        jne     1f
        mov     UREGS_rip(%rsp), %rax
        cmp     UREGS_rcx(%rsp), %rax
        jne     1f
        shl     $16, %rax
        sar     $16, %rax
        cmp     UREGS_rip(%rsp), %rax
        jne     1f
        mov     UREGS_rflags(%rsp), %rax
        cmp     UREGS_r11(%rsp), %rax
        jne     1f
        cmpw    $PV_KERNEL_CS, UREGS_cs(%rsp)
        jne     1f
        cmpw    $PV_KERNEL_SS, UREGS_ss(%rsp)
        jne     1f
        RESTORE_ALL                     /* rcx = rip, r11 = rflags */
        mov     UREGS_rsp - UREGS_error_code(%rsp), %rsp
        sysretq
1:      RESTORE_ALL
        add     $8, %rsp                /* error_code and entry_vector */
        /*
         * The frame may hold what a vCPU context or the guest's own state
         * made of it: a fault here is the guest's (see pv_iret_fault).
         */
        .globl  pv_iret_to_guest
pv_iret_to_guest:
        iretq

/*
 * SYSCALL from compatibility mode (a 64-bit guest's FLAT_USER_CS32 code,
 * kernel or user) enters at MSR_CSTAR: per-CPU stubs as above, sharing
 * the scratch slots (interrupts are off until the guest frame is built).
 * It is never a hypercall, and goes back by IRET (its CS is not
 * PV_KERNEL_CS).  Left at 0, MSR_CSTAR would run the CPU at linear 0 in
 * ring 0 on the guest's stack.
 */
        .text
        SYSCALL_STUBS pv_cstar_stubs, PV_USER_SS32, pv_cstar_common

pv_cstar_common:
        SYSCALL_FRAME PV_USER_CS32, pv_compat_syscall
        jmp     return_to_guest

        .bss
        .balign 8
pv_syscall_scratch:
        .skip   8 * NR_CPUS
        .globl  pv_frame_top
pv_frame_top:
        .skip   8 * NR_CPUS
