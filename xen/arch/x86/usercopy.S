/* SPDX-License-Identifier: GPL-2.0-only */
/* Guest memory copies whose faults are caught by the exception table. */

/*
 * An entry pairs an instruction that may fault on guest memory with the
 * place to resume; traps.c looks faulting RIPs up here.
 */
#define EX_TABLE(insn, fixup)                   \
        .pushsection .ex_table, "a";            \
        .balign 8;                              \
        .quad insn, fixup;                      \
        .popsection

/*
 * unsigned long raw_copy_{from,to}_guest(void *dst, const void *src,
 *                                        unsigned long len)
 * Returns the bytes left uncopied, 0 when all went.  Quadwords first,
 * then the odd bytes (string operations cost per element under
 * emulation).  SMAP is lifted only around the copy itself.
 */
        .text
        .globl  raw_copy_from_guest
        .globl  raw_copy_to_guest
raw_copy_from_guest:
raw_copy_to_guest:
        mov     %rdx, %rcx
        shr     $3, %rcx
        and     $7, %edx
        cmpb    $0, smap_enabled(%rip)
        je      1f
        stac
1:      rep movsq
        mov     %rdx, %rcx
2:      rep movsb
3:      cmpb    $0, smap_enabled(%rip)
        je      4f
        clac
4:      mov     %rcx, %rax
        ret
        /* A fault among the quadwords: those left plus the odd bytes. */
5:      lea     (%rdx, %rcx, 8), %rcx
        jmp     3b
        EX_TABLE(1b, 5b)
        EX_TABLE(2b, 3b)
