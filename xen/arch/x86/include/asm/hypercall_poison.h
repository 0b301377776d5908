/* SPDX-License-Identifier: GPL-2.0-only */
/* Debug builds: a hypercall's argument registers hold poison after it. */
#ifndef ASM_X86_HYPERCALL_POISON_H
#define ASM_X86_HYPERCALL_POISON_H

#include <asm/regs.h>

/*
 * As Xen's debug builds do: after a call that completed, the argument
 * registers it used hold poison, so that a guest expecting them kept
 * learns it here rather than from a release build's next change.  (Xen
 * also hands its handlers poison in the slots they do not take; ours are
 * called with their own C signatures, so those slots cannot be read.)
 * Release builds do nothing.
 */
#ifdef CONFIG_DEBUG
/* What a poisoned register holds: non-canonical, odd, and easy to spot. */
#define HYPERCALL_POISON 0xdeadbeefdeadf00dUL

static inline void hypercall_poison_used(unsigned int n,
                                         struct cpu_user_regs *regs)
{
    /* Tests, not a switch: an indirect jump is dear under emulation. */
    if ( n > 0 )
        regs->rdi = HYPERCALL_POISON;
    if ( n > 1 )
        regs->rsi = HYPERCALL_POISON;
    if ( n > 2 )
        regs->rdx = HYPERCALL_POISON;
    if ( n > 3 )
        regs->r10 = HYPERCALL_POISON;
    if ( n > 4 )
        regs->r8 = HYPERCALL_POISON;
}
#else
static inline void hypercall_poison_used(unsigned int n,
                                         struct cpu_user_regs *regs)
{
}
#endif

#endif /* ASM_X86_HYPERCALL_POISON_H */
