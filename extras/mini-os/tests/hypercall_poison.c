/* SPDX-License-Identifier: GPL-2.0-only */
/* Argument registers after a hypercall: kept, or (debug builds) poisoned. */

#include "test.h"
#include <hypercall.h>

/* What Xen's debug builds, and ours, leave in a used argument register. */
#define POISON 0xdeadbeefdeadf00dUL

struct regs_after {
    long rax;
    unsigned long rdi, rsi, rdx, r10, r8;
};

/* One hypercall by syscall, with every argument register read back. */
static struct regs_after syscall_regs(unsigned long nr, unsigned long a1,
                                      unsigned long a2, unsigned long a3,
                                      unsigned long a4, unsigned long a5)
{
    struct regs_after r = { .rdi = a1, .rsi = a2, .rdx = a3 };
    register unsigned long r10 asm ( "r10" ) = a4;
    register unsigned long r8 asm ( "r8" ) = a5;

    asm volatile ( "syscall"
                   : "=a" (r.rax), "+D" (r.rdi), "+S" (r.rsi), "+d" (r.rdx),
                     "+r" (r10), "+r" (r8)
                   : "0" (nr)
                   : "memory", "rcx", "r11" );
    r.r10 = r10;
    r.r8 = r8;
    return r;
}

/*
 * xen_version takes two arguments: a release build keeps both registers,
 * a debug build poisons both, and neither touches the three it does not
 * use (their values here are the ones we put in).
 */
TEST(hypercall, argument_registers_after_return)
{
    struct regs_after r = syscall_regs(__HYPERVISOR_xen_version,
                                       XENVER_version, 0, 0x1111, 0x2222,
                                       0x3333);
    bool kept = r.rdi == XENVER_version && r.rsi == 0;
    bool poisoned = r.rdi == POISON && r.rsi == POISON;

    CHECK(r.rax > 0, "xen_version: %ld", r.rax);
    CHECK(kept || poisoned, "rdi %#lx rsi %#lx: neither kept nor poisoned",
          r.rdi, r.rsi);
    CHECK(r.rdx == 0x1111 && r.r10 == 0x2222 && r.r8 == 0x3333,
          "unused registers changed: rdx %#lx r10 %#lx r8 %#lx", r.rdx,
          r.r10, r.r8);
}
