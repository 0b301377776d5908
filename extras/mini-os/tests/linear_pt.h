/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers of the linear page-table cases that the hostile ones share. */
#ifndef TESTS_LINEAR_PT_H
#define TESTS_LINEAR_PT_H

#include <lib.h>

/* mmu_update of entry `slot` of the table at table_mfn to val. */
long pt_write(unsigned long table_mfn, unsigned int slot, uint64_t val);
/* The entry for frame mfn with flags. */
uint64_t pt_ent(unsigned long mfn, uint64_t flags);

#endif
