#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Boots mini-os's in-guest tests as dom0; reports its cases per hypervisor.
"""Each hypervisor in HYPERVISORS boots extras/mini-os/mini-os as its dom0
under QEMU.  Every in-guest 'PASS: <case>' line comes out here as
'PASS: <hypervisor>: <case>' (FAIL and SKIP likewise).  A run that crashes,
hangs, or ends without the suite's summary is one more failure.  QEMU's PC
runs every case but those needing MMCONFIG (Q35_CASES), which the *-q35
hypervisor entries run on QEMU's q35 instead.

The *-32 entries boot the 32-bit PAE build (mini-os-x86_32) instead;
xen417-32 skips (Debian's Xen has no 32-bit PV); ours-32 runs with pv=32
(docs/misc/compat32.md).

Environment:
    MINIOS_ONLY=PREFIX    run only the in-guest cases named PREFIX...
    MINIOS_HV=A,B         boot only these of HYPERVISORS (default: all),
                          e.g. ours,ours-syscall (tools/mutate does)
    MINIOS_XEN=ELF        boot this hypervisor as ours instead of building
                          xen/ (tools/mutate boots prebuilt mutants)
    RESULTS=DIR           where the serial logs go (default ./results)
    BOOT_TIMEOUT_SCALE=F  multiply every timeout (see tests/lib/qemu.py)
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
MINIOS_SYSCALL = os.path.join(MINIOS_DIR, 'mini-os-syscall')
MINIOS_32 = os.path.join(MINIOS_DIR, 'mini-os-x86_32')
sys.path.insert(0, os.path.join(HERE, '..', 'lib'))

import qemu  # noqa: E402
import xen417  # noqa: E402

# PCI functions for the physdev_msi cases (extras/mini-os/tests/
# physdev_msi.c): MSI with per-vector mask bits (the bridge's) and
# multi-vector MSI (the NEC xHCI's; qemu-xhci turns its MSI off).
# Nothing drives them.
DEVICES = ['-device', 'pci-bridge,chassis_nr=1,addr=0x5',
           '-device', 'nec-usb-xhci,addr=0x6']

# Cases that need an MMCONFIG (ECAM) area, which QEMU's PC does not have:
# the PC runs leave them out, the q35 ones run only them.
Q35_CASES = 'mmcfg/'

# Seconds from QEMU start to the suite's summary line (Xen itself needs
# ~3 s to boot under TCG with -smp 2).
RUN_TIMEOUT = 60

# Guest console lines, as Xen forwards dom0's console_io writes.
CONSOLE_PREFIX = r'^(?:\(XEN\) )?(?:\(d0\) )?'
RESULT = re.compile(CONSOLE_PREFIX + r'(PASS|FAIL|SKIP): (.*)$')
SUMMARY = CONSOLE_PREFIX + r'(\d+) passed, (\d+) failed, (\d+) skipped$'
EXIT = CONSOLE_PREFIX + r'mini-os: exit status (\d+)'
TOTAL = CONSOLE_PREFIX + r'mini-os: running (\d+) test cases'
# What Xen 4.17 prints once dom0 has shut down (any reason).
XEN_DOM0_DOWN = r'Hardware Dom0 (halted|shutdown|crashed)'

XEN417_CONFIG = '/boot/xen-4.17-amd64.config'


class Skip(Exception):
    """A hypervisor that cannot run this guest, and why."""


def say(line):
    print(line, flush=True)


def xen417_setup(results):
    """(kernel, append) for Debian's Xen 4.17; raises Unavailable."""
    xen_elf, _ = xen417.prepare(results)
    return xen_elf, xen417.APPEND


def xen417_32_setup(results):
    """Xen 4.17 for the 32-bit guest: Debian's has no 32-bit PV."""
    try:
        with open(XEN417_CONFIG) as f:
            config = f.read()
    except OSError:
        config = ''
    if '# CONFIG_PV32 is not set' in config:
        raise Skip("Debian's Xen 4.17 is built without CONFIG_PV32")
    return xen417_setup(results)


def ours_32_setup(results):
    """Ours for the 32-bit guest: ours with pv=32."""
    return ours_setup(results)


def ours_setup(results):
    """(kernel, append) for this tree's hypervisor, built first."""
    elf = os.environ.get('MINIOS_XEN')
    if elf:
        rc = 0
    else:
        rc = subprocess.run(['make', '-s', '-C', os.path.join(TOP, 'xen')],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL).returncode
        elf = os.path.join(TOP, 'xen', 'xen')
    if rc != 0 or not os.path.isfile(elf):
        raise RuntimeError('hypervisor not built: make -C xen failed')
    # pv=32: the compat32/ cases try the 32-bit PV path (off by default).
    return elf, ('console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all '
                 'dom0_mem=64M noreboot pv=32')


# name, setup(results) -> (multiboot kernel, its command line), the
# guest (mini-os calls through Xen's hypercall page, mini-os-syscall
# issues syscall itself, as current Linux does), and QEMU's machine
# (None: its default PC).
HYPERVISORS = [
    ('xen417', xen417_setup, MINIOS, None),
    ('xen417-syscall', xen417_setup, MINIOS_SYSCALL, None),
    ('ours', ours_setup, MINIOS, None),
    ('ours-syscall', ours_setup, MINIOS_SYSCALL, None),
    ('xen417-q35', xen417_setup, MINIOS, 'q35'),
    ('ours-q35', ours_setup, MINIOS, 'q35'),
    ('xen417-32', xen417_32_setup, MINIOS_32, None),
    ('ours-32', ours_32_setup, MINIOS_32, None),
]
# Shown when a hypervisor cannot run the suite, in place of its cases.
SKIP_NAME = {'ours': 'minios on our hypervisor',
             'ours-syscall': 'minios (syscall build) on our hypervisor',
             'ours-q35': 'minios (q35) on our hypervisor',
             'ours-32': 'minios (x86_32 build) on our hypervisor',
             'xen417-32': 'minios (x86_32 build) on xen417'}


