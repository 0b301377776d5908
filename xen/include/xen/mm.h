/* SPDX-License-Identifier: GPL-2.0-only */
/* Machine-frame bookkeeping (struct page_info) and the page allocators. */
#ifndef XEN_MM_H
#define XEN_MM_H

#include <xen/types.h>
#include <asm/page.h>

struct domain;

/*
 * Free and domain page lists link frames by frame number rather than by
 * pointer, halving the link to 8 bytes; that keeps struct page_info at 32
 * bytes (under 1% of RAM for the frame table) and limits us to 2^32 frames
 * (16 TiB), more than the direct map covers.
 */
#define PAGE_LIST_NULL (~0U)

struct page_list_entry {
    uint32_t next, prev;
};

struct page_list_head {
    uint32_t head, tail;
};

#define PAGE_LIST_HEAD_INIT                                                   \
    {                                                                         \
        PAGE_LIST_NULL, PAGE_LIST_NULL                                        \
    }

struct page_info {
    /* Free-list or owner's-list link. */
    struct page_list_entry list;

    /* Reference count in the low bits, PGC_* flags in the high bits. */
    unsigned long count_info;

    union {
        /* Allocated: type (PGT_*) in the high bits, type count below. */
        struct {
            unsigned long type_info;
        } inuse;
        /* Free: chunk order at a chunk's first frame, else PFN_ORDER_NONE. */
        struct {
            unsigned long order;
        } free;
        /*
         * First frame of a large xmalloc() block: its order plus one, so
         * that zero (what allocation leaves here) means "not such a block".
         */
        struct {
            unsigned long order_plus1;
        } xmalloc;
    } u;

    union {
        /* Allocated: the owning domain, or NULL for anonymous/xenheap. */
        struct domain *owner;
    } v;
};

#define PFN_ORDER_NONE (~0UL)

/* count_info flags. */
#define PGC_allocated (1UL << 63) /* owner holds the alloc ref */
#define PGC_xen_heap  (1UL << 62) /* allocated as xenheap */
/*
 * Allocation state.  Zero means "never handed to the heap" (reserved,
 * boot-allocated or not RAM), so a zeroed frame table is valid and such
 * frames can never be merged into a free chunk or freed by mistake.
 */
