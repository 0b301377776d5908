#!/usr/bin/env python3
# Boots Debian's Linux as dom0 N times in a row beside a CPU hog; counts stalls.
"""Usage: stress_dom0.py [N]      (make stress-dom0 N=50)

Each boot is the boot-linux-dom0 case of cases.py (-smp 2, the initramfs
shell answering a command) with a busy loop beside QEMU, the condition
under which a lost wake-up shows.  QEMU runs only while holding the
machine's QEMU lock, taken afresh for each boot, so other users get turns.

A boot that stops making progress counts as a stall: serial input is
switched to the hypervisor and the debug keys e (vCPUs' event state),
q, r and a (domains, run queues, timers) are typed, and its log is kept
as results/stress-dom0/boot-<i>.log.  If the hypervisor does not answer
the keys either, QEMU's monitor gives every CPU's registers, with RIP
named from xen-syms, in boot-<i>.cpus.txt.  Logs
of good boots are removed.

Environment:
    STRESS_HOGS=K     busy loops beside QEMU (default 1)
    STRESS_TIMEOUT=S  seconds allowed for each step of a boot (default 90)
    QEMU_LOCK=PATH    the lock file (default /tmp/qemu.lock; '' for none)
    NOBUILD=1         boot xen/xen as it is, without make -C xen first
Prints one line per boot, then 'stress-dom0: N boots, S stalls, F other
failures'; exits 1 if any boot failed.
"""

import bisect
import fcntl
import os
import re
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'lib'))

import qemu  # noqa: E402
from cases import CASES  # noqa: E402
from expect import PROFILES  # noqa: E402
import run  # noqa: E402

CASE = next(c for c in CASES if c['name'] == 'boot-linux-dom0')
PROFILE = PROFILES['ours']


def say(line):
    print(line, flush=True)


