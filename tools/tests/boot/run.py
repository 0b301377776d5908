#!/usr/bin/env python3
# Runs the QEMU boot test suite: builds the hypervisor and ISO, boots every case.
"""Environment:
    HV=ours|xen417   hypervisor to boot (xen417: Debian's Xen, to check the
                     harness itself); default ours
    CASES=REGEX      only the cases whose name matches
    BOOT_JOBS=N      QEMUs at once (default 2)
    RESULTS=DIR      where logs go (default ./results)
    BOOT_TIMEOUT_SCALE=F  multiply every timeout
    NOBUILD=1        boot xen/xen as it is, without make -C xen first
"""

import os
import re
import subprocess
import sys
import threading
import time
from contextlib import nullcontext

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, '..', '..', '..'))
sys.path.insert(0, os.path.join(HERE, '..', 'lib'))

import qemu  # noqa: E402
import stall  # noqa: E402
from cases import CASES, BOOT_STEPS, MINIOS  # noqa: E402
from expect import PROFILES, HELP_LINE, WARNING  # noqa: E402
import grubd_test  # noqa: E402
import xen417  # noqa: E402


def say(line):
    print(line, flush=True)


def one_line(text):
    return ' / '.join(x.strip() for x in str(text).splitlines() if x.strip())


def mem_bytes(mem):
    units = {'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30, 'T': 1 << 40}
    mem = str(mem).upper().rstrip('B')
    if mem[-1:] in units:
        return int(float(mem[:-1]) * units[mem[-1]])
    return int(mem) << 20


# At most one big guest at a time: a CI runner may have only ~7 GB of RAM,
# and a hypervisor scrubbing free memory touches all of it.
BIG_GUEST = 4 << 30
big_guest_lock = threading.Lock()


def run_quiet(cmd, show=0, **kw):
    """Run cmd; return (ok, last lines of its output).  On failure, also
    print its last `show` lines of output."""
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, **kw)
    except OSError as e:
        return False, str(e)
    out = p.stdout.decode('utf-8', 'replace').strip().splitlines()
    if p.returncode != 0 and show:
        say('(%s failed; its last lines:)' % ' '.join(cmd))
        for line in out[-show:]:
            say('    | ' + line)
    return p.returncode == 0, ' / '.join(out[-3:])


class Images:
    """What the cases boot: a -kernel image, an ISO, dom0 modules.  Each
    of kernel/iso is a path, or None with the reason in *_why."""

    def __init__(self):
        self.kernel = self.iso = None
        self.kernel_why = self.iso_why = None
        self.modules = []


def build_ours(results, need_iso):
    img = Images()
    xen = os.path.join(TOP, 'xen')
    if os.environ.get('NOBUILD'):
        pass
    elif not os.path.isfile(os.path.join(xen, 'Makefile')):
        img.kernel_why = 'hypervisor not built: no xen/Makefile'
    else:
        ok, out = run_quiet(['make', '-s', '--no-print-directory', '-C', xen],
                            show=20)
        if not ok:
            img.kernel_why = 'hypervisor not built: make -C xen failed ' \
                             '(output above)'
    elf = os.path.join(xen, 'xen')
    if img.kernel_why is None and not os.path.isfile(elf):
        img.kernel_why = 'hypervisor not built: no xen/xen after make -C xen'
    if img.kernel_why:
        img.iso_why = img.kernel_why
        return img
    img.kernel = elf
    gz = elf + '.gz'
    if need_iso:
        make_iso(img, gz if os.path.isfile(gz) else elf, results, 'ours')
    return img


def build_xen417(results, need_iso):
    img = Images()
    try:
        img.kernel, dom0 = xen417.prepare(results)
    except xen417.Unavailable as e:
        img.kernel_why = img.iso_why = 'SKIP %s' % e
        return img
    img.modules = [dom0]
    if need_iso:
        make_iso(img, xen417.XEN417_GZ, results, 'xen417')
    return img


def make_iso(img, image, results, hv):
    iso = os.path.join(results, 'boot-%s.iso' % hv)
    cmd = [os.path.join(TOP, 'tools', 'scripts', 'mkiso')]
    for m in img.modules:
        cmd += ['-m', m]
    cmd += [image, iso] + PROFILES[hv]['append'].split()
    if not qemu.which('grub-mkrescue'):
        img.iso_why = 'SKIP grub-mkrescue missing (apt-get install ' \
                      'grub-common grub-pc-bin xorriso mtools)'
        return
    t = time.monotonic()
    ok, out = run_quiet(cmd, show=10)
    if ok:
        img.iso = iso
        say('(ISO built in %.1f s: %s)' % (time.monotonic() - t,
                                           os.path.relpath(iso)))
    else:
        img.iso_why = 'mkiso failed: ' + out


