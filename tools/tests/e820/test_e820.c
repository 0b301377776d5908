/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for e820.c and multiboot.c, using hand-built boot information. */
#include <stdint.h>
#include <xen/errno.h>
#include <asm/e820.h>
#include <asm/multiboot.h>
#include "check.h"

static struct e820map map;
static struct boot_info bi;

/* Pretend physical memory for the boot information, from address 0. */
static _Alignas(8) unsigned char phys[64 * 1024];
#define BASE ((uintptr_t)phys)

static void set_map(const struct e820entry *e, unsigned int n)
{
    unsigned int i;

    map.nr_map = 0;
    for ( i = 0; i < n; i++ )
        e820_add_range(&map, e[i].addr, e[i].addr + e[i].size, e[i].type);
}

static bool map_is(const struct e820entry *e, unsigned int n)
{
    unsigned int i;

    if ( map.nr_map != n )
        return false;
    for ( i = 0; i < n; i++ )
        if ( map.map[i].addr != e[i].addr || map.map[i].size != e[i].size ||
             map.map[i].type != e[i].type )
            return false;
    return true;
}

static void dump(void)
{
    unsigned int i;

    for ( i = 0; i < map.nr_map; i++ )
        printf("  [%u] %#llx+%#llx type %u\n", i,
               (unsigned long long)map.map[i].addr,
               (unsigned long long)map.map[i].size, map.map[i].type);
}

#define EXPECT_MAP(...)                                                       \
    do {                                                                      \
        static const struct e820entry want_[] = { __VA_ARGS__ };              \
        bool ok_ = map_is(want_, ARRAY_SIZE(want_));                          \
        CHECK(ok_);                                                           \
        if ( !ok_ )                                                           \
            dump();                                                           \
    } while ( 0 )

#define RAM E820_RAM
#define RSV E820_RESERVED

