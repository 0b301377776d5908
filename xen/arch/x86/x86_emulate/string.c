/* SPDX-License-Identifier: GPL-2.0-only */
/* String instructions, with REP: MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS. */
#include "private.h"

#define X86_EXC_GP 13
/*
 * Iterations done per call: a REP with more left stops with its registers
 * updated and insn_len 0, so the guest runs it again (and the hypervisor
 * gets a say in between, as with an interrupt on real hardware).
 */
#define REP_BATCH 256

int x86emul_io_allowed(struct x86_emulate_ctxt *ctxt,
                       const struct x86_emulate_ops *ops, unsigned int port,
                       unsigned int bytes)
{
    if ( ctxt->io_cpl <= ctxt->iopl )
        return X86EMUL_OKAY;
    /* Above the IOPL, the I/O bitmap may allow ports (never CLI/STI). */
    if ( bytes && ops->io_bitmap &&
         ops->io_bitmap(port, bytes, ctxt) == X86EMUL_OKAY )
        return X86EMUL_OKAY;
    return x86_emul_raise(ctxt, X86_EXC_GP, 0);
}

static int rd(struct x86emul_insn *in, struct x86_emulate_ctxt *ctxt,
              const struct x86_emulate_ops *ops, enum x86_segment seg,
              uint64_t ea, unsigned int bytes, uint64_t *val)
{
    unsigned long addr;
    int rc = x86emul_linear(ctxt, ops, seg, ea, in->ad_bytes, &addr);

    *val = 0;
    if ( rc != X86EMUL_OKAY )
        return rc;
    return ops->read ? ops->read(addr, val, bytes, ctxt)
                     : X86EMUL_UNHANDLEABLE;
}

static int wr(struct x86emul_insn *in, struct x86_emulate_ctxt *ctxt,
              const struct x86_emulate_ops *ops, uint64_t ea,
              unsigned int bytes, uint64_t val)
{
    unsigned long addr;
    int rc = x86emul_linear(ctxt, ops, x86_seg_es, ea, in->ad_bytes, &addr);

    if ( rc != X86EMUL_OKAY )
        return rc;
    return ops->write ? ops->write(addr, &val, bytes, ctxt)
                      : X86EMUL_UNHANDLEABLE;
}

/* One iteration; the index registers move only once it is done. */
static int once(struct x86emul_insn *in, struct x86_emulate_ctxt *ctxt,
                const struct x86_emulate_ops *ops, unsigned int bytes,
                unsigned int port)
{
    struct cpu_user_regs *regs = ctxt->regs;
    uint64_t rsi = x86emul_trunc(regs->rsi, in->ad_bytes);
    uint64_t rdi = x86emul_trunc(regs->rdi, in->ad_bytes);
    int64_t step = regs->rflags & EF_DF ? -(int64_t)bytes : bytes;
    bool src = false, dst = false;
    uint64_t a, b;
    uint32_t io;
    int rc = X86EMUL_OKAY;

    switch ( in->opcode )
    {
    case 0x6c:
    case 0x6d: /* ins */
        if ( !ops->read_io )
            return X86EMUL_UNHANDLEABLE;
        rc = ops->read_io(port, bytes, &io, ctxt);
        if ( rc == X86EMUL_OKAY )
            rc = wr(in, ctxt, ops, rdi, bytes, io);
        dst = true;
        break;
    case 0x6e:
    case 0x6f: /* outs */
        if ( !ops->write_io )
            return X86EMUL_UNHANDLEABLE;
        rc = rd(in, ctxt, ops, in->seg, rsi, bytes, &a);
        if ( rc == X86EMUL_OKAY )
            rc = ops->write_io(port, bytes, a, ctxt);
        src = true;
        break;
    case 0xa4:
    case 0xa5: /* movs */
        rc = rd(in, ctxt, ops, in->seg, rsi, bytes, &a);
        if ( rc == X86EMUL_OKAY )
            rc = wr(in, ctxt, ops, rdi, bytes, a);
        src = dst = true;
        break;
    case 0xa6:
    case 0xa7: /* cmps */
        rc = rd(in, ctxt, ops, in->seg, rsi, bytes, &a);
        if ( rc == X86EMUL_OKAY )
            rc = rd(in, ctxt, ops, x86_seg_es, rdi, bytes, &b);
        if ( rc == X86EMUL_OKAY )
            x86emul_alu(ALU_CMP, a, b, bytes, &regs->rflags);
        src = dst = true;
        break;
    case 0xaa:
    case 0xab: /* stos */
        rc = wr(in, ctxt, ops, rdi, bytes, regs->rax);
        dst = true;
        break;
    case 0xac:
    case 0xad: /* lods */
        rc = rd(in, ctxt, ops, in->seg, rsi, bytes, &a);
        if ( rc == X86EMUL_OKAY )
            x86emul_write_reg(in, regs, 0, bytes, a);
        src = true;
        break;
    default: /* scas */
        rc = rd(in, ctxt, ops, x86_seg_es, rdi, bytes, &b);
        if ( rc == X86EMUL_OKAY )
            x86emul_alu(ALU_CMP, regs->rax, b, bytes, &regs->rflags);
        dst = true;
        break;
    }
    if ( rc != X86EMUL_OKAY )
        return rc;
    if ( src )
        x86emul_write_reg(in, regs, 6, in->ad_bytes, rsi + step);
    if ( dst )
        x86emul_write_reg(in, regs, 7, in->ad_bytes, rdi + step);
    return X86EMUL_OKAY;
}

int x86emul_string(struct x86emul_insn *in, struct x86_emulate_ctxt *ctxt,
                   const struct x86_emulate_ops *ops)
{
    struct cpu_user_regs *regs = ctxt->regs;
    unsigned int op = in->opcode, bytes = in->op_bytes, port = 0, done;
    bool rep = in->rep || in->repne, compares = (op & ~9) == 0xa6;
    uint64_t count = x86emul_trunc(regs->rcx, in->ad_bytes);
    int rc;

    if ( op <= 0x6f )
    {
        /* At most 32 bits; the ports it covers checked as for IN and OUT. */
        bytes = (op & 1) ? (in->opsize ? 2 : 4) : 1;
        port = regs->rdx & 0xffff;
        rc = x86emul_io_allowed(ctxt, ops, port, bytes);
        if ( rc != X86EMUL_OKAY )
            return rc;
    }
    if ( !rep )
        return once(in, ctxt, ops, bytes, port);
    for ( done = 0; count; done++ )
    {
        if ( done == REP_BATCH )
        {
            ctxt->insn_len = 0;
            return X86EMUL_OKAY;
        }
        rc = once(in, ctxt, ops, bytes, port);
        if ( rc != X86EMUL_OKAY )
            return rc;
        x86emul_write_reg(in, regs, 1, in->ad_bytes, --count);
        /* REPE stops on a difference, REPNE on a match. */
        if ( compares && !(regs->rflags & EF_ZF) == in->rep )
            break;
    }
    return X86EMUL_OKAY;
}
