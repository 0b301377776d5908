/* SPDX-License-Identifier: GPL-2.0-only */
/* Host implementations of printk, panic and friends for unit tests. */
#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "asm/current.h"

jmp_buf *harness_panic_env;
char harness_panic_msg[512];
unsigned int harness_cpu;
uintptr_t harness_fault_lo, harness_fault_hi;
char *host_directmap;

static char log_buf[1 << 16];
static size_t log_len;

void harness_log_clear(void)
{
    log_len = 0;
    log_buf[0] = '\0';
}

const char *harness_log(void)
{
    return log_buf;
}

bool harness_log_contains(const char *needle)
{
    return strstr(log_buf, needle) != NULL;
}

static void log_append(const char *s)
{
    size_t n = strlen(s);

    if ( getenv("HARNESS_VERBOSE") )
        fputs(s, stdout);
    /* When full, drop the oldest half rather than the newest message. */
    if ( log_len + n + 1 > sizeof(log_buf) )
    {
        size_t keep = log_len / 2;

        memmove(log_buf, log_buf + log_len - keep, keep);
        log_len = keep;
        if ( n + 1 > sizeof(log_buf) - log_len )
            n = sizeof(log_buf) - log_len - 1;
    }
    memcpy(log_buf + log_len, s, n);
    log_len += n;
    log_buf[log_len] = '\0';
}

void vprintk(const char *fmt, va_list args);
void printk(const char *fmt, ...);
void panic(const char *fmt, ...) __attribute__((noreturn));
unsigned int smp_processor_id(void);
size_t strlcpy(char *dst, const char *src, size_t size);
unsigned long simple_strtoul(const char *s, const char **end,
                             unsigned int base);

/* Weak: a suite that tests the hypervisor's own printk brings it. */
__attribute__((weak)) void vprintk(const char *fmt, va_list args)
{
    char buf[1024];

    vsnprintf(buf, sizeof(buf), fmt, args);
    log_append(buf);
}

__attribute__((weak)) void printk(const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vprintk(fmt, args);
    va_end(args);
}

void panic(const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vsnprintf(harness_panic_msg, sizeof(harness_panic_msg), fmt, args);
    va_end(args);
    log_append("PANIC: ");
    log_append(harness_panic_msg);
    log_append("\n");
    if ( harness_panic_env )
        longjmp(*harness_panic_env, 1);
    printf("FAIL: unexpected panic outside a test case: %s\n",
           harness_panic_msg);
    abort();
}

struct cpu_info *get_cpu_info(void)
{
    static struct cpu_info info[64];

    return &info[harness_cpu];
}

unsigned int smp_processor_id(void)
{
    return harness_cpu;
}

/* glibc before 2.38 lacks strlcpy; the hypervisor's lib provides one. */
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

unsigned long simple_strtoul(const char *s, const char **end,
                             unsigned int base)
{
    char *e;
    unsigned long v = strtoul(s, &e, base);

    if ( end )
        *end = e;
    return v;
}

/* Debian's kernel, if installed: a real-world image for loader tests. */
bool harness_find_vmlinuz(char *path, size_t len)
{
    DIR *d = opendir("/boot");
    struct dirent *e;
    bool found = false;

    if ( !d )
        return false;
    while ( (e = readdir(d)) )
        if ( !strncmp(e->d_name, "vmlinuz-", 8) )
        {
            snprintf(path, len, "/boot/%s", e->d_name);
            found = true;
            break;
        }
    closedir(d);
    return found;
}
