/* SPDX-License-Identifier: GPL-2.0-only */
/* Building the PV dom0 at boot. */
#ifndef ASM_X86_PV_DOM0_BUILD_H
#define ASM_X86_PV_DOM0_BUILD_H

struct boot_info;

/* From boot module 0 (kernel) and 1 (initrd); panics naming the problem. */
void construct_dom0(const struct boot_info *bi);

#endif /* ASM_X86_PV_DOM0_BUILD_H */
