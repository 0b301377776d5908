/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypercall table: every guest type's way in (SYSCALL, VMMCALL). */
#include <xen/perfc.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/grant_table.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <asm/current.h>
#include <asm/hypercall_poison.h>
#include <asm/pv/compat.h>
#include <asm/pv/entry.h>
#include <asm/pv/mm.h>
#include <asm/pv/traps.h>
#include <public/memory.h>
#include <public/nmi.h>
#include <public/vcpu.h>

/*
 * Handlers keep their typed signatures; on x86-64 a guest handle, a
 * pointer and an integer all travel in one register, so calling through
 * this type passes them unchanged, as Xen's table does.
 */
typedef long hypercall_fn_t(unsigned long, unsigned long, unsigned long,
                            unsigned long, unsigned long);

/* Which guest types may make a call: Xen 4.17's per-type allow-lists. */
#define PV  (1u << guest_type_pv)
#define HVM ((1u << guest_type_hvm) | (1u << guest_type_pvh))

struct hypercall {
    hypercall_fn_t *fn;
    uint8_t nargs;  /* how many of the argument registers it takes */
    uint8_t guests; /* PV, HVM: who may call it; 0: nobody */
};

/* clang-format off */
#define HC(name, n, who) [__HYPERVISOR_##name] =                            \
    { (hypercall_fn_t *)(void (*)(void))do_##name, n, who }
/* clang-format on */

/*
 * iret is not here: it takes the PV guest's frame, not arguments
 * (pv_syscall()).  An HVM guest's sub-ops are narrowed further by the
 * handlers themselves, as in Xen.
 */
static const struct hypercall hypercall_table[NR_hypercalls] = {
    HC(set_trap_table, 1, PV),
    HC(mmu_update, 4, PV),
    HC(set_gdt, 2, PV),
    HC(stack_switch, 2, PV),
    HC(set_callbacks, 3, PV),
    HC(fpu_taskswitch, 1, PV),
    HC(sched_op_compat, 2, PV),
    HC(platform_op, 1, PV | HVM),
    HC(set_debugreg, 2, PV),
    HC(get_debugreg, 1, PV),
    HC(update_descriptor, 2, PV),
    HC(memory_op, 2, PV | HVM),
    HC(multicall, 2, PV | HVM),
    HC(update_va_mapping, 3, PV),
    HC(set_timer_op, 1, PV | HVM),
    HC(xen_version, 2, PV | HVM),
    HC(console_io, 3, PV | HVM),
    HC(grant_table_op, 3, PV | HVM),
    HC(vm_assist, 2, PV | HVM),
    HC(update_va_mapping_otherdomain, 4, PV),
    HC(vcpu_op, 3, PV | HVM),
    HC(set_segment_base, 2, PV),
    HC(mmuext_op, 4, PV | HVM),
    HC(nmi_op, 2, PV),
    HC(sched_op, 2, PV | HVM),
    HC(callback_op, 2, PV),
    HC(event_channel_op, 2, PV | HVM),
    HC(physdev_op, 2, PV | HVM),
    HC(sysctl, 1, PV | HVM),
    HC(domctl, 1, PV | HVM),
};

static const struct hypercall *lookup(unsigned long nr, unsigned int guest)
{
    if ( nr >= NR_hypercalls || !(hypercall_table[nr].guests & guest) )
        return NULL;
    return &hypercall_table[nr];
}

/* Arguments in rdi, rsi, rdx, r10, r8 (SYSCALL took rcx). */
static void pv_hypercall(struct cpu_user_regs *regs)
{
    const struct hypercall *h = lookup(regs->rax, PV);
    unsigned long rip = regs->rip;

    if ( !h )
    {
        regs->rax = -ENOSYS;
        return;
    }
    regs->rax = h->fn(regs->rdi, regs->rsi, regs->rdx, regs->r10, regs->r8);
    /* A continuation moved rip back to re-issue with new arguments. */
    if ( regs->rip == rip )
        hypercall_poison_used(h->nargs, regs);
}

/*
 * SYSCALL from a PV guest (pv/entry.S) lands here, beside the table, so
 * that the lookup and the call through it are compiled into this one
 * function: every further call level on the way to the handler costs on
 * every hypercall (and twice over under emulation).
 */
void __hot_path pv_syscall(struct cpu_user_regs *regs)
{
    /* Only the guest kernel makes hypercalls; user mode calls its kernel. */
    if ( !(current->arch.flags & VGCF_in_kernel) )
    {
        perfc_incr(user_syscall);
        pv_user_syscall(regs);
        return;
    }
    perfc_incra(hypercall, regs->rax, 64);
    if ( regs->rax == __HYPERVISOR_iret )
    {
        do_iret(regs);
        return;
    }
    pv_hypercall(regs);
}

/*
 * Whether a 32-bit PV guest's call has the same arguments at both widths
 * (docs/misc/compat32.md): the others need a translation of their own,
 * and until each has one they are -ENOSYS.
 */
static bool compat_same_layout(unsigned long nr, unsigned long cmd)
{
    switch ( nr )
    {
    case __HYPERVISOR_console_io:
    case __HYPERVISOR_event_channel_op:
    case __HYPERVISOR_fpu_taskswitch:
    case __HYPERVISOR_sched_op_compat:
    /* Register numbers and values; breakpoints checked for the hole. */
    case __HYPERVISOR_set_debugreg:
    case __HYPERVISOR_get_debugreg:
    /*
     * 64-bit handles and aligned 64-bit fields at both widths (the
     * public headers say so); platform_op's sub-ops here are all of
     * fixed-width fields, so a new one with a handle needs a translation.
     * Their structures are checked below the hole first
     * (pv/compat_hypercall.c).
     */
    case __HYPERVISOR_sysctl:
    case __HYPERVISOR_domctl:
    case __HYPERVISOR_platform_op:
        return true;
    /*
     * register_callback (a long) is translated; physdev_op all in
     * pv/compat_physdev.c.
     */
    case __HYPERVISOR_nmi_op:
        return cmd == XENNMI_unregister_callback;
    case __HYPERVISOR_xen_version:
        return cmd != XENVER_platform_parameters;
    case __HYPERVISOR_sched_op:
        return cmd != SCHEDOP_poll;
    /* Requests of two u64s; the done count a uint. */
    case __HYPERVISOR_mmu_update:
        return true;
    /*
     * The vCPU's state, timers of u64s, and the areas named by a frame or
     * a 64-bit handle union; the runstate is written in the guest's
     * layout by common/vcpu.c.  initialise (its context) and the
     * singleshot timer (12 bytes at 32 bits, 16 here) are translated.
     */
    case __HYPERVISOR_vcpu_op:
        return cmd == VCPUOP_up || cmd == VCPUOP_down || cmd == VCPUOP_is_up ||
               cmd == VCPUOP_set_periodic_timer ||
               cmd == VCPUOP_stop_periodic_timer ||
               cmd == VCPUOP_stop_singleshot_timer ||
               cmd == VCPUOP_register_vcpu_info || cmd == VCPUOP_send_nmi ||
               cmd == VCPUOP_register_vcpu_time_memory_area ||
               cmd == VCPUOP_register_runstate_memory_area ||
               cmd == VCPUOP_get_runstate_info || cmd == VCPUOP_get_physid;
    default:
        return false;
    }
}

/*
 * One call of a 32-bit PV guest, arguments each zero-extended from 32
 * bits: its translation (pv/compat_*.c) if it has one, otherwise the
 * native handler when the layout is the same at both widths, otherwise
 * -ENOSYS.  int $0x82 and the 32-bit multicall both come here.
 */
long pv_compat_call(uint32_t nr, const uint32_t a[6])
{
    const struct hypercall *h;
    long rc;

    if ( pv_compat_translated(nr, a, &rc) )
        return rc;
    h = lookup(nr, PV);
    if ( !h || !compat_same_layout(nr, a[0]) )
        return -ENOSYS;
    return h->fn(a[0], a[1], a[2], a[3], a[4]);
}

/*
 * int $0x82 from a 32-bit PV guest's kernel (pv/compat_entry.S): number
 * in eax, arguments in ebx, ecx, edx, esi, edi, ebp, the result in eax.
 * The gate's DPL admits ring 1 only, which no 64-bit guest reaches (its
 * descriptors are ring 3); one that did would be a hole, so it is
 * crashed.
 */
void pv_compat_hypercall(struct cpu_user_regs *regs)
{
    struct domain *d = current->domain;
    uint32_t nr = regs->rax;
    const uint32_t a[6] = { regs->rbx, regs->rcx, regs->rdx,
                            regs->rsi, regs->rdi, regs->rbp };

    perfc_incra(hypercall, nr, 64);
    if ( !d->arch.pv.is_32bit )
    {
        domain_crash(d, "int $0x82 from a 64-bit PV guest");
        return;
    }
    if ( nr == __HYPERVISOR_iret )
    {
        pv_compat_iret(regs);
        return;
    }
    regs->rax = (uint32_t)pv_compat_call(nr, a);
}

void arch_do_multicall_call(struct multicall_entry *call)
{
    const struct hypercall *h = lookup(call->op,
                                       1u << current->domain->guest_type);

    perfc_incra(multicall_op, call->op, 64);
    call->result = h ? h->fn(call->args[0], call->args[1], call->args[2],
                             call->args[3], call->args[4])
                     : -ENOSYS;
}

unsigned int hypercall_nargs(unsigned int op)
{
    return op < NR_hypercalls ? hypercall_table[op].nargs : 0;
}
