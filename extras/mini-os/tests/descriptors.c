/* SPDX-License-Identifier: GPL-2.0-only */
/* update_descriptor's rules at both widths (a 32-bit kernel is ring 1). */

#include "test.h"
#include <hypercall.h>
#include <mm.h>

#ifdef __i386__
#define KERNEL_RPL 1ULL
#else
#define KERNEL_RPL 3ULL
#endif

#define DPL(d)  (((d) >> 45) & 3)

/* Writes d as descriptor i of page (machine address ma); the call's rc. */
static long put(uint64_t ma, unsigned int i, uint64_t d)
{
    return HYPERVISOR_update_descriptor(ma + 8 * i, d);
}

/*
 * Code and data: DPL 0 is raised to the kernel's ring (1 at 32 bits, 3 at
 * 64); a 64-bit code segment only for a 64-bit guest; system descriptors
 * other than call gates refused.  At 32 bits a flat segment that ends in
 * the hypervisor's hole is made to reach 4 GiB, as Xen does.
 */
TEST(descriptors, segments)
{
    uint64_t *page = alloc_page();
    uint64_t ma, d;

    CHECK(page, "no page");
    memset(page, 0, PAGE_SIZE);
    ma = virt_to_mach(page);
    /* Data, DPL 0, flat 4 GiB. */
    CHECK_RC(put(ma, 0, 0x00cf93000000ffffULL), 0);
    CHECK(page[0] == (0x00cf93000000ffffULL | KERNEL_RPL << 45),
          "DPL 0 data became %" PRI64 "x", page[0]);
    /* 64-bit code, DPL 3. */
    CHECK_RC(put(ma, 1, 0x00affa000000ffffULL),
             KERNEL_RPL == 1 ? -XEN_EINVAL : 0);
    /* A TSS, an LDT, an interrupt gate: never. */
    CHECK_RC(put(ma, 2, 0x0000890000000067ULL), -XEN_EINVAL);
    CHECK_RC(put(ma, 2, 0x0000820000000fffULL), -XEN_EINVAL);
    CHECK_RC(put(ma, 2, 0x0000ee0000100000ULL), -XEN_EINVAL);
    /* Data, DPL 1, base 0, G, limit 0xf67ff: ends at 0xf6800000. */
    d = 0x00cfb300000067ffULL;
    CHECK_RC(put(ma, 3, d), 0);
    if ( KERNEL_RPL == 1 )
        CHECK(page[3] == (d | 0xffffULL),
              "segment ending in the hole became %" PRI64 "x", page[3]);
    else
        CHECK(page[3] == (d | 3ULL << 45), "became %" PRI64 "x", page[3]);
    /* Ending exactly where the hole starts (0xf5800000): kept. */
    d = 0x00cfb300000057ffULL;
    CHECK_RC(put(ma, 4, d), 0);
    CHECK(page[4] == (d | KERNEL_RPL << 45), "became %" PRI64 "x", page[4]);
    /* A base: kept, whatever the limit. */
    d = 0x00cfb3001000ffffULL;
    CHECK_RC(put(ma, 5, d), 0);
    CHECK(page[5] == (d | KERNEL_RPL << 45), "became %" PRI64 "x", page[5]);
    free_page(page);
}

/*
 * Call gates: stored with DPL 0 (each use faults), the DPL asked for
 * (raised to the kernel's ring) in the target selector's RPL.  A 32-bit
 * guest's are 32-bit gates: a parameter count, three reserved bits above
 * it; a 64-bit guest's parameter-count byte must be clear.  The target is
 * a guest or LDT selector, or the hypervisor's flat kernel code: ring 1's
 * at 32 bits, never ring 1's at 64.
 */
TEST(descriptors, call_gates)
{
    uint64_t *page = alloc_page();
    uint64_t ma;

    CHECK(page, "no page");
    memset(page, 0, PAGE_SIZE);
    ma = virt_to_mach(page);
    /* To GDT entry 2, DPL 3, offset 0x12345678, no parameters. */
    CHECK_RC(put(ma, 0, 0x1234ec0000105678ULL), 0);
    CHECK(page[0] == 0x12348c0000135678ULL, "DPL 3 gate became %" PRI64 "x",
          page[0]);
    /* DPL 0: raised first. */
    CHECK_RC(put(ma, 1, 0x00008c0000100000ULL), 0);
    CHECK(page[1] == (0x00008c0000100000ULL | KERNEL_RPL << 16),
          "DPL 0 gate became %" PRI64 "x", page[1]);
    /* Two parameters. */
    CHECK_RC(put(ma, 2, 0x1234ec0200105678ULL),
             KERNEL_RPL == 1 ? 0 : -XEN_EINVAL);
    if ( KERNEL_RPL == 1 )
        CHECK(page[2] == 0x12348c0200135678ULL, "became %" PRI64 "x",
              page[2]);
    /* Reserved bits above the count. */
    CHECK_RC(put(ma, 3, 0x1234ec2000105678ULL), -XEN_EINVAL);
    /* The hypervisor's own code, and its ring-1 flat code. */
    CHECK_RC(put(ma, 3, 0x0000ec00e0080000ULL), -XEN_EINVAL);
    CHECK_RC(put(ma, 3, 0x0000ac00e0190000ULL),
             KERNEL_RPL == 1 ? 0 : -XEN_EINVAL);
    if ( KERNEL_RPL == 1 )
        CHECK(page[3] == 0x00008c00e0190000ULL, "became %" PRI64 "x",
              page[3]);
    /* An LDT selector. */
    CHECK_RC(put(ma, 4, 0x0000ec00000c0000ULL), 0);
    CHECK(DPL(page[4]) == 0 && (page[4] >> 16 & 0xffff) == 0x000f,
          "LDT gate became %" PRI64 "x", page[4]);
    free_page(page);
}

/*
 * Where it may write: 8-byte aligned, in a frame of ours that is not a
 * page table; the machine address's upper half counts (two halves at 32
 * bits: one past 4 GiB names no frame of ours).
 */
TEST(descriptors, bad_addresses)
{
    uint64_t *page = alloc_page();
    uint64_t ma, l4 = virt_to_mach((void *)start_info->pt_base);

    CHECK(page, "no page");
    memset(page, 0, PAGE_SIZE);
    ma = virt_to_mach(page);
    CHECK_RC(put(ma + 4, 0, 0), -XEN_EINVAL);
    CHECK_RC(put(ma + (1ULL << 44), 0, 0x00cff3000000ffffULL), -XEN_EINVAL);
    CHECK_RC(put(l4, 0, 0), -XEN_EINVAL);
    CHECK(page[0] == 0, "entry %" PRI64 "x", page[0]);
    /* The descriptor's upper half counts too. */
    CHECK_RC(put(ma, 0, 0x00cff3000000ffffULL), 0);
    CHECK(page[0] == 0x00cff3000000ffffULL, "entry %" PRI64 "x", page[0]);
    free_page(page);
}
