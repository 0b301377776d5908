/* SPDX-License-Identifier: GPL-2.0-only */
/* Dom0's MSIs and MSI-X entries: programmed by us, sent as PIRQ events. */
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/pci.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/irq.h>
#include <asm/smp.h>

/*
 * As in Xen, the hypervisor writes the message (the address of the local
 * APIC of the CPU to interrupt, and a vector of ours) into the device:
 * dom0 only maps the MSI or MSI-X entry to a PIRQ and binds it, and
 * enables MSI or MSI-X in the control register.  The message is fixed
 * delivery, physical destination, edge.
 */
#define MSI_ADDR_BASE       0xfee00000U
#define MSI_ADDR_DEST_SHIFT 12

/* The capability's registers (the data's offset depends on 64-bit). */
#define MSI_FLAGS           2
#define MSI_FLAGS_64BIT     0x0080
#define MSI_FLAGS_MASKBIT   0x0100
#define MSI_ADDR_LO         4
#define MSI_ADDR_HI         8

/* An MSI-X entry's dwords. */
#define MSIX_ADDR_LO        0
#define MSIX_ADDR_HI        1
#define MSIX_DATA           2
#define MSIX_CTRL           3
#define MSIX_CTRL_MASKED    1U

struct msi_irq {
    struct domain *owner;       /* NULL: free */
    pci_sbdf_t sbdf;
    bool msix;
    unsigned int entry;
    uint32_t *table;            /* MSI-X: the entry's four dwords */
    unsigned int pos;           /* MSI: the capability's offset */
    uint8_t vector;             /* 0 until first bound */
    unsigned int cpu;
    unsigned int pirq, port;    /* port 0: not bound */
};

/*
 * msi_lock guards every entry; d->event_lock, when held, is taken first.
 * The interrupt handler reads a binding under it, and a binding goes
 * before its port or domain does, as for GSIs.
 */
static struct msi_irq msis[MAX_MSI_IRQS];
static DEFINE_SPINLOCK(msi_lock, msi);

static struct msi_irq *msi_of(unsigned int irq)
{
    return irq_is_msi(irq) && irq < MSI_IRQ_BASE + MAX_MSI_IRQS
           ? &msis[irq - MSI_IRQ_BASE] : NULL;
}

static unsigned int msi_data_reg(const struct msi_irq *m)
{
    uint16_t flags = pci_conf_read16(m->sbdf, m->pos + MSI_FLAGS);

    return m->pos + (flags & MSI_FLAGS_64BIT ? 12 : 8);
}

/* Masks or unmasks the interrupt at the device, where it can. */
static void msi_mask(const struct msi_irq *m, bool masked)
{
    uint16_t flags;
    unsigned int reg;

    if ( m->msix )
    {
        writel(masked ? MSIX_CTRL_MASKED : 0, &m->table[MSIX_CTRL]);
        return;
    }
    /* A plain MSI without per-vector masking: the vector says nothing. */
    flags = pci_conf_read16(m->sbdf, m->pos + MSI_FLAGS);
    if ( !(flags & MSI_FLAGS_MASKBIT) )
        return;
    reg = m->pos + (flags & MSI_FLAGS_64BIT ? 16 : 12);
    pci_conf_write32(m->sbdf, reg, (pci_conf_read32(m->sbdf, reg) & ~1U) |
                                   masked);
}

static uint32_t msi_address(unsigned int cpu)
{
    ASSERT(cpu_physical_id(cpu) <= 0xff);
    return MSI_ADDR_BASE | (cpu_physical_id(cpu) << MSI_ADDR_DEST_SHIFT);
}

static void msi_write_message(const struct msi_irq *m)
{
    uint32_t addr = msi_address(m->cpu);

    if ( m->msix )
    {
        writel(addr, &m->table[MSIX_ADDR_LO]);
        writel(0, &m->table[MSIX_ADDR_HI]);
        writel(m->vector, &m->table[MSIX_DATA]);
        return;
    }
    pci_conf_write32(m->sbdf, m->pos + MSI_ADDR_LO, addr);
    if ( pci_conf_read16(m->sbdf, m->pos + MSI_FLAGS) & MSI_FLAGS_64BIT )
        pci_conf_write32(m->sbdf, m->pos + MSI_ADDR_HI, 0);
    pci_conf_write16(m->sbdf, msi_data_reg(m), m->vector);
}

