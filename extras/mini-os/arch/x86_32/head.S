/* SPDX-License-Identifier: GPL-2.0-only */
/* mini-os x86_32 entry: notes, hypercall page, 32-bit bounce frames, probes. */

#include <public/xen.h>
#include <public/elfnote.h>
#include <public/features.h>
#include <traps.h>
#include <xen_note.h>

#define VIRT_BASE 0xC0000000

/*
 * PAE_MODE "yes" makes a builder take the image as an x86_32p guest;
 * pae_pgdir_above_4gb lets it put our L3 in any frame (we fold cr3s with
 * xen_pfn_to_cr3); HV_START_LOW says where our mapping of the domain's
 * pages must stop (MAX_MAPPED_PFNS).
 */
    .section .note.Xen, "a", @note
    XEN_NOTE(XEN_ELFNOTE_GUEST_OS, .asciz, "hv-minios")
    XEN_NOTE(XEN_ELFNOTE_GUEST_VERSION, .asciz, "0.1")
    XEN_NOTE(XEN_ELFNOTE_XEN_VERSION, .asciz, "xen-3.0")
    XEN_NOTE(XEN_ELFNOTE_LOADER, .asciz, "generic")
    XEN_NOTE(XEN_ELFNOTE_VIRT_BASE, .long, VIRT_BASE)
    XEN_NOTE(XEN_ELFNOTE_PADDR_OFFSET, .long, 0)
    XEN_NOTE(XEN_ELFNOTE_ENTRY, .long, _start)
    XEN_NOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .long, hypercall_page)
    XEN_NOTE(XEN_ELFNOTE_HV_START_LOW, .long, __HYPERVISOR_VIRT_START_PAE)
    XEN_NOTE(XEN_ELFNOTE_PAE_MODE, .asciz, "yes")
    XEN_NOTE(XEN_ELFNOTE_FEATURES, .asciz, "pae_pgdir_above_4gb")
    /* Declaring dom0 support lets a builder that checks it make us dom0. */
    XEN_NOTE(XEN_ELFNOTE_SUPPORTED_FEATURES, .long, 1 << XENFEAT_dom0)

/*
 * Xen enters in ring 1 on FLAT_RING1_CS/DS, events masked, with esi
 * pointing at start_info and esp on its one-page boot stack: move to our
 * own, larger stack first.
 */
    .section .text.head, "ax", @progbits
    .globl _start
_start:
    cld
    mov $boot_stack_top, %esp
    sub $12, %esp               /* the C ABI's 16-byte alignment at the call */
    push %esi
    call start_kernel
    ud2

    /* Xen writes one 32-byte stub per hypercall here while building us. */
    .p2align 12
    .globl hypercall_page
hypercall_page:
    .fill 4096, 1, 0xcc

/*
 * Xen delivers an exception on the ring-1 stack as [error code], eip,
 * cs, eflags (and esp, ss from ring 3).  Each stub supplies a zero error
 * code where the CPU has none and pushes the vector, so that trap_common
 * sees one layout: struct trap_regs in arch/traps.h.
 */
.macro TRAP_ENTRY name, vec, has_err
    .globl \name
\name:
    .if !\has_err
    push $0
    .endif
    push $\vec
    jmp trap_common
.endm

.macro EX_ENTRY at, fixup=probe_fixup
    .pushsection .ex_table, "a"
    .long \at, \fixup
    .popsection
.endm

    .text
    /* The exception stubs, then the probes written alike at both widths. */
#include <entry_common.h>

/*
 * Xen could not reload the data segment selectors we had: they are null
 * now, which in 32-bit code faults on the first data access, so ds and
 * es get ours back before anything else.  The frame has ds, es, fs, gs
 * before eip; they go to failsafe_selectors[], and the rest is an
 * ordinary trap frame.
 */
    .globl failsafe_callback
failsafe_callback:
    push %eax
    mov $FLAT_KERNEL_DS, %eax
    mov %eax, %ds
    mov %eax, %es
    pop %eax
    popl failsafe_selectors
    popl failsafe_selectors + 8
    popl failsafe_selectors + 16
    popl failsafe_selectors + 24
    push $0
    push $TRAP_VEC_FAILSAFE
    jmp trap_common

