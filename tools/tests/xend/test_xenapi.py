# SPDX-License-Identifier: GPL-2.0-only
"""XenAPI 1.0 through Debian's python3-os-xenapi client and our XenAPI.py."""
import time
import xmlrpc.client

from harness import case, check, Env, Skip, PASSWORD
import XenAPI as ours
from xen.xend.api import FIELDS

MiB = 1024 * 1024


def osx():
    try:
        from os_xenapi.client import XenAPI
    except ImportError:
        raise Skip('python3-os-xenapi is not installed (apt-get install '
                   'python3-os-xenapi; run with /usr/bin/python3)')
    return XenAPI


def login(env, nargs=2):
    X = osx()
    s = X.Session(env.url)
    s.login_with_password(*(['root', PASSWORD, '1.0', 'xend-tests']
                            [:nargs]))
    return X, s


def new_vm(env, s, name='guest', **extra):
    rec = {'name_label': name, 'memory_static_min': '0',
           'memory_static_max': str(256 * MiB),
           'memory_dynamic_min': str(256 * MiB),
           'memory_dynamic_max': str(256 * MiB), 'VCPUs_max': '2',
           'VCPUs_at_startup': '2', 'PV_kernel': env.kernel,
           'PV_args': 'root=/dev/xvda1 console=hvc0',
           'actions_after_shutdown': 'destroy',
           'actions_after_reboot': 'restart',
           'actions_after_crash': 'destroy'}
    rec.update(extra)
    return s.xenapi.VM.create(rec)


def expect_failure(X, code, fn, *args):
    try:
        fn(*args)
    except X.Failure as f:
        check(f.details[0] == code, 'wanted %s, got %s' % (code, f.details))
        return f.details
    raise AssertionError('no %s failure' % code)


@case
def login_2_3_4_args():
    env = Env()
    try:
        for n in (2, 3, 4):
            X, s = login(env, n)
            check(s.API_version == '1.0', 'API_version %s' % s.API_version)
            host = s.xenapi.session.get_this_host(s.handle)
            rec = s.xenapi.host.get_record(host)
            check(rec['API_version_major'] == '1', 'major as a string')
            sv = s.xenapi.host.get_software_version(host)
            check('product_version' in sv and 'product_brand' in sv,
                  'software_version keys')
            s.xenapi.session.logout()
        p = xmlrpc.client.ServerProxy(env.url)
        for args in (['root'], ['root', PASSWORD, '1', '2', '3']):
            r = p.session.login_with_password(*args)
            check(r['ErrorDescription'] == [
                'MESSAGE_PARAMETER_COUNT_MISMATCH',
                'session.login_with_password', '2', str(len(args))],
                'count mismatch: %s' % r)
    finally:
        env.close()


@case
def anchor_recipe():
    env = Env()
    try:
        X, s = login(env)
        host = s.xenapi.session.get_this_host(s.handle)
        check(s.xenapi.host.get_record(host)['API_version_major'] == '1',
              'major')
        vm = s.xenapi.VM.get_by_name_label('Domain-0')[0]
        check(s.xenapi.VM.get_power_state(vm) == 'Running', 'dom0 runs')
        d = expect_failure(X, 'VM_BAD_POWER_STATE', s.xenapi.VM.start, vm,
                           False)
        check(d == ['VM_BAD_POWER_STATE', vm, 'Halted', 'Running'],
              'details %s' % d)
        s.xenapi.session.logout()
    finally:
        env.close()


