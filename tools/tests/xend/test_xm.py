# SPDX-License-Identifier: GPL-2.0-only
"""xm against xend on the fake backend: config files, output formats, the
lifecycle commands, over the legacy socket and over XenAPI."""
import os
import re
import shutil
import socket
import subprocess

from harness import case, check, Env, Skip, XM
HEADER = ('Name                                      ID   Mem VCPUs      '
          'State   Time(s)')


def xm(env, *args, ok=True, xenapi=False):
    argv = [XM] + (['--xenapi'] if xenapi else []) + list(args)
    p = subprocess.run(argv, env=env.env(), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60,
                       universal_newlines=True)
    if ok:
        check(p.returncode == 0, 'xm %s: %s %s' % (' '.join(args),
                                                  p.returncode, p.stderr))
    else:
        check(p.returncode != 0, 'xm %s should fail' % ' '.join(args))
        check(p.stderr.startswith('Error: '), 'stderr %r' % p.stderr)
    return p.stdout if ok else p.stderr


def write_cfg(env, name, body):
    path = os.path.join(env.dir, name + '.cfg')
    with open(path, 'w') as f:
        f.write(body.replace('KERNEL', env.kernel))
    return path


GOOD = '''# a small guest
kernel = "KERNEL"
memory = 256
vcpus = 2
name = "%s"
disk = ['phy:/dev/vg/guest,xvda,w', 'file:/tmp/cd.iso,xvdc:cdrom,r']
vif = ['bridge=xenbr0,mac=00:16:3e:11:22:33', '']
root = "/dev/xvda1 ro"
extra = "console=hvc0"
on_crash = 'preserve'
'''


def rows(out):
    lines = out.splitlines()
    check(lines[0] == HEADER, 'header %r' % lines[0])
    out = {}
    for line in lines[1:]:
        m = re.match(r'^(.{40}) (.{3}) (.{5}) (.{5}) (.{10}) (.{8,})$', line)
        check(m is not None, 'row layout %r' % line)
        out[m.group(1).strip()] = [g.strip() for g in m.groups()[1:]]
    return out


@case
def config_errors_name_key_and_line():
    env = Env()
    try:
        bad = [
            ('mem0', 'kernel = "KERNEL"\nname = "a"\nmemory = 0\n',
             r'mem0\.cfg:3: memory must be a positive'),
            ('vcpu0', 'kernel = "KERNEL"\nvcpus = 0\n',
             r'vcpu0\.cfg:2: vcpus must be 1\.\.128'),
            ('nokernel', 'memory = 64\nname = "b"\n', r'kernel: missing'),
            ('unknown', 'kernel = "KERNEL"\n\nfrobnicate = 3\n',
             r'unknown\.cfg:3: frobnicate is not a known config key'),
            ('nofile', 'kernel = "/no/such/kernel"\n',
             r'nofile\.cfg:1: kernel .*no such file'),
            ('syntax', 'kernel = "KERNEL"\nmemory = = 3\n',
             r'syntax\.cfg:2: syntax error'),
            ('imp', 'import os\nkernel = "KERNEL"\n',
             r'imp\.cfg:1: import is not allowed'),
            ('disk', 'kernel = "KERNEL"\ndisk = ["phy:/dev/x,xvda"]\n',
             r'disk\.cfg:2: disk .*UNAME,VDEV,MODE'),
            ('vif', 'kernel = "KERNEL"\nvif = ["colour=blue"]\n',
             r'vif\.cfg:2: vif .*colour'),
            ('onpo', 'kernel = "KERNEL"\non_poweroff = "explode"\n',
             r'onpo\.cfg:2: on_poweroff'),
            ('mem', 'kernel = "KERNEL"\nmemory = "lots"\n',
             r'mem\.cfg:2: memory must be a number'),
            ('pci', 'kernel = "KERNEL"\npci = ["00:1b.0"]\n',
             r'pci\.cfg:2: pci is not supported'),
            ('hvm', 'kernel = "KERNEL"\nbuilder = "hvm"\n',
             r'hvm\.cfg:2: builder'),
            ('div', 'kernel = "KERNEL"\n\nmemory = 1 // 0\n',
             r'div\.cfg:3: ZeroDivisionError'),
        ]
        for name, body, want in bad:
            err = xm(env, 'create', write_cfg(env, name, body), ok=False)
            check(re.search(want, err), '%s: %r' % (name, err))
        out = xm(env, 'list')
        check(list(rows(out)) == ['Domain-0'], 'nothing created')
        check(len(env.backend.doms) == 1, 'no domain built')
    finally:
        env.close()


