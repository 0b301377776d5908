# SPDX-License-Identifier: GPL-2.0-only
"""The VMs xend knows: their configs, the power-state machine on top of the
backend, on_* actions, and the managed VMs kept under xend-domains-path."""
import logging
import os
import re
import shutil
import threading
import time
import uuid as uuidlib

from xen.xend import sxp
from xen.xend.backend import (BackendError, SHUTDOWN_POWEROFF,
                              SHUTDOWN_REBOOT, SHUTDOWN_CRASH, BRIDGE_RE,
                              disk_source, vbd_devid, vif_rate)

log = logging.getLogger('xend')

MiB = 1024 * 1024
DOM0_UUID = '00000000-0000-0000-0000-000000000000'
NAME_RE = re.compile(r'^[A-Za-z0-9_\-.:/+]+$')
ON_NORMAL = ('destroy', 'restart')
ON_CRASH = ('destroy', 'coredump_and_destroy', 'restart',
            'coredump_and_restart', 'preserve', 'rename_restart')
# A VM restarted this often within RESTART_WINDOW seconds is left halted.
RESTART_LIMIT = 5
RESTART_WINDOW = 10.0


class XendError(Exception):
    """A failure with its XenAPI error description (a list of strings)."""

    def __init__(self, *desc):
        Exception.__init__(self, ': '.join(str(d) for d in desc))
        self.desc = [str(d) for d in desc]


class NoSuchDomain(XendError):
    def __init__(self, dom):
        XendError.__init__(self, 'HANDLE_INVALID', 'VM', dom)
        self.dom = str(dom)


def bad_state(vm, expected, actual):
    return XendError('VM_BAD_POWER_STATE', vm, expected, actual)


def default_config():
    return {
        'name_label': 'Domain-Unnamed', 'name_description': '',
        'user_version': 1, 'is_a_template': False, 'auto_power_on': False,
        'memory_static_min': 0, 'memory_static_max': 0,
        'memory_dynamic_min': 0, 'memory_dynamic_max': 0,
        'VCPUs_max': 1, 'VCPUs_at_startup': 1, 'VCPUs_params': {},
        'actions_after_shutdown': 'destroy',
        'actions_after_reboot': 'restart', 'actions_after_crash': 'restart',
        'PV_bootloader': '', 'PV_kernel': '', 'PV_ramdisk': '',
        'PV_args': '', 'PV_bootloader_args': '', 'HVM_boot_policy': '',
        'HVM_boot_params': {}, 'platform': {}, 'PCI_bus': '',
        'other_config': {}, 'cpus': '',
    }


def parse_cpus(text, nr_cpus):
    """'0-3,^1' -> [0, 2, 3]; 'all' -> every CPU."""
    text = str(text).strip()
    if text in ('', 'all'):
        return list(range(nr_cpus))
    cpus = set()
    for part in text.split(','):
        part = part.strip()
        neg = part.startswith('^')
        part = part.lstrip('^')
        if '-' in part:
            lo, hi = part.split('-', 1)
            rng = range(int(lo), int(hi) + 1)
        else:
            rng = [int(part)]
        for c in rng:
            if neg:
                cpus.discard(c)
            else:
                cpus.add(c)
    return sorted(cpus)


def format_cpus(cpus, nr_cpus):
    cpus = sorted(cpus)
    if cpus == list(range(nr_cpus)):
        return 'any cpu'
    if not cpus:
        return 'no cpus'
    runs = []
    for c in cpus:
        if runs and runs[-1][1] == c - 1:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    return ','.join('%d' % a if a == b else '%d-%d' % (a, b) for a, b in runs)


class VM(object):
    def __init__(self, cfg, managed, vm_uuid=None):
        self.uuid = vm_uuid or str(uuidlib.uuid4())
        self.cfg = cfg
        self.managed = managed
        self.vbds = {}
        self.vifs = {}
        self.consoles = {}
        # The devid each vif has in the running domain (ref -> devid).
        self.vif_devids = {}
        self.domid = None
        self.preserved = False
        self.start_time = 0.0
        self.restarts = []
        self.metrics = str(uuidlib.uuid5(uuidlib.NAMESPACE_OID,
                                         self.uuid + '/metrics'))
        self.guest_metrics = str(uuidlib.uuid5(uuidlib.NAMESPACE_OID,
                                               self.uuid + '/guest'))

    @property
    def name(self):
        return self.cfg['name_label']

    @property
    def transient(self):
        return not self.managed or \
            str(self.cfg['other_config'].get('transient', '')).lower() \
            in ('true', '1')


