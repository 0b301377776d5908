/* SPDX-License-Identifier: GPL-2.0-only */
/* A 32-bit PV guest's vCPU calls: vcpu_op and sched_op poll. */
#include <xen/errno.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <xen/timer.h>
#include <xen/xmalloc.h>
#include <asm/current.h>
#include <asm/pv/compat.h>
#include <asm/uaccess.h>
#include <public/vcpu.h>

/* vcpu_set_singleshot_timer at 32 bits: no tail padding, 12 bytes. */
struct __packed compat_singleshot_timer {
    uint64_t timeout_abs_ns;
    uint32_t flags;
};

/* sched_poll at 32 bits: a 32-bit ports handle, 16 bytes. */
struct __packed compat_sched_poll {
    uint32_t ports;
    uint32_t nr_ports;
    uint64_t timeout;
};

/* cpu_user_regs at 32 bits: 68 bytes, selectors each in a 32-bit slot. */
struct compat_user_regs {
    uint32_t ebx, ecx, edx, esi, edi, ebp, eax;
    uint16_t error_code, entry_vector;
    uint32_t eip;
    uint16_t cs;
    uint8_t saved_upcall_mask, pad0;
    uint32_t eflags, esp;
    uint16_t ss, pad1, es, pad2, ds, pad3, fs, pad4, gs, pad5;
};

/*
 * vcpu_guest_context at 32 bits: 2800 bytes, every long 4 bytes, 8-byte
 * trap_info, callbacks as cs:eip, no segment bases or syscall callback
 * (checked against gcc -m32 on the public headers).
 */
struct compat_vcpu_context {
    uint8_t fpu_ctxt[512];
    uint32_t flags;
    struct compat_user_regs user_regs;
    struct {
        uint8_t vector, flags;
        uint16_t cs;
        uint32_t address;
    } trap_ctxt[256];
    uint32_t ldt_base, ldt_ents;
    uint32_t gdt_frames[16], gdt_ents;
    uint32_t kernel_ss, kernel_sp;
    uint32_t ctrlreg[8], debugreg[8];
    uint32_t event_callback_cs, event_callback_eip;
    uint32_t failsafe_callback_cs, failsafe_callback_eip;
    uint32_t vm_assist;
};

_Static_assert(sizeof(struct compat_user_regs) == 68, "compat regs");
_Static_assert(sizeof(struct compat_vcpu_context) == 2800, "compat context");
_Static_assert(offsetof(struct compat_vcpu_context, kernel_ss) == 2708,
               "compat kernel_ss");

/*
 * Widened for arch_set_info_guest(), whose 32-bit rules (RPL 1, the L3
 * root in slot 0 of the vCPU's L4) follow the domain.  The callbacks' cs
 * halves are dropped: handlers are entered on FLAT_RING1_CS whatever a
 * guest registers (pv/compat_traps.c).
 */
static void widen_context(const struct compat_vcpu_context *cc,
                          struct vcpu_guest_context *c)
{
    const struct compat_user_regs *cr = &cc->user_regs;
    struct cpu_user_regs *r = &c->user_regs;
    unsigned int i;

