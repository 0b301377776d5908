/* SPDX-License-Identifier: GPL-2.0-only */
/* The boot tests' small kernels' console lines: verdicts with hex values. */
#ifndef BOOT_REPORT_H
#define BOOT_REPORT_H

#include <stdint.h>

/*
 * The includer defines REPORT_PREFIX (a short string) and out(), which
 * writes len bytes to the console; CHECK counts its failures here.
 */
static void out(const char *s, unsigned long len);
static unsigned int failures;

/* One line: prefix, text, then up to five values in hex. */
static void say(const char *text, unsigned int n, const uint64_t *v)
{
    char buf[256];      /* 16 + 100 + 5 values of 17, and a newline */
    unsigned int len = 0;

    for ( const char *p = REPORT_PREFIX; *p && len < 16; )
        buf[len++] = *p++;
    while ( *text && len < 116 )
        buf[len++] = *text++;
    for ( unsigned int i = 0; i < n && i < 5; i++ )
    {
        buf[len++] = ' ';
        for ( int sh = 60; sh >= 0; sh -= 4 )
            if ( (v[i] >> sh) || !sh )
                buf[len++] = "0123456789abcdef"[(v[i] >> sh) & 15];
    }
    buf[len++] = '\n';
    out(buf, len);
}

/* A failed condition: "FAIL <what>" and the values that show why. */
#define CHECK(cond, what, ...)                                      \
    do {                                                            \
        if ( !(cond) )                                              \
        {                                                           \
            const uint64_t v_[] = { 0, ##__VA_ARGS__ };             \
            failures++;                                             \
            say("FAIL " what, sizeof(v_) / 8 - 1, v_ + 1);          \
        }                                                           \
    } while ( 0 )

#endif /* BOOT_REPORT_H */
