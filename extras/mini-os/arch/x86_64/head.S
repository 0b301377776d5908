/* SPDX-License-Identifier: GPL-2.0-only */
/* mini-os entry: ELF notes, boot stack, hypercall page, trap/event entry. */

#include <public/xen.h>
#include <public/elfnote.h>
#include <public/features.h>
#include <traps.h>
#include <xen_iret.h>
#include <xen_note.h>

#define VIRT_BASE 0xffffffff80000000

    .section .note.Xen, "a", @note
    XEN_NOTE(XEN_ELFNOTE_GUEST_OS, .asciz, "hv-minios")
    XEN_NOTE(XEN_ELFNOTE_GUEST_VERSION, .asciz, "0.1")
    XEN_NOTE(XEN_ELFNOTE_XEN_VERSION, .asciz, "xen-3.0")
    XEN_NOTE(XEN_ELFNOTE_LOADER, .asciz, "generic")
    XEN_NOTE(XEN_ELFNOTE_VIRT_BASE, .quad, VIRT_BASE)
    XEN_NOTE(XEN_ELFNOTE_PADDR_OFFSET, .quad, 0)
    XEN_NOTE(XEN_ELFNOTE_ENTRY, .quad, _start)
    XEN_NOTE(XEN_ELFNOTE_PAE_MODE, .asciz, "yes")
    /* Declaring dom0 support lets a builder that checks it make us dom0. */
    XEN_NOTE(XEN_ELFNOTE_SUPPORTED_FEATURES, .long, 1 << XENFEAT_dom0)
#ifdef CONFIG_HYPERCALL_PAGE
    XEN_NOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .quad, hypercall_page)
#endif

/*
 * Xen enters in 64-bit mode, events masked, with rsi pointing at
 * start_info and rsp on its one-page boot stack: move to our own, larger
 * stack first.
 */
    .section .text.head, "ax", @progbits
    .globl _start
_start:
    cld
    mov $boot_stack_top, %rsp
    mov %rsi, %rdi
    call start_kernel
    ud2

#ifdef CONFIG_HYPERCALL_PAGE
    /* Xen writes one 32-byte stub per hypercall here while building us. */
    .p2align 12
    .globl hypercall_page
hypercall_page:
    .fill 4096, 1, 0xcc
#endif

/*
 * Xen delivers an exception on the current stack as rcx, r11, [error
 * code], rip, cs, rflags, rsp, ss (it clobbered rcx and r11 to get here).
 * Each stub restores those two, supplies a zero error code where the CPU
 * has none, and pushes the vector, so that trap_common sees one layout:
 * struct trap_regs in traps.h.
 */
.macro TRAP_ENTRY name, vec, has_err
    .globl \name
\name:
    pop %rcx
    pop %r11
    .if !\has_err
    push $0
    .endif
    push $\vec
    jmp trap_common
.endm

.macro EX_ENTRY at
    .pushsection .ex_table, "a"
    .quad \at, probe_fixup
    .popsection
.endm

    .text
    /* The exception stubs, then the probes written alike at both widths. */
#include <entry_common.h>
    /* System calls from user mode take it too (tests/usermode.c). */
    TRAP_ENTRY syscall_callback, TRAP_VEC_SYSCALL, 0

/*
 * Xen could not reload the data segment selectors we had (they are null
 * now): the frame has ds, es, fs, gs between r11 and rip.  They go to
 * failsafe_selectors[], and the rest is an ordinary trap frame.
 */
    .globl failsafe_callback
failsafe_callback:
    pop %rcx
    pop %r11
    popq failsafe_selectors(%rip)
    popq failsafe_selectors + 8(%rip)
    popq failsafe_selectors + 16(%rip)
    popq failsafe_selectors + 24(%rip)
    push $0
    push $TRAP_VEC_FAILSAFE
    jmp trap_common

trap_common:
    push %rdi
    push %rsi
    push %rdx
    push %rcx
    push %rax
    push %r8
    push %r9
    push %r10
    push %r11
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, %rdi
    /* Xen aligns the frame to 16 bytes; keep the C ABI's alignment anyway. */
    mov %rsp, %rbx
    and $-16, %rsp
    call trap_dispatch
    mov %rbx, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rax
    pop %rcx
    pop %rdx
    pop %rsi
    pop %rdi
    add $16, %rsp               /* vector, error code */
    /*
     * HYPERVISOR_iret pops rax, r11, rcx, flags, then the frame; it
     * restores the event mask from rflags.IF, so there is no window in
     * which an event could arrive on this half-unwound stack.
     */
    push $0
    XEN_IRET

/* The return path of probe_*(): the trap handler puts 1 + vector in rax. */
    .globl probe_fixup
probe_fixup:
    ret

/*
 * Each probe_*() does one access that may fault and returns 0 if it did
 * not.  The ex_table entry names the faulting instruction for faults and
 * the next one for traps (int3), as the CPU reports them.
 */

    .globl probe_write64            /* (uint64_t *p, uint64_t v) */
probe_write64:
    xor %eax, %eax
1:  mov %rsi, (%rdi)
    ret
    EX_ENTRY 1b

    /* The same write, for a data breakpoint: #DB is a trap, after it. */
    .globl probe_write64_trap       /* (uint64_t *p, uint64_t v) */
