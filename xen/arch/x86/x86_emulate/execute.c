/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Execution: the entry point, and the data instructions (ALU, MOV and
 * their kin); string and system instructions have files of their own.
 */
#include <xen/string.h>
#include "private.h"

#define X86_EXC_UD 6
/* A locked read-modify-write lost a race: read and compute again. */
#define RETRY       (-1)
#define MAX_RETRIES 16

int x86_emul_raise(struct x86_emulate_ctxt *ctxt, uint8_t vector, uint32_t ec)
{
    ctxt->event.vector = vector;
    ctxt->event.error_code = ec;
    return X86EMUL_EXCEPTION;
}

/* Where LOCK may stand: a read-modify-write of memory. */
static bool lockable(const struct x86emul_insn *in)
{
    unsigned int op = in->opcode, r = in->reg & 7;

    if ( !in->mem )
        return false;
    if ( op < 0x38 )
        return (op & 7) < 2;
    switch ( op )
    {
    case 0x80:
    case 0x81:
    case 0x83:
        return r != 7;
    case 0x86:
    case 0x87:
        return true;
    case 0xf6:
    case 0xf7:
        return r == 2 || r == 3;
    case 0xfe:
    case 0xff:
        return r < 2;
    case 0x1ab:
    case 0x1b3:
    case 0x1bb:
    case 0x1b0:
    case 0x1b1:
    case 0x1c0:
    case 0x1c1:
        return true;
    case 0x1ba:
        return r >= 5;
    case 0x1c7:
        return r == 1;
    default:
        return false;
    }
}

static int mem_addr(const struct x86emul_insn *in,
                    struct x86_emulate_ctxt *ctxt,
                    const struct x86_emulate_ops *ops, unsigned long *addr)
{
    return x86emul_linear(ctxt, ops, in->seg, in->ea, in->ad_bytes, addr);
}

static int read_mem(struct x86_emulate_ctxt *ctxt,
                    const struct x86_emulate_ops *ops, unsigned long addr,
                    unsigned int bytes, uint64_t *val)
{
    *val = 0;
    if ( !ops->read )
        return X86EMUL_UNHANDLEABLE;
    return ops->read(addr, val, bytes, ctxt);
}

/* The r/m operand's value (and, for memory, its linear address). */
static int read_rm(const struct x86emul_insn *in,
                   struct x86_emulate_ctxt *ctxt,
                   const struct x86_emulate_ops *ops, unsigned int bytes,
                   uint64_t *val, unsigned long *addr)
{
    int rc;

    if ( !in->mem )
    {
        *val = x86emul_read_reg(in, ctxt->regs, in->rm, bytes);
        return X86EMUL_OKAY;
    }
    rc = mem_addr(in, ctxt, ops, addr);
    return rc != X86EMUL_OKAY ? rc : read_mem(ctxt, ops, *addr, bytes, val);
}

/*
 * Stores val to the r/m operand.  A locked (or XCHG's implicitly locked)
 * store to memory goes through cmpxchg against old, the value read:
 * RETRY if memory changed meanwhile.
 */
static int write_rm(const struct x86emul_insn *in,
                    struct x86_emulate_ctxt *ctxt,
                    const struct x86_emulate_ops *ops, unsigned int bytes,
                    unsigned long addr, uint64_t old, uint64_t val,
                    bool locked)
{
    uint64_t cur = old;
    int rc;

    if ( !in->mem )
    {
        x86emul_write_reg(in, ctxt->regs, in->rm, bytes, val);
        return X86EMUL_OKAY;
    }
    if ( !locked )
        return ops->write ? ops->write(addr, &val, bytes, ctxt)
                          : X86EMUL_UNHANDLEABLE;
    if ( !ops->cmpxchg )
        return X86EMUL_UNHANDLEABLE;
    rc = ops->cmpxchg(addr, &cur, &val, bytes, ctxt);
    if ( rc != X86EMUL_OKAY )
        return rc;
    return x86emul_trunc(cur, bytes) == x86emul_trunc(old, bytes) ? rc : RETRY;
}

