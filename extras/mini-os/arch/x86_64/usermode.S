/* SPDX-License-Identifier: GPL-2.0-only */
/* Entering guest user mode and leaving it again, and the user program. */

#include <public/xen.h>
#include <xen_iret.h>

/*
 * long user_run(rip, rsp, r12, iret_flags): enters user mode at rip with
 * that stack and r12 (the program's one argument) through HYPERVISOR_iret,
 * with events enabled and rcx = 0x1c1c, r11 = 0x1111 in the frame.  It
 * comes back only through user_exit(), which returns its value from here.
 */
    .text
    .globl user_run
user_run:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, user_run_sp(%rip)
    mov %rdx, %r12
    /* struct iret_context, from the top: ss, rsp, rflags, cs, rip, flags. */
    push $FLAT_USER_SS
    push %rsi
    push $0x202                 /* IF, and the bit that always reads 1 */
    push $FLAT_USER_CS          /* RPL 3: a return to user mode */
    push %rdi
    push %rcx
    mov $0x1c1c, %ecx
    mov $0x1111, %r11d
    XEN_IRET

/* void user_exit(long value): from a trap in kernel mode, on any stack. */
    .globl user_exit
user_exit:
    mov %rdi, %rax
    mov user_run_sp(%rip), %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret

/*
 * The user program, copied to a page of its own: position-independent,
 * and it finds its data page (the next page up) and %gs as set up by
 * tests/usermode.c.  Each entry ends in SYSCALL; the registers on the way
 * there are what the case checks in the system call's frame.
 */
    .p2align 4
    .globl user_prog_start, user_prog_main, user_prog_ret
    .globl user_prog_fault, user_prog_fault_insn, user_prog_cr0
    .globl user_prog_compat, user_prog_compat_ret
    .globl user_prog_end
user_prog_start:
user_prog_main:
    mov %rcx, %rbp              /* rcx and r11 as the iret left them */
    mov %r11, %r9
    /* Wait (boundedly) for the kernel to set the first word of data. */
    mov $0x4000000, %eax
1:  cmpq $0, user_prog_start + 4096(%rip)
    jne 2f
    dec %eax
    jnz 1b
2:  mov %gs:8, %r14             /* the user GS base is the data page */
    pushfq
    pop %rbx
    mov %rsp, %r13
    lea user_prog_ret(%rip), %r15
    syscall
user_prog_ret:
    ud2

/* Reads the address in r12, which the user page tables do not map. */
user_prog_fault:
user_prog_fault_insn:
    mov (%r12), %rax
    syscall
    ud2

/* MOV from CR0: a guest kernel gets it emulated, user mode a #GP. */
user_prog_cr0:
    mov %cr0, %rax
    syscall
    ud2

/*
 * Into the compatibility-mode code segment every 64-bit PV guest has
 * (FLAT_USER_CS32), and SYSCALL from there: the CPU takes it through
 * MSR_CSTAR, not MSR_LSTAR.  A far jump through a pointer in the data
 * page rather than LRETQ, whose stack reads QEMU 7.2 makes as supervisor
 * accesses (SMAP faults them).
 */
user_prog_compat:
    mov %rsp, %r13
    lea 1f(%rip), %rax
    mov %eax, user_prog_start + 4096 + 16(%rip)
    movw $FLAT_USER_CS32, user_prog_start + 4096 + 20(%rip)
    ljmpl *user_prog_start + 4096 + 16(%rip)
    .code32
1:  syscall
user_prog_compat_ret:
    ud2
    .code64
user_prog_end:

    .bss
    .p2align 3
user_run_sp:
    .skip 8
