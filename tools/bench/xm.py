# SPDX-License-Identifier: GPL-2.0-only
# Benchmark: `xm create` on ours (our xend) against `xl create` on Xen 4.17.
"""Debian's kernel as dom0 (-smp 2, the devices suite's hypervisor
command line), each hypervisor with its own toolstack: on ours our dom0
stack with xend (tools/tests/boot's linux-dom0-xm tree), on Xen 4.17
Debian's xl and daemons.  Each creates the same PV domU (dom0's kernel,
128 MiB, one vCPU, mkrootfs's guest initramfs, no devices) and destroys
it; alternating, medians of the runs.  Figures from dom0's clock: until
the create command returns, until the guest's /init prints its first line
(its userspace), list, pause and unpause of the running guest, and its
destroy; then the same two figures for a second domain of the same kernel
(ours takes it from xend's kernel cache)."""

import os
import sys

from _alternate import alternate, dom0_figures, median

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'tests', 'devices'))
# After the devices suite's: the boot suite has a run.py of its own.
sys.path.append(os.path.join(HERE, '..', 'tests', 'boot'))

import run as devices  # noqa: E402  (tools/tests/devices/run.py)

TITLE = 'xm create (ours) against xl create (Xen 4.17)'
GUEST_CFG = """name = "bench"
kernel = "/guests/vmlinuz"
ramdisk = "/guests/guest.cpio.gz"
extra = "console=hvc0"
memory = 128
vcpus = 1
"""
# (key, dom0's line, row name, unit) in the order they come.
FIGURES = [
    ('create', r'^hv-bench: create ([\d.]+)', 'create returns', 's'),
    ('userspace', r'^hv-bench: userspace ([\d.]+)',
     'create to guest userspace', 's'),
    ('list', r'^hv-bench: list ([\d.]+)', 'list (guest running)', 's'),
    ('pause', r'^hv-bench: pause ([\d.]+)', 'pause', 's'),
    ('unpause', r'^hv-bench: unpause ([\d.]+)', 'unpause', 's'),
    ('destroy', r'^hv-bench: destroy ([\d.]+)', 'destroy (running)', 's'),
    ('create2', r'^hv-bench: create again ([\d.]+)',
     'create again (same kernel)', 's'),
    ('userspace2', r'^hv-bench: userspace again ([\d.]+)',
     'create again to guest userspace', 's'),
]


def rootfs(results, who):
    """dom0's modules (kernel, initramfs) for who ('ours': our stack and
    xend, as the linux-dom0-xm case has them; 'xen417': Debian's xl), built
    by the boot suite's dom0_rootfs; (modules, None) or (None, why)."""
    import cases  # tools/tests/boot
    adds = [(os.path.join(HERE, 'xmdom0.sh'),
             '/etc/hv-rootfs/init.d/50-xmbench'),
            (os.path.join(HERE, 'benchphase.sh'),
             '/etc/hv-rootfs/benchphase.sh'),
            (devices.debian_kernel(), '/guests/vmlinuz')]
    texts = [('/etc/xen/bench.cfg', GUEST_CFG)]
    options = ['--guest']
    if who == 'ours':
        why = cases.build_xend_tools()
        if why:
            return None, why
        more_adds, more_texts = cases.xend_files()
        adds += more_adds
        texts += more_texts
        options.append('--python')
    return cases.dom0_rootfs('xmbench-' + who, adds, texts, options)(results)


def run(ctx):
    results, log = ctx['results'], ctx['log']
    linux = devices.debian_kernel()
    if not linux:
        return [('xm', None, None, '-', 'no Debian kernel in /boot')]
    modules = {}
    for who in ('ours', 'xen417'):
        modules[who], why = rootfs(results, who)
        if not modules[who]:
            log('xm: %s: %s' % (who, why))
            return [('xm', None, None, '-', why)]
    got = alternate(
        ctx, 'xmbench', lambda name, kernel, who: dom0_figures(
            name, results, kernel, modules[who], devices.APPEND[who],
            FIGURES, devices.FORBID),
        lambda fig: ', '.join('%s %.2f' % (k, fig[k]) for k, *_ in FIGURES))
    n = '%d/%d runs' % (len(got['ours']), len(got['xen417']))
    notes = {
        'create': 'ours: xm (xend); Xen 4.17: xl; Linux PV domU 128 MiB, '
                  'no devices, dom0 clock, ' + n,
    }
    return [('xm/xl: ' + row, median(got, 'ours', k),
             median(got, 'xen417', k), unit, notes.get(k, ''))
            for k, _, row, unit in FIGURES]
