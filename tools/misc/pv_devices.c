/* SPDX-License-Identifier: GPL-2.0-only */
/* xen-create-pv's PV devices: xenstore entries, hotplug scripts, teardown. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pv_devices.h"

/* xvda: major 202, minor 0, as Linux's blkfront reads virtual-device. */
#define XVDA_DEVID 51712u
#define BACKEND_WAIT_MS 10000

struct node
{
    const char *key;
    char val[256];
};

static int put_dir(struct xsc *xs, uint32_t tx, const char *dir,
                   const struct xs_perm *perms, const struct node *nodes,
                   unsigned int n)
{
    char path[256];
    int rc;

    if ( (rc = xsc_mkdir(xs, tx, dir)) ||
         (rc = xsc_set_perms(xs, tx, dir, perms, 2)) )
        return rc;
    for ( unsigned int i = 0; i < n; i++ )
    {
        snprintf(path, sizeof(path), "%s/%s", dir, nodes[i].key);
        if ( (rc = xsc_write(xs, tx, path, nodes[i].val,
                             strlen(nodes[i].val))) )
            return rc;
    }
    return 0;
}

/*
 * The frontend's directory is the domain's (dom0 may read it), the
 * backend's dom0's (the domain may read it), as every toolstack does so
 * that each side can follow the other's state.
 */
static int write_pair(struct xsc *xs, uint32_t domid, const char *fe,
                      const struct node *fnodes, unsigned int fn,
                      const char *be, const struct node *bnodes,
                      unsigned int bn)
{
    struct xs_perm fperm[2] = { { domid, XS_PERM_NONE }, { 0, XS_PERM_READ } };
    struct xs_perm bperm[2] = { { 0, XS_PERM_NONE }, { domid, XS_PERM_READ } };
    uint32_t tx;
    int rc;

    do {
        if ( (rc = xsc_transaction_start(xs, &tx)) )
            break;
        if ( (rc = put_dir(xs, tx, fe, fperm, fnodes, fn)) ||
             (rc = put_dir(xs, tx, be, bperm, bnodes, bn)) )
        {
            xsc_transaction_end(xs, tx, false);
            break;
        }
        rc = xsc_transaction_end(xs, tx, true);
    } while ( rc == -EAGAIN );
    return rc;
}

static char *get(struct xsc *xs, const char *dir, const char *key)
{
    char path[256];

    snprintf(path, sizeof(path), "%s/%s", dir, key);
    return xsc_read(xs, 0, path, NULL);
}

/* Polls dir/key until it reads want (the backend's driver has probed). */
static bool wait_for(struct xsc *xs, const char *dir, const char *key,
                     const char *want)
{
    for ( unsigned int ms = 0; ms < BACKEND_WAIT_MS; ms += 20 )
    {
        char *v = get(xs, dir, key);
        bool ok = v && !strcmp(v, want);

        free(v);
        if ( ok )
            return true;
        usleep(20 * 1000);
    }
    return false;
}