static void test_sanitize(void)
{
    CASE("sanitize: unsorted entries come out sorted")
    {
        static const struct e820entry in[] = {
            { 0x100000, 0x7ef00000, RAM },
            { 0xf0000, 0x10000, RSV },
            { 0, 0x9fc00, RAM },
            { 0x9fc00, 0x400, RSV },
        };

        set_map(in, ARRAY_SIZE(in));
        e820_sanitize(&map);
        EXPECT_MAP({ 0, 0x9f000, RAM }, { 0x9f000 + 0xc00, 0x400, RSV },
                   { 0xf0000, 0x10000, RSV }, { 0x100000, 0x7ef00000, RAM });
    }

    CASE("sanitize: RAM partly covering a reserved page is trimmed to pages")
    {
        /* 0x9fc00..0xa0000 is reserved; RAM below rounds down to 0x9f000. */
        static const struct e820entry in[] = {
            { 0, 0x9fc00, RAM }, { 0x9fc00, 0x400, RSV },
            { 0x100800, 0x1000, RAM },
        };

        set_map(in, ARRAY_SIZE(in));
        e820_sanitize(&map);
        EXPECT_MAP({ 0, 0x9f000, RAM }, { 0x9fc00, 0x400, RSV });
    }

    CASE("sanitize: overlaps resolved, reserved wins over RAM")
    {
        static const struct e820entry in[] = {
            { 0x100000, 0x1000000, RAM },
            { 0x400000, 0x100000, RSV },
            { 0x1000000, 0x200000, RAM },       /* overlaps the end */
            { 0x800000, 0x1000, E820_ACPI },
        };

        set_map(in, ARRAY_SIZE(in));
        e820_sanitize(&map);
        EXPECT_MAP({ 0x100000, 0x300000, RAM }, { 0x400000, 0x100000, RSV },
                   { 0x500000, 0x300000, RAM },
                   { 0x800000, 0x1000, E820_ACPI },
                   { 0x801000, 0x9ff000, RAM });
    }

    CASE("sanitize: adjacent and duplicate same-type entries merge")
    {
        static const struct e820entry in[] = {
            { 0x200000, 0x100000, RAM }, { 0x100000, 0x100000, RAM },
            { 0x100000, 0x100000, RAM }, { 0x300000, 0x1000, RAM },
            { 0xfec00000, 0x1000, RSV }, { 0xfec01000, 0x1000, RSV },
        };

        set_map(in, ARRAY_SIZE(in));
        e820_sanitize(&map);
        EXPECT_MAP({ 0x100000, 0x201000, RAM }, { 0xfec00000, 0x2000, RSV });
    }

    CASE("sanitize: zero-length and sub-page RAM entries dropped")
    {
        static const struct e820entry in[] = {
            { 0x1000, 0, RAM }, { 0x5000, 0, RSV }, { 0x2100, 0x800, RAM },
            { 0x100000, 0x100000, RAM },
        };

        set_map(in, ARRAY_SIZE(in));
        e820_sanitize(&map);
        EXPECT_MAP({ 0x100000, 0x100000, RAM });
    }

    CASE("sanitize: holes kept, RAM above 4 GiB, unknown types kept")
    {
        static const struct e820entry in[] = {
            { 0x100000000ULL, 0x380000000ULL, RAM },
            { 0x100000, 0xbff00000, RAM },
            { 0xfed00000, 0x1000, 12 },
            { 0xe0000000, 0x10000000, RSV },
            { 0x17ffff000ULL, 0x2000, RSV },    /* inside high RAM */
        };

        set_map(in, ARRAY_SIZE(in));
        e820_sanitize(&map);
        EXPECT_MAP({ 0x100000, 0xbff00000, RAM },
                   { 0xe0000000, 0x10000000, RSV }, { 0xfed00000, 0x1000, 12 },
                   { 0x100000000ULL, 0x7ffff000ULL, RAM },
                   { 0x17ffff000ULL, 0x2000, RSV },
                   { 0x180001000ULL, 0x2fffff000ULL, RAM });
        CHECK_EQ(e820_ram_end(&map), 0x480000000ULL);
        CHECK_EQ(e820_ram_total(&map),
                 0xbff00000ULL + 0x380000000ULL - 0x2000);
    }

    CASE("sanitize: an entry running past 2^64 is clipped, not wrapped")
    {
        map.nr_map = 1;
        map.map[0].addr = 0xfffffffffff00000ULL;
        map.map[0].size = 0x200000;
        map.map[0].type = RSV;
        e820_add_range(&map, 0x1000, 0x2000, RAM);
        e820_sanitize(&map);
        EXPECT_MAP({ 0x1000, 0x1000, RAM },
                   { 0xfffffffffff00000ULL, 0xfffff, RSV });
    }

    CASE("sanitize: empty map stays empty; a full map still works")
    {
        unsigned int i;

        map.nr_map = 0;
        e820_sanitize(&map);
        CHECK_EQ(map.nr_map, 0);
        for ( i = 0; i < E820MAX; i++ )
            CHECK(!e820_add_range(&map, (uint64_t)(E820MAX - i) << 20,
                                  ((uint64_t)(E820MAX - i) << 20) + 0x80000,
                                  i & 1 ? RAM : RSV));
        CHECK(e820_add_range(&map, 0, 0x1000, RAM) == -ENOSPC);
        e820_sanitize(&map);
        CHECK_EQ(map.nr_map, E820MAX);
        CHECK(map.map[0].addr < map.map[1].addr);
    }
}