@case
def create_list_layout():
    env = Env()
    try:
        out = xm(env, 'create', write_cfg(env, 'g', GOOD % 'guest1'))
        check(out == 'Started domain guest1\n', out)
        out = xm(env, 'list')
        r = rows(out)
        check(r['Domain-0'][:4] == ['0', '1024', '2', 'r-----'], r)
        check(r['guest1'][0] == '1' and r['guest1'][1] == '256' and
              r['guest1'][2] == '2' and r['guest1'][3] == 'r-----', r)
        line = [x for x in out.splitlines() if x.startswith('guest1')][0]
        check(re.match(r'^guest1 {34}   1   256     2     r----- +\d+\.\d$',
                       line), 'exact row %r' % line)
        out = xm(env, 'list', '--long', 'guest1')
        check(out.startswith('(domain'), out[:50])
        for want in ('(domid 1)', '(name guest1)', '(memory 256)',
                     '(on_crash preserve)', "(args 'root=/dev/xvda1 ro "
                     "console=hvc0')", '(uname phy:/dev/vg/guest)',
                     '(dev xvda:disk)', '(dev xvdc:cdrom)',
                     '(mac 00:16:3e:11:22:33)', '(state r-----)'):
            check(want in out, '%s in --long' % want)
        err = xm(env, 'list', 'nosuch', ok=False)
        check("Domain 'nosuch' does not exist." in err, err)
        check(xm(env, 'domid', 'guest1') == '1\n', 'domid')
        check(xm(env, 'domname', '1') == 'guest1\n', 'domname')
        err = xm(env, 'create', write_cfg(env, 'g', GOOD % 'guest1'),
                 ok=False)
        check('exists' in err, 'duplicate name: %r' % err)
        out = xm(env, 'create', '-n', write_cfg(env, 'd', GOOD % 'dry'))
        check(out.startswith('(vm') and '(name dry)' in out, 'dry run')
        check('dry' not in rows(xm(env, 'list')), 'dry run creates nothing')
        out = xm(env, 'create', write_cfg(env, 'o', GOOD % 'over'),
                 'memory=128', 'name=over2', 'vcpus=1')
        r = rows(xm(env, 'list'))
        check(r['over2'][1:3] == ['128', '1'], 'overrides win: %s' % r)
    finally:
        env.close()


