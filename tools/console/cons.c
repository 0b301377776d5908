/* SPDX-License-Identifier: GPL-2.0-only */
/* xenconsoled's per-guest console: ring pumping, buffering, rate limit. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cons.h"

/*
 * The page is the guest's: indexes are read once, checked, and data is
 * copied out before the consumer index moves.  A guest whose indexes are
 * further apart than the ring is long has broken the protocol and is no
 * longer served (its log says so).
 */

static uint32_t load(const XENCONS_RING_IDX *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store(XENCONS_RING_IDX *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

void cons_init(struct cons *c, struct xencons_interface *intf,
               void (*notify)(void *opaque), void *opaque, uint64_t rate,
               uint64_t burst, uint64_t now_ms)
{
    memset(c, 0, sizeof(*c));
    c->intf = intf;
    c->notify = notify;
    c->opaque = opaque;
    c->log_fd = c->pty_fd = -1;
    c->rate = rate;
    c->burst = burst;
    c->tokens = burst;
    c->last_ms = now_ms;
}

static void refill(struct cons *c, uint64_t now_ms)
{
    uint64_t add;

    if ( !c->rate || now_ms <= c->last_ms )
        return;
    add = (now_ms - c->last_ms) * c->rate / 1000;
    if ( !add )
        return;
    c->tokens = c->tokens + add > c->burst ? c->burst : c->tokens + add;
    c->last_ms = now_ms;
}

static void write_all(int fd, const char *p, size_t len)
{
    ssize_t n;

    while ( fd >= 0 && len )
    {
        n = write(fd, p, len);
        if ( n < 0 && errno == EINTR )
            continue;
        if ( n <= 0 )
            return;     /* A full disk must not stop the console. */
        p += n;
        len -= (size_t)n;
    }
}

static void to_pty(struct cons *c, const char *p, size_t len)
{
    size_t drop;

    if ( c->pty_fd < 0 )
        return;
    if ( len >= CONS_PTY_BUF )
    {
        c->dropped += c->pty_len + len - CONS_PTY_BUF;
        p += len - CONS_PTY_BUF;
        len = CONS_PTY_BUF;
        c->pty_len = 0;
    }
    if ( c->pty_len + len > CONS_PTY_BUF )
    {
        /* Nobody reads the pty: keep the newest output, as a terminal
         * that scrolled would. */
        drop = c->pty_len + len - CONS_PTY_BUF;
        memmove(c->pty_buf, c->pty_buf + drop, c->pty_len - drop);
        c->pty_len -= drop;
        c->dropped += drop;
    }
    memcpy(c->pty_buf + c->pty_len, p, len);
    c->pty_len += len;
}

bool cons_pending(const struct cons *c)
{
    return !c->broken && load(&c->intf->out_prod) != c->intf->out_cons;
}

long cons_output(struct cons *c, uint64_t now_ms)
{
    char buf[sizeof(c->intf->out)];
    uint32_t cons, prod, avail, i;

    if ( c->broken )
        return -1;
    cons = load(&c->intf->out_cons);
    prod = load(&c->intf->out_prod);
    avail = prod - cons;
    if ( avail > sizeof(c->intf->out) )
    {
        c->broken = true;
        return -1;
    }
    refill(c, now_ms);
    if ( c->rate && avail > c->tokens )
    {
        avail = (uint32_t)c->tokens;
        if ( !c->throttled )
            c->throttles++;
        c->throttled = true;
    }
    else
        c->throttled = false;
    if ( !avail )
        return 0;
    for ( i = 0; i < avail; i++ )
        buf[i] = c->intf->out[MASK_XENCONS_IDX(cons + i, c->intf->out)];
    store(&c->intf->out_cons, cons + avail);
    if ( c->rate )
        c->tokens -= avail;
    c->bytes += avail;
    write_all(c->log_fd, buf, avail);
    c->log_written += avail;
    if ( c->log_limit && c->log_written >= c->log_limit && c->rotate )
    {
        c->log_written = 0;
        c->rotate(c->opaque);
    }
    to_pty(c, buf, avail);
    c->notify(c->opaque);
    return (long)avail;
}

int cons_rotate_files(const char *path, unsigned int keep)
{
    char src[4096], dst[4096];

    if ( !keep )
        return unlink(path) && errno != ENOENT ? -1 : 0;
    for ( unsigned int i = keep; i >= 1; i-- )
    {
        if ( i == 1 )
            snprintf(src, sizeof(src), "%s", path);
        else
            snprintf(src, sizeof(src), "%s.%u", path, i - 1);
        snprintf(dst, sizeof(dst), "%s.%u", path, i);
        if ( rename(src, dst) && errno != ENOENT )
            return -1;
    }
    return 0;
}

void cons_flush_pty(struct cons *c)
{
    ssize_t n;

    if ( c->pty_fd < 0 || !c->pty_len )
        return;
    n = write(c->pty_fd, c->pty_buf, c->pty_len);
    if ( n <= 0 )
        return;
    memmove(c->pty_buf, c->pty_buf + n, c->pty_len - (size_t)n);
    c->pty_len -= (size_t)n;
}

size_t cons_input_space(struct cons *c)
{
    uint32_t used;

    if ( c->broken )
        return 0;
    used = load(&c->intf->in_prod) - load(&c->intf->in_cons);
    if ( used > sizeof(c->intf->in) )
    {
        c->broken = true;
        return 0;
    }
    return sizeof(c->intf->in) - used;
}

size_t cons_input(struct cons *c, const char *data, size_t len)
{
    size_t space = cons_input_space(c), i;
    uint32_t prod = c->intf->in_prod;

    if ( len > space )
        len = space;
    for ( i = 0; i < len; i++ )
        c->intf->in[MASK_XENCONS_IDX(prod + i, c->intf->in)] = data[i];
    if ( len )
    {
        store(&c->intf->in_prod, prod + (uint32_t)len);
        c->notify(c->opaque);
    }
    return len;
}
