/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for the boot allocator and the buddy heap in page_alloc.c. */
#include <stdlib.h>
#include <sys/mman.h>
#include <xen/mm.h>
#include "check.h"

#define NR_FRAMES   (1UL << 16)     /* 256 MiB of pretend machine memory */

/* RAM as the memory map would describe it: holes, odd edges. */
static const struct { paddr_t s, e; } ram[] = {
    { 0x1000, 0x9f000 },
    { 0x100000, 0x7fff000 },
    { 0x8800000, 0x8800800 },       /* less than a page: ignored */
    { 0x9000123, 0xffff000 },       /* unaligned start: rounded up */
};

static unsigned long ram_frames;
static struct domain *const fake_dom = (struct domain *)0x1000;

static bool in_ram(unsigned long mfn)
{
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(ram); i++ )
        if ( mfn >= ROUNDUP(ram[i].s, PAGE_SIZE) >> PAGE_SHIFT &&
             mfn < ram[i].e >> PAGE_SHIFT )
            return true;
    return false;
}

static void setup(void)
{
    unsigned int i;

    host_directmap = mmap(NULL, NR_FRAMES << PAGE_SHIFT,
                          PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if ( host_directmap == MAP_FAILED )
    {
        printf("FAIL: setup: mmap failed\n");
        exit(1);
    }
    frame_table = calloc(NR_FRAMES, sizeof(*frame_table));
    max_page = NR_FRAMES;
    for ( i = 0; i < ARRAY_SIZE(ram); i++ )
        if ( ram[i].e - ROUNDUP(ram[i].s, PAGE_SIZE) >= PAGE_SIZE )
            ram_frames += (ram[i].e >> PAGE_SHIFT) -
                          (ROUNDUP(ram[i].s, PAGE_SIZE) >> PAGE_SHIFT);
}

static void test_boot_allocator(void)
{
    CASE("boot: allocations are aligned, in RAM, top-down, disjoint")
    {
        unsigned int i;
        paddr_t a, b, c;

        for ( i = 0; i < ARRAY_SIZE(ram); i++ )
            init_boot_pages(ram[i].s, ram[i].e);
        a = alloc_boot_pages(1, 1);
        CHECK_EQ(a, 0xfffe000);
        b = alloc_boot_pages(16, 16);
        CHECK_EQ(b, 0xffee000 - 0xe000);
        CHECK(!(b & 0xffff));
        c = alloc_boot_pages(3, 1);
        CHECK(c + 3 * PAGE_SIZE <= 0xffff000);
        CHECK(c + 3 * PAGE_SIZE <= b || c >= b + 16 * PAGE_SIZE);
        CHECK(in_ram(c >> PAGE_SHIFT) && in_ram((c >> PAGE_SHIFT) + 2));
        /* 1 GiB can't fit anywhere. */
        CHECK(EXPECT_PANIC(alloc_boot_pages(1UL << 18, 1)));
        CHECK(EXPECT_PANIC(alloc_boot_pages(1, 3)));
        ram_frames -= 1 + 16 + 3;
        /* The alignment gap below the 16 stays free for the heap. */
    }

    CASE("boot: end_boot_allocator hands the rest to the heap")
    {
        end_boot_allocator();
        CHECK_EQ(total_free_pages(), ram_frames);
        CHECK(EXPECT_PANIC(alloc_boot_pages(1, 1)));
        CHECK(!page_state_is(mfn_to_page(_mfn(0xfffe)), free));
        CHECK(!page_state_is(mfn_to_page(_mfn(0xfffd)), free));
        CHECK(page_state_is(mfn_to_page(_mfn(0xfffa)), free));
        CHECK(page_state_is(mfn_to_page(_mfn(0x100)), free));
        CHECK(!page_state_is(mfn_to_page(_mfn(0x9f)), free));
    }
}

static char heap_shape[8192];

static void snapshot(char *buf, size_t len)
{
    harness_log_clear();
    dump_heap();
    snprintf(buf, len, "%s", harness_log());
    harness_log_clear();
}

/* The heap must be exactly as it was after boot: coalescing worked. */
static bool heap_is_pristine(void)
{
    static char now[sizeof(heap_shape)];

    snapshot(now, sizeof(now));
    return !strcmp(now, heap_shape) && total_free_pages() == ram_frames;
}

static void test_orders(void)
{
    snapshot(heap_shape, sizeof(heap_shape));

    CASE("heap: page_info is 32 bytes")
        CHECK_EQ(sizeof(struct page_info), 32);

    CASE("heap: alloc/free every order, aligned and in RAM")
    {
        unsigned int order;

        for ( order = 0; order <= 13; order++ )
        {
            struct page_info *pg = alloc_domheap_pages(NULL, order, 0);
            unsigned long mfn, i;

            CHECK(pg != NULL);
            if ( !pg )
                continue;
            mfn = mfn_x(page_to_mfn(pg));
            CHECK(!(mfn & ((1UL << order) - 1)));
            for ( i = 0; i < (1UL << order); i++ )
            {
                CHECK(in_ram(mfn + i));
                CHECK(page_state_is(pg + i, inuse));
            }
            CHECK_EQ(total_free_pages(), ram_frames - (1UL << order));
            free_domheap_pages(pg, order);
        }
        CHECK(heap_is_pristine());
    }

    CASE("heap: order beyond what exists fails cleanly")
    {
        /* No aligned 2^14-frame chunk of RAM exists in the layout. */
        CHECK(alloc_domheap_pages(NULL, 14, 0) == NULL);
        CHECK(alloc_domheap_pages(NULL, MAX_ORDER + 1, 0) == NULL);
        CHECK(heap_is_pristine());
    }

    CASE("heap: exhaustion returns NULL, freeing coalesces back to full")
    {
        struct page_info **pgs = malloc((ram_frames + 1) * sizeof(*pgs));
        unsigned long n = 0, i;

        while ( (pgs[n] = alloc_domheap_pages(NULL, 0, 0)) != NULL )
            n++;
        CHECK_EQ(n, ram_frames);
        CHECK_EQ(total_free_pages(), 0);
        CHECK(alloc_xenheap_pages(0, 0) == NULL);
        /* Free in an interleaved order so merges happen late. */
        for ( i = 0; i < n; i += 2 )
            free_domheap_pages(pgs[i], 0);
        for ( i = 1; i < n; i += 2 )
            free_domheap_pages(pgs[i], 0);
        CHECK(heap_is_pristine());
        free(pgs);
    }

    CASE("heap: MEMF_bits keeps allocations below the limit")
    {
        struct page_info *pgs[256];
        unsigned long below = avail_heap_pages_below(21), n = 0, i;

        /* Frames 1..0x9e are RAM below 2 MiB; 0x100..0x1ff too. */
        CHECK_EQ(below, 0x9e + 0x100);
        while ( n < ARRAY_SIZE(pgs) &&
                (pgs[n] = alloc_domheap_pages(NULL, 0, MEMF_bits(21))) )
        {
            CHECK(mfn_x(page_to_mfn(pgs[n])) < 0x200);
            n++;
        }
        CHECK_EQ(n, ARRAY_SIZE(pgs));
        CHECK(alloc_domheap_pages(NULL, 0, MEMF_bits(PAGE_SHIFT)) == NULL);
        for ( i = 0; i < n; i++ )
            free_domheap_pages(pgs[i], 0);

        /* Exhaust the zone: then a limited request fails, others don't. */
        n = 0;
        {
            struct page_info **all = malloc(below * sizeof(*all));
            struct page_info *pg;

            while ( (pg = alloc_domheap_pages(NULL, 0, MEMF_bits(21))) )
                all[n++] = pg;
            CHECK_EQ(n, below);
            CHECK(alloc_domheap_pages(NULL, 0, MEMF_bits(21)) == NULL);
            pg = alloc_domheap_pages(NULL, 0, 0);
            CHECK(pg && mfn_x(page_to_mfn(pg)) >= 0x200);
            free_domheap_pages(pg, 0);
            for ( i = 0; i < n; i++ )
                free_domheap_pages(all[i], 0);
            free(all);
        }
        CHECK(heap_is_pristine());
    }

    CASE("heap: default allocations prefer high memory")
    {
        struct page_info *pg = alloc_domheap_pages(NULL, 0, 0);

        CHECK(pg && mfn_x(page_to_mfn(pg)) >= 0x8000);
        free_domheap_pages(pg, 0);
    }
}

static void test_xenheap_domheap(void)
{
    CASE("xenheap: returned through the direct map, freed by address")
    {
        void *v = alloc_xenheap_pages(2, 0);
        struct page_info *pg = virt_to_page(v);

        CHECK(v != NULL);
        CHECK(!((unsigned long)(v - (void *)host_directmap) & 0x3fff));
        CHECK(pg->count_info & PGC_xen_heap);
        memset(v, 0x5a, 4 * PAGE_SIZE);
        free_xenheap_pages(v, 2);
        free_xenheap_pages(NULL, 0);
        CHECK(heap_is_pristine());
    }

    CASE("domheap: owned pages carry owner and PGC_allocated, are scrubbed")
    {
        struct page_info *pg;
        unsigned long i;
        bool zero = true;

        memset(host_directmap, 0xaa, NR_FRAMES << PAGE_SHIFT);
        pg = alloc_domheap_pages(fake_dom, 3, 0);
        CHECK(pg != NULL);
        for ( i = 0; i < 8; i++ )
        {
            CHECK(page_get_owner(pg + i) == fake_dom);
            CHECK(pg[i].count_info & PGC_allocated);
            CHECK_EQ(pg[i].count_info & PGC_count_mask, 1);
            CHECK_EQ(pg[i].u.inuse.type_info, PGT_none);
        }
        for ( i = 0; i < 8 * PAGE_SIZE; i++ )
            zero &= !((char *)page_to_virt(pg))[i];
        CHECK(zero);
        free_domheap_pages(pg, 3);
        CHECK(page_get_owner(pg) == NULL);
        pg = alloc_domheap_pages(fake_dom, 0, MEMF_no_scrub);
        CHECK(pg && ((unsigned char *)page_to_virt(pg))[0] == 0xaa);
        free_domheap_pages(pg, 0);
        CHECK(heap_is_pristine());
    }
}

static void test_bad_frees(void)
{
    CASE("sanity: double free panics and leaves the heap intact")
    {
        struct page_info *pg = alloc_domheap_pages(NULL, 1, 0);

        free_domheap_pages(pg, 1);
        CHECK(EXPECT_PANIC(free_domheap_pages(pg, 1)));
        CHECK(strstr(harness_panic_msg, "already free") != NULL);
        CHECK(EXPECT_PANIC(free_domheap_pages(pg + 1, 0)));
        CHECK(heap_is_pristine());
    }

    CASE("sanity: freeing a page never allocated panics")
    {
        /* Frame 0x9f is a hole; 0xfffe went to the boot allocator. */
        CHECK(EXPECT_PANIC(free_domheap_pages(mfn_to_page(_mfn(0x9f)), 0)));
        CHECK(strstr(harness_panic_msg, "never allocated") != NULL);
        CHECK(EXPECT_PANIC(free_domheap_pages(mfn_to_page(_mfn(0xfffe)), 0)));
        CHECK(heap_is_pristine());
    }

    CASE("sanity: partly-allocated, misaligned and oversized frees panic")
    {
        struct page_info *pg = alloc_domheap_pages(NULL, 0, 0);
        struct page_info *pg2 = alloc_domheap_pages(NULL, 2, 0);
        unsigned long mfn = mfn_x(page_to_mfn(pg));

        /* Order 1 around an order-0 allocation covers a free buddy. */
        CHECK(EXPECT_PANIC(free_domheap_pages(mfn_to_page(
                  _mfn(mfn & ~1UL)), 1)));
        CHECK(EXPECT_PANIC(free_domheap_pages(pg2 + 1, 1)));
        CHECK(EXPECT_PANIC(free_domheap_pages(pg2, MAX_ORDER + 1)));
        CHECK(EXPECT_PANIC(free_domheap_pages(
                  mfn_to_page(_mfn(NR_FRAMES)), 0)));
        free_domheap_pages(pg, 0);
        free_domheap_pages(pg2, 2);
        CHECK(heap_is_pristine());
    }

    CASE("sanity: free_xenheap_pages on a domheap page panics")
    {
        struct page_info *pg = alloc_domheap_pages(NULL, 0, 0);

        CHECK(EXPECT_PANIC(free_xenheap_pages(page_to_virt(pg), 0)));
        CHECK(strstr(harness_panic_msg, "not a xenheap") != NULL);
        free_domheap_pages(pg, 0);
        CHECK(heap_is_pristine());
    }

    CASE("sanity: init_heap_pages twice on a frame panics")
    {
        CHECK(EXPECT_PANIC(init_heap_pages(_mfn(0x100), 1)));
        CHECK(EXPECT_PANIC(init_heap_pages(_mfn(NR_FRAMES - 1), 2)));
        CHECK(heap_is_pristine());
    }
}

static void test_stress(void)
{
    CASE("stress: random alloc/free, no overlap, full recovery")
    {
        enum { SLOTS = 512 };
        struct {
            struct page_info *pg;
            unsigned int order;
            bool xen;
        } s[SLOTS];
        unsigned char *owner = calloc(NR_FRAMES, 1);
        unsigned long iter, used = 0, i;
        unsigned int k;

        memset(s, 0, sizeof(s));
        srand(12345);
        for ( iter = 0; iter < 40000; iter++ )
        {
            k = rand() % SLOTS;
            if ( s[k].pg )
            {
                unsigned long mfn = mfn_x(page_to_mfn(s[k].pg));

                for ( i = 0; i < (1UL << s[k].order); i++ )
                    owner[mfn + i] = 0;
                if ( s[k].xen )
                    free_xenheap_pages(page_to_virt(s[k].pg), s[k].order);
                else
                    free_domheap_pages(s[k].pg, s[k].order);
                used -= 1UL << s[k].order;
                s[k].pg = NULL;
            }
            else
            {
                unsigned int order = rand() % 100 < 80 ? rand() % 3
                                                       : rand() % 10;
                unsigned int bits = rand() % 8 ? 0 : 21 + rand() % 8;
                unsigned long mfn;

                s[k].xen = rand() & 1;
                if ( s[k].xen )
                {
                    void *v = alloc_xenheap_pages(order, MEMF_bits(bits));

                    s[k].pg = v ? virt_to_page(v) : NULL;
                }
                else
                    s[k].pg = alloc_domheap_pages(NULL, order,
                                                  MEMF_bits(bits));
                if ( !s[k].pg )
                    continue;
                s[k].order = order;
                mfn = mfn_x(page_to_mfn(s[k].pg));
                if ( bits )
                    CHECK(((mfn + (1UL << order)) << PAGE_SHIFT) <=
                          (1UL << bits));
                CHECK(!(mfn & ((1UL << order) - 1)));
                for ( i = 0; i < (1UL << order); i++ )
                {
                    CHECK(in_ram(mfn + i));
                    CHECK(!owner[mfn + i]);
                    owner[mfn + i] = 1;
                }
                used += 1UL << order;
            }
            if ( !(iter % 1000) )
                CHECK_EQ(total_free_pages(), ram_frames - used);
        }
        for ( k = 0; k < SLOTS; k++ )
            if ( s[k].pg )
            {
                if ( s[k].xen )
                    free_xenheap_pages(page_to_virt(s[k].pg), s[k].order);
                else
                    free_domheap_pages(s[k].pg, s[k].order);
            }
        CHECK(heap_is_pristine());
        free(owner);
    }

    CASE("dump_heap prints per-zone and per-order counts")
    {
        harness_log_clear();
        dump_heap();
        CHECK_LOG("pages free");
        CHECK_LOG("zone 16");
        CHECK_LOG("order");
    }
}

int main(void)
{
    setup();
    test_boot_allocator();
    test_orders();
    test_xenheap_domheap();
    test_bad_frees();
    test_stress();
    return 0;
}
