/* SPDX-License-Identifier: GPL-2.0-only */
/* pv32's notes, entry and hypercall page: a 32-bit PAE PV kernel. */
#include <public/elfnote.h>
#include "../xen_note.h"

/*
 * Linked at VIRT_BASE with physical addresses from 0 (PADDR_OFFSET 0, so
 * virtual = physical + VIRT_BASE), as 32-bit Linux was.  PAE_MODE "yes"
 * is what makes a builder take the image as the x86_32p guest type;
 * pae_pgdir_above_4gb says our L3 may live in any frame.
 */
    .section .note.Xen, "a", @note
    XEN_NOTE(XEN_ELFNOTE_GUEST_OS, .asciz, "pv32")
    XEN_NOTE(XEN_ELFNOTE_GUEST_VERSION, .asciz, "1")
    XEN_NOTE(XEN_ELFNOTE_XEN_VERSION, .asciz, "xen-3.0")
    XEN_NOTE(XEN_ELFNOTE_LOADER, .asciz, "generic")
    XEN_NOTE(XEN_ELFNOTE_VIRT_BASE, .long, 0xc0000000)
    XEN_NOTE(XEN_ELFNOTE_PADDR_OFFSET, .long, 0)
    XEN_NOTE(XEN_ELFNOTE_ENTRY, .long, _start)
    XEN_NOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .long, hypercall_page)
    XEN_NOTE(XEN_ELFNOTE_PAE_MODE, .asciz, "yes")
    XEN_NOTE(XEN_ELFNOTE_FEATURES, .asciz, "pae_pgdir_above_4gb")

/*
 * esi: start_info; cs/ss: the flat ring-1 selectors.  Our own stack,
 * so nothing depends on where the builder put its boot stack.
 */
    .section .text.start, "ax", @progbits
    .globl _start
_start:
    cld
    mov $stack_top, %esp
    push %esi
    call pv32_main
    ud2

/* Filled by the builder: one 32-byte stub per hypercall number. */
    .section .text.hypercall, "ax", @progbits
    .p2align 12
    .globl hypercall_page
hypercall_page:
    .fill 4096, 1, 0xcc

    .section .bss.stack, "aw", @nobits
    .p2align 4
    .fill 4096, 1, 0
stack_top:
