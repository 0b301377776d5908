# SPDX-License-Identifier: GPL-2.0-only
# Benchmark: XenAPI calls per second against xend, 50 VMs, 1 and 20 clients.
"""VM.get_record and VM.get_all_records with 50 managed (defined, halted)
VMs, from 1 and 20 concurrent clients, each with its own session and
connection.  Two xends: the real one, in Debian's Linux as dom0 on our
hypervisor (the linux-dom0-xm case's dom0: our xenstored, libhvxc, TCP
9363 with a password), called from the host through QEMU's port
forwarding as the XenAPI boot tests are; and, beside it, xend on its fake
hypervisor in this process over loopback TCP (its clients are threads of
the same process, sharing its interpreter lock), which shows what xend
itself costs without the emulated CPU.  Xen 4.17 has no xend (removed in
Xen 4.5), so its column stays empty."""

import os
import shutil
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TITLE = 'XenAPI calls/s (xend in dom0, and on its fake backend)'
# Seconds of calls per figure: in dom0 one get_all_records takes a good
# part of a second under TCG, so its window is longer.
SECONDS = {'fake': 3.0, 'dom0': 8.0}
VMS = 50
NO_XEN = 'Xen 4.17 ships no xend (gone since Xen 4.5)'


def _clients(url, user, password, n, call, seconds):
    """Calls per second of call from n clients for seconds; every call
    started in the window counts, and the time runs until the last
    answer."""
    import XenAPI
    counts = [0] * n
    errors = []
    ready, go = threading.Barrier(n + 1), threading.Event()
    stop = [0.0]

    def client(i):
        try:
            s = XenAPI.Session(url)
            s.login_with_password(user, password)
            vm = s.xenapi.VM.get_by_name_label('vm0')[0]
        except Exception as e:  # noqa: BLE001  (reported, not counted)
            errors.append(e)
            ready.abort()
            return
        try:
            ready.wait()
        except threading.BrokenBarrierError:
            return
        go.wait()
        try:
            while time.monotonic() < stop[0]:
                if call == 'get_record':
                    s.xenapi.VM.get_record(vm)
                else:
                    s.xenapi.VM.get_all_records()
                counts[i] += 1
            s.logout()
        except Exception as e:  # noqa: BLE001
            errors.append(e)
    ts = [threading.Thread(target=client, args=(i,)) for i in range(n)]
    for t in ts:
        t.start()
    # The clock starts once every client is logged in.
    try:
        ready.wait()
    except threading.BrokenBarrierError:
        pass
    t0 = time.monotonic()
    stop[0] = t0 + seconds
    go.set()
    for t in ts:
        t.join()
    if errors:
        raise errors[0]
    return sum(counts) / (time.monotonic() - t0)


def _define(url, user, password):
    import XenAPI
    a = XenAPI.Session(url)
    a.login_with_password(user, password)
    for i in range(VMS):
        a.xenapi.VM.create({'name_label': 'vm%d' % i,
                            'memory_static_max': str(64 << 20),
                            'memory_dynamic_max': str(64 << 20),
                            'PV_kernel': '/boot/vmlinuz'})
    a.logout()


def _measure(ctx, where, url, user, password):
    rows = []
    for call in ('get_record', 'get_all_records'):
        for n in (1, 20):
            ctx['log']('xenapi (%s) VM.%s, %d client(s)' % (where, call, n))
            rows.append(('XenAPI %s VM.%s, %d VMs, %d client%s'
                         % (where, call, VMS, n, 's' if n > 1 else ''),
                         round(_clients(url, user, password, n, call,
                                        SECONDS[where]), 1),
                         None, 'calls/s', NO_XEN))
    return rows


def _fake(ctx):
    from xen.xend import backend
    from xen.xend.config import Config
    from xen.xend.main import Xend
    import socket
    d = tempfile.mkdtemp(prefix='xend-bench-')
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    cfg = Config('''(xen-api-server ((127.0.0.1:%d none)))
(xend-unix-xmlrpc-server no) (xend-domains-path %s/domains)
(xend-state-path %s/state) (logfile %s/xend.log) (loglevel WARNING)
(xend-backend fake)''' % (port, d, d, d))
    x = Xend(cfg, backend.FakeBackend())
    x.start()
    try:
        url = 'http://127.0.0.1:%d/' % port
        _define(url, 'root', '')
        return _measure(ctx, 'fake', url, 'root', '')
    finally:
        x.stop()
        shutil.rmtree(d, ignore_errors=True)


def _dom0(ctx):
    """The same against xend in dom0 on our hypervisor; rows, or one
    row saying why there are none."""
    sys.path.insert(0, os.path.join(HERE, '..', 'tests', 'devices'))
    sys.path.append(os.path.join(HERE, '..', 'tests', 'boot'))
    import cases  # tools/tests/boot
    import qemu
    import run as devices  # tools/tests/devices/run.py
    why = None if ctx['ours'] else 'our hypervisor did not build'
    if not why and not devices.debian_kernel():
        why = 'no Debian kernel in /boot'
    if not why:
        why = cases.build_xend_tools()
    modules = None
    if not why:
        adds, texts = cases.xend_files()
        adds = adds + [(os.path.join(HERE, 'xenapidom0.sh'),
                        '/etc/hv-rootfs/init.d/50-xenapibench')]
        modules, why = cases.dom0_rootfs('xenapibench', adds, texts,
                                         ['--python'])(ctx['results'])
    if why:
        ctx['log']('xenapi: dom0: %s' % why)
        return [('XenAPI dom0 (not measured)', None, None, 'calls/s', why)]
    import socket
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    with qemu.Machine('xenapibench', ctx['results'], kernel=ctx['ours'],
                      modules=modules, append=devices.APPEND['ours'],
                      smp=2, mem='1G', cpu='max',
                      extra_args=('-netdev', 'user,id=n0,hostfwd=tcp:'
                                  '127.0.0.1:%d-:9363' % port, '-device',
                                  'e1000,netdev=n0'),
                      forbid=tuple(devices.FORBID) +
                      (r'^hv-bench: xend failed',)) as m:
        m.expect(r'^hv-bench: start xend', 240)
        url = 'http://127.0.0.1:%d/' % port
        t = time.monotonic()
        _define(url, 'root', cases.XEND_PASSWORD)
        ctx['log']('xenapi (dom0): %d VMs defined in %.1f s'
                   % (VMS, time.monotonic() - t))
        return _measure(ctx, 'dom0', url, 'root', cases.XEND_PASSWORD)


def run(ctx):
    sys.path.insert(0, os.path.join(ctx['top'], 'tools', 'python'))
    return _dom0(ctx) + _fake(ctx)
