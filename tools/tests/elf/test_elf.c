/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for the ELF loader: built, malformed and real kernel images. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xen/decompress.h>
#include <xen/elf.h>
#include <xen/libelf.h>
#include <public/elfnote.h>
#include <public/features.h>
#include "check.h"

#define XEN_EINVAL 22

/* The decoders allocate their state with xmalloc; malloc stands in. */
void *_xmalloc(size_t size, size_t align);
void xfree(void *p);

void *_xmalloc(size_t size, size_t align)
{
    return malloc(size);
}

void xfree(void *p)
{
    free(p);
}

/* ---- Building test images ---- */

#define IMG_MAX 0x10000
#define KBASE   0xffffffff80000000ULL

struct img {
    uint8_t *p;     /* malloc'ed to exactly len, for ASan */
    size_t len;
};

struct seg {
    uint32_t type;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct note {
    uint32_t type;
    const char *name;
    const void *desc;
    uint32_t descsz;
};

static uint8_t scratch[IMG_MAX];
static size_t scratch_len;

static size_t put(const void *p, size_t len)
{
    size_t at = scratch_len;

    memcpy(scratch + at, p, len);
    scratch_len += len;
    return at;
}

static void align4(void)
{
    while ( scratch_len & 3 )
        scratch[scratch_len++] = 0;
}

static size_t put_notes(const struct note *n, unsigned int nr)
{
    size_t start = scratch_len;

    for ( unsigned int i = 0; i < nr; i++ )
    {
        Elf64_Nhdr nh = {
            .n_namesz = strlen(n[i].name) + 1,
            .n_descsz = n[i].descsz,
            .n_type = n[i].type,
        };

        put(&nh, sizeof(nh));
        put(n[i].name, nh.n_namesz);
        align4();
        put(n[i].desc, n[i].descsz);
        align4();
    }
    return scratch_len - start;
}

static const uint64_t v_entry = KBASE + 0x1000, v_base = KBASE;
static const uint64_t v_hcall = KBASE + 0x2000, v_p2m = 0x8000000000ULL;
static const uint32_t v_sup = 1U << XENFEAT_dom0;
static const uint32_t v_one = 1;

/* A string note's descriptor: the string and its NUL. */
#define SN(s) s, sizeof(s)

/* A mini-os-like kernel's notes, numeric ones in both widths. */
static const struct note good_notes[] = {
    { XEN_ELFNOTE_GUEST_OS, "Xen", "testos", 7 },
    { XEN_ELFNOTE_GUEST_VERSION, "Xen", "1.0", 4 },
    { XEN_ELFNOTE_XEN_VERSION, "Xen", "xen-3.0", 8 },
    { XEN_ELFNOTE_LOADER, "Xen", "generic", 8 },
    { XEN_ELFNOTE_VIRT_BASE, "Xen", &v_base, 8 },
    { XEN_ELFNOTE_PADDR_OFFSET, "Xen", &(uint32_t){ 0 }, 4 },
    { XEN_ELFNOTE_ENTRY, "Xen", &v_entry, 8 },
    { XEN_ELFNOTE_HYPERCALL_PAGE, "Xen", &v_hcall, 8 },
    { XEN_ELFNOTE_XEN_VERSION, "GNU", "not ours", 9 },
    { XEN_ELFNOTE_FEATURES, "Xen",
      SN("!writable_page_tables|pae_pgdir_above_4gb|future_thing") },
    { XEN_ELFNOTE_SUPPORTED_FEATURES, "Xen", &v_sup, 4 },
    { XEN_ELFNOTE_PAE_MODE, "Xen", "yes", 4 },
    { XEN_ELFNOTE_INIT_P2M, "Xen", &v_p2m, 8 },
    { XEN_ELFNOTE_MOD_START_PFN, "Xen", &v_one, 4 },
    { XEN_ELFNOTE_PHYS32_ENTRY, "Xen", &v_one, 4 },
    { XEN_ELFNOTE_BSD_SYMTAB, "Xen", "yes", 4 },
    { XEN_ELFNOTE_L1_MFN_VALID, "Xen", "0123456789abcdef", 16 },
};

/*
 * An image: ELF header, program headers for segs (a zero offset in a
 * PT_NOTE means "the notes"), then notes, then segment contents.
 */
static struct img build(const struct seg *segs, unsigned int nr,
                        const struct note *notes, unsigned int nr_notes)
{
    Elf64_Ehdr eh = {
        .e_ident = { 0x7f, 'E', 'L', 'F', ELFCLASS64, ELFDATA2LSB,
                     EV_CURRENT },
        .e_type = ET_EXEC,
        .e_machine = EM_X86_64,
        .e_version = EV_CURRENT,
        .e_entry = v_entry,
        .e_phoff = sizeof(Elf64_Ehdr),
        .e_ehsize = sizeof(Elf64_Ehdr),
        .e_phentsize = sizeof(Elf64_Phdr),
        .e_phnum = nr,
    };
    Elf64_Phdr ph[16];
    size_t notes_at, notes_len;
    struct img im;

    memset(scratch, 0, sizeof(scratch));
    scratch_len = sizeof(eh) + nr * sizeof(Elf64_Phdr);
    notes_at = scratch_len;
    notes_len = put_notes(notes, nr_notes);
    for ( unsigned int i = 0; i < nr; i++ )
    {
        ph[i] = (Elf64_Phdr){
            .p_type = segs[i].type, .p_flags = 7,
            .p_offset = segs[i].offset, .p_vaddr = segs[i].vaddr,
            .p_paddr = segs[i].paddr, .p_filesz = segs[i].filesz,
            .p_memsz = segs[i].memsz, .p_align = segs[i].align,
        };
        if ( segs[i].type == PT_NOTE && !segs[i].offset )
        {
            ph[i].p_offset = notes_at;
            ph[i].p_filesz = ph[i].p_memsz = notes_len;
            ph[i].p_align = 4;
        }
    }
    memcpy(scratch, &eh, sizeof(eh));
    memcpy(scratch + sizeof(eh), ph, nr * sizeof(Elf64_Phdr));
    /* Segment contents: a recognisable pattern. */
    for ( size_t i = 0x1000; i < 0x4000; i++ )
        scratch[i] = i * 7;
    im.len = 0x4000;
    im.p = malloc(im.len);
    memcpy(im.p, scratch, im.len);
    return im;
}

/* Text at 0x1000 (file 0x1000-0x2000), data+bss at 0x3000, notes. */
static const struct seg good_segs[] = {
    { PT_LOAD, 0x1000, KBASE + 0x1000, 0x1000, 0x1000, 0x1000, 0x1000 },
    { PT_LOAD, 0x2000, KBASE + 0x3000, 0x3000, 0x800, 0x3000, 0x1000 },
    { PT_NOTE, 0, 0, 0, 0, 0, 4 },
};

static struct img good(void)
{
    return build(good_segs, ARRAY_SIZE(good_segs), good_notes,
                 ARRAY_SIZE(good_notes));
}

static void set_u16(struct img *im, size_t off, uint16_t v)
{
    memcpy(im->p + off, &v, sizeof(v));
}

static void set_u64(struct img *im, size_t off, uint64_t v)
{
    memcpy(im->p + off, &v, sizeof(v));
}

/* Offsets of program header fields. */
#define PH(i, f) (sizeof(Elf64_Ehdr) + (i) * sizeof(Elf64_Phdr) +            \
                  offsetof(Elf64_Phdr, f))

