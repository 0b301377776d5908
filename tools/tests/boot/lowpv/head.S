/* SPDX-License-Identifier: GPL-2.0-only */
/* lowpv's notes and entry: a PV kernel linked at 1 MiB, no VIRT_BASE note. */

/*
 * Only the notes every builder insists on: no VIRT_BASE (so it is 0 and
 * pfn = va >> 12), no PADDR_OFFSET, ENTRY or HYPERCALL_PAGE (hypercalls
 * are made inline with syscall, as the page's stubs would).
 */
#define NOTE(type, desc)                 \
    .p2align 2;                          \
    .long 2f - 1f;                       \
    .long 4f - 3f;                       \
    .long type;                          \
1:  .asciz "Xen";                        \
2:  .p2align 2;                          \
3:  .asciz desc;                         \
4:  .p2align 2

    .section .note.Xen, "a", @note
    NOTE(6, "lowpv")                    /* GUEST_OS */
    NOTE(5, "xen-3.0")                  /* XEN_VERSION */
    NOTE(8, "generic")                  /* LOADER */
#ifdef BSD_SYMTAB
    NOTE(11, "yes")                     /* BSD_SYMTAB: load our symbols */
#endif

    /* rsi: start_info; rsp: the top of the builder's one-page stack. */
    .section .text.start, "ax", @progbits
    .globl _start
_start:
    cld
    mov %rsi, %rdi
    call lowpv_main
    ud2
