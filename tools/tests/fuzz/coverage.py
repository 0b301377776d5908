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

# Functions of counted files that a domU cannot reach: only dom0 calls
# them (after a privilege check, or from a domctl or sysctl), or the
# hypervisor's console debug keys, or boot, or nothing yet.  Their lines
# are shown apart per file and counted only in the total with the
# dom0-only files.  A function that gains a domU caller leaves this list.
DOM0_ONLY_FUNCS = {
    'common/event_channel.c': {
        'evtchn_dump_domain': "the 'e' debug key",
        'dump_timer_left': "the 'e' debug key",
    },
    'common/event_fifo.c': {
        'evtchn_fifo_dump': "the 'e' debug key",
        'evtchn_fifo_dump_port': "the 'e' debug key",
    },
    'common/schedule.c': {
        'dump_runq': "the 'r' debug key",
        'sched_adjust': 'XEN_DOMCTL_scheduler_op',
        'sched_adjust_global': 'XEN_SYSCTL_scheduler_op',
        'pin_override': 'SCHEDOP_pin_override past its privilege check',
        'scheduler_init': 'boot',
        'scheduler_init_cpu': 'boot',
    },
    'common/grant_table.c': {
        'grant_table_frame_mfn': 'nothing calls it yet',
    },
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
    """{address: (file, line, function)} through addr2line (the call's own
    line, in the innermost function, inlined or not, that holds it)."""
    if not addrs:
        return {}
    p = subprocess.run(['addr2line', '-f', '-e', syms] +
                       ['%x' % (a - 1) for a in addrs],
                       stdout=subprocess.PIPE, check=True)
    out = p.stdout.decode().splitlines()
    res = {}
    for a, fn, t in zip(addrs, out[0::2], out[1::2]):
        f, _, ln = t.rpartition(':')
        ln = ln.split()[0] if ln else '0'
        if f != '??' and ln.isdigit() and ln != '0':
            res[a] = (os.path.normpath(f), int(ln), fn)
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
    # Lines of DOM0_ONLY_FUNCS, by file: all of them, and those hit.
    apart = collections.defaultdict(set)
    apart_hit = collections.defaultdict(set)
    func = {}
    for a, (f, ln, fn) in where.items():
        rel = os.path.relpath(f, top) if f.startswith('/') else f
        if not rel.endswith('.c'):
            continue
        func[(rel, ln)] = fn
        dom0 = fn in DOM0_ONLY_FUNCS.get(rel, {})
        (apart if dom0 else total)[rel].add(ln)
        if a in hit:
            (apart_hit if dom0 else covered)[rel].add(ln)
    if missed:
        for ln in sorted((total.get(missed, set()) - covered[missed]) |
                         (apart.get(missed, set()) - apart_hit[missed])):
            fn = func[(missed, ln)]
            print('%s:%d %s%s' % (missed, ln, fn,
                                  ' (dom0 only)'
                                  if fn in DOM0_ONLY_FUNCS.get(missed, {})
                                  else ''))
        return 0
    print('coverage: %d of %d sites hit' % (len(hit & set(where)),
                                            len(where)))
    sums = {False: [0, 0], True: [0, 0]}
    for f in sorted(set(total) | set(apart),
                    key=lambda f: (f in DOM0_ONLY, f)):
        t, c = len(total[f]), len(covered[f])
        sums[f in DOM0_ONLY][0] += c
        sums[f in DOM0_ONLY][1] += t
        sums[True][0] += len(apart_hit[f])
        sums[True][1] += len(apart[f])
        print('coverage: %-32s %4d/%4d lines %5.1f%%%s%s'
              % (f, c, t, 100.0 * c / t if t else 100.0,
                 '  (dom0 only: %s)' % DOM0_ONLY[f] if f in DOM0_ONLY
                 else '',
                 '  (and %d/%d lines dom0 only: %s)'
                 % (len(apart_hit[f]), len(apart[f]),
                    ', '.join(sorted(DOM0_ONLY_FUNCS[f]))) if apart[f]
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
