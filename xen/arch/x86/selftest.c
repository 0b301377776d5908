/* SPDX-License-Identifier: GPL-2.0-only */
/* Boot-time checks of mechanisms no host test can reach (debug builds). */
#include <xen/lib.h>
#include <xen/string.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/selftest.h>
#include <asm/uaccess.h>

/*
 * Guest-memory copies: a mapped range copies, an unmapped one faults and
 * is reported instead of crashing us, and our own range is refused before
 * anything is touched.  The idle page tables identity-map low memory, which
 * stands in for a guest mapping here.
 */
extern pte_t idle_pg_table[512];

/*
 * Where the identity map of low memory (slot 0, which shares its tables
 * with the direct map) first stops, at or above 4 GiB: RAM beyond 4 GiB
 * extends it.
 */
static unsigned long __init identity_map_end(void)
{
    const pte_t *l3 = maddr_to_virt(idle_pg_table[0] & PTE_ADDR_MASK);
    unsigned long va = 4UL << 30;

    while ( va < (1UL << 39) )
    {
        const pte_t *l2, *l1;
        pte_t e2;

        if ( !(l3[l3_table_offset(va)] & _PAGE_PRESENT) )
            break;
        l2 = maddr_to_virt(l3[l3_table_offset(va)] & PTE_ADDR_MASK);
        e2 = l2[l2_table_offset(va)];
        if ( !(e2 & _PAGE_PRESENT) )
            break;
        if ( e2 & _PAGE_PSE )
        {
            va += L2_PAGE_SIZE;
            continue;
        }
        l1 = maddr_to_virt(e2 & PTE_ADDR_MASK);
        if ( !(l1[l1_table_offset(va)] & _PAGE_PRESENT) )
            break;
        va += PAGE_SIZE;
    }
    return va;
}

static void __init selftest_guest_copy(void)
{
    static char src[64] = "guest copy self-test", dst[64];
    unsigned long end = identity_map_end();
    void *low_alias = (void *)virt_to_maddr(src);
    void *unmapped = (void *)0x0000700000000000UL;

    if ( copy_from_guest_bytes(dst, low_alias, sizeof(dst)) ||
         memcmp(dst, src, sizeof(dst)) )
        panic("self-test: copy from a mapped guest range failed");
    if ( copy_to_guest_bytes(low_alias, "x", 2) || strcmp(src, "x") )
        panic("self-test: copy to a mapped guest range failed");
    if ( copy_from_guest_bytes(dst, unmapped, 16) != 16 )
        panic("self-test: copy from an unmapped range did not fail");
    if ( copy_to_guest_bytes(src, dst, 1) != 1 )
        panic("self-test: copy into the hypervisor's range was allowed");
    if ( copy_from_guest_bytes(dst, (void *)0x00007ffffffffff8UL, 16) != 16 )
        panic("self-test: a range crossing the canonical hole was allowed");
    /*
     * A copy running off the end of the low identity map stops there and
     * reports exactly what is left.
     */
    if ( copy_from_guest_bytes(dst, (void *)(end - 12), 16) != 8 ||
         copy_from_guest_bytes(dst, (void *)(end - 3), 3) != 0 ||
         copy_from_guest_bytes(dst, (void *)(end - 3), 5) != 2 )
        panic("self-test: a partly mapped copy misreported what was left");
}

/* The type byte (present, DPL, kind) of a selector's descriptor, or 0. */
static unsigned int __init desc_type(uint16_t sel)
{
    uint32_t ar = 0;
    bool ok;

    __asm__ __volatile__("lar %k2, %0; setz %1"
                         : "=r"(ar), "=qm"(ok)
                         : "r"((uint32_t)sel));
    return ok ? (ar >> 8) & 0xff : 0;
}

/*
 * Both GDT pages: the compat one has the 32-bit PV ABI's ring-1 and
 * ring-3 flat segments where the native one has 64-bit guests' ring-3
 * ones, and the hypervisor's entries in the same places.
 */
static void __init selftest_gdt_kinds(void)
{
    static const struct {
        uint16_t sel;
        uint8_t native, compat;
    } want[] = {
        { __HYPERVISOR_CS, 0x9b, 0x9b },
        { __HYPERVISOR_DS, 0x93, 0x93 },
        { 0xe018, 0, 0xbb },
        { 0xe020, 0xfb, 0xb3 },
        { 0xe028, 0xf3, 0xfb },
        { 0xe030, 0xfb, 0xf3 },
        { __HYPERVISOR_CS32, 0x9b, 0x9b },
    };

    for ( unsigned int kind = 0; kind < 2; kind++ )
    {
        load_gdt_kind(kind);
        for ( unsigned int i = 0; i < ARRAY_SIZE(want); i++ )
            if ( desc_type(want[i].sel) !=
                 (kind ? want[i].compat : want[i].native) )
                panic("self-test: %s GDT page: selector %04x has type %02x",
                      kind ? "compat" : "native", want[i].sel,
                      desc_type(want[i].sel));
    }
    load_gdt_kind(false);
}

void __init run_selftests(void)
{
    selftest_guest_copy();
    selftest_gdt_kinds();
    printk("Self-tests passed\n");
}
