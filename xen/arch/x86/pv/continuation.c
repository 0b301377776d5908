/* SPDX-License-Identifier: GPL-2.0-only */
/* Hypercall continuations: a long PV hypercall yields and is re-issued. */
#include <xen/event.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <xen/string.h>
#include <asm/current.h>
#include <asm/domain.h>

/* The bytes of SYSCALL (0f 05), which the guest runs again. */
#define SYSCALL_INSN_LEN    2

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
    struct cpu_user_regs *regs = &get_cpu_info()->guest_cpu_user_regs;
    /* Where the ABI takes arguments from, in order. */
    uint64_t *const reg[] = {
        &regs->rdi, &regs->rsi, &regs->rdx, &regs->r10, &regs->r8,
    };

    /* The re-issue passes the call all the arguments it takes. */
    ASSERT(nr <= ARRAY_SIZE(reg) && nr == hypercall_nargs(op));
    if ( v->mc_call )
    {
        /* do_multicall() copies the entry back and continues itself. */
        v->mc_call->op = op;
        memcpy(v->mc_call->args, args, nr * sizeof(*args));
        v->mc_preempted = true;
        return op;
    }

    /*
     * Back to the SYSCALL, with the hypercall number in rax from our
     * return value.  rcx no longer matches rip, so the way out is IRET
     * rather than SYSRET; the re-issue sets rcx and r11 anew.  From the
     * hypercall page this is the stub's own SYSCALL: the pushes before it
     * are not repeated, and the pops after it still balance.
     */
    regs->rip -= SYSCALL_INSN_LEN;
    for ( unsigned int i = 0; i < nr; i++ )
        *reg[i] = args[i];
    return op;
}
