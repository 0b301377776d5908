/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * System instructions: port I/O, CLI/STI, HLT, INT n, MOV to and from
 * CRs and DRs, RDMSR/WRMSR, RDTSC(P), CPUID, INVD/WBINVD, LMSW, CLTS and
 * XSETBV.  The callbacks carry them out; the emulator checks the ring.
 */
#include "private.h"

#define X86_EXC_GP  13
#define X86_EXC_UD  6
#define CR0_TS      (1UL << 3)
#define CR4_TSD     (1UL << 2)
#define MSR_TSC     0x00000010
#define MSR_TSC_AUX 0xc0000103

static uint64_t edx_eax(const struct cpu_user_regs *regs)
{
    return ((uint64_t)(uint32_t)regs->rdx << 32) | (uint32_t)regs->rax;
}

/* Ring 0 only. */
static int privileged(struct x86_emulate_ctxt *ctxt)
{
    return ctxt->cpl ? x86_emul_raise(ctxt, X86_EXC_GP, 0) : X86EMUL_OKAY;
}

static int port_io(struct x86emul_insn *in, struct x86_emulate_ctxt *ctxt,
                   const struct x86_emulate_ops *ops)
{
    struct cpu_user_regs *regs = ctxt->regs;
    unsigned int op = in->opcode;
    unsigned int bytes = !(op & 1) ? 1 : in->opsize ? 2 : 4;
    unsigned int port = op & 8 ? regs->rdx & 0xffff : in->imm & 0xff;
    uint32_t val;
    int rc = x86emul_io_allowed(ctxt, ops, port, bytes);

    if ( rc != X86EMUL_OKAY )
        return rc;
    if ( op & 2 )
        return ops->write_io
                   ? ops->write_io(port, bytes,
                                   x86emul_trunc(regs->rax, bytes), ctxt)
                   : X86EMUL_UNHANDLEABLE;
    if ( !ops->read_io )
        return X86EMUL_UNHANDLEABLE;
    rc = ops->read_io(port, bytes, &val, ctxt);
    if ( rc == X86EMUL_OKAY )
        x86emul_write_reg(in, regs, 0, bytes, val);
    return rc;
}

/* The TSC, and for RDTSCP its TSC_AUX; CR4.TSD keeps it to ring 0. */
static int rdtsc(struct x86emul_insn *in, struct x86_emulate_ctxt *ctxt,
                 const struct x86_emulate_ops *ops, bool aux)
{
    struct cpu_user_regs *regs = ctxt->regs;
    unsigned long cr4 = 0;
    uint64_t tsc, tsc_aux = 0;
    int rc;

    if ( !ops->read_msr )
        return X86EMUL_UNHANDLEABLE;
    if ( ctxt->cpl && ops->read_cr &&
         (rc = ops->read_cr(4, &cr4, ctxt)) != X86EMUL_OKAY )
        return rc;
    if ( cr4 & CR4_TSD )
        return x86_emul_raise(ctxt, X86_EXC_GP, 0);
    rc = ops->read_msr(MSR_TSC, &tsc, ctxt);
    if ( rc == X86EMUL_OKAY && aux )
        rc = ops->read_msr(MSR_TSC_AUX, &tsc_aux, ctxt);
    if ( rc != X86EMUL_OKAY )
        return rc;
    regs->rax = (uint32_t)tsc;
    regs->rdx = tsc >> 32;
    if ( aux )
        regs->rcx = (uint32_t)tsc_aux;
    return X86EMUL_OKAY;
}

/* Rewrites CR0 with the bits of mask taken from val. */
static int update_cr0(struct x86_emulate_ctxt *ctxt,
                      const struct x86_emulate_ops *ops, unsigned long mask,
                      unsigned long val)
{
    unsigned long cr0;
    int rc;

    if ( !ops->read_cr || !ops->write_cr )
        return X86EMUL_UNHANDLEABLE;
    rc = ops->read_cr(0, &cr0, ctxt);
    if ( rc != X86EMUL_OKAY )
        return rc;
    return ops->write_cr(0, (cr0 & ~mask) | (val & mask), ctxt);
}

/* 0f 01: LMSW, XSETBV, RDTSCP (the rest of group 7 is not ours). */
static int group7(struct x86emul_insn *in, struct x86_emulate_ctxt *ctxt,
                  const struct x86_emulate_ops *ops)
{
    struct cpu_user_regs *regs = ctxt->regs;
    unsigned long addr;
    uint64_t msw;
    int rc;

    if ( in->modrm == 0xd1 ) /* xsetbv */
    {
        if ( (rc = privileged(ctxt)) != X86EMUL_OKAY )
            return rc;
        return ops->write_xcr ? ops->write_xcr(regs->rcx, edx_eax(regs), ctxt)
                              : X86EMUL_UNHANDLEABLE;
    }
    if ( in->modrm == 0xf9 ) /* rdtscp */
        return rdtsc(in, ctxt, ops, true);
    if ( (in->reg & 7) != 6 )
        return X86EMUL_UNHANDLEABLE;
    /* lmsw: the low four bits of CR0, which it cannot use to clear PE. */
    if ( (rc = privileged(ctxt)) != X86EMUL_OKAY )
        return rc;
    if ( !in->mem )
        msw = x86emul_read_reg(in, regs, in->rm, 2);
    else
    {
        if ( !ops->read )
            return X86EMUL_UNHANDLEABLE;
        msw = 0;
        rc = x86emul_linear(ctxt, ops, in->seg, in->ea, in->ad_bytes, &addr);
        if ( rc == X86EMUL_OKAY )
            rc = ops->read(addr, &msw, 2, ctxt);
        if ( rc != X86EMUL_OKAY )
            return rc;
    }
    return update_cr0(ctxt, ops, 0xe | (msw & 1), msw);
}

