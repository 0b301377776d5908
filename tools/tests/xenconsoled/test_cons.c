/* SPDX-License-Identifier: GPL-2.0-only */
/* xenconsoled's console pump on fake rings: logs, pty, limits, bad guests. */
#include <fcntl.h>
#include <poll.h>
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

static unsigned int rotations;

/* What the daemon does on rotation: a fresh log (here the same pipe). */
static void count_rotation(void *opaque)
{
    (void)opaque;
    rotations++;
}

/*
 * A log that reaches its limit is handed to rotate() once per crossing,
 * with the count restarted; under the limit, or with none, it is not.
 */
static void t_log_rotation(void)
{
    char buf[64];

    rotations = 0;
    C.rotate = count_rotation;
    C.log_limit = 10;
    guest_out("0123456", 7);
    CHECK(cons_output(&C, 0) == 7 && rotations == 0 && C.log_written == 7);
    guest_out("789ab", 5);
    CHECK(cons_output(&C, 0) == 5 && rotations == 1 && C.log_written == 0);
    guest_out("cdefghijklmnopqrstuv", 20);
    CHECK(cons_output(&C, 0) == 20 && rotations == 2);
    CHECK(drain(logp[0], buf, sizeof(buf)) == 32);
    C.log_limit = 0;
    guest_out("wxyz0123456789", 14);
    CHECK(cons_output(&C, 0) == 14 && rotations == 2);
}

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    if ( !f || fputs(text, f) < 0 || fclose(f) )
        abort();
}

