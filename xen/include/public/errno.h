/* SPDX-License-Identifier: MIT */
/* Error numbers returned by hypercalls (negated), independent of the OS. */

/*
 * Two ways to use this file:
 *  - include it normally to get enum xen_errno { XEN_EPERM = 1, ... };
 *  - define XEN_ERRNO(name, value) first and include it (as often as
 *    needed) to expand that macro once per error, e.g. to build a table
 *    translating to the local errno values.
 * The values are Linux's x86 numbers and never change.
 */

#ifndef XEN_ERRNO

#ifndef __XEN_PUBLIC_ERRNO_H__
#define __XEN_PUBLIC_ERRNO_H__

/* Marks the default expansion, which opens and closes the enum. */
#define XEN_ERRNO_DEFAULT_INCLUDE

#ifndef __ASSEMBLY__
#define XEN_ERRNO(name, value) XEN_##name = value,
enum xen_errno {
#elif __XEN_INTERFACE_VERSION__ < 0x00040700
#define XEN_ERRNO(name, value) .equ XEN_##name, value
#endif

#endif /* __XEN_PUBLIC_ERRNO_H__ */

#endif /* !XEN_ERRNO */

#ifdef XEN_ERRNO

XEN_ERRNO(EPERM,          1)  /* operation not permitted */
XEN_ERRNO(ENOENT,         2)  /* no such entry */
XEN_ERRNO(ESRCH,          3)  /* no such domain, vcpu or process */
#ifdef __XEN__
XEN_ERRNO(EINTR,          4)  /* internal: interrupted */
#endif
XEN_ERRNO(EIO,            5)
XEN_ERRNO(ENXIO,          6)  /* no such device */
XEN_ERRNO(E2BIG,          7)  /* argument list too long */
XEN_ERRNO(ENOEXEC,        8)  /* bad executable format */
XEN_ERRNO(EBADF,          9)  /* bad file (handle) number */
XEN_ERRNO(ECHILD,        10)
XEN_ERRNO(EAGAIN,        11)  /* try again */
XEN_ERRNO(EWOULDBLOCK,   11)
XEN_ERRNO(ENOMEM,        12)
XEN_ERRNO(EACCES,        13)
XEN_ERRNO(EFAULT,        14)  /* bad guest address */
XEN_ERRNO(EBUSY,         16)
XEN_ERRNO(EEXIST,        17)
XEN_ERRNO(EXDEV,         18)  /* cross-domain link */
XEN_ERRNO(ENODEV,        19)
XEN_ERRNO(ENOTDIR,       20)
XEN_ERRNO(EISDIR,        21)
XEN_ERRNO(EINVAL,        22)
XEN_ERRNO(ENFILE,        23)
XEN_ERRNO(EMFILE,        24)
XEN_ERRNO(ENOSPC,        28)
XEN_ERRNO(EROFS,         30)
XEN_ERRNO(EMLINK,        31)
XEN_ERRNO(EDOM,          33)
XEN_ERRNO(ERANGE,        34)
XEN_ERRNO(EDEADLK,       35)
XEN_ERRNO(EDEADLOCK,     35)
XEN_ERRNO(ENAMETOOLONG,  36)
XEN_ERRNO(ENOLCK,        37)
XEN_ERRNO(ENOSYS,        38)  /* no such hypercall or sub-op */
XEN_ERRNO(ENOTEMPTY,     39)
XEN_ERRNO(ENODATA,       61)
XEN_ERRNO(ETIME,         62)  /* deadline already passed */
XEN_ERRNO(EBADMSG,       74)
XEN_ERRNO(EOVERFLOW,     75)
XEN_ERRNO(EILSEQ,        84)
#ifdef __XEN__
XEN_ERRNO(ERESTART,      85)  /* internal: continuation needed */
#endif
XEN_ERRNO(ENOTSOCK,      88)
XEN_ERRNO(EMSGSIZE,      90)
XEN_ERRNO(EOPNOTSUPP,    95)
XEN_ERRNO(EADDRINUSE,    98)
XEN_ERRNO(EADDRNOTAVAIL, 99)
XEN_ERRNO(ENOBUFS,      105)
XEN_ERRNO(EISCONN,      106)
XEN_ERRNO(ENOTCONN,     107)
XEN_ERRNO(ETIMEDOUT,    110)
XEN_ERRNO(ECONNREFUSED, 111)

#undef XEN_ERRNO
#endif /* XEN_ERRNO */

#ifdef XEN_ERRNO_DEFAULT_INCLUDE
#undef XEN_ERRNO_DEFAULT_INCLUDE
#ifndef __ASSEMBLY__
    XEN_ERRNO_END_  /* closes the list without a trailing comma (C89) */
};
#endif
#endif
