# SPDX-License-Identifier: GPL-2.0-only
"""XML-RPC on the wire: a bounded request parser and the response writer.

The parser is our own over expat so that its limits are ours: no DTD, no
entities, bounded depth and size, and every malformed input raises
WireError (answered as a fault, the only place faults are used).
"""
import binascii
import sys
import xml.parsers.expat

MAX_DEPTH = 64
MAX_ITEMS = 200000


class WireError(ValueError):
    pass


class DateTime(str):
    """An ISO 8601 text received as dateTime.iso8601 (kept as text)."""


_SCALARS = ('string', 'int', 'i4', 'i8', 'boolean', 'double',
            'dateTime.iso8601', 'base64', 'nil')


class _Parser(object):
    def __init__(self):
        self.stack = []
        self.text = []
        self.method = None
        self.params = None
        self.items = 0
        self.root = None

    def start(self, tag, attrs):
        if len(self.stack) >= MAX_DEPTH:
            raise WireError('nested too deep')
        self.items += 1
        if self.items > MAX_ITEMS:
            raise WireError('too many elements')
        parent = self.stack[-1][0] if self.stack else None
        allowed = {
            None: ('methodCall', 'methodResponse'),
            'methodCall': ('methodName', 'params'),
            'methodResponse': ('params', 'fault'),
            'params': ('param',),
            'param': ('value',),
            'fault': ('value',),
            'value': _SCALARS + ('struct', 'array'),
            'struct': ('member',),
            'member': ('name', 'value'),
            'array': ('data',),
            'data': ('value',),
        }.get(parent, ())
        if tag not in allowed:
            raise WireError('unexpected <%s> in <%s>' % (tag, parent))
        if parent is None:
            self.root = tag
        # Each frame: tag, collected children values, member name.
        self.stack.append([tag, [], None])
        self.text = []

    def end(self, tag):
        frame = self.stack.pop()
        text = ''.join(self.text)
        self.text = []
        kids = frame[1]
        parent = self.stack[-1] if self.stack else None
        if tag == 'value':
            if kids:
                val = kids[0]
            else:
                val = text
            parent[1].append(val)
            return
        if tag in _SCALARS:
            parent[1].append(_scalar(tag, text))
            return
        if tag == 'name':
            parent[2] = text
            return
        if tag == 'member':
            if frame[2] is None or len(kids) != 1:
                raise WireError('member without name or value')
            parent[1].append((frame[2], kids[0]))
            return
        if tag == 'struct':
            parent[1].append(dict(kids))
            return
        if tag == 'data':
            parent[1].append(list(kids))
            return
        if tag == 'array':
            parent[1].append(kids[0] if kids else [])
            return
        if tag == 'param':
            if len(kids) != 1:
                raise WireError('param without a value')
            parent[1].append(kids[0])
            return
        if tag == 'params':
            self.params = kids
            return
        if tag == 'fault':
            self.params = kids
            self.method = '<fault>'
            return
        if tag == 'methodName':
            if not text.strip():
                raise WireError('empty methodName')
            self.method = text.strip()
            return

    def chars(self, data):
        self.text.append(data)
        if len(self.text) > MAX_ITEMS:
            self.text = [''.join(self.text)]


def _scalar(tag, text):
    try:
        if tag in ('int', 'i4', 'i8'):
            return int(text.strip())
        if tag == 'boolean':
            t = text.strip()
            if t not in ('0', '1'):
                raise WireError('bad boolean %r' % t[:20])
            return t == '1'
        if tag == 'double':
            return float(text.strip())
        if tag == 'dateTime.iso8601':
            return DateTime(text.strip())
        if tag == 'base64':
            return binascii.a2b_base64(text.encode('ascii'))
        if tag == 'nil':
            return None
    except (ValueError, UnicodeError) as e:
        raise WireError('bad <%s>: %s' % (tag, e)) from None
    return text


def _refuse(*args):
    raise WireError('DTDs and entities are not accepted')


