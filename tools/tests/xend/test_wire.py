# SPDX-License-Identifier: GPL-2.0-only
"""The XML-RPC wire: envelopes, int and bool forms, bad requests, huge
bodies, slow and vanishing clients, and a mutation fuzz of the parser."""
import random
import re
import socket
import time

from harness import case, check, Env, PASSWORD
from xen.xend import wire


def post(env, body, headers=None, path='/RPC2', timeout=10):
    """(status, body) of one raw HTTP POST to the TCP listener."""
    s = socket.create_connection(('127.0.0.1', env.port), timeout=timeout)
    try:
        h = {'Content-Type': 'text/xml', 'Content-Length': str(len(body))}
        h.update(headers or {})
        req = 'POST %s HTTP/1.1\r\nHost: x\r\n' % path + ''.join(
            '%s: %s\r\n' % kv for kv in h.items()) + '\r\n'
        s.sendall(req.encode() + body)
        return read_reply(s)
    finally:
        s.close()


def read_reply(s):
    data = b''
    while b'\r\n\r\n' not in data:
        b = s.recv(65536)
        if not b:
            return None, data
        data += b
    head, rest = data.split(b'\r\n\r\n', 1)
    status = int(head.split()[1])
    m = re.search(rb'Content-Length: (\d+)', head)
    n = int(m.group(1)) if m else 0
    while len(rest) < n:
        b = s.recv(65536)
        if not b:
            break
        rest += b
    return status, rest


def session(env):
    st, body = post(env, wire.call('session.login_with_password',
                                   ['root', PASSWORD]))
    _, (r,) = wire.parse(body, 'methodResponse')
    return r['Value']


def alive(env):
    st, body = post(env, wire.call('session.login_with_password',
                                   ['root', PASSWORD]))
    return st == 200 and b'Success' in body


@case
def envelope_two_members_status_first():
    env = Env()
    try:
        s = session(env)
        for call in (wire.call('VM.get_all', [s]),
                     wire.call('VM.get_all', ['bad'])):
            st, body = post(env, call)
            check(st == 200, 'HTTP 200')
            names = re.findall(rb'<name>([^<]*)</name>', body)
            check(names[0] == b'Status' and names[1] in (
                b'Value', b'ErrorDescription'), 'order %s' % names[:2])
            check(body.count(b'<member>') >= 2, 'two members')
            check(b'<fault>' not in body, 'no fault')
        st, body = post(env, wire.call('VM.get_all', ['bad']))
        check(body.count(b'<member>') == 2, 'exactly two: %s' % body)
        vm = '00000000-0000-0000-0000-000000000000'
        st, body = post(env, wire.call('VM.get_memory_dynamic_max', [s, vm]))
        check(re.search(rb'<name>Value</name><value><string>\d+</string>',
                        body), 'int as string: %s' % body)
        st, body = post(env, wire.call('VM.get_record', [s, vm]))
        check(b'<int>' not in body and b'<i4>' not in body,
              'no ints in records')
        check(re.search(rb'<dateTime.iso8601>\d{8}T\d\d:\d\d:\d\d<', body)
              is not None or b'dateTime' not in body, 'DateTime form')
        st, body = post(env, wire.call('session.logout', [s]))
        check(b'<name>Value</name><value><string></string>' in body,
              'void is ""')
    finally:
        env.close()


