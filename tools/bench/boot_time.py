# Benchmark: wall time from QEMU start until every CPU is up, ours beside Xen 4.17.
"""Both hypervisors boot the same way on the same QEMU in the same run:
-kernel (multiboot1), TCG, -cpu max -smp 4 -m 2048 (the settings the
xen417-under-qemu notes measured with), console on COM1 at 115200.  Xen
4.17 gets the do-nothing dom0 (it panics before its CPUs are up without
one); neither has reached dom0 by the marker, so that costs it nothing.
Runs alternate ours / Xen so drift in machine load hits both alike; the
figure is the median."""

import os
import statistics

import qemu
import xen417

TITLE = 'boot time'
SMP = 4
MEM = '2048'
CPU = 'max'
MARKER = r'^\(XEN\) Brought up %d CPUs' % SMP
OURS_APPEND = 'console=com1 com1=115200,8n1 loglvl=all noreboot'


def one_boot(name, results, kernel, modules, append):
    m = qemu.Machine(name, results, kernel=kernel, modules=modules,
                     append=append, smp=SMP, mem=MEM, cpu=CPU)
    with m:
        return m.expect(MARKER, 120)[1]


def run(ctx):
    """ctx: dict with results (dir), runs (int), ours (xen/xen path or
    None), log (function printing a progress line).  Returns rows."""
    results, runs, log = ctx['results'], ctx['runs'], ctx['log']
    try:
        xen_elf, dom0 = xen417.prepare(results)
    except xen417.Unavailable as e:
        log('boot_time: no Xen 4.17: %s' % e)
        xen_elf = None
    ours, xen = [], []
    for i in range(runs):
        for who, kernel, mods, append, times in (
                ('ours', ctx['ours'], [], OURS_APPEND, ours),
                ('xen417', xen_elf, [dom0] if xen_elf else [],
                 xen417.APPEND, xen)):
            if not kernel:
                continue
            name = 'boot-time-%s-%d' % (who, i + 1)
            try:
                t = one_boot(name, results, kernel, mods, append)
                times.append(t)
                log('%s run %d: %.2f s' % (who, i + 1, t))
            except qemu.BootFailure as e:
                log('%s run %d failed: %s (log %s)' % (
                    who, i + 1, e.why, os.path.join(results, name + '.log')))
    med = lambda v: statistics.median(v) if v else None
    note = ('QEMU start -> "Brought up %d CPUs", -kernel, TCG -cpu %s '
            '-smp %d -m %s, median of %d/%d' % (SMP, CPU, SMP, MEM,
                                                len(ours), len(xen)))
    return [('boot to all CPUs up', med(ours), med(xen), 's', note)]
