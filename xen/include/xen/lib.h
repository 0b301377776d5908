/* SPDX-License-Identifier: GPL-2.0-only */
/* Small helpers every hypervisor file may use: printk, panic, assertions. */
#ifndef XEN_LIB_H
#define XEN_LIB_H

#include <stdarg.h>
#include <xen/compiler.h>
#include <xen/types.h>

#define ARRAY_SIZE(a)      (sizeof(a) / sizeof((a)[0]))
#define ROUNDUP(x, a)      (((x) + (a)-1) & ~((__typeof__(x))(a)-1))
#define ROUNDDOWN(x, a)    ((x) & ~((__typeof__(x))(a)-1))
#define DIV_ROUND_UP(n, d) (((n) + (d)-1) / (d))
#define IS_ALIGNED(x, a)   (((x) & ((__typeof__(x))(a)-1)) == 0)

#define min(a, b)                                                             \
    ({                                                                        \
        __typeof__(a) a_ = (a);                                               \
        __typeof__(b) b_ = (b);                                               \
        a_ < b_ ? a_ : b_;                                                    \
    })
#define max(a, b)                                                             \
    ({                                                                        \
        __typeof__(a) a_ = (a);                                               \
        __typeof__(b) b_ = (b);                                               \
        a_ > b_ ? a_ : b_;                                                    \
    })

#define container_of(ptr, type, member)                                       \
    ((type *)((char *)(ptr)-offsetof(type, member)))

#define BUILD_BUG_ON(cond) _Static_assert(!(cond), #cond)

/*
 * Log levels as Xen spells them; a message starts with one of these
 * prefixes, and loglvl= on the command line sets which reach the console.
 */
#define XENLOG_ERR     "<0>"
#define XENLOG_WARNING "<1>"
#define XENLOG_INFO    "<2>"
#define XENLOG_DEBUG   "<3>"

void printk(const char *fmt, ...) __printf(1, 2);
void vprintk(const char *fmt, va_list args);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list args);
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;

#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)
#define BUG_ON(cond)                                                          \
    do                                                                        \
    {                                                                         \
        if ( unlikely(cond) )                                                 \
            BUG();                                                            \
    } while ( 0 )
#define ASSERT(p)                                                             \
    do                                                                        \
    {                                                                         \
        if ( unlikely(!(p)) )                                                 \
            panic("Assertion '%s' failed at %s:%d", #p, __FILE__, __LINE__);  \
    } while ( 0 )

#endif /* XEN_LIB_H */
