/* SPDX-License-Identifier: GPL-2.0-only */
/* Freestanding C library pieces: strings, formatting and printk. */

#ifndef MINIOS_LIB_H
#define MINIOS_LIB_H

#include <os.h>

void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strncmp(const char *a, const char *b, size_t n);
int strcmp(const char *a, const char *b);
void *memchr(const void *s, int c, size_t n);
unsigned long simple_strtoul(const char *s, const char **end,
                             unsigned int base);
char *strstr(const char *hay, const char *needle);

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
void printk(const char *fmt, ...) __printf(1, 2);

/* Stop the domain, telling Xen why (SHUTDOWN_*). */
void __noreturn do_shutdown(unsigned int reason);
/* Report a fatal error on the console and crash the domain. */
void __noreturn panic(const char *fmt, ...) __printf(1, 2);

#define BUG_ON(c) do {                                                    \
    if ( c )                                                              \
        panic("BUG_ON(%s) at %s:%d", #c, __FILE__, __LINE__);             \
} while ( 0 )

#endif /* MINIOS_LIB_H */
