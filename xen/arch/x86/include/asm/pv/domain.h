/* SPDX-License-Identifier: GPL-2.0-only */
/* A PV vCPU's life: creation, context switch, release (pv/domain.c). */
#ifndef ASM_X86_PV_DOMAIN_H
#define ASM_X86_PV_DOMAIN_H

struct vcpu;

int pv_vcpu_create(struct vcpu *v);
/* Saves v's state off this CPU, and loads it on (interrupts off). */
void pv_ctxt_switch_from(struct vcpu *v);
void pv_ctxt_switch_to(struct vcpu *v);
/* Domain teardown: what v holds of its domain's frames. */
void pv_vcpu_relinquish(struct vcpu *v);

#endif /* ASM_X86_PV_DOMAIN_H */
