/* SPDX-License-Identifier: GPL-2.0-only */
/* Dom0's MSIs and MSI-X entries: programmed by us, sent as PIRQ events. */
#include <xen/bitops.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/pci.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/irq.h>
#include <xen/perfc.h>
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
#define MSI_FLAGS         2
#define MSI_FLAGS_QMASK   0x000eU /* log2 of the vectors it can send */
#define MSI_FLAGS_QSIZE   0x0070  /* log2 of those enabled */
#define MSI_FLAGS_64BIT   0x0080
#define MSI_FLAGS_MASKBIT 0x0100
#define MSI_ADDR_LO       4
#define MSI_ADDR_HI       8

/* An MSI-X entry's dwords. */
#define MSIX_ADDR_LO     0
#define MSIX_ADDR_HI     1
#define MSIX_DATA        2
#define MSIX_CTRL        3
#define MSIX_CTRL_MASKED 1U

/*
 * A multi-vector MSI is nvec entries in consecutive slots, entry 0 to
 * nvec - 1, with consecutive vectors from a multiple of nvec: the device
 * sends the message data (entry 0's vector) with the entry number in its
 * low bits, to the one address they share.
 */
struct msi_irq {
    struct domain *owner; /* NULL: free */
    pci_sbdf_t sbdf;
    bool msix;
    unsigned int entry; /* MSI-X: the table's; MSI: in the group */
    unsigned int nvec;  /* MSI: the group's vectors */
    uint32_t *table;    /* MSI-X: the entry's four dwords */
    unsigned int pos;   /* the capability's offset */
    uint8_t vector;     /* single: 0 until first bound */
    bool masked;        /* by us: not bound */
    bool guest_masked;  /* by dom0, in the MSI's mask bits */
    unsigned int cpu;
    unsigned int pirq, port; /* port 0: not bound */
};

/*
 * msi_lock guards every entry; d->event_lock, when held, is taken first.
 * The interrupt handler reads a binding under it, and a binding goes
 * before its port or domain does, as for GSIs.
 */
static struct msi_irq msis[MAX_MSI_IRQS];
static DEFINE_SPINLOCK(msi_lock, msi);

/*
 * Devices whose MSI-X Function Mask the hypervisor forces on, Xen's
 * host_maskall: it had to mask an entry while the device decoded no
 * memory, so the table was out of reach and only the Function Mask
 * could stop the vector, which may be freed and reused.  Dom0's 16-bit
 * control writes keep it set, and its own bit (Xen's guest_maskall) is
 * kept here until the table's next first use gives it back.  A device
 * not listed has no forced mask, and its register holds dom0's bit.
 * Under msi_lock.
 */
#define MAX_MSIX_FORCED 8

static struct msix_forced {
    bool on;
    bool guest; /* dom0's Function Mask */
    pci_sbdf_t sbdf;
} msix_forced[MAX_MSIX_FORCED];

static struct msix_forced *forced_of(pci_sbdf_t sbdf)
{
    for ( unsigned int i = 0; i < MAX_MSIX_FORCED; i++ )
        if ( msix_forced[i].on && msix_forced[i].sbdf.sbdf == sbdf.sbdf )
            return &msix_forced[i];
    return NULL;
}

static struct msi_irq *msi_of(unsigned int irq)
{
    return irq_is_msi(irq) && irq < MSI_IRQ_BASE + MAX_MSI_IRQS
               ? &msis[irq - MSI_IRQ_BASE]
               : NULL;
}

static unsigned int msi_data_reg(unsigned int pos, uint16_t flags)
{
    return pos + (flags & MSI_FLAGS_64BIT ? 12 : 8);
}

/* The Mask Bits register, after the data (the Pending Bits follow). */
static unsigned int msi_mask_reg(unsigned int pos, uint16_t flags)
{
    return pos + (flags & MSI_FLAGS_64BIT ? 16 : 12);
}

/* The most vectors the function can send (a larger field is reserved). */
static unsigned int msi_max_vectors(uint16_t flags)
{
    return 1U << min((flags & MSI_FLAGS_QMASK) >> 1U, 5U);
}

static uint32_t low_bits(unsigned int n)
{
    return n >= 32 ? ~0U : (1U << n) - 1;
}

/* The first entry of m's MSI group (m itself for MSI-X). */
static struct msi_irq *group_of(struct msi_irq *m)
{
    return m->msix ? m : m - m->entry;
}

