# Boots a machine under QEMU/TCG and watches its serial console, for tests and benchmarks.
"""Drive QEMU (TCG, no KVM) from Python and check what the serial line says.

    from qemu import Machine, BootFailure
    with Machine('smp2', 'results/', kernel='xen/xen', smp=2, mem='1G',
                 append='console=com1 noreboot') as m:
        m.expect(r'Brought up 2 CPUs', timeout=30)
        m.send('h')
        m.expect(r"'h' pressed")

Everything the guest prints, and anything QEMU says on stderr, goes to
<results>/<name>.log with the time of each line since QEMU started.  Every
QEMU this module starts is killed when its Machine is closed, when the
program exits, on SIGTERM/SIGINT, and (through PR_SET_PDEATHSIG) when the
program is killed outright.
"""

import atexit
import ctypes
import fcntl
import os
import re
import shlex
import signal
import subprocess
import threading
import time

QEMU = os.environ.get('QEMU', 'qemu-system-x86_64')

# Lines that mean the boot has gone wrong, whatever the test expects.
DEFAULT_FORBID = (
    r'Panic on CPU \d+',
    r'FATAL TRAP',
    r'Xen BUG at ',
    r'Assertion .* failed',
    r'^qemu(-system-\S+)?: (?!terminating on signal|warning:)',
    r'^error: ',                    # GRUB could not load or boot the image
)

# Multiplies every timeout: slow or loaded machines can raise it.
TIMEOUT_SCALE = float(os.environ.get('BOOT_TIMEOUT_SCALE', '1'))

_live = set()
_live_lock = threading.Lock()
_aborting = threading.Event()

# A file every Machine holds an exclusive flock on while its QEMU runs, so
# that one QEMU runs at a time on a shared machine; None (the default: the
# test suites are run under `flock` as a whole) takes no lock.
RUN_LOCK = None


def _held_by_ancestor(path):
    """True if a process we descend from (`flock path make bench`) holds
    the flock on path: taking it again would wait for ever."""
    st = os.stat(path)
    dev = '%02x:%02x:%d' % (os.major(st.st_dev), os.minor(st.st_dev),
                            st.st_ino)
    holders = set()
    with open('/proc/locks') as f:
        for line in f:
            w = line.split()
            if len(w) > 5 and w[1] == 'FLOCK' and w[5] == dev:
                holders.add(int(w[4]))
    pid = os.getpid()
    while pid > 1:
        if pid in holders:
            return True
        with open('/proc/%d/stat' % pid) as f:
            pid = int(f.read().rsplit(')', 1)[1].split()[1])
    return False


class BootFailure(Exception):
    """A boot did not do what was expected.  str() is a one-line reason."""

    def __init__(self, why, machine=None):
        super().__init__(why)
        self.why = why
        self.machine = machine

    def tail(self, n=12):
        return self.machine.tail(n) if self.machine else []


def _pdeathsig():
    # Runs in the child between fork and exec: die with the parent thread.
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)       # PR_SET_PDEATHSIG
    except Exception:
        pass


