# SPDX-License-Identifier: GPL-2.0-only
"""Managed VMs across restarts, on_* actions, failed starts, the legacy
faults, xend-config.sxp, and the xend script as a daemon."""
import os
import signal
import socket
import subprocess
import time
import xmlrpc.client

from harness import case, check, Env, ROOT, PASSWORD, XM
import XenAPI
from xen.xend import sxp
from xen.xend.config import Config, ConfigError

MiB = 1024 * 1024


def api(env):
    s = XenAPI.Session(env.url)
    s.login_with_password('root', PASSWORD)
    return s


def vm_rec(env, name, **kw):
    r = {'name_label': name, 'memory_static_max': str(128 * MiB),
         'memory_dynamic_max': str(128 * MiB),
         'memory_dynamic_min': str(128 * MiB), 'VCPUs_max': '1',
         'PV_kernel': env.kernel}
    r.update(kw)
    return r


@case
def managed_vm_survives_restart():
    env = Env()
    try:
        s = api(env)
        vm = s.xenapi.VM.create(vm_rec(env, 'keep', PV_args='quiet',
                                       other_config={'a': 'b'},
                                       VCPUs_params={'weight': '300'}))
        sr = s.xenapi.SR.get_all()[0]
        vdi = s.xenapi.VDI.create({'SR': sr, 'name_label': 'root',
                                   'virtual_size': '5',
                                   'other_config': {'location': 'phy:/x'}})
        vbd = s.xenapi.VBD.create({'VM': vm, 'VDI': vdi, 'device': 'xvda',
                                   'mode': 'RO', 'type': 'Disk'})
        net = s.xenapi.network.get_all()[0]
        vif = s.xenapi.VIF.create({'VM': vm, 'network': net,
                                   'MAC': '00:16:3e:aa:bb:cc'})
        s.xenapi.VM.set_name_description(vm, 'kept across restarts')
        before = s.xenapi.VM.get_record(vm)
        host = s.xenapi.session.get_this_host(s.handle)
        path = os.path.join(env.dir, 'lib', 'domains', vm, 'config.sxp')
        with open(path) as f:
            saved = sxp.parse_one(f.read())
        check(sxp.child_value(saved, 'name') == 'keep', 'config.sxp')
        env.restart(new_hypervisor=True)
        s = api(env)
        after = s.xenapi.VM.get_record(vm)
        for k in ('name_label', 'name_description', 'memory_static_max',
                  'PV_kernel', 'PV_args', 'other_config', 'VCPUs_params',
                  'VBDs', 'VIFs', 'actions_after_crash'):
            check(after[k] == before[k], '%s: %r != %r' % (k, after[k],
                                                          before[k]))
        check(s.xenapi.VBD.get_record(vbd)['VDI'] == vdi, 'VBD.VDI kept')
        check(s.xenapi.VBD.get_mode(vbd) == 'RO', 'mode kept')
        check(s.xenapi.VIF.get_MAC(vif) == '00:16:3e:aa:bb:cc', 'MAC kept')
        check(s.xenapi.VIF.get_network(vif) == net, 'network kept')
        check(s.xenapi.VDI.get_other_config(vdi) == {'location': 'phy:/x'},
              'VDI kept')
        check(s.xenapi.session.get_this_host(s.handle) == host,
              'host uuid kept')
        s.xenapi.VM.start(vm, False)
        dom = env.backend.doms[int(s.xenapi.VM.get_domid(vm))]
        check(dom['weight'] == 300, 'credit weight applied at start')
        s.xenapi.VM.hard_shutdown(vm)
        s.xenapi.VM.destroy(vm)
        env.restart()
        s = api(env)
        check(len(s.xenapi.VM.get_all()) == 1, 'deleted for good')
    finally:
        env.close()


