/* SPDX-License-Identifier: GPL-2.0-only */
/* IO-APICs from the MADT: all entries masked at boot, GSIs routed later. */
#include <xen/acpi.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/spinlock.h>
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/io_apic.h>
#include <asm/irq.h>
#include <asm/smp.h>
#include <xen/perfc.h>

/* Registers are reached through an index (IOREGSEL) and a window (IOWIN). */
#define IOAPIC_REGSEL      0x00
#define IOAPIC_WINDOW      0x10
#define IOAPIC_REG_ID      0x00
#define IOAPIC_REG_VERSION 0x01
#define IOAPIC_REG_RTE(n)  (0x10 + 2 * (n)) /* low half; high is +1 */

/* Redirection entry, low half. */
#define RTE_ACTIVE_LOW (1U << 13)
#define RTE_LEVEL      (1U << 15)
#define RTE_MASKED     (1U << 16)
/* High half: the destination APIC ID in bits 31:24 (physical mode). */
#define RTE_DEST_SHIFT 24

/* MPS INTI flags, as in the MADT's interrupt source overrides. */
#define INTI_POLARITY_MASK 0x3
#define INTI_ACTIVE_LOW    0x3
#define INTI_TRIGGER_MASK  0xc
#define INTI_LEVEL         0xc

static struct ioapic {
    void *va;
    paddr_t paddr; /* what dom0 names it by (apic_read) */
    unsigned int id;
    unsigned int gsi_base;
    unsigned int nr_entries;
    /*
     * Each entry's low half as last written: every write goes through
     * ioapic_lock and the bits the IO-APIC itself changes (delivery
     * status, remote IRR) are read-only, so masking or unmasking is one
     * register write, not a read and a write (each an MMIO exit under
     * emulation, and this is every level interrupt's path).
     */
    uint32_t low[256];
} ioapics[ACPI_MAX_IOAPICS];
static unsigned int nr_ioapics;

static DEFINE_SPINLOCK(ioapic_lock, ioapic);

/* The MADT's ISA overrides, kept for routing later. */
static struct {
    unsigned int isa_irq, gsi;
    uint16_t flags;
} overrides[ACPI_MAX_OVERRIDES];
static unsigned int nr_overrides;

static uint32_t ioapic_read(const struct ioapic *io, unsigned int reg)
{
    perfc_incr(ioapic_read);
    writel(reg, (char *)io->va + IOAPIC_REGSEL);
    return readl((char *)io->va + IOAPIC_WINDOW);
}

static void ioapic_write(const struct ioapic *io, unsigned int reg,
                         uint32_t val)
{
    perfc_incr(ioapic_write);
    writel(reg, (char *)io->va + IOAPIC_REGSEL);
    writel(val, (char *)io->va + IOAPIC_WINDOW);
}

static struct ioapic *gsi_to_ioapic(unsigned int gsi, unsigned int *pin)
{
    for ( unsigned int i = 0; i < nr_ioapics; i++ )
    {
        struct ioapic *io = &ioapics[i];

        if ( gsi >= io->gsi_base && gsi < io->gsi_base + io->nr_entries )
        {
            *pin = gsi - io->gsi_base;
            return io;
        }
    }
    return NULL;
}

unsigned int isa_irq_to_gsi(unsigned int isa_irq)
{
    for ( unsigned int i = 0; i < nr_overrides; i++ )
        if ( overrides[i].isa_irq == isa_irq )
            return overrides[i].gsi;
    return isa_irq;
}

unsigned int ioapic_nr_gsis(void)
{
    unsigned int n = 0;

    for ( unsigned int i = 0; i < nr_ioapics; i++ )
        n = max(n, ioapics[i].gsi_base + ioapics[i].nr_entries);
    return n;
}

/* Trigger and polarity bits of a redirection entry for gsi. */
static uint32_t gsi_mode(unsigned int gsi)
{
    uint32_t mode = 0; /* ISA: edge, active high */
    bool isa = gsi < 16;

    for ( unsigned int i = 0; i < nr_overrides; i++ )
    {
        uint16_t f = overrides[i].flags;

        if ( overrides[i].gsi == gsi )
        {
            /* "Conforms to the bus" means ISA's edge, active high. */
            if ( (f & INTI_POLARITY_MASK) == INTI_ACTIVE_LOW )
                mode |= RTE_ACTIVE_LOW;
            if ( (f & INTI_TRIGGER_MASK) == INTI_LEVEL )
                mode |= RTE_LEVEL;
            return mode;
        }
        /* An ISA IRQ moved elsewhere leaves its identity GSI to PCI. */
        if ( overrides[i].isa_irq == gsi )
            isa = false;
    }
    return isa ? mode : RTE_ACTIVE_LOW | RTE_LEVEL;
}

/* An entry's low half, kept in io->low; with ioapic_lock held. */
static void write_low(struct ioapic *io, unsigned int pin, uint32_t low)
{
    io->low[pin] = low;
    ioapic_write(io, IOAPIC_REG_RTE(pin), low);
}

static void set_mask(unsigned int gsi, bool masked)
{
    unsigned int pin;
    struct ioapic *io = gsi_to_ioapic(gsi, &pin);
    unsigned long flags;
    uint32_t low;

    if ( !io )
        return;
    spin_lock_irqsave(&ioapic_lock, flags);
    low = io->low[pin];
    low = masked ? low | RTE_MASKED : low & ~RTE_MASKED;
    write_low(io, pin, low);
    spin_unlock_irqrestore(&ioapic_lock, flags);
}

