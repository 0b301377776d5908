/* SPDX-License-Identifier: GPL-2.0-only */
/* The PV MMU: frame types, validated page-table updates, the hypercalls. */
#ifndef ASM_X86_PV_MM_H
#define ASM_X86_PV_MM_H

#include <xen/mm.h>
#include <xen/types.h>
#include <asm/mm.h>
#include <public/xen.h>

struct domain;
struct vcpu;

/* The PGT_l?_page_table type of page-table level 1-4. */
#define PGT_lx_page_table(lvl) ((unsigned long)(lvl) << PGT_type_shift)

/*
 * Linear page tables (pv-linear-pt, default on): whether an L2-L4 entry
 * may point, read-only, at a validated table of its own level.
 */
extern bool opt_pv_linear_pt;

/*
 * A page table's linear count (PGT_linear_mask): > 0, the linear entries
 * it holds that point at other tables; < 0, the linear entries of other
 * tables that point at it.  Never both, so no chain is longer than one
 * link (XSA-240).
 */
static inline int pgt_linear_count(unsigned long type_info)
{
    return (int16_t)((type_info & PGT_linear_mask) >> PGT_linear_shift);
}

/* A guest virtual address: canonical and outside the hypervisor's slots. */
static inline bool pv_guest_addr_ok(unsigned long va)
{
    if ( va >= HYPERVISOR_VIRT_START && va < HYPERVISOR_VIRT_END )
        return false;
    return ((long)va >> 47) == 0 || ((long)va >> 47) == -1;
}

/*
 * Preemptible forms (Xen's PGT_partial).  Validating or tearing down an
 * L2-L4 table (and, through its entries, the tables below it) may stop
 * midway with -ERESTART when hypercall_preempt_check() says so.  The
 * table is then left PGT_partial: entries [0, done) hold their
 * references ([0, done] for a teardown: xen/mm.h), and the type
 * reference (count 1) and a general reference belong to the partial
 * state.  A stopped validation (get) is carried on
 * by the next get_page_type() of the same type, from anyone; a stopped
 * teardown (put) belongs to whoever made that put, which hands it on and
 * later puts again to carry it on.  Until then the frame takes no other
 * type; get_page_type() of a table whose teardown stopped is -EINVAL.
 */
int get_page_and_type_preemptible(struct page_info *pg, struct domain *d,
                                  unsigned long type);
int put_page_type_preemptible(struct page_info *pg);
/* A domain being destroyed: ends a stopped validation of pg, if any. */
void pv_drop_partial(struct page_info *pg);
/*
 * A teardown v's last hypercall stopped (unpin, or an entry replaced by
 * mmu_update), carried on before the next MMU hypercall returns:
 * 0 once done, or -ERESTART again.
 */
int pv_put_old_guest_table(struct vcpu *v, bool preemptible);

/*
 * Writes val into the page-table entry at machine address ptr (8-byte
 * aligned) of a frame owned by pt_owner: the mmu_update primitive, also
 * for emulated writes to page tables.  In a frame typed as a page table
 * the entry is checked and its references taken before the old entry's
 * are dropped; L1 entries may map pg_owner's frames (foreign mappings).
 * Any other frame of pt_owner is written as plain memory, as Xen does.
 */
int pv_update_pt_entry(paddr_t ptr, pte_t val, bool preserve_ad,
                       struct domain *pt_owner, struct domain *pg_owner);
/*
 * The same for mmu_update, preemptible: -ERESTART if validating what the
 * new entry reaches stopped (nothing written; issue it again), and the
 * old entry's teardown may be left in current's old_guest_table.
 */
int pv_mmu_update_entry(paddr_t ptr, pte_t val, bool preserve_ad,
                        struct domain *pt_owner, struct domain *pg_owner);

/*
 * Writes val into the L1 entry that maps va in v's kernel page tables
 * (update_va_mapping), checked as above; -EINVAL if no L1 maps va or va
 * is the hypervisor's.
 */
int pv_update_va_l1e(struct vcpu *v, unsigned long va, pte_t val,
                     struct domain *pg_owner);

/*
 * Grant unmaps: clears an entry of one of v's L1 tables (at machine
 * address addr if is_ptr, else the one mapping va addr) only if it maps
 * mfn, present, and writable exactly when rw, so that a guest which put
 * something else there cannot have us remove that instead and end the
 * grant while a mapping of it survives elsewhere.  0; -ESRCH if the entry
 * maps something else (*found: what it held); -EINVAL if there is no
 * such entry of a validated L1 table.
 */
int pv_zap_grant_l1e(struct vcpu *v, uint64_t addr, bool is_ptr, mfn_t mfn,
                     bool rw, pte_t *found);