def build_minios():
    """None, or why extras/mini-os/mini-os cannot be booted."""
    # Both widths: the 32-bit build is the pv32 cases' guest.
    for arch, img in (('x86_64', MINIOS), ('x86_32', MINIOS + '-x86_32')):
        if not os.environ.get('NOBUILD'):
            ok, _ = run_quiet(['make', '-s', '--no-print-directory', '-C',
                               os.path.dirname(MINIOS), 'ARCH=' + arch],
                              show=20)
            if not ok:
                return 'mini-os not built: make -C extras/mini-os ' \
                       'ARCH=%s failed (output above)' % arch
        if not os.path.isfile(img):
            return 'mini-os not built: no %s' % os.path.relpath(img)
    return None


def check(case, profile, img, results):
    """Boot one case; return its Machine on success or raise BootFailure."""
    markers = profile['markers']
    keys = profile['debug_keys']
    n = case.get('cpus', case['smp'])
    timeout = case.get('timeout', 60)
    append = profile['append']
    if case.get('reboot'):
        append = ' '.join(w for w in append.split() if w != 'noreboot')
    append = ('console=com1 com1=115200,8n1 ' + append + ' ' +
              case.get('append', '')).strip()
    # A function of the results directory for files prepare() made there.
    extra_args = case.get('qemu_args', ())
    extra_args = list(extra_args(results) if callable(extra_args)
                      else extra_args)
    monitor = None
    if case.get('dump_on_stall'):
        monitor = os.path.join(results, case['name'] + '.monitor')
        if os.path.exists(monitor):
            os.unlink(monitor)
        extra_args += stall.monitor_args(monitor)
    machine_opts = dict(extra_args=extra_args,
                        forbid=case.get('forbid', qemu.DEFAULT_FORBID))
    if case['via'] == 'kernel':
        m = qemu.Machine(case['name'], results, kernel=img.kernel,
                         modules=case.get('modules', img.modules),
                         append=append,
                         smp=case['smp'], mem=case['mem'], cpu=case['cpu'],
                         **machine_opts)
    else:
        m = qemu.Machine(case['name'], results, iso=img.iso,
                         smp=case['smp'], mem=case['mem'], cpu=case['cpu'],
                         **machine_opts)
    ring_dumped = False
    big = mem_bytes(case['mem']) >= BIG_GUEST

    def dump_stalled():
        return stall.dump_stalled(
            m, monitor, os.path.join(results, case['name'] + '.cpus.txt'),
            stall.Symbols(os.path.join(os.path.dirname(img.kernel),
                                       'xen-syms')))

    with big_guest_lock if big else nullcontext(), m:
        for step in case.get('steps', BOOT_STEPS):
            what = step[0]
            if what in ('expect', 'reported'):
                fmt = dict(n=n, **(step[2] if len(step) > 2 else {}))
                rx = markers[step[1]].format(**fmt)
                if what == 'expect':
                    # Waiting is pointless once boot has gone past the line.
                    later = {'cpus': ['cpus_any', 'idle']}.get(step[1], [])
                    try:
                        m.expect(rx, timeout, label=step[1],
                                 stop_on=[markers[k] for k in later])
                    except qemu.BootFailure as e:
                        if monitor and ' within ' in e.why:
                            e.notes = dump_stalled()
                        raise
                elif not m.search(rx):
                    if not profile['ring_key']:
                        raise qemu.BootFailure('never printed %r' % rx, m)
                    if not ring_dumped:
                        # Look only at what the key brings out.
                        m.cursor = len(m.lines)
                        m.send(profile['ring_key'])
                        ring_dumped = True
                    m.expect(rx, 15, label=step[1])
            elif what == 'key':
                m.send(step[1])
                m.expect(keys[step[1]], 15, label='key ' + step[1])
            elif what == 'type':
                m.send(step[1])
            elif what == 'help':
                m.expect_set([HELP_LINE.format(key=re.escape(k), ascii=ord(k))
                              for k in keys], 15)
            elif what == 'settle':
                m.settle(step[1])
            elif what == 'exit':
                m.wait_exit(15)
            elif what == 'host':
                why = step[1](m)
                if why:
                    raise qemu.BootFailure(why, m)
            elif what == 'stall-dump':
                if step[1] == 'cpus':
                    stall.monitor_commands(monitor, ['stop'])
                notes = dump_stalled()
                want = {'keys': keys['e'],
                        'cpus': r'^CPU0 [0-9a-f]{16}.* IF=\d at \S'}[step[1]]
                if not any(re.search(want, n) for n in notes):
                    raise qemu.BootFailure('stall report (%s) lacks %r: %s'
                                           % (step[1], want,
                                              ' / '.join(notes[:6])), m)
            else:
                raise ValueError('unknown step %r' % (step,))
    return m


