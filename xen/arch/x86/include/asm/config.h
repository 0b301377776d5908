/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor's virtual memory layout inside PML4 slots 256-271. */
#ifndef ASM_X86_CONFIG_H
#define ASM_X86_CONFIG_H

/* Constants shared with assembly, where C's integer suffixes don't parse. */
#ifdef __ASSEMBLY__
#define _AC(x, suffix) x
#else
#define _AC_(x, suffix) x##suffix
#define _AC(x, suffix)  _AC_(x, suffix)
#endif

/* Here, not in xen/config.h: xen.lds.S lays out a per-CPU area for each. */
#define NR_CPUS 64

/*
 * The 64-bit PV ABI gives the hypervisor 0xffff800000000000 to
 * 0xffff87ffffffffff (PML4 slots 256-271); guests own everything else.
 * Within it we follow Xen's own placement so that addresses printed in
 * logs look familiar:
 *
 *  slot 256      0xffff800000000000  read-only machine-to-phys table (guests)
 *  slot 261      0xffff82d080000000  hypervisor image (text, data, bss)
 *                0xffff82d0c0000000  per-CPU GDT areas (64 KiB each)
 *                0xffff82d0e0000000  per-CPU LDT areas (64 KiB each)
 *                0xffff82e000000000  frame table (struct page_info per frame)
 *  slots 262-271 0xffff830000000000  direct map of all RAM (5 TiB max)
 */
#define PML4_SLOT_SIZE  (_AC(1, UL) << 39)
#define PML4_ADDR(slot) (_AC(0xffff000000000000, UL) | (_AC(slot, UL) << 39))

#define HYPERVISOR_VIRT_START PML4_ADDR(256)
#define HYPERVISOR_VIRT_END   PML4_ADDR(272)

#define RO_MPT_VIRT_START PML4_ADDR(256)
#define RO_MPT_VIRT_END   (RO_MPT_VIRT_START + (_AC(1, UL) << 38))

#define XEN_VIRT_START _AC(0xffff82d080000000, UL)
#define XEN_VIRT_END   (XEN_VIRT_START + (_AC(1, UL) << 30))
/* Physical address the image is loaded at (multiboot load address). */
#define XEN_LOAD_PHYS _AC(0x200000, UL)

/* Each CPU's 64 KiB GDT area (asm/desc.h), right after the image's GiB. */
#define GDT_AREA_VIRT_START XEN_VIRT_END
#define GDT_AREA_SIZE       (_AC(1, UL) << 16)
/* And each CPU's 64 KiB LDT area, in the same GiB (asm/desc.h). */
#define LDT_AREA_VIRT_START (GDT_AREA_VIRT_START + (_AC(1, UL) << 29))
#define LDT_AREA_SIZE       (_AC(1, UL) << 16)

#define FRAMETABLE_VIRT_START _AC(0xffff82e000000000, UL)
#define FRAMETABLE_SIZE       (_AC(1, UL) << 37)

#define DIRECTMAP_VIRT_START PML4_ADDR(262)
#define DIRECTMAP_VIRT_END   HYPERVISOR_VIRT_END
#define DIRECTMAP_SIZE       (DIRECTMAP_VIRT_END - DIRECTMAP_VIRT_START)

#define STACK_ORDER 3
#define STACK_SIZE  (_AC(4096, UL) << STACK_ORDER)

#endif /* ASM_X86_CONFIG_H */