/* Runs elf_init (and elf_xen_check) expecting a refusal naming why. */
#define REFUSED(name, im, xen, msg)                                           \
    CASE(name)                                                                \
    {                                                                         \
        struct elf_image e_;                                                  \
        int rc_ = elf_init(&e_, (im).p, (im).len);                            \
        if ( !rc_ && (xen) )                                                  \
            rc_ = elf_xen_check(&e_);                                         \
        CHECK_EQ(rc_, -XEN_EINVAL);                                           \
        CHECK_LOG(msg);                                                       \
        free((im).p);                                                         \
    }

/* ---- elf_load into a model of guest memory ---- */

struct guest {
    uint8_t mem[0x8000];
    uint64_t copied, zeroed;
};

static int guest_copy(void *ctx, uint64_t paddr, const void *src, size_t len)
{
    struct guest *g = ctx;

    if ( paddr > sizeof(g->mem) || len > sizeof(g->mem) - paddr )
        return -1;
    if ( src )
    {
        memcpy(g->mem + paddr, src, len);
        g->copied += len;
    }
    else
    {
        memset(g->mem + paddr, 0, len);
        g->zeroed += len;
    }
    return 0;
}

/* Counts only, for kernels too big for a model. */
static int count_copy(void *ctx, uint64_t paddr, const void *src, size_t len)
{
    struct guest *g = ctx;

    if ( src )
        g->copied += len;
    else
        g->zeroed += len;
    return 0;
}

