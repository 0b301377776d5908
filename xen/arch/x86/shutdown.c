/* SPDX-License-Identifier: GPL-2.0-only */
/* Reboot, halt and power-off: ACPI first, then the legacy fallbacks. */
#include <xen/lib.h>
#include <xen/shutdown.h>
#include <asm/delay.h>
#include <asm/io.h>
#include <asm/processor.h>
#include <asm/system.h>
#include <asm/acpi.h>

bool opt_noreboot;

void machine_halt(void)
{
    local_irq_disable();
    for ( ;; )
        halt();
}

void machine_restart(void)
{
    struct desc_ptr_null { uint16_t limit; uint64_t base; } __packed
        null_idt = { 0, 0 };

    local_irq_disable();
    printk("Rebooting machine\n");
    acpi_reboot();
    /* The keyboard controller's reset line: wait for its input buffer. */
    for ( unsigned int i = 0; i < 100000; i++ )
        if ( !(inb(0x64) & 0x02) )
            break;
    outb(0xfe, 0x64);
    mdelay(100);
    /* Last resort: a triple fault through an empty IDT. */
    __asm__ __volatile__ ( "lidt %0; int3" : : "m" (null_idt) );
    machine_halt();
}

void machine_power_off(void)
{
    local_irq_disable();
    printk("Powering off machine\n");
    acpi_power_off();
    printk("Power-off failed: halting\n");
    machine_halt();
}

void machine_restart_after_delay(unsigned int seconds)
{
    mdelay(seconds * 1000UL);
    machine_restart();
}