@case
def running_domains_adopted_after_restart():
    env = Env()
    try:
        s = api(env)
        vm = s.xenapi.VM.create(vm_rec(env, 'live'))
        s.xenapi.VM.start(vm, False)
        t = s.xenapi.VM.create(vm_rec(env, 'tr', other_config={
            'transient': 'True'}))
        s.xenapi.VM.start(t, False)
        env.restart()          # same hypervisor: the domains still run
        s = api(env)
        check(s.xenapi.VM.get_power_state(vm) == 'Running', 'managed runs')
        names = [s.xenapi.VM.get_name_label(r)
                 for r in s.xenapi.VM.get_all()]
        check(sorted(names) == ['Domain-0', 'live', 'tr'], names)
        check(len(env.backend.doms) == 3, 'no domain doubled')
    finally:
        env.close()


@case
def on_actions():
    env = Env()
    try:
        s = api(env)
        b = env.backend
        cases = [('destroy', 'Halted', False), ('restart', 'Running', True),
                 ('preserve', 'Halted', False),
                 ('coredump_and_destroy', 'Halted', False),
                 ('coredump_and_restart', 'Running', True),
                 ('rename_restart', 'Running', True)]
        for action, state, new_domain in cases:
            vm = s.xenapi.VM.create(vm_rec(env, 'c-' + action,
                                           actions_after_crash=action))
            s.xenapi.VM.start(vm, False)
            domid = int(s.xenapi.VM.get_domid(vm))
            b.fake_crash(domid)
            check(s.xenapi.VM.get_power_state(vm) == state,
                  '%s: %s' % (action, s.xenapi.VM.get_power_state(vm)))
            now = int(s.xenapi.VM.get_domid(vm))
            if new_domain:
                check(now not in (-1, domid), '%s: new domain' % action)
            if action == 'preserve':
                check(domid in b.doms and now == domid,
                      'preserved domain kept')
                check(env.xend.domains.state_flags(
                    env.xend.domains.get(vm))[3:5] == 'sc', 'shown crashed')
            if state == 'Running' or action == 'preserve':
                if action == 'preserve':
                    b.domain_destroy(domid)
                else:
                    s.xenapi.VM.hard_shutdown(vm)
        dumps = os.listdir(os.path.join(env.dir, 'dump'))
        check(len(dumps) == 2 and all(d.endswith('.core') for d in dumps),
              'core files %s' % dumps)
        # Reboot follows actions_after_reboot; poweroff the other one.
        vm = s.xenapi.VM.create(vm_rec(env, 'r', actions_after_reboot=
                                       'destroy'))
        s.xenapi.VM.start(vm, False)
        s.xenapi.VM.clean_reboot(vm)
        check(s.xenapi.VM.get_power_state(vm) == 'Halted', 'reboot=destroy')
        vm = s.xenapi.VM.create(vm_rec(env, 'p', actions_after_shutdown=
                                       'restart'))
        s.xenapi.VM.start(vm, False)
        d0 = s.xenapi.VM.get_domid(vm)
        s.xenapi.VM.clean_shutdown(vm)
        check(s.xenapi.VM.get_power_state(vm) == 'Running' and
              s.xenapi.VM.get_domid(vm) != d0, 'poweroff=restart')
        # A guest that crashes as fast as it restarts is left halted.
        vm = s.xenapi.VM.create(vm_rec(env, 'loop'))
        s.xenapi.VM.start(vm, False)
        for _ in range(10):
            d = int(s.xenapi.VM.get_domid(vm))
            if d < 0:
                break
            b.fake_crash(d)
            s.xenapi.VM.get_power_state(vm)
        check(s.xenapi.VM.get_power_state(vm) == 'Halted', 'restart loop')
    finally:
        env.close()