@case
def lifecycle_commands():
    env = Env()
    try:
        xm(env, 'create', '-p', write_cfg(env, 'g', GOOD % 'g'))
        check(rows(xm(env, 'list'))['g'][3] == '--p---', 'created paused')
        xm(env, 'unpause', 'g')
        check(rows(xm(env, 'list'))['g'][3] == 'r-----', 'unpaused')
        xm(env, 'pause', 'g')
        check(rows(xm(env, 'list'))['g'][3] == '--p---', 'paused')
        xm(env, 'unpause', '1')
        xm(env, 'mem-set', 'g', '128m')
        check(rows(xm(env, 'list'))['g'][1] == '128', 'mem-set')
        err = xm(env, 'mem-set', 'g', '1g', ok=False)
        check('static_max' in err, 'mem-set above max: %r' % err)
        xm(env, 'mem-max', 'g', '1024')
        xm(env, 'mem-set', 'g', '512')
        check(rows(xm(env, 'list'))['g'][1] == '512', 'after mem-max')
        xm(env, 'vcpu-set', 'g', '1')
        check(rows(xm(env, 'list'))['g'][2] == '1', 'vcpu-set')
        xm(env, 'vcpu-set', 'g', '2')
        xm(env, 'vcpu-pin', 'g', '1', '0-3,^1')
        out = xm(env, 'vcpu-list', 'g')
        lines = out.splitlines()
        check(lines[0] == 'Name                              ID  VCPU   '
              'CPU State   Time(s) CPU Affinity', lines[0])
        check(lines[1].endswith('any cpu') and lines[2].endswith('0,2-3'),
              out)
        check(re.match(r'^g {31}   1     0     0   r--       0\.0 any cpu$',
                       lines[1]), 'vcpu row %r' % lines[1])
        xm(env, 'sched-credit', '-d', 'g', '-w', '512')
        xm(env, 'sched-credit', '-d', 'g', '-c', '25')
        out = xm(env, 'sched-credit', '-d', 'g').splitlines()
        check(out[0] == 'Name                              ID Weight Cap ',
              repr(out[0]))
        check(out[-1].split()[-2:] == ['512', '25'], out[-1])
        err = xm(env, 'sched-credit', '-d', 'g', '-w', '0', ok=False)
        check('weight' in err, err)
        err = xm(env, 'destroy', '0', ok=False)
        check('domain 0' in err, err)
        err = xm(env, 'pause', 'Domain-0', ok=False)
        check('domain 0' in err, err)
        old = rows(xm(env, 'list'))['g'][0]
        out = xm(env, 'reboot', '-w', 'g')
        check(out == 'Domain g rebooted\n', out)
        check(rows(xm(env, 'list'))['g'][0] != old, 'new domid')
        out = xm(env, 'shutdown', '-w', 'g')
        check(out == 'Domain g terminated\n', out)
        check('g' not in rows(xm(env, 'list')), 'transient gone')
        xm(env, 'create', write_cfg(env, 'g', GOOD % 'h'))
        xm(env, 'destroy', 'h')
        check('h' not in rows(xm(env, 'list')), 'destroyed')
        xm(env, 'create', write_cfg(env, 'g', GOOD % 'a1'))
        xm(env, 'create', write_cfg(env, 'g', GOOD % 'a2'))
        xm(env, 'shutdown', '-a', '-w')
        check(list(rows(xm(env, 'list'))) == ['Domain-0'], 'shutdown -a')
        check(len(env.backend.doms) == 1, 'backend empty')
    finally:
        env.close()


@case
def info_dmesg_uptime_devices():
    env = Env()
    try:
        out = xm(env, 'info')
        keys = [line[:23].rstrip() for line in out.splitlines()]
        check(keys[:4] == ['host', 'release', 'version', 'machine'], keys)
        check(keys[-1] == 'xend_config_format', keys[-1])
        vals = dict((line[:23].rstrip(), line[25:])
                    for line in out.splitlines())
        for k in ('cores_per_socket', 'threads_per_core', 'cpu_mhz',
                  'total_memory', 'free_memory', 'xen_major', 'xen_minor',
                  'xen_pagesize'):
            check(vals[k].isdigit(), '%s digits: %r' % (k, vals[k]))
        check(vals['cc_compiler'].startswith('gcc version'), 'cc_compiler')
        check(re.match(r'^host {19}: ', out), 'info layout')
        check('fake hypervisor' in xm(env, 'dmesg'), 'dmesg')
        xm(env, 'dmesg', '-c')
        check(xm(env, 'dmesg') == '', 'dmesg cleared')
        xm(env, 'create', write_cfg(env, 'g', GOOD % 'up'))
        out = xm(env, 'uptime').splitlines()
        check(out[0] == 'Name                              ID Uptime', out)
        check(re.match(r'^up {30}   1  0:00:0\d$', out[-1]), repr(out[-1]))
        check('xend started' in xm(env, 'log'), 'log')
        out = xm(env, 'block-list', 'up')
        check(out.count('(vbd') == 2, out)
        xm(env, 'block-attach', 'up', 'phy:/dev/vg/x', 'xvdb', 'w')
        check(xm(env, 'block-list', 'up').count('(vbd') == 3, 'attached')
        xm(env, 'block-detach', 'up', 'xvdb')
        check(xm(env, 'block-list', 'up').count('(vbd') == 2, 'detached')
        xm(env, 'network-attach', 'up', 'bridge=xenbr0')
        check(xm(env, 'network-list', 'up').count('(vif') == 3, 'vif added')
        xm(env, 'network-detach', 'up', '2')
        check(xm(env, 'network-list', 'up').count('(vif') == 2, 'vif gone')
        xm(env, 'rename', 'up', 'down')
        check('down' in rows(xm(env, 'list')), 'renamed')
        xm(env, 'sysrq', 'down', 's')
        err = xm(env, 'frobnicate', ok=False)
        check('not found' in err, err)
        xm(env, 'li')  # a unique prefix works
    finally:
        env.close()