def guest_cmdline(machine, only):
    """mini-os's selection of cases for a run on machine, given
    MINIOS_ONLY; None if nothing selected runs there."""
    if machine == 'q35':
        if Q35_CASES.startswith(only):
            return 'only=' + Q35_CASES
        return 'only=' + only if only.startswith(Q35_CASES) else None
    if only.startswith(Q35_CASES):
        return None
    return ('only=%s ' % only if only else '') + 'skip=' + Q35_CASES


def build_minios(*args):
    """make in extras/mini-os with args (ARCH=x86_32: the 32-bit
    build); None, or the last lines of a failed build."""
    p = subprocess.run(['make', '-s', '-C', MINIOS_DIR] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL)
    out = p.stdout.decode('utf-8', 'replace').strip().splitlines()
    return None if p.returncode == 0 else ' / '.join(out[-3:])


def run_one(hv, kernel, append, guest, machine, cmdline, results):
    """Boot the suite once; say() one line per case.  Returns a reason
    string if the run as a whole failed, else None."""
    start = time.monotonic()
    seen = 0
    # The second module (dom0's "initrd") is the kernel that the domain
    # cases build their peers from: the same binary.  Our hypervisor also
    # starts one peer from a boot module (Xen 4.17 builds only dom0).
    modules = [(guest, cmdline), (guest, '')]
    if hv.startswith('ours'):
        modules.append((guest, 'domU mem=4M -- role=peer'))
    with qemu.Machine('minios-' + hv, results, kernel=kernel,
                      modules=modules, append=append,
                      smp=2, mem='512M', machine=machine,
                      extra_args=DEVICES) as m:
        try:
            m.expect(TOTAL, timeout=RUN_TIMEOUT, label='suite start')
            total = int(m.search(TOTAL)[0].group(1))
            deadline = start + RUN_TIMEOUT * qemu.TIMEOUT_SCALE
            done = None
            while done is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise qemu.BootFailure('no summary within %ds'
                                           % RUN_TIMEOUT, m)
                mt, _ = m.expect('|'.join((RESULT.pattern, SUMMARY,
                                           XEN_DOM0_DOWN)),
                                 timeout=left / qemu.TIMEOUT_SCALE,
                                 label='case')
                r = RESULT.match(mt.string)
                if re.search(XEN_DOM0_DOWN, mt.string):
                    raise qemu.BootFailure('dom0 went down before the '
                                           'summary: %s' % mt.string, m)
                if r:
                    say('%s: %s: %s' % (r.group(1), hv, r.group(2)))
                    seen += 1
                else:
                    done = mt
            status = int(m.expect(EXIT, timeout=5)[0].group(1))
            m.expect(XEN_DOM0_DOWN, timeout=10, label='dom0 down')
        except qemu.BootFailure as e:
            for line in e.tail(15):
                say('    | ' + line)
            return '%s (log: %s)' % (e.why, os.path.relpath(m.log_path))
    failed = int(re.match(SUMMARY, done.string).group(2))
    if status != (1 if failed else 0):
        return 'exit status %d with %d failed' % (status, failed)
    if 'only=' not in cmdline and seen != total:
        return 'reported %d of %d cases' % (seen, total)
    say('(minios on %s: %d cases in %.1f s)'
        % (hv, seen, time.monotonic() - start))
    return None


def main():
    results = os.path.abspath(os.environ.get('RESULTS',
                                             os.path.join(HERE, 'results')))
    os.makedirs(results, exist_ok=True)
    chosen = [h for h in os.environ.get('MINIOS_HV', '').split(',') if h]
    unknown = set(chosen) - {h[0] for h in HYPERVISORS}
    if unknown:
        say('FAIL: MINIOS_HV: no such hypervisor: %s'
            % ', '.join(sorted(unknown)))
        return 0
    why = build_minios()
    if why:
        say('FAIL: minios build: %s' % why)
        return 0
    # The 32-bit image, like the 64-bit ones, is rebuilt only when stale,
    # and built only for a run that boots it.
    why_32 = None
    if any(g == MINIOS_32 and (not chosen or hv in chosen)
           for hv, _, g, _ in HYPERVISORS):
        why_32 = build_minios('ARCH=x86_32')
    for hv, setup, guest, machine in HYPERVISORS:
        cmdline = guest_cmdline(machine, os.environ.get('MINIOS_ONLY', ''))
        if (chosen and hv not in chosen) or cmdline is None:
            continue
        name = SKIP_NAME.get(hv, 'minios on %s' % hv)
        if guest == MINIOS_32 and why_32:
            say('FAIL: %s: build: %s' % (name, why_32))
            continue
        if not qemu.which(qemu.QEMU):
            say('SKIP: %s: %s missing' % (name, qemu.QEMU))
            continue
        try:
            kernel, append = setup(results)
        except (xen417.Unavailable, Skip) as e:
            say('SKIP: %s: %s' % (name, e))
            continue
        except RuntimeError as e:
            say('FAIL: %s: %s' % (name, e))
            continue
        try:
            why = run_one(hv, kernel, append, guest, machine, cmdline,
                          results)
        except Skip as e:
            say('SKIP: %s: %s' % (name, e))
            continue
        if why:
            say('FAIL: %s: %s' % (name, why))
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
