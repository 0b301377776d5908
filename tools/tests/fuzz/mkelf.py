#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Writes small PV-kernel-like ELF64 images as seeds for fuzz_elf."""
import struct
import sys

KBASE = 0xffffffff80000000


def note(ntype, desc, name=b'Xen\0'):
    def pad(b):
        return b + b'\0' * (-len(b) % 4)
    return struct.pack('<III', len(name), len(desc), ntype) + pad(name) + \
        pad(desc)


def image(notes_in_phdrs=True, base=KBASE, hcall=KBASE + 0x2000):
    notes = b''.join([
        note(6, b'fuzzos\0'), note(5, b'xen-3.0\0'), note(8, b'generic\0'),
        note(3, struct.pack('<Q', base)), note(4, struct.pack('<I', 0)),
        note(1, struct.pack('<Q', (base + 0x1000) % (1 << 64))),
        note(2, struct.pack('<Q', hcall)),
        note(10, b'!writable_page_tables|pae_pgdir_above_4gb'),
        note(17, struct.pack('<I', 0x800)), note(9, b'yes\0'),
        note(15, struct.pack('<Q', 1 << 39)), note(16, struct.pack('<I', 1)),
        note(18, struct.pack('<I', 0x1000)), note(3, b'x', b'GNU\0'),
    ])
    phnum = 3
    notes_at = 64 + 56 * phnum
    phdrs = [
        (1, 5, 0x1000, KBASE + 0x1000, 0x1000, 0x1000, 0x1000, 0x1000),
        (1, 6, 0x2000, KBASE + 0x3000, 0x3000, 0x100, 0x2000, 0x1000),
        (4 if notes_in_phdrs else 0, 4, notes_at, 0, 0, len(notes),
         len(notes), 4),
    ]
    shoff = 0x2100
    ehdr = b'\x7fELF' + bytes([2, 1, 1]) + b'\0' * 9 + struct.pack(
        '<HHIQQQIHHHHHH', 2, 62, 1, KBASE + 0x1000, 64, shoff, 0, 64, 56,
        phnum, 64, 2, 0)
    img = bytearray(0x2100 + 128)
    img[0:64] = ehdr
    for i, p in enumerate(phdrs):
        img[64 + 56 * i:64 + 56 * (i + 1)] = struct.pack('<IIQQQQQQ', *p)
    img[notes_at:notes_at + len(notes)] = notes
    for i in range(0x1000, 0x2100):
        img[i] = (i * 7) & 0xff
    sh = struct.pack('<IIQQQQIIQQ', 0, 7, 0, 0, notes_at, len(notes), 0, 0,
                     4, 0)
    img[shoff:shoff + 64] = b'\0' * 64
    img[shoff + 64:shoff + 128] = sh
    return bytes(img)


out = sys.argv[1]
with open(out + '/pv-phdr-notes', 'wb') as f:
    f.write(image(True))
with open(out + '/pv-section-notes', 'wb') as f:
    f.write(image(False))
with open(out + '/truncated', 'wb') as f:
    f.write(image(True)[:300])
# Near the checks for the hypercall page's alignment and for a kernel
# range that wraps past 2^64.
with open(out + '/hypercall-page-unaligned', 'wb') as f:
    f.write(image(True, hcall=KBASE + 0x2008))
with open(out + '/virt-base-at-top', 'wb') as f:
    f.write(image(True, base=(1 << 64) - 0x2000, hcall=(1 << 64) - 0x1000))
