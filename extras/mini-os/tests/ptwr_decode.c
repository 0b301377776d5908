/* SPDX-License-Identifier: GPL-2.0-only */
/* Emulated L1 writes in each addressing form resume after the store. */

#include "test.h"
#include <hypercall.h>
#include <mm.h>
#include <traps.h>

/*
 * Each probe stores v into the entry at p with one addressing form, then
 * runs eight one-byte pushes and returns how many ran: 8 when the store
 * was emulated and the guest resumed right after it, fewer if the
 * hypervisor stepped past the instruction by too much, 1 + the vector if
 * the store faulted.  rbp is the guest's own, so it is put back on both
 * ways out.
 */
int ptwr_store_sib(uint64_t *p, uint64_t v);        /* (%rdi,%rcx,8) */
int ptwr_store_sib_disp32(uint64_t *p, uint64_t v); /* 0(,%rcx,8): no base */
int ptwr_store_rbp_disp8(uint64_t *p, uint64_t v);  /* 8(%rbp) */
int ptwr_store_sib_rbp(uint64_t *p, uint64_t v);    /* 8(%rbp,%rcx,8) */
/* A 4-byte store: 0, or 1 + the vector if it faulted. */
int ptwr_store32(void *p, uint32_t v);
/* Locked bit operations on bit 5 of *p, the old bit in *cf: as above. */
int ptwr_bts_imm(uint64_t *p, uint8_t *cf);
int ptwr_btr_imm(uint64_t *p, uint8_t *cf);
int ptwr_btc_imm(uint64_t *p, uint8_t *cf);
int ptwr_btc_reg(uint64_t *p, uint8_t *cf);

asm (
    ".pushsection .text\n"
    ".macro PTWR_PROBE name, setup, store\n"
    "    .globl \\name\n"
    "\\name:\n"
    "    mov %rsp, %r8\n"
    "    mov %rbp, %r9\n"
    "    lea -8(%rdi), %rbp\n"
    "    xor %ecx, %ecx\n"
    "    \\setup\n"
    "    xor %eax, %eax\n"
    "1:  \\store\n"
    "    .rept 8\n"
    "    push %rcx\n"
    "    .endr\n"
    "    mov %r8, %rax\n"
    "    sub %rsp, %rax\n"
    "    shr $3, %eax\n"
    "2:  mov %r8, %rsp\n"
    "    mov %r9, %rbp\n"
    "    ret\n"
    "    .pushsection .ex_table, \"a\"\n"
    "    .quad 1b, 2b\n"
    "    .popsection\n"
    ".endm\n"
    "PTWR_PROBE ptwr_store_sib, nop, \"mov %rsi, (%rdi,%rcx,8)\"\n"
    "PTWR_PROBE ptwr_store_sib_disp32, \"lea (%rdi), %rcx; shr $3, %rcx\", "
    "\"mov %rsi, 0(,%rcx,8)\"\n"
    "PTWR_PROBE ptwr_store_rbp_disp8, nop, \"mov %rsi, 8(%rbp)\"\n"
    "PTWR_PROBE ptwr_store_sib_rbp, nop, \"mov %rsi, 8(%rbp,%rcx,8)\"\n"
    ".purgem PTWR_PROBE\n"
    ".macro PTWR_BITOP name, insn\n"
    "    .globl \\name\n"
    "\\name:\n"
    "    xor %eax, %eax\n"
    "    mov $5, %ecx\n"
    "1:  lock \\insn\n"
    "    setc (%rsi)\n"
    "    ret\n"
    "    .pushsection .ex_table, \"a\"\n"
    "    .quad 1b, probe_fixup\n"
    "    .popsection\n"
    ".endm\n"
    "PTWR_BITOP ptwr_bts_imm, \"btsq $5, (%rdi)\"\n"
    "PTWR_BITOP ptwr_btr_imm, \"btrq $5, (%rdi)\"\n"
    "PTWR_BITOP ptwr_btc_imm, \"btcq $5, (%rdi)\"\n"
    "PTWR_BITOP ptwr_btc_reg, \"btcq %rcx, (%rdi)\"\n"
    ".purgem PTWR_BITOP\n"
    "    .globl ptwr_store32\n"
    "ptwr_store32:\n"
    "    xor %eax, %eax\n"
    "1:  mov %esi, (%rdi)\n"
    "    ret\n"
    "    .pushsection .ex_table, \"a\"\n"
    "    .quad 1b, probe_fixup\n"
    "    .popsection\n"
    ".popsection\n"
);

