/* SPDX-License-Identifier: GPL-2.0-only */
/* Hypercall wrappers: through Xen's hypercall page, or a direct syscall. */

#ifndef MINIOS_HYPERCALL_H
#define MINIOS_HYPERCALL_H

#include <os.h>
#include <public/sched.h>
#include <public/event_channel.h>
#include <public/vcpu.h>
#include <public/version.h>
#include <public/memory.h>
#include <public/grant_table.h>
#include <public/callback.h>
#include <public/physdev.h>
#include <public/nmi.h>

/*
 * 64-bit PV convention: number in rax, arguments in rdi, rsi, rdx, r10,
 * r8, result in rax.  Xen may clobber the argument registers, and rcx and
 * r11 are lost to syscall, so all of them are outputs here.
 */
#ifdef CONFIG_HYPERCALL_PAGE
extern char hypercall_page[PAGE_SIZE];
#define HYPERCALL_INSN "call hypercall_page + %c[off]"
#else
#define HYPERCALL_INSN "syscall"
#endif

#define _hypercall_insn(insn, nr, a1, a2, a3, a4, a5)                     \
({                                                                        \
    long res_, d1_ = (long)(a1), d2_ = (long)(a2), d3_ = (long)(a3);      \
    register long r10_ asm ( "r10" ) = (long)(a4);                        \
    register long r8_ asm ( "r8" ) = (long)(a5);                          \
    asm volatile ( insn                                                   \
                   : "=a" (res_), "+D" (d1_), "+S" (d2_), "+d" (d3_),     \
                     "+r" (r10_), "+r" (r8_)                              \
                   : "0" ((long)(nr)), [off] "i" ((nr) * 32)              \
                   : "memory", "rcx", "r11" );                            \
    res_;                                                                 \
})

#define _hypercall5(nr, a1, a2, a3, a4, a5) \
    _hypercall_insn(HYPERCALL_INSN, nr, a1, a2, a3, a4, a5)
#define _hypercall4(nr, a1, a2, a3, a4) _hypercall5(nr, a1, a2, a3, a4, 0)
#define _hypercall3(nr, a1, a2, a3) _hypercall5(nr, a1, a2, a3, 0, 0)
#define _hypercall2(nr, a1, a2) _hypercall5(nr, a1, a2, 0, 0, 0)
#define _hypercall1(nr, a1) _hypercall5(nr, a1, 0, 0, 0, 0)
#define _hypercall0(nr) _hypercall5(nr, 0, 0, 0, 0, 0)

/* Always syscall, whatever the build uses (what current Linux does). */
#define hypercall_syscall5(nr, a1, a2, a3, a4, a5) \
    _hypercall_insn("syscall", nr, a1, a2, a3, a4, a5)

/* A hypercall whose number is only known at run time, by syscall. */
long hypercall_any(unsigned long nr, unsigned long a1, unsigned long a2,
                   unsigned long a3, unsigned long a4, unsigned long a5);

static inline long HYPERVISOR_set_trap_table(const trap_info_t *table)
{
    return _hypercall1(__HYPERVISOR_set_trap_table, table);
}

static inline long HYPERVISOR_mmu_update(mmu_update_t *req, unsigned int count,
                                         unsigned int *done, domid_t dom)
{
    return _hypercall4(__HYPERVISOR_mmu_update, req, count, done, dom);
}

static inline long HYPERVISOR_mmuext_op(struct mmuext_op *op,
                                        unsigned int count,
                                        unsigned int *done, domid_t dom)
{
    return _hypercall4(__HYPERVISOR_mmuext_op, op, count, done, dom);
}

static inline long HYPERVISOR_set_gdt(unsigned long *frames,
                                      unsigned int entries)
{
    return _hypercall2(__HYPERVISOR_set_gdt, frames, entries);
}

static inline long HYPERVISOR_stack_switch(unsigned long ss, unsigned long sp)
{
    return _hypercall2(__HYPERVISOR_stack_switch, ss, sp);
}

