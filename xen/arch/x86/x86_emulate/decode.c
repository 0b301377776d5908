/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Decoding: prefixes, REX, the opcode, ModRM/SIB with its displacement
 * and effective address, immediates, and the operand and address sizes.
 */
#include <xen/string.h>
#include "private.h"

#define MAX_INSN_LEN 15
#define INSN_PAGE    4096UL

int x86emul_linear(struct x86_emulate_ctxt *ctxt,
                   const struct x86_emulate_ops *ops, enum x86_segment seg,
                   unsigned long ea, unsigned int ad_bytes,
                   unsigned long *linear)
{
    unsigned long base = 0;

    /* Flat code: only FS and GS have a base. */
    if ( seg == x86_seg_fs || seg == x86_seg_gs )
    {
        int rc;

        if ( !ops->read_segment_base )
            return X86EMUL_UNHANDLEABLE;
        rc = ops->read_segment_base(seg, &base, ctxt);
        if ( rc != X86EMUL_OKAY )
            return rc;
    }
    *linear = x86emul_trunc(ea, ad_bytes) + base;
    if ( ctxt->mode != X86EMUL_MODE_64 )
        *linear = (uint32_t)*linear;
    return X86EMUL_OKAY;
}

/*
 * Where decoding is in the fetched bytes.  Kept apart from the insn (and,
 * once inlined, in registers): the insn's byte-sized fields may alias
 * anything, so its own length would be reloaded after every store.
 */
struct cursor {
    const uint8_t *b;
    unsigned int len, n;
};

/*
 * The next bytes of the instruction, little-endian, sign-extended.  Byte
 * by byte: the hypervisor's memcpy is a call and REP moves, which cost
 * per iteration under TCG.
 */
static bool take(struct cursor *c, unsigned int bytes, uint64_t *v)
{
    unsigned int shift = 64 - bytes * 8;
    uint64_t u = 0;

    if ( c->len + bytes > c->n )
        return false;
    for ( unsigned int i = bytes; i--; )
        u = (u << 8) | c->b[c->len + i];
    c->len += bytes;
    *v = (uint64_t)((int64_t)(u << shift) >> shift);
    return true;
}

/*
 * Up to 16 bytes at rip, or what there is before the end of its page if
 * the next one cannot be read: an instruction that needs more then is
 * not emulated.
 */
static int fetch(struct x86emul_insn *in, struct x86_emulate_ctxt *ctxt,
                 const struct x86_emulate_ops *ops)
{
    unsigned long rip = ctxt->regs->rip;
    unsigned long to_end = INSN_PAGE - (rip & (INSN_PAGE - 1));

    if ( !ops->insn_fetch )
        return X86EMUL_UNHANDLEABLE;
    in->n = sizeof(in->b);
    if ( ops->insn_fetch(rip, in->b, in->n, ctxt) == X86EMUL_OKAY )
        return X86EMUL_OKAY;
    if ( to_end >= sizeof(in->b) )
        return X86EMUL_UNHANDLEABLE;
    in->n = to_end;
    return ops->insn_fetch(rip, in->b, in->n, ctxt) == X86EMUL_OKAY
               ? X86EMUL_OKAY
               : X86EMUL_UNHANDLEABLE;
}

/*
 * Legacy prefixes and REX (which counts only right before the opcode).
 * The table's mark lets the common case, no prefix, leave at once.
 */
static bool prefixes(struct x86emul_insn *in, struct cursor *c, bool mode64)
{
    for ( ; c->len < c->n; c->len++ )
    {
        uint8_t b = c->b[c->len];

        if ( !(x86emul_onebyte[b] & OP_PREFIX) )
            return true;
        switch ( b )
        {
        case 0x66:
            in->opsize = true;
            break;
        case 0x67:
            in->ad_bytes = mode64 ? 4 : 2;
            break;
        case 0xf0:
            in->lock = true;
            break;
        case 0xf2:
            in->repne = true;
            in->rep = false;
            break;
        case 0xf3:
            in->rep = true;
            in->repne = false;
            break;
        case 0x26:
        case 0x2e:
        case 0x36:
        case 0x3e:
            in->seg = (b >> 3) & 3;
            break;
        case 0x64:
            in->seg = x86_seg_fs;
            break;
        case 0x65:
            in->seg = x86_seg_gs;
            break;
        default:
            if ( !mode64 || (b & 0xf0) != 0x40 )
                return true;
            in->rex = b;
            continue;
        }
        in->rex = 0;
    }
    return false;
}