/* MOV to and from CRn and DRn: always a register, of the full width. */
int x86emul_mov_cr_dr(struct x86emul_insn *in, struct x86_emulate_ctxt *ctxt,
                      const struct x86_emulate_ops *ops)
{
    unsigned int op = in->opcode;
    unsigned int bytes = ctxt->mode == X86EMUL_MODE_64 ? 8 : 4;
    bool dr = op & 1, to = op & 2;
    unsigned long val;
    int rc;

    /*
     * The CPU takes any mod as the register form; a memory form is no
     * compiler's output, and is left to the caller (PV gives #GP).
     */
    if ( in->mem )
        return X86EMUL_UNHANDLEABLE;
    if ( (rc = privileged(ctxt)) != X86EMUL_OKAY )
        return rc;
    /* There are eight DRs: REX.R naming DR8-15 is #UD, as on the CPU. */
    if ( dr && in->reg > 7 )
        return x86_emul_raise(ctxt, X86_EXC_UD, X86EMUL_NO_ERROR_CODE);
    if ( to )
    {
        val = x86emul_read_reg(in, ctxt->regs, in->rm, bytes);
        if ( dr )
            return ops->write_dr ? ops->write_dr(in->reg, val, ctxt)
                                 : X86EMUL_UNHANDLEABLE;
        return ops->write_cr ? ops->write_cr(in->reg, val, ctxt)
                             : X86EMUL_UNHANDLEABLE;
    }
    if ( dr ? !ops->read_dr : !ops->read_cr )
        return X86EMUL_UNHANDLEABLE;
    rc = dr ? ops->read_dr(in->reg, &val, ctxt)
            : ops->read_cr(in->reg, &val, ctxt);
    if ( rc == X86EMUL_OKAY )
        x86emul_write_reg(in, ctxt->regs, in->rm, bytes, val);
    return rc;
}

int x86emul_system(struct x86emul_insn *in, struct x86_emulate_ctxt *ctxt,
                   const struct x86_emulate_ops *ops)
{
    struct cpu_user_regs *regs = ctxt->regs;
    uint32_t res[4];
    uint64_t val;
    int rc;

    switch ( in->opcode )
    {
    case 0xe4 ... 0xe7:
    case 0xec ... 0xef:
        return port_io(in, ctxt, ops);
    case 0xfa:
    case 0xfb: /* cli, sti */
        rc = x86emul_io_allowed(ctxt, ops, 0, 0);
        if ( rc == X86EMUL_OKAY )
        {
            ctxt->retire.cli = in->opcode == 0xfa;
            ctxt->retire.sti = in->opcode == 0xfb;
        }
        return rc;
    case 0xcd: /* int n */
        ctxt->retire.swint = true;
        ctxt->swint_vector = in->imm;
        return X86EMUL_OKAY;
    case 0x1a2: /* cpuid */
        if ( !ops->cpuid )
            return X86EMUL_UNHANDLEABLE;
        rc = ops->cpuid(regs->rax, regs->rcx, res, ctxt);
        if ( rc != X86EMUL_OKAY )
            return rc;
        regs->rax = res[0];
        regs->rbx = res[1];
        regs->rcx = res[2];
        regs->rdx = res[3];
        return X86EMUL_OKAY;
    case 0x131:
        return rdtsc(in, ctxt, ops, false);
    case 0x101:
        return group7(in, ctxt, ops);
    }

    /* The rest is ring 0's. */
    if ( (rc = privileged(ctxt)) != X86EMUL_OKAY )
        return rc;
    switch ( in->opcode )
    {
    case 0xf4: /* hlt */
        ctxt->retire.hlt = true;
        return X86EMUL_OKAY;
    case 0x106: /* clts */
        return update_cr0(ctxt, ops, CR0_TS, 0);
    case 0x108:
    case 0x109: /* invd, wbinvd */
        return ops->cache_op ? ops->cache_op(in->opcode == 0x109, ctxt)
                             : X86EMUL_UNHANDLEABLE;
    case 0x130: /* wrmsr */
        return ops->write_msr ? ops->write_msr(regs->rcx, edx_eax(regs), ctxt)
                              : X86EMUL_UNHANDLEABLE;
    default: /* rdmsr */
        if ( !ops->read_msr )
            return X86EMUL_UNHANDLEABLE;
        rc = ops->read_msr(regs->rcx, &val, ctxt);
        if ( rc == X86EMUL_OKAY )
        {
            regs->rax = (uint32_t)val;
            regs->rdx = val >> 32;
        }
        return rc;
    }
}
