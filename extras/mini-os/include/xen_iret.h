/* SPDX-License-Identifier: GPL-2.0-only */
/* XEN_IRET: the iret hypercall from assembly, frame already pushed. */
#ifndef MINIOS_XEN_IRET_H
#define MINIOS_XEN_IRET_H

/*
 * The iret stub pushes rcx, r11 and rax, and does not return; without a
 * hypercall page we do the same ourselves.
 */
#ifdef CONFIG_HYPERCALL_PAGE
.macro XEN_IRET
    jmp hypercall_page + __HYPERVISOR_iret * 32
.endm
#else
.macro XEN_IRET
    push %rcx
    push %r11
    push %rax
    mov $__HYPERVISOR_iret, %eax
    syscall
.endm
#endif

#endif /* MINIOS_XEN_IRET_H */