#define NO_REG 0xff

/* ModRM, SIB and displacement: the address's parts, not yet its value. */
static bool modrm(struct x86emul_insn *in, struct cursor *c, bool mode64)
{
    unsigned int rex = in->rex;
    uint8_t m;

    if ( c->len >= c->n )
        return false;
    m = c->b[c->len++];
    in->modrm = m;
    in->mod = m >> 6;
    in->reg = ((m >> 3) & 7) | (rex & 4 ? 8 : 0);
    in->rm = m & 7;
    if ( (m >> 6) == 3 )
    {
        in->rm |= rex & 1 ? 8 : 0;
        return true;
    }
    /*
     * 16-bit addressing (0x67 in 32-bit code) has ModRM forms of its own,
     * which we do not do; its string instructions (SI, DI, CX) and moffs
     * need none.
     */
    if ( in->ad_bytes == 2 )
        return false;
    in->mem = true;
    in->base = (m & 7) | (rex & 1 ? 8 : 0);
    in->index = NO_REG;
    if ( (m & 7) == 4 )
    {
        uint8_t sib;
        unsigned int index;

        if ( c->len >= c->n )
            return false;
        sib = c->b[c->len++];
        index = ((sib >> 3) & 7) | (rex & 2 ? 8 : 0);
        if ( index != 4 )
        {
            in->index = index;
            in->scale = sib >> 6;
        }
        in->base = (sib & 7) | (rex & 1 ? 8 : 0);
        if ( (sib & 7) == 5 && (m >> 6) == 0 )
        {
            in->base = NO_REG;
            if ( !take(c, 4, &in->disp) )
                return false;
        }
    }
    else if ( (m & 7) == 5 && (m >> 6) == 0 )
    {
        in->base = NO_REG;
        if ( !take(c, 4, &in->disp) )
            return false;
        /* RIP-relative: from the next instruction, added once it ends. */
        if ( mode64 )
            in->rm = 16;
    }
    if ( (m >> 6) == 1 && !take(c, 1, &in->disp) )
        return false;
    if ( (m >> 6) == 2 && !take(c, 4, &in->disp) )
        return false;
    return true;
}

/* The memory operand's offset, from the registers as they are now. */
static void effective_address(struct x86emul_insn *in,
                              struct cpu_user_regs *regs)
{
    uint64_t ea = in->disp;

    if ( !in->mem )
        return;
    if ( in->base != NO_REG )
        ea += *x86emul_gpr(regs, in->base);
    if ( in->index != NO_REG )
        ea += *x86emul_gpr(regs, in->index) << in->scale;
    if ( in->rm == 16 )
        ea += regs->rip + in->len;
    in->ea = x86emul_trunc(ea, in->ad_bytes);
}

/* Whether the first len (at most 15) bytes of a and b are the same. */
static bool same_bytes(const uint8_t *a, const uint8_t *b, unsigned int len)
{
    uint64_t x[2], y[2];
    uint64_t lo = len >= 8 ? ~0ULL : (1ULL << (len * 8)) - 1;
    uint64_t hi = len <= 8 ? 0 : (1ULL << ((len - 8) * 8)) - 1;

    __builtin_memcpy(x, a, sizeof(x));
    __builtin_memcpy(y, b, sizeof(y));
    return !(((x[0] ^ y[0]) & lo) | ((x[1] ^ y[1]) & hi));
}

/*
 * The cached decode of these bytes, if it is theirs: decoding reads only
 * the instruction's own bytes, so the same bytes in the same mode decode
 * the same.
 */
