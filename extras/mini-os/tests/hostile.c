/* SPDX-License-Identifier: GPL-2.0-only */
/* The hostile-domU harness: dom0 builds an attacker, the attacker reports. */

#include <xenctl.h>
#include "hostile.h"
#include <builder.h>
#include <mm.h>
#include <hypercall.h>
#include <time.h>

extern const struct hostile_case __start_hostilecases[],
    __stop_hostilecases[];

/* An attacker gets this much memory and this long to finish. */
#define HOSTILE_MEM_KB   4096
#define HOSTILE_TIMEOUT_MS 20000

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

static long own_reservation(void)
{
    domid_t self = DOMID_SELF;

    return HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
}

/* A page of dom0's whose frame every attacker is told (see hostile.h). */
#define VICTIM_BYTE 0xa5
static uint8_t *victim;

unsigned long hostile_victim_mfn(void)
{
    const char *arg = strstr((const char *)start_info->cmd_line, "victim=");

    return arg ? simple_strtoul(arg + 7, NULL, 16) : 0;
}

static bool victim_intact(void)
{
    for ( unsigned int i = 0; i < PAGE_SIZE; i++ )
        if ( victim[i] != VICTIM_BYTE )
            return false;
    return true;
}

void run_hostile(const char *name)
{
    run_hostile_on(name, -1);
}

void run_hostile_on(const char *name, long cpu)
{
    char cmdline[128];
    /*
     * A second vCPU, down, for the cases that bring one up; grant table
     * v2 for the cases that use it.
     */
    struct domu_spec spec = { .mem_kb = HOSTILE_MEM_KB, .cmdline = cmdline,
                              .max_vcpus = 2, .max_grant_version = 2 };
    struct domu d;
    unsigned long before;
    unsigned int reason = 0;
    long rc, reservation = own_reservation();

    if ( !(spec.image = boot_module(&spec.image_len)) )
        SKIP("no kernel for the attacker: give mini-os as dom0's boot "
             "module");
    if ( !victim )
    {
        CHECK((victim = alloc_page()), "no page for the victim");
        memset(victim, VICTIM_BYTE, PAGE_SIZE);
    }
    snprintf(cmdline, sizeof(cmdline), "role=hostile case=%s victim=%lx",
             name, virt_to_mfn(victim));
    before = host_free_pages();
    CHECK_RC(domu_build(&spec, &d), 0);
    if ( cpu >= 0 && (rc = vcpu_pin(d.domid, 0, cpu)) )
    {
        domu_destroy(&d);
        CHECK_RC(rc, 0);
    }
    rc = domu_wait_shutdown(&d, HOSTILE_TIMEOUT_MS, &reason);
    CHECK_RC(domu_destroy(&d), 0);
    CHECK(!rc, "d%u did not shut down within %u ms (%ld)", d.domid,
          HOSTILE_TIMEOUT_MS, rc);

    /*
     * The hypervisor still answers, dom0 holds what it held, and the
     * attacker's memory is back.
     */
    CHECK(own_reservation() == reservation, "dom0 holds %ld pages, had %ld",
          own_reservation(), reservation);
    CHECK(victim_intact(), "dom0's page %lx changed", virt_to_mfn(victim));
    /* Still an ordinary writable page of ours. */
    CHECK_RC(make_readonly(victim), 0);
    CHECK_RC(make_writable(victim), 0);
    CHECK(host_free_pages() + destroy_slack_pages() >= before,
          "free pages %lu, were %lu before d%u", host_free_pages(), before,
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
