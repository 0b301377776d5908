/* SPDX-License-Identifier: GPL-2.0-only */
/* The machine memory map in BIOS e820 form, and its sanitiser. */
#ifndef ASM_X86_E820_H
#define ASM_X86_E820_H

#include <xen/compiler.h>
#include <xen/types.h>

#define E820_RAM      1
#define E820_RESERVED 2
#define E820_ACPI     3 /* ACPI tables, reclaimable once parsed */
#define E820_NVS      4 /* ACPI non-volatile storage */
#define E820_UNUSABLE 5 /* errors detected */

#define E820MAX 128

/* The BIOS layout, which multiboot memory maps also follow. */
struct __packed e820entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
};

struct e820map {
    unsigned int nr_map;
    struct e820entry map[E820MAX];
};

/* Appends a raw entry; -ENOSPC when the map is full. */
int e820_add_range(struct e820map *m, uint64_t start, uint64_t end,
                   uint32_t type);

/*
 * Makes the map sorted and non-overlapping: drops empty entries, lets
 * the more restrictive type win where entries overlap (anything beats
 * RAM), merges neighbours of the same type and shrinks RAM entries to
 * whole pages.
 */
void e820_sanitize(struct e820map *m);

/*
 * Retypes the parts of [start, end) that are of type orig (e.g. RAM used
 * by the hypervisor image or boot modules), then re-sanitises.  Returns
 * 0 or -ENOSPC.
 */
int e820_change_range_type(struct e820map *m, uint64_t start, uint64_t end,
                           uint32_t orig, uint32_t type);
#define e820_reserve_ram(m, s, e)                                             \
    e820_change_range_type(m, s, e, E820_RAM, E820_RESERVED)

/*
 * Iterates over the RAM ranges of a sanitised map: start with *idx = 0;
 * returns false when there are no more.
 */
bool e820_next_ram(const struct e820map *m, unsigned int *idx, uint64_t *start,
                   uint64_t *end);
/* Whether the byte at addr is in one of the map's RAM ranges. */
bool e820_is_ram(const struct e820map *m, uint64_t addr);
/* End of the highest RAM range (sets max_page). */
uint64_t e820_ram_end(const struct e820map *m);
uint64_t e820_ram_total(const struct e820map *m);
void e820_print(const struct e820map *m);

/* The machine's sanitised map, built by setup.c at boot. */
extern struct e820map e820;

struct boot_info;
/*
 * Builds the sanitised map from what the boot loader reported, falling
 * back to its lower/upper memory sizes (with a warning) when there is no
 * map.  Returns the number of entries, or -ENODEV if there is nothing.
 */
int e820_from_boot_info(struct e820map *out, const struct boot_info *bi);

#endif /* ASM_X86_E820_H */
