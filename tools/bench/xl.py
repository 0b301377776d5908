# SPDX-License-Identifier: GPL-2.0-only
# Benchmark: Debian's xl with a Linux PV domU: create, blkfront, netfront, destroy.
"""Debian's kernel as dom0 (-smp 2, dom0_mem=512M, the devices suite's
hypervisor command line) with mkrootfs's tree and Debian's xl, on each
hypervisor, alternating, medians of the runs.  dom0 (xldom0.sh) makes an
80 MiB loop device over a file in its tmpfs and the bridge xenbr0, then
`xl create`s a PV domU: dom0's own kernel, 128 MiB, one vCPU, mkrootfs's
guest initramfs with xlguest.sh added, the loop device as xvda (blkback)
and a vif on xenbr0 (netback).  Figures:
- xl create: seconds until `xl create -q` returns, and until the guest's
  /init prints its first line (its userspace), both from dom0's clock;
- blkfront write and read: dd of 64 MiB, 1 MiB blocks, O_DIRECT, on the
  raw xvda in the guest, MB/s by the guest's clock;
- netfront TCP: 32 MiB from the guest to a busybox nc in dom0 over
  xenbr0 and from dom0 to the guest, each timed by the sender from its
  start until the receiver, having read everything to the sender's close,
  sends back the count of bytes it got (a second short connection): what
  arrived, not what the sender's nc handed to its socket buffer (busybox
  nc half-closes at its input's end, and a refused connection ended the
  old timing at once); a short count gives tcp-tx-short/tcp-rx-short and
  no figure;
- the guest's average RTT of 300 back-to-back pings (-A) to dom0 over the
  bridge: an event-channel notification each way per round trip;
- xl destroy of the running guest, seconds."""

import os
import subprocess
import sys

from _alternate import alternate, dom0_figures, median

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, os.path.join(HERE, '..', 'tests', 'devices'))

import run as devices  # noqa: E402  (tools/tests/devices/run.py)

TITLE = 'xl and a Linux PV domU'
MKROOTFS = os.path.join(TOP, 'tools', 'scripts', 'mkrootfs')
GUEST_CFG = """name = "bench"
kernel = "/guests/vmlinuz"
ramdisk = "/guests/guest.cpio.gz"
extra = "console=hvc0"
memory = 128
disk = ['phy:/dev/loop0,xvda,w']
vif = ['bridge=xenbr0']
"""
# (key, dom0's line, row name, unit) in the order they come.
FIGURES = [
    ('create', r'^hv-bench: xl-create ([\d.]+)', 'xl create returns', 's'),
    ('userspace', r'^hv-bench: userspace ([\d.]+)',
     'xl create to guest userspace', 's'),
    ('rx', r'^hv-bench: tcp-rx ([\d.]+)', 'netback -> netfront TCP', 'MB/s'),
    ('write', r'^hv-guest: blk-write ([\d.]+)', 'blkfront write (O_DIRECT)',
     'MB/s'),
    ('read', r'^hv-guest: blk-read ([\d.]+)', 'blkfront read (O_DIRECT)',
     'MB/s'),
    ('tx', r'^hv-guest: tcp-tx ([\d.]+)', 'netfront -> netback TCP', 'MB/s'),
    ('rtt', r'^hv-guest: ping-rtt ([\d.]+)', 'domU <-> dom0 ping RTT', 'us'),
    ('destroy', r'^hv-bench: xl-destroy ([\d.]+)', 'xl destroy (running)',
     's'),
]


def rootfs(results, linux):
    """dom0's initramfs with the guest's; (path, None) or (None, why)."""
    out = os.path.join(results, 'xlbench-rootfs')
    os.makedirs(out, exist_ok=True)
    cfg = os.path.join(out, 'bench.cfg')
    with open(cfg, 'w') as f:
        f.write(GUEST_CFG)
    kver = os.path.basename(linux)[len('vmlinuz-'):]
    cmd = [MKROOTFS, '-o', out, '--kver', kver, '--guest',
           '--guest-add', os.path.join(HERE, 'xlguest.sh') +
           ':/etc/hv-rootfs/guest.d/50-bench',
           '--add', os.path.join(HERE, 'xldom0.sh') +
           ':/etc/hv-rootfs/init.d/50-xlbench',
           '--add', os.path.join(HERE, 'benchphase.sh') +
           ':/etc/hv-rootfs/benchphase.sh',
           '--add', cfg + ':/etc/xen/bench.cfg',
           '--add', linux + ':/guests/vmlinuz']
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL)
    if p.returncode:
        last = p.stdout.decode('utf-8', 'replace').strip().splitlines()
        return None, 'no dom0 rootfs: ' + ' / '.join(last[-2:])
    return os.path.join(out, 'rootfs.cpio.gz'), None


def run(ctx):
    results, log = ctx['results'], ctx['log']
    linux = devices.debian_kernel()
    if not linux:
        return [('xl', None, None, '-', 'no Debian kernel in /boot')]
    initrd, why = rootfs(results, linux)
    if not initrd:
        log('xl: %s' % why)
        return [('xl', None, None, '-', why)]
    got = alternate(
        ctx, 'xlbench', lambda name, kernel, who: dom0_figures(
            name, results, kernel, [(linux, 'console=hvc0'), (initrd, '')],
            devices.APPEND[who], FIGURES, devices.FORBID),
        lambda fig: ', '.join('%s %.2f' % (k, fig[k]) for k, *_ in FIGURES))

    def med(who, k):
        return median(got, who, k)
    n = '%d/%d runs' % (len(got['ours']), len(got['xen417']))
    notes = {
        'create': 'dom0 clock, Linux PV domU 128 MiB with xvda and a vif, '
                  + n,
        'write': 'dd 64 MiB, 1 MiB blocks, raw xvda over a loop device in '
                 'dom0 tmpfs',
        'tx': '32 MiB, busybox nc over xenbr0, until the receiver acks',
        'rtt': 'avg of 300 ping -A, one event each way',
        'destroy': 'of the running guest',
    }
    return [('xl: ' + row, med('ours', k), med('xen417', k), unit,
             notes.get(k, '')) for k, _, row, unit in FIGURES]
