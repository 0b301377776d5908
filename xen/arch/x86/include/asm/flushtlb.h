/* SPDX-License-Identifier: GPL-2.0-only */
/* TLB and cache flushes on sets of CPUs (implemented in flushtlb.c). */
#ifndef ASM_X86_FLUSHTLB_H
#define ASM_X86_FLUSHTLB_H

#include <xen/cpumask.h>
#include <xen/types.h>

/*
 * Each runs on every online CPU in mask (this one included) and returns
 * once all have finished; the TLB flushes skip CPUs that hold no guest
 * translations (below).  The TLB flushes include global entries, because
 * PV guests may set _PAGE_GLOBAL in their own L1 entries.
 */
void flush_tlb_mask(const cpumask_t *mask);
void flush_tlb_one_mask(const cpumask_t *mask, unsigned long va);
/* Write back and invalidate the caches (wbinvd). */
void flush_cache_mask(const cpumask_t *mask);

struct domain;
struct vcpu;

/*
 * Only the CPUs that may hold what the caller changed: those with d's
 * page tables loaded; with flush_tlb_frames_of(), also those with tables
 * loaded that may map another domain's frames (the frame's owner changes
 * its type or gives it up; NULL owner: every CPU with guest tables).
 */
void flush_tlb_domain(const struct domain *d);
void flush_tlb_one_domain(const struct domain *d, unsigned long va);
void flush_tlb_frames_of(const struct domain *owner);

/*
 * Only CPUs that may hold guest translations take part in the TLB
 * flushes: this CPU is about to load a guest's page tables (and has
 * loaded d's, flushing all the TLB, by the second call), or has just
 * loaded the idle ones (which flushes its whole TLB).
 */
void flush_guest_tables_loading(void);
void flush_guest_tables_loaded(const struct domain *d);
void flush_idle_tables_loaded(void);
/*
 * The lazy switch to idle (flushtlb.c): this CPU, switching from a vCPU
 * to idle, keeps that vCPU's page tables loaded; then, switching a vCPU
 * of d with root in, finds whether they are still loaded (true: no need
 * to load them again), or, switching to anything else, lets them go.
 * Before a vCPU's reference on a root is dropped, flush_lazy_root() makes
 * every CPU let go of that root (interrupts on).
 */
void flush_idle_keeping_tables(struct vcpu *v);
bool flush_reuse_tables(struct vcpu *v);
void flush_drop_kept_tables(void);
void flush_lazy_root(mfn_t root);
/* d's L1 tables are about to map a frame d does not own. */
void flush_note_foreign(struct domain *d);

#endif /* ASM_X86_FLUSHTLB_H */
