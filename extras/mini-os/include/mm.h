/* SPDX-License-Identifier: GPL-2.0-only */
/* Page allocator and page-table updates (through Xen: tables are RO). */

#ifndef MINIOS_MM_H
#define MINIOS_MM_H

#include <os.h>

void mm_init(void);

/* One zeroed, writable, mapped page, or NULL. */
void *alloc_page(void);
void free_page(void *va);
unsigned long free_page_count(void);

/* Pages Xen mapped for us at boot, and pages mapped in all. */
extern unsigned long boot_mapped_pages, mapped_pages;
/* First pfn after Xen's bootstrap area (kernel, p2m, tables, stack). */
extern unsigned long first_free_pfn;

/*
 * Pointer to the entry of the given level (1 = L1 ... PT_LEVELS, the top:
 * an L4, or a PAE L3 at 32 bits) mapping va, or NULL if a higher level is
 * not present.  Read-only memory.
 */
uint64_t *pt_entry(unsigned long va, unsigned int level);
/* The machine address of that entry, for mmu_update; 0 if absent. */
uint64_t pt_entry_maddr(unsigned long va, unsigned int level);

/* Change the mapping of one page of ours; returns Xen's result. */
long set_pte(unsigned long va, uint64_t pte);
/* Remap one of our pages read-only or writable (for page-table use). */
long make_readonly(void *va);
long make_writable(void *va);

#endif /* MINIOS_MM_H */
