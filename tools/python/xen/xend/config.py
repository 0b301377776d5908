# SPDX-License-Identifier: GPL-2.0-only
"""/etc/xen/xend-config.sxp: the Xen 3.1 keys xend supports, and ours."""
import re

from xen.xend import sxp

DEFAULTS = {
    'logfile': '/var/log/xen/xend.log',
    'loglevel': 'DEBUG',
    'xen-api-server': [['unix']],
    'xen-api-unix-path': '/var/run/xend/xen-api.sock',
    'xen-api-password-file': '/etc/xen/xen-api.passwd',
    'xend-unix-xmlrpc-server': 'yes',
    'xend-unix-xmlrpc-path': '/var/run/xend/xmlrpc.sock',
    'xend-tcp-xmlrpc-server': 'no',
    'xend-tcp-xmlrpc-server-address': 'localhost',
    'xend-tcp-xmlrpc-server-port': '8006',
    'xend-domains-path': '/var/lib/xend/domains',
    'xend-state-path': '/var/lib/xend/state',
    'xend-dump-path': '/var/lib/xen/dump',
    # Unpacked compressed kernels, kept by libhvxc for the next create of
    # the same file; '' for none.
    'xend-kernel-cache': '/var/lib/xend/kernel-cache',
    'xend-pid-file': '/var/run/xend.pid',
    'xend-backend': 'real',
    'dom0-min-mem': '0',
    'dom0-cpus': '0',
    'enable-dump': 'no',
    'vif-script': 'vif-bridge',
    'network-script': '',
    'console-limit': '1024',
    'xend-max-body': str(4 * 1024 * 1024),
    'xend-client-timeout': '30',
    'xend-event-timeout': '30',
}
# Xen 3.1 keys we read but do not act on (no relocation, no HTTP/SXP
# server, no VNC): accepted so a stock file loads.
IGNORED = {'xend-http-server', 'xend-port', 'xend-address',
           'xend-unix-server', 'xend-unix-path', 'xend-relocation-server',
           'xend-relocation-port', 'xend-relocation-address',
           'xend-relocation-hosts-allow', 'external-migration-tool',
           'vnc-listen', 'vncpasswd', 'xend-storage-path',
           'xend-tcp-xmlrpc-server-ssl-key-file',
           'xend-tcp-xmlrpc-server-ssl-cert-file'}


class ConfigError(ValueError):
    pass


class Config(object):
    def __init__(self, text=''):
        self.values = dict(DEFAULTS)
        try:
            items = sxp.parse(text)
        except sxp.ParseError as e:
            raise ConfigError('xend-config.sxp: %s' % e) from None
        for item in items:
            if not isinstance(item, list) or not item or \
                    not isinstance(item[0], str):
                raise ConfigError('xend-config.sxp: expected (key value), '
                                  'found %s' % sxp.to_string(item))
            key = item[0]
            if key == 'xend-config':
                continue
            if key not in DEFAULTS and key not in IGNORED:
                raise ConfigError('xend-config.sxp: unknown key %s' % key)
            if len(item) != 2:
                raise ConfigError('xend-config.sxp: %s takes one value'
                                  % key)
            self.values[key] = item[1]
        self.api_servers()

    @classmethod
    def load(cls, path):
        try:
            with open(path) as f:
                return cls(f.read())
        except FileNotFoundError:
            return cls('')

    def get(self, key):
        return self.values[key]

    def flag(self, key):
        v = str(self.values[key]).lower()
        if v in ('yes', 'y', 'true', '1', 'on'):
            return True
        if v in ('no', 'n', 'false', '0', 'off', ''):
            return False
        raise ConfigError('xend-config.sxp: %s must be yes or no' % key)

    def number(self, key):
        try:
            return float(self.values[key])
        except ValueError:
            raise ConfigError('xend-config.sxp: %s must be a number'
                              % key) from None

    def api_servers(self):
        """[(kind, address, auth, hosts, tls)] from (xen-api-server
        ((LISTEN [AUTH [HOSTS [KEYFILE CERTFILE]]]) ...)); AUTH pam or
        password checks the password file; HOSTS is a space-separated list
        of regexes a TCP client's address or name must match; tls is
        (keyfile, certfile) or None."""
        out = []
        v = self.values['xen-api-server']
        if not isinstance(v, list):
            raise ConfigError('xend-config.sxp: xen-api-server wants a list')
        for entry in v:
            if not isinstance(entry, list) or not entry:
                raise ConfigError('xend-config.sxp: bad xen-api-server '
                                  'entry %s' % sxp.to_string(entry))
            where = entry[0]
            auth = entry[1] if len(entry) > 1 else 'none'
            if auth not in ('none', 'pam', 'password'):
                raise ConfigError('xend-config.sxp: xen-api-server auth '
                                  '%s (none, pam or password)' % auth)
            auth = 'none' if auth == 'none' else 'password'
            hosts = entry[2].split() if len(entry) > 2 else []
            for h in hosts:
                try:
                    re.compile(h)
                except re.error as e:
                    raise ConfigError('xend-config.sxp: xen-api-server host '
                                      'pattern %r: %s' % (h, e)) from None
            tls = None
            if len(entry) == 5:
                tls = (entry[3], entry[4])
            elif len(entry) > 3:
                raise ConfigError('xend-config.sxp: xen-api-server wants '
                                  'both KEYFILE and CERTFILE')
            if where == 'unix':
                if tls or hosts:
                    raise ConfigError('xend-config.sxp: the unix listener '
                                      'takes no HOSTS or TLS files')
                out.append(('unix', self.values['xen-api-unix-path'], auth,
                            [], None))
                continue
            host, _, port = where.rpartition(':')
            try:
                port = int(port)
            except ValueError:
                raise ConfigError('xend-config.sxp: xen-api-server listen '
                                  '%s' % where) from None
            out.append(('tcp', (host or '0.0.0.0', port), auth, hosts,
                        tls))
        return out
