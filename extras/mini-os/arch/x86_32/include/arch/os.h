/* SPDX-License-Identifier: GPL-2.0-only */
/* 32-bit PAE layout: where the kernel lives, its page-table entries, levels. */

#ifndef MINIOS_ARCH_OS_H
#define MINIOS_ARCH_OS_H

/* pfn n is at VIRT_BASE + n pages, as the builder lays a 32-bit guest out. */
#define VIRT_BASE 0xC0000000UL
/* Our mapping ends where the hypervisor's hole (and compat M2P) begins. */
#define MAX_MAPPED_PFNS ((HYPERVISOR_VIRT_START - VIRT_BASE) >> PAGE_SHIFT)

/* The kernel runs in ring 1: its pages are supervisor pages. */
#define PTE_KERNEL_RW  (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | \
                        _PAGE_DIRTY)
#define PTE_KERNEL_RO  (_PAGE_PRESENT | _PAGE_ACCESSED)
/*
 * An entry pointing to a lower table.  The four L3 entries are PDPTEs,
 * which take no RW, USER or ACCESSED bits.
 */
#define PTE_TABLE(level) ((level) == 3 ? _PAGE_PRESENT : \
                          _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED)
/* The top level of the page tables: a PAE L3 of four entries. */
#define PT_LEVELS 3

/* Operand-size suffix of the bit-string instructions on a long. */
#define LONG_SUFFIX "l"

/* A callback_register address: a ring-1 cs:eip pair. */
#define CALLBACK_ADDR(fn) { .cs = FLAT_KERNEL_CS, .eip = (unsigned long)(fn) }

/* printf length of a uint64_t: "%" PRI64 "x". */
#define PRI64 "ll"

/* The stack pointer register. */
#define SP_REG "esp"

#endif /* MINIOS_ARCH_OS_H */
