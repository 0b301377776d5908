/* SPDX-License-Identifier: GPL-2.0-only */
/* Exception and interrupt entry: one stub per vector, one common path. */
#include <asm/asm-defns.h>
#include <asm/current.h>
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
        PV32_CR4_ON
        /*
         * An NMI in hypervisor context (on its IST stack) is dealt with
         * there and returned from directly: do_nmi neither faults nor
         * touches guest state, so nothing can IRET before ours and let a
         * second NMI in over this frame.
         */
        testb   $3, UREGS_cs(%rsp)
        jnz     2f
        cmpl    $2, UREGS_entry_vector(%rsp)
        jne     4f
        mov     %rsp, %rdi
        call    do_nmi
        jmp     3f
        /*
         * NMI, #DB, #DF and #MC arrive on IST stacks.  From guest mode,
         * their frame moves to the guest frame in cpu_info, where every
         * other entry from guest mode builds it: the normal stack is
         * unused while a guest runs, and return_to_guest expects it (its
         * IRETQ is the one whose faults are the guest's).  Off the IST
         * stack, a later NMI cannot land on this frame, whenever an IRETQ
         * unblocks NMIs.
         */
2:      mov     %rsp, %rdi
        or      $(STACK_SIZE - 1), %rdi
        sub     $(CPUINFO_SIZE - 1 - CPUINFO_guest_regs), %rdi
        cmp     %rdi, %rsp
        je      4f
        mov     %rsp, %rsi
        mov     %rdi, %rsp
        mov     $(UREGS_frame_size / 8), %ecx
        rep movsq
4:      mov     %rsp, %rdi
        call    do_entry
        /* From a guest: leave through the path that delivers its events. */
        testb   $3, UREGS_cs(%rsp)
        jnz     return_to_guest
3:      RESTORE_ALL
        add     $8, %rsp                /* error_code and entry_vector */
        iretq
