/* SPDX-License-Identifier: GPL-2.0-only */
/* Validation, Xen-note parsing and loading of ELF64 guest kernel images. */
#include <xen/elf.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/libelf.h>
#include <xen/string.h>
#include <public/elfnote.h>
#include <public/features.h>

/*
 * The image comes from a boot module or a guest and is not trusted: all
 * offsets are checked against its size before use, without overflow, and
 * headers are copied out with memcpy as the buffer need not be aligned.
 */

/* Kernels have a handful; a cap keeps the overlap check cheap. */
#define ELF_MAX_PHDRS 128
/*
 * Far above any real kernel (Linux: 74 MiB) yet small enough that a
 * forged memsz cannot make the builder zero terabytes.
 */
#define ELF_MAX_SPAN (1ULL << 30)
/* The guest's page size (x86), which the builders map the kernel with. */
#define ELF_PAGE_SIZE 4096ULL

#define elf_err(fmt, ...) printk(XENLOG_ERR "ELF: " fmt "\n", ##__VA_ARGS__)

/* Whether [off, off + len) lies within an image of size bytes. */
static bool in_image(size_t size, uint64_t off, uint64_t len)
{
    return off <= size && len <= size - off;
}

static void get_phdr(const struct elf_image *elf, unsigned int i,
                     Elf64_Phdr *ph)
{
    Elf32_Phdr p;

    if ( !elf->is32 )
    {
        memcpy(ph, elf->data + elf->phoff + (uint64_t)i * sizeof(*ph),
               sizeof(*ph));
        return;
    }
    memcpy(&p, elf->data + elf->phoff + (uint64_t)i * sizeof(p), sizeof(p));
    *ph = (Elf64_Phdr){ .p_type = p.p_type,
                        .p_flags = p.p_flags,
                        .p_offset = p.p_offset,
                        .p_vaddr = p.p_vaddr,
                        .p_paddr = p.p_paddr,
                        .p_filesz = p.p_filesz,
                        .p_memsz = p.p_memsz,
                        .p_align = p.p_align };
}

/* Section header i of the table at shoff, widened from ELF32 if need be. */
static void read_shdr(const struct elf_image *elf, uint64_t shoff,
                      unsigned int i, Elf64_Shdr *sh)
{
    Elf32_Shdr s;

    if ( !elf->is32 )
    {
        memcpy(sh, elf->data + shoff + (uint64_t)i * sizeof(*sh), sizeof(*sh));
        return;
    }
    memcpy(&s, elf->data + shoff + (uint64_t)i * sizeof(s), sizeof(s));
    *sh = (Elf64_Shdr){ .sh_name = s.sh_name,
                        .sh_type = s.sh_type,
                        .sh_flags = s.sh_flags,
                        .sh_addr = s.sh_addr,
                        .sh_offset = s.sh_offset,
                        .sh_size = s.sh_size,
                        .sh_link = s.sh_link,
                        .sh_info = s.sh_info,
                        .sh_addralign = s.sh_addralign,
                        .sh_entsize = s.sh_entsize };
}

static void get_shdr(const struct elf_image *elf, unsigned int i,
                     Elf64_Shdr *sh)
{
    read_shdr(elf, elf->shoff, i, sh);
}

static size_t shdr_size(const struct elf_image *elf)
{
    return elf->is32 ? sizeof(Elf32_Shdr) : sizeof(Elf64_Shdr);
}

/* The ELF32 header widened into the ELF64 one the rest reads. */
static void widen_header(const uint8_t *data, Elf64_Ehdr *eh)
{
    Elf32_Ehdr h;

    memcpy(&h, data, sizeof(h));
    *eh = (Elf64_Ehdr){ .e_type = h.e_type,
                        .e_machine = h.e_machine,
                        .e_version = h.e_version,
                        .e_entry = h.e_entry,
                        .e_phoff = h.e_phoff,
                        .e_shoff = h.e_shoff,
                        .e_flags = h.e_flags,
                        .e_ehsize = h.e_ehsize,
                        .e_phentsize = h.e_phentsize,
                        .e_phnum = h.e_phnum,
                        .e_shentsize = h.e_shentsize,
                        .e_shnum = h.e_shnum,
                        .e_shstrndx = h.e_shstrndx };
    memcpy(eh->e_ident, h.e_ident, EI_NIDENT);
}

