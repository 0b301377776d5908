/* SPDX-License-Identifier: GPL-2.0-only */
/* Building the PV dom0, and any unprivileged boot domains, at boot. */
#ifndef ASM_X86_PV_DOM0_BUILD_H
#define ASM_X86_PV_DOM0_BUILD_H

struct boot_info;

/*
 * Builds and starts dom0 from boot module 0 (panicking, naming the
 * problem, if it cannot) and a domU from each module marked "domU"
 * (refusing a bad one with a message); see docs/misc/boot-domains.md.
 */
void construct_boot_domains(const struct boot_info *bi);

#endif /* ASM_X86_PV_DOM0_BUILD_H */
