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
