/* SPDX-License-Identifier: GPL-2.0-only */
/* The boot-time page allocator and the buddy heap over the frame table. */
#include <xen/keyhandler.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <xen/bitops.h>

/* The frame table's size is part of the memory overhead budget. */
BUILD_BUG_ON(sizeof(struct page_info) != 32);

struct page_info *frame_table;
unsigned long max_page;

/*
 * ---- Boot allocator ----
 * A short list of free physical ranges; allocations come from the top of
 * the highest range that fits, keeping low memory (which DMA-limited
 * devices and the trampoline need) for later.
 */
#define BOOT_RANGES 64

static struct {
    unsigned long s, e; /* frames [s, e) */
} boot_ranges[BOOT_RANGES];
static unsigned int nr_boot_ranges;
static bool boot_allocator_done;

static void boot_range_add(unsigned long s, unsigned long e)
{
    if ( s >= e )
        return;
    if ( nr_boot_ranges == BOOT_RANGES )
    {
        printk(XENLOG_WARNING "boot allocator: too many ranges, "
                              "losing frames %#lx-%#lx\n",
               s, e - 1);
        return;
    }
    boot_ranges[nr_boot_ranges].s = s;
    boot_ranges[nr_boot_ranges].e = e;
    nr_boot_ranges++;
}

void init_boot_pages(paddr_t start, paddr_t end)
{
    if ( boot_allocator_done )
        panic("init_boot_pages() after end_boot_allocator()");
    if ( end <= start )
        return;
    /* Only whole frames are usable. */
    boot_range_add(ROUNDUP(start, PAGE_SIZE) >> PAGE_SHIFT, end >> PAGE_SHIFT);
}

paddr_t alloc_boot_pages(unsigned long nr, unsigned long align)
{
    unsigned int i, best = BOOT_RANGES;
    unsigned long pick = 0, s, e;

    if ( boot_allocator_done )
        panic("alloc_boot_pages() after end_boot_allocator()");
    if ( !align || (align & (align - 1)) || !nr )
        panic("alloc_boot_pages(%lu, %lu): bad arguments", nr, align);

    for ( i = 0; i < nr_boot_ranges; i++ )
    {
        unsigned long cand;

        if ( boot_ranges[i].e - boot_ranges[i].s < nr )
            continue;
        cand = ROUNDDOWN(boot_ranges[i].e - nr, align);
        if ( cand < boot_ranges[i].s )
            continue;
        if ( best == BOOT_RANGES || cand > pick )
        {
            best = i;
            pick = cand;
        }
    }
    if ( best == BOOT_RANGES )
        panic("boot allocator: out of memory (%lu pages, align %lu)", nr,
              align);

    s = boot_ranges[best].s;
    e = boot_ranges[best].e;
    /* Shrink the range to the part below, then keep any part above. */
    boot_ranges[best].e = pick;
    if ( pick == s )
        boot_ranges[best] = boot_ranges[--nr_boot_ranges];
    boot_range_add(pick + nr, e);

    return (paddr_t)pick << PAGE_SHIFT;
}

void end_boot_allocator(void)
{
    unsigned int i;

    if ( boot_allocator_done )
        panic("end_boot_allocator() called twice");
    boot_allocator_done = true;
    for ( i = 0; i < nr_boot_ranges; i++ )
        init_heap_pages(_mfn(boot_ranges[i].s),
                        boot_ranges[i].e - boot_ranges[i].s);
    nr_boot_ranges = 0;
}

/*
 * ---- Buddy heap ----
 * Free memory is kept in chunks of 2^order frames aligned to their size,
 * on per-order lists split into zones by address width: zone z holds
 * frames whose number needs exactly z bits (zone 0 is frame 0 alone), so
 * a request limited to 2^n bytes just skips the zones above n - PAGE_SHIFT.
 * Every frame of a chunk is marked free; the first carries the order.
 */
#define NR_ZONES (PADDR_BITS - PAGE_SHIFT + 1)

static DEFINE_SPINLOCK(heap_lock, heap);
static struct page_list_head heap[NR_ZONES][MAX_ORDER + 1];
static unsigned long avail[NR_ZONES];
static unsigned long total_avail;

static unsigned int mfn_zone(unsigned long mfn)
{
    return flsl(mfn);
}

static void heap_init_lists(void)
{
    static bool done;
    unsigned int z, o;

    if ( done )
        return;
    for ( z = 0; z < NR_ZONES; z++ )
        for ( o = 0; o <= MAX_ORDER; o++ )
            page_list_init(&heap[z][o]);
    done = true;
}

