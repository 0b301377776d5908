#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Writes seed corpora: fuzz_msg (argv[1]): one well-formed request of each
# kind; fuzz_persist (argv[2]): snapshot and journal files.
import os
import struct
import sys

def msg(t, payload, tx=0, req=1):
    return struct.pack('<IIII', t, req, tx, len(payload)) + payload

def z(*parts):
    return b''.join(p.encode() + b'\0' for p in parts)

seeds = [
    msg(2, z('/tool')), msg(1, z('/')), msg(3, z('/local')),
    msg(11, b'/a/b\0value'), msg(12, z('/m')), msg(13, z('/a')),
    msg(14, z('/a', 'n0', 'r5')), msg(4, z('/a', 'tok')),
    msg(5, z('/a', 'tok')), msg(6, z('')) + msg(11, b'/t\0x', tx=1)
    + msg(7, z('T'), tx=1),
    msg(8, z('3', '100', '4')), msg(9, z('3')), msg(17, z('3')),
    msg(10, z('3')), msg(18, z('3')), msg(19, z('3', '4')), msg(21, z('')),
    msg(22, z('/', '0')), msg(0, z('help')), msg(4, z('@releaseDomain', 'r')),
    msg(11, b'rel/x\0v'),
]
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for i, s in enumerate(seeds):
    for flags in (0, 1, 3):
        with open(os.path.join(out, 'seed-%02d-%d' % (i, flags)), 'wb') as f:
            f.write(bytes([flags, 128]) + s + s)

# Seeds for fuzz_persist: u16 snapshot length, snapshot, journal.
import zlib

def rec(payload):
    return struct.pack('<II', len(payload), zlib.crc32(payload)) + payload

def s32(b):
    return struct.pack('<I', len(b)) + b

def node(path, value, perms=((0, 0),)):
    p = b'N' + s32(path.encode()) + struct.pack('<I', len(perms))
    for i, bits in perms:
        p += struct.pack('<IB', i, bits)
    return rec(p + s32(value))

def header(seq):
    return rec(b'H' + struct.pack('<IQQ', 1, seq, 0))

snap = (header(3) + node('/', b'') + node('/local', b'') +
        node('/local/domain', b'') + node('/tool', b'') +
        node('/local/domain/1', b'x', ((1, 0), (2, 1))) +
        rec(b'I' + struct.pack('<IBQII', 1, 1, 5, 6, 0xffffffff)) +
        rec(b'E'))
journal = (header(3) + node('/a', b'') + node('/a/b', b'v') +
           rec(b'D' + s32(b'/a/b')) + node('/tool/t', b'q'))
pdir = sys.argv[2] if len(sys.argv) > 2 else None
if pdir:
    os.makedirs(pdir, exist_ok=True)
    for i, (s, j) in enumerate([(snap, journal), (snap, b''),
                                (b'', journal), (snap, journal[:-3])]):
        with open(os.path.join(pdir, 'seed-%d' % i), 'wb') as f:
            f.write(struct.pack('<H', len(s)) + s + j)
