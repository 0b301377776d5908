# The boot test cases: the QEMU configuration matrix and the special cases.
"""A case is a dict:

    name    unique, shown in PASS/FAIL lines and used for the log file name
    via     'kernel' (QEMU -kernel, multiboot1) or 'iso' (GRUB, multiboot2)
    smp, mem, cpu   QEMU -smp / -m / -cpu
    append  extra hypervisor command line ('kernel' only: the ISO's is fixed)
    cpus    CPUs that must come up (default: smp)
    reboot  True to leave `noreboot` off the command line
    steps   what to check, in order (default: BOOT_STEPS); each a tuple:
            ('expect', marker, {fmt})  a line matching expect.py's marker
            ('reported', marker, {fmt}) such a line anywhere in the log so
                                        far (or after the profile's ring key)
            ('key', k)       type k, expect its DEBUG_KEYS header
            ('type', s)      type s on the serial line
            ('help',)        a help line for every key in DEBUG_KEYS
            ('settle', s)    run s more seconds with no panic and no exit
            ('exit',)        QEMU exits (a reboot, under -no-reboot)
            ('host', fn)     fn(machine) runs on the host while the
                             machine runs; it returns None, or why the
                             case fails
            ('stall-dump', how)  stall.py's report on a boot taken as
                             stalled: how='keys' the hypervisor's debug
                             keys answer; how='cpus' QEMU is stopped and
                             the monitor's CPU summary must come instead
    timeout seconds allowed for each step (default 60)
    modules boot modules ('kernel' only; default: the profile's)
    qemu_args  extra QEMU arguments, or a function of the results
            directory returning them (for files prepare made there)
    forbid  regexes that fail the boot (default: qemu.DEFAULT_FORBID)
    only    the one hypervisor profile the case applies to
    minios  True if its modules include extras/mini-os/mini-os (built first)
    prepare function(results dir) returning (modules, None) or (None, why),
            run before the boot (after mini-os is built); why as for fail,
            or 'SKIP reason'
    skip    a reason the case cannot run here (it is then a SKIP)
    fail    a reason the case fails without booting (its image did not build)
"""

import glob
import os
import re
import shutil
import subprocess

import qemu  # run.py puts tools/tests/lib on the path

import badelf

MINIOS = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(
    __file__)), '..', '..', '..', 'extras', 'mini-os', 'mini-os'))

BOOT_STEPS = [('expect', 'cpus'), ('expect', 'idle'), ('settle', 0.5)]

# Every value of every dimension appears, on both boot paths, without the
# full product: smp {1,2,4,8} x mem {128M,1G,6G} x cpu {max,qemu64}.
# The biggest machines come first so the parallel run ends sooner; the 6G
# ones are spread out because only one runs at a time (run.py BIG_GUEST).
MATRIX = [
    # via      smp  mem     cpu
    ('kernel', 8, '6G', 'max'),
    ('kernel', 8, '128M', 'qemu64'),
    ('iso', 8, '6G', 'max'),
    ('iso', 4, '128M', 'qemu64'),
    ('kernel', 4, '6G', 'max'),
    ('kernel', 2, '1G', 'qemu64'),
    ('iso', 2, '6G', 'qemu64'),
    ('iso', 2, '128M', 'max'),
    ('kernel', 1, '6G', 'qemu64'),
    ('kernel', 1, '128M', 'max'),
    ('iso', 1, '1G', 'qemu64'),
]

CASES = [dict(name='%s-smp%d-%s-%s' % (via, smp, mem, cpu), via=via, smp=smp,
              mem=mem, cpu=cpu)
         for via, smp, mem, cpu in MATRIX]

CASES += [
    # maxcpus= caps the CPUs brought up below what the machine has.
    dict(name='maxcpus2-smp4', via='kernel', smp=4, mem='1G', cpu='max',
         append='maxcpus=2', cpus=2),
    # Bad values are reported and ignored: all 2 CPUs still come up.
    dict(name='bad-value', via='kernel', smp=2, mem='1G', cpu='max',
         append='loglvl=bogus maxcpus=x',
         steps=BOOT_STEPS + [('reported', 'bad_value',
                              dict(name='maxcpus', value='x'))]),
    # Unknown options are reported and ignored.
    dict(name='unknown-option', via='kernel', smp=1, mem='128M', cpu='qemu64',
         append='frobnicate=1 nosuchflag',
         steps=BOOT_STEPS + [('reported', 'unknown_param',
                              dict(name='frobnicate')),
                             ('reported', 'unknown_param',
                              dict(name='nosuchflag'))]),
    # Debug keys on the serial line; 'R' last, which reboots (QEMU exits).
    dict(name='debug-keys', via='kernel', smp=2, mem='1G', cpu='max',
         reboot=True,
         steps=[('expect', 'cpus'), ('expect', 'idle'), ('settle', 0.3),
                ('key', 'h'), ('help',),
                ('key', 'q'), ('key', 'e'), ('key', 'r'), ('key', 't'),
                ('key', 'm'),
                ('key', 'd'), ('settle', 0.3), ('key', 'R'), ('exit',)]),
]

# Each reboot= method resets the machine ('R' reboots; QEMU exits).  A
# method that failed would fall through to the next, so this shows the
# option is taken and the machine comes down, not which write did it.
CASES += [
    dict(name='reboot-' + how, via='kernel', smp=2, mem='128M', cpu='max',
         reboot=True, append='reboot=' + how,
         forbid=qemu.DEFAULT_FORBID + (r'parameter "reboot"',),
         steps=BOOT_STEPS + [('key', 'R'), ('exit',)])
    for how in ('pci', 'Power', 'kbd', 'triple', 'acpi')]

# The stall report that boot-linux-dom0 relies on: both of its answers.
CASES.append(dict(
    name='harness-dumps-stall', via='kernel', smp=2, mem='128M', cpu='max',
    only='ours', dump_on_stall=True,
    steps=BOOT_STEPS + [('stall-dump', 'keys'), ('stall-dump', 'cpus')]))

# A fault in the hypervisor is reported with registers and a call trace,
# then a clean panic; boot_fault= (debug builds) provokes one early.
FAULT_FORBID = (r'^qemu(-system-\S+)?: (?!terminating on signal|warning:)',)
for kind, trap in (('ud', 'invalid opcode'), ('pf', 'FATAL PAGE FAULT'),
                   ('gp', 'general protection fault')):
    CASES.append(dict(
        name='fault-report-' + kind, via='kernel', smp=2, mem='128M',
        cpu='max', append='boot_fault=' + kind, only='ours',
        forbid=FAULT_FORBID,
        steps=[('expect', 'fault_rip'), ('expect', 'call_trace'),
               ('expect', 'trace_entry', dict(fn='boot_fault_test')),
               ('expect', 'panic'), ('expect', 'fatal', dict(what=trap)),
               ('expect', 'halted')]))
CASES.append(dict(
    name='fault-report-panic', via='kernel', smp=1, mem='128M', cpu='qemu64',
    append='boot_fault=panic', only='ours', forbid=FAULT_FORBID,
    steps=[('expect', 'panic'), ('expect', 'fatal',
                                 dict(what='boot_fault=panic requested')),
           ('expect', 'halted')]))

# Without ACPI there is no MADT: one CPU, with a warning, and no panic.
CASES.append(dict(
    name='no-acpi-one-cpu', via='kernel', smp=4, mem='256M', cpu='max',
    qemu_args=('-no-acpi',), cpus=1, only='ours',
    steps=[('expect', 'no_acpi'), ('expect', 'cpus'), ('expect', 'idle'),
           ('settle', 0.5)]))

# A dom0 module that is no kernel is refused with a message naming why.
CASES.append(dict(
    name='dom0-bad-image', via='kernel', smp=1, mem='128M', cpu='max',
    modules=[__file__], only='ours', forbid=FAULT_FORBID,
    steps=[('expect', 'elf_refused'), ('expect', 'panic'),
           ('expect', 'fatal', dict(what='not a usable PV kernel')),
           ('expect', 'halted')]))

# Boot domains (docs/misc/boot-domains.md): mini-os as dom0 runs its domain/
# cases; the first plain module stays its initrd (the kernel its own
# peers are built from), and a "domU" module becomes d1, a peer that
# answers dom0 and powers off.  dom0 must pass every case, then halt.
DOM0_SUITE = [(MINIOS, 'only=domain/'), (MINIOS, '')]
SUITE_END = [('expect', 'guest_summary'), ('expect', 'dom0_halted')]
SUITE_FORBID = qemu.DEFAULT_FORBID + (r'^FAIL: ',)
CASES.append(dict(
    name='boot-domu-peer', via='kernel', smp=2, mem='256M', cpu='max',
    append='dom0_mem=64M', only='ours', minios=True, forbid=SUITE_FORBID,
    modules=DOM0_SUITE + [(MINIOS, 'domU mem=4M -- role=peer')],
    steps=[('expect', 'dom_built', dict(dom=1)),
           ('expect', 'guest_line', dict(dom=1, text='peer: answered')),
           ('expect', 'guest_result', dict(result='PASS',
                                           case='domain/boot_peer_exchange'))]
    + SUITE_END))
# Bad domU modules (no ELF, too small, a bad option, more memory than
# the machine has) are each refused with a line naming the module and the
# problem, and dom0 runs on without them (options are checked before
# dom0 is built, images after).
CASES.append(dict(
    name='boot-domu-refused', via='kernel', smp=2, mem='256M', cpu='max',
    append='dom0_mem=64M', only='ours', minios=True, forbid=SUITE_FORBID,
    modules=DOM0_SUITE + [(__file__, 'domU'), (MINIOS, 'domU mem=64K'),
                          (MINIOS, 'domU vcpus=0 -- role=peer'),
                          (MINIOS, 'domU mem=1G')],
    steps=[('expect', 'domu_refused', dict(module=4, why='bad option')),
           ('expect', 'domu_refused', dict(module=2, why='not a usable PV')),
           ('expect', 'domu_refused', dict(module=3, why='cannot hold')),
           ('expect', 'domu_refused', dict(module=5, why='out of memory')),
           ('expect', 'guest_result', dict(result='SKIP',
                                           case='domain/boot_peer_exchange'))]
    + SUITE_END))

# Kernels whose notes are wrong in ways that once hurt the builder: an
# unaligned hypercall page (written across into the next frame) and a
# boot region that wraps past 2^64 (whose layout never settled).  Both
# are refused, and dom0 runs on.
BAD = badelf.write_all(os.path.join(os.path.dirname(os.path.abspath(
    __file__)), 'build'))
