/* SPDX-License-Identifier: GPL-2.0-only */
/* The start-of-day virtual region of a PV boot domain, as Xen lays it out. */
#ifndef ASM_X86_PV_BOOT_LAYOUT_H
#define ASM_X86_PV_BOOT_LAYOUT_H

#include <xen/libelf.h>
#include <xen/mm.h>
#include <xen/pv_layout.h>
#include <xen/types.h>

/*
 * Lays out elf's region (xen/pv_layout.h) for a boot domain of nr_pages
 * with an initrd of initrd_len bytes, as Xen's dom0 builder does: pfn 0
 * at VIRT_BASE, or 0 without the note; the initrd unmapped if the
 * kernel's MOD_START_PFN note asks.  0; -EOVERFLOW if the region would
 * wrap past 2^64; -EINVAL if it would leave the guest's address space
 * (l->v_start and l->v_end say where it would be).
 */
int boot_layout_compute(struct pv_layout *l, const struct elf_image *elf,
                        unsigned long initrd_len, unsigned long nr_pages);

/* Where the hypervisor reaches the region's va, through the p2m. */
void *boot_layout_va(const struct pv_layout *l, const unsigned long *p2m,
                     unsigned long va);

/*
 * Writes the region's page tables into the frames at pt_start (the L4
 * first, then the L3, L2 and L1 tables in the order the region needs
 * them) and returns the L4's frame.  Every page of the region is mapped
 * writable except the tables themselves.
 */
mfn_t boot_layout_page_tables(const struct pv_layout *l,
                              const unsigned long *p2m);
/* The same for a 32-bit PAE guest: L3, four L2s, L1s; returns the L3. */
mfn_t boot_layout_page_tables_pae(const struct pv_layout *l,
                                  const unsigned long *p2m);

#endif /* ASM_X86_PV_BOOT_LAYOUT_H */
