/* SPDX-License-Identifier: GPL-2.0-only */
/* Exception reporting and interrupt vector dispatch. */
#ifndef ASM_X86_TRAPS_H
#define ASM_X86_TRAPS_H

#include <asm/regs.h>

#define X86_EXC_DB  1
#define X86_EXC_NMI 2
#define X86_EXC_UD  6
#define X86_EXC_NP  11
#define X86_EXC_SS  12
#define X86_EXC_GP  13
#define X86_EXC_PF  14
#define X86_EXC_MC  18

typedef void (*vector_handler_t)(struct cpu_user_regs *regs);

/* Installs the handler of an interrupt vector (32-255). */
void set_vector_handler(unsigned int vector, vector_handler_t fn);

/* Prints registers and a call trace of the given frame. */
void show_registers(const struct cpu_user_regs *regs);
void show_stack_trace(unsigned long rip, unsigned long rbp);

#ifdef CONFIG_DEBUG
void boot_fault_test(void);
#else
static inline void boot_fault_test(void)
{
}
#endif

#endif /* ASM_X86_TRAPS_H */
