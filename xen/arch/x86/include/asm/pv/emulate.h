/* SPDX-License-Identifier: GPL-2.0-only */
/* Emulating instructions that fault when a PV kernel issues them. */
#ifndef ASM_X86_PV_EMULATE_H
#define ASM_X86_PV_EMULATE_H

#include <xen/types.h>
#include <asm/regs.h>

/*
 * On #GP from a PV guest: carry out the privileged instruction at rip
 * (port I/O, RDMSR/WRMSR, MOV from CRn, WBINVD, HLT, INT n) and step
 * past it.  false: not one of ours; the guest gets its #GP.
 */
bool pv_emulate_privileged_op(struct cpu_user_regs *regs);

/* On #UD: Xen's forced-emulation prefix followed by CPUID. */
bool pv_emulate_forced_cpuid(struct cpu_user_regs *regs);

#endif /* ASM_X86_PV_EMULATE_H */
