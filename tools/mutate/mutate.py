#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Mutation testing: plants one-line bugs in security-critical files and
# checks that the test suites which reach each file notice.
"""Usage: tools/mutate/mutate.py [-j N] [--list]   (or `make mutate`)

Each mutant is one classic slip planted in a copy of the tree (never in
the checkout): a flipped comparison, a bound off by one, a condition
dropped from && or ||, a negated if, a deleted privilege/owner check, a
skipped reference-count change, or 0 returned instead of an errno.  A
mutant that does not build is "stillborn".  Otherwise the suites that
compile the file run: the host suites whose Makefile SRCS lists it, the
mini-os suite on our hypervisor (hypervisor files), the xenstore suite
(tools/xenstore files).  A FAIL line, a non-zero exit or a timeout (3x
the unmutated run) kills it; otherwise it survives, unless
tools/mutate/equivalent.txt says it cannot change behaviour.

Environment:
    MUTATE_FILES="a.c b.c"  files to mutate (default: FILES below)
    MUTATE_MAX=N            at most N mutants in all
    MUTATE_PER_FILE=N       at most N mutants per file (default 8)
    MUTATE_SEED=S           seed of the sample (default 1)
    MUTATE_LOCK=PATH        lock held around each QEMU run
                            (default /tmp/qemu.lock; empty: none)
    MUTATE_QEMU_BATCH=N     mini-os boots per taking of the lock (15)
    MUTATE_KEEP=1           keep the scratch copy of the tree
"""

import argparse
import fcntl
import glob
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, '..', '..'))
EQUIVALENT = os.path.join(HERE, 'equivalent.txt')

FILES = (['xen/common/%s.c' % f for f in (
    'memory', 'domctl', 'sysctl', 'grant_table', 'event_channel',
    'page_owner', 'domain', 'vcpu', 'schedule')] +
    ['xen/arch/x86/%s.c' % f for f in (
        'physdev', 'domctl', 'pirq', 'irq')] +
    ['xen/arch/x86/pv/%s.c' % f for f in (
        'mm', 'mmu_ops', 'emul-priv-op', 'descriptor-tables', 'callback',
        'traps', 'ptwr')] +
    ['xen/arch/x86/x86_emulate/%s.c' % f for f in (
        'decode', 'execute', 'alu', 'string', 'system')] +
    ['xen/drivers/char/console.c'] +
    # bench.c is a load generator, not part of the daemon or clients.
    ['tools/xenstore/%s.c' % f for f in (
        'xsd_core', 'xsd_persist', 'xsd_ring', 'xs_lib', 'xs_client',
        'xenstored', 'xs_tool')])

# Calls that take or drop a reference: skipping one is a classic leak or
# use-after-free.
REFCOUNT = (r'put_page|get_page|put_domain|get_domain|put_page_type|'
            r'get_page_type|put_page_and_type|get_page_and_type|'
            r'get_knownalive_domain|put_page_alloc_ref|rcu_unlock_domain')
# Conditions that look like a privilege or ownership check.
CHECK_WORDS = re.compile(r'privileged|is_control|is_hardware|priv|owner|'
                         r'get_page|may\(|perm|xsm_|EPERM|EACCES')
ERRNO = re.compile(r'\breturn\s+(-?E[A-Z0-9]+)\s*;')
CMP = re.compile(r'(?<![<>=!\-])(<=|>=|==|!=|<|>)(?![<>=])')
BOUND = re.compile(r'(?<![<>=!\-])(<=|>=|<|>)(?![<>=])\s*'
                   r'(0x[0-9a-fA-F]+|\d+|[A-Z][A-Z0-9_]{2,})\b(?!\s*[(\[.])')
FLIP = {'<': '<=', '<=': '<', '>': '>=', '>=': '>', '==': '!=', '!=': '=='}

# A mutant in one of these kinds goes first when a file's quota is short.
KINDS = ('check', 'refcount', 'errno', 'cmp', 'bound', 'drop', 'negate')


def say(msg):
    print(msg, flush=True)


# --- finding mutation sites -------------------------------------------------