/* ---- Real images ---- */

static bool read_file(const char *path, uint8_t **p, size_t *len)
{
    FILE *f = fopen(path, "rb");
    long n;

    if ( !f )
        return false;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    *p = malloc(n ? n : 1);
    *len = fread(*p, 1, n, f);
    fclose(f);
    return *len == (size_t)n;
}

static void real_images(void)
{
    uint8_t *p;
    size_t len;
    char path[300];

    if ( !read_file("../../../xen/xen-syms", &p, &len) )
        printf("SKIP: xen-syms refused: xen/xen-syms not built\n");
    else
    {
        CASE("xen-syms: valid ELF, refused as having no Xen notes")
        {
            struct elf_image e;

            CHECK_EQ(elf_init(&e, p, len), 0);
            CHECK_EQ(elf_xen_check(&e), -XEN_EINVAL);
            CHECK_LOG("ELF: no Xen notes: not a PV kernel");
        }
        free(p);
    }

    if ( !read_file("../../../extras/mini-os/mini-os", &p, &len) )
        printf("SKIP: mini-os kernel: extras/mini-os/mini-os not built\n");
    else
    {
        CASE("mini-os kernel: notes and layout")
        {
            struct elf_image e;

            CHECK_EQ(elf_init(&e, p, len), 0);
            CHECK_EQ(elf_xen_check(&e), 0);
            CHECK_EQ(e.xen.virt_base, KBASE);
            CHECK(e.virt_kstart >= KBASE);
            CHECK(e.virt_entry >= e.virt_kstart && e.virt_entry < e.virt_kend);
            CHECK_STR(e.xen.xen_version, "xen-3.0");
        }
        free(p);
    }

    if ( !harness_find_vmlinuz(path, sizeof(path)) || !read_file(path, &p, &len) )
    {
        printf("SKIP: Debian vmlinux: no /boot/vmlinuz-* "
               "(apt-get install linux-image-amd64)\n");
        return;
    }
    CASE("Debian vmlinux: Xen notes as documented")
    {
        size_t off, plen, size = 0, out_len;
        uint8_t *vmlinux;
        struct elf_image e;
        struct guest g = { .copied = 0 };
        const struct elf_xen_notes *x = &e.xen;

        CHECK_EQ(bzimage_payload(p, len, &off, &plen), 0);
        CHECK_EQ(decompressed_size(p + off, plen, &size), 0);
        vmlinux = malloc(size ? size : 1);
        CHECK_EQ(decompress(p + off, plen, vmlinux, size, &out_len), 0);
        if ( check_why[0] )
        {
            free(vmlinux);
            break;
        }
        CHECK_EQ(elf_init(&e, vmlinux, out_len), 0);
        CHECK_EQ(elf_xen_check(&e), 0);
        CHECK_STR(x->guest_os, "linux");
        CHECK_STR(x->xen_version, "xen-3.0");
        CHECK_STR(x->loader, "generic");
        CHECK_STR(x->pae_mode, "yes");
        CHECK_EQ(x->virt_base, 0xffffffff80000000ULL);
        CHECK_EQ(x->paddr_offset, 0);
        CHECK_EQ(x->init_p2m, 0x8000000000ULL);
        CHECK_EQ(x->mod_start_pfn, 1);
        CHECK_EQ(x->hv_start_low, 0xffff800000000000ULL);
        CHECK(x->seen & (1U << XEN_ELFNOTE_PHYS32_ENTRY));
        CHECK(strstr(x->features, "!writable_page_tables") != NULL);
        CHECK_EQ(x->feat_required, 1U << XENFEAT_writable_page_tables);
        CHECK(x->feat_supported & (1U << XENFEAT_pae_pgdir_above_4gb));
        CHECK(x->supported_features & (1U << XENFEAT_dom0));
        CHECK_EQ(e.pstart, 0x1000000);
        CHECK_EQ(e.virt_kstart, 0xffffffff81000000ULL);
        CHECK(e.virt_entry >= e.virt_kstart && e.virt_entry < e.virt_kend);
        CHECK_EQ(elf_load(&e, count_copy, &g), 0);
        /* Its bss is in the file, and a gap precedes the per-CPU data. */
        CHECK(g.copied + g.zeroed <= e.pend - e.pstart);
        CHECK(g.copied > (e.pend - e.pstart) / 2);
        CHECK(x->phys32_entry >= e.pstart && x->phys32_entry < e.pend);
        printf("INFO: vmlinux ENTRY %#llx PHYS32_ENTRY %#llx, physical "
               "%#llx-%#llx, FEATURES \"%s\"\n",
               (unsigned long long)x->entry,
               (unsigned long long)x->phys32_entry,
               (unsigned long long)e.pstart, (unsigned long long)e.pend,
               x->features);
        free(vmlinux);
    }
    free(p);
}