@case
def ints_and_bools_in_any_form():
    env = Env()
    try:
        s = session(env)
        rec = {'name_label': 'w', 'memory_static_max': 64 << 20,
               'memory_dynamic_max': str(64 << 20),
               'memory_dynamic_min': 64 << 20, 'VCPUs_max': 1,
               'PV_kernel': env.kernel}
        st, body = post(env, wire.call('VM.create', [s, rec]))
        _, (r,) = wire.parse(body, 'methodResponse')
        check(r['Status'] == 'Success', 'ints as <int>: %s' % r)
        vm = r['Value']
        # xm sends the paused flag as an int.
        st, body = post(env, wire.call('VM.start', [s, vm, 1]))
        _, (r,) = wire.parse(body, 'methodResponse')
        check(r['Status'] == 'Success', 'paused as int: %s' % r)
        st, body = post(env, wire.call('VM.get_power_state', [s, vm]))
        check(b'Paused' in body, 'started paused')
        # A bare <value>text</value> is a string.
        raw = ('<?xml version="1.0"?><methodCall><methodName>VM.get_uuid'
               '</methodName><params><param><value>%s</value></param>'
               '<param><value>%s</value></param></params></methodCall>'
               % (s, vm)).encode()
        st, body = post(env, raw)
        check(vm.encode() in body and b'Success' in body, 'bare value')
    finally:
        env.close()


@case
def malformed_requests_are_faults():
    env = Env()
    try:
        bad = [b'', b'<', b'not xml', b'<methodCall></methodCall>',
               b'<methodCall><methodName>x</methodName><params><param>'
               b'<value><int>12z</int></value></param></params></methodCall>',
               b'<methodCall><methodName>x</methodName><params><param>'
               b'<value><boolean>2</boolean></value></param></params>'
               b'</methodCall>',
               b'<methodCall><methodName>x</methodName><params><param>'
               b'<value><struct><member><value>1</value></member></struct>'
               b'</value></param></params></methodCall>',
               b'<methodResponse><params/></methodResponse>',
               b'<methodCall><methodName>x</methodName><bogus/></methodCall>',
               b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaa">'
               b'<!ENTITY b "&a;&a;&a;&a;">]><methodCall><methodName>&b;'
               b'</methodName></methodCall>',
               b'<methodCall><methodName>x</methodName><params><param>' +
               b'<value><array><data>' * 100 + b'</data></array></value>' *
               100 + b'</param></params></methodCall>',
               b'\xff\xfe<methodCall/>']
        for body in bad:
            st, reply = post(env, body)
            check(st == 200, 'HTTP %s for %r' % (st, body[:40]))
            check(b'<fault>' in reply and b'<int>-1</int>' in reply,
                  'fault -1 for %r: %r' % (body[:40], reply[:200]))
        check(alive(env), 'xend still answers')
    finally:
        env.close()


@case
def huge_body_refused():
    env = Env()
    try:
        st, reply = post(env, b'x', headers={'Content-Length': str(1 << 30)})
        check(st == 413, 'declared huge: %s' % st)
        body = wire.call('VM.get_all', ['x' * (2 << 20)])
        st, reply = post(env, body)
        check(st == 413, 'sent huge: %s' % st)
        for h in ({'Content-Length': '-5'}, {'Content-Length': 'lots'}):
            st, _ = post(env, b'<x/>', headers=h)
            check(st in (411, 413), 'bad length %s: %s' % (h, st))
        st, _ = post(env, b'4\r\n<x/>\r\n0\r\n\r\n',
                     headers={'Transfer-Encoding': 'chunked'})
        check(st == 411, 'chunked refused: %s' % st)
        check(alive(env), 'xend still answers')
    finally:
        env.close()


