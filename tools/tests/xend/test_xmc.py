# SPDX-License-Identifier: GPL-2.0-only
"""xm's C front end (tools/xm) against the Python xm it stands in for: the
same output, errors and exit code on the fake backend, the hand-over of
everything it does not do itself, and bad answers from a fake xend."""
import os
import re
import socket
import subprocess
import threading

from harness import case, check, Env, XM, XM_PYTHON
from test_xm import write_cfg, GOOD


def run(env, prog, *args, extra=None):
    e = env.env()
    e.update(extra or {})
    p = subprocess.run([prog] + list(args), env=e, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60,
                       universal_newlines=True)
    return p.returncode, p.stdout, p.stderr


# The C side must not hand these to Python: a "Python" that only fails.
NO_PYTHON = {'XM_PYTHON': '/bin/false'}


def same(env, *args, own=True):
    """Runs xm args with the front end and with the Python xm alone;
    both must agree.  own: the front end does it without Python."""
    c = run(env, XM, *args, extra=NO_PYTHON if own else None)
    py = run(env, XM_PYTHON, *args)
    # The clock moves on between the two, and the fake domains' CPU time.
    c, py = [(r[0], re.sub(r'\d' if args[0] == 'uptime' else
                           r'(?<=\(cpu_time )[\d.e-]+', 'N', r[1]), r[2])
             for r in (c, py)]
    check(c == py, 'xm %s: front end %.800r, Python %.800r'
          % (' '.join(args), c, py))
    return c


def two_envs():
    """Two xends in the same state: one for each xm."""
    envs = [Env(), Env()]
    for env in envs:
        for name in ('g', 'h'):
            rc, out, err = run(env, XM_PYTHON, 'create', write_cfg(
                env, name, GOOD % name))
            check(rc == 0, err)
    return envs


@case
def reads_like_python():
    env = two_envs()[0]
    try:
        for args in (['list'], ['list', 'h', 'g', 'Domain-0'],
                     ['list', 'nosuch'], ['domid', 'g'], ['domid', 'nosuch'],
                     ['domname', '1'], ['domname', '99'], ['uptime'],
                     ['uptime', '-s'], ['uptime', 'g'], ['uptime', '-s', 'h'],
                     ['uptime', 'nosuch'], ['sched-credit'],
                     ['sched-credit', '-d', 'g'],
                     ['sched-credit', '-d', 'nosuch']):
            same(env, *args)
        # Forms it leaves to Python: the same answers, through Python.
        for args in (['list', '-l'], ['list', '--state=running'],
                     ['li'], ['domid'], ['uptime', '--short'],
                     ['sched-credit', '-dg'], ['info'], ['vcpu-list', 'g'],
                     ['destroy'], ['destroy', 'g', 'h'], ['mem-set', 'g'],
                     ['mem-set', 'g', 'lots'], ['vcpu-set', 'g', 'x'],
                     ['sched-credit', '-w', '5'], ['--xenapi', 'list'],
                     ['shutdown', '-w', 'nosuch'], ['nosuchcommand']):
            same(env, *args, own=False)
        rc, out, err = run(env, XM, 'info', extra=NO_PYTHON)
        check(rc == 1 and out == '', 'info went to Python: %r' % err)
    finally:
        env.close()


@case
def changes_like_python():
    envs = two_envs()
    try:
        steps = [['pause', 'g'], ['pause', 'Domain-0'], ['unpause', 'g'],
                 ['unpause', 'nosuch'], ['mem-set', 'g', '128m'],
                 ['mem-set', 'g', '1g'], ['mem-set', 'g', '131072k'],
                 ['mem-set', 'nosuch', '64'], ['vcpu-set', 'g', '1'],
                 ['vcpu-set', 'g', '0'], ['vcpu-set', 'g', '-1'],
                 ['sched-credit', '-d', 'g', '-w', '512'],
                 ['sched-credit', '-d', 'g', '-c', '25', '-w', '300'],
                 ['sched-credit', '-d', 'g', '-w', '0'],
                 ['sched-credit', '-d', 'nosuch', '-c', '5'],
                 ['reboot', 'g'], ['shutdown', 'h'], ['shutdown', 'nosuch'],
                 ['destroy', 'Domain-0'], ['destroy', 'nosuch'],
                 ['destroy', 'g']]
        for args in steps:
            c = run(envs[0], XM, *args, extra=NO_PYTHON)
            py = run(envs[1], XM_PYTHON, *args)
            check(c == py, 'xm %s: front end %r, Python %r'
                  % (' '.join(args), c, py))
            lists = [run(e, XM_PYTHON, 'list')[1] for e in envs]
            check(lists[0] == lists[1], 'after xm %s: %r' % (' '.join(args),
                                                            lists))
            sc = [run(e, XM_PYTHON, 'sched-credit')[1] for e in envs]
            check(sc[0] == sc[1], 'after xm %s: %r' % (' '.join(args), sc))
    finally:
        for e in envs:
            e.close()


