/* SPDX-License-Identifier: GPL-2.0-only */
/* Validating and loading ELF64 x86-64 guest kernels with their Xen notes. */
#ifndef XEN_LIBELF_H
#define XEN_LIBELF_H

#include <xen/types.h>

/* What the "Xen" ELF notes (public/elfnote.h) of a PV kernel say. */
struct elf_xen_notes {
    uint32_t seen; /* bit n: a note of type n was present */
    /* Numeric notes; meaningful when their bit in seen is set. */
    uint64_t entry, hypercall_page, virt_base, paddr_offset;
    uint64_t hv_start_low, suspend_cancel, init_p2m, mod_start_pfn;
    uint64_t phys32_entry;
    uint32_t supported_features; /* the SUPPORTED_FEATURES bitmap */
    /*
     * String notes, copied because kernels need not NUL-terminate them
     * (Linux's FEATURES is not); empty when absent.
     */
    char xen_version[16], guest_os[32], guest_version[32], loader[16];
    char pae_mode[16], bsd_symtab[16];
    char features[256];
    /*
     * XENFEAT_* bitmaps from FEATURES ("a|b|!c": "!" marks a feature the
     * kernel cannot run without) and SUPPORTED_FEATURES: required bits
     * are also in supported.
     */
    uint32_t feat_supported, feat_required;
};

struct elf_image {
    const uint8_t *data;
    size_t size;
    /*
     * An ELF32 i386 image (a 32-bit PAE PV kernel): its headers are read
     * widened into the ELF64 forms; no symbol table is loaded from it.
     */
    bool is32;
    uint64_t e_entry;
    unsigned int phnum;
    uint64_t phoff;
    uint64_t shoff; /* 0: no usable section headers */
    /*
     * Extent of the PT_LOAD segments: physical (p_paddr, where they are
     * loaded) and as linked (p_vaddr).  Linux links its per-CPU segment
     * at virtual 0, so the kernel's virtual range is virt_kstart/kend.
     */
    uint64_t pstart, pend, vstart, vend;
    struct elf_xen_notes xen;
    /* Set by elf_xen_check(): virtual = physical + virt_offset. */
    uint64_t virt_offset, virt_kstart, virt_kend, virt_entry;
    /*
     * The symbol table's section and its string table's (0: none), and,
     * if BSD_SYMTAB asks for them to be loaded, where (physical, after
     * the segments; virt_kend then ends there too).
     */
    unsigned int symtab_shndx, strtab_shndx;
    uint64_t sym_pstart, sym_pend;
};

/*
 * Validates data[0, size) as an ELF64 little-endian x86-64 executable (or
 * an ELF32 i386 one, elf->is32)
 * with sane, in-bounds, non-overlapping PT_LOAD segments, and collects
 * its Xen notes from PT_NOTE segments (or SHT_NOTE sections if those have
 * none).  Returns 0 or -EINVAL, having printed why.  data must stay
 * mapped while elf is used.
 */
int elf_init(struct elf_image *elf, const void *data, size_t size);

/*
 * Checks that an elf_init()ed image is a PV kernel this loader can place
 * (Xen notes present and consistent, entry point inside the image) and
 * computes its virtual layout.  Returns 0 or -EINVAL, having printed why.
 */
int elf_xen_check(struct elf_image *elf);

/*
 * Called by elf_load() for each piece of each PT_LOAD segment: copy len
 * bytes from src to guest-physical paddr, or zero them if src is NULL.
 * A non-zero return stops loading and is passed back.
 */
typedef int elf_copy_fn(void *ctx, uint64_t paddr, const void *src,
                        size_t len);

/*
 * Loads the PT_LOAD segments and, if BSD_SYMTAB asked for it, the symbol
 * table after them as Xen does: at sym_pstart a 32-bit size, then an ELF
 * header with three section headers (none, the symbol table, its string
 * table), then the two tables, each 8-byte aligned; the size counts from
 * the ELF header to the end of the string table.
 */
int elf_load(const struct elf_image *elf, elf_copy_fn *copy, void *ctx);

#endif /* XEN_LIBELF_H */