@case
def slow_and_vanishing_clients():
    env = Env(timeout=1)
    try:
        # Headers, then silence: the connection is dropped after the
        # timeout, and others are served meanwhile.
        slow = socket.create_connection(('127.0.0.1', env.port))
        slow.sendall(b'POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n<m')
        check(alive(env), 'served while a client stalls')
        slow.settimeout(5)
        t0 = time.monotonic()
        got = slow.recv(100)
        check(got == b'' and time.monotonic() - t0 < 4,
              'stalled client dropped: %r' % got)
        slow.close()
        # A client that never finishes its headers.
        slow = socket.create_connection(('127.0.0.1', env.port))
        slow.sendall(b'POST / HTTP/1.1\r\nContent-Le')
        slow.settimeout(5)
        t0 = time.monotonic()
        check(slow.recv(100) == b'' and time.monotonic() - t0 < 4,
              'half-sent headers dropped')
        slow.close()
        # Clients killed mid-call.
        s = session(env)
        for cut in (10, 60, 200):
            body = wire.call('VM.get_all_records', [s])
            c = socket.create_connection(('127.0.0.1', env.port))
            c.sendall(b'POST / HTTP/1.1\r\nContent-Length: %d\r\n\r\n'
                      % len(body) + body[:cut])
            c.close()
        c = socket.create_connection(('127.0.0.1', env.port))
        body = wire.call('VM.get_all_records', [s])
        c.sendall(b'POST / HTTP/1.1\r\nContent-Length: %d\r\n\r\n'
                  % len(body) + body)
        c.shutdown(socket.SHUT_RDWR)
        c.close()
        check(alive(env), 'xend still answers')
        # Keep-alive: several calls on one connection.
        c = socket.create_connection(('127.0.0.1', env.port), timeout=5)
        for _ in range(3):
            body = wire.call('VM.get_all', [s])
            c.sendall(b'POST / HTTP/1.1\r\nContent-Length: %d\r\n\r\n'
                      % len(body) + body)
            st, reply = read_reply(c)
            check(st == 200 and b'Success' in reply, 'keep-alive')
        c.close()
    finally:
        env.close()


def mutate(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(6)
        i = rng.randrange(len(data) + 1)
        if op == 0 and data:
            del data[i % len(data)]
        elif op == 1:
            data[i:i] = bytes([rng.randrange(256)])
        elif op == 2 and data:
            data[i % len(data)] = rng.randrange(256)
        elif op == 3:
            tok = rng.choice([b'<value>', b'</value>', b'<struct>',
                              b'<array><data>', b'<int>', b'</int>', b'&',
                              b'&amp;', b'<![CDATA[x]]>', b'<nil/>',
                              b'<member><name>a</name>', b'<!--c-->',
                              b'<boolean>1</boolean>', b'<base64>QQ==',
                              b'\x00', b'<?pi x?>', b'<double>1e999'])
            data[i:i] = tok
        elif op == 4 and len(data) > 2:
            j = rng.randrange(len(data))
            a, b = sorted((i % len(data), j))
            data[a:b] = data[a:b] * 2
        elif op == 5 and data:
            data = data[:i]
    return bytes(data)


SEEDS = [
    wire.call('session.login_with_password', ['root', 'pw', '1.0', 'x']),
    wire.call('VM.create', ['s', {'name_label': 'a', 'VCPUs_max': 2,
                                  'other_config': {'k': 'v'},
                                  'l': [1, 2.5, True, b'bin']}]),
    wire.call('event.register', ['s', ['VM', 'task']]),
    wire.call('xend.domain.create', [['vm', ['name', 'x'], ['memory', 64]]]),
]


@case
def fuzz_request_parser():
    rng = random.Random(1234)
    n = 0
    for i in range(20000):
        data = mutate(rng, rng.choice(SEEDS))
        try:
            method, params = wire.parse(data)
            check(isinstance(method, str) and isinstance(params, list),
                  'parse result types')
            wire.response(params)
        except wire.WireError:
            n += 1
    check(n > 1000, 'mutations rejected: %d' % n)


@case
def fuzz_through_the_server():
    env = Env()
    try:
        rng = random.Random(99)
        s = session(env)
        seeds = SEEDS + [wire.call('VM.get_record', [s, '0' * 8]),
                         wire.call('VM.start', [s, 'x', False])]
        for i in range(300):
            st, reply = post(env, mutate(rng, rng.choice(seeds)))
            check(st == 200, 'HTTP %s' % st)
            _, (r,) = (None, (None,)) if b'<fault>' in reply else \
                wire.parse(reply, 'methodResponse')
            if r is not None:
                check(isinstance(r, (dict, list, str, int)),
                      'answer %r' % r)
        check(alive(env), 'xend still answers')
        check(len(env.xend.domains.all()) >= 1, 'dom0 still there')
    finally:
        env.close()