/* op (ALU_*) on r/m and src, the result stored unless it is CMP or TEST. */
static int alu_rm(const struct x86emul_insn *in, struct x86_emulate_ctxt *ctxt,
                  const struct x86_emulate_ops *ops, unsigned int op,
                  uint64_t src)
{
    struct cpu_user_regs *regs = ctxt->regs;
    uint64_t dst, res, flags = regs->rflags;
    unsigned long addr = 0;
    int rc = read_rm(in, ctxt, ops, in->op_bytes, &dst, &addr);

    if ( rc != X86EMUL_OKAY )
        return rc;
    res = x86emul_alu(op, dst, src, in->op_bytes, &flags);
    if ( op != ALU_CMP && op != ALU_TEST )
        rc = write_rm(in, ctxt, ops, in->op_bytes, addr, dst, res, in->lock);
    if ( rc == X86EMUL_OKAY )
        regs->rflags = flags;
    return rc;
}

/* ADD ... CMP, TEST, XCHG, MOV, LEA, MOVSXD and the accumulator forms. */
static int basic(struct x86emul_insn *in, struct x86_emulate_ctxt *ctxt,
                 const struct x86_emulate_ops *ops)
{
    struct cpu_user_regs *regs = ctxt->regs;
    unsigned int op = in->opcode, bytes = in->op_bytes;
    uint64_t val, flags = regs->rflags, old;
    unsigned long addr = 0;
    int rc;

    if ( op < 0x40 )
    {
        unsigned int alu = op >> 3;

        switch ( op & 7 )
        {
        case 0:
        case 1:
            return alu_rm(in, ctxt, ops, alu,
                          x86emul_read_reg(in, regs, in->reg, bytes));
        case 2:
        case 3:
            rc = read_rm(in, ctxt, ops, bytes, &val, &addr);
            if ( rc != X86EMUL_OKAY )
                return rc;
            val = x86emul_alu(alu, x86emul_read_reg(in, regs, in->reg, bytes),
                              val, bytes, &flags);
            if ( alu != ALU_CMP )
                x86emul_write_reg(in, regs, in->reg, bytes, val);
            break;
        default:
            val = x86emul_alu(alu, x86emul_read_reg(in, regs, 0, bytes),
                              in->imm, bytes, &flags);
            if ( alu != ALU_CMP )
                x86emul_write_reg(in, regs, 0, bytes, val);
            break;
        }
        regs->rflags = flags;
        return X86EMUL_OKAY;
    }

    switch ( op )
    {
    case 0x63: /* movsxd */
        rc = read_rm(in, ctxt, ops, bytes == 8 ? 4 : bytes, &val, &addr);
        if ( rc == X86EMUL_OKAY )
            x86emul_write_reg(in, regs, in->reg, bytes,
                              bytes == 8 ? (uint64_t)(int32_t)val : val);
        return rc;
    case 0x80:
    case 0x81:
    case 0x83: /* group 1 */
        return alu_rm(in, ctxt, ops, in->reg & 7, in->imm);
    case 0x84:
    case 0x85: /* test */
        return alu_rm(in, ctxt, ops, ALU_TEST,
                      x86emul_read_reg(in, regs, in->reg, bytes));
    case 0xa8:
    case 0xa9:
        x86emul_alu(ALU_TEST, regs->rax, in->imm, bytes, &regs->rflags);
        return X86EMUL_OKAY;
    case 0x86:
    case 0x87: /* xchg */
        rc = read_rm(in, ctxt, ops, bytes, &old, &addr);
        if ( rc != X86EMUL_OKAY )
            return rc;
        rc = write_rm(in, ctxt, ops, bytes, addr, old,
                      x86emul_read_reg(in, regs, in->reg, bytes), true);
        if ( rc == X86EMUL_OKAY )
            x86emul_write_reg(in, regs, in->reg, bytes, old);
        return rc;
    case 0x88:
    case 0x89: /* mov r/m, reg */
        if ( in->mem && (rc = mem_addr(in, ctxt, ops, &addr)) )
            return rc;
        return write_rm(in, ctxt, ops, bytes, addr, 0,
                        x86emul_read_reg(in, regs, in->reg, bytes), false);
    case 0x8a:
    case 0x8b: /* mov reg, r/m */
        rc = read_rm(in, ctxt, ops, bytes, &val, &addr);
        if ( rc == X86EMUL_OKAY )
            x86emul_write_reg(in, regs, in->reg, bytes, val);
        return rc;
    case 0xc6:
    case 0xc7: /* mov r/m, imm */
        if ( in->reg & 7 )
            return x86_emul_raise(ctxt, X86_EXC_UD, X86EMUL_NO_ERROR_CODE);
        if ( in->mem && (rc = mem_addr(in, ctxt, ops, &addr)) )
            return rc;
        return write_rm(in, ctxt, ops, bytes, addr, 0, in->imm, false);
    case 0x8d: /* lea */
        if ( !in->mem )
            return x86_emul_raise(ctxt, X86_EXC_UD, X86EMUL_NO_ERROR_CODE);
        x86emul_write_reg(in, regs, in->reg, bytes, in->ea);
        return X86EMUL_OKAY;
    default:
        return X86EMUL_UNHANDLEABLE;
    }
}