/*
 * GNTTABOP_unmap_and_replace: the same check of the L1 entry mapping va
 * addr, which then takes over the L1 entry that maps new_addr (cleared
 * there, its references moving with it), or is cleared if new_addr is 0.
 * -EINVAL if no L1 maps new_addr (nothing changed); if the check fails
 * the entry at new_addr is gone all the same, as in Xen.
 */
int pv_replace_grant_l1e(struct vcpu *v, uint64_t addr, mfn_t mfn, bool rw,
                         unsigned long new_addr, pte_t *found);

/*
 * MMUEXT_PIN_L?_TABLE: validates mfn (pg_owner's) as type and keeps a
 * general and a type reference until it is unpinned; also for builders
 * pinning a new domain's boot page tables.  -EINVAL if already pinned.
 */
int pv_pin_table(struct domain *pg_owner, unsigned long mfn,
                 unsigned long type);

/* Hypercalls, with the public ABI's signatures. */
long do_mmu_update(XEN_GUEST_HANDLE_PARAM(mmu_update_t) ureqs,
                   unsigned int count, XEN_GUEST_HANDLE_PARAM(uint) pdone,
                   unsigned int foreigndom);
long do_mmuext_op(XEN_GUEST_HANDLE_PARAM(mmuext_op_t) uops, unsigned int count,
                  XEN_GUEST_HANDLE_PARAM(uint) pdone, unsigned int foreigndom);
long do_update_va_mapping(unsigned long va, uint64_t val, unsigned long flags);
long do_update_va_mapping_otherdomain(unsigned long va, uint64_t val,
                                      unsigned long flags, domid_t domid);

/*
 * Arch hooks (flushtlb.c):
 * The L4 v runs on in its current mode: guest_table in kernel mode,
 * guest_table_user in user mode.
 */
mfn_t pv_guest_root(const struct vcpu *v);
/*
 * The read-only M2P's L4 slot as Xen keeps it, for an L4 (validated, of
 * d) being installed: a new L4 has it only if d asked for
 * VMASST_TYPE_m2p_strict; installed as a kernel table it gets it unless
 * d is strict, installed as a user table it loses it if d is strict.
 */
void pv_root_ro_mpt(const struct domain *d, mfn_t l4, bool user);
/* The hypervisor's slots of an L4, the RO M2P's only if ro_mpt. */
void pv_fill_xen_l4(pte_t *l4, bool ro_mpt);
/*
 * NEW_BASEPTR / NEW_USER_BASEPTR (and a kernel's write to CR3): installs
 * the L4 at mfn as v's kernel or user root, which then holds a type
 * reference on it.  A 32-bit vCPU's root is an L3, which goes into slot
 * 0 of its own L4 (it has no user root: -EINVAL).  0, or the error taking that
 * reference.  Preemptible, also -ERESTART (validation stopped: issue it
 * again), and the old root's teardown may be left in v's old_guest_table.
 */
int pv_new_guest_table(struct vcpu *v, unsigned long mfn, bool user,
                       bool preemptible);
/*
 * The frame v's kernel page tables map at va (a 4 KiB page: no
 * superpages), or INVALID_MFN; it may be remapped as soon as this
 * returns, so the caller takes its own references and checks the owner.
 */
mfn_t pv_guest_frame(struct vcpu *v, unsigned long va);
/* Prints each level's entry for va in v's page tables at root. */
void pv_dump_guest_walk(struct vcpu *v, mfn_t root, unsigned long va);
/* Frames below this are I/O memory for the privileged domain (1 MiB). */
extern unsigned long io_frames_below;
/*
 * v's guest_table or guest_table_user changed; if v runs here, load the
 * page table it should now run on.
 */
void pv_update_cr3(struct vcpu *v);

/*
 * Debug builds check the type system's invariants (pv/audit.c) after
 * each page-table change a guest makes: the entry at ptr (if its frame
 * is a validated table), an L1 entry installed by update_va_mapping, a
 * table just pinned.  They panic on a violation, unless another vCPU of
 * the guest may have changed what they look at meanwhile.
 */
#ifdef CONFIG_DEBUG
void pv_audit_pt_write(paddr_t ptr);
void pv_audit_l1e(pte_t e);
void pv_audit_pinned(unsigned long mfn);
/* A type reference on pg if it is a validated table: its level, or 0. */
unsigned int pv_hold_table(struct page_info *pg);
#else
static inline void pv_audit_pt_write(paddr_t ptr)
{
}
static inline void pv_audit_l1e(pte_t e)
{
}
static inline void pv_audit_pinned(unsigned long mfn)
{
}
#endif

#endif /* ASM_X86_PV_MM_H */
