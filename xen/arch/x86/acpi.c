/* SPDX-License-Identifier: GPL-2.0-only */
/* Finds the ACPI tables at boot, and uses the FADT to reset or power off. */
#include <xen/acpi.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/spinlock.h>
#include <asm/acpi.h>
#include <asm/delay.h>
#include <asm/io.h>
#include <asm/mm.h>
#include <asm/multiboot.h>
#include <asm/page.h>
#include <public/platform.h>

struct acpi_info acpi_info;

/*
 * Tables live in RAM or ACPI-reclaim memory below 4 GiB on every machine
 * we meet, which the boot direct map covers; anything above is refused and
 * the parser skips that table with a warning.
 */
void *acpi_map(paddr_t pa, size_t len)
{
    if ( pa + len < pa || pa + len > BOOT_DIRECTMAP_LIMIT )
        return NULL;
    return maddr_to_virt(pa);
}

void __init acpi_boot_init(const struct boot_info *bi)
{
    int rc = acpi_init(bi->rsdp_len ? bi->rsdp : NULL, bi->rsdp_len,
                       &acpi_info);

    if ( rc )
    {
        printk(XENLOG_WARNING
               "WARNING: no usable ACPI tables (rc=%d): "
               "one CPU, legacy timers, no ACPI power control\n",
               rc);
        return;
    }
    printk("ACPI: %s via %s, OEM \"%s\"\n",
           acpi_info.rsdp_revision >= 2 ? "2.0+" : "1.0",
           acpi_info.xsdt ? "XSDT" : "RSDT", acpi_info.oem_id);
}

/* Writes a register described by a generic address structure. */
static void gas_write(const struct acpi_gas *g, uint32_t v)
{
    switch ( g->space_id )
    {
    case ACPI_SPACE_IO:
        if ( g->bit_width == 8 )
            outb(v, g->address);
        else if ( g->bit_width == 16 )
            outw(v, g->address);
        else
            outl(v, g->address);
        break;
    case ACPI_SPACE_MEMORY:
        if ( g->address + 4 <= BOOT_DIRECTMAP_LIMIT )
            writel(v, maddr_to_virt(g->address));
        break;
    }
}

void acpi_reboot(void)
{
    const struct acpi_fadt_info *f = &acpi_info.fadt;

    if ( f->present && f->reset_supported )
        gas_write(&f->reset_register, f->reset_value);
}

#define ACPI_SLP_TYP_SHIFT 10
#define ACPI_SLP_EN        (1u << 13)
/* How long a machine may take to lose power after SLP_EN is written. */
#define ACPI_OFF_WAIT_MS 500

void acpi_power_off(void)
{
    const struct acpi_fadt_info *f = &acpi_info.fadt;

    if ( !f->present || !f->s5_valid || !f->pm1a_control.address )
        return;
    gas_write(&f->pm1a_control,
              ((uint32_t)f->slp_typa << ACPI_SLP_TYP_SHIFT) | ACPI_SLP_EN);
    if ( f->pm1b_control.address )
        gas_write(&f->pm1b_control,
                  ((uint32_t)f->slp_typb << ACPI_SLP_TYP_SHIFT) | ACPI_SLP_EN);
    mdelay(ACPI_OFF_WAIT_MS);
}

#define ACPI_STATE_S3 3
#define ACPI_STATE_S5 5

/*
 * XENPF_enter_acpi_sleep: dom0 evaluated the AML and hands over the PM1
 * control values (SLP_TYP and SLP_EN already in place) instead of writing
 * them, so the hypervisor is the one to take the machine down.  The checks
 * and their errnos are Xen's, in Xen's order.  Only S5 is carried out:
 * nothing here could bring the machine back from S3, which is refused as
 * Xen refuses it without a wakeup vector, and Xen itself has no S1/S2/S4.
 * Returns only if the machine did not go down.
 */
int acpi_enter_sleep(const struct xenpf_enter_acpi_sleep *sleep)
{
    static DEFINE_SPINLOCK(sleep_lock, sleep);
    const struct acpi_fadt_info *f = &acpi_info.fadt;

    if ( sleep->sleep_state == ACPI_STATE_S3 )
        return -EOPNOTSUPP;
    if ( sleep->flags & ~XENPF_ACPI_SLEEP_EXTENDED )
        return -EINVAL;
    /*
     * Hardware-reduced sleep: Xen needs the FADT's sleep control and
     * status registers, which we do not read, so this is the answer Xen
     * gives on a machine without them.
     */
    if ( sleep->flags & XENPF_ACPI_SLEEP_EXTENDED )
        return -EPERM;
    if ( !f->present || !f->pm1a_control.address )
        return -EPERM;
    /* Both halves must agree on whether this write enters the state. */
    if ( f->pm1b_control.address &&
         ((sleep->val_a ^ sleep->val_b) & ACPI_SLP_EN) )
        return -EINVAL;
    if ( sleep->sleep_state == 0 || sleep->sleep_state > ACPI_STATE_S5 )
        return -EINVAL;
    /* Another CPU is already at it. */
    if ( !spin_trylock(&sleep_lock) )
        return -EBUSY;
    if ( sleep->sleep_state != ACPI_STATE_S5 )
    {
        spin_unlock(&sleep_lock);
        return -EINVAL;
    }

    printk(XENLOG_INFO "Preparing system for ACPI S%u state.\n",
           sleep->sleep_state);
    printk(XENLOG_INFO "Entering ACPI S%u state.\n", sleep->sleep_state);
    /* As the ACPI spec orders it: SLP_TYP first, then with SLP_EN. */
    gas_write(&f->pm1a_control, sleep->val_a & ~ACPI_SLP_EN);
    if ( f->pm1b_control.address )
        gas_write(&f->pm1b_control, sleep->val_b & ~ACPI_SLP_EN);
    gas_write(&f->pm1a_control, sleep->val_a);
    if ( f->pm1b_control.address )
        gas_write(&f->pm1b_control, sleep->val_b);
    /* Power goes away some time after the write, not at once. */
    mdelay(ACPI_OFF_WAIT_MS);
    printk("ACPI S%u state not entered\n", sleep->sleep_state);
    spin_unlock(&sleep_lock);
    return -EIO;
}
