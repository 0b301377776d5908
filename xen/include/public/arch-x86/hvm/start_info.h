/* SPDX-License-Identifier: MIT */
/* PVH boot: the start-of-day structure a PVH guest receives in %ebx. */

#ifndef __XEN_PUBLIC_ARCH_X86_HVM_START_INFO_H__
#define __XEN_PUBLIC_ARCH_X86_HVM_START_INFO_H__

#include "../../xen.h"

/*
 * A PVH guest starts at XEN_ELFNOTE_PHYS32_ENTRY in 32-bit protected
 * mode, paging off, with %ebx holding the physical address of a struct
 * hvm_start_info.  The builder writes the structure and everything it
 * points to before the first instruction; nothing changes afterwards,
 * and the guest may reuse the memory once it has read it.
 * All addresses are guest-physical; all structures are little-endian
 * with natural alignment.
 *
 *  version 0: fields up to rsdp_paddr (offset 40, size 48);
 *  version 1: adds memmap_paddr and memmap_entries (size 56).
 */
#define XEN_HVM_START_MAGIC_VALUE 0x336ec578

struct hvm_start_info {
    uint32_t magic;             /* XEN_HVM_START_MAGIC_VALUE */
    uint32_t version;           /* 0 or 1, see above */
    uint32_t flags;             /* SIF_* of xen.h */
    uint32_t nr_modules;        /* entries at modlist_paddr */
    uint64_t modlist_paddr;     /* struct hvm_modlist_entry[] */
    uint64_t cmdline_paddr;     /* NUL-terminated command line */
    uint64_t rsdp_paddr;        /* ACPI RSDP, 0 if none */
    uint64_t memmap_paddr;      /* v1: hvm_memmap_table_entry[] */
    uint32_t memmap_entries;    /* v1: entries at memmap_paddr */
    uint32_t reserved;          /* must be zero */
};

struct hvm_modlist_entry {
    uint64_t paddr;             /* module start */
    uint64_t size;              /* module size in bytes */
    uint64_t cmdline_paddr;     /* its command line, 0 if none */
    uint64_t reserved;
};

struct hvm_memmap_table_entry {
    uint64_t addr;              /* range start */
    uint64_t size;              /* range size in bytes */
    uint32_t type;              /* XEN_HVM_MEMMAP_TYPE_* (E820 values) */
    uint32_t reserved;
};

#define XEN_HVM_MEMMAP_TYPE_RAM       1
#define XEN_HVM_MEMMAP_TYPE_RESERVED  2
#define XEN_HVM_MEMMAP_TYPE_ACPI      3
#define XEN_HVM_MEMMAP_TYPE_NVS       4
#define XEN_HVM_MEMMAP_TYPE_UNUSABLE  5
#define XEN_HVM_MEMMAP_TYPE_DISABLED  6
#define XEN_HVM_MEMMAP_TYPE_PMEM      7

#endif /* __XEN_PUBLIC_ARCH_X86_HVM_START_INFO_H__ */
