/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers of the paging cases (mmu.c) that other case files share. */
#ifndef TESTS_MMU_H
#define TESTS_MMU_H

/* One mmuext_op on DOMID_SELF: cmd with arg1 (mfn or va) and arg2. */
long ext1(unsigned int cmd, unsigned long arg1, unsigned long arg2);
/* A zeroed page of ours, mapped read-only so it can become a table. */
void *table_page(void);
/* Gives back a table_page() once it is no table any more. */
void release_table(void *va);

#endif
