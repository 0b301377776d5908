/* SPDX-License-Identifier: GPL-2.0-only */
/* "make bench": decoder throughput, optimised and without sanitizers. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <xen/decompress.h>

void *_xmalloc(size_t size, size_t align);
void xfree(void *p);
void printk(const char *fmt, ...);

void *_xmalloc(size_t size, size_t align)
{
    return malloc(size);
}

void xfree(void *p)
{
    free(p);
}

void printk(const char *fmt, ...)
{
}

/*
 * Each argument is a gzip or xz file; prints MB/s of output per CPU
 * second, which a busy build machine distorts less than wall time.
 */
int main(int argc, char **argv)
{
    for ( int i = 1; i < argc; i++ )
    {
        FILE *f = fopen(argv[i], "rb");
        size_t in_len, size, len;
        struct timespec t0, t1;
        unsigned char *in, *out;
        double best = 1e9;

        if ( !f )
            return 1;
        fseek(f, 0, SEEK_END);
        in_len = ftell(f);
        rewind(f);
        in = malloc(in_len);
        if ( fread(in, 1, in_len, f) != in_len ||
             decompressed_size(in, in_len, &size) )
            return 1;
        fclose(f);
        out = malloc(size);
        for ( int r = 0; r < 3; r++ )
        {
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
            if ( decompress(in, in_len, out, size, &len) )
                return 1;
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
            if ( t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9 <
                 best )
                best = t1.tv_sec - t0.tv_sec +
                       (t1.tv_nsec - t0.tv_nsec) / 1e9;
        }
        printf("%s: %zu -> %zu bytes, %.3f s, %.1f MB/s\n", argv[i], in_len,
               len, best, len / best / 1e6);
        free(in);
        free(out);
    }
    return 0;
}