static int check_header(struct elf_image *elf, Elf64_Ehdr *eh)
{
    static const uint8_t magic[4] = { 0x7f, 'E', 'L', 'F' };
    size_t ehsize, phsize;

    if ( elf->size < sizeof(Elf32_Ehdr) || memcmp(elf->data, magic, 4) )
    {
        elf_err("bad magic: not an ELF image");
        return -EINVAL;
    }
    elf->is32 = elf->data[EI_CLASS] == ELFCLASS32;
    ehsize = elf->is32 ? sizeof(Elf32_Ehdr) : sizeof(Elf64_Ehdr);
    phsize = elf->is32 ? sizeof(Elf32_Phdr) : sizeof(Elf64_Phdr);
    if ( elf->data[EI_CLASS] != ELFCLASS64 && !elf->is32 )
    {
        elf_err("neither a 64-bit nor a 32-bit image");
        return -EINVAL;
    }
    if ( elf->size < ehsize )
    {
        elf_err("bad magic: not an ELF image");
        return -EINVAL;
    }
    if ( elf->is32 )
        widen_header(elf->data, eh);
    else
        memcpy(eh, elf->data, sizeof(*eh));
    if ( eh->e_ident[EI_DATA] != ELFDATA2LSB )
    {
        elf_err("not a little-endian image");
        return -EINVAL;
    }
    if ( eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT )
    {
        elf_err("unknown ELF version");
        return -EINVAL;
    }
    if ( eh->e_machine != (elf->is32 ? EM_386 : EM_X86_64) )
    {
        elf_err("not an %s image (machine %u)", elf->is32 ? "i386" : "x86-64",
                eh->e_machine);
        return -EINVAL;
    }
    if ( eh->e_type != ET_EXEC )
    {
        elf_err("not an executable (type %u)", eh->e_type);
        return -EINVAL;
    }
    if ( eh->e_ehsize < ehsize || eh->e_phentsize != phsize )
    {
        elf_err("unexpected header sizes");
        return -EINVAL;
    }
    if ( !eh->e_phnum || eh->e_phnum > ELF_MAX_PHDRS )
    {
        elf_err("%u program headers", eh->e_phnum);
        return -EINVAL;
    }
    if ( !in_image(elf->size, eh->e_phoff, (uint64_t)eh->e_phnum * phsize) )
    {
        elf_err("program headers outside the image");
        return -EINVAL;
    }
    elf->e_entry = eh->e_entry;
    elf->phoff = eh->e_phoff;
    elf->phnum = eh->e_phnum;
    return 0;
}

static int check_segments(struct elf_image *elf)
{
    unsigned int i, j, nr = 0;
    Elf64_Phdr ph, other;

    elf->pstart = elf->vstart = ~0ULL;
    elf->pend = elf->vend = 0;
    for ( i = 0; i < elf->phnum; i++ )
    {
        get_phdr(elf, i, &ph);
        if ( ph.p_type == PT_NOTE &&
             !in_image(elf->size, ph.p_offset, ph.p_filesz) )
        {
            elf_err("note segment %u outside the image", i);
            return -EINVAL;
        }
        if ( ph.p_type != PT_LOAD || !ph.p_memsz )
            continue;
        if ( ph.p_filesz > ph.p_memsz )
        {
            elf_err("segment %u: file size %#llx exceeds memory size %#llx", i,
                    (unsigned long long)ph.p_filesz,
                    (unsigned long long)ph.p_memsz);
            return -EINVAL;
        }
        if ( !in_image(elf->size, ph.p_offset, ph.p_filesz) )
        {
            elf_err("segment %u outside the image", i);
            return -EINVAL;
        }
        if ( ph.p_memsz > ELF_MAX_SPAN ||
             ph.p_paddr + ph.p_memsz < ph.p_paddr ||
             ph.p_vaddr + ph.p_memsz < ph.p_vaddr )
        {
            elf_err("segment %u: size %#llx too big or wraps around", i,
                    (unsigned long long)ph.p_memsz);
            return -EINVAL;
        }
        /* Load addresses must not collide: one would overwrite another. */
        for ( j = 0; j < i; j++ )
        {
            get_phdr(elf, j, &other);
            if ( other.p_type != PT_LOAD || !other.p_memsz )
                continue;
            if ( ph.p_paddr < other.p_paddr + other.p_memsz &&
                 other.p_paddr < ph.p_paddr + ph.p_memsz )
            {
                elf_err("segment %u overlaps segment %u", i, j);
                return -EINVAL;
            }
        }
        elf->pstart = min(elf->pstart, ph.p_paddr);
        elf->pend = max(elf->pend, ph.p_paddr + ph.p_memsz);
        elf->vstart = min(elf->vstart, ph.p_vaddr);
        elf->vend = max(elf->vend, ph.p_vaddr + ph.p_memsz);
        nr++;
    }
    if ( !nr )
    {
        elf_err("no loadable segments");
        return -EINVAL;
    }
    if ( elf->pend - elf->pstart > ELF_MAX_SPAN )
    {
        elf_err("image spans %#llx bytes of memory: too big",
                (unsigned long long)(elf->pend - elf->pstart));
        return -EINVAL;
    }
    return 0;
}

