# SPDX-License-Identifier: GPL-2.0-only
"""xm's Python config files as xm 3.1 read them, run in a restricted
namespace, checked key by key, and turned into the (vm ...) SXP xend takes."""
import ast
import builtins
import os
import re

# Key -> kind.  'list' keys hold lists of strings.
KEYS = {
    'name': 'str', 'uuid': 'str', 'builder': 'str', 'kernel': 'str',
    'ramdisk': 'str', 'extra': 'str', 'root': 'str', 'memory': 'int',
    'maxmem': 'int', 'vcpus': 'int', 'cpus': 'str', 'cpu': 'int',
    'cpu_weight': 'int', 'cpu_cap': 'int', 'on_poweroff': 'str',
    'on_reboot': 'str', 'on_crash': 'str', 'bootloader': 'str',
    'bootargs': 'str', 'disk': 'list', 'vif': 'list', 'nics': 'int',
    'features': 'str', 'ip': 'str', 'gateway': 'str', 'netmask': 'str',
    'hostname': 'str', 'interface': 'str', 'dhcp': 'str',
    'nfs_server': 'str', 'nfs_root': 'str', 'localtime': 'int',
    'on_xend_start': 'str', 'on_xend_stop': 'str', 'restart': 'str',
    'shadow_memory': 'int', 'vcpu_avail': 'int',
}
# Keys xm 3.1 knew that this xend has no support for yet.
UNSUPPORTED = {'vfb', 'vtpm', 'pci', 'ioports', 'irq', 'usbport',
               'access_control', 'blkif', 'netif', 'tpmif', 'device_model',
               'boot', 'acpi', 'apic', 'pae', 'vnc', 'sdl', 'serial',
               'stdvga', 'usb', 'usbdevice', 'soundhw', 'fda', 'fdb',
               'nographic', 'vncdisplay', 'vnclisten', 'vncunused',
               'vncconsole', 'vncpasswd', 'keymap', 'isa', 'monitor',
               'display', 'xauthority', 'rtc_timeoffset', 'vncviewer'}
NORMAL_ACTIONS = ('destroy', 'restart')
CRASH_ACTIONS = {'destroy': 'destroy', 'restart': 'restart',
                 'preserve': 'preserve', 'rename-restart': 'rename-restart',
                 'coredump-destroy': 'coredump_and_destroy',
                 'coredump-restart': 'coredump_and_restart'}
VIF_KEYS = ('type', 'mac', 'bridge', 'ip', 'script', 'backend', 'vifname',
            'rate', 'model')
NAME_RE = re.compile(r'^[A-Za-z0-9_\-.:/+]+$')
MAC_RE = re.compile(r'^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$')
SAFE_BUILTINS = ('True', 'False', 'None', 'range', 'len', 'str', 'int',
                 'float', 'list', 'dict', 'tuple', 'min', 'max', 'abs',
                 'bool', 'sorted', 'enumerate', 'zip', 'map', 'filter',
                 'repr', 'hex', 'round', 'isinstance', 'ValueError')


class ConfigError(ValueError):
    pass


class Config(object):
    """The values of a config file; line[key] is where each was set."""

    def __init__(self, values, lines, path):
        self.values = values
        self.lines = lines
        self.path = path

    def where(self, key):
        if key in self.lines:
            return '%s:%d: %s' % (self.path, self.lines[key], key)
        return '%s: %s' % (self.path, key)

    def error(self, key, msg):
        raise ConfigError('%s %s' % (self.where(key), msg))

    def get(self, key, default=None):
        return self.values.get(key, default)


def _assignments(tree):
    lines = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            lines[node.id] = node.lineno
    return lines


def _import_refused(*args, **kwargs):
    raise ConfigError('import is not allowed in config files')


