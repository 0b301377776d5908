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
                answer = self.answer_for(data)
                if answer is not None:
                    c.sendall(answer)
            except OSError:
                pass
            finally:
                c.close()

    def answer_for(self, request):
        return self.answer

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


# Configs in the subset the front end reads itself (tools/xm/xmconfig.c).
PLAIN = [
    GOOD % 'c0',
    'kernel = "KERNEL"\n',
    '''# every key it reads, lists over lines
name='all.keys:/+-_9'
uuid = "0b6e7bd0-3d5f-4f0c-A5A8-7c1a9b0f7e21"
kernel='KERNEL'   # the kernel
ramdisk = "KERNEL"
memory=64
maxmem = 3000000000
vcpus = 128
root = ''
extra = "  ro quiet  "
on_poweroff = "restart"
on_reboot = 'destroy'
on_crash = "coredump-restart"
disk = [ 'tap:aio:/img/a,xvda,w!' ,  # one
         ",xvdb:cdrom,r,",
   'phy:x , xvdc , r , dom0',
]
vif = 'vifname=v , ip=10.0.0.1,model=e1000,,type=ioemu'
memory = 96
''',
    'kernel = "KERNEL"\nname = 12\ndisk = []\nvif = ["", ""]\n'
    'on_crash = "rename-restart"\nvcpus = 1',
]
PLAIN_NAMES = ['c0', 'c1', 'all.keys:/+-_9', '12']
# Configs it hands to the Python xm: not plain, or with a mistake.
NOT_PLAIN = [
    'kernel = "KERNEL"\nextra = "a" + "b"\n',
    'kernel = "KERNEL"\nmemory = 0\n',
    'kernel = "KERNEL"\nmemory = 0x40\n',
    'kernel = "KERNEL"\nname = "bad name"\n',
    'kernel = "KERNEL"\ncpus = "0-1"\n',
    'kernel = "KERNEL"\nvfb = ["vnc=1"]\n',
    'kernel = "KERNEL"\nnosuchkey = 1\n',
    'kernel = "/no/such/kernel"\n',
    'memory = 64\n',
    'kernel = "KERNEL"\n  memory = 64\n',
    'kernel = "KERNEL"\ndisk = ["phy:x,xvda"]\n',
    'kernel = "KERNEL"\nvif = ["mac=00:16:3e:11:22"]\n',
    'kernel = "KERNEL"\non_crash = "explode"\n',
    'kernel = "KERNEL"\nuuid = "{0b6e7bd0-3d5f-4f0c-a5a8-7c1a9b0f7e21}"\n',
    'kernel = "KERNEL"\nextra = "a\\tb"\n',
    'kernel = "KERNEL"\nmaxmem = 16\n',
    'import os\nkernel = "KERNEL"\n',
    'kernel = "KERNEL"\nname = "\xe9t\xe9"\n',
    '<xm><vm name="x"/></xm>\n',
]


@case
def creates_like_python():
    envs = [Env(), Env()]
    try:
        for i, body in enumerate(PLAIN):
            body = body.replace('KERNEL', envs[0].kernel)
            paths = [write_cfg(e, 'c%d' % i, body) for e in envs]
            for opts in ([], ['-p', '--quiet'], ['-q']):
                c = run(envs[0], XM, 'create', paths[0], *opts,
                        extra=NO_PYTHON)
                py = run(envs[1], XM_PYTHON, 'create', *opts + [paths[1]])
                c = (c[0], c[1], c[2].replace(paths[0], 'CFG'))
                py = (py[0], py[1], py[2].replace(paths[1], 'CFG'))
                check(c == py, 'create %r %s: front end %r, Python %r'
                      % (body, opts, c, py))
                lists = [run(e, XM_PYTHON, 'list')[1] for e in envs]
                check(lists[0] == lists[1], 'after %r: %r' % (body, lists))
                for e in envs:
                    run(e, XM, 'destroy', PLAIN_NAMES[i])
        # What it hands over comes back from Python unchanged.
        def both(name, body, *args):
            paths = [write_cfg(e, name, body.replace('KERNEL', envs[0].kernel))
                     for e in envs]
            r = [run(e, prog, *[a.replace('CFG', p) for a in args],
                     extra=None) for e, prog, p in zip(envs, (XM, XM_PYTHON),
                                                       paths)]
            r = [(x[0], x[1], x[2].replace(p, 'CFG'))
                 for x, p in zip(r, paths)]
            check(r[0] == r[1], 'create %r %s: front end %r, Python %r'
                  % (body, args, r[0], r[1]))
            for e in envs:
                run(e, XM, 'destroy', name)
            return r[0]
        for i, body in enumerate(NOT_PLAIN):
            both('n%d' % i, body, 'create', 'CFG')
        for args in (['CFG', '-n'], ['CFG', 'memory=64'], ['-c', 'CFG'],
                     ['CFG', 'CFG'], [], ['-pq', 'CFG'], ['--', 'CFG']):
            both('o', GOOD % 'o', 'create', *args)
        # A name xend refuses: its fault, as Python says it.
        both('o', GOOD % 'o', 'create', 'CFG')
        path = write_cfg(envs[0], 'o', GOOD % 'o')
        run(envs[0], XM, 'create', path)
        rc, out, err = run(envs[0], XM, 'create', path, extra=NO_PYTHON)
        check(rc == 1 and err == 'Error: name_label: o: a VM with this '
              'name exists\n', err)
    finally:
        for e in envs:
            e.close()


