/* SPDX-License-Identifier: GPL-2.0-only */
/* Finds the ACPI tables at boot, and uses the FADT to reset or power off. */
#include <xen/acpi.h>
#include <xen/lib.h>
#include <asm/acpi.h>
#include <asm/io.h>
#include <asm/mm.h>
#include <asm/multiboot.h>
#include <asm/page.h>

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
        printk(XENLOG_WARNING "WARNING: no usable ACPI tables (rc=%d): "
               "one CPU, legacy timers, no ACPI power control\n", rc);
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

#define ACPI_SLP_TYP_SHIFT  10
#define ACPI_SLP_EN         (1u << 13)

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
}
