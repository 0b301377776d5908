# SPDX-License-Identifier: GPL-2.0-only
"""The legacy xend.* XML-RPC methods xm 3.1 called (errors are faults:
1 internal, 2 xend error, 3 no such domain)."""
import logging
import os
import time

from xen.xend import domains as D
from xen.xend import sxp
from xen.xend.backend import BackendError
from xen.xend.domains import XendError, NoSuchDomain

log = logging.getLogger('xend')

MiB = 1024 * 1024


def read_log(path):
    """The last MiB of xend.log (xm log, host.get_log)."""
    if not path:
        return ''
    try:
        with open(path, errors='replace') as f:
            return f.read()[-1024 * 1024:]
    except OSError:
        return ''


class Fault(Exception):
    def __init__(self, code, msg):
        Exception.__init__(self, msg)
        self.code = code
        self.msg = msg


def node_info(backend):
    """[[key, value], ...] in xend's order (xm info prints it)."""
    u = os.uname()
    p = backend.physinfo()
    v = backend.version()
    out = [['system', u.sysname], ['host', u.nodename],
           ['release', u.release], ['version', u.version],
           ['machine', u.machine]]
    for k in ('nr_cpus', 'nr_nodes', 'sockets_per_node', 'cores_per_socket',
              'threads_per_core', 'cpu_mhz', 'hw_caps'):
        out.append([k, p[k]])
    out.append(['total_memory', p['total_memory'] // 1024])
    out.append(['free_memory', p['free_memory'] // 1024])
    for k in ('xen_major', 'xen_minor', 'xen_extra', 'xen_caps'):
        out.append([k, v[k]])
    out.append(['xen_scheduler', p['scheduler']])
    for k in ('xen_pagesize', 'platform_params', 'xen_changeset',
              'cc_compiler', 'cc_compile_by', 'cc_compile_domain',
              'cc_compile_date'):
        out.append([k, v[k]])
    out.append(['xend_config_format', 4])
    return out


class Legacy(object):
    def __init__(self, domains, backend, xend_log=None):
        self.dom = domains
        self.backend = backend
        self.xend_log = xend_log
        self.methods = {
            'xend.domains': self.domains,
            'xend.domains_with_state': self.domains_with_state,
            'xend.domain': self.domain,
            'xend.domain.create': self.create,
            'xend.domain.new': self.new,
            'xend.domain.start': self.start,
            'xend.domain.delete': self.delete,
            'xend.domain.pause': self.per(self.dom.pause),
            'xend.domain.unpause': self.per(self.dom.unpause),
            'xend.domain.destroy': self.per(self.dom.hard_shutdown),
            'xend.domain.shutdown': self.shutdown,
            'xend.domain.setMemoryTarget': self.mem_target,
            'xend.domain.maxmem_set': self.mem_max,
            'xend.domain.setVCpuCount': self.vcpu_count,
            'xend.domain.pincpu': self.pincpu,
            'xend.domain.sched_credit_get': self.credit_get,
            'xend.domain.sched_credit_set': self.credit_set,
            'xend.domain.getVCPUInfo': self.vcpu_info,
            'xend.domain.waitForDevices': self.per(lambda vm: None),
            'xend.domain.getRestartCount': self.restart_count,
            'xend.domain.setName': self.set_name,
            'xend.domain.send_sysrq': self.sysrq,
            'xend.domain.device_create': self.device_create,
            'xend.domain.destroyDevice': self.device_destroy,
            'xend.domain.getDeviceSxprs': self.device_sxprs,
            'xend.domain.lookup': self.domain,
            'xend.domain.save': self.unsupported('save'),
            'xend.domain.restore': self.unsupported('restore'),
            'xend.domain.suspend': self.unsupported('suspend'),
            'xend.domain.resume': self.unsupported('resume'),
            'xend.domain.migrate': self.unsupported('migrate'),
            'xend.node.info': lambda: node_info(self.backend),
            'xend.node.dmesg.info': lambda: self.backend.dmesg(),
            'xend.node.dmesg.clear': lambda: self.backend.dmesg(clear=True),
            'xend.node.log': self.log,
            'xend.node.send_debug_keys': self.debug_keys,
            'system.listMethods': lambda: sorted(self.methods),
        }

    def call(self, method, params):
        """The method's result, or Fault."""
        fn = self.methods.get(method)
        if fn is None:
            raise Fault(1, 'method "%s" is not supported' % method)
        try:
            result = fn(*params)
        except TypeError as e:
            raise Fault(1, 'bad arguments to %s: %s' % (method, e)) from None
        except NoSuchDomain as e:
            raise Fault(3, e.dom) from None
        except XendError as e:
            raise Fault(2, ': '.join(e.desc[1:]) or e.desc[0]) from None
        except BackendError as e:
            raise Fault(2, str(e)) from None
        except Exception as e:  # answered, logged: xend keeps running
            log.exception('legacy %s failed', method)
            raise Fault(1, '%s: %s' % (type(e).__name__, e)) from None
        return 0 if result is None else result

    def per(self, fn):
        return lambda dom: fn(self.dom.lookup(dom))

    def unsupported(self, what):
        def fn(*args):
            raise XendError('OPERATION_NOT_ALLOWED',
                            '%s needs libxc save/restore (not available)'
                            % what)
        return fn

    # Each of these lists the domains once (the refresh that all() and
    # lookup() make), not again for each domain's SXP.
    def domains(self, detail, full=0):
        with self.dom.lock:
            vms = [vm for vm in self.dom.all() if vm.domid is not None]
            return self._list(vms, detail)

    def domains_with_state(self, detail, state, full=0):
        with self.dom.lock:
            vms = self.dom.all()
            if state != 'all':
                vms = [vm for vm in vms if self.dom.power_state(vm).lower()
                       == str(state).lower()]
            return self._list(vms, detail)

    def _list(self, vms, detail):
        vms = sorted(vms, key=lambda vm: (vm.domid is None, vm.domid or 0,
                                          vm.name))
        if detail:
            return [self.dom.to_sxp(vm, live=self.dom.listing) for vm in vms]
        return [vm.name for vm in vms]

    def domain(self, dom, full=0):
        with self.dom.lock:
            return self.dom.to_sxp(self.dom.lookup(dom),
                                   live=self.dom.listing)

    def _from_sxp(self, config, managed):
        if not isinstance(config, list) or sxp.name(config) not in (
                'vm', 'domain'):
            raise XendError('VALUE_NOT_SUPPORTED', 'config',
                            'expected a (vm ...) SXP')
        vm = self.dom.from_sxp(config, managed)
        with self.dom.lock:
            cfg = dict(vm.cfg)
            if vm.uuid:
                cfg['uuid'] = vm.uuid
            new = self.dom.create(cfg, managed)
            for rec in vm.vbds.values():
                self.dom.add_vbd(new, rec)
            for rec in vm.vifs.values():
                self.dom.add_vif(new, rec)
        return new

    def create(self, config):
        with self.dom.lock:
            t0 = time.monotonic()
            vm = self._from_sxp(config, managed=False)
            t1 = time.monotonic()
            try:
                self.dom.start(vm, paused=True)
            except XendError:
                self.dom.destroy(vm)
                raise
            log.debug('create %s: config %.3f s, start %.3f s', vm.name,
                      t1 - t0, time.monotonic() - t1)
            return self.dom.to_sxp(vm)

    def new(self, config):
        return self.dom.to_sxp(self._from_sxp(config, managed=True))

    def start(self, dom, paused=False):
        self.dom.start(self.dom.lookup(dom), bool(paused))

    def delete(self, dom):
        vm = self.dom.lookup(dom)
        if not vm.managed:
            raise XendError('OPERATION_NOT_ALLOWED',
                            'domain %s is not managed' % vm.name)
        self.dom.destroy(vm)

    def shutdown(self, dom, reason):
        if reason not in ('poweroff', 'reboot', 'halt'):
            raise XendError('VALUE_NOT_SUPPORTED', 'reason', reason)
        self.dom.shutdown(self.dom.lookup(dom), reason)

    def mem_target(self, dom, mib):
        self.dom.set_memory_target(self.dom.lookup(dom), int(mib) * MiB)

    def mem_max(self, dom, mib):
        self.dom.set_memory_max(self.dom.lookup(dom), int(mib) * MiB)

    def vcpu_count(self, dom, n):
        self.dom.set_vcpus(self.dom.lookup(dom), int(n))

    def pincpu(self, dom, vcpu, cpumap):
        self.dom.vcpu_pin(self.dom.lookup(dom), int(vcpu), str(cpumap))

    def credit_get(self, dom):
        w, c = self.dom.sched_credit(self.dom.lookup(dom))
        return {'weight': w, 'cap': c}

    def credit_set(self, dom, weight, cap):
        w, c = int(weight), int(cap)
        self.dom.sched_credit(self.dom.lookup(dom),
                              None if w < 0 else w, None if c < 0 else c)

    def vcpu_info(self, dom):
        vm = self.dom.lookup(dom)
        if vm.domid is None:
            raise XendError('VM_BAD_POWER_STATE', vm.uuid, 'Running',
                            'Halted')
        out = ['domain', ['domid', vm.domid], ['name', vm.name]]
        vcpus = self.backend.vcpu_info(vm.domid)
        out.append(['vcpu_count', len(vcpus)])
        for v in vcpus:
            out.append(['vcpu', ['number', v['vcpu']],
                        ['online', int(v['online'])],
                        ['blocked', int(v['blocked'])],
                        ['running', int(v['running'])],
                        ['cpu_time', v['cpu_time'] / 1e9],
                        ['cpu', v['cpu']], ['cpumap', v['cpumap']]])
        return out

    def restart_count(self, dom):
        return len(self.dom.lookup(dom).restarts)

    def set_name(self, dom, name):
        self.dom.rename(self.dom.lookup(dom), str(name))

    def sysrq(self, dom, key):
        self.dom.sysrq(self.dom.lookup(dom), str(key))

    def device_create(self, dom, dev):
        vm = self.dom.lookup(dom)
        kind = sxp.name(dev)
        if kind in ('vbd', 'tap'):
            rec = D.vbd_from_sxp(dev)
            self.dom.add_vbd(vm, rec)
        elif kind == 'vif':
            rec = D.vif_from_sxp(dev, self.dom.networks)
            self.dom.add_vif(vm, rec)
        else:
            raise XendError('VALUE_NOT_SUPPORTED', 'device', kind)

    def _index(self, vm, kind, ref, i):
        """What xm shows as a device's index: a running VM's vif by its
        devid (they need not be 0, 1, ... once one was taken out)."""
        if kind == 'vif' and vm.domid is not None:
            return self.dom.vif_devid(vm, ref)
        return i

    def _devref(self, vm, kind, dev):
        table = vm.vbds if kind in ('vbd', 'tap') else vm.vifs
        dev = str(dev)
        for i, (ref, rec) in enumerate(table.items()):
            if dev in (ref, str(self._index(vm, kind, ref, i)),
                       rec.get('device'), rec.get('MAC')):
                return ref
        raise XendError('VALUE_NOT_SUPPORTED', 'device', dev,
                        'no such %s device' % kind)

    def device_destroy(self, dom, kind, dev, force=0):
        vm = self.dom.lookup(dom)
        if kind not in ('vbd', 'tap', 'vif'):
            raise XendError('VALUE_NOT_SUPPORTED', 'class', kind)
        self.dom.remove_device(vm, 'vif' if kind == 'vif' else 'vbd',
                               self._devref(vm, kind, dev))

    def device_sxprs(self, dom, kind):
        vm = self.dom.lookup(dom)
        s = self.dom.to_sxp(vm)
        out = []
        refs = list(vm.vifs if kind == 'vif' else vm.vbds)
        for i, d in enumerate(x for x in sxp.children(s, 'device')
                              if sxp.name(sxp.child0(x)) ==
                              ('vif' if kind == 'vif' else 'vbd')):
            out.append([self._index(vm, kind, refs[i], i),
                        sxp.child0(d)[1:]])
        return out

    def log(self):
        return read_log(self.xend_log)

    def debug_keys(self, keys):
        self.backend.send_debug_keys(str(keys))
