/* SPDX-License-Identifier: GPL-2.0-only */
/* lowpv: checks the start of day Xen gives a PV kernel linked at 1 MiB. */
#include <stdint.h>
/* Today's hypercall numbers (sched_op 29, not the 3.0 one). */
#define __XEN_INTERFACE_VERSION__ 0x00040e00
#include <public/xen.h>
#include <public/sched.h>

#define REPORT_PREFIX "lowpv: "
#include "../report.h"

/*
 * With no VIRT_BASE note the virtual base is 0: pfn = va >> 12 for every
 * address of the bootstrap region, which Xen maps from va 0 (below the
 * kernel too).  Everything here computes frames that way, as a kernel
 * built like this would, and compares the region with Xen's rules:
 * kernel, p2m list, start_info, page tables, one stack page, then at
 * least 512 KiB up to a 4 MiB boundary, all of it mapped.
 */
#define PAGE            4096UL
#define PTE_ADDR        0x000ffffffffff000UL
#define M2P             ((const uint64_t *)MACH2PHYS_VIRT_START)

extern char _end[];

static const struct start_info *si;
/* set_gdt's page: the kernel's own frame, mapped read-only first. */
static uint64_t gdt[PAGE / 8] __attribute__((aligned(4096)));

/* A hypercall made as the hypercall page's stubs make it. */
static long hcall(long nr, long a1, long a2, long a3)
{
    long ret;

    asm volatile ( "syscall"
                   : "=a" (ret), "+D" (a1), "+S" (a2), "+d" (a3)
                   : "0" (nr)
                   : "rcx", "r8", "r9", "r10", "r11", "memory" );
    return ret;
}

static void out(const char *s, unsigned long len)
{
    hcall(__HYPERVISOR_console_io, CONSOLEIO_write, len, (long)s);
}

void lowpv_main(const struct start_info *start);

static uint64_t round_up(uint64_t x, uint64_t a)
{
    return (x + a - 1) & ~(a - 1);
}

/* Xen's rules for the region's end and table count, given pt_base. */
static uint64_t xen_v_end(uint64_t nr_pt)
{
    uint64_t stack_end = si->pt_base + (nr_pt + 1) * PAGE;
    uint64_t end = round_up(stack_end, 4UL << 20);

    return end - stack_end < (512UL << 10) ? end + (4UL << 20) : end;
}

static uint64_t tables_for(uint64_t end)
{
    /* One L4, then the L3s, L2s and L1s covering [0, end). */
    return 1 + round_up(end, 1UL << 39) / (1UL << 39) +
           round_up(end, 1UL << 30) / (1UL << 30) +
           round_up(end, 1UL << 21) / (1UL << 21);
}

/* The va a page-table entry's frame has (m2p, then pfn << 12), if a table. */
static const uint64_t *table_at(uint64_t pte)
{
    uint64_t va = M2P[(pte & PTE_ADDR) >> 12] << 12;

    if ( va < si->pt_base || va >= si->pt_base + si->nr_pt_frames * PAGE )
    {
        CHECK(0, "table frame outside pt_base's frames: mfn, its va",
              (pte & PTE_ADDR) >> 12, va);
        return 0;
    }
    return (const uint64_t *)va;
}

/* va's L1 entry through the boot tables (0 if not mapped), counting them. */
static uint64_t l1e_of(uint64_t va)
{
    const uint64_t *t = (const uint64_t *)si->pt_base;

    for ( int shift = 39; shift > 12; shift -= 9 )
    {
        uint64_t e = t[(va >> shift) & 511];

        if ( !(e & 1) || !(t = table_at(e)) )
            return 0;
    }
    return t[(va >> 12) & 511];
}

/* Present entries of the guest half, level by level: the tables in use. */
static uint64_t count_tables(const uint64_t *t, int level)
{
    uint64_t n = 1;

    for ( unsigned int i = 0; level > 1 && i < (level == 4 ? 256 : 512); i++ )
    {
        const uint64_t *next;

        if ( (t[i] & 1) && (next = table_at(t[i])) )
            n += count_tables(next, level - 1);
    }
    return n;
}

#ifdef BSD_SYMTAB
static int streq(const char *a, const char *b)
{
    for ( ; *a && *a == *b; a++ )
        b++;
    return *a == *b;
}

/*
 * Built with a BSD_SYMTAB note, the symbol table follows the image (Xen's
 * layout, xen/include/xen/libelf.h): returns where it ends after checking
 * its headers and looking lowpv_main up in it.
 */
static uint64_t check_symtab(void)
{
    const uint8_t *at = (const uint8_t *)_end;     /* 8-byte aligned */
    const uint8_t *ehdr = at + 4;
    const uint64_t *sh1 = (const uint64_t *)(ehdr + 64 + 64);
    const uint64_t *sh2 = sh1 + 8;
    uint32_t size = *(const uint32_t *)at;
    const uint8_t *sym, *str;
    uint64_t found = 0;

    /* e_shoff 64, e_ehsize 64, e_phnum 0, e_shentsize 64, e_shnum 3. */
    CHECK(*(const uint64_t *)(ehdr + 40) == 64 &&
          *(const uint16_t *)(ehdr + 52) == 64 &&
          *(const uint16_t *)(ehdr + 56) == 0 &&
          *(const uint16_t *)(ehdr + 58) == 64 &&
          *(const uint16_t *)(ehdr + 60) == 3, "symtab's ELF header");
    /* Types SYMTAB linked to 2, and STRTAB; 8-aligned, in this order. */
    CHECK((sh1[0] >> 32) == 2 && (uint32_t)sh1[5] == 2 &&
          (sh2[0] >> 32) == 3, "symtab's section headers");
    CHECK(sh1[3] == round_up(4 + 64 + 3 * 64, 8) - 4 &&
          sh2[3] == round_up(4 + sh1[3] + sh1[4], 8) - 4 &&
          size == sh2[3] + sh2[4], "symtab's offsets and size", sh1[3],
          sh2[3], size);
    sym = ehdr + sh1[3];
    str = ehdr + sh2[3];
    for ( uint64_t off = 0; off + 24 <= sh1[4]; off += 24 )
        if ( streq((const char *)str + *(const uint32_t *)(sym + off),
                   "lowpv_main") )
            found = *(const uint64_t *)(sym + off + 8);
    CHECK(found == (uint64_t)lowpv_main, "lowpv_main in the symtab", found);
    return round_up((uint64_t)ehdr + size, 8);
}
#endif