static long ext1(unsigned int cmd, unsigned long mfn)
{
    struct mmuext_op op = { .cmd = cmd };

    op.arg1.mfn = mfn;
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/*
 * The emulator decodes the ModRM, SIB and displacement bytes itself to
 * find where the instruction ends (pv/ptwr.c skip_modrm()); a miscount
 * resumes the guest inside the next instruction.
 */
TEST(ptwr, store_forms_resume_after_the_instruction)
{
    static int (*const probes[])(uint64_t *, uint64_t) = {
        ptwr_store_sib, ptwr_store_sib_disp32, ptwr_store_rbp_disp8,
        ptwr_store_sib_rbp,
    };
    uint64_t *t = alloc_page(), e;
    void *data = alloc_page();
    int ran;

    CHECK(t && data, "no page");
    CHECK_RC(make_readonly(t), 0);
    CHECK_RC(ext1(MMUEXT_PIN_L1_TABLE, virt_to_mfn(t)), 0);
    e = virt_to_mach(data) | PTE_KERNEL_RW;
    for ( unsigned int i = 0; i < ARRAY_SIZE(probes) && !test_failed(); i++ )
    {
        ran = probes[i](&t[i + 1], e);
        if ( ran != 8 )
            test_fail("store form %u: %d of 8 pushes after it ran", i, ran);
        /* Xen 4.17 adds GLOBAL to the entry; we do not: not compared. */
        else if ( (t[i + 1] & ~(uint64_t)_PAGE_GLOBAL) != e )
            test_fail("store form %u: entry %" PRI64 "x, wrote %" PRI64 "x", i, t[i + 1], e);
        else if ( (ran = probes[i](&t[i + 1], 0)) != 8 || t[i + 1] )
            test_fail("store form %u: clearing: %d, entry %" PRI64 "x", i, ran,
                      t[i + 1]);
    }
    for ( unsigned int i = 0; i < ARRAY_SIZE(probes); i++ )
        if ( t[i + 1] )
            probe_write64(&t[i + 1], 0);
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(t)), 0);
    CHECK_RC(make_writable(t), 0);
    free_page(t);
    free_page(data);
}

/*
 * A store that would cover the end of one entry and the start of the
 * next is not one entry's update: the write fault goes to the guest, and
 * neither entry changes.  (Xen 4.17 takes only naturally aligned stores.)
 */
TEST(ptwr, store_across_two_entries_faults)
{
    uint64_t *t = alloc_page();

    CHECK(t, "no page");
    CHECK_RC(make_readonly(t), 0);
    CHECK_RC(ext1(MMUEXT_PIN_L1_TABLE, virt_to_mfn(t)), 0);
    CHECK_RC(ptwr_store32((uint8_t *)&t[1] + 5, 0x01020304), 1 + 14);
    CHECK(last_fixup_error == 3, "error code %lx", last_fixup_error);
    CHECK(t[1] == 0 && t[2] == 0, "entries %" PRI64 "x %" PRI64 "x", t[1], t[2]);
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(t)), 0);
    CHECK_RC(make_writable(t), 0);
    free_page(t);
}

/*
 * Linux's set_bit(), clear_bit() and change_bit() on an entry, in their
 * immediate and register forms: each emulated, with the old bit in CF.
 */
TEST(ptwr, locked_bit_operations)
{
    static int (*const ops[])(uint64_t *, uint8_t *) = {
        ptwr_btc_imm, ptwr_btc_reg, ptwr_btr_imm, ptwr_bts_imm,
        ptwr_btc_reg,
    };
    /* What bit 5 (ACCESSED) is after each, and what it was before. */
    static const uint8_t after[] = { 0, 1, 0, 1, 0 };
    uint64_t *t = alloc_page(), e;
    void *data = alloc_page();
    uint8_t cf;

    CHECK(t && data, "no page");
    CHECK_RC(make_readonly(t), 0);
    CHECK_RC(ext1(MMUEXT_PIN_L1_TABLE, virt_to_mfn(t)), 0);
    e = virt_to_mach(data) | PTE_KERNEL_RW | _PAGE_ACCESSED;
    CHECK_RC(probe_write64(&t[1], e), 0);
    for ( unsigned int i = 0; i < ARRAY_SIZE(ops) && !test_failed(); i++ )
    {
        uint64_t want = (e & ~(uint64_t)_PAGE_ACCESSED) |
                        (after[i] ? _PAGE_ACCESSED : 0);
        uint8_t was = i ? after[i - 1] : 1;
        int rc = ops[i](&t[1], &cf);

        /* Xen 4.17 adds GLOBAL to the entry; we do not: not compared. */
        if ( rc )
            test_fail("operation %u faulted (%d)", i, rc);
        else if ( cf != was )
            test_fail("operation %u: CF %u, bit was %u", i, cf, was);
        else if ( (t[1] & ~(uint64_t)_PAGE_GLOBAL) != want )
            test_fail("operation %u: entry %" PRI64 "x, want %" PRI64 "x", i, t[1], want);
    }
    probe_write64(&t[1], 0);
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(t)), 0);
    CHECK_RC(make_writable(t), 0);
    free_page(t);
    free_page(data);
}
