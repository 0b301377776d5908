#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Acceptance test of `make deb`: its packages install into a fresh Debian 12.

A minimal bookworm (debootstrap --variant=minbase, plus what our packages
depend on and what the checks run: grub-common, systemd) is built once into
a cache outside the checkout, $HV_CHROOT_CACHE or
${XDG_CACHE_HOME:-~/.cache}/hv-chroot, from the mirror apt uses here
($HV_CHROOT_MIRROR overrides), and copied afresh for every run.
In the copy, `dpkg -i` installs all the packages (apt-get -f install fetches
what is missing if the mirror answers), then the cases check the files,
the Python modules and libhvxc as installed, grub-mkconfig's menu entry
for our hypervisor, the units' enablement and ordering, and that
`dpkg -r` and `dpkg -P` leave the system as it was.  Needs root (chroot)."""

import fcntl
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..', '..'))
SUITE = 'bookworm'
# Our Depends (python3, libxml2-dev) and the checks' tools, preinstalled so
# that a warm run needs no network.  Changing this rebuilds the cache.
INCLUDE = 'grub-common,python3,libxml2-dev,systemd,init-system-helpers'
PKGS = ['hv-hypervisor', 'hv-xenstore', 'hv-utils', 'hv-xend', 'hv-dev']
# In start order (tools/systemd): each one's After= names those before it.
UNITS = ['xenstored.service', 'xen-init-dom0.service',
         'xenconsoled.service', 'xend.service']
KERNEL = '6.1.0-13-amd64'

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'lib'))
from hostcase import Cases, sh  # noqa: E402

CASES = Cases('deb_chroot')
report, case = CASES.report, CASES.case


def mirror():
    """The Debian mirror this machine's apt uses for bookworm."""
    for path in sorted(glob.glob('/etc/apt/sources.list.d/*.sources')):
        with open(path) as f:
            for stanza in f.read().split('\n\n'):
                fields = dict(re.findall(r'^(\w[\w-]*):\s*(.*)$', stanza,
                                         re.M))
                if SUITE in fields.get('Suites', '').split() and \
                        'main' in fields.get('Components', '').split():
                    return fields['URIs'].split()[0]
    for path in ['/etc/apt/sources.list'] + \
            sorted(glob.glob('/etc/apt/sources.list.d/*.list')):
        if os.path.exists(path):
            with open(path) as f:
                m = re.search(r'^deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+%s\s.*main'
                              % SUITE, f.read(), re.M)
            if m:
                return m.group(1)
    return 'http://deb.debian.org/debian'


def cache_dir():
    d = os.environ.get('HV_CHROOT_CACHE')
    if not d:
        base = os.environ.get('XDG_CACHE_HOME') or \
            os.path.join(os.path.expanduser('~'), '.cache')
        d = os.path.join(base, 'hv-chroot')
    return d


def config_version():
    v = {}
    with open(os.path.join(ROOT, 'Config.mk')) as f:
        for line in f:
            m = re.match(r'(XEN_\w*VERSION)\s*:=\s*(\S*)', line)
            if m:
                v[m.group(1)] = m.group(2)
    return '%s.%s%s' % (v['XEN_VERSION'], v['XEN_SUBVERSION'],
                        v.get('XEN_EXTRAVERSION', ''))


def tree(root):
    """Every path under root, for comparing before and after."""
    out = set()
    for top, dirs, names in os.walk(root):
        for n in dirs + names:
            out.add('/' + os.path.relpath(os.path.join(top, n), root))
    return out


