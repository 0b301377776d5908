/* SPDX-License-Identifier: GPL-2.0-only */
/* A PV vCPU's virtual CPU state: trap table, callbacks, stacks, iret. */
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <public/nmi.h>
#include <asm/current.h>
#include <asm/domain.h>
#include <asm/fpu.h>
#include <asm/processor.h>
#include <asm/pv/compat.h>
#include <asm/pv/descriptor-tables.h>
#include <asm/pv/entry.h>
#include <asm/pv/traps.h>
#include <asm/uaccess.h>

/*
 * Addresses the guest will be entered at must be its own: canonical and
 * outside the hypervisor's range.  Zero means "none registered".
 */
static bool valid_entry_point(unsigned long addr)
{
    return !addr || guest_range_ok(addr, 1);
}

/*
 * The trap table at table (0: clear it), entry n read by read(): all of
 * it up to the end (address 0) validated before anything changes.
 */
long pv_set_trap_table(unsigned long table,
                       int (*read)(unsigned long table, unsigned int n,
                                   struct trap_info *ti))
{
    struct trap_info *ctxt = current->arch.pv.trap_ctxt;
    struct trap_info table_copy[256];
    unsigned int n;

    if ( !table )
    {
        memset(ctxt, 0, sizeof(table_copy));
        return 0;
    }
    memcpy(table_copy, ctxt, sizeof(table_copy));
    for ( n = 0; n < 256; n++ )
    {
        struct trap_info ti;

        if ( read(table, n, &ti) )
            return -EFAULT;
        if ( !ti.address )
            break;
        if ( !valid_entry_point(ti.address) )
            return -EINVAL;
        table_copy[ti.vector] = ti;
    }
    memcpy(ctxt, table_copy, sizeof(table_copy));
    return 0;
}

/*
 * A 64-bit guest's 16-byte entries.  The selector is kept for the vCPU's
 * context only (guests are always entered on the flat selectors), with
 * the RPL a ring-3 kernel has, as Xen fixes it.
 */
static int read_trap_info(unsigned long table, unsigned int n,
                          struct trap_info *ti)
{
    if ( copy_from_guest_bytes(ti, (const struct trap_info *)table + n,
                               sizeof(*ti)) )
        return -EFAULT;
    ti->cs |= 3;
    return 0;
}

long do_set_trap_table(XEN_GUEST_HANDLE_PARAM(const_trap_info_t) traps)
{
    return pv_set_trap_table((unsigned long)traps.p, read_trap_info);
}

long do_stack_switch(unsigned long ss, unsigned long esp)
{
    struct arch_vcpu *a = &current->arch;

    a->pv.kernel_ss = ss;
    a->pv.kernel_sp = esp;
    return 0;
}

long pv_register_callback(const struct callback_register *reg)
{
    struct arch_vcpu *a = &current->arch;
    unsigned long bit;

    if ( !valid_entry_point(reg->address) )
        return -EINVAL;
    switch ( reg->type )
    {
    case CALLBACKTYPE_event:
        a->pv.event_callback_eip = reg->address;
        break;
    case CALLBACKTYPE_failsafe:
        a->pv.failsafe_callback_eip = reg->address;
        break;
    case CALLBACKTYPE_syscall:
        a->pv.syscall_callback_eip = reg->address;
        break;
    case CALLBACKTYPE_nmi:
        a->pv.nmi_callback_eip = reg->address;
        break;
    /* SYSCALL from compatibility mode (pv_compat_syscall()). */
    case CALLBACKTYPE_syscall32:
        a->pv.syscall32_callback_eip = reg->address;
        break;
    /*
     * Guests register it unconditionally and expect success; SYSENTER
     * never reaches us (MSR_SYSENTER_CS stays 0: the CPU raises #GP).
     */
    case CALLBACKTYPE_sysenter:
        break;
    default:
        return -ENOSYS;
    }
    /* Known types only: a guest's type 99 must not reach the shift. */
    bit = 1UL << reg->type;
    if ( reg->flags & CALLBACKF_mask_events )
        a->pv.callback_flags |= bit;
    else
        a->pv.callback_flags &= ~bit;
    return 0;
}