static void check_layout(void)
{
    const uint64_t *p2m = (const uint64_t *)si->mfn_list;
    uint64_t end = (uint64_t)_end, pt_end, nr_pt, v_end, va;

    say("start_info, pt_base, nr_pt_frames, mfn_list, nr_pages", 5,
        (const uint64_t[]){ (uint64_t)si, si->pt_base, si->nr_pt_frames,
                            si->mfn_list, si->nr_pages });
    CHECK(!__builtin_memcmp(si->magic, "xen-3.0-x86_64", 15), "magic");
#ifdef BSD_SYMTAB
    end = round_up(check_symtab(), PAGE);
#endif
    /* The image ends on a page boundary: the p2m list starts right there. */
    CHECK(si->mfn_list == end, "mfn_list not at the kernel's end",
          si->mfn_list, end);
    CHECK((uint64_t)si == round_up(si->mfn_list + si->nr_pages * 8, PAGE),
          "start_info not after the p2m list", (uint64_t)si);
    CHECK(si->pt_base == (uint64_t)si + PAGE, "pt_base not after start_info",
          si->pt_base);
    for ( nr_pt = 2; tables_for(xen_v_end(nr_pt)) > nr_pt; nr_pt++ )
        continue;
    CHECK(si->nr_pt_frames == nr_pt, "nr_pt_frames, Xen's", si->nr_pt_frames,
          nr_pt);
    v_end = xen_v_end(si->nr_pt_frames);
    pt_end = si->pt_base + si->nr_pt_frames * PAGE;

    for ( uint64_t pfn = 0; pfn < si->nr_pages; pfn++ )
        if ( M2P[p2m[pfn]] != pfn )
        {
            CHECK(0, "m2p[p2m[pfn]] != pfn: pfn, mfn, m2p", pfn, p2m[pfn],
                  M2P[p2m[pfn]]);
            break;
        }
    CHECK(M2P[p2m[si->pt_base >> 12]] == si->pt_base >> 12, "pt_base's pfn");
    CHECK(count_tables((const uint64_t *)si->pt_base, 4) ==
          tables_for(v_end), "tables in use, Xen's",
          count_tables((const uint64_t *)si->pt_base, 4), tables_for(v_end));

    /* [0, v_end) is mapped page by page, pfn = va >> 12; nothing after. */
    for ( va = 0; va < v_end; va += PAGE )
    {
        uint64_t e = l1e_of(va);
        /* Only the tables are read-only (and the GDT, made so above). */
        int rw = !(va >= si->pt_base && va < pt_end) && va != (uint64_t)gdt;

        if ( !(e & 1) || ((e & PTE_ADDR) >> 12) != p2m[va >> 12] ||
             !!(e & 2) != rw )
        {
            CHECK(0, "mapping: va, l1e, p2m[va >> 12]", va, e, p2m[va >> 12]);
            return;
        }
    }
    CHECK(!(l1e_of(v_end) & 1), "mapped past the region's end", v_end);
}

static void check_shared_info(void)
{
    /* The region's last page is spare (512 KiB at least): map it there. */
    uint64_t va = xen_v_end(si->nr_pt_frames) - PAGE;
    long rc = hcall(__HYPERVISOR_update_va_mapping, va,
                    si->shared_info | 0x63, UVMF_INVLPG);

    CHECK(!(si->shared_info & (PAGE - 1)), "shared_info unaligned",
          si->shared_info);
    CHECK(!rc, "mapping shared_info", (uint64_t)rc);
    /* Every vCPU starts with events masked. */
    if ( !rc )
        CHECK(((const volatile uint8_t *)va)[1] == 1,
              "vcpu 0's upcall mask");
    if ( si->store_mfn )
        CHECK(M2P[si->store_mfn] < si->nr_pages, "store_mfn", si->store_mfn);
}

static void check_set_gdt(void)
{
    uint64_t va = (uint64_t)gdt;
    unsigned long frame = ((const uint64_t *)si->mfn_list)[va >> 12];
    long rc;

    /* A descriptor page may have no writable mapping. */
    rc = hcall(__HYPERVISOR_update_va_mapping, va, (frame << 12) | 0x21,
               UVMF_INVLPG);
    CHECK(!rc, "making the GDT page read-only", (uint64_t)rc);
    rc = hcall(__HYPERVISOR_set_gdt, (long)&frame, 16, 0);
    CHECK(!rc, "set_gdt", (uint64_t)rc, frame);
}

void lowpv_main(const struct start_info *start)
{
    struct sched_shutdown down = { .reason = SHUTDOWN_poweroff };

    si = start;
    check_set_gdt();
    check_layout();
    check_shared_info();
    if ( failures )
        say("FAILED", 1, (const uint64_t[]){ failures });
    else
        say("PASS", 0, 0);
    hcall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (long)&down, 0);
    for ( ;; )
        continue;
}
