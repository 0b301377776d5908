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

/* The register convention and calling instruction of this width. */
#include <arch/hypercall.h>

/* A hypercall whose number is only known at run time, by syscall. */
long hypercall_any(unsigned long nr, unsigned long a1, unsigned long a2,
                   unsigned long a3, unsigned long a4, unsigned long a5);

static inline long HYPERVISOR_stack_switch(unsigned long ss, unsigned long sp)
{
    return _hypercall2(__HYPERVISOR_stack_switch, ss, sp);
}

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

static inline long HYPERVISOR_memory_op(unsigned int cmd, void *arg)
{
    return _hypercall2(__HYPERVISOR_memory_op, cmd, arg);
}

static inline long HYPERVISOR_multicall(multicall_entry_t *calls,
                                        unsigned int nr)
{
    return _hypercall2(__HYPERVISOR_multicall, calls, nr);
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