@case
def failed_start_leaves_nothing():
    env = Env()
    try:
        s = api(env)
        vm = s.xenapi.VM.create(vm_rec(env, 'nok', PV_kernel='/no/kernel'))
        try:
            s.xenapi.VM.start(vm, False)
            raise AssertionError('started without a kernel')
        except XenAPI.Failure as f:
            check(f.details[0] == 'INTERNAL_ERROR' and 'kernel' in
                  f.details[1], f.details)
        check(s.xenapi.VM.get_power_state(vm) == 'Halted', 'still halted')
        check(len(env.backend.doms) == 1, 'no half-built domain')
        # The guest "crashes" while being set up: pinning to a CPU that
        # does not exist fails after the domain was built.
        vm = s.xenapi.VM.create(vm_rec(env, 'pin',
                                       VCPUs_params={'cpumap0': '9'}))
        try:
            s.xenapi.VM.start(vm, False)
            raise AssertionError('started with a bad pin')
        except XenAPI.Failure as f:
            check(f.details[0] == 'INTERNAL_ERROR', f.details)
        check(len(env.backend.doms) == 1, 'built domain torn down')
        big = s.xenapi.VM.create(vm_rec(
            env, 'big', memory_static_max=str(8192 * MiB),
            memory_dynamic_max=str(8192 * MiB),
            memory_dynamic_min=str(8192 * MiB)))
        try:
            s.xenapi.VM.start(big, False)
            raise AssertionError('started beyond host memory')
        except XenAPI.Failure as f:
            check('out of memory' in f.details[1], f.details)
    finally:
        env.close()


@case
def legacy_faults_and_calls():
    env = Env()
    try:
        p = xmlrpc.client.ServerProxy(
            'http://x/', transport=XenAPI.UnixTransport(env.legacy_sock))
        try:
            p.xend.domain('nosuch')
            raise AssertionError('no fault')
        except xmlrpc.client.Fault as f:
            check(f.faultCode == 3 and f.faultString == 'nosuch', str(f))
        try:
            p.xend.domain.destroy('Domain-0')
            raise AssertionError('no fault')
        except xmlrpc.client.Fault as f:
            check(f.faultCode == 2, str(f))
        try:
            p.xend.nosuch()
            raise AssertionError('no fault')
        except xmlrpc.client.Fault as f:
            check(f.faultCode == 1, str(f))
        try:
            p.VM.get_all('x')
            raise AssertionError('XenAPI on the legacy socket')
        except xmlrpc.client.Fault as f:
            check(f.faultCode == 1, str(f))
        cfg = ['vm', ['name', 'L'], ['memory', 64], ['vcpus', 1],
               ['image', ['linux', ['kernel', env.kernel]]]]
        r = p.xend.domain.create(cfg)
        check(sxp.child_value(r, 'state') == '--p---', 'created paused')
        p.xend.domain.unpause('L')
        check(p.xend.domains(0) == ['Domain-0', 'L'], 'running names')
        check(p.xend.domain.sched_credit_get('L') ==
              {'weight': 256, 'cap': 0}, 'credit')
        info = p.xend.domain.getVCPUInfo('L')
        check(sxp.child_value(info, 'vcpu_count') == 1, info)
        check('xend.domain.create' in p.system.listMethods(), 'list')
        # The XenAPI socket serves the legacy methods too, as in 3.1.
        q = xmlrpc.client.ServerProxy(
            'http://x/', transport=XenAPI.UnixTransport(env.api_sock))
        check('L' in q.xend.domains(0), 'legacy on xen-api.sock')
    finally:
        env.close()


@case
def xend_config_sxp():
    c = Config('''# comment
(xend-config (version 1))
(logfile /tmp/x.log)
(xen-api-server ((9363 pam '^localhost$') (unix)
                  (127.0.0.1:9367 none '' /k.pem /c.pem)))
(xend-relocation-server yes)
(xend-tcp-xmlrpc-server yes)
(dom0-min-mem 196)
''')
    check(c.api_servers() == [
        ('tcp', ('0.0.0.0', 9363), 'password', ['^localhost$'], None),
        ('unix', '/var/run/xend/xen-api.sock', 'none', [], None),
        ('tcp', ('127.0.0.1', 9367), 'none', [], ('/k.pem', '/c.pem'))],
        c.api_servers())
    check(c.flag('xend-tcp-xmlrpc-server') and c.get('dom0-min-mem') ==
          '196', 'values')
    check(Config('').api_servers() == [
        ('unix', '/var/run/xend/xen-api.sock', 'none', [], None)],
        'default unix')
    for bad, want in (('(frobnicate 1)', 'unknown key frobnicate'),
                      ('(logfile)', 'one value'),
                      ('(xen-api-server ((9363 kerberos)))', 'auth'),
                      ('(xen-api-server ((nine)))', 'listen'),
                      ('(xen-api-server ((9 none x k)))', 'both'),
                      ('(xen-api-server ((9 none "(")))', 'pattern'),
                      ('(xen-api-server ((unix none x)))', 'unix'),
                      ('(logfile /x', 'missing )'), ('x', 'expected')):
        try:
            Config(bad)
            raise AssertionError('%s accepted' % bad)
        except ConfigError as e:
            check(want in str(e), '%s: %s' % (bad, e))


