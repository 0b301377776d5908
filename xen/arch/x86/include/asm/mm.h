/* SPDX-License-Identifier: GPL-2.0-only */
/* Building the hypervisor's own mappings; frame type references. */
#ifndef ASM_X86_MM_H
#define ASM_X86_MM_H

#include <xen/types.h>
#include <asm/page.h>

struct domain;
struct page_info;

/* head.S maps this much of RAM at DIRECTMAP_VIRT_START before C runs. */
#define BOOT_DIRECTMAP_LIMIT (_AC(4, UL) << 30)

#define PAGE_HYPERVISOR                                                       \
    (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_GLOBAL)

/* The idle page table (head.S); its slots 256-271 go into every PV L4. */
extern pte_t idle_pg_table[512];
int map_pages_to_xen(unsigned long virt, mfn_t mfn, unsigned long nr,
                     unsigned long flags);
void directmap_add_ram(paddr_t start, paddr_t end);
void init_frametable(unsigned long nr_frames);
/* From now on page tables come from the heap. */
void mm_heap_ready(void);

/*
 * Takes a type reference: pg must hold a general reference of the caller.
 * The type may only change while no type reference exists; the first
 * reference of a page-table type validates the frame (and everything its
 * entries reach).  0, or -EINVAL on a type conflict (or a count overflow),
 * or the error validation found (-EINVAL, -EBUSY, -EPERM).
 *
 * PGT_seg_desc_page frames are typed here but not checked: set_gdt and the
 * LDT code must check descriptors themselves.
 */
int get_page_type(struct page_info *pg, unsigned long type);
/* The last reference of a page-table type drops what its entries held. */
void put_page_type(struct page_info *pg);

/* get_page() then get_page_type(); -EINVAL if pg isn't d's. */
int get_page_and_type(struct page_info *pg, struct domain *d,
                      unsigned long type);
void put_page_and_type(struct page_info *pg);

#endif /* ASM_X86_MM_H */
