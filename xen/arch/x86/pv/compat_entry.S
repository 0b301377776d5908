/* SPDX-License-Identifier: GPL-2.0-only */
/* 32-bit PV guests' hypercalls: int $0x82 from ring 1 (docs/misc/compat32.md). */
#include <asm/asm-defns.h>
#include <asm/pv/entry.h>

/*
 * The IDT gate (DPL 1: 64-bit guests, in ring 3, get #GP) switched to the
 * guest frame in cpu_info through TSS.rsp0, as any entry from guest mode
 * does, with interrupts off.  The way back is return_to_guest's IRETQ to
 * ring 1 in compatibility mode: SYSRET's 32-bit form is for ring 3 only.
 */
        .text
        .globl  pv_compat_int82
pv_compat_int82:
        pushq   $0
        movl    $PV_COMPAT_HYPERCALL_VECTOR, 4(%rsp)
        cld
        cmpb    $0, smap_enabled(%rip)
        je      1f
        clac
1:      SAVE_ALL
        PV32_CR4_ON
        mov     %rsp, %rdi
        sti
        call    pv_compat_hypercall
        jmp     return_to_guest
