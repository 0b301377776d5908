/* SPDX-License-Identifier: GPL-2.0-only */
/* The machine-to-phys table PV guests read at MACH2PHYS_VIRT_START. */
#ifndef ASM_X86_M2P_H
#define ASM_X86_M2P_H

#include <xen/types.h>
#include <asm/page.h>

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

/*
 * The compat M2P (32-bit entries, for 32-bit PV guests; m2p_init() makes
 * it too): the first frame of its idx-th 2 MiB piece or INVALID_MFN
 * (XENMEM_machphys_compat_mfn_list), how many pieces, and the L2 entry
 * that maps piece idx read-only (0 past the end).
 */
mfn_t m2p_compat_chunk_mfn(unsigned long idx);
unsigned long m2p_compat_nr_chunks(void);
/*
 * The highest HYPERVISOR_COMPAT_VIRT_START whose window still holds the
 * whole compat M2P (whole 2 MiB pieces below PV32_M2P_END, at least
 * PV32_VIRT_START): what an HV_START_LOW note may raise a domain's to.
 */
uint32_t m2p_compat_vstart(void);
pte_t m2p_compat_l2e(unsigned long idx);

#endif /* ASM_X86_M2P_H */
