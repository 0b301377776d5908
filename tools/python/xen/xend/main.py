# SPDX-License-Identifier: GPL-2.0-only
"""The xend daemon: start, stop, status, or run in the foreground."""
import logging
import os
import signal
import sys
import threading
import time

from xen.xend import backend as B
from xen.xend.api import XenAPI
from xen.xend.config import Config, ConfigError
from xen.xend.domains import Domains
from xen.xend.legacy import Legacy
from xen.xend.server import Listener, open_listener, default_limits

log = logging.getLogger('xend')
CONFIG = os.environ.get('XEND_CONFIG', '/etc/xen/xend-config.sxp')
# How often a backend that cannot tell xend of domain deaths (the fake
# one, which also reaps on every call) is looked at, and how long the
# watcher waits after a failed watch.  The real backend's @releaseDomain
# watch wakes the watcher; WATCH_SECONDS only bounds each wait so that a
# stopping xend is noticed.
POLL_SECONDS = 2.0
WATCH_SECONDS = 5.0


def setup_logging(cfg, foreground):
    path = cfg.get('logfile')
    level = getattr(logging, str(cfg.get('loglevel')).upper(), logging.DEBUG)
    os.makedirs(os.path.dirname(path) or '.', exist_ok=True)
    h = logging.FileHandler(path)
    h.setFormatter(logging.Formatter(
        '[%(asctime)s %(process)d] %(levelname)s (%(module)s) %(message)s'))
    log.addHandler(h)
    if foreground and os.environ.get('XEND_DEBUG'):
        log.addHandler(logging.StreamHandler(sys.stderr))
    log.setLevel(level)


class Xend(object):
    def __init__(self, cfg, backend=None):
        self.cfg = cfg
        self.backend = backend or B.make(cfg.get('xend-backend'),
                                         cfg.get('xend-kernel-cache'))
        self.domains = Domains(self.backend, cfg.get('xend-domains-path'),
                               cfg.get('xend-dump-path'))
        pwfile = cfg.get('xen-api-password-file')
        self.api = XenAPI(self.domains, self.backend,
                          state_path=cfg.get('xend-state-path'),
                          passwords=pwfile,
                          event_timeout=cfg.number('xend-event-timeout'),
                          xend_log=cfg.get('logfile'))
        self.legacy = Legacy(self.domains, self.backend,
                             xend_log=cfg.get('logfile'))
        self.servers = []
        self.stopping = threading.Event()

    def listeners(self):
        out = []
        cfg = self.cfg
        for kind, addr, auth, hosts, tls in cfg.api_servers():
            out.append(Listener(kind, addr, xenapi=True, legacy=True,
                                auth=auth, hosts=hosts, tls=tls))
        if cfg.flag('xend-unix-xmlrpc-server'):
            out.append(Listener('unix', cfg.get('xend-unix-xmlrpc-path'),
                                xenapi=False, legacy=True))
        if cfg.flag('xend-tcp-xmlrpc-server'):
            out.append(Listener(
                'tcp', (cfg.get('xend-tcp-xmlrpc-server-address'),
                        int(cfg.number('xend-tcp-xmlrpc-server-port'))),
                xenapi=False, legacy=True))
        return out

    def open_listeners(self):
        limits = default_limits()
        limits['max_body'] = int(self.cfg.number('xend-max-body'))
        limits['timeout'] = self.cfg.number('xend-client-timeout')
        for L in self.listeners():
            self.servers.append(open_listener(L, self.api, self.legacy,
                                              limits))

    def start(self):
        self.open_listeners()
        threading.Thread(target=self.watch, daemon=True,
                         name='domain watcher').start()
        log.info('xend started (backend %s)',
                 type(self.backend).__name__)

    def reload(self, cfg):
        """SIGHUP: the listeners and their settings from a new config;
        VMs and sessions stay.  Paths of the VM store do not change."""
        old = self.cfg
        self.close_listeners()
        self.cfg = cfg
        try:
            self.open_listeners()
        except OSError:
            self.close_listeners()
            self.cfg = old
            self.open_listeners()
            raise
        self.api.passwords = cfg.get('xen-api-password-file')
        self.api.event_timeout = cfg.number('xend-event-timeout')
        log.info('xend reloaded its configuration')

    def watch(self):
        """Looks at the domains whenever the backend says one may have
        shut down or died, and applies their on_* actions."""
        real = isinstance(self.backend, B.RealBackend)
        while not self.stopping.is_set():
            try:
                changed = self.backend.wait_domain_change(
                    WATCH_SECONDS if real else POLL_SECONDS)
            except B.NotAvailable:
                return
            except B.BackendError as e:
                log.warning('domain watcher: %s', e)
                changed = not self.stopping.wait(POLL_SECONDS)
            if not changed or self.stopping.is_set():
                continue
            if real:
                log.debug('@releaseDomain: looking at the domains')
            try:
                self.domains.refresh()
            except B.NotAvailable:
                return
            except Exception:
                log.exception('domain watcher')

    def stop(self):
        self.stopping.set()
        self.close_listeners()
        log.info('xend stopped')

    def close_listeners(self):
        # Each listener takes up to its poll interval to stop: in parallel.
        ts = [threading.Thread(target=s.shutdown) for s in self.servers]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        for s in self.servers:
            s.server_close()
            if s.listener.kind == 'unix':
                try:
                    os.unlink(s.listener.address)
                except OSError:
                    pass
        self.servers = []


