# SPDX-License-Identifier: GPL-2.0-only
# Benchmark: `xm create` on ours (our xend) against `xl create` on Xen 4.17.
"""Debian's kernel as dom0 (-smp 2, the devices suite's hypervisor
command line), each hypervisor with its own toolstack: on ours our dom0
stack with xend (tools/tests/boot's linux-dom0-xm tree), on Xen 4.17
Debian's xl and daemons.  Each creates the same PV domU (dom0's kernel,
128 MiB, one vCPU, mkrootfs's guest initramfs, no devices) and destroys
it; alternating, medians of the runs.  Figures from dom0's clock: until
the create command returns, until the guest's /init prints its first line
(its userspace), and the destroy of the running guest."""

import os
import subprocess
import sys

import qemu
from _alternate import alternate, median

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, os.path.join(HERE, '..', 'tests', 'devices'))
# After the devices suite's: the boot suite has a run.py of its own.
sys.path.append(os.path.join(HERE, '..', 'tests', 'boot'))

import run as devices  # noqa: E402  (tools/tests/devices/run.py)

TITLE = 'xm create (ours) against xl create (Xen 4.17)'
MKROOTFS = os.path.join(TOP, 'tools', 'scripts', 'mkrootfs')
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
    ('destroy', r'^hv-bench: destroy ([\d.]+)', 'destroy (running)', 's'),
]


def rootfs(results, linux, who):
    """dom0's initramfs for who ('ours': our stack and xend; 'xen417':
    Debian's xl); (path, None) or (None, why)."""
    out = os.path.join(results, 'xmbench-rootfs-' + who)
    os.makedirs(out, exist_ok=True)
    cfg = os.path.join(out, 'bench.cfg')
    with open(cfg, 'w') as f:
        f.write(GUEST_CFG)
    kver = os.path.basename(linux)[len('vmlinuz-'):]
    cmd = [MKROOTFS, '-o', out, '--kver', kver, '--guest',
           '--add', os.path.join(HERE, 'xmdom0.sh') +
           ':/etc/hv-rootfs/init.d/50-xmbench',
           '--add', cfg + ':/etc/xen/bench.cfg',
           '--add', linux + ':/guests/vmlinuz']
    if who == 'ours':
        import cases  # tools/tests/boot: the linux-dom0-xm tree
        why = cases.build_xend_tools()
        if why:
            return None, why
        adds, texts = cases.xend_files()
        cmd.append('--python')
        for i, (dest, text) in enumerate(texts):
            src = os.path.join(out, 'text%d' % i)
            with open(src, 'w') as f:
                f.write(text)
            cmd += ['--add', '%s:%s' % (src, dest)]
        for src, dest in adds:
            cmd += ['--add', '%s:%s' % (src, dest)]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL)
    if p.returncode:
        last = p.stdout.decode('utf-8', 'replace').strip().splitlines()
        return None, 'no dom0 rootfs: ' + ' / '.join(last[-2:])
    return os.path.join(out, 'rootfs.cpio.gz'), None


def one_run(name, results, kernel, linux, initrd, append):
    fig = {}
    with qemu.Machine(name, results, kernel=kernel,
                      modules=[(linux, 'console=hvc0'), (initrd, '')],
                      append=append, smp=2, mem='1G', cpu='max',
                      forbid=devices.FORBID + (
                          r'^hv-bench: \w+ failed',)) as m:
        m.expect(r'^hv-bench: start (xm|xl)$', 180)
        for key, rx, _, _ in FIGURES:
            fig[key] = float(m.expect(rx, 180 if key == 'userspace'
                                      else 120)[0].group(1))
        m.expect(r'^hv-bench: done$', 60)
    return fig


def run(ctx):
    results, log = ctx['results'], ctx['log']
    linux = devices.debian_kernel()
    if not linux:
        return [('xm', None, None, '-', 'no Debian kernel in /boot')]
    initrds = {}
    for who in ('ours', 'xen417'):
        initrds[who], why = rootfs(results, linux, who)
        if not initrds[who]:
            log('xm: %s: %s' % (who, why))
            return [('xm', None, None, '-', why)]
    got = alternate(
        ctx, 'xmbench', lambda name, kernel, who: one_run(
            name, results, kernel, linux, initrds[who], devices.APPEND[who]),
        lambda fig: ', '.join('%s %.2f' % (k, fig[k]) for k, *_ in FIGURES))
    n = '%d/%d runs' % (len(got['ours']), len(got['xen417']))
    notes = {
        'create': 'ours: xm (xend); Xen 4.17: xl; Linux PV domU 128 MiB, '
                  'no devices, dom0 clock, ' + n,
    }
    return [('xm/xl: ' + row, median(got, 'ours', k),
             median(got, 'xen417', k), unit, notes.get(k, ''))
            for k, _, row, unit in FIGURES]
