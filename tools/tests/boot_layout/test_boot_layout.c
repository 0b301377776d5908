/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests: the PV start-of-day layout, note by note, against Xen's. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <xen/elf.h>
#include <xen/libelf.h>
#include <asm/page.h>
#include <asm/pv/boot_layout.h>
#include <public/elfnote.h>
#include <public/xen.h>
#include "check.h"

/*
 * Each case builds a kernel image with some combination of notes, lays it
 * out with elf.c and boot_layout.c, and compares everything a guest sees
 * (the start_info fields, where the page tables are and in what order,
 * which frame backs each page) with a model of Xen 4.17: libelf's
 * defaults for missing notes and its dom0 builder's region.
 */

#define NR_FRAMES   (1UL << 16)
#define UNSET       (~0ULL)
#define SET(v)      ((struct opt){ true, (v) })
#define KBASE       0xffffffff80000000ULL

/* ---- Images ---- */

/* A numeric note: absent unless set. */
struct opt {
    bool set;
    uint64_t v;
};

struct kernel {
    uint64_t paddr, vaddr, memsz, entry;
    struct opt virt_base, paddr_offset, hypercall_page, mod_start_pfn;
    const char *loader, *guest_os;  /* NULL when absent */
    const char *bsd_symtab;         /* the BSD_SYMTAB note, NULL: none */
    bool symtab;                    /* has .symtab and .strtab sections */
};

/* The symbol and string tables of images with sections, at fixed offsets. */
#define SYMTAB_AT   0x400
#define STRTAB_AT   0x440
#define SHDRS_AT    0x600
static const char strtab[] = "\0start\0lowpv\0";
static const uint8_t symtab[48] = { [24] = 1, [32] = 0x10 };

static uint8_t image[0x2000];

static size_t put_note(size_t at, uint32_t type, const void *desc,
                       uint32_t len)
{
    uint32_t hdr[3] = { 4, len, type };

    memcpy(image + at, hdr, sizeof(hdr));
    memcpy(image + at + 12, "Xen", 4);
    memcpy(image + at + 16, desc, len);
    return at + 16 + ((len + 3) & ~3u);
}

static size_t put_num(size_t at, uint32_t type, struct opt o)
{
    return o.set ? put_note(at, type, &o.v, 8) : at;
}

static size_t put_str(size_t at, uint32_t type, const char *s)
{
    return s ? put_note(at, type, s, strlen(s) + 1) : at;
}