def code_mask(text):
    """A list of booleans: True where text is code (not a comment, string,
    character literal or preprocessor line)."""
    mask = [True] * len(text)
    i, n = 0, len(text)
    line_start = True
    while i < n:
        c = text[i]
        if line_start and c in ' \t':
            i += 1
            continue
        if line_start and c == '#':
            j = i
            while j < n and (text[j] != '\n' or text[j - 1] == '\\'):
                j += 1
            for k in range(i, j):
                mask[k] = False
            i = j
            continue
        line_start = c == '\n'
        if text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
        elif text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
        elif c in '"\'':
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            j += 1
        else:
            i += 1
            continue
        for k in range(i, min(j, n)):
            mask[k] = False
        i = j
    return mask


def balanced(text, open_at):
    """Index just past the parenthesis matching text[open_at] == '('."""
    depth = 0
    for i in range(open_at, len(text)):
        if text[i] == '(':
            depth += 1
        elif text[i] == ')':
            depth -= 1
            if depth == 0:
                return i + 1
    return -1


def top_level_split(cond):
    """Operands of the top-level && or || chain in cond, as (start, end)."""
    parts, depth, start, i = [], 0, 0, 0
    op = None
    while i < len(cond):
        c = cond[i]
        if c in '([':
            depth += 1
        elif c in ')]':
            depth -= 1
        elif depth == 0 and cond[i:i + 2] in ('&&', '||'):
            if op and op != cond[i:i + 2]:
                return []       # mixed: precedence makes dropping unclear
            op = cond[i:i + 2]
            parts.append((start, i))
            start = i + 2
            i += 2
            continue
        i += 1
    parts.append((start, len(cond)))
    return parts if len(parts) > 1 else []


def sites(text):
    """Every mutation of the file: (start, end, replacement, kind, what)."""
    mask = code_mask(text)
    out = []

    def code(a, b):
        return all(mask[a:b])

    # Comparisons, and bounds off by one.
    for m in CMP.finditer(text):
        if code(m.start(), m.end()) and text[m.start() - 1] != '-':
            op = m.group(1)
            out.append((m.start(), m.end(), FLIP[op], 'cmp',
                        '%s -> %s' % (op, FLIP[op])))
    for m in BOUND.finditer(text):
        if code(m.start(), m.end()):
            c = m.group(2)
            out.append((m.start(2), m.end(2), '(%s + 1)' % c, 'bound',
                        '%s %s -> %s %s + 1' % (m.group(1), c, m.group(1), c)))

    # if conditions: negated, an operand dropped, a check deleted.
    for m in re.finditer(r'\b(if|while)\s*\(', text):
        if not code(m.start(), m.end()):
            continue
        open_at = m.end() - 1
        close = balanced(text, open_at)
        if close < 0:
            continue
        cond = text[open_at + 1:close - 1]
        inner = cond.strip()
        a = open_at + 1 + cond.index(inner) if inner else open_at + 1
        b = a + len(inner)
        if m.group(1) == 'if':
            out.append((a, b, '!(%s)' % inner, 'negate',
                        'negate if condition'))
        parts = top_level_split(inner)
        for k, (ps, pe) in enumerate(parts):
            # Drop operand k together with one adjacent operator.
            if k == 0:
                ds, de = a + ps, a + parts[1][0]
            else:
                ds, de = a + parts[k - 1][1], a + pe
            keep = (text[a:ds] + text[de:b]).strip()
            out.append((a, b, keep, 'drop', 'drop "%s" from condition'
                        % ' '.join(inner[ps:pe].split())))
        # The body: one statement that returns an error or jumps out.
        body = re.match(r'\s*\{?\s*(return\s+[^;]*|goto\s+\w+)\s*;\s*\}?',
                        text[close:])
        after = text[close + body.end():close + body.end() + 12] \
            if body else ''
        if (m.group(1) == 'if' and body and
                CHECK_WORDS.search(cond + body.group(1)) and
                not re.search(r'\belse\b', after)):
            # Short-circuited rather than deleted, so that the variables
            # it sets still count as used: the check and what it calls
            # are skipped all the same.
            out.append((a, b, '0 && (%s)' % inner, 'check',
                        'delete check "if (%s) %s"'
                        % (' '.join(inner.split())[:60],
                           ' '.join(body.group(1).split()))))

    # Reference-count changes as statements of their own.  Deletions leave
    # "{ }", which is also a whole if or else body without a warning.
    for m in re.finditer(r'(?m)^[ \t]*(?:\(void\)\s*)?(%s)\s*\(' % REFCOUNT,
                         text):
        open_at = m.end() - 1
        close = balanced(text, open_at)
        if close < 0 or not code(m.start(1), close):
            continue
        semi = re.match(r'\s*;', text[close:])
        if semi:
            lead = len(m.group(0)) - len(m.group(0).lstrip())
            out.append((m.start() + lead, close + semi.end(), '{ }',
                        'refcount', 'skip %s()' % m.group(1)))

    # 0 returned in place of an errno.
    for m in ERRNO.finditer(text):
        if code(m.start(), m.end()):
            out.append((m.start(1), m.end(1), '0', 'errno',
                        'return %s -> return 0' % m.group(1)))

    # One mutant per (place, replacement).
    seen, uniq = set(), []
    for s in out:
        if (s[0], s[1], s[2]) not in seen:
            seen.add((s[0], s[1], s[2]))
            uniq.append(s)
    return uniq


