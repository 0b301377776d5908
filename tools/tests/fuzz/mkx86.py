#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Writes seed inputs for fuzz_x86_emulate: one instruction each, in states that reach its work.
"""Layout (fuzz_x86_emulate.c's struct input): 16 registers, rflags, a
control byte, a 16-bit mask of registers pointing into the memory window,
16 instruction bytes, then the window's contents."""

import os
import struct
import sys

INSNS = {
    'mov_store': '48 89 03', 'lock_or': 'f0 48 09 03', 'xchg': '48 87 03',
    'cmpxchg': 'f0 48 0f b1 0b', 'cmpxchg16b': 'f0 48 0f c7 0b',
    'bts_imm': 'f0 48 0f ba 2b 05', 'btr_reg': 'f0 48 0f b3 0b',
    'andb': 'f0 80 23 fd', 'rep_movsb': 'f3 a4', 'repe_cmpsq': 'f3 48 a7',
    'rep_insw': 'f3 66 6d', 'rep_outsb': 'f3 6e', 'in_dx': 'ec',
    'out_imm': 'e7 80', 'mov_cr3': '0f 22 d8', 'rdmsr': '0f 32',
    'wrmsr': '0f 30', 'xsetbv': '0f 01 d1', 'cpuid': '0f a2',
    'shl_cl': '48 d3 23', 'sib_disp32': '89 84 8b 10 00 00 00',
    'rip_lea': '48 8d 05 00 01 00 00', 'moffs': '48 a1 00 00 7f 00 00 00 00 00',
    'fs_load': '64 8b 03', 'lmsw': '0f 01 f0', 'movzx': '0f b6 03',
}


def main(out):
    for name, hexbytes in INSNS.items():
        insn = bytes.fromhex(hexbytes).ljust(16, b'\x90')
        regs = [i * 0x10 for i in range(16)]
        regs[1] = 8                         # rcx: a count
        head = struct.pack('<16QQBH', *regs, 0x202, 0x60, 0x00c8) + insn
        with open(os.path.join(out, name), 'wb') as f:
            f.write(head + bytes(range(256)) * 2)


if __name__ == '__main__':
    main(sys.argv[1])
