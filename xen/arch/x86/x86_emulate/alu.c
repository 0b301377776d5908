/* SPDX-License-Identifier: GPL-2.0-only */
/* Arithmetic, logic, shifts and conditions, with the flags they leave. */
#include "private.h"

static uint64_t szp(uint64_t res, unsigned int bytes)
{
    uint64_t f = __builtin_parity((uint8_t)res) ? 0 : EF_PF;

    if ( !x86emul_trunc(res, bytes) )
        f |= EF_ZF;
    if ( (res >> (bytes * 8 - 1)) & 1 )
        f |= EF_SF;
    return f;
}

static uint64_t top(uint64_t v, unsigned int bytes)
{
    return (v >> (bytes * 8 - 1)) & 1;
}

uint64_t x86emul_alu(unsigned int op, uint64_t dst, uint64_t src,
                     unsigned int bytes, uint64_t *rflags)
{
    uint64_t carry = 0, res, f;
    unsigned int keep = EF_ARITH;

    dst = x86emul_trunc(dst, bytes);
    src = x86emul_trunc(src, bytes);
    switch ( op )
    {
    case ALU_INC:
        keep &= ~EF_CF;
        src = 1;
        /* fall through */
    case ALU_ADC:
        carry = op == ALU_ADC ? *rflags & EF_CF : 0;
        /* fall through */
    case ALU_ADD:
        res = x86emul_trunc(dst + src + carry, bytes);
        f = szp(res, bytes) | ((dst ^ src ^ res) & EF_AF);
        if ( res < dst || (carry && res == dst) )
            f |= EF_CF;
        if ( top((dst ^ res) & (src ^ res), bytes) )
            f |= EF_OF;
        break;
    case ALU_NEG:
        src = dst;
        dst = 0;
        /* fall through */
    case ALU_DEC:
        if ( op == ALU_DEC )
        {
            keep &= ~EF_CF;
            src = 1;
        }
        /* fall through */
    case ALU_SBB:
        carry = op == ALU_SBB ? *rflags & EF_CF : 0;
        /* fall through */
    case ALU_SUB:
    case ALU_CMP:
        res = x86emul_trunc(dst - src - carry, bytes);
        f = szp(res, bytes) | ((dst ^ src ^ res) & EF_AF);
        if ( dst < src || (carry && dst == src) )
            f |= EF_CF;
        if ( top((dst ^ src) & (dst ^ res), bytes) )
            f |= EF_OF;
        break;
    default:
        /* Logic: CF and OF clear; AF is undefined, and left clear. */
        res = op == ALU_OR ? dst | src : op == ALU_XOR ? dst ^ src : dst & src;
        f = szp(res, bytes);
        break;
    }
    *rflags = (*rflags & ~(uint64_t)keep) | (f & keep);
    return res;
}

bool x86emul_shift(unsigned int op, uint64_t *dst, unsigned int count,
                   unsigned int bytes, uint64_t *rflags)
{
    unsigned int bits = bytes * 8;
    uint64_t v = x86emul_trunc(*dst, bytes), res, f, cf;
    int64_t sv;

    count &= bytes == 8 ? 63 : 31;
    if ( !count )
        return op != 2 && op != 3 && op != 6;
    switch ( op )
    {
    case 0: /* rol */
    case 1: /* ror */
    {
        unsigned int r = count % bits;

        if ( op == 0 )
            res = r ? x86emul_trunc((v << r) | (v >> (bits - r)), bytes) : v;
        else
            res = r ? x86emul_trunc((v >> r) | (v << (bits - r)), bytes) : v;
        cf = op == 0 ? res & 1 : top(res, bytes);
        f = *rflags & ~(uint64_t)(EF_CF | EF_OF);
        f |= cf ? EF_CF : 0;
        if ( op == 0 ? top(res, bytes) ^ cf
                     : top(res, bytes) ^ top(res << 1, bytes) )
            f |= EF_OF;
        *dst = res;
        *rflags = f;
        return true;
    }
    case 4: /* shl */
        res = count < 64 ? x86emul_trunc(v << count, bytes) : 0;
        cf = count <= bits ? (v >> (bits - count)) & 1 : 0;
        f = top(res, bytes) ^ cf ? EF_OF : 0;
        break;
    case 5: /* shr */
        res = v >> count;
        cf = (v >> (count - 1)) & 1;
        f = top(v, bytes) ? EF_OF : 0;
        break;
    case 7: /* sar */
        sv = (int64_t)(v << (64 - bits)) >> (64 - bits);
        res = x86emul_trunc(sv >> count, bytes);
        cf = (sv >> (count - 1)) & 1;
        f = 0;
        break;
    default: /* rcl, rcr: not done */
        return false;
    }
    /* AF is undefined after a shift, and left clear. */
    *rflags = (*rflags & ~(uint64_t)EF_ARITH) | f | szp(res, bytes) |
              (cf ? EF_CF : 0);
    *dst = res;
    return true;
}

bool x86emul_cond(unsigned int cc, uint64_t f)
{
    bool sf_ne_of = !(f & EF_SF) != !(f & EF_OF), r;

    switch ( (cc >> 1) & 7 )
    {
    case 0:
        r = f & EF_OF;
        break;
    case 1:
        r = f & EF_CF;
        break;
    case 2:
        r = f & EF_ZF;
        break;
    case 3:
        r = f & (EF_CF | EF_ZF);
        break;
    case 4:
        r = f & EF_SF;
        break;
    case 5:
        r = f & EF_PF;
        break;
    case 6:
        r = sf_ne_of;
        break;
    default:
        r = (f & EF_ZF) || sf_ne_of;
        break;
    }
    return (cc & 1) ? !r : r;
}
