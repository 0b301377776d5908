# SPDX-License-Identifier: GPL-2.0-only
"""xm: the xm 3.1 command line, over xend's legacy XML-RPC socket or, with
--xenapi, over XenAPI; output formats as xm 3.1 printed them."""
import os
import sys
import time

from xen.xend import sxp
from xen.xm import rpc

LEGACY_URI = 'httpu:///var/run/xend/xmlrpc.sock'
# Ctrl-] leaves a console, as with xenconsole and telnet.
DETACH = b'\x1d'
# How long xm create -c waits for xenconsoled to give the guest a pty.
CONSOLE_WAIT = 10.0
XENAPI_URI = 'httpu:///var/run/xend/xen-api.sock'
MiB = 1024 * 1024


class XmError(Exception):
    pass


class NoSuchDomain(XmError):
    def __init__(self, dom):
        XmError.__init__(self, "Domain '%s' does not exist." % dom)


class UsageError(XmError):
    """Bad options: the message and then the command's usage."""


# Modules only some commands need are imported where they are used: each
# import costs xm's start-up tens of milliseconds under an emulated CPU
# (re and getopt, which pulls in gettext and re, most of all; a command
# without options imports neither).
def gnu_getopt(argv, short, long=()):
    import getopt
    try:
        return getopt.gnu_getopt(argv, short, list(long))
    except getopt.GetoptError as e:
        raise UsageError(str(e)) from None


def _protocol_errors():
    """The HTTP errors of both clients, xmlrpc.client's if it is in."""
    m = sys.modules.get('xmlrpc.client')
    return (rpc.ProtocolError,) + ((m.ProtocolError,) if m else ())


class Legacy(object):
    """xm's calls over the legacy xend.* methods: on a unix socket through
    the lean xen.xm.rpc, elsewhere through xmlrpc.client."""

    def __init__(self, uri):
        self.path = None
        if uri.startswith('httpu://'):
            self.path = uri[len('httpu://'):]
        else:
            import xmlrpc.client
            self.p = xmlrpc.client.ServerProxy(uri)

    def _send(self, name, args):
        if self.path is not None:
            return rpc.call(self.path, name, args)
        import xmlrpc.client
        fn = self.p
        for part in name.split('.'):
            fn = getattr(fn, part)
        try:
            return fn(*args)
        except xmlrpc.client.Fault as f:
            raise rpc.Fault(f.faultCode, f.faultString) from None

    def call(self, name, *args):
        try:
            return self._send(name, args)
        except rpc.Fault as f:
            if f.faultCode == 3:
                raise NoSuchDomain(f.faultString) from None
            raise XmError(f.faultString) from None

    @staticmethod
    def _dom(s):
        v = sxp.child_value
        domid = v(s, 'domid')
        return {'name': v(s, 'name'), 'uuid': v(s, 'uuid'),
                'domid': None if domid is None else int(domid),
                'mem': int(v(s, 'memory', 0)),
                'maxmem': int(v(s, 'maxmem', 0)),
                'vcpus': int(v(s, 'online_vcpus', v(s, 'vcpus', 0))),
                'state': v(s, 'state', '') or '',
                'cpu_time': float(v(s, 'cpu_time', 0)),
                'start_time': float(v(s, 'start_time', 0)), 'sxp': s}

    def domains(self):
        return [self._dom(s) for s in
                self.call('xend.domains_with_state', True, 'all', 1)]

    def domain(self, dom):
        return self._dom(self.call('xend.domain', dom, 1))

    def create(self, config, paused):
        # No xend.domain.waitForDevices, as xm 3.1 called: our xend's
        # create returns once each device's hotplug script has connected
        # it, so that call would be one round trip for nothing.
        s = self._dom(self.call('xend.domain.create', config))
        if not paused:
            self.call('xend.domain.unpause', s['name'])
        return s['name']

    def new(self, config):
        self.call('xend.domain.new', config)

    def start(self, dom, paused):
        self.call('xend.domain.start', dom, paused)

    def simple(self, op, dom):
        self.call('xend.domain.' + {'delete': 'delete', 'destroy': 'destroy',
                                    'pause': 'pause',
                                    'unpause': 'unpause'}[op], dom)

    def shutdown(self, dom, reason):
        self.call('xend.domain.shutdown', dom, reason)

    def restart_count(self, dom):
        return self.call('xend.domain.getRestartCount', dom)

    def mem_set(self, dom, mib):
        self.call('xend.domain.setMemoryTarget', dom, mib)

    def mem_max(self, dom, mib):
        self.call('xend.domain.maxmem_set', dom, mib)

    def vcpu_set(self, dom, n):
        self.call('xend.domain.setVCpuCount', dom, n)

    def vcpu_pin(self, dom, vcpu, cpus):
        self.call('xend.domain.pincpu', dom, vcpu, cpus)

    def vcpus(self, dom):
        """[(vcpu, online, blocked, running, cpu, cpu_time, cpumap)]"""
        s = self.call('xend.domain.getVCPUInfo', dom)
        out = []
        for v in sxp.children(s, 'vcpu'):
            g = lambda k: sxp.child_value(v, k)
            cm = sxp.child(v, 'cpumap')
            out.append((int(g('number')), g('online') == '1' or
                        g('online') == 1, str(g('blocked')) == '1',
                        str(g('running')) == '1', int(g('cpu')),
                        float(g('cpu_time')),
                        [int(c) for c in (cm[1] if cm and len(cm) > 1 and
                                          isinstance(cm[1], list)
                                          else cm[1:] if cm else [])]))
        return out

    def credit(self, dom, weight=None, cap=None):
        if weight is None and cap is None:
            r = self.call('xend.domain.sched_credit_get', dom)
            return int(r['weight']), int(r['cap'])
        self.call('xend.domain.sched_credit_set', dom,
                  -1 if weight is None else weight,
                  -1 if cap is None else cap)

    def info(self):
        return self.call('xend.node.info')

    def dmesg(self, clear):
        return self.call('xend.node.dmesg.clear' if clear else
                         'xend.node.dmesg.info')

    def log(self):
        return self.call('xend.node.log')

    def rename(self, dom, name):
        self.call('xend.domain.setName', dom, name)

    def sysrq(self, dom, key):
        self.call('xend.domain.send_sysrq', dom, key)

    def device_add(self, dom, dev):
        self.call('xend.domain.device_create', dom, dev)

    def device_del(self, dom, kind, dev):
        self.call('xend.domain.destroyDevice', dom, kind, dev, 0)

    def devices(self, dom, kind):
        return self.call('xend.domain.getDeviceSxprs', dom, kind)