@case
def lifecycle_with_disk_and_vif():
    env = Env()
    try:
        X, s = login(env)
        recs = s.xenapi.VM.get_all_records()
        check(len(recs) == 1, 'only dom0 at first')
        vm = new_vm(env, s)
        check(s.xenapi.VM.get_power_state(vm) == 'Halted', 'created halted')
        sr = s.xenapi.pool.get_default_SR(s.xenapi.pool.get_all()[0])
        vdi = s.xenapi.VDI.create({
            'name_label': 'disk', 'name_description': '', 'SR': sr,
            'virtual_size': str(1 << 30), 'type': 'user', 'sharable': False,
            'read_only': False, 'other_config': {'location': 'phy:/dev/vg/g'}})
        vbd = s.xenapi.VBD.create({
            'VM': vm, 'VDI': vdi, 'device': 'xvda', 'bootable': True,
            'mode': 'RW', 'type': 'Disk', 'qos_algorithm_type': '',
            'qos_algorithm_params': {}})
        net = s.xenapi.network.get_by_name_label('xenbr0')[0]
        vif = s.xenapi.VIF.create({
            'VM': vm, 'network': net, 'device': '0', 'MAC': '',
            'MTU': '1500', 'qos_algorithm_type': '',
            'qos_algorithm_params': {}})
        check(s.xenapi.VM.get_VBDs(vm) == [vbd], 'VM.VBDs')
        check(s.xenapi.VM.get_VIFs(vm) == [vif], 'VM.VIFs')
        check(s.xenapi.VBD.get_VDI(vbd) == vdi, 'VBD.VDI')
        check(s.xenapi.VDI.get_VBDs(vdi) == [vbd], 'VDI.VBDs')
        check(vif in s.xenapi.network.get_VIFs(net), 'network.VIFs')
        mac = s.xenapi.VIF.get_MAC(vif)
        check(mac.startswith('00:16:3e:'), 'random MAC %s' % mac)
        s.xenapi.VM.start(vm, False)
        check(s.xenapi.VM.get_power_state(vm) == 'Running', 'started')
        domid = int(s.xenapi.VM.get_domid(vm))
        dom = env.backend.doms[domid]
        # xvda's virtual-device number: 202 << 8.
        check(dom['devices'][('vbd', 51712)]['uname'] == 'phy:/dev/vg/g',
              'the backend got the disk')
        check(dom['devices'][('vif', 0)]['bridge'] == 'xenbr0',
              'the backend got the vif')
        check(s.xenapi.VBD.get_currently_attached(vbd) is True, 'attached')
        expect_failure(X, 'VM_BAD_POWER_STATE', s.xenapi.VM.unpause, vm)
        s.xenapi.VM.pause(vm)
        check(s.xenapi.VM.get_power_state(vm) == 'Paused', 'paused')
        expect_failure(X, 'VM_BAD_POWER_STATE', s.xenapi.VM.pause, vm)
        s.xenapi.VM.unpause(vm)
        d = expect_failure(X, 'VM_BAD_POWER_STATE', s.xenapi.VM.destroy, vm)
        check(d[2:] == ['Halted', 'Running'], 'destroy needs Halted')
        s.xenapi.VM.clean_reboot(vm)
        check(s.xenapi.VM.get_power_state(vm) == 'Running', 'rebooted')
        check(int(s.xenapi.VM.get_domid(vm)) != domid, 'new domain')
        s.xenapi.VM.clean_shutdown(vm)
        check(s.xenapi.VM.get_power_state(vm) == 'Halted', 'shut down')
        check(s.xenapi.VM.get_domid(vm) == '-1', 'no domid')
        expect_failure(X, 'VM_BAD_POWER_STATE', s.xenapi.VM.clean_shutdown,
                       vm)
        s.xenapi.VM.start(vm, True)
        check(s.xenapi.VM.get_power_state(vm) == 'Paused', 'start paused')
        s.xenapi.VM.hard_shutdown(vm)
        check(s.xenapi.VM.get_power_state(vm) == 'Halted', 'hard shutdown')
        s.xenapi.VM.destroy(vm)
        expect_failure(X, 'HANDLE_INVALID', s.xenapi.VM.get_record, vm)
        check(len(env.backend.doms) == 1, 'only dom0 left in the backend')
        check(s.xenapi.VDI.get_VBDs(vdi) == [], 'VBD went with the VM')
        s.xenapi.VDI.destroy(vdi)
    finally:
        env.close()