/* ---- Xen notes ---- */

enum note_kind { NOTE_NUM, NOTE_STR };

static const struct {
    uint8_t type;
    uint8_t kind;
    uint16_t field; /* offset in struct elf_xen_notes */
    uint16_t size;  /* of a string's buffer */
} xen_notes[] = {
#define NUM(t, f)                                                             \
    {                                                                         \
        XEN_ELFNOTE_##t, NOTE_NUM, offsetof(struct elf_xen_notes, f), 0       \
    }
#define STR(t, f)                                                             \
    {                                                                         \
        XEN_ELFNOTE_##t, NOTE_STR, offsetof(struct elf_xen_notes, f),         \
            sizeof(((struct elf_xen_notes *)0)->f)                            \
    }
    NUM(ENTRY, entry),
    NUM(HYPERCALL_PAGE, hypercall_page),
    NUM(VIRT_BASE, virt_base),
    NUM(PADDR_OFFSET, paddr_offset),
    STR(XEN_VERSION, xen_version),
    STR(GUEST_OS, guest_os),
    STR(GUEST_VERSION, guest_version),
    STR(LOADER, loader),
    STR(PAE_MODE, pae_mode),
    STR(FEATURES, features),
    STR(BSD_SYMTAB, bsd_symtab),
    NUM(HV_START_LOW, hv_start_low),
    NUM(SUSPEND_CANCEL, suspend_cancel),
    NUM(INIT_P2M, init_p2m),
    NUM(MOD_START_PFN, mod_start_pfn),
    NUM(PHYS32_ENTRY, phys32_entry),
#undef NUM
#undef STR
};

static const struct {
    const char *name;
    unsigned int bit;
} xen_features[] = {
#define F(n)                                                                  \
    {                                                                         \
#n, XENFEAT_##n                                                       \
    }
    F(writable_page_tables),
    F(writable_descriptor_tables),
    F(auto_translated_physmap),
    F(supervisor_mode_kernel),
    F(pae_pgdir_above_4gb),
    F(mmu_pt_update_preserve_ad),
    F(highmem_assist),
    F(gnttab_map_avail_bits),
    F(hvm_callback_vector),
    F(hvm_safe_pvclock),
    F(hvm_pirqs),
    F(dom0),
    F(memory_op_vnode_supported),
    F(ARM_SMCCC_supported),
    F(linux_rsdp_unrestricted),
    F(not_direct_mapped),
    F(direct_mapped),
#undef F
};

/*
 * "name|!name|...".  An unknown name is ignored (it names something this
 * hypervisor predates) unless the kernel says it cannot run without it.
 */
