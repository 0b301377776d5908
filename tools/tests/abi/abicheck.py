#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generated ABI conformance check of xen/include/public against Xen 4.17.

Everything compared is discovered from our own headers (a new header
joins the check by existing):
  * object-like macros that are integer or string constants, enumerators,
    and function-like macros that give an integer constant for sample
    integer arguments;
  * every struct, union and typedef: size and alignment;
  * every field (members of nested unions/structs as a.b paths): offset
    and size, or the exact bits for a bitfield.
A C probe holding one table row per item is generated from that list and
built twice: against our headers and against Xen's (Debian libxen-dev,
/usr/include/xen), each reached as <xen/...> through a staging directory.
This runs in the toolstack view and in a guest view at every
__XEN_INTERFACE_VERSION__ boundary found in our headers.  Differences are
reported per item.  Headers Xen's package lacks are compared with
hand-written expectations in expected/<header>.txt; skip.txt lists our
private helper names that are deliberately not compared.

Subcommands:
  check [--tools-only] [--public DIR] [--quiet]   the comparison above
  langs       each header alone as C89, C99, C++, toolstack, hypervisor
  behaviour   behaviour.c (rings, X-macros, ...) traced with both sets
  selftest    plants differences in a copy and expects them reported
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..', '..'))
PUBLIC = os.path.join(ROOT, 'xen', 'include', 'public')
XEN_INC = os.environ.get('XEN_REF_INCLUDE', '/usr/include/xen')
EXPECTED = os.path.join(HERE, 'expected')
SKIPFILE = os.path.join(HERE, 'skip.txt')
CC = os.environ.get('CC', 'gcc')

PRELUDE = """#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
"""


# Reached only by a 32-bit guest (arch-x86/xen.h includes it under
# __i386__): beside xen-x86_64.h its selectors clash, and Xen's own header
# check compiles only the native one too.  mini-os's x86_32 build asserts
# the 32-bit layouts.
NOT_NATIVE = {'arch-x86/xen-x86_32.h'}


def headers_of(root):
    out = []
    for d, _, files in os.walk(root):
        for f in files:
            h = os.path.relpath(os.path.join(d, f), root)
            if f.endswith('.h') and h not in NOT_NATIVE:
                out.append(h)
    # xen.h first: most others assume it; some of Xen's headers are only
    # usable after their generic parent (arch-x86/hvm/save.h).
    first = ['xen.h', 'hvm/save.h']
    return sorted(out, key=lambda h: (first.index(h) if h in first
                                      else len(first), h))


def stage(work, name, target):
    d = os.path.join(work, name)
    os.makedirs(d)
    os.symlink(target, os.path.join(d, 'xen'))
    return d


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, **kw)


# ---------------------------------------------------------------- tokens

TOKEN = re.compile(r'''
    (?P<ws>\s+)
  | (?P<str>"(?:\\.|[^"\\])*")
  | (?P<chr>'(?:\\.|[^'\\])*')
  | (?P<num>\.?[0-9][0-9a-zA-Z_.]*)
  | (?P<id>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<punct>\.\.\.|->|<<|>>|[<>=!]=|&&|\|\||[-+*/%&|^~!<>=?:;,.()\[\]{}#])
''', re.X)


def tokenize(text):
    toks = []
    pos = 0
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            raise SystemExit('abicheck: cannot tokenize: %r'
                             % text[pos:pos + 40])
        pos = m.end()
        if m.lastgroup != 'ws':
            toks.append(m.group())
    return toks


def preprocess(inc, hdrs, extra=()):
    """Preprocess a TU including hdrs; return ({file: [tokens]}, macros)."""
    src = PRELUDE + ''.join('#include <xen/%s>\n' % h for h in hdrs)
    p = run([CC, '-E', '-dD', '-std=gnu11', '-I', inc] + list(extra) +
            ['-x', 'c', '-'], input=src)
    if p.returncode:
        raise SystemExit('abicheck: preprocessing failed:\n' + p.stderr)
    base = os.path.join(inc, 'xen')
    cur = None
    code = {}
    macros = []     # (header, name, is_function_like, parameters)
    for line in p.stdout.splitlines():
        m = re.match(r'# \d+ "([^"]*)"', line)
        if m:
            path = os.path.normpath(m.group(1))
            cur = None
            if path.startswith(base + os.sep):
                cur = os.path.relpath(path, base)
            continue
        if cur is None:
            continue
        m = re.match(r'\s*#\s*define\s+([A-Za-z_]\w*)(\(([^)]*)\))?',
                     line)
        if m:
            params = None
            if m.group(2):
                params = [a.strip() for a in m.group(3).split(',')
                          if a.strip()]
            macros.append((cur, m.group(1), params is not None, params))
            continue
        if line.startswith('#'):
            continue
        code.setdefault(cur, []).append(line)
    return {h: tokenize('\n'.join(ls)) for h, ls in code.items()}, macros