static void test_reserve_and_iterate(void)
{
    CASE("reserve: carving the image and modules out of RAM")
    {
        static const struct e820entry in[] = {
            { 0, 0x9f000, RAM }, { 0x100000, 0x3ff00000, RAM },
            { 0xfee00000, 0x1000, RSV },
        };
        uint64_t s, e, total = 0;
        unsigned int i = 0, n = 0;

        set_map(in, ARRAY_SIZE(in));
        e820_sanitize(&map);
        CHECK_EQ(e820_reserve_ram(&map, 0x200000, 0x400000), 0);
        /* Spanning a hole and a reserved entry only touches RAM. */
        CHECK_EQ(e820_reserve_ram(&map, 0x9e000, 0x101000), 0);
        EXPECT_MAP({ 0, 0x9e000, RAM }, { 0x9e000, 0x1000, RSV },
                   { 0x100000, 0x1000, RSV }, { 0x101000, 0xff000, RAM },
                   { 0x200000, 0x200000, RSV }, { 0x400000, 0x3fc00000, RAM },
                   { 0xfee00000, 0x1000, RSV });
        while ( e820_next_ram(&map, &i, &s, &e) )
        {
            n++;
            total += e - s;
        }
        CHECK_EQ(n, 3);
        CHECK_EQ(total, e820_ram_total(&map));
        CHECK_EQ(e820_change_range_type(&map, 0x200000, 0x300000, RSV, RAM),
                 0);
        /* Given back, it merges with the RAM below. */
        CHECK_EQ(map.map[3].size, 0x1ff000);
        CHECK_EQ(map.map[4].addr, 0x300000);
        CHECK_EQ(map.map[4].type, RSV);
    }

    CASE("print: one line per entry")
    {
        static const struct e820entry in[] = {
            { 0, 0x9f000, RAM }, { 0xf0000, 0x10000, RSV },
        };

        set_map(in, ARRAY_SIZE(in));
        harness_log_clear();
        e820_print(&map);
        CHECK_LOG("0000000000000000 - 000000000009f000 (usable");
        CHECK_LOG("(reserved");
    }
}

/* ---- Multiboot 1 ---- */

static void put_str(uint32_t pa, const char *s)
{
    strcpy((char *)phys + pa, s);
}

static void build_mb1(bool with_mmap)
{
    struct multiboot_info *mbi = (void *)(phys + 0x1000);
    struct multiboot_module *mods = (void *)(phys + 0x2000);
    unsigned char *mm = phys + 0x3000;
    static const struct { uint64_t a, l; uint32_t t; } ents[] = {
        { 0x100000, 0x7ff00000, RAM }, { 0, 0x9fc00, RAM },
        { 0x9fc00, 0x400, RSV }, { 0x100000000ULL, 0x40000000, RAM },
    };
    unsigned int i, off = 0;

    memset(phys, 0, sizeof(phys));
    mbi->flags = MBI_MEMLIMITS | MBI_CMDLINE | MBI_MODULES | MBI_LOADERNAME |
                 (with_mmap ? MBI_MEMMAP : 0);
    mbi->mem_lower = 639;
    mbi->mem_upper = 64 * 1024;
    mbi->cmdline = 0x4000;
    put_str(0x4000, "/boot/xen.gz  console=com1 dom0_mem=512M");
    mbi->boot_loader_name = 0x4100;
    put_str(0x4100, "GRUB 2.06");
    mbi->mods_count = 2;
    mbi->mods_addr = 0x2000;
    mods[0].mod_start = 0x1000000;
    mods[0].mod_end = 0x1800000;
    mods[0].string = 0x4200;
    put_str(0x4200, "/boot/vmlinuz root=/dev/sda1");
    mods[1].mod_start = 0x1800000;
    mods[1].mod_end = 0x1900000;
    mods[1].string = 0;
    /* Entries with a larger size field than 20: the extra is skipped. */
    for ( i = 0; i < ARRAY_SIZE(ents); i++ )
    {
        struct multiboot_mmap_entry *e = (void *)(mm + off);

        e->size = i == 1 ? 28 : 20;
        e->addr = ents[i].a;
        e->len = ents[i].l;
        e->type = ents[i].t;
        off += e->size + 4;
    }
    mbi->mmap_addr = 0x3000;
    mbi->mmap_length = off;
}

