/* SPDX-License-Identifier: GPL-2.0-only */
/* The start-of-day region of PV boot domains: Xen's layout and page tables. */
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/libelf.h>
#include <xen/mm.h>
#include <xen/string.h>
#include <asm/page.h>
#include <asm/pv/boot_layout.h>
#include <asm/pv/compat.h>
#include <asm/pv/mm.h>
#include <public/elfnote.h>

/*
 * pfn 0 is VIRT_BASE, 0 when the note is missing (Linux finds pfns as
 * (va - VIRT_BASE) >> 12, a kernel linked low as va >> 12): the region
 * starts there, below the kernel if the kernel is linked higher, and all
 * of it is mapped.  dom0 has no xenstore or console pages.
 */
int boot_layout_compute(struct pv_layout *l, const struct elf_image *elf,
                        unsigned long initrd_len, unsigned long nr_pages)
{
    const struct elf_xen_notes *x = &elf->xen;
    unsigned long virt_base = (x->seen & (1u << XEN_ELFNOTE_VIRT_BASE))
                                  ? x->virt_base
                                  : 0;
    bool unmapped = (x->seen & (1u << XEN_ELFNOTE_MOD_START_PFN)) &&
                    x->mod_start_pfn;
    int rc = pv_layout_compute(l, virt_base & PAGE_MASK, elf->virt_kend,
                               initrd_len, nr_pages,
                               elf->is32 ? PV_LAYOUT_LEVELS_PAE
                                         : PV_LAYOUT_LEVELS_64,
                               unmapped ? PV_LAYOUT_MOD_UNMAPPED : 0);

    if ( rc )
        return rc;
    /* A 32-bit guest's own space ends where the compat M2P begins. */
    if ( elf->is32 )
        return l->v_end > COMPAT_VIRT_START_DEFAULT ? -EINVAL : 0;
    if ( !pv_guest_addr_ok(l->v_start) || !pv_guest_addr_ok(l->v_end - 1) ||
         (l->v_start < HYPERVISOR_VIRT_END &&
          l->v_end > HYPERVISOR_VIRT_START) )
        return -EINVAL;
    return 0;
}

void *boot_layout_va(const struct pv_layout *l, const unsigned long *p2m,
                     unsigned long va)
{
    return (uint8_t *)mfn_to_virt(_mfn(p2m[pv_layout_pfn(l, va)])) +
           (va & ~PAGE_MASK);
}

/* What the boot tables' L1 entry for va of the region says. */
static pte_t boot_l1e(const struct pv_layout *l, const unsigned long *p2m,
                      unsigned long va)
{
    pte_t pte = ((pte_t)p2m[pv_layout_pfn(l, va)] << PAGE_SHIFT) |
                _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED;

    /* The tables themselves are read-only, as the guest must keep them. */
    if ( va < l->pt_start || va >= l->stack )
        pte |= _PAGE_RW | _PAGE_DIRTY;
    return pte;
}

/* Entries pointing at a lower table. */
#define TABLE_FLAGS                                                           \
    (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY)

/* dom0's frames are not scrubbed: tables start empty. */
static void clear_tables(const struct pv_layout *l, const unsigned long *p2m)
{
    for ( unsigned long i = 0; i < l->nr_pt_frames; i++ )
        memset(boot_layout_va(l, p2m, l->pt_start + i * PAGE_SIZE), 0,
               PAGE_SIZE);
}

/*
 * A 32-bit PAE guest's (docs/misc/compat32.md): the L3 at pt_start with
 * its four PDPTEs (present only: Xen's bits are refused there), the four
 * L2s after it in slot order, then an L1 for each 2 MiB of the region.
 */
mfn_t boot_layout_page_tables_pae(const struct pv_layout *l,
                                  const unsigned long *p2m)
{
    unsigned long next_pt = l->pt_start + 5 * PAGE_SIZE;
    pte_t *l3 = boot_layout_va(l, p2m, l->pt_start);

    clear_tables(l, p2m);
    for ( unsigned int i = 0; i < 4; i++ )
        l3[i] =
            ((pte_t)p2m[pv_layout_pfn(l, l->pt_start + (i + 1) * PAGE_SIZE)]
             << PAGE_SHIFT) |
            _PAGE_PRESENT;
    for ( unsigned long va = l->v_start; va < l->v_end; va += PAGE_SIZE )
    {
        pte_t *l2 = boot_layout_va(l, p2m,
                                   l->pt_start + ((va >> 30) + 1) * PAGE_SIZE);
        pte_t *l2e = &l2[(va >> 21) & 511], *l1;

        if ( !(*l2e & _PAGE_PRESENT) )
        {
            BUG_ON(next_pt >= l->pt_start + l->nr_pt_frames * PAGE_SIZE);
            *l2e = ((pte_t)p2m[pv_layout_pfn(l, next_pt)] << PAGE_SHIFT) |
                   TABLE_FLAGS;
            next_pt += PAGE_SIZE;
        }
        l1 = mfn_to_virt(_mfn((*l2e & PTE_ADDR_MASK) >> PAGE_SHIFT));
        l1[l1_table_offset(va)] = boot_l1e(l, p2m, va);
    }
    return _mfn(p2m[pv_layout_pfn(l, l->pt_start)]);
}

/*
 * Tables are taken from pt_start on in Xen's order: the L4, then, each
 * time the walk reaches a 2 MiB block with no L1 yet, that L1 and after
 * it any L2 and L3 the block also lacks, lowest level first.
 */
mfn_t boot_layout_page_tables(const struct pv_layout *l,
                              const unsigned long *p2m)
{
    unsigned long next_pt = l->pt_start + PAGE_SIZE;
    pte_t *l4 = boot_layout_va(l, p2m, l->pt_start);

    clear_tables(l, p2m);
    for ( unsigned long va = l->v_start; va < l->v_end; va += PAGE_SIZE )
    {
        /* lvl 0, 1, 2: the L4, L3 and L2 entries on the way to va's L1. */
        unsigned long frame[3];
        unsigned int lvl, i;
        pte_t *table = l4, pte;

        for ( lvl = 0; lvl < 3; lvl++ )
        {
            pte = table[(va >> (39 - 9 * lvl)) & 511];
            if ( !(pte & _PAGE_PRESENT) )
                break;
            table = mfn_to_virt(_mfn((pte & PTE_ADDR_MASK) >> PAGE_SHIFT));
        }
        for ( i = 3; i-- > lvl; next_pt += PAGE_SIZE )
        {
            BUG_ON(next_pt >= l->pt_start + l->nr_pt_frames * PAGE_SIZE);
            frame[i] = p2m[pv_layout_pfn(l, next_pt)];
        }
        for ( i = lvl; i < 3; i++ )
        {
            table[(va >> (39 - 9 * i)) & 511] = ((pte_t)frame[i]
                                                 << PAGE_SHIFT) |
                                                TABLE_FLAGS;
            table = mfn_to_virt(_mfn(frame[i]));
        }
        table[l1_table_offset(va)] = boot_l1e(l, p2m, va);
    }
    return _mfn(p2m[pv_layout_pfn(l, l->pt_start)]);
}