long do_callback_op(int cmd, XEN_GUEST_HANDLE_PARAM(const_void) arg)
{
    switch ( cmd )
    {
    case CALLBACKOP_register:
    {
        struct callback_register reg;

        if ( copy_from_guest(&reg, arg, 1) )
            return -EFAULT;
        return pv_register_callback(&reg);
    }
    case CALLBACKOP_unregister:
    {
        struct callback_unregister unreg;

        if ( copy_from_guest(&unreg, arg, 1) )
            return -EFAULT;
        /* Only the NMI callback may be withdrawn, as in Xen. */
        if ( unreg.type != CALLBACKTYPE_nmi )
            return -EINVAL;
        current->arch.pv.nmi_callback_eip = 0;
        return 0;
    }
    default:
        return -ENOSYS;
    }
}

long do_set_callbacks(unsigned long event_address,
                      unsigned long failsafe_address,
                      unsigned long syscall_address)
{
    struct callback_register event = {
        .type = CALLBACKTYPE_event,
        .address = event_address,
        .flags = CALLBACKF_mask_events,
    };
    struct callback_register failsafe = {
        .type = CALLBACKTYPE_failsafe,
        .address = failsafe_address,
    };
    struct callback_register syscall = {
        .type = CALLBACKTYPE_syscall,
        .address = syscall_address,
    };

    if ( !valid_entry_point(event_address) ||
         !valid_entry_point(failsafe_address) ||
         !valid_entry_point(syscall_address) )
        return -EINVAL;
    pv_register_callback(&event);
    pv_register_callback(&failsafe);
    pv_register_callback(&syscall);
    return 0;
}

/* The guest's CR0.TS: FPU use then raises #NM in the guest, as it asks. */
long do_fpu_taskswitch(int set)
{
    current->arch.pv.fpu_ts = set;
    if ( set )
        stts();
    else
        clts();
    return 0;
}

long do_vm_assist(unsigned int cmd, unsigned int type)
{
    /* The assists a 64-bit PV guest may ask for. */
    const unsigned long valid = (1UL << VMASST_TYPE_writable_pagetables) |
                                (1UL << VMASST_TYPE_architectural_iopl) |
                                (1UL << VMASST_TYPE_runstate_update_flag) |
                                (1UL << VMASST_TYPE_m2p_strict);

    return pv_vm_assist(cmd, type, valid);
}

long pv_vm_assist(unsigned int cmd, unsigned int type, unsigned long valid)
{
    struct arch_domain *a = &current->domain->arch;

    if ( type >= 64 || !(valid & (1UL << type)) )
        return -EINVAL;
    switch ( cmd )
    {
    case VMASST_CMD_enable:
        a->pv.vm_assist |= 1UL << type;
        return 0;
    case VMASST_CMD_disable:
        a->pv.vm_assist &= ~(1UL << type);
        return 0;
    default:
        return -ENOSYS;
    }
}

long do_set_segment_base(unsigned int which, unsigned long base)
{
    struct arch_vcpu *a = &current->arch;

    /* A base the CPU would refuse (non-canonical) or ours is refused. */
    if ( which != SEGBASE_GS_USER_SEL && !guest_range_ok(base, 1) )
        return -EINVAL;
    switch ( which )
    {
    case SEGBASE_FS:
        a->pv.fs_base = base;
        wrmsr(MSR_FS_BASE, base);
        return 0;
    case SEGBASE_GS_USER:
        a->pv.gs_base_user = base;
        wrmsr(MSR_SHADOW_GS_BASE, base);
        return 0;
    case SEGBASE_GS_KERNEL:
        a->pv.gs_base_kernel = base;
        wrmsr(MSR_GS_BASE, base);
        return 0;
    case SEGBASE_GS_USER_SEL:
    {
        unsigned long flags;

        /*
         * The user's %gs: loaded with the user's base live, as the
         * kernel's swapgs would have it, which sets that base from the
         * descriptor.  A selector that will not load leaves %gs null, and
         * the call still succeeds, as on Xen.  An LDT page is mapped
         * first, while interrupts are on (see pv_ldt_fault()).
         */
        pv_map_ldt_selector(current, base);
        local_irq_save(flags);
        __asm__ __volatile__("swapgs" ::: "memory");
        pv_load_gs(base);
        __asm__ __volatile__("swapgs" ::: "memory");
        a->pv.gs_base_user = rdmsr(MSR_SHADOW_GS_BASE);
        local_irq_restore(flags);
        return 0;
    }
    default:
        return -EINVAL;
    }
}

