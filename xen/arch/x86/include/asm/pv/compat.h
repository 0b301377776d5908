/* SPDX-License-Identifier: GPL-2.0-only */
/* 32-bit PAE PV guests (the compat ABI): what exists of them so far. */
#ifndef ASM_X86_PV_COMPAT_H
#define ASM_X86_PV_COMPAT_H

#include <xen/types.h>

/*
 * Whether a kernel image is a 32-bit x86 ELF (ELFCLASS32, EM_386): a
 * 32-bit PV kernel, which the builders refuse by name until the compat
 * path is complete (docs/misc/compat32.md).
 */
bool pv_compat_image(const void *data, size_t size);

#endif /* ASM_X86_PV_COMPAT_H */