def validate(cfg):
    """Raise XendError if cfg cannot describe a domain."""
    if not NAME_RE.match(cfg['name_label']):
        raise XendError('VALUE_NOT_SUPPORTED', 'name_label',
                        cfg['name_label'], 'name must match %s'
                        % NAME_RE.pattern)
    smin, smax = cfg['memory_static_min'], cfg['memory_static_max']
    dmin, dmax = cfg['memory_dynamic_min'], cfg['memory_dynamic_max']
    if not (0 <= smin <= dmin <= dmax <= smax and dmax > 0):
        raise XendError('VALUE_NOT_SUPPORTED', 'memory_dynamic_max', dmax,
                        'memory must satisfy 0 <= static_min <= dynamic_min '
                        '<= dynamic_max <= static_max and be positive')
    for f in ('VCPUs_max', 'VCPUs_at_startup'):
        if not 0 < cfg[f] <= 128:
            raise XendError('VALUE_NOT_SUPPORTED', f, cfg[f],
                            'VCPUs must be 1..128')
    if cfg['VCPUs_at_startup'] > cfg['VCPUs_max']:
        raise XendError('VALUE_NOT_SUPPORTED', 'VCPUs_at_startup',
                        cfg['VCPUs_at_startup'], 'more than VCPUs_max')
    for f, allowed in (('actions_after_shutdown', ON_NORMAL),
                       ('actions_after_reboot', ON_NORMAL)):
        if cfg[f] not in allowed:
            raise XendError('VM_ON_NORMAL_EXIT_INVALID', cfg[f])
    if cfg['actions_after_crash'] not in ON_CRASH:
        raise XendError('VM_ON_CRASH_BEHAVIOUR_INVALID',
                        cfg['actions_after_crash'])
    if cfg['HVM_boot_policy'] not in ('', 'BIOS order'):
        raise XendError('VALUE_NOT_SUPPORTED', 'HVM_boot_policy',
                        cfg['HVM_boot_policy'], 'only "" or "BIOS order"')


