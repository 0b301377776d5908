/* SPDX-License-Identifier: GPL-2.0-only */
/* Host mappings of granted frames in the mapping guest's address space. */
#ifndef ASM_X86_GRANT_TABLE_H
#define ASM_X86_GRANT_TABLE_H

#include <xen/types.h>

struct domain;

/*
 * Common grant code decides what may be mapped and keeps the references;
 * these put the mapping where the guest's kind of address space needs it.
 * For a PV guest host_addr is a virtual address (or, with
 * GNTMAP_contains_pte, the machine address of the PTE) in the current
 * vcpu's page tables; for HVM it will be a gfn entered in the p2m.
 */

/*
 * Maps frame (owner's) at host_addr with the GNTMAP_* flags' access.
 * 0 or an errno; nothing is mapped on failure.
 */
int create_grant_host_mapping(uint64_t host_addr, mfn_t frame,
                              unsigned int flags, struct domain *owner);

/*
 * Removes the mapping of frame at host_addr, only if it is still the one
 * created with these flags (a guest may have replaced it; ending the
 * grant then would leave its real mapping alive): -ESRCH if it is not,
 * -EINVAL if nothing maps host_addr.  With a new_addr the mapping at
 * new_addr moves to host_addr instead of it being left empty (PV
 * GNTTABOP_unmap_and_replace), not for GNTMAP_contains_pte mappings.
 * The caller flushes TLBs.
 */
int replace_grant_host_mapping(uint64_t host_addr, mfn_t frame,
                               uint64_t new_addr, unsigned int flags);

/* replace_grant_host_mapping without a replacement: unmap_grant_ref. */
int destroy_grant_host_mapping(uint64_t host_addr, mfn_t frame,
                               unsigned int flags);

#endif /* ASM_X86_GRANT_TABLE_H */
