/* SPDX-License-Identifier: GPL-2.0-only */
/* Segment descriptors, the GDT, IDT and TSS of each CPU. */
#ifndef ASM_X86_DESC_H
#define ASM_X86_DESC_H

/*
 * Xen's selectors, which PV guests assume: the GDT's entries from
 * FIRST_RESERVED_GDT_ENTRY (7168, selector 0xe000) up are the hypervisor's,
 * those below belong to the running guest.  SYSCALL/SYSRET derive their
 * selectors from this order (kernel CS, DS; user CS32, DS, CS64).
 */
#define __HYPERVISOR_CS   0xe008 /* 64-bit code, ring 0 */
#define __HYPERVISOR_DS   0xe010 /* data, ring 0 */
#define __GUEST_CS32      0xe023 /* FLAT_RING3_CS32 */
#define __GUEST_DS        0xe02b /* FLAT_RING3_DS32/SS64 */
#define __GUEST_CS64      0xe033 /* FLAT_RING3_CS64 */
#define __HYPERVISOR_CS32 0xe038 /* 32-bit code, ring 0 */
#define TSS_SELECTOR      0xe040
#define LDT_SELECTOR      0xe050

/*
 * 32-bit PV vCPUs get a GDT page of their own in place of the above
 * (docs/misc/compat32.md): the same hypervisor entries, and from 0xe018
 * to 0xe037 the compat ABI's flat segments, FLAT_RING1_CS/DS and
 * FLAT_RING3_CS/DS of xen-x86_32.h.
 */
#define COMPAT_RING1_CS 0xe019
#define COMPAT_RING1_DS 0xe021
#define COMPAT_RING3_CS 0xe02b
#define COMPAT_RING3_DS 0xe033

#define GDT_RESERVED_FIRST 7168 /* FIRST_RESERVED_GDT_ENTRY */
#define GDT_AREA_PAGES     16   /* the 64 KiB a selector can reach */
#define GDT_RESERVED_PAGE  14   /* FIRST_RESERVED_GDT_PAGE */

/* Hardware entry points, one 16-byte stub per vector (entry.S). */
#define ENTRY_STUB_SIZE 16

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
/* Maps and loads this CPU's GDT (see desc.c) and its TSS. */
void percpu_desc_init(unsigned int cpu, unsigned long stack_base);
/*
 * Maps the compat (32-bit PV) or the native hypervisor page of this CPU's
 * GDT; the hypervisor's own selectors are the same in both.  Interrupts
 * off or the caller current on this CPU.
 */
void load_gdt_kind(bool compat);
/*
 * Maps frames[0..nr-1] (a guest's GDT frames, nr <= GDT_RESERVED_PAGE) as
 * the first pages of this CPU's GDT area and the zero page in the other
 * guest pages; nr = 0 when no guest runs.  Interrupts off or the caller
 * current on this CPU.
 */
void load_guest_gdt(const unsigned long *frames, unsigned int nr);
/*
 * Loads LDTR with an LDT of ents entries (0: the null LDT) in this CPU's
 * LDT area, whose page i maps frames[i], or nothing where that is 0.
 * Same conditions as load_guest_gdt().
 */
void load_guest_ldt(const unsigned long *frames, unsigned int ents);
/* Maps mfn at page `page` of this CPU's LDT area, for the running vCPU. */
void map_guest_ldt_page(unsigned int page, unsigned long mfn);
/* Whether va lies in this CPU's LDT area, and if so, where (*offset). */
bool in_ldt_area(unsigned long va, unsigned int *offset);
#endif

#endif /* ASM_X86_DESC_H */