CASES.append(dict(
    name='boot-domu-bad-layout', via='kernel', smp=2, mem='256M', cpu='max',
    append='dom0_mem=64M', only='ours', minios=True, forbid=SUITE_FORBID,
    modules=DOM0_SUITE + [(BAD['hcall-unaligned'], 'domU mem=4M'),
                          (BAD['region-wraps'], 'domU mem=4M')],
    steps=[('expect', 'domu_refused', dict(module=2, why='not a usable PV')),
           ('reported', 'elf_refused'),
           ('expect', 'domu_refused', dict(module=3, why='wraps around')),
           ('expect', 'guest_result', dict(result='SKIP',
                                           case='domain/boot_peer_exchange'))]
    + SUITE_END))


def build_small_kernel(outdir, name, kind, cflags=()):
    """(path, None) of the kernel in tools/tests/boot/<kind> (head.S,
    <kind>.c, <kind>.ld) built into outdir/name with cflags, or (None,
    why) if it did not build."""
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), kind)
    out = os.path.join(outdir, name)
    os.makedirs(outdir, exist_ok=True)
    cmd = ['gcc', '-std=gnu11', '-O2', '-Wall', '-Wextra', '-Werror',
           '-ffreestanding', '-fno-pic', '-fno-pie', '-fno-stack-protector',
           '-mgeneral-regs-only',
           '-fno-asynchronous-unwind-tables'] + list(cflags) + [
           '-I' + os.path.join(src, '..', '..', '..', '..', 'xen', 'include'),
           '-nostdlib', '-static', '-no-pie',
           '-Wl,-T,' + os.path.join(src, kind + '.ld'), '-Wl,--build-id=none',
           '-Wl,-z,noexecstack', '-Wl,--no-warn-rwx-segments', '-o', out,
           os.path.join(src, 'head.S'), os.path.join(src, kind + '.c')]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL)
    if p.returncode:
        return None, kind + ' did not build: ' + ' / '.join(
            p.stdout.decode('utf-8', 'replace').strip().splitlines()[-3:])
    return out, None


def build_lowpv(outdir, name, cflags=()):
    """lowpv (64-bit, no red zone) built as build_small_kernel does."""
    return build_small_kernel(outdir, name, 'lowpv',
                              ['-mno-red-zone'] + list(cflags))


# A PV kernel linked at 1 MiB with no VIRT_BASE note (so its virtual base
# is 0 and each pfn is va >> 12) checks its start of day against Xen's
# rules (lowpv/lowpv.c), loads a GDT with set_gdt and powers off: as dom0
# on both hypervisors, and as a boot domU beside mini-os on ours.  Built
# with a BSD_SYMTAB note it also finds its symbol table after its image.
BUILD = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'build')
LOWPV, LOWPV_WHY = build_lowpv(BUILD, 'lowpv')
LOWPV_SYM, LOWPV_SYM_WHY = build_lowpv(BUILD, 'lowpv-symtab',
                                       ['-DBSD_SYMTAB'])
LOWPV_FORBID = qemu.DEFAULT_FORBID + (r'lowpv: FAIL',)
CASES.append(dict(
    name='lowpv-dom0', via='kernel', smp=1, mem='256M', cpu='max',
    append='dom0_mem=64M', forbid=LOWPV_FORBID, fail=LOWPV_WHY,
    modules=[(LOWPV, '')],
    steps=[('expect', 'lowpv_pass'), ('expect', 'dom0_halted')]))
CASES.append(dict(
    name='lowpv-symtab-dom0', via='kernel', smp=1, mem='256M', cpu='max',
    append='dom0_mem=64M', forbid=LOWPV_FORBID, fail=LOWPV_SYM_WHY,
    modules=[(LOWPV_SYM, '')],
    steps=[('expect', 'lowpv_pass'), ('expect', 'dom0_halted')]))
# dom0 runs no cases here: beside lowpv left shut down (not destroyed),
# the domain/ cases' exact free-page counts came out one page short in
# about a third of boots on ours (docs/misc/testing.md, not explained).
CASES.append(dict(
    name='lowpv-domu', via='kernel', smp=2, mem='256M', cpu='max',
    append='dom0_mem=64M', only='ours', minios=True, fail=LOWPV_WHY,
    forbid=SUITE_FORBID + (r'lowpv: FAIL',),
    modules=[(MINIOS, 'only=none/'), (LOWPV, 'domU mem=8M')],
    steps=[('expect', 'dom_built', dict(dom=1)),
           ('expect', 'guest_line', dict(dom=1, text='lowpv: PASS'))]
    + SUITE_END))

# A 32-bit PAE PV kernel (pv32/pv32.c): console_io through its hypercall
# page, start_info, the page tables and compat M2P, mmu_update,
# update_va_mapping and an event sent to itself, in the 32-bit layouts.
# Debian's Xen 4.17 is built without 32-bit PV (CONFIG_PV32 off), so
# there it is refused as dom0 (pv32_refused); ours runs it to
# 'pv32: PASS' and its poweroff with pv=32, and refuses it without
# (pv32-dom0-off: 32-bit PV is off by default, docs/misc/compat32.md).
PV32, PV32_WHY = build_small_kernel(BUILD, 'pv32', 'pv32', ['-m32'])
# Xen 4.17 parses its notes first (dom0=verbose shows what it made of
# them): they are the ones a 32-bit PAE kernel needs, laid out as meant.
PV32_XEN417_NOTES = [('expect', 'elf_address', dict(field=f, value=v))
                     for f, v in (('virt_base', '0xc0000000'),
                                  ('virt_offset', '0xc0000000'),
                                  ('virt_kstart', '0xc0000000'),
                                  ('virt_entry', '0xc0001000'))]
# Xen 4.17 says why before its panic; ours says it in the panic.
for _name, _hv, _opts, _steps in (
        # A bad element is refused alone, as Xen's parse_boolean() does.
        ('pv32-dom0', 'ours', ' pv=32,no-32=1',
         [('expect', 'bad_value', dict(name='pv', value='32,no-32=1')),
          ('expect', 'pv32_pass'), ('expect', 'dom0_halted')]),
        ('pv32-dom0-off', 'ours', '',
         [('expect', 'panic'), ('expect', 'pv32_refused'),
          ('expect', 'halted')]),
        ('pv32-dom0-xen417', 'xen417', ' dom0=verbose',
         [('expect', 'pv32_refused'), ('expect', 'panic'),
          ('expect', 'halted')])):
    CASES.append(dict(
        name=_name, only=_hv,
        via='kernel', smp=1, mem='256M', cpu='max',
        append='dom0_mem=64M' + _opts,
        forbid=FAULT_FORBID + (r'pv32: FAIL',), fail=PV32_WHY,
        modules=[(PV32, '')],
        steps=(PV32_XEN417_NOTES if _hv == 'xen417' else []) + _steps))
# The hostile-guest fuzzer built for 32 bits (mini-os-x86_32), as a boot
# domU beside a mini-os dom0 that only sleeps (the fuzzer's witness): a
# slice of `make fuzz FUZZ_ARCH=x86_32` (docs/misc/fuzzing.md) through the
# compat entry.  Any finding, the fuzzer not ending its calls, or dom0 not
# getting every page of it back when it destroys it, fails.
MINIOS32 = MINIOS + '-x86_32'
CASES.append(dict(
    name='pv32-fuzz', via='kernel', smp=2, mem='256M', cpu='max',
    append='dom0_mem=64M pv=32', only='ours', minios=True, timeout=120,
    forbid=qemu.DEFAULT_FORBID + (r'FUZZ-FINDING', r'VERDICT: FAIL',
                                  r'FUZZ-WITNESS: FAIL',
                                  r'Domain 1 shutdown: crash'),
    modules=[(MINIOS, 'role=fuzz witness domus=1'),
             (MINIOS32, 'domU mem=4M -- role=fuzz seed=7 calls=32768 '
                        'ops=0x1fff')],
    steps=[('expect', 'dom_built', dict(dom=1)),
           ('expect', 'guest_line', dict(dom=1, text='VERDICT: PASS')),
           ('expect', 'witness', dict(verdict='PASS'))]))
# As a boot domU beside mini-os dom0: it passes, and dom0 runs on.
CASES.append(dict(
    name='pv32-domu', via='kernel', smp=2, mem='256M', cpu='max',
    append='dom0_mem=64M pv=32', only='ours', minios=True, fail=PV32_WHY,
    forbid=SUITE_FORBID + (r'pv32: FAIL',),
    modules=[(MINIOS, 'only=none/'), (PV32, 'domU mem=8M')],
    steps=[('expect', 'dom_built', dict(dom=1)),
           ('expect', 'guest_line', dict(dom=1, text='pv32: PASS'))]
    + SUITE_END))

# Each width of mini-os dom0 builds its domain/ cases' peers of the other
# width, beside a boot peer of that width (pv=32): boot-domu32-peer, the
# 64-bit dom0's builder's 32-bit PAE path and the vcpucontext domctls on
# a 32-bit domain from a 64-bit caller (domain/ctx32_*);
# boot-domu64-from-32, the 32-bit dom0's pv64 layouts, pinning a 64-bit
# domain's L4 and its 5168-byte context from a 32-bit caller.
for _name, _dom0, _peer, _more in (
        ('boot-domu32-peer', MINIOS, MINIOS32,
         [('expect', 'guest_result',
           dict(result='PASS',
                case='domain/ctx32_get_gives_the_32bit_layout'))]),
        ('boot-domu64-from-32', MINIOS32, MINIOS, [])):
    CASES.append(dict(
        name=_name, via='kernel', smp=2, mem='256M', cpu='max',
        append='dom0_mem=64M pv=32', only='ours', minios=True,
        forbid=SUITE_FORBID,
        modules=[(_dom0, 'only=domain/'), (_peer, ''),
                 (_peer, 'domU mem=4M -- role=peer')],
        steps=[('expect', 'dom_built', dict(dom=1)),
               ('expect', 'guest_result',
                dict(result='PASS', case='domain/boot_peer_exchange')),
               ('expect', 'guest_result',
                dict(result='PASS', case='domain/build_peer_and_exchange'))]
        + _more + SUITE_END))


def debian_kernel():
    """(vmlinuz, initrd) of the newest Debian kernel in /boot, or None."""
    for k in sorted(glob.glob('/boot/vmlinuz-*-amd64'), reverse=True):
        initrd = k.replace('vmlinuz-', 'initrd.img-')
        if os.path.isfile(initrd):
            return k, initrd
    return None


