/* SPDX-License-Identifier: GPL-2.0-only */
/* Debug builds: hypercall argument registers are garbage where unused. */
#ifndef ASM_X86_HYPERCALL_POISON_H
#define ASM_X86_HYPERCALL_POISON_H

#include <asm/regs.h>

/*
 * As Xen's debug builds do: a handler is given poison for the argument
 * slots its hypercall does not have (a table entry whose count is wrong
 * then shows), and after a call that completed the argument registers
 * it used hold poison (a guest that expects them kept learns it here,
 * not on a release build's next change).  Release builds do neither.
 */
#ifdef CONFIG_DEBUG
/* What a poisoned register holds: non-canonical, odd, and easy to spot. */
#define HYPERCALL_POISON    0xdeadbeefdeadf00dUL

/* How many arguments each hypercall takes (pv/hypercall_poison.c). */
extern const uint8_t hypercall_nr_args[];

/* args[] is the five argument slots of hypercall nr (< NR_hypercalls). */
static inline void hypercall_poison_unused(unsigned int nr,
                                           unsigned long *args)
{
    switch ( hypercall_nr_args[nr] )
    {
    case 0: args[0] = HYPERCALL_POISON; /* fall through */
    case 1: args[1] = HYPERCALL_POISON; /* fall through */
    case 2: args[2] = HYPERCALL_POISON; /* fall through */
    case 3: args[3] = HYPERCALL_POISON; /* fall through */
    case 4: args[4] = HYPERCALL_POISON;
    }
}

static inline void hypercall_poison_used(unsigned int nr,
                                         struct cpu_user_regs *regs)
{
    switch ( hypercall_nr_args[nr] )
    {
    case 5: regs->r8 = HYPERCALL_POISON;  /* fall through */
    case 4: regs->r10 = HYPERCALL_POISON; /* fall through */
    case 3: regs->rdx = HYPERCALL_POISON; /* fall through */
    case 2: regs->rsi = HYPERCALL_POISON; /* fall through */
    case 1: regs->rdi = HYPERCALL_POISON;
    }
}
#else
static inline void hypercall_poison_unused(unsigned int nr,
                                           unsigned long *args) {}
static inline void hypercall_poison_used(unsigned int nr,
                                         struct cpu_user_regs *regs) {}
#endif

#endif /* ASM_X86_HYPERCALL_POISON_H */