def parse(body, want='methodCall'):
    """(method name, params) of an XML-RPC document, or WireError."""
    if isinstance(body, str):
        body = body.encode('utf-8')
    p = _Parser()
    x = xml.parsers.expat.ParserCreate()
    x.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    x.StartDoctypeDeclHandler = _refuse
    x.EntityDeclHandler = _refuse
    x.ExternalEntityRefHandler = _refuse
    x.StartElementHandler = p.start
    x.EndElementHandler = p.end
    x.CharacterDataHandler = p.chars
    try:
        x.Parse(body, True)
    except xml.parsers.expat.ExpatError as e:
        raise WireError('malformed XML: %s' % e) from None
    except RecursionError:
        raise WireError('nested too deep') from None
    if p.root != want:
        raise WireError('not a %s' % want)
    if want == 'methodCall' and p.method is None:
        raise WireError('no methodName')
    return p.method, (p.params or [])


def _value(v, ints_as_strings, out):
    if v is None:
        out.append('<value><string></string></value>')
    elif isinstance(v, bool):
        out.append('<value><boolean>%d</boolean></value>' % v)
    elif isinstance(v, int):
        if ints_as_strings or not -2 ** 31 <= v < 2 ** 31:
            out.append('<value><string>%d</string></value>' % v)
        else:
            out.append('<value><int>%d</int></value>' % v)
    elif isinstance(v, float):
        out.append('<value><double>%r</double></value>' % v)
    elif _is_datetime(v):
        out.append('<value><dateTime.iso8601>%s</dateTime.iso8601></value>'
                   % v.strftime('%Y%m%dT%H:%M:%S'))
    elif isinstance(v, bytes):
        out.append('<value><base64>%s</base64></value>'
                   % binascii.b2a_base64(v, newline=False).decode('ascii'))
    elif isinstance(v, dict):
        out.append('<value><struct>')
        for k, x in v.items():
            out.append('<member><name>%s</name>' % _text(str(k)))
            _value(x, ints_as_strings, out)
            out.append('</member>')
        out.append('</struct></value>')
    elif isinstance(v, (list, tuple, set, frozenset)):
        out.append('<value><array><data>')
        for x in v:
            _value(x, ints_as_strings, out)
        out.append('</data></array></value>')
    else:
        out.append('<value><string>%s</string></value>' % _text(str(v)))


def _is_datetime(v):
    # Only once its module is in can there be one; xm never imports it
    # (nor base64 or re: xm's start-up is slow enough under an emulated
    # CPU).
    dt = sys.modules.get('datetime')
    return dt is not None and isinstance(v, dt.datetime)


# The control characters XML 1.0 cannot carry (str.translate drops them).
_CONTROL = dict.fromkeys([c for c in range(32) if c not in (9, 10, 13)])


def escape(s):
    """&, < and > as entities.  Not xml.sax.saxutils's: that module
    imports urllib.request and http.client, which xm's start-up avoids."""
    return s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')


def _text(s):
    # XML 1.0 cannot carry most control characters: drop them.
    return escape(s.translate(_CONTROL))


def response(value, ints_as_strings=True):
    out = ["<?xml version='1.0'?>\n<methodResponse><params><param>"]
    _value(value, ints_as_strings, out)
    out.append('</param></params></methodResponse>\n')
    return ''.join(out).encode('utf-8')


def fault(code, message):
    out = ["<?xml version='1.0'?>\n<methodResponse><fault>"]
    _value({'faultCode': code, 'faultString': message}, False, out)
    out.append('</fault></methodResponse>\n')
    return ''.join(out).encode('utf-8')


def call(method, params, ints_as_strings=False):
    out = ["<?xml version='1.0'?>\n<methodCall><methodName>%s</methodName>"
           "<params>" % escape(method)]
    for p in params:
        out.append('<param>')
        _value(p, ints_as_strings, out)
        out.append('</param>')
    out.append('</params></methodCall>\n')
    return ''.join(out).encode('utf-8')
