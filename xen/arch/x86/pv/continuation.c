/* SPDX-License-Identifier: GPL-2.0-only */
/* PV hypercall continuations: the guest's SYSCALL is issued again. */
#include <xen/lib.h>
#include <xen/sched.h>
#include <asm/current.h>
#include <asm/pv/continuation.h>

/* The bytes of SYSCALL (0f 05), which the guest runs again. */
#define SYSCALL_INSN_LEN 2

long pv_hypercall_continuation(unsigned int op, unsigned int nr,
                               const unsigned long *args)
{
    struct cpu_user_regs *regs = &get_cpu_info()->guest_cpu_user_regs;
    /* Where the ABI takes arguments from, in order. */
    uint64_t *const reg[] = {
        &regs->rdi, &regs->rsi, &regs->rdx, &regs->r10, &regs->r8,
    };
    /* int $0x82's (32-bit PV guests), the same length as SYSCALL. */
    uint64_t *const reg32[] = {
        &regs->rbx, &regs->rcx, &regs->rdx, &regs->rsi, &regs->rdi,
    };
    bool compat = current->domain->arch.pv.is_32bit;

    ASSERT(nr <= ARRAY_SIZE(reg));
    /*
     * Back to the SYSCALL, with the hypercall number in rax from our
     * return value.  rcx no longer matches rip, so the way out is IRET
     * rather than SYSRET; the re-issue sets rcx and r11 anew.  From the
     * hypercall page this is the stub's own SYSCALL: the pushes before it
     * are not repeated, and the pops after it still balance.
     */
    regs->rip -= SYSCALL_INSN_LEN;
    for ( unsigned int i = 0; i < nr; i++ )
        *(compat ? reg32 : reg)[i] = compat ? (uint32_t)args[i] : args[i];
    return op;
}
