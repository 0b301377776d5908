/* SPDX-License-Identifier: GPL-2.0-only */
/* Multiboot entry: 32-bit protected mode to 64-bit long mode, then C. */
#include <asm/config.h>
#include <asm/page.h>
#include <asm/multiboot-header.h>
#include <asm/current.h>

#define sym_phys(s)     ((s) - XEN_VIRT_START)

#define BOOT_CS64       0x08
#define BOOT_DS         0x10

        .section .text.head, "ax", @progbits
        .code32

/* Multiboot1: the a.out kludge fields let loaders place an ELF64 image. */
        .balign 4
        .globl  multiboot1_header
multiboot1_header:
        .long   MB1_HEADER_MAGIC
        .long   MB1_HEADER_FLAGS
        .long   -(MB1_HEADER_MAGIC + MB1_HEADER_FLAGS)
        .long   sym_phys(multiboot1_header)     /* header_addr */
        .long   sym_phys(_start)                /* load_addr */
        .long   sym_phys(__data_end)            /* load_end_addr */
        .long   sym_phys(_end)                  /* bss_end_addr */
        .long   sym_phys(start)                 /* entry_addr */

/* Multiboot2: loaded by ELF program headers; entry given explicitly. */
        .balign 8
multiboot2_header:
        .long   MB2_HEADER_MAGIC
        .long   MB2_ARCH_I386
        .long   multiboot2_header_end - multiboot2_header
        .long   -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + \
                  (multiboot2_header_end - multiboot2_header))
        /*
         * Address tag: GRUB refuses an ELF whose entry lies outside the
         * segments' virtual range, so have it place the image as raw bytes.
         */
        .balign 8
        .short  MB2_TAG_ADDRESS, 0
        .long   24
        .long   sym_phys(multiboot2_header)     /* header_addr */
        .long   sym_phys(_start)                /* load_addr */
        .long   sym_phys(__data_end)            /* load_end_addr */
        .long   sym_phys(_end)                  /* bss_end_addr */
        /* Entry address tag. */
        .balign 8
        .short  MB2_TAG_ENTRY_ADDRESS, 0
        .long   12
        .long   sym_phys(start)
        /* Console tag: we drive the serial line and VGA text ourselves. */
        .balign 8
        .short  MB2_TAG_CONSOLE_FLAGS, 0
        .long   12
        .long   MB2_CONSOLE_EGA_TEXT_SUPPORTED
        /* End tag. */
        .balign 8
        .short  0, 0
        .long   8
multiboot2_header_end:

/*
 * Entered with EAX = loader magic, EBX = physical address of the boot
 * information, flat 32-bit segments, paging and interrupts off.
 */
        .globl  start
start:
        cli
        cld
        mov     %eax, %ebp              /* loader magic */
        mov     %ebx, %esi              /* boot information */

        /* Clear .bss: not every loader does, and the stacks live there. */
        mov     $sym_phys(__bss_start), %edi
        mov     $sym_phys(_end), %ecx
        sub     %edi, %ecx
        xor     %eax, %eax
        rep stosb
        mov     $sym_phys(boot_stack_top), %esp

        /* Long mode is required; say so on COM1 if it is missing. */
        mov     $0x80000000, %eax
        cpuid
        cmp     $0x80000001, %eax
        jb      no_long_mode
        mov     $0x80000001, %eax
        cpuid
        bt      $29, %edx
        jnc     no_long_mode
        mov     %edx, %ebx              /* keep for the NX check below */

        /*
         * The boot page tables map the first 4 GiB three times with 2 MiB
         * pages: at 0 (so this code keeps running when paging starts), at
         * the image's link address, and at the start of the direct map.
         */
        mov     $sym_phys(boot_l2_ident), %edi
        mov     $(_PAGE_PRESENT | _PAGE_RW | _PAGE_PSE | _PAGE_ACCESSED | \
                  _PAGE_DIRTY), %eax
        xor     %edx, %edx
        mov     $2048, %ecx
1:      mov     %eax, (%edi)
        mov     %edx, 4(%edi)
        add     $L2_PAGE_SIZE, %eax
        adc     $0, %edx
        add     $8, %edi
        loop    1b

        mov     $sym_phys(boot_l3_ident), %edi
        mov     $sym_phys(boot_l2_ident) + (_PAGE_PRESENT | _PAGE_RW), %eax
        mov     $4, %ecx