/* Put the free chunk [mfn, mfn + 2^order) on its list, merging buddies. */
static void free_chunk(unsigned long mfn, unsigned int order)
{
    unsigned int zone = mfn_zone(mfn);

    avail[zone] += 1UL << order;
    total_avail += 1UL << order;

    while ( order < MAX_ORDER )
    {
        unsigned long buddy = mfn ^ (1UL << order);
        struct page_info *b = frame_table + buddy;

        if ( buddy >= max_page || !page_state_is(b, free) ||
             b->u.free.order != order || mfn_zone(buddy) != zone )
            break;
        page_list_del(b, &heap[zone][order]);
        /* The upper half's first frame stops being a chunk head. */
        frame_table[mfn | buddy].u.free.order = PFN_ORDER_NONE;
        mfn &= buddy;
        order++;
    }

    frame_table[mfn].u.free.order = order;
    page_list_add_tail(frame_table + mfn, &heap[zone][order]);
}

/*
 * Frees [mfn, mfn + nr) as the largest aligned chunks that stay inside one
 * zone; the frames must already be marked free.
 */
static void free_range(unsigned long mfn, unsigned long nr)
{
    unsigned long end = mfn + nr;

    while ( mfn < end )
    {
        unsigned int order = mfn ? __ffs(mfn) : MAX_ORDER;

        if ( order > MAX_ORDER )
            order = MAX_ORDER;
        while ( mfn + (1UL << order) > end ||
                mfn_zone(mfn) != mfn_zone(mfn + (1UL << order) - 1) )
            order--;
        free_chunk(mfn, order);
        mfn += 1UL << order;
    }
}

static void mark_free(struct page_info *pg, unsigned long nr)
{
    unsigned long i;

    for ( i = 0; i < nr; i++ )
    {
        pg[i].count_info = PGC_state_free;
        pg[i].u.free.order = PFN_ORDER_NONE;
        pg[i].v.owner = NULL;
    }
}

void init_heap_pages(mfn_t start, unsigned long nr)
{
    unsigned long s = mfn_x(start), i;

    if ( !nr )
        return;
    if ( max_page > PAGE_LIST_NULL )
        panic("init_heap_pages: max_page %#lx too large for page lists",
              max_page);
    if ( s >= max_page || nr > max_page - s )
        panic("init_heap_pages: frames %#lx+%#lx beyond max_page %#lx", s, nr,
              max_page);

    spin_lock(&heap_lock);
    heap_init_lists();
    for ( i = 0; i < nr; i++ )
        if ( !page_state_is(&frame_table[s + i], unmanaged) )
        {
            spin_unlock(&heap_lock);
            panic("init_heap_pages: frame %#lx is already in the heap", s + i);
        }
    mark_free(frame_table + s, nr);
    free_range(s, nr);
    spin_unlock(&heap_lock);
}

static struct page_info *alloc_heap_pages(unsigned int order,
                                          unsigned int memflags)
{
    unsigned int bits = MEMF_get_bits(memflags);
    unsigned int zone_hi = NR_ZONES - 1, z, j;
    struct page_info *pg = NULL;
    unsigned long i;

    if ( order > MAX_ORDER )
        return NULL;
    if ( bits )
    {
        if ( bits <= PAGE_SHIFT )
            return NULL;
        zone_hi = min(bits - PAGE_SHIFT, zone_hi);
    }

    spin_lock(&heap_lock);

    /* High zones first, sparing low memory for constrained requests. */
    for ( z = zone_hi + 1; z-- > 0 && !pg; )
    {
        if ( avail[z] < (1UL << order) )
            continue;
        for ( j = order; j <= MAX_ORDER; j++ )
        {
            if ( page_list_empty(&heap[z][j]) )
                continue;
            pg = page_list_first(&heap[z][j]);
            page_list_del(pg, &heap[z][j]);
            break;
        }
    }
    if ( !pg )
    {
        spin_unlock(&heap_lock);
        return NULL;
    }
    z = mfn_zone(mfn_x(page_to_mfn(pg)));

    /* Return the unneeded upper halves, largest first. */
    while ( j > order )
    {
        struct page_info *upper;

        j--;
        upper = pg + (1UL << j);
        upper->u.free.order = j;
        page_list_add_tail(upper, &heap[z][j]);
    }

    for ( i = 0; i < (1UL << order); i++ )
    {
        if ( !page_state_is(&pg[i], free) )
        {
            spin_unlock(&heap_lock);
            panic("heap corrupted: frame %#lx on a free list is not free",
                  mfn_x(page_to_mfn(pg + i)));
        }
        pg[i].count_info = PGC_state_inuse;
        pg[i].u.inuse.type_info = PGT_none;
        pg[i].v.owner = NULL;
    }
    avail[z] -= 1UL << order;
    total_avail -= 1UL << order;

    spin_unlock(&heap_lock);
    return pg;
}

