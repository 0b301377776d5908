# SPDX-License-Identifier: GPL-2.0-only
"""A XenAPI client in the shape clients expect: Session(uri) with
login_with_password(), session.xenapi.<Class>.<method>(...), Failure.
URIs: http://host[:port]/, https://..., httpu:///path/to/unix.sock."""
import http.client
import socket
import xmlrpc.client


class Failure(Exception):
    def __init__(self, details):
        Exception.__init__(self, details)
        self.details = list(details)

    def __str__(self):
        return 'XenAPI failure: %s' % ', '.join(str(d) for d in self.details)


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        http.client.HTTPConnection.__init__(self, 'localhost',
                                            timeout=timeout)
        self.path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.path)
        self.sock = s


class UnixTransport(xmlrpc.client.Transport):
    def __init__(self, path, timeout=None):
        xmlrpc.client.Transport.__init__(self)
        self.path = path
        self.timeout = timeout

    def make_connection(self, host):
        if self._connection[1] is None:
            self._connection = host, _UnixConnection(self.path, self.timeout)
        return self._connection[1]


class _TimeoutTransport(xmlrpc.client.Transport):
    def __init__(self, timeout):
        xmlrpc.client.Transport.__init__(self)
        self.timeout = timeout

    def make_connection(self, host):
        conn = xmlrpc.client.Transport.make_connection(self, host)
        conn.timeout = self.timeout
        return conn


def _parse(result):
    if not isinstance(result, dict) or 'Status' not in result:
        raise xmlrpc.client.Fault(500, 'missing Status in response')
    if result['Status'] == 'Success':
        if 'Value' not in result:
            raise xmlrpc.client.Fault(500, 'missing Value in response')
        return result['Value']
    raise Failure(result.get('ErrorDescription', ['UNKNOWN']))


class _Dispatcher(object):
    def __init__(self, send, name):
        self._send = send
        self._name = name

    def __getattr__(self, name):
        return _Dispatcher(self._send, name if self._name is None
                           else '%s.%s' % (self._name, name))

    def __call__(self, *args):
        return self._send(self._name, args)


class Session(object):
    def __init__(self, uri, timeout=None):
        if uri.startswith('httpu://'):
            transport = UnixTransport(uri[len('httpu://'):], timeout)
            uri = 'http://localhost/'
        elif uri.startswith('/'):
            transport = UnixTransport(uri, timeout)
            uri = 'http://localhost/'
        elif uri.startswith('http://') and timeout is not None:
            transport = _TimeoutTransport(timeout)
        else:
            transport = None
        self._proxy = xmlrpc.client.ServerProxy(uri, transport=transport)
        self._login_args = None
        self.handle = None
        self.API_version = '1.0'

    def _call(self, name, args):
        if name == 'login_with_password' or \
                name == 'session.login_with_password':
            self._login_args = args
            self.handle = _parse(self._proxy.session.login_with_password(
                *args))
            return self.handle
        if name in ('logout', 'session.logout'):
            try:
                return _parse(self._proxy.session.logout(self.handle))
            finally:
                self.handle = None
        fn = self._proxy
        for part in name.split('.'):
            fn = getattr(fn, part)
        for _ in range(3):
            try:
                return _parse(fn(self.handle, *args))
            except Failure as f:
                if f.details[0] != 'SESSION_INVALID' or \
                        self._login_args is None:
                    raise
                self.handle = _parse(
                    self._proxy.session.login_with_password(
                        *self._login_args))
        return _parse(fn(self.handle, *args))

    def login_with_password(self, *args):
        return self._call('login_with_password', args)

    def logout(self):
        return self._call('logout', ())

    @property
    def xenapi(self):
        return _Dispatcher(self._call, None)

    def close(self):
        self._proxy('close')()
