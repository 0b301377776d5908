# SPDX-License-Identifier: GPL-2.0-only
# Boots mini-os's scheduler scenarios as dom0 and collects what it measured.
"""mini-os dom0 with "sched-scenarios ms=<window>" builds its workload
domains from its boot module (mini-os again), runs each scenario and
prints SCHED: lines (see extras/mini-os/tests/sched_scenarios.c).  run()
returns them parsed, for the test (loose bounds) and the benchmark."""

import os
import re

import qemu

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, '..', '..', '..'))
MINIOS = os.path.join(TOP, 'extras', 'mini-os', 'mini-os')

PREFIX = r'^(?:\(XEN\) )?(?:\(d0\) )?SCHED: '
SHARE = re.compile(PREFIX + r'(\w+) d(\d+) weight=(\d+) cap=(\d+) '
                   r'share=([\d.]+) ideal=([\d.]+)$')
IDLE = re.compile(PREFIX + r'(\w+) idle=([\d.]+)$')
LATENCY = re.compile(PREFIX + r'(\w+) latency p50=(\d+) p99=(\d+) '
                     r'max=(\d+) n=(\d+)$')
ERROR = re.compile(PREFIX + r'(\w+) fairness_error=([\d.]+)$')
STRESS = re.compile(PREFIX + r'stress ops=(\d+) rebuilt=(\d+)$')
# Which scenarios run on how many CPUs: weights and the waker's latency
# on one CPU (see sched_scenarios.c), sharing out four CPUs on four.
BOOTS = ((1, ('weights', 'cap', 'latency')), (4, ('smp',)))


class Failed(Exception):
    pass


def run_all(name, kernel, append, results, window_ms):
    """run() for every boot in BOOTS: one dict for all scenarios."""
    out = {}
    for smp, scenarios in BOOTS:
        out.update(run(name, kernel, append, results, window_ms, smp,
                       scenarios))
    return out


def run(name, kernel, append, results, window_ms, smp, scenarios):
    """Returns {scenario: {'shares': [(dom, weight, cap, share, ideal)],
    'idle': pct, 'latency': (p50_us, p99_us, max_us, n), 'error': pp}}.
    Raises Failed with the reason."""
    per = 1.5 * window_ms / 1000 + 3
    timeout = 30 + per * len(scenarios)
    out = {s: {'shares': []} for s in scenarios}
    cmdline = 'sched-scenarios=%s ms=%d' % ('+'.join(scenarios), window_ms)
    with qemu.Machine('sched-%s-smp%d' % (name, smp), results,
                      kernel=kernel, modules=[(MINIOS, cmdline), (MINIOS, '')],
                      append=append, smp=smp, mem='512M') as m:
        try:
            m.expect(PREFIX + 'done$', timeout=timeout, label='scenarios')
        except qemu.BootFailure as e:
            raise Failed('%s (log: %s)' % (e.why, os.path.relpath(m.log_path)))
        log = m.log_path
        for mt in m.search(PREFIX + '.*'):
            line = mt.string
            if (r := SHARE.match(line)):
                out[r.group(1)]['shares'].append(
                    (int(r.group(2)), int(r.group(3)), int(r.group(4)),
                     float(r.group(5)), float(r.group(6))))
            elif (r := IDLE.match(line)):
                out[r.group(1)]['idle'] = float(r.group(2))
            elif (r := LATENCY.match(line)):
                out[r.group(1)]['latency'] = tuple(int(x) for x in r.groups()[1:])
            elif (r := ERROR.match(line)):
                out[r.group(1)]['error'] = float(r.group(2))
            elif (r := STRESS.match(line)):
                out['stress'] = {'ops': int(r.group(1)),
                                 'rebuilt': int(r.group(2))}
            elif re.search('refused|no samples|not reported|stress:', line):
                raise Failed('%s (log: %s)' % (line.strip(),
                                               os.path.relpath(log)))
    for s in scenarios:
        if 'error' not in out[s] and 'ops' not in out[s]:
            raise Failed('scenario %s reported nothing (log: %s)'
                         % (s, os.path.relpath(log)))
    return out
