/* SPDX-License-Identifier: GPL-2.0-only */
/* The start-of-day region of PV boot domains: Xen's layout and page tables. */
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/libelf.h>
#include <xen/mm.h>
#include <xen/string.h>
#include <asm/page.h>
#include <asm/pv/boot_layout.h>
#include <asm/pv/mm.h>
#include <public/elfnote.h>

/* Tables of each level needed to map [s, e) with 4 KiB pages. */
static unsigned long tables_needed(unsigned long s, unsigned long e)
{
    unsigned long n = 1;    /* the L4 */

    for ( unsigned int shift = 39; shift >= 21; shift -= 9 )
        n += ((e - 1) >> shift) - (s >> shift) + 1;
    return n;
}

/*
 * a + b rounded up to align (a power of two), or *wrap set if that
 * passes 2^64: a kernel's notes may place it anywhere.
 */
static unsigned long after(unsigned long a, unsigned long b,
                           unsigned long align, bool *wrap)
{
    unsigned long r;

    if ( __builtin_add_overflow(a, b, &r) || r > -align )
    {
        *wrap = true;
        return 0;
    }
    return ROUNDUP(r, align);
}

/*
 * pfn 0 is VIRT_BASE, 0 when the note is missing (Linux finds pfns as
 * (va - VIRT_BASE) >> 12, a kernel linked low as va >> 12): the region
 * starts there, below the kernel if the kernel is linked higher, and all
 * of it is mapped.  After the kernel: the initrd, unless MOD_START_PFN
 * asks for it unmapped; the p2m list; start_info; the page tables,
 * their count grown until they also map themselves; one stack page;
 * then at least 512 KiB to a 4 MiB boundary, as Linux expects.
 */
int boot_layout_compute(struct boot_layout *l, const struct elf_image *elf,
                        unsigned long initrd_len, unsigned long nr_pages)
{
    const struct elf_xen_notes *x = &elf->xen;
    bool wrap = false;

    memset(l, 0, sizeof(*l));
    l->v_start = ((x->seen & (1u << XEN_ELFNOTE_VIRT_BASE)) ? x->virt_base
                                                            : 0) & PAGE_MASK;
    l->kernel_end = after(elf->virt_kend, 0, PAGE_SIZE, &wrap);
    l->initrd_len = initrd_len;
    l->initrd_unmapped = (x->seen & (1u << XEN_ELFNOTE_MOD_START_PFN)) &&
                         x->mod_start_pfn;
    l->initrd_start = l->initrd_end = l->kernel_end;
    if ( !l->initrd_unmapped )
        l->initrd_end = after(l->initrd_start, initrd_len, 1, &wrap);
    l->p2m_start = after(l->initrd_end, 0, PAGE_SIZE, &wrap);
    l->p2m_end = after(l->p2m_start, nr_pages * sizeof(uint64_t), 1, &wrap);
    l->start_info = after(l->p2m_end, 0, PAGE_SIZE, &wrap);
    l->pt_start = after(l->start_info, PAGE_SIZE, PAGE_SIZE, &wrap);
    for ( l->nr_pt_frames = 1; !wrap; l->nr_pt_frames++ )
    {
        l->stack = after(l->pt_start, l->nr_pt_frames * PAGE_SIZE, PAGE_SIZE,
                         &wrap);
        l->v_end = after(l->stack, PAGE_SIZE + (512UL << 10), 4UL << 20,
                         &wrap);
        if ( !wrap && tables_needed(l->v_start, l->v_end) <= l->nr_pt_frames )
            break;
    }
    if ( wrap )
        return -EOVERFLOW;
    if ( !pv_guest_addr_ok(l->v_start) || !pv_guest_addr_ok(l->v_end - 1) ||
         (l->v_start < HYPERVISOR_VIRT_END &&
          l->v_end > HYPERVISOR_VIRT_START) )
        return -EINVAL;

    /*
     * Xen's dom0 builder takes the region's frames as one power-of-two
     * allocation and gives an unmapped initrd the pfns right after it.
     */
    l->min_pages = boot_layout_pfn(l, l->v_end);
    if ( l->initrd_unmapped )
    {
        l->initrd_pfn = 1UL << get_order_from_bytes(l->v_end - l->v_start);
        l->min_pages = l->initrd_pfn +
                       ((initrd_len + PAGE_SIZE - 1) >> PAGE_SHIFT);
    }
    else
        l->initrd_pfn = boot_layout_pfn(l, l->initrd_start);
    return 0;
}

void *boot_layout_va(const struct boot_layout *l, const unsigned long *p2m,
                     unsigned long va)
{
    return (uint8_t *)mfn_to_virt(_mfn(p2m[boot_layout_pfn(l, va)])) +
           (va & ~PAGE_MASK);
}

/*
 * Tables are taken from pt_start on in Xen's order: the L4, then, each
 * time the walk reaches a 2 MiB block with no L1 yet, that L1 and after
 * it any L2 and L3 the block also lacks, lowest level first.
 */
mfn_t boot_layout_page_tables(const struct boot_layout *l,
                              const unsigned long *p2m)
{
    unsigned long next_pt = l->pt_start + PAGE_SIZE;
    pte_t *l4 = boot_layout_va(l, p2m, l->pt_start);
    const unsigned long table_flags = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER |
                                      _PAGE_ACCESSED | _PAGE_DIRTY;

    /* dom0's frames are not scrubbed: tables start empty. */
    for ( unsigned long i = 0; i < l->nr_pt_frames; i++ )
        memset(boot_layout_va(l, p2m, l->pt_start + i * PAGE_SIZE), 0,
               PAGE_SIZE);
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
            frame[i] = p2m[boot_layout_pfn(l, next_pt)];
        }
        for ( i = lvl; i < 3; i++ )
        {
            table[(va >> (39 - 9 * i)) & 511] =
                ((pte_t)frame[i] << PAGE_SHIFT) | table_flags;
            table = mfn_to_virt(_mfn(frame[i]));
        }
        pte = ((pte_t)p2m[boot_layout_pfn(l, va)] << PAGE_SHIFT) |
              _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED;
        if ( va < l->pt_start || va >= l->stack )
            pte |= _PAGE_RW | _PAGE_DIRTY;
        table[l1_table_offset(va)] = pte;
    }
    return _mfn(p2m[boot_layout_pfn(l, l->pt_start)]);
}