class Mutant(object):
    def __init__(self, path, text, site):
        self.path = path
        self.start, self.end, self.repl, self.kind, self.what = site
        self.line = text.count('\n', 0, self.start) + 1
        ls = text.rfind('\n', 0, self.start) + 1
        le = text.find('\n', self.start)
        self.orig_line = text[ls:le if le >= 0 else len(text)].strip()
        self.text = text[:self.start] + self.repl + text[self.end:]
        self.result = None
        self.by = ''

    def name(self):
        return '%s:%d: %s' % (self.path, self.line, self.what)


def sample(files, seed, per_file, total):
    """A deterministic sample: per file, the kinds in turn (KINDS order),
    each kind's sites shuffled with a seed of its own."""
    chosen = []
    for path in files:
        with open(os.path.join(TOP, path)) as f:
            text = f.read()
        rng = random.Random('%s:%s' % (seed, path))
        by_kind = {k: [] for k in KINDS}
        for s in sites(text):
            by_kind[s[3]].append(s)
        for k in KINDS:
            rng.shuffle(by_kind[k])
        picked = []
        while len(picked) < per_file and any(by_kind.values()):
            for k in KINDS:
                if by_kind[k] and len(picked) < per_file:
                    picked.append(by_kind[k].pop())
        picked.sort(key=lambda s: (s[0], s[3]))
        chosen += [Mutant(path, text, s) for s in picked]
    if total is not None and len(chosen) > total:
        rng = random.Random('%s:total' % seed)
        keep = set(rng.sample(range(len(chosen)), total))
        chosen = [m for i, m in enumerate(chosen) if i in keep]
    return chosen


def load_equivalents():
    """(file, original line, mutation) -> reason, from equivalent.txt:
    one entry per line, 'file | original line | mutation | reason'."""
    eq = {}
    if not os.path.exists(EQUIVALENT):
        return eq
    with open(EQUIVALENT) as f:
        for ln in f:
            if not ln.strip() or ln.startswith('#'):
                continue
            parts = [p.strip() for p in ln.rstrip('\n').split(' | ')]
            if len(parts) != 4:
                sys.exit('%s: bad line: %s' % (EQUIVALENT, ln.strip()))
            eq[tuple(parts[:3])] = parts[3]
    return eq


# --- suites -----------------------------------------------------------------

def host_suites():
    """suite name -> set of files (relative to the top) its SRCS lists."""
    out = {}
    for mk in sorted(glob.glob(os.path.join(TOP, 'tools/tests/*/Makefile'))):
        with open(mk) as f:
            text = f.read().replace('\\\n', ' ')
        if 'include/host.mk' not in text:
            continue
        srcs = set()
        for m in re.finditer(r'(?m)^SRCS\s*[:+]?=(.*)$', text):
            srcs |= {'xen/' + s for s in m.group(1).split()}
        if re.search(r'(?m)^PREEMPT\s*:?=\s*y', text):
            srcs |= {'xen/arch/x86/continuation.c',
                     'xen/arch/x86/pv/continuation.c'}
        out[os.path.basename(os.path.dirname(mk))] = srcs
    return out