static int parse_features(struct elf_xen_notes *x)
{
    const char *s = x->features;

    while ( *s )
    {
        bool required = false;
        size_t len;
        unsigned int i;

        if ( *s == '!' )
        {
            required = true;
            s++;
        }
        for ( len = 0; s[len] && s[len] != '|'; len++ )
            continue;
        for ( i = 0; i < ARRAY_SIZE(xen_features); i++ )
            if ( strlen(xen_features[i].name) == len &&
                 !strncmp(s, xen_features[i].name, len) )
                break;
        if ( i < ARRAY_SIZE(xen_features) )
        {
            x->feat_supported |= 1U << xen_features[i].bit;
            if ( required )
                x->feat_required |= 1U << xen_features[i].bit;
        }
        else if ( required )
        {
            elf_err("kernel requires unknown feature \"%.*s\"", (int)len, s);
            return -EINVAL;
        }
        else if ( len )
            printk(XENLOG_WARNING "ELF: ignoring unknown feature \"%.*s\"\n",
                   (int)len, s);
        s += len;
        if ( *s == '|' )
            s++;
    }
    return 0;
}

static int xen_note(struct elf_xen_notes *x, uint32_t type,
                    const uint8_t *desc, uint32_t len)
{
    unsigned int i;

    if ( type >= 32 )
        return 0;
    x->seen |= 1U << type;
    if ( type == XEN_ELFNOTE_SUPPORTED_FEATURES )
    {
        if ( len != 4 && len != 8 )
            goto bad;
        x->supported_features = desc[0] | (desc[1] << 8) | (desc[2] << 16) |
                                ((uint32_t)desc[3] << 24);
        return 0;
    }
    for ( i = 0; i < ARRAY_SIZE(xen_notes); i++ )
        if ( xen_notes[i].type == type )
            break;
    if ( i == ARRAY_SIZE(xen_notes) )
        return 0; /* e.g. L1_MFN_VALID, which PV x86-64 ignores */

    if ( xen_notes[i].kind == NOTE_NUM )
    {
        uint64_t v = 0;

        if ( len != 4 && len != 8 )
            goto bad;
        while ( len-- )
            v = (v << 8) | desc[len];
        memcpy((char *)x + xen_notes[i].field, &v, sizeof(v));
    }
    else
    {
        /* Up to a NUL or the end of the descriptor, whichever is first. */
        const uint8_t *nul = memchr(desc, 0, len);
        size_t n = nul ? (size_t)(nul - desc) : len;
        char *str = (char *)x + xen_notes[i].field;

        if ( n >= xen_notes[i].size )
            goto bad;
        memcpy(str, desc, n);
        str[n] = '\0';
    }
    return 0;

bad:
    elf_err("Xen note %u has bad length %u", type, len);
    return -EINVAL;
}

/*
 * The notes in data[off, off + len), aligned to align (4 normally, 8 in
 * some newer segments).  where names the container for messages.
 */
static int parse_notes(struct elf_image *elf, uint64_t off, uint64_t len,
                       uint64_t align, const char *where, unsigned int idx)
{
    const uint8_t *p = elf->data + off;
    uint64_t pos = 0;

    align = align == 8 ? 8 : 4;
    while ( len - pos >= sizeof(Elf64_Nhdr) )
    {
        Elf64_Nhdr nh;
        uint64_t name, desc, next;

        memcpy(&nh, p + pos, sizeof(nh));
        name = pos + sizeof(nh);
        desc = name + ROUNDUP((uint64_t)nh.n_namesz, align);
        next = desc + ROUNDUP((uint64_t)nh.n_descsz, align);
        /* The last descriptor's padding may be missing. */
        if ( desc > len || nh.n_descsz > len - desc )
        {
            elf_err("note at %#llx in %s %u overruns it",
                    (unsigned long long)pos, where, idx);
            return -EINVAL;
        }
        if ( nh.n_namesz == 4 && !memcmp(p + name, "Xen", 4) &&
             xen_note(&elf->xen, nh.n_type, p + desc, nh.n_descsz) )
            return -EINVAL;
        pos = min(next, len);
    }
    return 0;
}

