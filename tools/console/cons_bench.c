/* SPDX-License-Identifier: GPL-2.0-only */
/* cons-bench: xenconsoled's console pump throughput on an in-memory ring. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cons.h"

/*
 * The guest side fills the output ring, the daemon side empties it into a
 * log file (and the pty buffer, a pipe nobody reads), in turns, for the
 * given seconds: the daemon's own cost per byte, with no hypervisor (no
 * event channel round trip) and the rate limit off.
 */

static void nop(void *opaque)
{
    (void)opaque;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    static struct xencons_interface ring;
    double secs = argc > 1 ? atof(argv[1]) : 1.0, t0, end;
    const char *log = argc > 2 ? argv[2] : "/dev/null";
    struct cons c;
    unsigned long long total = 0;
    char line[80];
    int pty[2];
    long n;
    size_t i;

    memset(line, 'x', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\n';
    if ( pipe2(pty, O_NONBLOCK) )
        return 1;
    cons_init(&c, &ring, nop, NULL, 0, 0, 0);
    c.log_fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    c.pty_fd = pty[1];
    if ( c.log_fd < 0 )
        return 1;
    t0 = now();
    end = t0 + secs;
    while ( now() < end )
    {
        for ( i = 0; ring.out_prod - ring.out_cons < sizeof(ring.out); i++ )
        {
            ring.out[MASK_XENCONS_IDX(ring.out_prod, ring.out)] =
                line[i % sizeof(line)];
            ring.out_prod++;
        }
        n = cons_output(&c, 0);
        if ( n <= 0 )
            return 1;
        total += (unsigned long long)n;
        cons_flush_pty(&c);
    }
    printf("console pump: %.1f MB/s (%llu bytes in %.2f s, log %s)\n",
           (double)total / (now() - t0) / 1e6, total, now() - t0, log);
    close(c.log_fd);
    return 0;
}
