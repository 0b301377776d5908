/* SPDX-License-Identifier: GPL-2.0-only */
/* TEMPORARY: ABI items missing from xen/include/public; delete on arrival. */

#ifndef MINIOS_ABI_GAPS_H
#define MINIOS_ABI_GAPS_H

/*
 * One entry of the buffer of XENMEM_memory_map / machine_memory_map (the
 * BIOS e820 layout: 20 bytes, packed); memory.h only names it in a comment.
 */
struct abi_e820entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
} __attribute__((packed));
#define ABI_E820_RAM 1

#endif /* MINIOS_ABI_GAPS_H */