/*
 * The guest's return from an exception or event frame: rax, r11, rcx,
 * flags, rip, cs, rflags, rsp, ss on its stack at rsp.  The frame is
 * checked before any register changes; a bad one crashes the domain.
 * CS with RPL 3 returns to user mode (the frames of kernel context carry
 * RPL 0, see the bounce frame), which needs a user page table, as on Xen.
 */
void do_iret(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    struct iret_context iret;

    if ( copy_from_guest_bytes(&iret, (void *)regs->rsp, sizeof(iret)) ||
         !guest_range_ok(iret.rip, 1) )
    {
        domain_crash(v->domain, "bad iret frame");
        return;
    }
    if ( (iret.cs & 3) == 3 )
    {
        if ( !mfn_valid(v->arch.pv.guest_table_user) )
        {
            printk(XENLOG_ERR "d%uv%u: iret to user mode without user page "
                              "tables\n",
                   v->domain->domain_id, v->vcpu_id);
            domain_crash(v->domain, "iret to user mode without user tables");
            return;
        }
        pv_toggle_guest_mode(v);
    }
    regs->rax = iret.rax;
    regs->rip = iret.rip;
    /*
     * Xen loads the frame's selectors (RPL forced to 3) and recovers from
     * a bad one with the failsafe callback; we have no such recovery, so
     * both modes get the flat 64-bit ring-3 selectors, which are also the
     * user ones (FLAT_USER_CS/SS).
     */
    regs->cs = PV_KERNEL_CS;
    /*
     * The guest cannot change IOPL or leave interrupts off in hardware;
     * with VMASST_TYPE_architectural_iopl the frame's IOPL is the virtual
     * one, as Xen takes it.
     */
    if ( v->domain->arch.pv.vm_assist &
         (1UL << VMASST_TYPE_architectural_iopl) )
        v->arch.pv.iopl = (iret.rflags & X86_EFLAGS_IOPL) >> 12;
    regs->rflags = (iret.rflags & ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM)) |
                   X86_EFLAGS_IF;
    regs->rsp = iret.rsp;
    regs->ss = PV_KERNEL_SS;
    /*
     * A return from a system call leaves rcx and r11 as Xen's SYSRET
     * leaves them (return address and flags); other frames restore them.
     */
    if ( iret.flags & VGCF_in_syscall )
    {
        regs->rcx = regs->rip;
        regs->r11 = regs->rflags;
    }
    else
    {
        regs->r11 = iret.r11;
        regs->rcx = iret.rcx;
    }
    /* Events are masked exactly when the frame had interrupts off. */
    v->vcpu_info->evtchn_upcall_mask = !(iret.rflags & X86_EFLAGS_IF);
}

/* nmi_op: where an NMI sent to the guest is delivered. */
long pv_nmi_register(unsigned long handler, unsigned long pad)
{
    if ( pad || !valid_entry_point(handler) )
        return -EINVAL;
    current->arch.pv.nmi_callback_eip = handler;
    return 0;
}

long do_nmi_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xennmi_callback cb;

    switch ( cmd )
    {
    case XENNMI_register_callback:
        if ( copy_from_guest(&cb, arg, 1) )
            return -EFAULT;
        return pv_nmi_register(cb.handler_address, cb.pad);
    case XENNMI_unregister_callback:
        current->arch.pv.nmi_callback_eip = 0;
        return 0;
    default:
        return -ENOSYS;
    }
}