@case
def managed_new_start_delete():
    env = Env()
    try:
        xm(env, 'new', write_cfg(env, 'm', GOOD % 'managed'))
        r = rows(xm(env, 'list'))
        check(r['managed'][0] == '' and r['managed'][3] == '',
              'halted managed row: %s' % r['managed'])
        xm(env, 'start', 'managed')
        check(rows(xm(env, 'list'))['managed'][3] == 'r-----', 'started')
        err = xm(env, 'delete', 'managed', ok=False)
        check('Halted' in err, err)
        xm(env, 'shutdown', '-w', 'managed')
        check(rows(xm(env, 'list'))['managed'][0] == '', 'stays, halted')
        env.restart(new_hypervisor=True)
        check('managed' in rows(xm(env, 'list')), 'survives xend restart')
        xm(env, 'start', '-p', 'managed')
        check(rows(xm(env, 'list'))['managed'][3] == '--p---', 'paused')
        xm(env, 'destroy', 'managed')
        xm(env, 'delete', 'managed')
        check('managed' not in rows(xm(env, 'list')), 'deleted')
        check(os.listdir(os.path.join(env.dir, 'lib', 'domains')) == [],
              'config removed')
    finally:
        env.close()


@case
def xenapi_mode():
    env = Env()
    try:
        out = xm(env, 'list', xenapi=True)
        check(list(rows(out)) == ['Domain-0'], out)
        xm(env, 'create', write_cfg(env, 'g', GOOD % 'api'), xenapi=True)
        r = rows(xm(env, 'list', xenapi=True))
        check(r['api'][:4] == ['1', '256', '2', 'r-----'], r)
        check(rows(xm(env, 'list'))['api'][:2] == ['1', '256'],
              'same VM over legacy')
        xm(env, 'pause', 'api', xenapi=True)
        check(rows(xm(env, 'list'))['api'][3] == '--p---', 'paused')
        xm(env, 'unpause', 'api', xenapi=True)
        xm(env, 'mem-set', 'api', '200', xenapi=True)
        check(rows(xm(env, 'list'))['api'][1] == '200', 'mem-set')
        xm(env, 'vcpu-pin', 'api', '0', '2', xenapi=True)
        check(xm(env, 'vcpu-list', 'api').splitlines()[1].endswith(' 2'),
              'pinned')
        xm(env, 'sched-credit', '-d', 'api', '-w', '300', xenapi=True)
        check(xm(env, 'sched-credit', '-d', 'api', xenapi=True)
              .splitlines()[-1].split()[-2:] == ['300', '0'], 'credit')
        check('xen_major' in xm(env, 'info', xenapi=True), 'info')
        xm(env, 'shutdown', 'api', xenapi=True)
        check('api' not in rows(xm(env, 'list')), 'transient VM gone')
        xm(env, 'new', write_cfg(env, 'g', GOOD % 'mapi'), xenapi=True)
        xm(env, 'start', 'mapi', xenapi=True)
        err = xm(env, 'start', 'mapi', ok=False, xenapi=True)
        check('must be Halted' in err, err)
        xm(env, 'destroy', 'mapi', xenapi=True)
        xm(env, 'delete', 'mapi', xenapi=True)
        check(list(rows(xm(env, 'list'))) == ['Domain-0'], 'all gone')
    finally:
        env.close()


