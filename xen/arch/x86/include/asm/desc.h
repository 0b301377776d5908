/* SPDX-License-Identifier: GPL-2.0-only */
/* Segment descriptors, the GDT, IDT and TSS of each CPU. */
#ifndef ASM_X86_DESC_H
#define ASM_X86_DESC_H

#define __HYPERVISOR_CS     0x08
#define __HYPERVISOR_DS     0x10
#define TSS_SELECTOR        0x40
#define GDT_ENTRIES         16

/* Hardware entry points, one 16-byte stub per vector (entry.S). */
#define ENTRY_STUB_SIZE     16

#ifndef __ASSEMBLY__
#include <xen/types.h>
#include <xen/compiler.h>

struct __packed tss64 {
    uint32_t _rsvd0;
    uint64_t rsp[3];
    uint64_t _rsvd1;
    uint64_t ist[7];
    uint64_t _rsvd2;
    uint16_t _rsvd3;
    uint16_t iomap_base;
};

struct idt_entry {
    uint16_t offset0;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset1;
    uint32_t offset2;
    uint32_t _rsvd;
};

struct __packed desc_ptr {
    uint16_t limit;
    uint64_t base;
};

void trap_init(void);
void percpu_traps_init(unsigned int cpu, unsigned long stack_base);
#endif

#endif /* ASM_X86_DESC_H */
