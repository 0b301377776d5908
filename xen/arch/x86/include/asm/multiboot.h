/* SPDX-License-Identifier: GPL-2.0-only */
/* Multiboot 1 and 2 boot information, and what we extract from it. */
#ifndef ASM_X86_MULTIBOOT_H
#define ASM_X86_MULTIBOOT_H

#include <xen/compiler.h>
#include <xen/types.h>
#include <asm/e820.h>

/* What the loader leaves in EAX. */
#define MULTIBOOT_BOOTLOADER_MAGIC  0x2badb002U
#define MULTIBOOT2_BOOTLOADER_MAGIC 0x36d76289U

/* Multiboot 1 (specification 0.6.96). */
#define MBI_MEMLIMITS  (1U << 0)
#define MBI_BOOTDEV    (1U << 1)
#define MBI_CMDLINE    (1U << 2)
#define MBI_MODULES    (1U << 3)
#define MBI_MEMMAP     (1U << 6)
#define MBI_LOADERNAME (1U << 9)

struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower; /* KiB from 0 */
    uint32_t mem_upper; /* KiB from 1 MiB */
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count;
    uint32_t mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length;
    uint32_t mmap_addr;
    uint32_t drives_length;
    uint32_t drives_addr;
    uint32_t config_table;
    uint32_t boot_loader_name;
};

struct multiboot_module {
    uint32_t mod_start;
    uint32_t mod_end; /* exclusive */
    uint32_t string;
    uint32_t reserved;
};

/* The size field is not counted in itself: next = this + size + 4. */
struct __packed multiboot_mmap_entry {
    uint32_t size;
    uint64_t addr;
    uint64_t len;
    uint32_t type;
};

/* Multiboot 2 (specification 2.0): 8-byte aligned tags after a header. */
#define MB2_TAG_END           0
#define MB2_TAG_CMDLINE       1
#define MB2_TAG_LOADER_NAME   2
#define MB2_TAG_MODULE        3
#define MB2_TAG_BASIC_MEMINFO 4
#define MB2_TAG_MMAP          6
#define MB2_TAG_ACPI_OLD      14 /* copy of an ACPI 1.0 RSDP */
#define MB2_TAG_ACPI_NEW      15 /* copy of an ACPI 2.0+ RSDP */

struct mb2_info {
    uint32_t total_size;
    uint32_t reserved;
};

struct mb2_tag {
    uint32_t type;
    uint32_t size; /* including this header, excluding padding */
};

struct mb2_tag_string {
    uint32_t type, size;
    char string[];
};

struct mb2_tag_module {
    uint32_t type, size;
    uint32_t mod_start, mod_end;
    char cmdline[];
};

struct mb2_tag_basic_meminfo {
    uint32_t type, size;
    uint32_t mem_lower, mem_upper;
};

struct mb2_tag_mmap {
    uint32_t type, size;
    uint32_t entry_size; /* may grow in later versions */
    uint32_t entry_version;
};

struct mb2_mmap_entry {
    uint64_t addr;
    uint64_t len;
    uint32_t type;
    uint32_t zero;
};

struct mb2_tag_acpi {
    uint32_t type, size;
    uint8_t rsdp[];
};

/* ---- What setup needs, copied out of the loader's memory. ---- */
#define MAX_BOOT_MODULES 16
#define BOOT_STRING_SIZE 1024
#define BOOT_MODSTR_SIZE 256

struct boot_module {
    paddr_t start, end; /* [start, end) */
    char string[BOOT_MODSTR_SIZE];
};

struct boot_info {
    unsigned int protocol;          /* 1 or 2 */
    char cmdline[BOOT_STRING_SIZE]; /* as given, including image name */
    const char *args;               /* into cmdline, past the image name */
    char loader_name[64];
    unsigned int nr_modules;
    struct boot_module modules[MAX_BOOT_MODULES];
    struct e820map mmap; /* raw, unsanitised; nr_map 0 if none */
    bool has_meminfo;
    uint32_t mem_lower, mem_upper; /* KiB */
    uint8_t rsdp[36];              /* RSDP copy from multiboot2 */
    size_t rsdp_len;               /* 0: none given */
    paddr_t info_start, info_end;  /* the info structure itself */
};

/*
 * Parses the information the loader left at physical address info, which
 * must be readable at map_base + physical address (0 while identity
 * mapped, DIRECTMAP_VIRT_START later).  Returns 0, or -EINVAL for an
 * unknown magic or malformed header.  Malformed parts are skipped with a
 * warning.
 */
int multiboot_parse(uint32_t magic, paddr_t info, uintptr_t map_base,
                    struct boot_info *bi);

#endif /* ASM_X86_MULTIBOOT_H */