/* The one-byte forms with the register or size in the opcode. */
static int short_forms(struct x86emul_insn *in, struct x86_emulate_ctxt *ctxt,
                       const struct x86_emulate_ops *ops)
{
    struct cpu_user_regs *regs = ctxt->regs;
    unsigned int op = in->opcode, bytes = in->op_bytes;
    unsigned int r = (op & 7) | (in->rex & 1 ? 8 : 0);
    unsigned long addr;
    uint64_t val;
    int rc;

    switch ( op )
    {
    case 0x90 ... 0x97: /* xchg rax, reg; nop */
        if ( r )
        {
            val = x86emul_read_reg(in, regs, r, bytes);
            x86emul_write_reg(in, regs, r, bytes,
                              x86emul_read_reg(in, regs, 0, bytes));
            x86emul_write_reg(in, regs, 0, bytes, val);
        }
        return X86EMUL_OKAY;
    case 0x98: /* cbw, cwde, cdqe */
        val = x86emul_read_reg(in, regs, 0, bytes / 2);
        val = bytes == 2   ? (uint64_t)(int8_t)val
              : bytes == 4 ? (uint64_t)(int16_t)val
                           : (uint64_t)(int32_t)val;
        x86emul_write_reg(in, regs, 0, bytes, val);
        return X86EMUL_OKAY;
    case 0x99: /* cwd, cdq, cqo */
        val = (x86emul_read_reg(in, regs, 0, bytes) >> (bytes * 8 - 1)) & 1;
        x86emul_write_reg(in, regs, 2, bytes, val ? ~0ULL : 0);
        return X86EMUL_OKAY;
    case 0xa0 ... 0xa3: /* mov moffs */
        rc = x86emul_linear(ctxt, ops, in->seg, in->imm, in->ad_bytes, &addr);
        if ( rc != X86EMUL_OKAY )
            return rc;
        if ( op & 2 )
        {
            val = x86emul_read_reg(in, regs, 0, bytes);
            return ops->write ? ops->write(addr, &val, bytes, ctxt)
                              : X86EMUL_UNHANDLEABLE;
        }
        rc = read_mem(ctxt, ops, addr, bytes, &val);
        if ( rc == X86EMUL_OKAY )
            x86emul_write_reg(in, regs, 0, bytes, val);
        return rc;
    case 0xb0 ... 0xbf: /* mov reg, imm */
        x86emul_write_reg(in, regs, r, bytes, in->imm);
        return X86EMUL_OKAY;
    default:
        return X86EMUL_UNHANDLEABLE;
    }
}

