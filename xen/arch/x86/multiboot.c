/* SPDX-License-Identifier: GPL-2.0-only */
/* Extracts command line, modules, memory map, RSDP from multiboot 1/2 info. */
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/string.h>
#include <asm/multiboot.h>

/*
 * Copies at most size - 1 characters, never reading past max bytes of src:
 * the loader's strings are not to be trusted to be terminated.
 */
static void copy_string(char *dst, size_t size, const char *src, size_t max)
{
    size_t n = 0;

    if ( src )
        while ( n + 1 < size && n < max && src[n] )
        {
            dst[n] = src[n];
            n++;
        }
    dst[n] = '\0';
}

/* Loaders put the image's own path first; options start after it. */
static const char *skip_word(const char *s)
{
    while ( *s == ' ' )
        s++;
    while ( *s && *s != ' ' )
        s++;
    while ( *s == ' ' )
        s++;
    return s;
}

/*
 * The loader passes our image's name first.  GRUB menus (Debian's among
 * them) may follow it with the word "placeholder", which Xen drops too.
 */
static const char *skip_image_name(const char *s)
{
    s = skip_word(s);
    if ( !strncmp(s, "placeholder", 11) && (s[11] == ' ' || !s[11]) )
        s = skip_word(s);
    return s;
}

static void add_module(struct boot_info *bi, paddr_t start, paddr_t end,
                       const char *string, size_t max)
{
    struct boot_module *mod;

    if ( bi->nr_modules == MAX_BOOT_MODULES )
    {
        printk(XENLOG_WARNING "multiboot: more than %u modules, ignoring "
                              "%#llx-%#llx\n",
               MAX_BOOT_MODULES, (unsigned long long)start,
               (unsigned long long)end);
        return;
    }
    if ( end < start )
    {
        printk(XENLOG_WARNING "multiboot: module %u ends before it starts\n",
               bi->nr_modules);
        return;
    }
    mod = &bi->modules[bi->nr_modules++];
    mod->start = start;
    mod->end = end;
    copy_string(mod->string, sizeof(mod->string), string, max);
}

static void add_mmap(struct boot_info *bi, uint64_t addr, uint64_t len,
                     uint32_t type)
{
    if ( e820_add_range(&bi->mmap, addr, addr + len, type) )
        printk(XENLOG_WARNING "multiboot: memory map too long, ignoring "
                              "%#llx+%#llx\n",
               (unsigned long long)addr, (unsigned long long)len);
}

#define PTR(pa) ((const void *)(map_base + (uintptr_t)(pa)))

static void parse_mb1(paddr_t info, uintptr_t map_base, struct boot_info *bi)
{
    const struct multiboot_info *mbi = PTR(info);
    unsigned int i;

    bi->protocol = 1;
    bi->info_start = info;
    bi->info_end = info + sizeof(*mbi);

    if ( mbi->flags & MBI_CMDLINE )
        copy_string(bi->cmdline, sizeof(bi->cmdline), PTR(mbi->cmdline),
                    ~(size_t)0);
    if ( mbi->flags & MBI_LOADERNAME )
        copy_string(bi->loader_name, sizeof(bi->loader_name),
                    PTR(mbi->boot_loader_name), ~(size_t)0);
    if ( mbi->flags & MBI_MEMLIMITS )
    {
        bi->has_meminfo = true;
        bi->mem_lower = mbi->mem_lower;
        bi->mem_upper = mbi->mem_upper;
    }
    if ( mbi->flags & MBI_MODULES )
        for ( i = 0; i < mbi->mods_count; i++ )
        {
            const struct multiboot_module *mod = PTR(mbi->mods_addr +
                                                     i * sizeof(*mod));

            add_module(bi, mod->mod_start, mod->mod_end,
                       mod->string ? PTR(mod->string) : NULL, ~(size_t)0);
        }
    if ( mbi->flags & MBI_MEMMAP )
    {
        uint32_t off = 0;

        while ( off + sizeof(struct multiboot_mmap_entry) <= mbi->mmap_length )
        {
            const struct multiboot_mmap_entry *e = PTR(mbi->mmap_addr + off);

            /* size excludes itself and must cover addr, len and type. */
            if ( e->size < sizeof(*e) - 4 )
            {
                printk(XENLOG_WARNING "multiboot: bad memory map entry size "
                                      "%u, ignoring the rest\n",
                       e->size);
                break;
            }
            add_mmap(bi, e->addr, e->len, e->type);
            off += e->size + 4;
        }
    }
}

