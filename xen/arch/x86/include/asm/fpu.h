/* SPDX-License-Identifier: GPL-2.0-only */
/* Saving and restoring a vCPU's FPU/SSE/AVX registers. */
#ifndef ASM_X86_FPU_H
#define ASM_X86_FPU_H

#include <asm/processor.h>

struct vcpu;

int vcpu_fpu_init(struct vcpu *v);
void vcpu_fpu_free(struct vcpu *v);
void fpu_save(struct vcpu *v);
void fpu_restore(struct vcpu *v);

static inline void clts(void)
{
    __asm__ __volatile__("clts" ::: "memory");
}

static inline void stts(void)
{
    write_cr0(read_cr0() | X86_CR0_TS);
}

#endif /* ASM_X86_FPU_H */
