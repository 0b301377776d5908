/* SPDX-License-Identifier: GPL-2.0-only */
/* Interrupt-flag helpers and CPU relaxation for locks, host-test version. */
#ifndef ASM_X86_SYSTEM_H
#define ASM_X86_SYSTEM_H

#include <xen/types.h>

#define X86_EFLAGS_IF   0x200UL

#define local_irq_disable()     ((void)0)
#define local_irq_enable()      ((void)0)
#define local_save_flags(x)     ((x) = 0)
#define local_irq_save(x)       ((x) = 0)
#define local_irq_restore(x)    ((void)(x))
#define local_irq_is_enabled()  true

static inline void cpu_relax(void)
{
    __asm__ __volatile__ ( "pause" ::: "memory" );
}

#endif /* ASM_X86_SYSTEM_H */
