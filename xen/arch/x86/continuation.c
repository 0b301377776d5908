/* SPDX-License-Identifier: GPL-2.0-only */
/* Hypercall continuations: multicall entries here, guest types' own below. */
#include <xen/event.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <xen/string.h>
#include <asm/current.h>
#include <asm/pv/continuation.h>

/*
 * Softirqs are what a long hypercall would hold up: timers, and the
 * scheduler wanting another vCPU here.  An event for the caller counts
 * too, so that its upcall is not delayed behind the batch.
 */
bool hypercall_preempt_check(void)
{
    return softirq_pending(smp_processor_id()) ||
           local_events_need_delivery(current);
}

long hypercall_create_continuation(unsigned int op, unsigned int nr,
                                   const unsigned long *args)
{
    struct vcpu *v = current;

    /* The re-issue passes the call all the arguments it takes. */
    ASSERT(nr == hypercall_nargs(op));
    if ( v->mc_call )
    {
        /* do_multicall() copies the entry back and continues itself. */
        v->mc_call->op = op;
        memcpy(v->mc_call->args, args, nr * sizeof(*args));
        v->mc_preempted = true;
        return op;
    }
    /* Otherwise the guest's own hypercall instruction runs again. */
    if ( is_pv_vcpu(v) )
        return pv_hypercall_continuation(op, nr, args);
    /*
     * An HVM guest's re-issue rewinds over its VMCALL or VMMCALL through
     * the vendor seam (asm/hvm/hvm.h); until SVM or VT-x fills it no HVM
     * vCPU runs, so none gets here.
     */
    BUG();
}