static void test_multiboot1(void)
{
    CASE("mb1: a leading \"placeholder\" word is dropped from the options")
    {
        build_mb1(true);
        put_str(0x4000, "/boot/xen.gz placeholder loglvl=all");
        CHECK_EQ(multiboot_parse(MULTIBOOT_BOOTLOADER_MAGIC, 0x1000, BASE,
                                 &bi), 0);
        CHECK_STR(bi.args, "loglvl=all");
        put_str(0x4000, "/boot/xen.gz placeholders=1");
        CHECK_EQ(multiboot_parse(MULTIBOOT_BOOTLOADER_MAGIC, 0x1000, BASE,
                                 &bi), 0);
        CHECK_STR(bi.args, "placeholders=1");
    }

    CASE("mb1: cmdline, loader name, modules, memory map")
    {
        build_mb1(true);
        CHECK_EQ(multiboot_parse(MULTIBOOT_BOOTLOADER_MAGIC, 0x1000, BASE,
                                 &bi), 0);
        CHECK_EQ(bi.protocol, 1);
        CHECK_STR(bi.cmdline, "/boot/xen.gz  console=com1 dom0_mem=512M");
        CHECK_STR(bi.args, "console=com1 dom0_mem=512M");
        CHECK_STR(bi.loader_name, "GRUB 2.06");
        CHECK_EQ(bi.nr_modules, 2);
        CHECK_EQ(bi.modules[0].start, 0x1000000);
        CHECK_EQ(bi.modules[0].end, 0x1800000);
        CHECK_STR(bi.modules[0].string, "/boot/vmlinuz root=/dev/sda1");
        CHECK_STR(bi.modules[1].string, "");
        CHECK_EQ(bi.mmap.nr_map, 4);
        CHECK_EQ(bi.mmap.map[3].addr, 0x100000000ULL);
        CHECK(bi.has_meminfo && bi.mem_lower == 639);
        CHECK_EQ(bi.info_start, 0x1000);
        CHECK_EQ(bi.rsdp_len, 0);
        CHECK_EQ(e820_from_boot_info(&map, &bi), 4);
        EXPECT_MAP({ 0, 0x9f000, RAM }, { 0x9fc00, 0x400, RSV },
                   { 0x100000, 0x7ff00000, RAM },
                   { 0x100000000ULL, 0x40000000, RAM });
    }

    CASE("mb1: absent map falls back to mem_lower/mem_upper, with warning")
    {
        build_mb1(false);
        CHECK_EQ(multiboot_parse(MULTIBOOT_BOOTLOADER_MAGIC, 0x1000, BASE,
                                 &bi), 0);
        CHECK_EQ(bi.mmap.nr_map, 0);
        harness_log_clear();
        CHECK_EQ(e820_from_boot_info(&map, &bi), 2);
        CHECK_LOG("no memory map");
        EXPECT_MAP({ 0, 0x9f000, RAM }, { 0x100000, 64ULL << 20, RAM });
    }

    CASE("mb1: no memory information at all is an error")
    {
        build_mb1(false);
        ((struct multiboot_info *)(phys + 0x1000))->flags = 0;
        CHECK_EQ(multiboot_parse(MULTIBOOT_BOOTLOADER_MAGIC, 0x1000, BASE,
                                 &bi), 0);
        CHECK_STR(bi.cmdline, "");
        CHECK_STR(bi.args, "");
        CHECK_EQ(bi.nr_modules, 0);
        CHECK_EQ(e820_from_boot_info(&map, &bi), -ENODEV);
    }

    CASE("mb1: bogus entry size stops the walk with a warning")
    {
        build_mb1(true);
        ((struct multiboot_mmap_entry *)(phys + 0x3000 + 24))->size = 4;
        harness_log_clear();
        multiboot_parse(MULTIBOOT_BOOTLOADER_MAGIC, 0x1000, BASE, &bi);
        CHECK_EQ(bi.mmap.nr_map, 1);
        CHECK_LOG("bad memory map entry size");
    }

    CASE("mb1: overlong command line truncated; bad magic rejected")
    {
        build_mb1(true);
        memset(phys + 0x5000, 'a', 3000);
        ((struct multiboot_info *)(phys + 0x1000))->cmdline = 0x5000;
        multiboot_parse(MULTIBOOT_BOOTLOADER_MAGIC, 0x1000, BASE, &bi);
        CHECK_EQ(strlen(bi.cmdline), BOOT_STRING_SIZE - 1);
        CHECK_EQ(multiboot_parse(0x12345678, 0x1000, BASE, &bi), -EINVAL);
    }
}

