/* SPDX-License-Identifier: GPL-2.0-only */
/* The PV hypercall table: SYSCALL from a PV guest lands here. */
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/grant_table.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <asm/domain.h>
#include <asm/hypercall_poison.h>
#include <asm/pv/mm.h>
#include <asm/pv/entry.h>
#include <asm/pv/traps.h>

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
    HC(sched_op_compat),
    HC(callback_op),
    HC(nmi_op),
    HC(set_timer_op),
    HC(vcpu_op),
    HC(memory_op),
    HC(multicall),
    HC(mmu_update),
    HC(mmuext_op),
    HC(update_va_mapping),
    HC(update_va_mapping_otherdomain),
    HC(event_channel_op),
    HC(grant_table_op),
    HC(set_gdt),
    HC(update_descriptor),
    HC(set_debugreg),
    HC(get_debugreg),
    HC(physdev_op),
    HC(platform_op),
    HC(sysctl),
    HC(domctl),
};

/*
 * Runs a batch of hypercalls, each entry's result stored back into it.
 * A multicall inside a multicall is refused (-EINVAL in its entry) and so
 * is iret, which needs the guest frame; a bad list ends the batch.
 *
 * Preemption, as Xen does it: between entries the multicall continues
 * itself from the next one.  A call that wants to continue gets its new
 * arguments written into its entry (see hypercall_create_continuation()),
 * and the multicall continues from that entry, so the guest re-issues the
 * rest of the call and then the rest of the batch.
 */
long do_multicall(XEN_GUEST_HANDLE_PARAM(multicall_entry_t) call_list,
                  unsigned int nr_calls)
{
    struct arch_vcpu *a = current->arch;
    unsigned int i;

    /* call_list moves on with i, to name the entry a continuation resumes. */
    for ( i = 0; i < nr_calls; i++, guest_handle_add_offset(call_list, 1) )
    {
        struct multicall_entry call;

        if ( i && hypercall_preempt_check() )
            break;
        if ( copy_from_guest(&call, call_list, 1) )
            return -EFAULT;
        if ( call.op >= NR_hypercalls || !hypercall_table[call.op] )
            call.result = -ENOSYS;
        else if ( call.op == __HYPERVISOR_multicall ||
                  call.op == __HYPERVISOR_iret )
            call.result = -EINVAL;
        else
        {
            a->mc_call = &call;
            call.result = hypercall_table[call.op](call.args[0], call.args[1],
                                                   call.args[2], call.args[3],
                                                   call.args[4]);
            a->mc_call = NULL;
            if ( a->mc_preempted )
            {
                a->mc_preempted = false;
                if ( copy_to_guest(call_list, &call, 1) )
                    return -EFAULT;
                break;
            }
        }
        if ( copy_field_to_guest(call_list, &call, result) )
            return -EFAULT;
    }
    if ( i == nr_calls )
        return 0;
    return hypercall_continue(__HYPERVISOR_multicall,
                              guest_handle_addr(call_list), nr_calls - i);
}

void pv_syscall(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    unsigned long nr = regs->rax, rip = regs->rip;

    /* Only the guest kernel makes hypercalls; user mode calls its kernel. */
    if ( !(v->arch->flags & VGCF_in_kernel) )
    {
        pv_user_syscall(regs);
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
    /* A continuation moved rip back to re-issue with new arguments. */
    if ( regs->rip == rip )
        hypercall_poison_used(nr, regs);
}

/*
 * The hypercall page, laid out as Xen lays it out: a 32-byte stub per
 * hypercall that keeps rcx and r11, and for iret one that pushes rcx, r11
 * and rax and does not return.
 */
void pv_write_hypercall_page(uint8_t *p)
{
    memset(p, 0xcc, PAGE_SIZE);     /* int3 between the stubs */
    for ( unsigned int i = 0; i < PAGE_SIZE / 32; i++ )
    {
        uint8_t *s = p + i * 32;

        if ( i == __HYPERVISOR_iret )
            continue;
        *s++ = 0x51;                            /* push %rcx */
        *s++ = 0x41; *s++ = 0x53;               /* push %r11 */
        *s++ = 0xb8;                            /* mov $i, %eax */
        memcpy(s, &i, 4);
        s += 4;
        *s++ = 0x0f; *s++ = 0x05;               /* syscall */
        *s++ = 0x41; *s++ = 0x5b;               /* pop %r11 */
        *s++ = 0x59;                            /* pop %rcx */
        *s++ = 0xc3;                            /* ret */
    }
    p += __HYPERVISOR_iret * 32;
    *p++ = 0x51;                                /* push %rcx */
    *p++ = 0x41; *p++ = 0x53;                   /* push %r11 */
    *p++ = 0x50;                                /* push %rax */
    *p++ = 0xb8;                                /* mov $23, %eax */
    *p++ = __HYPERVISOR_iret; *p++ = 0; *p++ = 0; *p++ = 0;
    *p++ = 0x0f; *p++ = 0x05;                   /* syscall */
}