# ---------------------------------------------------------------- parser

def strip_attrs(toks):
    out = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if t in ('__attribute__', '__attribute', '__declspec'):
            i += 1
            depth = 0
            while i < len(toks):
                if toks[i] == '(':
                    depth += 1
                elif toks[i] == ')':
                    depth -= 1
                    if depth == 0:
                        break
                i += 1
            i += 1
            continue
        if t in ('__extension__', 'volatile', 'const', 'static', 'inline',
                 '__inline__', 'extern', 'register'):
            i += 1
            continue
        out.append(t)
        i += 1
    return out


def split_top(toks, sep):
    parts, cur, depth = [], [], 0
    for t in toks:
        if t in '([{':
            depth += 1
        elif t in ')]}':
            depth -= 1
        if t == sep and depth == 0:
            parts.append(cur)
            cur = []
        else:
            cur.append(t)
    if cur:
        parts.append(cur)
    return parts


def match_close(toks, i):
    """Index of the bracket closing toks[i]."""
    depth = 0
    for j in range(i, len(toks)):
        if toks[j] in '([{':
            depth += 1
        elif toks[j] in ')]}':
            depth -= 1
            if depth == 0:
                return j
    raise SystemExit('abicheck: unbalanced brackets')


def declarator(seg):
    """(name, is_bitfield, is_flexible_array, array_dims) of a declarator."""
    seg = list(seg)
    bit = False
    colon = [i for i, t in enumerate(seg) if t == ':']
    if colon:
        seg = seg[:colon[0]]
        bit = True
    flex = False
    dims = 0
    while seg and seg[-1] == ']':
        depth = 0
        k = len(seg) - 1
        while True:
            if seg[k] == ']':
                depth += 1
            elif seg[k] == '[':
                depth -= 1
                if depth == 0:
                    break
            k -= 1
        if k == len(seg) - 2:
            flex = True
        dims += 1
        seg = seg[:k]
    # Function pointer: ( * name ) ( ... )
    if '(' in seg:
        i = seg.index('(')
        j = match_close(seg, i)
        inner = [t for t in seg[i + 1:j] if re.match(r'[A-Za-z_]', t)]
        return inner[-1], bit, False, 0
    ids = [t for t in seg if re.match(r'[A-Za-z_]', t)]
    return ids[-1], bit, flex, dims


class Parser(object):
    def __init__(self):
        self.types = []        # (header, cname)
        self.fields = []       # (header, cname, path, kind)
        self.enums = []        # (header, name)
        self.typedef_names = []

    def body(self, hdr, toks, prefix, out):
        """Parse a struct/union body; append (path, kind) to out."""
        for decl in split_top(toks, ';'):
            decl = strip_attrs(decl)
            if not decl:
                continue
            if decl[0] in ('struct', 'union') and '{' in decl and \
                    decl.index('{') <= 2:
                o = decl.index('{')
                c = match_close(decl, o)
                tag = decl[1] if o == 2 else None
                inner = []
                self.body(hdr, decl[o + 1:c], '', inner)
                if tag:
                    cname = '%s %s' % (decl[0], tag)
                    self.add_type(hdr, cname, inner)
                rest = decl[c + 1:]
                if not rest:            # anonymous member: flatten
                    for path, kind in inner:
                        out.append((prefix + path, kind))
                    continue
                for seg in split_top(rest, ','):
                    name, bit, flex, dims = declarator(seg)
                    out.append((prefix + name, 'flex' if flex else 'field'))
                    sub = prefix + name + '[0]' * dims + '.'
                    for path, kind in inner:
                        out.append((sub + path, kind))
                continue
            if decl[0] == 'enum' and '{' in decl and decl.index('{') <= 2:
                o = decl.index('{')
                c = match_close(decl, o)
                self.enum_body(hdr, decl[o + 1:c])
                decl = ['int'] + decl[c + 1:]
            segs = split_top(decl, ',')
            for n, seg in enumerate(segs):
                if n == 0:
                    seg = seg[:]        # type specifiers + first declarator
                name, bit, flex, dims = declarator(seg)
                kind = 'bits' if bit else ('flex' if flex else 'field')
                out.append((prefix + name, kind))

    def enum_body(self, hdr, toks):
        for seg in split_top(toks, ','):
            if seg:
                self.enums.append((hdr, seg[0]))

    def add_type(self, hdr, cname, members):
        self.types.append((hdr, cname))
        for path, kind in members:
            self.fields.append((hdr, cname, path, kind))

    def toplevel(self, hdr, toks):
        i = 0
        decls = []
        cur = []
        depth = 0
        while i < len(toks):
            t = toks[i]
            if t in '([{':
                depth += 1
            elif t in ')]}':
                depth -= 1
            cur.append(t)
            if depth == 0 and t == ';':
                decls.append(cur)
                cur = []
            elif depth == 0 and t == '}' and len(cur) > 1 and \
                    ')' in cur and cur[cur.index('{') - 1] == ')':
                cur = []        # inline function definition: ignore
            i += 1
        for d in decls:
            d = strip_attrs(d[:-1])
            if '=' in d and d.index('=') < (d.index('{') if '{' in d
                                            else len(d)):
                continue        # an initialised object, not a type
            self.decl(hdr, d)

    def decl(self, hdr, d):
        if not d:
            return
        typedef = d[0] == 'typedef'
        if typedef:
            d = d[1:]
        if d and d[0] in ('struct', 'union', 'enum') and '{' in d and \
                d.index('{') <= 2:
            o = d.index('{')
            c = match_close(d, o)
            tag = d[1] if o == 2 else None
            if d[0] == 'enum':
                self.enum_body(hdr, d[o + 1:c])
                members = None
            else:
                members = []
                self.body(hdr, d[o + 1:c], '', members)
                if tag:
                    self.add_type(hdr, '%s %s' % (d[0], tag), members)
            rest = d[c + 1:]
            if typedef:
                for seg in split_top(rest, ','):
                    name, _, _, _ = declarator(seg)
                    if members is not None and not tag and \
                            not [t for t in seg if t in '*[(']:
                        self.add_type(hdr, name, members)
                    else:
                        self.types.append((hdr, name))
            return
        if typedef:
            if d[0] in ('struct', 'union') and len(d) == 3:
                # typedef struct foo foo_t; may be incomplete: skip size
                # unless the tag is defined (checked via the tag itself).
                self.types.append((hdr, d[2]))
                return
            for seg in split_top(d, ','):
                name, _, _, _ = declarator(seg)
                if '(' in seg and seg[seg.index('(') + 1] == '*':
                    self.types.append((hdr, name))
                elif '(' in seg:
                    continue            # function type: no size
                else:
                    self.types.append((hdr, name))
        # other declarations (variables, prototypes) carry no layout


