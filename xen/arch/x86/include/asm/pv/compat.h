/* SPDX-License-Identifier: GPL-2.0-only */
/* 32-bit PAE PV guests (the compat ABI): what exists of them so far. */
#ifndef ASM_X86_PV_COMPAT_H
#define ASM_X86_PV_COMPAT_H

#include <xen/types.h>

struct domain;

/*
 * HYPERVISOR_COMPAT_VIRT_START unless the kernel's HV_START_LOW note asks
 * otherwise: L2 slot 428 of the top GiB, where Xen puts it too.
 */
#define COMPAT_VIRT_START_DEFAULT 0xf5800000u
/* The compat M2P's end, the top of what a 32-bit guest's L2s lend Xen. */
#define COMPAT_VIRT_END 0xffe00000u

/*
 * Whether a kernel image is a 32-bit x86 ELF (ELFCLASS32, EM_386): a
 * 32-bit PV kernel, which the builders refuse by name until the compat
 * path is complete (docs/misc/compat32.md).
 */
bool pv_compat_image(const void *data, size_t size);

/*
 * Makes d a 32-bit PV domain (XEN_DOMCTL_set_address_size 32, or the
 * builder for a 32-bit PAE kernel): 0, or -EACCES once it has memory or
 * a vCPU brought up (as Xen), -EINVAL for a domain that is not PV.
 */
int pv_switch_compat(struct domain *d);

/*
 * HYPERVISOR_COMPAT_VIRT_START for a kernel whose HV_START_LOW note says
 * hv_start_low (~0 without the note), the compat M2P starting at
 * m2p_start: 0 and *start, or -EINVAL for a kernel that wants the hole
 * to start above the default (it would overlap the M2P).
 */
int pv_compat_virt_start(uint64_t hv_start_low, uint32_t m2p_start,
                         uint32_t *start);

#endif /* ASM_X86_PV_COMPAT_H */
