# SPDX-License-Identifier: GPL-2.0-only
# Benchmark: mini-os PV micro-benchmarks and dom0 build, ours beside Xen 4.17.
"""mini-os boots as dom0 with 'bench' on its command line, prints one
'BENCH: <name> <value> ns' line per micro-benchmark (timed with its own
Xen system time, ~200 ms of guest time each) and powers off.  Same QEMU
settings as tools/tests/minios/run.py: TCG, -smp 2 -m 512M, dom0_mem=64M.
Runs alternate ours / Xen 4.17 / ours with the 32-bit PAE build of mini-os
(mini-os-x86_32, pv=32: the 'pv32' rows; Debian's Xen 4.17 has no PV32);
each figure is the median over the runs.

'dom0 build' is host wall time (as QEMU's serial lines arrive) from the
hypervisor's '*** Building a PV Dom0 ***' line (both print it) to mini-os's
first line 'hv-minios: ...'."""

import os
import re
import statistics
import subprocess

import qemu
import xen417

TITLE = 'PV guest micro-benchmarks'
OURS_APPEND = ('console=com1 com1=115200,8n1 loglvl=all dom0_mem=64M '
               'noreboot')
CONSOLE_PREFIX = r'^(?:\(XEN\) )?(?:\(d0\) )?'
BENCH = re.compile(CONSOLE_PREFIX + r'BENCH: (\S+) ([0-9.]+) (\S+)')
BENCH_FAIL = CONSOLE_PREFIX + r'BENCH-FAIL: .*'
DONE = CONSOLE_PREFIX + r'mini-os: benchmarks done'
BUILD_START = r'^\(XEN\) \*\*\* Building a PV Dom0 \*\*\*'
GUEST_START = CONSOLE_PREFIX + r'hv-minios: '
# The order rows come out in (any others the guest prints follow).
NAMES = ('null_hypercall', 'evtchn_send_self', 'mmu_update_batch32',
         'mmu_update_single', 'grant_copy_4k')
TIMEOUT = 90
PV32_NOTE = ('32-bit PAE mini-os (int $0x82), ours with pv=32; Xen 4.17 '
             '(Debian) is built without PV32 (CONFIG_PV32 off), so no '
             'figure there')


def one_run(name, results, kernel, append, guest):
    """Returns ({bench: ns}, dom0 build seconds, [BENCH-FAIL lines])."""
    with qemu.Machine(name, results, kernel=kernel,
                      modules=[(guest, 'bench')], append=append,
                      smp=2, mem='512M') as m:
        t_build = m.expect(BUILD_START, TIMEOUT, label='dom0 build')[1]
        t_guest = m.expect(GUEST_START, 30, label='guest banner')[1]
        m.expect(DONE, TIMEOUT, label='benchmarks done')
        figures = {}
        for r in m.search(BENCH.pattern):
            figures[r.group(1)] = float(r.group(2))
        fails = [r.group(0) for r in m.search(BENCH_FAIL)]
    return figures, t_guest - t_build, fails


def run(ctx):
    results, log = ctx['results'], ctx['log']
    runs = max(1, min(ctx['runs'], 5))
    guest = os.path.join(ctx['top'], 'extras', 'mini-os', 'mini-os')
    guest32 = guest + '-x86_32'
    for arch in ('x86_64', 'x86_32'):
        p = subprocess.run(['make', '-s', '-C', os.path.dirname(guest),
                            'ARCH=' + arch],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL)
        if p.returncode:
            log('pv: mini-os (%s) did not build' % arch)
            return [('pv (mini-os build failed)', None, None, '')]
    try:
        xen_elf, _ = xen417.prepare(results)
    except xen417.Unavailable as e:
        log('pv: no Xen 4.17: %s' % e)
        xen_elf = None
    sides = {'ours': {}, 'xen': {}, 'ours-32': {}}
    for i in range(runs):
        for who, kernel, append, g in (
                ('ours', ctx['ours'], OURS_APPEND, guest),
                ('xen', xen_elf, xen417.APPEND, guest),
                ('ours-32', ctx['ours'], OURS_APPEND + ' pv=32', guest32)):
            if not kernel:
                continue
            name = 'pv-%s-%d' % (who, i + 1)
            try:
                figs, build, fails = one_run(name, results, kernel, append,
                                             g)
            except qemu.BootFailure as e:
                log('%s run %d failed: %s (log %s)' % (
                    who, i + 1, e.why, os.path.join(results, name + '.log')))
                continue
            for f in fails:
                log('%s run %d: %s' % (who, i + 1, f))
            figs['dom0 build'] = build * 1000.0
            for k, v in figs.items():
                sides[who].setdefault(k, []).append(v)
            log('%s run %d: %s' % (who, i + 1, ', '.join(
                '%s %.0f' % kv for kv in sorted(figs.items()))))
    med = lambda v: statistics.median(v) if v else None
    names = list(NAMES) + sorted(
        (set(sides['ours']) | set(sides['xen'])) - set(NAMES) -
        {'dom0 build'})
    counts = '%d/%d runs' % (len(sides['ours'].get('dom0 build', [])),
                             len(sides['xen'].get('dom0 build', [])))
    rows = []
    for n in names:
        note = ('in-guest system time per op, ~200 ms each, median of %s'
                % counts) if n == NAMES[0] else ''
        rows.append(('pv ' + n, med(sides['ours'].get(n)),
                     med(sides['xen'].get(n)), 'ns', note))
    # The two the 32-bit path is judged by always get a row; a missing
    # figure there says why in the log (a BENCH-FAIL or a failed run).
    pv32 = ['null_hypercall', 'mmu_update_batch32']
    pv32 += [n for n in NAMES if n in sides['ours-32'] and n not in pv32]
    pv32 += sorted(set(sides['ours-32']) - set(NAMES) - {'dom0 build'})
    for n in pv32:
        rows.append(('pv32 ' + n, med(sides['ours-32'].get(n)), None, 'ns',
                     PV32_NOTE if n in sides['ours-32'] else
                     'not measured: see the pv-ours-32 logs'))
    rows.append(('pv dom0 build', med(sides['ours'].get('dom0 build')),
                 med(sides['xen'].get('dom0 build')), 'ms',
                 'host time from "*** Building a PV Dom0 ***" to mini-os\'s '
                 'first line "hv-minios:" (includes the rest of the '
                 'hypervisor\'s boot after the build and its log lines), '
                 'TCG -smp 2 -m 512M dom0_mem=64M, median of %s' % counts))
    return rows