@case
def live_settings():
    env = Env()
    try:
        X, s = login(env)
        vm = new_vm(env, s, memory_static_max=str(512 * MiB))
        s.xenapi.VM.start(vm, False)
        s.xenapi.VM.set_memory_dynamic_max_live(vm, str(128 * MiB))
        m = s.xenapi.VM.get_metrics(vm)
        check(s.xenapi.VM_metrics.get_memory_actual(m) == str(128 * MiB),
              'balloon target')
        expect_failure(X, 'VALUE_NOT_SUPPORTED',
                       s.xenapi.VM.set_memory_dynamic_max_live, vm,
                       str(1024 * MiB))
        s.xenapi.VM.set_VCPUs_number_live(vm, '1')
        check(s.xenapi.VM_metrics.get_VCPUs_number(m) == '1', 'vcpus')
        s.xenapi.VM.add_to_VCPUs_params_live(vm, 'cpumap0', '1,3')
        s.xenapi.VM.add_to_VCPUs_params_live(vm, 'weight', '512')
        s.xenapi.VM.add_to_VCPUs_params_live(vm, 'cap', '50')
        p = s.xenapi.VM_metrics.get_VCPUs_params(m)
        check(p['cpumap0'] == '1,3' and p['weight'] == '512' and
              p['cap'] == '50', 'params %s' % p)
        check(s.xenapi.VM.get_VCPUs_params(vm)['weight'] == '512',
              'kept in the config')
        s.xenapi.VM.set_name_description(vm, 'notes')
        check(s.xenapi.VM.get_name_description(vm) == 'notes', 'desc')
        s.xenapi.VM.add_to_other_config(vm, 'k', 'v')
        check(s.xenapi.VM.get_other_config(vm) == {'k': 'v'}, 'map add')
        s.xenapi.VM.remove_from_other_config(vm, 'k')
        check(s.xenapi.VM.get_other_config(vm) == {}, 'map remove')
        expect_failure(X, 'VALUE_NOT_SUPPORTED',
                       s.xenapi.VM.set_actions_after_shutdown, vm, 'explode')
        expect_failure(X, 'OPERATION_NOT_ALLOWED', s.xenapi.VM.pause,
                       s.xenapi.VM.get_by_name_label('Domain-0')[0])
    finally:
        env.close()


@case
def errors_have_1_0_codes():
    env = Env()
    try:
        X, s = login(env)
        p = xmlrpc.client.ServerProxy(env.url)
        r = p.VM.get_all('not-a-session')
        check(r == {'Status': 'Failure',
                    'ErrorDescription': ['SESSION_INVALID', 'not-a-session']},
              'bad session: %s' % r)
        r = p.VM.get_record(s.handle)
        check(r['ErrorDescription'] == ['MESSAGE_PARAMETER_COUNT_MISMATCH',
                                        'VM.get_record', '2', '1'],
              'count: %s' % r)
        r = p.VM.frobnicate(s.handle)
        check(r['ErrorDescription'] == ['MESSAGE_METHOD_UNKNOWN',
                                        'VM.frobnicate'], 'unknown: %s' % r)
        r = p.Async.session.logout(s.handle)
        check(r['ErrorDescription'][0] == 'MESSAGE_METHOD_UNKNOWN',
              'no Async logout')
        r = p.VM.get_record(s.handle, 'nope')
        check(r['ErrorDescription'] == ['HANDLE_INVALID', 'VM', 'nope'],
              'handle: %s' % r)
        r = p.VM.set_VCPUs_max(s.handle, s.xenapi.VM.get_all()[0], 'many')
        check(r['ErrorDescription'][0] == 'VALUE_NOT_SUPPORTED', 'type')
        r = p.event.next(s.handle)
        check(r['ErrorDescription'] == ['SESSION_NOT_REGISTERED', s.handle],
              'not registered: %s' % r)
        expect_failure(X, 'VALUE_NOT_SUPPORTED',
                       lambda: new_vm(env, s, 'zero', memory_dynamic_max='0'))
        expect_failure(X, 'VALUE_NOT_SUPPORTED', new_vm, env, s, 'bad name')
        check(len(s.xenapi.VM.get_all()) == 1, 'nothing was created')
        handle = s.handle
        s.xenapi.session.logout()
        r = p.VM.get_all(handle)
        check(r['ErrorDescription'][0] == 'SESSION_INVALID', 'logged out')
    finally:
        env.close()