probe_write64_trap:
    xor %eax, %eax
    mov %rsi, (%rdi)
1:  ret
    EX_ENTRY 1b

    .globl probe_read64             /* (const uint64_t *p, uint64_t *out) */
probe_read64:
    xor %eax, %eax
1:  mov (%rdi), %rdx
    mov %rdx, (%rsi)
    ret
    EX_ENTRY 1b

    .globl probe_read_cr0           /* (unsigned long *out) */
probe_read_cr0:
    xor %eax, %eax
1:  mov %cr0, %rdx
    mov %rdx, (%rdi)
    ret
    EX_ENTRY 1b

    /* 32-bit PV guests' hypercall vector: a 64-bit guest must get #GP. */
    .globl probe_int82
probe_int82:
    xor %eax, %eax
1:  int $0x82
    ret
    EX_ENTRY 1b

    /* Locked bit operations on a page-table entry (tests/mmu.c). */
    .globl probe_lock_andb_fd       /* (uint8_t *p) */
probe_lock_andb_fd:
    xor %eax, %eax
1:  lock andb $0xfd, (%rdi)
    ret
    EX_ENTRY 1b

    .globl probe_lock_orb_02        /* (uint8_t *p) */
probe_lock_orb_02:
    xor %eax, %eax
1:  lock orb $0x02, (%rdi)
    ret
    EX_ENTRY 1b

    .globl probe_lock_btr           /* (uint64_t *p, long bit, uint8_t *cf) */
probe_lock_btr:
    xor %eax, %eax
1:  lock btr %rsi, (%rdi)
    setc (%rdx)
    ret
    EX_ENTRY 1b

    /* Privileged instructions a PV kernel has emulated (tests/privop.c). */
    .globl probe_write_cr0          /* (unsigned long v) */
probe_write_cr0:
    xor %eax, %eax
1:  mov %rdi, %cr0
    ret
    EX_ENTRY 1b

    .globl probe_write_cr4          /* (unsigned long v) */
probe_write_cr4:
    xor %eax, %eax
1:  mov %rdi, %cr4
    ret
    EX_ENTRY 1b

    .globl probe_xsetbv             /* (uint64_t xcr0) */
probe_xsetbv:
    mov %rdi, %rdx
    shr $32, %rdx
    mov %edi, %eax
    xor %ecx, %ecx
1:  xsetbv
    xor %eax, %eax
    ret
    EX_ENTRY 1b

    .globl probe_rdmsr              /* (uint32_t msr, uint64_t *out) */
probe_rdmsr:
    mov %edi, %ecx
1:  rdmsr
    shl $32, %rdx
    or %rdx, %rax
    mov %rax, (%rsi)
    xor %eax, %eax
    ret
    EX_ENTRY 1b

    .globl probe_wrmsr              /* (uint32_t msr, uint64_t v) */
probe_wrmsr:
    mov %edi, %ecx
    mov %esi, %eax
    mov %rsi, %rdx
    shr $32, %rdx
1:  wrmsr
    xor %eax, %eax
    ret
    EX_ENTRY 1b

    .globl io_probe_in              /* (unsigned int port, unsigned int *v) */
io_probe_in:
    mov %edi, %edx
    xor %eax, %eax
1:  inb %dx, %al
    mov %eax, (%rsi)
    xor %eax, %eax
    ret
    EX_ENTRY 1b

    /* One rep insb with 0x67: EDI and ECX at this width. (port, addr) */
    .globl io_probe_insb_short
io_probe_insb_short:
    mov %edi, %edx
    mov %rsi, %rdi
    mov $1, %ecx
    xor %eax, %eax
1:  .byte 0x67
    rep insb
    xor %eax, %eax
    ret
    EX_ENTRY 1b

    .globl io_probe_out             /* (unsigned int port, unsigned int v) */
io_probe_out:
    mov %edi, %edx
    mov %esi, %eax
1:  outb %al, %dx
    xor %eax, %eax
    ret
    EX_ENTRY 1b

    /* CPUID behind Xen's forced-emulation prefix: (leaf, sub, uint32_t[4]) */
    .globl forced_cpuid
forced_cpuid:
    push %rbx
    mov %rdx, %r8
    mov %edi, %eax
    mov %esi, %ecx
    ud2
    .ascii "xen"
    cpuid
    mov %eax, (%r8)
    mov %ebx, 4(%r8)
    mov %ecx, 8(%r8)
    mov %edx, 12(%r8)
    pop %rbx
    ret

    .bss
    .p2align 12
boot_stack:
    .skip 4 * 4096
boot_stack_top:

/*
 * long hypercall_any(nr, a1, a2, a3, a4, a5): a hypercall chosen at run
 * time (the C wrappers need a constant), e.g. to try unassigned numbers.
 */
    .text
    .globl hypercall_any
hypercall_any:
    mov %rdi, %rax
    mov %rsi, %rdi
    mov %rdx, %rsi
    mov %rcx, %rdx
    mov %r8, %r10
    mov %r9, %r8
#ifdef CONFIG_HYPERCALL_PAGE
    cmp $(4096 / 32), %rax
    jae 1f
    mov %rax, %r11
    shl $5, %r11
    add $hypercall_page, %r11
    jmp *%r11                       /* the stub returns to our caller */
1:
#endif
    syscall
    ret
