#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Tests `make deb`: builds the packages, checks them with dpkg-deb,
installs and purges them in a scratch root, and runs their scripts.
(tools/tests/deb_chroot installs them into a Debian 12 chroot.)

Nothing touches this machine's root: dpkg works on a scratch --root with
--force-script-chrootless (the scripts see DPKG_ROOT and leave the real
system alone), and stubs of update-grub, systemctl and deb-systemd-invoke
come first in PATH.  The one run with DPKG_ROOT unset (does postinst call
update-grub?) happens in a private mount namespace with a scratch /boot."""

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..', '..'))
MKDEB = os.path.join(ROOT, 'tools', 'packaging', 'mkdeb')
HV, XS = 'hv-hypervisor', 'hv-xenstore'
UTILS, XEND, DEV = 'hv-utils', 'hv-xend', 'hv-dev'
ALL = sorted([HV, XS, UTILS, XEND, DEV])
UNITS = {XS: ['xenstored.service'],
         UTILS: ['xen-init-dom0.service', 'xenconsoled.service'],
         XEND: ['xend.service']}
CONFFILES = {HV: ['/etc/grub.d/20_linux_hv'],
             XEND: ['/etc/xen/xend-config.sxp']}
XS_TOOLS = ['xs-' + t for t in ('chmod', 'control', 'exists', 'list', 'ls',
                                 'mkdir', 'read', 'rm', 'watch', 'write')]
STUBS = ('update-grub', 'systemctl', 'deb-systemd-invoke')

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'lib'))
from hostcase import Cases, sh  # noqa: E402

CASES = Cases('deb')
report, case = CASES.report, CASES.case


def config_version():
    """XEN_FULLVERSION as the top-level Makefile computes it."""
    v = {}
    with open(os.path.join(ROOT, 'Config.mk')) as f:
        for line in f:
            m = re.match(r'(XEN_\w*VERSION)\s*:=\s*(\S*)', line)
            if m:
                v[m.group(1)] = m.group(2)
    return '%s.%s%s' % (v['XEN_VERSION'], v['XEN_SUBVERSION'],
                        v.get('XEN_EXTRAVERSION', ''))


class Suite:
    def __init__(self, tmp):
        self.tmp = tmp
        self.out = os.path.join(tmp, 'deb')
        self.root = os.path.join(tmp, 'root')
        self.ver = config_version()
        self.debs = {}
        self.stub_log = os.path.join(tmp, 'stub.log')
        stubs = os.path.join(tmp, 'stubs')
        os.makedirs(stubs)
        for s in STUBS:
            with open(os.path.join(stubs, s), 'w') as f:
                f.write('#!/bin/sh\necho "%s $*" >>%s\n' % (s, self.stub_log))
            os.chmod(os.path.join(stubs, s), 0o755)
        self.path = stubs + ':/usr/local/sbin:/usr/local/bin:' \
            '/usr/sbin:/usr/bin:/sbin:/bin'

    def stub_calls(self):
        if not os.path.exists(self.stub_log):
            return []
        with open(self.stub_log) as f:
            return f.read().splitlines()

    def dpkg(self, *args):
        env = dict(os.environ, PATH=self.path)
        env.pop('DPKG_ROOT', None)
        return sh(['dpkg', '--root=' + self.root, '--log=/dev/null',
                   '--force-not-root', '--force-script-chrootless',
                   '--force-unsafe-io'] + list(args), env=env)

    def status(self, pkg):
        p = subprocess.run(['dpkg-query', '--admindir=' +
                            os.path.join(self.root, 'var', 'lib', 'dpkg'),
                            '-W', '-f=${db:Status-Status}', pkg],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        return p.stdout.decode().strip() or 'not-installed'

    def r(self, path):
        return os.path.join(self.root, path.lstrip('/'))

    # ---- cases ---------------------------------------------------------

    def build(self):
        sh(['make', '-s', '--no-print-directory', '-C', ROOT, 'deb',
            'DEB_DIR=' + self.out])
        for n in os.listdir(self.out):
            if n.endswith('.deb'):
                self.debs[n.split('_')[0]] = os.path.join(self.out, n)
        assert sorted(self.debs) == ALL, 'built %s' % sorted(self.debs)

    def control(self):
        arch = sh(['dpkg', '--print-architecture']).strip()
        vre = re.escape(self.ver.replace('-', '+')) + \
            r'(\.\d+\.g[0-9a-f]+(\.dirty)?)?$'
        for pkg, deb in self.debs.items():
            fields = {}
            for line in sh(['dpkg-deb', '-f', deb]).splitlines():
                if not line.startswith(' '):
                    k, v = line.split(':', 1)
                    fields[k] = v.strip()
            for k in ('Maintainer', 'Section', 'Priority', 'Description'):
                assert fields.get(k), '%s: no %s' % (pkg, k)
            assert fields['Package'] == pkg
            assert re.match(vre, fields['Version']), \
                '%s: version %s' % (pkg, fields['Version'])
            assert fields['Architecture'] == arch, fields['Architecture']
            assert fields['Installed-Size'].isdigit()
            assert os.path.basename(deb) == '%s_%s_%s.deb' % (
                pkg, fields['Version'], arch), deb
        libc = r'libc6( \(>= [\d.]+\))?'
        same = r' \(= %s\)' % re.escape(sh(['dpkg-deb', '-f', self.debs[XS],
                                             'Version']).strip())
        for pkg, want in ((XS, libc),
                          (UTILS, libc + ', ' + XS + same),
                          (XEND, '%s, python3, %s%s, %s%s' % (
                              libc, UTILS, same, XS, same)),
                          (DEV, UTILS + same + ', libxml2-dev')):
            dep = sh(['dpkg-deb', '-f', self.debs[pkg], 'Depends']).strip()
            assert re.match(want + '$', dep), '%s: Depends: %s' % (pkg, dep)
        # Debian's own Xen tools stay installable beside ours (the drop-in
        # promise: their xl on our hypervisor).
        con = sh(['dpkg-deb', '-f', self.debs[XS], 'Conflicts']).strip()
        assert con == '', con
        # hv-utils' hotplug scripts have Debian's names: one toolstack.
        con = sh(['dpkg-deb', '-f', self.debs[UTILS], 'Conflicts']).strip()
        assert con == 'xen-utils-common', con

    def hotplug(self):
        """tools/hotplug's scripts, whichever there are: as hv-utils has
        them (the install rule's own test is that make install has the
        same, in like_install)."""
        return [line.split()[5][1:] for line in sh(
            ['dpkg-deb', '-c', self.debs[UTILS]]).splitlines()
            if line.startswith('-') and ' ./etc/xen/scripts/' in line]

    def conffiles(self, pkg):
        return CONFFILES.get(pkg, []) + \
            (self.hotplug() if pkg == UTILS else [])

    def expected(self):
        hv = {
            '/boot/hv-xen-%s.gz' % self.ver: '-rw-r--r--',
            '/usr/lib/debug/boot/hv-xen-syms-%s' % self.ver: '-rw-r--r--',
            '/etc/grub.d/20_linux_hv': '-rwxr-xr-x',
        }
        xs = {'/usr/sbin/xenstored': '-rwxr-xr-x',
              '/usr/bin/xs-tool': '-rwxr-xr-x',
              '/lib/systemd/system/xenstored.service': '-rw-r--r--',
              '/usr/share/doc/%s/README' % XS: '-rw-r--r--'}
        xs.update(('/usr/bin/' + t, 'lrwxrwxrwx') for t in XS_TOOLS)
        xs.update(('/usr/share/man/man1/%s.1.gz' % t, 'lrwxrwxrwx')
                  for t in XS_TOOLS)
        xs['/usr/share/man/man1/xs-tool.1.gz'] = '-rw-r--r--'
        xs['/usr/share/man/man8/xenstored.8.gz'] = '-rw-r--r--'
        hv['/usr/share/lintian/overrides/' + HV] = '-rw-r--r--'
        utils = {'/usr/lib/x86_64-linux-gnu/libhvxc.so.1': '-rw-r--r--',
                 '/usr/sbin/xenconsoled': '-rwxr-xr-x',
                 '/usr/sbin/xen-create-pv': '-rwxr-xr-x',
                 '/usr/lib/hv-xen/bin/init-dom0': '-rwxr-xr-x',
                 '/usr/lib/hv-xen/bin/xen-dom0-start': '-rwxr-xr-x',
                 '/usr/share/man/man8/xenconsoled.8.gz': '-rw-r--r--',
                 '/usr/share/man/man8/xen-create-pv.8.gz': '-rw-r--r--',
                 '/usr/share/lintian/overrides/' + UTILS: '-rw-r--r--'}
        utils.update(('/etc/xen/scripts/' + f, '-rwxr-xr-x')
                     for f in ('block', 'network-bridge', 'vif-bridge'))
        utils['/etc/xen/scripts/hotplug-common.sh'] = '-rw-r--r--'
        xend = {'/usr/sbin/xend': '-rwxr-xr-x', '/usr/sbin/xm': '-rwxr-xr-x',
                '/usr/lib/hv-xen/bin/xm.py': '-rwxr-xr-x',
                '/usr/lib/python3/dist-packages/XenAPI.py': '-rw-r--r--',
                '/etc/xen/xend-config.sxp': '-rw-r--r--',
                '/usr/share/man/man8/xend.8.gz': '-rw-r--r--',
                '/usr/share/man/man8/xm.8.gz': '-rw-r--r--',
                '/usr/share/doc/%s/README' % XEND: '-rw-r--r--'}
        # Every module of the tree, whatever xend grows.
        py = os.path.join(ROOT, 'tools', 'python')
        for top, dirs, names in os.walk(os.path.join(py, 'xen')):
            dirs[:] = [d for d in dirs if d != '__pycache__']
            for n in names:
                if n.endswith(('.py', '.dtd')):
                    xend['/usr/lib/python3/dist-packages/' + os.path.relpath(
                        os.path.join(top, n), py)] = '-rw-r--r--'
        dev = {'/usr/include/hv/hvxc.h': '-rw-r--r--',
               '/usr/include/xenapi.h': '-rw-r--r--',
               '/usr/lib/x86_64-linux-gnu/pkgconfig/hvxc.pc': '-rw-r--r--',
               '/usr/lib/x86_64-linux-gnu/libhvxc.so': 'lrwxrwxrwx',
               '/usr/lib/x86_64-linux-gnu/libxenapi.a': '-rw-r--r--',
               '/usr/share/doc/%s/examples/xenapi-example.c' % DEV:
               '-rw-r--r--'}
        inc = os.path.join(ROOT, 'xen', 'include')
        for top, dirs, names in os.walk(os.path.join(inc, 'public')):
            dev.update(('/usr/include/hv/' + os.path.relpath(
                os.path.join(top, n), inc), '-rw-r--r--') for n in names
                if n.endswith('.h'))
        for pkg, files in UNITS.items():
            target = {XS: xs, UTILS: utils, XEND: xend}[pkg]
            for u in files:
                target['/lib/systemd/system/' + u] = '-rw-r--r--'
        out = {HV: hv, XS: xs, UTILS: utils, XEND: xend, DEV: dev}
        for pkg, files in out.items():
            for d in ('copyright', 'changelog.gz'):
                files['/usr/share/doc/%s/%s' % (pkg, d)] = '-rw-r--r--'
        return out

    def contents(self):
        for pkg, want in self.expected().items():
            got = {}
            for line in sh(['dpkg-deb', '-c', self.debs[pkg]]).splitlines():
                mode, owner, _, _, _, name = line.split(None, 5)
                assert owner == 'root/root', '%s: %s' % (owner, name)
                name = name.split(' -> ')[0][1:]
                if mode.startswith('d'):
                    assert mode == 'drwxr-xr-x', '%s %s' % (mode, name)
                    continue
                got[name] = mode
            assert got == want, '%s: unexpected %s, missing %s' % (
                pkg, sorted(set(got.items()) - set(want.items())),
                sorted(set(want.items()) - set(got.items())))
        for pkg in ALL:
            ctrl = os.path.join(self.tmp, 'ctrl-' + pkg)
            sh(['dpkg-deb', '-e', self.debs[pkg], ctrl])
            conf = os.path.join(ctrl, 'conffiles')
            got = open(conf).read().split() if os.path.exists(conf) else []
            assert got == self.conffiles(pkg), '%s: %s' % (pkg, got)
            scripts = [] if pkg == DEV else ['postinst', 'postrm'] + \
                ([] if pkg == HV else ['prerm'])
            for s in ('config', 'preinst', 'prerm', 'postinst', 'postrm'):
                assert os.access(os.path.join(ctrl, s), os.X_OK) == \
                    (s in scripts), '%s: %s' % (pkg, s)
            for s in scripts:
                # Filled in: no #UNITS# token, the units named.
                with open(os.path.join(ctrl, s)) as f:
                    text = f.read()
                assert '#UNITS#' not in text and '@UNITS' not in text, s
                for u in UNITS.get(pkg, []):
                    assert u in text, '%s %s: no %s' % (pkg, s, u)
                sh(['sh', '-n', os.path.join(ctrl, s)])
        with open(os.path.join(self.tmp, 'ctrl-' + UTILS, 'shlibs')) as f:
            assert f.read().startswith('libhvxc 1 %s (>= ' % UTILS)

    def md5sums(self):
        for pkg, deb in self.debs.items():
            tree = os.path.join(self.tmp, 'x-' + pkg)
            sh(['dpkg-deb', '-R', deb, tree])
            listed = {}
            with open(os.path.join(tree, 'DEBIAN', 'md5sums')) as f:
                for line in f:
                    digest, name = line.rstrip('\n').split('  ', 1)
                    listed[name] = digest
            regular = set()
            for top, dirs, names in os.walk(tree):
                dirs[:] = [d for d in dirs if d != 'DEBIAN']
                for n in names:
                    p = os.path.join(top, n)
                    if not os.path.islink(p):
                        regular.add(os.path.relpath(p, tree))
            assert set(listed) == regular, '%s: md5sums lists %s, has %s' % (
                pkg, sorted(listed), sorted(regular))
            for name, digest in listed.items():
                with open(os.path.join(tree, name), 'rb') as f:
                    assert hashlib.md5(f.read()).hexdigest() == digest, name

    def like_install(self):
        """The packages put every file where `make install` does; all but
        the compiled (hardened and stripped) ones and the manual pages
        (compressed) with the same bytes."""
        dest = os.path.join(self.tmp, 'make-install')
        sh(['make', '-s', '--no-print-directory', '-C', ROOT, 'install',
            'debug=n', 'DESTDIR=' + dest])    # the packages' build
        for f in ('/boot/hv-xen-%s.gz' % self.ver, '/etc/grub.d/20_linux_hv'):
            with open(dest + f, 'rb') as a, \
                    open(os.path.join(self.tmp, 'x-' + HV) + f, 'rb') as b:
                assert a.read() == b.read(), f
        packaged = set()
        for pkg, files in self.expected().items():
            packaged.update(files)
        missing = []
        for top, dirs, names in os.walk(dest):
            for n in names:
                f = '/' + os.path.relpath(os.path.join(top, n), dest)
                if f.startswith('/boot/hv-xen-syms-'):
                    continue    # /usr/lib/debug/boot in the package
                man = f.startswith('/usr/share/man/')
                f = f.replace('/doc/hv-xen/', '/doc/%s/' % DEV)
                if (f + '.gz' if man else f) not in packaged:
                    missing.append(f)
                    continue
                if man or os.path.islink(os.path.join(top, n)) or \
                        f.endswith('.a'):
                    continue
                pkg = [p for p, fs in self.expected().items() if f in fs][0]
                with open(os.path.join(top, n), 'rb') as a:
                    data = a.read()
                if data[:4] == b'\x7fELF':
                    continue
                with open(os.path.join(self.tmp, 'x-' + pkg) + f, 'rb') as b:
                    assert data == b.read(), f
        assert not missing, 'make install has, no package has: %s' % missing

    def dev(self):
        """hv-dev with hv-utils is enough to build a program on libhvxc
        (pkg-config hvxc) and the XenAPI C binding (xml2-config)."""
        if not shutil.which('cc') or not shutil.which('pkg-config'):
            return 'no cc or pkg-config'
        tree = os.path.join(self.tmp, 'dev-tree')
        for pkg in (DEV, UTILS):
            sh(['dpkg-deb', '-x', self.debs[pkg], tree])
        src = os.path.join(self.tmp, 'dev.c')
        with open(src, 'w') as f:
            f.write('#include <hvxc.h>\n#include <xenapi.h>\n'
                    'int main(void)\n{\n'
                    '    xc_interface *xch = xc_interface_open(NULL, NULL);\n'
                    '    xenapi_session_free(NULL);\n'
                    '    return !xch;\n}\n')
        env = dict(os.environ, PKG_CONFIG_SYSROOT_DIR=tree,
                   PKG_CONFIG_LIBDIR=tree + '/usr/lib/x86_64-linux-gnu/'
                   'pkgconfig')
        pc = sh(['pkg-config', '--cflags', '--libs', 'hvxc'], env=env).split()
        xml = sh(['sh', '-c', 'xml2-config --cflags --libs || '
                  'echo -I/usr/include/libxml2 -lxml2']).split()
        sh(['cc', '-std=gnu11', '-Wall', '-Werror', '-I' + tree +
            '/usr/include', src, '-o', os.path.join(self.tmp, 'dev'),
            tree + '/usr/lib/x86_64-linux-gnu/libxenapi.a'] + pc + xml)

    def install(self):
        for d in ('updates', 'info', 'triggers'):
            os.makedirs(self.r('/var/lib/dpkg/' + d))
        for f in ('status', 'available'):
            open(self.r('/var/lib/dpkg/' + f), 'w').close()
        # Debian's xenstore-utils first, when apt has it: ours must not
        # clash with its files.
        cached = sorted(n for n in os.listdir('/var/cache/apt/archives')
                        if n.startswith('xenstore-utils_')) \
            if os.path.isdir('/var/cache/apt/archives') else []
        if cached:
            self.dpkg('--force-depends', '-i', os.path.join(
                '/var/cache/apt/archives', cached[-1]))
        self.dpkg('--force-depends', '-i', *[self.debs[p] for p in ALL])
        for pkg in ALL:
            assert self.status(pkg) == 'installed', \
                '%s: %s' % (pkg, self.status(pkg))
        for pkg, files in self.expected().items():
            for f in files:
                assert os.path.lexists(self.r(f)), 'missing ' + f
        assert os.access(self.r('/etc/grub.d/20_linux_hv'), os.X_OK)
        assert os.path.realpath(self.r('/usr/bin/xs-read')) == \
            self.r('/usr/bin/xs-tool')
        for u in sum(UNITS.values(), []):
            want = self.r('/etc/systemd/system/multi-user.target.wants/' + u)
            assert os.path.islink(want), u + ' not enabled'
            assert os.readlink(want) == '/lib/systemd/system/' + u
        assert not self.stub_calls(), 'scripts ran %s for a --root install' \
            % self.stub_calls()
        if not cached:
            return 'installed; no cached xenstore-utils .deb to check ' \
                'coexistence with'

    def menuentry(self):
        boot = self.r('/boot')
        open(os.path.join(boot, 'vmlinuz-6.1.0-13-amd64'), 'w').close()
        env = {k: v for k, v in os.environ.items()
               if not k.startswith('GRUB_')}
        env.update(HV_BOOT_DIR=boot, HV_GRUB_BOOT_PATH='/boot',
                   PATH=self.path)
        out = sh([self.r('/etc/grub.d/20_linux_hv')], env=env)
        img = 'hv-xen-%s.gz' % self.ver
        m = re.search(r"^menuentry '[^']*' .*\{\n(.*?)^\}", out, re.S | re.M)
        assert m, 'no menuentry in:\n' + out
        assert re.search(r'^\s*multiboot2 /boot/%s ' % re.escape(img),
                         m.group(1), re.M), m.group(1)
        assert re.search(r'^\s*module2 /boot/vmlinuz-6.1.0-13-amd64 ',
                         m.group(1), re.M), m.group(1)
        os.unlink(os.path.join(boot, 'vmlinuz-6.1.0-13-amd64'))

    def daemon(self):
        """The installed (hardened, stripped) xenstored serves xs-write and
        xs-read."""
        sock = os.path.join(self.tmp, 'xs.sock')
        env = dict(os.environ, XENSTORED_PATH=sock)
        d = subprocess.Popen([self.r('/usr/sbin/xenstored'), '--no-persist'],
                             env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        try:
            for _ in range(100):
                if os.path.exists(sock):
                    break
                time.sleep(0.02)
            else:
                raise AssertionError('no socket from xenstored')
            sh([self.r('/usr/bin/xs-write'), '/deb/test', 'it works'],
               env=env)
            got = sh([self.r('/usr/bin/xs-read'), '/deb/test'], env=env)
            assert got.strip() == 'it works', got
        finally:
            d.terminate()
            d.wait(5)
        assert d.returncode == 0, 'xenstored exited %d' % d.returncode

    def grub_hook(self):
        """postinst configure and postrm remove run update-grub on a system
        with /boot/grub, as Debian's hypervisor packages do."""
        if not shutil.which('unshare'):
            return 'no unshare(1) for a private /boot'
        ctrl = os.path.join(self.tmp, 'ctrl-' + HV)
        fake = os.path.join(self.tmp, 'fakeboot')
        os.makedirs(os.path.join(fake, 'grub'))
        script = ('set -e; mount --bind "$1" /boot; mountpoint -q /boot; '
                  '[ -d /boot/grub ]; '
                  'sh "$2/postinst" configure; sh "$2/postrm" remove')
        env = dict(os.environ, PATH=self.path)
        env.pop('DPKG_ROOT', None)
        p = subprocess.run(['unshare', '-m', '--propagation', 'private',
                            'sh', '-c', script, 'sh', fake, ctrl], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        calls = self.stub_calls()
        if os.path.exists(self.stub_log):
            os.unlink(self.stub_log)
        if p.returncode and not calls:
            return 'no private mount namespace here: %s' % \
                p.stdout.decode().strip()[-200:]
        assert calls == ['update-grub ', 'update-grub '], calls

    def remove(self):
        self.dpkg('-r', *ALL)
        for pkg in ALL:
            # Kept for purge: conffiles, or a postrm to run then.
            want = 'not-installed' if pkg == DEV else 'config-files'
            assert self.status(pkg) == want, \
                '%s: %s' % (pkg, self.status(pkg))
        conf = sum((self.conffiles(p) for p in ALL), [])
        for pkg, files in self.expected().items():
            for f in files:
                # A removed package's conffiles stay until purge.
                if f not in conf:
                    assert not os.path.lexists(self.r(f)), 'left ' + f
        for f in conf:
            assert os.path.exists(self.r(f)), f
        self.dpkg('-P', *ALL)
        for pkg in ALL:
            assert self.status(pkg) == 'not-installed', \
                '%s: %s' % (pkg, self.status(pkg))
        # Whatever is left is Debian's xenstore-utils (if installed here).
        others = set()
        if self.status('xenstore-utils') == 'installed':
            others = set(sh(['dpkg-query', '--admindir=' + self.r(
                '/var/lib/dpkg'), '-L', 'xenstore-utils']).split())
        left = []
        for top, dirs, names in os.walk(self.root):
            if top.startswith(self.r('/var/lib/dpkg')):
                continue
            left += ['/' + os.path.relpath(os.path.join(top, n), self.root)
                     for n in names]
        left = sorted(set(left) - others)
        assert not left, 'left after purge: %s' % left
        assert not self.stub_calls(), self.stub_calls()

    def reproducible(self):
        """A second build of the same tree gives the same bytes."""
        again = os.path.join(self.tmp, 'again')
        sh([MKDEB, '--out', again, '--hv-version', self.ver])
        for pkg, deb in self.debs.items():
            other = os.path.join(again, os.path.basename(deb))
            with open(deb, 'rb') as a, open(other, 'rb') as b:
                assert a.read() == b.read(), pkg + ' differs'

    def missing_hv(self):
        """Without a built hypervisor mkdeb says what is missing and
        builds nothing."""
        out = os.path.join(self.tmp, 'bad')
        empty = os.path.join(self.tmp, 'empty')
        os.makedirs(empty)
        p = subprocess.run([MKDEB, '--out', out, '--hv-version', self.ver,
                            '--xen-dir', empty], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
        msg = p.stdout.decode()
        assert p.returncode != 0, 'exit status 0'
        assert 'xen.gz' in msg and 'make xen' in msg, msg
        assert not [n for n in os.listdir(out) if n.endswith('.deb')]


def main():
    if not shutil.which('dpkg-deb') or not shutil.which('dpkg'):
        report('SKIP', 'all', 'dpkg-deb not installed')
        return CASES.summary()
    tmp = tempfile.mkdtemp(prefix='hv-deb-test.')
    try:
        s = Suite(tmp)
        if case('make deb builds its five packages', s.build):
            case('control fields', s.control)
            case('contents, modes and owners', s.contents)
            case('md5sums', s.md5sums)
            case('same files as make install', s.like_install)
            case('rebuild gives the same bytes', s.reproducible)
            case('hv-dev builds a program', s.dev)
            if case('dpkg --root install', s.install):
                case('grub.d script offers the installed image', s.menuentry)
                case('installed xenstored and xs-* tools work', s.daemon)
                case('postinst/postrm run update-grub', s.grub_hook)
                case('remove and purge leave nothing', s.remove)
        case('mkdeb without a built hypervisor', s.missing_hv)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return CASES.summary()


if __name__ == '__main__':
    sys.exit(main())
