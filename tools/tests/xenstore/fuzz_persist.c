/* SPDX-License-Identifier: GPL-2.0-only */
/* libFuzzer target: damaged or hostile snapshot and journal files. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xsd.h"

/*
 * Input: u16 snapshot length (little-endian), the snapshot bytes, then the
 * journal bytes.  Loading must either refuse (damaged snapshot) or give a
 * consistent store; never crash.
 */

static char dir[512];

static void cleanup(void)
{
    char path[600];

    snprintf(path, sizeof(path), "%s/tree", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/journal", dir);
    unlink(path);
    rmdir(dir);
}

static void quiet(struct xsd *d, const char *msg)
{
    (void)d;
    (void)msg;
}

static void put(const char *name, const uint8_t *data, size_t len)
{
    char path[600];
    int fd;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if ( fd < 0 )
        abort();
    if ( len && write(fd, data, len) != (ssize_t)len )
        abort();
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xsd *d;
    size_t slen;
    char why[256];

    if ( !dir[0] )
    {
        /* Private to this process, removed at exit. */
        snprintf(dir, sizeof(dir), "%s/xs-fuzz-persist.%d",
                 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
        if ( mkdir(dir, 0700) )
            abort();
        atexit(cleanup);
    }
    if ( size < 2 )
        return 0;
    slen = (size_t)data[0] | (size_t)data[1] << 8;
    if ( slen > size - 2 )
        slen = size - 2;
    put("tree", data + 2, slen);
    put("journal", data + 2 + slen, size - 2 - slen);
    d = xsd_create();
    d->log = quiet;
    if ( !xsd_persist_open(d, dir, XSD_SYNC_NEVER) &&
         xsd_check(d, why, sizeof(why)) )
    {
        fprintf(stderr, "loaded an inconsistent store: %s\n", why);
        abort();
    }
    xsd_destroy(d);
    return 0;
}
