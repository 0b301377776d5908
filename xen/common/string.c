/* SPDX-License-Identifier: GPL-2.0-only */
/* The C library's string and memory routines, for a freestanding build. */
#include <xen/lib.h>
#include <xen/string.h>

/*
 * Whole quadwords first, then the odd bytes: string instructions run per
 * element under emulation (and on older CPUs), so 8-byte elements go
 * eight times as fast as bytes for page-sized copies and scrubbing.
 */
void *memcpy(void *dst, const void *src, size_t n)
{
    void *ret = dst;
    size_t words = n / sizeof(long), bytes = n % sizeof(long);

#ifdef __i386__
    __asm__ __volatile__("rep movsl"
#else
    __asm__ __volatile__("rep movsq"
#endif
                         : "+D"(dst), "+S"(src), "+c"(words)
                         :
                         : "memory");
    __asm__ __volatile__("rep movsb"
                         : "+D"(dst), "+S"(src), "+c"(bytes)
                         :
                         : "memory");
    return ret;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if ( d <= s || d >= s + n )
        return memcpy(dst, src, n);
    /* Overlapping with dst above src: copy from the end backwards. */
    while ( n-- )
        d[n] = s[n];
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    void *ret = dst;
    size_t words = n / sizeof(long), bytes = n % sizeof(long);
    unsigned long pattern = (~0UL / 0xff) * (uint8_t)c;

    /* Also built into mini-os's 32-bit kernel: a long at a time. */
#ifdef __i386__
    __asm__ __volatile__("rep stosl"
#else
    __asm__ __volatile__("rep stosq"
#endif
                         : "+D"(dst), "+c"(words)
                         : "a"(pattern)
                         : "memory");
    __asm__ __volatile__("rep stosb"
                         : "+D"(dst), "+c"(bytes)
                         : "a"(pattern)
                         : "memory");
    return ret;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for ( ; n; n--, x++, y++ )
        if ( *x != *y )
            return *x - *y;
    return 0;
}

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;

    for ( ; n; n--, p++ )
        if ( *p == (unsigned char)c )
            return (void *)p;
    return NULL;
}

size_t strlen(const char *s)
{
    const char *p = s;

    while ( *p )
        p++;
    return p - s;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while ( n < max && s[n] )
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while ( *a && *a == *b )
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
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

char *strchr(const char *s, int c)
{
    for ( ; *s; s++ )
        if ( *s == (char)c )
            return (char *)s;
    return c ? NULL : (char *)s;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if ( size )
    {
        size_t n = len < size - 1 ? len : size - 1;

        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

static unsigned int digit_value(char c)
{
    if ( c >= '0' && c <= '9' )
        return c - '0';
    if ( c >= 'a' && c <= 'z' )
        return c - 'a' + 10;
    if ( c >= 'A' && c <= 'Z' )
        return c - 'A' + 10;
    return 36;
}

/* Base 0 means: 0x prefix for hex, leading 0 for octal, else decimal. */
unsigned long simple_strtoul(const char *s, const char **end,
                             unsigned int base)
{
    unsigned long v = 0;
    unsigned int d;

    if ( base == 0 )
    {
        if ( s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
             digit_value(s[2]) < 16 )
            base = 16, s += 2;
        else if ( s[0] == '0' )
            base = 8;
        else
            base = 10;
    }
    else if ( base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
              digit_value(s[2]) < 16 )
        s += 2;

    while ( (d = digit_value(*s)) < base )
    {
        v = v * base + d;
        s++;
    }
    if ( end )
        *end = s;
    return v;
}
