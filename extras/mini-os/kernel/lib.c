/* SPDX-License-Identifier: GPL-2.0-only */
/* strstr and a small vsnprintf; other string functions are the hypervisor's. */

#include <lib.h>

char *strstr(const char *hay, const char *needle)
{
    size_t n = strlen(needle);

    for ( ; *hay; hay++ )
        if ( !strncmp(hay, needle, n) )
            return (char *)hay;
    return n ? NULL : (char *)hay;
}

/* Output cursor of vsnprintf: counts everything, stores what fits. */
struct out {
    char *buf;
    size_t size, len;
};

static void put(struct out *o, char c)
{
    if ( o->len + 1 < o->size )
        o->buf[o->len] = c;
    o->len++;
}

static void put_num(struct out *o, unsigned long long v, unsigned int base,
                    bool upper, int width, char pad, bool neg)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while ( v );
    if ( neg )
    {
        if ( pad == '0' )
            put(o, '-');
        width--;
    }
    for ( ; width > n; width-- )
        put(o, pad);
    if ( neg && pad != '0' )
        put(o, '-');
    while ( n )
        put(o, tmp[--n]);
}

/*
 * Supports %[-0][width][.prec][l|ll|z]{d,i,u,x,X,p,s,c,%}: what we use.
 * z is as wide as l at both widths; ll is 64 bits at both.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };

    for ( ; *fmt; fmt++ )
    {
        int width = 0, lng = 0, prec = -1;
        char pad = ' ';
        bool left = false;

        if ( *fmt != '%' )
        {
            put(&o, *fmt);
            continue;
        }
        fmt++;
        if ( *fmt == '-' )
        {
            left = true;
            fmt++;
        }
        if ( *fmt == '0' )
        {
            pad = '0';
            fmt++;
        }
        while ( *fmt >= '0' && *fmt <= '9' )
            width = width * 10 + *fmt++ - '0';
        if ( *fmt == '.' )
        {
            prec = 0;
            fmt++;
            while ( *fmt >= '0' && *fmt <= '9' )
                prec = prec * 10 + *fmt++ - '0';
        }
        while ( *fmt == 'l' || *fmt == 'z' )
        {
            lng++;
            fmt++;
        }
        switch ( *fmt )
        {
        case 'd':
        case 'i':
        {
            long long v = lng > 1 ? va_arg(ap, long long)
                          : lng ? va_arg(ap, long) : va_arg(ap, int);

            put_num(&o, v < 0 ? -(unsigned long long)v : (unsigned long long)v,
                    10, false, width, pad, v < 0);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        {
            unsigned long long v = lng > 1 ? va_arg(ap, unsigned long long)
                                   : lng ? va_arg(ap, unsigned long)
                                   : va_arg(ap, unsigned int);

            put_num(&o, v, *fmt == 'u' ? 10 : 16, *fmt == 'X', width, pad,
                    false);
            break;
        }
        case 'p':
            put(&o, '0');
            put(&o, 'x');
            put_num(&o, (unsigned long)va_arg(ap, void *), 16, false, width,
                    pad, false);
            break;
        case 's':
        {
            const char *s = va_arg(ap, const char *);
            int n, i;

            if ( !s )
                s = "(null)";
            n = prec < 0 ? strlen(s) : strnlen(s, prec);
            for ( ; !left && width > n; width-- )
                put(&o, ' ');
            for ( i = 0; i < n; i++ )
                put(&o, s[i]);
            for ( ; left && width > n; width-- )
                put(&o, ' ');
            break;
        }
        case 'c':
            put(&o, (char)va_arg(ap, int));
            break;
        case '%':
            put(&o, '%');
            break;
        default:
            put(&o, '%');
            if ( !*fmt )
                goto out;
            put(&o, *fmt);
            break;
        }
    }
 out:
    if ( size )
        o.buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
