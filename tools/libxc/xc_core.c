/* SPDX-License-Identifier: GPL-2.0-only */
/* libhvxc's core: the privcmd handle, hypercalls, locked buffers, logging. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "linux_xen.h"
#include "xc_private.h"

static int os_open(const char *path, int flags)
{
    return open(path, flags);
}

static int os_ioctl(int fd, unsigned long req, void *arg)
{
    return ioctl(fd, req, arg);
}

static const struct hvxc_os libc_os = {
    .open = os_open, .close = close, .ioctl = os_ioctl, .mmap = mmap,
    .munmap = munmap, .read = read, .write = write,
};
const struct hvxc_os *hvxc_os = &libc_os;

void hvxc_os_override(const struct hvxc_os *os)
{
    hvxc_os = os ? os : &libc_os;
}

static void default_logger(void *opaque, enum xc_log_level level,
                           const char *msg)
{
    const xc_interface *xch = opaque;

    if ( level <= xch->level )
        fprintf(stderr, "hvxc: %s\n", msg);
}

static void vlog(xc_interface *xch, enum xc_log_level level, const char *fmt,
                 va_list ap)
{
    char msg[sizeof(xch->last_error)];
    int saved = errno;

    vsnprintf(msg, sizeof(msg), fmt, ap);
    if ( level == XC_LOG_ERROR )
        memcpy(xch->last_error, msg, sizeof(msg));
    if ( level != XC_LOG_ERROR || !xch->quiet )
        xch->logger(xch->opaque, level, msg);
    errno = saved;
}

void xc_log(xc_interface *xch, enum xc_log_level level, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(xch, level, fmt, ap);
    va_end(ap);
}

int xc_fail(xc_interface *xch, int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(xch, XC_LOG_ERROR, fmt, ap);
    va_end(ap);
    errno = err;
    return -1;
}

xc_interface *xc_interface_open(xc_logger_fn *logger, void *opaque)
{
    xc_interface *xch = calloc(1, sizeof(*xch));
    int err;

    if ( !xch )
        return NULL;
    xch->logger = logger ? logger : default_logger;
    xch->opaque = logger ? opaque : xch;
    xch->level = XC_LOG_ERROR;
    xch->privcmd = hvxc_os->open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    if ( xch->privcmd < 0 )
    {
        err = errno;
        xc_fail(xch, err, "opening /dev/xen/privcmd: %s", strerror(err));
        free(xch);
        errno = err;
        return NULL;
    }
    return xch;
}

int xc_interface_close(xc_interface *xch)
{
    int rc;

    if ( !xch )
        return 0;
    if ( xch->cache )
        xc_hypercall_buffer_free(xch, xch->cache, XC_PAGE_SIZE);
    rc = hvxc_os->close(xch->privcmd);
    free(xch);
    return rc;
}

void xc_set_log_level(xc_interface *xch, enum xc_log_level level)
{
    xch->level = level;
}

const char *xc_last_error(const xc_interface *xch)
{
    return xch->last_error;
}

long xc_hypercall(xc_interface *xch, unsigned int op, uint64_t a1,
                  uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct lx_privcmd_hypercall h = { op, { a1, a2, a3, a4, a5 } };

    return hvxc_os->ioctl(xch->privcmd, LX_IOCTL_PRIVCMD_HYPERCALL, &h);
}

/*
 * The hypervisor copies to and from these while the kernel runs the
 * call: a page it would have to fault in fails the call with EFAULT, so
 * they are locked, and kept out of a forked child's copy-on-write.
 */
void *xc_hypercall_buffer_alloc(xc_interface *xch, size_t size)
{
    size_t len = (size + XC_PAGE_SIZE - 1) & ~(XC_PAGE_SIZE - 1);
    void *p;

    if ( !len )
        len = XC_PAGE_SIZE;
    if ( len == XC_PAGE_SIZE && xch->cache && !xch->cache_busy )
    {
        xch->cache_busy = true;
        memset(xch->cache, 0, XC_PAGE_SIZE);
        return xch->cache;
    }
    p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
             -1, 0);
    if ( p == MAP_FAILED )
    {
        xc_fail(xch, ENOMEM, "no memory for a %zu-byte hypercall buffer",
                size);
        return NULL;
    }
    if ( mlock(p, len) )
    {
        int err = errno;

        munmap(p, len);
        xc_fail(xch, err, "locking a %zu-byte hypercall buffer: %s", size,
                strerror(err));
        return NULL;
    }
    madvise(p, len, MADV_DONTFORK);
    if ( len == XC_PAGE_SIZE && !xch->cache )
    {
        xch->cache = p;
        xch->cache_busy = true;
    }
    return p;
}

void xc_hypercall_buffer_free(xc_interface *xch, void *p, size_t size)
{
    size_t len = (size + XC_PAGE_SIZE - 1) & ~(XC_PAGE_SIZE - 1);

    if ( !p )
        return;
    if ( p == xch->cache && xch->cache_busy )
    {
        xch->cache_busy = false;
        return;
    }
    munlock(p, len ? len : XC_PAGE_SIZE);
    munmap(p, len ? len : XC_PAGE_SIZE);
}

int xc_bounce_pre(xc_interface *xch, struct xc_bounce *b, void *user,
                  size_t size, bool in, bool out)
{
    *b = (struct xc_bounce){ .user = user, .size = size, .in = in,
                             .out = out };
    if ( !user || !size )
        return 0;
    if ( !(b->locked = xc_hypercall_buffer_alloc(xch, size)) )
        return -1;
    if ( in )
        memcpy(b->locked, user, size);
    return 0;
}

void xc_bounce_post(xc_interface *xch, struct xc_bounce *b)
{
    if ( !b->locked )
        return;
    if ( b->out )
        memcpy(b->user, b->locked, b->size);
    xc_hypercall_buffer_free(xch, b->locked, b->size);
    b->locked = NULL;
}

int xc_domctl(xc_interface *xch, struct xen_domctl *dop)
{
    struct xc_bounce b;
    long rc;

    dop->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    if ( xc_bounce_pre(xch, &b, dop, sizeof(*dop), true, true) )
        return -1;
    rc = xc_hypercall(xch, __HYPERVISOR_domctl, (uintptr_t)b.locked, 0, 0, 0,
                      0);
    xc_bounce_post(xch, &b);
    return rc < 0 ? -1 : 0;
}

int xc_sysctl(xc_interface *xch, struct xen_sysctl *sop)
{
    struct xc_bounce b;
    long rc;

    sop->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    if ( xc_bounce_pre(xch, &b, sop, sizeof(*sop), true, true) )
        return -1;
    rc = xc_hypercall(xch, __HYPERVISOR_sysctl, (uintptr_t)b.locked, 0, 0, 0,
                      0);
    xc_bounce_post(xch, &b);
    return rc < 0 ? -1 : 0;
}

/* A memory_op whose argument structure is size bytes; its result or -1. */
int xc_memory_op(xc_interface *xch, unsigned int cmd, void *arg, size_t size)
{
    struct xc_bounce b;
    long rc;

    if ( xc_bounce_pre(xch, &b, arg, size, true, true) )
        return -1;
    rc = xc_hypercall(xch, __HYPERVISOR_memory_op, cmd, (uintptr_t)b.locked,
                      0, 0, 0);
    xc_bounce_post(xch, &b);
    return rc;
}
