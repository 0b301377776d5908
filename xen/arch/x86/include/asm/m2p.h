/* SPDX-License-Identifier: GPL-2.0-only */
/* The machine-to-phys table PV guests read at MACH2PHYS_VIRT_START. */
#ifndef ASM_X86_M2P_H
#define ASM_X86_M2P_H

#include <xen/types.h>

/* What a frame that no guest has named reads as. */
#define INVALID_M2P_ENTRY (~0UL)

/*
 * Allocates one 8-byte entry per frame below max_page, all invalid, and
 * maps the table read-only for guests (user-readable, in PML4 slot 256
 * of the idle page table, which every PV L4 copies).  Call once, after
 * the heap is up (mm_heap_ready()) and before the first domain is built.
 */
void m2p_init(void);

/* Both ignore frames beyond the table, and calls before m2p_init(). */
void set_gpfn_from_mfn(unsigned long mfn, unsigned long pfn);
unsigned long get_gpfn_from_mfn(unsigned long mfn);

/*
 * The first frame of the idx-th 2 MiB piece of the table, or INVALID_MFN
 * past the end (XENMEM_machphys_mfn_list).
 */
mfn_t m2p_chunk_mfn(unsigned long idx);

#endif /* ASM_X86_M2P_H */
