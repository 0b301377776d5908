/* SPDX-License-Identifier: GPL-2.0-only */
/* 32-bit PAE PV guests (the compat ABI): what exists of them so far. */
#ifndef ASM_X86_PV_COMPAT_H
#define ASM_X86_PV_COMPAT_H

#include <xen/sched.h>
#include <xen/types.h>
#include <asm/current.h>
#include <asm/regs.h>

/*
 * HYPERVISOR_COMPAT_VIRT_START unless the kernel's HV_START_LOW note asks
 * otherwise: L2 slot 428 of the top GiB, where Xen puts it too (the
 * compat M2P's PV32_VIRT_START, asm/pv/compat_mm.h).
 */
#define COMPAT_VIRT_START_DEFAULT 0xf5800000u

/*
 * Makes d a 32-bit PV domain (XEN_DOMCTL_set_address_size 32, or the
 * builder for a 32-bit PAE kernel): 0, or -EACCES once it has memory or
 * a vCPU brought up (as Xen), -EINVAL for a domain that is not PV,
 * -EOPNOTSUPP without pv=32,
 * -ENOMEM if its vCPUs' L4s cannot be had.
 */
int pv_switch_compat(struct domain *d);

/* pv=32: whether 32-bit PV guests may run at all (off by default). */
extern bool opt_pv32;

/*
 * HYPERVISOR_COMPAT_VIRT_START for a kernel whose HV_START_LOW note says
 * hv_start_low (~0 without the note), the compat M2P starting at
 * m2p_start: 0 and *start, or -EINVAL for a kernel that wants the hole
 * to start above the default (it would overlap the M2P).
 */
int pv_compat_virt_start(uint64_t hv_start_low, uint32_t m2p_start,
                         uint32_t *start);

/*
 * Whether v, interrupted with regs, was in its kernel: a 64-bit guest's
 * kernel and user are both ring 3 and told apart by VGCF_in_kernel, a
 * 32-bit guest's kernel is ring 1.
 */
bool pv_guest_kernel_mode(const struct vcpu *v,
                          const struct cpu_user_regs *regs);

/* The guest's virtual CR2, in vcpu_info at either width. */
unsigned long pv_get_cr2(const struct vcpu *v);
void pv_set_cr2(struct vcpu *v, unsigned long cr2);

/*
 * A 32-bit bounce frame on the ring-1 stack (pv/compat_traps.c): from
 * the top, [extra], EIP, CS with the saved event mask in bits 16-23,
 * EFLAGS, and ESP, SS when ring 3 was interrupted (the stack then is
 * stack_switch's).  pv_create_bounce_frame()'s contract otherwise.
 */
bool pv_compat_bounce_frame(struct vcpu *v, unsigned long eip,
                            const uint64_t *extra, unsigned int nr_extra,
                            bool mask_events);

/* iret (23) from a 32-bit guest: its frame at ESP (pv/compat_traps.c). */
void pv_compat_iret(struct cpu_user_regs *regs);

/* pv/compat_callback.c: the 32-bit forms of the vCPU state calls. */
long pv_compat_set_trap_table(uint32_t table);
long pv_compat_set_callbacks(uint32_t ecs, uint32_t eeip, uint32_t fcs,
                             uint32_t feip);
long pv_compat_callback_op(uint32_t cmd, uint32_t arg);
long pv_compat_stack_switch(uint32_t ss, uint32_t esp);

/*
 * A 32-bit guest's hypercall nr that needs a translation, arguments a[]:
 * true and the result in *rc if pv/compat_*.c has one, false otherwise.
 */
bool pv_compat_translated(uint32_t nr, const uint32_t a[6], long *rc);

/*
 * physdev_op (cmd, arg) but set_iobitmap (pv/compat_physdev.c): the
 * sub-ops of fixed-width fields checked below the hole and passed on,
 * map_pirq, apic_read/write and pirq_eoi_gmfn translated.
 */
long pv_compat_physdev_op(uint32_t cmd, uint32_t arg);

/*
 * One 32-bit guest's call (arch/x86/hypercall.c): translated, passed
 * through when the layout is the same at both widths, else -ENOSYS.
 */
long pv_compat_call(uint32_t nr, const uint32_t a[6]);

/*
 * The 2800-byte vcpu_guest_context of a 32-bit guest (xen/compat.h) to
 * and from the native one: VCPUOP_initialise, and the domctls that set
 * and get a 32-bit domain's vCPU context (arch/x86/domctl.c).
 */
struct compat_vcpu_context;
void pv_compat_widen_context(const struct compat_vcpu_context *cc,
                             struct vcpu_guest_context *c);
void pv_compat_narrow_context(const struct vcpu_guest_context *c,
                              struct compat_vcpu_context *cc);

/*
 * Whether [addr, addr + len) is below the caller's
 * HYPERVISOR_COMPAT_VIRT_START, as Xen wants of every structure a 32-bit
 * guest names: above it lie the compat M2P's mappings, readable but not
 * the guest's, so a pointer there is -EFAULT.
 */
static inline bool pv_compat_range_ok(uint64_t addr, uint64_t len)
{
    uint64_t end = addr + len;

    return end >= addr && end <= current->domain->arch.pv.compat_virt_start;
}

/*
 * vm_assist with the assists the caller's width allows (pv/callback.c):
 * a 32-bit guest's set differs from a 64-bit one's.
 */
long pv_vm_assist(unsigned int cmd, unsigned int type, unsigned long valid);

/*
 * The bodies of nmi_op's register_callback (pv/callback.c) and physdev
 * set_iobitmap (physdev.c) on arguments read already, for their 32-bit
 * structures (8 bytes each) too.
 */
long pv_nmi_register(unsigned long handler, unsigned long pad);
long pv_set_iobitmap(unsigned long bitmap, unsigned int nr_ports);

/* The translations, one concept per file (pv/compat_*.c). */
long pv_compat_grant_table_op(uint32_t cmd, uint32_t uop, uint32_t count);
long pv_compat_multicall(uint32_t list, uint32_t nr_calls);
long pv_compat_memory_op(uint32_t cmd, uint32_t arg);
long pv_compat_vcpu_op(uint32_t cmd, uint32_t vcpuid, uint32_t arg);
long pv_compat_sched_op(uint32_t cmd, uint32_t arg);

#endif /* ASM_X86_PV_COMPAT_H */