trap_common:
    push %eax
    push %ebp
    push %edi
    push %esi
    push %edx
    push %ecx
    push %ebx
    /* The frame is only 4-byte aligned; keep the C ABI's 16 anyway. */
    mov %esp, %ebx
    and $-16, %esp
    sub $12, %esp
    push %ebx
    call trap_dispatch
    mov %ebx, %esp
    pop %ebx
    pop %ecx
    pop %edx
    pop %esi
    pop %edi
    pop %ebp
    pop %eax
    add $8, %esp                /* vector, error code */
    /*
     * The iret stub pushes eax and makes the hypercall, which pops eax
     * and the frame and restores the event mask from eflags.IF, so no
     * event can arrive on this half-unwound stack.
     */
    jmp hypercall_page + __HYPERVISOR_iret * 32

/*
 * Each probe_*() does one access that may fault and returns 0 if it did
 * not; the trap handler puts 1 + vector in eax and resumes at the fixup,
 * which undoes what the probe pushed.  The ex_table entry names the
 * faulting instruction for faults and the next one for traps (int3, #DB),
 * as the CPU reports them.  Arguments are on the stack (cdecl).
 */

    .globl probe_fixup
probe_fixup:
    ret

/* Pops the ebx and esi that the 64-bit writes below saved. */
probe_fixup_pop2:
    pop %esi
    pop %ebx
    ret

/*
 * A 64-bit write in one access, as a PAE page-table update must be:
 * cmpxchg8b against whatever is there.  (p, v)  With trap=1 the ex_table
 * entry is for a data breakpoint: #DB is a trap, after the write.
 */
.macro PROBE_WRITE64 name, trap
    .globl \name
\name:
    push %ebx
    push %esi
    mov 12(%esp), %esi
    mov 16(%esp), %ebx
    mov 20(%esp), %ecx
1:  mov (%esi), %eax
    mov 4(%esi), %edx
2:  lock cmpxchg8b (%esi)
3:  jnz 2b
    xor %eax, %eax
    pop %esi
    pop %ebx
    ret
    .if \trap
    EX_ENTRY 3b, probe_fixup_pop2
    .else
    EX_ENTRY 1b, probe_fixup_pop2
    EX_ENTRY 2b, probe_fixup_pop2
    .endif
.endm
    PROBE_WRITE64 probe_write64, 0
    PROBE_WRITE64 probe_write64_trap, 1

    .globl probe_read64             /* (const uint64_t *p, uint64_t *out) */
probe_read64:
    mov 4(%esp), %ecx
    xor %eax, %eax
1:  mov (%ecx), %edx
    mov 4(%ecx), %ecx
    mov 8(%esp), %eax
    mov %edx, (%eax)
    mov %ecx, 4(%eax)
    xor %eax, %eax
    ret
    EX_ENTRY 1b

    .globl probe_read_cr0           /* (unsigned long *out) */
probe_read_cr0:
    xor %eax, %eax
1:  mov %cr0, %edx
    mov 4(%esp), %ecx
    mov %edx, (%ecx)
    ret
    EX_ENTRY 1b

    /* Locked bit operations on a page-table entry (tests/mmu.c). */
    .globl probe_lock_andb_fd       /* (uint8_t *p) */
probe_lock_andb_fd:
    mov 4(%esp), %ecx
    xor %eax, %eax
1:  lock andb $0xfd, (%ecx)
    ret
    EX_ENTRY 1b

    .globl probe_lock_orb_02        /* (uint8_t *p) */
probe_lock_orb_02:
    mov 4(%esp), %ecx
    xor %eax, %eax
1:  lock orb $0x02, (%ecx)
    ret
    EX_ENTRY 1b

    .globl probe_lock_btr           /* (uint64_t *p, long bit, uint8_t *cf) */
probe_lock_btr:
    mov 4(%esp), %ecx
    mov 8(%esp), %edx
    xor %eax, %eax
1:  lock btr %edx, (%ecx)
    mov 12(%esp), %ecx
    setc (%ecx)
    ret
    EX_ENTRY 1b

    /* Privileged instructions a PV kernel has emulated (tests/privop.c). */
    .globl probe_write_cr0          /* (unsigned long v) */
