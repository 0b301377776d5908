/* SPDX-License-Identifier: MIT */
/* ACPI resources the toolstack builds for x86 guests (vCPU hotplug). */

#ifndef __XEN_PUBLIC_ARCH_X86_GUEST_ACPI_H__
#define __XEN_PUBLIC_ARCH_X86_GUEST_ACPI_H__

#ifdef __XEN_TOOLS__

/* I/O port of the online-vCPU bitmap read by the guest's ACPI code. */
#define XEN_ACPI_CPU_MAP        0xaf00
#define XEN_ACPI_CPU_MAP_LEN    ((HVM_MAX_VCPUS + 7) / 8)

/* GPE0 bit raised when that bitmap changes. */
#define XEN_ACPI_GPE0_CPUHP_BIT 2

#endif /* __XEN_TOOLS__ */

#endif /* __XEN_PUBLIC_ARCH_X86_GUEST_ACPI_H__ */