static inline long HYPERVISOR_set_callbacks(unsigned long event,
                                            unsigned long failsafe,
                                            unsigned long syscall)
{
    return _hypercall3(__HYPERVISOR_set_callbacks, event, failsafe, syscall);
}

static inline long HYPERVISOR_fpu_taskswitch(int set)
{
    return _hypercall1(__HYPERVISOR_fpu_taskswitch, set);
}

static inline long HYPERVISOR_set_debugreg(unsigned int reg,
                                           unsigned long value)
{
    return _hypercall2(__HYPERVISOR_set_debugreg, reg, value);
}

static inline long HYPERVISOR_get_debugreg(unsigned int reg)
{
    return _hypercall1(__HYPERVISOR_get_debugreg, reg);
}

static inline long HYPERVISOR_update_descriptor(uint64_t maddr, uint64_t desc)
{
    return _hypercall2(__HYPERVISOR_update_descriptor, maddr, desc);
}

static inline long HYPERVISOR_memory_op(unsigned int cmd, void *arg)
{
    return _hypercall2(__HYPERVISOR_memory_op, cmd, arg);
}

static inline long HYPERVISOR_multicall(multicall_entry_t *calls,
                                        unsigned int nr)
{
    return _hypercall2(__HYPERVISOR_multicall, calls, nr);
}

static inline long HYPERVISOR_update_va_mapping(unsigned long va,
                                                uint64_t pte,
                                                unsigned long flags)
{
    return _hypercall3(__HYPERVISOR_update_va_mapping, va, pte, flags);
}

static inline long HYPERVISOR_update_va_mapping_otherdomain(
    unsigned long va, uint64_t pte, unsigned long flags, domid_t dom)
{
    return _hypercall4(__HYPERVISOR_update_va_mapping_otherdomain, va, pte,
                       flags, dom);
}

static inline long HYPERVISOR_set_timer_op(uint64_t deadline)
{
    return _hypercall1(__HYPERVISOR_set_timer_op, deadline);
}

static inline long HYPERVISOR_xen_version(int cmd, void *arg)
{
    return _hypercall2(__HYPERVISOR_xen_version, cmd, arg);
}

static inline long HYPERVISOR_console_io(int cmd, unsigned int len,
                                         const char *buf)
{
    return _hypercall3(__HYPERVISOR_console_io, cmd, len, buf);
}

static inline long HYPERVISOR_grant_table_op(unsigned int cmd, void *uop,
                                             unsigned int count)
{
    return _hypercall3(__HYPERVISOR_grant_table_op, cmd, uop, count);
}

static inline long HYPERVISOR_vm_assist(unsigned int cmd, unsigned int type)
{
    return _hypercall2(__HYPERVISOR_vm_assist, cmd, type);
}

static inline long HYPERVISOR_vcpu_op(int cmd, unsigned int vcpu, void *arg)
{
    return _hypercall3(__HYPERVISOR_vcpu_op, cmd, vcpu, arg);
}

static inline long HYPERVISOR_set_segment_base(int which, unsigned long base)
{
    return _hypercall2(__HYPERVISOR_set_segment_base, which, base);
}

static inline long HYPERVISOR_nmi_op(unsigned int cmd, void *arg)
{
    return _hypercall2(__HYPERVISOR_nmi_op, cmd, arg);
}

static inline long HYPERVISOR_sched_op(int cmd, void *arg)
{
    return _hypercall2(__HYPERVISOR_sched_op, cmd, arg);
}

static inline long HYPERVISOR_callback_op(int cmd, const void *arg)
{
    return _hypercall2(__HYPERVISOR_callback_op, cmd, arg);
}

static inline long HYPERVISOR_event_channel_op(int cmd, void *arg)
{
    return _hypercall2(__HYPERVISOR_event_channel_op, cmd, arg);
}

static inline long HYPERVISOR_physdev_op(int cmd, void *arg)
{
    return _hypercall2(__HYPERVISOR_physdev_op, cmd, arg);
}

#endif /* MINIOS_HYPERCALL_H */
