/* SPDX-License-Identifier: GPL-2.0-only */
/* 32-bit PAE PV kernels: recognising them (common/elf.c reads them). */
#include <xen/elf.h>
#include <xen/string.h>
#include <asm/pv/compat.h>

/*
 * Only the identification bytes and e_machine, whose offsets are the
 * same in both ELF classes: the rest of an ELF32 header is laid out
 * differently and the loader (common/elf.c) reads ELF64 only.  Without
 * this, such a kernel would be refused as "not a 64-bit image", which
 * reads as a broken file rather than an ABI not built yet.
 */
bool pv_compat_image(const void *data, size_t size)
{
    const uint8_t *e = data;

    return size >= EI_NIDENT + 4 && !memcmp(e, "\177ELF", 4) &&
           e[EI_CLASS] == ELFCLASS32 && e[EI_DATA] == ELFDATA2LSB &&
           (e[EI_NIDENT + 2] | (e[EI_NIDENT + 3] << 8)) == EM_386;
}