/*
 * An MSI-X entry's mask, as Xen's msi_set_mask_bit(): with MSI-X off,
 * MSI-X is turned on meanwhile with the Function Mask set (some devices
 * ignore their table otherwise).  A device that decodes no memory has
 * its table out of reach: masking then sets the Function Mask instead
 * and keeps it forced (unless dom0 had set it already); unmasking
 * leaves the entry as it was.
 */
static void msix_mask(struct msi_irq *m, bool masked)
{
    unsigned int reg = m->pos + PCI_MSIX_FLAGS;
    uint16_t ctrl = pci_conf_read16(m->sbdf, reg);
    struct msix_forced *f = forced_of(m->sbdf);
    bool guest = f ? f->guest : ctrl & PCI_MSIX_FLAGS_MASKALL;

    if ( !(ctrl & PCI_MSIX_FLAGS_ENABLE) )
        pci_conf_write16(m->sbdf, reg,
                         ctrl | PCI_MSIX_FLAGS_ENABLE |
                             PCI_MSIX_FLAGS_MASKALL);
    if ( pci_conf_read16(m->sbdf, PCI_COMMAND) & PCI_COMMAND_MEMORY )
    {
        writel(masked ? MSIX_CTRL_MASKED : 0, &m->table[MSIX_CTRL]);
        if ( ctrl & PCI_MSIX_FLAGS_ENABLE )
            return;
    }
    else if ( masked && !f && !(ctrl & PCI_MSIX_FLAGS_MASKALL) )
    {
        for ( unsigned int i = 0; !f && i < MAX_MSIX_FORCED; i++ )
            if ( !msix_forced[i].on )
                f = &msix_forced[i];
        /* Out of slots: masked now, but dom0 may unmask the function. */
        if ( f )
            *f = (struct msix_forced){ .on = true,
                                       .guest = guest,
                                       .sbdf = m->sbdf };
        printk(XENLOG_WARNING "cannot mask IRQ %u: masking MSI-X on "
                              "%04x:%02x:%02x.%u\n",
               MSI_IRQ_BASE + (unsigned int)(m - msis), m->sbdf.seg,
               m->sbdf.bus, PCI_SLOT(m->sbdf.devfn), PCI_FUNC(m->sbdf.devfn));
        ctrl |= PCI_MSIX_FLAGS_MASKALL;
    }
    if ( f || guest )
        ctrl |= PCI_MSIX_FLAGS_MASKALL;
    pci_conf_write16(m->sbdf, reg, ctrl);
}

void msix_ctrl_write(pci_sbdf_t sbdf, unsigned int reg, uint16_t val)
{
    struct msix_forced *f;
    unsigned long flags;

    spin_lock_irqsave(&msi_lock, flags);
    f = forced_of(sbdf);
    if ( f )
    {
        f->guest = val & PCI_MSIX_FLAGS_MASKALL;
        val |= PCI_MSIX_FLAGS_MASKALL;
    }
    pci_conf_write16(sbdf, reg, val);
    spin_unlock_irqrestore(&msi_lock, flags);
}

void msix_first_use(pci_sbdf_t sbdf, unsigned int pos)
{
    struct msix_forced *f;
    unsigned long flags;
    uint16_t ctrl;

    spin_lock_irqsave(&msi_lock, flags);
    f = forced_of(sbdf);
    ctrl = pci_conf_read16(sbdf, pos + PCI_MSIX_FLAGS);
    if ( f )
    {
        ctrl &= ~PCI_MSIX_FLAGS_MASKALL;
        if ( f->guest )
            ctrl |= PCI_MSIX_FLAGS_MASKALL;
        f->on = false;
        pci_conf_write16(sbdf, pos + PCI_MSIX_FLAGS, ctrl);
    }
    spin_unlock_irqrestore(&msi_lock, flags);
}

/*
 * Masks or unmasks the interrupt at the device, where it can: an MSI-X
 * entry's vector control, or the MSI's Mask Bits (one per vector), as
 * Xen does.  A plain MSI without them cannot be masked: disabling it
 * instead would lose interrupts dom0 is owed and fight dom0's own writes
 * of the enable bit.  What dom0 masked there stays masked.
 */