def daemon_env():
    """An Env's directory and config without its in-process xend, for
    tools/xend run as a daemon: (env, environment, the xend script)."""
    env = Env()
    env.close()
    os.makedirs(env.dir)
    with open(env.cfgfile, 'w') as f:
        f.write(env.text)
    return (env, dict(os.environ, XEND_CONFIG=env.cfgfile),
            os.path.join(ROOT, 'tools', 'xend'))


@case
def xend_script_as_daemon():
    env, e, xend = daemon_env()
    try:
        r = subprocess.run([xend, 'start'], env=e, timeout=30)
        check(r.returncode == 0, 'start')
        for _ in range(100):
            if os.path.exists(env.legacy_sock) and \
                    os.path.exists(env.dir + '/xend.pid'):
                break
            time.sleep(0.05)
        r = subprocess.run([xend, 'status'], env=e, timeout=30,
                           stdout=subprocess.PIPE, universal_newlines=True)
        check(r.returncode == 0 and 'running' in r.stdout, r.stdout)
        out = subprocess.run([XM, 'list'],
                             env=env.env(), stdout=subprocess.PIPE,
                             universal_newlines=True, timeout=30).stdout
        check('Domain-0' in out, out)
        check(oct(os.stat(env.api_sock).st_mode & 0o777) == '0o600',
              'socket mode')
        with open(env.dir + '/xend.pid') as f:
            old = int(f.read())
        r = subprocess.run([xend, 'restart'], env=e, timeout=30)
        check(r.returncode == 0, 'restart')
        pid = old
        for _ in range(100):
            try:
                with open(env.dir + '/xend.pid') as f:
                    pid = int(f.read())
            except (OSError, ValueError):
                pass
            if pid != old and os.path.exists(env.legacy_sock):
                break
            time.sleep(0.05)
        check(pid != old, 'a new xend')
        out = subprocess.run([XM, 'list'],
                             env=env.env(), stdout=subprocess.PIPE,
                             universal_newlines=True, timeout=30).stdout
        check('Domain-0' in out, 'after restart: %s' % out)
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            if not os.path.exists(env.dir + '/xend.pid'):
                break
            time.sleep(0.05)
        check(not os.path.exists(env.legacy_sock), 'sockets removed')
        with open(env.dir + '/log/xend.log') as f:
            log = f.read()
        check('xend started' in log and 'xend stopped' in log, 'xend.log')
        bad = env.cfgfile + '.bad'
        with open(bad, 'w') as f:
            f.write('(nonsense yes)\n')
        r = subprocess.run([xend, 'foreground'],
                           env=dict(e, XEND_CONFIG=bad), timeout=30,
                           stderr=subprocess.PIPE, universal_newlines=True)
        check(r.returncode == 1 and 'unknown key nonsense' in r.stderr,
              r.stderr)
        real = env.cfgfile + '.real'
        with open(real, 'w') as f:
            f.write(env.text.replace('(xend-backend fake)',
                                     '(xend-backend real)'))
        r = subprocess.run([xend, 'foreground'],
                           env=dict(e, XEND_CONFIG=real,
                                    HVXC_LIB=env.dir + '/no-libhvxc.so'),
                           timeout=30, stderr=subprocess.PIPE,
                           universal_newlines=True)
        check(r.returncode == 1 and 'libhvxc' in r.stderr, r.stderr)
    finally:
        subprocess.run([xend, 'stop'], env=e, timeout=30)
        import shutil
        shutil.rmtree(env.dir, ignore_errors=True)


