/* SPDX-License-Identifier: GPL-2.0-only */
/* Client library for xenstored over its unix socket (libxenstore's role). */
#ifndef XS_CLIENT_H
#define XS_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "xs_lib.h"

/*
 * One handle is one connection; calls are synchronous and the handle is
 * not thread-safe.  Watch events that arrive while waiting for a reply are
 * queued and handed out by xsc_read_watch().
 *
 * Functions returning int give 0 on success or a negative errno (the
 * daemon's ERROR reply decoded, or a local failure).  Functions returning
 * pointers give NULL and set errno; free the result with free().
 */
struct xsc;

#define XSC_DEFAULT_SOCKET "/var/run/xenstored/socket"

/*
 * path NULL: $XENSTORED_PATH, else XSC_DEFAULT_SOCKET.  A character
 * device (a guest's /dev/xen/xenbus) is opened rather than connected to.
 */
struct xsc *xsc_open(const char *path);
void xsc_close(struct xsc *h);
int xsc_fileno(const struct xsc *h);

/* Any request: payload in, reply payload out (nul-terminated for ease). */
int xsc_request(struct xsc *h, uint32_t type, uint32_t tx, const void *data,
                unsigned int len, char **reply, unsigned int *rlen);

char *xsc_read(struct xsc *h, uint32_t tx, const char *path,
               unsigned int *len);
int xsc_write(struct xsc *h, uint32_t tx, const char *path, const void *val,
              unsigned int len);
int xsc_mkdir(struct xsc *h, uint32_t tx, const char *path);
int xsc_rm(struct xsc *h, uint32_t tx, const char *path);
/*
 * Array of num names in one allocation; uses DIRECTORY_PART if needed, and
 * gives up with EAGAIN if the directory changed under it 100 times running.
 */
char **xsc_directory(struct xsc *h, uint32_t tx, const char *path,
                     unsigned int *num);
int xsc_get_perms(struct xsc *h, uint32_t tx, const char *path,
                  struct xs_perm **perms, unsigned int *num);
int xsc_set_perms(struct xsc *h, uint32_t tx, const char *path,
                  const struct xs_perm *perms, unsigned int num);

int xsc_watch(struct xsc *h, const char *path, const char *token);
int xsc_unwatch(struct xsc *h, const char *path, const char *token);
/*
 * Next watch event: *path and *token point into one allocation returned in
 * *buf.  timeout_ms < 0 waits forever; -ETIMEDOUT when nothing came.
 */
int xsc_read_watch(struct xsc *h, char **buf, const char **path,
                   const char **token, int timeout_ms);
bool xsc_event_pending(const struct xsc *h);

int xsc_transaction_start(struct xsc *h, uint32_t *tx);
int xsc_transaction_end(struct xsc *h, uint32_t tx, bool commit);

int xsc_introduce(struct xsc *h, uint32_t domid, unsigned long mfn,
                  uint32_t port);
int xsc_release(struct xsc *h, uint32_t domid);
int xsc_is_introduced(struct xsc *h, uint32_t domid, bool *yes);
char *xsc_get_domain_path(struct xsc *h, uint32_t domid);
int xsc_set_target(struct xsc *h, uint32_t domid, uint32_t target);
int xsc_reset_watches(struct xsc *h);
/* args: nul-separated strings, alen bytes in all. */
char *xsc_control(struct xsc *h, const char *args, unsigned int alen);

#endif /* XS_CLIENT_H */
