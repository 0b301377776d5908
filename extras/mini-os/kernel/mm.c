/* SPDX-License-Identifier: GPL-2.0-only */
/* Page allocator over the domain's pages, and mapping all of them. */

#include <lib.h>
#include <mm.h>
#include <hypercall.h>

extern char _end[];

unsigned long boot_mapped_pages, mapped_pages, first_free_pfn;

/* Free pages form a stack linked through their first word. */
static void *free_list;
static unsigned long nr_free;

static unsigned int pt_index(unsigned long va, unsigned int level)
{
    return (va >> (PAGE_SHIFT + 9 * (level - 1))) & (PT_ENTRIES - 1);
}

/* The virtual address of the table a present entry points to. */
static uint64_t *table_of(uint64_t entry)
{
    return pfn_to_virt(mfn_to_pfn((entry & PTE_ADDR_MASK) >> PAGE_SHIFT));
}

uint64_t *pt_entry(unsigned long va, unsigned int level)
{
    uint64_t *table = (uint64_t *)start_info->pt_base;
    unsigned int l;

    for ( l = PT_LEVELS; l > level; l-- )
    {
        uint64_t e = table[pt_index(va, l)];

        if ( !(e & _PAGE_PRESENT) || (e & _PAGE_PSE) )
            return NULL;
        table = table_of(e);
    }
    return &table[pt_index(va, level)];
}

uint64_t pt_entry_maddr(unsigned long va, unsigned int level)
{
    uint64_t *e = pt_entry(va, level);

    return e ? virt_to_mach(e) : 0;
}

long set_pte(unsigned long va, uint64_t pte)
{
    return HYPERVISOR_update_va_mapping(va, pte, UVMF_INVLPG | UVMF_LOCAL);
}

long make_readonly(void *va)
{
    return set_pte((unsigned long)va,
                   virt_to_mach(va) | PTE_KERNEL_RO);
}

long make_writable(void *va)
{
    return set_pte((unsigned long)va, virt_to_mach(va) | PTE_KERNEL_RW);
}

static void free_page_raw(void *va)
{
    *(void **)va = free_list;
    free_list = va;
    nr_free++;
}

void *alloc_page(void)
{
    void *va = free_list;

    if ( !va )
        return NULL;
    free_list = *(void **)va;
    nr_free--;
    memset(va, 0, PAGE_SIZE);
    return va;
}

void free_page(void *va)
{
    BUG_ON((unsigned long)va & ~PAGE_MASK);
    free_page_raw(va);
}

unsigned long free_page_count(void)
{
    return nr_free;
}

static bool pfn_mapped(unsigned long pfn)
{
    uint64_t *e = pt_entry((unsigned long)pfn_to_virt(pfn), 1);

    return e && (*e & _PAGE_PRESENT);
}

/*
 * Hook a new, zeroed table for va in at `level` (2 or 3: the table is an
 * L1 or L2).  Xen checks the table and takes it as a page-table page, so
 * our own mapping of it must become read-only first.
 */
static void new_table(unsigned long va, unsigned int level, void *table)
{
    mmu_update_t u;
    long rc;

    rc = make_readonly(table);
    if ( rc )
        panic("page table %p: read-only remap failed: %ld", table, rc);
    u.ptr = pt_entry_maddr(va, level) | MMU_NORMAL_PT_UPDATE;
    u.val = virt_to_mach(table) | PTE_TABLE(level);
    rc = HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF);
    if ( rc )
        panic("hooking in an L%u table for %lx failed: %ld", level - 1, va,
              rc);
}

/*
 * Map pfns [from, to) at pfn_to_virt(), as Xen mapped the first ones,
 * taking the page tables from the free list, and free each page once it
 * is mapped: Xen maps only a few hundred KiB spare, while a large domain
 * needs an L1 for every 2 MB.
 * A new L1 is filled before it is hooked in (one check by Xen per 2 MB);
 * entries of an existing L1 go in batches of mmu_update.
 */
static void free_range(unsigned long from, unsigned long to)
{
    for ( ; from < to; from++ )
        free_page_raw(pfn_to_virt(from));
}