static int find_notes(struct elf_image *elf, const Elf64_Ehdr *eh)
{
    uint64_t shoff = eh->e_shoff;
    unsigned int i, shnum = eh->e_shnum;
    Elf64_Phdr ph;
    Elf64_Shdr sh;

    memset(&elf->xen, 0, sizeof(elf->xen));
    for ( i = 0; i < elf->phnum; i++ )
    {
        get_phdr(elf, i, &ph);
        if ( ph.p_type == PT_NOTE && parse_notes(elf, ph.p_offset, ph.p_filesz,
                                                 ph.p_align, "segment", i) )
            return -EINVAL;
    }
    if ( elf->xen.seen )
        return 0;

    /* Some linkers leave notes out of PT_NOTE: look at sections too. */
    if ( !shoff || !shnum )
        return 0;
    if ( eh->e_shentsize != shdr_size(elf) ||
         !in_image(elf->size, shoff, (uint64_t)shnum * shdr_size(elf)) )
    {
        elf_err("section headers outside the image");
        return -EINVAL;
    }
    for ( i = 0; i < shnum; i++ )
    {
        read_shdr(elf, shoff, i, &sh);
        if ( sh.sh_type != SHT_NOTE )
            continue;
        if ( !in_image(elf->size, sh.sh_offset, sh.sh_size) )
        {
            elf_err("note section %u outside the image", i);
            return -EINVAL;
        }
        if ( parse_notes(elf, sh.sh_offset, sh.sh_size, sh.sh_addralign,
                         "section", i) )
            return -EINVAL;
    }
    return 0;
}

/*
 * The symbol table Xen's loader would take: the first SHT_SYMTAB section,
 * if its sh_link names another section (a bad link ends the search, as
 * in Xen).  Only BSD_SYMTAB makes anything of it; section headers that
 * are not sane are no error here, there being nothing to load then.
 */
static void find_symtab(struct elf_image *elf, const Elf64_Ehdr *eh)
{
    Elf64_Shdr sh;

    /* Xen lays a loaded table out as ELF64: none from an ELF32 image. */
    if ( elf->is32 || !eh->e_shoff || eh->e_shentsize != sizeof(sh) ||
         !in_image(elf->size, eh->e_shoff,
                   (uint64_t)eh->e_shnum * sizeof(sh)) )
        return;
    elf->shoff = eh->e_shoff;
    for ( unsigned int i = 1; i < eh->e_shnum; i++ )
    {
        get_shdr(elf, i, &sh);
        if ( sh.sh_type != SHT_SYMTAB )
            continue;
        if ( sh.sh_link && sh.sh_link < eh->e_shnum )
        {
            elf->symtab_shndx = i;
            elf->strtab_shndx = sh.sh_link;
        }
        return;
    }
}

int elf_init(struct elf_image *elf, const void *data, size_t size)
{
    Elf64_Ehdr eh;
    int rc;

    memset(elf, 0, sizeof(*elf));
    elf->data = data;
    elf->size = size;
    rc = check_header(elf, &eh);
    if ( !rc )
        rc = check_segments(elf);
    if ( !rc )
        rc = find_notes(elf, &eh);
    if ( !rc )
        find_symtab(elf, &eh);
    if ( !rc )
        rc = parse_features(&elf->xen);
    if ( !rc )
        elf->xen.feat_supported |= elf->xen.supported_features;
    return rc;
}

#define SEEN(x, t) ((x)->seen & (1U << XEN_ELFNOTE_##t))

/* Xen aligns each piece of a loaded ELF64 symbol table to 8 bytes. */
#define SYM_ALIGN 8ULL
/* What comes first: a 32-bit size, an ELF header, three section headers. */
#define SYM_HEADER (4 + sizeof(Elf64_Ehdr) + 3 * sizeof(Elf64_Shdr))

/* *a + b rounded up to SYM_ALIGN; false if that passes 2^64. */
static bool sym_advance(uint64_t *a, uint64_t b)
{
    if ( __builtin_add_overflow(*a, b + SYM_ALIGN - 1, a) )
        return false;
    *a &= ~(SYM_ALIGN - 1);
    return true;
}

/*
 * BSD_SYMTAB "yes": where the symbol table goes (elf_load()), right after
 * the segments, and the kernel's end moved past it, as Xen's loader does.
 * Without a symbol table whose link is a string table Xen loads nothing,
 * and neither do we; tables outside the image are refused.
 */
