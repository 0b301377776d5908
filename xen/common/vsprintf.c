/* SPDX-License-Identifier: GPL-2.0-only */
/* printf-style formatting into a bounded buffer. */
#include <xen/lib.h>
#include <xen/string.h>
#include <xen/symbols.h>

struct outbuf {
    char *buf;
    size_t size;
    size_t len; /* characters that would have been written */
};

static void out_char(struct outbuf *o, char c)
{
    if ( o->len + 1 < o->size )
        o->buf[o->len] = c;
    o->len++;
}

static void out_str(struct outbuf *o, const char *s, int width, int prec,
                    bool left)
{
    int n = strnlen(s, prec < 0 ? ~0UL : (size_t)prec);

    if ( !left )
        for ( ; width > n; width-- )
            out_char(o, ' ');
    for ( int i = 0; i < n; i++ )
        out_char(o, s[i]);
    for ( ; width > n; width-- )
        out_char(o, ' ');
}

static void out_num(struct outbuf *o, unsigned long long v, bool neg,
                    unsigned int base, bool upper, int width, bool zero,
                    bool left, char sign)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;

    do
    {
        tmp[n++] = digits[v % base];
        v /= base;
    } while ( v );
    if ( neg )
        sign = '-';
    if ( sign )
        width--;
    if ( !left && !zero )
        for ( ; width > n; width-- )
            out_char(o, ' ');
    if ( sign )
        out_char(o, sign);
    if ( !left && zero )
        for ( ; width > n; width-- )
            out_char(o, '0');
    while ( n )
        out_char(o, tmp[--n]);
    for ( ; width > 0 && left; width-- )
        out_char(o, ' ');
}

/* %pS: a code address as symbol+offset/size. */
static void out_symbol(struct outbuf *o, unsigned long addr)
{
    unsigned long offset, size;
    const char *name = symbols_lookup(addr, &offset, &size);
    char tmp[40];

    if ( !name )
    {
        out_str(o, "??", -1, -1, false);
        return;
    }
    out_str(o, name, -1, -1, false);
    snprintf(tmp, sizeof(tmp), "+%#lx/%#lx", offset, size);
    out_str(o, tmp, -1, -1, false);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
    struct outbuf o = { .buf = buf, .size = size, .len = 0 };

    for ( ; *fmt; fmt++ )
    {
        bool left = false, zero = false, alt = false;
        char sign = 0;
        int width = -1, prec = -1, lng = 0;
        unsigned long long v;

        if ( *fmt != '%' )
        {
            out_char(&o, *fmt);
            continue;
        }

        for ( ;; )
        {
            switch ( *++fmt )
            {
            case '-':
                left = true;
                continue;
            case '0':
                zero = true;
                continue;
            case '#':
                alt = true;
                continue;
            case '+':
                sign = '+';
                continue;
            case ' ':
                sign = ' ';
                continue;
            }
            break;
        }
        if ( *fmt == '*' )
        {
            width = va_arg(args, int);
            fmt++;
        }
        else
            for ( width = 0; *fmt >= '0' && *fmt <= '9'; fmt++ )
                width = width * 10 + *fmt - '0';
        if ( *fmt == '.' )
        {
            fmt++;
            if ( *fmt == '*' )
            {
                prec = va_arg(args, int);
                fmt++;
            }
            else
                for ( prec = 0; *fmt >= '0' && *fmt <= '9'; fmt++ )
                    prec = prec * 10 + *fmt - '0';
        }
        for ( ;; fmt++ )
        {
            if ( *fmt == 'l' )
                lng++;
            else if ( *fmt == 'z' || *fmt == 'j' || *fmt == 't' )
                lng = 1;
            else if ( *fmt == 'h' )
                continue;
            else
                break;
        }

        switch ( *fmt )
        {
        case 'c':
            out_char(&o, (char)va_arg(args, int));
            break;
        case 's':
        {
            const char *s = va_arg(args, const char *);

            out_str(&o, s ? s : "(NULL)", width, prec, left);
            break;
        }
        case 'p':
        {
            void *p = va_arg(args, void *);

            if ( fmt[1] == 'S' )
            {
                fmt++;
                out_symbol(&o, (unsigned long)p);
                break;
            }
            out_num(&o, (unsigned long)p, false, 16, false, 16, true, false,
                    0);
            break;
        }
        case 'd':
        case 'i':
        {
            long long s = lng ? va_arg(args, long) : va_arg(args, int);

            v = s < 0 ? -(unsigned long long)s : (unsigned long long)s;
            out_num(&o, v, s < 0, 10, false, width, zero, left, sign);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o':
        {
            unsigned int base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;

            v = lng ? va_arg(args, unsigned long) : va_arg(args, unsigned int);
            if ( alt && base == 16 )
            {
                out_char(&o, '0');
                out_char(&o, *fmt == 'X' ? 'X' : 'x');
                width -= 2;
            }
            out_num(&o, v, false, base, *fmt == 'X', width, zero, left, 0);
            break;
        }
        case '%':
            out_char(&o, '%');
            break;
        default:
            /* Unknown conversion: show it rather than guess an argument. */
            out_char(&o, '%');
            if ( *fmt )
                out_char(&o, *fmt);
            else
                fmt--;
            break;
        }
    }
    if ( size )
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list args;
    int n;

    va_start(args, fmt);
    n = vsnprintf(buf, size, fmt, args);
    va_end(args);
    return n;
}
