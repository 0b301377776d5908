/* SPDX-License-Identifier: GPL-2.0-only */
/* xs-tool: multi-call command-line client (xs-read, xs-write, xs-ls, ...). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xs_client.h"

static const char *prog;

static void die(const char *what, int err)
{
    fprintf(stderr, "%s: %s: %s\n", prog, what,
            strerror(err < 0 ? -err : err));
    exit(1);
}

static int usage(void)
{
    fprintf(stderr,
"usage: xs-tool [-s SOCKET] COMMAND ARGS...  (or xs-COMMAND ARGS...)\n"
"  read PATH...            print values\n"
"  write PATH VALUE...     set values (pairs)\n"
"  mkdir PATH...           create empty nodes\n"
"  rm PATH...              remove subtrees\n"
"  exists PATH...          exit 0 if all exist, 1 otherwise\n"
"  list PATH               print the children of PATH\n"
"  ls [-f] [-p] [PATH...]  print the trees below PATHs (default /)\n"
"  chmod [-r] PATH PERM... set permissions (e.g. n0 r5 b7)\n"
"  watch [-n N] PATH...    print paths as watch events arrive\n"
"  control CMD [ARG...]    send a CONTROL request\n"
"SOCKET defaults to $XENSTORED_PATH, then " XSC_DEFAULT_SOCKET ".\n");
    return 2;
}

static void print_escaped(const char *v, unsigned int len)
{
    unsigned int i;

    for ( i = 0; i < len; i++ )
    {
        unsigned char ch = (unsigned char)v[i];

        if ( ch == '\\' || ch == '"' )
            printf("\\%c", ch);
        else if ( ch >= 0x20 && ch < 0x7f )
            putchar(ch);
        else
            printf("\\x%02x", ch);
    }
}

static void ls_rec(struct xsc *h, const char *path, int depth, bool full,
                   bool perms)
{
    unsigned int n, i, vlen, np, j;
    char **kids = xsc_directory(h, 0, path, &n);

    if ( !kids )
        die(path, errno);
    for ( i = 0; i < n; i++ )
    {
        size_t len = strlen(path) + strlen(kids[i]) + 2;
        char *cp = malloc(len), *val;
        struct xs_perm *p;

        snprintf(cp, len, "%s/%s", strcmp(path, "/") ? path : "", kids[i]);
        val = xsc_read(h, 0, cp, &vlen);
        if ( full )
            printf("%s = \"", cp);
        else
            printf("%*s%s = \"", depth, "", kids[i]);
        if ( val )
            print_escaped(val, vlen);
        printf("\"");
        if ( perms && !xsc_get_perms(h, 0, cp, &p, &np) )
        {
            char b[XS_PERM_STRLEN];

            printf("  (");
            for ( j = 0; j < np; j++ )
            {
                xs_perm_format(&p[j], b);
                printf("%s%s", j ? "," : "", b);
            }
            printf(")");
            free(p);
        }
        printf("\n");
        free(val);
        ls_rec(h, cp, depth + 1, full, perms);
        free(cp);
    }
    free(kids);
}

static int chmod_rec(struct xsc *h, const char *path, struct xs_perm *p,
                     unsigned int np, bool rec)
{
    unsigned int n, i;
    char **kids;
    int r = xsc_set_perms(h, 0, path, p, np);

    if ( r || !rec )
        return r;
    if ( !(kids = xsc_directory(h, 0, path, &n)) )
        return -errno;
    for ( i = 0; i < n && !r; i++ )
    {
        size_t len = strlen(path) + strlen(kids[i]) + 2;
        char *cp = malloc(len);

        snprintf(cp, len, "%s/%s", strcmp(path, "/") ? path : "", kids[i]);
        r = chmod_rec(h, cp, p, np, rec);
        free(cp);
    }
    free(kids);
    return r;
}

int main(int argc, char **argv)
{
    const char *sock = NULL, *base = strrchr(argv[0], '/');
    const char *cmd;
    struct xsc *h;
    int i, r, ret = 0;

    base = base ? base + 1 : argv[0];
    prog = base;
    argv++;
    argc--;
    if ( !strncmp(base, "xs-", 3) && strcmp(base, "xs-tool") )
        cmd = base + 3;
    else
        cmd = NULL;
    while ( argc >= 2 && !strcmp(argv[0], "-s") )
    {
        sock = argv[1];
        argv += 2;
        argc -= 2;
    }
    if ( !cmd )
    {
        if ( argc < 1 )
            return usage();
        cmd = argv[0];
        argv++;
        argc--;
    }
    while ( argc >= 2 && !strcmp(argv[0], "-s") )
    {
        sock = argv[1];
        argv += 2;
        argc -= 2;
    }
    if ( !strcmp(cmd, "help") || (argc >= 1 && !strcmp(argv[0], "-h")) )
        return usage();
    h = xsc_open(sock);
    if ( !h )
        die("cannot connect to xenstored", errno);

    if ( !strcmp(cmd, "read") && argc >= 1 )
    {
        for ( i = 0; i < argc; i++ )
        {
            unsigned int len;
            char *v = xsc_read(h, 0, argv[i], &len);

            if ( !v )
                die(argv[i], errno);
            fwrite(v, 1, len, stdout);
            putchar('\n');
            free(v);
        }
    }
    else if ( !strcmp(cmd, "write") && argc >= 2 && argc % 2 == 0 )
    {
        for ( i = 0; i < argc; i += 2 )
            if ( (r = xsc_write(h, 0, argv[i], argv[i + 1],
                                (unsigned int)strlen(argv[i + 1]))) )
                die(argv[i], r);
    }
    else if ( !strcmp(cmd, "mkdir") && argc >= 1 )
    {
        for ( i = 0; i < argc; i++ )
            if ( (r = xsc_mkdir(h, 0, argv[i])) )
                die(argv[i], r);
    }
    else if ( !strcmp(cmd, "rm") && argc >= 1 )
    {
        for ( i = 0; i < argc; i++ )
            if ( (r = xsc_rm(h, 0, argv[i])) )
                die(argv[i], r);
    }
    else if ( !strcmp(cmd, "exists") && argc >= 1 )
    {
        for ( i = 0; i < argc; i++ )
        {
            char *v = xsc_read(h, 0, argv[i], NULL);

            if ( !v )
                ret = 1;
            free(v);
        }
    }
    else if ( !strcmp(cmd, "list") && argc == 1 )
    {
        unsigned int n, k;
        char **kids = xsc_directory(h, 0, argv[0], &n);

        if ( !kids )
            die(argv[0], errno);
        for ( k = 0; k < n; k++ )
            printf("%s\n", kids[k]);
        free(kids);
    }
    else if ( !strcmp(cmd, "ls") )
    {
        bool full = false, perms = false;

        while ( argc && argv[0][0] == '-' )
        {
            if ( !strcmp(argv[0], "-f") )
                full = true;
            else if ( !strcmp(argv[0], "-p") )
                perms = true;
            else
            {
                xsc_close(h);
                return usage();
            }
            argv++;
            argc--;
        }
        /* Several paths are listed in turn, as xenstore-ls does. */
        if ( !argc )
            ls_rec(h, "/", 0, full, perms);
        for ( i = 0; i < argc; i++ )
            ls_rec(h, argv[i], 0, full, perms);
    }
    else if ( !strcmp(cmd, "chmod") && argc >= 2 )
    {
        bool rec = false;
        struct xs_perm *p;

        if ( !strcmp(argv[0], "-r") )
        {
            rec = true;
            argv++;
            argc--;
        }
        if ( argc < 2 )
        {
            xsc_close(h);
            return usage();
        }
        p = calloc((size_t)argc, sizeof(*p));
        for ( i = 1; i < argc; i++ )
            if ( !xs_perm_parse(argv[i], &p[i - 1]) )
            {
                fprintf(stderr, "%s: bad permission %s\n", prog, argv[i]);
                free(p);
                xsc_close(h);
                return 2;
            }
        if ( (r = chmod_rec(h, argv[0], p, (unsigned int)argc - 1, rec)) )
            die(argv[0], r);
        free(p);
    }
    else if ( !strcmp(cmd, "watch") && argc >= 1 )
    {
        long count = -1;
        char *buf;
        const char *path, *token;

        if ( argc >= 3 && !strcmp(argv[0], "-n") )
        {
            count = atol(argv[1]);
            argv += 2;
            argc -= 2;
        }
        for ( i = 0; i < argc; i++ )
            if ( (r = xsc_watch(h, argv[i], argv[i])) )
                die(argv[i], r);
        while ( count < 0 || count-- > 0 )
        {
            if ( (r = xsc_read_watch(h, &buf, &path, &token, -1)) )
                die("watch", r);
            printf("%s\n", path);
            fflush(stdout);
            free(buf);
        }
    }
    else if ( !strcmp(cmd, "control") && argc >= 1 )
    {
        size_t len = 0, l;
        char *args = NULL, *reply;

        for ( i = 0; i < argc; i++ )
        {
            char *grown;

            l = strlen(argv[i]) + 1;
            grown = realloc(args, len + l);
            if ( !grown )
                die("control", ENOMEM);
            args = grown;
            memcpy(args + len, argv[i], l);
            len += l;
        }
        reply = xsc_control(h, args, (unsigned int)len);
        if ( !reply )
            die(argv[0], errno);
        printf("%s", reply);
        if ( reply[0] && reply[strlen(reply) - 1] != '\n' )
            printf("\n");
        free(reply);
        free(args);
    }
    else
    {
        xsc_close(h);
        return usage();
    }
    xsc_close(h);
    return ret;
}
