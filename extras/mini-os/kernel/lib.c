/* SPDX-License-Identifier: GPL-2.0-only */
/* String functions and a small vsnprintf for a kernel without a libc. */

#include <lib.h>

void *memset(void *s, int c, size_t n)
{
    void *d = s;

    asm volatile ( "rep stosb" : "+D" (d), "+c" (n) : "a" (c) : "memory" );
    return s;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    void *d = dst;

    asm volatile ( "rep movsb" : "+D" (d), "+S" (src), "+c" (n)
                   :: "memory" );
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if ( d <= s || d >= s + n )
        return memcpy(dst, src, n);
    while ( n-- )
        d[n] = s[n];
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for ( ; n; n--, x++, y++ )
        if ( *x != *y )
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while ( s[n] )
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while ( n < max && s[n] )
        n++;
    return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for ( ; n; n--, a++, b++ )
    {
        if ( *a != *b )
            return (unsigned char)*a - (unsigned char)*b;
        if ( !*a )
            break;
    }
    return 0;
}

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

static void put_num(struct out *o, unsigned long v, unsigned int base,
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

/* Supports %[-0][width][.prec][l|ll|z]{d,i,u,x,X,p,s,c,%}: what we use. */
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
            long v = lng ? va_arg(ap, long) : va_arg(ap, int);

            put_num(&o, v < 0 ? -(unsigned long)v : (unsigned long)v, 10,
                    false, width, pad, v < 0);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        {
            unsigned long v = lng ? va_arg(ap, unsigned long)
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