# ---------------------------------------------------------------- probe

PROBE_HEAD = r"""
/* Values are computed at compile time into tables; only bitfields need
 * code.  Each table row is one line, so that a compile error names the
 * item it belongs to. */
struct num_ { const char *h, *k, *n; unsigned long long v; };
struct str_ { const char *h, *n, *s; };
static void pb(const char *h, const char *n, const void *p, size_t sz)
{
    const unsigned char *b = p;
    size_t i, first = (size_t)-1, count = 0;
    for ( i = 0; i < sz * 8; i++ )
        if ( b[i / 8] & (1u << (i % 8)) )
        {
            if ( first == (size_t)-1 )
                first = i;
            count++;
        }
    printf("%s bits %s %lu+%lu\n", h, n, (unsigned long)first,
           (unsigned long)count);
}
#define BITS(h, n, t, f) do { t v_; memset(&v_, 0, sizeof(v_)); \
    v_.f = -1; pb(h, n, &v_, sizeof(v_)); } while ( 0 )
"""

PROBE_MAIN = r"""
int main(void)
{
    size_t i;
    for ( i = 0; i < sizeof(nums_) / sizeof(nums_[0]) - 1; i++ )
        printf("%s %s %s %llu\n", nums_[i].h, nums_[i].k, nums_[i].n,
               nums_[i].v);
    for ( i = 0; i < sizeof(strs_) / sizeof(strs_[0]) - 1; i++ )
        printf("%s str %s \"%s\"\n", strs_[i].h, strs_[i].n, strs_[i].s);
"""