class Domains(object):
    """Every VM, under one lock; hooks tell the API layer about changes."""

    def __init__(self, backend, domains_path, dump_path=None):
        self.backend = backend
        self.path = domains_path
        self.dump_path = dump_path or os.path.join(domains_path, '..', 'dump')
        self.lock = threading.RLock()
        # The backend's domains (domid: dict) as the last refresh listed
        # them: fresh only under the lock that refresh ran under.
        self.listing = {}
        self.vms = {}
        self.listeners = []
        self.networks = None      # set by the API layer: bridge -> ref
        dom0 = VM(default_config(), managed=False, vm_uuid=DOM0_UUID)
        dom0.cfg['name_label'] = 'Domain-0'
        dom0.domid = 0
        self.vms[DOM0_UUID] = dom0
        self._load()
        self.refresh()

    # Events.
    def notify(self, cls, op, ref, field=None):
        for f in self.listeners:
            f(cls, op, ref, field)

    # Persistence.
    def _dir(self, vm):
        return os.path.join(self.path, vm.uuid)

    def save(self, vm):
        if not vm.managed:
            return
        d = self._dir(vm)
        os.makedirs(d, mode=0o700, exist_ok=True)
        tmp = os.path.join(d, 'config.sxp.tmp')
        with open(tmp, 'w') as f:
            f.write(sxp.to_string(self.to_sxp(vm, persist=True), indent=4))
            f.write('\n')
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, os.path.join(d, 'config.sxp'))

    def _load(self):
        if not os.path.isdir(self.path):
            return
        for u in sorted(os.listdir(self.path)):
            f = os.path.join(self.path, u, 'config.sxp')
            if not os.path.isfile(f):
                continue
            try:
                with open(f) as fh:
                    cfg = sxp.parse_one(fh.read())
                vm = self.from_sxp(cfg, managed=True)
            except (OSError, ValueError, XendError) as e:
                log.error('managed VM %s not loaded: %s', u, e)
                continue
            if vm.uuid != u:
                log.error('managed VM %s: config names uuid %s', u, vm.uuid)
                continue
            self.vms[vm.uuid] = vm
            log.info('loaded managed VM %s (%s)', vm.name, vm.uuid)

    # Lookup.
    def get(self, ref):
        with self.lock:
            self.refresh()
            vm = self.vms.get(ref)
            if vm is None:
                raise NoSuchDomain(ref)
            return vm

    def lookup(self, dom):
        """A VM by name, domid or uuid (legacy `dom` arguments)."""
        with self.lock:
            self.refresh()
            dom = str(dom)
            if dom in self.vms:
                return self.vms[dom]
            for vm in self.vms.values():
                if vm.name == dom:
                    return vm
            if re.match(r'^-?\d+$', dom):
                for vm in self.vms.values():
                    if vm.domid == int(dom):
                        return vm
            raise NoSuchDomain(dom)

    def by_name(self, name):
        with self.lock:
            return [vm for vm in self.vms.values() if vm.name == name]

    def all(self):
        with self.lock:
            self.refresh()
            return list(self.vms.values())

    # Live state.
    def _info(self, vm):
        if vm.domid is None:
            return None
        for d in self.backend.domain_list():
            if d['domid'] == vm.domid:
                return d
        return None

    def info(self, vm):
        with self.lock:
            return self._info(vm)

    def power_state(self, vm):
        with self.lock:
            return self._state(self._info(vm))

    @staticmethod
    def _state(d):
        if d is None or d['shutdown']:
            return 'Halted'
        return 'Paused' if d['paused'] else 'Running'

    def refresh(self):
        """Reap domains that shut down and apply their on_* actions;
        the domains as the backend listed them, by domid."""
        with self.lock:
            live = {d['domid']: d for d in self.backend.domain_list()}
            if 0 in live:
                # Domain 0's size is whatever it booted with.
                c, d = self.vms[DOM0_UUID].cfg, live[0]
                c['memory_dynamic_max'] = c['memory_dynamic_min'] = \
                    d['mem_kib'] * 1024
                c['memory_static_max'] = d['maxmem_kib'] * 1024
                c['VCPUs_max'] = c['VCPUs_at_startup'] = d['max_vcpus']
            known = set()
            for vm in list(self.vms.values()):
                if vm.domid is None:
                    continue
                known.add(vm.domid)
                d = live.get(vm.domid)
                if d is None:
                    self.backend.domain_gone(vm.domid)
                    self._halted(vm)
                elif d['shutdown'] and not vm.preserved:
                    self._shutdown_action(vm, d)
            for domid, d in live.items():
                if domid not in known and not d['dying']:
                    self._adopt(d)
            self.listing = live
            return live

    def _adopt(self, d):
        cfg = default_config()
        name = d.get('name') or 'Domain-%d' % d['domid']
        cfg['name_label'] = name
        mem = d['mem_kib'] * 1024
        cfg.update(memory_static_max=d['maxmem_kib'] * 1024,
                   memory_dynamic_max=mem, memory_dynamic_min=mem,
                   VCPUs_max=d['max_vcpus'], VCPUs_at_startup=d['max_vcpus'])
        u = d.get('uuid') or None
        if u in self.vms and self.vms[u].domid is None:
            # A managed VM whose domain outlived an xend restart.
            self.vms[u].domid = d['domid']
            self.vms[u].start_time = time.time()
            return
        if u in self.vms:
            u = None
        vm = VM(cfg, managed=False, vm_uuid=u)
        vm.domid = d['domid']
        vm.start_time = time.time()
        self.vms[vm.uuid] = vm
        log.info('adopted running domain %d as %s', vm.domid, name)
        self.notify('VM', 'add', vm.uuid)

    def _halted(self, vm):
        vm.domid = None
        vm.vif_devids = {}
        vm.preserved = False
        if vm.transient:
            self._forget(vm)
        else:
            self.notify('VM', 'mod', vm.uuid, 'power_state')

    def _forget(self, vm):
        del self.vms[vm.uuid]
        for ref in list(vm.vbds) + list(vm.vifs) + list(vm.consoles):
            cls = 'VBD' if ref in vm.vbds else \
                'VIF' if ref in vm.vifs else 'console'
            self.notify(cls, 'del', ref)
        self.notify('VM', 'del', vm.uuid)

    def _shutdown_action(self, vm, d):
        reason = d['shutdown_reason']
        if reason == SHUTDOWN_POWEROFF:
            action = vm.cfg['actions_after_shutdown']
        elif reason == SHUTDOWN_REBOOT:
            action = vm.cfg['actions_after_reboot']
        elif reason == SHUTDOWN_CRASH:
            action = vm.cfg['actions_after_crash']
        else:
            action = 'destroy'
        log.info('domain %s (%d) shut down (reason %d): %s', vm.name,
                 vm.domid, reason, action)
        if action == 'preserve':
            vm.preserved = True
            self.notify('VM', 'mod', vm.uuid, 'power_state')
            return
        if action.startswith('coredump_and_'):
            self._core_dump(vm)
            action = action[len('coredump_and_'):]
        domid = vm.domid
        try:
            self.backend.domain_destroy(domid)
        except BackendError as e:
            log.error('destroying domain %d: %s', domid, e)
        vm.domid = None
        if action in ('restart', 'rename_restart'):
            now = time.time()
            vm.restarts = [t for t in vm.restarts
                           if now - t < RESTART_WINDOW] + [now]
            if len(vm.restarts) > RESTART_LIMIT:
                log.error('VM %s restarting too fast; leaving it halted',
                          vm.name)
            else:
                try:
                    self._start(vm, False)
                    return
                except (BackendError, XendError) as e:
                    log.error('restarting %s failed: %s', vm.name, e)
        self._halted(vm)

    def _core_dump(self, vm):
        os.makedirs(self.dump_path, exist_ok=True)
        path = os.path.join(self.dump_path, '%s.%s.core' % (
            vm.name, time.strftime('%Y-%m%d-%H%M.%S')))
        try:
            self.backend.domain_core_dump(vm.domid, path)
            log.info('core of %s written to %s', vm.name, path)
        except (BackendError, OSError) as e:
            log.error('core dump of %s failed: %s', vm.name, e)

    # Lifecycle.
    def create(self, cfg, managed):
        with self.lock:
            validate(cfg)
            for vm in self.vms.values():
                if vm.name == cfg['name_label']:
                    raise XendError('VALUE_NOT_SUPPORTED', 'name_label',
                                    cfg['name_label'],
                                    'a VM with this name exists')
            u = cfg.pop('uuid', None) or None
            if u is not None:
                try:
                    u = str(uuidlib.UUID(u))
                except ValueError:
                    raise XendError('VALUE_NOT_SUPPORTED', 'uuid', u,
                                    'not a UUID') from None
                if u in self.vms:
                    raise XendError('VALUE_NOT_SUPPORTED', 'uuid', u,
                                    'a VM with this uuid exists')
            vm = VM(cfg, managed, vm_uuid=u)
            self.vms[vm.uuid] = vm
            self.save(vm)
            self.notify('VM', 'add', vm.uuid)
            return vm

    def destroy(self, vm):
        """Delete a halted VM's record (VM.destroy, xm delete)."""
        with self.lock:
            self.refresh()
            if vm.uuid == DOM0_UUID:
                raise XendError('OPERATION_NOT_ALLOWED',
                                'domain 0 cannot be destroyed')
            st = self.power_state(vm)
            if st != 'Halted' or vm.domid is not None:
                raise bad_state(vm.uuid, 'Halted', st)
            if vm.managed:
                shutil.rmtree(self._dir(vm), ignore_errors=True)
            if vm.uuid in self.vms:
                self._forget(vm)

    def _backend_cfg(self, vm):
        c = vm.cfg
        cmdline = c['PV_args']
        return {
            'name': c['name_label'], 'uuid': vm.uuid,
            'mem_kib': c['memory_dynamic_max'] // 1024,
            'maxmem_kib': c['memory_static_max'] // 1024,
            'vcpus': c['VCPUs_max'], 'kernel': c['PV_kernel'],
            'ramdisk': c['PV_ramdisk'], 'cmdline': cmdline,
            'disks': [backend_dev('vbd', b, i)
                      for i, b in enumerate(vm.vbds.values())],
            'vifs': [backend_dev('vif', v, i)
                     for i, v in enumerate(vm.vifs.values())],
        }

    @staticmethod
    def vif_devid(vm, ref):
        """The devid of a running VM's vif: 0, 1, ... in the VM's order
        when it started, or the one it got when it was added.  A domain
        adopted by a restarted xend has only the order to go by."""
        if ref in vm.vif_devids:
            return vm.vif_devids[ref]
        return list(vm.vifs).index(ref)

    def _next_vif_devid(self, vm):
        """One past the highest devid the running domain's vifs have, as
        libxl picks it (libxl__device_nextid): the id of a vif taken out
        of the middle is not reused, so a new vif never meets what is
        left of an old one, and never takes the id of one still there."""
        return max((self.vif_devid(vm, r) for r in vm.vifs), default=-1) + 1

    def _start(self, vm, paused):
        c = vm.cfg
        if c['is_a_template']:
            raise XendError('OPERATION_NOT_ALLOWED', 'templates cannot start')
        if not c['PV_kernel'] and not c['PV_bootloader']:
            raise XendError('VALUE_NOT_SUPPORTED', 'PV_kernel', '',
                            'a kernel (or bootloader) is required')
        domid = self.backend.domain_create(self._backend_cfg(vm))
        vm.vif_devids = {ref: i for i, ref in enumerate(vm.vifs)}
        try:
            p = c['VCPUs_params']
            pins = [(v, c['cpus']) for v in range(c['VCPUs_max'])
                    if c['cpus']] + [(int(k[6:]), v) for k, v in p.items()
                                     if re.match(r'^cpumap\d+$', k)]
            if c['VCPUs_at_startup'] < c['VCPUs_max']:
                self.backend.set_vcpus_online(domid, c['VCPUs_at_startup'])
            # The host's CPU count only where a pin needs it (a hypercall
            # fewer for most starts).
            nr = self.backend.physinfo()['nr_cpus'] if pins else 0
            for v, cpus in pins:
                self.backend.vcpu_pin(domid, v, parse_cpus(cpus, nr))
            if 'weight' in p or 'cap' in p:
                w, cap = self.backend.sched_credit_get(domid)
                self.backend.sched_credit_set(
                    domid, int(p.get('weight', w)), int(p.get('cap', cap)))
            if not paused:
                self.backend.domain_unpause(domid)
        except (BackendError, ValueError) as e:
            # A start that fails half-way leaves nothing behind.
            try:
                self.backend.domain_destroy(domid)
            except BackendError:
                pass
            raise XendError('INTERNAL_ERROR', 'starting %s: %s'
                            % (vm.name, e)) from None
        vm.domid = domid
        vm.preserved = False
        vm.start_time = time.time()
        self.notify('VM', 'mod', vm.uuid, 'power_state')

    def start(self, vm, paused):
        with self.lock:
            self.refresh()
            st = self.power_state(vm)
            if st != 'Halted' or vm.domid is not None:
                raise bad_state(vm.uuid, 'Halted', st)
            try:
                self._start(vm, paused)
            except BackendError as e:
                raise XendError('INTERNAL_ERROR', 'starting %s: %s'
                                % (vm.name, e)) from None

    def _live(self, vm, need, op):
        live = self.refresh()
        if vm.uuid == DOM0_UUID:
            raise XendError('OPERATION_NOT_ALLOWED',
                            '%s is not allowed on domain 0' % op)
        # The listing refresh made, unless an on_* action gave the VM a
        # new domain since (one list of the domains the fewer).
        st = self._state(live[vm.domid]) if vm.domid in live \
            else self.power_state(vm)
        if st not in need:
            raise bad_state(vm.uuid, need[0], st)

    def _call(self, fn, *args):
        try:
            return fn(*args)
        except BackendError as e:
            raise XendError('INTERNAL_ERROR', str(e)) from None

    def pause(self, vm):
        with self.lock:
            self._live(vm, ('Running',), 'pause')
            self._call(self.backend.domain_pause, vm.domid)
            self.notify('VM', 'mod', vm.uuid, 'power_state')

    def unpause(self, vm):
        with self.lock:
            self._live(vm, ('Paused',), 'unpause')
            self._call(self.backend.domain_unpause, vm.domid)
            self.notify('VM', 'mod', vm.uuid, 'power_state')

    def shutdown(self, vm, reason):
        with self.lock:
            self._live(vm, ('Running', 'Paused'), 'shutdown')
            self._call(self.backend.domain_shutdown, vm.domid, reason)
            self.refresh()

    def hard_shutdown(self, vm):
        t0 = time.monotonic()
        with self.lock:
            t1 = time.monotonic()
            self._live(vm, ('Running', 'Paused'), 'hard_shutdown')
            t2 = time.monotonic()
            self._call(self.backend.domain_destroy, vm.domid)
            self._halted(vm)
            # The backend logs its own phases; these are what comes
            # before them (tools/bench/xm.py prints both).
            log.debug('%s: hard_shutdown: waited %.3f s for the lock, '
                      'state %.3f s', vm.name, t1 - t0, t2 - t1)

    def hard_reboot(self, vm):
        with self.lock:
            self._live(vm, ('Running', 'Paused'), 'hard_reboot')
            self._call(self.backend.domain_destroy, vm.domid)
            vm.domid = None
            try:
                self._start(vm, False)
            except XendError:
                self._halted(vm)
                raise

    def sysrq(self, vm, key):
        with self.lock:
            self._live(vm, ('Running', 'Paused'), 'sysrq')
            self._call(self.backend.domain_sysrq, vm.domid, key)

    def rename(self, vm, name):
        with self.lock:
            if not NAME_RE.match(name):
                raise XendError('VALUE_NOT_SUPPORTED', 'name_label', name,
                                'bad characters')
            for other in self.vms.values():
                if other is not vm and other.name == name:
                    raise XendError('VALUE_NOT_SUPPORTED', 'name_label',
                                    name, 'a VM with this name exists')
            vm.cfg['name_label'] = name
            self.save(vm)

    def set_memory_target(self, vm, nbytes):
        with self.lock:
            if nbytes <= 0 or nbytes > vm.cfg['memory_static_max']:
                raise XendError('VALUE_NOT_SUPPORTED', 'memory_dynamic_max',
                                nbytes, 'must be 1..memory_static_max (%d)'
                                % vm.cfg['memory_static_max'])
            self._set_memory(vm, 'memory_dynamic_max', nbytes,
                             self.backend.set_memory_target)

    def _set_memory(self, vm, field, nbytes, apply):
        if vm.domid is not None:
            self._call(apply, vm.domid, nbytes // 1024)
        c = vm.cfg
        c[field] = nbytes
        c['memory_dynamic_max'] = min(c['memory_dynamic_max'],
                                      c['memory_static_max'])
        c['memory_dynamic_min'] = min(c['memory_dynamic_min'],
                                      c['memory_dynamic_max'])
        self.save(vm)

    def set_memory_max(self, vm, nbytes):
        with self.lock:
            if nbytes <= 0:
                raise XendError('VALUE_NOT_SUPPORTED', 'memory_static_max',
                                nbytes, 'must be positive')
            self._set_memory(vm, 'memory_static_max', nbytes,
                             self.backend.set_max_memory)

    def set_vcpus(self, vm, n):
        with self.lock:
            if not 0 < n <= vm.cfg['VCPUs_max']:
                raise XendError('VALUE_NOT_SUPPORTED', 'VCPUs_number', n,
                                'must be 1..VCPUs_max (%d)'
                                % vm.cfg['VCPUs_max'])
            if vm.domid is not None:
                self._call(self.backend.set_vcpus_online, vm.domid, n)
            vm.cfg['VCPUs_at_startup'] = n
            self.save(vm)

    def vcpu_pin(self, vm, vcpu, cpus_text):
        with self.lock:
            nr = self.backend.physinfo()['nr_cpus']
            try:
                cpus = parse_cpus(cpus_text, nr)
            except ValueError:
                raise XendError('VALUE_NOT_SUPPORTED', 'cpumap', cpus_text,
                                'not a CPU list') from None
            if not 0 <= vcpu < vm.cfg['VCPUs_max']:
                raise XendError('VALUE_NOT_SUPPORTED', 'vcpu', vcpu,
                                'no such VCPU')
            if vm.domid is not None:
                self._call(self.backend.vcpu_pin, vm.domid, vcpu, cpus)
            vm.cfg['VCPUs_params']['cpumap%d' % vcpu] = \
                ','.join(str(c) for c in cpus)
            self.save(vm)

    def sched_credit(self, vm, weight=None, cap=None):
        with self.lock:
            p = vm.cfg['VCPUs_params']
            if vm.domid is not None:
                w, c = self._call(self.backend.sched_credit_get, vm.domid)
            else:
                w, c = int(p.get('weight', 256)), int(p.get('cap', 0))
            if weight is None and cap is None:
                return w, c
            w = w if weight is None else weight
            c = c if cap is None else cap
            if not 1 <= w <= 65535 or c < 0:
                raise XendError('VALUE_NOT_SUPPORTED', 'weight', w,
                                'weight 1..65535, cap >= 0')
            if vm.domid is not None:
                self._call(self.backend.sched_credit_set, vm.domid, w, c)
            p['weight'], p['cap'] = str(w), str(c)
            self.save(vm)
            return w, c

    # Devices.
    def add_vbd(self, vm, rec):
        return self._add_device(vm, 'vbd', vm.vbds, rec)

    def add_vif(self, vm, rec):
        return self._add_device(vm, 'vif', vm.vifs, rec)

    def _add_device(self, vm, kind, table, rec):
        with self.lock:
            if kind == 'vbd' and any(
                    vbd_devid(b['device']) == vbd_devid(rec['device'])
                    for b in table.values()):
                raise XendError('VALUE_NOT_SUPPORTED', 'device',
                                rec['device'], 'the VM has a disk there')
            devid = self._next_vif_devid(vm) if kind == 'vif' else None
            if vm.domid is not None:
                self._call(self.backend.device_add, vm.domid, kind,
                           backend_dev(kind, rec, devid))
            rec.setdefault('uuid', str(uuidlib.uuid4()))
            if vm.domid is not None and kind == 'vif':
                vm.vif_devids[rec['uuid']] = devid
            rec['VM'] = vm.uuid
            table[rec['uuid']] = rec
            self.save(vm)
            self.notify(kind.upper(), 'add', rec['uuid'])
            return rec['uuid']

    def remove_device(self, vm, kind, ref):
        with self.lock:
            table = vm.vbds if kind == 'vbd' else vm.vifs
            if ref not in table:
                raise XendError('HANDLE_INVALID', kind.upper(), ref)
            if vm.domid is not None:
                dev = backend_dev(kind, table[ref], self.vif_devid(vm, ref)
                                  if kind == 'vif' else None)
                self._call(self.backend.device_remove, vm.domid, kind,
                           dev['devid'])
            del table[ref]
            vm.vif_devids.pop(ref, None)
            self.save(vm)
            self.notify(kind.upper(), 'del', ref)

    def find_device(self, ref):
        with self.lock:
            for vm in self.vms.values():
                if ref in vm.vbds:
                    return vm, vm.vbds[ref]
                if ref in vm.vifs:
                    return vm, vm.vifs[ref]
            return None, None

    # SXP, as xend returns domains and keeps managed configs.
    @staticmethod
    def _flags(d):
        if d is None:
            return ''
        flags = [('r', d['running']), ('b', d['blocked']),
                 ('p', d['paused']), ('s', d['shutdown']),
                 ('c', d['crashed']), ('d', d['dying'])]
        return ''.join(c if on else '-' for c, on in flags)

    def state_flags(self, vm):
        with self.lock:
            return self._flags(self._info(vm))

    def to_sxp(self, vm, persist=False, live=None):
        """vm as xend's SXP; live (domid: the backend's dict) is a
        listing just made (refresh's, under the same hold of the lock),
        else the VM's domain is looked up, once for all its fields (so is
        one that an on_* action gave a domain after the listing)."""
        with self.lock:
            c = vm.cfg
            if persist or vm.domid is None:
                d = None
            elif live is not None and vm.domid in live:
                d = live[vm.domid]
            else:
                d = self._info(vm)
            out = ['domain']
            if d is not None:
                out.append(['domid', d['domid']])
            out += [['uuid', vm.uuid], ['vcpus', c['VCPUs_max']],
                    ['name', c['name_label']],
                    ['on_poweroff', c['actions_after_shutdown']],
                    ['on_reboot', c['actions_after_reboot']],
                    ['on_crash', c['actions_after_crash'].replace('_', '-')
                     if c['actions_after_crash'] == 'rename_restart'
                     else c['actions_after_crash']]]
            if c['PV_bootloader']:
                out.append(['bootloader', c['PV_bootloader']])
                out.append(['bootloader_args', c['PV_bootloader_args']])
            out.append(['maxmem', c['memory_static_max'] // MiB])
            out.append(['memory', c['memory_dynamic_max'] // MiB])
            p = c['VCPUs_params']
            if 'weight' in p:
                out.append(['cpu_weight', int(p['weight'])])
            if 'cap' in p:
                out.append(['cpu_cap', int(p['cap'])])
            if c['cpus']:
                out.append(['cpus', c['cpus']])
            if d is not None:
                out.append(['online_vcpus', d['online_vcpus']])
                out.append(['start_time', round(vm.start_time, 2)])
                out.append(['cpu_time', d['cpu_time'] / 1e9])
            image = ['linux', ['kernel', c['PV_kernel']]]
            if c['PV_ramdisk']:
                image.append(['ramdisk', c['PV_ramdisk']])
            if c['PV_args']:
                image.append(['args', c['PV_args']])
            out.append(['image', image])
            if not persist:
                status = {'Halted': 0, 'Paused': 1, 'Running': 2}[
                    self._state(d)]
                out.append(['status', status])
                if d is not None:
                    out.append(['state', self._flags(d)])
            for b in vm.vbds.values():
                dev = b['device'] + (':cdrom' if b['type'] == 'CD'
                                     else ':disk')
                out.append(['device', ['vbd', ['uuid', b['uuid']],
                                       ['bootable', int(b['bootable'])],
                                       ['dev', dev], ['uname', b['uname']],
                                       ['mode', 'w' if b['mode'] == 'RW'
                                        else 'r'],
                                       ['VDI', b['VDI']], ['backend', 0]]])
            for v in vm.vifs.values():
                dev = ['vif', ['uuid', v['uuid']], ['mac', v['MAC']],
                       ['bridge', v['bridge']], ['script', v['script']],
                       ['backend', 0]]
                for k in ('ip', 'rate', 'vifname', 'model'):
                    if v.get(k):
                        dev.append([k, v[k]])
                if v['MTU'] != 1500:
                    dev.append(['mtu', v['MTU']])
                out.append(['device', dev])
            # XenAPI fields the legacy SXP has no place for.
            for k in ('name_description', 'user_version', 'is_a_template',
                      'auto_power_on', 'memory_static_min',
                      'memory_dynamic_min', 'VCPUs_at_startup',
                      'HVM_boot_policy', 'PCI_bus'):
                if c[k] != default_config()[k]:
                    v = c[k]
                    out.append([k, int(v) if isinstance(v, bool) else v])
            for k in ('other_config', 'platform', 'HVM_boot_params',
                      'VCPUs_params'):
                if c[k]:
                    out.append([k] + [[a, b] for a, b in c[k].items()])
            return out

    def from_sxp(self, s, managed):
        """A VM (not yet registered) from a legacy (vm ...) or (domain ...)
        SXP, as xm sends it and as config.sxp keeps it."""
        vm = VM(self.cfg_from_sxp(s), managed, vm_uuid=value(s, 'uuid'))
        for dev in sxp.children(s, 'device'):
            d = sxp.child0(dev)
            if d is None:
                continue
            kind = sxp.name(d)
            if kind in ('vbd', 'tap'):
                rec = vbd_from_sxp(d)
                vm.vbds[rec['uuid']] = rec
            elif kind == 'vif':
                rec = vif_from_sxp(d, self.networks)
                vm.vifs[rec['uuid']] = rec
            else:
                raise XendError('VALUE_NOT_SUPPORTED', 'device', kind,
                                'unsupported device class')
        for rec in list(vm.vbds.values()) + list(vm.vifs.values()):
            rec['VM'] = vm.uuid
        return vm

    @staticmethod
    def cfg_from_sxp(s):
        cfg = default_config()
        v = value

        def num(key, default):
            x = v(s, key)
            if x is None:
                return default
            try:
                return int(float(x))
            except ValueError:
                raise XendError('VALUE_NOT_SUPPORTED', key, x,
                                'not a number') from None

        name = v(s, 'name')
        if name is not None:
            cfg['name_label'] = name
        mem = num('memory', 128)
        maxmem = num('maxmem', mem)
        cfg['memory_dynamic_max'] = cfg['memory_dynamic_min'] = mem * MiB
        cfg['memory_static_max'] = max(maxmem, mem) * MiB
        vcpus = num('vcpus', 1)
        cfg['VCPUs_max'] = cfg['VCPUs_at_startup'] = vcpus
        for legacy, key in (('on_poweroff', 'actions_after_shutdown'),
                            ('on_reboot', 'actions_after_reboot'),
                            ('on_crash', 'actions_after_crash')):
            x = v(s, legacy)
            if x is not None:
                cfg[key] = x.replace('-', '_')
        cfg['PV_bootloader'] = v(s, 'bootloader', '') or ''
        cfg['PV_bootloader_args'] = v(s, 'bootloader_args', '') or ''
        cfg['cpus'] = v(s, 'cpus', '') or ''
        for legacy, key in (('cpu_weight', 'weight'), ('cpu_cap', 'cap')):
            if v(s, legacy) is not None:
                cfg['VCPUs_params'][key] = str(num(legacy, 0))
        img = sxp.child(s, 'image')
        if img is not None:
            lin = sxp.child0(img)
            if lin is None or sxp.name(lin) != 'linux':
                raise XendError('VALUE_NOT_SUPPORTED', 'image',
                                sxp.name(lin) or '', 'only PV (linux) '
                                'images are supported')
            cfg['PV_kernel'] = v(lin, 'kernel', '') or ''
            cfg['PV_ramdisk'] = v(lin, 'ramdisk', '') or ''
            args = []
            root = v(lin, 'root')
            if root:
                args.append('root=' + root[5:] if root.startswith('root=')
                            else 'root=' + root)
            if v(lin, 'args'):
                args.append(v(lin, 'args'))
            cfg['PV_args'] = ' '.join(args)
        for k in ('name_description', 'HVM_boot_policy', 'PCI_bus'):
            if v(s, k) is not None:
                cfg[k] = v(s, k)
        for k in ('user_version', 'memory_static_min', 'memory_dynamic_min',
                  'VCPUs_at_startup'):
            if v(s, k) is not None:
                cfg[k] = num(k, 0)
        for k in ('is_a_template', 'auto_power_on'):
            if v(s, k) is not None:
                cfg[k] = v(s, k) in ('1', 'True', 'true')
        for k in ('other_config', 'platform', 'HVM_boot_params',
                  'VCPUs_params'):
            c = sxp.child(s, k)
            for a in sxp.children(c) if c is not None else []:
                if len(a) != 2 or not all(isinstance(x, str) for x in a):
                    raise XendError('VALUE_NOT_SUPPORTED', k,
                                    sxp.to_string(a), 'expected (key value)')
                cfg[k][a[0]] = a[1]
        return cfg


def value(node, key, default=None):
    """The atom under (key atom) in node: a list there is an error."""
    x = sxp.child_value(node, key, default)
    if isinstance(x, list):
        raise XendError('VALUE_NOT_SUPPORTED', key, sxp.to_string(x),
                        'expected a single value')
    return x


def backend_dev(kind, rec, index):
    """What the backend needs of a VBD or VIF record.  A disk's devid is
    its virtual-device number, a vif's is index (Domains.vif_devid)."""
    if kind == 'vbd':
        return {'uname': rec['uname'], 'dev': rec['device'],
                'devid': vbd_devid(rec['device']),
                'mode': 'w' if rec['mode'] == 'RW' else 'r'}
    return {'mac': rec['MAC'], 'bridge': rec['bridge'], 'devid': index,
            'script': rec['script'], 'rate': rec['rate']}


def check_vdev(dev):
    """A disk name the guest's frontend can be given, or XendError."""
    try:
        vbd_devid(dev)
    except ValueError:
        raise XendError('VALUE_NOT_SUPPORTED', 'device', dev,
                        'not a disk name (xvdX, sdX, hdX or a number)') \
            from None


def check_uname(uname):
    """A disk the backend can serve (empty: none yet), or XendError."""
    if uname:
        try:
            disk_source(uname)
        except ValueError as e:
            raise XendError('VALUE_NOT_SUPPORTED', 'uname', uname,
                            str(e)) from None


def check_vif(mac, bridge, rate=''):
    if not re.match(r'^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$', mac):
        raise XendError('VALUE_NOT_SUPPORTED', 'MAC', mac, 'not a MAC')
    if not BRIDGE_RE.match(bridge):
        raise XendError('VALUE_NOT_SUPPORTED', 'bridge', bridge,
                        'not a bridge name (1-15 of A-Z a-z 0-9 _ . : -)')
    if rate:
        try:
            vif_rate(rate)
        except ValueError:
            raise XendError('VALUE_NOT_SUPPORTED', 'rate', rate,
                            'not a rate such as 10Mb/s or 1MB/s@20ms') \
                from None


def vbd_from_sxp(d):
    v = value
    uname = v(d, 'uname', '') or ''
    dev = v(d, 'dev', '') or ''
    typ = 'Disk'
    if dev.endswith(':cdrom'):
        typ = 'CD'
    dev = dev.split(':')[0] if not dev.startswith('ioemu:') else dev[6:]
    mode = v(d, 'mode', 'w') or 'w'
    if not dev:
        raise XendError('VALUE_NOT_SUPPORTED', 'dev', '', 'vbd without dev')
    check_vdev(dev)
    check_uname(uname)
    if mode not in ('r', 'w', 'w!'):
        raise XendError('VALUE_NOT_SUPPORTED', 'mode', mode, 'r, w or w!')
    return {'uuid': v(d, 'uuid') or str(uuidlib.uuid4()), 'VM': '',
            'VDI': v(d, 'VDI', '') or '', 'device': dev,
            'bootable': v(d, 'bootable', '0') in ('1', 'True'),
            'mode': 'RO' if mode == 'r' else 'RW', 'type': typ,
            'uname': uname, 'qos_algorithm_type': '',
            'qos_algorithm_params': {}, 'other_config': {}}


def random_mac():
    b = os.urandom(3)
    return '00:16:3e:%02x:%02x:%02x' % (b[0] & 0x7f, b[1], b[2])


def vif_from_sxp(d, networks=None):
    v = value
    mac = v(d, 'mac') or random_mac()
    bridge = v(d, 'bridge') or 'xenbr0'
    check_vif(mac, bridge, v(d, 'rate', '') or '')
    try:
        mtu = int(v(d, 'mtu', '1500'))
    except ValueError:
        raise XendError('VALUE_NOT_SUPPORTED', 'mtu', v(d, 'mtu'),
                        'not a number') from None
    net = networks(bridge) if networks else ''
    return {'uuid': v(d, 'uuid') or str(uuidlib.uuid4()), 'VM': '',
            'network': net or '', 'device': '', 'MAC': mac, 'MTU': mtu,
            'bridge': bridge, 'script': v(d, 'script') or 'vif-bridge',
            'ip': v(d, 'ip', '') or '', 'rate': v(d, 'rate', '') or '',
            'vifname': v(d, 'vifname', '') or '',
            'model': v(d, 'model', '') or '', 'qos_algorithm_type': '',
            'qos_algorithm_params': {}, 'other_config': {}}