class RecordingXend(FakeXend):
    """Answers create with a domain SXP of the name asked for, anything
    else with 0; keeps each request's body."""

    def __init__(self, path):
        self.bodies = []
        FakeXend.__init__(self, path, b'')

    def answer_for(self, request):
        from xen.xend import wire
        body = request.partition(b'\r\n\r\n')[2]
        self.bodies.append(body)
        method, params = wire.parse(body)
        value = 0
        if method == 'xend.domain.create':
            name = [x for x in params[0] if x[0] == 'name'][0][1]
            value = ['domain', ['domid', 7], ['name', name], ['memory', 64],
                     ['state', '-b----']]
        return http(wire.response(value, False))


MUTATE_TOKENS = [b"'", b'"', b',', b'[', b']', b'=', b'#', b'\n', b' ',
                 b'\t', b'0', b'7', b'\\', b'+', b'memory = 1\n', b'tap:',
                 b'vif', b'disk', b'name', b':', b'mac=', b'(', b'\r']


def mutate_cfg(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 2)):
        i = rng.randrange(len(data) + 1)
        op = rng.randrange(4)
        if op == 0 and data:
            del data[i % len(data)]
        elif op == 1:
            data[i:i] = rng.choice(MUTATE_TOKENS)
        elif op == 2 and data:
            data[i % len(data)] = rng.choice(b'aZ09 _-=,.:/+\'"[]#\n!x')
        elif op == 3:
            data = data[:i]
    return bytes(data)


@case
def create_sxp_like_python():
    """Whatever config the front end sends itself, it sends the very
    bytes the Python xm sends for it; the rest it hands over."""
    from xen.xend import wire
    from xen.xm import config as xmconfig
    import random
    env = Env()
    env.close()
    os.makedirs(os.path.dirname(env.legacy_sock))
    with open(env.kernel, 'w') as f:
        f.write('not really a kernel\n')
    srv = RecordingXend(env.legacy_sock)
    handed = os.path.join(env.dir, 'handed')
    with open(handed, 'w') as f:
        f.write('#!/bin/sh\nexit 99\n')
    os.chmod(handed, 0o755)
    rng = random.Random(17)
    own = 0
    try:
        seeds = [b.replace('KERNEL', env.kernel).encode() for b in
                 PLAIN + [GOOD % 'g']]
        for n in range(1500):
            data = seeds[n % len(seeds)]
            if n >= len(seeds):
                data = mutate_cfg(rng, data)
            path = os.path.join(env.dir, 'm.cfg')
            with open(path, 'wb') as f:
                f.write(data)
            del srv.bodies[:]
            rc, out, err = run(env, XM, 'create', path,
                               extra={'XM_PYTHON': handed})
            if rc == 99:
                check(not srv.bodies, 'asked xend, then handed over')
                continue
            check(rc == 0 and len(srv.bodies) == 2, '%r: %r %r' % (
                data, err, srv.bodies))
            try:
                sxp = xmconfig.to_sxp(xmconfig.read(path))
            except xmconfig.ConfigError as e:
                raise AssertionError('%r: front end took it, Python: %s'
                                     % (data, e))
            want = wire.call('xend.domain.create', [sxp])
            check(srv.bodies[0] == want, '%r: front end %r, Python %r'
                  % (data, srv.bodies[0], want))
            check(srv.bodies[1] == wire.call('xend.domain.unpause',
                                             [sxp[1][1]]), srv.bodies[1])
            check(out == 'Started domain %s\n' % sxp[1][1], out)
            own += 1
        check(own > 100, 'the front end took only %d configs' % own)
    finally:
        srv.close()
        import shutil
        shutil.rmtree(env.dir, ignore_errors=True)
