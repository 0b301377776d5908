/* SPDX-License-Identifier: GPL-2.0-only */
/* libFuzzer target: xm create's reading of a config file in C
 * (tools/xm/xmconfig.c), text from whoever wrote the file, and the
 * request it then writes. */
#include "xmconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every name but "none" is a file here: the checks past it run. */
static int isfile(const char *path)
{
    return strcmp(path, "none") != 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xmc c;
    size_t len;
    char *req;

    if ( xmc_read((const char *)data, size, "/etc/xen/fz.cfg", isfile, &c) )
        return 0;
    /* What it took is an SXP of strings, ints and lists xend can be sent. */
    req = rpc_request("xend.domain.create", &c.sxp, 1, &len);
    if ( !req || strlen(req) != len )
        __builtin_trap();
    free(req);
    xmc_free(&c);
    return 0;
}