# Debian's Linux as a PV dom0, through its initramfs to the busybox shell
# it drops to without a root= (udev and forking user space on the way).
# smap=0: QEMU's IRET reads the guest stack as a supervisor access, which
# SMAP refuses; Xen 4.17 needs the same here.
LINUX = debian_kernel()
CASES.append(dict(
    name='boot-linux-dom0', via='kernel', smp=2, mem='1G', cpu='max',
    append='dom0_mem=512M smap=0 conswitch=a', only='ours', timeout=120,
    modules=[(LINUX[0], 'console=hvc0'), (LINUX[1], '')] if LINUX else [],
    skip=None if LINUX else 'no Debian kernel and initrd in /boot '
                            '(apt-get install linux-image-amd64)',
    # Serial input goes to dom0 (conswitch=a): the shell runs a command.
    # A stall (#18: once after udevd starts, under make test's load) gets
    # the hypervisor's state dumped into the log, as stress-dom0 does.
    dump_on_stall=True,
    steps=[('expect', 'linux_init'), ('expect', 'initramfs_shell'),
           ('settle', 2), ('type', 'echo hv-ok-$((6*7))\r'),
           ('expect', 'shell_output', dict(text='^hv-ok-42'))]))

# Dom0's hypervisor command line on each hypervisor (smap=0: QEMU's IRET
# reads the stack as a supervisor access, which a PV dom0 trips on ours).
DOM0_APPENDS = (('ours', 'dom0_mem=512M smap=0 conswitch=a'),
                ('xen417', 'dom0_mem=512M conswitch=a'))


# Debian's Linux as dom0 takes the machine down, on both hypervisors:
# `poweroff -f` hands the PM1 values for S5 to XENPF_enter_acpi_sleep,
# which must power off (not leave it to SCHEDOP_shutdown's fallback);
# `reboot -f` is SCHEDOP_shutdown reboot.  QEMU must exit either way
# (-no-reboot turns the reset into an exit).
for _hv, _append in DOM0_APPENDS:
    for _cmd, _line in (('poweroff', 'acpi_s5'), ('reboot', 'dom0_reboot')):
        CASES.append(dict(
            name='linux-dom0-%s%s' % (_cmd, '' if _hv == 'ours'
                                       else '-xen417'),
            via='kernel', smp=2, mem='1G', cpu='max', append=_append,
            only=_hv, timeout=120, reboot=_cmd == 'reboot',
            modules=[(LINUX[0], 'console=hvc0'), (LINUX[1], '')]
            if LINUX else [],
            skip=None if LINUX else 'no Debian kernel and initrd in /boot',
            forbid=qemu.DEFAULT_FORBID + (r'Power-off failed',
                                          r'S5 state not entered'),
            steps=[('expect', 'linux_init'), ('expect', 'initramfs_shell'),
                   ('settle', 2), ('type', _cmd + ' -f\r'),
                   ('expect', _line), ('exit',)]))

MKROOTFS = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(
    __file__)), '..', '..', 'scripts', 'mkrootfs'))


def dom0_rootfs(name, adds=(), texts=(), options=()):
    """A prepare function for a case booting Debian's Linux with the root
    file system of tools/scripts/mkrootfs (cached; see testing.md) as its
    initramfs, adds ((file, path in the tree)) and texts ((path in the
    tree, contents)) appended, options more mkrootfs arguments.  It
    returns (modules, None), or (None, why), why starting 'SKIP ' when
    the packages cannot be had."""
    def prepare(results):
        if not LINUX:
            return None, 'SKIP no Debian kernel in /boot ' \
                         '(apt-get install linux-image-amd64)'
        out = os.path.join(results, name + '.rootfs')
        os.makedirs(out, exist_ok=True)
        kver = os.path.basename(LINUX[0])[len('vmlinuz-'):]
        cmd = [MKROOTFS, '-o', out, '--kver', kver] + list(options)
        for i, (dest, text) in enumerate(texts):
            src = os.path.join(out, 'text%d' % i)
            with open(src, 'w') as f:
                f.write(text)
            cmd += ['--add', '%s:%s' % (src, dest)]
        for src, dest in adds:
            cmd += ['--add', '%s:%s' % (src, dest)]
        p = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        if p.returncode:
            last = p.stdout.decode('utf-8', 'replace').strip().splitlines()
            return None, '%sno dom0 rootfs: %s' % (
                'SKIP ' if p.returncode == 2 else '', ' / '.join(last[-2:]))
        return [(LINUX[0], 'console=hvc0'),
                (os.path.join(out, 'rootfs.cpio.gz'), '')], None
    return prepare


def expect_lines(*rxs):
    return [('expect', 'shell_output', dict(text=rx)) for rx in rxs]


def shell(command, label, *rxs):
    """Steps typing command at dom0's shell, waiting for lines matching
    rxs in turn and then its exit status (0) on a line of its own."""
    return ([('type', '%s; echo %s-rc=$?\r' % (command, label))] +
            expect_lines(*rxs) +
            [('expect', 'shell_output', dict(text='^%s-rc=0$' % label))])


# Xen 4.17's own toolstack in dom0 (Debian's xl, from mkrootfs's tree):
# `xl info` and `xl list` print what the hypervisor reports, in their
# usual shape, on ours as on Xen 4.17.  The lines checked come in xl's
# order, each after the command's echo.
XL_INFO_STEPS = (
    shell('xl info', 'xl-info') + [('settle', 0.5)] +
    [('type', 'xl info | grep -E "^(nr_cpus|total_memory|free_memory|'
              'xen_major|xen_version|xen_caps|xen_scheduler|'
              'xend_config_format)"; xl list\r')] +
    expect_lines(r'^nr_cpus\s+: 2$', r'^total_memory\s+: \d+$',
                 r'^free_memory\s+: \d+$', r'^xen_major\s+: \d+$',
                 r'^xen_version\s+: \d+\.\d+', r'^xen_caps\s+: .*xen-3\.0-x86_64',
                 r'^xen_scheduler\s+: \w+$', r'^xend_config_format\s+: 4$',
                 r'^Name\s+ID\s+Mem\s+VCPUs\s+State\s+Time\(s\)$',
                 r'^Domain-0\s+0\s+\d+\s+2\s+r-----\s+\d+\.\d$'))
def dom0_twins(base, prepare_for, steps, timeout=120, forbid=(),
               qemu_args_for=None, xen417_append='', **extra):
    """The case base on ours and base-xen417 on Xen 4.17: Linux dom0 with
    the root file system prepare_for(name) makes (and QEMU's extra
    arguments qemu_args_for(name) gives), whose shell runs steps; a
    failure /init reports, or one of forbid, fails it.  xen417_append
    goes on Xen 4.17's command line."""
    for hv, append in DOM0_APPENDS:
        name = base + ('' if hv == 'ours' else '-xen417')
        if hv == 'xen417' and xen417_append:
            append += ' ' + xen417_append
        if qemu_args_for:
            extra['qemu_args'] = qemu_args_for(name)
        CASES.append(dict(
            name=name, via='kernel', smp=2, mem='1G', cpu='max',
            append=append, only=hv, timeout=timeout,
            prepare=prepare_for(name),
            forbid=qemu.DEFAULT_FORBID + (r'^hv-rootfs: .*failed',) + forbid,
            steps=[('expect', 'linux_init'), ('expect', 'rootfs_ready'),
                   ('settle', 2)] + steps, **extra))


dom0_twins('linux-dom0-xl-info', dom0_rootfs, XL_INFO_STEPS)

# Debian's xl builds a PV guest on each hypervisor (xl-on-ours.md): our
# mini-os, spinning, is listed with its 32 MiB and one vCPU, its console
# reaches xenconsoled's log, and `xl destroy` takes it away again with
# every MiB back in the free count.
MINIOS_CFG = """name = "minios"
kernel = "/guests/mini-os"
memory = 32
vcpus = 1
extra = "role=spin"
"""
FREE_MB = "xl info | awk '/^free_memory/ {print $3}'"
XL_CREATE_STEPS = (
    [('type', 'before=$(%s)\r' % FREE_MB)] +
    shell('xl create /etc/xen/minios.cfg', 'xl-create') +
    shell('sleep 2; xl list', 'xl-list',
          r'^Domain-0\s+0\s+\d+\s+2\s',
          r'^minios\s+[1-9]\d*\s+32\s+1\s+[-rb]{2}-{4}\s') +
    [('type', 'cat /var/log/xen/console/guest-minios.log\r')] +
    expect_lines(r'^spin: spinning') +
    shell('xl destroy minios', 'xl-destroy') +
    [('type', 'xl list minios >/dev/null 2>&1; echo gone=$?; i=0; '
              'while [ "$(%s)" != "$before" ] && [ $i -lt 20 ]; do '
              'sleep 0.5; i=$((i+1)); done; '
              'echo free-change=$(($(%s) - before))\r' % (FREE_MB, FREE_MB))] +
    expect_lines(r'^gone=1$', r'^free-change=0$'))
# Process exit under load, two vCPUs: Linux's exit_mmap unpins the mm's
# L4 and maps each of its tables writable again in one multicall
# (xen_pgd_unpin).  Two shell loops run xl (many libraries, so many
# tables) and short busybox applets while a third unloads and reloads
# modules, for about 25 s; keys typed meanwhile make console interrupts
# (one oops came as the harness typed).  A failed entry of that batch
# (an update_va_mapping at -EBUSY, the table still typed) is a WARNING
# from xen_mc_flush, then an oops in xen_set_pmd.
EXIT_LOOP = ('end=$(($(date +%%s) + 25)); n=0; while [ $(date +%%s) -lt $end ]'
             '; do %s; n=$((n + 1)); done; echo %s-$n')
EXIT_STRESS_STEPS = shell(
    '(%s) & (%s) & (%s) & wait' % (
        EXIT_LOOP % ('xl info >/dev/null; ls /proc >/dev/null', 'loop-a'),
        EXIT_LOOP % ('xl list >/dev/null; uname -a >/dev/null', 'loop-b'),
        EXIT_LOOP % ('rmmod loop bridge 2>/dev/null; modprobe loop; '
                     'modprobe bridge', 'modules')) +
    '; echo exits-done', 'exit-stress', r'^exits-done$')
dom0_twins('linux-dom0-exit-stress', dom0_rootfs,
           EXIT_STRESS_STEPS[:1] + [('settle', 0.5), ('type', ' ')] * 40 +
           EXIT_STRESS_STEPS[1:], timeout=150,
           forbid=(r'Oops', r'BUG: ', r'WARNING: ', r'xen_set_pmd',
                   r'multicall\(s\) failed', r'failed with -'))

dom0_twins('linux-dom0-xl-create',
           lambda name: dom0_rootfs(name, [(MINIOS, '/guests/mini-os')],
                                    [('/etc/xen/minios.cfg', MINIOS_CFG)]),
           XL_CREATE_STEPS, forbid=(r'^libxl: error',), minios=True)


