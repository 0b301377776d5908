/* SPDX-License-Identifier: GPL-2.0-only */
/* Emulating instructions that fault when a PV kernel issues them. */
#ifndef ASM_X86_PV_EMULATE_H
#define ASM_X86_PV_EMULATE_H

#include <xen/types.h>
#include <asm/regs.h>
#include <asm/x86_emulate.h>

/*
 * A context for the current vCPU's guest mode, running regs; false if its
 * code segment is of a kind the emulator does not decode.
 */
bool pv_emul_ctxt_init(struct x86_emulate_ctxt *ctxt,
                       struct cpu_user_regs *regs);
/* Callbacks: guest memory (also instruction fetch) and FS/GS bases. */
int pv_emul_read(unsigned long addr, void *buf, unsigned int bytes,
                 struct x86_emulate_ctxt *ctxt);
int pv_emul_read_segment_base(enum x86_segment seg, unsigned long *base,
                              struct x86_emulate_ctxt *ctxt);

/*
 * On #GP from a PV guest: carry out the privileged instruction at rip
 * (port I/O, string I/O, RDMSR/WRMSR, MOV to and from CRn, XSETBV,
 * WBINVD, HLT, CLI/STI, INT n; from user mode only the I/O, CLI/STI and
 * INT n, as the IOPL, the I/O bitmap and the DPL allow) and step past
 * it.  false: not one of ours; the guest gets its #GP.
 */
bool pv_emulate_privileged_op(struct cpu_user_regs *regs);

/*
 * On a write #PF at addr: a store to one of the guest's own L1 tables,
 * validated and applied as mmu_update would, or dom0's store to an MSI-X
 * table or PBA the hypervisor drives, dropped (see pv/ptwr.c).
 */
bool pv_ptwr_emulate(struct cpu_user_regs *regs, unsigned long addr);

/* On #UD: Xen's forced-emulation prefix followed by CPUID. */
bool pv_emulate_forced_cpuid(struct cpu_user_regs *regs);
/* CPUID leaf/subleaf as a PV guest sees it (also its default policy). */
struct cpuid_regs;
void pv_cpuid(uint32_t leaf, uint32_t sub, struct cpuid_regs *r);

#endif /* ASM_X86_PV_EMULATE_H */
