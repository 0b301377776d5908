/* SPDX-License-Identifier: GPL-2.0-only */
/* A 32-bit PV guest's vCPU calls: vcpu_op and sched_op poll. */
#include <xen/compat.h>
#include <xen/errno.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <xen/timer.h>
#include <xen/xmalloc.h>
#include <asm/current.h>
#include <asm/desc.h>
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

/*
 * One walk for both directions, so the two layouts cannot drift apart:
 * widen copies cc into c, else c into cc (each value truncated to its
 * 32-bit slot: a 32-bit vCPU's are 32-bit values, its CR3 already folded).
 */
#define MOVE(nat, cmp)                                                        \
    do                                                                        \
    {                                                                         \
        if ( widen )                                                          \
            (nat) = (cmp);                                                    \
        else                                                                  \
            (cmp) = (nat);                                                    \
    } while ( 0 )

static void move_context(struct vcpu_guest_context *c,
                         struct compat_vcpu_context *cc, bool widen)
{
    struct cpu_user_regs *r = &c->user_regs;
    struct compat_user_regs *cr = &cc->user_regs;
    unsigned int i;

    BUILD_BUG_ON(sizeof(c->fpu_ctxt) != sizeof(cc->fpu_ctxt));
    if ( widen )
        memcpy(&c->fpu_ctxt, cc->fpu_ctxt, sizeof(cc->fpu_ctxt));
    else
        memcpy(cc->fpu_ctxt, &c->fpu_ctxt, sizeof(cc->fpu_ctxt));
    MOVE(c->flags, cc->flags);
    MOVE(r->rbx, cr->ebx);
    MOVE(r->rcx, cr->ecx);
    MOVE(r->rdx, cr->edx);
    MOVE(r->rsi, cr->esi);
    MOVE(r->rdi, cr->edi);
    MOVE(r->rbp, cr->ebp);
    MOVE(r->rax, cr->eax);
    MOVE(r->rip, cr->eip);
    MOVE(r->cs, cr->cs);
    MOVE(r->saved_upcall_mask, cr->saved_upcall_mask);
    MOVE(r->rflags, cr->eflags);
    MOVE(r->rsp, cr->esp);
    MOVE(r->ss, cr->ss);
    MOVE(r->es, cr->es);
    MOVE(r->ds, cr->ds);
    MOVE(r->fs, cr->fs);
    MOVE(r->gs, cr->gs);
    for ( i = 0; i < ARRAY_SIZE(cc->trap_ctxt); i++ )
    {
        MOVE(c->trap_ctxt[i].vector, cc->trap_ctxt[i].vector);
        MOVE(c->trap_ctxt[i].flags, cc->trap_ctxt[i].flags);
        MOVE(c->trap_ctxt[i].cs, cc->trap_ctxt[i].cs);
        MOVE(c->trap_ctxt[i].address, cc->trap_ctxt[i].address);
    }
    MOVE(c->ldt_base, cc->ldt_base);
    MOVE(c->ldt_ents, cc->ldt_ents);
    for ( i = 0; i < ARRAY_SIZE(cc->gdt_frames); i++ )
        MOVE(c->gdt_frames[i], cc->gdt_frames[i]);
    MOVE(c->gdt_ents, cc->gdt_ents);
    MOVE(c->kernel_ss, cc->kernel_ss);
    MOVE(c->kernel_sp, cc->kernel_sp);
    for ( i = 0; i < ARRAY_SIZE(cc->ctrlreg); i++ )
    {
        MOVE(c->ctrlreg[i], cc->ctrlreg[i]);
        MOVE(c->debugreg[i], cc->debugreg[i]);
    }
    MOVE(c->event_callback_eip, cc->event_callback_eip);
    MOVE(c->failsafe_callback_eip, cc->failsafe_callback_eip);
    MOVE(c->vm_assist, cc->vm_assist);
}

/*
 * Widened for arch_set_info_guest(), whose 32-bit rules (RPL 1, the L3
 * root in slot 0 of the vCPU's L4) follow the domain.  The callbacks' cs
 * halves are dropped: handlers are entered on FLAT_RING1_CS whatever a
 * guest registers (pv/compat_traps.c).
 */
void pv_compat_widen_context(const struct compat_vcpu_context *cc,
                             struct vcpu_guest_context *c)
{
    memset(c, 0, sizeof(*c));
    /* Read only: widening writes c alone. */
    move_context(c, (struct compat_vcpu_context *)cc, true);
}

/*
 * What arch_get_info_guest() gave, in the 32-bit layout; the callbacks'
 * cs is the flat ring-1 selector they are entered on.
 */
void pv_compat_narrow_context(const struct vcpu_guest_context *c,
                              struct compat_vcpu_context *cc)
{
    memset(cc, 0, sizeof(*cc));
    /* Read only: narrowing writes cc alone. */
    move_context((struct vcpu_guest_context *)c, cc, false);
    cc->event_callback_cs = COMPAT_RING1_CS;
    cc->failsafe_callback_cs = COMPAT_RING1_CS;
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
            pv_compat_widen_context(cc, c);
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