    memset(c, 0, sizeof(*c));
    BUILD_BUG_ON(sizeof(c->fpu_ctxt) != sizeof(cc->fpu_ctxt));
    memcpy(&c->fpu_ctxt, cc->fpu_ctxt, sizeof(cc->fpu_ctxt));
    c->flags = cc->flags;
    r->rbx = cr->ebx;
    r->rcx = cr->ecx;
    r->rdx = cr->edx;
    r->rsi = cr->esi;
    r->rdi = cr->edi;
    r->rbp = cr->ebp;
    r->rax = cr->eax;
    r->rip = cr->eip;
    r->cs = cr->cs;
    r->saved_upcall_mask = cr->saved_upcall_mask;
    r->rflags = cr->eflags;
    r->rsp = cr->esp;
    r->ss = cr->ss;
    r->es = cr->es;
    r->ds = cr->ds;
    r->fs = cr->fs;
    r->gs = cr->gs;
    for ( i = 0; i < ARRAY_SIZE(cc->trap_ctxt); i++ )
        c->trap_ctxt[i] = (struct trap_info){
            .vector = cc->trap_ctxt[i].vector,
            .flags = cc->trap_ctxt[i].flags,
            .cs = cc->trap_ctxt[i].cs,
            .address = cc->trap_ctxt[i].address,
        };
    c->ldt_base = cc->ldt_base;
    c->ldt_ents = cc->ldt_ents;
    for ( i = 0; i < ARRAY_SIZE(cc->gdt_frames); i++ )
        c->gdt_frames[i] = cc->gdt_frames[i];
    c->gdt_ents = cc->gdt_ents;
    c->kernel_ss = cc->kernel_ss;
    c->kernel_sp = cc->kernel_sp;
    for ( i = 0; i < ARRAY_SIZE(cc->ctrlreg); i++ )
    {
        c->ctrlreg[i] = cc->ctrlreg[i];
        c->debugreg[i] = cc->debugreg[i];
    }
    c->event_callback_eip = cc->event_callback_eip;
    c->failsafe_callback_eip = cc->failsafe_callback_eip;
    c->vm_assist = cc->vm_assist;
}

/* VCPUOP_initialise with the 32-bit context, read once. */
static long initialise(struct vcpu *v, uint32_t arg)
{
    struct compat_vcpu_context *cc = xmalloc(struct compat_vcpu_context);
    struct vcpu_guest_context *c = xmalloc(struct vcpu_guest_context);
    long rc = -ENOMEM;

    if ( cc && c )
    {
        rc = -EFAULT;
        if ( pv_compat_range_ok(arg, sizeof(*cc)) &&
             !copy_from_guest_bytes(cc, (void *)(unsigned long)arg,
                                    sizeof(*cc)) )
        {
            widen_context(cc, c);
            rc = vcpu_set_first_context(v, c);
        }
    }
    xfree(c);
    xfree(cc);
    return rc;
}

/*
 * The vcpu_op sub-ops whose argument is narrower at 32 bits; the others
 * go through (arch/x86/hypercall.c).
 */
long pv_compat_vcpu_op(uint32_t cmd, uint32_t vcpuid, uint32_t arg)
{
    struct domain *d = current->domain;
    struct compat_singleshot_timer t;

    if ( vcpuid >= d->max_vcpus || !d->vcpu[vcpuid] )
        return -ENOENT;
    if ( cmd == VCPUOP_initialise )
        return initialise(d->vcpu[vcpuid], arg);
    if ( cmd != VCPUOP_set_singleshot_timer )
        return -ENOSYS;
    /* In do_vcpu_op()'s order: the vCPU, then the argument. */
    if ( d->vcpu[vcpuid] != current )
        return -EINVAL;
    if ( !pv_compat_range_ok(arg, sizeof(t)) ||
         copy_from_guest_bytes(&t, (void *)(unsigned long)arg, sizeof(t)) )
        return -EFAULT;
    /* VCPU_SSHOTTMR_future is ignored, as Xen 4.17 does. */
    set_timer(&current->singleshot_timer, t.timeout_abs_ns);
    return 0;
}

/* SCHEDOP_poll with the 32-bit sched_poll; the rest have one layout. */
long pv_compat_sched_op(uint32_t cmd, uint32_t arg)
{
    struct compat_sched_poll c;
    struct sched_poll p;

    if ( cmd != SCHEDOP_poll )
        return -ENOSYS;
    if ( !pv_compat_range_ok(arg, sizeof(c)) ||
         copy_from_guest_bytes(&c, (void *)(unsigned long)arg, sizeof(c)) )
        return -EFAULT;
    /* vcpu_poll() bounds the count before it reads the ports. */
    if ( c.nr_ports <= SCHED_POLL_MAX_PORTS &&
         !pv_compat_range_ok(c.ports, c.nr_ports * sizeof(evtchn_port_t)) )
        return -EFAULT;
    p = (struct sched_poll){ .nr_ports = c.nr_ports, .timeout = c.timeout };
    p.ports.p = (evtchn_port_t *)(unsigned long)c.ports;
    return vcpu_poll(current, &p);
}