def read(path, overrides=(), text=None):
    """Config of the file at path with VAR=VAL overrides (they win)."""
    if text is None:
        try:
            with open(path) as f:
                text = f.read()
        except OSError as e:
            raise ConfigError('%s: %s' % (path, e.strerror)) from None
    try:
        tree = ast.parse(text, path)
    except SyntaxError as e:
        raise ConfigError('%s:%s: syntax error: %s' % (path, e.lineno,
                                                      e.msg)) from None
    except ValueError as e:         # NUL bytes
        raise ConfigError('%s: %s' % (path, e)) from None
    lines = _assignments(tree)
    ns = {'__builtins__': {k: getattr(builtins, k) for k in SAFE_BUILTINS}}
    ns['__builtins__']['__import__'] = _import_refused
    cmdline = {}
    for o in overrides:
        k, _, v = o.partition('=')
        k = k.strip()
        if k in KEYS and KEYS[k] == 'list':
            cmdline.setdefault(k, []).append(v)
        else:
            cmdline[k] = v
    ns.update(cmdline)
    try:
        exec(compile(tree, path, 'exec'), ns)
    except ConfigError as e:
        raise ConfigError('%s:%s: %s' % (path, _line(e, path), e)) from None
    except Exception as e:
        raise ConfigError('%s:%s: %s: %s' % (path, _line(e, path),
                                             type(e).__name__, e)) from None
    values = {}
    for k, v in ns.items():
        if k.startswith('_') or not isinstance(v, (str, int, float, list)):
            continue
        values[k] = v
    values.update(cmdline)
    for k in cmdline:
        lines.pop(k, None)
    cfg = Config(values, lines, path)
    check(cfg)
    return cfg


def _line(exc, path):
    tb = exc.__traceback__
    line = '?'
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == path:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _int(cfg, key):
    v = cfg.values[key]
    if isinstance(v, bool):
        v = int(v)
    if isinstance(v, float) and v == int(v):
        v = int(v)
    if isinstance(v, str):
        try:
            v = int(v, 0)
        except ValueError:
            cfg.error(key, 'must be a number, not %r' % v)
    if not isinstance(v, int):
        cfg.error(key, 'must be a number, not %r' % (v,))
    cfg.values[key] = v
    return v


def check(cfg):
    """Every key known and every value possible, or ConfigError."""
    v = cfg.values
    for k in sorted(v):
        if k in UNSUPPORTED:
            if v[k] not in ([], '', 0):
                cfg.error(k, 'is not supported by this xend')
            continue
        if k not in KEYS:
            cfg.error(k, 'is not a known config key')
        kind = KEYS[k]
        if kind == 'int':
            _int(cfg, k)
        elif kind == 'str':
            if isinstance(v[k], (int, float)) and not isinstance(v[k], bool):
                v[k] = str(v[k])
            if not isinstance(v[k], str):
                cfg.error(k, 'must be a string, not %r' % (v[k],))
        elif kind == 'list':
            if isinstance(v[k], str):
                v[k] = [v[k]]
            if not isinstance(v[k], list) or \
                    not all(isinstance(x, str) for x in v[k]):
                cfg.error(k, 'must be a list of strings')
    if v.get('builder', 'linux') != 'linux':
        cfg.error('builder', '%r: only PV (linux) guests are supported'
                  % v['builder'])
    if 'memory' not in v:
        v['memory'] = 128
    if v['memory'] <= 0:
        cfg.error('memory', 'must be a positive number of MiB, not %d'
                  % v['memory'])
    if 'maxmem' in v and v['maxmem'] < v['memory']:
        cfg.error('maxmem', '(%d MiB) is below memory (%d MiB)'
                  % (v['maxmem'], v['memory']))
    v.setdefault('vcpus', 1)
    if not 1 <= v['vcpus'] <= 128:
        cfg.error('vcpus', 'must be 1..128, not %d' % v['vcpus'])
    if not v.get('kernel') and not v.get('bootloader'):
        raise ConfigError('%s: kernel: missing (a PV guest needs kernel= '
                          'or bootloader=)' % cfg.path)
    if v.get('kernel') and not os.path.isfile(v['kernel']):
        cfg.error('kernel', '%r: no such file' % v['kernel'])
    if v.get('ramdisk') and not os.path.isfile(v['ramdisk']):
        cfg.error('ramdisk', '%r: no such file' % v['ramdisk'])
    if 'name' not in v:
        v['name'] = os.path.basename(cfg.path)
        for ext in ('.cfg', '.conf'):
            if v['name'].endswith(ext):
                v['name'] = v['name'][:-len(ext)]
    if not NAME_RE.match(v['name']):
        cfg.error('name', '%r: use letters, digits and _-.:/+' % v['name'])
    if 'uuid' in v:
        import uuid as uuidlib  # only here: xm starts quicker without it
        try:
            uuidlib.UUID(v['uuid'])
        except ValueError:
            cfg.error('uuid', '%r is not a UUID' % v['uuid'])
    for k in ('on_poweroff', 'on_reboot'):
        if k in v and v[k] not in NORMAL_ACTIONS:
            cfg.error(k, '%r: use one of %s' % (v[k],
                                                ', '.join(NORMAL_ACTIONS)))
    if 'on_crash' in v and v['on_crash'] not in CRASH_ACTIONS:
        cfg.error('on_crash', '%r: use one of %s'
                  % (v['on_crash'], ', '.join(CRASH_ACTIONS)))
    if 'cpus' in v and not re.match(r'^\^?\d+(-\d+)?(,\^?\d+(-\d+)?)*$|^all$',
                                    v['cpus'].replace(' ', '')):
        cfg.error('cpus', '%r: use a list like "0-3,^1"' % v['cpus'])
    for i, d in enumerate(v.get('disk', [])):
        disk_sxp(cfg, d)
    for d in v.get('vif', []):
        vif_sxp(cfg, d)


