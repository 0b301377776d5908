# SPDX-License-Identifier: GPL-2.0-only
# Benchmark: Linux dom0 with devices: boot, virtio-blk and TCP MB/s.
"""Debian's kernel as dom0 (-smp 2, dom0_mem=512M) with the devices
suite's machine (tools/tests/devices: IDE and virtio disks, e1000 and
virtio NICs) on each hypervisor, alternating, medians of the runs:
- seconds from QEMU's start until dom0's /init runs its init.d scripts
  (modules loaded, Xen's daemons started) with all four devices;
- sequential write (dd of 64 MiB, 1 MiB blocks, fsync) and read (caches
  dropped first) of the raw virtio-blk disk in dom0, MB/s, with QEMU's
  cache=unsafe (the guest's flush does not wait for the host's disk);
- interrupt round trip in dom0: the average RTT of 500 back-to-back pings
  (busybox ping -A) from dom0 to QEMU's user-network gateway over
  virtio-net, microseconds.  Each is a virtio kick out and a receive
  interrupt back (MSI-X or GSI, through the hypervisor to dom0's event
  upcall and EOI), plus ping's own system calls, which a PV dom0's user
  space makes through the hypervisor too, and the wake-up of dom0's idle
  vCPU; QEMU's share is the same on both sides;
- TCP from the host to dom0: the host sends 16 MiB to 127.0.0.1, which
  QEMU's hostfwd hands to a busybox nc listening in dom0 on virtio-net,
  timed until dom0's end closes, MB/s.
Around the write and the TCP transfer dom0's log has `hv-diag:` lines
(not figures): what changed in /proc/interrupts and /proc/softirqs, per
CPU (so which vCPU each virtio queue's interrupt went to), and dom0's CPU
time split; a debug build of ours also prints its event counters
(xen/perfc.h) for each of the two on its console."""

import os
import socket
import sys
import time

import qemu
from _alternate import alternate, median

HERE = os.path.dirname(os.path.abspath(__file__))
DEVICES = os.path.join(HERE, '..', 'tests', 'devices')
sys.path.insert(0, DEVICES)

import run as devices  # noqa: E402  (tools/tests/devices/run.py)

TITLE = 'dom0 devices'
TCP_MB = 16
PINGS = 500     # as devbench.sh sends


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def send_tcp(port):
    """Seconds to send TCP_MB MiB to 127.0.0.1:port until the far end
    closes."""
    chunk = b'\0' * (1 << 16)
    with socket.create_connection(('127.0.0.1', port), timeout=60) as s:
        t0 = time.monotonic()
        for _ in range(TCP_MB * 16):
            s.sendall(chunk)
        s.shutdown(socket.SHUT_WR)
        while s.recv(4096):
            pass
        return time.monotonic() - t0


def one_run(name, results, kernel, linux, initrd, append):
    ide, vblk = devices.blank_disks(results, name)
    port = free_port()
    args = devices.qemu_args(ide, vblk)
    # The virtio NIC's user network forwards the host's port to dom0.
    i = args.index('user,id=n1')
    args[i] = 'user,id=n1,hostfwd=tcp:127.0.0.1:%d-:5001' % port
    # The host's own disk is not measured: QEMU ignores the guest's
    # flushes, which otherwise wait for the host's fdatasync (seconds
    # apart with other jobs writing, the same for both hypervisors).
    i = args.index('file=%s,format=raw,if=none,id=vd0' % vblk)
    args[i] += ',cache=unsafe'
    with qemu.Machine(name, results, kernel=kernel,
                      modules=[(linux, 'console=hvc0'), (initrd, '')],
                      append=append, smp=2, mem='1G', cpu='max',
                      extra_args=args) as m:
        _, boot = m.expect(r'^hv-bench: start$', 150)
        w = float(m.expect(r'^hv-bench: blk-write ([\d.]+)$', 120)[0]
                  .group(1))
        r = float(m.expect(r'^hv-bench: blk-read ([\d.]+)$', 120)[0]
                  .group(1))
        mt = m.expect(r'^hv-bench: ping-rtt (\S+) ms, (\d+) rx irqs', 120)[0]
        if mt.group(1) == 'none':
            raise qemu.BootFailure('no ping reply from the gateway', m)
        rtt = float(mt.group(1)) * 1000.0
        irqs = int(mt.group(2)) / PINGS
        m.expect(r'^hv-bench: listening$', 60)
        tcp = TCP_MB / send_tcp(port)
        m.expect(r'^hv-bench: done$', 30)
    return boot, w, r, tcp, rtt, irqs


def fmt_opt(v):
    return '-' if v is None else '%.2f' % v


def run(ctx):
    results, log = ctx['results'], ctx['log']
    linux = devices.debian_kernel()
    if not linux:
        log('devices: no Debian kernel in /boot')
        return [('dom0 devices', None, None, '-', 'no Debian kernel')]
    initrd = os.path.join(results, 'devbench-rootfs')
    cmd_adds = [(os.path.join(HERE, 'devbench.sh'),
                 '/etc/hv-rootfs/init.d/50-devbench'),
                (os.path.join(DEVICES, 'udhcpc.script'),
                 '/etc/hv-devtest/udhcpc.script')]
    initrd, why = devices.rootfs(results, linux, cmd_adds, initrd)
    if not initrd:
        log('devices: %s' % why)
        return [('dom0 devices', None, None, '-', why)]

    def boot(name, kernel, who):
        return one_run(name, results, kernel, linux, initrd,
                       devices.APPEND[who])
    got = alternate(ctx, 'devbench', boot, lambda fig: (
        'boot %.1f s, write %.1f, read %.1f, tcp %.1f MB/s, ping rtt %.0f '
        'us, %.2f rx irqs/ping' % fig))

    def med(who, k):
        return median(got, who, k)
    n = '%d/%d runs' % (len(got['ours']), len(got['xen417']))
    return [
        ('dom0 boot to init.d, 4 devices', med('ours', 0),
         med('xen417', 0), 's', 'QEMU start -> dom0 /init runs init.d, ' + n),
        ('virtio-blk write in dom0', med('ours', 1), med('xen417', 1),
         'MB/s', 'dd 64 MiB, 1 MiB blocks, fsync, cache=unsafe, ' + n),
        ('virtio-blk read in dom0', med('ours', 2), med('xen417', 2),
         'MB/s', 'dd 64 MiB after drop_caches, ' + n),
        ('TCP host -> dom0 (user net)', med('ours', 3), med('xen417', 3),
         'MB/s', '%d MiB via hostfwd to busybox nc, %s' % (TCP_MB, n)),
        ('virtio-net IRQ round trip in dom0', med('ours', 4),
         med('xen417', 4), 'us',
         'avg RTT of %d ping -A to the user-net gateway (a kick out, an '
         'interrupt in); rx irqs/ping %s/%s, %s' % (
             PINGS, fmt_opt(med('ours', 5)), fmt_opt(med('xen417', 5)), n)),
    ]
