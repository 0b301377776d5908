/* SPDX-License-Identifier: GPL-2.0-only */
/* What runs on every way back into a guest, whatever its type. */
#ifndef ASM_X86_GUEST_RETURN_H
#define ASM_X86_GUEST_RETURN_H

#include <xen/sched.h>
#include <xen/softirq.h>
#include <asm/current.h>
#include <asm/hvm/hvm.h>
#include <asm/pv/traps.h>
#include <asm/system.h>

/*
 * The last C code before any guest runs again: pending softirqs, then an
 * event upcall the guest may take now, delivered as its type takes
 * events.  Returns with interrupts off.  Inline: each guest type's return
 * path runs it on every entry, hypercalls included.
 *
 * A softirq may switch this CPU to another vCPU (and never come back
 * here), so they all run before anything about v is decided; interrupts
 * go off with none pending, so none is missed before the guest runs.
 * The time area was brought up to date when v was switched in.
 */
static inline void prepare_return_to_guest(struct vcpu *v)
{
    unsigned int cpu = smp_processor_id();

    for ( ;; )
    {
        local_irq_disable();
        if ( !softirq_pending(cpu) )
            break;
        local_irq_enable();
        do_softirq();
    }
    if ( v->vcpu_info->evtchn_upcall_pending &&
         !v->vcpu_info->evtchn_upcall_mask )
    {
        if ( is_pv_vcpu(v) )
            pv_deliver_upcall(v);
        else
            hvm_funcs.deliver_upcall(v);
    }
}

#endif /* ASM_X86_GUEST_RETURN_H */