class Machine:
    """One QEMU run.  Use as a context manager or call start()/stop()."""

    def __init__(self, name, results_dir, kernel=None, modules=(), append='',
                 iso=None, smp=1, mem='128M', cpu='max', machine=None,
                 extra_args=(), forbid=DEFAULT_FORBID):
        """kernel: multiboot ELF for -kernel; modules: list of paths or
        (path, cmdline) pairs passed with -initrd; iso: boot from this CD
        image instead.  forbid: regexes that fail the boot on sight."""
        if bool(kernel) == bool(iso):
            raise ValueError('give exactly one of kernel= and iso=')
        self.name = name
        self.results_dir = results_dir
        self.log_path = os.path.join(results_dir, name + '.log')
        self.kernel, self.modules, self.append = kernel, modules, append
        self.iso, self.smp, self.mem, self.cpu = iso, smp, mem, cpu
        self.machine, self.extra_args = machine, list(extra_args)
        self.forbid = [re.compile(f) for f in forbid]
        self.lines = []         # (seconds since start, text)
        self.marks = []         # (label, seconds) for each expect() that hit
        self.cursor = 0         # expect() searches lines from here on
        self.proc = None
        self.returncode = None
        self.bad_line = None    # first forbidden line seen: index
        self._partial = b''
        self._cond = threading.Condition()
        self._eof = False
        self._log = None
        self._t0 = None
        self._thread = None
        self._run_lock = None

    # ---- life cycle -------------------------------------------------------

    def command(self):
        cmd = [QEMU, '-accel', 'tcg', '-cpu', self.cpu, '-smp', str(self.smp),
               '-m', str(self.mem), '-display', 'none', '-vga', 'none',
               '-serial', 'stdio', '-monitor', 'none', '-no-reboot',
               '-nodefaults']
        if self.machine:
            cmd += ['-machine', self.machine]
        if self.kernel:
            cmd += ['-kernel', self.kernel, '-append', self.append]
            mods = []
            for m in self.modules:
                path, args = (m, '') if isinstance(m, str) else m
                if ',' in path or ',' in args:
                    raise ValueError('QEMU splits modules at commas: %r' % (m,))
                mods.append((path + ' ' + args).strip())
            if mods:
                cmd += ['-initrd', ','.join(mods)]
        else:
            cmd += ['-cdrom', self.iso, '-boot', 'd']
        return cmd + self.extra_args

    def start(self):
        if _aborting.is_set():
            raise BootFailure('aborted', self)
        os.makedirs(self.results_dir, exist_ok=True)
        cmd = self.command()
        if RUN_LOCK:
            self._run_lock = open(RUN_LOCK, 'a')
            if _held_by_ancestor(RUN_LOCK):
                self._run_lock.close()
                self._run_lock = None
            else:
                fcntl.flock(self._run_lock, fcntl.LOCK_EX)
        self._log = open(self.log_path, 'w', encoding='utf-8',
                         errors='replace')
        self._log.write('# %s\n# started %s\n' % (
            ' '.join(shlex.quote(c) for c in cmd),
            time.strftime('%Y-%m-%d %H:%M:%S')))
        self._t0 = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT,
                                     preexec_fn=_pdeathsig)
        with _live_lock:
            _live.add(self)
        self._thread = threading.Thread(target=self._reader, daemon=True,
                                        name='qemu-' + self.name)
        self._thread.start()
        return self

    def stop(self, result=None):
        """Kill QEMU (if still running) and close the log."""
        p = self.proc
        killed = p and p.poll() is None
        if killed:
            p.terminate()
            try:
                p.wait(3)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if p:
            self.returncode = p.returncode
            # The reader must see EOF before its descriptor is closed (and
            # perhaps reused by another thread's QEMU).
            self._thread.join(5)
            for f in (p.stdin, p.stdout):
                try:
                    f.close()
                except Exception:
                    pass
        with _live_lock:
            _live.discard(self)
        if self._run_lock:
            self._run_lock.close()
            self._run_lock = None
        with self._cond:
            if self._log:
                self._log.write('# qemu %s\n' % (
                    'killed by the harness' if killed else
                    'exited with status %s' % self.returncode))
                for label, t in self.marks:
                    self._log.write('# mark %.3f %s\n' % (t, label))
                if result:
                    self._log.write('# result: %s\n' % result)
                self._log.close()
                self._log = None

    def __enter__(self):
        return self.start()

    def __exit__(self, etype, evalue, tb):
        if etype is None:
            self.stop('ok')
        else:
            self.stop('%s: %s' % (etype.__name__, evalue))
        return False

    def elapsed(self):
        return time.monotonic() - self._t0

    # ---- console ----------------------------------------------------------

    def _reader(self):
        fd = self.proc.stdout.fileno()
        while True:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b''
            now = time.monotonic() - self._t0
            with self._cond:
                if not data:
                    if self._partial:
                        self._add_line(now, self._partial)
                        self._partial = b''
                    self._eof = True
                    self._cond.notify_all()
                    return
                chunks = (self._partial + data).split(b'\n')
                self._partial = chunks.pop()
                for c in chunks:
                    self._add_line(now, c)
                self._cond.notify_all()

    def _add_line(self, t, raw):
        text = raw.decode('utf-8', 'replace').replace('\r', '')
        self.lines.append((t, text))
        if self._log:
            self._log.write('[%8.3f] %s\n' % (t, text))
            self._log.flush()
        if self.bad_line is None and any(f.search(text) for f in self.forbid):
            self.bad_line = len(self.lines) - 1

    def send(self, keys, gap=0.05):
        """Type keys on the serial line, a character at a time."""
        if isinstance(keys, str):
            keys = keys.encode()
        for i in range(len(keys)):
            try:
                self.proc.stdin.write(keys[i:i + 1])
                self.proc.stdin.flush()
            except (BrokenPipeError, ValueError, OSError):
                raise BootFailure('QEMU exited before keys %r were sent'
                                  % keys, self)
            if gap and i + 1 < len(keys):
                time.sleep(gap)

    def _failure_for_bad_line(self):
        # A panic's reason is on the lines after the "Panic on CPU" line.
        i = self.bad_line
        deadline = time.monotonic() + 1.0
        while (len(self.lines) < i + 3 and not self._eof
               and time.monotonic() < deadline):
            self._cond.wait(0.1)
        context = [re.sub(r'^\(XEN\) ?', '', t)
                   for _, t in self.lines[i:i + 3]]
        context = [c.strip() for c in context if c.strip() and
                   not set(c.strip()) <= set('*')]
        return BootFailure('forbidden line at %.1fs: %s'
                           % (self.lines[i][0], ' / '.join(context)), self)

    def _last_mark(self, before='; ', after=''):
        if not self.marks:
            return ''
        label, t = self.marks[-1]
        return '%slast hit: %s at %.1fs%s' % (before, label, t, after)

    def expect(self, pattern, timeout=30, label=None, stop_on=()):
        """Wait for a line matching pattern after the last one expect()
        matched.  Returns (match, seconds since QEMU started).  Raises
        BootFailure on timeout, a forbidden line, QEMU exiting, or a line
        matching one of stop_on first (a sign the wait is hopeless, e.g.
        boot finished without the line)."""
        rx = re.compile(pattern)
        stops = [re.compile(p) for p in stop_on]
        timeout *= TIMEOUT_SCALE
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                if self.bad_line is not None:
                    raise self._failure_for_bad_line()
                while self.cursor < len(self.lines):
                    t, text = self.lines[self.cursor]
                    self.cursor += 1
                    m = rx.search(text)
                    if m:
                        self.marks.append((label or pattern, t))
                        return m, t
                    if any(stop.search(text) for stop in stops):
                        raise BootFailure('%r at %.1fs instead of %r'
                                          % (text, t, pattern), self)
                if self._eof:
                    self.proc.wait()
                    raise BootFailure(
                        'QEMU exited (status %s) after %.1fs before %r%s'
                        % (self.proc.returncode, self.elapsed(), pattern,
                           self._last_mark(' (', ')')), self)
                if _aborting.is_set():
                    raise BootFailure('aborted', self)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise BootFailure('no %r within %gs (%d lines seen%s)'
                                      % (pattern, timeout, len(self.lines),
                                         self._last_mark()), self)
                self._cond.wait(min(left, 0.5))

    def expect_all(self, patterns, timeout=30):
        """expect() each pattern in turn; timeout is for each."""
        return [self.expect(p, timeout) for p in patterns]

    def expect_set(self, patterns, timeout=30):
        """Wait until each pattern has matched some line after the cursor,
        in any order; the cursor then moves past the last of them."""
        todo = {p: re.compile(p) for p in patterns}
        timeout *= TIMEOUT_SCALE
        deadline = time.monotonic() + timeout
        start = i = self.cursor
        last = start
        with self._cond:
            while todo:
                if self.bad_line is not None:
                    raise self._failure_for_bad_line()
                while i < len(self.lines) and todo:
                    for p, rx in list(todo.items()):
                        if rx.search(self.lines[i][1]):
                            del todo[p]
                            last = i + 1
                    i += 1
                if not todo:
                    break
                if self._eof:
                    raise BootFailure('QEMU exited (status %s) before %r'
                                      % (self.proc.wait(), sorted(todo)[0]),
                                      self)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise BootFailure('no %s within %gs'
                                      % (' or '.join(repr(p) for p in todo),
                                         timeout), self)
                self._cond.wait(min(left, 0.5))
            self.cursor = last

    def settle(self, seconds):
        """Let the machine run a little longer, failing on forbidden lines
        or an exit (e.g. a late panic or reboot)."""
        deadline = time.monotonic() + seconds
        with self._cond:
            while time.monotonic() < deadline:
                if self.bad_line is not None:
                    raise self._failure_for_bad_line()
                if self._eof:
                    raise BootFailure('QEMU exited (status %s) after %.1fs'
                                      % (self.proc.poll(), self.elapsed()),
                                      self)
                self._cond.wait(max(0.01, min(0.2, deadline -
                                              time.monotonic())))
            if self.bad_line is not None:
                raise self._failure_for_bad_line()

    def wait_exit(self, timeout=15):
        """Wait for QEMU to exit by itself (e.g. a reboot under -no-reboot);
        returns its status."""
        timeout *= TIMEOUT_SCALE
        deadline = time.monotonic() + timeout
        with self._cond:
            while not self._eof:
                if self.bad_line is not None:
                    raise self._failure_for_bad_line()
                left = deadline - time.monotonic()
                if left <= 0:
                    raise BootFailure('QEMU still running %gs after the '
                                      'last step' % timeout, self)
                self._cond.wait(min(left, 0.5))
        return self.proc.wait()

    def search(self, pattern):
        """All matches of pattern among the lines seen so far."""
        rx = re.compile(pattern)
        with self._cond:
            return [m for m in (rx.search(t) for _, t in self.lines) if m]

    def tail(self, n=12):
        """The last n console lines, leaving out QEMU's note that the
        harness stopped it."""
        with self._cond:
            lines = [re.sub(r'qemu-system-\S+: terminating on signal.*', '',
                            t) for _, t in self.lines]
            if lines and not lines[-1]:
                lines.pop()
            return lines[-n:]


