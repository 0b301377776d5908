/* SPDX-License-Identifier: GPL-2.0-only */
/* 32-bit PV guests' hypercalls whose arguments need translating. */
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <asm/pv/compat.h>
#include <asm/pv/mm.h>

/* A 64-bit value passed as two 32-bit arguments, low half first. */
static uint64_t join(uint32_t lo, uint32_t hi)
{
    return lo | ((uint64_t)hi << 32);
}

/*
 * Arguments from ebx, ecx, edx, esi, edi (pv_compat_hypercall()); the
 * result narrowed into eax.  Only what is here is translated: everything
 * else goes by the same-layout list or is -ENOSYS.
 */
bool pv_compat_translated(uint32_t nr, struct cpu_user_regs *regs)
{
    uint32_t a1 = regs->rbx, a2 = regs->rcx, a3 = regs->rdx, a4 = regs->rsi,
             a5 = regs->rdi;
    long rc;

    switch ( nr )
    {
    case __HYPERVISOR_set_trap_table:
        rc = pv_compat_set_trap_table(a1);
        break;
    case __HYPERVISOR_set_callbacks:
        rc = pv_compat_set_callbacks(a1, a2, a3, a4);
        break;
    case __HYPERVISOR_callback_op:
        rc = pv_compat_callback_op(a1, a2);
        break;
    case __HYPERVISOR_stack_switch:
        rc = pv_compat_stack_switch(a1, a2);
        break;
    /* (va, PTE low, PTE high, flags [, domid]): a PAE PTE is 64-bit. */
    case __HYPERVISOR_update_va_mapping:
        rc = do_update_va_mapping(a1, join(a2, a3), a4);
        break;
    case __HYPERVISOR_update_va_mapping_otherdomain:
        rc = do_update_va_mapping_otherdomain(a1, join(a2, a3), a4, a5);
        break;
    /* (timeout low, high). */
    case __HYPERVISOR_set_timer_op:
        rc = do_set_timer_op(join(a1, a2));
        break;
    default:
        return false;
    }
    regs->rax = (uint32_t)rc;
    return true;
}
