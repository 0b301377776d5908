/* SPDX-License-Identifier: GPL-2.0-only */
/* The domU entry state dom0's PV builders (libhvxc, mini-os) share. */
#ifndef XEN_PV_DOMU_H
#define XEN_PV_DOMU_H

/*
 * Included by builders outside the hypervisor (tools/libxc and mini-os's
 * kernel/builder.c) after public/xen.h, whose interface version is
 * theirs to choose.  The region a domU boots with is xen/pv_layout.h's
 * with PV_LAYOUT_RINGS.
 */

/*
 * vCPU 0's state at entry: in kernel mode on the flat kernel segments,
 * interrupts enabled (events stay masked in shared_info until the kernel
 * unmasks them), rsp at the top of the stack page, rsi pointing at
 * start_info, cr3 the pinned L4.
 */
static inline void pv_domu_boot_context(vcpu_guest_context_t *c,
                                        uint64_t entry, uint64_t stack_top,
                                        uint64_t start_info_va,
                                        xen_pfn_t l4_mfn)
{
    /* Every byte zeroed first, padding too: the hypervisor reads it all. */
    __builtin_memset(c, 0, sizeof(*c));
    c->flags = VGCF_in_kernel | VGCF_online;
    c->user_regs.rip = entry;
    c->user_regs.rsp = stack_top;
    c->user_regs.rsi = start_info_va;
    c->user_regs.cs = FLAT_KERNEL_CS;
    c->user_regs.ss = FLAT_KERNEL_SS;
    c->user_regs.ds = c->user_regs.es = FLAT_KERNEL_DS;
    c->user_regs.fs = c->user_regs.gs = FLAT_KERNEL_DS;
    c->user_regs.rflags = 1 << 9; /* IF */
    c->kernel_ss = FLAT_KERNEL_SS;
    c->kernel_sp = stack_top;
    c->ctrlreg[3] = xen_pfn_to_cr3(l4_mfn);
}

#endif /* XEN_PV_DOMU_H */
