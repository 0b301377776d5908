# SPDX-License-Identifier: GPL-2.0-only
# Benchmark: XenAPI calls per second against xend, 50 VMs, 1 and 20 clients.
"""xend on its fake hypervisor (the real backend waits on libxc) serving
VM.get_record and VM.get_all_records over loopback TCP, with 50 VMs
defined.  Xen 4.17 has no xend (removed in Xen 4.5), so its column stays
empty."""

import os
import shutil
import sys
import tempfile
import threading
import time

TITLE = 'XenAPI calls/s (xend, fake backend)'
SECONDS = 3.0
NO_XEN = 'Xen 4.17 ships no xend (gone since Xen 4.5)'


def _clients(url, n, call, seconds):
    import XenAPI
    counts = [0] * n
    stop = time.monotonic() + seconds

    def client(i):
        s = XenAPI.Session(url)
        s.login_with_password('root', '')
        vm = s.xenapi.VM.get_by_name_label('vm0')[0]
        while time.monotonic() < stop:
            if call == 'get_record':
                s.xenapi.VM.get_record(vm)
            else:
                s.xenapi.VM.get_all_records()
            counts[i] += 1
        s.logout()
    ts = [threading.Thread(target=client, args=(i,)) for i in range(n)]
    t0 = time.monotonic()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return sum(counts) / (time.monotonic() - t0)


def run(ctx):
    sys.path.insert(0, os.path.join(ctx['top'], 'tools', 'python'))
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
        import XenAPI
        a = XenAPI.Session('http://127.0.0.1:%d/' % port)
        a.login_with_password('root', '')
        for i in range(50):
            a.xenapi.VM.create({'name_label': 'vm%d' % i,
                                'memory_static_max': str(64 << 20),
                                'memory_dynamic_max': str(64 << 20),
                                'PV_kernel': '/boot/vmlinuz'})
        rows = []
        for call in ('get_record', 'get_all_records'):
            for n in (1, 20):
                ctx['log']('xenapi VM.%s, %d client(s)' % (call, n))
                rows.append(('XenAPI VM.%s, 50 VMs, %d client%s'
                             % (call, n, 's' if n > 1 else ''),
                             round(_clients('http://127.0.0.1:%d/' % port,
                                            n, call, SECONDS), 1),
                             None, 'calls/s', NO_XEN))
        return rows
    finally:
        x.stop()
        shutil.rmtree(d, ignore_errors=True)
