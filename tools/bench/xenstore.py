# SPDX-License-Identifier: GPL-2.0-only
# Benchmark: xenstored operations per second, 1 and 16 clients.
"""Runs tools/xenstore's bench.sh: our daemon on a unix socket, then Xen
4.17's own C xenstored if it can serve without a hypervisor.  Here it
cannot (it needs /dev/xen/privcmd, and crashes without dom0 setup), so the
Xen column stays empty with bench.sh's reason as the note."""

import os
import re
import subprocess

TITLE = 'xenstore throughput'
LINE = re.compile(r'^(ours|xen-4\.17)\s+(\w+)\s+(\d+)\s+(\d+)\s*$')


def run(ctx):
    xs = os.path.join(ctx['top'], 'tools', 'xenstore')
    p = subprocess.run(['make', '-s', '--no-print-directory', '-C', xs,
                        'bench'], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    out = p.stdout.decode('utf-8', 'replace')
    with open(os.path.join(ctx['results'], 'xenstore-bench.log'), 'w') as f:
        f.write(out)
    figures = {}
    why_no_xen = None
    for line in out.splitlines():
        m = LINE.match(line)
        if m:
            figures[(m.group(1), m.group(2), int(m.group(3)))] = \
                float(m.group(4))
        elif line.startswith(('cannot benchmark', 'not installed')):
            why_no_xen = 'Xen 4.17 xenstored: ' + line
    rows = []
    for (who, op, clients), ops in sorted(figures.items()):
        if who != 'ours':
            continue
        rows.append(('xenstore %s, %d client%s' % (op, clients,
                                                   's' if clients > 1 else ''),
                     ops, figures.get(('xen-4.17', op, clients)), 'ops/s',
                     None))
    if rows and why_no_xen:
        rows[0] = rows[0][:4] + (why_no_xen,)
    if not rows:
        ctx['log']('xenstore bench produced no figures; see '
                   'xenstore-bench.log')
    return rows