static void msi_mask(struct msi_irq *m, bool masked)
{
    uint16_t flags;
    unsigned int reg;
    uint32_t bits;

    m->masked = masked;
    if ( m->msix )
    {
        msix_mask(m, masked);
        return;
    }
    flags = pci_conf_read16(m->sbdf, m->pos + MSI_FLAGS);
    if ( !(flags & MSI_FLAGS_MASKBIT) )
        return;
    reg = msi_mask_reg(m->pos, flags);
    bits = pci_conf_read32(m->sbdf, reg) & ~(1U << m->entry);
    if ( masked || m->guest_masked )
        bits |= 1U << m->entry;
    pci_conf_write32(m->sbdf, reg, bits);
}

static uint32_t msi_address(unsigned int cpu)
{
    ASSERT(cpu_physical_id(cpu) <= 0xff);
    return MSI_ADDR_BASE | (cpu_physical_id(cpu) << MSI_ADDR_DEST_SHIFT);
}

/*
 * Points m's message at cpu: an MSI-X entry's, or the MSI's, whose
 * vectors all go where its first does; an MSI also gets its number of
 * vectors enabled (dom0 sets the enable bit).
 */
static void msi_write_message(struct msi_irq *m, unsigned int cpu)
{
    uint32_t addr = msi_address(cpu);
    uint16_t flags;

    perfc_incr(msi_write);
    if ( m->msix )
    {
        m->cpu = cpu;
        writel(addr, &m->table[MSIX_ADDR_LO]);
        writel(0, &m->table[MSIX_ADDR_HI]);
        writel(m->vector, &m->table[MSIX_DATA]);
        return;
    }
    m = group_of(m);
    for ( unsigned int i = 0; i < m->nvec; i++ )
        m[i].cpu = cpu;
    flags = pci_conf_read16(m->sbdf, m->pos + MSI_FLAGS);
    pci_conf_write32(m->sbdf, m->pos + MSI_ADDR_LO, addr);
    if ( flags & MSI_FLAGS_64BIT )
        pci_conf_write32(m->sbdf, m->pos + MSI_ADDR_HI, 0);
    pci_conf_write16(m->sbdf, msi_data_reg(m->pos, flags), m->vector);
    pci_conf_write16(m->sbdf, m->pos + MSI_FLAGS,
                     (flags & ~MSI_FLAGS_QSIZE) | (__ffs(m->nvec) << 4));
}

/* Whether another vector of m's MSI group is bound (its CPU is set). */
static bool group_bound(struct msi_irq *m)
{
    struct msi_irq *g = group_of(m);

    for ( unsigned int i = 0; !m->msix && i < g->nvec; i++ )
        if ( &g[i] != m && g[i].owner && g[i].port )
            return true;
    return false;
}

int msi_irq_create(struct domain *d, pci_sbdf_t sbdf, bool msix,
                   unsigned int entry, unsigned int *nvec)
{
    struct msi_irq *m, *free = NULL;
    unsigned int n = msix ? 1 : *nvec, run = 0;
    unsigned long flags;
    uint16_t mflags;
    uint64_t where;
    void *table = NULL;
    int rc, vec = 0;

    if ( !msix )
        entry = 0;
    rc = pci_msi_target(d, sbdf, msix, entry, &where);
    if ( rc )
        return rc;
    /* As Xen: more vectors than the function sends, and how many it can. */
    mflags = msix ? 0 : pci_conf_read16(sbdf, where + MSI_FLAGS);
    if ( !msix && n > msi_max_vectors(mflags) )
    {
        *nvec = msi_max_vectors(mflags);
        return -ENFILE;
    }
    /* The table's page gets an uncached mapping: below 4 GiB only. */
    if ( msix && !(table = map_platform_mmio(where)) )
        return -ENXIO;
    if ( msix )
        where = pci_find_cap_offset(sbdf, PCI_CAP_ID_MSIX);
    /* A new entry keeps the table read-only to dom0; see out below. */
    if ( msix && (rc = pci_msix_get(sbdf)) )
        return rc;

    spin_lock_irqsave(&msi_lock, flags);
    for ( unsigned int i = 0; i < MAX_MSI_IRQS; i++ )
    {
        m = &msis[i];
        if ( !m->owner )
        {
            /* The first run of n free slots. */
            if ( !free && ++run == n )
                free = m + 1 - n;
            continue;
        }
        run = 0;
        /*
         * Mapped again: the same IRQ, so the same PIRQ comes back; an
         * MSI with another number of vectors is one already in use.
         */
        if ( m->sbdf.sbdf == sbdf.sbdf && m->msix == msix &&
             m->entry == entry )
        {
            rc = m->owner != d           ? -EBUSY
                 : !msix && m->nvec != n ? -EEXIST
                                         : (int)(MSI_IRQ_BASE + i);
            goto out;
        }
    }
    if ( free && n > 1 )
        vec = irq_alloc_vector_block(MSI_IRQ_BASE + (free - msis), n);
    if ( !free || vec < 0 )
    {
        rc = -ENOSPC;
        goto out;
    }
    /* As Xen: every vector the MSI can send starts masked, used or not. */
    if ( !msix && (mflags & MSI_FLAGS_MASKBIT) )
    {
        unsigned int reg = msi_mask_reg(where, mflags);

        pci_conf_write32(sbdf, reg,
                         pci_conf_read32(sbdf, reg) |
                             low_bits(msi_max_vectors(mflags)));
    }
    for ( unsigned int i = 0; i < n; i++ )
    {
        m = &free[i];
        *m = (struct msi_irq){ .owner = d,
                               .sbdf = sbdf,
                               .msix = msix,
                               .entry = msix ? entry : i,
                               .nvec = n,
                               .table = table,
                               .pos = where,
                               .vector = n > 1 ? vec + i : 0 };
        msi_mask(m, true);
    }
    rc = MSI_IRQ_BASE + (free - msis);
    spin_unlock_irqrestore(&msi_lock, flags);
    return rc;

out:
    spin_unlock_irqrestore(&msi_lock, flags);
    /* No new entry: the use taken above is not one (pcidevs_lock first). */
    if ( msix )
        pci_msix_put(sbdf);
    return rc;
}