/* Groups 2 (shifts), 3 (test, not, neg) and 4/5 (inc, dec). */
static int groups(struct x86emul_insn *in, struct x86_emulate_ctxt *ctxt,
                  const struct x86_emulate_ops *ops)
{
    struct cpu_user_regs *regs = ctxt->regs;
    unsigned int op = in->opcode, bytes = in->op_bytes, r = in->reg & 7;
    uint64_t dst, res, flags = regs->rflags;
    unsigned long addr = 0;
    unsigned int count;
    int rc;

    switch ( op )
    {
    case 0xc0:
    case 0xc1:
    case 0xd0 ... 0xd3:
        count = op >= 0xd2 ? regs->rcx & 0xff : op >= 0xd0 ? 1 : in->imm;
        rc = read_rm(in, ctxt, ops, bytes, &dst, &addr);
        if ( rc != X86EMUL_OKAY )
            return rc;
        res = dst;
        if ( !x86emul_shift(r, &res, count, bytes, &flags) )
            return X86EMUL_UNHANDLEABLE;
        break;
    case 0xf6:
    case 0xf7:
        if ( r < 2 )
            return alu_rm(in, ctxt, ops, ALU_TEST, in->imm);
        if ( r == 3 )
            return alu_rm(in, ctxt, ops, ALU_NEG, 0);
        if ( r != 2 )
            return X86EMUL_UNHANDLEABLE; /* mul, div */
        rc = read_rm(in, ctxt, ops, bytes, &dst, &addr);
        if ( rc != X86EMUL_OKAY )
            return rc;
        res = ~dst;
        break;
    default: /* fe, ff */
        if ( r > 1 )
            return X86EMUL_UNHANDLEABLE; /* calls, jumps, push */
        return alu_rm(in, ctxt, ops, r ? ALU_DEC : ALU_INC, 0);
    }
    rc = write_rm(in, ctxt, ops, bytes, addr, dst, res, in->lock);
    if ( rc == X86EMUL_OKAY )
        regs->rflags = flags;
    return rc;
}

/* BT, BTS, BTR, BTC: the bit's old value in CF. */
static int bit_op(struct x86emul_insn *in, struct x86_emulate_ctxt *ctxt,
                  const struct x86_emulate_ops *ops)
{
    struct cpu_user_regs *regs = ctxt->regs;
    unsigned int bytes = in->op_bytes, bits = bytes * 8, kind;
    uint64_t dst, res, off;
    unsigned long addr = 0, ea = in->ea; /* kept for a retry */
    int rc;

    if ( in->opcode == 0x1ba )
    {
        if ( (in->reg & 7) < 4 )
            return x86_emul_raise(ctxt, X86_EXC_UD, X86EMUL_NO_ERROR_CODE);
        kind = in->reg & 3;
        off = in->imm & (bits - 1);
    }
    else
    {
        /* 0f a3 bt, ab bts, b3 btr, bb btc */
        kind = ((in->opcode - 0x1a3) >> 3) & 3;
        off = x86emul_read_reg(in, regs, in->reg, bytes);
        if ( in->mem )
        {
            /* A register offset reaches any operand-sized word around ea. */
            int64_t s = (int64_t)(off << (64 - bits)) >> (64 - bits);

            in->ea = x86emul_trunc(in->ea + (s >> __builtin_ctz(bits)) *
                                                (int64_t)bytes,
                                   in->ad_bytes);
        }
        off &= bits - 1;
    }
    rc = read_rm(in, ctxt, ops, bytes, &dst, &addr);
    in->ea = ea;
    if ( rc != X86EMUL_OKAY )
        return rc;
    switch ( kind )
    {
    case 1:
        res = dst | (1ULL << off);
        break;
    case 2:
        res = dst & ~(1ULL << off);
        break;
    case 3:
        res = dst ^ (1ULL << off);
        break;
    default:
        res = dst;
        break;
    }
    if ( kind )
        rc = write_rm(in, ctxt, ops, bytes, addr, dst, res, in->lock);
    if ( rc == X86EMUL_OKAY )
        regs->rflags = (regs->rflags & ~(uint64_t)EF_CF) |
                       ((dst >> off) & 1 ? EF_CF : 0);
    return rc;
}

