/* SPDX-License-Identifier: GPL-2.0-only */
/* Entering and leaving PV guests: SYSCALL set-up, bounce frames, events. */
#include <xen/perfc.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <xen/string.h>
#include <asm/current.h>
#include <asm/desc.h>
#include <asm/domain.h>
#include <asm/guest_range.h>
#include <asm/guest_return.h>
#include <asm/processor.h>
#include <asm/pv/compat.h>
#include <asm/pv/emulate.h>
#include <asm/pv/entry.h>
#include <asm/pv/mm.h>
#include <asm/pv/traps.h>
#include <asm/asm-defns.h>
#include <asm/system.h>
#include <asm/traps.h>
#include <public/callback.h>

BUILD_BUG_ON(PV_KERNEL_CS != FLAT_KERNEL_CS);
BUILD_BUG_ON(PV_KERNEL_SS != FLAT_KERNEL_SS);
BUILD_BUG_ON(PV_USER_CS32 != FLAT_USER_CS32);
BUILD_BUG_ON(PV_USER_SS32 != FLAT_USER_SS32);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, cs) != UREGS_cs);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, entry_vector) !=
             UREGS_entry_vector);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, error_code) != UREGS_error_code);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, r11) != UREGS_r11);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, rcx) != UREGS_rcx);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, rip) != UREGS_rip);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, rflags) != UREGS_rflags);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, rsp) != UREGS_rsp);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, ss) != UREGS_ss);

/*
 * SYSCALL from a guest enters our per-CPU stub with these flags cleared;
 * the stub switches to the hypervisor stack before anything else.
 */
#define SYSCALL_MASK                                                          \
    (X86_EFLAGS_IF | X86_EFLAGS_DF | X86_EFLAGS_TF | X86_EFLAGS_NT |          \
     X86_EFLAGS_AC | X86_EFLAGS_IOPL | X86_EFLAGS_RF)

