/* SPDX-License-Identifier: GPL-2.0-only */
/* Process creation and page-fault loops timed in a Linux dom0 (fork.py). */
/*
 * Built static on the host and put into dom0's initramfs, so the loop
 * itself adds no dynamic loading.  Each mode prints one line
 *     hv-bench: <name> <microseconds per iteration>
 * Modes:
 *   spawn NAME N PROG ARG...  fork, execv(PROG, ARG...), wait; N times
 *   fork NAME N MB            fork of a process with MB MiB touched, the
 *                             child exits at once, wait; N times
 *   fault NAME N MB           mmap MB MiB anonymous, write one byte a
 *                             page, munmap; N times (per page, not per
 *                             round)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL

static double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void die(const char *what)
{
    perror(what);
    exit(1);
}

/* Waits for pid; a child that did not exit 0 makes the figure wrong. */
static void reap(pid_t pid)
{
    int status;

    if ( waitpid(pid, &status, 0) != pid )
        die("waitpid");
    if ( !WIFEXITED(status) || WEXITSTATUS(status) )
    {
        fprintf(stderr, "forkloop: child status %#x\n", status);
        exit(1);
    }
}

static char *touch(unsigned long bytes)
{
    char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if ( p == MAP_FAILED )
        die("mmap");
    for ( unsigned long off = 0; off < bytes; off += PAGE )
        p[off] = 1;
    return p;
}

int main(int argc, char **argv)
{
    unsigned long n, mb, per = 1;
    double t0, t;

    if ( argc < 5 )
    {
        fprintf(stderr, "usage: forkloop spawn|fork|fault NAME N ARG...\n");
        return 2;
    }
    n = strtoul(argv[3], NULL, 0);
    mb = strtoul(argv[4], NULL, 0);
    if ( !n )
        return 2;
    t0 = now_us();
    if ( !strcmp(argv[1], "spawn") )
    {
        for ( unsigned long i = 0; i < n; i++ )
        {
            pid_t pid = fork();

            if ( pid < 0 )
                die("fork");
            if ( !pid )
            {
                execv(argv[4], argv + 5);
                _exit(127);
            }
            reap(pid);
        }
    }
    else if ( !strcmp(argv[1], "fork") )
    {
        /* The parent's touched memory is what fork copies the tables of. */
        touch(mb << 20);
        t0 = now_us();
        for ( unsigned long i = 0; i < n; i++ )
        {
            pid_t pid = fork();

            if ( pid < 0 )
                die("fork");
            if ( !pid )
                _exit(0);
            reap(pid);
        }
    }
    else if ( !strcmp(argv[1], "fault") )
    {
        for ( unsigned long i = 0; i < n; i++ )
            munmap(touch(mb << 20), mb << 20);
        per = (mb << 20) / PAGE;
    }
    else
        return 2;
    t = now_us() - t0;
    printf("hv-bench: %s %.2f\n", argv[2], t / (double)(n * per));
    return 0;
}
