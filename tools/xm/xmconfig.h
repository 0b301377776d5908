/* SPDX-License-Identifier: GPL-2.0-only */
/* xm create's config files in C: the plain subset of xm's Python configs,
 * turned into the (vm ...) SXP xen/xm/config.py makes of them. */
#ifndef XM_XMCONFIG_H
#define XM_XMCONFIG_H

#include "rpc.h"

#include <stddef.h>

/* The largest config file read here; a bigger one is left to Python. */
#define XMC_MAX_TEXT (256 * 1024)

/* A config read and checked: sxp is the create call's one argument. */
struct xmc {
    struct rpc_arg sxp;
    /* Everything the SXP points to, freed by xmc_free. */
    void **mem;
    size_t nmem, memcap;
};

/*
 * Reads the len bytes of text (no NUL needed) of the config file at path
 * as xen/xm/config.py's read() and to_sxp() would: 0 with c->sxp set, or
 * -1 when the text is not in the subset read here, or config.py would
 * refuse it, or memory runs out; the caller then leaves it all to the
 * Python xm, which says what is wrong in its own words.  The subset:
 * lines `key = value` at the start of a line, value a string ('...' or
 * "..." of printable ASCII without backslashes), a decimal int, or a list
 * of strings (over several lines, with a trailing comma); comments and
 * blank lines; only the keys name, uuid, kernel, ramdisk, root, extra,
 * memory, maxmem, vcpus, on_poweroff, on_reboot, on_crash, disk and vif.
 * isfile(p) says whether p is a regular file (os.path.isfile).
 */
int xmc_read(const char *text, size_t len, const char *path,
             int (*isfile)(const char *), struct xmc *c);
void xmc_free(struct xmc *c);

#endif
