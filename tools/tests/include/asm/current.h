/* SPDX-License-Identifier: GPL-2.0-only */
/* Host-test stand-in for asm/current.h: the harness says which CPU runs. */
#ifndef ASM_X86_CURRENT_H
#define ASM_X86_CURRENT_H

#include <public/xen.h>

struct vcpu;

struct cpu_info {
    unsigned int processor_id;
    struct vcpu *current_vcpu;      /* what `current` means in a test */
    /* The frame a hypercall continuation rewrites. */
    struct cpu_user_regs guest_cpu_user_regs;
    /* A 32-bit PV vCPU is loaded, and SMEP/SMAP were on at entry. */
    uint8_t pv32_running;
    uint8_t pv32_entered_on;
};

struct cpu_info *get_cpu_info(void);
unsigned int smp_processor_id(void);

#endif /* ASM_X86_CURRENT_H */
