/* SPDX-License-Identifier: GPL-2.0-only */
/* The instruction table: which opcodes the emulator knows, and their shape. */
#include "private.h"

/* Hand-aligned tables, one opcode group a row: clang-format off */

#define ALU_ROW(base)                                                         \
    [(base) + 0] = OP_VALID | OP_MODRM | OP_BYTE,                             \
              [(base) + 1] = OP_VALID | OP_MODRM,                             \
              [(base) + 2] = OP_VALID | OP_MODRM | OP_BYTE,                   \
              [(base) + 3] = OP_VALID | OP_MODRM,                             \
              [(base) + 4] = OP_VALID | OP_BYTE | OP_IMM8,                    \
              [(base) + 5] = OP_VALID | OP_IMMZ

/*
 * One-byte opcodes.  Prefixes (and REX, 0x40-0x4f) are decode's own; what
 * is not listed (branches, stack, far transfers, x87, ...) is left to the
 * CPU: nothing that faults into the hypervisor needs them.
 */
const uint16_t x86emul_onebyte[256] = {
    ALU_ROW(0x00),
    ALU_ROW(0x08),
    ALU_ROW(0x10),
    ALU_ROW(0x18),
    ALU_ROW(0x20),
    ALU_ROW(0x28),
    ALU_ROW(0x30),
    ALU_ROW(0x38),
    [0x63] = OP_VALID | OP_MODRM,         /* movsxd */
    [0x6c] = OP_VALID | OP_STR | OP_BYTE, /* ins */
    [0x6d] = OP_VALID | OP_STR,
    [0x6e] = OP_VALID | OP_STR | OP_BYTE, /* outs */
    [0x6f] = OP_VALID | OP_STR,
    [0x80] = OP_VALID | OP_MODRM | OP_BYTE | OP_IMM8, /* group 1 */
    [0x81] = OP_VALID | OP_MODRM | OP_IMMZ,
    [0x83] = OP_VALID | OP_MODRM | OP_IMM8,
    [0x84] = OP_VALID | OP_MODRM | OP_BYTE, /* test */
    [0x85] = OP_VALID | OP_MODRM,
    [0x86] = OP_VALID | OP_MODRM | OP_BYTE, /* xchg */
    [0x87] = OP_VALID | OP_MODRM,
    [0x88] = OP_VALID | OP_MODRM | OP_BYTE, /* mov */
    [0x89] = OP_VALID | OP_MODRM,
    [0x8a] = OP_VALID | OP_MODRM | OP_BYTE,
    [0x8b] = OP_VALID | OP_MODRM,
    [0x8d] = OP_VALID | OP_MODRM,                      /* lea */
    [0x90 ... 0x97] = OP_VALID | OP_SHORT,             /* xchg rax */
    [0x98 ... 0x99] = OP_VALID | OP_SHORT,             /* cbw, cwd */
    [0xa0] = OP_VALID | OP_SHORT | OP_BYTE | OP_MOFFS, /* mov moffs */
    [0xa1] = OP_VALID | OP_SHORT | OP_MOFFS,
    [0xa2] = OP_VALID | OP_SHORT | OP_BYTE | OP_MOFFS,
    [0xa3] = OP_VALID | OP_SHORT | OP_MOFFS,
    [0xa4] = OP_VALID | OP_STR | OP_BYTE, /* movs */
    [0xa5] = OP_VALID | OP_STR,
    [0xa6] = OP_VALID | OP_STR | OP_BYTE, /* cmps */
    [0xa7] = OP_VALID | OP_STR,
    [0xa8] = OP_VALID | OP_BYTE | OP_IMM8, /* test */
    [0xa9] = OP_VALID | OP_IMMZ,
    [0xaa] = OP_VALID | OP_STR | OP_BYTE, /* stos */
    [0xab] = OP_VALID | OP_STR,
    [0xac] = OP_VALID | OP_STR | OP_BYTE, /* lods */
    [0xad] = OP_VALID | OP_STR,
    [0xae] = OP_VALID | OP_STR | OP_BYTE, /* scas */
    [0xaf] = OP_VALID | OP_STR,
    [0xb0 ... 0xb7] = OP_VALID | OP_SHORT | OP_BYTE | OP_IMM8, /* mov imm */
    [0xb8 ... 0xbf] = OP_VALID | OP_SHORT | OP_IMMZ,
    [0xc0] = OP_VALID | OP_GRP | OP_MODRM | OP_BYTE | OP_IMM8, /* group 2 */
    [0xc1] = OP_VALID | OP_GRP | OP_MODRM | OP_IMM8,
    [0xc6] = OP_VALID | OP_MODRM | OP_BYTE | OP_IMM8, /* mov imm */
    [0xc7] = OP_VALID | OP_MODRM | OP_IMMZ,
    [0xcd] = OP_VALID | OP_SYS | OP_IMM8,            /* int n */
    [0xd0] = OP_VALID | OP_GRP | OP_MODRM | OP_BYTE, /* group 2 */
    [0xd1] = OP_VALID | OP_GRP | OP_MODRM,
    [0xd2] = OP_VALID | OP_GRP | OP_MODRM | OP_BYTE,
    [0xd3] = OP_VALID | OP_GRP | OP_MODRM,
    [0xe4] = OP_VALID | OP_SYS | OP_BYTE | OP_IMM8, /* in, out imm8 */
    [0xe5] = OP_VALID | OP_SYS | OP_IMM8,
    [0xe6] = OP_VALID | OP_SYS | OP_BYTE | OP_IMM8,
    [0xe7] = OP_VALID | OP_SYS | OP_IMM8,
    [0xec] = OP_VALID | OP_SYS | OP_BYTE, /* in, out dx */
    [0xed] = OP_VALID | OP_SYS,
    [0xee] = OP_VALID | OP_SYS | OP_BYTE,
    [0xef] = OP_VALID | OP_SYS,
    [0xf4] = OP_VALID | OP_SYS,                                   /* hlt */
    [0xf6] = OP_VALID | OP_GRP | OP_MODRM | OP_BYTE | OP_IMMGRP3, /* group 3 */
    [0xf7] = OP_VALID | OP_GRP | OP_MODRM | OP_IMMGRP3,
    [0xfa ... 0xfb] = OP_VALID | OP_SYS,             /* cli, sti */
    [0xfe] = OP_VALID | OP_GRP | OP_MODRM | OP_BYTE, /* inc, dec */
    [0xff] = OP_VALID | OP_GRP | OP_MODRM,
    /* Prefixes and REX: decode's own, never opcodes. */
    [0x26] = OP_PREFIX,
    [0x2e] = OP_PREFIX,
    [0x36] = OP_PREFIX,
    [0x3e] = OP_PREFIX,
    [0x40 ... 0x4f] = OP_PREFIX,
    [0x64 ... 0x67] = OP_PREFIX,
    [0xf0] = OP_PREFIX,
    [0xf2 ... 0xf3] = OP_PREFIX,
};