probe_write_cr0:
    mov 4(%esp), %edx
    xor %eax, %eax
1:  mov %edx, %cr0
    ret
    EX_ENTRY 1b

    .globl probe_write_cr4          /* (unsigned long v) */
probe_write_cr4:
    mov 4(%esp), %edx
    xor %eax, %eax
1:  mov %edx, %cr4
    ret
    EX_ENTRY 1b

    .globl probe_xsetbv             /* (uint64_t xcr0) */
probe_xsetbv:
    mov 4(%esp), %eax
    mov 8(%esp), %edx
    xor %ecx, %ecx
1:  xsetbv
    xor %eax, %eax
    ret
    EX_ENTRY 1b

    .globl probe_rdmsr              /* (uint32_t msr, uint64_t *out) */
probe_rdmsr:
    mov 4(%esp), %ecx
1:  rdmsr
    mov 8(%esp), %ecx
    mov %eax, (%ecx)
    mov %edx, 4(%ecx)
    xor %eax, %eax
    ret
    EX_ENTRY 1b

    .globl probe_wrmsr              /* (uint32_t msr, uint64_t v) */
probe_wrmsr:
    mov 4(%esp), %ecx
    mov 8(%esp), %eax
    mov 12(%esp), %edx
1:  wrmsr
    xor %eax, %eax
    ret
    EX_ENTRY 1b

    .globl io_probe_in              /* (unsigned int port, unsigned int *v) */
io_probe_in:
    mov 4(%esp), %edx
    xor %eax, %eax
1:  inb %dx, %al
    mov 8(%esp), %ecx
    mov %eax, (%ecx)
    xor %eax, %eax
    ret
    EX_ENTRY 1b

/* Pops the edi that io_probe_insb_short saved. */
probe_fixup_pop_edi:
    pop %edi
    ret

    /* One rep insb with 0x67: DI and CX at this width. (port, addr) */
    .globl io_probe_insb_short
io_probe_insb_short:
    push %edi
    mov 8(%esp), %edx
    mov 12(%esp), %edi
    mov $1, %ecx
    xor %eax, %eax
1:  .byte 0x67
    rep insb
    xor %eax, %eax
    pop %edi
    ret
    EX_ENTRY 1b, probe_fixup_pop_edi

    .globl io_probe_out             /* (unsigned int port, unsigned int v) */
io_probe_out:
    mov 4(%esp), %edx
    mov 8(%esp), %eax
1:  outb %al, %dx
    xor %eax, %eax
    ret
    EX_ENTRY 1b

    /* CPUID behind Xen's forced-emulation prefix: (leaf, sub, uint32_t[4]) */
    .globl forced_cpuid
forced_cpuid:
    push %ebx
    push %esi
    mov 12(%esp), %eax
    mov 16(%esp), %ecx
    mov 20(%esp), %esi
    ud2
    .ascii "xen"
    cpuid
    mov %eax, (%esi)
    mov %ebx, 4(%esi)
    mov %ecx, 8(%esi)
    mov %edx, 12(%esi)
    pop %esi
    pop %ebx
    ret

/*
 * long hypercall_any(nr, a1, a2, a3, a4, a5): a hypercall chosen at run
 * time (the C wrappers need a constant), e.g. to try unassigned numbers:
 * through the page's stub where there is one, else int $0x82 itself.
 */
    .globl hypercall_any
hypercall_any:
    push %ebp
    push %ebx
    push %esi
    push %edi
    mov 20(%esp), %eax
    mov 24(%esp), %ebx
    mov 28(%esp), %ecx
    mov 32(%esp), %edx
    mov 36(%esp), %esi
    mov 40(%esp), %edi
    cmp $(4096 / 32), %eax
    jae 1f
    mov %eax, %ebp
    shl $5, %ebp
    add $hypercall_page, %ebp
    call *%ebp
    jmp 2f
1:  int $0x82
2:  pop %edi
    pop %esi
    pop %ebx
    pop %ebp
    ret

    .bss
    .p2align 12
boot_stack:
    .skip 4 * 4096
boot_stack_top:
