# SPDX-License-Identifier: GPL-2.0-only
"""S-expressions as xend writes them: parse, print, look up children by name."""
# The characters of an atom printed bare (a set, not a regex: xm's
# start-up avoids importing re).
_BARE = frozenset('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
                  '0123456789.-_:/~')
_SEPARATORS = '{}()<>[]!;'
_ESCAPES = {'n': '\n', 't': '\t', 'r': '\r', '\\': '\\', "'": "'",
            '"': '"', '0': '\0'}


class ParseError(ValueError):
    pass


def parse(text):
    """Every top-level element of text, as nested lists of strings."""
    out = []
    stack = [out]
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == '#':
            while i < n and text[i] != '\n':
                i += 1
        elif c == '(':
            new = []
            stack[-1].append(new)
            stack.append(new)
            if len(stack) > 64:
                raise ParseError('nested too deep at offset %d' % i)
            i += 1
        elif c == ')':
            if len(stack) == 1:
                raise ParseError('unbalanced ) at offset %d' % i)
            stack.pop()
            i += 1
        elif c in '\'"':
            quote = c
            i += 1
            buf = []
            while True:
                if i >= n:
                    raise ParseError('unterminated string')
                c = text[i]
                if c == quote:
                    i += 1
                    break
                if c == '\\' and i + 1 < n:
                    e = text[i + 1]
                    width = {'x': 2, 'u': 4, 'U': 8}.get(e)
                    if width:
                        # repr()'s escapes, which the printer writes.
                        try:
                            buf.append(chr(int(text[i + 2:i + 2 + width],
                                               16)))
                        except ValueError:
                            raise ParseError('bad \\%s escape at offset %d'
                                             % (e, i)) from None
                        i += 2 + width
                        continue
                    buf.append(_ESCAPES.get(e, e))
                    i += 2
                    continue
                buf.append(c)
                i += 1
            stack[-1].append(''.join(buf))
        elif c in _SEPARATORS:
            raise ParseError('unexpected %r at offset %d' % (c, i))
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in '()#' \
                    and text[j] not in _SEPARATORS and text[j] not in '\'"':
                j += 1
            stack[-1].append(text[i:j])
            i = j
    if len(stack) != 1:
        raise ParseError('missing )')
    return out


def parse_one(text):
    items = parse(text)
    if len(items) != 1:
        raise ParseError('expected one expression, found %d' % len(items))
    return items[0]


def _atom(v):
    if isinstance(v, bool):
        return '1' if v else '0'
    if isinstance(v, (int, float)):
        return repr(v)
    v = str(v)
    if v == '@' or (v and _BARE.issuperset(v)):
        return v
    return repr(v)


def to_string(sxp, indent=None, _level=0):
    """Text of sxp; indent=N pretty-prints one child per line."""
    if not isinstance(sxp, (list, tuple)):
        return _atom(sxp)
    if indent is None or not any(isinstance(x, (list, tuple)) for x in sxp):
        return '(' + ' '.join(to_string(x) for x in sxp) + ')'
    pad = ' ' * (indent * (_level + 1))
    parts = []
    for x in sxp:
        parts.append(to_string(x, indent, _level + 1))
    head = []
    while parts and not isinstance(sxp[len(head)], (list, tuple)):
        head.append(parts.pop(0))
    return '(' + ' '.join(head) + ''.join('\n' + pad + p for p in parts) + \
        ')'


def name(sxp):
    if isinstance(sxp, (list, tuple)) and sxp and isinstance(sxp[0], str):
        return sxp[0]
    return None


def children(sxp, elt=None):
    return [x for x in sxp[1:] if isinstance(x, (list, tuple)) and
            (elt is None or name(x) == elt)]


def child(sxp, elt):
    for x in children(sxp, elt):
        return x
    return None


def child_value(sxp, elt, default=None):
    c = child(sxp, elt)
    if c is None or len(c) < 2:
        return default
    return c[1]


def child0(sxp):
    for x in sxp[1:]:
        if isinstance(x, (list, tuple)):
            return x
    return None
