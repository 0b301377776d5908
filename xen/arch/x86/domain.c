/* SPDX-License-Identifier: GPL-2.0-only */
/* Switching a CPU between the idle loop and PV vCPUs. */
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/sched-if.h>
#include <asm/current.h>
#include <asm/domain.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv/entry.h>
#include <asm/system.h>
#include <asm/time.h>

extern pte_t idle_pg_table[512];

/*
 * Drops everything on this CPU's stack and continues at fn with the stack
 * empty down to the guest frame in cpu_info; both places we go (the idle
 * loop, return_to_guest) expect exactly that.
 */
static void __noreturn reset_stack_and_jump(void (*fn)(void))
{
    __asm__ __volatile__ ( "mov %0, %%rsp; jmp *%1"
                           : : "r" (&get_cpu_info()->guest_cpu_user_regs),
                               "r" (fn) : "memory" );
    __builtin_unreachable();
}

static void save_guest_state(struct vcpu *v)
{
    struct arch_vcpu *a = v->arch;

    a->user_regs = get_cpu_info()->guest_cpu_user_regs;
    a->fs_base = rdmsr(MSR_FS_BASE);
    a->gs_base_kernel = rdmsr(MSR_GS_BASE);
    a->gs_base_user = rdmsr(MSR_SHADOW_GS_BASE);
}

static void load_guest_state(struct vcpu *v)
{
    struct arch_vcpu *a = v->arch;

    get_cpu_info()->guest_cpu_user_regs = a->user_regs;
    write_cr3(mfn_to_maddr(a->guest_table));
    wrmsr(MSR_FS_BASE, a->fs_base);
    wrmsr(MSR_GS_BASE, a->gs_base_kernel);
    wrmsr(MSR_SHADOW_GS_BASE, a->gs_base_user);
    update_vcpu_system_time(v);
}

void context_switch(struct vcpu *prev, struct vcpu *next)
{
    local_irq_disable();
    if ( prev )
    {
        save_guest_state(prev);
        prev->is_running = false;
    }
    get_cpu_info()->current_vcpu = next;
    if ( !next )
    {
        write_cr3(virt_to_maddr(idle_pg_table));
        reset_stack_and_jump(startup_cpu_idle_loop);
    }
    next->processor = smp_processor_id();
    next->is_running = true;
    load_guest_state(next);
    reset_stack_and_jump(return_to_guest);
}