static void free_heap_pages(struct page_info *pg, unsigned int order,
                            unsigned long need_flags)
{
    unsigned long mfn = mfn_x(page_to_mfn(pg)), i;
    const char *why = NULL;

    spin_lock(&heap_lock);

    if ( order > MAX_ORDER || mfn >= max_page ||
         (1UL << order) > max_page - mfn || (mfn & ((1UL << order) - 1)) )
        why = "is not a valid chunk";
    for ( i = 0; !why && i < (1UL << order); i++ )
    {
        if ( page_state_is(&pg[i], free) )
            why = "is already free (double free?)";
        else if ( !page_state_is(&pg[i], inuse) )
            why = "was never allocated from the heap";
        else if ( (pg[i].count_info & need_flags) != need_flags )
            why = "is not a xenheap page";
    }
    if ( why )
    {
        /* Panic without the lock, so the crash path can still allocate. */
        spin_unlock(&heap_lock);
        panic("freeing frame %#lx order %u: frame %#lx %s", mfn, order,
              mfn + (i ? i - 1 : 0), why);
    }

    mark_free(pg, 1UL << order);
    free_range(mfn, 1UL << order);

    spin_unlock(&heap_lock);
}

struct page_info *alloc_domheap_pages(struct domain *d, unsigned int order,
                                      unsigned int memflags)
{
    struct page_info *pg = alloc_heap_pages(order, memflags);
    unsigned long i;

    if ( !pg || !d )
        return pg;

    /* Guests must never see what a previous user left behind. */
    if ( !(memflags & MEMF_no_scrub) )
        memset(page_to_virt(pg), 0, PAGE_SIZE << order);
    for ( i = 0; i < (1UL << order); i++ )
    {
        pg[i].v.owner = d;
        pg[i].count_info |= PGC_allocated | 1;
    }
    return pg;
}

void free_domheap_pages(struct page_info *pg, unsigned int order)
{
    free_heap_pages(pg, order, 0);
}

void *alloc_xenheap_pages(unsigned int order, unsigned int memflags)
{
    struct page_info *pg = alloc_heap_pages(order, memflags);
    unsigned long i;

    if ( !pg )
        return NULL;
    for ( i = 0; i < (1UL << order); i++ )
        pg[i].count_info |= PGC_xen_heap;
    return page_to_virt(pg);
}

void free_xenheap_pages(void *v, unsigned int order)
{
    if ( v )
        free_heap_pages(virt_to_page(v), order, PGC_xen_heap);
}

unsigned long total_free_pages(void)
{
    return ACCESS_ONCE(total_avail);
}

unsigned long avail_heap_pages_below(unsigned int bits)
{
    unsigned int z, zone_hi = NR_ZONES - 1;
    unsigned long n = 0;

    if ( bits )
    {
        if ( bits <= PAGE_SHIFT )
            return 0;
        zone_hi = min(bits - PAGE_SHIFT, zone_hi);
    }
    spin_lock(&heap_lock);
    for ( z = 0; z <= zone_hi; z++ )
        n += avail[z];
    spin_unlock(&heap_lock);
    return n;
}

void dump_heap(void)
{
    unsigned int z, o;

    printk("Physical memory: %lu pages free\n", total_free_pages());
    spin_lock(&heap_lock);
    for ( z = 0; z < NR_ZONES; z++ )
    {
        if ( !avail[z] )
            continue;
        printk(" zone %2u (frames < %#lx): %lu pages free\n", z, 1UL << z,
               avail[z]);
        for ( o = 0; o <= MAX_ORDER; o++ )
        {
            unsigned long n = 0;
            struct page_info *pg;

            if ( z == 0 && o )
                break;
            page_list_for_each(pg, &heap[z][o]) n++;
            if ( n )
                printk("   order %2u: %lu chunks\n", o, n);
        }
    }
    spin_unlock(&heap_lock);
}

static void dump_heap_key(unsigned char key)
{
    printk("Physical memory information:\n");
    printk("    Xen heap: %lukB free\n", total_free_pages()
                                             << (PAGE_SHIFT - 10));
    dump_heap();
}
KEYHANDLER('m', dump_heap_key, "memory info");
