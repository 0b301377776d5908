/* SPDX-License-Identifier: GPL-2.0-only */
/* ACPI as the x86 boot code uses it: the parsed tables, reset, power-off. */
#ifndef ASM_X86_ACPI_H
#define ASM_X86_ACPI_H

#include <xen/acpi.h>

struct boot_info;
struct xenpf_enter_acpi_sleep;

/* Filled in by acpi_boot_init(); all .present false without ACPI. */
extern struct acpi_info acpi_info;

void acpi_boot_init(const struct boot_info *bi);
/* Each returns only if the machine did not go down. */
void acpi_reboot(void);
void acpi_power_off(void);
/* XENPF_enter_acpi_sleep; returns a -errno if the machine stays up. */
int acpi_enter_sleep(const struct xenpf_enter_acpi_sleep *sleep);

#endif /* ASM_X86_ACPI_H */
