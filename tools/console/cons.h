/* SPDX-License-Identifier: GPL-2.0-only */
/* xenconsoled's per-guest console: ring pumping, buffering, rate limit. */
#ifndef CONS_H
#define CONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/io/console.h>

/* What waits for the pty reader; beyond it the oldest bytes are dropped. */
#define CONS_PTY_BUF 16384

struct cons
{
    struct xencons_interface *intf;
    void (*notify)(void *opaque);   /* Kicks the guest's event channel. */
    void *opaque;
    int log_fd, pty_fd;             /* -1 when not in use. */
    /*
     * Size-based log rotation: once log_written reaches log_limit (0:
     * never), it is reset and rotate(opaque) is called, which is to
     * put a fresh file in log_fd.
     */
    uint64_t log_written, log_limit;
    void (*rotate)(void *opaque);

    /* Guest output not yet taken by the pty reader. */
    char pty_buf[CONS_PTY_BUF];
    size_t pty_len;

    /* Token bucket: bytes the guest may send, refilled at rate/s. */
    uint64_t rate, burst, tokens, last_ms;
    bool throttled;                 /* Stopped reading: out of tokens. */
    bool broken;                    /* The guest corrupted its indexes. */
    uint64_t bytes, dropped, throttles;
};

void cons_init(struct cons *c, struct xencons_interface *intf,
               void (*notify)(void *opaque), void *opaque, uint64_t rate,
               uint64_t burst, uint64_t now_ms);
/*
 * Moves guest output to the log and the pty buffer, as far as the rate
 * allows.  Returns the bytes taken, or -1 when the ring is corrupt (the
 * console is then left alone: broken is set).
 */
long cons_output(struct cons *c, uint64_t now_ms);
/* Writes what the pty will take now, without blocking. */
void cons_flush_pty(struct cons *c);
/* Bytes free in the guest's input ring (0 when corrupt). */
size_t cons_input_space(struct cons *c);
/* Puts at most cons_input_space() bytes of input; returns how many. */
size_t cons_input(struct cons *c, const char *data, size_t len);
/* Whether unread output is waiting in the ring. */
bool cons_pending(const struct cons *c);
/*
 * Shifts path.1 .. path.(keep-1) to path.2 .. path.keep (the oldest
 * falls off) and path to path.1; keep 0 removes path.  Files missing
 * along the way are skipped.  Returns 0, or -1 with errno set.
 */
int cons_rotate_files(const char *path, unsigned int keep);

#endif /* CONS_H */
