#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# `make fuzz`: boots our hypervisor with mini-os dom0 running the fuzzer.
"""Boots this tree's hypervisor under QEMU with mini-os as dom0 running only
the hostile-guest fuzzer case (fuzz/hostile_domu, extras/mini-os/tests/
fuzz.c), which builds fuzzer domains with changing seeds, two at a time
(one per CPU; the next starts as soon as one has ended and passed dom0's
checks) or with FUZZ_PAR=1 one at a time.  With FUZZ_VCPUS=2 each
fuzzer domain runs two streams of calls at once, one per vCPU.  A hypervisor
panic, hang, leak or change to another domain is a failure: it is printed
with a reproducer (the seed of each domain running then, and each stream's
window of call indexes), then each such seed is replayed with every call of
the window traced to find the call: each stream alone first (what one vCPU
did, without the other's interleaving, which cannot be replayed), then both
streams together; and the machine is booted again with the next seeds until
the time is up.

Environment:
    FUZZ_SECONDS=N   how long to fuzz (default 60)
    FUZZ_CALLS=N     or: stop after this many calls in all
    FUZZ_SEED=N      first seed (default: from the clock)
    FUZZ_PER=N       calls per fuzzer domain (default 262144)
    FUZZ_OPS=MASK    operation categories (default all; see docs/misc/fuzzing.md)
    FUZZ_VCPUS=N     fuzzing vCPUs per domain: 1 (default) or 2, racing
    FUZZ_PAR=N       fuzzer domains at once: 2 (default) or 1 (one vCPU only)
    COVERAGE=n       y (default): build with coverage, report it at the end
    RESULTS=DIR      serial logs (default ./results)
    FUZZ_ARCH=x86_32 fuzz the 32-bit (compat) entry instead: see main32()
"""

import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, '..', '..', '..'))
MINIOS_DIR = os.path.join(TOP, 'extras', 'mini-os')
MINIOS = os.path.join(MINIOS_DIR, 'mini-os')
MINIOS32 = os.path.join(MINIOS_DIR, 'mini-os-x86_32')
sys.path.insert(0, os.path.join(HERE, '..', 'lib'))

import qemu  # noqa: E402

APPEND = ('console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all '
          'dom0_mem=64M noreboot')
PROGRESS = re.compile(r'\[d(\d+)\] FUZZ: seed=(\d+) stream=(\d+) idx=(\d+) '
                      r'done=(\d+)')
START = re.compile(r'\[d(\d+)\] FUZZ: seed=(\d+) calls=(\d+) ops=(\S+) .*start')
SUMMARY = re.compile(r'FUZZ-SUMMARY: (.*)')
CALLS = re.compile(r'calls (\d+) in (\d+) ms \((\d+) calls/s')
RATE = re.compile(r'FUZZ-RATE: seed=\d+ calls=(\d+) us=(\d+)')
# A fuzzer domain dom0 has finished with, one way or another.
ENDED = re.compile(r'FUZZ-(?:RATE|SELFCRASH|SELFHANG|HANG): seed=(\d+)')
NOTE = re.compile(r'(FUZZ-FINDING|FUZZ-HANG|FUZZ-SELFCRASH|FUZZ-SELFHANG|AUDIT)(.*)')
RESULT = re.compile(r'(PASS|FAIL|SKIP): (fuzz/\S+)(.*)')
TRACED = re.compile(r'FUZZ-CALL (\d+) (.*)')
DONE = r'^mini-os: exit status \d+'
# A panic shows the first of these; so does a stuck machine, by silence.
QUIET_LIMIT = 90


def say(line):
    print(line, flush=True)


def build(coverage):
    cmd = ['make', '-s', '-C', os.path.join(TOP, 'xen')]
    if coverage:
        cmd.append('coverage=y')
    for c in (cmd, ['make', '-s', '-C', MINIOS_DIR]):
        p = subprocess.run(c, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL)
        if p.returncode:
            sys.stdout.write(p.stdout.decode('utf-8', 'replace'))
            raise SystemExit('build failed: %s' % ' '.join(c))
    return os.path.join(TOP, 'xen', 'xen-cov' if coverage else 'xen')


def boot(name, kernel, results, dom0_args, timeout):
    """One machine: returns (lines, why) where why is None if dom0 ended
    its run normally, else the reason the machine failed."""
    modules = [(MINIOS, 'only=fuzz/ ' + dom0_args), (MINIOS, '')]
    with qemu.Machine(name, results, kernel=kernel, modules=modules,
                      append=APPEND, smp=2, mem='512M') as m:
        why = None
        try:
            deadline = time.monotonic() + timeout
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise qemu.BootFailure('run longer than %ds' % timeout, m)
                # Any line resets the silence limit: only a quiet machine
                # is stuck, a busy one may run as long as it was given.
                mt, _ = m.expect(DONE + '|.', timeout=min(left, QUIET_LIMIT),
                                 label='fuzz output')
                if re.search(DONE, mt.string):
                    break
            try:
                m.settle(1)
            except qemu.BootFailure as e:
                # The machine may power off once dom0 is done: fine.
                if 'QEMU exited' not in e.why:
                    raise
        except qemu.BootFailure as e:
            why = e.why
        return [t for _, t in m.lines], why


