/* SPDX-License-Identifier: GPL-2.0-only */
/* libhvxc's internals: the handle, the OS calls it makes, error helpers. */
#ifndef XC_PRIVATE_H
#define XC_PRIVATE_H

#include <errno.h>
#include <stdbool.h>
#include <sys/types.h>

#include "hvxc.h"

#define XC_PAGE_SHIFT   12
#define XC_PAGE_SIZE    (1UL << XC_PAGE_SHIFT)

/*
 * Every system call on a device goes through these, so that the host
 * tests can stand in for Linux's drivers (tools/tests/libxc).
 */
struct hvxc_os {
    int (*open)(const char *path, int flags);
    int (*close)(int fd);
    int (*ioctl)(int fd, unsigned long req, void *arg);
    void *(*mmap)(void *addr, size_t len, int prot, int flags, int fd,
                  off_t off);
    int (*munmap)(void *addr, size_t len);
    ssize_t (*read)(int fd, void *buf, size_t len);
    ssize_t (*write)(int fd, const void *buf, size_t len);
};
/* Internal functions are hidden: only the xc_* API of hvxc.h is exported. */
#define XC_INTERNAL __attribute__((visibility("hidden")))

extern const struct hvxc_os *hvxc_os XC_INTERNAL;
/* NULL: back to libc. */
XC_INTERNAL
void hvxc_os_override(const struct hvxc_os *os);

struct xc_interface {
    int privcmd;
    xc_logger_fn *logger;
    void *opaque;
    enum xc_log_level level;
    /* Non-zero: failures expected (a fallback follows) are not logged. */
    unsigned int quiet;
    char last_error[256];
    /* One locked page kept for the domctl/sysctl structures. */
    void *cache;
    bool cache_busy;
};

/* Logs "what: strerror(errno)" style messages; keeps errno. */
XC_INTERNAL
void xc_log(xc_interface *xch, enum xc_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Logs fmt at XC_LOG_ERROR, sets errno = err, returns -1. */
XC_INTERNAL
int xc_fail(xc_interface *xch, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A bounce buffer: user memory copied into locked memory and back. */
struct xc_bounce {
    void *user;
    void *locked;
    size_t size;
    bool in, out;       /* copy in before the call / out after it */
};
XC_INTERNAL
int xc_bounce_pre(xc_interface *xch, struct xc_bounce *b, void *user,
                  size_t size, bool in, bool out);
XC_INTERNAL
void xc_bounce_post(xc_interface *xch, struct xc_bounce *b);

XC_INTERNAL
int xc_memory_op(xc_interface *xch, unsigned int cmd, void *arg, size_t size);

#endif /* XC_PRIVATE_H */
