/* SPDX-License-Identifier: GPL-2.0-only */
/* Interrupt-flag helpers and CPU relaxation used by locks and the heap. */
#ifndef ASM_X86_SYSTEM_H
#define ASM_X86_SYSTEM_H

#include <xen/types.h>

#define X86_EFLAGS_IF 0x200UL

static inline void local_irq_disable(void)
{
    __asm__ __volatile__("cli" ::: "memory");
}

static inline void local_irq_enable(void)
{
    __asm__ __volatile__("sti" ::: "memory");
}

static inline unsigned long local_save_flags_(void)
{
    unsigned long flags;

    __asm__ __volatile__("pushf; pop %0" : "=r"(flags)::"memory");
    return flags;
}

#define local_save_flags(x) ((x) = local_save_flags_())

/* A macro so that callers write local_irq_save(flags) as Xen does. */
#define local_irq_save(x)                                                     \
    do                                                                        \
    {                                                                         \
        (x) = local_save_flags_();                                            \
        local_irq_disable();                                                  \
    } while ( 0 )

static inline void local_irq_restore(unsigned long flags)
{
    /* Only IF matters; restoring the rest of RFLAGS could clobber AC/DF. */
    if ( flags & X86_EFLAGS_IF )
        local_irq_enable();
}

static inline bool local_irq_is_enabled(void)
{
    return local_save_flags_() & X86_EFLAGS_IF;
}

/*
 * x86 keeps stores in order and loads in order, so only the compiler must
 * be stopped from reordering; a full barrier needs mfence.
 */
#define smp_wmb() __asm__ __volatile__("" ::: "memory")
#define smp_rmb() __asm__ __volatile__("" ::: "memory")
#define smp_mb()  __asm__ __volatile__("mfence" ::: "memory")

/* Tells a hyperthreaded sibling we are spinning, and saves power. */
static inline void cpu_relax(void)
{
    __asm__ __volatile__("pause" ::: "memory");
}

#endif /* ASM_X86_SYSTEM_H */
