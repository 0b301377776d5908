/* SPDX-License-Identifier: GPL-2.0-only */
/* The PV hypercall table: SYSCALL from guest kernel mode lands here. */
#include <xen/errno.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <asm/domain.h>
#include <asm/pv/entry.h>

/*
 * Arguments come in rdi, rsi, rdx, r10, r8 (SYSCALL took rcx).  Handlers
 * keep their typed signatures; on x86-64 a guest handle, a pointer and an
 * integer all travel in one register, so calling through this type passes
 * them unchanged, as Xen's table does.
 */
typedef long hypercall_fn_t(unsigned long, unsigned long, unsigned long,
                            unsigned long, unsigned long);
#define HC(name) [__HYPERVISOR_##name] =                                    \
    (hypercall_fn_t *)(void (*)(void))do_##name

static hypercall_fn_t *const hypercall_table[NR_hypercalls] = {
    HC(set_trap_table),
    HC(stack_switch),
    HC(set_callbacks),
    HC(fpu_taskswitch),
    HC(xen_version),
    HC(console_io),
    HC(vm_assist),
    HC(set_segment_base),
    HC(sched_op),
    HC(callback_op),
    HC(set_timer_op),
    HC(vcpu_op),
};

void pv_syscall(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    unsigned long nr = regs->rax;

    /* A user-mode SYSCALL is the guest kernel's to handle (not yet). */
    if ( !(v->arch->flags & VGCF_in_kernel) )
    {
        domain_crash(v->domain, "system call from guest user mode");
        return;
    }
    if ( nr == __HYPERVISOR_iret )
    {
        do_iret(regs);
        return;
    }
    if ( nr >= NR_hypercalls || !hypercall_table[nr] )
    {
        regs->rax = -ENOSYS;
        return;
    }
    regs->rax = hypercall_table[nr](regs->rdi, regs->rsi, regs->rdx,
                                    regs->r10, regs->r8);
}
