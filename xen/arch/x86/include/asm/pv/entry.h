/* SPDX-License-Identifier: GPL-2.0-only */
/* How PV guests enter the hypervisor: SYSCALL stubs and the guest frame. */
#ifndef ASM_X86_PV_ENTRY_H
#define ASM_X86_PV_ENTRY_H

/* FLAT_KERNEL_CS/SS of the public ABI, for assembly (checked in C). */
#define PV_KERNEL_CS 0xe033
#define PV_KERNEL_SS 0xe02b
/* FLAT_USER_CS32/SS32: what SYSCALL from compatibility mode left. */
#define PV_USER_CS32 0xe023
#define PV_USER_SS32 0xe02b

/* entry_vector of a frame built by SYSCALL rather than by the CPU. */
#define TRAP_syscall 256

#define PV_SYSCALL_STUB_SIZE 32

/* int $0x82: 32-bit PV guests' hypercalls (pv/compat_entry.S). */
#define PV_COMPAT_HYPERCALL_VECTOR 0x82

#ifndef __ASSEMBLY__
#include <asm/regs.h>

extern const char pv_syscall_stubs[];
/* The same for SYSCALL from compatibility mode (MSR_CSTAR). */
extern const char pv_cstar_stubs[];
/* Per CPU: the address just above the guest frame's ss (TSS.rsp0 too). */
extern unsigned long pv_frame_top[];

void return_to_guest(void) __attribute__((__noreturn__));
/* The IRETQ into the guest at the end of return_to_guest. */
extern const char pv_iret_to_guest[];
/* The guest's SYSCALL: a hypercall, or user mode's (arch/x86/hypercall.c). */
void pv_syscall(struct cpu_user_regs *regs);
/* The IDT entry point of PV_COMPAT_HYPERCALL_VECTOR. */
extern const char pv_compat_int82[];
/* A 32-bit PV guest's hypercall (arch/x86/hypercall.c). */
void pv_compat_hypercall(struct cpu_user_regs *regs);
/* The guest's SYSCALL from compatibility mode (pv/traps.c). */
void pv_compat_syscall(struct cpu_user_regs *regs);
void pv_prepare_return(void);
void pv_percpu_init(unsigned int cpu);
struct domain;
/* Fills one page with the hypercall stubs d's guest calls through. */
void pv_write_hypercall_page(const struct domain *d, uint8_t *page);
#endif

#endif /* ASM_X86_PV_ENTRY_H */
