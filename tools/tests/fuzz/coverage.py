#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Maps the hypervisor's coverage dump (COV lines) to source-line coverage.
"""usage: coverage.py XEN-COV-SYMS < serial-log

The instrumented call sites are the calls to __sanitizer_cov_trace_pc in
the image; each site's return address is what the hypervisor records.  A
source line counts as instrumented if a site is on it, and as covered if
one of its sites was hit.  Prints coverage per hypercall-handler file and
in all (the files built with -fsanitize-coverage in xen/Makefile).
With --missed FILE, lists FILE's instrumented lines that never ran.
"""

import collections
import os
import re
import subprocess
import sys

CALL = re.compile(r'^\s*([0-9a-f]+):\s+call\s+[0-9a-f]+ '
                  r'<__sanitizer_cov_trace_pc>')


def sites(syms):
    """Return addresses (the instruction after each call) of all sites."""
    out = subprocess.run(['objdump', '-d', '--no-show-raw-insn', syms],
                         stdout=subprocess.PIPE, check=True).stdout.decode()
    lines = out.splitlines()
    addrs = []
    for i, t in enumerate(lines):
        if CALL.match(t):
            for nxt in lines[i + 1:i + 4]:
                m = re.match(r'^\s*([0-9a-f]+):', nxt)
                if m:
                    addrs.append(int(m.group(1), 16))
                    break
    return addrs


def to_lines(syms, addrs):
    """{address: (file, line)} through addr2line (the call's own line)."""
    if not addrs:
        return {}
    p = subprocess.run(['addr2line', '-e', syms] +
                       ['%x' % (a - 1) for a in addrs],
                       stdout=subprocess.PIPE, check=True)
    res = {}
    for a, t in zip(addrs, p.stdout.decode().splitlines()):
        f, _, ln = t.rpartition(':')
        ln = ln.split()[0] if ln else '0'
        if f != '??' and ln.isdigit() and ln != '0':
            res[a] = (os.path.normpath(f), int(ln))
    return res


def hits(text):
    base = None
    offs = set()
    cur = 0
    for t in text.splitlines():
        m = re.search(r'COV: text ([0-9a-f]+)', t)
        if m:
            base = int(m.group(1), 16)
            cur = 0
            continue
        m = re.search(r'COV\+((?: [0-9a-f]+)+)', t)
        if m:
            for d in m.group(1).split():
                cur += int(d, 16)
                offs.add(cur)
    return {base + o for o in offs} if base is not None else set()


def main():
    args = sys.argv[1:]
    missed = None
    if len(args) >= 2 and args[0] == '--missed':
        missed, args = args[1], args[2:]
    if len(args) != 1:
        sys.exit(__doc__)
    syms = args[0]
    addrs = sites(syms)
    where = to_lines(syms, addrs)
    hit = hits(sys.stdin.read())
    top = os.path.dirname(os.path.abspath(syms))
    total = collections.defaultdict(set)
    covered = collections.defaultdict(set)
    for a, (f, ln) in where.items():
        rel = os.path.relpath(f, top) if f.startswith('/') else f
        if not rel.endswith('.c'):
            continue
        total[rel].add(ln)
        if a in hit:
            covered[rel].add(ln)
    if missed:
        for ln in sorted(total.get(missed, set()) - covered[missed]):
            print('%s:%d' % (missed, ln))
        return 0
    all_t = all_c = 0
    print('coverage: %d of %d sites hit' % (len(hit & set(where)),
                                            len(where)))
    for f in sorted(total):
        t, c = len(total[f]), len(covered[f])
        all_t += t
        all_c += c
        print('coverage: %-32s %4d/%4d lines %5.1f%%'
              % (f, c, t, 100.0 * c / t))
    if all_t:
        print('coverage: %-32s %4d/%4d lines %5.1f%%'
              % ('all handlers', all_c, all_t, 100.0 * all_c / all_t))
    return 0


if __name__ == '__main__':
    sys.exit(main())