# ---- cleanup and parallel runs ---------------------------------------------

def kill_all():
    """Stop every QEMU this process started."""
    with _live_lock:
        machines = list(_live)
    for m in machines:
        try:
            m.stop('killed')
        except Exception:
            pass


def _on_signal(signum, frame):
    _aborting.set()
    kill_all()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


atexit.register(kill_all)
if threading.current_thread() is threading.main_thread():
    for _s in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(_s, _on_signal)


def default_jobs():
    return max(1, int(os.environ.get('BOOT_JOBS', '2')))


def run_parallel(fn, items, jobs=None, on_result=None):
    """Call fn(item) for each item on `jobs` threads (default $BOOT_JOBS or
    2).  on_result(item, result_or_exception) runs in the calling thread in
    completion order.  Ctrl-C kills every QEMU and re-raises."""
    from concurrent.futures import ThreadPoolExecutor, as_completed
    jobs = jobs or default_jobs()
    results = {}
    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        futs = {pool.submit(fn, it): i for i, it in enumerate(items)}
        for f in as_completed(futs):
            i = futs[f]
            try:
                r = f.result()
            except Exception as e:
                r = e
            results[i] = r
            if on_result:
                on_result(items[i], r)
    except KeyboardInterrupt:
        _aborting.set()
        kill_all()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return [results[i] for i in range(len(items))]


def which(prog):
    for d in os.environ.get('PATH', '').split(os.pathsep):
        p = os.path.join(d, prog)
        if os.access(p, os.X_OK):
            return p
    return None


