#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Debian's Linux as dom0 with IDE and virtio disks, e1000 and virtio NICs.
"""The devices suite (docs/misc/testing.md): Debian's unmodified kernel as
dom0 on -smp 2, on our hypervisor and then on Debian's Xen 4.17 in the same
QEMU configuration.  dom0's root file system is tools/scripts/mkrootfs's,
with devtest.sh run by its /init: on each disk an ext4 file system is made,
written, unmounted, checked and read back; each NIC gets a DHCP lease from
QEMU's user network and pings its gateway; dom0's log must hold no failed
interrupt mapping, PCI add, swiotlb error, WARN or BUG.  One line per check:
`PASS: ours: devices/ide-disk`."""

import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, '..', '..', '..'))
sys.path.insert(0, os.path.join(HERE, '..', 'lib'))

import qemu  # noqa: E402
import xen417  # noqa: E402

MKROOTFS = os.path.join(TOP, 'tools', 'scripts', 'mkrootfs')
CHECKS = ['ide-disk', 'virtio-disk', 'e1000-nic', 'virtio-nic', 'dom0-log']
DISK_MB = 64
APPEND = {
    'ours': 'console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all '
            'dom0_mem=512M smap=0 noreboot',
    'xen417': 'console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all '
              'dom0_mem=512M smap=0 noreboot',
}
# What the hypervisor must never print while dom0 uses its devices.
FORBID = qemu.DEFAULT_FORBID
# Each step's time limit, in seconds: the boot, then the whole test run.
BOOT_TIMEOUT = 150
RUN_TIMEOUT = 120


def say(line):
    print(line, flush=True)


def debian_kernel():
    for k in sorted(os.listdir('/boot'), reverse=True):
        if re.match(r'^vmlinuz-.*-amd64$', k):
            return os.path.join('/boot', k)
    return None


ADDS = [(os.path.join(HERE, 'devtest.sh'), '/etc/hv-rootfs/init.d/50-devtest'),
        (os.path.join(HERE, 'udhcpc.script'), '/etc/hv-devtest/udhcpc.script')]


def rootfs(results, kernel, adds=ADDS, out=None):
    """dom0's initramfs: mkrootfs's tree plus adds (devtest.sh and its
    udhcpc hook; tools/bench/devices.py has its own) in out; (path, None)
    or (None, why), why starting 'SKIP ' when packages cannot be had."""
    out = out or os.path.join(results, 'rootfs')
    kver = os.path.basename(kernel)[len('vmlinuz-'):]
    cmd = [MKROOTFS, '-o', out, '--kver', kver]
    for src, dest in adds:
        cmd += ['--add', '%s:%s' % (src, dest)]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL)
    if p.returncode:
        last = p.stdout.decode('utf-8', 'replace').strip().splitlines()
        return None, '%sno dom0 rootfs: %s' % (
            'SKIP ' if p.returncode == 2 else '', ' / '.join(last[-2:]))
    return os.path.join(out, 'rootfs.cpio.gz'), None


def blank_disks(results, hv):
    """Two blank raw images, new for each boot."""
    paths = []
    for n in ('ide', 'virtio'):
        path = os.path.join(results, '%s-%s.img' % (hv, n))
        with open(path, 'wb') as f:
            f.truncate(DISK_MB << 20)
        paths.append(path)
    return paths


def qemu_args(ide, vblk):
    return ['-drive', 'file=%s,format=raw,if=ide,index=0' % ide,
            '-drive', 'file=%s,format=raw,if=none,id=vd0' % vblk,
            '-device', 'virtio-blk-pci,drive=vd0',
            '-netdev', 'user,id=n0', '-device', 'e1000,netdev=n0',
            '-netdev', 'user,id=n1', '-device', 'virtio-net-pci,netdev=n1']


def run_one(hv, xen, kernel, initrd, results):
    """Boots hv with dom0 and the devices; prints a line per check."""
    ide, vblk = blank_disks(results, hv)
    seen = {}
    t_start = None
    t0 = time.monotonic()
    try:
        with qemu.Machine('devices-' + hv, results, kernel=xen,
                          modules=[(kernel, 'console=hvc0'), (initrd, '')],
                          append=APPEND[hv], smp=2, mem='1G', cpu='max',
                          extra_args=qemu_args(ide, vblk),
                          forbid=FORBID) as m:
            _, t_start = m.expect(r'^hv-devtest: start$', BOOT_TIMEOUT)
            while True:
                mt, _ = m.expect(r'^hv-devtest: (PASS|FAIL) (\S+) (.*)$|'
                                 r'^hv-devtest: done$', RUN_TIMEOUT)
                if not mt.group(1):
                    break
                seen[mt.group(2)] = (mt.group(1), mt.group(3))
            m.settle(0.5)
    except qemu.BootFailure as e:
        for name in CHECKS:
            if name not in seen:
                seen[name] = ('FAIL', 'no verdict: %s' % e.why)
        say('# %s: last lines: %s' % (hv, ' | '.join(e.tail(6))))
    for name in CHECKS:
        verdict, detail = seen.get(name, ('FAIL', 'no verdict'))
        say('%s: %s: devices/%s: %s' % (verdict, hv, name, detail))
    say('# %s: dom0 tests started at %s, whole run %.1f s' % (
        hv, '%.1f s' % t_start if t_start else 'never',
        time.monotonic() - t0))


def main():
    results = os.path.abspath(os.environ.get('RESULTS',
                                             os.path.join(HERE, 'results')))
    os.makedirs(results, exist_ok=True)
    kernel = debian_kernel()
    if not kernel:
        say('SKIP: devices: no Debian kernel in /boot '
            '(apt-get install linux-image-amd64)')
        return 0
    if not qemu.which(qemu.QEMU):
        say('SKIP: devices: %s missing' % qemu.QEMU)
        return 0
    initrd, why = rootfs(results, kernel)
    if not initrd:
        say('%s: devices: %s' % ('SKIP' if why.startswith('SKIP ') else
                                 'FAIL', why[5:] if why.startswith('SKIP ')
                                 else why))
        return 0
    want = os.environ.get('DEVICES_HV', 'ours,xen417').split(',')
    if 'ours' in want:
        p = subprocess.run(['make', '-s', '-C', os.path.join(TOP, 'xen')],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL)
        if p.returncode:
            say('FAIL: ours: devices: make -C xen failed')
        else:
            run_one('ours', os.path.join(TOP, 'xen', 'xen'), kernel, initrd,
                    results)
    if 'xen417' in want:
        try:
            xen_elf, _ = xen417.prepare(results)
        except xen417.Unavailable as e:
            say('SKIP: xen417: devices: %s' % e)
            return 0
        run_one('xen417', xen_elf, kernel, initrd, results)
    return 0


if __name__ == '__main__':
    sys.exit(main())
