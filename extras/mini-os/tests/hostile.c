/* SPDX-License-Identifier: GPL-2.0-only */
/* The hostile-domU harness: dom0 builds an attacker, the attacker reports. */

#include <xenctl.h>
#include "hostile.h"
#include <builder.h>
#include <hypercall.h>
#include <time.h>

extern const struct hostile_case __start_hostilecases[],
    __stop_hostilecases[];

/* An attacker gets this much memory and this long to finish. */
#define HOSTILE_MEM_KB   4096
#define HOSTILE_TIMEOUT_MS 20000
/* Pages a destroyed domain may still hold a moment later (see domain.c). */
#define HOSTILE_FREE_SLACK 64

/* The domU prints this, then its verdict; dom0 keeps the last one. */
#define VERDICT "VERDICT: "

void hostile_crash_ok(const char *why)
{
    printk(VERDICT "CRASH-OK %s\n", why);
}

void hostile_main(void)
{
    const char *arg = strstr((const char *)start_info->cmd_line, "case=");
    const struct hostile_case *c;
    char verdict[300];
    size_t n = 0;

    if ( !arg )
        panic("hostile: no case= on the command line");
    arg += 5;
    while ( arg[n] && arg[n] != ' ' )
        n++;
    for ( c = __start_hostilecases; c < __stop_hostilecases; c++ )
        if ( strlen(c->name) == n && !strncmp(c->name, arg, n) )
            break;
    if ( c == __stop_hostilecases )
        panic("hostile: no case %.*s", (int)n, arg);
    run_case_body(c->fn, verdict, sizeof(verdict));
    printk(VERDICT "%s\n", verdict);
}

static unsigned long free_pages(void)
{
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_physinfo };

    return sysctl(&op) ? 0 : op.u.physinfo.free_pages;
}

void run_hostile(const char *name)
{
    char cmdline[128];
    /* A second vCPU, down, for the cases that bring one up. */
    struct domu_spec spec = { .mem_kb = HOSTILE_MEM_KB, .cmdline = cmdline,
                              .max_vcpus = 2 };
    struct domu d;
    unsigned long before;
    unsigned int reason = 0;
    long rc;

    if ( !(spec.image = boot_module(&spec.image_len)) )
        SKIP("no kernel for the attacker: give mini-os as dom0's boot "
             "module");
    snprintf(cmdline, sizeof(cmdline), "role=hostile case=%s", name);
    before = free_pages();
    CHECK_RC(domu_build(&spec, &d), 0);
    rc = domu_wait_shutdown(&d, HOSTILE_TIMEOUT_MS, &reason);
    CHECK_RC(domu_destroy(&d), 0);
    CHECK(!rc, "d%u did not shut down within %u ms (%ld)", d.domid,
          HOSTILE_TIMEOUT_MS, rc);

    /* The hypervisor still answers, and the attacker's memory is back. */
    CHECK(free_pages() + HOSTILE_FREE_SLACK >= before,
          "free pages %lu, were %lu before d%u", free_pages(), before,
          d.domid);

    if ( reason == SHUTDOWN_crash )
    {
        CHECK(!strncmp(d.verdict, "CRASH-OK", 8),
              "d%u crashed (last verdict '%s')", d.domid, d.verdict);
        return;
    }
    CHECK(reason == SHUTDOWN_poweroff, "d%u shut down with reason %u",
          d.domid, reason);
    if ( !strncmp(d.verdict, "SKIP: ", 6) )
        SKIP("%s", d.verdict + 6);
    CHECK(!strcmp(d.verdict, "PASS"), "%s",
          d.verdict[0] ? d.verdict : "no verdict");
}