class Suite(object):
    """One way of testing a file: a command run in a scratch tree."""
    def __init__(self, name, argv, env=None, qemu=False):
        self.name, self.argv, self.env, self.qemu = name, argv, env, qemu
        self.base = None

    def timeout(self):
        return max(3 * self.base, 10.0)

    def run(self, tree, timeout, extra_env=None):
        """(verdict, seconds): verdict None if it passed, else why.  The
        first FAIL line decides: the rest of the suite is not run."""
        env = dict(os.environ, **(self.env or {}))
        env.update(extra_env or {})
        if STOP.is_set():
            return 'interrupted', 0.0
        start = time.monotonic()
        p = subprocess.Popen(self.argv, cwd=tree, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True)
        LIVE.add(p)
        why = []
        timer = threading.Timer(timeout, lambda: (why.append('timeout'),
                                                  kill_group(p)))
        timer.start()
        try:
            for raw in p.stdout:
                line = raw.decode('utf-8', 'replace').rstrip()
                if re.match(r'^\s*FAIL: ', line) and not why:
                    why.append(line.strip()[:150])
                    kill_group(p)
            rc = p.wait()
        finally:
            timer.cancel()
            kill_group(p)
            LIVE.discard(p)
        secs = time.monotonic() - start
        if why:
            return why[0], secs
        if rc != 0:
            return 'exit status %d' % rc, secs
        return None, secs


# Seconds spent waiting for the QEMU lock (other users' runs), all told.
WAITED = [0.0]

# Suites running now: their process groups do not see Ctrl-C themselves.
LIVE = set()
# Set on Ctrl-C: whatever finishes afterwards is not a result.
STOP = threading.Event()


def kill_group(p):
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


class QemuLock(object):
    """The machine-wide lock every QEMU user takes (a no-op without one)."""
    def __init__(self, path):
        self.path, self.f = path, None

    def __enter__(self):
        if self.path:
            self.f = open(self.path, 'a')
            t = time.monotonic()
            fcntl.flock(self.f, fcntl.LOCK_EX)
            WAITED[0] += time.monotonic() - t
        return self

    def __exit__(self, *exc):
        if self.f:
            self.f.close()
            self.f = None


class QemuBatcher(object):
    """Boots the mini-os suite on mutated hypervisors, several per taking
    of the QEMU lock: each boot takes seconds, while waiting for the lock
    behind other users' runs takes minutes."""
    def __init__(self, suite, tree, lock, batch, finish):
        self.suite, self.tree, self.lock = suite, tree, lock
        self.batch, self.finish = batch, finish
        self.pending = []
        self.closed = False
        self.cv = threading.Condition()
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def submit(self, m, elf):
        with self.cv:
            self.pending.append((m, elf))
            self.cv.notify()

    def close(self):
        with self.cv:
            self.closed = True
            self.cv.notify()
        self.thread.join()

    def loop(self):
        while True:
            with self.cv:
                while not self.pending and not self.closed:
                    self.cv.wait()
                if not self.pending or STOP.is_set():
                    return
            with QemuLock(self.lock):
                for _ in range(self.batch):
                    with self.cv:
                        if not self.pending or STOP.is_set():
                            break
                        m, elf = self.pending.pop(0)
                    why, _ = self.suite.run(self.tree, self.suite.timeout(),
                                            {'MINIOS_XEN': elf})
                    if STOP.is_set():
                        return
                    os.unlink(elf)
                    if why:
                        m.result, m.by = 'killed', '%s: %s' % (
                            self.suite.name, why)
                    else:
                        m.result = 'survived'
                    self.finish(m)


def suites_for(path, hosts):
    """The suites that reach path, cheapest first."""
    out = []
    for name in sorted(hosts):
        if path in hosts[name]:
            out.append(Suite('host:' + name, ['make', '-s',
                                              '--no-print-directory', '-C',
                                              'tools/tests/' + name, 'test',
                                              'REBUILD=']))
    if path.startswith('tools/xenstore/'):
        out.append(Suite('xenstore', ['make', '-s', '--no-print-directory',
                                      '-C', 'tools/tests/xenstore', 'test',
                                      'FUZZ_SECONDS=3',
                                      'FUZZ_PERSIST_SECONDS=2']))
    if path.startswith('xen/'):
        out.append(MINIOS)
    return out


# The in-guest suite on our hypervisor, both guest builds.
MINIOS = Suite('minios:ours', ['python3', 'tools/tests/minios/run.py'],
               {'MINIOS_HV': 'ours,ours-syscall'}, qemu=True)


