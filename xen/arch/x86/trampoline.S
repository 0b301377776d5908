/* SPDX-License-Identifier: GPL-2.0-only */
/* AP start-up: real mode (a copy below 1 MiB) to long mode, then C. */
#include <asm/config.h>

#define sym_phys(s)     ((s) - XEN_VIRT_START)

/* Selectors of trampoline_gdt; 64-bit code and data match head.S's GDT. */
#define TRAMP_CS64      0x08
#define TRAMP_DS        0x10
#define TRAMP_CS32      0x18

/*
 * The part a STARTUP IPI enters, at offset 0 of a page below 1 MiB with
 * CS = page >> 4.  smpboot.c copies trampoline_start..trampoline_end
 * there.  It is position-independent: everything after it runs in place
 * in the image, reached through its identity-mapped physical address.
 */
        .section .trampoline, "aw", @progbits
        .code16
        .globl  trampoline_start
trampoline_start:
        cli
        cld
        mov     %cs, %ax
        mov     %ax, %ds
        lgdtl   trampoline_gdtr - trampoline_start
        mov     %cr0, %eax
        orl     $1, %eax                /* PE */
        mov     %eax, %cr0
        ljmpl   $TRAMP_CS32, $sym_phys(ap_start32)
trampoline_gdtr:
        .short  trampoline_gdt_end - trampoline_gdt - 1
        .long   sym_phys(trampoline_gdt)
        .globl  trampoline_end
trampoline_end:

        .text
        .code32
ap_start32:
        mov     $TRAMP_DS, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        mov     %eax, %fs
        mov     %eax, %gs

        /* Long mode with the page tables the boot CPU runs on. */
        mov     %cr4, %eax
        or      $0x20, %eax             /* PAE */
        mov     %eax, %cr4
        mov     sym_phys(ap_boot_cr3), %eax
        mov     %eax, %cr3
        mov     $0x80000001, %eax
        cpuid
        mov     %edx, %ebx              /* rdmsr overwrites %edx */
        mov     $0xc0000080, %ecx       /* EFER */
        rdmsr
        or      $0x100, %eax            /* LME */
        bt      $20, %ebx
        jnc     1f
        or      $0x800, %eax            /* NXE, if the CPU has NX */
1:      wrmsr
        /*
         * PG | WP | NE | ET | MP | PE, and nothing else: INIT leaves the
         * caches disabled (CD, NW), which would make this CPU crawl.
         */
        mov     $0x80010033, %eax
        mov     %eax, %cr0
        ljmp    $TRAMP_CS64, $sym_phys(ap_start64)

        .code64
ap_start64:
        /* Still at the identity-mapped address: move to the link address. */
        movabs  $ap_start64_high, %rax
        jmp     *%rax
ap_start64_high:
        /*
         * A CPU whose start timed out may still arrive, later, while the
         * next one is being started (QEMU keeps a STARTUP IPI pending
         * across the INIT that was meant to cancel it).  Only the CPU
         * expected now may take the stack: any other parks for good.
         */
        mov     $1, %eax
        cpuid
        shr     $24, %ebx               /* the initial APIC ID */
        cmp     ap_boot_apicid(%rip), %ebx
        jne     ap_park
        mov     ap_boot_stack(%rip), %rsp
        xor     %ebp, %ebp              /* ends the call-trace walk */
        call    start_secondary
        ud2

ap_park:
        cli
1:      hlt
        jmp     1b

        .data
        .balign 16
trampoline_gdt:
        .quad   0
        .quad   0x00af9a000000ffff      /* 0x08: 64-bit code, DPL 0 */
        .quad   0x00cf92000000ffff      /* 0x10: flat data, DPL 0 */
        .quad   0x00cf9a000000ffff      /* 0x18: flat 32-bit code, DPL 0 */
trampoline_gdt_end:
