#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Maps the hypervisor's coverage dump (COV lines) to source-line coverage.
"""usage: coverage.py XEN-COV-SYMS < serial-log

The instrumented call sites are the calls to __sanitizer_cov_trace_pc in
the image; each site's return address is what the hypervisor records.  A
source line counts as instrumented if a site is on it, and as covered if
one of its sites was hit.  Prints coverage per hypercall-handler file and
in all (the files built with -fsanitize-coverage in xen/Makefile), the
files a domU reaches only up to a privilege check (DOM0_ONLY) apart.
With --missed FILE, lists FILE's instrumented lines that never ran.
"""

import collections
import os
import re
import subprocess
import sys

# Files whose handlers refuse an unprivileged domain before anything else:
# the fuzzer (a domU) reaches their privilege check and nothing more, so
# they are shown, but not counted in the handlers' total.  Lines of them
# that are hit come from dom0 (building the fuzzer domains, the debug keys).
DOM0_ONLY = {
    'common/sysctl.c': 'every sysctl needs privilege',
    'common/domctl.c': 'every domctl needs privilege',
    'arch/x86/platform_hypercall.c': 'only the hardware domain',
    'drivers/char/console.c': 'console_io refuses a domU not built at boot;'
                              ' the rest is the serial console',
    'drivers/pci/physdev.c': 'every PCI sub-op needs privilege',
    'drivers/pci/pci.c': "the registry and config space are dom0's;"
                         ' a domU reaches only its own CF8 latch',
}

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
    print('coverage: %d of %d sites hit' % (len(hit & set(where)),
                                            len(where)))
    sums = {False: [0, 0], True: [0, 0]}
    for f in sorted(total, key=lambda f: (f in DOM0_ONLY, f)):
        t, c = len(total[f]), len(covered[f])
        sums[f in DOM0_ONLY][0] += c
        sums[f in DOM0_ONLY][1] += t
        print('coverage: %-32s %4d/%4d lines %5.1f%%%s'
              % (f, c, t, 100.0 * c / t,
                 '  (dom0 only: %s)' % DOM0_ONLY[f] if f in DOM0_ONLY
                 else ''))
    for name, (c, t) in (('all handlers', sums[False]),
                         ('with the dom0-only ones',
                          [a + b for a, b in zip(sums[False], sums[True])])):
        if t:
            print('coverage: %-32s %4d/%4d lines %5.1f%%'
                  % (name, c, t, 100.0 * c / t))
    return 0


if __name__ == '__main__':
    sys.exit(main())