def read_pid(path):
    try:
        with open(path) as f:
            pid = int(f.read().strip())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def run(cfg):
    x = Xend(cfg)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: done.set())
    signal.signal(signal.SIGINT, lambda *a: done.set())
    hup = threading.Event()
    signal.signal(signal.SIGHUP, lambda *a: (hup.set(), done.set()))
    x.start()
    pidfile = cfg.get('xend-pid-file')
    with open(pidfile, 'w') as f:
        f.write('%d\n' % os.getpid())
    try:
        while True:
            done.wait(3600)
            if hup.is_set():
                hup.clear()
                done.clear()
                try:
                    x.reload(Config.load(CONFIG))
                except (ConfigError, OSError) as e:
                    # A bad new config keeps the old listeners going.
                    log.error('reload failed: %s; keeping the old '
                              'configuration', e)
            elif done.is_set():
                break
    finally:
        x.stop()
        try:
            os.unlink(pidfile)
        except OSError:
            pass
    return 0


def main(argv):
    cmd = argv[1] if len(argv) > 1 else 'start'
    try:
        cfg = Config.load(CONFIG)
    except ConfigError as e:
        print('xend: %s' % e, file=sys.stderr)
        return 1
    pidfile = cfg.get('xend-pid-file')
    if cmd == 'status':
        pid = read_pid(pidfile)
        print('xend is running (pid %d)' % pid if pid else
              'xend is not running')
        return 0 if pid else 3
    if cmd == 'stop':
        pid = read_pid(pidfile)
        if pid:
            os.kill(pid, signal.SIGTERM)
        return 0
    if cmd not in ('start', 'foreground', 'restart'):
        print('usage: xend start|stop|status|restart|foreground',
              file=sys.stderr)
        return 2
    if cmd == 'restart':
        pid = read_pid(pidfile)
        if pid:
            os.kill(pid, signal.SIGTERM)
            # The new xend wants the old one's ports.
            for _ in range(100):
                if read_pid(pidfile) != pid:
                    break
                time.sleep(0.1)
    elif read_pid(pidfile):
        print('xend: already running', file=sys.stderr)
        return 1
    setup_logging(cfg, cmd == 'foreground')
    if cmd != 'foreground':
        if os.fork():
            return 0
        os.setsid()
        if os.fork():
            os._exit(0)
        fd = os.open(os.devnull, os.O_RDWR)
        for i in (0, 1, 2):
            os.dup2(fd, i)
    try:
        return run(cfg)
    except (OSError, ConfigError, B.BackendError) as e:
        log.error('xend failed: %s', e)
        print('xend: %s' % e, file=sys.stderr)
        return 1
