# SPDX-License-Identifier: GPL-2.0-only
"""The seam between xend and the hypervisor: what xend needs of libxc and
xenstore, a fake in-memory backend for host tests, and the real one.

xend calls only the methods of Backend.  Units: memory in KiB, CPU time in
nanoseconds, domain ids as ints.  Every failure is a BackendError.
"""
import logging
import os
import re
import subprocess
import threading
import time

log = logging.getLogger('xend')


def _phase(domid, what, since):
    """Logs how long a step of a domain's start took (xend.log at DEBUG);
    the time to measure the next step from."""
    now = time.monotonic()
    log.debug('d%d: %s took %.3f s', domid, what, now - since)
    return now


class BackendError(Exception):
    pass


class NotAvailable(BackendError):
    pass


# Shutdown reasons as the hypervisor reports them (SHUTDOWN_* codes).
SHUTDOWN_POWEROFF, SHUTDOWN_REBOOT, SHUTDOWN_SUSPEND, SHUTDOWN_CRASH = 0, 1, 2, 3
REASONS = {'poweroff': SHUTDOWN_POWEROFF, 'halt': SHUTDOWN_POWEROFF,
           'reboot': SHUTDOWN_REBOOT, 'suspend': SHUTDOWN_SUSPEND}

# Linux's block majors for the disk names a config may give (the
# frontend finds its disk's name in virtual-device): xvd, sd, and the
# two IDE pairs hda/hdb, hdc/hdd.
XVD_MAJOR, SD_MAJOR = 202, 8
HD_MAJORS = (3, 3, 22, 22)
VDEV_RE = re.compile(r'^(xvd|sd|hd)([a-z]{1,2})(\d*)$')
# A bridge is a Linux network interface: IFNAMSIZ less the NUL.
BRIDGE_RE = re.compile(r'^[A-Za-z0-9_.:-]{1,15}$')
# A vif's rate as xm configs give it: N, a decimal unit (K, M, G), b for
# bits or B for bytes, /s, and optionally @ the credit interval (s, ms or
# us; 50 ms when not given).
RATE_RE = re.compile(r'^(\d+)([KMG]?)([bB])/s(?:@(\d+)([mu]?)s)?$')
RATE_UNITS = {'': 1, 'K': 10 ** 3, 'M': 10 ** 6, 'G': 10 ** 9}
INTERVAL_UNITS = {'': 10 ** 6, 'm': 10 ** 3, 'u': 1}


def vif_rate(text):
    """netback's rate node ("BYTES,USEC": a credit of BYTES every USEC)
    for a vif rate; ValueError if it is none, or allows no byte."""
    m = RATE_RE.match(str(text))
    if not m:
        raise ValueError(text)
    n, unit, kind, interval, iv_unit = m.groups()
    per_sec = int(n) * RATE_UNITS[unit] // (8 if kind == 'b' else 1)
    usec = 50000 if interval is None else \
        int(interval) * INTERVAL_UNITS[iv_unit]
    credit = per_sec * usec // 10 ** 6
    if not 0 < usec <= 10 ** 9 or not 0 < credit < 1 << 63:
        raise ValueError(text)
    return '%d,%d' % (credit, usec)


def disk_source(uname):
    """(type, path) of the disk a uname names, as blkback serves it: phy:
    a block device, file: a file (on a loop device).  Xen's xm also took
    blktap's tap:aio: (a raw image); where blktap is gone libxl drops
    the tap: prefix and serves the raw file through blkback, and so do
    we.  tap:'s image formats (qcow, qcow2, vhd) need a backend in user
    space (blktap, QEMU's qdisk) that this host has not: ValueError
    saying so, as for anything else."""
    typ, _, rest = uname.partition(':')
    if typ == 'tap':
        sub, _, path = rest.partition(':')
        if sub == 'aio' and path:
            return 'file', path
        raise ValueError('%s: tap:%s: images need blktap or QEMU, which '
                         'this host has not (tap:aio: raw images are served '
                         'as file:)' % (uname, sub))
    if typ not in ('phy', 'file') or not rest:
        raise ValueError('%s: a disk is phy:, file: or tap:aio:' % uname)
    return typ, rest


def vbd_devid(name):
    """The virtual-device number of a disk name (xvda, sdb1, hdc, or
    the number itself); ValueError if it names none."""
    name = str(name)
    if name.isdigit() and 0 < int(name) < 1 << 31:
        return int(name)
    m = VDEV_RE.match(name)
    if not m:
        raise ValueError(name)
    kind, letters, part = m.groups()
    disk = ord(letters[-1]) - ord('a')
    if len(letters) == 2:
        disk += (ord(letters[0]) - ord('a') + 1) * 26
    part = int(part) if part else 0
    if kind == 'xvd' and disk < 16 and part < 16:
        return XVD_MAJOR << 8 | disk << 4 | part
    if kind == 'xvd' and part < 256:
        # Linux's extended form, for disks past xvdp or partitions past 15.
        return 1 << 28 | disk << 8 | part
    if kind == 'sd' and disk < 16 and part < 16:
        return SD_MAJOR << 8 | disk << 4 | part
    if kind == 'hd' and disk < len(HD_MAJORS) and part < 64:
        return HD_MAJORS[disk] << 8 | (disk % 2) * 64 + part
    raise ValueError(name)


