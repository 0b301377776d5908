/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests: arch/x86/pv/layout.c's domU layout against Xen's toolstack. */
#include <errno.h>
#include <stdint.h>
#include <xen/pv_layout.h>
#include "check.h"

/*
 * mini-os's and libhvxc's builders lay domUs out with PV_LAYOUT_RINGS;
 * Xen 4.17's toolstack (libxenguest's x86 PV builder) is the reference.
 * Its rule, written out here independently of layout.c: segments are
 * allocated upwards from VIRT_BASE (kernel, ramdisk, p2m list,
 * start_info, xenstore, console), then the page tables, sized by trying
 * a region that ends at the last byte of the 4 MiB block holding "what
 * is allocated + the tables guessed so far + a stack page + 512 KiB"
 * until the tables counted for that region fit in it, then the stack.
 * A region reaching past the domain's last page is refused.
 */

#define PG          4096ULL
#define MIB         (1ULL << 20)
#define GIB         (1ULL << 30)
#define KBASE       0xffffffff80000000ULL

struct tool_region {
    bool too_small;
    uint64_t ramdisk, p2m, start_info, store, console, pt, nr_pt, stack;
    uint64_t v_end;
};

static uint64_t up(uint64_t x)
{
    return (x + PG - 1) & ~(PG - 1);
}

/* Tables for [from, to] (inclusive): one L4, then per level the slots. */
static uint64_t tool_tables(uint64_t from, uint64_t to)
{
    uint64_t n = 1;

    for ( unsigned int bits = 39; bits >= 21; bits -= 9 )
    {
        uint64_t mask = (1ULL << bits) - 1;

        n += (((to | mask) - (from & ~mask)) >> bits) + 1;
    }
    return n;
}

static struct tool_region tool_rules(uint64_t vb, uint64_t kend,
                                     uint64_t ramdisk_len, uint64_t nr_pages)
{
    struct tool_region t = { 0 };
    uint64_t alloc = up(kend), extra = 1 + (512 << 10) / PG, pages = extra;
    uint64_t end;

    t.ramdisk = alloc;
    alloc += up(ramdisk_len);
    t.p2m = alloc;
    alloc += up(nr_pages * 8);
    t.start_info = alloc;
    t.store = alloc + PG;
    t.console = alloc + 2 * PG;
    t.pt = alloc + 3 * PG;
    alloc = t.pt;
    for ( ; ; )
    {
        end = (alloc + pages * PG) | (4 * MIB - 1);
        if ( (end - vb) / PG >= nr_pages )
            t.too_small = true;
        t.nr_pt = tool_tables(vb, end);
        pages = t.nr_pt + extra;
        if ( alloc + pages * PG <= end + 1 )
            break;
    }
    t.stack = t.pt + t.nr_pt * PG;
    t.v_end = end + 1;
    return t;
}

static void compare_domu(uint64_t vb, uint64_t kend, uint64_t ramdisk_len,
                         uint64_t nr_pages)
{
    struct tool_region t = tool_rules(vb, kend, ramdisk_len, nr_pages);
    struct pv_layout l;

    CHECK_EQ(pv_layout_compute(&l, vb, kend, ramdisk_len, nr_pages,
                               PV_LAYOUT_LEVELS_64, PV_LAYOUT_RINGS), 0);
    CHECK_EQ(l.v_start, vb);
    CHECK_EQ(l.mod_start, t.ramdisk);
    CHECK_EQ(l.mod_pfn, (t.ramdisk - vb) / PG);
    CHECK_EQ(l.p2m_start, t.p2m);
    CHECK_EQ(l.start_info, t.start_info);
    CHECK_EQ(l.store, t.store);
    CHECK_EQ(l.console, t.console);
    CHECK_EQ(l.pt_start, t.pt);
    CHECK_EQ(l.nr_pt_frames, t.nr_pt);
    CHECK_EQ(l.stack, t.stack);
    CHECK_EQ(l.v_end, t.v_end);
    CHECK_EQ(l.min_pages > nr_pages, t.too_small);
    if ( check_why[0] )
        printf("INFO: virt_base %#llx kernel end %#llx ramdisk %llu "
               "nr_pages %llu\n", (unsigned long long)vb,
               (unsigned long long)kend, (unsigned long long)ramdisk_len,
               (unsigned long long)nr_pages);
}

