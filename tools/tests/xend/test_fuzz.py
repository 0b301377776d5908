# SPDX-License-Identifier: GPL-2.0-only
"""Seeded mutation fuzz of the config parsers: SXP (xend-config.sxp and the
managed configs xend reads back) and xm's Python config files."""
import os
import random
import signal
import tempfile

from harness import case, check
from test_wire import mutate
from xen.xend import sxp
from xen.xend.config import Config, ConfigError
from xen.xend.domains import Domains, XendError
from xen.xend.backend import FakeBackend
from xen.xm import config as xmconfig

XEND_CONFIG = b'''(xend-config (version 1))
(logfile /var/log/xen/xend.log)
(xen-api-server ((9363 pam '^localhost$ example\\\\.com$') (unix)))
(xend-unix-xmlrpc-server yes) (dom0-min-mem 196) # a comment
(vif-script "vif-bridge")
'''
DOMAIN = b'''(domain (uuid 0b6e7bd0-3d5f-4f0c-a5a8-7c1a9b0f7e21) (vcpus 2)
 (name g) (on_crash preserve) (maxmem 512) (memory 256) (cpu_weight 300)
 (image (linux (kernel /boot/vmlinuz) (args 'root=/dev/xvda1 ro')))
 (device (vbd (uname phy:/dev/vg/g) (dev xvda:disk) (mode w)))
 (device (vif (mac 00:16:3e:00:00:01) (bridge xenbr0)))
 (other_config (transient False)))
'''
XM_CONFIG = b'''kernel = "/bin/sh"
memory = 256
vcpus = 2
name = "fz"
disk = ['phy:/dev/vg/fz,xvda,w']
vif = ['bridge=xenbr0,mac=00:16:3e:00:00:02']
on_crash = 'restart'
extra = "console=hvc0 " + "quiet"
'''


@case
def sxp_and_xend_config():
    rng = random.Random(7)
    accepted = 0
    for _ in range(5000):
        data = mutate(rng, rng.choice([XEND_CONFIG, DOMAIN]))
        text = data.decode('latin-1')
        try:
            items = sxp.parse(text)
            check(sxp.parse(' '.join(sxp.to_string(i) for i in items)) ==
                  items, 'print/parse round trip of %r' % text[:60])
        except sxp.ParseError:
            pass
        try:
            Config(text)
            accepted += 1
        except ConfigError:
            pass
    check(accepted > 0, 'some mutants are still configs')


@case
def managed_config_read_back():
    import shutil
    rng = random.Random(11)
    path = tempfile.mkdtemp(prefix='xend-fuzz-')
    d = Domains(FakeBackend(), path)
    loaded = 0
    try:
        for _ in range(3000):
            text = mutate(rng, DOMAIN).decode('latin-1')
            try:
                vm = d.from_sxp(sxp.parse_one(text), managed=True)
                check(isinstance(vm.cfg['memory_dynamic_max'], int), 'typed')
                loaded += 1
            except (sxp.ParseError, XendError):
                pass
    finally:
        shutil.rmtree(path, ignore_errors=True)
    check(loaded > 0, 'some mutants load')


def _alarm(*args):
    raise TimeoutError('config took too long')


@case
def xm_config_files():
    rng = random.Random(5)
    fd, path = tempfile.mkstemp(suffix='.cfg')
    os.close(fd)
    old = signal.signal(signal.SIGALRM, _alarm)
    ok = 0
    try:
        for _ in range(2000):
            text = mutate(rng, XM_CONFIG).decode('latin-1')
            # A mutant may compute something huge: each gets one second.
            signal.alarm(1)
            try:
                cfg = xmconfig.read(path, text=text)
                s = xmconfig.to_sxp(cfg)
                check(sxp.parse_one(sxp.to_string(s)) is not None, 'SXP')
                ok += 1
            except (xmconfig.ConfigError, TimeoutError):
                pass
            finally:
                signal.alarm(0)
    finally:
        signal.signal(signal.SIGALRM, old)
        os.unlink(path)
    check(ok > 0, 'some mutants still read')


@case
def every_method_with_odd_arguments():
    """Each XenAPI call with refs, wrong types and junk: Failures with 1.0
    codes, never a Python exception turned INTERNAL_ERROR."""
    import re
    from harness import Env
    env = Env(event_timeout=0)
    try:
        api = env.xend.api
        s = api.dispatch('session.login_with_password', ['root', 'x'])[
            'Value']
        vm = api.dispatch('VM.create', [s, {
            'name_label': 'fz', 'memory_static_max': '67108864',
            'memory_dynamic_max': '67108864', 'memory_dynamic_min': '0',
            'PV_kernel': env.kernel}])['Value']
        refs = [vm, '00000000-0000-0000-0000-000000000000', api.host_uuid,
                api.local_sr, api.pool_uuid, s]
        for cls in ('network', 'PIF', 'PBD', 'host_cpu', 'console'):
            refs.append(api.refs(cls)[0])
        junk = refs + ['', 'x' * 300, 0, -1, 2 ** 40, 1.5, True, [], ['a'],
                       {}, {'a': 'b'}, {'VM': vm, 'device': 'xvda'},
                       {'name_label': 7}, None and 0]
        rng = random.Random(3)
        bug = re.compile(r'^[A-Z][A-Za-z]*(Error|Exception): ')
        for name in sorted(api.methods):
            if name in ('session.logout', 'VM.destroy', 'host.disable'):
                continue
            nargs = api.methods[name][0]
            for _ in range(12):
                args = [s] + [rng.choice(junk) for _ in range(nargs - 1)]
                r = api.dispatch(name, args)
                check(list(r)[0] == 'Status' and len(r) == 2, 'envelope')
                if r['Status'] == 'Failure':
                    d = r['ErrorDescription']
                    check(not (d[0] == 'INTERNAL_ERROR' and
                               bug.match(d[1])),
                          '%s%r: %s' % (name, tuple(args[1:]), d))
                    check(all(isinstance(x, str) for x in d), 'strings')
    finally:
        env.close()
