# The console lines the boot tests wait for, per hypervisor: the one table to edit.
"""Every pattern is a Python regex searched for in one console line (the
`(XEN) ` prefix included).  {n}, {name} and {value} are filled in by the
cases.  `ours` is this tree's hypervisor; `xen417` is Debian's Xen 4.17,
which proves the harness itself (make test HV=xen417)."""

COMMON = {
    # Every CPU is online; n is the number expected.
    'cpus': r'^\(XEN\) Brought up {n} CPUs\s*$',
    # Any CPU count: seeing the wrong one ends the wait for the right one.
    'cpus_any': r'^\(XEN\) Brought up \d+ CPUs',
    # Boot finished.
    'idle': r'^\(XEN\) Reached idle loop',
    # Command-line problems (Xen's own wording).
    'unknown_param': r'parameter "{name}" unknown',
    'bad_value': r'parameter "{name}" has invalid value "{value}"',
    # The first console line: lets a failure say "never started".
    'banner': r'^\(XEN\) Xen version ',
    # A fault report: registers, call trace, then the panic.
    'fault_rip': r'^\(XEN\) RIP:    [0-9a-f]{{4}}:\[<[0-9a-f]{{16}}>\]',
    'call_trace': r'^\(XEN\) Xen call trace:',
    'trace_entry': r'^\(XEN\)    \[<[0-9a-f]{{16}}>\] {fn}\+0x',
    'panic': r'^\(XEN\) Panic on CPU \d+:',
    'fatal': r'^\(XEN\) .*{what}',
    'halted': r"^\(XEN\) Manual reset required \('noreboot' specified\)",
    'no_acpi': r'^\(XEN\) WARNING: no usable ACPI tables',
    'elf_refused': r'^\(XEN\) ELF: ',
    # Boot domains, and what mini-os as dom0 prints (boot-domu-* cases).
    'dom_built': r'^\(XEN\) Dom{dom} kernel: ',
    'domu_refused': r'^\(XEN\) domU module {module} \(\S+\): .*{why}.*; '
                    r'not started$',
    'guest_line': r'^\(d{dom}\) {text}',
    'witness': r'^FUZZ-WITNESS: {verdict}',
    'guest_result': r'^{result}: {case}(: |$)',
    'guest_summary': r'^\d+ passed, 0 failed, \d+ skipped$',
    'dom0_halted': r'^\(XEN\) Hardware Dom0 halted',
    # Dom0 takes the machine down: ACPI S5 through XENPF_enter_acpi_sleep,
    # or a reboot through SCHEDOP_shutdown.
    'acpi_s5': r'^\(XEN\) Entering ACPI S5 state\.$',
    'dom0_reboot': r'^\(XEN\) Hardware Dom0 shutdown: rebooting machine$',
    # tools/tests/boot/lowpv's verdict (dom0: no "(d0)" prefix on Xen).
    'lowpv_pass': r'lowpv: PASS$',
    # tools/tests/boot/pv32, a 32-bit PAE PV kernel: its verdict (as dom0
    # with no prefix); Xen 4.17 refuses it as dom0 (pv32_refused below).
    'pv32_pass': r'pv32: PASS$',
    # Xen's dom0=verbose account of a kernel's notes: "    virt_base = 0x..".
    'elf_address': r'^\(XEN\)\s+{field}\s+= {value}$',
    # Debian's Linux as dom0: its first process, then the initramfs shell
    # (whose prompt ends no line, so its banner stands for it).
    'linux_init': r'Run /init as init process',
    'initramfs_shell': r'BusyBox v\S+ .* built-in shell \(ash\)',
    'shell_output': r'{text}',
    # tools/scripts/mkrootfs's /init: Xen's daemons started, shell next.
    'rootfs_ready': r'^hv-rootfs: dom0 ready$',
}

# Warnings: they do not fail a boot, but PASS lines get a note.
WARNING = r'^\(XEN\) (Warning|WARNING)\b'

# Debug keys typed on the serial line: key -> the header line it prints.
DEBUG_KEYS = {
    'h': r"^\(XEN\) 'h' pressed -> showing installed handlers",
    'q': r"^\(XEN\) 'q' pressed -> dumping domain info",
    'e': r"^\(XEN\) 'e' pressed -> dumping event-channel info",
    'r': r'^\(XEN\) Scheduler: ',
    't': r'^\(XEN\) Synced stime skew: ',
    'm': r'^\(XEN\) Physical memory information:',
    'd': r"^\(XEN\) 'd' pressed -> dumping registers",
    'R': r"^\(XEN\) 'R' pressed -> rebooting machine",
}
# One line 'h' must list per key in DEBUG_KEYS.
HELP_LINE = r"^\(XEN\)  key '{key}' \(ascii '{ascii:02x}'\) => \S"

PROFILES = {
    'ours': {
        'markers': dict(COMMON,
                        # Without pv=32 (docs/misc/compat32.md).
                        pv32_refused=r'^\(XEN\) dom0: 32-bit PV guests are '
                                     r'off \(pv=32\)$'),
        'debug_keys': dict(DEBUG_KEYS),
        # Key that replays messages printed before the serial line was up
        # (None: they must reach the serial line by themselves).
        'ring_key': None,
        # Appended to every command line; conswitch=ax as for Xen below.
        'append': 'loglvl=all guest_loglvl=all noreboot conswitch=ax',
    },
    'xen417': {
        'markers': dict(COMMON, idle=r'^\(XEN\) Freed \d+kB init memory',
                        # Debian builds it without 32-bit PV guests.
                        pv32_refused=r'^\(XEN\) Found 32-bit PV kernel, '
                                     r'but CONFIG_PV32 missing$'),
        'debug_keys': dict(DEBUG_KEYS),
        # Xen 4.17 keeps command-line complaints in its ring until asked.
        'ring_key': 'w',
        # conswitch=ax leaves serial input with Xen, for the debug keys;
        # smap=0 is what a PV dom0 needs with -cpu max under this QEMU.
        'append': 'loglvl=all guest_loglvl=all noreboot dom0_mem=64M smap=0 '
                  'conswitch=ax',
    },
}
