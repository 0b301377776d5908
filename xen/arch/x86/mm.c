/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor's own page tables: direct map, frame table, MMIO. */
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/string.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/processor.h>

extern pte_t idle_pg_table[512];

/* Set once the heap is up; before that page tables come from boot pages. */
static bool heap_ready;

static pte_t *alloc_pt_page(void)
{
    pte_t *pt;

    if ( heap_ready )
    {
        pt = alloc_xenheap_page();
        if ( !pt )
            return NULL;
    }
    else
    {
        paddr_t pa = alloc_boot_pages(1, 1);

        /* Boot pages must already be reachable through the direct map. */
        BUG_ON(pa >= BOOT_DIRECTMAP_LIMIT);
        pt = maddr_to_virt(pa);
    }
    memset(pt, 0, PAGE_SIZE);
    return pt;
}

/* No-execute for data mappings, on CPUs that have it (head.S set NXE). */
static unsigned long nx_flag(void)
{
    return rdmsr(MSR_EFER) & EFER_NXE ? _PAGE_NX : 0;
}

void mm_heap_ready(void)
{
    heap_ready = true;
}

/* The next-level table under *entry, made if absent and asked to. */
static pte_t *next_table(pte_t *entry, bool create)
{
    if ( !(*entry & _PAGE_PRESENT) )
    {
        pte_t *pt;

        if ( !create || !(pt = alloc_pt_page()) )
            return NULL;
        *entry = virt_to_maddr(pt) | _PAGE_PRESENT | _PAGE_RW;
    }
    BUG_ON(*entry & _PAGE_PSE); /* splitting superpages isn't needed yet */
    return maddr_to_virt(*entry & PTE_ADDR_MASK);
}

/*
 * Maps nr frames from mfn at virt with the given flags, using 2 MiB pages
 * where both addresses are aligned and enough remains.  Only for ranges
 * that were unmapped before: existing mappings are not split.
 */
int map_pages_to_xen(unsigned long virt, mfn_t mfn, unsigned long nr,
                     unsigned long flags)
{
    while ( nr )
    {
        pte_t *l3, *l2, *l1;
        paddr_t ma = mfn_to_maddr(mfn);
        unsigned long step;

        l3 = next_table(&idle_pg_table[l4_table_offset(virt)], true);
        if ( !l3 )
            return -1;
        l2 = next_table(&l3[l3_table_offset(virt)], true);
        if ( !l2 )
            return -1;
        if ( IS_ALIGNED(virt | ma, L2_PAGE_SIZE) &&
             nr >= (L2_PAGE_SIZE >> PAGE_SHIFT) &&
             !(l2[l2_table_offset(virt)] & _PAGE_PRESENT) )
        {
            l2[l2_table_offset(virt)] = ma | flags | _PAGE_PSE;
            step = L2_PAGE_SIZE >> PAGE_SHIFT;
        }
        else
        {
            l1 = next_table(&l2[l2_table_offset(virt)], true);
            if ( !l1 )
                return -1;
            l1[l1_table_offset(virt)] = ma | flags;
            step = 1;
        }
        virt += step << PAGE_SHIFT;
        mfn = mfn_add(mfn, step);
        nr -= step;
    }
    flush_tlb_local();
    return 0;
}

/* The boot tables cover [0, 4 GiB); RAM above gets mapped here. */
void __init directmap_add_ram(paddr_t start, paddr_t end)
{
    start = max(start, (paddr_t)BOOT_DIRECTMAP_LIMIT);
    if ( start >= end )
        return;
    if ( end > DIRECTMAP_SIZE )
        panic("RAM up to %#lx exceeds the %lu GiB direct map", end,
              DIRECTMAP_SIZE >> 30);
    if ( map_pages_to_xen(DIRECTMAP_VIRT_START + start, maddr_to_mfn(start),
                          (end - start) >> PAGE_SHIFT,
                          PAGE_HYPERVISOR | nx_flag()) )
        panic("out of memory mapping RAM %#lx-%#lx", start, end);
}

/* One struct page_info per frame below max_page, zeroed. */
void __init init_frametable(unsigned long nr_frames)
{
    unsigned long bytes = ROUNDUP(nr_frames * sizeof(struct page_info),
                                  L2_PAGE_SIZE);
    unsigned long pages = bytes >> PAGE_SHIFT;
    paddr_t pa;

    BUILD_BUG_ON(sizeof(struct page_info) != 32);
    if ( bytes > FRAMETABLE_SIZE )
        panic("frame table for %lu frames exceeds its area", nr_frames);
    pa = alloc_boot_pages(pages, L2_PAGE_SIZE >> PAGE_SHIFT);
    BUG_ON(pa + bytes > BOOT_DIRECTMAP_LIMIT);
    memset(maddr_to_virt(pa), 0, bytes);
    if ( map_pages_to_xen(FRAMETABLE_VIRT_START, maddr_to_mfn(pa), pages,
                          PAGE_HYPERVISOR | nx_flag()) )
        panic("out of memory mapping the frame table");
    frame_table = (struct page_info *)FRAMETABLE_VIRT_START;
    max_page = nr_frames;
}
