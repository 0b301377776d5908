/* SPDX-License-Identifier: GPL-2.0-only */
/* Start of day: from Xen's start_info to the test suite, then shutdown. */

#include <lib.h>
#include <console.h>
#include <traps.h>
#include <events.h>
#include <time.h>
#include <mm.h>
#include <gnttab.h>
#include <hypercall.h>
#include "../tests/test.h"

start_info_t *start_info;
shared_info_t *shared_info;
unsigned long *phys_to_machine;
vcpu_info_t *vcpu0_info;

/* Virtual page that shared_info is mapped over (its own frame is lost). */
static char shared_info_page[PAGE_SIZE] __aligned(PAGE_SIZE);

void __noreturn do_shutdown(unsigned int reason)
{
    sched_shutdown_t op = { .reason = reason };

    for ( ;; )
    {
        HYPERVISOR_sched_op(SCHEDOP_shutdown, &op);
        /* Only a suspend returns; we never ask for one.  Keep trying. */
    }
}

void __noreturn panic(const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printk("PANIC: %s\n", buf);
    /* A domain dom0 built for a hostile case reports this as its verdict. */
    if ( !(start_info->flags & SIF_INITDOMAIN) )
        printk("VERDICT: FAIL: panic: %s\n", buf);
    printk("mini-os: exit status 255 (crash)\n");
    do_shutdown(SHUTDOWN_crash);
}

static void map_shared_info(void)
{
    long rc = HYPERVISOR_update_va_mapping((unsigned long)shared_info_page,
                                           start_info->shared_info |
                                           PTE_KERNEL_RW, UVMF_INVLPG);

    if ( rc )
        panic("mapping shared_info failed: %ld", rc);
    shared_info = (shared_info_t *)shared_info_page;
    vcpu0_info = &shared_info->vcpu_info[0];
}

void start_kernel(start_info_t *si);
void start_kernel(start_info_t *si)
{
    int failed;

    start_info = si;
    phys_to_machine = (unsigned long *)si->mfn_list;
    console_init();
    printk("hv-minios: %.32s, %lu pages, flags %x, cmdline '%s'\n",
           si->magic, si->nr_pages, si->flags, (const char *)si->cmd_line);

    map_shared_info();
    trap_init();
    events_init();
    mm_init();
    time_init();
    gnttab_init();
    local_irq_enable();

    if ( run_role((const char *)si->cmd_line) )
    {
        printk("mini-os: exit status 0\n");
        do_shutdown(SHUTDOWN_poweroff);
    }
    if ( sched_scenarios_selected((const char *)si->cmd_line) )
    {
        run_sched_scenarios((const char *)si->cmd_line);
        printk("mini-os: exit status 0\n");
        do_shutdown(SHUTDOWN_poweroff);
    }
    if ( bench_selected((const char *)si->cmd_line) )
    {
        run_benchmarks();
        printk("mini-os: exit status 0\n");
        do_shutdown(SHUTDOWN_poweroff);
    }

    failed = run_tests((const char *)si->cmd_line);
    printk("mini-os: exit status %d\n", failed ? 1 : 0);
    do_shutdown(failed ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}