@case
def unauthenticated_tcp():
    env = Env()
    try:
        X = osx()
        s = X.Session(env.url)
        expect_failure(X, 'SESSION_AUTHENTICATION_FAILED',
                       s.login_with_password, 'root', 'wrong')
        expect_failure(X, 'SESSION_AUTHENTICATION_FAILED',
                       s.login_with_password, 'nobody', PASSWORD)
        p = xmlrpc.client.ServerProxy(env.url)
        for m in (p.VM.get_all_records, p.host.get_all):
            r = m('')
            check(r['ErrorDescription'][0] == 'SESSION_INVALID', 'no session')
        try:
            p.xend.domains(0)
            raise AssertionError('legacy calls answered on password TCP')
        except xmlrpc.client.Fault as f:
            check(f.faultCode == 1, 'legacy refused')
        # The unix socket is auth none, as in Xen 3.1.
        c = ours.Session('httpu://' + env.api_sock)
        c.login_with_password('anyone', 'anything')
        check(len(c.xenapi.VM.get_all()) == 1, 'unix socket works')
        c.logout()
    finally:
        env.close()


@case
def events_register_next():
    env = Env(event_timeout=1)
    try:
        X, s = login(env)
        expect_failure(X, 'SESSION_NOT_REGISTERED', s.xenapi.event.next)
        s.xenapi.event.register(['VM'])
        vm = new_vm(env, s)
        s.xenapi.VM.start(vm, False)
        evs = s.xenapi.event.next()
        ops = [(e['class'], e['operation'], e['ref']) for e in evs]
        check(('VM', 'add', vm) in ops, 'add event: %s' % ops)
        check(('VM', 'mod', vm) in ops, 'power state event: %s' % ops)
        check(all(isinstance(e['id'], str) for e in evs), 'ids as strings')
        t0 = time.monotonic()
        check(s.xenapi.event.next() == [], 'times out empty')
        check(time.monotonic() - t0 < 5, 'bounded wait')
        # Another session's events are its own; class filters apply.
        X2, s2 = login(env)
        s2.xenapi.event.register(['network'])
        s.xenapi.VM.hard_shutdown(vm)
        check(s2.xenapi.event.next() == [], 'no VM events for network')
        s.xenapi.event.unregister(['VM'])
        expect_failure(X, 'SESSION_NOT_REGISTERED', s.xenapi.event.next)
        s.xenapi.event.register([])
        s.xenapi.network.create({'name_label': 'n2', 'name_description': '',
                                 'other_config': {}})
        evs = s.xenapi.event.next()
        check([e['class'] for e in evs] == ['network'], 'all classes')
    finally:
        env.close()


