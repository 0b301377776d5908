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
    rng = random.Random(11)
    d = Domains(FakeBackend(), tempfile.mkdtemp(prefix='xend-fuzz-'))
    loaded = 0
    for _ in range(3000):
        text = mutate(rng, DOMAIN).decode('latin-1')
        try:
            vm = d.from_sxp(sxp.parse_one(text), managed=True)
            check(isinstance(vm.cfg['memory_dynamic_max'], int), 'typed')
            loaded += 1
        except (sxp.ParseError, XendError):
            pass
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
