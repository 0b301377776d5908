/* SPDX-License-Identifier: GPL-2.0-only */
/* The machine-to-phys table: one guest frame number per machine frame. */
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/string.h>
#include <asm/config.h>
#include <asm/domain.h>
#include <asm/m2p.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/pv/compat_mm.h>

/*
 * The table is built from 2 MiB pieces so that guests see it through 2 MiB
 * pages without the heap having to find one contiguous run for all of it.
 * The hypervisor writes each piece through the direct map: the guest view
 * is read-only, and the hypervisor must not touch user pages under SMAP.
 */
#define CHUNK_ENTRIES (L2_PAGE_SIZE / sizeof(unsigned long))

/* Guests (kernel and user, both ring 3) may read it, never write it. */
#define M2P_GUEST_FLAGS (_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)

static unsigned long **chunks; /* direct-map address of each piece */
static unsigned long nr_chunks;

/*
 * The compat M2P, for 32-bit PV guests (docs/misc/compat32.md): 4-byte
 * entries for the frames such a guest can name (those below what fits
 * between PV32_VIRT_START and PV32_M2P_END), kept in step with the table
 * above by set_gpfn_from_mfn().  Its 2 MiB pieces are contiguous, as
 * XENMEM_machphys_compat_mfn_list promises, and each is mapped read-only
 * by an L1 of ours, which every PAE Xen L2 points at (pv32_fill_xen_l2()).
 */
#define COMPAT_CHUNK_ENTRIES (L2_PAGE_SIZE / sizeof(uint32_t))
#define COMPAT_MAX_ENTRIES                                                    \
    ((PV32_M2P_END - PV32_VIRT_START) / sizeof(uint32_t))

static uint32_t **compat_chunks;
static pte_t **compat_l1s;
static unsigned long compat_nr_chunks, compat_entries;

/*
 * map_pages_to_xen() makes its intermediate tables supervisor-only; the
 * walk needs _PAGE_USER at every level for ring 3 to reach the leaves.
 * Slot 256 holds nothing but this table, so every entry in it gets it.
 */
static void open_slot_to_guests(void)
{
    pte_t *l4e = &idle_pg_table[l4_table_offset(RO_MPT_VIRT_START)];
    pte_t *l3;
    unsigned int i, j;

    BUG_ON(!(*l4e & _PAGE_PRESENT));
    *l4e |= _PAGE_USER;
    l3 = maddr_to_virt(*l4e & PTE_ADDR_MASK);
    for ( i = 0; i < 512; i++ )
    {
        pte_t *l2;

        if ( !(l3[i] & _PAGE_PRESENT) )
            continue;
        l3[i] |= _PAGE_USER;
        l2 = maddr_to_virt(l3[i] & PTE_ADDR_MASK);
        for ( j = 0; j < 512; j++ )
            if ( (l2[j] & (_PAGE_PRESENT | _PAGE_PSE)) == _PAGE_PRESENT )
                l2[j] |= _PAGE_USER;
    }
}

static void *alloc_or_panic(unsigned long bytes)
{
    void *p = alloc_xenheap_pages(get_order_from_bytes(bytes), 0);

    if ( !p )
        panic("m2p: out of memory for the compat table");
    return p;
}

static void compat_m2p_init(void)
{
    /* A 32-bit guest's frames (domain_alloc_bits()) are all in the table. */
    BUILD_BUG_ON(
        (1UL << (PV32_ALLOC_BITS - PAGE_SHIFT)) > COMPAT_MAX_ENTRIES ||
        (2UL << (PV32_ALLOC_BITS - PAGE_SHIFT)) <= COMPAT_MAX_ENTRIES);
    unsigned long entries = min(max_page, (unsigned long)COMPAT_MAX_ENTRIES);
    unsigned long bytes = entries * sizeof(uint32_t), nr, i, j;
    uint32_t **list;
    pte_t **l1s;

    nr = DIV_ROUND_UP(bytes, L2_PAGE_SIZE);
    list = alloc_or_panic(nr * sizeof(*list));
    l1s = alloc_or_panic(nr * sizeof(*l1s));
    for ( i = 0; i < nr; i++ )
    {
        unsigned long size = min(bytes - i * L2_PAGE_SIZE, L2_PAGE_SIZE);
        unsigned long pages = 1UL << get_order_from_bytes(size);

        list[i] = alloc_or_panic(size);
        memset(list[i], 0xff, pages << PAGE_SHIFT);
        l1s[i] = alloc_or_panic(PAGE_SIZE);
        memset(l1s[i], 0, PAGE_SIZE);
        for ( j = 0; j < pages; j++ )
            l1s[i][j] = mfn_to_maddr(mfn_add(virt_to_mfn(list[i]), j)) |
                        M2P_GUEST_FLAGS;
    }
    compat_l1s = l1s;
    compat_nr_chunks = nr;
    compat_entries = entries;
    __atomic_store_n(&compat_chunks, list, __ATOMIC_RELEASE);
}

