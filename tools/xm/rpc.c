/* SPDX-License-Identifier: GPL-2.0-only */
/* xm's XML-RPC over xend's legacy unix socket: the request as
 * xen/xend/wire.py writes one, the HTTP answer and its methodResponse
 * read as xen/xm/rpc.py reads them, with the same error texts. */
#include "rpc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* ---- the methodResponse parser ---- */

struct ps {
    const char *p, *end;
    char *out, *out_end; /* decoded text, NUL after each piece */
    struct xv *nodes;
    size_t nnodes, maxnodes;
    int depth;
    char *err;
    size_t errlen;
};

static int fail(struct ps *ps, const char *fmt, ...)
{
    va_list ap;

    if ( ps->err[0] )
        return -1;
    va_start(ap, fmt);
    vsnprintf(ps->err, ps->errlen, fmt, ap);
    va_end(ap);
    if ( !ps->err[0] )
        snprintf(ps->err, ps->errlen, "?");
    return -1;
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void skip_ws(struct ps *ps)
{
    while ( ps->p < ps->end && is_ws(*ps->p) )
        ps->p++;
}

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
           c == ':';
}

/* Bytes of the UTF-8 sequence at s (n left), 0 if it is not one: XML
 * text is UTF-8 and what xm prints of it must be too. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    uint32_t c;
    size_t len, i;

    if ( s[0] < 0x80 )
        return 1;
    if ( s[0] >= 0xc2 && s[0] <= 0xdf )
        len = 2, c = s[0] & 0x1f;
    else if ( s[0] >= 0xe0 && s[0] <= 0xef )
        len = 3, c = s[0] & 0x0f;
    else if ( s[0] >= 0xf0 && s[0] <= 0xf4 )
        len = 4, c = s[0] & 0x07;
    else
        return 0;
    if ( n < len )
        return 0;
    for ( i = 1; i < len; i++ )
    {
        if ( (s[i] & 0xc0) != 0x80 )
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if ( (len == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ||
                       c == 0xfffe || c == 0xffff)) ||
         (len == 4 && (c < 0x10000 || c > 0x10ffff)) )
        return 0;
    return len;
}

/* A code point XML 1.0 allows, as UTF-8 into out; its length or 0. */
static size_t put_char(uint32_t c, char *out)
{
    if ( (c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
         (c >= 0xd800 && c <= 0xdfff) || c == 0xfffe || c == 0xffff ||
         c > 0x10ffff )
        return 0;
    if ( c < 0x80 )
    {
        out[0] = (char)c;
        return 1;
    }
    if ( c < 0x800 )
    {
        out[0] = (char)(0xc0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3f));
        return 2;
    }
    if ( c < 0x10000 )
    {
        out[0] = (char)(0xe0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        out[2] = (char)(0x80 | (c & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
    out[3] = (char)(0x80 | (c & 0x3f));
    return 4;
}

/* &...; at ps->p (after the '&') decoded into out: its length, 0 if bad.
 * A character reference is never longer than its UTF-8, so text stays
 * within the input's size. */
static size_t entity(struct ps *ps, char *out)
{
    static const struct {
        const char *name;
        char c;
    } named[] = { { "lt;", '<' },
                  { "gt;", '>' },
                  { "amp;", '&' },
                  { "quot;", '"' },
                  { "apos;", '\'' } };
    size_t left = (size_t)(ps->end - ps->p), i;
    uint32_t c = 0;
    int hex, digits = 0;

    for ( i = 0; i < sizeof(named) / sizeof(named[0]); i++ )
    {
        size_t n = strlen(named[i].name);

        if ( left >= n && !memcmp(ps->p, named[i].name, n) )
        {
            ps->p += n;
            out[0] = named[i].c;
            return 1;
        }
    }
    if ( !left || *ps->p != '#' )
        return 0;
    ps->p++;
    hex = ps->p < ps->end && *ps->p == 'x';
    ps->p += hex;
    for ( ; ps->p < ps->end && *ps->p != ';'; ps->p++ )
    {
        char d = *ps->p;
        uint32_t v;

        if ( d >= '0' && d <= '9' )
            v = (uint32_t)(d - '0');
        else if ( hex && d >= 'a' && d <= 'f' )
            v = (uint32_t)(d - 'a' + 10);
        else if ( hex && d >= 'A' && d <= 'F' )
            v = (uint32_t)(d - 'A' + 10);
        else
            return 0;
        c = c * (hex ? 16 : 10) + v;
        if ( c > 0x10ffff )
            return 0;
        digits++;
    }
    if ( ps->p >= ps->end || !digits )
        return 0;
    ps->p++;
    return put_char(c, out);
}

/* Character data up to the next '<', decoded (entities, and line ends as
 * expat gives them: \r\n and \r as \n) into ps->out; *text points at it,
 * NUL-terminated. */
static int chars(struct ps *ps, const char **text)
{
    char *o = ps->out;

    *text = o;
    while ( ps->p < ps->end && *ps->p != '<' )
    {
        unsigned char c = (unsigned char)*ps->p;
        size_t n;

        /* Never taken (see xv_parse's sizes): a bound all the same. */
        if ( ps->out_end - o < 5 )
            return fail(ps, "out of text space");
        if ( c == '&' )
        {
            ps->p++;
            n = entity(ps, o);
            if ( !n )
                return fail(ps, "bad entity or character reference");
            o += n;
            continue;
        }
        if ( c == '\r' )
        {
            ps->p++;
            if ( ps->p < ps->end && *ps->p == '\n' )
                ps->p++;
            *o++ = '\n';
            continue;
        }
        if ( c < 0x20 && c != '\t' && c != '\n' )
            return fail(ps, "control character %#x in text", c);
        n = utf8_len((const unsigned char *)ps->p, (size_t)(ps->end - ps->p));
        if ( !n )
            return fail(ps, "text is not UTF-8");
        memcpy(o, ps->p, n);
        o += n;
        ps->p += n;
    }
    if ( o >= ps->out_end )
        return fail(ps, "out of text space");
    *o++ = '\0';
    ps->out = o;
    return 0;
}

static int all_ws(const char *s)
{
    for ( ; *s; s++ )
        if ( !is_ws(*s) )
            return 0;
    return 1;
}

/* An opening tag at ps->p: its name into name[size]; *empty for <x/>.
 * Attributes are not part of XML-RPC and xend writes none. */
static int open_tag(struct ps *ps, char *name, size_t size, int *empty)
{
    size_t n = 0;

    if ( ps->p >= ps->end || *ps->p != '<' || ps->p + 1 >= ps->end ||
         ps->p[1] == '/' )
        return fail(ps, "expected an element");
    ps->p++;
    while ( ps->p < ps->end && is_name_char(*ps->p) )
    {
        if ( n + 1 >= size )
            return fail(ps, "element name too long");
        name[n++] = *ps->p++;
    }
    name[n] = '\0';
    if ( !n )
        return fail(ps, "bad element");
    skip_ws(ps);
    *empty = 0;
    if ( ps->p < ps->end && *ps->p == '/' )
    {
        *empty = 1;
        ps->p++;
    }
    if ( ps->p >= ps->end || *ps->p != '>' )
        return fail(ps, "bad <%s> tag", name);
    ps->p++;
    return 0;
}

/* Whether </name> comes next (not consumed). */
static int at_close(struct ps *ps, const char *name)
{
    size_t n = strlen(name);

    return (size_t)(ps->end - ps->p) >= n + 2 && ps->p[0] == '<' &&
           ps->p[1] == '/' && !memcmp(ps->p + 2, name, n) &&
           !is_name_char(ps->p + 2 + n < ps->end ? ps->p[2 + n] : '>');
}

static int close_tag(struct ps *ps, const char *name)
{
    if ( !at_close(ps, name) )
        return fail(ps, "expected </%s>", name);
    ps->p += strlen(name) + 2;
    skip_ws(ps);
    if ( ps->p >= ps->end || *ps->p != '>' )
        return fail(ps, "expected </%s>", name);
    ps->p++;
    return 0;
}

/* <tag>text</tag> (or <tag/>) after its opening tag: the text. */
static int scalar_text(struct ps *ps, const char *tag, int empty,
                       const char **text)
{
    if ( empty )
    {
        if ( ps->out >= ps->out_end )
            return fail(ps, "out of text space");
        *ps->out = '\0';
        *text = ps->out++;
        return 0;
    }
    if ( chars(ps, text) )
        return -1;
    return close_tag(ps, tag);
}

/* Python's int() of stripped text, within long long. */
static int parse_int(const char *s, long long *v)
{
    unsigned long long u = 0;
    int neg = 0, digits = 0;

    while ( is_ws(*s) )
        s++;
    if ( *s == '+' || *s == '-' )
        neg = *s++ == '-';
    for ( ; *s >= '0' && *s <= '9'; s++, digits++ )
    {
        u = u * 10 + (unsigned)(*s - '0');
        if ( u > (unsigned long long)INT64_MAX + 1 )
            return -1;
    }
    while ( is_ws(*s) )
        s++;
    if ( *s || !digits || (!neg && u > INT64_MAX) )
        return -1;
    *v = neg ? (long long)(0 - u) : (long long)u;
    return 0;
}

static int value(struct ps *ps, struct xv *v);

static struct xv *new_node(struct ps *ps)
{
    struct xv *v;

    if ( ps->nnodes >= ps->maxnodes )
        return NULL;
    v = &ps->nodes[ps->nnodes++];
    memset(v, 0, sizeof(*v));
    return v;
}

/* <value>...</value> items up to </end>, as kids of parent (an array's
 * <data>, or <member>s of a struct). */
static int items(struct ps *ps, struct xv *parent, const char *end)
{
    struct xv **tail = &parent->kid;
    char tag[32];
    int empty;

    for ( ;; )
    {
        const char *t, *name = NULL;
        struct xv *v;

        if ( chars(ps, &t) )
            return -1;
        if ( !all_ws(t) )
            return fail(ps, "text in <%s>", end);
        if ( at_close(ps, end) )
            return close_tag(ps, end);
        if ( open_tag(ps, tag, sizeof(tag), &empty) )
            return -1;
        if ( parent->kind == XV_STRUCT )
        {
            if ( strcmp(tag, "member") || empty )
                return fail(ps, "expected <member> in <struct>");
            if ( chars(ps, &t) || !all_ws(t) ||
                 open_tag(ps, tag, sizeof(tag), &empty) ||
                 strcmp(tag, "name") ||
                 scalar_text(ps, "name", empty, &name) || chars(ps, &t) ||
                 !all_ws(t) || open_tag(ps, tag, sizeof(tag), &empty) ||
                 strcmp(tag, "value") )
                return fail(ps, "expected <name> and <value> in <member>");
        }
        else if ( strcmp(tag, "value") )
            return fail(ps, "expected <value> in <data>");
        v = new_node(ps);
        if ( !v )
            return fail(ps, "too many values");
        v->name = name;
        if ( empty )
        {
            v->kind = XV_STRING;
            if ( scalar_text(ps, "value", 1, &v->s) )
                return -1;
        }
        else if ( value(ps, v) )
            return -1;
        if ( name && (chars(ps, &t) || !all_ws(t) || close_tag(ps, "member")) )
            return fail(ps, "expected </member>");
        *tail = v;
        tail = &v->next;
        parent->n++;
    }
}

/* A value's content after its <value>, through </value>. */
static int value(struct ps *ps, struct xv *v)
{
    const char *t;
    char tag[32];
    int empty;

    if ( ++ps->depth > RPC_MAX_DEPTH )
        return fail(ps, "nested too deep");
    if ( chars(ps, &t) )
        return -1;
    if ( at_close(ps, "value") )
    {
        /* No type: a string. */
        v->kind = XV_STRING;
        v->s = t;
        ps->depth--;
        return close_tag(ps, "value");
    }
    if ( !all_ws(t) || open_tag(ps, tag, sizeof(tag), &empty) )
        return fail(ps, "text before a <value>'s type");
    if ( !strcmp(tag, "array") || !strcmp(tag, "struct") )
    {
        v->kind = tag[0] == 'a' ? XV_ARRAY : XV_STRUCT;
        if ( !empty && v->kind == XV_ARRAY )
        {
            if ( chars(ps, &t) || !all_ws(t) ||
                 open_tag(ps, tag, sizeof(tag), &empty) ||
                 strcmp(tag, "data") )
                return fail(ps, "expected <data> in <array>");
            if ( !empty && items(ps, v, "data") )
                return -1;
            if ( chars(ps, &t) || !all_ws(t) || close_tag(ps, "array") )
                return fail(ps, "expected </array>");
        }
        else if ( !empty && items(ps, v, "struct") )
            return -1;
    }
    else if ( !strcmp(tag, "nil") )
    {
        v->kind = XV_NIL;
        if ( !empty && scalar_text(ps, "nil", 0, &t) )
            return -1;
    }
    else
    {
        if ( scalar_text(ps, tag, empty, &t) )
            return -1;
        v->s = t;
        if ( !strcmp(tag, "string") )
            v->kind = XV_STRING;
        else if ( !strcmp(tag, "int") || !strcmp(tag, "i4") ||
                  !strcmp(tag, "i8") )
        {
            v->kind = XV_INT;
            if ( parse_int(t, &v->i) )
                return fail(ps, "bad <%s>", tag);
        }
        else if ( !strcmp(tag, "boolean") )
        {
            const char *e;

            while ( is_ws(*t) )
                t++;
            for ( e = t; *e && !is_ws(*e); e++ )
                ;
            v->kind = XV_BOOL;
            v->i = *t == '1';
            if ( e != t + 1 || (*t != '0' && *t != '1') || !all_ws(e) )
                return fail(ps, "bad boolean");
        }
        else if ( !strcmp(tag, "double") )
        {
            char *e;

            while ( is_ws(*t) )
                t++;
            v->kind = XV_DOUBLE;
            v->d = strtod(t, &e);
            while ( is_ws(*e) )
                e++;
            if ( e == t || *e )
                return fail(ps, "bad <double>");
        }
        else if ( !strcmp(tag, "base64") || !strcmp(tag, "dateTime.iso8601") )
            v->kind = XV_OTHER;
        else
            return fail(ps, "unexpected <%s> in <value>", tag);
    }
    ps->depth--;
    if ( chars(ps, &t) || !all_ws(t) || close_tag(ps, "value") )
        return fail(ps, "expected </value>");
    return 0;
}

void xv_doc_free(struct xv_doc *doc)
{
    free(doc->nodes);
    free(doc->text);
    memset(doc, 0, sizeof(*doc));
}

/* The XML declaration, if any, and whitespace. */
static int prolog(struct ps *ps)
{
    skip_ws(ps);
    if ( (size_t)(ps->end - ps->p) >= 5 && !memcmp(ps->p, "<?xml", 5) )
    {
        const char *q = ps->p + 5;

        while ( q + 1 < ps->end && !(q[0] == '?' && q[1] == '>') )
            q++;
        if ( q + 1 >= ps->end )
            return fail(ps, "unterminated XML declaration");
        ps->p = q + 2;
    }
    skip_ws(ps);
    return 0;
}

int xv_parse(const char *buf, size_t len, struct xv_doc *doc, char *err,
             size_t errlen)
{
    struct ps ps = {
        .p = buf, .end = buf + len, .err = err, .errlen = errlen
    };
    struct xv *holder;
    const char *t;
    char tag[32];
    int empty;

    memset(doc, 0, sizeof(*doc));
    err[0] = '\0';
    /* Each value is at least "<value/>" (8 bytes), plus the holder.
     * Decoded text never outgrows its source, and each piece's NUL
     * follows a tag of 3 bytes or more. */
    ps.maxnodes = len / 8 + 2;
    doc->nodes = calloc(ps.maxnodes, sizeof(*doc->nodes));
    doc->text = malloc(len + len / 2 + 16);
    if ( !doc->nodes || !doc->text )
    {
        xv_doc_free(doc);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    ps.out_end = doc->text + len + len / 2 + 16;
    ps.nodes = doc->nodes;
    ps.out = doc->text;
    holder = new_node(&ps);
    holder->kind = XV_ARRAY;
    if ( prolog(&ps) || open_tag(&ps, tag, sizeof(tag), &empty) )
        goto bad;
    if ( strcmp(tag, "methodResponse") )
    {
        fail(&ps, "not a methodResponse");
        goto bad;
    }
    if ( !empty )
    {
        if ( chars(&ps, &t) || !all_ws(t) )
            goto bad;
        if ( !at_close(&ps, "methodResponse") )
        {
            if ( open_tag(&ps, tag, sizeof(tag), &empty) )
                goto bad;
            if ( !strcmp(tag, "fault") )
            {
                doc->fault = 1;
                if ( !empty && items(&ps, holder, "fault") )
                    goto bad;
            }
            else if ( !strcmp(tag, "params") )
            {
                /* <params><param><value/></param>...: one value each. */
                while ( !empty )
                {
                    struct xv *before = holder->kid;

                    if ( chars(&ps, &t) || !all_ws(t) )
                        goto bad;
                    if ( at_close(&ps, "params") )
                    {
                        if ( close_tag(&ps, "params") )
                            goto bad;
                        break;
                    }
                    if ( open_tag(&ps, tag, sizeof(tag), &empty) ||
                         strcmp(tag, "param") || empty )
                    {
                        fail(&ps, "expected <param> in <params>");
                        goto bad;
                    }
                    holder->kid = NULL;
                    holder->n = 0;
                    if ( items(&ps, holder, "param") )
                        goto bad;
                    if ( holder->n != 1 )
                    {
                        fail(&ps, "param without a value");
                        goto bad;
                    }
                    /* Keep the first param's value, count the others. */
                    if ( before )
                        holder->kid = before;
                    holder->n = (size_t)(before ? 2 : 1);
                }
            }
            else
            {
                fail(&ps, "unexpected <%s> in <methodResponse>", tag);
                goto bad;
            }
            if ( chars(&ps, &t) || !all_ws(t) )
                goto bad;
        }
        if ( close_tag(&ps, "methodResponse") )
            goto bad;
    }
    skip_ws(&ps);
    if ( ps.p != ps.end )
    {
        fail(&ps, "junk after the document element");
        goto bad;
    }
    if ( holder->n != 1 )
    {
        /* The caller tells this apart by a NULL value. */
        doc->value = NULL;
        return 0;
    }
    doc->value = holder->kid;
    return 0;

bad:
    fail(&ps, "malformed");
    xv_doc_free(doc);
    return -1;
}

/* ---- the HTTP answer ---- */

static void proto(struct rpc_err *e, const char *code, const char *fmt, ...)
{
    va_list ap;

    e->status = RPC_PROTO;
    snprintf(e->code, sizeof(e->code), "%s", code);
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    va_end(ap);
}

/* Python's str.split() whitespace, for text decoded as Latin-1. */
static int py_space(unsigned char c)
{
    return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c == 0x85 ||
           c == 0xa0;
}

/* Latin-1 text s[n] as Python prints it (UTF-8) into out[size]. */
static void latin1_utf8(const unsigned char *s, size_t n, char *out,
                        size_t size)
{
    size_t o = 0, i;

    for ( i = 0; i < n && o + 3 < size; i++ )
    {
        if ( s[i] < 0x80 )
            out[o++] = (char)(s[i] ? s[i] : '?');
        else
        {
            out[o++] = (char)(0xc0 | (s[i] >> 6));
            out[o++] = (char)(0x80 | (s[i] & 0x3f));
        }
    }
    out[o] = '\0';
}

/* Python's repr() of Latin-1 text s[n] into out[size] (it fits: callers
 * pass at most 80 characters, each at most 4 bytes as printed). */
static void py_repr(const unsigned char *s, size_t n, char *out, size_t size)
{
    char q = memchr(s, '\'', n) && !memchr(s, '"', n) ? '"' : '\'';
    size_t o = 0, i;

    out[o++] = q;
    for ( i = 0; i < n && o + 6 < size; i++ )
    {
        unsigned char c = s[i];

        if ( c == '\\' || c == (unsigned char)q )
            o += (size_t)snprintf(out + o, size - o, "\\%c", c);
        else if ( c == '\t' || c == '\n' || c == '\r' )
            o += (size_t)snprintf(out + o, size - o, "\\%c",
                                  c == '\t'   ? 't'
                                  : c == '\n' ? 'n'
                                              : 'r');
        else if ( c < 0x20 || (c >= 0x7f && c <= 0xa0) || c == 0xad )
            o += (size_t)snprintf(out + o, size - o, "\\x%02x", c);
        else if ( c < 0x80 )
            out[o++] = (char)c;
        else
        {
            out[o++] = (char)(0xc0 | (c >> 6));
            out[o++] = (char)(0x80 | (c & 0x3f));
        }
    }
    out[o++] = q;
    out[o] = '\0';
}

/* Python's int() of a run of ASCII digits, as it prints it. */
static void py_digits(const char *s, size_t n, char *out, size_t size)
{
    while ( n > 1 && *s == '0' )
        s++, n--;
    snprintf(out, size, "%.*s", (int)n, s);
}

int http_head_parse(const char *head, size_t len, struct http_head *h,
                    struct rpc_err *e)
{
    const unsigned char *s = (const unsigned char *)head;
    const unsigned char *eol = s, *end = s + len, *p, *w[3];
    size_t wl[2] = { 0, 0 }, i, words = 0;

    memset(h, 0, sizeof(*h));
    h->length = -1;
    while ( eol + 1 < end && !(eol[0] == '\r' && eol[1] == '\n') )
        eol++;
    if ( eol + 1 >= end )
        eol = end;
    /* status = lines[0].split(None, 2) */
    p = s;
    for ( i = 0; i < 3; i++ )
    {
        while ( p < eol && py_space(*p) )
            p++;
        if ( p == eol )
            break;
        w[i] = p;
        words++;
        if ( i == 2 )
            break;
        while ( p < eol && !py_space(*p) )
            p++;
        wl[i] = (size_t)(p - w[i]);
    }
    if ( words < 2 || wl[0] < 5 || memcmp(w[0], "HTTP/", 5) ||
         !memchr("0123456789", w[1][0], 10) )
    {
        char r[400];

        py_repr(s, (size_t)(eol - s) > 80 ? 80 : (size_t)(eol - s), r,
                sizeof(r));
        proto(e, "0", "bad status line %s", r);
        return -1;
    }
    for ( p = w[1]; p < w[1] + wl[1]; p++ )
        if ( *p < '0' || *p > '9' )
        {
            char r[400];

            py_repr(s, (size_t)(eol - s) > 80 ? 80 : (size_t)(eol - s), r,
                    sizeof(r));
            proto(e, "0", "bad status line %s", r);
            return -1;
        }
    py_digits((const char *)w[1], wl[1], h->code, sizeof(h->code));
    h->code_is_200 = !strcmp(h->code, "200");
    if ( words == 3 )
        latin1_utf8(w[2], (size_t)(eol - w[2]), h->reason, sizeof(h->reason));
    /* The other lines: Content-Length, the last usable one. */
    for ( p = eol; p < end; )
    {
        const unsigned char *k, *ke, *v, *ve;
        long long n = 0;
        int big = 0;

        p += 2;
        if ( p > end )
            break;
        eol = p;
        while ( eol + 1 < end && !(eol[0] == '\r' && eol[1] == '\n') )
            eol++;
        if ( eol + 1 >= end )
            eol = end;
        k = p;
        ke = memchr(p, ':', (size_t)(eol - p));
        v = ke ? ke + 1 : eol;
        ke = ke ? ke : eol;
        ve = eol;
        p = eol;
        while ( k < ke && py_space(*k) )
            k++;
        while ( ke > k && py_space(ke[-1]) )
            ke--;
        while ( v < ve && py_space(*v) )
            v++;
        while ( ve > v && py_space(ve[-1]) )
            ve--;
        if ( ke - k != 14 ||
             strncasecmp((const char *)k, "content-length", 14) || v == ve )
            continue;
        for ( ; v < ve; v++ )
        {
            if ( *v < '0' || *v > '9' )
                break;
            n = n * 10 + (*v - '0');
            if ( n > (long long)RPC_MAX_REPLY )
                big = 1, n = (long long)RPC_MAX_REPLY + 1;
        }
        if ( v == ve )
            h->length = big ? (long long)RPC_MAX_REPLY + 1 : n;
    }
    if ( h->length < 0 || h->length > (long long)RPC_MAX_REPLY )
    {
        proto(e, h->code, "no usable Content-Length");
        return -1;
    }
    return 0;
}

/* What a complete answer body means: the value, or e. */
static int finish(const struct http_head *h, const char *body, size_t len,
                  struct xv_doc *doc, struct rpc_err *e)
{
    char why[256];
    const struct xv *f, *m;

    if ( !h->code_is_200 )
    {
        proto(e, h->code, "%s", h->reason);
        return -1;
    }
    if ( xv_parse(body, len, doc, why, sizeof(why)) )
    {
        proto(e, h->code, "bad XML-RPC answer: %s", why);
        return -1;
    }
    if ( !doc->value )
    {
        xv_doc_free(doc);
        proto(e, h->code, "XML-RPC answer without one value");
        return -1;
    }
    if ( !doc->fault )
        return 0;
    /* faultCode == 3 and str(faultString), as xm's Legacy.call sees them;
     * a fault that is not a struct is {}. */
    e->status = RPC_FAULT;
    e->fault_is_3 = 0;
    snprintf(e->msg, sizeof(e->msg), "%s", "");
    f = doc->value;
    for ( m = f->kind == XV_STRUCT ? f->kid : NULL; m; m = m->next )
    {
        if ( !strcmp(m->name, "faultCode") )
        {
            e->fault_is_3 = (m->kind == XV_INT && m->i == 3) ||
                            (m->kind == XV_DOUBLE && m->d == 3.0);
        }
        else if ( !strcmp(m->name, "faultString") )
        {
            if ( m->kind == XV_STRING )
                snprintf(e->msg, sizeof(e->msg), "%s", m->s);
            else if ( m->kind == XV_INT )
                snprintf(e->msg, sizeof(e->msg), "%lld", m->i);
            else if ( m->kind == XV_BOOL )
                snprintf(e->msg, sizeof(e->msg), "%s",
                         m->i ? "True" : "False");
            else if ( m->kind == XV_NIL )
                snprintf(e->msg, sizeof(e->msg), "None");
            else
                snprintf(e->msg, sizeof(e->msg),
                         "(a fault whose faultString is not text)");
        }
    }
    xv_doc_free(doc);
    return -1;
}

static const char *head_end(const char *buf, size_t len)
{
    return memmem(buf, len, "\r\n\r\n", 4);
}

int rpc_answer(const char *buf, size_t len, struct xv_doc *doc,
               struct rpc_err *e)
{
    struct http_head h;
    const char *he = head_end(buf, len);

    memset(doc, 0, sizeof(*doc));
    memset(e, 0, sizeof(*e));
    if ( !he )
    {
        proto(e, "0", "connection closed before an answer");
        return -1;
    }
    if ( http_head_parse(buf, (size_t)(he - buf), &h, e) )
        return -1;
    he += 4;
    if ( (size_t)(buf + len - he) < (size_t)h.length )
    {
        proto(e, h.code, "answer cut short");
        return -1;
    }
    return finish(&h, he, (size_t)h.length, doc, e);
}

/* ---- the request ---- */

struct buf {
    char *p;
    size_t len, size;
};

static int put(struct buf *b, const char *s, size_t n)
{
    if ( b->len + n + 1 > b->size )
    {
        size_t size = (b->len + n + 1) * 2;
        char *p = realloc(b->p, size);

        if ( !p )
            return -1;
        b->p = p;
        b->size = size;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

static int puts_(struct buf *b, const char *s)
{
    return put(b, s, strlen(s));
}

/* Text as wire.py writes it: XML's forbidden control characters
 * dropped, &, < and > as entities. */
static int put_text(struct buf *b, const char *s)
{
    int r = 0;

    for ( ; *s && !r; s++ )
    {
        unsigned char c = (unsigned char)*s;

        if ( c == '&' )
            r = puts_(b, "&amp;");
        else if ( c == '<' )
            r = puts_(b, "&lt;");
        else if ( c == '>' )
            r = puts_(b, "&gt;");
        else if ( c >= 0x20 || c == '\t' || c == '\n' || c == '\r' )
            r = put(b, s, 1);
    }
    return r;
}

static int put_value(struct buf *b, const struct rpc_arg *a, int depth)
{
    char n[64];
    long long k;
    int r = 0;

    if ( a->kind == ARG_STR )
        return puts_(b, "<value><string>") || put_text(b, a->s) ||
               puts_(b, "</string></value>");
    if ( a->kind == ARG_BOOL )
        return puts_(b, a->i ? "<value><boolean>1</boolean></value>"
                             : "<value><boolean>0</boolean></value>");
    if ( a->kind == ARG_ARRAY )
    {
        /* Our own SXPs are a few levels deep; a deeper one is a bug. */
        if ( depth >= RPC_MAX_DEPTH )
            return -1;
        r = puts_(b, "<value><array><data>");
        for ( k = 0; k < a->i && !r; k++ )
            r = put_value(b, &a->kids[k], depth + 1);
        return r || puts_(b, "</data></array></value>");
    }
    /* An int beyond 32 bits goes as a string, as in wire.py. */
    snprintf(n, sizeof(n),
             a->i >= -2147483648LL && a->i < 2147483648LL
                 ? "<value><int>%lld</int></value>"
                 : "<value><string>%lld</string></value>",
             a->i);
    return puts_(b, n);
}

static int request(struct buf *b, const char *method,
                   const struct rpc_arg *args, int nargs)
{
    int i, r;

    r = puts_(b, "<?xml version='1.0'?>\n<methodCall><methodName>") ||
        put_text(b, method) || puts_(b, "</methodName><params>");
    for ( i = 0; i < nargs && !r; i++ )
        r = puts_(b, "<param>") || put_value(b, &args[i], 0) ||
            puts_(b, "</param>");
    return r || puts_(b, "</params></methodCall>\n");
}

char *rpc_request(const char *method, const struct rpc_arg *args, int nargs,
                  size_t *len)
{
    struct buf b = { 0 };

    if ( request(&b, method, args, nargs) )
    {
        free(b.p);
        return NULL;
    }
    *len = b.len;
    return b.p;
}

static int send_all(int fd, const char *p, size_t n)
{
    while ( n )
    {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

        if ( w < 0 && errno == EINTR )
            continue;
        if ( w < 0 )
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Up to n more bytes from fd at the end of b: recv's result (-1 with
 * errno ENOMEM when b cannot grow). */
static ssize_t recv_more(int fd, struct buf *b, size_t n)
{
    ssize_t r;

    if ( b->size - b->len < n + 1 )
    {
        char *p = realloc(b->p, b->len + n + 1);

        if ( !p )
        {
            errno = ENOMEM;
            return -1;
        }
        b->p = p;
        b->size = b->len + n + 1;
    }
    do
        r = recv(fd, b->p + b->len, n, 0);
    while ( r < 0 && errno == EINTR );
    return r;
}

/* The answer on fd, as rpc.py's _read_reply reads it: the header in
 * 64 KiB reads (refused once it passes 64 KiB unfinished), then the
 * body up to its Content-Length. */
static int read_answer(int fd, struct xv_doc *doc, struct rpc_err *e)
{
    struct buf b = { 0 };
    struct http_head h;
    const char *he = NULL;
    size_t hlen;
    ssize_t r;
    int ret = -1;

    for ( ;; )
    {
        r = recv_more(fd, &b, RPC_MAX_HEAD);
        if ( r < 0 )
            goto os;
        if ( r == 0 )
        {
            proto(e, "0", "connection closed before an answer");
            goto out;
        }
        b.len += (size_t)r;
        he = head_end(b.p, b.len);
        if ( he )
            break;
        if ( b.len > RPC_MAX_HEAD )
        {
            proto(e, "0", "HTTP header too long");
            goto out;
        }
    }
    hlen = (size_t)(he - b.p);
    if ( http_head_parse(b.p, hlen, &h, e) )
        goto out;
    hlen += 4;
    while ( b.len - hlen < (size_t)h.length )
    {
        r = recv_more(fd, &b, (size_t)h.length - (b.len - hlen));
        if ( r < 0 )
            goto os;
        if ( r == 0 )
        {
            proto(e, h.code, "answer cut short");
            goto out;
        }
        b.len += (size_t)r;
    }
    ret = finish(&h, b.p + hlen, (size_t)h.length, doc, e);
    goto out;
os:
    e->status = RPC_OS;
    e->err = errno;
out:
    free(b.p);
    return ret;
}

int rpc_call(const char *path, const char *method, const struct rpc_arg *args,
             int nargs, struct xv_doc *doc, struct rpc_err *e)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct buf body = { 0 };
    char head[160];
    int fd, ret = -1;

    memset(doc, 0, sizeof(*doc));
    memset(e, 0, sizeof(*e));
    if ( strlen(path) >= sizeof(sa.sun_path) )
    {
        e->status = RPC_OS;
        e->err = ENAMETOOLONG;
        return -1;
    }
    strcpy(sa.sun_path, path);
    if ( request(&body, method, args, nargs) )
    {
        e->status = RPC_OS;
        e->err = ENOMEM;
        free(body.p);
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if ( fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) )
        goto os;
    snprintf(head, sizeof(head),
             "POST / HTTP/1.1\r\nHost: localhost\r\n"
             "Content-Type: text/xml\r\nConnection: close\r\n"
             "Content-Length: %zu\r\n\r\n",
             body.len);
    if ( send_all(fd, head, strlen(head)) || send_all(fd, body.p, body.len) )
        goto os;
    ret = read_answer(fd, doc, e);
    goto out;
os:
    e->status = RPC_OS;
    e->err = errno;
out:
    if ( fd >= 0 )
        close(fd);
    free(body.p);
    return ret;
}
