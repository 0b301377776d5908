/* SPDX-License-Identifier: GPL-2.0-only */
/* IO-APICs and the legacy 8259 PICs: masking and routing GSIs to vectors. */
#ifndef ASM_X86_IO_APIC_H
#define ASM_X86_IO_APIC_H

#include <xen/types.h>

/* Where the (masked) 8259s point: below the dynamic vectors. */
#define PIC_VECTOR_BASE 0x20

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

/* One past the highest GSI of any IO-APIC; 0 without one. */
unsigned int ioapic_nr_gsis(void);

/*
 * The trigger mode and polarity gsi has unless told otherwise: the MADT's
 * overrides for ISA IRQs (edge, active high by default), level and active
 * low for other GSIs, as PCI wants.
 */
void ioapic_default_mode(unsigned int gsi, bool *level, bool *active_low);

/*
 * Routes gsi to vector on cpu, fixed delivery, with the given trigger
 * mode and polarity, and unmasks it unless masked.  Returns 0, or -ENOENT
 * if no IO-APIC has that GSI.
 */
int ioapic_route(unsigned int gsi, unsigned int vector, unsigned int cpu,
                 bool level, bool active_low, bool masked);
/* Moves gsi's destination to cpu, masked or not as it was. */
void ioapic_set_dest(unsigned int gsi, unsigned int cpu);
void ioapic_mask(unsigned int gsi);
void ioapic_unmask(unsigned int gsi);

/*
 * PHYSDEVOP_apic_read: register reg of the IO-APIC at physbase; -EINVAL
 * if there is none there.
 */
int ioapic_guest_read(paddr_t physbase, unsigned int reg, uint32_t *val);
bool ioapic_known(paddr_t physbase);

#endif /* ASM_X86_IO_APIC_H */