class Suite:
    def __init__(self, tmp):
        self.tmp = tmp
        self.root = os.path.join(tmp, 'root')
        self.out = os.path.join(tmp, 'deb')
        self.ver = config_version()
        self.debs = []
        self.before = set()

    def r(self, path):
        return os.path.join(self.root, path.lstrip('/'))

    def chroot(self, *cmd, **kw):
        env = {'PATH': '/usr/sbin:/usr/bin:/sbin:/bin', 'LC_ALL': 'C.UTF-8',
               'DEBIAN_FRONTEND': 'noninteractive', 'HOME': '/root'}
        return sh(['chroot', self.root] + list(cmd), env=env, **kw)

    def status(self, pkg):
        p = subprocess.run(['dpkg-query', '--admindir=' + self.r(
            '/var/lib/dpkg'), '-W', '-f=${db:Status-Status}', pkg],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        return p.stdout.decode().strip() or 'not-installed'

    # ---- cases ---------------------------------------------------------

    def chroot_ready(self):
        """The cached chroot (built on first use, under a lock so that
        parallel runs build it once), copied for this run."""
        if os.geteuid() != 0:
            return 'not root: chroot(8) and debootstrap need it'
        cache = cache_dir()
        os.makedirs(cache, exist_ok=True)
        base = os.path.join(cache, SUITE)
        stamp = os.path.join(base, '.hv-chroot')
        with open(os.path.join(cache, '.lock'), 'w') as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            have = None
            if os.path.exists(stamp):
                with open(stamp) as f:
                    have = f.read().strip()
            if have != INCLUDE:
                why = self.debootstrap(cache, base, stamp)
                if why:
                    return why
            t = time.monotonic()
            sh(['cp', '-a', base, self.root])
            self.copy_secs = time.monotonic() - t
        os.unlink(self.r('/.hv-chroot'))

    def debootstrap(self, cache, base, stamp):
        if not shutil.which('debootstrap'):
            return 'debootstrap not installed (tools/scripts/install-deps)'
        new = base + '.new'
        shutil.rmtree(new, ignore_errors=True)
        url = os.environ.get('HV_CHROOT_MIRROR') or mirror()
        p = subprocess.run(['debootstrap', '--variant=minbase',
                            '--include=' + INCLUDE, SUITE, new, url],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL)
        if p.returncode:
            shutil.rmtree(new, ignore_errors=True)
            last = p.stdout.decode('utf-8', 'replace').strip()
            return 'cannot build a %s chroot from %s (no network?): %s' % (
                SUITE, url, last.splitlines()[-1][-200:] if last else '?')
        # Free the cache of the .debs it was made from.
        for d in glob.glob(os.path.join(new, 'var/cache/apt/archives/*.deb')):
            os.unlink(d)
        with open(os.path.join(new, '.hv-chroot'), 'w') as f:
            f.write(INCLUDE + '\n')
        shutil.rmtree(base, ignore_errors=True)
        os.rename(new, base)
        return None

    def build(self):
        sh(['make', '-s', '--no-print-directory', '-C', ROOT, 'deb',
            'DEB_DIR=' + self.out])
        self.debs = sorted(n for n in os.listdir(self.out)
                           if n.endswith('.deb'))
        got = sorted(n.split('_')[0] for n in self.debs)
        assert got == sorted(PKGS), 'built %s' % got

    def lintian(self):
        if not shutil.which('lintian'):
            return 'lintian not installed'
        p = subprocess.run(['lintian', '--fail-on', 'warning'] +
                           [os.path.join(self.out, d) for d in self.debs],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        tags = [line for line in p.stdout.decode().splitlines()
                if re.match(r'[EWIPX]: ', line)]
        assert p.returncode == 0 and not tags, '\n'.join(tags) or \
            p.stdout.decode()[-600:]

    def install(self):
        self.before = tree(self.root)
        os.makedirs(self.r('/tmp/debs'))
        for d in self.debs:
            shutil.copy(os.path.join(self.out, d), self.r('/tmp/debs'))
        try:
            self.chroot('sh', '-c', 'dpkg -i /tmp/debs/*.deb')
            how = None
        except subprocess.CalledProcessError:
            # A Depends not in the cached chroot: from the mirror.
            shutil.copy('/etc/resolv.conf', self.r('/etc/resolv.conf'))
            self.chroot('apt-get', 'update', '-q')
            self.chroot('apt-get', 'install', '-f', '-y', '-q',
                        '--no-install-recommends')
            how = 'apt-get -f install'
        for pkg in PKGS:
            assert self.status(pkg) == 'installed', \
                '%s: %s' % (pkg, self.status(pkg))
        audit = self.chroot('dpkg', '--audit').strip()
        assert not audit, audit
        shutil.rmtree(self.r('/tmp/debs'))
        if how:
            print('deb_chroot: the cached chroot lacked a Depends; '
                  'installed with %s' % how)

    def files(self):
        for f in ('/boot/hv-xen-%s.gz' % self.ver, '/etc/grub.d/20_linux_hv',
                  '/usr/sbin/xenstored', '/usr/sbin/xenconsoled',
                  '/usr/sbin/xen-create-pv', '/usr/sbin/xend', '/usr/sbin/xm',
                  '/usr/lib/hv-xen/bin/init-dom0',
                  '/usr/lib/hv-xen/bin/xen-dom0-start',
                  '/usr/lib/x86_64-linux-gnu/libhvxc.so.1',
                  '/usr/include/hv/hvxc.h', '/usr/include/hv/public/xen.h',
                  '/etc/xen/xend-config.sxp',
                  '/usr/lib/python3/dist-packages/XenAPI.py',
                  '/usr/share/man/man8/xm.8.gz'):
            assert os.path.exists(self.r(f)), 'missing ' + f
        for d in ('/var/log/xen', '/var/lib/xend'):
            assert os.path.isdir(self.r(d)), 'missing ' + d
        # Debian's python3, not whatever python3 is first on PATH; the
        # Python xm skips the site module (-S), a third of its start-up
        # under TCG.  xm itself is C (tools/xm), in front of it.
        for s, line in (('/usr/sbin/xend', b'#!/usr/bin/python3\n'),
                        ('/usr/lib/hv-xen/bin/xm.py',
                         b'#!/usr/bin/python3 -S\n'),
                        ('/usr/sbin/xm', b'\x7fELF')):
            with open(self.r(s), 'rb') as f:
                first = f.read(len(line))
                assert first == line, '%s: %r' % (s, first)

    def runs(self):
        """What runs without a hypervisor: the modules import from
        dist-packages, libhvxc resolves through ld.so's cache (the ldconfig
        trigger ran), xm prints its usage, xend reads the installed
        configuration and says it is not running."""
        self.chroot('python3', '-c', 'import XenAPI, xen.xend.main, '
                    'xen.xm.main, xen.lowlevel.xc')
        ldd = self.chroot('ldd', '/usr/sbin/xen-create-pv')
        assert re.search(r'libhvxc\.so\.1 => /\S+', ldd), ldd
        assert 'libhvxc.so.1' in self.chroot('ldconfig', '-p')
        assert 'Usage: xm' in self.chroot('xm', 'help')
        p = subprocess.run(['chroot', self.root, 'xend', 'status'],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert p.returncode == 3 and b'not running' in p.stdout, \
            'xend status: %d %s' % (p.returncode, p.stdout[-300:])

    def grub(self):
        """grub-mkconfig, with /etc/default/grub's GRUB_CMDLINE_XEN and a
        kernel in /boot, offers our hypervisor with that kernel as dom0.
        grub-probe stands in for the disk a chroot does not have."""
        probe = self.r('/usr/sbin/grub-probe')
        with open(probe, 'w') as f:
            f.write('#!/bin/sh\n'
                    'for a; do case $a in --target=*) t=${a#*=};; esac; done\n'
                    'case $t in\n'
                    'device) echo /dev/vda1;; fs) echo ext2;;\n'
                    'fs_uuid) echo 0b2f4a3c-7d1e-4c55-9a1b-5e3f2d6c7a80;;\n'
                    'partmap) echo msdos;; abstraction) ;;\n'
                    'drive) echo "(hd0,msdos1)";;\n'
                    'compatibility_hint) echo hd0,msdos1;;\n'
                    '*) exit 1;;\nesac\n')
        os.chmod(probe, 0o755)
        os.makedirs(self.r('/boot/grub'))
        for f in ('vmlinuz-', 'initrd.img-'):
            open(self.r('/boot/' + f + KERNEL), 'w').close()
        with open(self.r('/etc/default/grub'), 'w') as f:
            f.write('GRUB_CMDLINE_XEN="dom0_mem=1G,max:1G"\n'
                    'GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n')
        log = self.chroot('grub-mkconfig', '-o', '/boot/grub/grub.cfg')
        with open(self.r('/boot/grub/grub.cfg')) as f:
            cfg = f.read()
        img = 'hv-xen-%s.gz' % self.ver
        entries = re.findall(r"^\s*menuentry '([^']*)'[^\n]*\{\n(.*?)^\s*\}",
                             cfg, re.S | re.M)
        ours = [(t, b) for t, b in entries if '/boot/' + img in b]
        assert ours, 'no entry for %s; grub-mkconfig said:\n%s' % (img, log)
        title, body = ours[0]
        assert re.search(r'^\s*multiboot2 /boot/%s placeholder '
                         r'dom0_mem=1G,max:1G\s*$' % re.escape(img), body,
                         re.M), body
        assert re.search(r'^\s*module2 /boot/vmlinuz-%s placeholder '
                         r'root=UUID=0b2f4a3c\S* ro quiet\s*$'
                         % re.escape(KERNEL), body, re.M), body
        assert re.search(r'^\s*module2 --nounzip /boot/initrd.img-%s\s*$'
                         % re.escape(KERNEL), body, re.M), body
        # Debian's own entries are still there beside ours.
        assert any(b.find('linux\t/boot/vmlinuz') >= 0 or
                   re.search(r'^\s*linux\s+/boot/vmlinuz', b, re.M)
                   for _, b in entries), 'Debian\'s 10_linux entries gone'

    def units(self):
        """Enabled in multi-user.target, valid for systemd, each after the
        one before it and each only in dom0."""
        out = self.chroot('systemctl', 'is-enabled', *UNITS).split()
        assert out == ['enabled'] * len(UNITS), dict(zip(UNITS, out))
        for u in UNITS:
            link = self.r('/etc/systemd/system/multi-user.target.wants/' + u)
            assert os.readlink(link) == '/lib/systemd/system/' + u, u
        self.chroot('systemd-analyze', 'verify', '--man=no',
                    *['/lib/systemd/system/' + u for u in UNITS])
        # systemctl show needs a running systemd: the files themselves.
        for i, u in enumerate(UNITS):
            with open(self.r('/lib/systemd/system/' + u)) as f:
                text = f.read()
            after = ' '.join(re.findall(r'^After=(.*)$', text, re.M)).split()
            for earlier in UNITS[:i]:
                assert earlier in after, '%s: not After=%s' % (u, earlier)
            if i:
                assert re.search(r'^Requires=.*xenstored\.service', text,
                                 re.M), u
            assert 'ConditionPathExists=/proc/xen/capabilities' in text, u
            assert re.search(r'^ExecCondition=.*control_d '
                             r'/proc/xen/capabilities', text, re.M), u

    def remove(self):
        """dpkg -r leaves only the conffiles, dpkg -P nothing: the chroot's
        files are the ones it had before the install."""
        for f in ('/boot/grub', '/etc/default/grub'):
            if os.path.isdir(self.r(f)):
                shutil.rmtree(self.r(f))
            elif os.path.exists(self.r(f)):
                os.unlink(self.r(f))
        for f in ('vmlinuz-', 'initrd.img-'):
            os.unlink(self.r('/boot/' + f + KERNEL))
        self.chroot('dpkg', '-r', *PKGS)
        for pkg in PKGS:
            assert self.status(pkg) in ('config-files', 'not-installed'), \
                '%s: %s' % (pkg, self.status(pkg))
        for f in ('/etc/xen/xend-config.sxp', '/etc/grub.d/20_linux_hv'):
            assert os.path.exists(self.r(f)), 'conffile %s gone' % f
        for f in ('/usr/sbin/xend', '/usr/lib/python3/dist-packages/xen',
                  '/usr/lib/x86_64-linux-gnu/libhvxc.so.1',
                  '/boot/hv-xen-%s.gz' % self.ver):
            assert not os.path.lexists(self.r(f)), 'left ' + f
        assert 'libhvxc' not in self.chroot('ldconfig', '-p')
        self.chroot('dpkg', '-P', *PKGS)
        for pkg in PKGS:
            assert self.status(pkg) == 'not-installed', \
                '%s: %s' % (pkg, self.status(pkg))
        # dpkg's own records, logs and caches change; nothing else may.
        noise = re.compile(r'^/(var/lib/dpkg|var/log|var/cache|tmp|run|'
                           r'var/lib/systemd/deb-systemd-helper-)')
        diff = sorted(p for p in tree(self.root) ^ self.before
                      if not noise.match(p) and p != '/usr/sbin/grub-probe')
        assert not diff, 'changed after purge: %s' % diff[:20]


def main():
    tmp = tempfile.mkdtemp(prefix='hv-deb-chroot.')
    try:
        s = Suite(tmp)
        if case('make deb builds its five packages', s.build):
            case('lintian', s.lintian)
            if case('Debian 12 chroot', s.chroot_ready) and \
                    case('dpkg -i installs them', s.install):
                case('files in place', s.files)
                case('installed tools and modules run', s.runs)
                case('grub-mkconfig offers the hypervisor', s.grub)
                case('units enabled and ordered', s.units)
                case('dpkg -r and -P leave the chroot as it was', s.remove)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return CASES.summary()


if __name__ == '__main__':
    sys.exit(main())