/* ---- Multiboot 2 ---- */

static uint32_t mb2_off;

static void *mb2_tag(uint32_t type, uint32_t size)
{
    struct mb2_tag *t = (void *)(phys + 0x1000 + mb2_off);

    t->type = type;
    t->size = size;
    mb2_off += (size + 7) & ~7U;
    return t;
}

static void mb2_string(uint32_t type, const char *s)
{
    struct mb2_tag_string *t = mb2_tag(type, 8 + strlen(s) + 1);

    strcpy(t->string, s);
}

static void mb2_begin(void)
{
    memset(phys, 0, sizeof(phys));
    mb2_off = 8;
}

static void mb2_end(void)
{
    mb2_tag(MB2_TAG_END, 8);
    ((struct mb2_info *)(phys + 0x1000))->total_size = mb2_off;
}

static void mb2_module(uint32_t s, uint32_t e, const char *str)
{
    struct mb2_tag_module *m = mb2_tag(MB2_TAG_MODULE, 16 + strlen(str) + 1);

    m->mod_start = s;
    m->mod_end = e;
    strcpy(m->cmdline, str);
}

static void mb2_mmap(uint32_t entry_size)
{
    static const struct mb2_mmap_entry ents[] = {
        { 0x100000000ULL, 0x80000000ULL, RAM, 0 },
        { 0, 0x9fc00, RAM, 0 },
        { 0x100000, 0xbff00000, RAM, 0 },
        { 0xc0000000, 0x40000000, RSV, 0 },
        { 0x0, 0, RAM, 0 },
    };
    struct mb2_tag_mmap *t = mb2_tag(MB2_TAG_MMAP, 16 + 5 * entry_size);
    unsigned int i;

    t->entry_size = entry_size;
    t->entry_version = 0;
    for ( i = 0; i < 5; i++ )
        memcpy((char *)(t + 1) + i * entry_size, &ents[i], sizeof(ents[i]));
}