@case
def async_and_tasks():
    env = Env()
    try:
        X, s = login(env)
        vm = new_vm(env, s)
        t = s.xenapi.Async.VM.start(vm, False)
        for _ in range(100):
            if s.xenapi.task.get_status(t) != 'pending':
                break
            time.sleep(0.02)
        rec = s.xenapi.task.get_record(t)
        check(rec['status'] == 'success' and rec['progress'] == '100',
              'task %s' % rec)
        check(rec['name_label'] == 'VM.start', 'label')
        t = s.xenapi.Async.VM.start(vm, False)
        for _ in range(100):
            if s.xenapi.task.get_status(t) != 'pending':
                break
            time.sleep(0.02)
        check(s.xenapi.task.get_error_info(t)[0] == 'VM_BAD_POWER_STATE',
              'failed task')
        expect_failure(X, 'OPERATION_NOT_ALLOWED', s.xenapi.task.cancel, t)
        p = xmlrpc.client.ServerProxy(env.url)
        r = p.Async.VM.start(s.handle, vm)
        check(r['ErrorDescription'][0] == 'MESSAGE_PARAMETER_COUNT_MISMATCH',
              'async checks the count first')
        r = p.Async.VM.start('bad', vm, False)
        check(r['ErrorDescription'][0] == 'SESSION_INVALID', 'then session')
        mine = s.xenapi.task.create('custom', 'os-xenapi custom_task')
        check(s.xenapi.task.get_name_label(mine) == 'custom', 'task.create')
        s.xenapi.task.destroy(mine)
        expect_failure(X, 'HANDLE_INVALID', s.xenapi.task.get_record, mine)
    finally:
        env.close()


@case
def every_accessor():
    env = Env()
    try:
        X, s = login(env)
        vm = new_vm(env, s)
        sr = s.xenapi.SR.get_all()[0]
        vdi = s.xenapi.VDI.create({'SR': sr, 'name_label': 'd',
                                   'virtual_size': '1', 'type': 'user',
                                   'other_config': {'location': 'file:/x'}})
        s.xenapi.VBD.create({'VM': vm, 'VDI': vdi, 'device': 'xvda',
                             'mode': 'RW', 'type': 'Disk'})
        s.xenapi.VIF.create({'VM': vm, 'network': s.xenapi.network.get_all()
                             [0], 'MAC': '00:16:3e:00:00:01'})
        s.xenapi.VM.start(vm, False)
        s.xenapi.task.create('t', '')
        n = 0
        for cls, fields in FIELDS.items():
            api = getattr(s.xenapi, cls)
            recs = api.get_all_records()
            refs = api.get_all()
            check(sorted(recs) == sorted(refs), '%s get_all' % cls)
            check(refs, '%s has records' % cls)
            for ref in refs:
                rec = api.get_record(ref)
                check(sorted(rec) == sorted(fields), '%s fields %s' % (
                    cls, set(rec) ^ set(fields)))
                check(api.get_by_uuid(rec['uuid']) == ref, 'by uuid')
                if 'name_label' in fields:
                    check(ref in api.get_by_name_label(rec['name_label']),
                          '%s by name' % cls)
                for f, (typ, _) in fields.items():
                    v = getattr(api, 'get_' + f)(ref)
                    n += 1
                    if typ == 'i':
                        check(isinstance(v, str) and
                              v.lstrip('-').isdigit(),
                              '%s.%s int as string: %r' % (cls, f, v))
                    if typ == 'd':
                        check(isinstance(v, xmlrpc.client.DateTime),
                              '%s.%s DateTime' % (cls, f))
                    if typ == 'b':
                        check(isinstance(v, bool), '%s.%s bool' % (cls, f))
                    if f not in ('last_updated', 'last_active', 'memory_free',
                                 'VCPUs_utilisation'):
                        check(v == rec[f] or typ == 'd', '%s.%s matches' % (
                            cls, f))
        check(n > 250, 'called %d getters' % n)
    finally:
        env.close()


@case
def pool_for_os_xenapi():
    env = Env()
    try:
        X, s = login(env)
        pool = s.xenapi.pool.get_all()
        check(len(pool) == 1, 'one pool')
        host = s.xenapi.pool.get_master(pool[0])
        check(host == s.xenapi.session.get_this_host(s.handle), 'master')
        rec = s.xenapi.pool.get_record(pool[0])
        check(rec['default_SR'] in s.xenapi.SR.get_all(), 'default SR')
        expect_failure(X, 'OPERATION_NOT_ALLOWED', s.xenapi.pool.join,
                       'h', 'u', 'p')
    finally:
        env.close()


