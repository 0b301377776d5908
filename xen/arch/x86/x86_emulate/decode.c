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

/* The next bytes of the instruction, little-endian, sign-extended. */
static bool take(struct cursor *c, unsigned int bytes, uint64_t *v)
{
    int64_t s = 0;

    if ( c->len + bytes > c->n )
        return false;
    switch ( bytes )
    {
    case 1: s = (int8_t)c->b[c->len]; break;
    case 2: { int16_t x; memcpy(&x, &c->b[c->len], 2); s = x; break; }
    case 4: { int32_t x; memcpy(&x, &c->b[c->len], 4); s = x; break; }
    case 8: memcpy(&s, &c->b[c->len], 8); break;
    }
    c->len += bytes;
    *v = s;
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
           ? X86EMUL_OKAY : X86EMUL_UNHANDLEABLE;
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
        case 0x66: in->opsize = true; break;
        case 0x67: in->ad_bytes = mode64 ? 4 : 2; break;
        case 0xf0: in->lock = true; break;
        case 0xf2: in->repne = true; in->rep = false; break;
        case 0xf3: in->rep = true; in->repne = false; break;
        case 0x26: case 0x2e: case 0x36: case 0x3e:
            in->seg = (b >> 3) & 3;
            break;
        case 0x64: in->seg = x86_seg_fs; break;
        case 0x65: in->seg = x86_seg_gs; break;
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

static bool modrm(struct x86emul_insn *in, struct cursor *c,
                  struct cpu_user_regs *regs, bool mode64)
{
    uint64_t disp = 0;
    unsigned int base, rex = in->rex;
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
    in->mem = true;
    base = m & 7;
    if ( base == 4 )
    {
        uint8_t sib;
        unsigned int index;

        if ( c->len >= c->n )
            return false;
        sib = c->b[c->len++];
        index = ((sib >> 3) & 7) | (rex & 2 ? 8 : 0);
        base = sib & 7;
        if ( index != 4 )
            in->ea = *x86emul_gpr(regs, index) << (sib >> 6);
        if ( base == 5 && (m >> 6) == 0 )
        {
            if ( !take(c, 4, &disp) )
                return false;
        }
        else
            in->ea += *x86emul_gpr(regs, base | (rex & 1 ? 8 : 0));
    }
    else if ( base == 5 && (m >> 6) == 0 )
    {
        if ( !take(c, 4, &disp) )
            return false;
        /* RIP-relative: from the next instruction, added once it ends. */
        if ( mode64 )
            in->rm = 16;
    }
    else
        in->ea = *x86emul_gpr(regs, base | (rex & 1 ? 8 : 0));
    if ( (m >> 6) == 1 && !take(c, 1, &disp) )
        return false;
    if ( (m >> 6) == 2 && !take(c, 4, &disp) )
        return false;
    in->ea += disp;
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
        return in->op_bytes;                    /* mov imm64 with REX.W */
    if ( (in->attr & OP_IMMGRP3) && (in->reg & 7) < 2 )
        return in->opcode == 0xf6 ? 1 : z;      /* test imm */
    if ( in->attr & OP_IMM8 )
        return 1;
    return in->attr & OP_IMMZ ? z : 0;
}

int x86emul_decode(struct x86emul_insn *in, struct x86_emulate_ctxt *ctxt,
                   const struct x86_emulate_ops *ops)
{
    bool mode64 = ctxt->mode == X86EMUL_MODE_64;
    struct cursor c = { .b = in->b };
    unsigned int bytes;
    uint8_t b;
    int rc;

    memset(in, 0, offsetof(struct x86emul_insn, b));
    in->seg = x86_seg_ds;
    in->ad_bytes = mode64 ? 8 : 4;
    rc = fetch(in, ctxt, ops);
    if ( rc != X86EMUL_OKAY )
        return rc;
    c.n = in->n;
    if ( !prefixes(in, &c, mode64) )
        return X86EMUL_UNHANDLEABLE;
    /* 16-bit addressing has its own ModRM forms, which we do not do. */
    if ( in->ad_bytes == 2 )
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

    if ( (in->attr & OP_MODRM) && !modrm(in, &c, ctxt->regs, mode64) )
        return X86EMUL_UNHANDLEABLE;
    bytes = imm_bytes(in);
    if ( bytes && !take(&c, bytes, &in->imm) )
        return X86EMUL_UNHANDLEABLE;
    in->len = c.len;
    if ( c.len > MAX_INSN_LEN )
        return x86_emul_raise(ctxt, 13, 0);
    if ( in->rm == 16 )
        in->ea += ctxt->regs->rip + c.len;
    in->ea = x86emul_trunc(in->ea, in->ad_bytes);

    ctxt->opcode = in->opcode;
    ctxt->modrm = in->modrm;
    return X86EMUL_OKAY;
}
