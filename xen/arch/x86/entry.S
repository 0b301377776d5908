/* SPDX-License-Identifier: GPL-2.0-only */
/* Exception and interrupt entry: one stub per vector, one common path. */
#include <asm/asm-defns.h>
#include <asm/desc.h>

/* Vectors for which the CPU pushes an error code itself. */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || \
                           (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

        .text
        .balign ENTRY_STUB_SIZE
        .globl  entry_stubs
entry_stubs:
        .set    vec, 0
        .rept   256
        .balign ENTRY_STUB_SIZE
        .if     HAS_ERROR_CODE(vec)
        .else
        pushq   $0
        .endif
        movl    $vec, 4(%rsp)           /* entry_vector beside error_code */
        jmp     common_entry
        .set    vec, vec + 1
        .endr

/* Builds struct cpu_user_regs on the stack; see asm/regs.h for the order. */
common_entry:
        cld
        /*
         * Delivery leaves RFLAGS.AC as it was; an interrupt arriving inside
         * a stac() window must not run with guest pages accessible.
         */
        cmpb    $0, smap_enabled(%rip)
        je      1f
        clac
1:      SAVE_ALL
        mov     %rsp, %rdi
        call    do_entry
        /* From a guest: leave through the path that delivers its events. */
        testb   $3, UREGS_cs(%rsp)
        jnz     return_to_guest
        RESTORE_ALL
        add     $8, %rsp                /* error_code and entry_vector */
        iretq