def c_str(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def compile_errors(src, inc, out=None, extra=()):
    """Compile src; return (ok, set of failing line numbers, stderr)."""
    fd, path = tempfile.mkstemp(suffix='.c')
    with os.fdopen(fd, 'w') as f:
        f.write(src)
    cmd = [CC, '-std=gnu11', '-fmax-errors=0', '-ftrack-macro-expansion=0',
           '-I', inc] + \
        list(extra) + [path]
    cmd += ['-o', out] if out else ['-fsyntax-only']
    p = run(cmd)
    os.unlink(path)
    bad = set()
    for m in re.finditer(re.escape(path) + r':(\d+):(?:\d+:)? error',
                         p.stderr):
        bad.add(int(m.group(1)))
    return p.returncode == 0, bad, p.stderr


def survivors(head, cands, fmt, inc, extra=()):
    """Candidates for which 'fmt' compiles; retried until a clean build,
    since the compiler reports some errors only once."""
    good = list(cands)
    base = head.count('\n') + 1
    for _ in range(50):
        src = head + ''.join(fmt % (i, n) + '\n'
                             for i, (_, n) in enumerate(good))
        ok, bad, err = compile_errors(src, inc, extra=extra)
        if ok:
            return good
        if not bad:
            raise SystemExit('abicheck: classification failed:\n' + err)
        good = [c for i, c in enumerate(good) if base + i not in bad]
    raise SystemExit('abicheck: classification does not converge')


def classify_macros(inc, hdrs, macros, flags):
    """Split object-like macros into integer, string and other ones."""
    cands = [(h, n) for h, n, fn, _ in macros if not fn]
    head = PRELUDE + ''.join('#include <xen/%s>\n' % h for h in hdrs)
    ints = survivors(head, cands, 'enum { e%d = (%s) ? 1 : 1 };', inc,
                     ['-pedantic-errors'] + flags)
    rest = [c for c in cands if c not in ints]
    strs = survivors(head, rest, 'static const char s%d[] = %s;', inc,
                     flags)
    other = [c for c in rest if c not in strs]
    return ints, strs, other


# Arguments tried on function-like macros: two sets, so that a macro
# ignoring or swapping a parameter is caught.
SAMPLE_ARGS = [(1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
               (0x1234, 0x56, 0x7, 0x1ff, 0x3, 0x11, 0x22, 0x33, 0x44, 0x55)]


def classify_fn_macros(inc, hdrs, macros, flags):
    """Calls of function-like macros, with sample integer arguments,
    that are integer constant expressions.  Others (taking types, lvalues
    or names, or yielding statements) are left out."""
    cands = []
    for h, n, fn, params in macros:
        if not fn or '...' in params or len(params) > 10:
            continue
        for args in SAMPLE_ARGS:
            cands.append((h, '%s(%s)' % (n, ','.join(
                str(a) for a in args[:len(params)]))))
    head = PRELUDE + ''.join('#include <xen/%s>\n' % h for h in hdrs)
    return survivors(head, cands, 'enum { f%d = (%s) ? 1 : 1 };', inc,
                     ['-pedantic-errors'] + flags)


def gen_items(ints, strs, parser, skip, calls=()):
    """List of (header, key, section, C text); section is num, str or
    bits (a table row, a table row, a statement)."""
    items = []
    seen = set()

    def add(h, key, sect, text):
        if key in seen or key.split(' ', 1)[1].split('(')[0] in skip:
            return
        seen.add(key)
        items.append((h, key, sect, text))

    def num(h, kind, n, expr):
        add(h, kind + ' ' + n, 'num', '{%s, "%s", %s, %s},'
            % (c_str(h), kind, c_str(n), expr))

    for h, n in ints:
        num(h, 'const', n, '(unsigned long long)(long long)(%s)' % n)
    for h, n in parser.enums:
        num(h, 'const', n, '(unsigned long long)(long long)(%s)' % n)
    for h, n in calls:
        num(h, 'macro', n, '(unsigned long long)(long long)(%s)' % n)
    for h, n in strs:
        add(h, 'str ' + n, 'str', '{%s, %s, %s},' % (c_str(h), c_str(n), n))
    for h, t in parser.types:
        num(h, 'size', t, 'sizeof(%s)' % t)
        num(h, 'align', t, '__alignof__(%s)' % t)
    for h, t, path, kind in parser.fields:
        n = '%s.%s' % (t, path)
        if kind == 'bits':
            add(h, 'bits ' + n, 'bits', 'BITS(%s, %s, %s, %s);'
                % (c_str(h), c_str(n), t, path))
            continue
        num(h, 'offset', n, 'offsetof(%s, %s)' % (t, path))
        if kind != 'flex':
            num(h, 'fsize', n, 'sizeof(((%s *)0)->%s)' % (t, path))
    return items


def probe_source(hdrs, items):
    """The probe program and, per item, the line it occupies."""
    lines = (PRELUDE + ''.join('#include <xen/%s>\n' % h for h in hdrs) +
             PROBE_HEAD).split('\n')
    where = []

    def section(opening, sect, closing):
        lines.append(opening)
        for it in items:
            if it[2] == sect:
                lines.append(it[3])
                where.append((len(lines), it))
        lines.extend(closing)

    section('static const struct num_ nums_[] = {', 'num',
            ['{0, 0, 0, 0}', '};'])
    section('static const struct str_ strs_[] = {', 'str', ['{0, 0, 0}', '};'])
    lines.extend(PROBE_MAIN.split('\n'))
    section('', 'bits', ['    return 0;', '}', ''])
    return '\n'.join(lines), dict(where)


def build_and_run(work, name, inc, hdrs, items, flags):
    """Build the probe, dropping items that fail to compile.
    Returns ({key: value}, {key: why-dropped})."""
    dropped = {}
    items = list(items)
    exe = os.path.join(work, name + '.probe')
    for _ in range(8):
        src, where = probe_source(hdrs, items)
        ok, bad, err = compile_errors(src, inc, exe, extra=['-w'] + flags)
        if ok:
            break
        hit = [where[n] for n in bad if n in where]
        if not hit:
            raise SystemExit('abicheck: probe against %s failed:\n%s'
                             % (name, err[:4000]))
        for it in hit:
            dropped[it[1]] = 'absent or not comparable'
        gone = set(it[1] for it in hit)
        items = [it for it in items if it[1] not in gone]
    else:
        raise SystemExit('abicheck: probe against %s does not converge'
                         % name)
    p = run([exe])
    if p.returncode:
        raise SystemExit('abicheck: probe against %s crashed' % name)
    vals = {}
    for line in p.stdout.splitlines():
        h, kind, rest = line.split(' ', 2)
        n, v = rest.rsplit(' ', 1) if kind != 'str' else rest.split(' ', 1)
        vals[kind + ' ' + n] = v
    return vals, dropped


def load_skip():
    skip = {}
    if os.path.exists(SKIPFILE):
        for line in open(SKIPFILE):
            line = line.split('#', 1)[0].strip()
            if line:
                n, why = (line.split(None, 1) + [''])[:2]
                skip[n] = why
    return skip


def load_expected(hdr):
    path = os.path.join(EXPECTED, hdr + '.txt')
    if not os.path.exists(path):
        return None
    exp = {}
    for line in open(path):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        kind, rest = line.split(' ', 1)
        n, v = rest.rsplit(' ', 1) if kind != 'str' else rest.split(' ', 1)
        exp[kind + ' ' + n] = v
    return exp


TOOLS_ONLY = re.compile(r'#if\s+!defined\s*\(?__XEN__\)?\s*&&\s*'
                        r'!defined\s*\(?__XEN_TOOLS__')
GATE = re.compile(r'__XEN_INTERFACE_VERSION__\s*(<|>=|>|<=)\s*'
                  r'(0x[0-9a-fA-F]+)')


def views_of(public, hdrs):
    """The toolstack view (newest interface, toolstack parts), plus one
    guest view per interface-version boundary found in our headers, so
    that every compatibility layout a guest can select is compared."""
    versions = set([0])
    for h in hdrs:
        for op, v in GATE.findall(open(os.path.join(public, h)).read()):
            v = int(v, 16)
            versions.add(v + 1 if op in ('>', '<=') else v)
    views = [('tools', ['-D__XEN_TOOLS__'], hdrs)]
    guest = [h for h in hdrs
             if not TOOLS_ONLY.search(open(os.path.join(public, h)).read())]
    for v in sorted(versions):
        views.append(('guest-0x%08x' % v,
                      ['-D__XEN_INTERFACE_VERSION__=0x%08x' % v], guest))
    return views


def run_view(work, public, ours, theirs, view, skip):
    name, flags, hdrs = view
    xen_hdrs = [h for h in hdrs
                if os.path.exists(os.path.join(XEN_INC, h))]
    code, macros = preprocess(ours, hdrs, flags)
    parser = Parser()
    for h in hdrs:
        parser.toplevel(h, code.get(h, []))
    ints, strs, other = classify_macros(ours, hdrs, macros, flags)
    calls = classify_fn_macros(ours, hdrs, macros, flags)
    items = gen_items(ints, strs, parser, skip, calls)
    ovals, odrop = build_and_run(work, name + '-ours', ours, hdrs, items,
                                 flags)
    if odrop:
        raise SystemExit('abicheck: our own probe (%s) does not build: %s'
                         % (name, ', '.join(sorted(odrop))))
    xitems = [it for it in items if it[0] in xen_hdrs]
    xvals, xdrop = build_and_run(work, name + '-xen', theirs, xen_hdrs,
                                 xitems, flags)
    missing = missing_names(theirs, xen_hdrs, flags, macros, parser, skip)
    return dict(name=name, hdrs=hdrs, xen_hdrs=xen_hdrs, items=items,
                ovals=ovals, xvals=xvals, xdrop=xdrop, macros=macros,
                other=other, missing=missing)


def missing_names(theirs, xen_hdrs, flags, macros, parser, skip):
    """The reverse direction: names Xen's headers define (macros, types,
    enumerators, fields) that ours lack, as (header, what, name)."""
    code, xmacros = preprocess(theirs, xen_hdrs, flags)
    xp = Parser()
    for h in xen_hdrs:
        xp.toplevel(h, code.get(h, []))
    have = set(n for _, n, _, _ in macros)
    have |= set(t for _, t in parser.types)
    have |= set(n for _, n in parser.enums)
    have |= set('%s.%s' % (t, f) for _, t, f, _ in parser.fields)
    out = []
    seen = set()
    for what, h, n in ([('macro', h, n) for h, n, _, _ in xmacros] +
                       [('type', h, t) for h, t in xp.types] +
                       [('enumerator', h, n) for h, n in xp.enums] +
                       [('field', h, '%s.%s' % (t, f))
                        for h, t, f, _ in xp.fields]):
        if n in have or n in seen or n.split('.')[0] in skip or n in skip:
            continue
        seen.add(n)
        out.append((h, what, n))
    return out


def compare_view(v, use_expected):
    """Yield (header, list of differences, keys, n_expectations)."""
    by_hdr = {}
    for it in v['items']:
        by_hdr.setdefault(it[0], []).append(it[1])
    ovals, xvals, xdrop = v['ovals'], v['xvals'], v['xdrop']
    for h in v['hdrs']:
        keys = by_hdr.get(h, [])
        bad = []
        exp = load_expected(h) if use_expected else None
        if h in v['xen_hdrs']:
            ref, refname = xvals, 'Xen'
        elif exp is not None:
            ref, refname = exp, 'expected'
        elif not keys:
            ref, refname = {}, 'nothing'
        else:
            yield h, ['not in Xen\'s package and no expected/%s.txt' % h], \
                keys, 0
            continue
        for k in keys:
            if refname == 'Xen' and k in xdrop:
                bad.append('%s: ours %s, absent or different kind in Xen'
                           % (k, ovals[k]))
            elif k not in ref:
                bad.append('%s: ours %s, %s has none' % (k, ovals[k],
                                                         refname))
            elif ref[k] != ovals[k]:
                bad.append('%s: ours %s, %s %s' % (k, ovals[k], refname,
                                                   ref[k]))
        for mh, what, n in v.get('missing', []):
            if mh == h:
                bad.append('%s %s: in Xen\'s headers, not in ours'
                           % (what, n))
        # Hand-written expectations: each must hold in our headers as
        # reached through this one (its definitions may live elsewhere).
        nexp = 0
        for k, val in sorted((exp or {}).items()):
            nexp += 1
            if k not in ovals:
                bad.append('%s: expected %s, ours has none' % (k, val))
            elif ovals[k] != val and not (refname == 'expected' and
                                          k in keys):
                bad.append('%s: ours %s, expected %s' % (k, ovals[k], val))
        yield h, bad, keys, nexp


def check(public, quiet=False, tools_only=False):
    if not os.path.exists(os.path.join(XEN_INC, 'xen.h')):
        print('SKIP: abi: Xen reference headers missing (%s); '
              'install libxen-dev' % XEN_INC)
        return 0
    work = tempfile.mkdtemp(prefix='abicheck.')
    try:
        return do_check(work, public, quiet, tools_only)
    finally:
        shutil.rmtree(work)


def do_check(work, public, quiet, tools_only):
    from concurrent.futures import ThreadPoolExecutor
    ours = stage(work, 'ours', os.path.abspath(public))
    theirs = stage(work, 'theirs', os.path.abspath(XEN_INC))
    hdrs = headers_of(public)
    skip = load_skip()
    views = views_of(public, hdrs)
    if tools_only:
        views = views[:1]
    jobs = max(2, min(8, os.cpu_count() or 2))
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(
            lambda vw: run_view(work, public, ours, theirs, vw, skip),
            views))

    fails = 0
    total = {}
    main = results[0]
    # The toolstack view: one line per header.
    for h, bad, keys, nexp in compare_view(main, True):
        for b in bad:
            print('FAIL: abi %s %s' % (h, b))
        fails += len(bad)
        nconst = len([k for k in keys
                      if k.startswith(('const ', 'str ', 'macro '))])
        ntype = len([k for k in keys if k.startswith('size ')])
        nfield = len([k for k in keys
                      if k.startswith(('offset ', 'bits '))])
        ref = 'Xen' if h in main['xen_hdrs'] else 'expected'
        if bad:
            print('FAIL: abi %s: %d of %d items differ' % (h, len(bad),
                                                           len(keys)))
        else:
            print('PASS: abi %s (%d constants, %d types, %d fields vs %s%s)'
                  % (h, nconst, ntype, nfield, ref,
                     ', %d expectations' % nexp if nexp else ''))
    # Guest views at each interface version: one line per view.
    for v in results[1:]:
        nbad = 0
        for h, bad, keys, nexp in compare_view(v, False):
            for b in bad:
                print('FAIL: abi %s [%s] %s' % (h, v['name'], b))
            nbad += len(bad)
        fails += nbad
        if nbad:
            print('FAIL: abi view %s: %d of %d items differ'
                  % (v['name'], nbad, len(v['items'])))
        else:
            print('PASS: abi view %s (%d items over %d headers)'
                  % (v['name'], len(v['items']), len(v['hdrs'])))
    for v in results:
        for it in v['items']:
            kind = it[1].split(' ')[0]
            total[kind] = total.get(kind, 0) + 1

    def counts(keys):
        c = {}
        for k in keys:
            c[k.split(' ')[0]] = c.get(k.split(' ')[0], 0) + 1
        return c
    c = counts([it[1] for it in main['items']])
    print('abi: toolstack view compared %d constants (%d integer, %d '
          'string, %d macro calls), %d structures/unions/typedefs, %d '
          'fields (%d offsets, %d sizes, %d bitfields)'
          % (c.get('const', 0) + c.get('str', 0) + c.get('macro', 0),
             c.get('const', 0), c.get('str', 0), c.get('macro', 0),
             c.get('size', 0),
             c.get('offset', 0) + c.get('bits', 0), c.get('offset', 0),
             c.get('fsize', 0), c.get('bits', 0)))
    print('abi: %d views (toolstack + guests at interface versions %s); '
          '%d comparisons in all'
          % (len(results), ', '.join(v['name'][6:] for v in results[1:]),
             sum(total.values())))
    fn = sorted(set(n for _, n, f, _ in main['macros'] if f))
    called = set(k.split(' ')[1].split('(')[0] for _, k, _, _ in
                 main['items'] if k.startswith('macro '))
    print('abi: function-like macros: %d evaluated on sample arguments, '
          '%d not comparable that way (they take types, names or '
          'pointers, or expand to declarations or statements)'
          % (len(called), len(fn) - len(called)))
    print('abi: not compared: %d object-like macros that are neither '
          'integer nor string constants (types, empty guards, expressions '
          'with casts to pointers); %d names from skip.txt'
          % (len(main['other']), len(skip)))
    if not quiet:
        print('abi: non-constant macros: ' +
              ' '.join(sorted(n for _, n in main['other'])))
    return 1 if fails else 0


# ---------------------------------------------------------------- selftest

def selftest():
    """Perturb a copy of the headers; the checker must name each change."""
    if not os.path.exists(os.path.join(XEN_INC, 'xen.h')):
        print('SKIP: abi selftest: Xen reference headers missing')
        return 0
    work = tempfile.mkdtemp(prefix='abiself.')
    try:
        copy = os.path.join(work, 'public')
        shutil.copytree(PUBLIC, copy)
        # (file, old text, new text): a constant, a field compared with
        # Xen's headers, and a field compared with our expectations only.
        edits = [
            ('io/xs_wire.h', '#define XENSTORE_PAYLOAD_MAX 4096',
             '#define XENSTORE_PAYLOAD_MAX 4097'),
            ('io/xs_wire.h', 'uint32_t req_id;', 'uint64_t req_id;'),
            ('arch-x86/hvm/start_info.h', 'uint32_t memmap_entries;',
             'uint64_t memmap_entries;'),
            ('io/xs_wire.h', '#define XENSTORE_REL_PATH_MAX 2048', ''),
        ]
        for f, old, new in edits:
            path = os.path.join(copy, f)
            text = open(path).read()
            if text.count(old) != 1:
                print('FAIL: abi selftest: cannot perturb %s (%r)'
                      % (f, old))
                return 1
            open(path, 'w').write(text.replace(old, new))
        p = run([sys.executable, os.path.abspath(__file__), 'check',
                 '--public', copy, '--quiet', '--tools-only'])
        out = p.stdout
        want = [
            'io/xs_wire.h const XENSTORE_PAYLOAD_MAX: ours 4097, Xen 4096',
            'io/xs_wire.h fsize struct xsd_sockmsg.req_id: ours 8, Xen 4',
            'io/xs_wire.h offset struct xsd_sockmsg.tx_id: ours 16, Xen 8',
            'io/xs_wire.h size struct xsd_sockmsg: ours 24, Xen 16',
            'hvm/start_info.h size struct hvm_start_info: ours 64, '
            'expected 56',
            'hvm/start_info.h fsize struct hvm_start_info.memmap_entries: '
            'ours 8, expected 4',
            'io/xs_wire.h macro XENSTORE_REL_PATH_MAX: in Xen\'s headers, '
            'not in ours',
        ]
        missing = [w for w in want if 'FAIL: abi ' + w not in out]
        # And a change of behaviour in a statement macro.
        path = os.path.join(copy, 'io', 'ring.h')
        text = open(path).read()
        old = '(_r)->sring->req_event = (_r)->req_cons + 1;'
        if text.count(old) != 1:
            print('FAIL: abi selftest: cannot perturb io/ring.h')
            return 1
        open(path, 'w').write(text.replace(
            old, '(_r)->sring->req_event = (_r)->req_cons + 2;'))
        p2 = run([sys.executable, os.path.abspath(__file__), 'behaviour',
                  '--public', copy])
        if p2.returncode == 0 or 'FAIL: abi behaviour ring' not in p2.stdout:
            missing.append('behaviour of RING_FINAL_CHECK_FOR_REQUESTS')
        else:
            want.append('ring behaviour')
        if p.returncode == 0 or missing:
            print('FAIL: abi selftest: checker missed: %s'
                  % '; '.join(missing or ['non-zero exit']))
            return 1
        print('PASS: abi selftest (%d planted differences all reported)'
              % len(want))
        return 0
    finally:
        shutil.rmtree(work)


# ---------------------------------------------------------------- behaviour

def behaviour(public=PUBLIC):
    """Run behaviour.c (ring, flex-ring and other statement macros)
    against both header sets; the traces must be identical."""
    if not os.path.exists(os.path.join(XEN_INC, 'xen.h')):
        print('SKIP: abi behaviour: Xen reference headers missing')
        return 0
    work = tempfile.mkdtemp(prefix='abibeh.')
    try:
        out = {}
        for name, target in (('ours', public), ('xen', XEN_INC)):
            inc = stage(work, name, target)
            exe = os.path.join(work, name + '.exe')
            p = run([CC, '-std=gnu11', '-O1', '-Wall', '-Werror',
                     '-fsanitize=address,undefined',
                     '-fno-sanitize-recover=all', '-I', inc,
                     os.path.join(HERE, 'behaviour.c'), '-o', exe])
            if p.returncode:
                print('FAIL: abi behaviour: build against %s headers '
                      'failed: %s' % (name, p.stderr.strip()[:300]))
                return 1
            p = run([exe])
            if p.returncode:
                print('FAIL: abi behaviour: run against %s headers '
                      'failed: %s' % (name, p.stderr.strip()[:300]))
                return 1
            out[name] = p.stdout.splitlines()
        groups = []
        for line in out['xen']:
            g = line.split(' ', 1)[0]
            if g not in groups:
                groups.append(g)
        fails = 0
        for g in groups:
            a = [l for l in out['ours'] if l.split(' ', 1)[0] == g]
            b = [l for l in out['xen'] if l.split(' ', 1)[0] == g]
            if a == b:
                print('PASS: abi behaviour %s (%d trace lines identical)'
                      % (g, len(a)))
                continue
            fails += 1
            diff = [(x, y) for x, y in zip(a + [''] * len(b),
                                            b + [''] * len(a)) if x != y]
            print('FAIL: abi behaviour %s: ours "%s", Xen "%s"'
                  % (g, diff[0][0], diff[0][1]))
        return 1 if fails else 0
    finally:
        shutil.rmtree(work)


# ---------------------------------------------------------------- langs

STRICT = ['-pedantic', '-Werror', '-Wall']
LANGS = [
    # Guest view at strict language levels (toolstack-only headers get
    # __XEN_TOOLS__, as they refuse to be used without it).
    ('c89', [CC, '-std=c89'] + STRICT + ['-x', 'c']),
    ('c99', [CC, '-std=c99'] + STRICT + ['-x', 'c']),
    ('c++', ['g++', '-std=c++11'] + STRICT + ['-x', 'c++']),
    # Toolstack view (__XEN_TOOLS__ parts visible), still strict C89.
    ('tools', [CC, '-std=c89'] + STRICT + ['-D__XEN_TOOLS__', '-x', 'c']),
    # Hypervisor: freestanding gnu11, no libc headers.
    ('xen', [CC, '-std=gnu11', '-ffreestanding', '-nostdinc', '-Werror',
             '-Wall', '-D__XEN__', '-x', 'c']),
]
GCCINC = run([CC, '-print-file-name=include']).stdout.strip()


def langs():
    work = tempfile.mkdtemp(prefix='abilang.')
    fails = 0
    try:
        ours = stage(work, 'ours', PUBLIC)
        # Hypervisor build: <public/...> under xen/include, <xen/types.h>
        # from the tree, or a stand-in while the tree has none.
        xeninc = os.path.join(ROOT, 'xen', 'include')
        stub = os.path.join(HERE, 'stub')
        for h in headers_of(PUBLIC):
            for lang, cmd in LANGS:
                src = os.path.join(work, 't.c')
                if lang == 'xen':
                    text = '#include <public/%s>\n' % h
                    inc = ['-I', xeninc, '-I', stub, '-isystem', GCCINC]
                else:
                    text = '#include <xen/%s>\n' % h
                    inc = ['-I', ours]
                    if TOOLS_ONLY.search(open(os.path.join(PUBLIC,
                                                           h)).read()):
                        inc.append('-D__XEN_TOOLS__')
                # A header of macros only would leave the unit empty.
                text += 'typedef int abi_nonempty_t;\n'
                with open(src, 'w') as f:
                    f.write(text)
                p = run(cmd + inc + ['-fsyntax-only', src])
                if p.returncode:
                    err = [l for l in p.stderr.splitlines() if 'error' in l]
                    print('FAIL: abi compile %s as %s: %s'
                          % (h, lang, (err or ['failed'])[0]))
                    fails += 1
                else:
                    print('PASS: abi compile %s as %s' % (h, lang))
    finally:
        shutil.rmtree(work)
    return 1 if fails else 0


def main(argv):
    cmd = argv[1] if len(argv) > 1 else 'check'
    public = PUBLIC
    if '--public' in argv:
        public = argv[argv.index('--public') + 1]
    if cmd == 'check':
        return check(public, '--quiet' in argv, '--tools-only' in argv)
    if cmd == 'selftest':
        return selftest()
    if cmd == 'langs':
        return langs()
    if cmd == 'behaviour':
        return behaviour(public)
    raise SystemExit('usage: abicheck.py [check|selftest|langs]')


if __name__ == '__main__':
    sys.exit(main(sys.argv))