static void test_multiboot2(void)
{
    CASE("mb2: tags parsed: cmdline, loader, modules, mmap, meminfo")
    {
        struct mb2_tag_basic_meminfo *mem;

        mb2_begin();
        mb2_string(MB2_TAG_CMDLINE, "xen.gz loglvl=all");
        mb2_string(MB2_TAG_LOADER_NAME, "GRUB 2.06");
        mem = mb2_tag(MB2_TAG_BASIC_MEMINFO, 16);
        mem->mem_lower = 639;
        mem->mem_upper = 1024;
        mb2_module(0x2000000, 0x2400000, "vmlinuz console=hvc0");
        mb2_module(0x2400000, 0x2500000, "initrd.img");
        mb2_tag(99, 12);        /* unknown tag: skipped */
        mb2_mmap(24);
        mb2_end();
        CHECK_EQ(multiboot_parse(MULTIBOOT2_BOOTLOADER_MAGIC, 0x1000, BASE,
                                 &bi), 0);
        CHECK_EQ(bi.protocol, 2);
        CHECK_STR(bi.args, "loglvl=all");
        CHECK_STR(bi.loader_name, "GRUB 2.06");
        CHECK_EQ(bi.nr_modules, 2);
        CHECK_STR(bi.modules[0].string, "vmlinuz console=hvc0");
        CHECK_EQ(bi.modules[1].end, 0x2500000);
        CHECK(bi.has_meminfo && bi.mem_upper == 1024);
        CHECK_EQ(bi.mmap.nr_map, 5);
        CHECK_EQ(bi.info_end - bi.info_start, mb2_off);
        CHECK_EQ(e820_from_boot_info(&map, &bi), 4);
        EXPECT_MAP({ 0, 0x9f000, RAM }, { 0x100000, 0xbff00000, RAM },
                   { 0xc0000000, 0x40000000, RSV },
                   { 0x100000000ULL, 0x80000000ULL, RAM });
    }

    CASE("mb2: larger entry_size (future version) stepped over")
    {
        mb2_begin();
        mb2_mmap(32);
        mb2_end();
        multiboot_parse(MULTIBOOT2_BOOTLOADER_MAGIC, 0x1000, BASE, &bi);
        CHECK_EQ(bi.mmap.nr_map, 5);
        CHECK_EQ(bi.mmap.map[2].size, 0xbff00000);
        CHECK_STR(bi.cmdline, "");
    }

    CASE("mb2: ACPI tags: new RSDP preferred over old, in any order")
    {
        struct mb2_tag_acpi *a;

        mb2_begin();
        a = mb2_tag(MB2_TAG_ACPI_NEW, 8 + 36);
        memcpy(a->rsdp, "RSD PTR ", 8);
        a->rsdp[15] = 2;
        a = mb2_tag(MB2_TAG_ACPI_OLD, 8 + 20);
        memcpy(a->rsdp, "RSD PTR ", 8);
        mb2_end();
        multiboot_parse(MULTIBOOT2_BOOTLOADER_MAGIC, 0x1000, BASE, &bi);
        CHECK_EQ(bi.rsdp_len, 36);
        CHECK_EQ(bi.rsdp[15], 2);

        mb2_begin();
        a = mb2_tag(MB2_TAG_ACPI_OLD, 8 + 20);
        memcpy(a->rsdp, "RSD PTR ", 8);
        mb2_end();
        multiboot_parse(MULTIBOOT2_BOOTLOADER_MAGIC, 0x1000, BASE, &bi);
        CHECK_EQ(bi.rsdp_len, 20);
    }

    CASE("mb2: corrupt tag size and missing end tag are survived")
    {
        struct mb2_tag *t;

        mb2_begin();
        mb2_string(MB2_TAG_CMDLINE, "x a=b");
        t = mb2_tag(MB2_TAG_LOADER_NAME, 16);
        mb2_end();
        t->size = 0x10000;      /* runs past total_size */
        harness_log_clear();
        CHECK_EQ(multiboot_parse(MULTIBOOT2_BOOTLOADER_MAGIC, 0x1000, BASE,
                                 &bi), 0);
        CHECK_STR(bi.args, "a=b");
        CHECK_LOG("bad tag");

        mb2_begin();
        mb2_string(MB2_TAG_CMDLINE, "x");
        ((struct mb2_info *)(phys + 0x1000))->total_size = mb2_off;
        harness_log_clear();
        CHECK_EQ(multiboot_parse(MULTIBOOT2_BOOTLOADER_MAGIC, 0x1000, BASE,
                                 &bi), 0);
        CHECK_LOG("no end tag");

        /* A string tag without its terminator is not over-read. */
        mb2_begin();
        t = mb2_tag(MB2_TAG_CMDLINE, 12);
        memcpy(t + 1, "abcdefgh", 8);
        mb2_end();
        multiboot_parse(MULTIBOOT2_BOOTLOADER_MAGIC, 0x1000, BASE, &bi);
        CHECK_STR(bi.cmdline, "abcd");

        mb2_begin();
        CHECK_EQ(multiboot_parse(MULTIBOOT2_BOOTLOADER_MAGIC, 0x1000, BASE,
                                 &bi), -EINVAL);
        CHECK_EQ(multiboot_parse(MULTIBOOT2_BOOTLOADER_MAGIC, 0x1004, BASE,
                                 &bi), -EINVAL);
    }

    CASE("mb2: too many modules are dropped with a warning")
    {
        unsigned int i;

        mb2_begin();
        for ( i = 0; i < MAX_BOOT_MODULES + 2; i++ )
            mb2_module(i << 20, (i + 1) << 20, "m");
        mb2_end();
        harness_log_clear();
        multiboot_parse(MULTIBOOT2_BOOTLOADER_MAGIC, 0x1000, BASE, &bi);
        CHECK_EQ(bi.nr_modules, MAX_BOOT_MODULES);
        CHECK_LOG("more than 16 modules");
    }
}

int main(void)
{
    test_sanitize();
    test_reserve_and_iterate();
    test_multiboot1();
    test_multiboot2();
    return 0;
}
