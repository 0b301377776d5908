/* SPDX-License-Identifier: GPL-2.0-only */
/* panic(): report a fatal hypervisor error on every console, then stop. */
#include <xen/console.h>
#include <xen/lib.h>
#include <xen/shutdown.h>
#include <asm/current.h>

void panic(const char *fmt, ...)
{
    static int panicking;
    char buf[256];
    va_list args;

    /* A second panic (say, from inside printk) must not recurse. */
    if ( __atomic_exchange_n(&panicking, 1, __ATOMIC_ACQ_REL) )
        machine_halt();

    console_force_unlock();
    va_start(args, fmt);
    vsnprintf(buf, sizeof(buf), fmt, args);
    va_end(args);

    printk("\n****************************************\n");
    printk("Panic on CPU %u:\n", smp_processor_id());
    printk("%s\n", buf);
    printk("****************************************\n\n");
    if ( opt_noreboot )
    {
        printk("Manual reset required ('noreboot' specified)\n");
        machine_halt();
    }
    printk("Reboot in five seconds...\n");
    machine_restart_after_delay(5);
}
