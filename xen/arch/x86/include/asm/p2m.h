/* SPDX-License-Identifier: GPL-2.0-only */
/* The physical-to-machine map: which machine frame backs a guest frame. */
#ifndef ASM_X86_P2M_H
#define ASM_X86_P2M_H

#include <xen/types.h>

struct domain;

/*
 * Common code records here which guest frames a domain's machine frames
 * back, and never writes the M2P itself.  A PV guest keeps its own
 * pfn-to-mfn list, so its p2m is that list plus our M2P: adding records
 * gfn in the M2P entry of each frame, removing makes it invalid.  An HVM
 * p2m will be a page table the hardware walks (nested paging) or the
 * shadow code reads.
 */

/*
 * A domain's p2m state (struct arch_domain's p2m), this file's and
 * mm/p2m.c's alone.  A PV guest's pfn-to-mfn list is its own memory: it
 * registers the list's length in shared_info (arch.max_pfn), which is
 * read when asked as the guest may change it.  What the hypervisor
 * itself learns as frames are added is kept here.
 */
struct p2m_domain {
    /* The highest gfn guest_physmap_add_page() has backed (Xen's name). */
    unsigned long max_mapped_pfn;
};

/*
 * The highest gfn d has (XENMEM_maximum_gpfn): for PV, one below the
 * length of the list it registered; for HVM, max_mapped_pfn.
 */
unsigned long domain_get_maximum_gpfn(const struct domain *d);

/*
 * Frames mfn .. mfn + 2^order - 1 back d's gfn .. gfn + 2^order - 1.
 * 0, or an errno (-ENOMEM once a p2m needs table frames).
 */
int guest_physmap_add_page(struct domain *d, gfn_t gfn, mfn_t mfn,
                           unsigned int order);

/*
 * Frames mfn .. mfn + 2^order - 1 back none of d's frames (any more).
 * gfn is the frame they backed, or INVALID_GFN for frames that never had
 * one or whose gfn is not known (a frame going back to the heap); d may
 * be NULL for a frame no domain owns.
 */
void guest_physmap_remove_page(struct domain *d, gfn_t gfn, mfn_t mfn,
                               unsigned int order);

/* The guest frame d backs with mfn, or INVALID_GFN. */
gfn_t mfn_to_gfn(const struct domain *d, mfn_t mfn);

#endif /* ASM_X86_P2M_H */