/* What path holds ("-" when it does not exist). */
static const char *file_text(const char *path)
{
    static char buf[64];
    FILE *f = fopen(path, "r");
    size_t n;

    if ( !f )
        return "-";
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* The files shift along, the oldest falls off, gaps are skipped. */
static void t_rotate_files(void)
{
    char dir[] = "/tmp/cons-rotate.XXXXXX", log[64], old[80];
    unsigned int i;

    CHECK(mkdtemp(dir));
    snprintf(log, sizeof(log), "%s/guest-x.log", dir);
    put_file(log, "new");
    snprintf(old, sizeof(old), "%s.1", log);
    put_file(old, "one");
    snprintf(old, sizeof(old), "%s.3", log);
    put_file(old, "three");
    CHECK(cons_rotate_files(log, 3) == 0);
    CHECK(!strcmp(file_text(log), "-"));
    snprintf(old, sizeof(old), "%s.1", log);
    CHECK(!strcmp(file_text(old), "new"));
    snprintf(old, sizeof(old), "%s.2", log);
    CHECK(!strcmp(file_text(old), "one"));
    /* .3 was the oldest kept: .2 (missing) did not replace it. */
    snprintf(old, sizeof(old), "%s.3", log);
    CHECK(!strcmp(file_text(old), "three"));
    put_file(log, "newer");
    CHECK(cons_rotate_files(log, 3) == 0);
    CHECK(!strcmp(file_text(old), "one"));
    snprintf(old, sizeof(old), "%s.4", log);
    CHECK(!strcmp(file_text(old), "-"));
    /* Keeping none removes the log; a missing one is no error. */
    put_file(log, "gone");
    CHECK(cons_rotate_files(log, 0) == 0);
    CHECK(!strcmp(file_text(log), "-"));
    CHECK(cons_rotate_files(log, 0) == 0);
    for ( i = 1; i <= 3; i++ )
    {
        snprintf(old, sizeof(old), "%s.%u", log, i);
        unlink(old);
    }
    CHECK(rmdir(dir) == 0);
}

/* A second guest: dom0 types on its pty while the first one floods. */
static struct xencons_interface ring2;
static struct cons C2;

/*
 * dom0's keystroke on guest 2's pty (the pipe kp), from its write to its
 * arrival on guest 2's ring, in ns (-1: it did not arrive), through one
 * round of xenconsoled's loop as it runs: the consoles whose event fired
 * are pumped (guest 1's: its output to its log and pty buffer), then the
 * ptys' input goes to their guests.
 */
static long keystroke(const int kp[2])
{
    struct pollfd p = { .fd = kp[0], .events = POLLIN };
    struct timespec ts;
    long t0 = now_ns(), t;
    char buf[64];
    ssize_t n = 0;

    if ( write(kp[1], "k", 1) != 1 )
        return -1;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    if ( cons_output(&C, (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000) >
         0 )
        cons_flush_pty(&C);
    if ( poll(&p, 1, 0) == 1 )
        n = read(kp[0], buf, sizeof(buf));
    if ( n != 1 || cons_input(&C2, buf, 1) != 1 )
        return -1;
    t = now_ns() - t0;
    ring2.in_cons = ring2.in_prod;      /* Guest 2 takes it. */
    return t;
}

#define FLOOD_ROUNDS 10
#define FLOOD_SAMPLES 200

/*
 * A guest that keeps its console ring full, with the daemon's default
 * rate (256 KiB/s, bursts of 64 KiB), a log file and a pty nobody reads,
 * cannot slow dom0's typing into another guest's console past twice its
 * latency beside an idle guest (issue #16): once its burst is spent the
 * bucket lets through a few bytes a round.  Idle and busy samples
 * alternate in rounds, so that a stall of the host weighs on both alike.
 */
static void t_flood_latency(void)
{
    static long idle[FLOOD_ROUNDS * FLOOD_SAMPLES];
    static long busy[FLOOD_ROUNDS * FLOOD_SAMPLES];
    char chunk[sizeof(ring.out)];
    FILE *log = tmpfile();
    unsigned int r, i, n = 0;
    int kp[2];
    long mi, mb;

    CHECK(log && !pipe2(kp, O_NONBLOCK));
    C.log_fd = fileno(log);
    memset(&ring2, 0, sizeof(ring2));
    cons_init(&C2, &ring2, kick, NULL, 0, 0, 0);
    memset(chunk, 'f', sizeof(chunk));
    for ( r = 0; r < FLOOD_ROUNDS; r++ )
    {
        for ( i = 0; i < FLOOD_SAMPLES; i++ )
            CHECK((idle[n + i] = keystroke(kp)) >= 0);
        for ( i = 0; i < FLOOD_SAMPLES; i++ )
        {
            guest_out(chunk, sizeof(chunk));
            CHECK((busy[n + i] = keystroke(kp)) >= 0);
        }
        CHECK(C.throttled);
        /* It stops; its ring empties before the next idle round. */
        ring.out_cons = ring.out_prod;
        n += FLOOD_SAMPLES;
    }
    /* Guest 1 had its burst at once, then was held to its rate. */
    CHECK(C.bytes >= 64 * 1024 && C.throttles >= 1);
    fclose(log);
    close(kp[0]);
    close(kp[1]);
    mi = median(idle, n);
    mb = median(busy, n);
    /* No absolute slack: both medians come from the same rounds. */
    if ( mb > 2 * mi )
        snprintf(why, sizeof(why), "dom0's median keystroke latency %ld ns "
                 "beside a flood, %ld ns beside an idle guest", mb, mi);
}

int main(void)
{
    run("cons_output_log_pty", t_output, 0, 0, 0xfffffff0u);
    run("cons_input_backpressure", t_input, 0, 0, 0xfffffc00u);
    run("cons_rate_limit", t_rate_limit, 4000, 1000, 0);
    run("cons_pty_overflow_keeps_newest", t_pty_overflow, 0, 0, 0);
    run("cons_bad_indexes", t_bad_indexes, 0, 0, 0);
    run("cons_log_rotation", t_log_rotation, 0, 0, 0);
    run("cons_rotate_files", t_rotate_files, 0, 0, 0);
    run("cons_flood_latency", t_flood_latency, 256 * 1024, 64 * 1024, 0);
    return nfail ? 1 : 0;
}
