/* SPDX-License-Identifier: GPL-2.0-only */
/* Exception and event entry: the saved register frame and its handlers. */

#ifndef MINIOS_TRAPS_H
#define MINIOS_TRAPS_H

/* Pseudo-vectors for the entries Xen calls that are not exceptions. */
#define TRAP_VEC_EVENT    256
#define TRAP_VEC_FAILSAFE 257
#define TRAP_VEC_SYSCALL  258

#ifndef __ASSEMBLY__

#include <os.h>

/* struct trap_regs: what trap_common in head.S saves, at this width. */
#include <arch/traps.h>

/* The table trap_init() installs (ends with a zero entry). */
extern const trap_info_t trap_table[];
void trap_init(void);
void trap_dispatch(struct trap_regs *regs);
/* The FATAL: lines for an unexpected trap (arch/<arch>/regs.c). */
void dump_trap_regs(const struct trap_regs *r, const char *name,
                    unsigned long cr2);

/* How many times each exception vector reached trap_dispatch. */
extern unsigned long trap_counts[32];
/* The last fault a probe_*() caught: vector, error code and cr2. */
extern unsigned long last_fixup_vector, last_fixup_error, last_fixup_cr2;

/*
 * Probes: one access each, returning 0, or 1 + the vector if it faulted
 * (the fault is then in last_fixup_*).
 */
int probe_write64(uint64_t *p, uint64_t v);
int probe_write64_trap(uint64_t *p, uint64_t v);
int probe_read64(const uint64_t *p, uint64_t *out);
int probe_read_cr0(unsigned long *out);
int probe_fninit(void);
int probe_ud2(void);
int probe_int3(void);
int probe_int82(void);
int probe_lock_andb_fd(uint8_t *p);
int probe_lock_orb_02(uint8_t *p);
int probe_lock_btr(uint64_t *p, long bit, uint8_t *cf);
int probe_write_cr0(unsigned long v);
int probe_write_cr4(unsigned long v);
int probe_cli(void);
int probe_xsetbv(uint64_t xcr0);
int probe_rdmsr(uint32_t msr, uint64_t *out);
/* in al, dx and out dx, al at port (tests/iobitmap.c). */
int io_probe_in(unsigned int port, unsigned int *val);
int io_probe_out(unsigned int port, unsigned int val);
/*
 * One byte by rep insb from port with the address-size prefix (0x67): to
 * addr cut to 16 bits (DI, with CX as the count) in 32-bit code, to 32
 * bits (EDI, ECX) in 64-bit code.
 */
int io_probe_insb_short(unsigned int port, unsigned long addr);
int probe_wrmsr(uint32_t msr, uint64_t v);
/* CPUID through the hypervisor (Xen's forced-emulation prefix). */
void forced_cpuid(uint32_t leaf, uint32_t sub, uint32_t regs[4]);

/*
 * The failsafe callback: the selectors Xen could not reload (ds, es, fs,
 * gs), and how many times it came.  It is fatal unless failsafe_expected
 * is set (tests/segments.c); then the guest carries on where it was.
 */
extern uint64_t failsafe_selectors[4];
extern unsigned long failsafe_count;
extern bool failsafe_expected;

/* Entry points in head.S, for the trap table and callback registration. */
void hypervisor_callback(void);
void failsafe_callback(void);
/*
 * The width's part of a kernel-mode vcpu context (arch/<arch>/arch.c):
 * entry at ip on stack sp, interrupts on, and what else this width's
 * layout needs beside the shared fields.
 */
void context_entry(vcpu_guest_context_t *ctx, unsigned long ip,
                   unsigned long sp);
void syscall_callback(void);

/*
 * While set, everything that arrives from guest user mode (a frame with
 * CS RPL 3: exceptions, events, system calls) goes here instead; a case
 * that runs user code sets it (tests/usermode.c).
 */
extern void (*user_trap_hook)(struct trap_regs *regs);

#endif /* !__ASSEMBLY__ */

#endif /* MINIOS_TRAPS_H */