class QemuLock:
    """The machine-wide QEMU lock (flock), held for one boot."""

    def __init__(self, path):
        self.path, self.f = path, None

    def __enter__(self):
        if self.path:
            self.f = open(self.path, 'a')
            fcntl.flock(self.f, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        if self.f:
            fcntl.flock(self.f, fcntl.LOCK_UN)
            self.f.close()
            self.f = None
        return False


def start_hogs(n):
    return [subprocess.Popen(['sh', '-c', 'while :; do :; done'],
                             stdin=subprocess.DEVNULL,
                             preexec_fn=qemu._pdeathsig) for _ in range(n)]


def stop_hogs(hogs):
    for h in hogs:
        h.kill()
        h.wait()


class Symbols:
    """Names hypervisor addresses from the symbols of xen-syms."""

    def __init__(self, path):
        try:
            out = subprocess.run(['nm', path], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL,
                                 check=False).stdout.decode()
        except OSError:
            out = ''
        table = sorted((int(f[0], 16), f[2]) for f in
                       (line.split() for line in out.splitlines())
                       if len(f) == 3 and f[1] in 'tTwW')
        self.addrs = [a for a, _ in table]
        self.names = [n for _, n in table]
        self.etext = dict((n, a) for a, n in table).get('_etext', 0)

    def name(self, addr):
        i = bisect.bisect_right(self.addrs, addr) - 1
        # Data, or a guest address: no function to name.
        if i < 0 or addr >= self.etext:
            return 'not in the hypervisor'
        return '%s+%#x' % (self.names[i], addr - self.addrs[i])


def monitor_commands(path, cmds, timeout=10):
    """Runs commands on QEMU's human monitor at the unix socket path;
    returns each one's answer."""
    answers = []
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sk:
        sk.settimeout(timeout)
        sk.connect(path)
        out = b''
        while b'(qemu) ' not in out:
            chunk = sk.recv(65536)
            if not chunk:
                raise OSError('monitor closed')
            out += chunk
        for cmd in cmds:
            sk.sendall(cmd.encode() + b'\n')
            out = b''
            while b'(qemu) ' not in out:
                chunk = sk.recv(65536)
                if not chunk:
                    raise OSError('monitor closed')
                out += chunk
            text = out.decode('utf-8', 'replace').replace('\r', '')
            text = re.sub(r'\x1b\[[0-9;]*[A-Za-z]', '', text)
            # The first line is the monitor echoing what we typed.
            answers.append(text.split('\n', 1)[-1].replace('(qemu) ', ''))
    return answers


def name_words(text, syms):
    """Appends to each line the hypervisor functions its words point into
    (for RIP=, and for stack words in x/ dumps)."""
    lines = []
    for line in text.splitlines():
        named = [syms.name(int(w, 16)) for w in
                 re.findall(r'(?:RIP=|0x|\b)(ffff82d0[0-9a-f]{8})\b', line)]
        named = [n for n in named if n != 'not in the hypervisor']
        lines.append(line + ('   <- ' + ', '.join(named) if named else ''))
    return '\n'.join(lines) + '\n'


def dump_cpus(monitor, path, syms):
    """Every CPU's registers and top of stack, three times a second apart
    (a CPU spinning shows the same place), hypervisor addresses named."""
    with open(path, 'w') as f:
        for sample in range(3):
            try:
                regs = monitor_commands(monitor, ['info registers -a'])[0]
                rsps = re.findall(r'RSP=([0-9a-f]{16})', regs)
                cmds = []
                for cpu, rsp in enumerate(rsps):
                    cmds += ['cpu %d' % cpu, 'x/32gx 0x%s' % rsp]
                stacks = monitor_commands(monitor, cmds)[1::2]
            except OSError as e:
                f.write('monitor unavailable: %s\n' % e)
                return
            f.write('==== sample %d\n' % sample)
            f.write(name_words(regs, syms))
            for cpu, stack in enumerate(stacks):
                f.write('---- CPU%d stack\n' % cpu)
                f.write(name_words(stack, syms))
            time.sleep(1)


def dump_state(m, monitor, cpus_path, syms):
    """Ask the stalled hypervisor for its state (run.dump_stalled); if it
    does not even answer the console switch, ask QEMU instead."""
    run.dump_stalled(m, lambda: dump_cpus(monitor, cpus_path, syms))


def boot_once(kernel, results, name, timeout, syms):
    """None if the shell answered; else (stalled?, why)."""
    markers = PROFILE['markers']
    append = ('console=com1 com1=115200,8n1 %s %s'
              % (PROFILE['append'], CASE.get('append', ''))).strip()
    monitor = os.path.join(results, name + '.monitor')
    if os.path.exists(monitor):
        os.unlink(monitor)
    m = qemu.Machine(name, results, kernel=kernel, modules=CASE['modules'],
                     append=append, smp=CASE['smp'], mem=CASE['mem'],
                     cpu=CASE['cpu'],
                     extra_args=['-monitor', 'unix:%s,server=on,wait=off'
                                 % monitor])
    with m:
        try:
            for step in CASE['steps']:
                if step[0] == 'expect':
                    rx = markers[step[1]].format(**(step[2] if len(step) > 2
                                                    else {}))
                    m.expect(rx, timeout, label=step[1])
                elif step[0] == 'type':
                    m.send(step[1])
                elif step[0] == 'settle':
                    m.settle(step[1])
                else:
                    raise ValueError('unknown step %r' % (step,))
        except qemu.BootFailure as e:
            stalled = ' within ' in e.why
            if stalled:
                dump_state(m, monitor,
                           os.path.join(results, name + '.cpus.txt'), syms)
            return stalled, e.why
        finally:
            if os.path.exists(monitor):
                os.unlink(monitor)
    return None


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    hogs_n = int(os.environ.get('STRESS_HOGS', '1'))
    timeout = float(os.environ.get('STRESS_TIMEOUT', '90'))
    lock = os.environ.get('QEMU_LOCK', '/tmp/qemu.lock')
    results = os.path.join(os.path.abspath(os.environ.get(
        'RESULTS', os.path.join(HERE, 'results'))), 'stress-dom0')
    os.makedirs(results, exist_ok=True)

    if CASE.get('skip'):
        say('SKIP: stress-dom0: %s' % CASE['skip'])
        return 0
    if not qemu.which(qemu.QEMU):
        say('SKIP: stress-dom0: %s missing' % qemu.QEMU)
        return 0
    img = run.build_ours(results, need_iso=False)
    if img.kernel_why:
        say('FAIL: stress-dom0: %s' % img.kernel_why)
        return 1

    syms = Symbols(os.path.join(os.path.dirname(img.kernel), 'xen-syms'))
    stalls = failures = 0
    t_all = time.monotonic()
    for i in range(1, n + 1):
        name = 'boot-%d' % i
        with QemuLock(lock):
            hogs = start_hogs(hogs_n)
            t = time.monotonic()
            try:
                bad = boot_once(img.kernel, results, name, timeout, syms)
            finally:
                stop_hogs(hogs)
        took = time.monotonic() - t
        log = os.path.join(results, name + '.log')
        if bad is None:
            say('boot %d/%d: ok in %.0f s' % (i, n, took))
            os.unlink(log)
            continue
        stalled, why = bad
        stalls += stalled
        failures += not stalled
        say('boot %d/%d: %s after %.0f s: %s (log: %s)'
            % (i, n, 'STALL' if stalled else 'FAIL', took,
               run.one_line(why), os.path.relpath(log)))
    say('stress-dom0: %d boots, %d stalls, %d other failures in %.0f s'
        % (n, stalls, failures, time.monotonic() - t_all))
    return 1 if stalls or failures else 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
