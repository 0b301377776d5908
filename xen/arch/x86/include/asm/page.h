/* SPDX-License-Identifier: GPL-2.0-only */
/* Page sizes, page-table entry bits and direct-map address conversion. */
#ifndef ASM_X86_PAGE_H
#define ASM_X86_PAGE_H

#include <asm/config.h>

#define PAGE_SHIFT    12
#define PAGE_SIZE     (_AC(1, UL) << PAGE_SHIFT)
#define PAGE_MASK     (~(PAGE_SIZE - 1))
#define L2_PAGE_SHIFT 21
#define L2_PAGE_SIZE  (_AC(1, UL) << L2_PAGE_SHIFT)
#define L3_PAGE_SHIFT 30
#define L3_PAGE_SIZE  (_AC(1, UL) << L3_PAGE_SHIFT)
#define PADDR_BITS    52
#define PADDR_MASK    ((_AC(1, UL) << PADDR_BITS) - 1)

#define _PAGE_PRESENT  _AC(0x001, UL)
#define _PAGE_RW       _AC(0x002, UL)
#define _PAGE_USER     _AC(0x004, UL)
#define _PAGE_PWT      _AC(0x008, UL)
#define _PAGE_PCD      _AC(0x010, UL)
#define _PAGE_ACCESSED _AC(0x020, UL)
#define _PAGE_DIRTY    _AC(0x040, UL)
#define _PAGE_PSE      _AC(0x080, UL)
#define _PAGE_GLOBAL   _AC(0x100, UL)
#define _PAGE_NX       (_AC(1, UL) << 63)

#define PTE_ADDR_MASK (PADDR_MASK & PAGE_MASK)

#define l4_table_offset(va) (((va) >> 39) & 511)
#define l3_table_offset(va) (((va) >> 30) & 511)
#define l2_table_offset(va) (((va) >> 21) & 511)
#define l1_table_offset(va) (((va) >> 12) & 511)

#ifndef __ASSEMBLY__
#include <xen/types.h>

typedef uint64_t pte_t;

/* RAM is reachable through the direct map once setup_directmap() ran. */
static inline void *maddr_to_virt(paddr_t ma)
{
    return (void *)(DIRECTMAP_VIRT_START + ma);
}

static inline paddr_t virt_to_maddr(const void *va)
{
    unsigned long v = (unsigned long)va;

    /* The image is also reachable at its link address. */
    if ( v >= XEN_VIRT_START && v < XEN_VIRT_END )
        return v - XEN_VIRT_START;
    return v - DIRECTMAP_VIRT_START;
}

#define __va(ma) maddr_to_virt(ma)
#define __pa(va) virt_to_maddr(va)

static inline void *mfn_to_virt(mfn_t mfn)
{
    return maddr_to_virt((paddr_t)mfn_x(mfn) << PAGE_SHIFT);
}

static inline mfn_t virt_to_mfn(const void *va)
{
    return _mfn(virt_to_maddr(va) >> PAGE_SHIFT);
}

static inline paddr_t mfn_to_maddr(mfn_t mfn)
{
    return (paddr_t)mfn_x(mfn) << PAGE_SHIFT;
}

static inline mfn_t maddr_to_mfn(paddr_t ma)
{
    return _mfn(ma >> PAGE_SHIFT);
}
#endif

#endif /* ASM_X86_PAGE_H */
