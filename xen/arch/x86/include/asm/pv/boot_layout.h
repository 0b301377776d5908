/* SPDX-License-Identifier: GPL-2.0-only */
/* The start-of-day virtual region of a PV boot domain, as Xen lays it out. */
#ifndef ASM_X86_PV_BOOT_LAYOUT_H
#define ASM_X86_PV_BOOT_LAYOUT_H

#include <xen/libelf.h>
#include <xen/mm.h>
#include <xen/types.h>

/*
 * The bootstrap region, in order from its base; each piece page aligned
 * (docs/misc/pv-design.md).  Guests depend on this order and on pfn 0
 * being v_start (the start-of-day ABI), so it is Xen's to the page.
 */
struct boot_layout {
    unsigned long v_start;          /* VIRT_BASE, 0 without the note */
    unsigned long kernel_end;
    /* Mapped here unless the kernel's MOD_START_PFN note says otherwise. */
    unsigned long initrd_start, initrd_end;
    unsigned long initrd_len;       /* bytes; 0: no initrd */
    unsigned long initrd_pfn;       /* its first pfn, mapped or not */
    bool initrd_unmapped;           /* start_info.mod_start is initrd_pfn */
    unsigned long p2m_start, p2m_end;
    unsigned long start_info;
    unsigned long pt_start;
    unsigned long nr_pt_frames;
    unsigned long stack;            /* one page; its top is the initial sp */
    unsigned long v_end;
    unsigned long min_pages;        /* the pages the domain needs at least */
};

/*
 * Lays out elf's region for a domain of nr_pages with an initrd of
 * initrd_len bytes.  0; -EOVERFLOW if the region would wrap past 2^64;
 * -EINVAL if it would leave the guest's address space (l->v_start and
 * l->v_end say where it would be).
 */
int boot_layout_compute(struct boot_layout *l, const struct elf_image *elf,
                        unsigned long initrd_len, unsigned long nr_pages);

/* The pfn of va, an address of the region. */
static inline unsigned long boot_layout_pfn(const struct boot_layout *l,
                                            unsigned long va)
{
    return (va - l->v_start) >> PAGE_SHIFT;
}

/* Where the hypervisor reaches the region's va, through the p2m. */
void *boot_layout_va(const struct boot_layout *l, const unsigned long *p2m,
                     unsigned long va);

/*
 * Writes the region's page tables into the frames at pt_start (the L4
 * first, then the L3, L2 and L1 tables in the order the region needs
 * them) and returns the L4's frame.  Every page of the region is mapped
 * writable except the tables themselves.
 */
mfn_t boot_layout_page_tables(const struct boot_layout *l,
                              const unsigned long *p2m);

#endif /* ASM_X86_PV_BOOT_LAYOUT_H */
