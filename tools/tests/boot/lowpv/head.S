/* SPDX-License-Identifier: GPL-2.0-only */
/* lowpv's notes and entry: a PV kernel linked at 1 MiB, no VIRT_BASE note. */

/*
 * Only the notes every builder insists on: no VIRT_BASE (so it is 0 and
 * pfn = va >> 12), no PADDR_OFFSET, ENTRY or HYPERCALL_PAGE (hypercalls
 * are made inline with syscall, as the page's stubs would).
 */
#include "../xen_note.h"

    .section .note.Xen, "a", @note
    XEN_NOTE(6, .asciz, "lowpv")        /* GUEST_OS */
    XEN_NOTE(5, .asciz, "xen-3.0")      /* XEN_VERSION */
    XEN_NOTE(8, .asciz, "generic")      /* LOADER */
#ifdef BSD_SYMTAB
    XEN_NOTE(11, .asciz, "yes")         /* BSD_SYMTAB: load our symbols */
#endif

    /* rsi: start_info; rsp: the top of the builder's one-page stack. */
    .section .text.start, "ax", @progbits
    .globl _start
_start:
    cld
    mov %rsi, %rdi
    call lowpv_main
    ud2
