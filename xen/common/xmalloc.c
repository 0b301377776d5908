/* SPDX-License-Identifier: GPL-2.0-only */
/* xmalloc: small objects from per-size pools of pages, big ones as pages. */
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <xen/xmalloc.h>

/*
 * Small requests are rounded up to a power-of-two class (16 to 1024
 * bytes).  A pool page holds objects of one class after a header; objects
 * start at offset max(POOL_HDR, class), so each is aligned to its class
 * size and never page-aligned, which is how xfree() tells the two kinds
 * apart.  Anything bigger (or more strictly aligned) takes whole pages.
 */
#define MIN_SHIFT  4
#define MAX_SHIFT  10
#define NR_CLASSES (MAX_SHIFT - MIN_SHIFT + 1)
#define POOL_HDR   64
#define POOL_MAGIC 0x786d616c6c6f6321UL
/* Mixed with a free object's address, so stale data rarely matches. */
#define FREE_MAGIC 0x5a5af4ee0bad0b5eUL

struct pool_page {
    unsigned long magic;
    struct pool_page *next, *prev; /* on the class's list while not full */
    void **free;                   /* free objects, linked through word 0 */
    unsigned int shift;
    unsigned int inuse;
};

static struct pool_page *partial[NR_CLASSES];
static DEFINE_SPINLOCK(xmalloc_lock, xmalloc);

BUILD_BUG_ON(sizeof(struct pool_page) > POOL_HDR);

static unsigned int objs_start(unsigned int shift)
{
    return max(POOL_HDR, 1 << shift);
}

static void list_del(struct pool_page *pp)
{
    if ( pp->prev )
        pp->prev->next = pp->next;
    else
        partial[pp->shift - MIN_SHIFT] = pp->next;
    if ( pp->next )
        pp->next->prev = pp->prev;
    pp->next = pp->prev = NULL;
}

static void list_add(struct pool_page *pp)
{
    struct pool_page **head = &partial[pp->shift - MIN_SHIFT];

    pp->prev = NULL;
    pp->next = *head;
    if ( *head )
        (*head)->prev = pp;
    *head = pp;
}

static struct pool_page *new_pool_page(unsigned int shift)
{
    struct pool_page *pp = alloc_xenheap_pages(0, 0);
    unsigned long off;

    if ( !pp )
        return NULL;
    pp->magic = POOL_MAGIC;
    pp->shift = shift;
    pp->inuse = 0;
    pp->free = NULL;
    /* Thread the free list so objects come out in address order. */
    for ( off = PAGE_SIZE - (1UL << shift); off >= objs_start(shift);
          off -= 1UL << shift )
    {
        void **obj = (void **)((char *)pp + off);

        obj[0] = pp->free;
        obj[1] = (void *)((unsigned long)obj ^ FREE_MAGIC);
        pp->free = obj;
    }
    list_add(pp);
    return pp;
}

static void *alloc_small(unsigned int shift)
{
    struct pool_page *pp;
    void **obj;

    spin_lock(&xmalloc_lock);
    pp = partial[shift - MIN_SHIFT];
    if ( !pp && !(pp = new_pool_page(shift)) )
    {
        spin_unlock(&xmalloc_lock);
        return NULL;
    }
    obj = pp->free;
    pp->free = obj[0];
    obj[1] = NULL;
    if ( !pp->free )
        list_del(pp);
    pp->inuse++;
    spin_unlock(&xmalloc_lock);
    return obj;
}

static void free_small(void *p)
{
    struct pool_page *pp = (void *)((unsigned long)p & PAGE_MASK);
    unsigned long off = (char *)p - (char *)pp;
    void **obj = p;
    const char *why = NULL;

    spin_lock(&xmalloc_lock);
    if ( pp->magic != POOL_MAGIC || pp->shift < MIN_SHIFT ||
         pp->shift > MAX_SHIFT || off < objs_start(pp->shift) ||
         (off & ((1UL << pp->shift) - 1)) )
        why = "not allocated by xmalloc";
    else if ( obj[1] == (void *)((unsigned long)obj ^ FREE_MAGIC) )
        why = "already free (double free?)";
    if ( why )
    {
        spin_unlock(&xmalloc_lock);
        panic("xfree(%p): %s", p, why);
    }

    if ( !pp->free )
        list_add(pp);
    obj[0] = pp->free;
    obj[1] = (void *)((unsigned long)obj ^ FREE_MAGIC);
    pp->free = obj;
    if ( --pp->inuse == 0 )
    {
        list_del(pp);
        pp->magic = 0;
        free_xenheap_pages(pp, 0);
    }
    spin_unlock(&xmalloc_lock);
}

void *_xmalloc(size_t size, size_t align)
{
    unsigned int shift = MIN_SHIFT, order;
    void *p;

    if ( !align || (align & (align - 1)) )
        return NULL;
    if ( !size )
        return ZERO_BLOCK_PTR;

    while ( shift <= MAX_SHIFT &&
            ((1UL << shift) < size || (1UL << shift) < align) )
        shift++;
    if ( shift <= MAX_SHIFT )
        return alloc_small(shift);

    if ( size > (PAGE_SIZE << MAX_ORDER) || align > (PAGE_SIZE << MAX_ORDER) )
        return NULL;
    /* Buddy chunks are aligned to their own size. */
    order = get_order_from_bytes(max(size, align));
    p = alloc_xenheap_pages(order, 0);
    if ( p )
        virt_to_page(p)->u.xmalloc.order_plus1 = order + 1;
    return p;
}

void *_xzalloc(size_t size, size_t align)
{
    void *p = _xmalloc(size, align);

    if ( p && p != ZERO_BLOCK_PTR )
        memset(p, 0, size);
    return p;
}

void *_xmalloc_array(size_t size, size_t align, size_t nr)
{
    if ( size && nr > SIZE_MAX / size )
        return NULL;
    return _xmalloc(size * nr, align);
}

void *_xzalloc_array(size_t size, size_t align, size_t nr)
{
    if ( size && nr > SIZE_MAX / size )
        return NULL;
    return _xzalloc(size * nr, align);
}

void xfree(void *p)
{
    struct page_info *pg;
    unsigned int order;

    if ( !p || p == ZERO_BLOCK_PTR )
        return;
    if ( (unsigned long)p & ~PAGE_MASK )
    {
        free_small(p);
        return;
    }
    pg = virt_to_page(p);
    if ( !page_state_is(pg, inuse) || !(pg->count_info & PGC_xen_heap) ||
         !pg->u.xmalloc.order_plus1 )
        panic("xfree(%p): not allocated by xmalloc (double free?)", p);
    order = pg->u.xmalloc.order_plus1 - 1;
    pg->u.xmalloc.order_plus1 = 0;
    free_xenheap_pages(p, order);
}
