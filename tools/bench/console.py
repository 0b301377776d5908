# SPDX-License-Identifier: GPL-2.0-only
# Benchmark: xenconsoled's console pump, bytes per second to a log file.
"""tools/console's cons-bench: the guest side fills an in-memory console
ring, the pump (cons.c, what xenconsoled runs for each guest) empties it
into a log file in the results directory and a pty buffer nobody reads,
with the rate limit off.  That is the daemon's own cost per byte; there is
no hypervisor in it, and no figure for Xen's xenconsoled, which cannot run
without one."""

import os
import re
import subprocess

TITLE = 'xenconsoled throughput'
LINE = re.compile(r'^console pump: ([0-9.]+) MB/s')


def run(ctx):
    d = os.path.join(ctx['top'], 'tools', 'console')
    p = subprocess.run(['make', '-s', '-C', d, 'build/cons-bench'],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL)
    note = 'host, in-memory ring, log file; Xen\'s needs a hypervisor'
    if p.returncode:
        return [('console pump', None, None, 'MB/s', 'did not build')]
    log = os.path.join(ctx['results'], 'cons-bench.log')
    best = None
    for _ in range(max(1, min(ctx['runs'], 5))):
        out = subprocess.run([os.path.join(d, 'build', 'cons-bench'), '1',
                              log], stdout=subprocess.PIPE,
                             stdin=subprocess.DEVNULL).stdout.decode()
        m = LINE.match(out)
        if m and (best is None or float(m.group(1)) > best):
            best = float(m.group(1))
    if os.path.exists(log):
        os.unlink(log)
    return [('console pump to a log', best, None, 'MB/s',
             note if best is not None else 'cons-bench printed nothing')]
