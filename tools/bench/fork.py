# SPDX-License-Identifier: GPL-2.0-only
# Benchmark: process creation and page faults in a Linux PV dom0.
"""Debian's kernel as dom0 (-smp 2, dom0_mem=512M, the devices suite's
hypervisor command line) with mkrootfs's tree, on each hypervisor,
alternating, medians of the runs.  In a PV guest every fork, exec and
exit is page-table work through the hypervisor (mmu_update, emulated
page-table writes, pins and unpins, new base pointers, TLB flushes), and
this is what Debian's hotplug scripts spend xl create's time on.  A
static helper (forkloop.c, built here) times, by dom0's clock, per
iteration:
- fork + exec of busybox's true + wait;
- fork + exec of `sh -c true` (busybox sh) + wait;
- Debian's bash running forkhotplug.sh: it sources the hotplug scripts'
  common files, takes and drops their lock, reads xenstore twice and
  runs ip, as vif-bridge and block do around their own work;
- fork of a process with 16 MiB touched, the child exiting at once;
- a first write to each page of 16 MiB of fresh anonymous memory (per
  page: one page fault each, and the L1 tables they fill)."""

import os
import subprocess
import sys

from _alternate import alternate, dom0_figures, median

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'tests', 'devices'))

import run as devices  # noqa: E402  (tools/tests/devices/run.py)

TITLE = 'Linux dom0 fork/exec and page faults'
# (key, dom0's line, row name, unit) in the order forkdom0.sh prints them.
FIGURES = [
    ('exec', r'^hv-bench: exec-true ([\d.]+)', 'fork+exec+wait (true)',
     'us'),
    ('sh', r'^hv-bench: sh-c-true ([\d.]+)', 'fork+exec+wait (sh -c true)',
     'us'),
    ('hotplug', r'^hv-bench: hotplug-like ([\d.]+)',
     'hotplug-like bash script', 'us'),
    ('fork', r'^hv-bench: fork-16m ([\d.]+)', 'fork+exit+wait (16 MiB)',
     'us'),
    ('fault', r'^hv-bench: fault ([\d.]+)', 'page fault (first write)',
     'us'),
]


def rootfs(results, linux):
    """dom0's initramfs with the loops; (path, None) or (None, why)."""
    out = os.path.join(results, 'forkbench-rootfs')
    os.makedirs(out, exist_ok=True)
    helper = os.path.join(out, 'forkloop')
    p = subprocess.run(['cc', '-static', '-O2', '-Wall', '-Werror', '-o',
                        helper, os.path.join(HERE, 'forkloop.c')],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL)
    if p.returncode:
        return None, 'forkloop.c: ' + p.stdout.decode('utf-8', 'replace')
    return devices.rootfs(results, linux, [
        (os.path.join(HERE, 'forkdom0.sh'),
         '/etc/hv-rootfs/init.d/50-forkbench'),
        (os.path.join(HERE, 'forkhotplug.sh'),
         '/etc/xen/scripts/hv-bench-hotplug'),
        (helper, '/usr/lib/hv-bench/forkloop')], out)


def run(ctx):
    results, log = ctx['results'], ctx['log']
    linux = devices.debian_kernel()
    if not linux:
        return [('fork', None, None, '-', 'no Debian kernel in /boot')]
    initrd, why = rootfs(results, linux)
    if not initrd:
        log('fork: %s' % why)
        return [('fork', None, None, '-', why)]
    # forkloop prints microseconds already: 'ms' keeps expect_figures()
    # from scaling them.
    figures = [(k, rx, row, 'ms') for k, rx, row, _ in FIGURES]
    got = alternate(
        ctx, 'forkbench', lambda name, kernel, who: dom0_figures(
            name, results, kernel, [(linux, 'console=hvc0'), (initrd, '')],
            devices.APPEND[who], figures, devices.FORBID),
        lambda fig: ', '.join('%s %.1f' % (k, fig[k]) for k, *_ in FIGURES))
    n = '%d/%d runs' % (len(got['ours']), len(got['xen417']))
    note = ('dom0 clock per iteration, TCG -smp 2, dom0_mem=512M, ' + n)
    return [('dom0: ' + row, median(got, 'ours', k),
             median(got, 'xen417', k), unit, note if k == 'exec' else '')
            for k, _, row, unit in FIGURES]