def disk_sxp(cfg, text):
    parts = [p.strip() for p in text.split(',')]
    if len(parts) not in (3, 4):
        cfg.error('disk', '%r: want "UNAME,VDEV,MODE[,BACKEND]"' % text)
    uname, dev, mode = parts[:3]
    if uname and not re.match(r'^(phy|file|tap:[a-z]+):.+', uname):
        cfg.error('disk', '%r: the device must start phy:, file: or tap:'
                  % text)
    if not dev:
        cfg.error('disk', '%r: no virtual device' % text)
    if mode not in ('r', 'w', 'w!'):
        cfg.error('disk', '%r: mode must be r, w or w!' % text)
    out = ['tap' if uname.startswith('tap:') else 'vbd', ['uname', uname],
           ['dev', dev], ['mode', mode]]
    if len(parts) == 4:
        out.append(['backend', parts[3]])
    return out


def vif_sxp(cfg, text):
    out = ['vif']
    for item in [x.strip() for x in text.split(',') if x.strip()]:
        k, eq, val = item.partition('=')
        k = k.strip()
        if not eq or k not in VIF_KEYS:
            cfg.error('vif', '%r: %r is not one of %s' % (
                text, k, ', '.join(VIF_KEYS)))
        val = val.strip()
        if k == 'mac' and not MAC_RE.match(val):
            cfg.error('vif', '%r: %r is not a MAC address' % (text, val))
        out.append([k, val])
    return out


def to_sxp(cfg):
    """The (vm ...) SXP xm 3.1 sent for this config."""
    v = cfg.values
    out = ['vm', ['name', v['name']], ['memory', v['memory']]]
    if v.get('maxmem'):
        out.append(['maxmem', v['maxmem']])
    for k in ('shadow_memory', 'restart', 'on_poweroff', 'on_reboot'):
        if v.get(k):
            out.append([k, v[k]])
    if v.get('on_crash'):
        out.append(['on_crash', CRASH_ACTIONS[v['on_crash']]])
    out.append(['vcpus', v['vcpus']])
    for k in ('vcpu_avail', 'features', 'on_xend_start', 'on_xend_stop',
              'uuid', 'cpus', 'cpu_cap', 'cpu_weight', 'localtime'):
        if v.get(k) not in (None, '', 0) or k == 'cpu_cap' and k in v:
            out.append([k, v[k]])
    if v.get('bootloader'):
        out.append(['bootloader', v['bootloader']])
        if v.get('bootargs'):
            out.append(['bootloader_args', v['bootargs']])
    image = ['linux']
    if v.get('kernel'):
        image.append(['kernel', v['kernel']])
    if v.get('ramdisk'):
        image.append(['ramdisk', v['ramdisk']])
    if v.get('root'):
        image.append(['root', v['root']])
    args = v.get('extra', '')
    if v.get('ip') or v.get('dhcp'):
        args += ' ip=%s:%s:%s:%s:%s:%s:%s' % (
            v.get('ip', ''), v.get('nfs_server', ''), v.get('gateway', ''),
            v.get('netmask', ''), v.get('hostname', ''),
            v.get('interface', 'eth0'), v.get('dhcp', 'off'))
    if v.get('nfs_root'):
        args += ' nfsroot=%s' % v['nfs_root']
    if args.strip():
        image.append(['args', args.strip()])
    out.append(['image', image])
    for d in v.get('disk', []):
        out.append(['device', disk_sxp(cfg, d)])
    vifs = list(v.get('vif', []))
    vifs += [''] * max(0, v.get('nics', 0) - len(vifs))
    for d in vifs:
        out.append(['device', vif_sxp(cfg, d)])
    return out
