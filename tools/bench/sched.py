# SPDX-License-Identifier: GPL-2.0-only
# Benchmark: the credit scheduler's fairness and latency beside Xen 4.17's.
"""mini-os dom0 builds CPU hogs and a 1 ms waker as domains and measures
them (extras/mini-os/tests/sched_scenarios.c), on our hypervisor and on
Xen 4.17 booted with sched=credit, under the same QEMU (TCG, -m 512M):
weights 256:512:1024 and a cap of 25 on a one-CPU machine, 1.5 hogs per
CPU on four CPUs, and the waker's wake-to-run latency beside two hogs.
Shares are of one CPU over a 10 s window, from the hypervisor's runstate
accounting; each figure is the median over up to three runs of each.  The decision cost is a host micro-benchmark of our
sched_credit.c (tools/tests/sched_credit), which has no Xen counterpart."""

import os
import re
import statistics
import subprocess

import schedrun
import xen417

TITLE = 'Credit scheduler: shares, latency, decision cost'
OURS_APPEND = ('console=com1 com1=115200,8n1 loglvl=all dom0_mem=64M '
               'noreboot sched=credit')
WINDOW_MS = 10000


def measure(who, kernel, append, results, log):
    try:
        return schedrun.run_all('bench-' + who, kernel, append, results,
                                WINDOW_MS)
    except schedrun.Failed as e:
        log('sched: %s: %s' % (who, e))
        return None


def decision_cost(top, log):
    """{'1': ns, '8': ns, '64': ns} from the host benchmark, or {}."""
    p = subprocess.run(['make', '-s', '--no-print-directory', '-C',
                        os.path.join(top, 'tools', 'tests', 'sched_credit'),
                        'bench'], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    out = {}
    for line in p.stdout.decode('utf-8', 'replace').splitlines():
        r = re.match(r'sched_credit_decision_(\d+)_per_cpu,([\d.]+),ns$',
                     line.strip())
        if r:
            out[r.group(1)] = float(r.group(2))
    if p.returncode or not out:
        log('sched: no decision-cost figures (make -C '
            'tools/tests/sched_credit bench failed)')
    return out


def median_run(runs):
    """One result shaped like schedrun's, each figure the median of runs."""
    med = lambda v: statistics.median(v) if v else None
    out = {}
    for name in {n for r in runs for n in r}:
        per = [r[name] for r in runs if name in r]
        first = per[0]
        shares = []
        for i, sh in enumerate(first.get('shares', [])):
            vals = [p['shares'][i][3] for p in per if len(p['shares']) > i]
            shares.append(sh[:3] + (med(vals), sh[4]))
        out[name] = {'shares': shares,
                     'error': med([p['error'] for p in per if 'error' in p])}
        if any('idle' in p for p in per):
            out[name]['idle'] = med([p['idle'] for p in per if 'idle' in p])
        if any('latency' in p for p in per):
            lat = [p['latency'] for p in per if 'latency' in p]
            out[name]['latency'] = tuple(med([x[k] for x in lat])
                                         for k in range(4))
    return out


def run(ctx):
    results, log = ctx['results'], ctx['log']
    runs = max(1, min(ctx['runs'], 3))
    subprocess.run(['make', '-s', '-C',
                    os.path.join(ctx['top'], 'extras', 'mini-os')],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   stdin=subprocess.DEVNULL)
    try:
        xen_elf, _ = xen417.prepare(results)
    except xen417.Unavailable as e:
        log('sched: no Xen 4.17: %s' % e)
        xen_elf = None
    got = {'ours': [], 'xen': []}
    for i in range(runs):
        for who, kernel, append in (
                ('ours', ctx['ours'], OURS_APPEND),
                ('xen', xen_elf, xen417.APPEND + ' sched=credit')):
            if not kernel:
                continue
            r = measure('%s-%d' % (who, i + 1), kernel, append, results,
                        log)
            if r:
                got[who].append(r)
                log('%s run %d: fairness error %s; wake p99 %s us' % (
                    who, i + 1, ', '.join(
                        '%s %.2f pp' % (n, r[n]['error'])
                        for n in ('weights', 'cap', 'smp') if n in r),
                    r.get('latency', {}).get('latency', ('?',) * 2)[1]))
    sides = tuple(median_run(got[w]) if got[w] else {}
                  for w in ('ours', 'xen'))
    counts = '%d/%d runs' % (len(got['ours']), len(got['xen']))
    rows = []
    for name, _ in ((s, 0) for _, ss in schedrun.BOOTS for s in ss):
        per = [side.get(name, {}) for side in sides]
        shares = [dict((i, sh) for i, sh in enumerate(p.get('shares', [])))
                  for p in per]
        for i in sorted(set(shares[0]) | set(shares[1])):
            sh = shares[0].get(i) or shares[1].get(i)
            rows.append(('sched %s #%d (weight %d, cap %d) share'
                         % (name, i + 1, sh[1], sh[2]),
                         shares[0][i][3] if i in shares[0] else None,
                         shares[1][i][3] if i in shares[1] else None,
                         '% CPU', 'ideal %.2f; median of %s' % (sh[4],
                                                                counts)))
        if name == 'smp':
            rows.append(('sched smp idle', per[0].get('idle'),
                         per[1].get('idle'), '% CPU',
                         'all CPUs\' idle time while the hogs run'))
        if name == 'latency':
            for k, label in ((0, 'p50'), (1, 'p99'), (2, 'max')):
                rows.append(('sched wake latency %s' % label,
                             per[0]['latency'][k] if 'latency' in per[0]
                             else None,
                             per[1]['latency'][k] if 'latency' in per[1]
                             else None, 'us',
                             'a 1 ms waker beside two hogs on one CPU; '
                             'time slice 30 ms' if k == 0 else ''))
        else:
            rows.append(('sched %s fairness error' % name,
                         per[0].get('error'), per[1].get('error'), 'pp',
                         'largest distance from the ideal share'))
            for who, p in zip(('ours', 'Xen 4.17'), per):
                if p.get('error') is not None:
                    log('%s on %s: fairness error %.2f pp'
                        % (name, who, p['error']))
    cost = decision_cost(ctx['top'], log)
    for n in ('1', '8', '64'):
        rows.append(('sched decision, %s runnable vCPUs per CPU' % n,
                     cost.get(n), None, 'ns',
                     'host micro-benchmark of our sched_credit.c; Xen has '
                     'no equivalent' if n == '1' else ''))
    return rows