void pv_layout_cases(void);
void pv_layout_cases(void)
{
    /* Bases 4 MiB aligned or not, below and across 1 GiB and 512 GiB. */
    static const uint64_t bases[] = {
        0, 2 * MIB, 4 * MIB + 3 * PG, GIB - 2 * MIB, GIB - 4 * PG,
        512 * GIB - 4 * MIB, KBASE, KBASE + 2 * MIB,
    };
    /*
     * Kernel sizes: a page, mini-os's, sizes whose tables, stack and
     * padding end just below, at and just past a 4 MiB boundary, and a
     * Linux-sized one.
     */
    static const uint64_t sizes[] = {
        1, PG, 0x2654f4, 4 * MIB - 140 * PG, 4 * MIB - 137 * PG,
        4 * MIB - 136 * PG, 4 * MIB - 135 * PG, 4 * MIB - 134 * PG,
        8 * MIB - 137 * PG + 1, 40 * MIB + 0x123,
    };
    static const uint64_t ramdisks[] = { 0, 1, PG, 3 * MIB + 77 };
    static const uint64_t nr_pages[] = { 1, 1024, 1025, 4096, 262144 };

    CASE("pv-layout/domu-as-xen-toolstack")
    {
        for ( unsigned int b = 0; b < ARRAY_SIZE(bases); b++ )
            for ( unsigned int s = 0; s < ARRAY_SIZE(sizes); s++ )
                for ( unsigned int r = 0; r < ARRAY_SIZE(ramdisks); r++ )
                    for ( unsigned int n = 0; n < ARRAY_SIZE(nr_pages); n++ )
                        if ( !check_why[0] )
                            compare_domu(bases[b], bases[b] + sizes[s],
                                         ramdisks[r], nr_pages[n]);
    }
    /* Every kernel size in pages from 1 to 2100 under mini-os's base. */
    CASE("pv-layout/domu-every-kernel-size")
    {
        for ( uint64_t pages = 1; pages <= 2100 && !check_why[0]; pages++ )
            compare_domu(KBASE, KBASE + pages * PG - 7, 0, 4096);
    }
    CASE("pv-layout/refusals")
    {
        struct pv_layout l;

        /* A region that would pass 2^64, or 4 GiB with 3 levels. */
        CHECK_EQ(pv_layout_compute(&l, -4 * MIB, -MIB, 0, 1024,
                                   PV_LAYOUT_LEVELS_64, 0), -EOVERFLOW);
        CHECK_EQ(pv_layout_compute(&l, 0, 0, 0, 1ULL << 62,
                                   PV_LAYOUT_LEVELS_64, 0), -EOVERFLOW);
        CHECK_EQ(pv_layout_compute(&l, 4 * GIB - 8 * MIB, 4 * GIB - 3 * MIB,
                                   0, 1024, PV_LAYOUT_LEVELS_PAE, 0),
                 -EOVERFLOW);
        CHECK_EQ(pv_layout_compute(&l, PG / 2, PG, 0, 1024,
                                   PV_LAYOUT_LEVELS_64, 0), -EINVAL);
        CHECK_EQ(pv_layout_compute(&l, 2 * MIB, MIB, 0, 1024,
                                   PV_LAYOUT_LEVELS_64, 0), -EINVAL);
        CHECK_EQ(pv_layout_compute(&l, 0, MIB, 0, 1024, 2, 0), -EINVAL);
    }
    /*
     * 3 levels (for the 32-bit PAE builder): 4-byte p2m entries, one L3,
     * always four L2s (the one under slot 3 holds the hypervisor's part,
     * docs/misc/compat32.md), then L1s, the same region rule below 4 GiB.
     */
    CASE("pv-layout/three-levels")
    {
        struct pv_layout l;

        CHECK_EQ(pv_layout_compute(&l, 0xc0000000ULL, 0xc0000000ULL + MIB,
                                   0, 1025, PV_LAYOUT_LEVELS_PAE,
                                   PV_LAYOUT_RINGS), 0);
        CHECK_EQ(l.p2m_start, 0xc0000000ULL + MIB);
        CHECK_EQ(l.p2m_end, l.p2m_start + 1025 * 4);
        CHECK_EQ(l.start_info, l.p2m_start + 2 * PG);
        CHECK_EQ(l.nr_pt_frames, 1 + 4 + 2);
        CHECK_EQ(l.v_end, 0xc0000000ULL + 4 * MIB);
        CHECK_EQ(l.min_pages, 1024);
        /* Across a 1 GiB boundary: still four L2s. */
        CHECK_EQ(pv_layout_compute(&l, GIB - 2 * MIB, GIB - 64 * PG, 0,
                                   1024, PV_LAYOUT_LEVELS_PAE, 0), 0);
        CHECK_EQ(l.v_end, GIB + 4 * MIB);
        CHECK_EQ(l.nr_pt_frames, 1 + 4 + 3);
    }
}