static void map_remaining(unsigned long from, unsigned long to)
{
    unsigned long pfn = from;

    while ( pfn < to )
    {
        unsigned long va = (unsigned long)pfn_to_virt(pfn);
        uint64_t *l2e = pt_entry(va, 2);

        if ( !l2e )
        {
            void *l2 = alloc_page();

            if ( !l2 )
                panic("out of pages for an L2 table");
            new_table(va, 3, l2);
            continue;
        }
        if ( !(*l2e & _PAGE_PRESENT) )
        {
            uint64_t *l1 = alloc_page();
            unsigned int i = pt_index(va, 1);

            if ( !l1 )
                panic("out of pages for an L1 table");
            unsigned long first = pfn;

            for ( ; i < PT_ENTRIES && pfn < to; i++, pfn++ )
                l1[i] = ((uint64_t)pfn_to_mfn(pfn) << PAGE_SHIFT) |
                        PTE_KERNEL_RW;
            new_table(va, 2, l1);
            free_range(first, pfn);
        }
        else
        {
            mmu_update_t u[64];
            unsigned int n = 0;
            unsigned long first = pfn;
            long rc;

            do {
                u[n].ptr = pt_entry_maddr(va, 1) | MMU_NORMAL_PT_UPDATE;
                u[n].val = ((uint64_t)pfn_to_mfn(pfn) << PAGE_SHIFT) |
                           PTE_KERNEL_RW;
                n++;
                pfn++;
                va += PAGE_SIZE;
            } while ( n < ARRAY_SIZE(u) && pfn < to && pt_index(va, 1) );
            rc = HYPERVISOR_mmu_update(u, n, NULL, DOMID_SELF);
            if ( rc )
                panic("mapping pfns up to %lx failed: %ld", pfn, rc);
            free_range(first, pfn);
        }
    }
}

/* The first pfn past everything Xen put in our bootstrap area. */
static unsigned long bootstrap_end(void)
{
    unsigned long end = PFN_UP(__pa(_end));
    unsigned long pt_end = virt_to_pfn(start_info->pt_base) +
                           start_info->nr_pt_frames;
    unsigned long p2m_end = PFN_UP(__pa(start_info->mfn_list) +
                                   start_info->nr_pages * sizeof(long));
    unsigned long si_end = virt_to_pfn(start_info) + 1;

    /* Xen puts its one-page boot stack right after the page tables. */
    pt_end++;
    if ( pt_end > end )
        end = pt_end;
    if ( p2m_end > end )
        end = p2m_end;
    if ( si_end > end )
        end = si_end;
    if ( !(start_info->flags & SIF_INITDOMAIN) )
    {
        /* A domU's xenstore and console rings are bootstrap pages too. */
        unsigned long store = mfn_to_pfn(start_info->store_mfn) + 1;
        unsigned long cons = mfn_to_pfn(start_info->console.domU.mfn) + 1;

        if ( store > end && store <= start_info->nr_pages )
            end = store;
        if ( cons > end && cons <= start_info->nr_pages )
            end = cons;
    }
    if ( start_info->mod_len && !(start_info->flags & SIF_MOD_START_PFN) )
    {
        unsigned long mod_end = PFN_UP(__pa(start_info->mod_start) +
                                       start_info->mod_len);

        if ( mod_end > end )
            end = mod_end;
    }
    return end;
}

void mm_init(void)
{
    unsigned long nr = start_info->nr_pages, pfn, limit;

    /* The toolstack and XENMEM_maximum_gpfn read our size from here. */
    shared_info->arch.max_pfn = nr;
    first_free_pfn = bootstrap_end();
    for ( pfn = first_free_pfn; pfn < nr && pfn_mapped(pfn); pfn++ )
        ;
    free_range(first_free_pfn, pfn);
    boot_mapped_pages = pfn;

    limit = nr < MAX_MAPPED_PFNS ? nr : MAX_MAPPED_PFNS;
    map_remaining(boot_mapped_pages, limit);
    mapped_pages = limit;
    printk("mini-os: %lu pages, %lu mapped by Xen, %lu free from pfn %lx\n",
           nr, boot_mapped_pages, nr_free, first_free_pfn);
}
