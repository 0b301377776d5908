/* SPDX-License-Identifier: GPL-2.0-only */
/* A PV guest's hypercall re-issued: the continuation's PV half. */
#ifndef ASM_X86_PV_CONTINUATION_H
#define ASM_X86_PV_CONTINUATION_H

/*
 * For hypercall_create_continuation() (arch/x86/continuation.c), outside
 * a multicall: the guest's SYSCALL runs again with args[0..nr-1] in its
 * argument registers.  Returns op, for rax.
 */
long pv_hypercall_continuation(unsigned int op, unsigned int nr,
                               const unsigned long *args);

#endif /* ASM_X86_PV_CONTINUATION_H */
