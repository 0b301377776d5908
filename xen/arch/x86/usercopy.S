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
 * Returns the bytes left uncopied (rcx at the fault), 0 when all went.
 * SMAP is lifted only around the copy itself.
 */
        .text
        .globl  raw_copy_from_guest
        .globl  raw_copy_to_guest
raw_copy_from_guest:
raw_copy_to_guest:
        mov     %rdx, %rcx
        cmpb    $0, smap_enabled(%rip)
        je      1f
        stac
1:      rep movsb
2:      cmpb    $0, smap_enabled(%rip)
        je      3f
        clac
3:      mov     %rcx, %rax
        ret
        EX_TABLE(1b, 2b)
