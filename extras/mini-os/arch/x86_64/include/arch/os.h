/* SPDX-License-Identifier: GPL-2.0-only */
/* 64-bit layout: where the kernel lives, its page-table entries, levels. */

#ifndef MINIOS_ARCH_OS_H
#define MINIOS_ARCH_OS_H

/* pfn n is at VIRT_BASE + n pages (Xen's PV layout, extended by mm.c). */
#define VIRT_BASE 0xffffffff80000000UL
/* Our mapping of the domain's pages lives in the top 2 GB. */
#define MAX_MAPPED_PFNS (1UL << (31 - PAGE_SHIFT))

/* A 64-bit PV kernel runs in ring 3, so its own pages are user pages too. */
#define PTE_KERNEL_RW  (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | \
                        _PAGE_ACCESSED | _PAGE_DIRTY)
#define PTE_KERNEL_RO  (_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)
/* An entry pointing to a lower table, at any level. */
#define PTE_TABLE(level) (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | \
                          _PAGE_ACCESSED)
/* The top level of the page tables: an L4. */
#define PT_LEVELS 4

/* Operand-size suffix of the bit-string instructions on a long. */
#define LONG_SUFFIX "q"

/* A callback_register address: a plain entry point. */
#define CALLBACK_ADDR(fn) ((unsigned long)(fn))

/* printf length of a uint64_t: "%" PRI64 "x". */
#define PRI64 "l"

/* The stack pointer register. */
#define SP_REG "rsp"

#endif /* MINIOS_ARCH_OS_H */
