# SPDX-License-Identifier: GPL-2.0-only
# Writes PV kernel images whose Xen notes a builder must refuse.
"""Each image is one loadable segment and the notes a generic-loader PV
kernel carries; only the notes' addresses differ.  The images are never
run: the hypervisor must refuse them before building anything."""

import os
import struct

KBASE = 0xffffffff80000000
PAGE = 0x1000


def _note(ntype, desc):
    def pad(b):
        return b + b'\0' * (-len(b) % 4)
    return struct.pack('<III', 4, len(desc), ntype) + b'Xen\0' + pad(desc)


def image(base, entry, hcall):
    """An ELF64 image linked at base, entry point entry, hypercall page
    note hcall; 8 KiB of memory, its first page in the file."""
    notes = b''.join([
        _note(6, b'badelf\0'), _note(5, b'xen-3.0\0'),
        _note(8, b'generic\0'), _note(3, struct.pack('<Q', base)),
        _note(4, struct.pack('<Q', 0)), _note(1, struct.pack('<Q', entry)),
        _note(2, struct.pack('<Q', hcall)),
    ])
    phoff, phnum = 64, 2
    notes_at = phoff + 56 * phnum
    ehdr = b'\x7fELF' + bytes([2, 1, 1]) + b'\0' * 9 + struct.pack(
        '<HHIQQQIHHHHHH', 2, 62, 1, entry, phoff, 0, 0, 64, 56, phnum,
        64, 0, 0)
    phdrs = struct.pack('<IIQQQQQQ', 1, 7, PAGE, base, 0, PAGE, 2 * PAGE,
                        PAGE)
    phdrs += struct.pack('<IIQQQQQQ', 4, 4, notes_at, 0, 0, len(notes),
                         len(notes), 4)
    img = bytearray(2 * PAGE)
    img[0:len(ehdr)] = ehdr
    img[phoff:phoff + len(phdrs)] = phdrs
    img[notes_at:notes_at + len(notes)] = notes
    img[PAGE:PAGE + 2] = b'\xeb\xfe'                # jmp .
    return bytes(img)


def write_all(outdir):
    """Writes the images into outdir; returns {name: path}."""
    top = (1 << 64) - (2 << 20)     # 2 MiB below 2^64
    images = {
        # The builder would write the page across into the next frame.
        'hcall-unaligned': image(KBASE, KBASE, KBASE + 8),
        # The kernel fits below 2^64, its boot region after it does not.
        'region-wraps': image(top, top, top + PAGE),
    }
    os.makedirs(outdir, exist_ok=True)
    paths = {}
    for name, data in images.items():
        paths[name] = os.path.join(outdir, name)
        with open(paths[name], 'wb') as f:
            f.write(data)
    return paths
