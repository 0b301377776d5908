/* SPDX-License-Identifier: GPL-2.0-only */
/* init-dom0: dom0's own xenstore entries (name, uuid, pool), once per boot. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xen_dev.h"
#include "xs_client.h"

/*
 * What toolstacks expect of dom0 before the first guest: its domid and
 * name under /local/domain/0, a /vm/<uuid> entry, and the name of the
 * default CPU pool.  The UUID is the hypervisor's handle for dom0; a null
 * one gets a random (version 4) UUID, given to the hypervisor too so that
 * every tool reports the same.
 */

static int put(struct xsc *xs, const char *path, const char *val)
{
    int e = xsc_write(xs, 0, path, val, (unsigned int)strlen(val));

    if ( e )
        fprintf(stderr, "init-dom0: cannot write %s: %s\n", path,
                strerror(-e));
    return e;
}

static bool null_uuid(const uint8_t *u)
{
    unsigned int i;

    for ( i = 0; i < 16; i++ )
        if ( u[i] )
            return false;
    return true;
}

static int random_uuid(uint8_t *u)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : read(fd, u, 16);

    if ( fd >= 0 )
        close(fd);
    if ( n != 16 )
        return -1;
    u[6] = (uint8_t)((u[6] & 0x0f) | 0x40);
    u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
    return 0;
}

static void uuid_str(const uint8_t *u, char *s)
{
    sprintf(s, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
            "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5],
            u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

int main(int argc, char **argv)
{
    struct xd_dominfo info;
    struct xd xd;
    struct xsc *xs;
    char uuid[40], path[128], *name;
    int e = 0, tries;

    if ( argc > 1 )
    {
        fprintf(stderr, "usage: %s\n", argv[0]);
        return 2;
    }
    for ( tries = 0; !(xs = xsc_open(NULL)) && tries < 50; tries++ )
        usleep(100000);
    if ( !xs )
    {
        fprintf(stderr, "init-dom0: cannot reach xenstored: %s\n",
                strerror(errno));
        return 1;
    }
    name = xsc_read(xs, 0, "/local/domain/0/name", NULL);
    if ( name )
    {
        /* Already done this boot: nothing to do, as Xen's helper. */
        free(name);
        xsc_close(xs);
        return 0;
    }
    memset(&info, 0, sizeof(info));
    if ( xd_open(&xd) == 0 )
    {
        if ( xd_domain_info(&xd, 0, &info) )
            fprintf(stderr, "init-dom0: no getdomaininfo for dom0: %s\n",
                    strerror(errno));
        else if ( null_uuid(info.handle) && !random_uuid(info.handle) &&
                  xd_set_handle(&xd, 0, info.handle) )
            fprintf(stderr, "init-dom0: cannot set dom0's handle: %s\n",
                    strerror(errno));
        xd_close(&xd);
    }
    if ( null_uuid(info.handle) && random_uuid(info.handle) )
        memset(info.handle, 0, sizeof(info.handle));
    uuid_str(info.handle, uuid);

    e |= put(xs, "/local/domain/0/domid", "0");
    e |= put(xs, "/local/domain/0/name", "Domain-0");
    snprintf(path, sizeof(path), "/vm/%s", uuid);
    e |= put(xs, "/local/domain/0/vm", path);
    snprintf(path, sizeof(path), "/vm/%s/uuid", uuid);
    e |= put(xs, path, uuid);
    snprintf(path, sizeof(path), "/vm/%s/name", uuid);
    e |= put(xs, path, "Domain-0");
    e |= put(xs, "/local/pool/0/name", "Pool-0");
    xsc_close(xs);
    return e ? 1 : 0;
}