@case
def xend_not_running():
    env = Env()
    env.close()
    err = xm(env, 'list', ok=False)
    check('Unable to connect to xend' in err, err)


@case
def virsh_oracle():
    """Debian's libvirt reads our config files the way we do."""
    virsh = shutil.which('virsh')
    if virsh is None:
        raise Skip('virsh is not installed (libvirt-clients)')
    env = Env()
    try:
        path = write_cfg(env, 'v', GOOD % 'oracle')
        p = subprocess.run([virsh, '-c', 'xen:///system',
                            'domxml-from-native', 'xen-xm', path],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=30)
        if p.returncode != 0:
            raise Skip("libvirt's xen driver is unavailable off a Xen dom0: "
                       '%s' % p.stderr.strip().splitlines()[-1])
        x = p.stdout
        check('<name>oracle</name>' in x, 'name')
        check("<memory unit='KiB'>262144</memory>" in x, 'memory')
        check('<vcpu' in x and '>2</vcpu>' in x, 'vcpus')
        check("dev='/dev/vg/guest'" in x and "dev='xvda'" in x, 'disk')
        check("address='00:16:3e:11:22:33'" in x, 'mac')
        check('<on_crash>preserve</on_crash>' in x, 'on_crash')
    finally:
        env.close()


class ConsoleStore(object):
    """A xenstored on a unix socket that answers XS_READ of each domain's
    console/tty with the pty a test made: what xm console reads."""

    def __init__(self, path, ttys):
        import threading
        self.ttys = ttys
        self.srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.srv.bind(path)
        self.srv.listen(4)
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        import struct
        from xen.xend import xenstore as X
        while True:
            try:
                c, _ = self.srv.accept()
            except OSError:
                return
            with c:
                hdr = c.recv(X.HEADER.size, socket.MSG_WAITALL)
                if len(hdr) < X.HEADER.size:
                    continue
                op, rid, tx, n = X.HEADER.unpack(hdr)
                path = c.recv(n, socket.MSG_WAITALL).rstrip(b'\0').decode()
                m = re.match(r'^/local/domain/(\d+)/console/tty$', path)
                if op == X.XS_READ and m and int(m.group(1)) in self.ttys:
                    body = self.ttys[int(m.group(1))].encode()
                else:
                    op, body = X.XS_ERROR, b'ENOENT\0'
                c.sendall(struct.pack('<IIII', op, rid, tx, len(body)) +
                          body)

    def close(self):
        self.srv.close()


def read_until(fd, want, timeout=10):
    import select
    got = b''
    while want not in got:
        r, _, _ = select.select([fd], [], [], timeout)
        check(r, 'no %r within %d s, got %r' % (want, timeout, got))
        got += os.read(fd, 4096)
    return got


@case
def console_relays_the_pty():
    """xm console (and create -c) reads the guest's pty from xenstore and
    relays it both ways; Ctrl-] detaches; a domain that is not running
    is a one-line error."""
    import pty
    env = Env()
    master, slave = pty.openpty()
    store = ConsoleStore(os.path.join(env.dir, 'xs.sock'),
                         {1: os.ttyname(slave)})
    os.close(slave)
    e = env.env()
    e['XENSTORED_PATH'] = os.path.join(env.dir, 'xs.sock')
    try:
        for args in (['create', '-c', write_cfg(env, 'g', GOOD % 'con')],
                     ['console', 'con']):
            p = subprocess.Popen([XM] + args, env=e, stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE)
            if args[0] == 'create':
                read_until(p.stdout.fileno(), b'Started domain con\n')
            os.write(master, b'guest says hello\n')
            read_until(p.stdout.fileno(), b'guest says hello')
            p.stdin.write(b'typed\r' + b'\x1d' + b'after detach')
            p.stdin.flush()
            check(p.wait(timeout=10) == 0, 'xm %s: %s' % (
                args[0], p.stderr.read()))
            got = read_until(master, b'typed\r')
            check(b'after' not in got, 'sent past Ctrl-]: %r' % got)
            p.stdin.close()
            p.stdout.close()
            p.stderr.close()
        xm(env, 'new', write_cfg(env, 'g', GOOD % 'off'))
        err = xm(env, 'console', 'off', ok=False)
        check('not running' in err, err)
        err = xm(env, 'console', 'nosuch', ok=False)
        check('does not exist' in err, err)
    finally:
        store.close()
        os.close(master)
        env.close()