@case
def no_xend():
    env = Env()
    env.close()
    try:
        for args in (['list'], ['destroy', 'g'], ['mem-set', 'g', '64']):
            rc, out, err = same(env, *args)
            check(rc == 1 and 'Unable to connect to xend' in err, err)
        # A socket nobody listens on: a dead xend.
        os.makedirs(os.path.dirname(env.legacy_sock))
        s = socket.socket(socket.AF_UNIX)
        s.bind(env.legacy_sock)
        s.close()
        rc, out, err = same(env, 'destroy', 'g')
        check('Connection refused' in err, err)
    finally:
        import shutil
        shutil.rmtree(env.dir, ignore_errors=True)


class FakeXend(object):
    """A unix socket that reads a request and answers with given bytes
    (or, with answer None, closes at once)."""

    def __init__(self, path, answer):
        self.answer = answer
        self.s = socket.socket(socket.AF_UNIX)
        self.s.bind(path)
        self.s.listen(8)
        self.t = threading.Thread(target=self.serve, daemon=True)
        self.t.start()

    def serve(self):
        while True:
            try:
                c, _ = self.s.accept()
            except OSError:
                return
            try:
                data = b''
                while b'</methodCall>' not in data:
                    b = c.recv(65536)
                    if not b:
                        break
                    data += b
                if self.answer is not None:
                    c.sendall(self.answer)
            except OSError:
                pass
            finally:
                c.close()

    def close(self):
        self.s.close()


def http(body, head=None):
    if head is None:
        head = b'HTTP/1.1 200 OK\r\nContent-Length: %d' % len(body)
    return head + b'\r\n\r\n' + body


OK_BODY = (b"<?xml version='1.0'?>\n<methodResponse><params><param><value>"
           b"<int>0</int></value></param></params></methodResponse>\n")
BAD_ANSWERS = [
    ('closes', None, True),
    ('no http', b'hello\r\n\r\n', True),
    ('status line', b'HTTP/1.1 2x0 \'"\xe9\x85\t OK\r\n\r\n', True),
    ('http 500', http(b'oops', b'HTTP/1.1 500 Internal Error\r\n'
                      b'Content-Length: 4'), True),
    ('no length', b'HTTP/1.1 200 OK\r\n\r\n' + OK_BODY, True),
    ('huge length', http(b'', b'HTTP/1.1 200 OK\r\nContent-Length: '
                         b'99999999999999999999'), True),
    ('cut short', http(OK_BODY, b'HTTP/1.1 200 OK\r\nContent-Length: 999'),
     True),
    ('long header', b'HTTP/1.1 200 OK\r\nX: ' + b'a' * 200000, True),
    ('two values', http(OK_BODY.replace(
        b'</params>', b'<param><value>x</value></param></params>')), True),
    ('no value', http(b'<methodResponse><params/></methodResponse>'), True),
    ('fault', http(b'<methodResponse><fault><value><struct><member><name>'
                   b'faultCode</name><value><int>2</int></value></member>'
                   b'<member><name>faultString</name><value>no &amp; '
                   b'way</value></member></struct></value></fault>'
                   b'</methodResponse>'), True),
    ('fault 3', http(b'<methodResponse><fault><value><struct><member><name>'
                     b'faultString</name><value>x</value></member><member>'
                     b'<name>faultCode</name><value><i4>3</i4></value>'
                     b'</member></struct></value></fault></methodResponse>'),
     True),
    ('fault not struct', http(b'<methodResponse><fault><value>x</value>'
                              b'</fault></methodResponse>'), True),
    # Only the parser's own words differ from Python's here.
    ('not xml', http(b'<methodResponse><params>'), False),
    ('not utf-8', http(b'<methodResponse><params><param><value>\xff'
                       b'</value></param></params></methodResponse>'),
     False),
    ('deep', http(b'<methodResponse><params><param>' +
                  b'<value><array><data>' * 100), False),
]


@case
def bad_answers_like_python():
    env = Env()
    env.close()
    os.makedirs(os.path.dirname(env.legacy_sock))
    try:
        for name, answer, exact in BAD_ANSWERS:
            srv = FakeXend(env.legacy_sock, answer)
            try:
                c = run(env, XM, 'destroy', 'g', extra=NO_PYTHON)
                py = run(env, XM_PYTHON, 'destroy', 'g')
                if exact:
                    check(c == py, '%s: front end %r, Python %r' % (name, c,
                                                                   py))
                else:
                    pre = 'Error: xend answered HTTP 200 bad XML-RPC answer: '
                    check(c[0] == py[0] == 1 and c[1] == py[1] == '' and
                          c[2].startswith(pre) and py[2].startswith(pre),
                          '%s: front end %r, Python %r' % (name, c, py))
                # What only reads hands a bad answer to Python.
                for args in (['list'], ['domid', 'g']):
                    same(env, *args, own=False)
            finally:
                srv.close()
                os.unlink(env.legacy_sock)
    finally:
        import shutil
        shutil.rmtree(env.dir, ignore_errors=True)
