/* SPDX-License-Identifier: GPL-2.0-only */
/* Emulating instructions that fault when a PV kernel issues them. */
#ifndef ASM_X86_PV_EMULATE_H
#define ASM_X86_PV_EMULATE_H

#include <xen/types.h>
#include <asm/regs.h>

/* What a decoded instruction needs: its bytes, prefixes and length. */
struct insn {
    uint8_t b[16];
    unsigned int n;             /* bytes fetched */
    unsigned int len;           /* bytes consumed so far */
    bool opsize;                /* 0x66 */
    bool lock;                  /* 0xf0 */
    bool rep;                   /* 0xf2 or 0xf3 */
    bool fsgs;                  /* an FS or GS override (0x64, 0x65) */
    uint8_t rex;
};

/*
 * Reads the instruction at rip (16 bytes, fewer at the end of a mapped
 * page) and its legacy and REX prefixes; false if nothing follows them.
 */
bool pv_insn_fetch(struct insn *in, unsigned long rip);
/* General register n (0-15, with REX) of the frame. */
uint64_t *pv_insn_gpr(struct cpu_user_regs *regs, unsigned int n);

/*
 * On #GP from a PV guest: carry out the privileged instruction at rip
 * (port I/O, RDMSR/WRMSR, MOV from CRn, WBINVD, HLT, INT n; from user
 * mode only port I/O and INT n, as the IOPL and the DPL allow) and step
 * past it.  false: not one of ours; the guest gets its #GP.
 */
bool pv_emulate_privileged_op(struct cpu_user_regs *regs);

/*
 * On a write #PF at addr: a store to one of the guest's own L1 tables,
 * validated and applied as mmu_update would (see pv/ptwr.c).
 */
bool pv_ptwr_emulate(struct cpu_user_regs *regs, unsigned long addr);

/* On #UD: Xen's forced-emulation prefix followed by CPUID. */
bool pv_emulate_forced_cpuid(struct cpu_user_regs *regs);
/* CPUID leaf/subleaf as a PV guest sees it (also its default policy). */
struct cpuid_regs;
void pv_cpuid(uint32_t leaf, uint32_t sub, struct cpuid_regs *r);

#endif /* ASM_X86_PV_EMULATE_H */
