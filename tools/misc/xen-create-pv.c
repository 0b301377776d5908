/* SPDX-License-Identifier: GPL-2.0-only */
/* xen-create-pv: builds, names and starts a PV domU from dom0 with libhvxc. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hvxc.h"
#include "pv_devices.h"
#include "xs_client.h"

#include <public/sched.h>

static void usage(void)
{
    fprintf(stderr,
        "usage: xen-create-pv -k KERNEL [-m MiB] [-M MiB] [-v VCPUS]\n"
        "                     [-r RAMDISK] [-c CMDLINE] [-n NAME] [-p]\n"
        "                     [-d DISK] [-b BRIDGE] [-S SCRIPTDIR]\n"
        "       xen-create-pv --destroy DOMID\n"
        "       xen-create-pv --wait-shutdown DOMID\n"
        "       xen-create-pv --free\n"
        "  -p: leave the domain paused; -X: write nothing to xenstore\n"
        "  -d: xvda over DISK (block device or file); -b: a vif on BRIDGE;\n"
        "  -S: the hotplug scripts' directory (" PV_SCRIPTS_DIR ")\n");
    exit(2);
}

/*
 * With XEN_CREATE_PV_TIMES set: libhvxc's progress lines (the build's
 * phase times among them) go to stderr too, errors as the default has it.
 */
static void times_logger(void *opaque, enum xc_log_level level,
                         const char *msg)
{
    (void)opaque;
    fprintf(stderr, "%s: %s\n",
            level == XC_LOG_ERROR ? "hvxc" : "xen-create-pv", msg);
}

