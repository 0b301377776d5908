# SPDX-License-Identifier: GPL-2.0-only
"""A xenstored client over its unix socket (the wire of
xen/include/public/io/xs_wire.h): what RealBackend needs of xenstore."""
import os
import select
import socket
import struct
import threading

XS_DIRECTORY, XS_READ, XS_WATCH, XS_INTRODUCE, XS_RELEASE = 1, 2, 4, 8, 9
XS_TRANSACTION_START, XS_TRANSACTION_END = 6, 7
XS_WRITE, XS_MKDIR, XS_RM, XS_SET_PERMS, XS_WATCH_EVENT = 11, 12, 13, 14, 15
XS_ERROR = 16
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
        # Watch events that arrived while a reply was awaited.
        self.events = []

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

    def _message(self):
        typ, _, _, n = HEADER.unpack(self._recv(HEADER.size))
        return typ, self._recv(n)

    def _call(self, op, payload, path, tx=0):
        if len(payload) > MAX_PAYLOAD:
            raise XenstoreError('E2BIG', path)
        with self.lock:
            self.req_id += 1
            self.sock.sendall(HEADER.pack(op, self.req_id, tx, len(payload)) +
                              payload)
            while True:
                typ, body = self._message()
                if typ == XS_WATCH_EVENT:
                    self.events.append(body)
                    continue
                break
        if typ == XS_ERROR:
            raise XenstoreError(body.rstrip(b'\0').decode(), path)
        return body

    def batch(self, reqs, tx=0):
        """Sends requests at once and then reads their replies, in order:
        one wait on xenstored instead of one per request.  reqs:
        (method name, args) of write, mkdir, set_perms, rm or release.  Every reply is
        read before the first failure raises XenstoreError, so that the
        connection stays in step."""
        replies = self._pipeline([self._ENCODE[name](*args)
                                  for name, args in reqs], tx)
        for (typ, body), (_, args) in zip(replies, reqs):
            if typ == XS_ERROR:
                raise XenstoreError(body.rstrip(b'\0').decode(),
                                    str(args[0]))

    def _pipeline(self, msgs, tx=0):
        """(type, body) of each reply to msgs ((op, payload)), sent at
        once and read in order."""
        for op, payload in msgs:
            if len(payload) > MAX_PAYLOAD:
                raise XenstoreError('E2BIG', payload.split(b'\0')[0].decode(
                    'utf-8', 'replace'))
        replies = []
        with self.lock:
            out = []
            for op, payload in msgs:
                self.req_id += 1
                out.append(HEADER.pack(op, self.req_id, tx, len(payload)) +
                           payload)
            self.sock.sendall(b''.join(out))
            for _ in msgs:
                typ, body = self._message()
                while typ == XS_WATCH_EVENT:
                    self.events.append(body)
                    typ, body = self._message()
                replies.append((typ, body))
        return replies

    def ls_many(self, paths):
        """The children of each path, None where it does not exist: one
        wait on xenstored for them all."""
        out = []
        for typ, body in self._pipeline([(XS_DIRECTORY, p.encode() + b'\0')
                                         for p in paths]):
            out.append(None if typ == XS_ERROR else
                       [x.decode() for x in body.split(b'\0') if x])
        return out

    def read_many(self, paths):
        """The value at each path, None where it cannot be read: one wait
        on xenstored for them all."""
        return [None if typ == XS_ERROR else body.decode('utf-8', 'replace')
                for typ, body in self._pipeline(
                    [(XS_READ, p.encode() + b'\0') for p in paths])]

    def read(self, path):
        return self._call(XS_READ, path.encode() + b'\0', path).decode(
            'utf-8', 'replace')

    @staticmethod
    def _write(path, value):
        return XS_WRITE, path.encode() + b'\0' + str(value).encode()

    def write(self, path, value, tx=0):
        self._call(*self._write(path, value), path, tx)

    @staticmethod
    def _rm(path):
        return XS_RM, path.encode() + b'\0'

    def rm(self, path, tx=0):
        self._call(*self._rm(path), path, tx)

    def ls(self, path):
        body = self._call(XS_DIRECTORY, path.encode() + b'\0', path)
        return [x.decode() for x in body.split(b'\0') if x]

    @staticmethod
    def _mkdir(path):
        return XS_MKDIR, path.encode() + b'\0'

    def mkdir(self, path, tx=0):
        self._call(*self._mkdir(path), path, tx)

    @staticmethod
    def _set_perms(path, perms):
        body = b''.join(('%s%d' % (p, d)).encode() + b'\0' for d, p in perms)
        return XS_SET_PERMS, path.encode() + b'\0' + body

    def set_perms(self, path, perms, tx=0):
        """perms: (domid, 'n'|'r'|'w'|'b') pairs, the owner first."""
        self._call(*self._set_perms(path, perms), path, tx)

    @staticmethod
    def _release(domid):
        return XS_RELEASE, b'%d\0' % domid

    _ENCODE = {'write': _write.__func__, 'mkdir': _mkdir.__func__,
               'set_perms': _set_perms.__func__, 'rm': _rm.__func__,
               'release': _release.__func__}

    def transaction_start(self):
        """A transaction's id, for the tx argument of the writes."""
        return int(self._call(XS_TRANSACTION_START, b'\0',
                              'transaction').rstrip(b'\0'))

    def transaction_end(self, tx, commit=True):
        """Raises XenstoreError EAGAIN when another writer got in
        first: the caller starts over."""
        self._call(XS_TRANSACTION_END, b'T\0' if commit else b'F\0',
                   'transaction %d' % tx, tx)

    def introduce(self, domid, mfn, port):
        """Tells xenstored of a new domain's ring (mfn) and event channel."""
        self._call(XS_INTRODUCE, b'%d\0%d\0%d\0' % (domid, mfn, port),
                   'introduce d%d' % domid)

    def release(self, domid):
        self._call(*self._release(domid), 'release d%d' % domid)

    def watch(self, path, token):
        """Asks for an event whenever path (or a special like
        @releaseDomain) changes; xenstored sends one at once too."""
        self._call(XS_WATCH, path.encode() + b'\0' + token.encode() + b'\0',
                   path)

    def next_event(self, timeout):
        """(path, token) of the next watch event, or None if none came
        within timeout seconds.  Requests wait while it waits: a
        watcher is best given a connection of its own."""
        with self.lock:
            if not self.events:
                r, _, _ = select.select([self.sock], [], [], timeout)
                if not r:
                    return None
                # A whole message is there or on its way: read it at the
                # connection's own timeout.
                typ, body = self._message()
                if typ != XS_WATCH_EVENT:
                    raise OSError('xenstored sent an unasked reply (%d)' % typ)
                self.events.append(body)
            parts = self.events.pop(0).split(b'\0')
        return (parts[0].decode('utf-8', 'replace'),
                parts[1].decode('utf-8', 'replace') if len(parts) > 1 else '')
