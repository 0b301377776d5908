/* SPDX-License-Identifier: GPL-2.0-only */
/* Reboot, halt and power-off: ACPI first, then the legacy fallbacks. */
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/shutdown.h>
#include <asm/delay.h>
#include <asm/io.h>
#include <asm/processor.h>
#include <asm/system.h>
#include <asm/acpi.h>

bool opt_noreboot;

/*
 * The ways to reset the machine, in the order tried: reboot= picks the
 * first (Xen's letters), the rest follow as Xen falls back through them.
 */
enum reboot_method {
    REBOOT_ACPI,      /* the FADT's reset register: the default */
    REBOOT_KBD,       /* the keyboard controller's reset line */
    REBOOT_TRIPLE,    /* a triple fault */
    REBOOT_CF9,       /* the PCI reset control register */
    REBOOT_CF9_POWER, /* the same, asking for a power cycle */
};
static enum reboot_method opt_reboot = REBOOT_ACPI;

/*
 * reboot=<method>[,...]: t[riple], k[bd], a[cpi], p[ci], P[ower], n[o].
 * Xen's e[fi] and x[en] name ways this hypervisor never has (no EFI runtime
 * services, no Xen underneath), so they leave the default order, as Xen
 * falls back from them; w[arm] and c[old] are not supported.
 */
static int __init parse_reboot(const char *s)
{
    int rc = 0;

    for ( ; *s; s += *s == ',' )
    {
        switch ( *s )
        {
        case 'n':
            opt_noreboot = true;
            break;
        case 'a':
            opt_reboot = REBOOT_ACPI;
            break;
        case 'k':
            opt_reboot = REBOOT_KBD;
            break;
        case 't':
            opt_reboot = REBOOT_TRIPLE;
            break;
        case 'p':
            opt_reboot = REBOOT_CF9;
            break;
        case 'P':
            opt_reboot = REBOOT_CF9_POWER;
            break;
        case 'e':
        case 'x':
            opt_reboot = REBOOT_ACPI;
            break;
        default:
            rc = -EINVAL;
            break;
        }
        while ( *s && *s != ',' )
            s++;
    }
    return rc;
}
custom_param("reboot", parse_reboot);

void machine_halt(void)
{
    local_irq_disable();
    for ( ;; )
        halt();
}

/* Port 0xCF9: bit 1 asks for a hard reset, bit 3 a power cycle, bit 2 go. */
static void cf9_reset(bool power_cycle)
{
    uint8_t v = (inb(0xcf9) & ~0x0e) | (power_cycle ? 0x0a : 0x02);

    outb(v, 0xcf9);
    udelay(50);
    outb(v | 0x04, 0xcf9);
    mdelay(100);
}

static void kbd_reset(void)
{
    /* Wait for the controller's input buffer to drain, then pulse reset. */
    for ( unsigned int i = 0; i < 100000; i++ )
        if ( !(inb(0x64) & 0x02) )
            break;
    outb(0xfe, 0x64);
    mdelay(100);
}

void machine_restart(void)
{
    struct desc_ptr_null {
        uint16_t limit;
        uint64_t base;
    } __packed null_idt = { 0, 0 };

    local_irq_disable();
    printk("Rebooting machine\n");
    switch ( opt_reboot )
    {
    case REBOOT_CF9:
    case REBOOT_CF9_POWER:
        cf9_reset(opt_reboot == REBOOT_CF9_POWER);
        /* fall through */
    case REBOOT_ACPI:
        acpi_reboot();
        mdelay(100);
        /* fall through */
    case REBOOT_KBD:
        kbd_reset();
        /* fall through */
    case REBOOT_TRIPLE:
        /* Last resort: a triple fault through an empty IDT. */
        __asm__ __volatile__("lidt %0; int3" : : "m"(null_idt));
    }
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