def build(tree, path):
    """None if the tree builds with the mutant in path, else the error."""
    if path.startswith('xen/'):
        argv = ['make', '-s', '-C', 'xen']
    else:
        argv = ['make', '-s', '-C', 'tools/xenstore', 'O=build-mutate']
    p = subprocess.run(argv, cwd=tree, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    if p.returncode == 0:
        return None
    lines = p.stdout.decode('utf-8', 'replace').splitlines()
    err = [ln for ln in lines if 'error' in ln] or lines[-1:] or ['failed']
    return err[0][:150]


# --- the scratch tree -------------------------------------------------------

def make_tree(where):
    """A copy of the checkout's tracked and untracked (not ignored) files."""
    p = subprocess.run(['git', 'ls-files', '-z', '-c', '-o',
                        '--exclude-standard'], cwd=TOP,
                       stdout=subprocess.PIPE, check=True)
    for rel in p.stdout.decode().split('\0'):
        if not rel or not os.path.lexists(os.path.join(TOP, rel)):
            continue
        dst = os.path.join(where, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(os.path.join(TOP, rel), dst, follow_symlinks=False)
    return where


def baseline(tree, suites, lock, elf):
    """Runs every suite on the unmutated tree; returns the failures."""
    bad = []
    for s in suites:
        if s.qemu:
            with QemuLock(lock):
                why, secs = s.run(tree, 1800, {'MINIOS_XEN': elf})
        else:
            why, secs = s.run(tree, 1800)
        s.base = secs
        say('  baseline %-22s %6.1f s%s' % (s.name, secs,
                                            ' FAIL: ' + why if why else ''))
        if why:
            bad.append(s.name)
    return bad


def test_mutant(tree, m, suites, elf_dir):
    """Builds and host-tests m; returns the hypervisor to boot, if the
    suites so far let it live and the mini-os suite reaches it."""
    path = os.path.join(tree, m.path)
    with open(path) as f:
        orig = f.read()
    try:
        with open(path, 'w') as f:
            f.write(m.text)
        err = build(tree, m.path)
        if err:
            m.result, m.by = 'stillborn', err
            return None
        for s in suites:
            if s.qemu:
                elf = os.path.join(elf_dir, 'xen-%d' % id(m))
                shutil.copy(os.path.join(tree, 'xen', 'xen'), elf)
                return elf
            why, _ = s.run(tree, s.timeout())
            if why:
                m.result, m.by = 'killed', '%s: %s' % (s.name, why)
                return None
        m.result = 'survived'
        return None
    finally:
        with open(path, 'w') as f:
            f.write(orig)


def report(mutants, eq, secs):
    files = []
    for m in mutants:
        if m.path not in files:
            files.append(m.path)
    say('')
    say('%-40s %5s %5s %5s %5s %5s %6s' % ('file', 'all', 'born', 'kill',
                                          'surv', 'equiv', 'rate'))
    tot = {'all': 0, 'stillborn': 0, 'killed': 0, 'survived': 0,
           'equivalent': 0}
    for path in files:
        ms = [m for m in mutants if m.path == path and m.result]
        c = {k: sum(1 for m in ms if m.result == k) for k in tot if k != 'all'}
        c['all'] = len(ms)
        for k in tot:
            tot[k] += c[k]
        say('%-40s %5d %5d %5d %5d %5d %6s' % (
            path, c['all'], c['all'] - c['stillborn'], c['killed'],
            c['survived'], c['equivalent'], rate(c)))
    say('%-40s %5d %5d %5d %5d %5d %6s' % (
        'overall', tot['all'], tot['all'] - tot['stillborn'], tot['killed'],
        tot['survived'], tot['equivalent'], rate(tot)))
    say('(rate: killed / (killed + survived); stillborn mutants did not '
        'build; equivalent ones are listed in tools/mutate/equivalent.txt)')
    for kind in ('survived', 'equivalent'):
        ms = [m for m in mutants if m.result == kind]
        if ms:
            say('%s:' % ('survivors' if kind == 'survived' else kind))
            for m in ms:
                say('  %s%s' % (m.name(), ('   [%s]' % m.by) if m.by else ''))
    say('%d mutants in %.0f s, of which %.0f s waiting for the QEMU lock'
        % (tot['all'], secs, WAITED[0]))


def rate(c):
    n = c['killed'] + c['survived']
    return '%.0f%%' % (100.0 * c['killed'] / n) if n else '-'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('-j', type=int, default=1,
                    help='mutants built and host-tested at once (each in '
                    'its own tree)')
    ap.add_argument('--list', action='store_true',
                    help='print the sampled mutants and stop')
    args = ap.parse_args()
    files = os.environ.get('MUTATE_FILES', '').replace(',', ' ').split()
    files = files or FILES
    for f in files:
        if not os.path.isfile(os.path.join(TOP, f)):
            sys.exit('mutate: no such file: %s' % f)
    seed = os.environ.get('MUTATE_SEED', '1')
    per_file = int(os.environ.get('MUTATE_PER_FILE', '8'))
    total = os.environ.get('MUTATE_MAX')
    lock = os.environ.get('MUTATE_LOCK', '/tmp/qemu.lock')
    batch = int(os.environ.get('MUTATE_QEMU_BATCH', '15'))
    mutants = sample(files, seed, per_file, int(total) if total else None)
    eq = load_equivalents()
    if args.list:
        for m in mutants:
            say('%s   [%s]' % (m.name(), m.kind))
        say('%d mutants' % len(mutants))
        return 0

    start = time.monotonic()
    scratch = tempfile.mkdtemp(prefix='mutate.')
    say('mutate: %d mutants of %d files, seed %s; scratch trees in %s'
        % (len(mutants), len(files), seed, scratch))

    def on_term(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    try:
        return run_all(mutants, eq, scratch, lock, max(1, args.j), batch,
                       start)
    except KeyboardInterrupt:
        STOP.set()
        done = [m for m in mutants if m.result]
        for p in list(LIVE):
            kill_group(p)
        say('mutate: interrupted; partial results:')
        report(done, eq, time.monotonic() - start)
        return 130
    finally:
        if os.environ.get('MUTATE_KEEP') != '1':
            shutil.rmtree(scratch, ignore_errors=True)


def run_all(mutants, eq, scratch, lock, jobs, batch, start):
    hosts = host_suites()
    trees = [make_tree(os.path.join(scratch, 't%d' % i)) for i in range(jobs)]
    elf_dir = os.path.join(scratch, 'elf')
    os.makedirs(elf_dir)
    # Suites are shared by the mutants that need them, so that each one's
    # unmutated time is measured once.
    suites = {}
    per_mutant = []
    for m in mutants:
        per_mutant.append([suites.setdefault(s.name, s)
                           for s in suites_for(m.path, hosts)])
    say('mutate: building and running the unmutated suites')
    for t in trees:
        for argv in (['make', '-s', '-C', 'xen'],
                     ['make', '-s', '-C', 'extras/mini-os']):
            subprocess.run(argv, cwd=t, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=True)
    elf = os.path.join(elf_dir, 'xen-unmutated')
    shutil.copy(os.path.join(trees[0], 'xen', 'xen'), elf)
    bad = baseline(trees[0], list(suites.values()), lock, elf)
    os.unlink(elf)
    if bad:
        say('mutate: suites fail without a mutant: %s' % ', '.join(bad))
        return 1
    free = list(trees)
    out_lock = threading.Lock()
    done = [0]

    def finish(m):
        if STOP.is_set():
            return
        key = (m.path, m.orig_line, m.what)
        if m.result == 'survived' and key in eq:
            m.result, m.by = 'equivalent', eq[key]
        with out_lock:
            done[0] += 1
            say('[%d/%d] %-10s %s%s' % (done[0], len(mutants),
                                        m.result.upper(), m.name(),
                                        ('   (%s)' % m.by) if m.by else ''))

    batcher = QemuBatcher(MINIOS, trees[0], lock, batch, finish)

    def one(i):
        m = mutants[i]
        if STOP.is_set():
            return
        with out_lock:
            tree = free.pop()
        try:
            elf = test_mutant(tree, m, per_mutant[i], elf_dir)
        finally:
            with out_lock:
                free.append(tree)
        if elf:
            batcher.submit(m, elf)
        else:
            finish(m)

    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        list(pool.map(one, range(len(mutants))))
    finally:
        # On Ctrl-C, only the mutants under test now are finished.
        pool.shutdown(wait=False, cancel_futures=True)
    batcher.close()
    report(mutants, eq, time.monotonic() - start)
    return 0


if __name__ == '__main__':
    sys.exit(main())