/* One 4 KiB-in-the-file PT_LOAD of memsz bytes, and a PT_NOTE. */
static size_t build(const struct kernel *k)
{
    Elf64_Ehdr eh = {
        .e_ident = { 0x7f, 'E', 'L', 'F', ELFCLASS64, ELFDATA2LSB,
                     EV_CURRENT },
        .e_type = ET_EXEC, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
        .e_entry = k->entry, .e_phoff = sizeof(Elf64_Ehdr),
        .e_ehsize = sizeof(Elf64_Ehdr), .e_phentsize = sizeof(Elf64_Phdr),
        .e_phnum = 2,
    };
    size_t notes = sizeof(eh) + 2 * sizeof(Elf64_Phdr), end = notes;
    Elf64_Phdr ph[2] = {
        { .p_type = PT_LOAD, .p_flags = 7, .p_offset = 0x1000,
          .p_vaddr = k->vaddr, .p_paddr = k->paddr, .p_filesz = 0x1000,
          .p_memsz = k->memsz, .p_align = 0x1000 },
        { .p_type = PT_NOTE, .p_flags = 4, .p_offset = notes, .p_align = 4 },
    };

    memset(image, 0, sizeof(image));
    end = put_str(end, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    end = put_str(end, XEN_ELFNOTE_GUEST_OS, k->guest_os);
    end = put_str(end, XEN_ELFNOTE_LOADER, k->loader);
    end = put_num(end, XEN_ELFNOTE_VIRT_BASE, k->virt_base);
    end = put_num(end, XEN_ELFNOTE_PADDR_OFFSET, k->paddr_offset);
    end = put_num(end, XEN_ELFNOTE_HYPERCALL_PAGE, k->hypercall_page);
    end = put_num(end, XEN_ELFNOTE_MOD_START_PFN, k->mod_start_pfn);
    end = put_str(end, XEN_ELFNOTE_BSD_SYMTAB, k->bsd_symtab);
    BUG_ON(end > SYMTAB_AT);
    ph[1].p_filesz = ph[1].p_memsz = end - notes;
    if ( k->symtab )
    {
        Elf64_Shdr sh[3] = {
            [1] = { .sh_name = 1, .sh_type = SHT_SYMTAB, .sh_link = 2,
                    .sh_offset = SYMTAB_AT, .sh_size = sizeof(symtab),
                    .sh_entsize = 24, .sh_addralign = 8, .sh_info = 1 },
            [2] = { .sh_name = 7, .sh_type = SHT_STRTAB,
                    .sh_offset = STRTAB_AT, .sh_size = sizeof(strtab),
                    .sh_addralign = 1 },
        };

        memcpy(image + SYMTAB_AT, symtab, sizeof(symtab));
        memcpy(image + STRTAB_AT, strtab, sizeof(strtab));
        memcpy(image + SHDRS_AT, sh, sizeof(sh));
        eh.e_shoff = SHDRS_AT;
        eh.e_shnum = 3;
        eh.e_shentsize = sizeof(Elf64_Shdr);
    }
    memcpy(image, &eh, sizeof(eh));
    memcpy(image + sizeof(eh), ph, sizeof(ph));
    return sizeof(image);
}

/* ---- Xen 4.17's rules, written out as its builder states them ---- */

struct xen_region {
    bool refused;
    uint64_t virt_base, virt_kstart, virt_kend;
    uint64_t v_start, vinitrd_start, vinitrd_end, vphysmap_start;
    uint64_t vstartinfo_start, vpt_start, nr_pt_pages, vstack_start, v_end;
    uint64_t initrd_pfn, mod_start, mod_len, pages_needed;
    bool mod_start_pfn;             /* SIF_MOD_START_PFN */
    uint64_t sym_pstart;            /* where the symbol table goes, or 0 */
};

static uint64_t pg_up(uint64_t x)
{
    return (x + PAGE_SIZE - 1) & PAGE_MASK;
}

/* Tables covering [l, h) at one level: Xen's NR(). */
static uint64_t nr(uint64_t l, uint64_t h, unsigned int shift)
{
    uint64_t m = (1ULL << shift) - 1;

    return (((h + m) & ~m) - (l & ~m)) >> shift;
}

static struct xen_region xen_rules(const struct kernel *k, uint64_t initrd_len,
                                   uint64_t nr_pages)
{
    struct xen_region x = { 0 };
    uint64_t count;
    unsigned int order = 0;

    /* libelf: these notes are ELF notes, so a missing offset is 0. */
    if ( k->paddr_offset.set && !k->virt_base.set )
        return (struct xen_region){ .refused = true };
    x.virt_base = k->virt_base.set ? k->virt_base.v : 0;
    x.virt_kstart = k->paddr + x.virt_base - k->paddr_offset.v;
    x.virt_kend = k->paddr + k->memsz + x.virt_base - k->paddr_offset.v;
    /*
     * BSD_SYMTAB "yes" and a symbol table: the kernel ends after it, sized
     * as 4.17 sizes it (a 4-byte size, the packed header struct's offset
     * of its section headers, three of them; the tables; all 8-aligned).
     */
    if ( k->bsd_symtab && !strcmp(k->bsd_symtab, "yes") && k->symtab )
    {
        uint64_t start = ROUNDUP(k->paddr + k->memsz, 8);
        uint64_t sz = ROUNDUP(4 + (4 + 64) + 3 * 64, 8);

        sz = ROUNDUP(sz + sizeof(symtab), 8);
        sz = ROUNDUP(sz + sizeof(strtab), 8);
        x.sym_pstart = start;
        x.virt_kend = start + sz + x.virt_base - k->paddr_offset.v;
    }
    if ( x.virt_base > x.virt_kstart )
        return (struct xen_region){ .refused = true };
    if ( strncmp(k->loader ?: "", "generic", 7) &&
         strncmp(k->guest_os ?: "", "linux", 5) )
        return (struct xen_region){ .refused = true };

    /* The dom0 builder. */
    x.v_start = x.virt_base;
    if ( k->mod_start_pfn.set && k->mod_start_pfn.v )
        x.vphysmap_start = pg_up(x.virt_kend);
    else
    {
        x.vinitrd_start = pg_up(x.virt_kend);
        x.vinitrd_end = x.vinitrd_start + initrd_len;
        x.vphysmap_start = pg_up(x.vinitrd_end);
    }
    x.vstartinfo_start = pg_up(x.vphysmap_start + nr_pages * 8);
    x.vpt_start = pg_up(x.vstartinfo_start + sizeof(struct start_info) +
                        sizeof(struct dom0_vga_console_info));
    for ( x.nr_pt_pages = 2; ; x.nr_pt_pages++ )
    {
        uint64_t vstack_end;

        x.vstack_start = x.vpt_start + x.nr_pt_pages * PAGE_SIZE;
        vstack_end = x.vstack_start + PAGE_SIZE;
        x.v_end = (vstack_end + (1UL << 22) - 1) & ~((1UL << 22) - 1);
        if ( x.v_end - vstack_end < (512UL << 10) )
            x.v_end += 1UL << 22;
        if ( 1 + nr(x.v_start, x.v_end, 39) + nr(x.v_start, x.v_end, 30) +
             nr(x.v_start, x.v_end, 21) <= x.nr_pt_pages )
            break;
    }
    count = x.v_end - x.v_start;
    if ( x.vinitrd_start )
        count -= pg_up(initrd_len);
    while ( (PAGE_SIZE << order) < count )
        order++;
    x.initrd_pfn = x.vinitrd_start ? (x.vinitrd_start - x.v_start) >> 12
                                   : 1ULL << order;
    if ( initrd_len )
    {
        x.mod_start = x.vinitrd_start ?: x.initrd_pfn;
        x.mod_len = initrd_len;
        x.mod_start_pfn = !x.vinitrd_start;
    }
    /* Ours needs the region), not Xen's power of two, when it is mapped. */
    x.pages_needed = x.vinitrd_start ? (x.v_end - x.v_start) >> 12
                                     : x.initrd_pfn + pg_up(initrd_len) / 4096;
    return x;
}

/*
 * The tables in Xen's order: the L4, then at the region's start and at
 * each 2 MiB (1 GiB, 512 GiB) boundary an L1 (and an L2, and an L3).
 * expect_pfn(level, va): the pfn of the level's table covering va.
 */
static uint64_t expect_pfn(const struct xen_region *x, unsigned int level,
                           uint64_t va)
{
    uint64_t pfn = (x->vpt_start - x->v_start) >> 12;

    if ( level == 4 )
        return pfn;
    pfn++;
    for ( uint64_t b = x->v_start & ~((1ULL << 21) - 1); b < x->v_end;
          b += 1ULL << 21 )
    {
        bool first = b <= x->v_start;

        for ( unsigned int lvl = 1; lvl <= 3; lvl++ )
        {
            uint64_t span = 1ULL << (21 + 9 * (lvl - 1));

            if ( lvl > 1 && !first && (b & (span - 1)) )
                break;
            if ( lvl == level && va >= b && va >> (12 + 9 * lvl) ==
                 b >> (12 + 9 * lvl) )
                return pfn;
            pfn++;
        }
    }
    return UNSET;
}

/* ---- The comparison ---- */

/* elf_load()'s copies of the symbol table, by offset from sym_pstart. */
static uint8_t loaded[0x1000];
static uint64_t loaded_at;

static int capture(void *ctx, uint64_t paddr, const void *src, size_t len)
{
    if ( paddr < loaded_at )
        return 0;       /* a segment */
    BUG_ON(paddr - loaded_at + len > sizeof(loaded));
    if ( src )
        memcpy(loaded + paddr - loaded_at, src, len);
    else
        memset(loaded + paddr - loaded_at, 0, len);
    return 0;
}

/*
 * The symbol table as Xen loads it: a size, then (offsets from here) an
 * ELF header, three section headers, the symbol and string tables.
 */
static void check_symtab(const struct elf_image *elf)
{
    const uint8_t *h = loaded + 4;
    Elf64_Ehdr eh;
    Elf64_Shdr sh[3];
    uint32_t size;

    loaded_at = elf->sym_pstart;
    memset(loaded, 0xa5, sizeof(loaded));
    CHECK_EQ(elf_load(elf, capture, NULL), 0);
    memcpy(&size, loaded, 4);
    memcpy(&eh, h, sizeof(eh));
    memcpy(sh, h + 64, sizeof(sh));
    CHECK_EQ(eh.e_shoff, 64);
    CHECK_EQ(eh.e_shnum, 3);
    CHECK_EQ(eh.e_shentsize, 64);
    CHECK_EQ(eh.e_ehsize, 64);
    CHECK_EQ(eh.e_phoff | eh.e_phnum | eh.e_phentsize | eh.e_shstrndx, 0);
    CHECK_EQ(eh.e_machine, EM_X86_64);
    CHECK_EQ(sh[0].sh_type | sh[0].sh_size | sh[0].sh_offset, 0);
    CHECK_EQ(sh[1].sh_type, SHT_SYMTAB);
    CHECK_EQ(sh[1].sh_link, 2);
    CHECK_EQ(sh[1].sh_info, 1);
    CHECK_EQ(sh[1].sh_offset, 260);     /* 8-aligned from sym_pstart */
    CHECK_EQ(sh[2].sh_type, SHT_STRTAB);
    CHECK_EQ(sh[2].sh_offset, ROUNDUP(264 + sizeof(symtab), 8) - 4);
    CHECK_EQ(size, sh[2].sh_offset + sizeof(strtab));
    CHECK(!memcmp(h + sh[1].sh_offset, symtab, sizeof(symtab)));
    CHECK(!memcmp(h + sh[2].sh_offset, strtab, sizeof(strtab)));
    CHECK_EQ(elf->sym_pend - elf->sym_pstart, ROUNDUP(4 + size, 8));
}

static unsigned long *p2m;

static const pte_t *table_of(pte_t e)
{
    return mfn_to_virt(_mfn((e & PTE_ADDR_MASK) >> PAGE_SHIFT));
}

/* The mfn's pfn under the test's p2m (pfn p has mfn NR_FRAMES - 1 - p). */
static uint64_t pfn_of_mfn(uint64_t mfn)
{
    return NR_FRAMES - 1 - mfn;
}

static void compare(const struct kernel *k, uint64_t initrd_len,
                    uint64_t nr_pages)
{
    struct xen_region x = xen_rules(k, initrd_len, nr_pages);
    struct elf_image elf;
    struct pv_layout l;
    size_t len = build(k);
    int rc = elf_init(&elf, image, len);
    bool unmapped;
    mfn_t l4;

    if ( !rc )
        rc = elf_xen_check(&elf);
    CHECK_EQ(!!rc, x.refused);
    if ( rc || x.refused )
        return;
    CHECK_EQ(elf.virt_kstart, x.virt_kstart);
    CHECK_EQ(elf.virt_kend, x.virt_kend);
    CHECK_EQ(elf.sym_pstart, x.sym_pstart);
    if ( x.sym_pstart )
        check_symtab(&elf);
    CHECK_EQ(boot_layout_compute(&l, &elf, initrd_len, nr_pages), 0);

    /* start_info as the guest reads it, and the initial registers. */
    unmapped = l.flags & PV_LAYOUT_MOD_UNMAPPED;
    CHECK_EQ(l.v_start, x.v_start);
    CHECK_EQ(l.p2m_start, x.vphysmap_start);            /* mfn_list */
    CHECK_EQ(l.start_info, x.vstartinfo_start);         /* rsi */
    CHECK_EQ(l.pt_start, x.vpt_start);                  /* pt_base */
    CHECK_EQ(l.nr_pt_frames, x.nr_pt_pages);
    CHECK_EQ(l.stack + PAGE_SIZE, x.vstack_start + PAGE_SIZE);  /* rsp */
    CHECK_EQ(l.v_end, x.v_end);
    CHECK_EQ(l.mod_len ? (unmapped ? l.mod_pfn : l.mod_start) : 0,
             x.mod_start);
    CHECK_EQ(l.mod_len, x.mod_len);
    CHECK_EQ(l.mod_len && unmapped, x.mod_start_pfn);
    CHECK_EQ(l.mod_pfn, x.initrd_pfn);
    CHECK_EQ(l.min_pages, x.pages_needed);
    if ( check_why[0] || l.min_pages > nr_pages )
        return;

    /* Page tables: placement, order, and the frame behind every page. */
    for ( uint64_t pfn = 0; pfn < nr_pages; pfn++ )
        p2m[pfn] = NR_FRAMES - 1 - pfn;
    l4 = boot_layout_page_tables(&l, p2m);
    CHECK_EQ(pfn_of_mfn(mfn_x(l4)), expect_pfn(&x, 4, 0));
    for ( uint64_t va = x.v_start; va < x.v_end; va += PAGE_SIZE )
    {
        const pte_t *t = mfn_to_virt(l4);
        pte_t e = 0;
        bool ro = va >= x.vpt_start && va < x.vstack_start;

        for ( unsigned int level = 4; level > 1; level-- )
        {
            e = t[(va >> (12 + 9 * (level - 1))) & 511];
            CHECK(e & _PAGE_PRESENT);
            CHECK_EQ(pfn_of_mfn((e & PTE_ADDR_MASK) >> 12),
                     expect_pfn(&x, level - 1, va));
            if ( check_why[0] )
                return;
            t = table_of(e);
        }
        e = t[(va >> 12) & 511];
        CHECK_EQ((e & PTE_ADDR_MASK) >> 12, p2m[(va - x.v_start) >> 12]);
        CHECK_EQ(!!(e & _PAGE_PRESENT), 1);
        CHECK_EQ(!(e & _PAGE_RW), ro);
        if ( check_why[0] )
            return;
    }
}

/*
 * Kernels from a page to Linux's size, linked low without VIRT_BASE or
 * high with it, across 1 GiB, with and without an initrd left unmapped.
 */
static void sweep(void)
{
    static const uint64_t bases[] = { 0, 0xffffffff80000000ULL,
                                      (1ULL << 30) - (2ULL << 20) };
    static const uint64_t sizes[] = { 0x1000, 0x3000,
                                      (4ULL << 20) - 137 * 4096,
                                      (4ULL << 20) - 136 * 4096,
                                      (4ULL << 20) - 135 * 4096,
                                      (40ULL << 20) + 0x123 };
    static const uint64_t initrds[] = { 0, 4096, (3ULL << 20) + 77 };
    static const uint64_t nr_pages[] = { 2048, 16384 };
    struct kernel k;

    for ( unsigned int b = 0; b < ARRAY_SIZE(bases); b++ )
        for ( unsigned int s = 0; s < ARRAY_SIZE(sizes); s++ )
            for ( unsigned int i = 0; i < ARRAY_SIZE(initrds); i++ )
                for ( unsigned int m = 0; m < 2; m++ )
                    for ( unsigned int n = 0; n < ARRAY_SIZE(nr_pages); n++ )
                    {
                        uint64_t at = bases[b] ?: 1ULL << 20;

                        k = (struct kernel){ .paddr = at - bases[b],
                                             .vaddr = at, .memsz = sizes[s],
                                             .entry = at,
                                             .loader = "generic" };
                        if ( bases[b] )
                            k.virt_base = SET(bases[b]);
                        if ( m )
                            k.mod_start_pfn = SET(1);
                        compare(&k, initrds[i], nr_pages[n]);
                        if ( !check_why[0] )
                            continue;
                        printf("INFO: base %#llx size %#llx initrd %llu "
                               "mod_start_pfn %u nr_pages %llu\n",
                               (unsigned long long)bases[b],
                               (unsigned long long)sizes[s],
                               (unsigned long long)initrds[i], m,
                               (unsigned long long)nr_pages[n]);
                        return;
                    }
}

/*
 * A 32-bit PAE guest's boot tables (docs/misc/compat32.md): the L3 at
 * pt_start with four present-only PDPTEs naming the next four frames in
 * slot order, an L1 per 2 MiB after them in address order, and every
 * page mapping its p2m frame, the tables read-only.
 */
static void pae_tables(void)
{
    const uint64_t base = 0xc0000000ULL;
    struct pv_layout l;
    const pte_t *l3;
    uint64_t next_l1;

    CHECK_EQ(pv_layout_compute(&l, base, base + (3ULL << 20), 0, 4096,
                               PV_LAYOUT_LEVELS_PAE, 0), 0);
    CHECK_EQ(l.v_end, base + (4ULL << 20));
    CHECK_EQ(l.nr_pt_frames, 1 + 4 + 2);
    for ( uint64_t pfn = 0; pfn < 4096; pfn++ )
        p2m[pfn] = NR_FRAMES - 1 - pfn;
    l3 = mfn_to_virt(boot_layout_page_tables_pae(&l, p2m));
    CHECK_EQ(pfn_of_mfn(mfn_x(virt_to_mfn(l3))), pv_layout_pfn(&l, l.pt_start));
    for ( unsigned int i = 0; i < 4; i++ )
    {
        CHECK_EQ(l3[i] & ~PTE_ADDR_MASK, _PAGE_PRESENT);
        CHECK_EQ(pfn_of_mfn((l3[i] & PTE_ADDR_MASK) >> 12),
                 pv_layout_pfn(&l, l.pt_start) + 1 + i);
    }
    CHECK_EQ(l3[4], 0);
    next_l1 = pv_layout_pfn(&l, l.pt_start) + 5;
    for ( uint64_t va = l.v_start; va < l.v_end; va += PAGE_SIZE )
    {
        const pte_t *l2 = table_of(l3[va >> 30]), *l1;
        pte_t e = l2[(va >> 21) & 511];
        bool ro = va >= l.pt_start && va < l.stack;

        CHECK(e & _PAGE_PRESENT);
        if ( !(va & ((1ULL << 21) - 1)) )
            CHECK_EQ(pfn_of_mfn((e & PTE_ADDR_MASK) >> 12), next_l1++);
        l1 = table_of(e);
        e = l1[(va >> 12) & 511];
        CHECK_EQ((e & PTE_ADDR_MASK) >> 12, p2m[pv_layout_pfn(&l, va)]);
        CHECK_EQ(!(e & _PAGE_RW), ro);
        if ( check_why[0] )
            return;
    }
    CHECK_EQ(next_l1, pv_layout_pfn(&l, l.pt_start) + l.nr_pt_frames);
}

void pv_layout_cases(void);

static void run(const char *name, const struct kernel *k, uint64_t initrd_len,
                uint64_t nr_pages)
{
    CASE(name)
        compare(k, initrd_len, nr_pages);
}

int main(void)
{
    const uint64_t mib = 1ULL << 20, gib = 1ULL << 30;
    struct kernel k;

    host_directmap = mmap(NULL, NR_FRAMES << PAGE_SHIFT,
                          PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    p2m = calloc(NR_FRAMES, sizeof(*p2m));
    BUG_ON(host_directmap == MAP_FAILED || !p2m);

#define KERNEL(...) (k = (struct kernel){ __VA_ARGS__ }, &k)

    /* lowpv: linked at 1 MiB, no VIRT_BASE, PADDR_OFFSET or HYPERCALL_PAGE. */
    run("low-1mib-no-virt-base", KERNEL(.paddr = mib, .vaddr = mib,
        .memsz = 0x3000, .entry = mib, .loader = "generic"), 0, 16384);
    /* Its image ends on a page boundary: the p2m list starts right there. */
    run("low-end-on-page-boundary", KERNEL(.paddr = mib, .vaddr = mib,
        .memsz = 0x10000, .entry = mib, .loader = "generic"), 0, 2048);
    run("low-linked-at-0", KERNEL(.paddr = 0, .vaddr = 0, .memsz = 0x5123,
        .entry = 0x10, .loader = "generic"), 0, 4096);
    run("low-no-virt-base-initrd", KERNEL(.paddr = 4 * mib, .vaddr = 4 * mib,
        .memsz = 0x80000, .entry = 4 * mib, .loader = "generic"),
        3 * mib + 77, 32768);
    /* An explicit VIRT_BASE of 0 is the same as none. */
    run("low-virt-base-0", KERNEL(.paddr = mib, .vaddr = mib,
        .memsz = 0x3000, .entry = mib, .loader = "generic",
        .virt_base = SET(0)), 0, 16384);

    /* mini-os: VIRT_BASE high, PADDR_OFFSET 0, a hypercall page. */
    run("high-minios", KERNEL(.paddr = 0, .vaddr = KBASE, .memsz = 0x123456,
        .entry = KBASE + 0x1000, .loader = "generic", .virt_base = SET(KBASE),
        .paddr_offset = SET(0), .hypercall_page = SET(KBASE + 0x2000)),
        mib, 16384);
    /* VIRT_BASE without PADDR_OFFSET: the offset is 0. */
    run("high-no-paddr-offset", KERNEL(.paddr = 2 * mib, .vaddr = KBASE +
        2 * mib, .memsz = 0x40000, .entry = KBASE + 2 * mib,
        .loader = "generic", .virt_base = SET(KBASE)), 0, 8192);
    /* The old convention: PADDR_OFFSET = VIRT_BASE, paddr = vaddr. */
    run("high-paddr-is-vaddr", KERNEL(.paddr = KBASE + mib, .vaddr = KBASE +
        mib, .memsz = 0x40000, .entry = KBASE + mib, .loader = "generic",
        .virt_base = SET(KBASE), .paddr_offset = SET(KBASE)), 5000, 8192);
    /* Linux: no LOADER, GUEST_OS "linux", initrd left unmapped. */
    run("linux-mod-start-pfn", KERNEL(.paddr = 16 * mib, .vaddr = KBASE +
        16 * mib, .memsz = 40 * mib + 0x123, .entry = KBASE + 16 * mib,
        .guest_os = "linux", .virt_base = SET(KBASE), .paddr_offset = SET(0),
        .mod_start_pfn = SET(1)), 9 * mib + 5, 32768);
    run("mod-start-pfn-0-maps-initrd", KERNEL(.paddr = mib, .vaddr = mib,
        .memsz = 0x3000, .entry = mib, .loader = "generic",
        .mod_start_pfn = SET(0)), 2 * mib, 16384);
    run("mod-start-pfn-no-initrd", KERNEL(.paddr = mib, .vaddr = mib,
        .memsz = 0x3000, .entry = mib, .loader = "generic",
        .mod_start_pfn = SET(1)), 0, 16384);
    /* Regions across a 1 GiB and a 512 GiB boundary: the table order. */
    run("region-across-1gib", KERNEL(.paddr = 0, .vaddr = gib - 2 * mib,
        .memsz = 0x3000, .entry = gib - 2 * mib, .loader = "generic",
        .virt_base = SET(gib - 2 * mib)), 3 * mib, 8192);
    run("region-across-512gib", KERNEL(.paddr = 0, .vaddr = 512 * gib -
        2 * mib, .memsz = 0x3000, .entry = 512 * gib - 2 * mib,
        .loader = "generic", .virt_base = SET(512 * gib - 2 * mib)), 0, 8192);
    /* Kernel linked above VIRT_BASE: the region starts below it. */
    run("virt-base-below-kernel", KERNEL(.paddr = 8 * mib, .vaddr = KBASE +
        8 * mib, .memsz = 0x3000, .entry = KBASE + 8 * mib,
        .loader = "generic", .virt_base = SET(KBASE), .paddr_offset = SET(0)),
        0, 16384);
    /* BSD_SYMTAB: the symbol table is loaded after the image. */
    run("bsd-symtab", KERNEL(.paddr = mib, .vaddr = mib, .memsz = 0x3004,
        .entry = mib, .loader = "generic", .bsd_symtab = "yes",
        .symtab = true), 0, 4096);
    run("bsd-symtab-high", KERNEL(.paddr = 0, .vaddr = KBASE,
        .memsz = 0x20001, .entry = KBASE, .loader = "generic",
        .virt_base = SET(KBASE), .bsd_symtab = "yes", .symtab = true),
        mib, 4096);
    /* Only "yes" asks; without a symbol table nothing is loaded. */
    run("bsd-symtab-no", KERNEL(.paddr = mib, .vaddr = mib, .memsz = 0x3000,
        .entry = mib, .loader = "generic", .bsd_symtab = "no",
        .symtab = true), 0, 4096);
    run("bsd-symtab-none", KERNEL(.paddr = mib, .vaddr = mib,
        .memsz = 0x3000, .entry = mib, .loader = "generic",
        .bsd_symtab = "yes"), 0, 4096);
    /* Prefixes pass as in Xen; neither loader nor Linux is refused. */
    run("loader-prefix", KERNEL(.paddr = mib, .vaddr = mib, .memsz = 0x3000,
        .entry = mib, .loader = "generic-v2"), 0, 4096);
    run("guest-os-prefix", KERNEL(.paddr = mib, .vaddr = mib,
        .memsz = 0x3000, .entry = mib, .guest_os = "linux-2.6"), 0, 4096);
    run("refused-no-loader", KERNEL(.paddr = mib, .vaddr = mib,
        .memsz = 0x3000, .entry = mib, .guest_os = "netbsd"), 0, 4096);
    run("refused-paddr-offset-alone", KERNEL(.paddr = mib, .vaddr = mib,
        .memsz = 0x3000, .entry = mib, .loader = "generic",
        .paddr_offset = SET(0)), 0, 4096);
    run("refused-virt-base-above-kernel", KERNEL(.paddr = 0, .vaddr = mib,
        .memsz = 0x3000, .entry = mib, .loader = "generic",
        .virt_base = SET(2 * mib), .paddr_offset = SET(2 * mib)), 0, 4096);
    CASE("sweep-sizes-bases-initrds")
        sweep();
    CASE("pae-boot-tables")
        pae_tables();

    /* The domU layout mini-os's and libhvxc's builders use. */
    pv_layout_cases();
    return 0;
}