static double now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Writes path = printf(fmt, ...) under /local/domain/<domid>. */
static int xs_put(struct xsc *xs, uint32_t tx, uint32_t domid,
                  const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int xs_put(struct xsc *xs, uint32_t tx, uint32_t domid,
                  const char *key, const char *fmt, ...)
{
    char path[128], val[256];
    va_list ap;

    snprintf(path, sizeof(path), "/local/domain/%u%s%s", domid,
             *key ? "/" : "", key);
    va_start(ap, fmt);
    vsnprintf(val, sizeof(val), fmt, ap);
    va_end(ap);
    return xsc_write(xs, tx, path, val, strlen(val));
}

/*
 * The skeleton Xen's toolstack gives a PV domU: its name and id, its
 * rings for xenconsoled and xenstored, owned by dom0 and readable by the
 * domain, with data/ and the rings' nodes its own to write.  Then the
 * domain is introduced, which tells xenconsoled (@introduceDomain).
 */
static int xs_skeleton(const struct xc_pv_result *r, const char *name,
                       uint64_t mem_kb)
{
    struct xsc *xs = xsc_open(NULL);
    struct xs_perm ro[2] = { { 0, XS_PERM_NONE }, { r->domid, XS_PERM_READ } };
    struct xs_perm rw[1] = { { r->domid, XS_PERM_NONE } };
    static const char *const own[] = { "data", "device", "control",
                                       "memory" };
    char path[128];
    uint32_t tx;
    int rc;

    if ( !xs )
    {
        fprintf(stderr, "xen-create-pv: xenstored: %s\n", strerror(errno));
        return -1;
    }
    do {
        if ( (rc = xsc_transaction_start(xs, &tx)) )
            break;
        snprintf(path, sizeof(path), "/local/domain/%u", r->domid);
        if ( (rc = xsc_mkdir(xs, tx, path)) ||
             (rc = xsc_set_perms(xs, tx, path, ro, 2)) ||
             (rc = xs_put(xs, tx, r->domid, "name", "%s", name)) ||
             (rc = xs_put(xs, tx, r->domid, "domid", "%u", r->domid)) ||
             (rc = xs_put(xs, tx, r->domid, "console/ring-ref", "%lu",
                          (unsigned long)r->console_mfn)) ||
             (rc = xs_put(xs, tx, r->domid, "console/port", "%u",
                          r->console_port)) ||
             (rc = xs_put(xs, tx, r->domid, "console/type", "xenconsoled")) ||
             (rc = xs_put(xs, tx, r->domid, "console/output", "pty")) ||
             (rc = xs_put(xs, tx, r->domid, "store/ring-ref", "%lu",
                          (unsigned long)r->store_mfn)) ||
             (rc = xs_put(xs, tx, r->domid, "store/port", "%u",
                          r->store_port)) ||
             (rc = xs_put(xs, tx, r->domid, "memory/target", "%llu",
                          (unsigned long long)mem_kb)) )
            break;
        for ( unsigned int i = 0; i < sizeof(own) / sizeof(own[0]); i++ )
        {
            snprintf(path, sizeof(path), "/local/domain/%u/%s", r->domid,
                     own[i]);
            if ( (rc = xsc_mkdir(xs, tx, path)) ||
                 (rc = xsc_set_perms(xs, tx, path, rw, 1)) )
                break;
        }
        if ( rc )
            break;
        rc = xsc_transaction_end(xs, tx, true);
    } while ( rc == -EAGAIN );
    if ( !rc )
        rc = xsc_introduce(xs, r->domid, r->store_mfn, r->store_port);
    if ( rc )
        fprintf(stderr, "xen-create-pv: xenstore for d%u: %s\n", r->domid,
                strerror(-rc));
    xsc_close(xs);
    return rc ? -1 : 0;
}

/* The domain's PV devices, before it first runs. */
static int add_devices(uint32_t domid, const char *disk, const char *bridge,
                       const char *scripts)
{
    struct xsc *xs = xsc_open(NULL);
    int rc = -1;

    if ( !xs )
        fprintf(stderr, "xen-create-pv: xenstored: %s\n", strerror(errno));
    else if ( (!disk || !pv_add_disk(xs, domid, disk, scripts)) &&
              (!bridge || !pv_add_vif(xs, domid, bridge, scripts)) )
        rc = 0;
    xsc_close(xs);
    return rc;
}

static int destroy(xc_interface *xch, uint32_t domid)
{
    struct xsc *xs = xsc_open(NULL);
    char path[64];

    xen_domctl_getdomaininfo_t info;
    int n = 1;

    if ( xc_domain_destroy(xch, domid) )
        return 1;
    if ( xs )
    {
        /*
         * Without their frontends the backends let go of the domain's
         * pages (grant mappings, event channels); then their scripts
         * take the devices down.
         */
        snprintf(path, sizeof(path), "/local/domain/%u/device", domid);
        xsc_rm(xs, 0, path);
        pv_remove_devices(xs, domid);
    }
    /*
     * It is gone once the hypervisor no longer lists it: a domain whose
     * pages are still held (a backend's mapping) stays listed, dying.
     */
    for ( unsigned int i = 0; i < 200; i++ )
    {
        n = xc_domain_getinfolist(xch, domid, 1, &info);
        if ( n <= 0 || info.domain != domid )
            break;
        usleep(50 * 1000);
    }
    if ( xs )
    {
        /* The domain is gone: its entries and its xenstored connection. */
        xsc_release(xs, domid);
        snprintf(path, sizeof(path), "/local/domain/%u", domid);
        xsc_rm(xs, 0, path);
        xsc_close(xs);
    }
    if ( n > 0 && info.domain == domid )
    {
        fprintf(stderr, "xen-create-pv: d%u is still dying after 10 s\n",
                domid);
        return 1;
    }
    printf("destroyed d%u\n", domid);
    return 0;
}

/*
 * Waits up to 60 s for the domain to shut itself down (a guest asked
 * through control/shutdown takes a few seconds to get there) and prints
 * why, as the hypervisor has it; the domain stays for --destroy.
 */
static int wait_shutdown(xc_interface *xch, uint32_t domid)
{
    static const char *const why[] = {
        [SHUTDOWN_poweroff] = "poweroff", [SHUTDOWN_reboot] = "reboot",
        [SHUTDOWN_suspend] = "suspend", [SHUTDOWN_crash] = "crash",
        [SHUTDOWN_watchdog] = "watchdog",
        [SHUTDOWN_soft_reset] = "soft_reset",
    };
    xen_domctl_getdomaininfo_t info;
    unsigned int i, code;

    for ( i = 0; i < 600; i++ )
    {
        if ( xc_domain_getinfolist(xch, domid, 1, &info) != 1 ||
             info.domain != domid )
        {
            fprintf(stderr, "xen-create-pv: d%u is gone\n", domid);
            return 1;
        }
        if ( info.flags & XEN_DOMINF_shutdown )
        {
            code = (info.flags >> XEN_DOMINF_shutdownshift) &
                   XEN_DOMINF_shutdownmask;
            if ( code < sizeof(why) / sizeof(why[0]) && why[code] )
                printf("d%u shut down: %s\n", domid, why[code]);
            else
                printf("d%u shut down: code %u\n", domid, code);
            return 0;
        }
        usleep(100 * 1000);
    }
    fprintf(stderr, "xen-create-pv: d%u did not shut down in 60 s\n", domid);
    return 1;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "destroy", required_argument, NULL, 'D' },
        { "free", no_argument, NULL, 'F' },
        { "wait-shutdown", required_argument, NULL, 'W' },
        { NULL, 0, NULL, 0 },
    };
    struct xc_pv_config cfg = { .memory_kb = 32 << 10, .vcpus = 1 };
    struct xc_pv_result res;
    struct xen_sysctl_physinfo pi;
    const char *name = NULL, *disk = NULL, *bridge = NULL;
    const char *scripts = PV_SCRIPTS_DIR;
    bool paused = false, no_xs = false, show_free = false;
    long destroy_id = -1, wait_id = -1;
    xc_interface *xch;
    bool times = getenv("XEN_CREATE_PV_TIMES");
    double t0, t1, t_xs = 0, t_dev = 0;
    int c, rc = 1;

    while ( (c = getopt_long(argc, argv, "k:m:M:v:r:c:n:pXd:b:S:", opts,
                             NULL)) != -1 )
    {
        switch ( c )
        {
        case 'k': cfg.kernel = optarg; break;
        case 'm': cfg.memory_kb = strtoull(optarg, NULL, 0) << 10; break;
        case 'M': cfg.maxmem_kb = strtoull(optarg, NULL, 0) << 10; break;
        case 'v': cfg.vcpus = strtoul(optarg, NULL, 0); break;
        case 'r': cfg.ramdisk = optarg; break;
        case 'c': cfg.cmdline = optarg; break;
        case 'n': name = optarg; break;
        case 'p': paused = true; break;
        case 'X': no_xs = true; break;
        case 'd': disk = optarg; break;
        case 'b': bridge = optarg; break;
        case 'S': scripts = optarg; break;
        case 'D': destroy_id = strtol(optarg, NULL, 0); break;
        case 'F': show_free = true; break;
        case 'W': wait_id = strtol(optarg, NULL, 0); break;
        default: usage();
        }
    }
    if ( optind != argc ||
         (!cfg.kernel && destroy_id < 0 && wait_id < 0 && !show_free) ||
         (no_xs && (disk || bridge)) )
        usage();
    if ( !(xch = xc_interface_open(times ? times_logger : NULL, NULL)) )
        return 1;
    if ( times )
        xc_set_log_level(xch, XC_LOG_DEBUG);
    if ( show_free )
    {
        if ( !xc_physinfo(xch, &pi) )
        {
            printf("free_pages %llu\n", (unsigned long long)pi.free_pages);
            rc = 0;
        }
        goto out;
    }
    if ( wait_id >= 0 )
    {
        rc = wait_shutdown(xch, wait_id);
        goto out;
    }
    if ( destroy_id >= 0 )
    {
        rc = destroy(xch, destroy_id);
        goto out;
    }

    t0 = now_ms();
    if ( xc_pv_build(xch, &cfg, &res) )
        goto out;
    t1 = now_ms();
    if ( !no_xs )
    {
        char def[32];

        snprintf(def, sizeof(def), "domu-%u", res.domid);
        if ( xs_skeleton(&res, name ? name : def, cfg.memory_kb) )
        {
            xc_domain_destroy(xch, res.domid);
            goto out;
        }
        t_xs = now_ms() - t1;
        if ( (disk || bridge) && add_devices(res.domid, disk, bridge,
                                             scripts) )
        {
            destroy(xch, res.domid);
            goto out;
        }
        t_dev = now_ms() - t1 - t_xs;
    }
    if ( !paused && xc_domain_unpause(xch, res.domid) )
    {
        xc_domain_destroy(xch, res.domid);
        goto out;
    }
    if ( times )
        fprintf(stderr, "xen-create-pv: d%u ms: build %.1f xenstore %.1f "
                "devices %.1f unpause %.1f\n", res.domid, t1 - t0, t_xs,
                t_dev, now_ms() - t1 - t_xs - t_dev);
    printf("built d%u (%s): %llu KiB, %u vcpu(s) in %.1f ms\n", res.domid,
           name ? name : "-", (unsigned long long)cfg.memory_kb,
           cfg.vcpus ? cfg.vcpus : 1, now_ms() - t0);
    rc = 0;
 out:
    xc_interface_close(xch);
    return rc;
}