/* Two-byte opcodes, 0f xx. */
const uint16_t x86emul_twobyte[256] = {
    [0x01] = OP_VALID | OP_SYS | OP_MODRM,           /* lmsw, xsetbv, rdtscp */
    [0x06] = OP_VALID | OP_SYS,                      /* clts */
    [0x08 ... 0x09] = OP_VALID | OP_SYS,             /* invd, wbinvd */
    [0x20 ... 0x23] = OP_VALID | OP_CRDR | OP_MODRM, /* mov cr, dr */
    [0x30 ... 0x32] = OP_VALID | OP_SYS,             /* wrmsr, rdtsc, rdmsr */
    [0x40 ... 0x4f] = OP_VALID | OP_MODRM,           /* cmovcc */
    [0x90 ... 0x9f] = OP_VALID | OP_MODRM | OP_BYTE, /* setcc */
    [0xa2] = OP_VALID | OP_SYS,                      /* cpuid */
    [0xa3] = OP_VALID | OP_MODRM,                    /* bt, bts, btr, btc */
    [0xab] = OP_VALID | OP_MODRM,
    [0xb3] = OP_VALID | OP_MODRM,
    [0xba] = OP_VALID | OP_MODRM | OP_IMM8,
    [0xbb] = OP_VALID | OP_MODRM,
    [0xb0] = OP_VALID | OP_MODRM | OP_BYTE, /* cmpxchg */
    [0xb1] = OP_VALID | OP_MODRM,
    [0xb6 ... 0xb7] = OP_VALID | OP_MODRM,  /* movzx */
    [0xbe ... 0xbf] = OP_VALID | OP_MODRM,  /* movsx */
    [0xc0] = OP_VALID | OP_MODRM | OP_BYTE, /* xadd */
    [0xc1] = OP_VALID | OP_MODRM,
    [0xc7] = OP_VALID | OP_MODRM, /* cmpxchg8b/16b */
};
