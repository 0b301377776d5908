/* SPDX-License-Identifier: GPL-2.0-only */
/* The register frame every exception and interrupt entry saves. */
#ifndef ASM_X86_REGS_H
#define ASM_X86_REGS_H

#include <xen/types.h>
#include <public/xen.h>

/*
 * Entry frames use the public struct cpu_user_regs, so guest frames copy in
 * and out without translation: entry.S pushes r15..rdi and the vector, the
 * CPU (or the stub) error_code onwards up to ss.  The selector fields after
 * ss are beyond what the CPU pushes; a hypervisor frame must not use them.
 */
static inline bool guest_mode(const struct cpu_user_regs *r)
{
    return (r->cs & 3) != 0;
}

#endif /* ASM_X86_REGS_H */