/* CMPXCHG: memory through the cmpxchg callback, locked or not. */
static int cmpxchg(struct x86emul_insn *in, struct x86_emulate_ctxt *ctxt,
                   const struct x86_emulate_ops *ops)
{
    struct cpu_user_regs *regs = ctxt->regs;
    unsigned int bytes = in->op_bytes;
    uint64_t acc = x86emul_read_reg(in, regs, 0, bytes), cur = acc;
    uint64_t src = x86emul_read_reg(in, regs, in->reg, bytes);
    unsigned long addr;
    int rc;

    if ( in->mem )
    {
        if ( !ops->cmpxchg )
            return X86EMUL_UNHANDLEABLE;
        rc = mem_addr(in, ctxt, ops, &addr);
        if ( rc == X86EMUL_OKAY )
            rc = ops->cmpxchg(addr, &cur, &src, bytes, ctxt);
        if ( rc != X86EMUL_OKAY )
            return rc;
        cur = x86emul_trunc(cur, bytes);
    }
    else
    {
        cur = x86emul_read_reg(in, regs, in->rm, bytes);
        if ( cur == acc )
            x86emul_write_reg(in, regs, in->rm, bytes, src);
    }
    x86emul_alu(ALU_CMP, acc, cur, bytes, &regs->rflags);
    if ( cur != acc )
        x86emul_write_reg(in, regs, 0, bytes, cur);
    return X86EMUL_OKAY;
}

/* CMPXCHG8B and CMPXCHG16B: rdx:rax against memory, rcx:rbx stored. */
static int cmpxchg_wide(struct x86emul_insn *in, struct x86_emulate_ctxt *ctxt,
                        const struct x86_emulate_ops *ops)
{
    struct cpu_user_regs *regs = ctxt->regs;
    unsigned int half = in->rex & 8 ? 8 : 4;
    uint64_t old[2], new[2], cur[2];
    unsigned long addr;
    int rc;

    if ( (in->reg & 7) != 1 || !in->mem )
        return X86EMUL_UNHANDLEABLE;
    if ( !ops->cmpxchg )
        return X86EMUL_UNHANDLEABLE;
    rc = mem_addr(in, ctxt, ops, &addr);
    if ( rc != X86EMUL_OKAY )
        return rc;
    if ( half == 8 && (addr & 15) )
        return x86_emul_raise(ctxt, 13, 0);
    if ( half == 8 )
    {
        old[0] = regs->rax;
        old[1] = regs->rdx;
        new[0] = regs->rbx;
        new[1] = regs->rcx;
    }
    else
    {
        old[0] = (uint32_t)regs->rax | (regs->rdx << 32);
        new[0] = (uint32_t)regs->rbx | (regs->rcx << 32);
    }
    memcpy(cur, old, sizeof(cur));
    rc = ops->cmpxchg(addr, cur, new, half * 2, ctxt);
    if ( rc != X86EMUL_OKAY )
        return rc;
    if ( !memcmp(cur, old, half * 2) )
    {
        regs->rflags |= EF_ZF;
        return X86EMUL_OKAY;
    }
    regs->rflags &= ~(uint64_t)EF_ZF;
    if ( half == 8 )
    {
        regs->rax = cur[0];
        regs->rdx = cur[1];
    }
    else
    {
        regs->rax = (uint32_t)cur[0];
        regs->rdx = cur[0] >> 32;
    }
    return X86EMUL_OKAY;
}

