/* SPDX-License-Identifier: GPL-2.0-only */
/* xenconsoled's console pump on fake rings: logs, pty, limits, bad guests. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cons.h"

static unsigned int kicks;

static struct xencons_interface ring;
static struct cons C;
static int logp[2], ptyp[2];

static void kick(void *opaque)
{
    (void)opaque;
    kicks++;
}

/* The guest writes len bytes of output (as much as fits). */
static size_t guest_out(const char *s, size_t len)
{
    size_t i;

    for ( i = 0; i < len && ring.out_prod - ring.out_cons < sizeof(ring.out);
          i++ )
    {
        ring.out[MASK_XENCONS_IDX(ring.out_prod, ring.out)] = s[i];
        ring.out_prod++;
    }
    return i;
}

static size_t drain(int fd, char *buf, size_t max)
{
    ssize_t n;
    size_t got = 0;

    while ( got < max && (n = read(fd, buf + got, max - got)) > 0 )
        got += (size_t)n;
    return got;
}

static void setup(uint64_t rate, uint64_t burst, uint32_t start)
{
    memset(&ring, 0, sizeof(ring));
    ring.out_prod = ring.out_cons = ring.in_prod = ring.in_cons = start;
    kicks = 0;
    cons_init(&C, &ring, kick, NULL, rate, burst, 0);
    if ( pipe2(logp, O_NONBLOCK) || pipe2(ptyp, O_NONBLOCK) )
        abort();
    C.log_fd = logp[1];
    C.pty_fd = ptyp[1];
}

static void teardown(void)
{
    close(logp[0]);
    close(logp[1]);
    close(ptyp[0]);
    close(ptyp[1]);
}

static void run(const char *name, void (*fn)(void), uint64_t rate,
                uint64_t burst, uint32_t start)
{
    why[0] = '\0';
    setup(rate, burst, start);
    fn();
    teardown();
    report(name);
}

/* Output reaches the log and the pty, across the index wrap. */
static void t_output(void)
{
    char buf[8192];
    int i;

    for ( i = 0; i < 10; i++ )
    {
        CHECK(guest_out("hello, console\n", 15) == 15);
        CHECK(cons_output(&C, 0) == 15);
        cons_flush_pty(&C);
    }
    CHECK(ring.out_cons == ring.out_prod && kicks == 10);
    CHECK(drain(logp[0], buf, sizeof(buf)) == 150);
    CHECK(!memcmp(buf + 135, "hello, console\n", 15));
    CHECK(drain(ptyp[0], buf, sizeof(buf)) == 150);
    CHECK(cons_output(&C, 0) == 0 && kicks == 10);
}

/* Input goes to the in ring, no more than it holds. */
static void t_input(void)
{
    char big[3000];

    memset(big, 'k', sizeof(big));
    CHECK(cons_input_space(&C) == sizeof(ring.in));
    CHECK(cons_input(&C, big, sizeof(big)) == sizeof(ring.in));
    CHECK(cons_input_space(&C) == 0);
    CHECK(cons_input(&C, "x", 1) == 0);
    ring.in_cons += 10;
    CHECK(cons_input(&C, "0123456789abc", 13) == 10);
    CHECK(ring.in[MASK_XENCONS_IDX(ring.in_prod - 1, ring.in)] == '9');
}

/* A flood is cut to the rate; the log keeps what was taken, in order. */
static void t_rate_limit(void)
{
    char chunk[2048], buf[65536];
    uint64_t t = 0;
    size_t total = 0;
    long n;

    memset(chunk, 'f', sizeof(chunk));
    guest_out(chunk, sizeof(chunk));
    CHECK(cons_output(&C, t) == 1000);       /* The burst. */
    CHECK(C.throttled && C.throttles == 1);
    CHECK(cons_output(&C, t) == 0);
    /* One second later, 4000 bytes more may pass (rate 4000/s). */
    for ( t = 0; t <= 1000; t += 10 )
    {
        guest_out(chunk, sizeof(chunk));
        n = cons_output(&C, t);
        CHECK(n >= 0);
        total += (size_t)n;
    }
    CHECK(total >= 3900 && total <= 4000);
    CHECK(drain(logp[0], buf, sizeof(buf)) == total + 1000);
    /* Idle: the bucket refills to the burst, not beyond. */
    while ( cons_output(&C, t) > 0 )
        ;
    t += 100000;
    CHECK(cons_output(&C, t) == 1000);
}

/* Nobody reads the pty: the newest output is kept, the log has it all. */
static void t_pty_overflow(void)
{
    char chunk[1000], buf[65536];
    FILE *log = tmpfile();
    size_t i;

    CHECK(log);
    C.log_fd = fileno(log);
    for ( i = 0; i < 100; i++ )
    {
        memset(chunk, (int)('a' + i % 26), sizeof(chunk));
        guest_out(chunk, sizeof(chunk));
        CHECK(cons_output(&C, 0) == 1000);
    }
    CHECK(C.pty_len == CONS_PTY_BUF && C.dropped == 100000 - CONS_PTY_BUF);
    CHECK(C.pty_buf[CONS_PTY_BUF - 1] == (char)('a' + 99 % 26));
    CHECK(lseek(C.log_fd, 0, SEEK_END) == 100000);
    fclose(log);
    cons_flush_pty(&C);
    CHECK(C.pty_len == 0);
    CHECK(drain(ptyp[0], buf, sizeof(buf)) == CONS_PTY_BUF);
}

/* Hostile indexes: the console is abandoned, nothing read out of bounds. */
static void t_bad_indexes(void)
{
    ring.out_prod = ring.out_cons + sizeof(ring.out) + 1;
    CHECK(cons_output(&C, 0) == -1 && C.broken);
    CHECK(!cons_pending(&C));
    CHECK(cons_input_space(&C) == 0);
    setup(0, 0, 7);
    ring.in_prod = ring.in_cons - 1;    /* "used" is 2^32 - 1 */
    CHECK(cons_input_space(&C) == 0 && C.broken);
    CHECK(cons_input(&C, "x", 1) == 0);
    teardown();
    setup(0, 0, 7);
    /* Exactly full is fine. */
    ring.out_prod = ring.out_cons + sizeof(ring.out);
    CHECK(cons_output(&C, 0) == (long)sizeof(ring.out) && !C.broken);
}

int main(void)
{
    run("cons_output_log_pty", t_output, 0, 0, 0xfffffff0u);
    run("cons_input_backpressure", t_input, 0, 0, 0xfffffc00u);
    run("cons_rate_limit", t_rate_limit, 4000, 1000, 0);
    run("cons_pty_overflow_keeps_newest", t_pty_overflow, 0, 0, 0);
    run("cons_bad_indexes", t_bad_indexes, 0, 0, 0);
    return nfail ? 1 : 0;
}
