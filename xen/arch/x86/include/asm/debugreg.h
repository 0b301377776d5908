/* SPDX-License-Identifier: GPL-2.0-only */
/* A PV vCPU's debug registers: checked writes and context switching. */
#ifndef ASM_X86_DEBUGREG_H
#define ASM_X86_DEBUGREG_H

#include <xen/types.h>

struct vcpu;

/* DR7's enable bits (L0-L3, G0-G3): breakpoints are armed when any is. */
#define DR7_ACTIVE_MASK 0xffUL

/*
 * Sets debug register reg of v after checking value as Xen does: 0 or
 * -EPERM (DR0-3 outside the guest's range, DR7.GD or an I/O breakpoint),
 * -EINVAL (DR6/DR7 above 32 bits), -ENODEV (no such register).  Reserved
 * DR6/DR7 bits are forced to their fixed values.  v is current or not
 * running.
 */
long pv_set_debugreg(struct vcpu *v, unsigned int reg, unsigned long value);
/* What get_debugreg returns for v (current or not running). */
long pv_get_debugreg(struct vcpu *v, unsigned int reg);

/*
 * Context switch: the hardware registers hold a vCPU's values only while
 * its DR7 arms a breakpoint.  Save on the way out (DR6 may have recorded
 * a hit), load on the way in; both cost nothing for the usual vCPU whose
 * DR7 is clear.
 */
void pv_save_debugregs(struct vcpu *v);
void pv_load_debugregs(struct vcpu *v);

/*
 * For a #DB raised in hypervisor context: the running guest's breakpoint
 * hit by an access the hypervisor made to guest memory for it
 * (copy_to_guest and the like), or a breakpoint or single step a guest's
 * MOV SS deferred into one of our entry stubs.  Both are traps, so the
 * hypervisor simply carries on; the hit stays in (or goes to) the DR6
 * the guest reads, as Xen 4.17 leaves it.
 */
void pv_debugreg_hypervisor_trap(void);

#endif /* ASM_X86_DEBUGREG_H */