#define PGC_state_shift     60
#define PGC_state           (3UL << PGC_state_shift)
#define PGC_state_unmanaged (0UL << PGC_state_shift)
#define PGC_state_inuse     (1UL << PGC_state_shift)
#define PGC_state_free      (2UL << PGC_state_shift)
#define page_state_is(pg, st)                                                 \
    (((pg)->count_info & PGC_state) == PGC_state_##st)
#define PGC_count_width 56
#define PGC_count_mask  ((1UL << PGC_count_width) - 1)

/* type_info: type in the top three bits. */
#define PGT_type_shift    61
#define PGT_type_mask     (7UL << PGT_type_shift)
#define PGT_none          (0UL << PGT_type_shift)
#define PGT_l1_page_table (1UL << PGT_type_shift)
#define PGT_l2_page_table (2UL << PGT_type_shift)
#define PGT_l3_page_table (3UL << PGT_type_shift)
#define PGT_l4_page_table (4UL << PGT_type_shift)
#define PGT_seg_desc_page (5UL << PGT_type_shift)
/*
 * The L2 under slot 3 of a 32-bit PV guest's L3 (pv/mm.c): an L2 whose
 * top slots are the hypervisor's, so its own type, as Xen's
 * PGT_pae_xen_l2, never mistaken for (or shared with) an ordinary L2.
 */
#define PGT_l2_pae_xen    (6UL << PGT_type_shift)
#define PGT_writable_page (7UL << PGT_type_shift)
#define PGT_pinned        (1UL << 60) /* guest pinned the type */
#define PGT_validated     (1UL << 59) /* contents checked for the type */
#define PGT_partial       (1UL << 58) /* validation preempted midway */
#define PGT_partial_put   (1UL << 57) /* ... or its teardown was */
/*
 * A partial table: entries [0, done) hold their references, or [0, done]
 * if its teardown stopped (PGT_partial_put), which may leave all 512.
 */
#define PGT_done_shift  48
#define PGT_done_mask   (0x1ffUL << PGT_done_shift)
#define PGT_count_width 32
#define PGT_count_mask  ((1UL << PGT_count_width) - 1)
/*
 * Bits 32-47 of a page table's type_info: its linear page-table count, a
 * signed 16-bit number (pv/mm.c says what it counts).  Zero whenever the
 * type count is, so claiming a frame for a new type may overwrite it.
 */
#define PGT_linear_shift 32
#define PGT_linear_mask  (0xffffUL << PGT_linear_shift)

/*
 * One entry per machine frame.  The hypervisor points frame_table at
 * FRAMETABLE_VIRT_START once that area is mapped and zeroed for frames
 * [0, max_page); host tests point it at an array.
 */
extern struct page_info *frame_table;
extern unsigned long max_page;

static inline struct page_info *mfn_to_page(mfn_t mfn)
{
    return frame_table + mfn_x(mfn);
}

static inline mfn_t page_to_mfn(const struct page_info *pg)
{
    return _mfn(pg - frame_table);
}

static inline paddr_t page_to_maddr(const struct page_info *pg)
{
    return mfn_to_maddr(page_to_mfn(pg));
}

static inline void *page_to_virt(const struct page_info *pg)
{
    return mfn_to_virt(page_to_mfn(pg));
}

static inline struct page_info *virt_to_page(const void *va)
{
    return mfn_to_page(virt_to_mfn(va));
}

static inline bool mfn_valid(mfn_t mfn)
{
    return mfn_x(mfn) < max_page;
}

static inline struct domain *page_get_owner(const struct page_info *pg)
{
    return pg->v.owner;
}

/* Page lists (a domain's pages, the heap's free lists). */
static inline void page_list_init(struct page_list_head *h)
{
    h->head = h->tail = PAGE_LIST_NULL;
}

static inline bool page_list_empty(const struct page_list_head *h)
{
    return h->head == PAGE_LIST_NULL;
}

static inline struct page_info *page_list_first(const struct page_list_head *h)
{
    return h->head == PAGE_LIST_NULL ? NULL : frame_table + h->head;
}

static inline struct page_info *page_list_next(const struct page_info *pg)
{
    if ( pg->list.next == PAGE_LIST_NULL )
        return NULL;
    return frame_table + pg->list.next;
}

static inline void page_list_add(struct page_info *pg,
                                 struct page_list_head *h)
{
    uint32_t idx = pg - frame_table;

    pg->list.prev = PAGE_LIST_NULL;
    pg->list.next = h->head;
    if ( h->head == PAGE_LIST_NULL )
        h->tail = idx;
    else
        frame_table[h->head].list.prev = idx;
    h->head = idx;
}

static inline void page_list_add_tail(struct page_info *pg,
                                      struct page_list_head *h)
{
    uint32_t idx = pg - frame_table;

    pg->list.next = PAGE_LIST_NULL;
    pg->list.prev = h->tail;
    if ( h->tail == PAGE_LIST_NULL )
        h->head = idx;
    else
        frame_table[h->tail].list.next = idx;
    h->tail = idx;
}

static inline void page_list_del(struct page_info *pg,
                                 struct page_list_head *h)
{
    if ( pg->list.prev == PAGE_LIST_NULL )
        h->head = pg->list.next;
    else
        frame_table[pg->list.prev].list.next = pg->list.next;
    if ( pg->list.next == PAGE_LIST_NULL )
        h->tail = pg->list.prev;
    else
        frame_table[pg->list.next].list.prev = pg->list.prev;
}

#define page_list_for_each(pg, h)                                             \
    for ( (pg) = page_list_first(h); (pg); (pg) = page_list_next(pg) )

/* Allocation flags. */
#define _MEMF_bits 24
/* Only memory below 2^n bytes (n = 0: no limit). */
#define MEMF_bits(n)     ((unsigned int)(n) << _MEMF_bits)
#define MEMF_get_bits(f) ((f) >> _MEMF_bits)

/* memflags with its address width narrowed to bits (0: leaves it as it is). */
static inline unsigned int memf_bits_within(unsigned int memflags,
                                            unsigned int bits)
{
    unsigned int had = MEMF_get_bits(memflags);

    if ( !bits || (had && had <= bits) )
        return memflags;
    return (memflags & ((1U << _MEMF_bits) - 1)) | MEMF_bits(bits);
}
/* Don't scrub: the caller overwrites every byte itself. */
#define MEMF_no_scrub (1U << 0)

/* Largest chunk the buddy allocator manages: 2^MAX_ORDER frames (4 GiB). */
#define MAX_ORDER 20

/*
 * Boot allocator, used before the heap exists: hand it RAM ranges with
 * init_boot_pages(), take pages with alloc_boot_pages(), and pass what is
 * left to the heap with end_boot_allocator().
 */
void init_boot_pages(paddr_t start, paddr_t end);
/* nr pages aligned to align pages (a power of two); panics when out. */
paddr_t alloc_boot_pages(unsigned long nr, unsigned long align);
void end_boot_allocator(void);

/* Give frames [start, start + nr) to the buddy heap. */
void init_heap_pages(mfn_t start, unsigned long nr);

struct page_info *alloc_domheap_pages(struct domain *d, unsigned int order,
                                      unsigned int memflags);
void free_domheap_pages(struct page_info *pg, unsigned int order);
#define alloc_domheap_page(d, f) alloc_domheap_pages(d, 0, f)
#define free_domheap_page(pg)    free_domheap_pages(pg, 0)

/* Pages for the hypervisor's own use, returned through the direct map. */
void *alloc_xenheap_pages(unsigned int order, unsigned int memflags);
void free_xenheap_pages(void *v, unsigned int order);
#define alloc_xenheap_page() alloc_xenheap_pages(0, 0)
#define free_xenheap_page(v) free_xenheap_pages(v, 0)

unsigned long total_free_pages(void);
/* Free frames below 2^bits bytes (bits = 0: all). */
unsigned long avail_heap_pages_below(unsigned int bits);
void dump_heap(void);

/* Smallest order whose chunk holds size bytes. */
static inline unsigned int get_order_from_bytes(unsigned long size)
{
    unsigned int order = 0;

    while ( (PAGE_SIZE << order) < size )
        order++;
    return order;
}

static inline unsigned int get_order_from_pages(unsigned long nr)
{
    unsigned int order = 0;

    while ( (1UL << order) < nr )
        order++;
    return order;
}

#endif /* XEN_MM_H */