def in_flight(lines):
    """The seeds whose domains were running when the machine failed (up
    to FUZZ_PAR at once), each with its streams' last progress index,
    oldest first."""
    idx = {}
    for t in lines:
        p = PROGRESS.search(t)
        if p:
            idx.setdefault(int(p.group(2)), {})[int(p.group(3))] = \
                int(p.group(4))
        e = ENDED.search(t)
        if e:
            idx.pop(int(e.group(1)), None)
    return sorted(idx.items())


def replay(kernel, results, seed, idx, per, ops, vcpus):
    """Reruns seed up to the failing window with each call traced: each
    stream alone, then (with two vCPUs) both at once.  Returns the last call
    issued before the machine failed, or None, and why it failed."""
    runs = [(1, s, 'stream %d alone' % s) for s in sorted(idx)]
    if vcpus > 1:
        runs.append((vcpus, 0, 'both streams'))
    why = None
    for n, stream, what in runs:
        start = max(0, min(idx.values()) if n > 1 else idx[stream])
        args = ('fuzz_seed=%d fuzz_total=1 fuzz_calls=%d fuzz_ops=%s '
                'fuzz_vcpus=%d fuzz_stream=%d fuzz_trace=%d'
                % (seed, per, ops, n, stream, start))
        lines, why = boot('fuzz-replay', kernel, results, args, 120)
        calls = [TRACED.search(t) for t in lines]
        calls = [c for c in calls if c]
        if why and calls:
            return ('%s, call %s: %s' % (what, calls[-1].group(1),
                                         calls[-1].group(2)), why)
    return None, why


