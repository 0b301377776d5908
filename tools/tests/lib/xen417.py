# Prepares Debian's Xen 4.17 for QEMU -kernel, plus a dom0 it can build.
"""Debian's Xen, booted beside ours by the harness self-tests, HV=xen417 runs
of the boot suite, and the benchmarks.

Xen 4.17 panics ("Could not construct domain 0") right after bringing up
its CPUs if it has no dom0 module; any file (even 6 bytes) gets it as far as
`Brought up N CPUs`.  idle-dom0.S is a do-nothing PV kernel that lets it
finish booting (`Freed NkB init memory`) and take debug keys.
"""

import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
XEN417_GZ = '/boot/xen-4.17-amd64.gz'
# The command line from docs (xen417-under-qemu.md), with a smaller dom0.
APPEND = ('console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all '
          'dom0_mem=64M smap=0 noreboot')


class Unavailable(Exception):
    pass


def _run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL)
    if p.returncode:
        out = p.stdout.decode('utf-8', 'replace').strip().splitlines()
        raise Unavailable('%s failed: %s' % (cmd[0], ' / '.join(out[-3:])))


def _fresh(target, source):
    return (os.path.exists(target) and
            os.path.getmtime(target) >= os.path.getmtime(source))


def prepare(outdir):
    """Returns (xen_elf, idle_dom0) under outdir, building them if needed.
    Raises Unavailable with the reason if Xen 4.17 is not installed."""
    if not os.path.isfile(XEN417_GZ):
        raise Unavailable('%s missing (apt-get install '
                          'xen-hypervisor-4.17-amd64)' % XEN417_GZ)
    os.makedirs(outdir, exist_ok=True)
    elf = os.path.join(outdir, 'xen-4.17.elf')
    if not _fresh(elf, XEN417_GZ):
        _run(['sh', '-c', 'zcat "$0" > "$1.tmp" && mv "$1.tmp" "$1"',
              XEN417_GZ, elf])
    src = os.path.join(HERE, 'idle-dom0.S')
    dom0 = os.path.join(outdir, 'idle-dom0')
    if not _fresh(dom0, src):
        _run(['gcc', '-c', '-o', dom0 + '.o', src])
        _run(['ld', '-m', 'elf_x86_64', '-nostdlib', '-z', 'noexecstack',
              '-z', 'max-page-size=4096', '-Ttext-segment=0xffffffff80000000',
              '-e', '_start', '-o', dom0, dom0 + '.o'])
        os.unlink(dom0 + '.o')
    return elf, dom0
