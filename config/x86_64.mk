# SPDX-License-Identifier: GPL-2.0-only
# Code-generation flags of the x86-64 hypervisor build.

# Position-independent code with hidden symbols lets the image run at its
# high link address with RIP-relative references; no red zone because
# interrupts arrive on the same stack; no FPU/SIMD state in the hypervisor.
XEN_ARCH_CFLAGS := -fpie -mno-red-zone -mgeneral-regs-only