def main():
    results = os.path.abspath(os.environ.get('RESULTS',
                                             os.path.join(HERE, 'results')))
    os.makedirs(results, exist_ok=True)
    seconds = int(os.environ.get('FUZZ_SECONDS', '60'))
    total = os.environ.get('FUZZ_CALLS')
    seed = int(os.environ.get('FUZZ_SEED') or int(time.time()) % 1000000)
    per = int(os.environ.get('FUZZ_PER', '262144'))
    ops = os.environ.get('FUZZ_OPS', '0x%x' % ((1 << 13) - 1))
    vcpus = int(os.environ.get('FUZZ_VCPUS', '1'))
    par = int(os.environ.get('FUZZ_PAR', '2'))
    coverage = os.environ.get('COVERAGE', 'y') == 'y'
    if not qemu.which(qemu.QEMU):
        raise SystemExit('%s missing' % qemu.QEMU)
    kernel = build(coverage)

    t0 = time.monotonic()
    calls = ms = boots = 0
    rates = []
    failures = []
    cov_lines = []
    while True:
        elapsed = time.monotonic() - t0
        if total and calls >= int(total):
            break
        if not total and elapsed >= seconds:
            break
        if total:
            budget = 'fuzz_total=%d' % (int(total) - calls)
        else:
            budget = 'fuzz_seconds=%d' % max(1, seconds - int(elapsed))
        args = ('fuzz_seed=%d fuzz_calls=%d fuzz_ops=%s fuzz_vcpus=%d '
                'fuzz_par=%d %s' % (seed, per, ops, vcpus, par, budget))
        say('fuzz: boot %d, %s' % (boots, args))
        lines, why = boot('fuzz-%d' % boots, kernel, results, args,
                          seconds + 120 if not total else 3600)
        boots += 1
        last_seed = seed
        for t in lines:
            n = NOTE.search(t)
            if n and 'SELF' not in n.group(1):
                say('fuzz: ' + n.group(0))
            r = RESULT.search(t)
            if r:
                say('fuzz: %s: %s%s' % (r.group(1), r.group(2), r.group(3)))
                if r.group(1) == 'FAIL':
                    failures.append(r.group(0))
            s = SUMMARY.search(t)
            if s:
                say('fuzz: ' + s.group(0))
                c = CALLS.search(s.group(1))
                if c:
                    calls += int(c.group(1))
                    ms += int(c.group(2))
            r = RATE.search(t)
            if r and int(r.group(2)):
                rates.append(int(r.group(1)) * 1000000 // int(r.group(2)))
            st = START.search(t)
            if st:
                last_seed = max(last_seed, int(st.group(2)))
            if 'COV' in t:
                cov_lines.append(t[t.index('COV'):])
        if why:
            flight = in_flight(lines)
            say('fuzz: FAILURE: %s' % why)
            for t in lines[-12:]:
                say('    | ' + t)
            if not flight:
                flight = [(last_seed, {p: 0 for p in range(vcpus)})]
            # Each domain running at the time is a suspect: replay each.
            for s, idx in flight:
                say('fuzz: reproducer: FUZZ_SEED=%d fuzz_calls=%d '
                    'fuzz_ops=%s fuzz_vcpus=%d, calls %s of that seed' % (
                        s, per, ops, vcpus,
                        ', '.join('%d-%d of stream %d' % (i, i + 16384, p)
                                  for p, i in sorted(idx.items()))))
                if total or time.monotonic() - t0 < seconds:
                    call, rwhy = replay(kernel, results, s, idx, per, ops,
                                        vcpus)
                else:
                    call, rwhy = None, 'no time left to replay'
                if call:
                    say('fuzz: replay of seed %d failed the same way (%s) '
                        'at %s' % (s, rwhy, call))
                else:
                    say('fuzz: replay of seed %d did not fail the same way '
                        '(%s)' % (s, rwhy))
            failures.append('seeds %s: %s' % (
                ', '.join('%d (call windows %s)' % f for f in flight), why))
            seed = max(f[0] for f in flight) + 1
        else:
            seed = last_seed + 1
    rate = calls * 1000 // ms if ms else 0
    say('fuzz: %d calls in %d boots, %.0f s; %d calls/s while fuzzing'
        % (calls, boots, time.monotonic() - t0, rate))
    if rates:
        rates.sort()
        say('fuzz: calls/s per fuzzer domain (%d domains): min %d, median '
            '%d, max %d' % (len(rates), rates[0], rates[len(rates) // 2],
                            rates[-1]))
    if coverage:
        report_coverage(lines_or_none(cov_lines))
    say('fuzz: %d failures' % len(failures))
    for f in failures:
        say('fuzz: FAIL: ' + f)
    return 1 if failures else 0


# The 32-bit fuzzer's lines, printed by the hypervisor for a boot domU.
D_VERDICT = re.compile(r'^\(d(\d+)\) VERDICT: (PASS|FAIL)(.*)')
D_PROGRESS = re.compile(r'^\(d(\d+)\) FUZZ: seed=(\d+) stream=\d+ '
                        r'idx=(\d+) done=(\d+)')
D_FINDING = re.compile(r'^\(d(\d+)\) (FUZZ-FINDING.*)')
D_CRASH = re.compile(r'^\(XEN\) Domain (\d+) shutdown: crash')
D_CALL = re.compile(r'^\(d\d+\) FUZZ-CALL (\d+) (.*)')


def boot32(name, kernel, results, seeds, per, ops, trace=None):
    """One machine of the 32-bit fuzzer: mini-os dom0 only sleeps (the
    witness), each seed is a boot domU of the 32-bit mini-os (pv=32), as
    mini-os cannot build 32-bit domains yet.  Returns (lines, why, ended),
    ended the domains that finished (a verdict or a crash of their own)."""
    mods = [(MINIOS, 'role=fuzz witness domus=%d' % len(seeds))]
    for s in seeds:
        mods.append((MINIOS32, 'domU mem=4M -- role=fuzz seed=%d calls=%d '
                     'ops=%s%s' % (s, per, ops,
                                   '' if trace is None else
                                   ' trace=%d' % trace)))
    ended = {}
    with qemu.Machine(name, results, kernel=kernel, modules=mods,
                      append=APPEND + ' pv=32', smp=2, mem='512M') as m:
        why = None
        try:
            while len(ended) < len(seeds):
                mt, _ = m.expect(r'^\(d\d+\) VERDICT|^\(XEN\) Domain \d+ '
                                 r'shutdown: crash|.',
                                 timeout=QUIET_LIMIT, label='fuzz output')
                v, c = D_VERDICT.search(mt.string), D_CRASH.search(mt.string)
                if v:
                    ended[int(v.group(1))] = v.group(2) + v.group(3)
                elif c and c.group(1) != '0':
                    ended.setdefault(int(c.group(1)), 'self-crash')
                elif c:
                    raise qemu.BootFailure('dom0 crashed', m)
            # dom0 destroys each and counts the pages that come back.
            mt, _ = m.expect(r'^FUZZ-WITNESS: (PASS|FAIL)\b',
                             timeout=QUIET_LIMIT, label='dom0\'s checks')
            if mt.group(1) != 'PASS':
                raise qemu.BootFailure(
                    'dom0\'s checks: ' + '; '.join(
                        t for _, t in m.lines if 'FUZZ-WITNESS' in t), m)
        except qemu.BootFailure as e:
            why = e.why
        return [t for _, t in m.lines], why, ended


def main32():
    """FUZZ_ARCH=x86_32: the fuzzer built for 32 bits reaches the compat
    entry (int $0x82, the translations, the 32-bit bounce frames).  Each
    machine runs FUZZ_PAR fuzzer domains (default 2) of FUZZ_PER calls;
    a hypervisor panic or hang, a domain the hypervisor left silent, or a
    FUZZ-FINDING fails.  A crash of a fuzzer by the hypervisor is its own
    (the 32-bit fuzzer has no dom0 to describe it: counted, not replayed).
    No coverage, no leak or canary checks (those are the 64-bit dom0's)."""
    results = os.path.abspath(os.environ.get('RESULTS',
                                             os.path.join(HERE, 'results')))
    os.makedirs(results, exist_ok=True)
    seconds = int(os.environ.get('FUZZ_SECONDS', '60'))
    seed = int(os.environ.get('FUZZ_SEED') or int(time.time()) % 1000000)
    per = int(os.environ.get('FUZZ_PER', '262144'))
    # Every category, multicall too (the 5046+5047 storm was the fuzzer's
    # own: docs/misc/fuzzing.md).
    ops = os.environ.get('FUZZ_OPS', '0x%x' % ((1 << 13) - 1))
    par = int(os.environ.get('FUZZ_PAR', '2'))
    if not qemu.which(qemu.QEMU):
        raise SystemExit('%s missing' % qemu.QEMU)
    kernel = build(False)
    p = subprocess.run(['make', '-s', '-C', MINIOS_DIR, 'ARCH=x86_32'],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL)
    if p.returncode:
        sys.stdout.write(p.stdout.decode('utf-8', 'replace'))
        raise SystemExit('build failed: mini-os ARCH=x86_32')
    t0 = time.monotonic()
    boots = domains = calls = crashes = 0
    failures = []
    while time.monotonic() - t0 < seconds:
        seeds = list(range(seed, seed + par))
        say('fuzz32: boot %d, seeds %d-%d, %d calls each, ops %s'
            % (boots, seeds[0], seeds[-1], per, ops))
        lines, why, ended = boot32('fuzz32-%d' % boots, kernel, results,
                                   seeds, per, ops)
        boots += 1
        last = {}
        for t in lines:
            f = D_FINDING.search(t)
            if f:
                say('fuzz32: d%s %s' % f.groups())
                failures.append('d%s %s' % f.groups())
            g = D_PROGRESS.search(t)
            if g:
                last[int(g.group(1))] = (int(g.group(2)), int(g.group(3)))
            v = D_VERDICT.search(t)
            if v:
                c = re.search(r'calls=(\d+)', v.group(3))
                calls += int(c.group(1)) if c else 0
        domains += len(ended)
        crashes += sum(1 for v in ended.values() if v == 'self-crash')
        if why:
            say('fuzz32: FAILURE: %s' % why)
            for t in lines[-12:]:
                say('    | ' + t)
            for d, (s, idx) in sorted(last.items()):
                if d in ended:
                    continue
                say('fuzz32: reproducer: FUZZ_ARCH=x86_32 FUZZ_PAR=1 '
                    'FUZZ_SEED=%d FUZZ_PER=%d FUZZ_OPS=%s (calls from %d)'
                    % (s, per, ops, idx))
                rl, rwhy, _ = boot32('fuzz32-replay', kernel, results, [s],
                                     per, ops, trace=idx)
                traced = [D_CALL.search(t) for t in rl]
                traced = [c for c in traced if c]
                say('fuzz32: replay of seed %d: %s%s' % (
                    s, rwhy or 'did not fail',
                    ', last call %s: %s' % traced[-1].groups()
                    if rwhy and traced else ''))
            failures.append('seeds %d-%d: %s' % (seeds[0], seeds[-1], why))
        seed += par
    say('fuzz32: %d calls in %d domains (%d crashed by their own calls), '
        '%d boots, %.0f s' % (calls, domains, crashes, boots,
                              time.monotonic() - t0))
    say('fuzz32: %d failures' % len(failures))
    for f in failures:
        say('fuzz32: FAIL: ' + f)
    return 1 if failures else 0


def lines_or_none(lines):
    return lines or None


def report_coverage(lines):
    if not lines:
        say('fuzz: no coverage dump seen')
        return
    p = subprocess.run([sys.executable, os.path.join(HERE, 'coverage.py'),
                        os.path.join(TOP, 'xen', 'xen-cov-syms')],
                       input='\n'.join(lines).encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    for t in p.stdout.decode('utf-8', 'replace').splitlines():
        say('fuzz: ' + t)


if __name__ == '__main__':
    try:
        sys.exit(main32() if os.environ.get('FUZZ_ARCH') == 'x86_32'
                 else main())
    except KeyboardInterrupt:
        sys.exit(130)