@case
def concurrent_clients():
    import threading
    env = Env()
    try:
        X, s = login(env)
        for i in range(10):
            new_vm(env, s, 'vm%d' % i)
        errors = []

        def client():
            try:
                c = ours.Session(env.url)
                c.login_with_password('root', PASSWORD)
                for _ in range(10):
                    recs = c.xenapi.VM.get_all_records()
                    if len(recs) != 11:
                        errors.append(len(recs))
                c.logout()
            except Exception as e:
                errors.append(e)
        ts = [threading.Thread(target=client) for _ in range(20)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(60)
        check(not errors, 'errors: %s' % errors[:3])
    finally:
        env.close()


@case
def https_listener():
    import ssl
    import subprocess
    import shutil
    if shutil.which('openssl') is None:
        raise Skip('openssl is not installed (to make a test certificate)')
    probe = Env()
    key, cert = probe.dir + '/key.pem', probe.dir + '/cert.pem'
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048',
                    '-nodes', '-keyout', key, '-out', cert, '-days', '1',
                    '-subj', '/CN=localhost'], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    from harness import free_port
    port = free_port()
    env = Env(extra='(xen-api-server ((127.0.0.1:%d password "" %s %s)))'
              % (port, key, cert))
    try:
        X = osx()
        url = 'https://localhost:%d/' % port
        # Trusting our certificate, as a client given the project CA.
        ctx = ssl.create_default_context(cafile=cert)
        s = X.Session(url, transport=xmlrpc.client.SafeTransport(
            context=ctx))
        s.login_with_password('root', PASSWORD)
        check(len(s.xenapi.VM.get_all_records()) == 1, 'over TLS')
        s.xenapi.session.logout()
        # Without it, the default client refuses the certificate.
        try:
            X.Session(url).login_with_password('root', PASSWORD)
            raise AssertionError('unverified certificate accepted')
        except ssl.SSLError:
            pass
        # Plain HTTP to the TLS port gets nowhere and breaks nothing.
        import socket
        c = socket.create_connection(('127.0.0.1', port), timeout=5)
        c.sendall(b'POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n')
        check(not c.recv(100).startswith(b'HTTP'), 'no HTTP answer')
        c.close()
        s = X.Session(url, transport=xmlrpc.client.SafeTransport(
            context=ctx))
        s.login_with_password('root', PASSWORD)
        s.xenapi.session.logout()
    finally:
        env.close()
        probe.close()


@case
def hosts_patterns():
    from harness import free_port
    port, port2 = free_port(), free_port()
    env = Env(extra='(xen-api-server ((127.0.0.1:%d none "^10\\\\.") '
              '(127.0.0.1:%d none "^10\\\\. ^127\\\\.")))'
              % (port, port2))
    try:
        p = xmlrpc.client.ServerProxy('http://127.0.0.1:%d/' % port)
        try:
            p.session.login_with_password('a', 'b')
            raise AssertionError('a client outside HOSTS was served')
        except (OSError, xmlrpc.client.ProtocolError,
                __import__('http.client').client.HTTPException):
            pass
        q = ours.Session('http://127.0.0.1:%d/' % port2)
        q.login_with_password('root', PASSWORD)
        q.logout()
    finally:
        env.close()


@case
def sessions_and_tasks_are_bounded():
    from xen.xend import api
    env = Env()
    old = api.MAX_SESSIONS, api.MAX_TASKS
    api.MAX_SESSIONS, api.MAX_TASKS = 5, 5
    try:
        first = ours.Session(env.url)
        first.login_with_password('root', PASSWORD)
        handle = first.handle
        for _ in range(6):
            ours.Session(env.url).login_with_password('root', PASSWORD)
        check(len(env.xend.api.sessions) == 5, 'sessions capped')
        p = xmlrpc.client.ServerProxy(env.url)
        check(p.VM.get_all(handle)['ErrorDescription'][0] ==
              'SESSION_INVALID', 'oldest session dropped')
        s = ours.Session(env.url)
        s.login_with_password('root', PASSWORD)
        for i in range(8):
            s.xenapi.task.create('t%d' % i, '')
        check(len(s.xenapi.task.get_all()) == 5, 'tasks capped')
    finally:
        api.MAX_SESSIONS, api.MAX_TASKS = old
        env.close()


