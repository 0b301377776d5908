/* SPDX-License-Identifier: GPL-2.0-only */
/* Cooperative thread switch, 32-bit: callee-saved registers and esp. */

    .text

/*
 * switch_stacks(save_sp, new_sp): saves the callee-saved registers on the
 * current stack and its pointer in *save_sp, then resumes the thread whose
 * stack pointer is new_sp where it last called this (or at thread_start).
 */
    .globl switch_stacks
    .type switch_stacks, @function
switch_stacks:
    mov 4(%esp), %eax
    mov 8(%esp), %edx
    push %ebp
    push %ebx
    push %esi
    push %edi
    mov %esp, (%eax)
    mov %edx, %esp
    pop %edi
    pop %esi
    pop %ebx
    pop %ebp
    ret
    .size switch_stacks, . - switch_stacks

/* A new thread's first switch returns here with fn in ebx, arg in esi. */
    .globl thread_start
    .type thread_start, @function
thread_start:
    push %esi
    call *%ebx
    call thread_exit
    ud2
    .size thread_start, . - thread_start