class Backend(object):
    """What xend asks of the hypervisor; see docs/misc/xend.md."""

    # Domains.  A DomInfo is a dict: domid, uuid, name, paused, running,
    # blocked, shutdown, crashed, dying, shutdown_reason, mem_kib,
    # maxmem_kib, online_vcpus, max_vcpus, cpu_time (ns).
    def domain_list(self):
        raise NotImplementedError

    def domain_create(self, cfg):
        """Build a paused domain from cfg (a dict: name, uuid, mem_kib,
        maxmem_kib, vcpus, kernel, ramdisk, cmdline, disks, vifs);
        returns its domid."""
        raise NotImplementedError

    def domain_destroy(self, domid):
        raise NotImplementedError

    def domain_gone(self, domid):
        """A domain went without domain_destroy (another tool destroyed
        it): what is left of it in dom0 goes too."""

    def wait_domain_change(self, timeout):
        """True once a domain may have shut down or died, False after
        timeout seconds without news.  Without a way to be told, every
        timeout is news."""
        time.sleep(timeout)
        return True

    def domain_pause(self, domid):
        raise NotImplementedError

    def domain_unpause(self, domid):
        raise NotImplementedError

    def domain_shutdown(self, domid, reason):
        """Ask the guest (control/shutdown in xenstore); does not wait."""
        raise NotImplementedError

    def domain_sysrq(self, domid, key):
        raise NotImplementedError

    def domain_core_dump(self, domid, path):
        """Write the domain's memory as a core file dom0 can read."""
        raise NotImplementedError

    def set_memory_target(self, domid, kib):
        raise NotImplementedError

    def set_max_memory(self, domid, kib):
        raise NotImplementedError

    def set_vcpus_online(self, domid, count):
        raise NotImplementedError

    def vcpu_info(self, domid):
        """List of dicts: vcpu, online, blocked, running, cpu, cpu_time,
        cpumap (list of pCPUs)."""
        raise NotImplementedError

    def vcpu_pin(self, domid, vcpu, cpus):
        raise NotImplementedError

    def sched_credit_get(self, domid):
        """(weight, cap)"""
        raise NotImplementedError

    def sched_credit_set(self, domid, weight, cap):
        raise NotImplementedError

    def console_path(self, domid):
        """The pty (or other path) xenconsoled serves for the guest."""
        raise NotImplementedError

    def device_add(self, domid, kind, dev):
        """Write the frontend/backend xenstore nodes for a vbd or vif (dev
        from domains.backend_dev, its devid chosen there) and connect it;
        returns the devid."""
        raise NotImplementedError

    def device_remove(self, domid, kind, devid):
        raise NotImplementedError

    # xenstore.
    def xs_read(self, path):
        raise NotImplementedError

    def xs_write(self, path, value):
        raise NotImplementedError

    def xs_rm(self, path):
        raise NotImplementedError

    def xs_list(self, path):
        raise NotImplementedError

    # Host.
    def physinfo(self):
        """Dict: nr_cpus, nr_nodes, sockets_per_node, cores_per_socket,
        threads_per_core, cpu_mhz, hw_caps, total_memory, free_memory
        (KiB), scheduler."""
        raise NotImplementedError

    def version(self):
        """Dict: xen_major, xen_minor, xen_extra, xen_caps, xen_pagesize,
        platform_params, xen_changeset, cc_compiler, cc_compile_by,
        cc_compile_domain, cc_compile_date."""
        raise NotImplementedError

    def dmesg(self, clear=False):
        raise NotImplementedError

    def send_debug_keys(self, keys):
        raise NotImplementedError


