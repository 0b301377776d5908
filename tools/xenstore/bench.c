/* SPDX-License-Identifier: GPL-2.0-only */
/* bench: xenstored throughput for common operations, 1..N client processes. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "xs_client.h"

static double seconds = 1.0;
static const char *sock;

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void must(int r, const char *what)
{
    if ( r )
    {
        fprintf(stderr, "bench: %s: %s\n", what, strerror(-r));
        exit(1);
    }
}

/* One client: set up, wait for the start signal, count operations. */
static unsigned long client(const char *test, int id, int go_fd)
{
    struct xsc *h = xsc_open(sock);
    char path[64], wpath[64], buf[1], *ev;
    const char *p, *t;
    unsigned long ops = 0;
    unsigned int n;
    double end;
    uint32_t tx;
    int r;

    if ( !h )
    {
        perror("bench: connect");
        exit(1);
    }
    snprintf(path, sizeof(path), "/bench/c%d/key", id);
    snprintf(wpath, sizeof(wpath), "/bench/w%d", id);
    must(xsc_write(h, 0, path, "value", 5), "setup write");
    if ( !strcmp(test, "watch") )
    {
        must(xsc_write(h, 0, wpath, "0", 1), "setup write");
        must(xsc_watch(h, wpath, "tok"), "watch");
        must(xsc_read_watch(h, &ev, &p, &t, -1), "initial event");
        free(ev);
    }
    /* Everyone starts together: the parent closes the pipe. */
    if ( read(go_fd, buf, 1) < 0 )
        exit(1);
    end = now() + seconds;
    while ( now() < end )
    {
        for ( int k = 0; k < 16; k++ )
        {
            if ( !strcmp(test, "read") )
            {
                char *v = xsc_read(h, 0, path, &n);

                if ( !v )
                    must(-errno, "read");
                free(v);
            }
            else if ( !strcmp(test, "write") )
                must(xsc_write(h, 0, path, "value", 5), "write");
            else if ( !strcmp(test, "directory") )
            {
                char **v = xsc_directory(h, 0, "/bench/dir", &n);

                if ( !v )
                    must(-errno, "directory");
                free(v);
            }
            else if ( !strcmp(test, "watch") )
            {
                /* A full round trip: write, then the event comes back. */
                must(xsc_write(h, 0, wpath, "1", 1), "write");
                must(xsc_read_watch(h, &ev, &p, &t, 10000), "event");
                free(ev);
            }
            else
            {
                must(xsc_transaction_start(h, &tx), "transaction start");
                free(xsc_read(h, tx, path, &n));
                must(xsc_write(h, tx, path, "value", 5), "write");
                r = xsc_transaction_end(h, tx, true);
                if ( r && r != -EAGAIN )
                    must(r, "commit");
                if ( r )
                    continue;
            }
            ops++;
        }
    }
    xsc_close(h);
    return ops;
}

static double run(const char *test, int nclients)
{
    int go[2], res[2], i;
    unsigned long total = 0, v;
    FILE *f;

    if ( pipe(go) || pipe(res) )
        exit(1);
    for ( i = 0; i < nclients; i++ )
    {
        if ( fork() == 0 )
        {
            close(go[1]);
            close(res[0]);
            v = client(test, i, go[0]);
            dprintf(res[1], "%lu\n", v);
            _exit(0);
        }
    }
    close(go[0]);
    close(res[1]);
    usleep(200000);     /* Let every client finish its setup. */
    close(go[1]);
    f = fdopen(res[0], "r");
    while ( fscanf(f, "%lu", &v) == 1 )
        total += v;
    fclose(f);
    while ( wait(NULL) > 0 )
        ;
    return (double)total / seconds;
}

int main(int argc, char **argv)
{
    static const char *const tests[] = { "read", "write", "directory",
                                         "watch", "transaction" };
    int counts[8] = { 1, 16 }, ncounts = 2, opt;
    const char *label = "xenstored";
    struct xsc *h;
    unsigned int i;
    int c;

    while ( (opt = getopt(argc, argv, "s:t:l:")) != -1 )
    {
        switch ( opt )
        {
        case 's': sock = optarg; break;
        case 't': seconds = atof(optarg); break;
        case 'l': label = optarg; break;
        default:
            fprintf(stderr, "usage: bench [-s SOCKET] [-t SECONDS] "
                            "[-l LABEL]\n");
            return 2;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    h = xsc_open(sock);
    if ( !h )
    {
        perror("bench: connect");
        return 1;
    }
    /* A directory of 32 children to list. */
    for ( i = 0; i < 32; i++ )
    {
        char p[64];

        snprintf(p, sizeof(p), "/bench/dir/entry%u", i);
        must(xsc_write(h, 0, p, "x", 1), "setup");
    }
    printf("%-12s %-12s %8s %12s\n", "server", "operation", "clients",
           "ops/s");
    for ( i = 0; i < sizeof(tests) / sizeof(tests[0]); i++ )
        for ( c = 0; c < ncounts; c++ )
        {
            printf("%-12s %-12s %8d %12.0f\n", label, tests[i], counts[c],
                   run(tests[i], counts[c]));
            fflush(stdout);
        }
    xsc_rm(h, 0, "/bench");
    xsc_close(h);
    return 0;
}
