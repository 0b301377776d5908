# What a boot that stopped making progress was doing: debug keys, then QEMU.
"""A stalled boot is asked twice.  First the hypervisor: Ctrl-A three times
hands serial input to it, then the keys e (vCPUs' event state), q
(domains), r (run queues) and a (registers) dump its view into the log.
Serial input is polled from a timer on CPU0, so a hypervisor that does not
answer has CPU0 stuck or its timer lost; then QEMU's monitor gives every
CPU's registers and top of stack, hypervisor addresses named from xen-syms.

A Machine started with monitor_args(path) can be asked; others get only
the keys."""

import bisect
import re
import socket
import subprocess
import time

import qemu

CONSWITCH = '\x01\x01\x01'
DUMP_KEYS = ('e', 'q', 'r', 'a')
MAX_NOTES = 300


def monitor_args(path):
    """QEMU arguments for a human monitor on the unix socket path."""
    return ['-monitor', 'unix:%s,server=on,wait=off' % path]


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
            return None
        return '%s+%#x' % (self.names[i], addr - self.addrs[i])


def monitor_commands(path, cmds, timeout=10):
    """Runs commands on QEMU's human monitor at the unix socket path;
    returns each one's answer."""
    answers = []

    def until_prompt(sk):
        out = b''
        while b'(qemu) ' not in out:
            chunk = sk.recv(65536)
            if not chunk:
                raise OSError('monitor closed')
            out += chunk
        return out

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sk:
        sk.settimeout(timeout)
        sk.connect(path)
        until_prompt(sk)
        for cmd in cmds:
            sk.sendall(cmd.encode() + b'\n')
            text = until_prompt(sk).decode('utf-8', 'replace')
            text = re.sub(r'\x1b\[[0-9;]*[A-Za-z]', '', text.replace('\r', ''))
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
        named = [n for n in named if n]
        lines.append(line + ('   <- ' + ', '.join(named) if named else ''))
    return '\n'.join(lines) + '\n'


def cpu_summary(regs, syms):
    """One line per CPU: where it is and whether it takes interrupts."""
    out = []
    for cpu, (rip, rfl, hlt) in enumerate(re.findall(
            r'RIP=([0-9a-f]{16}) RFL=([0-9a-f]{8}).*?HLT=(\d)', regs, re.S)):
        where = syms.name(int(rip, 16)) or 'guest'
        out.append('CPU%d %s%s IF=%d at %s' % (
            cpu, rip, ' halted' if hlt == '1' else '',
            (int(rfl, 16) >> 9) & 1, where))
    return out


def lapic_summary(lapic):
    """The lines of QEMU's 'info lapic' that show a lost interrupt: the
    timer's mode and counts, and what is in service or requested."""
    return '; '.join(' '.join(line.split()) for line in lapic.splitlines()
                     if re.match(r'(LVTT|Timer|ISR|IRR)\b', line))


def dump_cpus(monitor, path, syms):
    """Writes every CPU's registers, top of stack and local APIC to path,
    three times a second apart (a CPU spinning shows the same place),
    hypervisor addresses named.  Returns the first sample's summary."""
    summary = []
    with open(path, 'w') as f:
        for sample in range(3):
            try:
                regs = monitor_commands(monitor, ['info registers -a'])[0]
                rsps = re.findall(r'RSP=([0-9a-f]{16})', regs)
                cmds = []
                for cpu, rsp in enumerate(rsps):
                    cmds += ['cpu %d' % cpu, 'x/32gx 0x%s' % rsp,
                             'info lapic']
                answers = monitor_commands(monitor, cmds)
            except OSError as e:
                f.write('monitor unavailable: %s\n' % e)
                return summary or ['QEMU monitor unavailable: %s' % e]
            stacks, lapics = answers[1::3], answers[2::3]
            if not summary:
                summary = [line + ' | LAPIC ' + lapic_summary(lapic)
                           for line, lapic in zip(cpu_summary(regs, syms),
                                                  lapics)]
            f.write('==== sample %d\n' % sample)
            f.write(name_words(regs, syms))
            for cpu, (stack, lapic) in enumerate(zip(stacks, lapics)):
                f.write('---- CPU%d stack\n' % cpu)
                f.write(name_words(stack, syms))
                f.write('---- CPU%d local APIC\n' % cpu)
                f.write(lapic)
            time.sleep(1)
    return summary


def dump_stalled(m, monitor=None, cpus_path=None, syms=None):
    """Asks a stalled hypervisor for its state; the answers go to the log.
    If it does not take the console switch and a monitor was given, dumps
    the CPUs to cpus_path.  Returns lines worth printing with the failure."""
    notes = []
    try:
        m.send(CONSWITCH)
        try:
            m.expect(r'\*\*\* Serial input to Xen', 5)
        except qemu.BootFailure:
            notes.append('the hypervisor did not take serial input '
                         '(CPU0 stuck, or its timers lost)')
            if monitor:
                notes += dump_cpus(monitor, cpus_path, syms)
                notes.append('registers and stacks: %s' % cpus_path)
            return notes
        first = len(m.lines)
        for key in DUMP_KEYS:
            m.send(key)
            m.settle(2)
        # CI keeps only what is printed: the hypervisor's answers, in full.
        notes += [text for _, text in m.lines[first:first + MAX_NOTES]]
    except qemu.BootFailure:
        pass
    return notes
