# SPDX-License-Identifier: GPL-2.0-only
"""A xenstored client over its unix socket (the wire of
xen/include/public/io/xs_wire.h): what RealBackend needs of xenstore."""
import os
import socket
import struct
import threading

XS_DIRECTORY, XS_READ, XS_INTRODUCE, XS_RELEASE = 1, 2, 8, 9
XS_WRITE, XS_MKDIR, XS_RM, XS_SET_PERMS, XS_ERROR = 11, 12, 13, 14, 16
HEADER = struct.Struct('<IIII')
MAX_PAYLOAD = 4096


class XenstoreError(Exception):
    def __init__(self, errno_name, path):
        Exception.__init__(self, '%s: %s' % (path, errno_name))
        self.errno_name = errno_name


def default_path():
    return os.environ.get('XENSTORED_PATH', '/var/run/xenstored/socket')


class Xenstore(object):
    """One connection; calls are serialised (one request in flight)."""

    def __init__(self, path=None, timeout=10.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path or default_path())
        self.lock = threading.Lock()
        self.req_id = 0

    def close(self):
        self.sock.close()

    def _recv(self, n):
        buf = b''
        while len(buf) < n:
            b = self.sock.recv(n - len(buf))
            if not b:
                raise OSError('xenstored closed the connection')
            buf += b
        return buf

    def _call(self, op, payload, path):
        if len(payload) > MAX_PAYLOAD:
            raise XenstoreError('E2BIG', path)
        with self.lock:
            self.req_id += 1
            self.sock.sendall(HEADER.pack(op, self.req_id, 0, len(payload)) +
                              payload)
            while True:
                typ, req, _, n = HEADER.unpack(self._recv(HEADER.size))
                body = self._recv(n)
                # Watch events (none are set here) would interleave.
                if req == self.req_id:
                    break
        if typ == XS_ERROR:
            raise XenstoreError(body.rstrip(b'\0').decode(), path)
        return body

    def read(self, path):
        return self._call(XS_READ, path.encode() + b'\0', path).decode(
            'utf-8', 'replace')

    def write(self, path, value):
        self._call(XS_WRITE, path.encode() + b'\0' + str(value).encode(),
                   path)

    def rm(self, path):
        self._call(XS_RM, path.encode() + b'\0', path)

    def ls(self, path):
        body = self._call(XS_DIRECTORY, path.encode() + b'\0', path)
        return [x.decode() for x in body.split(b'\0') if x]

    def mkdir(self, path):
        self._call(XS_MKDIR, path.encode() + b'\0', path)

    def set_perms(self, path, perms):
        """perms: (domid, 'n'|'r'|'w'|'b') pairs, the owner first."""
        body = b''.join(('%s%d' % (p, d)).encode() + b'\0' for d, p in perms)
        self._call(XS_SET_PERMS, path.encode() + b'\0' + body, path)

    def introduce(self, domid, mfn, port):
        """Tells xenstored of a new domain's ring (mfn) and event channel."""
        self._call(XS_INTRODUCE, b'%d\0%d\0%d\0' % (domid, mfn, port),
                   'introduce d%d' % domid)

    def release(self, domid):
        self._call(XS_RELEASE, b'%d\0' % domid, 'release d%d' % domid)