def selftests(results):
    """Cases that check the harness itself catches failures, using Xen 4.17
    (whatever HV is).  Each: (name, function returning a Machine)."""
    def panic():
        elf, _ = xen417.prepare(results)
        junk = os.path.join(results, 'not-a-kernel')
        with open(junk, 'w') as f:
            f.write('hello\n')
        m = qemu.Machine('harness-detects-panic', results, kernel=elf,
                         modules=[junk], append=xen417.APPEND, smp=2,
                         mem='256M')
        with m:
            try:
                m.expect(r'Freed \d+kB init memory', 60)
            except qemu.BootFailure as e:
                if 'Could not construct domain 0' not in e.why:
                    raise qemu.BootFailure('wrong failure: ' + e.why, m)
                return m
        raise qemu.BootFailure('panic went unnoticed', m)

    def qemu_exit():
        # QEMU rejects a kernel without a multiboot header and exits.
        m = qemu.Machine('harness-detects-exit', results,
                         kernel=os.path.join(HERE, 'run.py'), smp=1)
        with m:
            try:
                m.expect(r'Xen version', 20)
            except qemu.BootFailure as e:
                if 'exited' not in e.why and 'qemu' not in e.why:
                    raise qemu.BootFailure('wrong failure: ' + e.why, m)
                return m
        raise qemu.BootFailure('exit went unnoticed', m)

    return [('harness-detects-panic', panic),
            ('harness-detects-exit', qemu_exit)]


def main():
    hv = os.environ.get('HV', 'ours')
    if hv not in PROFILES:
        sys.exit('run.py: HV must be one of %s' % ', '.join(PROFILES))
    profile = PROFILES[hv]
    results = os.path.abspath(os.environ.get('RESULTS',
                                             os.path.join(HERE, 'results')))
    os.makedirs(results, exist_ok=True)
    pick = re.compile(os.environ.get('CASES', ''))
    start = time.monotonic()

    for name, why in grubd_test.run(results):
        if pick.search(name):
            say('PASS: %s' % name if why is None else
                'FAIL: %s: %s' % (name, one_line(why)))

    cases = [c for c in CASES if pick.search(c['name']) and
             c.get('only', hv) == hv]
    tests = [t for t in selftests(results) if pick.search(t[0])]
    if not qemu.which(qemu.QEMU):
        for name in [c['name'] for c in cases] + [t[0] for t in tests]:
            say('SKIP: %s: %s missing (apt-get install qemu-system-x86)'
                % (name, qemu.QEMU))
        return 0
    if tests:
        try:
            xen417.prepare(results)
        except xen417.Unavailable as e:
            for name, _ in tests:
                say('SKIP: %s: %s' % (name, e))
            tests = []
    if not cases and not tests:
        return 0

    need_iso = any(c['via'] == 'iso' for c in cases)
    img = (build_ours if hv == 'ours' else build_xen417)(results, need_iso)
    minios_why = build_minios() if any(c.get('minios') for c in cases) \
        else None
    runnable = []  # (name, function returning a Machine)
    for c in cases:
        why = img.kernel_why if c['via'] == 'kernel' else img.iso_why
        if not why and c.get('minios'):
            why = minios_why
        if not why and c.get('fail'):
            why = c['fail']
        if not why and c.get('skip'):
            why = 'SKIP ' + c['skip']
        if not why and c.get('prepare'):
            modules, why = c['prepare'](results)
            c = dict(c, modules=modules)
        if why and why.startswith('SKIP '):
            say('SKIP: %s: %s' % (c['name'], one_line(why[5:])))
        elif why:
            say('FAIL: %s: %s' % (c['name'], one_line(why)))
        else:
            runnable.append((c['name'],
                             lambda c=c: check(c, profile, img, results)))
    runnable += tests

    def report(job, result):
        name = job[0]
        if isinstance(result, qemu.Machine):
            say('PASS: %s' % name)
            warn = result.search(WARNING)
            if warn:
                say('    note: %d warning line(s), first: %s'
                    % (len(warn), warn[0].string))
            return
        if isinstance(result, qemu.BootFailure):
            say('FAIL: %s: %s' % (name, one_line(result.why)))
            say('    log: %s' % os.path.relpath(
                os.path.join(results, name + '.log')))
            for line in result.tail(12):
                say('    | ' + line)
            for line in getattr(result, 'notes', ()):
                say('    stall: ' + line)
        else:
            say('FAIL: %s: harness error: %r' % (name, result))

    qemu.run_parallel(lambda job: job[1](), runnable, on_result=report)
    say('(boot suite, HV=%s: %d boots in %.0f s, logs in %s)'
        % (hv, len(runnable), time.monotonic() - start,
           os.path.relpath(results)))
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