static int place_symtab(struct elf_image *elf)
{
    Elf64_Shdr sym, str;
    uint64_t end = elf->pend;

    if ( strcmp(elf->xen.bsd_symtab, "yes") || !elf->symtab_shndx )
        return 0;
    get_shdr(elf, elf->symtab_shndx, &sym);
    get_shdr(elf, elf->strtab_shndx, &str);
    if ( str.sh_type != SHT_STRTAB )
        return 0;
    if ( !in_image(elf->size, sym.sh_offset, sym.sh_size) ||
         !in_image(elf->size, str.sh_offset, str.sh_size) )
    {
        elf_err("symbol or string table outside the image");
        return -EINVAL;
    }
    if ( !sym_advance(&end, 0) )
        goto wraps;
    elf->sym_pstart = end;
    if ( !sym_advance(&end, SYM_HEADER) || !sym_advance(&end, sym.sh_size) ||
         !sym_advance(&end, str.sh_size) ||
         __builtin_add_overflow(elf->virt_kstart, end - elf->pstart,
                                &elf->virt_kend) ||
         elf->virt_kend > -ELF_PAGE_SIZE )
        goto wraps;
    elf->sym_pend = end;
    return 0;

wraps:
    elf_err("kernel and symbol table wrap around");
    return -EINVAL;
}

int elf_xen_check(struct elf_image *elf)
{
    struct elf_xen_notes *x = &elf->xen;
    uint64_t virt_base = SEEN(x, VIRT_BASE) ? x->virt_base : 0;
    uint64_t paddr_offset = SEEN(x, PADDR_OFFSET) ? x->paddr_offset : 0;

    if ( !x->seen )
    {
        elf_err("no Xen notes: not a PV kernel");
        return -EINVAL;
    }
    /*
     * As Xen: the version and loader need only start so ("xen-3.0.2",
     * "generic-v2", "linux-2.6" pass).  Xen also insists on the version
     * note, which we let a kernel leave out.
     */
    if ( x->xen_version[0] && strncmp(x->xen_version, "xen-3.0", 7) )
    {
        elf_err("built for \"%s\", not xen-3.0", x->xen_version);
        return -EINVAL;
    }
    if ( strncmp(x->loader, "generic", 7) && strncmp(x->guest_os, "linux", 5) )
    {
        elf_err("neither the generic loader nor Linux");
        return -EINVAL;
    }
    if ( SEEN(x, PADDR_OFFSET) && !SEEN(x, VIRT_BASE) )
    {
        elf_err("PADDR_OFFSET without VIRT_BASE");
        return -EINVAL;
    }

    /*
     * p_paddr is the offset from VIRT_BASE, less PADDR_OFFSET.  Checked
     * without wrapping: a kernel placed by modular arithmetic at the top
     * of the address space (or past it) would have the builders lay out,
     * map and loop over a region that wraps through zero.  The end must
     * also leave its last page's end representable.
     */
    elf->virt_offset = virt_base - paddr_offset;
    if ( elf->pstart < paddr_offset ||
         __builtin_add_overflow(virt_base, elf->pstart - paddr_offset,
                                &elf->virt_kstart) ||
         __builtin_add_overflow(elf->virt_kstart, elf->pend - elf->pstart,
                                &elf->virt_kend) ||
         elf->virt_kend > -ELF_PAGE_SIZE )
    {
        elf_err("kernel virtual range wraps around (VIRT_BASE %#llx, "
                "PADDR_OFFSET %#llx, physical %#llx-%#llx)",
                (unsigned long long)virt_base,
                (unsigned long long)paddr_offset,
                (unsigned long long)elf->pstart,
                (unsigned long long)elf->pend);
        return -EINVAL;
    }
    if ( place_symtab(elf) )
        return -EINVAL;
    elf->virt_entry = SEEN(x, ENTRY) ? x->entry : elf->e_entry;
    if ( virt_base > elf->virt_kstart )
    {
        elf_err("VIRT_BASE %#llx above the image at %#llx",
                (unsigned long long)virt_base,
                (unsigned long long)elf->virt_kstart);
        return -EINVAL;
    }
    if ( elf->virt_entry < elf->virt_kstart ||
         elf->virt_entry >= elf->virt_kend )
    {
        elf_err("entry point %#llx outside the image",
                (unsigned long long)elf->virt_entry);
        return -EINVAL;
    }
    if ( SEEN(x, HYPERCALL_PAGE) && (x->hypercall_page < elf->virt_kstart ||
                                     x->hypercall_page >= elf->virt_kend) )
    {
        elf_err("hypercall page %#llx outside the image",
                (unsigned long long)x->hypercall_page);
        return -EINVAL;
    }
    /* The builders write a whole page there: not into the next frame. */
    if ( SEEN(x, HYPERCALL_PAGE) && (x->hypercall_page & (ELF_PAGE_SIZE - 1)) )
    {
        elf_err("hypercall page %#llx not page aligned",
                (unsigned long long)x->hypercall_page);
        return -EINVAL;
    }
    return 0;
}