@case
def records_where():
    env = Env()
    try:
        X, s = login(env)
        a = new_vm(env, s, 'a')
        new_vm(env, s, 'b')
        r = s.xenapi.VM.get_all_records_where('field "name_label"="a"')
        check(list(r) == [a], 'by name: %s' % list(r))
        r = s.xenapi.VM.get_all_records_where(
            'field "power_state"="Halted" and not field "name_label"="b"')
        check(list(r) == [a], 'and/not')
        r = s.xenapi.VM.get_all_records_where(
            '(field "name_label"="a" or field "is_control_domain"="true")')
        check(len(r) == 2, 'or, bools as words')
        check(len(s.xenapi.PIF.get_all_records_where('true')) == 1, 'PIF')
        for bad in ('field "x"', 'name_label = a', '(' * 40 + 'true',
                    'true and', 'not ' * 2000 + 'true'):
            expect_failure(X, 'VALUE_NOT_SUPPORTED',
                           s.xenapi.VM.get_all_records_where, bad)
    finally:
        env.close()


@case
def c_binding_example():
    """tools/libxenapi (libxml2) against xend: records, lifecycle, errors;
    built with ASan and UBSan."""
    import os
    import subprocess
    import tempfile
    from harness import ROOT
    d = tempfile.mkdtemp(prefix='xenapi-c-')
    san = '-fsanitize=address,undefined -fno-sanitize-recover=undefined'
    b = subprocess.run(['make', '-s', '-C', os.path.join(ROOT, 'tools',
                                                         'libxenapi'),
                        'O=' + d, 'CFLAGS=-O1 -g ' + san, 'LDFLAGS=' + san],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if b.returncode:
        if b'libxml' in b.stdout:
            raise Skip('libxml2-dev is not installed')
        raise AssertionError(b.stdout.decode()[-500:])
    env = Env()
    try:
        net = env.xend.api.network_for_bridge('xenbr0')
        e = dict(os.environ, XENAPI_NETWORK=net)
        p = subprocess.run([d + '/xenapi-example', env.api_sock,
                            '--lifecycle', env.kernel], env=e,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=60)
        check(p.returncode == 0, 'rc %d: %s' % (p.returncode, p.stderr))
        out = p.stdout.splitlines()
        check(out[0].startswith('host ') and ' API 1.0 scheduler credit'
              in out[0], out[0])
        check(out[1] == 'vm Domain-0 Running domid 0 memory 1024 vcpus 2 '
              'control', out[1])
        for want in ('vbd xvda mode RW type Disk', 'vif mac 00:16:3e: mtu '
                     '1500', 'second start: VM_BAD_POWER_STATE Running',
                     'after pause: Paused', 'after shutdown: Halted',
                     'bad ref: HANDLE_INVALID'):
            check(want in out, '%r in %s' % (want, out))
        check(len(env.xend.domains.all()) == 1, 'the VM was destroyed')
        # Over TCP a password is needed.
        where = '127.0.0.1:%d' % env.port
        p = subprocess.run([d + '/xenapi-example', where], env=e,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=60)
        check(p.returncode == 1 and 'SESSION_AUTHENTICATION_FAILED' in
              p.stderr, p.stderr)
        e['XENAPI_PASSWORD'] = PASSWORD
        p = subprocess.run([d + '/xenapi-example', where], env=e,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=60)
        check(p.returncode == 0 and 'vm Domain-0' in p.stdout, p.stderr)
    finally:
        env.close()
        import shutil
        shutil.rmtree(d, ignore_errors=True)
