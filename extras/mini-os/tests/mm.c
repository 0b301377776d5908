/* SPDX-License-Identifier: GPL-2.0-only */
/* Cases for our own memory set-up: the allocator, mapping all pages. */

#include "test.h"
#include <mm.h>

TEST(mm, all_pages_mapped)
{
    unsigned long last = start_info->nr_pages - 1;
    uint64_t *pte = pt_entry((unsigned long)pfn_to_virt(last), 1);

    /* Xen mapped the bootstrap area; mm.c mapped the rest through Xen. */
    CHECK(mapped_pages == start_info->nr_pages, "%lu of %lu mapped",
          mapped_pages, start_info->nr_pages);
    CHECK(boot_mapped_pages < mapped_pages, "Xen mapped everything?");
    CHECK(pte && (*pte & _PAGE_PRESENT), "last pfn %lx not mapped", last);
    CHECK((*pte & PTE_ADDR_MASK) >> PAGE_SHIFT == pfn_to_mfn(last),
          "last pfn maps mfn %" PRI64 "x",
          (*pte & PTE_ADDR_MASK) >> PAGE_SHIFT);
}

TEST(mm, bootstrap_area_reserved)
{
    /* Xen's boot page tables, p2m and start_info are below first_free_pfn. */
    CHECK(virt_to_pfn(start_info) < first_free_pfn, "start_info");
    CHECK(virt_to_pfn(start_info->pt_base) + start_info->nr_pt_frames <=
          first_free_pfn, "page tables");
    CHECK(virt_to_pfn(phys_to_machine) < first_free_pfn, "p2m");
}

TEST(mm, page_tables_read_only)
{
    uint64_t *pte = pt_entry(start_info->pt_base, 1);

    /* Xen never lets a PV guest map its own page tables writable. */
    CHECK(pte && !(*pte & _PAGE_RW), "L4 mapped %" PRI64 "x", pte ? *pte : 0);
}

TEST(mm, alloc_free)
{
    static uint64_t *pages[64];
    unsigned long before = free_page_count();
    unsigned int i, j;

    for ( i = 0; i < ARRAY_SIZE(pages); i++ )
    {
        pages[i] = alloc_page();
        CHECK(pages[i], "allocation %u failed", i);
        CHECK(!((unsigned long)pages[i] & ~PAGE_MASK), "%p unaligned",
              pages[i]);
        for ( j = 0; j < PAGE_SIZE / sizeof(uint64_t); j++ )
            CHECK(pages[i][j] == 0, "page %p not zeroed", pages[i]);
        pages[i][0] = i;
    }
    CHECK(free_page_count() == before - ARRAY_SIZE(pages), "count %lu",
          free_page_count());
    for ( i = 0; i < ARRAY_SIZE(pages); i++ )
    {
        CHECK(pages[i][0] == i, "page %u overwritten", i);
        free_page(pages[i]);
    }
    CHECK(free_page_count() == before, "count %lu after freeing",
          free_page_count());
}

TEST(mm, most_memory_free)
{
    /* Everything but the image, Xen's bootstrap data and our tables. */
    CHECK(free_page_count() > start_info->nr_pages * 9 / 10,
          "%lu of %lu pages free", free_page_count(), start_info->nr_pages);
}
