# SPDX-License-Identifier: GPL-2.0-only
"""XenAPI 1.0: the classes, their fields and accessors, sessions, tasks and
events, with the 1.0 error codes.  Transport-free: dispatch() takes a method
name and its decoded parameters and returns the {Status, Value} envelope."""
import collections
import datetime
import hashlib
import hmac
import json
import logging
import os
import platform
import re
import threading
import time
import uuid as uuidlib

from xen.xend import domains as D
from xen.xend.backend import BackendError
from xen.xend.domains import XendError
from xen.xend.legacy import read_log

log = logging.getLogger('xend')

API_MAJOR, API_MINOR = 1, 0
EVENT_QUEUE = 1000
# Logins and tasks cost memory until logout or task.destroy, which clients
# forget: past these counts the least recently used go first.
MAX_SESSIONS = 500
MAX_TASKS = 1000


def _u(*parts):
    return str(uuidlib.uuid5(uuidlib.NAMESPACE_OID, '/'.join(parts)))


def now():
    return datetime.datetime.utcnow().replace(microsecond=0)


# Field tables.  Types: s string, e enum, r ref, i int, b bool, f float,
# d DateTime, R/S set of refs/strings, m map string->string, M other map.
# Qualifiers: ro (read-only), ins (given at create), rw.
def _f(spec):
    out = collections.OrderedDict()
    for item in spec.split():
        name, typ, qual = item.split(':')
        out[name] = (typ, qual)
    return out


NAMES = 'name_label:s:rw name_description:s:rw'
FIELDS = {
    'session': _f('uuid:s:ro this_host:r:ro this_user:s:ro '
                  'last_active:d:ro'),
    'task': _f('uuid:s:ro name_label:s:ro name_description:s:ro '
               'status:e:ro session:r:ro progress:i:ro type:s:ro '
               'result:s:ro error_info:S:ro allowed_operations:S:ro '
               'created:d:ro finished:d:ro resident_on:r:ro'),
    'pool': _f('uuid:s:ro ' + NAMES + ' master:r:ro default_SR:r:rw '
               'suspend_image_SR:r:rw crash_dump_SR:r:rw other_config:m:rw'),
    'host': _f('uuid:s:ro ' + NAMES + ' API_version_major:i:ro '
               'API_version_minor:i:ro API_version_vendor:s:ro '
               'API_version_vendor_implementation:m:ro enabled:b:ro '
               'software_version:m:ro other_config:m:rw capabilities:S:ro '
               'cpu_configuration:m:ro sched_policy:s:ro '
               'supported_bootloaders:S:ro resident_VMs:R:ro logging:m:rw '
               'PIFs:R:ro suspend_image_sr:r:rw crash_dump_sr:r:rw '
               'PBDs:R:ro host_CPUs:R:ro metrics:r:ro'),
    'host_metrics': _f('uuid:s:ro memory_total:i:ro memory_free:i:ro '
                       'last_updated:d:ro'),
    'host_cpu': _f('uuid:s:ro host:r:ro number:i:ro vendor:s:ro '
                   'speed:i:ro modelname:s:ro stepping:s:ro flags:s:ro '
                   'features:s:ro utilisation:f:ro'),
    'VM': _f('uuid:s:ro power_state:e:ro ' + NAMES + ' user_version:i:rw '
             'is_a_template:b:rw auto_power_on:b:rw suspend_VDI:r:ro '
             'resident_on:r:ro memory_static_max:i:rw '
             'memory_dynamic_max:i:rw memory_dynamic_min:i:rw '
             'memory_static_min:i:rw VCPUs_params:m:rw VCPUs_max:i:rw '
             'VCPUs_at_startup:i:rw actions_after_shutdown:e:rw '
             'actions_after_reboot:e:rw actions_after_crash:e:rw '
             'consoles:R:ro VIFs:R:ro VBDs:R:ro crash_dumps:R:ro '
             'VTPMs:R:ro PV_bootloader:s:rw PV_kernel:s:rw '
             'PV_ramdisk:s:rw PV_args:s:rw PV_bootloader_args:s:rw '
             'HVM_boot_policy:s:rw HVM_boot_params:m:rw platform:m:rw '
             'PCI_bus:s:rw other_config:m:rw domid:i:ro '
             'is_control_domain:b:ro metrics:r:ro guest_metrics:r:ro'),
    'VM_metrics': _f('uuid:s:ro memory_actual:i:ro VCPUs_number:i:ro '
                     'VCPUs_utilisation:M:ro VCPUs_CPU:M:ro '
                     'VCPUs_params:m:ro VCPUs_flags:M:ro state:S:ro '
                     'start_time:d:ro last_updated:d:ro'),
    'VM_guest_metrics': _f('uuid:s:ro os_version:m:ro '
                           'PV_drivers_version:m:ro memory:m:ro disks:m:ro '
                           'networks:m:ro other:m:ro last_updated:d:ro'),
    'VBD': _f('uuid:s:ro VM:r:ins VDI:r:ins device:s:ins bootable:b:rw '
              'mode:e:ins type:e:ins currently_attached:b:ro '
              'status_code:i:ro status_detail:s:ro runtime_properties:m:ro '
              'qos_algorithm_type:s:rw qos_algorithm_params:m:rw '
              'qos_supported_algorithms:S:ro metrics:r:ro'),
    'VBD_metrics': _f('uuid:s:ro io_read_kbs:f:ro io_write_kbs:f:ro '
                      'last_updated:d:ro'),
    'VIF': _f('uuid:s:ro device:s:ins network:r:ins VM:r:ins MAC:s:ins '
              'MTU:i:ins currently_attached:b:ro status_code:i:ro '
              'status_detail:s:ro runtime_properties:m:ro '
              'qos_algorithm_type:s:rw qos_algorithm_params:m:rw '
              'qos_supported_algorithms:S:ro metrics:r:ro'),
    'VIF_metrics': _f('uuid:s:ro io_read_kbs:f:ro io_write_kbs:f:ro '
                      'last_updated:d:ro'),
    'network': _f('uuid:s:ro ' + NAMES + ' VIFs:R:ro PIFs:R:ro '
                  'other_config:m:rw'),
    'PIF': _f('uuid:s:ro device:s:ins network:r:ins host:r:ins MAC:s:ins '
              'MTU:i:ins VLAN:i:ins metrics:r:ro'),
    'PIF_metrics': _f('uuid:s:ro io_read_kbs:f:ro io_write_kbs:f:ro '
                      'last_updated:d:ro'),
    'SR': _f('uuid:s:ro ' + NAMES + ' VDIs:R:ro PBDs:R:ro '
             'virtual_allocation:i:ro physical_utilisation:i:ro '
             'physical_size:i:ro type:s:ro content_type:s:ro'),
    'VDI': _f('uuid:s:ro ' + NAMES + ' SR:r:ins VBDs:R:ro crash_dumps:R:ro '
              'virtual_size:i:ins physical_utilisation:i:ro type:e:ins '
              'sharable:b:ins read_only:b:ins other_config:m:rw'),
    'PBD': _f('uuid:s:ro host:r:ins SR:r:ins device_config:m:ins '
              'currently_attached:b:ro'),
    'console': _f('uuid:s:ro protocol:e:ro location:s:ro VM:r:ro '
                  'other_config:m:rw'),
}
ENUMS = {
    ('VBD', 'mode'): ('RO', 'RW'), ('VBD', 'type'): ('CD', 'Disk'),
    ('VDI', 'type'): ('system', 'user', 'ephemeral', 'suspend', 'crashdump'),
    ('VM', 'actions_after_shutdown'): D.ON_NORMAL,
    ('VM', 'actions_after_reboot'): D.ON_NORMAL,
    ('VM', 'actions_after_crash'): D.ON_CRASH,
}
DEFAULTS = {'s': '', 'e': '', 'r': '', 'i': 0, 'b': False, 'f': 0.0, 'd': 0,
            'R': [], 'S': [], 'm': {}, 'M': {}}