int msi_irq_create(struct domain *d, pci_sbdf_t sbdf, bool msix,
                   unsigned int entry)
{
    struct msi_irq *m, *free = NULL;
    unsigned long flags;
    uint64_t where;
    void *table = NULL;
    int rc;

    if ( !msix )
        entry = 0;
    rc = pci_msi_target(d, sbdf, msix, entry, &where);
    if ( rc )
        return rc;
    /* The table's page gets an uncached mapping: below 4 GiB only. */
    if ( msix && !(table = map_platform_mmio(where)) )
        return -ENXIO;
    /* A new entry keeps the table read-only to dom0; see out below. */
    if ( msix && (rc = pci_msix_get(sbdf)) )
        return rc;

    spin_lock_irqsave(&msi_lock, flags);
    for ( unsigned int i = 0; i < MAX_MSI_IRQS; i++ )
    {
        m = &msis[i];
        if ( !m->owner )
        {
            if ( !free )
                free = m;
            continue;
        }
        /* Mapped again: the same IRQ, so the same PIRQ comes back. */
        if ( m->sbdf.sbdf == sbdf.sbdf && m->msix == msix &&
             m->entry == entry )
        {
            rc = m->owner == d ? (int)(MSI_IRQ_BASE + i) : -EBUSY;
            goto out;
        }
    }
    if ( !free )
    {
        rc = -ENOSPC;
        goto out;
    }
    m = free;
    *m = (struct msi_irq){ .owner = d, .sbdf = sbdf, .msix = msix,
                           .entry = entry, .table = table,
                           .pos = msix ? 0 : where };
    msi_mask(m, true);
    rc = MSI_IRQ_BASE + (m - msis);
    spin_unlock_irqrestore(&msi_lock, flags);
    return rc;

 out:
    spin_unlock_irqrestore(&msi_lock, flags);
    /* No new entry: the use taken above is not one (pcidevs_lock first). */
    if ( msix )
        pci_msix_put(sbdf);
    return rc;
}

void msi_irq_destroy(unsigned int irq)
{
    struct msi_irq *m = msi_of(irq);
    unsigned long flags;
    bool msix = false;
    pci_sbdf_t sbdf = {};

    if ( !m )
        return;
    spin_lock_irqsave(&msi_lock, flags);
    if ( m->owner )
    {
        msi_mask(m, true);
        if ( m->vector )
            irq_free_vector(m->vector);
        m->owner = NULL;
        msix = m->msix;
        sbdf = m->sbdf;
    }
    spin_unlock_irqrestore(&msi_lock, flags);
    /* The entry's use of the table ends (pcidevs_lock is taken first). */
    if ( msix )
        pci_msix_put(sbdf);
}

int msi_guest_bind(unsigned int irq, struct domain *d, unsigned int pirq,
                   unsigned int port, unsigned int cpu)
{
    struct msi_irq *m = msi_of(irq);
    unsigned long flags;
    int rc = 0;

    if ( !m )
        return -EINVAL;
    spin_lock_irqsave(&msi_lock, flags);
    if ( m->owner != d )
        rc = -EINVAL;
    else if ( m->port )
        rc = -EBUSY;
    else if ( !m->vector && (rc = irq_alloc_vector(irq)) > 0 )
    {
        m->vector = rc;
        rc = 0;
    }
    if ( !rc )
    {
        m->pirq = pirq;
        m->port = port;
        m->cpu = cpu;
        msi_write_message(m);
        msi_mask(m, false);
    }
    spin_unlock_irqrestore(&msi_lock, flags);
    return rc;
}

void msi_guest_unbind(unsigned int irq)
{
    struct msi_irq *m = msi_of(irq);
    unsigned long flags;

    if ( !m )
        return;
    spin_lock_irqsave(&msi_lock, flags);
    if ( m->owner && m->port )
    {
        msi_mask(m, true);
        m->port = 0;
    }
    spin_unlock_irqrestore(&msi_lock, flags);
}

void msi_set_cpu(unsigned int irq, unsigned int cpu)
{
    struct msi_irq *m = msi_of(irq);
    unsigned long flags;

    if ( !m )
        return;
    spin_lock_irqsave(&msi_lock, flags);
    if ( m->owner && m->port && m->cpu != cpu )
    {
        m->cpu = cpu;
        msi_write_message(m);
    }
    spin_unlock_irqrestore(&msi_lock, flags);
}

void msi_interrupt(unsigned int irq)
{
    struct msi_irq *m = msi_of(irq);

    spin_lock(&msi_lock);
    if ( m && m->owner && m->port )
        pirq_deliver(m->owner, m->pirq, m->port, false);
    spin_unlock(&msi_lock);
}
