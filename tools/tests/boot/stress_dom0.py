#!/usr/bin/env python3
# Boots Debian's Linux as dom0 N times in a row beside a CPU hog; counts stalls.
"""Usage: stress_dom0.py [N]      (make stress-dom0 N=50)

Each boot is the boot-linux-dom0 case of cases.py (-smp 2, the initramfs
shell answering a command) with a busy loop beside QEMU, the condition
under which a lost wake-up shows.  QEMU runs only while holding the
machine's QEMU lock, taken afresh for each boot, so other users get turns.

A boot that stops making progress counts as a stall: stall.py asks the
hypervisor for its state with debug keys, or QEMU's monitor for every
CPU's registers (boot-<i>.cpus.txt) when the hypervisor does not answer,
and its log is kept as results/stress-dom0/boot-<i>.log.  Logs of good
boots are removed.

Environment:
    STRESS_HOGS=K     busy loops beside QEMU (default 1)
    STRESS_TIMEOUT=S  seconds allowed for each step of a boot (default 90)
    QEMU_LOCK=PATH    the lock file (default /tmp/qemu.lock; '' for none)
    NOBUILD=1         boot xen/xen as it is, without make -C xen first
Prints one line per boot, then 'stress-dom0: N boots, S stalls, F other
failures'; exits 1 if any boot failed.
"""

import fcntl
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'lib'))

import qemu  # noqa: E402
from cases import CASES  # noqa: E402
from expect import PROFILES  # noqa: E402
import run  # noqa: E402
import stall  # noqa: E402

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
                     extra_args=stall.monitor_args(monitor))
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
                notes = stall.dump_stalled(
                    m, monitor, os.path.join(results, name + '.cpus.txt'),
                    syms)
                why = ' / '.join([e.why] + [n for n in notes
                                            if not n.startswith('(XEN)')])
                return True, why
            return False, e.why
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

    syms = stall.Symbols(os.path.join(os.path.dirname(img.kernel), 'xen-syms'))
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