class FakeBackend(Backend):
    """An in-memory hypervisor for host tests: domain 0 exists, guests obey
    shutdown requests at once, and fake_crash() stands for a guest crash."""

    NR_CPUS = 4
    TOTAL_KIB = 4 * 1024 * 1024

    def __init__(self, check_kernel=True):
        self.lock = threading.RLock()
        self.check_kernel = check_kernel
        self.next_domid = 1
        self.store = {}
        self.ring = ['(XEN) fake hypervisor for xend host tests\n']
        self.doms = {}
        self._add(0, 'Domain-0', '00000000-0000-0000-0000-000000000000',
                  1024 * 1024, 2, paused=False)

    def _add(self, domid, name, uuid, mem_kib, vcpus, paused):
        self.doms[domid] = {
            'domid': domid, 'uuid': uuid, 'name': name, 'paused': paused,
            'running': not paused, 'blocked': False, 'shutdown': False,
            'crashed': False, 'dying': False, 'shutdown_reason': 0,
            'mem_kib': mem_kib, 'maxmem_kib': mem_kib,
            'online_vcpus': vcpus, 'max_vcpus': vcpus,
            'cpu_time': 0, 'created': time.time(),
            'weight': 256, 'cap': 0,
            'cpumaps': [list(range(self.NR_CPUS))] * vcpus,
            'devices': {}}

    def _dom(self, domid):
        d = self.doms.get(int(domid))
        if d is None:
            raise BackendError('no domain %s' % domid)
        return d

    def _guest(self, domid):
        if int(domid) == 0:
            raise BackendError('operation not allowed on domain 0')
        return self._dom(domid)

    def domain_list(self):
        with self.lock:
            out = []
            for d in sorted(self.doms.values(), key=lambda d: d['domid']):
                info = {k: d[k] for k in (
                    'domid', 'uuid', 'name', 'paused', 'running', 'blocked',
                    'shutdown', 'crashed', 'dying', 'shutdown_reason',
                    'mem_kib', 'maxmem_kib', 'online_vcpus', 'max_vcpus')}
                # Running domains accumulate CPU time as wall time passes.
                t = 0 if d['paused'] else time.time() - d['created']
                info['cpu_time'] = d['cpu_time'] + int(t * 1e6)
                out.append(info)
            return out

    def domain_create(self, cfg):
        with self.lock:
            if cfg.get('mem_kib', 0) <= 0:
                raise BackendError('memory must be positive')
            if cfg.get('vcpus', 0) <= 0:
                raise BackendError('vcpus must be positive')
            kernel = cfg.get('kernel')
            if self.check_kernel and (not kernel or not os.path.isfile(kernel)):
                raise BackendError('kernel %s: no such file' % kernel)
            used = sum(d['mem_kib'] for d in self.doms.values())
            if used + cfg['mem_kib'] > self.TOTAL_KIB:
                raise BackendError('out of memory: %d KiB asked, %d free'
                                   % (cfg['mem_kib'], self.TOTAL_KIB - used))
            domid = self.next_domid
            self.next_domid += 1
            self._add(domid, cfg.get('name', ''), cfg.get('uuid', ''),
                      cfg['mem_kib'], cfg['vcpus'], paused=True)
            d = self.doms[domid]
            d['maxmem_kib'] = max(cfg.get('maxmem_kib', 0), cfg['mem_kib'])
            for kind, devs in (('vbd', cfg.get('disks', [])),
                               ('vif', cfg.get('vifs', []))):
                for dev in devs:
                    d['devices'][(kind, dev['devid'])] = dict(dev)
            self.store['/local/domain/%d/name' % domid] = cfg.get('name', '')
            return domid

    def domain_destroy(self, domid):
        with self.lock:
            self._guest(domid)
            del self.doms[int(domid)]
            for k in [k for k in self.store
                      if k.startswith('/local/domain/%d/' % int(domid))]:
                del self.store[k]

    def domain_pause(self, domid):
        with self.lock:
            d = self._guest(domid)
            d['cpu_time'] += 0 if d['paused'] else \
                int((time.time() - d['created']) * 1e6)
            d['paused'], d['running'] = True, False

    def domain_unpause(self, domid):
        with self.lock:
            d = self._guest(domid)
            d['created'] = time.time()
            d['paused'], d['running'] = False, True

    def domain_shutdown(self, domid, reason):
        with self.lock:
            d = self._guest(domid)
            if reason not in REASONS:
                raise BackendError('bad shutdown reason %s' % reason)
            self.store['/local/domain/%d/control/shutdown' % d['domid']] = \
                reason
            # The fake guest obeys at once.
            d['shutdown'], d['running'] = True, False
            d['shutdown_reason'] = REASONS[reason]

    def fake_crash(self, domid):
        with self.lock:
            d = self._guest(domid)
            d['shutdown'], d['crashed'], d['running'] = True, True, False
            d['shutdown_reason'] = SHUTDOWN_CRASH

    def domain_sysrq(self, domid, key):
        with self.lock:
            d = self._guest(domid)
            self.store['/local/domain/%d/control/sysrq' % d['domid']] = key

    def domain_core_dump(self, domid, path):
        with self.lock:
            d = self._guest(domid)
            with open(path, 'w') as f:
                f.write('fake core of domain %d (%s), %d KiB\n'
                        % (d['domid'], d['name'], d['mem_kib']))

    def set_memory_target(self, domid, kib):
        with self.lock:
            d = self._dom(domid)
            if kib <= 0 or kib > d['maxmem_kib']:
                raise BackendError('memory target %d KiB out of range '
                                   '(max %d)' % (kib, d['maxmem_kib']))
            d['mem_kib'] = kib
            self.store['/local/domain/%d/memory/target' % d['domid']] = \
                str(kib)

    def set_max_memory(self, domid, kib):
        with self.lock:
            d = self._dom(domid)
            if kib <= 0:
                raise BackendError('maximum memory must be positive')
            d['maxmem_kib'] = kib

    def set_vcpus_online(self, domid, count):
        with self.lock:
            d = self._dom(domid)
            if not 0 < count <= d['max_vcpus']:
                raise BackendError('vcpus %d out of range 1..%d'
                                   % (count, d['max_vcpus']))
            d['online_vcpus'] = count
            for i in range(d['max_vcpus']):
                self.store['/local/domain/%d/cpu/%d/availability'
                           % (d['domid'], i)] = \
                    'online' if i < count else 'offline'

    def vcpu_info(self, domid):
        with self.lock:
            d = self._dom(domid)
            out = []
            for i in range(d['max_vcpus']):
                online = i < d['online_vcpus']
                out.append({'vcpu': i, 'online': online,
                            'blocked': online and not d['running'] and
                            not d['paused'],
                            'running': online and d['running'],
                            'cpu': i % self.NR_CPUS, 'cpu_time': 0,
                            'cpumap': list(d['cpumaps'][i])})
            return out

    def vcpu_pin(self, domid, vcpu, cpus):
        with self.lock:
            d = self._dom(domid)
            if not 0 <= vcpu < d['max_vcpus']:
                raise BackendError('no vcpu %d' % vcpu)
            bad = [c for c in cpus if not 0 <= c < self.NR_CPUS]
            if bad or not cpus:
                raise BackendError('bad cpu list %s' % cpus)
            d['cpumaps'] = list(d['cpumaps'])
            d['cpumaps'][vcpu] = sorted(set(cpus))

    def sched_credit_get(self, domid):
        with self.lock:
            d = self._dom(domid)
            return d['weight'], d['cap']

    def sched_credit_set(self, domid, weight, cap):
        with self.lock:
            d = self._dom(domid)
            if not 1 <= weight <= 65535 or not 0 <= cap <= 100 * \
                    self.NR_CPUS:
                raise BackendError('weight %d or cap %d out of range'
                                   % (weight, cap))
            d['weight'], d['cap'] = weight, cap

    def console_path(self, domid):
        with self.lock:
            self._dom(domid)
            return '/dev/pts/fake%d' % int(domid)

    def device_add(self, domid, kind, dev):
        with self.lock:
            d = self._guest(domid)
            if (kind, dev['devid']) in d['devices']:
                raise BackendError('%s device %s exists' % (kind,
                                                            dev['devid']))
            d['devices'][(kind, dev['devid'])] = dict(dev)
            return dev['devid']

    def device_remove(self, domid, kind, devid):
        with self.lock:
            d = self._guest(domid)
            if d['devices'].pop((kind, int(devid)), None) is None:
                raise BackendError('no %s device %s' % (kind, devid))

    def xs_read(self, path):
        with self.lock:
            if path not in self.store:
                raise BackendError('%s: no such node' % path)
            return self.store[path]

    def xs_write(self, path, value):
        with self.lock:
            self.store[path] = value

    def xs_rm(self, path):
        with self.lock:
            for k in [k for k in self.store
                      if k == path or k.startswith(path + '/')]:
                del self.store[k]

    def xs_list(self, path):
        with self.lock:
            pre = path.rstrip('/') + '/'
            return sorted({k[len(pre):].split('/')[0] for k in self.store
                           if k.startswith(pre)})

    def physinfo(self):
        with self.lock:
            used = sum(d['mem_kib'] for d in self.doms.values())
            return {'nr_cpus': self.NR_CPUS, 'nr_nodes': 1,
                    'sockets_per_node': 1, 'cores_per_socket': self.NR_CPUS,
                    'threads_per_core': 1, 'cpu_mhz': 2000,
                    'hw_caps': '0' * 8 + (':' + '0' * 8) * 7,
                    'total_memory': self.TOTAL_KIB,
                    'free_memory': self.TOTAL_KIB - used,
                    'scheduler': 'credit'}

    def version(self):
        return {'xen_major': 3, 'xen_minor': 1, 'xen_extra': '.0-fake',
                'xen_caps': 'xen-3.0-x86_64', 'xen_pagesize': 4096,
                'platform_params': 'virt_start=0xffff800000000000',
                'xen_changeset': 'unavailable',
                'cc_compiler': 'gcc version 12 (fake)',
                'cc_compile_by': 'xend-tests', 'cc_compile_domain': '',
                'cc_compile_date': 'today'}

    def dmesg(self, clear=False):
        with self.lock:
            text = ''.join(self.ring)
            if clear:
                self.ring = []
            return text

    def send_debug_keys(self, keys):
        with self.lock:
            self.ring.append('(XEN) debug keys %s\n' % keys)


