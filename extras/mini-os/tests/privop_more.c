/* SPDX-License-Identifier: GPL-2.0-only */
/* Cases for CLTS and MOV DR on the #GP path, and what it keeps refusing. */

#include "test.h"
#include <hypercall.h>
#include <traps.h>

#define X86_CR0_TS  (1UL << 3)
#define DR7_GD      (1UL << 13)
#define UD          (1 + 6)
#define GP          (1 + 13)

/*
 * One instruction each, as the probes in head.S: 0, or 1 + the vector
 * of its fault, through the ex_table entry.  A read's result goes to
 * *out (rdi) from rdx; at 32 bits the argument comes from the stack
 * into edx (out through ecx).
 */
int pm_clts(void), pm_invd(void), pm_lmsw(unsigned long v);
int pm_write_dr0(unsigned long v), pm_write_dr6(unsigned long v),
    pm_write_dr7(unsigned long v);
int pm_read_dr0(unsigned long *out), pm_read_dr7(unsigned long *out),
    pm_read_dr8(unsigned long *out);
#ifdef __i386__
__asm__ (
    "   .pushsection .text\n"
    "   .macro PM_PROBE name, insn, before=, after=\n"
    "\\name: \\before\n"
    "   xor %eax, %eax\n"
    "1: \\insn\n"
    "   \\after\n"
    "   ret\n"
    "   .pushsection .ex_table, \"a\"; .long 1b, probe_fixup; .popsection\n"
    "   .endm\n"
    "   PM_PROBE pm_clts, clts\n"
    "   PM_PROBE pm_invd, invd\n"
    "   PM_PROBE pm_lmsw, \"lmsw %dx\", \"mov 4(%esp), %edx\"\n"
    "   PM_PROBE pm_write_dr0, \"mov %edx, %db0\", \"mov 4(%esp), %edx\"\n"
    "   PM_PROBE pm_write_dr6, \"mov %edx, %db6\", \"mov 4(%esp), %edx\"\n"
    "   PM_PROBE pm_write_dr7, \"mov %edx, %db7\", \"mov 4(%esp), %edx\"\n"
    "   PM_PROBE pm_read_dr0, \"mov %db0, %edx\", , "
    "\"mov 4(%esp), %ecx; mov %edx, (%ecx)\"\n"
    "   PM_PROBE pm_read_dr7, \"mov %db7, %edx\", , "
    "\"mov 4(%esp), %ecx; mov %edx, (%ecx)\"\n"
    "   .purgem PM_PROBE\n"
    "   .popsection\n");
#else
__asm__ (
    "   .pushsection .text\n"
    "   .macro PM_PROBE name, insn, after=\n"
    "\\name: xor %eax, %eax\n"
    "1: \\insn\n"
    "   \\after\n"
    "   ret\n"
    "   .pushsection .ex_table, \"a\"; .quad 1b, probe_fixup; .popsection\n"
    "   .endm\n"
    "   PM_PROBE pm_clts, clts\n"
    "   PM_PROBE pm_invd, invd\n"
    "   PM_PROBE pm_lmsw, \"lmsw %di\"\n"
    "   PM_PROBE pm_write_dr0, \"mov %rdi, %db0\"\n"
    "   PM_PROBE pm_write_dr6, \"mov %rdi, %db6\"\n"
    "   PM_PROBE pm_write_dr7, \"mov %rdi, %db7\"\n"
    "   PM_PROBE pm_read_dr0, \"mov %db0, %rdx\", \"mov %rdx, (%rdi)\"\n"
    "   PM_PROBE pm_read_dr7, \"mov %db7, %rdx\", \"mov %rdx, (%rdi)\"\n"
    /* REX.R names DR8, which does not exist. */
    "   PM_PROBE pm_read_dr8, \".byte 0x44, 0x0f, 0x21, 0xc2\", "
    "\"mov %rdx, (%rdi)\"\n"
    "   .purgem PM_PROBE\n"
    "   .popsection\n");
#endif

/* CLTS clears the TS that fpu_taskswitch set, as on Xen. */
TEST(privop_more, clts)
{
    unsigned long cr0;

    CHECK_RC(HYPERVISOR_fpu_taskswitch(1), 0);
    CHECK_RC(probe_read_cr0(&cr0), 0);
    CHECK(cr0 & X86_CR0_TS, "cr0 %lx after fpu_taskswitch(1)", cr0);
    CHECK_RC(pm_clts(), 0);
    CHECK_RC(probe_read_cr0(&cr0), 0);
    CHECK(!(cr0 & X86_CR0_TS), "cr0 %lx after clts", cr0);
}

static unsigned long watched;

/* MOV DR is set_debugreg and get_debugreg: the same values and refusals. */
TEST(privop_more, mov_dr)
{
    unsigned long old0 = HYPERVISOR_get_debugreg(0);
    unsigned long old7 = HYPERVISOR_get_debugreg(7);
    unsigned long val;

    CHECK_RC(pm_write_dr0((unsigned long)&watched), 0);
    CHECK(HYPERVISOR_get_debugreg(0) == (long)&watched,
          "get_debugreg(0) %lx after mov to dr0",
          (unsigned long)HYPERVISOR_get_debugreg(0));
    CHECK_RC(pm_read_dr0(&val), 0);
    CHECK(val == (unsigned long)&watched, "dr0 reads %lx", val);
    CHECK_RC(pm_write_dr7(0x400), 0);
    CHECK_RC(pm_read_dr7(&val), 0);
    CHECK(val == (unsigned long)HYPERVISOR_get_debugreg(7),
          "dr7 reads %lx, get_debugreg %lx", val,
          (unsigned long)HYPERVISOR_get_debugreg(7));
    /* What the hypercalls refuse is a #GP; DR8-15 do not exist: #UD. */
#ifdef __x86_64__
    /* Values and registers a 32-bit guest cannot name. */
    CHECK_RC(pm_write_dr0(0xffff800000000000UL), GP);
    CHECK_RC(pm_write_dr6(1UL << 32), GP);
#endif
    CHECK_RC(pm_write_dr7(0x400 | DR7_GD), GP);
#ifdef __x86_64__
    CHECK_RC(pm_read_dr8(&val), UD);
#endif
    CHECK_RC(HYPERVISOR_set_debugreg(0, old0), 0);
    CHECK_RC(HYPERVISOR_set_debugreg(7, old7), 0);
}

/* LMSW and INVD are not emulated for a PV kernel: they keep their #GP. */
TEST(privop_more, lmsw_invd_refused)
{
    unsigned long cr0;

    CHECK_RC(probe_read_cr0(&cr0), 0);
    CHECK_RC(pm_lmsw(cr0 & 0xf), GP);
    CHECK_RC(pm_invd(), GP);
}
