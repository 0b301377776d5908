# SPDX-License-Identifier: GPL-2.0-only
# Benchmark: xenstored operations per second, 1 and 16 clients.
"""Runs tools/xenstore's bench.sh: our daemon on a unix socket, then Xen
4.17's own C xenstored if it can serve without a hypervisor.  Here it
cannot (it needs /dev/xen/privcmd, and crashes without dom0 setup), so the
Xen column stays empty with bench.sh's reason as the note.

Then the same bench program inside a Linux dom0 (our hypervisor under
QEMU, mkrootfs's root file system), in one boot, alternately against
Debian's C xenstored, which /init started as dom0's xenstored, and ours
started beside it with -N (socket only, Xen left to Debian's), RUNS
times each, DOM0_SECONDS per figure; each figure is the median."""

import os
import re
import statistics
import subprocess
import sys

import qemu

TITLE = 'xenstore throughput'
LINE = re.compile(r'^(ours|xen-4\.17|dom0-ours|dom0-xen)\s+(\w+)\s+(\d+)'
                  r'\s+(\d+)\s*$')
BOOT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..',
                        'tests', 'boot')
DOM0_SECONDS = 2


def dom0_figures(ctx):
    """{(who, op, clients): ops/s} from one dom0 boot, or (None, why)."""
    if not ctx.get('ours'):
        return None, 'our hypervisor did not build'
    sys.path.insert(0, BOOT_DIR)
    import cases   # noqa: E402  (tools/tests/boot: the dom0 rootfs)
    if not cases.LINUX:
        return None, 'no Debian kernel in /boot'
    xs = os.path.join(ctx['top'], 'tools', 'xenstore')
    p = subprocess.run(['make', '-s', '-C', xs], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    if p.returncode:
        return None, 'tools/xenstore did not build'
    name = 'xenstore-dom0'
    adds = [(os.path.join(xs, 'build', f), '/opt/' + f)
            for f in ('xenstored', 'bench')]
    modules, why = cases.dom0_rootfs(name, adds)(ctx['results'])
    if why:
        return None, why
    # The two daemons alternate, ctx['runs'] times each, and each figure
    # is the median: the emulated machine's speed drifts within a boot.
    cmd = ('/opt/xenstored -N --no-persist -s /tmp/ours.sock & sleep 1; '
           'for i in $(seq %d); do '
           '/opt/bench -s /run/xenstored/socket -t %d -l dom0-xen; '
           '/opt/bench -s /tmp/ours.sock -t %d -l dom0-ours; done; '
           'echo bench-$((6*7))\r' % (max(ctx['runs'], 1), DOM0_SECONDS,
                                       DOM0_SECONDS))
    samples = {}
    try:
        with qemu.Machine(name, ctx['results'], kernel=ctx['ours'],
                          modules=modules, smp=2, mem='1G',
                          append='dom0_mem=512M smap=0 conswitch=a') as m:
            m.expect(r'^hv-rootfs: dom0 ready', 120, label='dom0 ready')
            m.settle(2)
            m.send(cmd)
            m.expect(r'^bench-42', 150 * max(ctx['runs'], 1),
                     label='bench done')
            for r in m.search(r'^(dom0-\w+)\s+(\w+)\s+(\d+)\s+(\d+)'):
                samples.setdefault((r.group(1), r.group(2),
                                    int(r.group(3))), []).append(
                                        float(r.group(4)))
    except qemu.BootFailure as e:
        return None, 'dom0 boot: %s' % e.why
    return {k: statistics.median(v) for k, v in samples.items()}, None


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
    dom0, why = dom0_figures(ctx)
    if dom0 is None:
        ctx['log']('xenstore in dom0: %s' % why)
        rows.append(('xenstore in dom0', None, None, 'ops/s', why))
    for (who, op, clients), ops in sorted((dom0 or {}).items()):
        if who != 'dom0-ours':
            continue
        rows.append(('xenstore %s in dom0, %d client%s' % (
            op, clients, 's' if clients > 1 else ''), ops,
            dom0.get(('dom0-xen', op, clients)), 'ops/s',
            'Linux dom0 on ours under QEMU; xen = Debian C xenstored; '
            'alternated, median of %d' % max(ctx['runs'], 1)))
    if not rows:
        ctx['log']('xenstore bench produced no figures; see '
                   'xenstore-bench.log')
    return rows