/* Runs script ACTION with XENBUS_PATH=be (and vif=... for a vif). */
static int run_script(const char *script, const char *action, const char *be,
                      const char *vif)
{
    pid_t pid = fork();
    int status;

    if ( pid < 0 )
        return -1;
    if ( pid == 0 )
    {
        setenv("XENBUS_PATH", be, 1);
        if ( vif )
            setenv("vif", vif, 1);
        execl(script, script, action, (char *)NULL);
        fprintf(stderr, "xen-create-pv: %s: %s\n", script, strerror(errno));
        _exit(127);
    }
    while ( waitpid(pid, &status, 0) < 0 )
        if ( errno != EINTR )
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/*
 * Once the backend's driver is in InitWait, the script connects the
 * device and reports through hotplug-status, as Linux's backends and
 * Xen's toolstack expect.
 */
static int hotplug(struct xsc *xs, const char *be, const char *script,
                   const char *action, const char *vif)
{
    char *st, *why;
    int rc;

    if ( !wait_for(xs, be, "state", "2") )
    {
        fprintf(stderr, "xen-create-pv: %s: no backend driver took it "
                "(is its module loaded?)\n", be);
        return -1;
    }
    rc = run_script(script, action, be, vif);
    st = get(xs, be, "hotplug-status");
    if ( rc || !st || strcmp(st, "connected") )
    {
        why = get(xs, be, "hotplug-error");
        fprintf(stderr, "xen-create-pv: %s %s for %s: exit %d, %s\n",
                script, action, be, rc, why ? why : "no hotplug-status");
        free(why);
        rc = -1;
    }
    free(st);
    return rc;
}

/*
 * Writes a device's frontend and backend directories and runs its
 * script.  fn[0] is the frontend's "backend" node; bn[0], bn[1] and
 * bn[nb - 1] the backend's "frontend", "frontend-id" and "script", which
 * are filled in here.
 */
static int add_device(struct xsc *xs, uint32_t domid, const char *kind,
                      unsigned int devid, struct node *fn, unsigned int nf,
                      struct node *bn, unsigned int nb, const char *scripts,
                      const char *script, const char *action, const char *vif)
{
    char fe[128], be[128];

    snprintf(fe, sizeof(fe), "/local/domain/%u/device/%s/%u", domid, kind,
             devid);
    snprintf(be, sizeof(be), "/local/domain/0/backend/%s/%u/%u", kind, domid,
             devid);
    snprintf(fn[0].val, sizeof(fn[0].val), "%s", be);
    snprintf(bn[0].val, sizeof(bn[0].val), "%s", fe);
    snprintf(bn[1].val, sizeof(bn[1].val), "%u", domid);
    snprintf(bn[nb - 1].val, sizeof(bn[nb - 1].val), "%s/%s", scripts,
             script);
    if ( write_pair(xs, domid, fe, fn, nf, be, bn, nb) )
    {
        fprintf(stderr, "xen-create-pv: xenstore for d%u's %s failed\n",
                domid, kind);
        return -1;
    }
    return hotplug(xs, be, bn[nb - 1].val, action, vif);
}

int pv_add_disk(struct xsc *xs, uint32_t domid, const char *path,
                const char *scripts)
{
    struct stat st;
    struct node fn[5] = { { "backend", "" }, { "backend-id", "0" },
                          { "state", "1" }, { "virtual-device", "" },
                          { "device-type", "disk" } };
    struct node bn[11] = { { "frontend", "" }, { "frontend-id", "" },
                           { "online", "1" }, { "state", "1" },
                           { "params", "" }, { "type", "" }, { "mode", "w" },
                           { "dev", "xvda" }, { "removable", "0" },
                           { "bootable", "1" }, { "script", "" } };

    if ( stat(path, &st) )
    {
        fprintf(stderr, "xen-create-pv: disk %s: %s\n", path,
                strerror(errno));
        return -1;
    }
    if ( !S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode) )
    {
        fprintf(stderr, "xen-create-pv: disk %s: not a block device or "
                "file\n", path);
        return -1;
    }
    snprintf(fn[3].val, sizeof(fn[3].val), "%u", XVDA_DEVID);
    snprintf(bn[4].val, sizeof(bn[4].val), "%s", path);
    snprintf(bn[5].val, sizeof(bn[5].val), "%s",
             S_ISBLK(st.st_mode) ? "phy" : "file");
    return add_device(xs, domid, "vbd", XVDA_DEVID, fn, 5, bn, 11, scripts,
                      "block", "add", NULL);
}

int pv_add_vif(struct xsc *xs, uint32_t domid, const char *bridge,
               const char *scripts)
{
    char vif[32];
    struct node fn[5] = { { "backend", "" }, { "backend-id", "0" },
                          { "state", "1" }, { "handle", "0" },
                          { "mac", "" } };
    struct node bn[9] = { { "frontend", "" }, { "frontend-id", "" },
                          { "online", "1" }, { "state", "1" },
                          { "handle", "0" }, { "mac", "" }, { "bridge", "" },
                          { "type", "vif" }, { "script", "" } };

    snprintf(vif, sizeof(vif), "vif%u.0", domid);
    /* Xen's OUI, then the domain's id: one MAC per domain. */
    snprintf(fn[4].val, sizeof(fn[4].val), "00:16:3e:%02x:%02x:%02x",
             (domid >> 16) & 0xff, (domid >> 8) & 0xff, domid & 0xff);
    snprintf(bn[5].val, sizeof(bn[5].val), "%s", fn[4].val);
    snprintf(bn[6].val, sizeof(bn[6].val), "%s", bridge);
    return add_device(xs, domid, "vif", 0, fn, 5, bn, 9, scripts,
                      "vif-bridge", "online", vif);
}

void pv_remove_devices(struct xsc *xs, uint32_t domid)
{
    static const struct {
        const char *kind, *action;
    } kinds[] = { { "vbd", "remove" }, { "vif", "offline" } };

    for ( unsigned int k = 0; k < 2; k++ )
    {
        char dir[128], be[192], vif[32];
        unsigned int n = 0;
        char **devs;

        snprintf(dir, sizeof(dir), "/local/domain/0/backend/%s/%u",
                 kinds[k].kind, domid);
        devs = xsc_directory(xs, 0, dir, &n);
        for ( unsigned int i = 0; devs && i < n; i++ )
        {
            char *script;

            snprintf(be, sizeof(be), "%s/%s", dir, devs[i]);
            snprintf(vif, sizeof(vif), "vif%u.%s", domid, devs[i]);
            if ( (script = get(xs, be, "script")) )
                run_script(script, kinds[k].action, be,
                           k ? vif : NULL);
            free(script);
        }
        free(devs);
        xsc_rm(xs, 0, dir);
    }
}