class API(object):
    """The same calls over XenAPI (xm --xenapi)."""

    def __init__(self, uri, user=None, password=None):
        global XenAPI
        import XenAPI
        self.s = XenAPI.Session(uri)
        try:
            self.s.login_with_password(
                user or os.environ.get('XM_USER', 'root'),
                password or os.environ.get('XM_PASSWORD', ''))
        except XenAPI.Failure as f:
            raise XmError(_failure(f)) from None
        self.x = self.s.xenapi
        self.fallback = Legacy(uri)

    def call(self, fn, *args):
        try:
            return fn(*args)
        except XenAPI.Failure as f:
            if f.details[0] == 'HANDLE_INVALID' and f.details[1] == 'VM':
                raise NoSuchDomain(f.details[2]) from None
            raise XmError(_failure(f)) from None

    def ref(self, dom):
        dom = str(dom)
        recs = self.call(self.x.VM.get_all_records)
        for ref, r in recs.items():
            if dom in (ref, r['name_label']) or \
                    (r['domid'] == dom and dom != '-1'):
                return ref
        raise NoSuchDomain(dom)

    def _dom(self, ref, r, m):
        st = ''
        if r['power_state'] != 'Halted':
            flags = m.get('state', [])
            st = ''.join(c if w in flags else '-' for c, w in (
                ('r', 'running'), ('b', 'blocked'), ('p', 'paused'),
                ('s', 'shutdown'), ('c', 'crashed'), ('d', 'dying')))
        domid = int(r['domid'])
        return {'name': r['name_label'], 'uuid': r['uuid'],
                'domid': None if domid < 0 else domid,
                'mem': int(m.get('memory_actual', 0)) // MiB,
                'maxmem': int(r['memory_static_max']) // MiB,
                'vcpus': int(m.get('VCPUs_number', 0)), 'state': st,
                'cpu_time': 0.0, 'start_time': time.mktime(
                    m['start_time'].timetuple()) if 'start_time' in m and
                domid >= 0 else 0.0,
                'sxp': ['domain'] + [[k, v if not isinstance(v, dict) else
                                      str(v)] for k, v in r.items()]}

    def domains(self):
        vms = self.call(self.x.VM.get_all_records)
        ms = self.call(self.x.VM_metrics.get_all_records)
        return [self._dom(ref, r, ms.get(r['metrics'], {}))
                for ref, r in vms.items()]

    def domain(self, dom):
        ref = self.ref(dom)
        r = self.call(self.x.VM.get_record, ref)
        return self._dom(ref, r, self.call(self.x.VM_metrics.get_record,
                                           r['metrics']))

    def _create(self, config, transient):
        import xml.etree.ElementTree as ET
        from xen.xm import xmlconfig
        doc = ET.fromstring(xmlconfig.to_xml(config, transient))
        vdis = {x.get('name'): x for x in doc.findall('vdi')}
        return self.create_records(*xmlconfig._vm(doc.find('vm'), vdis))

    def create_records(self, rec, vbds, vifs):
        """A VM with its disks and NICs; nothing is left if one fails."""
        vm = self.call(self.x.VM.create, rec)
        try:
            sr = self.call(self.x.pool.get_default_SR,
                           self.call(self.x.pool.get_all)[0])
            for vbd, vdi in vbds:
                vdi = dict(vdi, SR=sr)
                vbd = dict(vbd, VM=vm, VDI=self.call(self.x.VDI.create, vdi))
                self.call(self.x.VBD.create, vbd)
            for vif in vifs:
                nets = self.call(self.x.network.get_by_name_label,
                                 vif['bridge'])
                if not nets:
                    raise XmError('no network for bridge %s' % vif['bridge'])
                self.call(self.x.VIF.create, {
                    'VM': vm, 'network': nets[0], 'MAC': vif['MAC'],
                    'MTU': vif['MTU'] or '1500'})
        except XmError:
            self.call(self.x.VM.destroy, vm)
            raise
        return vm

    def create(self, config, paused):
        vm = self._create(config, True)
        try:
            self.call(self.x.VM.start, vm, bool(paused))
        except XmError:
            self.call(self.x.VM.destroy, vm)
            raise
        return sxp.child_value(config, 'name')

    def new(self, config):
        self._create(config, False)

    def start(self, dom, paused):
        self.call(self.x.VM.start, self.ref(dom), bool(paused))

    def simple(self, op, dom):
        fn = {'delete': self.x.VM.destroy, 'destroy': self.x.VM.hard_shutdown,
              'pause': self.x.VM.pause, 'unpause': self.x.VM.unpause}[op]
        self.call(fn, self.ref(dom))

    def shutdown(self, dom, reason):
        fn = self.x.VM.clean_reboot if reason == 'reboot' else \
            self.x.VM.clean_shutdown
        self.call(fn, self.ref(dom))

    def restart_count(self, dom):
        return 0

    def mem_set(self, dom, mib):
        ref = self.ref(dom)
        self.call(self.x.VM.set_memory_dynamic_max_live, ref, str(mib * MiB))

    def mem_max(self, dom, mib):
        self.call(self.x.VM.set_memory_static_max, self.ref(dom),
                  str(mib * MiB))

    def vcpu_set(self, dom, n):
        self.call(self.x.VM.set_VCPUs_number_live, self.ref(dom), str(n))

    def vcpu_pin(self, dom, vcpu, cpus):
        nr = int(self._info()['nr_cpus'])
        from xen.xend.domains import parse_cpus
        try:
            cpulist = parse_cpus(cpus, nr)
        except ValueError:
            raise XmError('bad CPU list %s' % cpus) from None
        self.call(self.x.VM.add_to_VCPUs_params_live, self.ref(dom),
                  'cpumap%d' % vcpu, ','.join(str(c) for c in cpulist))

    def vcpus(self, dom):
        r = self.call(self.x.VM.get_record, self.ref(dom))
        m = self.call(self.x.VM_metrics.get_record, r['metrics'])
        out = []
        for i in sorted(m['VCPUs_CPU'], key=int):
            flags = m['VCPUs_flags'].get(i, [])
            cm = m['VCPUs_params'].get('cpumap' + i, '')
            out.append((int(i), 'online' in flags, 'blocked' in flags,
                        'running' in flags, int(m['VCPUs_CPU'][i]), 0.0,
                        [int(x) for x in cm.split(',') if x]))
        return out

    def credit(self, dom, weight=None, cap=None):
        ref = self.ref(dom)
        if weight is None and cap is None:
            r = self.call(self.x.VM.get_record, ref)
            p = self.call(self.x.VM_metrics.get_VCPUs_params, r['metrics'])
            if 'weight' not in p:
                p = r['VCPUs_params']
            return int(p.get('weight', 256)), int(p.get('cap', 0))
        for k, v in (('weight', weight), ('cap', cap)):
            if v is not None:
                self.call(self.x.VM.add_to_VCPUs_params_live, ref, k, str(v))

    def _info(self):
        return dict(self.fallback_info())

    def fallback_info(self):
        host = self.call(self.x.session.get_this_host, self.s.handle)
        h = self.call(self.x.host.get_record, host)
        m = self.call(self.x.host_metrics.get_record, h['metrics'])
        sv = h['software_version']
        cpu = h['cpu_configuration']
        out = {'host': sv.get('host', ''), 'release': sv.get('release', ''),
               'version': sv.get('version', ''),
               'machine': sv.get('machine', ''),
               'nr_cpus': str(len(h['host_CPUs'])),
               'total_memory': str(int(m['memory_total']) // MiB),
               'free_memory': str(int(m['memory_free']) // MiB),
               'xen_caps': ' '.join(h['capabilities']),
               'xen_scheduler': h['sched_policy']}
        out.update(cpu)
        for k in ('xen_major', 'xen_minor', 'xen_extra', 'xen_pagesize',
                  'platform_params', 'xen_changeset', 'cc_compiler',
                  'cc_compile_by', 'cc_compile_domain', 'cc_compile_date',
                  'xend_config_format'):
            out[k] = sv.get(k, '')
        return sorted(out.items(), reverse=True)

    def info(self):
        return self.fallback_info()

    def dmesg(self, clear):
        host = self.call(self.x.session.get_this_host, self.s.handle)
        return self.call(self.x.host.dmesg_clear if clear else
                         self.x.host.dmesg, host)

    def log(self):
        host = self.call(self.x.session.get_this_host, self.s.handle)
        return self.call(self.x.host.get_log, host)

    def rename(self, dom, name):
        self.call(self.x.VM.set_name_label, self.ref(dom), name)

    def sysrq(self, dom, key):
        self.call(self.x.VM.send_sysrq, self.ref(dom), key)

    def device_add(self, dom, dev):
        raise XmError('device hot-plug over XenAPI is not supported yet; '
                      'use the legacy server')

    device_del = devices = device_add

    def close(self):
        try:
            self.s.logout()
        except (XenAPI.Failure, OSError):
            pass


def _failure(f):
    d = f.details
    if d[0] == 'MESSAGE_PARAMETER_COUNT_MISMATCH' and len(d) == 4:
        return 'The method %s takes %d argument(s) (%d given).' % (
            d[1], int(d[2]) - 1, int(d[3]) - 1)
    if d[0] == 'VM_BAD_POWER_STATE' and len(d) == 4:
        return 'The VM must be %s to perform the requested operation (it ' \
               'is currently %s).' % (d[2], d[3])
    return ': '.join(d)


# Output formats.
def list_header():
    return '%-40s %3s %5s %5s %10s %9s' % ('Name', 'ID', 'Mem', 'VCPUs',
                                           'State', 'Time(s)')


def list_row(d):
    return '%-40s %3s %5d %5d %10s %8.1f' % (
        d['name'], '' if d['domid'] is None else d['domid'], d['mem'],
        d['vcpus'], d['state'], d['cpu_time'])


def format_uptime(secs):
    secs = int(secs)
    days, secs = divmod(secs, 86400)
    h, secs = divmod(secs, 3600)
    m, s = divmod(secs, 60)
    out = ''
    if days:
        out = '%d day%s, ' % (days, '' if days == 1 else 's')
    return out + '%2d:%02d:%02d' % (h, m, s)


def parse_mem(text):
    """MiB from '256', '256m', '1g', '262144k'."""
    import re
    m = re.match(r'^(\d+)([kKmMgG]?)$', str(text).strip())
    if not m:
        raise XmError('Invalid memory size: %s' % text)
    n = int(m.group(1))
    unit = m.group(2).lower()
    return {'k': n // 1024, 'm': n, '': n, 'g': n * 1024}[unit]


USAGE = {
    'list': '[options] [Domain, ...]', 'create': '<ConfigFile> [options] '
    '[vars]', 'new': '<ConfigFile> [options] [vars]', 'delete': '<Domain>',
    'start': '<Domain> [-p]', 'destroy': '<Domain>',
    'shutdown': '<Domain> [-waRH]', 'reboot': '<Domain> [-wa]',
    'pause': '<Domain>', 'unpause': '<Domain>',
    'mem-set': '<Domain> <Mem>', 'mem-max': '<Domain> <Mem>',
    'vcpu-set': '<Domain> <vCPUs>', 'vcpu-pin': '<Domain> <VCPU|all> <CPUs|all>',
    'vcpu-list': '[Domain, ...]', 'sched-credit': '[-d <Domain> [-w N] '
    '[-c N]]', 'info': '', 'dmesg': '[-c]', 'log': '', 'uptime': '[-s] '
    '[Domain, ...]', 'domid': '<DomainName>', 'domname': '<DomId>',
    'rename': '<Domain> <NewDomainName>', 'sysrq': '<Domain> <letter>',
    'console': '<Domain>', 'block-attach': '<Domain> <BackDev> <FrontDev> '
    '<Mode>', 'block-detach': '<Domain> <DevId>', 'block-list': '<Domain>',
    'network-attach': '<Domain> [type=...] [mac=...] [bridge=...]',
    'network-detach': '<Domain> <DevId>', 'network-list': '<Domain>',
}


def console_tty(domid):
    """The pty xenconsoled serves for the domain, as it writes it to
    xenstore; a domain just created may not have one yet."""
    from xen.xend.xenstore import Xenstore, XenstoreError
    path = '/local/domain/%d/console/tty' % domid
    deadline = time.monotonic() + CONSOLE_WAIT
    while True:
        try:
            xs = Xenstore()
        except OSError as e:
            raise XmError('xenstored: %s' % e) from None
        try:
            return xs.read(path)
        except XenstoreError:
            pass
        except OSError as e:
            raise XmError('xenstored: %s' % e) from None
        finally:
            xs.close()
        if time.monotonic() > deadline:
            raise XmError('Domain %d has no console (no %s)' % (domid, path))
        time.sleep(0.1)


def _write_all(fd, data):
    while data:
        data = data[os.write(fd, data):]


def console_relay(path, infd, outfd):
    """Bytes both ways between the terminal and the guest's pty until
    Ctrl-] (or the end of input), or until the pty goes (the domain
    died).  Both ends are raw: the guest's own terminal does the
    editing and echoing."""
    import select
    import termios
    import tty
    try:
        fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    except OSError as e:
        raise XmError('%s: %s' % (path, e.strerror)) from None
    saved = None
    try:
        # At once: what the guest wrote before we came is kept.
        tty.setraw(fd, termios.TCSANOW)
        if os.isatty(infd):
            saved = termios.tcgetattr(infd)
            tty.setraw(infd)
        while True:
            r, _, _ = select.select([fd, infd], [], [])
            if fd in r:
                try:
                    data = os.read(fd, 4096)
                except OSError:
                    data = b''
                if not data:
                    break
                _write_all(outfd, data)
            if infd in r:
                data = os.read(infd, 4096)
                head = data.split(DETACH, 1)[0]
                _write_all(fd, head)
                if head != data or not data:
                    break
    finally:
        if saved is not None:
            termios.tcsetattr(infd, termios.TCSADRAIN, saved)
        os.close(fd)


class Xm(object):
    def __init__(self, out=sys.stdout):
        self.out = out
        self.server = None

    def p(self, text=''):
        self.out.write(text + '\n')

    def args(self, cmd, argv, lo, hi=None):
        if len(argv) < lo or (hi is not None and len(argv) > hi):
            raise XmError("'xm %s' requires %s argument%s.\n\nUsage: xm %s "
                          '%s' % (cmd, lo if hi == lo else
                                  'at least %d' % lo if hi is None else
                                  '%d to %d' % (lo, hi),
                                  '' if lo == 1 and hi == 1 else 's', cmd,
                                  USAGE.get(cmd, '')))

    def cmd_list(self, argv):
        opts, rest = gnu_getopt(argv, 'l', ['long', 'state='])
        long_ = any(o in ('-l', '--long') for o, _ in opts)
        if rest:
            doms = [self.server.domain(d) for d in rest]
        else:
            doms = self.server.domains()
        state = dict(opts).get('--state')
        if state:
            doms = [d for d in doms if state[0] in d['state']]
        doms.sort(key=lambda d: d['name'])
        if long_:
            for d in doms:
                self.p(sxp.to_string(d['sxp'], indent=4))
            return
        self.p(list_header())
        for d in doms:
            self.p(list_row(d))

    def _config(self, argv, cmd):
        opts, rest = gnu_getopt(argv, 'cpnxsqf:F:',
                                       ['console_autoconnect', 'paused',
                                        'dryrun', 'xmldryrun', 'skipdtd',
                                        'quiet', 'path=', 'defconfig=',
                                        'config='])
        o = dict(opts)
        files = [a for a in rest if '=' not in a]
        overrides = [a for a in rest if '=' in a]
        path = o.get('--path', '.:/etc/xen').split(':')
        if '-F' in o or '--config' in o:
            f = o.get('-F') or o['--config']
            with open(f) as fh:
                return sxp.parse_one(fh.read()), o
        f = o.get('-f') or o.get('--defconfig') or (files[0] if files
                                                    else None)
        if f is None:
            raise XmError("'xm %s' requires a config file.\n\nUsage: xm %s %s"
                          % (cmd, cmd, USAGE[cmd]))
        if not os.path.isabs(f) and not os.path.exists(f):
            for d in path:
                if os.path.exists(os.path.join(d, f)):
                    f = os.path.join(d, f)
                    break
        if _is_xml(f):
            from xen.xm import xmlconfig
            if '-s' not in o and '--skipdtd' not in o:
                try:
                    xmlconfig.validate(f)
                except xmlconfig.XmlError as e:
                    raise XmError(str(e)) from None
            o['xml'] = f
            return None, o
        from xen.xm import config as xmconfig
        try:
            cfg = xmconfig.read(f, overrides)
        except xmconfig.ConfigError as e:
            raise XmError(str(e)) from None
        return xmconfig.to_sxp(cfg), o

    def _from_xml(self, path, start, paused):
        """xm create/new of an XML config: Xen-API mode only, as in 3.1."""
        from xen.xm import xmlconfig
        if not isinstance(self.server, API):
            raise XmError('XML configs need Xen-API mode (xm --xenapi, or '
                          'xm-config.xml)')
        try:
            vms = xmlconfig.read(path)
        except xmlconfig.XmlError as e:
            raise XmError(str(e)) from None
        names = []
        for rec, vbds, vifs in vms:
            if start:
                rec['other_config'] = dict(rec['other_config'],
                                           transient='True')
            vm = self.server.create_records(rec, vbds, vifs)
            if start:
                self.server.call(self.server.x.VM.start, vm, bool(paused))
            names.append(rec['name_label'])
        return names

    def _dry(self, config, o):
        if config is not None and ('-x' in o or '--xmldryrun' in o):
            from xen.xm import xmlconfig
            self.out.write(xmlconfig.to_xml(config, transient=True))
            return True
        if config is not None and ('-n' in o or '--dryrun' in o):
            self.p(sxp.to_string(config, indent=4))
            return True
        return False

    def cmd_create(self, argv):
        config, o = self._config(argv, 'create')
        if self._dry(config, o):
            return
        paused = '-p' in o or '--paused' in o
        if config is None:
            names = self._from_xml(o['xml'], True, paused)
        else:
            names = [self.server.create(config, paused)]
        for name in names:
            if '-q' not in o and '--quiet' not in o:
                self.p('Started domain %s' % name)
            if '-c' in o or '--console_autoconnect' in o:
                self.cmd_console([name])

    def cmd_new(self, argv):
        config, o = self._config(argv, 'new')
        if self._dry(config, o):
            return
        if config is None:
            self._from_xml(o['xml'], False, False)
        else:
            self.server.new(config)

    def cmd_start(self, argv):
        opts, rest = gnu_getopt(argv, 'p', ['paused'])
        self.args('start', rest, 1, 1)
        self.server.start(rest[0], bool(opts))

    def _simple(self, op, argv):
        self.args(op, argv, 1, 1)
        self.server.simple(op, argv[0])

    def cmd_delete(self, argv):
        self._simple('delete', argv)

    def cmd_destroy(self, argv):
        self._simple('destroy', argv)

    def cmd_pause(self, argv):
        self._simple('pause', argv)

    def cmd_unpause(self, argv):
        self._simple('unpause', argv)

    def _shutdown(self, cmd, argv, reason):
        opts, rest = gnu_getopt(argv, 'waRH', ['wait', 'all',
                                                      'reboot', 'halt'])
        o = [k for k, _ in opts]
        wait = '-w' in o or '--wait' in o
        if '-R' in o or '--reboot' in o:
            reason = 'reboot'
        if '-H' in o or '--halt' in o:
            reason = 'halt'
        if '-a' in o or '--all' in o:
            self.args(cmd, rest, 0, 0)
            doms = [d for d in self.server.domains()
                    if d['domid'] not in (None, 0)]
        else:
            self.args(cmd, rest, 1, 1)
            doms = [self.server.domain(rest[0])]
        before = {}
        for d in doms:
            before[d['uuid']] = (d['domid'],
                                 self.server.restart_count(d['uuid']))
            self.server.shutdown(d['uuid'], reason)
        if not wait:
            return
        deadline = time.time() + float(os.environ.get('XM_WAIT', '300'))
        while time.time() < deadline:
            left = []
            for d in doms:
                try:
                    now = self.server.domain(d['uuid'])
                except NoSuchDomain:
                    continue
                domid0, count0 = before[d['uuid']]
                if reason == 'reboot':
                    if now['domid'] == domid0 and \
                            self.server.restart_count(d['uuid']) == count0:
                        left.append(d)
                elif now['domid'] is not None and 's' not in now['state']:
                    left.append(d)
            if not left:
                break
            time.sleep(0.2)
        else:
            raise XmError('timed out waiting for %s'
                          % ', '.join(d['name'] for d in doms))
        for d in doms:
            self.p('Domain %s terminated' % d['name'] if reason != 'reboot'
                   else 'Domain %s rebooted' % d['name'])

    def cmd_shutdown(self, argv):
        self._shutdown('shutdown', argv, 'poweroff')

    def cmd_reboot(self, argv):
        self._shutdown('reboot', argv, 'reboot')

    def cmd_mem_set(self, argv):
        self.args('mem-set', argv, 2, 2)
        self.server.mem_set(argv[0], parse_mem(argv[1]))

    def cmd_mem_max(self, argv):
        self.args('mem-max', argv, 2, 2)
        self.server.mem_max(argv[0], parse_mem(argv[1]))

    def _int(self, text, what):
        try:
            return int(text)
        except ValueError:
            raise XmError('Invalid %s: %s' % (what, text)) from None

    def cmd_vcpu_set(self, argv):
        self.args('vcpu-set', argv, 2, 2)
        self.server.vcpu_set(argv[0], self._int(argv[1], 'vCPU count'))

    def cmd_vcpu_pin(self, argv):
        self.args('vcpu-pin', argv, 3, 3)
        dom, vcpu, cpus = argv
        if vcpu == 'all':
            vcpus = [v[0] for v in self.server.vcpus(dom)]
        else:
            vcpus = [self._int(vcpu, 'VCPU')]
        for v in vcpus:
            self.server.vcpu_pin(dom, v, cpus)

    def cmd_vcpu_list(self, argv):
        doms = [self.server.domain(d) for d in argv] if argv else \
            sorted(self.server.domains(), key=lambda d: d['name'])
        nr = int(dict(self.server.info()).get('nr_cpus', 1))
        from xen.xend.domains import format_cpus
        self.p('%-32s %3s %5s %5s %5s %9s %s' % (
            'Name', 'ID', 'VCPU', 'CPU', 'State', 'Time(s)',
            'CPU Affinity'))
        for d in doms:
            if d['domid'] is None:
                continue
            for (n, online, blocked, running, cpu, t, cpumap) in \
                    self.server.vcpus(d['uuid']):
                if online:
                    st = ('r' if running else '-') + \
                        ('b' if blocked else '-') + '-'
                    c = '%d' % cpu
                else:
                    st, c = '--p', '-'
                self.p('%-32s %3d %5d %5s %5s  %8.1f %s' % (
                    d['name'], d['domid'], n, c, st, t,
                    format_cpus(cpumap, nr)))

    def cmd_sched_credit(self, argv):
        opts, rest = gnu_getopt(argv, 'd:w:c:', ['domain=', 'weight=',
                                                        'cap='])
        o = {k.lstrip('-')[0]: v for k, v in opts}
        if rest:
            raise XmError('Usage: xm sched-credit %s' % USAGE['sched-credit'])
        weight = self._int(o['w'], 'weight') if 'w' in o else None
        cap = self._int(o['c'], 'cap') if 'c' in o else None
        if 'd' not in o:
            if weight is not None or cap is not None:
                raise XmError('-w and -c need -d <Domain>')
            doms = [d for d in sorted(self.server.domains(),
                                      key=lambda d: d['name'])
                    if d['domid'] is not None]
        else:
            doms = [self.server.domain(o['d'])]
        if weight is not None or cap is not None:
            self.server.credit(o['d'], weight, cap)
            return
        self.p('%-33s %-2s %-6s %-4s' % ('Name', 'ID', 'Weight', 'Cap'))
        for d in doms:
            w, c = self.server.credit(d['uuid'])
            self.p('%-32s %3d %6d %4d' % (d['name'], d['domid'] or 0, w, c))

    def cmd_info(self, argv):
        for k, v in self.server.info():
            if k == 'system':
                continue
            self.p('%-23s: %s' % (k, v))

    def cmd_dmesg(self, argv):
        opts, rest = gnu_getopt(argv, 'c', ['clear'])
        text = self.server.dmesg(bool(opts))
        if not opts:
            self.out.write(text)

    def cmd_log(self, argv):
        self.out.write(self.server.log())

    def cmd_uptime(self, argv):
        opts, rest = gnu_getopt(argv, 's', ['short'])
        doms = [self.server.domain(d) for d in rest] if rest else \
            sorted(self.server.domains(), key=lambda d: d['name'])
        now = time.time()
        if not opts:
            self.p('Name                              ID Uptime')
        for d in doms:
            if d['domid'] is None:
                continue
            if d['domid'] == 0:
                try:
                    with open('/proc/uptime') as f:
                        up = float(f.read().split()[0])
                except OSError:
                    up = 0
            else:
                up = now - d['start_time']
            if opts:
                self.p(' %s up %s, %s (%d)' % (
                    time.strftime('%H:%M:%S'), format_uptime(up).strip(),
                    d['name'], d['domid']))
            else:
                self.p('%-32s %3s %s' % (d['name'], d['domid'],
                                         format_uptime(up)))

    def cmd_domid(self, argv):
        self.args('domid', argv, 1, 1)
        d = self.server.domain(argv[0])
        self.p('None' if d['domid'] is None else str(d['domid']))

    def cmd_domname(self, argv):
        self.args('domname', argv, 1, 1)
        self.p(self.server.domain(argv[0])['name'])

    def cmd_rename(self, argv):
        self.args('rename', argv, 2, 2)
        self.server.rename(argv[0], argv[1])

    def cmd_sysrq(self, argv):
        self.args('sysrq', argv, 2, 2)
        self.server.sysrq(argv[0], argv[1])

    def cmd_console(self, argv):
        opts, rest = gnu_getopt(argv, 'q', ['quiet'])
        self.args('console', rest, 1, 1)
        d = self.server.domain(rest[0])
        if d['domid'] is None:
            raise XmError('Domain %s is not running' % d['name'])
        self.out.flush()
        console_relay(console_tty(d['domid']), sys.stdin.fileno(),
                      sys.stdout.fileno())

    def cmd_block_attach(self, argv):
        self.args('block-attach', argv, 4, 5)
        dev = ['tap' if argv[1].startswith('tap:') else 'vbd',
               ['uname', argv[1]], ['dev', argv[2]], ['mode', argv[3]]]
        self.server.device_add(argv[0], dev)

    def cmd_block_detach(self, argv):
        self.args('block-detach', argv, 2, 3)
        self.server.device_del(argv[0], 'vbd', argv[1])

    def cmd_block_list(self, argv):
        self.args('block-list', argv, 1, 1)
        self.p('%-5s %s' % ('Vdev', 'Config'))
        for idx, s in self.server.devices(argv[0], 'vbd'):
            self.p('%-5s %s' % (idx, sxp.to_string(['vbd'] + s)))

    def cmd_network_attach(self, argv):
        self.args('network-attach', argv, 1)
        from xen.xm import config as xmconfig
        cfg = xmconfig.Config({}, {}, 'command line')
        dev = xmconfig.vif_sxp(cfg, ','.join(argv[1:])) if argv[1:] \
            else ['vif']
        self.server.device_add(argv[0], dev)

    def cmd_network_detach(self, argv):
        self.args('network-detach', argv, 2, 3)
        self.server.device_del(argv[0], 'vif', argv[1])

    def cmd_network_list(self, argv):
        self.args('network-list', argv, 1, 1)
        self.p('%-5s %s' % ('Idx', 'Config'))
        for idx, s in self.server.devices(argv[0], 'vif'):
            self.p('%-5s %s' % (idx, sxp.to_string(['vif'] + s)))

    def cmd_help(self, argv):
        self.p('Usage: xm <subcommand> [args]\n')
        for c in sorted(USAGE):
            self.p('  %-16s %s' % (c, USAGE[c]))


ALIASES = {'balloon': 'mem-set', 'set-vcpus': 'vcpu-set',
           'vif-list': 'network-list', 'vbd-create': 'block-attach',
           'vbd-destroy': 'block-detach', 'vbd-list': 'block-list'}


def command(name):
    name = ALIASES.get(name, name)
    cmds = sorted(list(USAGE) + ['help'])
    if name in cmds:
        return name
    matches = [c for c in cmds if c.startswith(name)]
    if len(matches) == 1:
        return matches[0]
    return None


def _is_xml(path):
    try:
        with open(path, 'rb') as f:
            return f.read(512).lstrip().startswith(b'<')
    except OSError:
        return False


def read_xm_config(path):
    """(type, uri, username, password) of the <server> element of
    xm-config.xml, or None when the file does not exist."""
    if not os.path.exists(path):
        # The usual case: xm starts without an XML parser.
        return None
    import xml.etree.ElementTree as ET
    try:
        root = ET.parse(path).getroot()
    except FileNotFoundError:
        return None
    except (OSError, ET.ParseError) as e:
        raise XmError('%s: %s' % (path, e)) from None
    server = root.find('server') if root.tag == 'xm' else None
    if server is None:
        raise XmError('%s: expected <xm><server .../></xm>' % path)
    kind = server.get('type', 'LegacyXMLRPC')
    if kind not in ('Xen-API', 'LegacyXMLRPC'):
        raise XmError('%s: server type %r (Xen-API or LegacyXMLRPC)'
                      % (path, kind))
    return (kind, server.get('uri'), server.get('username'),
            server.get('password'))


def connect(use_api):
    """The server xm talks to: --xenapi, then xm-config.xml
    ($XM_CONFIG_FILE), then the legacy socket ($XM_SERVER)."""
    conf = read_xm_config(os.environ.get('XM_CONFIG_FILE',
                                         '/etc/xen/xm-config.xml'))
    if use_api or (conf and conf[0] == 'Xen-API'):
        uri = os.environ.get('XM_XENAPI_SERVER', XENAPI_URI)
        if conf and conf[0] == 'Xen-API':
            return API(conf[1] or uri, conf[2], conf[3])
        return API(uri)
    if conf and conf[1]:
        return Legacy(conf[1])
    return Legacy(os.environ.get('XM_SERVER', LEGACY_URI))


def main(argv, out=sys.stdout, err=sys.stderr):
    args = argv[1:]
    use_api = False
    while args and args[0].startswith('--'):
        if args[0] == '--xenapi':
            use_api = True
            args = args[1:]
        elif args[0] == '--help':
            args = ['help']
        else:
            break
    if not args:
        args = ['help']
    name = command(args[0])
    if name is None:
        err.write("Error: Subcommand %s not found!\n" % args[0])
        return 1
    xm = Xm(out)
    rest = args[1:]
    dryrun = name in ('create', 'new') and any(
        a in ('-n', '--dryrun', '-x', '--xmldryrun') for a in rest)
    try:
        if name != 'help' and not dryrun:
            xm.server = connect(use_api)
        getattr(xm, 'cmd_' + name.replace('-', '_'))(rest)
        return 0
    except UsageError as e:
        err.write('Error: %s\n\nUsage: xm %s %s\n' % (e, name,
                                                      USAGE.get(name, '')))
    except XmError as e:
        err.write('Error: %s\n' % e)
    except OSError as e:
        err.write('Error: Unable to connect to xend: %s. Is xend running?\n'
                  % (e.strerror or e))
    except _protocol_errors() as e:
        err.write('Error: xend answered HTTP %s %s\n' % (e.errcode,
                                                       e.errmsg))
    finally:
        if isinstance(xm.server, API):
            xm.server.close()
    return 1
