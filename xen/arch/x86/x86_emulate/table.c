/* SPDX-License-Identifier: GPL-2.0-only */
/* The instruction table: which opcodes the emulator knows, and their shape. */
#include "private.h"

#define ALU_ROW(base)                                                       \
    [(base) + 0] = OP_VALID | OP_MODRM | OP_BYTE,                           \
    [(base) + 1] = OP_VALID | OP_MODRM,                                     \
    [(base) + 2] = OP_VALID | OP_MODRM | OP_BYTE,                           \
    [(base) + 3] = OP_VALID | OP_MODRM,                                     \
    [(base) + 4] = OP_VALID | OP_BYTE | OP_IMM8,                            \
    [(base) + 5] = OP_VALID | OP_IMMZ

/*
 * One-byte opcodes.  Prefixes (and REX, 0x40-0x4f) are decode's own; what
 * is not listed (branches, stack, far transfers, x87, ...) is left to the
 * CPU: nothing that faults into the hypervisor needs them.
 */
const uint8_t x86emul_onebyte[256] = {
    ALU_ROW(0x00), ALU_ROW(0x08), ALU_ROW(0x10), ALU_ROW(0x18),
    ALU_ROW(0x20), ALU_ROW(0x28), ALU_ROW(0x30), ALU_ROW(0x38),
    [0x63] = OP_VALID | OP_MODRM,                       /* movsxd */
    [0x6c] = OP_VALID | OP_BYTE, [0x6d] = OP_VALID,     /* ins */
    [0x6e] = OP_VALID | OP_BYTE, [0x6f] = OP_VALID,     /* outs */
    [0x80] = OP_VALID | OP_MODRM | OP_BYTE | OP_IMM8,   /* group 1 */
    [0x81] = OP_VALID | OP_MODRM | OP_IMMZ,
    [0x83] = OP_VALID | OP_MODRM | OP_IMM8,
    [0x84] = OP_VALID | OP_MODRM | OP_BYTE,             /* test */
    [0x85] = OP_VALID | OP_MODRM,
    [0x86] = OP_VALID | OP_MODRM | OP_BYTE,             /* xchg */
    [0x87] = OP_VALID | OP_MODRM,
    [0x88] = OP_VALID | OP_MODRM | OP_BYTE,             /* mov */
    [0x89] = OP_VALID | OP_MODRM,
    [0x8a] = OP_VALID | OP_MODRM | OP_BYTE,
    [0x8b] = OP_VALID | OP_MODRM,
    [0x8d] = OP_VALID | OP_MODRM,                       /* lea */
    [0x90 ... 0x97] = OP_VALID,                         /* xchg rax */
    [0x98] = OP_VALID, [0x99] = OP_VALID,               /* cbw, cwd */
    [0xa0] = OP_VALID | OP_BYTE | OP_MOFFS,             /* mov moffs */
    [0xa1] = OP_VALID | OP_MOFFS,
    [0xa2] = OP_VALID | OP_BYTE | OP_MOFFS,
    [0xa3] = OP_VALID | OP_MOFFS,
    [0xa4] = OP_VALID | OP_BYTE, [0xa5] = OP_VALID,     /* movs */
    [0xa6] = OP_VALID | OP_BYTE, [0xa7] = OP_VALID,     /* cmps */
    [0xa8] = OP_VALID | OP_BYTE | OP_IMM8,              /* test */
    [0xa9] = OP_VALID | OP_IMMZ,
    [0xaa] = OP_VALID | OP_BYTE, [0xab] = OP_VALID,     /* stos */
    [0xac] = OP_VALID | OP_BYTE, [0xad] = OP_VALID,     /* lods */
    [0xae] = OP_VALID | OP_BYTE, [0xaf] = OP_VALID,     /* scas */
    [0xb0 ... 0xb7] = OP_VALID | OP_BYTE | OP_IMM8,     /* mov imm */
    [0xb8 ... 0xbf] = OP_VALID | OP_IMMZ,
    [0xc0] = OP_VALID | OP_MODRM | OP_BYTE | OP_IMM8,   /* group 2 */
    [0xc1] = OP_VALID | OP_MODRM | OP_IMM8,
    [0xc6] = OP_VALID | OP_MODRM | OP_BYTE | OP_IMM8,   /* mov imm */
    [0xc7] = OP_VALID | OP_MODRM | OP_IMMZ,
    [0xcd] = OP_VALID | OP_IMM8,                        /* int n */
    [0xd0] = OP_VALID | OP_MODRM | OP_BYTE,             /* group 2 */
    [0xd1] = OP_VALID | OP_MODRM,
    [0xd2] = OP_VALID | OP_MODRM | OP_BYTE,
    [0xd3] = OP_VALID | OP_MODRM,
    [0xe4] = OP_VALID | OP_BYTE | OP_IMM8,              /* in, out imm8 */
    [0xe5] = OP_VALID | OP_IMM8,
    [0xe6] = OP_VALID | OP_BYTE | OP_IMM8,
    [0xe7] = OP_VALID | OP_IMM8,
    [0xec] = OP_VALID | OP_BYTE, [0xed] = OP_VALID,     /* in, out dx */
    [0xee] = OP_VALID | OP_BYTE, [0xef] = OP_VALID,
    [0xf4] = OP_VALID,                                  /* hlt */
    [0xf6] = OP_VALID | OP_MODRM | OP_BYTE,             /* group 3 */
    [0xf7] = OP_VALID | OP_MODRM,
    [0xfa] = OP_VALID, [0xfb] = OP_VALID,               /* cli, sti */
    [0xfe] = OP_VALID | OP_MODRM | OP_BYTE,             /* inc, dec */
    [0xff] = OP_VALID | OP_MODRM,
};

/* Two-byte opcodes, 0f xx. */
const uint8_t x86emul_twobyte[256] = {
    [0x01] = OP_VALID | OP_MODRM,               /* lmsw, xsetbv, rdtscp */
    [0x06] = OP_VALID,                          /* clts */
    [0x08] = OP_VALID, [0x09] = OP_VALID,       /* invd, wbinvd */
    [0x20 ... 0x23] = OP_VALID | OP_MODRM,      /* mov cr, dr */
    [0x30 ... 0x32] = OP_VALID,                 /* wrmsr, rdtsc, rdmsr */
    [0x40 ... 0x4f] = OP_VALID | OP_MODRM,      /* cmovcc */
    [0x90 ... 0x9f] = OP_VALID | OP_MODRM | OP_BYTE,    /* setcc */
    [0xa2] = OP_VALID,                          /* cpuid */
    [0xa3] = OP_VALID | OP_MODRM,               /* bt, bts, btr, btc */
    [0xab] = OP_VALID | OP_MODRM,
    [0xb3] = OP_VALID | OP_MODRM,
    [0xba] = OP_VALID | OP_MODRM | OP_IMM8,
    [0xbb] = OP_VALID | OP_MODRM,
    [0xb0] = OP_VALID | OP_MODRM | OP_BYTE,     /* cmpxchg */
    [0xb1] = OP_VALID | OP_MODRM,
    [0xb6 ... 0xb7] = OP_VALID | OP_MODRM,      /* movzx */
    [0xbe ... 0xbf] = OP_VALID | OP_MODRM,      /* movsx */
    [0xc0] = OP_VALID | OP_MODRM | OP_BYTE,     /* xadd */
    [0xc1] = OP_VALID | OP_MODRM,
    [0xc7] = OP_VALID | OP_MODRM,               /* cmpxchg8b/16b */
};
