/* SPDX-License-Identifier: GPL-2.0-only */
/* Assembly both widths' head.S share: the exception stubs, plain probes. */
#ifndef MINIOS_ENTRY_COMMON_H
#define MINIOS_ENTRY_COMMON_H

/*
 * Included in .text after the includer has defined TRAP_ENTRY (one stub:
 * name, vector, whether the CPU pushes an error code) and EX_ENTRY (an
 * ex_table entry for a probe's access).
 */
    TRAP_ENTRY trap_divide_error, 0, 0
    TRAP_ENTRY trap_debug, 1, 0
    TRAP_ENTRY trap_nmi, 2, 0
    TRAP_ENTRY trap_int3, 3, 0
    TRAP_ENTRY trap_overflow, 4, 0
    TRAP_ENTRY trap_bounds, 5, 0
    TRAP_ENTRY trap_invalid_op, 6, 0
    TRAP_ENTRY trap_no_device, 7, 0
    TRAP_ENTRY trap_double_fault, 8, 1
    TRAP_ENTRY trap_coproc_seg, 9, 0
    TRAP_ENTRY trap_invalid_tss, 10, 1
    TRAP_ENTRY trap_no_segment, 11, 1
    TRAP_ENTRY trap_stack_fault, 12, 1
    TRAP_ENTRY trap_gp_fault, 13, 1
    TRAP_ENTRY trap_page_fault, 14, 1
    TRAP_ENTRY trap_spurious, 15, 0
    TRAP_ENTRY trap_coproc_error, 16, 0
    TRAP_ENTRY trap_alignment, 17, 1
    TRAP_ENTRY trap_machine_check, 18, 0
    TRAP_ENTRY trap_simd_error, 19, 0
    /* Event upcalls share the path with a vector no exception uses. */
    TRAP_ENTRY hypervisor_callback, TRAP_VEC_EVENT, 0

/* Probes with no operands: 0, or 1 + the vector (probe_fixup). */
    .globl probe_fninit
probe_fninit:
    xor %eax, %eax
1:  fninit
    ret
    EX_ENTRY 1b

    .globl probe_ud2
probe_ud2:
    xor %eax, %eax
1:  ud2
    ret
    EX_ENTRY 1b

    .globl probe_int3
probe_int3:
    xor %eax, %eax
    int3
1:  ret
    EX_ENTRY 1b

    .globl probe_cli
probe_cli:
    xor %eax, %eax
1:  cli
    ret
    EX_ENTRY 1b

#endif /* MINIOS_ENTRY_COMMON_H */
