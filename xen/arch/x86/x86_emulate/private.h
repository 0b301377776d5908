/* SPDX-License-Identifier: GPL-2.0-only */
/* The emulator's internals: the decoded instruction and the tables. */
#ifndef X86_EMULATE_PRIVATE_H
#define X86_EMULATE_PRIVATE_H

#include <asm/x86_emulate.h>

/* The flags the emulator computes or tests. */
#define EF_CF    0x0001u
#define EF_PF    0x0004u
#define EF_AF    0x0010u
#define EF_ZF    0x0040u
#define EF_SF    0x0080u
#define EF_IF    0x0200u
#define EF_DF    0x0400u
#define EF_OF    0x0800u
#define EF_ARITH (EF_CF | EF_PF | EF_AF | EF_ZF | EF_SF | EF_OF)

/* Per-opcode decode attributes (table.c). */
#define OP_VALID   0x01u /* an instruction the emulator knows */
#define OP_MODRM   0x02u /* a ModRM byte follows */
#define OP_BYTE    0x04u /* operates on bytes */
#define OP_IMM8    0x08u /* an 8-bit immediate */
#define OP_IMMZ    0x10u /* a 16/32-bit immediate, per operand size */
#define OP_MOFFS   0x20u /* an address-sized offset (mov moffs) */
#define OP_PREFIX  0x40u /* a legacy prefix (one-byte table only) */
#define OP_IMMGRP3 0x80u /* group 3: TEST (/0, /1) has an immediate */
/*
 * Which execute.c handler runs it, so that dispatch is one table look-up
 * rather than a chain of range tests per instruction.
 */
#define OP_CLASS(c) ((c) << 8)
enum { X_DATA, X_SYSTEM, X_STRING, X_SHORT, X_GROUPS, X_CRDR };
#define OP_SYS   OP_CLASS(X_SYSTEM)
#define OP_STR   OP_CLASS(X_STRING)
#define OP_SHORT OP_CLASS(X_SHORT)
#define OP_GRP   OP_CLASS(X_GROUPS)
#define OP_CRDR  OP_CLASS(X_CRDR)

extern const uint16_t x86emul_onebyte[256];
extern const uint16_t x86emul_twobyte[256];

int x86emul_decode(struct x86emul_insn *in, struct x86_emulate_ctxt *ctxt,
                   const struct x86_emulate_ops *ops);

/*
 * Registers: a general register by number, and sized access to it (inline:
 * every instruction uses them, and calls cost under emulation too).
 */
/*
 * By offset rather than by a switch: a jump table's indirect branch per
 * register access costs more than the load, under TCG above all.
 */
#define GPR_OFF(r) offsetof(struct cpu_user_regs, r)
static inline uint64_t *x86emul_gpr(struct cpu_user_regs *regs, unsigned int n)
{
    static const uint8_t off[16] = {
        GPR_OFF(rax), GPR_OFF(rcx), GPR_OFF(rdx), GPR_OFF(rbx),
        GPR_OFF(rsp), GPR_OFF(rbp), GPR_OFF(rsi), GPR_OFF(rdi),
        GPR_OFF(r8),  GPR_OFF(r9),  GPR_OFF(r10), GPR_OFF(r11),
        GPR_OFF(r12), GPR_OFF(r13), GPR_OFF(r14), GPR_OFF(r15),
    };

    return (uint64_t *)((char *)regs + off[n & 15]);
}
#undef GPR_OFF

static inline uint64_t x86emul_trunc(uint64_t v, unsigned int bytes)
{
    return bytes >= 8 ? v : v & ((1ULL << (bytes * 8)) - 1);
}

/* Without REX, byte registers 4-7 are AH, CH, DH and BH. */
static inline bool x86emul_high_byte(const struct x86emul_insn *in,
                                     unsigned int n, unsigned int bytes)
{
    return bytes == 1 && !in->rex && n >= 4 && n < 8;
}

static inline uint64_t x86emul_read_reg(const struct x86emul_insn *in,
                                        struct cpu_user_regs *regs,
                                        unsigned int n, unsigned int bytes)
{
    if ( x86emul_high_byte(in, n, bytes) )
        return (*x86emul_gpr(regs, n - 4) >> 8) & 0xff;
    return x86emul_trunc(*x86emul_gpr(regs, n), bytes);
}

static inline void x86emul_write_reg(const struct x86emul_insn *in,
                                     struct cpu_user_regs *regs,
                                     unsigned int n, unsigned int bytes,
                                     uint64_t val)
{
    uint64_t *r;

    if ( x86emul_high_byte(in, n, bytes) )
    {
        r = x86emul_gpr(regs, n - 4);
        *r = (*r & ~0xff00ULL) | ((val & 0xff) << 8);
        return;
    }
    r = x86emul_gpr(regs, n);
    if ( bytes >= 4 )
        *r = x86emul_trunc(val, bytes); /* 32-bit results zero-extend */
    else
        *r = (*r & ~x86emul_trunc(~0ULL, bytes)) | x86emul_trunc(val, bytes);
}

/* The linear address of offset ea in segment seg. */
int x86emul_linear(struct x86_emulate_ctxt *ctxt,
                   const struct x86_emulate_ops *ops, enum x86_segment seg,
                   unsigned long ea, unsigned int ad_bytes,
                   unsigned long *linear);

/*
 * Arithmetic with its flags (alu.c).  op: the group-1 number (add, or,
 * adc, sbb, and, sub, xor, cmp), then the others below.
 */
enum {
    ALU_ADD,
    ALU_OR,
    ALU_ADC,
    ALU_SBB,
    ALU_AND,
    ALU_SUB,
    ALU_XOR,
    ALU_CMP,
    ALU_INC,
    ALU_DEC,
    ALU_NEG,
    ALU_TEST,
};
uint64_t x86emul_alu(unsigned int op, uint64_t dst, uint64_t src,
                     unsigned int bytes, uint64_t *rflags);
/* Shift group 2 (rol, ror, -, -, shl, shr, -, sar); false: not done. */
bool x86emul_shift(unsigned int op, uint64_t *dst, unsigned int count,
                   unsigned int bytes, uint64_t *rflags);
/* Whether condition cc (the low nibble of Jcc/SETcc/CMOVcc) holds. */
bool x86emul_cond(unsigned int cc, uint64_t rflags);

/* The string instructions (string.c), REP included. */
int x86emul_string(struct x86emul_insn *in, struct x86_emulate_ctxt *ctxt,
                   const struct x86_emulate_ops *ops);
/* Whether port I/O (and CLI/STI without a port) may go ahead. */
int x86emul_io_allowed(struct x86_emulate_ctxt *ctxt,
                       const struct x86_emulate_ops *ops, unsigned int port,
                       unsigned int bytes);

/* The system instructions (system.c): CRs, DRs, MSRs, I/O, CPUID, ... */
int x86emul_system(struct x86emul_insn *in, struct x86_emulate_ctxt *ctxt,
                   const struct x86_emulate_ops *ops);
/* MOV to and from CRn and DRn, the PV kernel's commonest: a class alone. */
int x86emul_mov_cr_dr(struct x86emul_insn *in, struct x86_emulate_ctxt *ctxt,
                      const struct x86_emulate_ops *ops);

#endif /* X86_EMULATE_PRIVATE_H */