@case
def sighup_reloads_listeners():
    from harness import free_port
    env, e, xend = daemon_env()
    pidfile = env.dir + '/xend.pid'

    def answers(url):
        # The password file went with the first Env: a refused login
        # still shows who listens.
        try:
            XenAPI.Session(url, timeout=2).login_with_password('root', 'x')
            return True
        except XenAPI.Failure:
            return True
        except OSError:
            return False

    def wait_for(cond):
        for _ in range(100):
            if cond():
                return True
            time.sleep(0.05)
        return False
    try:
        check(subprocess.run([xend, 'start'], env=e, timeout=30)
              .returncode == 0, 'start')
        check(wait_for(lambda: os.path.exists(pidfile) and
                       answers(env.url)), 'first listener')
        with open(pidfile) as f:
            pid = int(f.read())
        port = free_port()
        with open(env.cfgfile, 'w') as f:
            f.write(env.text.replace(
                '(xen-api-server ((unix) (127.0.0.1:%d password)))'
                % env.port, '(xen-api-server ((unix) (127.0.0.1:%d '
                'password)))' % port))
        os.kill(pid, signal.SIGHUP)
        new = 'http://127.0.0.1:%d/' % port
        check(wait_for(lambda: answers(new)), 'new listener after SIGHUP')
        check(not answers(env.url), 'old listener closed')
        with open(env.cfgfile, 'w') as f:
            f.write('(this is not a key)\n')
        os.kill(pid, signal.SIGHUP)
        time.sleep(0.5)
        check(answers(new), 'a bad config keeps the old listeners')
        with open(env.dir + '/log/xend.log') as f:
            check('reload failed' in f.read(), 'logged')
    finally:
        try:
            with open(pidfile) as f:
                os.kill(int(f.read()), signal.SIGTERM)
        except (OSError, ValueError):
            pass
        time.sleep(0.3)
        import shutil
        shutil.rmtree(env.dir, ignore_errors=True)