@case
def xm_config_xml_picks_the_server():
    from harness import PASSWORD
    env = Env()
    path = os.path.join(env.dir, 'xm-config.xml')
    try:
        with open(path, 'w') as f:
            f.write("<xm><server type='Xen-API' uri='%s' username='root' "
                    "password='%s'/></xm>\n" % (env.url, PASSWORD))
        e = env.env()
        e['XM_CONFIG_FILE'] = path
        e['XM_SERVER'] = 'httpu:///nonexistent'
        p = subprocess.run([XM, 'list'], env=e, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True,
                           timeout=30)
        check(p.returncode == 0 and 'Domain-0' in p.stdout,
              'Xen-API over TCP with a password: %s' % p.stderr)
        with open(path, 'w') as f:
            f.write("<xm><server type='Xen-API' uri='%s' username='root' "
                    "password='wrong'/></xm>\n" % env.url)
        p = subprocess.run([XM, 'list'], env=e, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True,
                           timeout=30)
        check(p.returncode == 1 and 'SESSION_AUTHENTICATION_FAILED' in
              p.stderr, p.stderr)
        with open(path, 'w') as f:
            f.write("<xm><server type='Telepathy'/></xm>")
        p = subprocess.run([XM, 'list'], env=e, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True,
                           timeout=30)
        check(p.returncode == 1 and 'Telepathy' in p.stderr, p.stderr)
    finally:
        env.close()


@case
def xml_configs():
    import shutil as sh
    if sh.which('xmllint') is None:
        raise Skip('xmllint (libxml2-utils) is not installed')
    env = Env()
    try:
        xml = xm(env, 'create', '-x', write_cfg(env, 'x', GOOD % 'fromxml'))
        check(xml.startswith("<?xml") and '<label>fromxml</label>' in xml,
              xml[:200])
        path = os.path.join(env.dir, 'fromxml.xml')
        with open(path, 'w') as f:
            f.write(xml)
        from xen.xm import xmlconfig
        xmlconfig.validate(path)
        err = xm(env, 'create', path, ok=False)
        check('Xen-API mode' in err, err)
        out = xm(env, 'create', path, xenapi=True)
        check(out == 'Started domain fromxml\n', out)
        r = rows(xm(env, 'list'))
        check(r['fromxml'][:4] == ['1', '256', '2', 'r-----'], r)
        out = xm(env, 'list', '--long', 'fromxml')
        for want in ('(uname phy:/dev/vg/guest)', '(dev xvdc:cdrom)',
                     '(mac 00:16:3e:11:22:33)', '(on_crash preserve)',
                     "(args 'root=/dev/xvda1 ro console=hvc0')"):
            check(want in out, '%s in %s' % (want, out))
        xm(env, 'destroy', 'fromxml')
        check('fromxml' not in rows(xm(env, 'list')), 'transient')
        xm(env, 'new', path, xenapi=True)
        check(rows(xm(env, 'list'))['fromxml'][0] == '', 'managed, halted')
        bad = path + '.bad.xml'
        with open(bad, 'w') as f:
            f.write(xml.replace('<memory ', '<mem '))
        err = xm(env, 'create', bad, ok=False, xenapi=True)
        check('does not match create.dtd' in err, err)
        with open(bad, 'w') as f:
            f.write("<?xml version='1.0'?><!DOCTYPE xm [<!ENTITY a 'b'>]>"
                    "<xm/>")
        err = xm(env, 'create', '-s', bad, ok=False, xenapi=True)
        check('entity' in err, err)
    finally:
        env.close()
