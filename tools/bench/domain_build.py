# SPDX-License-Identifier: GPL-2.0-only
# Benchmark: building a PV domU from Linux dom0, our libhvxc beside xl.
"""Debian's kernel as dom0 (-smp 2, dom0_mem=512M) with mkrootfs's root
file system (Debian's daemons and xl) plus our xen-create-pv and
libhvxc, once on each hypervisor.  Its init.d script
(domain_build.sh) builds and destroys the same mini-os (32 MiB, one
vCPU, role=spin) RUNS times each way: `xen-create-pv` (build, xenstore
entries, introduce, unpause) and `xl create -q` (the same, plus libxl's
own bookkeeping).  Each figure is the median wall time of the command in
dom0 (/proc/uptime, 10 ms steps).  The issue's target is our builder on
ours at most half of `xl create` on Xen 4.17: the last row."""

import os
import statistics
import subprocess
import sys

import qemu
import xen417

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.normpath(os.path.join(HERE, '..'))
sys.path.insert(0, os.path.join(TOOLS, 'tests', 'devices'))

import run as devices  # noqa: E402  (tools/tests/devices/run.py)

TITLE = 'PV domain build from dom0'
MINIOS = os.path.join(TOOLS, '..', 'extras', 'mini-os', 'mini-os')
CFG = """name = "benchxl"
kernel = "/guests/mini-os"
memory = 32
vcpus = 1
extra = "role=spin"
"""
LINE = r'^hv-bench: (create-pv|xl-create) (\d+)$|^hv-bench: (done|\S+ failed)$'


def prepare(results, runs):
    """(initrd, None) or (None, why): the tools built and added."""
    for d in (os.path.join(TOOLS, 'misc'),
              os.path.join(TOOLS, '..', 'extras', 'mini-os')):
        p = subprocess.run(['make', '-s', '-C', d], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        if p.returncode:
            return None, 'make -C %s failed' % os.path.relpath(d, TOOLS)
    out = os.path.join(results, 'domain-build-rootfs')
    os.makedirs(out, exist_ok=True)
    for name, text in (('minios.cfg', CFG), ('runs', '%d\n' % runs)):
        with open(os.path.join(out, name), 'w') as f:
            f.write(text)
    adds = [(os.path.join(HERE, 'domain_build.sh'),
             '/etc/hv-rootfs/init.d/50-domain-build'),
            (os.path.join(out, 'minios.cfg'), '/etc/hv-bench/minios.cfg'),
            (os.path.join(out, 'runs'), '/etc/hv-bench/runs'),
            (MINIOS, '/guests/mini-os'),
            (os.path.join(TOOLS, 'misc', 'build', 'xen-create-pv'),
             '/usr/sbin/xen-create-pv'),
            (os.path.join(TOOLS, 'libxc', 'build', 'libhvxc.so.1'),
             '/usr/lib/x86_64-linux-gnu/libhvxc.so.1')]
    return devices.rootfs(results, devices.debian_kernel(), adds, out)


def one_run(name, results, kernel, linux, initrd, append):
    """{'create-pv': [ms...], 'xl-create': [ms...]} from one boot."""
    got = {'create-pv': [], 'xl-create': []}
    with qemu.Machine(name, results, kernel=kernel,
                      modules=[(linux, 'console=hvc0'), (initrd, '')],
                      append=append, smp=2, mem='1G', cpu='max') as m:
        m.expect(r'^hv-bench: start$', 150)
        while True:
            mt, _ = m.expect(LINE, 120)
            if mt.group(3):
                if mt.group(3) != 'done':
                    raise qemu.BootFailure(mt.group(3))
                break
            got[mt.group(1)].append(int(mt.group(2)))
    return got


def run(ctx):
    results, log = ctx['results'], ctx['log']
    linux = devices.debian_kernel()
    if not linux:
        return [(TITLE, None, None, 'ms', 'no Debian kernel in /boot')]
    initrd, why = prepare(results, ctx['runs'])
    if not initrd:
        log('domain_build: %s' % why)
        return [(TITLE, None, None, 'ms', why)]
    try:
        xen_elf, _ = xen417.prepare(results)
    except xen417.Unavailable as e:
        log('domain_build: no Xen 4.17: %s' % e)
        xen_elf = None
    med = {}
    for who, kernel in (('ours', ctx['ours']), ('xen417', xen_elf)):
        if not kernel:
            continue
        name = 'domain-build-%s' % who
        try:
            got = one_run(name, results, kernel, linux, initrd,
                          devices.APPEND[who])
        except (qemu.BootFailure, OSError) as e:
            log('%s failed: %s (log %s)' % (who, getattr(e, 'why', e),
                                            os.path.join(results,
                                                         name + '.log')))
            continue
        for k, v in got.items():
            if v:
                med[who, k] = statistics.median(v)
        log('%s: xen-create-pv %s ms, xl create %s ms' % (
            who, got['create-pv'], got['xl-create']))
    note = 'mini-os 32 MiB, median of %d, wall time in dom0' % ctx['runs']
    return [
        ('PV build: xen-create-pv (libhvxc)', med.get(('ours', 'create-pv')),
         med.get(('xen417', 'create-pv')), 'ms', note),
        ('PV build: xl create', med.get(('ours', 'xl-create')),
         med.get(('xen417', 'xl-create')), 'ms', note),
        ('PV build: ours+libhvxc vs Xen 4.17+xl',
         med.get(('ours', 'create-pv')), med.get(('xen417', 'xl-create')),
         'ms', 'the issue\'s target: ours/xen <= 0.5'),
    ]