static void parse_mb2(paddr_t info, uintptr_t map_base, struct boot_info *bi)
{
    const struct mb2_info *hdr = PTR(info);
    uint32_t total = hdr->total_size, off = sizeof(*hdr);

    bi->protocol = 2;
    bi->info_start = info;
    bi->info_end = info + total;

    while ( off + sizeof(struct mb2_tag) <= total )
    {
        const struct mb2_tag *tag = PTR(info + off);
        const struct mb2_tag_string *str = (const void *)tag;
        const struct mb2_tag_acpi *acpi = (const void *)tag;
        size_t n;

        if ( tag->size < sizeof(*tag) || tag->size > total - off )
        {
            printk(XENLOG_WARNING "multiboot2: bad tag (type %u size %u) at "
                                  "offset %u, ignoring the rest\n",
                   tag->type, tag->size, off);
            return;
        }

        switch ( tag->type )
        {
        case MB2_TAG_END:
            return;

        case MB2_TAG_CMDLINE:
            copy_string(bi->cmdline, sizeof(bi->cmdline), str->string,
                        tag->size - sizeof(*tag));
            break;

        case MB2_TAG_LOADER_NAME:
            copy_string(bi->loader_name, sizeof(bi->loader_name), str->string,
                        tag->size - sizeof(*tag));
            break;

        case MB2_TAG_MODULE:
        {
            const struct mb2_tag_module *mod = (const void *)tag;

            if ( tag->size >= sizeof(*mod) )
                add_module(bi, mod->mod_start, mod->mod_end, mod->cmdline,
                           tag->size - sizeof(*mod));
            break;
        }

        case MB2_TAG_BASIC_MEMINFO:
        {
            const struct mb2_tag_basic_meminfo *mem = (const void *)tag;

            if ( tag->size >= sizeof(*mem) )
            {
                bi->has_meminfo = true;
                bi->mem_lower = mem->mem_lower;
                bi->mem_upper = mem->mem_upper;
            }
            break;
        }

        case MB2_TAG_MMAP:
        {
            const struct mb2_tag_mmap *mm = (const void *)tag;
            uint32_t pos;

            if ( tag->size < sizeof(*mm) ||
                 mm->entry_size < sizeof(struct mb2_mmap_entry) )
            {
                printk(XENLOG_WARNING "multiboot2: bad memory map tag\n");
                break;
            }
            /* Entries may be longer than we know; step by entry_size. */
            for ( pos = sizeof(*mm); pos + mm->entry_size <= tag->size;
                  pos += mm->entry_size )
            {
                const struct mb2_mmap_entry *e =
                    (const void *)((const char *)tag + pos);

                add_mmap(bi, e->addr, e->len, e->type);
            }
            break;
        }

        case MB2_TAG_ACPI_NEW:
        case MB2_TAG_ACPI_OLD:
            /* A 2.0+ RSDP is preferred, whichever order the tags come. */
            if ( tag->type == MB2_TAG_ACPI_OLD && bi->rsdp_len > 20 )
                break;
            n = min((size_t)tag->size - sizeof(*tag), sizeof(bi->rsdp));
            if ( tag->type == MB2_TAG_ACPI_OLD )
                n = min(n, (size_t)20);
            memcpy(bi->rsdp, acpi->rsdp, n);
            bi->rsdp_len = n;
            break;
        }

        off += ROUNDUP(tag->size, 8);
    }
    printk(XENLOG_WARNING "multiboot2: no end tag\n");
}

int multiboot_parse(uint32_t magic, paddr_t info, uintptr_t map_base,
                    struct boot_info *bi)
{
    memset(bi, 0, sizeof(*bi));
    bi->args = bi->cmdline;

    if ( magic == MULTIBOOT_BOOTLOADER_MAGIC )
        parse_mb1(info, map_base, bi);
    else if ( magic == MULTIBOOT2_BOOTLOADER_MAGIC )
    {
        const struct mb2_info *hdr = PTR(info);

        if ( (info & 7) || hdr->total_size < sizeof(*hdr) + 8 )
        {
            printk(XENLOG_ERR "multiboot2: bad info at %#llx\n",
                   (unsigned long long)info);
            return -EINVAL;
        }
        parse_mb2(info, map_base, bi);
    }
    else
    {
        printk(XENLOG_ERR "multiboot: unknown magic %#x\n", magic);
        return -EINVAL;
    }

    bi->args = skip_image_name(bi->cmdline);
    return 0;
}
