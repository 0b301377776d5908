/* SPDX-License-Identifier: GPL-2.0-only */
/* Paging modes: how a translated guest's addresses reach machine frames. */
#ifndef ASM_X86_PAGING_H
#define ASM_X86_PAGING_H

#include <xen/types.h>

struct cpu_user_regs;
struct domain;
struct vcpu;

/*
 * A PV guest runs on page tables the hypervisor validates, so its virtual
 * addresses are used as they are (asm/uaccess.h) and it has no paging
 * mode.  An HVM or PVH guest's own page tables map to guest frames, which
 * its p2m maps to machine frames; the shadow code (CONFIG_SHADOW_PAGING)
 * and nested paging (HAP) each fill this table, one per guest paging
 * level, and a vCPU points at the one its CR0/CR4/EFER select.
 */
struct paging_mode {
    /*
     * The guest frame va maps to in v's current page tables, checked
     * against the access *pfec describes (PFEC_* bits); INVALID_GFN with
     * *pfec set to the fault to inject if the walk fails.
     */
    gfn_t (*gva_to_gfn)(struct vcpu *v, unsigned long va, uint32_t *pfec);
    /* A #PF (or nested page fault) of v's: true if handled here. */
    bool (*page_fault)(struct vcpu *v, unsigned long va,
                       struct cpu_user_regs *regs);
    /* v's guest CR3 changed: make the tables the CPU walks follow it. */
    void (*update_cr3)(struct vcpu *v);
    /* v's CR0/CR4/EFER changed: choose v's mode again. */
    void (*update_paging_modes)(struct vcpu *v);
    /* Levels of the guest page tables this mode walks (2, 3 or 4). */
    unsigned int guest_levels;
};

/*
 * Whether d's addresses are translated (HVM, PVH) rather than PV virtual
 * addresses the hypervisor may use directly.  No domain is translated
 * until HVM guests exist; then it is is_hvm_domain(d).
 */
static inline bool paging_mode_translate(const struct domain *d)
{
    return false;
}

/*
 * The same for v's domain, where struct vcpu is not known: every copy to
 * or from guest memory (asm/uaccess.h) tests it first, so it must stay a
 * test of one word (a per-vCPU flag, once there is something to test).
 */
static inline bool paging_vcpu_translated(const struct vcpu *v)
{
    return false;
}

/*
 * The machine frame v's page tables map at guest virtual address va (for
 * PV its kernel tables, 4 KiB pages only), or INVALID_MFN.  It may be
 * remapped as soon as this returns: the caller takes its own references
 * and checks the owner.
 */
mfn_t paging_gva_to_mfn(struct vcpu *v, unsigned long va);

/*
 * Guest memory of a translated current vCPU, by guest virtual address:
 * through its page tables, then its p2m, a page at a time.  Like the PV
 * copies, they return the number of bytes not copied.
 */
unsigned long paging_copy_from_guest(void *dst, unsigned long va,
                                     unsigned long len);
unsigned long paging_copy_to_guest(unsigned long va, const void *src,
                                   unsigned long len);

#endif /* ASM_X86_PAGING_H */