void pv_percpu_init(unsigned int cpu)
{
    struct cpu_info *info = get_cpu_info();

    pv_frame_top[cpu] = (unsigned long)&info->guest_cpu_user_regs.es;
    /* Kernel CS/SS from the first pair, user ones from __GUEST_CS32. */
    wrmsr(MSR_STAR,
          ((uint64_t)__GUEST_CS32 << 48) | ((uint64_t)__HYPERVISOR_CS << 32));
    wrmsr(MSR_LSTAR,
          (unsigned long)pv_syscall_stubs + cpu * PV_SYSCALL_STUB_SIZE);
    wrmsr(MSR_CSTAR,
          (unsigned long)pv_cstar_stubs + cpu * PV_SYSCALL_STUB_SIZE);
    wrmsr(MSR_SFMASK, SYSCALL_MASK);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

/*
 * A 64-bit PV guest's kernel and user both run in ring 3; what tells them
 * apart is VGCF_in_kernel, and each mode has its own L4 (NEW_BASEPTR,
 * NEW_USER_BASEPTR).  Switching flips the flag and loads the other L4,
 * and exchanges the GS bases as the kernel's swapgs would (PV kernels
 * cannot issue it).  The base being put away is read back first: with
 * FSGSBASE the guest may have changed it behind our cache.  A plain CR3
 * write keeps global TLB entries; only user pages may have them (pv/mm.c
 * strips GLOBAL from kernel-only ones), so no kernel translation survives
 * into user mode.  Interrupts stay off so that nothing sees the flag, the
 * bases and CR3 disagree.
 */
void pv_toggle_guest_mode(struct vcpu *v)
{
    struct arch_vcpu *a = &v->arch;
    unsigned long flags;

    local_irq_save(flags);
    perfc_incr(mode_toggle);
    if ( a->flags & VGCF_in_kernel )
        a->pv.gs_base_kernel = rdmsr(MSR_GS_BASE);
    else
        a->pv.gs_base_user = rdmsr(MSR_GS_BASE);
    a->flags ^= VGCF_in_kernel;
    __asm__ __volatile__("swapgs" ::: "memory");
    write_cr3(mfn_to_maddr(pv_guest_root(v)));
    local_irq_restore(flags);
}

/*
 * Pushes an exception-style frame onto the guest kernel's stack and points
 * the guest at handler: from the top, rcx, r11, [error code], rip, cs,
 * rflags, rsp, ss, as Xen's PV guests expect.  Kernel-mode interruptions
 * get the frame on the stack in use and show CS with RPL 0; user-mode ones
 * switch to kernel mode first, get it at the stack given by stack_switch,
 * and show the user's CS and SS as they were (RPL 3).  The saved event
 * mask rides in CS bits 32-39 and decides the frame's IF.  Returns false
 * if there is no handler or the stack is unusable; the caller then
 * crashes the domain.
 */
/*
 * The flags a bounce frame shows: IF is the inverse of the saved event
 * mask; with architectural_iopl the virtual IOPL, as Xen's.
 */
uint64_t pv_frame_rflags(const struct vcpu *v,
                         const struct cpu_user_regs *regs, uint8_t mask)
{
    return (regs->rflags & ~X86_EFLAGS_IF) | (mask ? 0 : X86_EFLAGS_IF) |
           (v->domain->arch.pv.vm_assist &
                    (1UL << VMASST_TYPE_architectural_iopl)
                ? (unsigned long)v->arch.pv.iopl << 12
                : 0);
}

/*
 * The guest continues at cs:handler on ss:sp, with the flags an interrupt
 * gate leaves, and events masked if asked.
 */
void pv_enter_handler(struct vcpu *v, struct cpu_user_regs *regs,
                      unsigned long sp, unsigned long handler, uint16_t cs,
                      uint16_t ss, bool mask_events)
{
    regs->rsp = sp;
    regs->rip = handler;
    regs->cs = cs;
    regs->ss = ss;
    regs->rflags &= ~(X86_EFLAGS_TF | X86_EFLAGS_NT | X86_EFLAGS_RF |
                      X86_EFLAGS_VM | X86_EFLAGS_AC);
    if ( mask_events )
        v->vcpu_info->evtchn_upcall_mask = 1;
}

bool pv_create_bounce_frame(struct vcpu *v, unsigned long handler,
                            const uint64_t *extra, unsigned int nr_extra,
                            bool mask_events)
{
    struct cpu_user_regs *regs = &get_cpu_info()->guest_cpu_user_regs;
    struct vcpu_info *vi = v->vcpu_info;
    uint8_t mask = vi->evtchn_upcall_mask;
    uint64_t frame[7 + PV_BOUNCE_MAX_EXTRA], cs = regs->cs;
    unsigned int n = 0;
    unsigned long sp;

    /* The one test the 64-bit path pays: 32-bit frames differ throughout. */
    if ( v->domain->arch.pv.is_32bit )
        return pv_compat_bounce_frame(v, handler, extra, nr_extra,
                                      mask_events);
    if ( !handler )
        return false;
    if ( v->arch.flags & VGCF_in_kernel )
    {
        sp = regs->rsp;
        cs &= ~3UL;
    }
    else
    {
        pv_toggle_guest_mode(v);
        sp = v->arch.pv.kernel_sp;
    }
    ASSERT(nr_extra <= PV_BOUNCE_MAX_EXTRA);
    frame[n++] = regs->rcx;
    frame[n++] = regs->r11;
    for ( unsigned int i = 0; i < nr_extra; i++ )
        frame[n++] = extra[i];
    frame[n++] = regs->rip;
    frame[n++] = cs | ((uint64_t)mask << 32);
    frame[n++] = pv_frame_rflags(v, regs, mask);
    frame[n++] = regs->rsp;
    frame[n++] = regs->ss;
    /* 16-byte aligned, as the CPU would align an interrupt frame. */
    sp = (sp & ~15UL) - n * sizeof(uint64_t);
    if ( copy_to_guest_bytes((void *)sp, frame, n * sizeof(uint64_t)) )
        return false;

    pv_enter_handler(v, regs, sp, handler, PV_KERNEL_CS, PV_KERNEL_SS,
                     mask_events);
    return true;
}

/* A guest SYSCALL to callback cb, or #UD at the SYSCALL if it is 0. */
static void deliver_syscall(struct cpu_user_regs *regs, unsigned long cb)
{
    struct vcpu *v = current;
    const struct trap_info *ud = &v->arch.pv.trap_ctxt[X86_EXC_UD];
    bool ok;

    if ( cb )
    {
        ok = pv_create_bounce_frame(v, cb, NULL, 0,
                                    v->arch.pv.callback_flags &
                                        (1UL << CALLBACKTYPE_syscall));
        regs->rflags &= ~X86_EFLAGS_DF;
    }
    else
    {
        regs->rip -= 2; /* SYSCALL is 0f 05 */
        ok = pv_create_bounce_frame(v, ud->address, NULL, 0, ud->flags & 4);
    }
    if ( !ok )
    {
        printk(XENLOG_ERR "d%uv%u: cannot deliver a system call at "
                          "%04x:%016lx (%s)\n",
               v->domain->domain_id, v->vcpu_id, regs->cs, regs->rip,
               cb ? "bad kernel stack" : "no syscall callback or #UD handler");
        domain_crash(v->domain, "undeliverable system call");
    }
}

/*
 * SYSCALL from guest user mode is the guest kernel's system call: it goes
 * to the syscall callback in kernel mode on the kernel stack, the frame
 * holding rcx and r11 as SYSCALL left them (the user's return address
 * and flags) over the user's rip, cs, rflags, rsp and ss.  As SFMASK would
 * on real hardware, the callback starts with DF clear (and events masked
 * if it was registered so).  Without a callback, as Xen 4.17 does, the
 * user gets #UD at the SYSCALL instruction instead.
 */
void pv_user_syscall(struct cpu_user_regs *regs)
{
    deliver_syscall(regs, current->arch.pv.syscall_callback_eip);
}

/*
 * SYSCALL from compatibility mode, in either guest mode: as Xen 4.17,
 * to the syscall32 callback (events masked as the 64-bit syscall
 * callback was registered), or #UD without one; no fallback to the
 * 64-bit callback.  In kernel mode the frame goes on the stack in use.
 */
void pv_compat_syscall(struct cpu_user_regs *regs)
{
    deliver_syscall(regs, current->arch.pv.syscall32_callback_eip);
}

/*
 * The data segment selectors v had saved would not load again (its GDT
 * changed meanwhile): they are null now, and the guest hears of it at its
 * failsafe callback, with the selectors that failed on the frame between
 * r11 and rip (ds, es, fs, gs), as Xen delivers it.
 */
void pv_failsafe_callback(struct vcpu *v, const uint16_t sel[4])
{
    const uint64_t extra[4] = { sel[0], sel[1], sel[2], sel[3] };

    if ( !pv_create_bounce_frame(v, v->arch.pv.failsafe_callback_eip, extra, 4,
                                 v->arch.pv.callback_flags &
                                     (1UL << CALLBACKTYPE_failsafe)) )
    {
        printk(XENLOG_ERR
               "d%uv%u: segment selectors %04x %04x %04x %04x "
               "no longer load, and no failsafe callback takes them\n",
               v->domain->domain_id, v->vcpu_id, sel[0], sel[1], sel[2],
               sel[3]);
        domain_crash(v->domain, "undeliverable failsafe callback");
    }
}

/*
 * Then prepare_return_to_guest(): softirqs, an event upcall.
 * A rip the guest left non-canonical (a SYSCALL or emulated instruction
 * at the very top of the lower half) is never returned to: IRETQ would
 * fault in ring 0.  The guest gets the #GP the CPU gives it, with that
 * rip in the frame, as Xen 4.17 delivers it.
 */
void __hot_path pv_prepare_return(void)
{
    struct cpu_info *info = get_cpu_info();

    if ( !is_canonical_address(info->guest_cpu_user_regs.rip) )
        pv_inject_exception(X86_EXC_GP, 0);
    prepare_return_to_guest(current);
    /* Interrupts are off from here to the guest (see PV32_CR4_ON). */
    if ( unlikely(info->pv32_running) && pv32_cr4_mask )
    {
        unsigned long cr4 = read_cr4();

        /* Every entry turned them on: one that did not is a hole. */
        ASSERT((cr4 & pv32_cr4_mask) == pv32_cr4_mask);
        write_cr4(cr4 & ~pv32_cr4_mask);
    }
}

/* Through the event callback the guest registered, events masked. */
void pv_deliver_upcall(struct vcpu *v)
{
    perfc_incr(upcall);
    if ( !pv_create_bounce_frame(v, v->arch.pv.event_callback_eip, NULL, 0,
                                 true) )
    {
        local_irq_enable();
        domain_crash(v->domain, "cannot deliver an event upcall");
        do_softirq(); /* the shutdown deschedules us for good */
        BUG();
    }
}

/*
 * Raises exception vec in the current vCPU as the CPU would have at the
 * guest's present rip: through the handler its trap table names, with
 * error code ec unless ec is PV_NO_ERROR_CODE; without a handler, or
 * with no usable stack for the frame, the domain is crashed.
 */
void pv_inject_exception(unsigned int vec, uint32_t ec)
{
    struct cpu_user_regs *regs = &get_cpu_info()->guest_cpu_user_regs;
    struct vcpu *v = current;
    const struct trap_info *ti = &v->arch.pv.trap_ctxt[vec];
    uint64_t ec64 = ec;
    bool has_ec = ec != PV_NO_ERROR_CODE;

    if ( !pv_create_bounce_frame(v, ti->address, has_ec ? &ec64 : NULL, has_ec,
                                 ti->flags & 4) )
    {
        printk(XENLOG_ERR "d%uv%u: unhandled exception %u at %04x:%016lx "
                          "(error %#x",
               v->domain->domain_id, v->vcpu_id, vec, regs->cs, regs->rip, ec);
        if ( vec == X86_EXC_PF )
            printk(", address %016lx", pv_get_cr2(v));
        printk(")\n");
        if ( vec == X86_EXC_PF )
            pv_dump_guest_walk(v, pv_guest_root(v), pv_get_cr2(v));
        domain_crash(v->domain, "unhandled guest exception");
    }
}

/*
 * Every emulated instruction completes through here.  The instruction
 * after one that ends at the top of the lower canonical half would start
 * at a non-canonical address, which the return to the guest cannot
 * take (IRETQ faults in ring 0 on real CPUs): the guest gets #GP(0) at
 * the instruction instead, as it would for a fetch there.  Whatever the
 * instruction did stays done.  Returns whether rip moved.
 */
bool pv_advance_rip(struct cpu_user_regs *regs, unsigned int len)
{
    unsigned long next = regs->rip + len;

    /* A 32-bit guest's EIP cannot pass 4 GiB (its segments end there). */
    if ( !is_canonical_address(next) ||
         (current->domain->arch.pv.is_32bit && next > UINT32_MAX) )
    {
        pv_inject_exception(X86_EXC_GP, 0);
        return false;
    }
    regs->rip = next;
    return true;
}

/*
 * An exception in guest mode goes to the handler the guest registered for
 * that vector, or, if it has none, ends the domain.
 */
void pv_handle_exception(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    unsigned int vec = regs->entry_vector;
    bool has_ec = vec == X86_EXC_GP || vec == X86_EXC_PF || vec == 8 ||
                  (vec >= 10 && vec <= 12) || vec == 17;
    unsigned long cr2 = vec == X86_EXC_PF ? read_cr2() : 0;
    /*
     * A 32-bit guest that ran with SMEP and SMAP on (PV32_CR4_ON says
     * why it can) may fault for that alone: it runs the instruction
     * again, with them off, and any fault of its own comes back.
     */
    if ( vec == X86_EXC_PF && get_cpu_info()->pv32_running && pv32_cr4_mask &&
         get_cpu_info()->pv32_entered_on )
        return;

    /*
     * The guest ran with interrupts on, and its exception is handled with
     * them on, as Xen does: emulating a page-table write may change a
     * frame's type, which flushes the other CPUs' TLBs by IPI, and a CPU
     * that waits for that (or spins on a lock of the emulation's) with
     * interrupts off stops the machine.  return_to_guest turns them off.
     */
    local_irq_enable();
    perfc_incra(exception, vec, 32);
    if ( vec == X86_EXC_GP && pv_emulate_privileged_op(regs) )
    {
        perfc_incr(priv_op_emulated);
        return;
    }
    if ( vec == X86_EXC_UD && pv_emulate_forced_cpuid(regs) )
        return;
    /*
     * A present page written: perhaps the guest kernel writing its own L1
     * (user mode gets the fault, as on Xen).
     */
    if ( vec == X86_EXC_PF && (regs->error_code & 3) == 3 &&
         pv_guest_kernel_mode(v, regs) && pv_ptwr_emulate(regs, cr2) )
    {
        perfc_incr(ptwr_emulated);
        return;
    }
    if ( vec == X86_EXC_PF )
    {
        pv_set_cr2(v, cr2);
        /*
         * A 64-bit guest kernel runs in ring 3, but must see a kernel
         * fault; user mode keeps the U bit the CPU set (a 32-bit kernel
         * in ring 1 has it clear already).
         */
        if ( v->arch.flags & VGCF_in_kernel )
            regs->error_code &= ~4u;
    }
    pv_inject_exception(vec, has_ec ? regs->error_code : PV_NO_ERROR_CODE);
}

/*
 * The IRETQ into the guest faulted (#GP, #NP, #SS or #PF): the frame it
 * was given holds a selector that will not load (a vCPU context can name
 * any CS and SS), or a non-canonical rip.  That is the guest's fault, taken
 * as Xen 4.17 takes it: as if the exception had happened in guest
 * context, at the rip of the frame, through the guest's trap table.  The
 * CPU pushed its frame just below the guest frame in cpu_info, over part
 * of the general registers saved there; those are live again (restored
 * before the IRETQ) and saved in regs, so they go back first.
 */
void pv_iret_fault(const struct cpu_user_regs *regs)
{
    struct cpu_user_regs *g = &get_cpu_info()->guest_cpu_user_regs;
    unsigned int vec = regs->entry_vector;
    uint32_t ec = regs->error_code;
    struct vcpu *v = current;

    memmove(g, regs, offsetof(struct cpu_user_regs, error_code));
    /*
     * A page fault reading a descriptor is the hypervisor's to see (the
     * guest's LDT is shadowed); to the guest the selector is bad.
     */
    if ( vec == X86_EXC_PF )
    {
        vec = X86_EXC_GP;
        ec = 0;
    }
    g->entry_vector = vec;
    g->error_code = ec;
    /*
     * A bounce frame always has the flat selectors (ring 1's for a 32-bit
     * guest) and a registered handler in range: such a frame cannot be
     * what faulted, and
     * delivering again would fault again.
     */
    if ( v->domain->arch.pv.is_32bit
             ? g->cs == COMPAT_RING1_CS && g->ss == COMPAT_RING1_DS &&
                   g->rip <= UINT32_MAX
             : g->cs == PV_KERNEL_CS && g->ss == PV_KERNEL_SS &&
                   is_canonical_address(g->rip) )
    {
        printk(XENLOG_ERR "d%uv%u: return to %04x:%016lx faulted "
                          "(vector %u, error %#x)\n",
               v->domain->domain_id, v->vcpu_id, g->cs, g->rip, vec, ec);
        domain_crash(v->domain, "return to guest faulted");
    }
    else
        pv_inject_exception(vec, ec);
    __asm__ __volatile__("mov %0, %%rsp; jmp return_to_guest"
                         :
                         : "r"(g)
                         : "memory");
    __builtin_unreachable();
}