1:      mov     %eax, (%edi)
        add     $PAGE_SIZE, %eax
        add     $8, %edi
        loop    1b

        mov     $sym_phys(boot_l2_ident) + (_PAGE_PRESENT | _PAGE_RW), %eax
        mov     %eax, sym_phys(boot_l3_xen) + 8 * l3_table_offset(XEN_VIRT_START)

        mov     $sym_phys(boot_l3_ident) + (_PAGE_PRESENT | _PAGE_RW), %eax
        mov     %eax, sym_phys(idle_pg_table)
        mov     %eax, sym_phys(idle_pg_table) + 8 * l4_table_offset(DIRECTMAP_VIRT_START)
        mov     $sym_phys(boot_l3_xen) + (_PAGE_PRESENT | _PAGE_RW), %eax
        mov     %eax, sym_phys(idle_pg_table) + 8 * l4_table_offset(XEN_VIRT_START)

        /* PAE paging, then long mode (and NX when the CPU has it). */
        mov     %cr4, %eax
        or      $0x20, %eax
        mov     %eax, %cr4
        mov     $sym_phys(idle_pg_table), %eax
        mov     %eax, %cr3
        mov     $0xc0000080, %ecx
        rdmsr
        or      $0x100, %eax            /* EFER.LME */
        bt      $20, %ebx
        jnc     1f
        or      $0x800, %eax            /* EFER.NXE */
1:      wrmsr
        mov     %cr0, %eax
        or      $0x80010001, %eax       /* PG | WP | PE */
        mov     %eax, %cr0

        mov     %ebp, %edi              /* first C argument: magic */
        lgdt    sym_phys(boot_gdt_descr)
        ljmp    $BOOT_CS64, $sym_phys(start64)

no_long_mode:
        mov     $sym_phys(no_long_mode_msg), %esi
1:      mov     $0x3fd, %dx             /* wait for the transmitter */
2:      in      %dx, %al
        test    $0x20, %al
        jz      2b
        lodsb
        test    %al, %al
        jz      3f
        mov     $0x3f8, %dx
        out     %al, %dx
        jmp     1b
3:      hlt
        jmp     3b

        .code64
start64:
        /* Still on the identity map: move to the link address. */
        movabs  $start64_high, %rax
        jmp     *%rax
start64_high:
        mov     $BOOT_DS, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        xor     %eax, %eax
        mov     %eax, %fs
        mov     %eax, %gs
        lea     boot_stack_top - CPUINFO_SIZE(%rip), %rsp
        /* Re-point the GDTR at the GDT's high address. */
        movabs  $boot_gdt, %rax
        mov     %rax, boot_gdt_descr64 + 2(%rip)
        lgdt    boot_gdt_descr64(%rip)
        xor     %ebp, %ebp              /* ends the call-trace walk */
        mov     %edi, %edi              /* upper halves are undefined */
        mov     %esi, %esi
        /* __start_xen(magic, info_phys) */
        call    __start_xen
        ud2

        .section .rodata.head, "a", @progbits
no_long_mode_msg:
        .asciz  "ERROR: this CPU has no long mode (x86-64); cannot boot.\r\n"

        .data
        .balign 16
boot_gdt:
        .quad   0
        .quad   0x00af9a000000ffff      /* 0x08: 64-bit code, DPL 0 */
        .quad   0x00cf92000000ffff      /* 0x10: flat data, DPL 0 */
boot_gdt_end:
        .short  0
boot_gdt_descr:
        .short  boot_gdt_end - boot_gdt - 1
        .long   sym_phys(boot_gdt)
        .short  0
boot_gdt_descr64:
        .short  boot_gdt_end - boot_gdt - 1
        .quad   0

        .section .data.page_aligned, "aw", @progbits
        .balign PAGE_SIZE
        .globl  idle_pg_table
idle_pg_table:
        .fill   512, 8, 0
        .globl  boot_l3_ident
boot_l3_ident:
        .fill   512, 8, 0
        .globl  boot_l3_xen
boot_l3_xen:
        .fill   512, 8, 0
        .globl  boot_l2_ident
boot_l2_ident:
        .fill   4 * 512, 8, 0

        /* xen.lds.S aligns this to STACK_SIZE; see asm/current.h. */
        .section .bss.stack_aligned, "aw", @nobits
        .balign PAGE_SIZE
        .globl  boot_stack
boot_stack:
        .skip   STACK_SIZE
boot_stack_top:
