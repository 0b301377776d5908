/* SPDX-License-Identifier: GPL-2.0-only */
/* The PV start-of-day layout every builder shares (xen/pv_layout.h). */
#include <xen/errno.h>
#include <xen/pv_layout.h>
#include <xen/types.h>

#define LAYOUT_PAGE 4096ULL
/* Linux's early code assumes this much is mapped past its boot stack. */
#define LAYOUT_PADDING (512ULL << 10)
#define LAYOUT_ALIGN   (4ULL << 20)

/*
 * Tables of every level that map [s, e) with 4 KiB pages: one top-level
 * table, and at each lower level one per slot of the level above that
 * the range touches.
 */
static uint64_t tables_needed(uint64_t s, uint64_t e, unsigned int levels)
{
    uint64_t n = 1;

    /*
     * PAE: the L3, an L2 under each of its four slots whatever the range
     * (the one under slot 3 holds the hypervisor's part), and the L1s.
     */
    if ( levels == PV_LAYOUT_LEVELS_PAE )
        return 1 + 4 + ((e - 1) >> 21) - (s >> 21) + 1;
    for ( unsigned int shift = 12 + 9 * (levels - 1); shift > 12; shift -= 9 )
        n += ((e - 1) >> shift) - (s >> shift) + 1;
    return n;
}

/*
 * a + b rounded up to align (a power of two), or *wrap set if that
 * passes limit: a kernel's notes may place it anywhere.
 */
static uint64_t after(uint64_t a, uint64_t b, uint64_t align, uint64_t limit,
                      bool *wrap)
{
    uint64_t r;

    if ( __builtin_add_overflow(a, b, &r) || r > limit - (align - 1) )
    {
        *wrap = true;
        return 0;
    }
    return (r + align - 1) & ~(align - 1);
}

int pv_layout_compute(struct pv_layout *l, uint64_t virt_base,
                      uint64_t kernel_end, uint64_t mod_len, uint64_t nr_pages,
                      unsigned int levels, unsigned int flags)
{
    /* The last address the guest's paging reaches. */
    uint64_t limit = levels == PV_LAYOUT_LEVELS_PAE ? 0xffffffffULL : ~0ULL;
    uint64_t pfn_size = levels == PV_LAYOUT_LEVELS_PAE ? 4 : 8;
    bool wrap = false;

    __builtin_memset(l, 0, sizeof(*l));
    if ( (levels != PV_LAYOUT_LEVELS_64 && levels != PV_LAYOUT_LEVELS_PAE) ||
         (virt_base & (LAYOUT_PAGE - 1)) || kernel_end < virt_base )
        return -EINVAL;
    l->levels = levels;
    l->flags = flags;
    l->v_start = virt_base;
    l->kernel_end = after(kernel_end, 0, LAYOUT_PAGE, limit, &wrap);
    l->mod_len = mod_len;
    l->mod_start = l->mod_end = l->kernel_end;
    if ( !(flags & PV_LAYOUT_MOD_UNMAPPED) )
        l->mod_end = after(l->mod_start, mod_len, 1, limit, &wrap);
    l->p2m_start = after(l->mod_end, 0, LAYOUT_PAGE, limit, &wrap);
    if ( nr_pages > limit / pfn_size )
        wrap = true;
    l->p2m_end = after(l->p2m_start, nr_pages * pfn_size, 1, limit, &wrap);
    l->start_info = after(l->p2m_end, 0, LAYOUT_PAGE, limit, &wrap);
    l->pt_start = after(l->start_info, LAYOUT_PAGE, LAYOUT_PAGE, limit, &wrap);
    if ( flags & PV_LAYOUT_RINGS )
    {
        l->store = l->pt_start;
        l->console = after(l->store, LAYOUT_PAGE, LAYOUT_PAGE, limit, &wrap);
        l->pt_start = after(l->console, LAYOUT_PAGE, LAYOUT_PAGE, limit,
                            &wrap);
    }
    /* Grown until the tables also map themselves, the stack and padding. */
    for ( l->nr_pt_frames = 1; !wrap; l->nr_pt_frames++ )
    {
        l->stack = after(l->pt_start, l->nr_pt_frames * LAYOUT_PAGE,
                         LAYOUT_PAGE, limit, &wrap);
        l->v_end = after(l->stack, LAYOUT_PAGE + LAYOUT_PADDING, LAYOUT_ALIGN,
                         limit, &wrap);
        if ( !wrap &&
             tables_needed(l->v_start, l->v_end, levels) <= l->nr_pt_frames )
            break;
    }
    if ( wrap )
        return -EOVERFLOW;

    l->min_pages = pv_layout_pfn(l, l->v_end);
    if ( flags & PV_LAYOUT_MOD_UNMAPPED )
    {
        unsigned int order = 0;

        while ( (LAYOUT_PAGE << order) < l->v_end - l->v_start )
            order++;
        l->mod_pfn = 1ULL << order;
        l->min_pages = l->mod_pfn + (mod_len + LAYOUT_PAGE - 1) / LAYOUT_PAGE;
    }
    else
        l->mod_pfn = pv_layout_pfn(l, l->mod_start);
    return 0;
}
