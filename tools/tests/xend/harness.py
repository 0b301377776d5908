# SPDX-License-Identifier: GPL-2.0-only
"""The xend suite's harness: cases, and an xend over the fake backend in a
scratch directory, served on unix sockets and a loopback TCP port."""
import hashlib
import os
import shutil
import socket
import sys
import tempfile
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
sys.path.insert(0, os.path.join(ROOT, 'tools', 'python'))

from xen.xend import backend as B  # noqa: E402
from xen.xend.config import Config  # noqa: E402
from xen.xend.main import Xend  # noqa: E402

CASES = []
# xm as installed: the C front end (tools/xm, built by this suite's
# Makefile), which hands what it does not do itself to the Python xm.
XM = os.path.join(ROOT, 'tools', 'xm', 'build', 'xm')
XM_PYTHON = os.path.join(ROOT, 'tools', 'xm', 'xm.py')


class Skip(Exception):
    pass


def case(fn):
    CASES.append(fn)
    return fn


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


PASSWORD = 'secret'


class Env(object):
    """A scratch xend; restart() keeps its directories (and, unless told,
    its fake hypervisor)."""

    def __init__(self, extra='', event_timeout=2, timeout=2):
        self.dir = tempfile.mkdtemp(prefix='xend-test-')
        self.port = free_port()
        self.kernel = os.path.join(self.dir, 'vmlinuz')
        with open(self.kernel, 'w') as f:
            f.write('not really a kernel\n')
        salt = 'c0ffee'
        with open(os.path.join(self.dir, 'passwd'), 'w') as f:
            f.write('# user:sha256:salt:hex\nroot:sha256:%s:%s\n' % (
                salt, hashlib.sha256((salt + PASSWORD).encode())
                .hexdigest()))
        d = self.dir
        self.text = '''
(xen-api-server ((unix) (127.0.0.1:%d password)))
(xen-api-unix-path %s/run/xen-api.sock)
(xen-api-password-file %s/passwd)
(xend-unix-xmlrpc-path %s/run/xmlrpc.sock)
(xend-domains-path %s/lib/domains)
(xend-state-path %s/lib/state)
(xend-dump-path %s/dump)
(logfile %s/log/xend.log)
(xend-pid-file %s/xend.pid)
(xend-event-timeout %s)
(xend-client-timeout %s)
(xend-max-body 1048576)
(xend-backend fake)
%s''' % (self.port, d, d, d, d, d, d, d, d, event_timeout, timeout, extra)
        self.cfgfile = os.path.join(d, 'xend-config.sxp')
        with open(self.cfgfile, 'w') as f:
            f.write(self.text)
        self.api_sock = d + '/run/xen-api.sock'
        self.legacy_sock = d + '/run/xmlrpc.sock'
        self.url = 'http://127.0.0.1:%d/' % self.port
        self.backend = B.FakeBackend()
        self.xend = None
        self.start()

    def start(self):
        from xen.xend.main import setup_logging
        cfg = Config(self.text)
        setup_logging(cfg, False)
        self.xend = Xend(cfg, self.backend)
        self.xend.start()

    def restart(self, new_hypervisor=False):
        self.xend.stop()
        if new_hypervisor:
            self.backend = B.FakeBackend()
        self.start()

    def close(self):
        self.xend.stop()
        import logging
        for h in list(logging.getLogger('xend').handlers):
            logging.getLogger('xend').removeHandler(h)
            h.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def env(self):
        e = dict(os.environ)
        e['XM_SERVER'] = 'httpu://' + self.legacy_sock
        e['XM_XENAPI_SERVER'] = 'httpu://' + self.api_sock
        e['XM_CONFIG_FILE'] = os.path.join(self.dir, 'no-xm-config.xml')
        e['XM_PYTHON'] = XM_PYTHON
        return e


def run(cases):
    counts = {'PASS': 0, 'FAIL': 0, 'SKIP': 0}
    for fn in cases:
        name = fn.__module__.replace('test_', '') + '/' + fn.__name__
        try:
            fn()
            print('PASS: %s' % name)
            counts['PASS'] += 1
        except Skip as e:
            print('SKIP: %s: %s' % (name, e))
            counts['SKIP'] += 1
        except Exception as e:
            print('FAIL: %s: %s: %s' % (name, type(e).__name__, e))
            traceback.print_exc(file=sys.stdout)
            counts['FAIL'] += 1
        sys.stdout.flush()
    return counts
