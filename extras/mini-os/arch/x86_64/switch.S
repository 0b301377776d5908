/* SPDX-License-Identifier: GPL-2.0-only */
/* Cooperative thread switch: callee-saved registers and the stack pointer. */

    .text

/*
 * switch_stacks(save_sp, new_sp): saves the callee-saved registers on the
 * current stack and its pointer in *save_sp, then resumes the thread whose
 * stack pointer is new_sp where it last called this (or at thread_start).
 */
    .globl switch_stacks
    .type switch_stacks, @function
switch_stacks:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, (%rdi)
    mov %rsi, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret
    .size switch_stacks, . - switch_stacks

/* A new thread's first switch returns here with fn in rbx, arg in r12. */
    .globl thread_start
    .type thread_start, @function
thread_start:
    mov %r12, %rdi
    call *%rbx
    call thread_exit
    ud2
    .size thread_start, . - thread_start