unsigned int msi_irq_nvec(unsigned int irq)
{
    const struct msi_irq *m = msi_of(irq);
    unsigned long flags;
    unsigned int n = 1;

    if ( !m )
        return 1;
    spin_lock_irqsave(&msi_lock, flags);
    if ( m->owner && !m->msix )
        n = m->entry ? 0 : m->nvec;
    spin_unlock_irqrestore(&msi_lock, flags);
    return n;
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
        /* A vector joining bound ones of its MSI keeps their address. */
        if ( !group_bound(m) )
            msi_write_message(m, cpu);
        m->pirq = pirq;
        m->port = port;
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
    /*
     * An MSI's vectors share one address: the first's vCPU moves them.
     * An MSI-X entry's data and high address are as bind wrote them
     * (dom0 cannot write the table): one aligned store of the low half
     * moves it at once, where the whole message was three MMIO exits on
     * every vCPU migration.
     */
    if ( m->owner && m->port && m->cpu != cpu && m->msix )
    {
        perfc_incr(msi_write);
        m->cpu = cpu;
        writel(msi_address(cpu), &m->table[MSIX_ADDR_LO]);
    }
    else if ( m->owner && m->port && m->cpu != cpu && !m->entry )
        msi_write_message(m, cpu);
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

bool msi_conf_write(pci_sbdf_t sbdf, unsigned int reg, unsigned int size,
                    uint32_t val)
{
    struct msi_irq *g = NULL;
    unsigned long irqflags;
    unsigned int mreg;
    uint16_t flags;
    bool ours = false;

    spin_lock_irqsave(&msi_lock, irqflags);
    for ( unsigned int i = 0; i < MAX_MSI_IRQS && !g; i++ )
        if ( msis[i].owner && !msis[i].msix && !msis[i].entry &&
             msis[i].sbdf.sbdf == sbdf.sbdf )
            g = &msis[i];
    flags = g ? pci_conf_read16(sbdf, g->pos + MSI_FLAGS) : 0;
    /* As Xen: an MSI it cannot mask is left to dom0 as it is. */
    if ( !(flags & MSI_FLAGS_MASKBIT) )
        goto out;
    mreg = msi_mask_reg(g->pos, flags);
    if ( reg < g->pos || reg >= mreg + 8 )
        goto out;
    ours = true;
    if ( reg == g->pos + MSI_FLAGS && size == 2 )
        pci_conf_write16(sbdf, reg, val);
    else if ( reg == mreg && size == 4 )
    {
        /* Vectors it does not use stay masked, and so do ours. */
        val |= low_bits(msi_max_vectors(flags)) & ~low_bits(g->nvec);
        for ( unsigned int i = 0; i < g->nvec; i++ )
        {
            g[i].guest_masked = val & (1U << i);
            if ( g[i].masked )
                val |= 1U << i;
        }
        pci_conf_write32(sbdf, reg, val);
    }
out:
    spin_unlock_irqrestore(&msi_lock, irqflags);
    return ours;
}
