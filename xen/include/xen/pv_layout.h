/* SPDX-License-Identifier: GPL-2.0-only */
/* Where a PV guest's start-of-day pieces go: one layout for all builders. */
#ifndef XEN_PV_LAYOUT_H
#define XEN_PV_LAYOUT_H

#include <xen/types.h>

/*
 * Shared, like common/elf.c, by the hypervisor's boot-domain builder
 * (arch/x86/pv/boot_layout.c), mini-os's domain builder and libhvxc's
 * (tools/libxc): freestanding, no allocation, a pure function of its
 * arguments, so that the three lay a guest out identically.
 *
 * The region runs from virt_base, which is pfn 0, and is mapped whole by
 * the bootstrap page tables.  In order, each piece page aligned:
 *   the kernel image (up to its end as linked),
 *   the module (initrd), unless PV_LAYOUT_MOD_UNMAPPED,
 *   the p2m list (nr_pages entries of 8 bytes, 4 with 3 levels),
 *   start_info,
 *   the xenstore and console pages, with PV_LAYOUT_RINGS (a domU),
 *   the page tables, as many as map the whole region, themselves too
 *   (with 3 levels always the L3 and four L2s, then the L1s),
 *   one stack page,
 *   then at least 512 KiB more, up to a 4 MiB boundary.
 * This is Xen's rule for dom0 and for its toolstack's domUs alike.
 */

/* The xenstore and console pages follow start_info (a toolstack's domU). */
#define PV_LAYOUT_RINGS (1u << 0)
/*
 * The module is not mapped (the kernel's MOD_START_PFN note, honoured by
 * Xen's dom0 builder): its pfns follow the region rounded up to a power
 * of two pages, as Xen's dom0 builder allocates the region that way.
 */
#define PV_LAYOUT_MOD_UNMAPPED (1u << 1)

/* Levels of the guest's paging: 4 for 64-bit, 3 for 32-bit PAE. */
#define PV_LAYOUT_LEVELS_64  4
#define PV_LAYOUT_LEVELS_PAE 3

/* Virtual addresses, except where a field says pfns or bytes. */
struct pv_layout {
    uint64_t v_start; /* virt_base: pfn 0 */
    uint64_t kernel_end;
    uint64_t mod_start, mod_end; /* empty when unmapped or none */
    uint64_t mod_len;            /* bytes; 0: no module */
    uint64_t mod_pfn;            /* its first pfn, mapped or not */
    uint64_t p2m_start, p2m_end;
    uint64_t start_info;
    uint64_t store, console; /* 0 without PV_LAYOUT_RINGS */
    uint64_t pt_start;
    uint64_t nr_pt_frames;
    uint64_t stack; /* one page; its top is the initial sp */
    uint64_t v_end;
    uint64_t min_pages; /* pages the domain needs at least */
    unsigned int levels, flags;
};

/*
 * Lays out the region of a guest whose image ends at kernel_end (as
 * linked), with virt_base page aligned and at or below the image, a
 * module of mod_len bytes, nr_pages pages, levels-level paging and
 * PV_LAYOUT_* flags.  0; -EOVERFLOW if the region would reach the end of
 * the address space (2^64, or 2^32 with 3 levels); -EINVAL for a levels
 * or virt_base it cannot lay out.  Whether the domain has min_pages and
 * whether the region is guest address space are the caller's to check.
 */
int pv_layout_compute(struct pv_layout *l, uint64_t virt_base,
                      uint64_t kernel_end, uint64_t mod_len, uint64_t nr_pages,
                      unsigned int levels, unsigned int flags);

/* The pfn of va, an address of the region. */
static inline uint64_t pv_layout_pfn(const struct pv_layout *l, uint64_t va)
{
    return (va - l->v_start) >> 12;
}

#endif /* XEN_PV_LAYOUT_H */
