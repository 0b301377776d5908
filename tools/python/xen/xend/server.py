# SPDX-License-Identifier: GPL-2.0-only
"""xend's XML-RPC listeners: HTTP/1.1 over unix sockets and TCP, with bounds
on body size, time per request and connections, routing to XenAPI and the
legacy xend.* methods."""
import http.server
import logging
import os
import re
import socket
import socketserver
import ssl
import sys
import threading
import time

from xen.xend import wire
from xen.xend.legacy import Fault

log = logging.getLogger('xend')

MAX_BODY = 4 * 1024 * 1024
CLIENT_TIMEOUT = 30.0
REQUEST_DEADLINE = 60.0
MAX_CONNECTIONS = 64


class Listener(object):
    """What one socket serves: XenAPI (auth 'none' or 'password'), legacy
    xend.* (only where no password is asked: the legacy API has no login)."""

    def __init__(self, kind, address, xenapi, legacy, auth='none',
                 hosts=(), tls=None):
        self.kind = kind            # 'unix' or 'tcp'
        self.address = address      # a path, or (host, port)
        self.xenapi = xenapi
        self.legacy = legacy and auth == 'none'
        self.auth = auth
        self.hosts = [re.compile(h) for h in hosts]
        self.tls = tls              # (keyfile, certfile) or None

    def __repr__(self):
        return '%s:%s (xenapi=%s legacy=%s auth=%s%s)' % (
            self.kind, self.address, self.xenapi, self.legacy, self.auth,
            ' tls' if self.tls else '')

    def allows(self, ip):
        """Whether a TCP client may connect: no patterns allow all, else
        its address or its name must match one."""
        if not self.hosts:
            return True
        if any(h.search(ip) for h in self.hosts):
            return True
        name = socket.getfqdn(ip)
        return any(h.search(name) for h in self.hosts)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'xend/3.1'

    def setup(self):
        self.timeout = self.server.limits['timeout']
        if self.server.listener.kind == 'tcp':
            # Headers and body go out in two writes: without this, Nagle
            # and delayed ACKs add 40 ms to every call.
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY,
                                    1)
        http.server.BaseHTTPRequestHandler.setup(self)
        if self.server.listener.tls:
            # On the connection's thread, under its timeout: a client
            # that stalls the handshake holds only its own connection.
            self.request.do_handshake()

    def log_message(self, fmt, *args):
        log.debug('%s: ' + fmt, self.server.listener.kind, *args)

    def address_string(self):
        return self.server.listener.kind

    def _reply(self, code, body, ctype='text/xml', close=False):
        self.send_response(code)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body)))
        if close:
            self.send_header('Connection', 'close')
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self._reply(405, b'XML-RPC wants POST\n', 'text/plain', close=True)

    def do_POST(self):
        limits = self.server.limits
        if self.headers.get('Transfer-Encoding', '').lower() == 'chunked':
            self._reply(411, b'chunked bodies are not accepted\n',
                        'text/plain', close=True)
            return
        try:
            length = int(self.headers.get('Content-Length', ''))
        except ValueError:
            self._reply(411, b'Content-Length required\n', 'text/plain',
                        close=True)
            return
        if length < 0 or length > limits['max_body']:
            self._reply(413, b'request body too large\n', 'text/plain',
                        close=True)
            return
        deadline = time.monotonic() + limits['deadline']
        chunks = []
        left = length
        try:
            while left:
                if time.monotonic() > deadline:
                    raise socket.timeout('request took too long')
                b = self.rfile.read1(min(left, 65536))
                if not b:
                    self.close_connection = True
                    return
                chunks.append(b)
                left -= len(b)
        except (socket.timeout, OSError) as e:
            log.info('%s: client dropped: %s', self.server.listener.kind, e)
            self.close_connection = True
            return
        self._reply(200, self.server.handle_rpc(b''.join(chunks)))


class _Base(object):
    daemon_threads = True
    block_on_close = False

    def init(self, listener, api, legacy, limits):
        self.listener = listener
        self.api = api
        self.legacy = legacy
        self.limits = limits
        self.slots = threading.BoundedSemaphore(limits['connections'])

    def process_request(self, request, client_address):
        # Too many open connections: drop the newcomer, keep serving.
        if not self.slots.acquire(blocking=False):
            log.warning('%s: connection limit reached', self.listener.kind)
            self.shutdown_request(request)
            return
        socketserver.ThreadingMixIn.process_request(self, request,
                                                    client_address)

    def process_request_thread(self, request, client_address):
        try:
            socketserver.ThreadingMixIn.process_request_thread(
                self, request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request, client_address):
        e = sys.exc_info()[1]
        if isinstance(e, OSError):   # timeouts, resets, TLS failures
            log.info('%s: connection dropped: %s', self.listener.kind, e)
        else:
            log.exception('%s: connection failed', self.listener.kind)

    def handle_rpc(self, body):
        try:
            method, params = wire.parse(body)
        except wire.WireError as e:
            return wire.fault(-1, 'Malformed request: %s' % e)
        t0 = time.monotonic()
        try:
            return self._rpc(method, params)
        finally:
            # Where a slow toolstack operation spends its time.
            log.debug('%s: %s took %.3f s', self.listener.kind, method,
                      time.monotonic() - t0)

    def _rpc(self, method, params):
        L = self.listener
        if method.startswith('xend.') or method.startswith('system.'):
            if not L.legacy:
                return wire.fault(1, 'xend.* methods are not served on this '
                                  'listener')
            try:
                return wire.response(self.legacy.call(method, params),
                                     ints_as_strings=False)
            except Fault as f:
                return wire.fault(f.code, f.msg)
        if not L.xenapi:
            return wire.fault(1, 'method "%s" is not supported' % method)
        return wire.response(self.api.dispatch(method, params,
                                               {'auth': L.auth}))


class UnixServer(_Base, socketserver.ThreadingMixIn,
                 socketserver.UnixStreamServer):
    pass


class TCPServer(_Base, socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    tls_context = None

    def verify_request(self, request, client_address):
        if self.listener.allows(client_address[0]):
            return True
        log.warning('xen-api: %s refused by the HOSTS patterns',
                    client_address[0])
        return False

    def get_request(self):
        sock, addr = self.socket.accept()
        if self.tls_context is not None:
            sock = self.tls_context.wrap_socket(
                sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr


def default_limits():
    return {'max_body': MAX_BODY, 'timeout': CLIENT_TIMEOUT,
            'deadline': REQUEST_DEADLINE, 'connections': MAX_CONNECTIONS}


def open_listener(listener, api, legacy, limits=None):
    limits = limits or default_limits()
    if listener.kind == 'unix':
        path = listener.address
        d = os.path.dirname(path)
        if d:
            os.makedirs(d, mode=0o700, exist_ok=True)
        if os.path.exists(path):
            os.unlink(path)
        srv = UnixServer(path, Handler, bind_and_activate=False)
        srv.init(listener, api, legacy, limits)
        old = os.umask(0o177)
        try:
            srv.server_bind()
        finally:
            os.umask(old)
        srv.server_activate()
    else:
        srv = TCPServer(listener.address, Handler, bind_and_activate=False)
        srv.init(listener, api, legacy, limits)
        if listener.tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.minimum_version = ssl.TLSVersion.TLSv1_2
            ctx.load_cert_chain(listener.tls[1], listener.tls[0])
            srv.tls_context = ctx
        srv.server_bind()
        srv.server_activate()
    t = threading.Thread(target=srv.serve_forever, daemon=True,
                         name='listener %s' % (listener,))
    t.start()
    log.info('listening on %r', listener)
    return srv