/* The two-byte data instructions. */
static int twobyte(struct x86emul_insn *in, struct x86_emulate_ctxt *ctxt,
                   const struct x86_emulate_ops *ops)
{
    struct cpu_user_regs *regs = ctxt->regs;
    unsigned int op = in->opcode, bytes = in->op_bytes;
    uint64_t val, old, flags;
    unsigned long addr = 0;
    int rc;

    switch ( op )
    {
    case 0x140 ... 0x14f: /* cmovcc */
        rc = read_rm(in, ctxt, ops, bytes, &val, &addr);
        if ( rc != X86EMUL_OKAY )
            return rc;
        /* A 32-bit destination is zero-extended even when not moved. */
        if ( !x86emul_cond(op, regs->rflags) )
            val = x86emul_read_reg(in, regs, in->reg, bytes);
        x86emul_write_reg(in, regs, in->reg, bytes, val);
        return X86EMUL_OKAY;
    case 0x190 ... 0x19f: /* setcc */
        if ( in->mem && (rc = mem_addr(in, ctxt, ops, &addr)) )
            return rc;
        return write_rm(in, ctxt, ops, 1, addr, 0,
                        x86emul_cond(op, regs->rflags), false);
    case 0x1a3:
    case 0x1ab:
    case 0x1b3:
    case 0x1bb:
    case 0x1ba:
        return bit_op(in, ctxt, ops);
    case 0x1b0:
    case 0x1b1:
        return cmpxchg(in, ctxt, ops);
    case 0x1c7:
        return cmpxchg_wide(in, ctxt, ops);
    case 0x1b6:
    case 0x1b7:
    case 0x1be:
    case 0x1bf: /* movzx, movsx */
        rc = read_rm(in, ctxt, ops, op & 1 ? 2 : 1, &val, &addr);
        if ( rc != X86EMUL_OKAY )
            return rc;
        if ( op >= 0x1be )
            val = op & 1 ? (uint64_t)(int16_t)val : (uint64_t)(int8_t)val;
        x86emul_write_reg(in, regs, in->reg, bytes, val);
        return X86EMUL_OKAY;
    case 0x1c0:
    case 0x1c1: /* xadd */
        flags = regs->rflags;
        rc = read_rm(in, ctxt, ops, bytes, &old, &addr);
        if ( rc != X86EMUL_OKAY )
            return rc;
        val = x86emul_alu(ALU_ADD, old,
                          x86emul_read_reg(in, regs, in->reg, bytes), bytes,
                          &flags);
        /* The sum lands last: xadd reg, reg of one register keeps it. */
        if ( !in->mem )
            x86emul_write_reg(in, regs, in->reg, bytes, old);
        rc = write_rm(in, ctxt, ops, bytes, addr, old, val, in->lock);
        if ( rc != X86EMUL_OKAY )
            return rc;
        if ( in->mem )
            x86emul_write_reg(in, regs, in->reg, bytes, old);
        regs->rflags = flags;
        return X86EMUL_OKAY;
    default:
        return X86EMUL_UNHANDLEABLE;
    }
}

typedef int handler_t(struct x86emul_insn *in, struct x86_emulate_ctxt *ctxt,
                      const struct x86_emulate_ops *ops);

/* By the table's class (OP_CLASS); only two-byte opcodes are of X_CRDR. */
static handler_t *const onebyte_handler[X_CRDR + 1] = {
    [X_DATA] = basic,
    [X_SYSTEM] = x86emul_system,
    [X_STRING] = x86emul_string,
    [X_SHORT] = short_forms,
    [X_GROUPS] = groups,
};
static handler_t *const twobyte_handler[X_CRDR + 1] = {
    [X_DATA] = twobyte,
    [X_SYSTEM] = x86emul_system,
    [X_CRDR] = x86emul_mov_cr_dr,
};

static int execute(struct x86emul_insn *in, struct x86_emulate_ctxt *ctxt,
                   const struct x86_emulate_ops *ops)
{
    unsigned int cls = in->attr >> 8;

    return (in->opcode >= 0x100 ? twobyte_handler
                                : onebyte_handler)[cls](in, ctxt, ops);
}

int x86_emulate(struct x86_emulate_ctxt *ctxt,
                const struct x86_emulate_ops *ops)
{
    struct x86emul_insn in;
    unsigned int tries = 0;
    int rc;

    __builtin_memset(&ctxt->retire, 0, sizeof(ctxt->retire));
    ctxt->insn_len = 0;
    rc = x86emul_decode(&in, ctxt, ops);
    if ( rc != X86EMUL_OKAY )
        return rc;
    if ( ops->validate && (rc = ops->validate(ctxt)) != X86EMUL_OKAY )
        return rc;
    if ( in.lock && !lockable(&in) )
        return x86_emul_raise(ctxt, X86_EXC_UD, X86EMUL_NO_ERROR_CODE);
    ctxt->insn_len = in.len;
    /*
     * A locked update that lost a race reads and computes again: it
     * writes registers and flags only after its store, so none changed.
     */
    while ( (rc = execute(&in, ctxt, ops)) == RETRY && ++tries < MAX_RETRIES )
        continue;
    if ( rc == RETRY )
        rc = X86EMUL_UNHANDLEABLE;
    if ( rc != X86EMUL_OKAY )
        ctxt->insn_len = 0;
    return rc;
}