static bool cached(struct x86emul_insn *in, struct x86_emulate_ctxt *ctxt)
{
    const struct x86_emulate_cache *cache = ctxt->cache;
    unsigned int n = in->n;

    if ( !cache || !cache->insn.len || cache->rip != ctxt->regs->rip ||
         cache->mode != ctxt->mode || cache->insn.len > n ||
         !same_bytes(cache->insn.b, in->b, cache->insn.len) )
        return false;
    __builtin_memcpy(in, &cache->insn, offsetof(struct x86emul_insn, b));
    in->n = n;
    return true;
}

static unsigned int imm_bytes(const struct x86emul_insn *in)
{
    unsigned int z = in->op_bytes == 2 ? 2 : 4;

    if ( !(in->attr & (OP_MOFFS | OP_IMM8 | OP_IMMZ | OP_IMMGRP3)) )
        return 0;
    if ( in->attr & OP_MOFFS )
        return in->ad_bytes;
    if ( in->opcode >= 0xb8 && in->opcode <= 0xbf )
        return in->op_bytes; /* mov imm64 with REX.W */
    if ( (in->attr & OP_IMMGRP3) && (in->reg & 7) < 2 )
        return in->opcode == 0xf6 ? 1 : z; /* test imm */
    if ( in->attr & OP_IMM8 )
        return 1;
    return in->attr & OP_IMMZ ? z : 0;
}

int x86emul_decode(struct x86emul_insn *in, struct x86_emulate_ctxt *ctxt,
                   const struct x86_emulate_ops *ops)
{
    bool mode64 = ctxt->mode == X86EMUL_MODE_64;
    struct cursor c = {};
    unsigned int bytes;
    uint8_t b;
    int rc;

    /*
     * Field by field: a memset, even inline, is REP STOS (see take()).
     * n is the fetch's, opcode, attr and op_bytes are always set below.
     */
    in->len = 0;
    in->ad_bytes = mode64 ? 8 : 4;
    in->rex = 0;
    in->lock = in->rep = in->repne = in->opsize = false;
    in->seg = x86_seg_ds;
    in->modrm = in->mod = in->reg = in->rm = 0;
    in->mem = false;
    in->base = in->index = in->scale = 0;
    in->disp = in->ea = in->imm = 0;
    rc = fetch(in, ctxt, ops);
    if ( rc != X86EMUL_OKAY )
        return rc;
    if ( cached(in, ctxt) )
        goto done;
    c.b = in->b;
    c.n = in->n;
    if ( !prefixes(in, &c, mode64) )
        return X86EMUL_UNHANDLEABLE;

    b = c.b[c.len++];
    if ( b == 0x0f )
    {
        if ( c.len >= c.n )
            return X86EMUL_UNHANDLEABLE;
        b = c.b[c.len++];
        in->opcode = 0x100 | b;
        in->attr = x86emul_twobyte[b];
    }
    else
    {
        in->opcode = b;
        /* 0x63 is ARPL outside 64-bit mode. */
        in->attr = b == 0x63 && !mode64 ? 0 : x86emul_onebyte[b];
    }
    if ( !(in->attr & OP_VALID) )
        return X86EMUL_UNHANDLEABLE;

    if ( in->attr & OP_BYTE )
        in->op_bytes = 1;
    else if ( in->rex & 8 )
        in->op_bytes = 8;
    else
        in->op_bytes = in->opsize ? 2 : 4;

    if ( (in->attr & OP_MODRM) && !modrm(in, &c, mode64) )
        return X86EMUL_UNHANDLEABLE;
    bytes = imm_bytes(in);
    if ( bytes && !take(&c, bytes, &in->imm) )
        return X86EMUL_UNHANDLEABLE;
    in->len = c.len;
    if ( c.len > MAX_INSN_LEN )
        return x86_emul_raise(ctxt, 13, 0);
    if ( ctxt->cache )
    {
        ctxt->cache->rip = ctxt->regs->rip;
        ctxt->cache->mode = ctxt->mode;
        ctxt->cache->insn = *in;
    }

done:
    effective_address(in, ctxt->regs);
    ctxt->opcode = in->opcode;
    ctxt->modrm = in->modrm;
    return X86EMUL_OKAY;
}
