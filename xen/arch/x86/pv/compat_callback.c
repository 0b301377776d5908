/* SPDX-License-Identifier: GPL-2.0-only */
/* 32-bit PV guests' iret, trap table, callbacks and kernel stack. */
#include <xen/errno.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <asm/current.h>
#include <asm/processor.h>
#include <asm/pv/compat.h>
#include <asm/pv/traps.h>
#include <asm/uaccess.h>
#include <public/callback.h>

/* trap_info with a 32-bit address: 8 bytes. */
struct compat_trap_info {
    uint8_t vector, flags;
    uint16_t cs;
    uint32_t address;
};

/* callback_register with a cs:eip pair: 12 bytes. */
struct compat_callback_register {
    uint16_t type, flags;
    uint32_t cs, eip;
};

/* iret's frame, from ESP up: EAX the stub pushed, then the CPU's. */
struct compat_iret_frame {
    uint32_t eax, eip, cs, eflags;
    uint32_t esp, ss; /* only when returning to ring 3 */
};

/*
 * A 32-bit kernel's selectors carry RPL 1; RPL 0 (what a native kernel
 * would write) is taken as 1, as Xen fixes it.
 */
static uint16_t ring1_selector(uint32_t sel)
{
    return (sel & 3) ? sel : sel | 1;
}

/*
 * The hypercall page's iret stub pushed EAX over the frame a bounce (or
 * the kernel) left: EIP, CS, EFLAGS, and ESP, SS for a return to ring 3.
 * Read once, checked, then applied; a frame that cannot be read crashes
 * the domain, as Xen.  A CS of RPL 0 or 1 returns to the kernel (ring 1),
 * RPL 2 is no ring a PV guest has.  Selectors that do not load fault on
 * the way in and reach the guest as #GP (pv_iret_fault()).
 */
void pv_compat_iret(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    struct compat_iret_frame f;
    uint32_t esp = regs->rsp;
    bool to_user;

    if ( copy_from_guest_bytes(&f, (void *)(unsigned long)esp,
                               offsetof(struct compat_iret_frame, esp)) )
    {
        domain_crash(v->domain, "bad iret frame");
        return;
    }
    to_user = (f.cs & 3) == 3;
    if ( (f.cs & 3) == 2 || (f.eflags & X86_EFLAGS_VM) ||
         (to_user && copy_from_guest_bytes(
                         &f.esp,
                         (void *)((unsigned long)esp +
                                  offsetof(struct compat_iret_frame, esp)),
                         2 * sizeof(uint32_t))) )
    {
        domain_crash(v->domain, "bad iret frame");
        return;
    }
    regs->rax = f.eax;
    regs->rip = f.eip;
    regs->cs = to_user ? f.cs : ring1_selector(f.cs);
    if ( v->domain->arch.pv.vm_assist &
         (1UL << VMASST_TYPE_architectural_iopl) )
        v->arch.pv.iopl = (f.eflags & X86_EFLAGS_IOPL) >> 12;
    regs->rflags = (f.eflags & ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM)) |
                   X86_EFLAGS_IF;
    if ( to_user )
    {
        regs->rsp = f.esp;
        regs->ss = f.ss | 3;
    }
    else
        regs->rsp = esp + offsetof(struct compat_iret_frame, esp);
    /* Events are masked exactly when the frame had interrupts off. */
    v->vcpu_info->evtchn_upcall_mask = !(f.eflags & X86_EFLAGS_IF);
}

static int read_compat_trap_info(unsigned long table, unsigned int n,
                                 struct trap_info *ti)
{
    struct compat_trap_info c;

    if ( copy_from_guest_bytes(&c, (const struct compat_trap_info *)table + n,
                               sizeof(c)) )
        return -EFAULT;
    *ti = (struct trap_info){ .vector = c.vector,
                              .flags = c.flags,
                              .cs = ring1_selector(c.cs),
                              .address = c.address };
    return 0;
}

static long compat_register(const struct compat_callback_register *c)
{
    struct callback_register reg = { .type = c->type,
                                     .flags = c->flags,
                                     .address = c->eip };

    return pv_register_callback(&reg);
}

/* set_callbacks(event cs, eip, failsafe cs, eip): no syscall at 32 bits. */
long pv_compat_set_callbacks(uint32_t ecs, uint32_t eeip, uint32_t fcs,
                             uint32_t feip)
{
    const struct compat_callback_register event = {
        .type = CALLBACKTYPE_event,
        .flags = CALLBACKF_mask_events,
        .cs = ecs,
        .eip = eeip
    };
    const struct compat_callback_register failsafe = {
        .type = CALLBACKTYPE_failsafe, .cs = fcs, .eip = feip
    };
    long rc = compat_register(&event);

    return rc ? rc : compat_register(&failsafe);
}

long pv_compat_callback_op(uint32_t cmd, uint32_t arg)
{
    struct compat_callback_register c;

    if ( cmd != CALLBACKOP_register )
        /* unregister's struct has the same layout at both widths. */
        return do_callback_op(cmd, (XEN_GUEST_HANDLE_PARAM(const_void)){
                                       (const void *)(unsigned long)arg });
    if ( copy_from_guest_bytes(&c, (const void *)(unsigned long)arg,
                               sizeof(c)) )
        return -EFAULT;
    return compat_register(&c);
}

long pv_compat_set_trap_table(uint32_t table)
{
    return pv_set_trap_table(table, read_compat_trap_info);
}

/* The kernel's stack for ring-3 interruptions: a ring-1 SS. */
long pv_compat_stack_switch(uint32_t ss, uint32_t esp)
{
    return do_stack_switch(ring1_selector(ss), esp);
}