/* The symbol table where place_symtab() put it, laid out as Xen does. */
static int load_symtab(const struct elf_image *elf, elf_copy_fn *copy,
                       void *ctx)
{
    uint8_t hdr[SYM_HEADER];
    Elf64_Ehdr eh;
    Elf64_Shdr sh[3];
    /* Offsets in the copied headers count from the ELF header. */
    uint64_t base = elf->sym_pstart + 4, at = elf->sym_pstart;
    uint64_t from[3];
    uint32_t size;
    int rc;

    memcpy(&eh, elf->data, sizeof(eh));
    eh.e_version = EV_CURRENT;
    eh.e_ehsize = sizeof(eh);
    eh.e_shentsize = sizeof(Elf64_Shdr);
    eh.e_shoff = sizeof(eh);
    eh.e_shnum = 3;
    eh.e_phoff = eh.e_phentsize = eh.e_phnum = eh.e_shstrndx = 0;
    memset(sh, 0, sizeof(sh[0]));
    get_shdr(elf, elf->symtab_shndx, &sh[1]);
    get_shdr(elf, elf->strtab_shndx, &sh[2]);
    sh[1].sh_link = 2;
    sym_advance(&at, SYM_HEADER);
    for ( unsigned int i = 1; i < 3; i++ )
    {
        from[i] = sh[i].sh_offset;
        sh[i].sh_offset = at - base;
        sym_advance(&at, sh[i].sh_size);
    }
    size = sh[2].sh_offset + sh[2].sh_size;
    memcpy(hdr, &size, 4);
    memcpy(hdr + 4, &eh, sizeof(eh));
    memcpy(hdr + 4 + sizeof(eh), sh, sizeof(sh));

    /* The headers, each table, and zeroes up to each next piece. */
    if ( (rc = copy(ctx, elf->sym_pstart, hdr, sizeof(hdr))) )
        return rc;
    at = elf->sym_pstart + sizeof(hdr);
    for ( unsigned int i = 1; i < 3; i++ )
    {
        uint64_t to = base + sh[i].sh_offset;

        if ( (to > at && (rc = copy(ctx, at, NULL, to - at))) ||
             (sh[i].sh_size &&
              (rc = copy(ctx, to, elf->data + from[i], sh[i].sh_size))) )
            return rc;
        at = to + sh[i].sh_size;
    }
    return at < elf->sym_pend ? copy(ctx, at, NULL, elf->sym_pend - at) : 0;
}

int elf_load(const struct elf_image *elf, elf_copy_fn *copy, void *ctx)
{
    unsigned int i;
    Elf64_Phdr ph;
    int rc;

    for ( i = 0; i < elf->phnum; i++ )
    {
        get_phdr(elf, i, &ph);
        if ( ph.p_type != PT_LOAD || !ph.p_memsz )
            continue;
        if ( ph.p_filesz && (rc = copy(ctx, ph.p_paddr,
                                       elf->data + ph.p_offset, ph.p_filesz)) )
            return rc;
        /* The rest of the segment (bss) starts zeroed. */
        if ( ph.p_memsz > ph.p_filesz &&
             (rc = copy(ctx, ph.p_paddr + ph.p_filesz, NULL,
                        ph.p_memsz - ph.p_filesz)) )
            return rc;
    }
    return elf->sym_pend ? load_symtab(elf, copy, ctx) : 0;
}