# Our dom0 stack (issue 16) in place of Debian's daemons: mkrootfs's /init
# runs /etc/hv-rootfs/xen-start, which starts OUR xenstored, init-dom0 and
# xenconsoled (tools/helpers/xen-dom0-start); Debian's unmodified xl then
# builds mini-os against them.  Debian's xenstore-read/ls read our store,
# the guest's console lands in our xenconsoled's log, Xen's own console in
# hypervisor.log, and `xl destroy` leaves no /local/domain/N behind (our
# xenstored saw the death through VIRQ_DOM_EXC and fired @releaseDomain).
TOOLS = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(
    __file__)), '..', '..'))
OUR_STACK = [(os.path.join(TOOLS, d, 'build', f), '/opt/' + f)
             for d, f in (('xenstore', 'xenstored'),
                          ('console', 'xenconsoled'),
                          ('helpers', 'init-dom0'))] + [
    (os.path.join(TOOLS, 'helpers', 'xen-dom0-start'),
     '/opt/xen-dom0-start')]


def our_stack_rootfs(name):
    """dom0_rootfs with our daemons built (tools/*/build) and added."""
    base = dom0_rootfs(name, OUR_STACK + [(MINIOS, '/guests/mini-os')],
                       [('/etc/xen/minios.cfg', MINIOS_CFG),
                        ('/etc/hv-rootfs/xen-start',
                         '#!/bin/sh\nexec /opt/xen-dom0-start\n')])

    def prepare(results):
        for d in ('xenstore', 'console', 'helpers'):
            p = subprocess.run(['make', '-s', '-C', os.path.join(TOOLS, d)],
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
            if p.returncode:
                return None, 'cannot build tools/%s: %s' % (
                    d, p.stdout.decode('utf-8', 'replace')[-300:])
        return base(results)
    return prepare


OUR_STACK_STEPS = (
    shell('for d in xenstored xenconsoled; do readlink '
          '/proc/$(cat /run/xen/$d.pid)/exe; done',
          'ours', r'^/opt/xenstored$', r'^/opt/xenconsoled$') +
    shell('xenstore-read /local/domain/0/name /local/pool/0/name',
          'xs-read', r'^Domain-0$', r'^Pool-0$') +
    shell('xenstore-ls /local/domain/0 | grep "^[a-z]"', 'xs-ls',
          r'^domid = "0"$') +
    XL_CREATE_STEPS +
    shell('sleep 1; echo left=$(xenstore-list /local/domain | tr "\\n" " ")'
          '; xenstore-ls / | grep -c minios || true', 'stale',
          r'^left=0$', r'^0$') +
    shell('test -s /var/log/xen/console/hypervisor.log && echo hvlog-ok; '
          'cat /var/log/xen/xenstored.log /var/log/xen/xenconsoled.log',
          'logs', r'^hvlog-ok$'))
dom0_twins('linux-dom0-our-stack', our_stack_rootfs, OUR_STACK_STEPS,
           timeout=150, minios=True,
           forbid=(r'^libxl: error', r'^xen-dom0-start: '))


# The lifecycle of xl's guests (issue #13): 50 create/destroy cycles of a
# mini-os that answers control/shutdown, with the time of each; then free
# memory and xenstore are as before.  Then pause/unpause, destroy of a
# paused and of a crashed guest, xl shutdown and xl reboot.  A script in
# the rootfs does it: typing on the serial line costs seconds a line.
LIFE_CFG = """name = "life"
kernel = "/guests/mini-os"
memory = 32
vcpus = 1
extra = "role=%s"
on_crash = "preserve"
"""
LIFE_SH = r"""#!/bin/sh
# Guest lifecycle under xl (written by tools/tests/boot/cases.py).
cd /etc/xen
up() { read u _ < /proc/uptime; echo $u; }
free() { xl info | awk '/^free_memory/ {print $3}'; }
# Every xenstore path, to find what a guest left behind.
paths() { xenstore-ls -f / | sed 's/ = .*//' | sort; }
# What names a guest: a domain's own tree, its backends, libxl's and /vm.
stale() {
    xenstore-ls -f / | sed 's/ = .*//' | grep -E \
        '^/local/domain/[1-9]|^/local/domain/0/backend/[^/]+/[1-9]|^/libxl/[1-9]|^/vm/'
}
state() { xl list "$1" 2>/dev/null | awk 'NR == 2 {print $5}'; }
# Waits up to $2 half-seconds for `state life` to match $1.
wait_state() {
    i=0
    while ! state life | grep -qE "$1" && [ $i -lt $2 ]; do
        sleep 0.5; i=$((i+1))
    done
    echo "$3 state=$(state life)"
}
gone() {
    i=0
    while xl list life >/dev/null 2>&1 && [ $i -lt 10 ]; do
        sleep 0.5; i=$((i+1))
    done
    if xl list life >/dev/null 2>&1; then
        echo "$1 present"
        xl list; tail -5 /var/log/xen/xl-life.log
    else
        echo "$1 gone"
    fi
}
free_settles() {
    i=0
    while [ "$(free)" != "$1" ] && [ $i -lt 20 ]; do sleep 0.5; i=$((i+1)); done
}
before=$(free)
paths > /tmp/paths.before
n=${1:-50}
c=1; worst=0
while [ $c -le $n ]; do
    t0=$(up)
    xl create -q control.cfg >/dev/null || echo "cycle $c create failed"
    t1=$(up)
    xl destroy life || echo "cycle $c destroy failed"
    t2=$(up)
    echo "cycle $c create $(echo $t0 $t1 | awk '{printf "%.2f", $2 - $1}')" \
         "destroy $(echo $t1 $t2 | awk '{printf "%.2f", $2 - $1}')"
    c=$((c+1))
done
free_settles $before
echo "cycles=$n free-change=$(($(free) - before))"
paths > /tmp/paths.after
# libxl makes the parents /libxl and /vm on its first create and keeps
# them (on Xen too); nothing below them may stay.
echo "new-paths: $(grep -vxFf /tmp/paths.before /tmp/paths.after | \
    grep -vxE '/libxl|/vm' | tr '\n' ' ')"
echo "stale-paths: $(stale | wc -l)"
# Pause, unpause, and destroy while paused.
xl create -q control.cfg
xl pause life; wait_state '^--p' 10 paused
xl unpause life; wait_state '^[-rb]{2}-' 10 unpaused
xl pause life; xl destroy life && gone destroy-paused
# A guest that crashed is kept (on_crash=preserve) until destroyed.
xl create -q crash.cfg
wait_state '^-{3}sc' 40 crashed
xl destroy life && gone destroy-crashed
# xl shutdown: the guest sees control/shutdown and powers off.
xl create -q control.cfg; sleep 1
t0=$(up); xl shutdown -w life >/dev/null 2>&1; t1=$(up)
gone shutdown
echo "shutdown took $(echo $t0 $t1 | awk '{printf "%.2f", $2 - $1}')"
# xl reboot: xl's daemon builds the guest again, under a new id.
xl create -q control.cfg; sleep 1
id=$(xl domid life)
xl reboot life
i=0
# Between the old domain's end and the new one's start there is none.
while [ "$(xl domid life 2>/dev/null)" = "$id" -o \
        -z "$(xl domid life 2>/dev/null)" ] && [ $i -lt 40 ]; do
    sleep 0.5; i=$((i+1))
done
new=$(xl domid life 2>/dev/null)
[ -n "$new" ] && [ "$new" != "$id" ] && echo "rebooted as new id" || \
    echo "reboot: id $id then '$new'"
wait_state '^[-rb]{2}-' 20 after-reboot
grep -c "shutdown request 'reboot'" /var/log/xen/console/guest-life.log | \
    sed 's/^/reboot-requests=/'
xl destroy life && gone destroy-rebooted
free_settles $before
echo "final free-change=$(($(free) - before)) stale-paths=$(stale | wc -l)"
echo life-done
"""
LIFE_STEPS = (
    [('type', '/etc/xen/life.sh 50\r')] +
    [('expect', 'shell_output', dict(text=r'^cycle %d create [\d.]+ destroy '
                                     r'[\d.]+$' % i)) for i in (1, 25, 50)] +
    expect_lines(r'^cycles=50 free-change=0$', r'^new-paths: $',
                 r'^stale-paths: 0$', r'^paused state=--p',
                 r'^unpaused state=[-rb]{2}-', r'^destroy-paused gone$',
                 r'^crashed state=---sc-$', r'^destroy-crashed gone$',
                 r'^shutdown gone$', r'^rebooted as new id$',
                 r'^after-reboot state=[-rb]{2}-', r'^reboot-requests=1$',
                 r'^destroy-rebooted gone$',
                 r'^final free-change=0 stale-paths=0$', r'^life-done$'))


def xl_twins(base, timeout, steps, adds=(), texts=(), options=(),
             minios=False):
    """dom0_twins for xl's cases: what xl or the guest's scripts report as
    failed fails."""
    dom0_twins(base, lambda name: dom0_rootfs(name, adds, texts, options),
               steps, timeout=timeout, minios=minios,
               forbid=(r'^libxl: error', r'^(cycle \d+|linux) \w+ failed$'))


xl_twins('linux-dom0-xl-lifecycle', 200, LIFE_STEPS, minios=True,
         adds=[(MINIOS, '/guests/mini-os')],
         texts=[('/etc/xen/control.cfg', LIFE_CFG % 'control'),
                ('/etc/xen/crash.cfg', LIFE_CFG % 'crash'),
                ('/etc/xen/life.sh', LIFE_SH)])

# A Debian Linux PV domU under xl (issue #13): dom0's own kernel with
# mkrootfs's guest initramfs, its disk a loop device over a file in dom0
# served by blkback, its vif on the bridge xenbr0 served by netback, both
# set up by Debian's hotplug scripts that xl runs.  The guest mounts xvda,
# writes a file there, pings dom0, and `xl shutdown` stops it.
LINUX_CFG = """name = "linux"
kernel = "/guests/vmlinuz"
ramdisk = "/guests/guest.cpio.gz"
extra = "console=hvc0 hv_ip=192.168.100.2 hv_peer=192.168.100.1"
memory = 128
vcpus = 1
disk = ['phy:/dev/loop0,xvda,w']
vif = ['bridge=xenbr0']
"""
LINUX_SH = r"""#!/bin/sh
# A Linux domU with a disk and a vif (written by tools/tests/boot/cases.py).
cd /etc/xen
up() { read u _ < /proc/uptime; echo $u; }
since() { echo $1 $(up) | awk '{printf "%.2f", $2 - $1}'; }
free() { xl info | awk '/^free_memory/ {print $3}'; }
log=/var/log/xen/console/guest-linux.log
# Waits up to $2 tenths of a second for $1 in the guest's console.
wait_log() {
    i=0
    while ! grep -q "$1" $log 2>/dev/null && [ $i -lt $2 ]; do
        sleep 0.1; i=$((i+1))
    done
    grep -q "$1" $log 2>/dev/null
}
dd if=/dev/zero of=/tmp/xvda.img bs=1M count=16 2>/dev/null
losetup /dev/loop0 /tmp/xvda.img && mke2fs -q /dev/loop0 >/dev/null &&     mount -t ext4 /dev/loop0 /mnt && echo "from dom0" > /mnt/hello &&     umount /mnt || echo "linux disk failed"
brctl addbr xenbr0 && ip addr add 192.168.100.1/24 dev xenbr0 &&     ip link set xenbr0 up || echo "linux bridge failed"
before=$(free)
t0=$(up)
xl create -q linux.cfg || echo "linux create failed"
echo "xl create took $(since $t0)"
wait_log "hv-guest: userspace" 900 && echo "userspace after $(since $t0)"
wait_log "hv-guest: ready" 900 || { tail -40 $log; echo "linux ready failed"; }
echo "ready after $(since $t0)"
grep "^hv-guest:" $log
ls /sys/class/net/xenbr0/brif | grep -q '^vif' && echo "vif on xenbr0"
t0=$(up)
xl shutdown -w linux >/dev/null 2>&1
i=0
while xl list linux >/dev/null 2>&1 && [ $i -lt 100 ]; do
    sleep 0.1; i=$((i+1))
done
xl list linux >/dev/null 2>&1 && echo "linux shutdown failed" || \
    echo "shut down after $(since $t0)"
mount -t ext4 /dev/loop0 /mnt && cat /mnt/guest && umount /mnt
i=0
while [ "$(free)" != "$before" ] && [ $i -lt 20 ]; do sleep 0.5; i=$((i+1)); done
echo "free-change=$(($(free) - before))"
echo linux-done
"""
LINUX_STEPS = (
    [('type', '/etc/xen/linux.sh\r')] +
    expect_lines(r'^xl create took [\d.]+$', r'^userspace after [\d.]+$',
                 r'^ready after [\d.]+$',
                 r'^hv-guest: xvda mounted: from dom0$',
                 r'^hv-guest: xvda written$',
                 r'^hv-guest: ping 192\.168\.100\.1 ok$', r'^hv-guest: ready$',
                 r'^vif on xenbr0$', r'^shut down after [\d.]+$',
                 r'^written by the guest$',
                 r'^free-change=0$', r'^linux-done$'))
if LINUX:
    xl_twins('linux-dom0-xl-linux-domu', 180, LINUX_STEPS,
             options=['--guest'],
             adds=[(LINUX[0], '/guests/vmlinuz')],
             texts=[('/etc/xen/linux.cfg', LINUX_CFG),
                    ('/etc/xen/linux.sh', LINUX_SH)])

def _linux_nic_case(name, hv, append, nic, text, forbid=()):
    """Linux as dom0 with a NIC: bring it up, expect text in
    /proc/interrupts."""
    return dict(
        name=name, via='kernel', smp=2, mem='1G', cpu='max', append=append,
        only=hv, timeout=120,
        modules=[(LINUX[0], 'console=hvc0'), (LINUX[1], '')]
        if LINUX else [],
        skip=None if LINUX else 'no Debian kernel and initrd in /boot',
        qemu_args=('-netdev', 'user,id=n0', '-device', nic + ',netdev=n0'),
        forbid=qemu.DEFAULT_FORBID + forbid,
        steps=[('expect', 'linux_init'), ('expect', 'initramfs_shell'),
               ('settle', 3),
               ('type', 'for n in /sys/class/net/e*; do '
                        'ip link set ${n##*/} up; done\r'),
               ('settle', 3), ('type', 'cat /proc/interrupts\r')]
        + [('expect', 'shell_output', dict(text=t)) for t in text])


# Debian's Linux as dom0 drives its devices' interrupts through PIRQs, on
# both hypervisors: every legacy and PCI GSI maps (no "xen map irq
# failed"), ata_piix registers its lines, and an e1000 brought up gets its
# GSI as an event channel ("xen-pirq" in /proc/interrupts).  The e1000 has
# no MSI, so no MSI mapping is tried either.
for _hv, _append in DOM0_APPENDS:
    CASES.append(_linux_nic_case(
        'linux-dom0-irqs%s' % ('' if _hv == 'ours' else '-xen417'), _hv,
        _append, 'e1000',
        (r'xen-pirq.*-ioapic-level +(eth|ens)\d',
         r'xen-pirq.*-ioapic-edge +ata_piix'),
        forbid=(r'xen map irq failed', r'Failed to obtain physical IRQ')))

# A virtio NIC's driver asks for MSI-X first: the hypervisor programs
# the entries dom0 maps (map_pirq, type MSI), and its queues' interrupts
# arrive as PIRQs ("xen-pirq-msi-x"), with no "xen map irq failed".
for _hv, _append in DOM0_APPENDS:
    CASES.append(_linux_nic_case(
        'linux-dom0-msix%s' % ('' if _hv == 'ours' else '-xen417'), _hv,
        _append, 'virtio-net-pci', (r'xen-pirq.*-msi-x +virtio\d',),
        forbid=(r'xen map irq failed',)))


def disk_root(name):
    """dom0_rootfs's tree also as an ext4 image (--ext4) in the results
    directory; dom0 boots Debian's initramfs, which mounts it from
    virtio-blk as the root."""
    tree = dom0_rootfs(name, options=('--ext4',))

    def prepare(results):
        _, why = tree(results)
        if why:
            return None, why
        return [(LINUX[0], 'console=hvc0 root=/dev/vda rw'),
                (LINUX[1], '')], None
    return prepare


def disk_root_args(name):
    return lambda results: [
        '-drive', 'file=%s,format=raw,if=none,id=vd0' % os.path.join(
            results, name + '.rootfs', 'rootfs.ext4'),
        '-device', 'virtio-blk-pci,drive=vd0']


# Dom0 from its disk: Debian's initramfs finds the root file system on
# virtio-blk (mkrootfs --ext4) and runs its /init to a shell on hvc0;
# `poweroff` (busybox's, which signals PID 1) then unmounts and powers the
# machine off through the hypervisor (ACPI S5), and QEMU exits.
dom0_twins('linux-dom0-disk-root', disk_root,
           shell('grep " / " /proc/mounts', 'root',
                 r'^/dev/vda / ext4 rw[, ]') +
           [('type', 'poweroff\r'),
            ('expect', 'shell_output', dict(text='^hv-rootfs: poweroff: ')),
            ('expect', 'acpi_s5'), ('exit',)],
           forbid=(r'Power-off failed', r'Kernel panic'),
           qemu_args_for=disk_root_args)


# Our libhvxc in Debian's dom0 (docs/misc/libxc.md): xen-create-pv builds
# mini-os as a PV domU, names it in xenstore and introduces it, so that
# xenconsoled logs its console; then destroys it, and every page comes
# back.  The same binary runs on Xen 4.17: the library speaks Xen's ABI.
CREATE_PV = os.path.join(TOOLS, 'misc', 'build', 'xen-create-pv')
LIBHVXC = os.path.join(TOOLS, 'libxc', 'build', 'libhvxc.so.1')


def libxc_rootfs(name, guest=(MINIOS, '/guests/mini-os')):
    """dom0_rootfs with xen-create-pv, libhvxc and guest (a (file, path)
    pair), built first."""
    inner = dom0_rootfs(name, [guest,
                               (CREATE_PV, '/usr/sbin/xen-create-pv'),
                               (LIBHVXC, '/usr/lib/x86_64-linux-gnu/'
                                         'libhvxc.so.1')],
                        [('/etc/xen/minios.cfg', MINIOS_CFG)])

    def prepare(results):
        p = subprocess.run(['make', '-s', '-C', os.path.join(TOOLS, 'misc')],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL)
        if p.returncode:
            return None, 'building xen-create-pv: %s' % one_line(p.stdout)
        return inner(results)
    return prepare


def one_line(out):
    return ' / '.join(out.decode('utf-8', 'replace').strip().splitlines()
                      [-2:])


FREE_PAGES = "xen-create-pv --free | awk '{print $2}'"
# Milliseconds since boot (busybox's date has no %N).
NOW_MS = "$(awk '{printf \"%d\", $1 * 1000}' /proc/uptime)"


def free_back(suffix):
    """Steps waiting up to 5 s for the free count to be $before again,
    then checking it is at most 4 pages short."""
    return ([('type', 'i=0; while [ "$(%s)" != "$before" ] && [ $i -lt 10 ]; '
                      'do sleep 0.5; i=$((i+1)); done; c=$(($(%s) - before)); '
                      'echo free-change%s=$c; [ $c -le 0 ] && [ $c -ge -4 ] '
                      '&& printf "free-back%s\\n"\r'
                      % (FREE_PAGES, FREE_PAGES, suffix, suffix))] +
            expect_lines(r'^free-change%s=-?\d+$' % suffix,
                         r'^free-back%s$' % suffix))


CREATE_PV_STEPS = (
    [('type', 'before=$(%s); echo before=$before\r' % FREE_PAGES)] +
    expect_lines(r'^before=\d+$') +
    shell('s=%s; out=$(xen-create-pv -k /guests/mini-os -m 32 '
          '-n minipv -c role=spin); rc=$?; e=%s; echo "$out"; '
          'echo create-pv-wall-ms=$((e - s)); ' % (NOW_MS, NOW_MS) +
          'id=${out#built d}; id=${id%% *}; (exit $rc)', 'create-pv',
          r'^built d[1-9]\d* \(minipv\): 32768 KiB, 1 vcpu\(s\) in '
          r'[\d.]+ ms$', r'^create-pv-wall-ms=\d+$') +
    shell('xenstore-read /local/domain/$id/name', 'xs-name', r'^minipv$') +
    [('type', 'i=0; while ! grep -q "spin: spinning" '
              '/var/log/xen/console/guest-minipv.log 2>/dev/null && '
              '[ $i -lt 20 ]; do sleep 0.5; i=$((i+1)); done; '
              'cat /var/log/xen/console/guest-minipv.log\r')] +
    expect_lines(r'^spin: spinning') +
    shell('xen-create-pv --destroy $id', 'destroy-pv', r'^destroyed d\d+$') +
    # `--destroy` returns once the hypervisor no longer lists the domain,
    # which it does while any of its pages is held: from then on every
    # page it had is free.  dom0 may keep a page or two of what the
    # backends' mappings and event channels grew on its side (Xen 4.17
    # too, after each guest): the free count may be that much short.
    free_back('') +
    # A second guest is built and destroyed the same way.
    shell('before=$(%s); out=$(xen-create-pv -k /guests/mini-os -m 32 '
          '-n minipv2 -c role=spin) && echo "$out" && id=${out#built d} && '
          'sleep 1 && xen-create-pv --destroy ${id%%%% *}' % FREE_PAGES,
          'create-pv-again', r'^built d\d+ \(minipv2\)',
          r'^destroyed d\d+$') +
    free_back('-again') +
    # The same guest through Debian's xl, timed the same way, to compare.
    shell('s=%s; xl create /etc/xen/minios.cfg; rc=$?; e=%s; '
          'echo xl-create-wall-ms=$((e - s)); xl destroy minios; '
          '(exit $rc)' % (NOW_MS, NOW_MS), 'xl-create-timed',
          r'^xl-create-wall-ms=\d+$'))
dom0_twins('linux-dom0-create-pv', libxc_rootfs, CREATE_PV_STEPS,
           minios=True, forbid=(r'^hvxc: ',))

# The same builder with the 32-bit PAE mini-os (compat32.md): a 32-bit
# domU on ours with pv=32 (Debian's Xen 4.17 has no 32-bit PV), spinning
# with its console in xenconsoled's log, destroyed with every page back.
CREATE_PV32_STEPS = (
    [('type', 'before=$(%s); echo before=$before\r' % FREE_PAGES)] +
    expect_lines(r'^before=\d+$') +
    shell('out=$(xen-create-pv -k /guests/mini-os-x86_32 -m 32 -n minipv32 '
          '-c role=spin); rc=$?; echo "$out"; id=${out#built d}; '
          'id=${id%% *}; (exit $rc)', 'create-pv32',
          r'^built d[1-9]\d* \(minipv32\): 32768 KiB, 1 vcpu\(s\) in ') +
    [('type', 'i=0; while ! grep -q "spin: spinning" '
              '/var/log/xen/console/guest-minipv32.log 2>/dev/null && '
              '[ $i -lt 20 ]; do sleep 0.5; i=$((i+1)); done; '
              'cat /var/log/xen/console/guest-minipv32.log\r')] +
    expect_lines(r'xen-3\.0-x86_32p', r'^spin: spinning') +
    shell('xen-create-pv --destroy $id', 'destroy-pv32', r'^destroyed d\d+$') +
    free_back(''))
CASES.append(dict(
    name='linux-dom0-create-pv32', via='kernel', smp=2, mem='1G', cpu='max',
    append=DOM0_APPENDS[0][1] + ' pv=32', only='ours', timeout=120,
    minios=True,
    prepare=libxc_rootfs('linux-dom0-create-pv32',
                         (MINIOS32, '/guests/mini-os-x86_32')),
    forbid=qemu.DEFAULT_FORBID + (r'^hv-rootfs: .*failed', r'^hvxc: '),
    steps=[('expect', 'linux_init'), ('expect', 'rootfs_ready'),
           ('settle', 2)] + CREATE_PV32_STEPS))


# Only our dom0 stack (issue #16): our tools go into dom0's tree as
# `make install-tools DESTDIR=` lays them out, over Debian's where the
# paths meet (xenstored, xenconsoled, two hotplug scripts); the rest of
# Debian's Xen user space (xen-utils-4.17 and xen-utils-common) is deleted
# before our xenstored, init-dom0 and xenconsoled start; Debian's
# xenstore-* clients stay, to be served by our xenstored.  xen-create-pv
# on libhvxc then builds mini-os (role=control: it reads its name and writes
# data/control over its ring, then obeys control/shutdown) and Debian's
# Linux as a PV domU with mkrootfs's guest initramfs, whose hook reads
# `name` and writes data/hello through /dev/xen/xenbus with our xs-tool.
# Both consoles are read from our xenconsoled's logs, and each guest is
# destroyed with its pages back.  A script in the rootfs does the work.
def debian_xen_utils():
    """The paths (in the merged-/usr tree) of the files of Debian's
    xen-utils-4.17 and xen-utils-common, from the debs mkrootfs keeps in
    its cache, or None if they are not there."""
    cache = os.environ.get('HV_ROOTFS_CACHE') or os.path.join(
        os.environ.get('XDG_CACHE_HOME') or
        os.path.join(os.path.expanduser('~'), '.cache'), 'hv-rootfs')
    paths = []
    for pkg in ('xen-utils-4.17', 'xen-utils-common'):
        debs = glob.glob(os.path.join(cache, 'debs', pkg + '_*.deb'))
        if not debs:
            return None
        p = subprocess.run(['dpkg-deb', '--fsys-tarfile', debs[0]],
                           stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        t = subprocess.run(['tar', '-t'], input=p.stdout,
                           stdout=subprocess.PIPE)
        for line in t.stdout.decode().splitlines():
            path = line.lstrip('.')
            if path.endswith('/') or not path:
                continue
            paths.append(merged_usr(path))
    return paths


def merged_usr(path):
    """path in the rootfs's merged /usr, where /bin, /sbin, /lib and
    /lib64 are links (an initramfs directory entry would replace them)."""
    top = path.split('/')[1]
    return '/usr' + path if top in ('bin', 'sbin', 'lib', 'lib64') else path


ONLY_OURS_START = """#!/bin/sh
# Only our dom0 stack: Debian's Xen user space goes first (the files ours
# did not replace at the same paths; cases.py), then ours, as installed.
while read -r f; do rm -f "$f"; done < /etc/hv-rootfs/debian-xen-utils
rm -rf /usr/lib/xen-4.17 /usr/lib/xen-common
exec /usr/lib/hv-xen/bin/xen-dom0-start
"""
GUEST_XS_HOOK = """#!/bin/sh
# The domU's side of its xenstore connection (tools/tests/boot/cases.py).
export XENSTORED_PATH=/dev/xen/xenbus
name=$(xs-tool read name) && echo "hv-guest: name $name" || \\
    echo "hv-guest: xenstore read failed"
xs-tool write data/hello "from $name" && echo "hv-guest: data written" || \\
    echo "hv-guest: xenstore write failed"
"""
ONLY_OURS_SH = r"""#!/bin/sh
# Guests built by our stack alone (written by tools/tests/boot/cases.py).
free() { xen-create-pv --free | awk '{print $2}'; }
up() { read u _ < /proc/uptime; echo $u; }
since() { echo $1 $(up) | awk '{printf "%.2f", $2 - $1}'; }
logs=/var/log/xen/console
# Waits up to $3 tenths of a second for $2 in guest $1's console log.
wait_log() {
    i=0
    while ! grep -q "$2" $logs/guest-$1.log 2>/dev/null && [ $i -lt $3 ]; do
        sleep 0.1; i=$((i+1))
    done
    grep -q "$2" $logs/guest-$1.log 2>/dev/null
}
# Waits up to 5 s for the free count to be $before again (a few pages
# short at most: dom0's side of the backends' mappings grows and stays).
free_back() {
    i=0
    while [ "$(free)" != "$before" ] && [ $i -lt 10 ]; do
        sleep 0.5; i=$((i+1))
    done
    c=$(($(free) - before))
    [ $c -le 0 ] && [ $c -ge -4 ] && echo "$1 pages back ($c)" || \
        echo "only-ours: $1 free-change $c failed (before $before)"
}
# The free count once it holds still for a second (up to 10 s): pages
# dom0 or the hypervisor let go of after the previous guest would
# otherwise land in the next guest's window (once +16 pages in CI).
settled_free() {
    a=$(free); i=0
    while sleep 1; b=$(free); [ "$a" != "$b" ] && [ $i -lt 10 ]; do
        a=$b; i=$((i+1))
    done
    echo $b
}
left=0
while read -r f; do
    [ -e "$f" -o -L "$f" ] && { echo "left: $f"; left=$((left+1)); }
done < /etc/hv-rootfs/debian-xen-utils
echo "debian-xen-utils-left=$left"
command -v xl xen-init-dom0 || echo "no debian daemons"
# Ours sit where Debian's were: their hotplug scripts source
# xen-hotplug-common.sh, ours hotplug-common.sh.
for f in block vif-bridge; do
    grep -q '/hotplug-common.sh"' /etc/xen/scripts/$f && echo "ours: $f"
done
for d in xenstored xenconsoled; do readlink /proc/$(cat /run/xen/$d.pid)/exe; done

before=$(settled_free)
t0=$(up)
out=$(xen-create-pv -k /guests/mini-os -m 32 -n minipv -c role=control) || \
    echo "only-ours: minipv create failed"
echo "$out (wall $(since $t0) s)"
id=${out#built d}; id=${id%% *}
wait_log minipv "control: watching" 100 || echo "only-ours: minipv console failed"
grep "^control: " $logs/guest-minipv.log
echo "minipv data/control=$(xenstore-read /local/domain/$id/data/control)"
xenstore-write /local/domain/$id/control/shutdown poweroff
wait_log minipv "shutdown request 'poweroff'" 50 && echo "minipv powered off"
xen-create-pv --destroy $id || echo "only-ours: minipv destroy failed"
free_back minipv

# The Linux guest's disk (a file the block script puts on a loop device)
# and its vif's bridge, which takes dom0's NIC and address along.
dd if=/dev/zero of=/tmp/xvda.img bs=1M count=16 2>/dev/null
echo "from dom0" > /tmp/hello
# (busybox's sh runs its own mke2fs, which makes no ext4, before PATH's.)
/usr/sbin/mke2fs -q -t ext4 -F /tmp/xvda.img && \
    debugfs -w -R "write /tmp/hello hello" /tmp/xvda.img >/dev/null 2>&1 || \
    echo "only-ours: disk image failed"
ip link set eth0 up && ip addr add 192.168.100.1/24 dev eth0
/etc/xen/scripts/network-bridge start bridge=xenbr0 netdev=eth0
ip -4 -o addr show dev xenbr0 | awk '{print "xenbr0 " $4}'
before=$(settled_free)
t0=$(up)
out=$(XEN_CREATE_PV_TIMES=1 \
      xen-create-pv -k /guests/vmlinuz -r /guests/guest.cpio.gz -m 128 \
      -n linux -c "console=hvc0" -d /tmp/xvda.img -b xenbr0) || \
    echo "only-ours: linux create failed"
echo "$out (wall $(since $t0) s)"
id=${out#built d}; id=${id%% *}
wait_log linux "hv-guest: userspace" 900 && echo "userspace after $(since $t0)"
wait_log linux "hv-guest: data written" 100 || {
    tail -30 $logs/guest-linux.log; echo "only-ours: linux xenstore failed"; }
wait_log linux "hv-guest: ready" 600 || echo "only-ours: linux ready failed"
grep -E "^hv-guest: (name|data|xvda|ping)" $logs/guest-linux.log
echo "bridge: $(ls /sys/class/net/xenbr0/brif | tr '\n' ' ')"
echo "loops: $(losetup -a | wc -l)"
echo "linux data/hello=$(xenstore-read /local/domain/$id/data/hello)"
echo "linux feature-poweroff=$(xenstore-read \
    /local/domain/$id/control/feature-poweroff)"
# A clean shutdown, as `xl shutdown` asks for it: the guest powers itself
# off (the hypervisor says so), then the toolstack releases what is left.
xenstore-write /local/domain/$id/control/shutdown poweroff
xen-create-pv --wait-shutdown $id || {
    tail -20 $logs/guest-linux.log; echo "only-ours: linux shutdown failed"; }
xen-create-pv --destroy $id || echo "only-ours: linux destroy failed"
free_back linux
echo "after: bridge: $(ls /sys/class/net/xenbr0/brif | tr '\n' ' ')" \
     "loops: $(losetup -a | wc -l)" \
     "backends: $(xenstore-list /local/domain/0/backend/vbd \
                  /local/domain/0/backend/vif 2>/dev/null | wc -l)"
debugfs -R "cat /guest" /tmp/xvda.img 2>/dev/null
echo "left=$(xenstore-list /local/domain | tr '\n' ' ')"
echo only-ours-done
"""
ONLY_OURS_STEPS = (
    [('type', '/etc/xen/only-ours.sh\r')] +
    expect_lines(r'^debian-xen-utils-left=0$', r'^no debian daemons$',
                 r'^ours: block$', r'^ours: vif-bridge$',
                 r'^/usr/sbin/xenstored$', r'^/usr/sbin/xenconsoled$',
                 r'^built d\d+ \(minipv\): 32768 KiB',
                 r'^control: name minipv$', r'^control: watching',
                 r'^minipv data/control=watching$', r'^minipv powered off$',
                 r'^destroyed d\d+$', r'^minipv pages back \(-?\d\)$',
                 r'^built d\d+ \(linux\): 131072 KiB',
                 r'^userspace after [\d.]+$', r'^hv-guest: name linux$',
                 r'^hv-guest: data written$',
                 r'^hv-guest: xvda mounted: from dom0$',
                 r'^hv-guest: xvda written$',
                 r'^hv-guest: ping 192\.168\.100\.1 ok$',
                 r'^bridge: eth0 vif\d+\.0 $', r'^loops: 1$',
                 r'^linux data/hello=from linux$',
                 r'^linux feature-poweroff=1$',
                 r'^d\d+ shut down: poweroff$',
                 r'^destroyed d\d+$',
                 r'^linux pages back \(-?\d\)$',
                 r'^after: bridge: eth0  loops: 0 backends: 0$',
                 r'^written by the guest$', r'^left=0 $',
                 r'^only-ours-done$'))
GUEST_XS_HOOK_FILE = os.path.join(BUILD, 'guest-xs-hook')
def installed_tools(results, name):
    """(file, path) of each file `make install-tools DESTDIR=` installs,
    as a package would (links as copies), or (None, why)."""
    dest = os.path.join(results, name + '.install')
    shutil.rmtree(dest, ignore_errors=True)
    p = subprocess.run(['make', '-s', '-C', os.path.dirname(TOOLS),
                        'install-tools', 'DESTDIR=' + dest],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL)
    if p.returncode:
        return None, 'make install-tools: %s' % one_line(p.stdout)
    return [(os.path.join(top, f),
             merged_usr(os.path.join(top, f)[len(dest):]))
            for top, _, files in os.walk(dest) for f in files], None


def only_ours_rootfs(name):
    """Our tools as `make install-tools` puts them and both guests, with
    Debian's xen-utils (but for the paths ours took) listed for deletion."""
    def prepare(results):
        ours, why = installed_tools(results, name)
        if why:
            return None, why
        if debian_xen_utils() is None:
            # mkrootfs fetches the debs on its first run.
            _, why = dom0_rootfs(name)(results)
            if why:
                return None, why
        utils = debian_xen_utils()
        if not utils:
            return None, 'no xen-utils debs in the rootfs cache'
        taken = set(path for _, path in ours)
        utils = [u for u in utils if u not in taken]
        with open(GUEST_XS_HOOK_FILE, 'w') as f:
            f.write(GUEST_XS_HOOK)
        os.chmod(GUEST_XS_HOOK_FILE, 0o755)
        xs_tool = os.path.join(TOOLS, 'xenstore', 'build', 'xs-tool-static')
        return dom0_rootfs(
            name,
            ours + [(MINIOS, '/guests/mini-os'),
                    (LINUX[0], '/guests/vmlinuz')],
            [('/etc/hv-rootfs/xen-start', ONLY_OURS_START),
             ('/etc/hv-rootfs/debian-xen-utils', '\n'.join(utils) + '\n'),
             ('/etc/xen/only-ours.sh', ONLY_OURS_SH)],
            ['--guest', '--guest-add', xs_tool + ':/usr/bin/xs-tool',
             '--guest-add', GUEST_XS_HOOK_FILE +
             ':/etc/hv-guest/init.d/xenstore'])(results)
    return prepare


if LINUX:
    dom0_twins('linux-dom0-only-ours', only_ours_rootfs, ONLY_OURS_STEPS,
               timeout=150, minios=True,
               qemu_args_for=lambda name: ('-netdev', 'user,id=n0', '-device',
                                           'e1000,netdev=n0'),
               forbid=(r'^hvxc: ', r'^xen-dom0-start: ', r'^only-ours: ',
                       r'^hv-guest: xenstore \w+ failed'))


# xend and xm (issue 17) in Debian's dom0 on our stack: mkrootfs --python
# gives Debian's python3; xend, xm and their modules go where Debian puts
# Python modules, libhvxc next to the system's libraries, and xen-start
# brings up our xenstored, init-dom0 and xenconsoled, the NIC for QEMU's
# user network (10.0.2.15) and then xend.  XM_SH drives the xm lifecycle
# of mkrootfs --guest's Linux guest with a disk (a file on a loop device,
# blkback) and a vif (netback, on the bridge xenbr0), both set up by xend
# through our hotplug scripts, then the managed VM lifecycle of a mini-os
# that answers control/shutdown; the host then speaks XenAPI to dom0's
# TCP 9363 through QEMU's port forwarding (xenapi_dom0.py).
PYTHON_TOP = os.path.join(TOOLS, 'python')
XEND_PASSWORD = 'xm-dom0-secret'
XEND_SALT = 'b007ca5e'
XEND_CFG = """(logfile /var/log/xen/xend.log)
(loglevel DEBUG)
(xen-api-server ((unix) (9363 password)))
(xend-unix-xmlrpc-server yes)
"""
XM_LINUX_CFG = """name = "linuxm"
kernel = "/guests/vmlinuz"
ramdisk = "/guests/guest.cpio.gz"
memory = 128
vcpus = 1
extra = "console=hvc0"
disk = ['file:/tmp/x.img,xvda,w']
vif = ['bridge=xenbr0']
on_poweroff = "destroy"
"""
XM_CFG = """name = "minixm"
kernel = "/guests/mini-os"
memory = 32
vcpus = 1
extra = "role=control"
on_poweroff = "destroy"
"""
XEND_START = """#!/bin/sh
# dom0's NIC on QEMU's user network, then our dom0 stack, which starts
# xend last (python3 is there).
ip link set lo up
for n in /sys/class/net/e*; do
    ip link set ${n##*/} up && ip addr add 10.0.2.15/24 dev ${n##*/}
done
exec /opt/xen-dom0-start
"""
XM_SH = r"""#!/bin/sh
# The xm lifecycle in dom0 (written by tools/tests/boot/cases.py).
say() { echo "xm-life: $*"; }
fail() { say "FAIL $*"; tail -5 /var/log/xen/xend.log; exit 1; }
xs() { xenstore-read /local/domain/$id/$1; }
cd /etc/xen
i=0
until xm list >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -gt 100 ] && fail "xend never answered"; sleep 0.2
done
xend status
xm list
# The Linux guest's disk, and a bridge of its own for its vif (eth0 stays
# as it is, for the host's XenAPI): the guest pings 192.168.100.1.
dd if=/dev/zero of=/tmp/x.img bs=1M count=16 2>/dev/null
echo "from dom0" > /tmp/hello
/usr/sbin/mke2fs -q -t ext4 -F /tmp/x.img && \
    debugfs -w -R "write /tmp/hello hello" /tmp/x.img >/dev/null 2>&1 || \
    fail "disk image"
/etc/xen/scripts/network-bridge start bridge=xenbr0 netdev=none || \
    fail network-bridge
ip addr add 192.168.100.1/24 dev xenbr0
backends() {
    echo $(xenstore-list /local/domain/0/backend/vbd \
           /local/domain/0/backend/vif 2>/dev/null | wc -l)
}
devices() {
    say "$1: bridge: $(ls /sys/class/net/xenbr0/brif | tr '\n' ' ')" \
        "loops: $(losetup -a | wc -l) backends: $(backends)"
}
log=/var/log/xen/console/guest-linuxm.log
# Waits up to 60 s for $2 in file $1.
wait_for() {
    i=0
    until grep -aq "$2" $1 2>/dev/null || [ $i -gt 300 ]; do
        sleep 0.2; i=$((i + 1))
    done
}
# xm create -c: the guest's boot as xm relays it from its pty, until
# Ctrl-] (sent once xenconsoled's log has the guest in userspace).
(wait_for $log "hv-guest: userspace"; sleep 1; printf '\035') | \
    xm create -c linuxm.cfg >/tmp/create-c.out || fail "create -c"
grep -a "^Started domain" /tmp/create-c.out
grep -aq "hv-guest: userspace" /tmp/create-c.out && \
    say "create -c: the guest boots"
id=$(xm domid linuxm) || fail domid
xm list
devices created
i=0
until grep -q "hv-guest: ready" $log 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 450 ] && { tail -20 $log; fail "guest not ready"; }
    sleep 0.2
done
grep -E "^hv-guest: (xvda|ping)" $log
# xm console: what is typed reaches the guest, whose terminal echoes it.
(printf "hv-typed-$((6 * 7))\r"; wait_for /tmp/console.out hv-typed-42
 printf '\035') | xm console linuxm >/tmp/console.out || fail console
grep -aq "hv-typed-42" /tmp/console.out && say "console: typed and echoed"
# A vif added to the running guest and taken away again: its netfront
# answers the backend's Closing, so xend has nothing to force.
xm network-attach linuxm bridge=xenbr0 || fail network-attach
i=0
until [ "$(xs device/vif/1/state 2>/dev/null)" = 4 ] || [ $i -gt 150 ]; do
    sleep 0.2; i=$((i + 1))
done
fs=$(xs device/vif/1/state)
xm network-detach linuxm 1 || fail network-detach
grep -q "did not close" /var/log/xen/xend.log && fail "vif 1 was forced"
say "hot vif: frontend $fs, closed, left: $(xm network-list linuxm | \
    awk 'NR > 1 { print $1 }' | tr '\n' ' ')bridge:" \
    $(ls /sys/class/net/xenbr0/brif)
xm pause linuxm || fail pause
xm list linuxm | tail -1
xm unpause linuxm || fail unpause
xm list linuxm | tail -1
xm mem-set linuxm 96 || fail mem-set
say "memory/target $(xs memory/target)"
xm vcpu-pin linuxm 0 1 || fail vcpu-pin
xm vcpu-list linuxm
xm sched-credit -d linuxm -w 512 -c 50 || fail sched-credit
xm sched-credit -d linuxm
# xend's watcher logs each @releaseDomain it is woken by.
seen=$(grep -c @releaseDomain /var/log/xen/xend.log)
xm shutdown -w linuxm || fail "shutdown -w"
xm list linuxm >/dev/null 2>&1 && fail "linuxm still listed"
say "transient linuxm gone"
[ $(grep -c @releaseDomain /var/log/xen/xend.log) -gt $seen ] && \
    say "death seen by watch"
# The loop device goes once blkback has let go of it.
i=0
while [ "$(losetup -a | wc -l)$(backends)" != 00 ] && [ $i -lt 50 ]; do
    sleep 0.1; i=$((i + 1))
done
devices destroyed
say "disk: $(debugfs -R 'cat /guest' /tmp/x.img 2>/dev/null)"
xm new minixm.cfg || fail new
xm list minixm | tail -1
xm start minixm || fail start
id=$(xm domid minixm)
say "managed minixm started as $id"
xend restart || fail "xend restart"
i=0
until xm list >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -gt 100 ] && fail "xend did not come back"; sleep 0.2
done
[ "$(xm domid minixm)" = "$id" ] && say "after restart minixm is still $id"
xm list
xm shutdown -w minixm || fail "managed shutdown -w"
xm list minixm | tail -1
xm delete minixm || fail delete
xm list minixm >/dev/null 2>&1 && fail "deleted minixm still listed"
say "done"
"""


def xend_adds():
    """(file, path in dom0) for xend, xm (the C front end, and the Python
    xm it execs) and their modules."""
    out = [(os.path.join(TOOLS, 'xend'), '/usr/sbin/xend'),
           (os.path.join(TOOLS, 'xm', 'build', 'xm'), '/usr/sbin/xm'),
           (os.path.join(TOOLS, 'xm', 'xm.py'), '/usr/lib/hv-xen/bin/xm.py'),
           (LIBHVXC, '/usr/lib/x86_64-linux-gnu/libhvxc.so.1')]
    for dirpath, dirnames, filenames in os.walk(PYTHON_TOP):
        dirnames[:] = [d for d in dirnames if d != '__pycache__']
        for n in sorted(filenames):
            if not n.endswith('.pyc'):
                src = os.path.join(dirpath, n)
                out.append((src, '/usr/lib/python3/dist-packages/' +
                            os.path.relpath(src, PYTHON_TOP)))
    return out


def xend_files():
    """(adds, texts) of a dom0 with xend: our daemons, xend, xm, their
    configuration and mini-os; tools/scripts/run-dom0 uses them too."""
    import hashlib
    passwd = 'root:sha256:%s:%s\n' % (XEND_SALT, hashlib.sha256(
        (XEND_SALT + XEND_PASSWORD).encode()).hexdigest())
    # Our hotplug scripts where xend runs them (over Debian's).
    hotplug = [(os.path.join(TOOLS, 'hotplug', 'Linux', f),
                '/etc/xen/scripts/' + f)
               for f in ('block', 'vif-bridge', 'network-bridge',
                         'hotplug-common.sh')]
    return (OUR_STACK + [(MINIOS, '/guests/mini-os')] + xend_adds() +
            hotplug,
            [('/etc/xen/xend-config.sxp', XEND_CFG),
             ('/etc/xen/xen-api.passwd', passwd),
             ('/etc/xen/minixm.cfg', XM_CFG), ('/etc/xen/xm-life.sh', XM_SH),
             ('/etc/hv-rootfs/xen-start', XEND_START)])


def build_xend_tools():
    """None, or why tools/xenstore, console, helpers, libxc or xm did not
    build."""
    for d in ('xenstore', 'console', 'helpers', 'libxc', 'xm'):
        p = subprocess.run(['make', '-s', '-C', os.path.join(TOOLS, d)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL)
        if p.returncode:
            return 'cannot build tools/%s: %s' % (d, one_line(p.stdout))
    return None


def xend_rootfs(name):
    """our_stack_rootfs's daemons with python3, xend and xm, and
    mkrootfs --guest's Linux guest."""
    adds, texts = xend_files()
    if LINUX:
        adds.append((LINUX[0], '/guests/vmlinuz'))
    texts.append(('/etc/xen/linuxm.cfg', XM_LINUX_CFG))
    inner = dom0_rootfs(name, adds, texts, ['--python', '--guest'])

    def prepare(results):
        why = build_xend_tools()
        return (None, why) if why else inner(results)
    return prepare


# The host's end of each case's forwarded port, chosen when QEMU starts.
XEND_PORTS = {}


def xend_qemu_args(name):
    def args(results):
        import socket
        s = socket.socket()
        s.bind(('127.0.0.1', 0))
        XEND_PORTS[name] = s.getsockname()[1]
        s.close()
        return ('-netdev', 'user,id=n0,hostfwd=tcp:127.0.0.1:%d-:9363'
                % XEND_PORTS[name], '-device', 'e1000,netdev=n0')
    return args


def xenapi_from_host(m):
    """A host step: xenapi_dom0.py against the case's forwarded port."""
    p = subprocess.run(
        ['/usr/bin/python3', os.path.join(os.path.dirname(
            os.path.abspath(__file__)), 'xenapi_dom0.py'),
         'http://127.0.0.1:%d/' % XEND_PORTS[m.name], 'root',
         XEND_PASSWORD, '/guests/mini-os', '/tmp/x.img'],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL, timeout=240)
    lines = p.stdout.decode('utf-8', 'replace').strip().splitlines()
    with open(os.path.join(m.results_dir, m.name + '.xenapi.log'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    if p.returncode:
        return 'XenAPI from the host: %s' % (lines[-1] if lines else
                                             'exit %d' % p.returncode)
    return None


def c_binding_from_host(m):
    """A host step: our C binding's example (tools/libxenapi) logs in
    over the forwarded port and lists VM.get_all_records."""
    out = os.path.join(m.results_dir, m.name + '.libxenapi')
    p = subprocess.run(['make', '-s', '-C', os.path.join(TOOLS, 'libxenapi'),
                        'O=' + out], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    if p.returncode:
        return 'cannot build tools/libxenapi: %s' % one_line(p.stdout)
    p = subprocess.run([os.path.join(out, 'xenapi-example'),
                        '127.0.0.1:%d' % XEND_PORTS[m.name]],
                       env=dict(os.environ, XENAPI_PASSWORD=XEND_PASSWORD),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL, timeout=60)
    text = p.stdout.decode('utf-8', 'replace')
    with open(os.path.join(m.results_dir, m.name + '.libxenapi.log'),
              'w') as f:
        f.write(text)
    if p.returncode or not re.search(
            r'^vm Domain-0 Running domid 0 memory \d+ vcpus 2 control$',
            text, re.M):
        return 'C binding from the host: exit %d, %s' % (
            p.returncode, one_line(p.stdout))
    return None


XM_STEPS = (
    [('type', 'sh /etc/xen/xm-life.sh; echo xm-life-rc=$?\r')] +
    expect_lines(r'^xend is running \(pid \d+\)$',
                 r'^Name\s+ID\s+Mem\s+VCPUs\s+State\s+Time\(s\)$',
                 r'^Domain-0\s+0\s+\d+\s+2\s+r-----\s+\d+\.\d$',
                 r'^Started domain linuxm$',
                 r'^xm-life: create -c: the guest boots$',
                 r'^linuxm\s+[1-9]\d*\s+128\s+1\s+[-rb]{2}-{4}\s',
                 r'^xm-life: created: bridge: vif\d+\.0 +loops: 1 '
                 r'backends: 2$',
                 r'^hv-guest: xvda mounted: from dom0$',
                 r'^hv-guest: xvda written$',
                 r'^hv-guest: ping 192\.168\.100\.1 ok$',
                 r'^xm-life: console: typed and echoed$',
                 r'^xm-life: hot vif: frontend 4, closed, left: 0 '
                 r'bridge: vif\d+\.0$',
                 r'^linuxm\s+\d+\s+128\s+1\s+[-rb]{2}p-{3}\s',
                 r'^linuxm\s+\d+\s+128\s+1\s+[-rb]{2}-{4}\s',
                 r'^xm-life: memory/target 98304$',
                 r'^linuxm\s+\d+\s+0\s+\S+\s+\S+\s+[\d.]+ 1$',
                 r'^linuxm\s+\d+\s+512\s+50$',
                 r'^Domain linuxm terminated$',
                 r'^xm-life: transient linuxm gone$',
                 r'^xm-life: death seen by watch$',
                 r'^xm-life: destroyed: bridge: +loops: 0 backends: 0$',
                 r'^xm-life: disk: written by the guest$',
                 r'^minixm\s+32\s+1\s+0\.0$',
                 r'^xm-life: managed minixm started as [1-9]\d*$',
                 r'^xm-life: after restart minixm is still \d+$',
                 r'^Domain minixm terminated$',
                 r'^minixm\s+32\s+1\s+0\.0$',
                 r'^xm-life: done$', r'^xm-life-rc=0$'))
# The host's XenAPI session left no VM behind, nor a device.
XM_STEPS += [('host', xenapi_from_host),
             ('host', c_binding_from_host)] + shell(
    'sleep 1; echo xenapi-vms=$(xm list | grep -c xenapi) '
    'loops=$(losetup -a | wc -l) bridge=$(ls /sys/class/net/xenbr0/brif) '
    'backends=$(xenstore-list /local/domain/0/backend/vbd '
    '/local/domain/0/backend/vif 2>/dev/null | wc -l)', 'xenapi-left',
    r'^xenapi-vms=0 loops=0 bridge= backends=0$')
# xend drives the credit scheduler (as Xen 3.1's did); Xen 4.17's default
# is credit2, whose domains refuse credit's scheduler_op with EINVAL.
dom0_twins('linux-dom0-xm', xend_rootfs, XM_STEPS, timeout=240,
           minios=True, qemu_args_for=xend_qemu_args,
           xen417_append='sched=credit',
           forbid=(r'^xm-life: FAIL', r'^xen-dom0-start: ', r'^Error: '))