pte_t m2p_compat_l2e(unsigned long idx)
{
    if ( !__atomic_load_n(&compat_chunks, __ATOMIC_ACQUIRE) ||
         idx >= compat_nr_chunks )
        return 0;
    return virt_to_maddr(compat_l1s[idx]) | M2P_GUEST_FLAGS;
}

mfn_t m2p_compat_chunk_mfn(unsigned long idx)
{
    uint32_t **c = __atomic_load_n(&compat_chunks, __ATOMIC_ACQUIRE);

    if ( !c || idx >= compat_nr_chunks )
        return INVALID_MFN;
    return virt_to_mfn(c[idx]);
}

unsigned long m2p_compat_nr_chunks(void)
{
    return compat_nr_chunks;
}

uint32_t m2p_compat_vstart(void)
{
    unsigned long size = compat_nr_chunks * L2_PAGE_SIZE;

    return size < PV32_M2P_END - PV32_VIRT_START ? PV32_M2P_END - size
                                                 : PV32_VIRT_START;
}

void m2p_init(void)
{
    unsigned long bytes = max_page * sizeof(unsigned long), i;
    unsigned long **list;

    if ( bytes > RO_MPT_VIRT_END - RO_MPT_VIRT_START )
        panic("m2p: %lu frames do not fit the table's area", max_page);
    BUG_ON(chunks);

    nr_chunks = DIV_ROUND_UP(bytes, L2_PAGE_SIZE);
    list = alloc_xenheap_pages(get_order_from_bytes(nr_chunks * sizeof(*list)),
                               0);
    if ( !list )
        panic("m2p: out of memory for the piece list");

    for ( i = 0; i < nr_chunks; i++ )
    {
        unsigned long size = min(bytes - i * L2_PAGE_SIZE, L2_PAGE_SIZE);
        unsigned int order = get_order_from_bytes(size);

        list[i] = alloc_xenheap_pages(order, 0);
        if ( !list[i] )
            panic("m2p: out of memory for the table");
        memset(list[i], 0xff, PAGE_SIZE << order);
        if ( map_pages_to_xen(RO_MPT_VIRT_START + i * L2_PAGE_SIZE,
                              virt_to_mfn(list[i]), 1UL << order,
                              M2P_GUEST_FLAGS) )
            panic("m2p: out of memory mapping the table");
    }
    open_slot_to_guests();

    __atomic_store_n(&chunks, list, __ATOMIC_RELEASE);
    printk("m2p: %lu frames, %lu KiB at %#lx\n", max_page, bytes >> 10,
           RO_MPT_VIRT_START);
    compat_m2p_init();
}

void set_gpfn_from_mfn(unsigned long mfn, unsigned long pfn)
{
    unsigned long **c = __atomic_load_n(&chunks, __ATOMIC_ACQUIRE);
    uint32_t **cc = __atomic_load_n(&compat_chunks, __ATOMIC_ACQUIRE);

    if ( !c || mfn >= max_page )
        return;
    /* INVALID_M2P_ENTRY narrows to the compat table's ~0 too. */
    if ( cc && mfn < compat_entries )
        __atomic_store_n(
            &cc[mfn / COMPAT_CHUNK_ENTRIES][mfn % COMPAT_CHUNK_ENTRIES],
            (uint32_t)pfn, __ATOMIC_RELAXED);
    /* Guests read entries while we write: one aligned 8-byte store. */
    __atomic_store_n(&c[mfn / CHUNK_ENTRIES][mfn % CHUNK_ENTRIES], pfn,
                     __ATOMIC_RELAXED);
}

unsigned long get_gpfn_from_mfn(unsigned long mfn)
{
    unsigned long **c = __atomic_load_n(&chunks, __ATOMIC_ACQUIRE);

    if ( !c || mfn >= max_page )
        return INVALID_M2P_ENTRY;
    return __atomic_load_n(&c[mfn / CHUNK_ENTRIES][mfn % CHUNK_ENTRIES],
                           __ATOMIC_RELAXED);
}

mfn_t m2p_chunk_mfn(unsigned long idx)
{
    unsigned long **c = __atomic_load_n(&chunks, __ATOMIC_ACQUIRE);

    if ( !c || idx >= nr_chunks )
        return INVALID_MFN;
    return virt_to_mfn(c[idx]);
}