class Failure(Exception):
    def __init__(self, *desc):
        Exception.__init__(self, desc[0])
        self.desc = [str(d) for d in desc]


def coerce(cls, field, typ, value):
    """A wire value as the field's Python type: ints may come as <int> or
    as strings, bools as <boolean>, ints or words."""
    try:
        if typ == 'i':
            if isinstance(value, bool):
                raise ValueError
            return int(value)
        if typ == 'f':
            return float(value)
        if typ == 'b':
            if isinstance(value, bool):
                return value
            if isinstance(value, int) and value in (0, 1):
                return bool(value)
            if str(value).lower() in ('true', '1'):
                return True
            if str(value).lower() in ('false', '0'):
                return False
            raise ValueError
        if typ in ('m', 'M'):
            if not isinstance(value, dict):
                raise ValueError
            return {str(k): str(v) for k, v in value.items()}
        if typ in ('R', 'S'):
            if not isinstance(value, list):
                raise ValueError
            return [str(x) for x in value]
        if isinstance(value, (dict, list)):
            raise ValueError
        value = '' if value is None else str(value)
        allowed = ENUMS.get((cls, field))
        if allowed and value not in allowed:
            raise ValueError
        return value
    except (TypeError, ValueError):
        raise Failure('VALUE_NOT_SUPPORTED', field, value,
                      'expected %s' % {'i': 'an int', 'f': 'a float',
                                       'b': 'a bool', 'm': 'a map',
                                       'M': 'a map', 'R': 'a set',
                                       'S': 'a set'}.get(
                                           typ, 'one of %s' % '/'.join(
                                               ENUMS.get((cls, field), ()))
                                           if ENUMS.get((cls, field))
                                           else 'a string')) from None


_WHERE_TOKEN = re.compile(r'\s*(?:(\()|(\))|(=)|"((?:[^"\\]|\\.)*)"'
                          r'|([A-Za-z_]+))')


def parse_where(expr):
    """A predicate on records from XAPI's query language: `true`,
    `false`, `field "name"="value"`, `and`, `or`, `not`, parentheses."""
    toks = []
    pos = 0
    expr = expr.strip()
    while pos < len(expr):
        m = _WHERE_TOKEN.match(expr, pos)
        if m is None or m.end() == pos:
            raise Failure('VALUE_NOT_SUPPORTED', 'expr', expr,
                          'cannot parse at offset %d' % pos)
        lp, rp, eq, string, word = m.groups()
        toks.append(('s', re.sub(r'\\(.)', r'\1', string))
                    if string is not None else ('w', lp or rp or eq or word))
        pos = m.end()
    at = [0, 0]     # next token, nesting depth

    def peek():
        return toks[at[0]] if at[0] < len(toks) else (None, None)

    def take(kind=None, value=None):
        t = peek()
        if t[0] is None or (kind and t[0] != kind) or \
                (value and t[1] != value):
            raise Failure('VALUE_NOT_SUPPORTED', 'expr', expr,
                          'expected %s' % (value or {
                              's': 'a quoted string',
                              'w': 'a word'}.get(kind, 'more')))
        at[0] += 1
        return t[1]

    def atom():
        w = take('w')
        if w in ('(', 'not'):
            at[1] += 1
            if at[1] > 32:
                raise Failure('VALUE_NOT_SUPPORTED', 'expr', expr[:80],
                              'nested too deep')
        if w == '(':
            e = disj()
            take('w', ')')
            return e
        if w == 'not':
            e = atom()
            return lambda r: not e(r)
        if w in ('true', 'false'):
            return lambda r: w == 'true'
        if w == 'field':
            name = take('s')
            take('w', '=')
            val = take('s')
            return lambda r: _where_text(r.get(name)) == val
        raise Failure('VALUE_NOT_SUPPORTED', 'expr', expr,
                      'unexpected %s' % w)

    def conj():
        e = atom()
        while peek() == ('w', 'and'):
            take()
            a, b = e, atom()
            e = (lambda a, b: lambda r: a(r) and b(r))(a, b)
        return e

    def disj():
        e = conj()
        while peek() == ('w', 'or'):
            take()
            a, b = e, conj()
            e = (lambda a, b: lambda r: a(r) or b(r))(a, b)
        return e

    e = disj()
    if at[0] != len(toks):
        raise Failure('VALUE_NOT_SUPPORTED', 'expr', expr,
                      'trailing %s' % (toks[at[0]][1],))
    return e


def _where_text(v):
    if isinstance(v, bool):
        return 'true' if v else 'false'
    return '' if v is None else str(v)


