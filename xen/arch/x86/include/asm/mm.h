/* SPDX-License-Identifier: GPL-2.0-only */
/* Building the hypervisor's own mappings. */
#ifndef ASM_X86_MM_H
#define ASM_X86_MM_H

#include <xen/types.h>
#include <asm/page.h>

/* head.S maps this much of RAM at DIRECTMAP_VIRT_START before C runs. */
#define BOOT_DIRECTMAP_LIMIT    (_AC(4, UL) << 30)

#define PAGE_HYPERVISOR         (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | \
                                 _PAGE_DIRTY | _PAGE_GLOBAL)

/* The idle page table (head.S); its slots 256-271 go into every PV L4. */
extern pte_t idle_pg_table[512];
int map_pages_to_xen(unsigned long virt, mfn_t mfn, unsigned long nr,
                     unsigned long flags);
void directmap_add_ram(paddr_t start, paddr_t end);
void init_frametable(unsigned long nr_frames);
/* From now on page tables come from the heap. */
void mm_heap_ready(void);

#endif /* ASM_X86_MM_H */