int main(void)
{
    struct img im;

    CASE("built PV image: header, segments and every note")
    {
        struct elf_image e;
        const struct elf_xen_notes *x = &e.xen;

        im = good();
        CHECK_EQ(elf_init(&e, im.p, im.len), 0);
        CHECK_EQ(elf_xen_check(&e), 0);
        CHECK_EQ(e.pstart, 0x1000);
        CHECK_EQ(e.pend, 0x6000);
        CHECK_EQ(e.vstart, KBASE + 0x1000);
        CHECK_EQ(e.vend, KBASE + 0x6000);
        CHECK_EQ(e.virt_offset, KBASE);
        CHECK_EQ(e.virt_kstart, KBASE + 0x1000);
        CHECK_EQ(e.virt_kend, KBASE + 0x6000);
        CHECK_EQ(e.virt_entry, v_entry);
        CHECK_EQ(x->hypercall_page, v_hcall);
        CHECK_EQ(x->init_p2m, v_p2m);
        CHECK_EQ(x->mod_start_pfn, 1);
        CHECK_EQ(x->phys32_entry, 1);
        CHECK_STR(x->guest_os, "testos");
        CHECK_STR(x->guest_version, "1.0");
        CHECK_STR(x->bsd_symtab, "yes");
        CHECK_STR(x->pae_mode, "yes");
        CHECK_EQ(x->supported_features, v_sup);
        CHECK_EQ(x->feat_required, 1U << XENFEAT_writable_page_tables);
        CHECK_EQ(x->feat_supported, (1U << XENFEAT_writable_page_tables) |
                                    (1U << XENFEAT_pae_pgdir_above_4gb) |
                                    (1U << XENFEAT_dom0));
        CHECK(x->seen & (1U << XEN_ELFNOTE_L1_MFN_VALID));
        CHECK_LOG("ignoring unknown feature \"future_thing\"");
        free(im.p);
    }

    CASE("elf_load copies segments and zeroes bss")
    {
        struct elf_image e;
        struct guest *g = calloc(1, sizeof(*g));

        im = good();
        memset(g->mem, 0xaa, sizeof(g->mem));
        CHECK_EQ(elf_init(&e, im.p, im.len), 0);
        CHECK_EQ(elf_load(&e, guest_copy, g), 0);
        CHECK(!memcmp(g->mem + 0x1000, im.p + 0x1000, 0x1000));
        CHECK(!memcmp(g->mem + 0x3000, im.p + 0x2000, 0x800));
        for ( size_t i = 0x3800; i < 0x6000; i++ )
            if ( g->mem[i] )
            {
                CHECK(!"bss not zeroed");
                break;
            }
        CHECK_EQ(g->mem[0x6000], 0xaa);
        CHECK_EQ(g->mem[0x2000], 0xaa);
        CHECK_EQ(g->copied, 0x1800);
        CHECK_EQ(g->zeroed, 0x2800);
        free(g);
        free(im.p);
    }

    CASE("elf_load passes a callback failure back")
    {
        struct elf_image e;
        struct guest *g = calloc(1, sizeof(*g));
        struct seg s[2] = { good_segs[0], good_segs[1] };

        s[1].paddr = 0x7800;    /* beyond the model's memory */
        im = build(s, 2, good_notes, ARRAY_SIZE(good_notes));
        CHECK_EQ(elf_init(&e, im.p, im.len), 0);
        CHECK_EQ(elf_load(&e, guest_copy, g), -1);
        free(g);
        free(im.p);
    }

    CASE("notes found through SHT_NOTE sections without PT_NOTE")
    {
        struct elf_image e;
        Elf64_Shdr sh[2] = { { 0 } };
        uint64_t shoff = 0x3000;

        im = good();
        /* Turn the PT_NOTE into PT_NULL and describe it as a section. */
        memset(im.p + PH(2, p_type), 0, 4);
        sh[1].sh_type = SHT_NOTE;
        memcpy(&sh[1].sh_offset, im.p + PH(2, p_offset), 8);
        memcpy(&sh[1].sh_size, im.p + PH(2, p_filesz), 8);
        sh[1].sh_addralign = 4;
        memcpy(im.p + shoff, sh, sizeof(sh));
        set_u64(&im, offsetof(Elf64_Ehdr, e_shoff), shoff);
        set_u16(&im, offsetof(Elf64_Ehdr, e_shnum), 2);
        set_u16(&im, offsetof(Elf64_Ehdr, e_shentsize), sizeof(Elf64_Shdr));
        CHECK_EQ(elf_init(&e, im.p, im.len), 0);
        CHECK_EQ(elf_xen_check(&e), 0);
        CHECK_STR(e.xen.guest_os, "testos");
        /* And a section table off the end is refused. */
        set_u64(&im, offsetof(Elf64_Ehdr, e_shoff), im.len - 64);
        CHECK_EQ(elf_init(&e, im.p, im.len), -XEN_EINVAL);
        CHECK_LOG("section headers outside the image");
        free(im.p);
    }

    CASE("4-byte numeric notes and a missing PADDR_OFFSET")
    {
        static const uint32_t base = 0x100000, entry = 0x101000;
        static const struct note n[] = {
            { XEN_ELFNOTE_XEN_VERSION, "Xen", "xen-3.0", 8 },
            { XEN_ELFNOTE_LOADER, "Xen", "generic", 8 },
            { XEN_ELFNOTE_VIRT_BASE, "Xen", &base, 4 },
            { XEN_ELFNOTE_ENTRY, "Xen", &entry, 4 },
        };
        struct elf_image e;

        im = build(good_segs, 3, n, ARRAY_SIZE(n));
        CHECK_EQ(elf_init(&e, im.p, im.len), 0);
        CHECK_EQ(elf_xen_check(&e), 0);
        CHECK_EQ(e.virt_kstart, 0x101000);
        CHECK_EQ(e.virt_entry, 0x101000);
        free(im.p);
    }

    /* ---- Malformed images ---- */
    im = good();
    im.p[0] = 0x7e;
    REFUSED("bad magic", im, false, "ELF: bad magic");
    im = good();
    im.p[EI_CLASS] = 1; /* read as ELF32: its machine must be i386 */
    REFUSED("32-bit class", im, false, "ELF: not an i386 image");
    im = good();
    im.p[EI_CLASS] = 3;
    REFUSED("unknown class", im, false,
            "ELF: neither a 64-bit nor a 32-bit image");
    im = good();
    im.p[EI_DATA] = 2;
    REFUSED("big-endian", im, false, "ELF: not a little-endian image");
    im = good();
    set_u16(&im, offsetof(Elf64_Ehdr, e_machine), 3);
    REFUSED("i386 machine", im, false, "ELF: not an x86-64 image");
    im = good();
    set_u16(&im, offsetof(Elf64_Ehdr, e_type), 3);
    REFUSED("shared object", im, false, "ELF: not an executable");
    im = good();
    set_u16(&im, offsetof(Elf64_Ehdr, e_phentsize), 32);
    REFUSED("wrong phentsize", im, false, "unexpected header sizes");
    im = good();
    set_u16(&im, offsetof(Elf64_Ehdr, e_phnum), 0);
    REFUSED("no program headers", im, false, "0 program headers");
    im = good();
    set_u16(&im, offsetof(Elf64_Ehdr, e_phnum), 0xffff);
    REFUSED("65535 program headers", im, false, "65535 program headers");
    im = good();
    set_u64(&im, offsetof(Elf64_Ehdr, e_phoff), im.len - 100);
    REFUSED("phdrs past the end", im, false,
            "program headers outside the image");
    im = good();
    set_u64(&im, offsetof(Elf64_Ehdr, e_phoff), ~0ULL - 10);
    REFUSED("phdr offset wraps", im, false,
            "program headers outside the image");
    /* ELF32 (a 32-bit PAE PV kernel): ELF64 headers in it do not pass. */
    CASE("32-bit x86 image: ELF64 headers in it refused")
    {
        struct elf_image e;

        im = good();
        im.p[EI_CLASS] = ELFCLASS32;
        set_u16(&im, offsetof(Elf64_Ehdr, e_machine), EM_386);
        CHECK_EQ(elf_init(&e, im.p, im.len), -XEN_EINVAL);
        CHECK_LOG("unexpected header sizes");
        free(im.p);
    }
    CASE("header truncated")
    {
        struct elf_image e;

        im = good();
        CHECK_EQ(elf_init(&e, im.p, 63), -XEN_EINVAL);
        CHECK_EQ(elf_init(&e, im.p, 0), -XEN_EINVAL);
        free(im.p);
    }
    {
        struct seg s[3] = { good_segs[0], good_segs[1], good_segs[2] };

        s[1].paddr = 0x1800;
        im = build(s, 3, good_notes, ARRAY_SIZE(good_notes));
        REFUSED("overlapping segments", im, false,
                "ELF: segment 1 overlaps segment 0");
        s[1] = good_segs[1];
        s[1].filesz = 0x4000;
        im = build(s, 3, good_notes, ARRAY_SIZE(good_notes));
        REFUSED("filesz > memsz", im, false,
                "segment 1: file size 0x4000 exceeds memory size 0x3000");
        s[1] = good_segs[1];
        s[1].filesz = 0x2800;
        im = build(s, 3, good_notes, ARRAY_SIZE(good_notes));
        REFUSED("segment data past the end", im, false,
                "ELF: segment 1 outside the image");
        s[1] = good_segs[1];
        s[1].offset = ~0ULL - 0x100;
        im = build(s, 3, good_notes, ARRAY_SIZE(good_notes));
        REFUSED("segment offset wraps", im, false,
                "ELF: segment 1 outside the image");
        s[1] = good_segs[1];
        s[1].memsz = 1ULL << 63;
        im = build(s, 3, good_notes, ARRAY_SIZE(good_notes));
        REFUSED("huge memsz", im, false, "too big or wraps around");
        s[1] = good_segs[1];
        s[1].paddr = ~0ULL - 0x1000;
        im = build(s, 3, good_notes, ARRAY_SIZE(good_notes));
        REFUSED("physical range wraps", im, false,
                "too big or wraps around");
        s[1] = good_segs[1];
        s[1].paddr = 0x80000000;
        im = build(s, 3, good_notes, ARRAY_SIZE(good_notes));
        REFUSED("segments 2 GiB apart", im, false, "too big");
        s[0].type = s[1].type = 6;      /* PT_PHDR */
        im = build(s, 3, good_notes, ARRAY_SIZE(good_notes));
        REFUSED("no PT_LOAD", im, false, "ELF: no loadable segments");
        s[0] = good_segs[0];
        s[1] = good_segs[1];
        s[2].offset = 0x3f00;
        s[2].filesz = 0x200;
        im = build(s, 3, good_notes, ARRAY_SIZE(good_notes));
        REFUSED("note segment past the end", im, false,
                "note segment 2 outside the image");
    }

    /* Notes: lengths patched in the first note (GUEST_OS). */
#define NOTE0 (sizeof(Elf64_Ehdr) + 3 * sizeof(Elf64_Phdr))
    im = good();
    memcpy(im.p + NOTE0, &(uint32_t){ 0xfffffff0 }, 4);
    REFUSED("note name size huge", im, false, "overruns it");
    im = good();
    memcpy(im.p + NOTE0 + 4, &(uint32_t){ 0xfffffffc }, 4);
    REFUSED("note desc size huge", im, false, "overruns it");
    CASE("string note without a NUL, as Linux writes FEATURES")
    {
        struct elf_image e;

        im = good();
        memcpy(im.p + NOTE0 + 4, &(uint32_t){ 6 }, 4);
        CHECK_EQ(elf_init(&e, im.p, im.len), 0);
        CHECK_STR(e.xen.guest_os, "testos");
        CHECK_STR(e.xen.guest_version, "1.0");
        free(im.p);
    }
    {
        static const struct note n[] = {
            { XEN_ELFNOTE_LOADER, "Xen", SN("generic") },
            { XEN_ELFNOTE_GUEST_OS, "Xen",
              SN("a guest OS name longer than its buffer") },
        };

        im = build(good_segs, 3, n, 2);
        REFUSED("string note too long", im, false,
                "ELF: Xen note 6 has bad length 39");
    }
    {
        static const struct note n[] = {
            { XEN_ELFNOTE_LOADER, "Xen", "generic", 8 },
            { XEN_ELFNOTE_ENTRY, "Xen", "abc", 3 },
        };

        im = build(good_segs, 3, n, 2);
        REFUSED("3-byte numeric note", im, false,
                "ELF: Xen note 1 has bad length 3");
    }
    {
        static const struct note n[] = {
            { XEN_ELFNOTE_LOADER, "Xen", "generic", 8 },
            { XEN_ELFNOTE_FEATURES, "Xen", "dom0|!teleportation", 20 },
        };

        im = build(good_segs, 3, n, 2);
        REFUSED("required unknown feature", im, false,
                "requires unknown feature \"teleportation\"");
    }
    {
        static const struct note n[] = {
            { XEN_ELFNOTE_GUEST_OS, "NotXen", "linux", 6 },
        };

        im = build(good_segs, 3, n, 1);
        REFUSED("no Xen notes", im, true,
                "ELF: no Xen notes: not a PV kernel");
    }
    {
        static const uint64_t far = KBASE + 0x100000;
        static const struct note n[] = {
            { XEN_ELFNOTE_LOADER, "Xen", "generic", 8 },
            { XEN_ELFNOTE_VIRT_BASE, "Xen", &v_base, 8 },
            { XEN_ELFNOTE_ENTRY, "Xen", &far, 8 },
        };

        im = build(good_segs, 3, n, 3);
        REFUSED("entry outside the image", im, true,
                "entry point 0xffffffff80100000 outside the image");
    }
    {
        static const struct note n[] = {
            { XEN_ELFNOTE_LOADER, "Xen", "generic", 8 },
            { XEN_ELFNOTE_PADDR_OFFSET, "Xen", &v_base, 8 },
        };

        im = build(good_segs, 3, n, 2);
        REFUSED("PADDR_OFFSET alone", im, true,
                "PADDR_OFFSET without VIRT_BASE");
    }
    {
        static const struct note n[] = {
            { XEN_ELFNOTE_XEN_VERSION, "Xen", "xen-2.0", 8 },
            { XEN_ELFNOTE_LOADER, "Xen", "generic", 8 },
        };

        im = build(good_segs, 3, n, 2);
        REFUSED("wrong XEN_VERSION", im, true, "not xen-3.0");
    }
    {
        static const struct note n[] = {
            { XEN_ELFNOTE_LOADER, "Xen", "special", 8 },
        };

        im = build(good_segs, 3, n, 1);
        REFUSED("unknown loader", im, true,
                "neither the generic loader nor Linux");
    }
    {
        static const uint64_t low = 0x1000;
        static const struct note n[] = {
            { XEN_ELFNOTE_LOADER, "Xen", "generic", 8 },
            { XEN_ELFNOTE_VIRT_BASE, "Xen", &v_base, 8 },
            { XEN_ELFNOTE_ENTRY, "Xen", &v_entry, 8 },
            { XEN_ELFNOTE_HYPERCALL_PAGE, "Xen", &low, 8 },
        };

        im = build(good_segs, 3, n, 4);
        REFUSED("hypercall page outside", im, true,
                "hypercall page 0x1000 outside the image");
    }

    {
        static const uint64_t odd = KBASE + 0x2008;
        static const struct note n[] = {
            { XEN_ELFNOTE_LOADER, "Xen", "generic", 8 },
            { XEN_ELFNOTE_VIRT_BASE, "Xen", &v_base, 8 },
            { XEN_ELFNOTE_ENTRY, "Xen", &v_entry, 8 },
            { XEN_ELFNOTE_HYPERCALL_PAGE, "Xen", &odd, 8 },
        };

        /* The page would be written across into the next frame. */
        im = build(good_segs, 3, n, 4);
        REFUSED("hypercall page not page aligned", im, true,
                "hypercall page 0xffffffff80002008 not page aligned");
    }
    {
        /*
         * Kernels placed where their virtual range wraps past 2^64: by
         * VIRT_BASE itself, by a PADDR_OFFSET above the physical start
         * (the old modular sum put that kernel at the top, below zero),
         * and by an end whose page would round up to zero.  Each has an
         * entry point inside its range, so only the wrap is wrong.
         */
        static const uint64_t top_base = 0xfffffffffffff000ULL;
        static const uint64_t top_entry = 0xfffffffffffff800ULL;
        static const uint64_t low_base = 0x1000, big_off = 0x10000;
        static const uint64_t under_entry = 0xffffffffffff3000ULL;
        static const uint64_t edge_base = 0xffffffffffff9800ULL;
        static const uint64_t edge_entry = 0xffffffffffffa800ULL;
        const struct note top[] = {
            { XEN_ELFNOTE_LOADER, "Xen", "generic", 8 },
            { XEN_ELFNOTE_VIRT_BASE, "Xen", &top_base, 8 },
            { XEN_ELFNOTE_PADDR_OFFSET, "Xen", &(uint64_t){ 0 }, 8 },
            { XEN_ELFNOTE_ENTRY, "Xen", &top_entry, 8 },
        };
        const struct note under[] = {
            { XEN_ELFNOTE_LOADER, "Xen", "generic", 8 },
            { XEN_ELFNOTE_VIRT_BASE, "Xen", &low_base, 8 },
            { XEN_ELFNOTE_PADDR_OFFSET, "Xen", &big_off, 8 },
            { XEN_ELFNOTE_ENTRY, "Xen", &under_entry, 8 },
        };
        const struct note edge[] = {
            { XEN_ELFNOTE_LOADER, "Xen", "generic", 8 },
            { XEN_ELFNOTE_VIRT_BASE, "Xen", &edge_base, 8 },
            { XEN_ELFNOTE_PADDR_OFFSET, "Xen", &(uint64_t){ 0 }, 8 },
            { XEN_ELFNOTE_ENTRY, "Xen", &edge_entry, 8 },
        };

        im = build(good_segs, 3, top, 4);
        REFUSED("VIRT_BASE at the top: range wraps", im, true,
                "kernel virtual range wraps around");
        im = build(good_segs, 3, under, 4);
        REFUSED("PADDR_OFFSET above the image: range wraps", im, true,
                "kernel virtual range wraps around");
        im = build(good_segs, 3, edge, 4);
        REFUSED("last page ends at 2^64", im, true,
                "kernel virtual range wraps around");
    }

    CASE("every truncation and 20000 random mutations: no crash")
    {
        struct img g = good();
        struct elf_image e;
        uint64_t r = 1;

        for ( size_t n = 0; n < g.len; n++ )
        {
            uint8_t *t = malloc(n ? n : 1);

            memcpy(t, g.p, n);
            if ( !elf_init(&e, t, n) )
                elf_xen_check(&e);
            free(t);
        }
        for ( unsigned int k = 0; k < 20000; k++ )
        {
            uint8_t *t = malloc(g.len);

            memcpy(t, g.p, g.len);
            for ( unsigned int m = 0; m < 1 + k % 4; m++ )
            {
                r = r * 6364136223846793005ULL + 1442695040888963407ULL;
                /* Mostly the headers and notes, where the checks are. */
                t[(r >> 33) % 0x400] = r >> 20;
            }
            if ( !elf_init(&e, t, g.len) && !elf_xen_check(&e) )
            {
                struct guest *gm = calloc(1, sizeof(*gm));

                elf_load(&e, guest_copy, gm);
                free(gm);
            }
            free(t);
        }
        free(g.p);
    }

    real_images();
    return check_failures ? 1 : 0;
}