@case
def real_backend_xenstore():
    """RealBackend's xenstore calls against tools/xenstore's xenstored;
    what it cannot do yet says what it waits on."""
    import shutil
    import tempfile
    from harness import Skip
    from xen.xend import backend
    from xen.xend.xenstore import XenstoreError
    d = tempfile.mkdtemp(prefix='xend-xs-')
    try:
        b = subprocess.run(['make', '-s', '-C',
                            os.path.join(ROOT, 'tools', 'xenstore'),
                            'O=' + d, d + '/xenstored'],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if b.returncode:
            raise Skip('tools/xenstore did not build: %s'
                       % b.stdout.decode()[-200:])
        sock = d + '/socket'
        p = subprocess.Popen([d + '/xenstored', '--socket', sock,
                              '--no-persist'], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        try:
            # The socket file exists from bind(), before listen(): wait
            # until a connection is taken.
            for _ in range(100):
                try:
                    with socket.socket(socket.AF_UNIX) as probe:
                        probe.connect(sock)
                    break
                except OSError:
                    time.sleep(0.05)
            os.environ['XENSTORED_PATH'] = sock
            rb = backend.RealBackend()
            rb.xs_write('/local/domain/7/name', 'guest')
            rb.xs_write('/local/domain/7/memory/target', 262144)
            check(rb.xs_read('/local/domain/7/name') == 'guest', 'read')
            check(sorted(rb.xs_list('/local/domain/7')) ==
                  ['memory', 'name'], 'list')
            rb.set_memory_target(7, 131072)
            check(rb.xs_read('/local/domain/7/memory/target') == '131072',
                  'balloon target')
            rb.domain_shutdown(7, 'poweroff')
            check(rb.xs_read('/local/domain/7/control/shutdown') ==
                  'poweroff', 'shutdown request')
            for i in range(3):
                rb.xs_write('/local/domain/7/cpu/%d/availability' % i,
                            'online')
            rb.set_vcpus_online(7, 2)
            check([rb.xs_read('/local/domain/7/cpu/%d/availability' % i)
                   for i in range(3)] == ['online', 'online', 'offline'],
                  'vcpus')
            try:
                rb.set_vcpus_online(7, 4)
                raise AssertionError('4 of 3 vcpus')
            except backend.BackendError:
                pass
            rb.xs_rm('/local/domain/7')
            try:
                rb.xs_read('/local/domain/7/name')
                raise AssertionError('read a removed node')
            except backend.BackendError as e:
                check('ENOENT' in str(e), str(e))
            # The nodes and permissions domain_create writes.
            rb._xs_call('mkdir', '/local/domain/8/device')
            rb._xs_call('set_perms', '/local/domain/8/device',
                        [(8, 'n'), (0, 'r')])
            check(rb.xs_read('/local/domain/8/device') == '', 'mkdir')
            # Requests sent at once in a transaction: every reply read in
            # order, a failing one raised after the others, the
            # connection still in step.
            rb._xs_transaction([('mkdir', ('/local/domain/9',)),
                                ('write', ('/local/domain/9/name', 'b')),
                                ('set_perms', ('/local/domain/9',
                                               [(0, 'n'), (9, 'r')]))],
                               '/local/domain/9')
            check(rb.xs_read('/local/domain/9/name') == 'b', 'batch')
            try:
                rb._xs().batch([('write', ('/local/domain/9/a', '1')),
                                ('write', ('bad path', '2')),
                                ('write', ('/local/domain/9/c', '3'))])
                raise AssertionError('a relative path written')
            except XenstoreError as e:
                check(e.errno_name == 'EINVAL', str(e))
            check(sorted(rb.xs_list('/local/domain/9')) == ['a', 'c', 'name'],
                  'the batch around the failure')
            many = rb._xs().ls_many(['/local/domain/9', '/local/domain/99',
                                     '/local/domain/8'])
            check(sorted(many[0]) == ['a', 'c', 'name'] and
                  many[1:] == [None, ['device']], 'ls_many: %s' % many)
            # xend's domain watcher: @releaseDomain fires once when the
            # watch is set, then only on news; requests meanwhile go over
            # the other connection.
            t = time.monotonic()
            check(rb.wait_domain_change(5) is True, 'first watch event')
            check(rb.wait_domain_change(0.3) is False, 'no news')
            check(time.monotonic() - t < 3, 'the wait took its timeout')
            check(rb.xs_read('/local/domain/8/device') == '',
                  'a request while watching')
            check(rb.wait_domain_change(0.1) is False, 'still no news')
            # version() reads Linux's /sys/hypervisor.
            hv = os.path.join(d, 'hypervisor')
            for f, v in (('type', 'xen'), ('version/major', '4'),
                         ('version/minor', '17'), ('version/extra', '.0'),
                         ('properties/capabilities', 'xen-3.0-x86_64'),
                         ('properties/virtual_start', '0xffff800000000000'),
                         ('compilation/compiler', 'gcc')):
                os.makedirs(os.path.dirname(os.path.join(hv, f)),
                            exist_ok=True)
                with open(os.path.join(hv, f), 'w') as fh:
                    fh.write(v + '\n')
            rb.sys_hypervisor = hv
            v = rb.version()
            check((v['xen_major'], v['xen_minor'], v['xen_extra'],
                   v['xen_pagesize'], v['platform_params'],
                   v['cc_compiler']) ==
                  (4, 17, '.0', 4096, 'virt_start=0xffff800000000000',
                   'gcc'), 'version %s' % v)
            rb.sys_hypervisor = os.path.join(d, 'none')
            try:
                rb.version()
                raise AssertionError('a version without /sys/hypervisor')
            except backend.NotAvailable as e:
                check('CONFIG_XEN_SYS_HYPERVISOR' in str(e), str(e))
            try:
                rb.domain_core_dump(8, '/dev/null')
                raise AssertionError('a core dump without its writer')
            except backend.NotAvailable as e:
                check('xc_map_foreign_pages' in str(e), str(e))
        finally:
            os.environ.pop('XENSTORED_PATH', None)
            p.terminate()
            p.wait(10)
    finally:
        shutil.rmtree(d, ignore_errors=True)
