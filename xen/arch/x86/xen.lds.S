/* SPDX-License-Identifier: GPL-2.0-only */
/* Link layout of the hypervisor image: one loadable segment at 2 MiB. */
#include <asm/config.h>

OUTPUT_FORMAT("elf64-x86-64", "elf64-x86-64", "elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
/* Loaders enter in 32-bit mode, so the ELF entry is the physical one. */
ENTRY(start_phys)

PHDRS
{
    image PT_LOAD FLAGS(7);
}

SECTIONS
{
    . = XEN_VIRT_START + XEN_LOAD_PHYS;
    _start = .;

    .text : AT(ADDR(.text) - XEN_VIRT_START)
    {
        _stext = .;
        *(.text.head)
        /* The guest entry and exit path (__hot_path, pv/entry.S). */
        . = ALIGN(4096);
        *(.text.hot)
        /* The page-table entry update path (__pt_path, pv/mm.c). */
        . = ALIGN(4096);
        *(.text.pt)
        . = ALIGN(4096);
        *(.text .text.*)
        *(.init.text)
        _etext = .;
    } :image

    .rodata :
    {
        *(.rodata.head)
        *(.rodata .rodata.*)
        . = ALIGN(8);
        __setup_start = .;
        KEEP(*(.init.setup))
        __setup_end = .;
        . = ALIGN(8);
        __ex_table_start = .;
        KEEP(*(.ex_table))
        __ex_table_end = .;
        . = ALIGN(8);
        __keyhandler_start = .;
        KEEP(*(.data.keyhandler))
        __keyhandler_end = .;
        . = ALIGN(8);
        __schedulers_start = .;
        KEEP(*(.data.schedulers))
        __schedulers_end = .;
    }

    .symtab_xen : { *(.rodata.symbols) }

    /* The GNU build id (ld --build-id), which xen_version reports. */
    .note.gnu.build-id :
    {
        __note_gnu_build_id_start = .;
        KEEP(*(.note.gnu.build-id))
        __note_gnu_build_id_end = .;
    }

    . = ALIGN(4096);
    .data :
    {
        *(.data.page_aligned)
        *(.data .data.*)
        *(.init.data)
        *(.trampoline)
    }
    __data_end = .;

    . = ALIGN(4096);
    .bss :
    {
        __bss_start = .;
        /* Not as an input alignment: that would push the file offset out. */
        . = ALIGN(STACK_SIZE);
        *(.bss.stack_aligned)
        *(.bss.page_aligned)
        /*
         * Per-CPU areas (xen/percpu.h): the section is CPU 0's, the other
         * CPUs' copies follow, each a whole number of cache lines.
         */
        . = ALIGN(64);
        __per_cpu_start = .;
        *(.bss.percpu)
        . = ALIGN(64);
        __per_cpu_end = .;
        . += (__per_cpu_end - __per_cpu_start) * (NR_CPUS - 1);
        *(.bss .bss.*)
        *(COMMON)
        . = ALIGN(8);
    }
    _end = .;

    /DISCARD/ :
    {
        *(.eh_frame) *(.eh_frame_hdr) *(.note.*) *(.comment)
        *(.interp) *(.dynsym) *(.dynstr) *(.dynamic) *(.hash) *(.gnu.hash)
    }
}

start_phys = start - XEN_VIRT_START;
ASSERT(_end - XEN_VIRT_START < 0x40000000, "image exceeds the first GiB")
ASSERT(multiboot1_header - _start < 4096, "multiboot1 header too far in")
ASSERT(boot_stack % STACK_SIZE == 0, "boot stack misaligned")