void ioapic_mask(unsigned int gsi)
{
    set_mask(gsi, true);
}

void ioapic_unmask(unsigned int gsi)
{
    set_mask(gsi, false);
}

void ioapic_default_mode(unsigned int gsi, bool *level, bool *active_low)
{
    uint32_t mode = gsi_mode(gsi);

    *level = mode & RTE_LEVEL;
    *active_low = mode & RTE_ACTIVE_LOW;
}

int ioapic_route(unsigned int gsi, unsigned int vector, unsigned int cpu,
                 bool level, bool active_low, bool masked)
{
    unsigned int pin;
    struct ioapic *io = gsi_to_ioapic(gsi, &pin);
    unsigned long flags;
    uint32_t low;

    if ( !io )
        return -ENOENT;
    ASSERT(vector >= FIRST_DYNAMIC_VECTOR && vector <= LAST_DYNAMIC_VECTOR);
    ASSERT(cpu_physical_id(cpu) <= 0xff);

    /* Fixed delivery, physical destination; unmasked last of all. */
    low = vector | (level ? RTE_LEVEL : 0) | (active_low ? RTE_ACTIVE_LOW : 0);
    spin_lock_irqsave(&ioapic_lock, flags);
    write_low(io, pin, low | RTE_MASKED);
    ioapic_write(io, IOAPIC_REG_RTE(pin) + 1,
                 cpu_physical_id(cpu) << RTE_DEST_SHIFT);
    if ( !masked )
        write_low(io, pin, low);
    spin_unlock_irqrestore(&ioapic_lock, flags);
    return 0;
}

void ioapic_set_dest(unsigned int gsi, unsigned int cpu)
{
    unsigned int pin;
    struct ioapic *io = gsi_to_ioapic(gsi, &pin);
    unsigned long flags;

    if ( !io )
        return;
    ASSERT(cpu_physical_id(cpu) <= 0xff);
    /* The high half alone: the mask bit, in the low half, stays. */
    spin_lock_irqsave(&ioapic_lock, flags);
    ioapic_write(io, IOAPIC_REG_RTE(pin) + 1,
                 cpu_physical_id(cpu) << RTE_DEST_SHIFT);
    spin_unlock_irqrestore(&ioapic_lock, flags);
}

int ioapic_guest_read(paddr_t physbase, unsigned int reg, uint32_t *val)
{
    unsigned long flags;

    for ( unsigned int i = 0; i < nr_ioapics; i++ )
    {
        if ( ioapics[i].paddr != physbase )
            continue;
        spin_lock_irqsave(&ioapic_lock, flags);
        *val = ioapic_read(&ioapics[i], reg & 0xff);
        spin_unlock_irqrestore(&ioapic_lock, flags);
        return 0;
    }
    return -EINVAL;
}

bool ioapic_known(paddr_t physbase)
{
    for ( unsigned int i = 0; i < nr_ioapics; i++ )
        if ( ioapics[i].paddr == physbase )
            return true;
    return false;
}

static void __init setup_ioapic(const struct acpi_madt_info *madt,
                                unsigned int i)
{
    struct ioapic *io = &ioapics[nr_ioapics];
    uint32_t ver;

    /* A 32-bit address in the MADT: always within the boot direct map. */
    io->va = map_platform_mmio(madt->ioapics[i].address);
    io->paddr = madt->ioapics[i].address;
    io->id = madt->ioapics[i].id;
    io->gsi_base = madt->ioapics[i].gsi_base;
    ver = ioapic_read(io, IOAPIC_REG_VERSION);
    io->nr_entries = ((ver >> 16) & 0xff) + 1;
    nr_ioapics++;

    /* Nothing may interrupt us before its owner asks for it. */
    for ( unsigned int pin = 0; pin < io->nr_entries; pin++ )
    {
        write_low(io, pin, RTE_MASKED);
        ioapic_write(io, IOAPIC_REG_RTE(pin) + 1, 0);
    }

    printk("IOAPIC[%u]: apic_id %u, version %u, address %#x, GSI %u-%u\n",
           nr_ioapics - 1, io->id, ver & 0xff, madt->ioapics[i].address,
           io->gsi_base, io->gsi_base + io->nr_entries - 1);
}

void __init init_IRQ(const struct acpi_madt_info *madt)
{
    unsigned int nr;

    init_8259A();

    if ( !madt || !madt->present )
    {
        irq_gsi_init();
        return;
    }

    nr = min(madt->nr_ioapics, (unsigned int)ACPI_MAX_IOAPICS);
    for ( unsigned int i = 0; i < nr; i++ )
        setup_ioapic(madt, i);
    if ( !nr_ioapics )
        printk(XENLOG_WARNING "No IO-APIC in the MADT\n");

    nr = min(madt->nr_overrides, (unsigned int)ACPI_MAX_OVERRIDES);
    for ( unsigned int i = 0; i < nr; i++ )
    {
        /* Bus 0 is ISA, the only bus overrides are defined for. */
        if ( madt->overrides[i].bus != 0 || madt->overrides[i].source > 15 )
            continue;
        overrides[nr_overrides].isa_irq = madt->overrides[i].source;
        overrides[nr_overrides].gsi = madt->overrides[i].gsi;
        overrides[nr_overrides].flags = madt->overrides[i].flags;
        nr_overrides++;
    }
    irq_gsi_init();
}
