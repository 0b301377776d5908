/* SPDX-License-Identifier: GPL-2.0-only */
/* Delivering exceptions and events into PV guests. */
#ifndef ASM_X86_PV_TRAPS_H
#define ASM_X86_PV_TRAPS_H

#include <xen/types.h>
#include <asm/regs.h>

struct vcpu;

bool pv_create_bounce_frame(struct vcpu *v, unsigned long handler,
                            bool has_error_code, uint32_t error_code,
                            bool mask_events);
void pv_handle_exception(struct cpu_user_regs *regs);

#endif /* ASM_X86_PV_TRAPS_H */
