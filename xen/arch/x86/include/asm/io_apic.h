/* SPDX-License-Identifier: GPL-2.0-only */
/* IO-APICs and the legacy 8259 PICs: masking and routing GSIs to vectors. */
#ifndef ASM_X86_IO_APIC_H
#define ASM_X86_IO_APIC_H

#include <xen/types.h>

/* Where the (masked) 8259s point: below the dynamic vectors. */
#define PIC_VECTOR_BASE     0x20

/* Re-bases and masks both 8259s. */
void init_8259A(void);

/*
 * Masks the 8259s, then finds every IO-APIC in the MADT and masks all
 * their entries; records the MADT's ISA interrupt source overrides.
 */
struct acpi_madt_info;
void init_IRQ(const struct acpi_madt_info *madt);

/* The GSI an ISA IRQ (0-15) arrives on, after the MADT's overrides. */
unsigned int isa_irq_to_gsi(unsigned int isa_irq);

/*
 * Routes gsi to vector on cpu, fixed delivery, and unmasks it.  Trigger
 * mode and polarity come from the MADT's overrides for ISA IRQs (edge,
 * active high by default) and are level, active low for other GSIs, as
 * PCI wants.  Returns 0, or -ENOENT if no IO-APIC has that GSI.
 */
int ioapic_route(unsigned int gsi, unsigned int vector, unsigned int cpu);
void ioapic_mask(unsigned int gsi);
void ioapic_unmask(unsigned int gsi);

#endif /* ASM_X86_IO_APIC_H */