class RealBackend(Backend):
    """The hypervisor through libxc and xenstored.  xenstore access is real
    (xenstore.py, on xenstored's socket); the hypervisor through libhvxc
    (xen/lowlevel/xc.py).  What neither offers yet raises NotAvailable
    naming what it waits on.  kernel_cache: libhvxc's directory of
    unpacked kernels (xend-kernel-cache), or None."""

    def __init__(self, kernel_cache=None):
        self.kernel_cache = kernel_cache or None

    def _xs(self):
        from xen.xend.xenstore import Xenstore
        try:
            return object.__getattribute__(self, 'xs')
        except AttributeError:
            try:
                self.xs = Xenstore()
            except OSError as e:
                raise BackendError('xenstored: %s' % e) from None
            return self.xs

    def _xs_call(self, name, *args):
        from xen.xend.xenstore import XenstoreError
        try:
            return getattr(self._xs(), name)(*args)
        except XenstoreError as e:
            raise BackendError(str(e)) from None
        except OSError as e:
            raise BackendError('xenstored: %s' % e) from None

    def xs_read(self, path):
        return self._xs_call('read', path)

    def xs_write(self, path, value):
        self._xs_call('write', path, value)

    def xs_rm(self, path):
        self._xs_call('rm', path)

    def xs_list(self, path):
        return self._xs_call('ls', path)

    # The calls that are xenstore writes the guest acts on.
    def domain_shutdown(self, domid, reason):
        if reason not in REASONS:
            raise BackendError('bad shutdown reason %s' % reason)
        self.xs_write('/local/domain/%d/control/shutdown' % domid, reason)

    def domain_sysrq(self, domid, key):
        self.xs_write('/local/domain/%d/control/sysrq' % domid, key)

    def set_memory_target(self, domid, kib):
        self.xs_write('/local/domain/%d/memory/target' % domid, str(kib))

    def set_vcpus_online(self, domid, count):
        base = '/local/domain/%d/cpu' % domid
        cpus = sorted(int(c) for c in self.xs_list(base) if c.isdigit())
        if not 0 < count <= len(cpus):
            raise BackendError('vcpus %d out of range 1..%d'
                               % (count, len(cpus)))
        for i in cpus:
            self.xs_write('%s/%d/availability' % (base, i),
                          'online' if i < count else 'offline')

    def console_path(self, domid):
        return self.xs_read('/local/domain/%d/console/tty' % domid)

    # The hypervisor half, through libhvxc (xen/lowlevel/xc.py).
    def _xc(self):
        from xen.lowlevel import xc
        try:
            return object.__getattribute__(self, 'xc')
        except AttributeError:
            try:
                self.xc = xc.Interface()
            except (OSError, xc.Error) as e:
                raise BackendError('libhvxc: %s' % e) from None
            return self.xc

    # An xc_interface is not for two threads at once; xend serves many.
    _xc_lock = threading.Lock()

    def _hv(self, name, *args):
        from xen.lowlevel import xc
        with self._xc_lock:
            try:
                return getattr(self._xc(), name)(*args)
            except xc.Error as e:
                raise BackendError(str(e)) from None

    @staticmethod
    def _info(i):
        from xen.lowlevel import xc
        h = bytes(i.handle).hex()
        return {'domid': i.domain,
                'uuid': '%s-%s-%s-%s-%s' % (h[:8], h[8:12], h[12:16],
                                            h[16:20], h[20:]),
                'paused': bool(i.flags & xc.DOMINF_PAUSED),
                'running': bool(i.flags & xc.DOMINF_RUNNING),
                'blocked': bool(i.flags & xc.DOMINF_BLOCKED),
                'shutdown': bool(i.flags & xc.DOMINF_SHUTDOWN),
                'dying': bool(i.flags & xc.DOMINF_DYING),
                'shutdown_reason': (i.flags >> 16) & 255,
                'crashed': bool(i.flags & xc.DOMINF_SHUTDOWN) and
                ((i.flags >> 16) & 255) == SHUTDOWN_CRASH,
                'mem_kib': i.tot_pages * 4, 'maxmem_kib': i.max_pages * 4,
                'online_vcpus': i.nr_online_vcpus,
                'max_vcpus': i.max_vcpu_id + 1
                if i.max_vcpu_id != 0xffffffff else 0,
                'cpu_time': i.cpu_time}

    def domain_list(self):
        """Every domain, its name from xenstore: all names in one wait on
        xenstored (each refresh lists the domains)."""
        out = [self._info(i) for i in self._hv('domain_list')]
        guests = [d for d in out if d['domid'] != 0]
        try:
            names = self._xs_call('read_many', [
                '/local/domain/%d/name' % d['domid'] for d in guests]) \
                if guests else []
        except BackendError:
            names = []
        for d in out:
            d['name'] = 'Domain-0' if d['domid'] == 0 else ''
        for d, name in zip(guests, names):
            d['name'] = name or ''
        return out

    def domain_create(self, cfg):
        """xen-create-pv's sequence: build, xenstore skeleton, introduce;
        the domain is left paused.  A failure after the build destroys
        it."""
        if cfg.get('mem_kib', 0) <= 0 or cfg.get('vcpus', 0) <= 0:
            raise BackendError('memory and vcpus must be positive')
        kernel = cfg.get('kernel')
        if not kernel or not os.path.isfile(kernel):
            raise BackendError('kernel %s: no such file' % kernel)
        t = time.monotonic()
        r = self._hv('pv_build', kernel, cfg['mem_kib'],
                     max(cfg.get('maxmem_kib', 0), cfg['mem_kib']),
                     cfg['vcpus'], cfg.get('ramdisk'), cfg.get('cmdline'),
                     cfg.get('uuid'), self.kernel_cache)
        t = _phase(r.domid, 'build', t)
        try:
            self._xs_skeleton(r, cfg)
            t = _phase(r.domid, 'xenstore skeleton', t)
            self._xs_call('introduce', r.domid, r.store_mfn, r.store_port)
            t = _phase(r.domid, 'introduce', t)
            for kind, devs in (('vbd', cfg.get('disks', [])),
                               ('vif', cfg.get('vifs', []))):
                for dev in devs:
                    self.device_add(r.domid, kind, dev)
                    t = _phase(r.domid, '%s %s' % (kind, dev['devid']), t)
        except BackendError:
            self._hv('domain_destroy', r.domid)
            self._remove_devices(r.domid)
            try:
                self.xs_rm('/local/domain/%d' % r.domid)
            except BackendError:
                pass
            raise
        return r.domid

    def _xs_skeleton(self, r, cfg):
        base = '/local/domain/%d' % r.domid
        # dom0 owns the domain's directory; the guest may read it.
        reqs = [('mkdir', (base,)),
                ('set_perms', (base, [(0, 'n'), (r.domid, 'r')]))]
        for k, v in (('name', cfg.get('name', '')), ('domid', r.domid),
                     ('vm', '/vm/%s' % cfg.get('uuid', '')),
                     ('console/ring-ref', r.console_mfn),
                     ('console/port', r.console_port),
                     ('console/type', 'xenconsoled'),
                     ('console/output', 'pty'),
                     ('store/ring-ref', r.store_mfn),
                     ('store/port', r.store_port),
                     ('memory/target', cfg['mem_kib'])):
            reqs.append(('write', ('%s/%s' % (base, k), str(v))))
        for i in range(cfg['vcpus']):
            reqs.append(('write', ('%s/cpu/%d/availability' % (base, i),
                                   'online')))
        # The guest's own directories, writable by it.
        for sub in ('data', 'device', 'control', 'memory'):
            reqs += [('mkdir', ('%s/%s' % (base, sub),)),
                     ('set_perms', ('%s/%s' % (base, sub), [(r.domid, 'n')]))]
        self._xs_transaction(reqs, base)

    def _guest(self, domid):
        if int(domid) == 0:
            raise BackendError('operation not allowed on domain 0')
        return int(domid)

    def domain_destroy(self, domid):
        domid = self._guest(domid)
        t = time.monotonic()
        self._hv('domain_destroy', domid)
        t = _phase(domid, 'destroy: hypervisor', t)
        self._remove_devices(domid)
        t = _phase(domid, 'destroy: devices', t)
        # Its xenstored connection and entries go with it (one wait on
        # xenstored for both).
        try:
            self._xs_call('batch', [('release', (domid,)),
                                    ('rm', ('/local/domain/%d' % domid,))])
        except BackendError:
            pass
        _phase(domid, 'destroy: xenstore', t)

    def domain_gone(self, domid):
        self._remove_devices(int(domid))
        try:
            self.xs_rm('/local/domain/%d' % int(domid))
        except BackendError:
            pass

    def wait_domain_change(self, timeout):
        """xenstored fires @releaseDomain when a domain shuts down or
        dies.  The watch has a connection of its own, since waiting on
        it would hold up every request."""
        from xen.xend.xenstore import Xenstore, XenstoreError
        w = getattr(self, 'xs_watch', None)
        try:
            if w is None:
                w = Xenstore()
                w.watch('@releaseDomain', 'xend')
                self.xs_watch = w
            return w.next_event(timeout) is not None
        except (OSError, XenstoreError) as e:
            self.xs_watch = None
            if w is not None:
                w.close()
            raise BackendError('xenstored watch: %s' % e) from None

    def domain_pause(self, domid):
        self._hv('domain_pause', self._guest(domid))

    def domain_unpause(self, domid):
        self._hv('domain_unpause', self._guest(domid))

    def set_max_memory(self, domid, kib):
        if kib <= 0:
            raise BackendError('maximum memory must be positive')
        self._hv('domain_max_mem', int(domid), kib)

    def _nr_cpus(self):
        return self._hv('physinfo').max_cpu_id + 1

    def vcpu_info(self, domid):
        info = self._hv('domain_getinfo', int(domid))
        nr = self._nr_cpus()
        out = []
        for v in range(info.max_vcpu_id + 1
                       if info.max_vcpu_id != 0xffffffff else 0):
            vi = self._hv('vcpu_getinfo', int(domid), v)
            out.append({'vcpu': v, 'online': bool(vi.online),
                        'blocked': bool(vi.blocked),
                        'running': bool(vi.running), 'cpu': vi.cpu,
                        'cpu_time': vi.cpu_time,
                        'cpumap': self._hv('vcpu_getaffinity', int(domid),
                                           v, nr)})
        return out

    def vcpu_pin(self, domid, vcpu, cpus):
        if not cpus:
            raise BackendError('bad cpu list %s' % cpus)
        self._hv('vcpu_setaffinity', int(domid), vcpu, cpus,
                 self._nr_cpus())

    def sched_credit_get(self, domid):
        return self._hv('sched_credit_get', int(domid))

    def sched_credit_set(self, domid, weight, cap):
        self._hv('sched_credit_set', int(domid), weight, cap)

    def physinfo(self):
        p = self._hv('physinfo')
        return {'nr_cpus': p.nr_cpus, 'nr_nodes': p.nr_nodes,
                'sockets_per_node': max(1, p.nr_cpus // max(
                    1, p.cores_per_socket * p.threads_per_core *
                    p.nr_nodes)),
                'cores_per_socket': p.cores_per_socket,
                'threads_per_core': p.threads_per_core,
                'cpu_mhz': p.cpu_khz // 1000,
                'hw_caps': ':'.join('%08x' % c for c in p.hw_cap),
                'total_memory': p.total_pages * 4,
                'free_memory': p.free_pages * 4, 'scheduler': 'credit'}

    # Linux's view of xen_version (CONFIG_XEN_SYS_HYPERVISOR); tests
    # point it elsewhere.
    sys_hypervisor = '/sys/hypervisor'

    def version(self):
        """From /sys/hypervisor, which Linux fills through xen_version:
        libhvxc has no xc_version."""
        def rd(path, default=''):
            try:
                with open(os.path.join(self.sys_hypervisor, path)) as f:
                    return f.read().strip()
            except OSError:
                return default
        if rd('type') != 'xen':
            raise NotAvailable('version: no %s/type saying xen (Linux '
                               'without CONFIG_XEN_SYS_HYPERVISOR?)'
                               % self.sys_hypervisor)
        try:
            major, minor = int(rd('version/major')), int(rd('version/minor'))
            pagesize = int(rd('properties/pagesize', '4096'))
        except ValueError as e:
            raise BackendError('version: %s' % e) from None
        return {'xen_major': major, 'xen_minor': minor,
                'xen_extra': rd('version/extra'),
                'xen_caps': rd('properties/capabilities'),
                'xen_pagesize': pagesize,
                'platform_params': 'virt_start=%s'
                % rd('properties/virtual_start', '0'),
                'xen_changeset': rd('properties/changeset', 'unavailable'),
                'cc_compiler': rd('compilation/compiler'),
                'cc_compile_by': rd('compilation/compiled_by'),
                'cc_compile_domain': '',
                'cc_compile_date': rd('compilation/compile_date')}

    def dmesg(self, clear=False):
        return self._hv('readconsolering', clear)

    def send_debug_keys(self, keys):
        self._hv('send_debug_keys', keys)

    # Devices: dom0's Linux backends (blkback, netback) serve them; xend
    # writes both halves' xenstore directories, waits for the backend
    # driver to take the device, and runs its hotplug script, as
    # tools/misc/pv_devices.c does for xen-create-pv.  Tests point
    # scripts_dir elsewhere.
    scripts_dir = '/etc/xen/scripts'
    # How long a backend driver may take to pick a device up, and a
    # hotplug script to finish.
    backend_wait = 10.0
    script_timeout = 30.0

    def _write_pair(self, domid, fe, front, be, back):
        """The frontend's directory is the guest's (dom0 reads it), the
        backend's dom0's (the guest reads it), written in one
        transaction so that a backend driver never sees half of it."""
        reqs = []
        for path, nodes, perms in (
                (fe, front, [(domid, 'n'), (0, 'r')]),
                (be, back, [(0, 'n'), (domid, 'r')])):
            reqs += [('mkdir', (path,)), ('set_perms', (path, perms))]
            reqs += [('write', ('%s/%s' % (path, k), str(v)))
                     for k, v in nodes]
        self._xs_transaction(reqs, be)

    def _xs_transaction(self, reqs, what):
        """reqs (Xenstore.batch's) in one transaction, sent at once:
        three waits on xenstored, however many nodes; started over while
        another writer gets in first."""
        from xen.xend.xenstore import XenstoreError
        xs = self._xs()
        for _ in range(20):
            try:
                tx = xs.transaction_start()
            except (XenstoreError, OSError) as e:
                raise BackendError('xenstored: %s' % e) from None
            try:
                xs.batch(reqs, tx)
            except (XenstoreError, OSError) as e:
                # Not left open on the connection xend keeps.
                try:
                    xs.transaction_end(tx, False)
                except (XenstoreError, OSError):
                    pass
                raise BackendError('xenstored: %s' % e) from None
            try:
                xs.transaction_end(tx, True)
                return
            except XenstoreError as e:
                if e.errno_name != 'EAGAIN':
                    raise BackendError(str(e)) from None
            except OSError as e:
                raise BackendError('xenstored: %s' % e) from None
        raise BackendError('%s: xenstore transaction kept failing' % what)

    def _read_or_none(self, path):
        try:
            return self.xs_read(path)
        except BackendError:
            return None

    def _run_script(self, script, action, be, vif):
        env = dict(os.environ, XENBUS_PATH=be)
        if vif:
            env['vif'] = vif
        try:
            p = subprocess.run([script, action], env=env,
                               stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE,
                               timeout=self.script_timeout)
        except (OSError, subprocess.TimeoutExpired) as e:
            return '%s %s: %s' % (script, action, e)
        if p.returncode:
            return '%s %s: exit %d %s' % (
                script, action, p.returncode,
                p.stderr.decode('utf-8', 'replace').strip()[-200:])
        return None

    def _hotplug(self, be, script, action, vif):
        """Once the backend driver is in InitWait (2), the script
        connects the device and says so in hotplug-status."""
        deadline = time.monotonic() + self.backend_wait
        while self._read_or_none(be + '/state') != '2':
            if time.monotonic() > deadline:
                raise BackendError('%s: no backend driver took it (is '
                                   'its module loaded?)' % be)
            time.sleep(0.02)
        why = self._run_script(script, action, be, vif)
        if why is None and \
                self._read_or_none(be + '/hotplug-status') != 'connected':
            why = '%s %s: %s' % (script, action, self._read_or_none(
                be + '/hotplug-error') or 'no hotplug-status')
        if why:
            raise BackendError(why)

    def device_add(self, domid, kind, dev):
        domid = self._guest(domid)
        devid = int(dev['devid'])
        fe = '/local/domain/%d/device/%s/%d' % (domid, kind, devid)
        be = '/local/domain/0/backend/%s/%d/%d' % (kind, domid, devid)
        if self._read_or_none(be + '/frontend') is not None:
            raise BackendError('%s: the device exists' % be)
        if kind == 'vbd':
            try:
                typ, params = disk_source(dev['uname'])
            except ValueError as e:
                raise BackendError('vbd %s' % e) from None
            script, action, vif = 'block', 'add', None
            front = [('virtual-device', devid), ('device-type', 'disk')]
            back = [('params', params), ('type', typ),
                    ('mode', dev['mode']), ('dev', dev['dev']),
                    ('removable', 0), ('bootable', 1)]
        else:
            if not BRIDGE_RE.match(dev['bridge']):
                raise BackendError('vif: bad bridge name %r'
                                   % dev['bridge'])
            script, action = dev['script'] or 'vif-bridge', 'online'
            vif = 'vif%d.%d' % (domid, devid)
            front = [('handle', devid), ('mac', dev['mac'])]
            back = [('handle', devid), ('mac', dev['mac']),
                    ('bridge', dev['bridge']), ('type', 'vif')]
            if dev.get('rate'):
                try:
                    back.append(('rate', vif_rate(dev['rate'])))
                except ValueError:
                    raise BackendError('vif: bad rate %r' % dev['rate']) \
                        from None
        script = os.path.join(self.scripts_dir, script)
        front = [('backend', be), ('backend-id', 0), ('state', 1)] + front
        back = [('frontend', fe), ('frontend-id', domid), ('online', 1),
                ('state', 1)] + back + [('script', script)]
        self._write_pair(domid, fe, front, be, back)
        try:
            self._hotplug(be, script, action, vif)
        except BackendError:
            # It never connected: nothing for the frontend to close.
            if self._close(domid, kind, devid, True):
                self._closed(be, time.monotonic() + self.close_timeout)
            self._take_down(domid, kind, devid)
            raise
        return devid

    # How long a backend may take to close once asked (libxl's 10 s);
    # past it the removal is forced.
    close_timeout = 10.0

    @staticmethod
    def _paths(domid, kind, devid):
        return ('/local/domain/%d/device/%s/%d' % (domid, kind, devid),
                '/local/domain/0/backend/%s/%d/%d' % (kind, domid, devid))

    def _close(self, domid, kind, devid, force):
        """Asks the backend to close, as Xen's toolstacks do: online 0 and
        state Closing (5), so that a live frontend answers Closed and the
        backend driver then closes (6) and lets go of the guest's pages.
        force takes the frontend's directory away too, for a guest that
        cannot answer: the backend closes without it.  False when there
        is nothing to wait for (no backend, or no driver ever took it)."""
        fe, be = self._paths(domid, kind, devid)
        state = self._read_or_none(be + '/state')
        reqs = []
        if force and self._read_or_none(fe + '/backend') is not None:
            reqs.append(('rm', (fe,)))
        if state is not None:
            reqs.append(('write', (be + '/online', '0')))
            if state != '6':
                reqs.append(('write', (be + '/state', '5')))
        if reqs:
            self._xs_transaction(reqs, be)
        return state not in (None, '1', '6')

    def _closed(self, be, deadline):
        """Waits until the backend at be is Closed (6) or gone."""
        while True:
            state = self._read_or_none(be + '/state')
            if state in (None, '6'):
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)

    def _take_down(self, domid, kind, devid):
        """Once the backend let go: the hotplug script takes the device
        down (the loop device, the vif's place on its bridge), then both
        directories go."""
        fe, be = self._paths(domid, kind, devid)
        script = self._read_or_none(be + '/script')
        if script:
            why = self._run_script(
                script, 'remove' if kind == 'vbd' else 'offline', be,
                'vif%d.%d' % (domid, devid) if kind == 'vif' else None)
            if why:
                log.warning('%s', why)
        self.xs_rm(be)
        if self._read_or_none(fe + '/backend') is not None:
            self.xs_rm(fe)

    def device_remove(self, domid, kind, devid):
        """A device of a running guest: the close handshake first, and
        only a frontend that does not answer in close_timeout seconds
        loses its directory before its backend closes."""
        domid, devid = self._guest(domid), int(devid)
        _, be = self._paths(domid, kind, devid)
        if self._close(domid, kind, devid, False) and not self._closed(
                be, time.monotonic() + self.close_timeout):
            log.warning('%s: the frontend did not close in %g s; forcing',
                        be, self.close_timeout)
            if self._close(domid, kind, devid, True) and not self._closed(
                    be, time.monotonic() + self.close_timeout):
                log.warning('%s: the backend did not close', be)
        self._take_down(domid, kind, devid)

    def _remove_devices(self, domid):
        """A dead guest's devices, forced: every backend is told at once
        and then waited for, so that they close side by side."""
        devs, dirs = [], []
        kinds = ('vbd', 'vif')
        bases = ['/local/domain/0/backend/%s/%d' % (k, domid) for k in kinds]
        try:
            lists = self._xs_call('ls_many', bases)
        except BackendError as e:
            log.warning('d%d devices: %s', domid, e)
            lists = [None] * len(bases)
        for kind, base, ids in zip(kinds, bases, lists):
            if ids is None:
                continue
            devs += [(kind, int(d)) for d in ids if d.isdigit()]
            dirs.append(base)
        waits = []
        for kind, devid in devs:
            try:
                if self._close(domid, kind, devid, True):
                    waits.append(self._paths(domid, kind, devid)[1])
            except BackendError as e:
                log.warning('closing d%d %s %d: %s', domid, kind, devid, e)
        deadline = time.monotonic() + self.close_timeout
        for be in waits:
            if not self._closed(be, deadline):
                log.warning('%s: the backend did not close', be)
        for kind, devid in devs:
            try:
                self._take_down(domid, kind, devid)
            except BackendError as e:
                log.warning('removing d%d %s %d: %s', domid, kind, devid, e)
        for base in dirs:
            try:
                self.xs_rm(base)
            except BackendError:
                pass

    # What libhvxc does not offer yet, and what each waits on.
    _MISSING = {
        'domain_core_dump': 'a core writer over xc_map_foreign_pages',
    }

    def __getattribute__(self, attr):
        missing = object.__getattribute__(self, '_MISSING')
        if attr in missing:
            def unavailable(*args, **kwargs):
                raise NotAvailable('%s: not available yet (needs %s)'
                                   % (attr, missing[attr]))
            return unavailable
        return object.__getattribute__(self, attr)


def make(kind, kernel_cache=None):
    if kind == 'fake':
        return FakeBackend()
    if kind == 'real':
        return RealBackend(kernel_cache)
    raise ValueError('unknown backend %r (fake or real)' % kind)
