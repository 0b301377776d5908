/* SPDX-License-Identifier: MIT */
/* Xenstore wire protocol: message header, message types, error names, ring. */

#ifndef __XEN_PUBLIC_IO_XS_WIRE_H__
#define __XEN_PUBLIC_IO_XS_WIRE_H__

#if defined(__XEN__)
#include <xen/types.h>
#else
#include <stdint.h>
#endif

/*
 * Every message, in either direction, is a struct xsd_sockmsg followed by
 * 'len' bytes of payload (usually NUL-separated strings).  A reply carries
 * the request's type (or XS_ERROR) and echoes its req_id and tx_id.
 * The numbering is fixed forever: a gap (old XS_RESTRICT) stays a gap.
 */
enum xsd_sockmsg_type
{
    XS_CONTROL = 0,
    XS_DIRECTORY = 1,
    XS_READ = 2,
    XS_GET_PERMS = 3,
    XS_WATCH = 4,
    XS_UNWATCH = 5,
    XS_TRANSACTION_START = 6,
    XS_TRANSACTION_END = 7,
    XS_INTRODUCE = 8,
    XS_RELEASE = 9,
    XS_GET_DOMAIN_PATH = 10,
    XS_WRITE = 11,
    XS_MKDIR = 12,
    XS_RM = 13,
    XS_SET_PERMS = 14,
    XS_WATCH_EVENT = 15,
    XS_ERROR = 16,
    XS_IS_DOMAIN_INTRODUCED = 17,
    XS_RESUME = 18,
    XS_SET_TARGET = 19,
    /* 20 was XS_RESTRICT; retired, never to be reused. */
    XS_RESET_WATCHES = XS_SET_TARGET + 2,
    XS_DIRECTORY_PART = 22,
    XS_TYPE_COUNT = 23,     /* one past the last valid type */
    XS_INVALID = 0xffff     /* will never name a valid type */
};

/* Old name of XS_CONTROL, still used by clients. */
#define XS_DEBUG XS_CONTROL

/* Legacy write-mode words understood by some daemons. */
#define XS_WRITE_NONE        "NONE"
#define XS_WRITE_CREATE      "CREATE"
#define XS_WRITE_CREATE_EXCL "CREATE|EXCL"

/*
 * An XS_ERROR reply's payload is the symbolic errno name as a string
 * ("EINVAL", ...), so that peers with different errno numbering agree.
 * The table maps names to the local errno values; it is only available
 * when <errno.h> (or an equivalent) has been included first.  Order is
 * part of the protocol's history: append only.
 */
struct xsd_errors
{
    int errnum;
    const char *errstring;
};

#ifdef EINVAL
#define XSD_ERROR(e) { e, #e }
static const struct xsd_errors xsd_errors[]
#if defined(__GNUC__)
    __attribute__((unused))
#endif
    = {
    XSD_ERROR(EINVAL),
    XSD_ERROR(EACCES),
    XSD_ERROR(EEXIST),
    XSD_ERROR(EISDIR),
    XSD_ERROR(ENOENT),
    XSD_ERROR(ENOMEM),
    XSD_ERROR(ENOSPC),
    XSD_ERROR(EIO),
    XSD_ERROR(ENOTEMPTY),
    XSD_ERROR(ENOSYS),
    XSD_ERROR(EROFS),
    XSD_ERROR(EBUSY),
    XSD_ERROR(EAGAIN),
    XSD_ERROR(EISCONN),
    XSD_ERROR(E2BIG),
    XSD_ERROR(EPERM),
};
#endif

/*
 * Message header.  The sender fills all four fields before the header is
 * placed in the ring; the receiver must not trust 'len' beyond
 * XENSTORE_PAYLOAD_MAX.
 */
struct xsd_sockmsg
{
    uint32_t type;      /* enum xsd_sockmsg_type */
    uint32_t req_id;    /* chosen by the requester, echoed in the reply */
    uint32_t tx_id;     /* transaction, or 0 for none */
    uint32_t len;       /* payload bytes following the header */
};

/* Payload layout of XS_WATCH_EVENT: the strings at these indexes. */
enum xs_watch_type
{
    XS_WATCH_PATH = 0,
    XS_WATCH_TOKEN = 1
};

/*
 * The shared page between a guest and xenstored.
 *
 * Two byte rings with free-running 32-bit indexes; an index is reduced to
 * a ring offset with MASK_XENSTORE_IDX().
 *  - req[]: guest writes data, then (write barrier) advances req_prod;
 *    the daemon reads data, then (barrier) advances req_cons.
 *  - rsp[]: the daemon writes data, then (write barrier) advances rsp_prod;
 *    the guest reads data, then (barrier) advances rsp_cons.
 * Each side notifies the other over the event channel after moving an
 * index.  server_features is written by the daemon only.  connection is
 * set to XENSTORE_RECONNECT by the guest (if the daemon advertises
 * XENSTORE_SERVER_FEATURE_RECONNECTION); the daemon resets the rings and
 * writes XENSTORE_CONNECTED back.  error is written by the daemon only.
 */
#define XENSTORE_RING_SIZE 1024
typedef uint32_t XENSTORE_RING_IDX;
#define MASK_XENSTORE_IDX(i) ((i) & (XENSTORE_RING_SIZE - 1))

struct xenstore_domain_interface
{
    char req[XENSTORE_RING_SIZE];
    char rsp[XENSTORE_RING_SIZE];
    XENSTORE_RING_IDX req_cons, req_prod;
    XENSTORE_RING_IDX rsp_cons, rsp_prod;
    uint32_t server_features;   /* XENSTORE_SERVER_FEATURE_* bits */
    uint32_t connection;        /* XENSTORE_CONNECTED / XENSTORE_RECONNECT */
    uint32_t error;             /* XENSTORE_ERROR_* */
};

/* Hard limit on a message payload; exceeding it breaks the connection. */
#define XENSTORE_PAYLOAD_MAX 4096

/* Path length limits; exceeding them only earns an error reply. */
#define XENSTORE_ABS_PATH_MAX 3072
#define XENSTORE_REL_PATH_MAX 2048

/* server_features bits. */
#define XENSTORE_SERVER_FEATURE_RECONNECTION 1  /* 'connection' is honoured */
#define XENSTORE_SERVER_FEATURE_ERROR        2  /* 'error' is maintained */

/* connection values. */
#define XENSTORE_CONNECTED 0
#define XENSTORE_RECONNECT 1

/* error values. */
#define XENSTORE_ERROR_NONE    0
#define XENSTORE_ERROR_COMM    1    /* communication failure */
#define XENSTORE_ERROR_RINGIDX 2    /* ring index out of range */
#define XENSTORE_ERROR_PROTO   3    /* protocol violation, e.g. oversize */

#endif /* __XEN_PUBLIC_IO_XS_WIRE_H__ */
