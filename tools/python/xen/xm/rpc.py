# SPDX-License-Identifier: GPL-2.0-only
"""xm's XML-RPC client for xend's unix sockets, over xen.xend.wire.

xmlrpc.client pulls in http.client, the email package and ssl: seconds of
every xm command's start-up when dom0 runs on an emulated CPU.  One POST
per call, the connection closed after it, as xend serves any client.
_socket, not socket: the wrapper module imports enum and selectors."""
import _socket

from xen.xend import wire

# An answer bigger than this is not xend's.
MAX_REPLY = 64 * 1024 * 1024


class Fault(Exception):
    """The server's fault (the legacy API's errors)."""

    def __init__(self, code, string):
        Exception.__init__(self, '%s: %s' % (code, string))
        self.faultCode = code
        self.faultString = string


class ProtocolError(Exception):
    """An HTTP answer other than 200, or none that parses."""

    def __init__(self, errcode, errmsg):
        Exception.__init__(self, '%s %s' % (errcode, errmsg))
        self.errcode = errcode
        self.errmsg = errmsg


def _read_reply(s):
    """(status, reason, body) of the HTTP answer on socket s."""
    buf = b''
    while b'\r\n\r\n' not in buf:
        b = s.recv(65536)
        if not b:
            raise ProtocolError(0, 'connection closed before an answer')
        buf += b
        if len(buf) > 65536 and b'\r\n\r\n' not in buf:
            raise ProtocolError(0, 'HTTP header too long')
    head, _, body = buf.partition(b'\r\n\r\n')
    lines = head.decode('latin-1').split('\r\n')
    status = lines[0].split(None, 2)
    if len(status) < 2 or not status[0].startswith('HTTP/') or \
            not status[1].isdigit():
        raise ProtocolError(0, 'bad status line %r' % lines[0][:80])
    length = None
    for line in lines[1:]:
        k, _, v = line.partition(':')
        if k.strip().lower() == 'content-length' and v.strip().isdigit():
            length = int(v.strip())
    if length is None or length > MAX_REPLY:
        raise ProtocolError(int(status[1]), 'no usable Content-Length')
    while len(body) < length:
        b = s.recv(min(65536, length - len(body)))
        if not b:
            raise ProtocolError(int(status[1]), 'answer cut short')
        body += b
    return (int(status[1]), status[2] if len(status) > 2 else '',
            body[:length])


def call(path, method, params, timeout=None):
    """The result of method(*params) at the unix socket path: Fault for
    the server's faults, ProtocolError for HTTP trouble, OSError when
    nothing listens."""
    body = wire.call(method, params)
    s = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        s.settimeout(timeout)
        s.connect(path)
        s.sendall(b'POST / HTTP/1.1\r\nHost: localhost\r\n'
                  b'Content-Type: text/xml\r\nConnection: close\r\n'
                  b'Content-Length: %d\r\n\r\n' % len(body) + body)
        code, reason, reply = _read_reply(s)
    finally:
        s.close()
    if code != 200:
        raise ProtocolError(code, reason)
    try:
        kind, values = wire.parse(reply, want='methodResponse')
    except wire.WireError as e:
        raise ProtocolError(code, 'bad XML-RPC answer: %s' % e) from None
    if len(values) != 1:
        raise ProtocolError(code, 'XML-RPC answer without one value')
    if kind == '<fault>':
        f = values[0] if isinstance(values[0], dict) else {}
        raise Fault(f.get('faultCode', 0), str(f.get('faultString', '')))
    return values[0]