class Table(object):
    """Records kept in a dict, optionally saved as JSON under state_path."""

    def __init__(self, cls, path=None):
        self.cls = cls
        self.path = path
        self.recs = collections.OrderedDict()
        if path and os.path.isfile(path):
            try:
                with open(path) as f:
                    for r in json.load(f):
                        self.recs[r['uuid']] = r
            except (OSError, ValueError, KeyError) as e:
                log.error('%s: not loaded: %s', path, e)

    def save(self):
        if not self.path:
            return
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        tmp = self.path + '.tmp'
        with open(tmp, 'w') as f:
            json.dump(list(self.recs.values()), f)
        os.replace(tmp, self.path)

    def refs(self):
        return list(self.recs)

    def record(self, ref):
        return self.recs[ref]


class Session(object):
    def __init__(self, user, host):
        self.uuid = str(uuidlib.uuid4())
        self.user = user
        self.host = host
        self.last_active = now()
        self.last_seen = time.monotonic()
        self.classes = None
        self.events = collections.deque(maxlen=EVENT_QUEUE)
        self.cond = threading.Condition()


class XenAPI(object):
    def __init__(self, domains, backend, state_path=None, passwords=None,
                 event_timeout=30.0, xend_log=None):
        self.dom = domains
        self.backend = backend
        self.state_path = state_path
        self.passwords = passwords
        self.event_timeout = event_timeout
        self.xend_log = xend_log
        self.lock = threading.RLock()
        self.sessions = {}
        self.event_id = 0
        self.enabled = True
        self.host_uuid = self._host_uuid()
        self.host_name = platform.node() or 'localhost'
        self.host_description = ''
        self.host_other = {}
        self.pool_uuid = _u(self.host_uuid, 'pool')
        self.pool = {'name_label': '', 'name_description': '',
                     'other_config': {}}
        self.metrics_uuid = _u(self.host_uuid, 'metrics')
        self.tasks = collections.OrderedDict()
        sp = lambda n: os.path.join(state_path, n) if state_path else None
        self.networks = Table('network', sp('network.json'))
        self.vdis = Table('VDI', sp('vdi.json'))
        self.srs = Table('SR')
        self.pbds = Table('PBD')
        self.pifs = Table('PIF')
        self._defaults()
        domains.networks = self.network_for_bridge
        for vm in domains.all():
            for v in vm.vifs.values():
                v['network'] = self.network_for_bridge(v['bridge'])
        domains.listeners.append(self.event)
        self.methods = {}
        self._register()

    def _host_uuid(self):
        if self.state_path:
            f = os.path.join(self.state_path, 'host.uuid')
            try:
                with open(f) as fh:
                    return str(uuidlib.UUID(fh.read().strip()))
            except (OSError, ValueError):
                u = str(uuidlib.uuid4())
                os.makedirs(self.state_path, exist_ok=True)
                with open(f, 'w') as fh:
                    fh.write(u + '\n')
                return u
        return str(uuidlib.uuid4())

    def _defaults(self):
        self.local_sr = _u(self.host_uuid, 'SR/local')
        self.srs.recs[self.local_sr] = {
            'uuid': self.local_sr, 'name_label': 'Local',
            'name_description': 'files and devices in dom0',
            'type': 'local', 'content_type': '', 'physical_size': 0}
        pbd = _u(self.host_uuid, 'PBD/local')
        self.pbds.recs[pbd] = {'uuid': pbd, 'host': self.host_uuid,
                               'SR': self.local_sr, 'device_config': {},
                               'currently_attached': True}
        if not any(n['name_label'] == 'xenbr0'
                   for n in self.networks.recs.values()):
            n = _u(self.host_uuid, 'network/xenbr0')
            self.networks.recs[n] = {'uuid': n, 'name_label': 'xenbr0',
                                     'name_description': 'the dom0 bridge',
                                     'other_config': {'bridge': 'xenbr0'}}
        xenbr0 = self.network_for_bridge('xenbr0')
        pif = _u(self.host_uuid, 'PIF/eth0')
        self.pifs.recs[pif] = {'uuid': pif, 'device': 'eth0',
                               'network': xenbr0, 'host': self.host_uuid,
                               'MAC': '00:00:00:00:00:00', 'MTU': 1500,
                               'VLAN': -1}

    def network_for_bridge(self, bridge):
        for n in self.networks.recs.values():
            if n['other_config'].get('bridge', n['name_label']) == bridge:
                return n['uuid']
        return ''

    # Events.
    def event(self, cls, op, ref, field=None):
        with self.lock:
            self.event_id += 1
            ev = {'id': self.event_id, 'timestamp': now(), 'class': cls,
                  'operation': op, 'ref': ref, 'obj_uuid': ref,
                  'field': field or ''}
            targets = [s for s in self.sessions.values()
                       if s.classes is not None and
                       (not s.classes or cls.lower() in s.classes)]
        for s in targets:
            with s.cond:
                s.events.append(ev)
                s.cond.notify_all()

    # Sessions.
    def check_password(self, user, password):
        if self.passwords is None:      # no file: nobody logs in over TCP
            return False
        try:
            with open(self.passwords) as f:
                lines = f.read().splitlines()
        except OSError as e:
            log.error('password file %s: %s', self.passwords, e)
            return False
        for line in lines:
            line = line.strip()
            if not line or line.startswith('#') or ':' not in line:
                continue
            u, rest = line.split(':', 1)
            if u != user:
                continue
            # user:sha256:<salt>:<hex of sha256(salt + password)>
            parts = rest.split(':')
            if len(parts) == 3 and parts[0] == 'sha256':
                h = hashlib.sha256((parts[1] + password).encode()).hexdigest()
                return hmac.compare_digest(h, parts[2])
            return False
        return False

    def session(self, ref):
        with self.lock:
            s = self.sessions.get(str(ref))
            if s is None:
                raise Failure('SESSION_INVALID', ref)
            s.last_active = now()
            s.last_seen = time.monotonic()
            return s

    def login(self, ctx, user, password, *rest):
        user, password = str(user), str(password)
        if ctx.get('auth') != 'none' and \
                not self.check_password(user, password):
            log.warning('XenAPI login of %r refused', user)
            raise Failure('SESSION_AUTHENTICATION_FAILED')
        s = Session(user, self.host_uuid)
        with self.lock:
            self.sessions[s.uuid] = s
            if len(self.sessions) > MAX_SESSIONS:
                old = min(self.sessions.values(), key=lambda x: x.last_seen)
                del self.sessions[old.uuid]
                log.info('session of %s dropped: too many sessions',
                         old.user)
        return s.uuid

    # Dispatch.
    def dispatch(self, method, params, ctx=None):
        """The envelope for one call; never raises."""
        ctx = ctx or {'auth': 'none'}
        try:
            return {'Status': 'Success',
                    'Value': self._dispatch(method, params, ctx)}
        except Failure as f:
            return {'Status': 'Failure', 'ErrorDescription': f.desc}
        except XendError as e:
            return {'Status': 'Failure', 'ErrorDescription': e.desc}
        except BackendError as e:
            return {'Status': 'Failure',
                    'ErrorDescription': ['INTERNAL_ERROR', str(e)]}
        except Exception as e:  # a server bug answers, it does not kill xend
            log.exception('XenAPI %s failed', method)
            return {'Status': 'Failure',
                    'ErrorDescription': ['INTERNAL_ERROR',
                                         '%s: %s' % (type(e).__name__, e)]}

    def _dispatch(self, method, params, ctx):
        if method == 'session.login_with_password':
            if not 2 <= len(params) <= 4:
                raise Failure('MESSAGE_PARAMETER_COUNT_MISMATCH', method, 2,
                              len(params))
            return self.login(ctx, *params)
        asynchronous = method.startswith('Async.')
        name = method[6:] if asynchronous else method
        entry = self.methods.get(name)
        if entry is None or (asynchronous and not entry[2]):
            raise Failure('MESSAGE_METHOD_UNKNOWN', method)
        nargs, fn, _ = entry
        if len(params) != nargs:
            raise Failure('MESSAGE_PARAMETER_COUNT_MISMATCH', method, nargs,
                          len(params))
        s = self.session(params[0])
        if asynchronous:
            return self.start_task(s, name, fn, params[1:])
        return fn(s, *params[1:])

    # Tasks.
    def start_task(self, s, name, fn, args):
        ref = str(uuidlib.uuid4())
        t = {'uuid': ref, 'name_label': name, 'name_description': '',
             'status': 'pending', 'session': s.uuid, 'progress': 0,
             'type': '', 'result': '', 'error_info': [],
             'allowed_operations': [], 'created': now(), 'finished': now(),
             'resident_on': self.host_uuid}
        self._add_task(t)
        self.event('task', 'add', ref)

        def run():
            r = self.dispatch(name, [s.uuid] + list(args))
            with self.lock:
                if r['Status'] == 'Success':
                    t['status'], t['result'] = 'success', r['Value']
                else:
                    t['status'] = 'failure'
                    t['error_info'] = r['ErrorDescription']
                t['progress'], t['finished'] = 100, now()
            self.event('task', 'mod', ref, 'status')
        threading.Thread(target=run, daemon=True).start()
        return ref

    # Records.
    def _store(self, cls):
        return getattr(self, 'rec_' + cls)

    def refs(self, cls):
        return getattr(self, 'refs_' + cls)()

    def record(self, cls, ref):
        ref = str(ref)
        try:
            rec = self._store(cls)(ref)
        except KeyError:
            rec = None
        if rec is None:
            raise Failure('HANDLE_INVALID', cls, ref)
        out = {}
        for f, (typ, _) in FIELDS[cls].items():
            v = rec.get(f, DEFAULTS[typ])
            if typ == 'd' and v in ('', 0):
                v = datetime.datetime(1970, 1, 1)
            out[f] = v
        return out

    # Per-class record makers.
    def refs_session(self):
        return list(self.sessions)

    def rec_session(self, ref):
        s = self.sessions[ref]
        return {'uuid': s.uuid, 'this_host': s.host, 'this_user': s.user,
                'last_active': s.last_active}

    def refs_task(self):
        return list(self.tasks)

    def rec_task(self, ref):
        return self.tasks[ref]

    def refs_pool(self):
        return [self.pool_uuid]

    def rec_pool(self, ref):
        if ref != self.pool_uuid:
            return None
        r = dict(self.pool)
        r.update(uuid=self.pool_uuid, master=self.host_uuid,
                 default_SR=self.local_sr, suspend_image_SR=self.local_sr,
                 crash_dump_SR=self.local_sr)
        return r

    def refs_host(self):
        return [self.host_uuid]

    def software_version(self):
        v = self.backend.version()
        u = os.uname()
        sv = {'product_brand': 'Xen', 'product_version': '3.1.0',
              'platform_name': 'Xen', 'platform_version': '%s.%s%s' % (
                  v['xen_major'], v['xen_minor'], v['xen_extra']),
              'Xen': '%s.%s%s' % (v['xen_major'], v['xen_minor'],
                                  v['xen_extra']),
              'Xend': '3.1.0', 'xend_config_format': '4',
              'system': u.sysname, 'host': u.nodename, 'release': u.release,
              'version': u.version, 'machine': u.machine}
        for k, x in v.items():
            sv[k] = str(x)
        return sv

    def rec_host(self, ref):
        if ref != self.host_uuid:
            return None
        p = self.backend.physinfo()
        v = self.backend.version()
        return {
            'uuid': ref, 'name_label': self.host_name,
            'name_description': self.host_description,
            'API_version_major': API_MAJOR, 'API_version_minor': API_MINOR,
            'API_version_vendor': 'Xen',
            'API_version_vendor_implementation': {'xend': '3.1.0'},
            'enabled': self.enabled,
            'software_version': self.software_version(),
            'other_config': self.host_other,
            'capabilities': v['xen_caps'].split(),
            'cpu_configuration': {k: str(p[k]) for k in (
                'nr_nodes', 'sockets_per_node', 'cores_per_socket',
                'threads_per_core')},
            'sched_policy': p['scheduler'],
            'supported_bootloaders': ['pygrub'],
            'resident_VMs': [vm.uuid for vm in self.dom.all()
                             if vm.domid is not None],
            'logging': {}, 'PIFs': self.pifs.refs(),
            'suspend_image_sr': self.local_sr,
            'crash_dump_sr': self.local_sr, 'PBDs': self.pbds.refs(),
            'host_CPUs': self.refs_host_cpu(), 'metrics': self.metrics_uuid}

    def refs_host_metrics(self):
        return [self.metrics_uuid]

    def rec_host_metrics(self, ref):
        if ref != self.metrics_uuid:
            return None
        p = self.backend.physinfo()
        return {'uuid': ref, 'memory_total': p['total_memory'] * 1024,
                'memory_free': p['free_memory'] * 1024,
                'last_updated': now()}

    def refs_host_cpu(self):
        n = self.backend.physinfo()['nr_cpus']
        return [_u(self.host_uuid, 'cpu', str(i)) for i in range(n)]

    def rec_host_cpu(self, ref):
        refs = self.refs_host_cpu()
        if ref not in refs:
            return None
        p = self.backend.physinfo()
        return {'uuid': ref, 'host': self.host_uuid,
                'number': refs.index(ref), 'vendor': 'unknown',
                'speed': p['cpu_mhz'], 'modelname': 'unknown',
                'stepping': '', 'flags': '', 'features': p['hw_caps'],
                'utilisation': 0.0}

    def refs_VM(self):
        return [vm.uuid for vm in self.dom.all()]

    def rec_VM(self, ref):
        vm = self.dom.get(ref)
        c = vm.cfg
        r = {k: c[k] for k in FIELDS['VM'] if k in c}
        r.update(uuid=vm.uuid, power_state=self.dom.power_state(vm),
                 resident_on=self.host_uuid,
                 consoles=[_u(vm.uuid, 'console')], VIFs=list(vm.vifs),
                 VBDs=list(vm.vbds), crash_dumps=[], VTPMs=[],
                 domid=-1 if vm.domid is None else vm.domid,
                 is_control_domain=vm.uuid == D.DOM0_UUID,
                 metrics=vm.metrics, guest_metrics=vm.guest_metrics)
        r['VCPUs_params'] = dict(c['VCPUs_params'])
        return r

    def _vm_by(self, attr, ref):
        for vm in self.dom.all():
            if getattr(vm, attr) == ref:
                return vm
        raise KeyError(ref)

    def refs_VM_metrics(self):
        return [vm.metrics for vm in self.dom.all()]

    def rec_VM_metrics(self, ref):
        vm = self._vm_by('metrics', ref)
        d = self.dom.info(vm)
        c = vm.cfg
        r = {'uuid': ref, 'last_updated': now(),
             'start_time': datetime.datetime.utcfromtimestamp(
                 int(vm.start_time)) if d else 0}
        if d is None:
            r.update(memory_actual=c['memory_dynamic_max'],
                     VCPUs_number=c['VCPUs_at_startup'], state=['halted'])
            return r
        vcpus = self.backend.vcpu_info(vm.domid)
        w, cap = self.backend.sched_credit_get(vm.domid)
        params = {'weight': str(w), 'cap': str(cap)}
        for v in vcpus:
            params['cpumap%d' % v['vcpu']] = ','.join(
                str(x) for x in v['cpumap'])
        r.update(memory_actual=d['mem_kib'] * 1024,
                 VCPUs_number=d['online_vcpus'],
                 VCPUs_utilisation={str(v['vcpu']): 0.0 for v in vcpus},
                 VCPUs_CPU={str(v['vcpu']): str(v['cpu']) for v in vcpus},
                 VCPUs_params=params,
                 VCPUs_flags={str(v['vcpu']): [
                     f for f, on in (('online', v['online']),
                                     ('blocked', v['blocked']),
                                     ('running', v['running'])) if on]
                     for v in vcpus},
                 state=[s for s, on in (
                     ('running', d['running']), ('blocked', d['blocked']),
                     ('paused', d['paused']), ('dying', d['dying']),
                     ('crashed', d['crashed']),
                     ('shutdown', d['shutdown'])) if on])
        return r

    def refs_VM_guest_metrics(self):
        return [vm.guest_metrics for vm in self.dom.all()]

    def rec_VM_guest_metrics(self, ref):
        self._vm_by('guest_metrics', ref)
        return {'uuid': ref, 'last_updated': now()}

    def refs_console(self):
        return [_u(vm.uuid, 'console') for vm in self.dom.all()]

    def rec_console(self, ref):
        for vm in self.dom.all():
            if _u(vm.uuid, 'console') == ref:
                loc = ''
                if vm.domid is not None:
                    try:
                        loc = self.backend.console_path(vm.domid)
                    except BackendError:
                        loc = ''
                return {'uuid': ref, 'protocol': 'vt100', 'location': loc,
                        'VM': vm.uuid, 'other_config': {}}
        return None

    def _devices(self, table):
        out = []
        for vm in self.dom.all():
            out += list(getattr(vm, table))
        return out

    def refs_VBD(self):
        return self._devices('vbds')

    def rec_VBD(self, ref):
        vm, b = self.dom.find_device(ref)
        if b is None or ref not in vm.vbds:
            return None
        r = dict(b)
        live = vm.domid is not None
        r.update(currently_attached=live, status_code=0, status_detail='',
                 runtime_properties={'uname': b['uname']} if live else {},
                 qos_supported_algorithms=[], metrics=ref)
        return r

    def refs_VIF(self):
        return self._devices('vifs')

    def rec_VIF(self, ref):
        vm, v = self.dom.find_device(ref)
        if v is None or ref not in vm.vifs:
            return None
        r = dict(v)
        live = vm.domid is not None
        r.update(device=str(list(vm.vifs).index(ref)),
                 currently_attached=live, status_code=0, status_detail='',
                 runtime_properties={'bridge': v['bridge']} if live else {},
                 qos_supported_algorithms=[], metrics=ref)
        return r

    def _io_metrics(self, ref, refs):
        if ref not in refs:
            return None
        return {'uuid': ref, 'io_read_kbs': 0.0, 'io_write_kbs': 0.0,
                'last_updated': now()}

    def refs_VBD_metrics(self):
        return self.refs_VBD()

    def rec_VBD_metrics(self, ref):
        return self._io_metrics(ref, self.refs_VBD())

    def refs_VIF_metrics(self):
        return self.refs_VIF()

    def rec_VIF_metrics(self, ref):
        return self._io_metrics(ref, self.refs_VIF())

    def refs_PIF_metrics(self):
        return [_u(p, 'metrics') for p in self.pifs.refs()]

    def rec_PIF_metrics(self, ref):
        return self._io_metrics(ref, self.refs_PIF_metrics())

    def refs_network(self):
        return self.networks.refs()

    def rec_network(self, ref):
        r = dict(self.networks.record(ref))
        r['VIFs'] = [v for v in self.refs_VIF()
                     if self.dom.find_device(v)[1]['network'] == ref]
        r['PIFs'] = [p for p, x in self.pifs.recs.items()
                     if x['network'] == ref]
        return r

    def refs_PIF(self):
        return self.pifs.refs()

    def rec_PIF(self, ref):
        r = dict(self.pifs.record(ref))
        r['metrics'] = _u(ref, 'metrics')
        return r

    def refs_SR(self):
        return self.srs.refs()

    def rec_SR(self, ref):
        r = dict(self.srs.record(ref))
        vdis = [v for v, x in self.vdis.recs.items() if x['SR'] == ref]
        r['VDIs'] = vdis
        r['PBDs'] = [p for p, x in self.pbds.recs.items() if x['SR'] == ref]
        r['virtual_allocation'] = sum(self.vdis.recs[v]['virtual_size']
                                      for v in vdis)
        return r

    def refs_VDI(self):
        return self.vdis.refs()

    def rec_VDI(self, ref):
        r = dict(self.vdis.record(ref))
        r['VBDs'] = [b for b in self.refs_VBD()
                     if self.dom.find_device(b)[1]['VDI'] == ref]
        return r

    def refs_PBD(self):
        return self.pbds.refs()

    def rec_PBD(self, ref):
        return self.pbds.record(ref)

    # Registration.
    def reg(self, name, nargs, fn, allow_async=True):
        self.methods[name] = (nargs, fn, allow_async)

    def _register(self):
        for cls, fields in FIELDS.items():
            self._register_class(cls, fields)
        r = self.reg
        r('session.logout', 1, self.session_logout, False)
        r('event.register', 2, self.event_register, False)
        r('event.unregister', 2, self.event_unregister, False)
        r('event.next', 1, self.event_next, False)
        r('task.create', 3, self.task_create, False)
        r('task.destroy', 2, self.task_destroy, False)
        r('task.cancel', 2, self.task_cancel, False)
        r('pool.join', 4, self.pool_join)
        r('host.disable', 2, self.host_enable(False))
        r('host.enable', 2, self.host_enable(True))
        r('host.shutdown', 2, self.host_power)
        r('host.reboot', 2, self.host_power)
        r('host.dmesg', 2, lambda s, h: self._host(h) and
          self.backend.dmesg())
        r('host.dmesg_clear', 2, lambda s, h: self._host(h) and
          self.backend.dmesg(clear=True))
        r('host.get_log', 2, self.host_get_log)
        r('host.send_debug_keys', 3, self.host_debug_keys)
        r('host.list_methods', 1, lambda s: sorted(self.methods))
        r('host.call_plugin', 5, self.host_call_plugin)
        r('SR.get_supported_types', 1, lambda s: ['local'])
        for name, nargs in (('start', 3), ('pause', 2), ('unpause', 2),
                            ('clean_shutdown', 2), ('clean_reboot', 2),
                            ('hard_shutdown', 2), ('hard_reboot', 2),
                            ('suspend', 2), ('resume', 3),
                            ('send_sysrq', 3), ('set_VCPUs_number_live', 3),
                            ('add_to_VCPUs_params_live', 4),
                            ('set_memory_dynamic_max_live', 3),
                            ('set_memory_dynamic_min_live', 3)):
            r('VM.' + name, nargs, getattr(self, 'vm_' + name))
        r('VBD.plug', 2, self.dev_plug)
        r('VBD.unplug', 2, self.dev_plug)
        r('VIF.plug', 2, self.dev_plug)
        r('VIF.unplug', 2, self.dev_plug)
        r('VBD.media_change', 3, self.dev_plug)

    def _register_class(self, cls, fields):
        def getter(f):
            return lambda s, ref: self.record(cls, ref)[f]

        def setter(f, typ):
            return lambda s, ref, v: self.set_field(cls, ref, f,
                                                    coerce(cls, f, typ, v))

        def map_add(f):
            return lambda s, ref, k, v: self.map_change(cls, ref, f, str(k),
                                                        str(v))

        def map_remove(f):
            return lambda s, ref, k: self.map_change(cls, ref, f, str(k),
                                                     None)

        for f, (typ, qual) in fields.items():
            self.reg('%s.get_%s' % (cls, f), 2, getter(f))
            if qual != 'rw':
                continue
            if typ in ('m', 'M'):
                self.reg('%s.add_to_%s' % (cls, f), 4, map_add(f))
                self.reg('%s.remove_from_%s' % (cls, f), 3, map_remove(f))
            else:
                self.reg('%s.set_%s' % (cls, f), 3, setter(f, typ))
        self.reg(cls + '.get_all', 1, lambda s: self.refs(cls))
        self.reg(cls + '.get_all_records', 1,
                 lambda s: {r: self.record(cls, r) for r in self.refs(cls)})
        self.reg(cls + '.get_all_records_where', 2,
                 lambda s, expr: self.records_where(cls, expr))
        self.reg(cls + '.get_record', 2, lambda s, ref: self.record(cls, ref))
        self.reg(cls + '.get_by_uuid', 2, lambda s, u: self.by_uuid(cls, u))
        if 'name_label' in fields:
            self.reg(cls + '.get_by_name_label', 2,
                     lambda s, n: [r for r in self.refs(cls)
                                   if self.record(cls, r)['name_label'] ==
                                   str(n)])
        if hasattr(self, 'create_' + cls):
            self.reg(cls + '.create', 2, lambda s, rec: self.create(cls, rec))
        if hasattr(self, 'destroy_' + cls):
            self.reg(cls + '.destroy', 2,
                     lambda s, ref: self.destroy(cls, ref))

    def records_where(self, cls, expr):
        test = parse_where(str(expr))
        out = {}
        for r in self.refs(cls):
            rec = self.record(cls, r)
            if test(rec):
                out[r] = rec
        return out

    def by_uuid(self, cls, u):
        u = str(u)
        if u not in self.refs(cls):
            raise Failure('HANDLE_INVALID', cls, u)
        return u

    # Generic create/destroy/set.
    def _fields_for_create(self, cls, rec):
        if not isinstance(rec, dict):
            raise Failure('VALUE_NOT_SUPPORTED', 'record', str(rec)[:80],
                          'expected a struct')
        out = {}
        for f, (typ, qual) in FIELDS[cls].items():
            if qual in ('rw', 'ins') and f in rec:
                out[f] = coerce(cls, f, typ, rec[f])
        return out

    def create(self, cls, rec):
        with self.dom.lock:
            ref = getattr(self, 'create_' + cls)(
                self._fields_for_create(cls, rec))
        if cls not in ('VM', 'VBD', 'VIF'):
            self.event(cls, 'add', ref)
        return ref

    def destroy(self, cls, ref):
        self.record(cls, ref)
        with self.dom.lock:
            getattr(self, 'destroy_' + cls)(str(ref))
        if cls not in ('VM', 'VBD', 'VIF'):
            self.event(cls, 'del', ref)
        return ''

    def set_field(self, cls, ref, f, v):
        self.record(cls, ref)
        with self.dom.lock:
            getattr(self, 'set_' + cls, self._set_table)(cls, str(ref), f, v)
        self.event(cls, 'mod', ref, f)
        return ''

    def map_change(self, cls, ref, f, k, v):
        cur = dict(self.record(cls, ref)[f])
        if v is None:
            cur.pop(k, None)
        else:
            cur[k] = v
        return self.set_field(cls, ref, f, cur)

    def _set_table(self, cls, ref, f, v):
        if cls == 'host':
            {'name_label': lambda: setattr(self, 'host_name', v),
             'name_description': lambda: setattr(self, 'host_description',
                                                 v),
             'other_config': lambda: setattr(self, 'host_other', v)}.get(
                 f, lambda: None)()
            return
        if cls == 'pool':
            if f in self.pool:
                self.pool[f] = v
            return
        table = {'network': self.networks, 'VDI': self.vdis,
                 'SR': self.srs, 'PIF': self.pifs}.get(cls)
        if table is None:
            raise Failure('OPERATION_NOT_ALLOWED')
        table.recs[ref][f] = v
        table.save()

    def set_VM(self, cls, ref, f, v):
        vm = self.dom.get(ref)
        if f == 'name_label':
            return self.dom.rename(vm, v)
        cfg = dict(vm.cfg)
        cfg[f] = v
        D.validate(cfg)
        vm.cfg[f] = v
        self.dom.save(vm)

    def set_VBD(self, cls, ref, f, v):
        vm, b = self.dom.find_device(ref)
        b[f] = v
        self.dom.save(vm)

    set_VIF = set_VBD

    def create_VM(self, rec):
        cfg = D.default_config()
        cfg.update(rec)
        if 'VCPUs_max' in rec and 'VCPUs_at_startup' not in rec:
            cfg['VCPUs_at_startup'] = cfg['VCPUs_max']
        if 'VCPUs_at_startup' in rec and 'VCPUs_max' not in rec:
            cfg['VCPUs_max'] = cfg['VCPUs_at_startup']
        transient = str(cfg['other_config'].get('transient', '')).lower() \
            in ('true', '1')
        return self.dom.create(cfg, managed=not transient).uuid

    def destroy_VM(self, ref):
        self.dom.destroy(self.dom.get(ref))

    def create_VBD(self, rec):
        vm = self._need('VM', rec.get('VM', ''))
        vdi = rec.get('VDI', '')
        uname = ''
        if vdi:
            if vdi not in self.vdis.recs:
                raise Failure('HANDLE_INVALID', 'VDI', vdi)
            uname = self.vdis.recs[vdi]['other_config'].get('location', '')
        if not rec.get('device'):
            raise Failure('CREATE_UNSPECIFIED_ATTRIBUTE', 'device', 'VBD')
        D.check_vdev(rec['device'])
        D.check_uname(uname)
        b = {'VDI': vdi, 'device': rec['device'],
             'bootable': rec.get('bootable', False),
             'mode': rec.get('mode', 'RW'), 'type': rec.get('type', 'Disk'),
             'uname': uname,
             'qos_algorithm_type': rec.get('qos_algorithm_type', ''),
             'qos_algorithm_params': rec.get('qos_algorithm_params', {}),
             'other_config': {}}
        return self.dom.add_vbd(vm, b)

    def _need(self, cls, ref):
        try:
            if cls == 'VM':
                return self.dom.get(ref)
        except XendError:
            pass
        raise Failure('HANDLE_INVALID', cls, ref)

    def destroy_VBD(self, ref):
        vm, _ = self.dom.find_device(ref)
        self.dom.remove_device(vm, 'vbd', ref)

    def create_VIF(self, rec):
        vm = self._need('VM', rec.get('VM', ''))
        net = rec.get('network', '')
        if net not in self.networks.recs:
            raise Failure('HANDLE_INVALID', 'network', net)
        n = self.networks.recs[net]
        mac = rec.get('MAC') or D.random_mac()
        bridge = n['other_config'].get('bridge', n['name_label'])
        D.check_vif(mac, bridge)
        v = {'network': net, 'device': rec.get('device', ''), 'MAC': mac,
             'MTU': rec.get('MTU') or 1500, 'bridge': bridge,
             'script': 'vif-bridge', 'ip': '', 'rate': '', 'vifname': '',
             'model': '',
             'qos_algorithm_type': rec.get('qos_algorithm_type', ''),
             'qos_algorithm_params': rec.get('qos_algorithm_params', {}),
             'other_config': {}}
        return self.dom.add_vif(vm, v)

    def destroy_VIF(self, ref):
        vm, _ = self.dom.find_device(ref)
        self.dom.remove_device(vm, 'vif', ref)

    def create_network(self, rec):
        ref = str(uuidlib.uuid4())
        r = {'uuid': ref, 'name_label': '', 'name_description': '',
             'other_config': {}}
        r.update(rec)
        self.networks.recs[ref] = r
        self.networks.save()
        return ref

    def destroy_network(self, ref):
        if self.rec_network(ref)['VIFs'] or self.rec_network(ref)['PIFs']:
            raise Failure('OPERATION_NOT_ALLOWED')
        del self.networks.recs[ref]
        self.networks.save()

    def create_VDI(self, rec):
        sr = rec.get('SR', '')
        if sr not in self.srs.recs:
            raise Failure('HANDLE_INVALID', 'SR', sr)
        ref = str(uuidlib.uuid4())
        r = {'uuid': ref, 'name_label': '', 'name_description': '',
             'SR': sr, 'virtual_size': 0, 'physical_utilisation': 0,
             'type': 'user', 'sharable': False, 'read_only': False,
             'other_config': {}, 'crash_dumps': []}
        r.update(rec)
        self.vdis.recs[ref] = r
        self.vdis.save()
        return ref

    def destroy_VDI(self, ref):
        if self.rec_VDI(ref)['VBDs']:
            raise Failure('OPERATION_NOT_ALLOWED')
        del self.vdis.recs[ref]
        self.vdis.save()

    # Class-specific calls.
    def session_logout(self, s):
        with self.lock:
            self.sessions.pop(s.uuid, None)
        with s.cond:
            s.cond.notify_all()
        return ''

    def event_register(self, s, classes):
        if not isinstance(classes, list):
            raise Failure('VALUE_NOT_SUPPORTED', 'classes', classes,
                          'expected a set')
        with s.cond:
            if not classes:
                s.classes = set()
            elif s.classes != set():
                s.classes = (s.classes or set()) | {
                    str(c).lower() for c in classes}
        return ''

    def event_unregister(self, s, classes):
        if not isinstance(classes, list):
            raise Failure('VALUE_NOT_SUPPORTED', 'classes', classes,
                          'expected a set')
        with s.cond:
            if s.classes is not None:
                if not classes:
                    s.classes = None
                else:
                    s.classes -= {str(c).lower() for c in classes}
                    if not s.classes:
                        s.classes = None
                if s.classes is None:
                    s.events.clear()
        return ''

    def event_next(self, s):
        if s.classes is None:
            raise Failure('SESSION_NOT_REGISTERED', s.uuid)
        deadline = time.monotonic() + self.event_timeout
        with s.cond:
            while not s.events and s.uuid in self.sessions:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                s.cond.wait(left)
            out = list(s.events)
            s.events.clear()
        return out

    def task_create(self, s, label, desc):
        ref = str(uuidlib.uuid4())
        self._add_task({
            'uuid': ref, 'name_label': str(label),
            'name_description': str(desc), 'status': 'pending',
            'session': s.uuid, 'progress': 0, 'type': '', 'result': '',
            'error_info': [], 'allowed_operations': [],
            'created': now(), 'finished': now(),
            'resident_on': self.host_uuid})
        self.event('task', 'add', ref)
        return ref

    def _add_task(self, t):
        with self.lock:
            self.tasks[t['uuid']] = t
            while len(self.tasks) > MAX_TASKS:
                done = [r for r, x in self.tasks.items()
                        if x['status'] != 'pending']
                del self.tasks[done[0] if done else next(iter(self.tasks))]

    def task_destroy(self, s, ref):
        with self.lock:
            if self.tasks.pop(str(ref), None) is None:
                raise Failure('HANDLE_INVALID', 'task', ref)
        self.event('task', 'del', ref)
        return ''

    def task_cancel(self, s, ref):
        self.record('task', ref)
        raise Failure('OPERATION_NOT_ALLOWED')

    def pool_join(self, s, addr, user, pw):
        raise Failure('OPERATION_NOT_ALLOWED')

    def _host(self, ref):
        if str(ref) != self.host_uuid:
            raise Failure('HANDLE_INVALID', 'host', ref)
        return True

    def host_enable(self, on):
        def fn(s, h):
            self._host(h)
            self.enabled = on
            self.event('host', 'mod', h, 'enabled')
            return ''
        return fn

    def host_power(self, s, h):
        self._host(h)
        raise Failure('OPERATION_NOT_ALLOWED')

    def host_get_log(self, s, h):
        self._host(h)
        return read_log(self.xend_log)

    def host_debug_keys(self, s, h, keys):
        self._host(h)
        self.backend.send_debug_keys(str(keys))
        return ''

    def host_call_plugin(self, s, h, plugin, fn, args):
        self._host(h)
        raise Failure('OPERATION_NOT_ALLOWED')

    def dev_plug(self, s, ref, *rest):
        raise Failure('OPERATION_NOT_ALLOWED')

    # VM lifecycle.
    def _vm(self, ref):
        return self._need('VM', str(ref))

    def vm_start(self, s, ref, paused):
        if not self.enabled:
            raise Failure('OPERATION_NOT_ALLOWED')
        self.dom.start(self._vm(ref), coerce('VM', 'start_paused', 'b',
                                             paused))
        return ''

    def vm_pause(self, s, ref):
        self.dom.pause(self._vm(ref))
        return ''

    def vm_unpause(self, s, ref):
        self.dom.unpause(self._vm(ref))
        return ''

    def vm_clean_shutdown(self, s, ref):
        self.dom.shutdown(self._vm(ref), 'poweroff')
        return ''

    def vm_clean_reboot(self, s, ref):
        self.dom.shutdown(self._vm(ref), 'reboot')
        return ''

    def vm_hard_shutdown(self, s, ref):
        self.dom.hard_shutdown(self._vm(ref))
        return ''

    def vm_hard_reboot(self, s, ref):
        self.dom.hard_reboot(self._vm(ref))
        return ''

    def vm_suspend(self, s, ref):
        vm = self._vm(ref)
        st = self.dom.power_state(vm)
        if st != 'Running':
            raise D.bad_state(vm.uuid, 'Running', st)
        raise Failure('OPERATION_NOT_ALLOWED')

    def vm_resume(self, s, ref, paused):
        vm = self._vm(ref)
        raise D.bad_state(vm.uuid, 'Suspended', self.dom.power_state(vm))

    def vm_send_sysrq(self, s, ref, key):
        self.dom.sysrq(self._vm(ref), str(key))
        return ''

    def vm_set_VCPUs_number_live(self, s, ref, n):
        self.dom.set_vcpus(self._vm(ref), coerce('VM', 'nvcpu', 'i', n))
        return ''

    def vm_add_to_VCPUs_params_live(self, s, ref, k, v):
        vm = self._vm(ref)
        k, v = str(k), str(v)
        if k.startswith('cpumap') and k[6:].isdigit():
            self.dom.vcpu_pin(vm, int(k[6:]), v)
        elif k in ('weight', 'cap'):
            n = coerce('VM', k, 'i', v)
            self.dom.sched_credit(vm, **{k: n})
        else:
            raise Failure('VALUE_NOT_SUPPORTED', k, v,
                          'cpumapN, weight or cap')
        return ''

    def vm_set_memory_dynamic_max_live(self, s, ref, n):
        self.dom.set_memory_target(self._vm(ref),
                                   coerce('VM', 'memory', 'i', n))
        return ''

    def vm_set_memory_dynamic_min_live(self, s, ref, n):
        vm = self._vm(ref)
        n = coerce('VM', 'memory', 'i', n)
        if not 0 <= n <= vm.cfg['memory_dynamic_max']:
            raise Failure('VALUE_NOT_SUPPORTED', 'memory_dynamic_min', n,
                          'must be 0..memory_dynamic_max')
        vm.cfg['memory_dynamic_min'] = n
        self.dom.save(vm)
        return ''
