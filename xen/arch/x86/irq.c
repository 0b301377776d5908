/* SPDX-License-Identifier: GPL-2.0-only */
/* Device interrupts: a descriptor and a vector per GSI, sent to guests. */
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/serial.h>
#include <xen/spinlock.h>
#include <asm/apic.h>
#include <asm/io_apic.h>
#include <asm/irq.h>
#include <asm/traps.h>
#include <xen/perfc.h>

struct irq_guest {
    struct domain *d;
    unsigned int pirq, port;
    bool eoi_due; /* a level interrupt sent, not yet EOIed */
};

/*
 * One per GSI.  lock guards all of it; d->event_lock, when held, is
 * taken first, and ioapic_lock nests inside.
 */
struct irq_desc {
    spinlock_t lock;
    uint8_t vector; /* 0 until first bound; then kept */
    bool level, active_low;
    bool configured;  /* setup_gsi has fixed the two above */
    bool shareable;   /* every current binding agreed to share */
    unsigned int cpu; /* where the IO-APIC sends it */
    /*
     * Where its guests' vCPU now runs: as Xen moves a line, the entry
     * follows at the line's next interrupt, so a vCPU migration costs
     * nothing for the lines that stay quiet (each move is an MMIO write,
     * an exit under emulation, and a dom0 vCPU can move many times a
     * second); until then the event reaches the vCPU all the same.
     */
    unsigned int want_cpu;
    unsigned int nr_guests;
    unsigned int in_flight; /* guests with eoi_due set */
    struct irq_guest guest[IRQ_MAX_GUESTS];
};

unsigned int nr_irqs_gsi = 16;
static struct irq_desc gsi_desc[MAX_GSIS] = {
    [0 ... MAX_GSIS - 1] = { .lock = SPIN_LOCK_UNLOCKED(irq_desc) },
};

/*
 * Vectors are global (one IDT, and a GSI goes to one CPU at a time), so
 * a vector names its GSI (or MSI IRQ) on every CPU: vector_gsi[v] is
 * that IRQ + 1.
 */
static uint16_t vector_gsi[256];
static DEFINE_SPINLOCK(vector_lock, vector);

void irq_gsi_init(void)
{
    nr_irqs_gsi = min(max(ioapic_nr_gsis(), 16U), (unsigned int)MAX_GSIS);
    for ( unsigned int gsi = 0; gsi < nr_irqs_gsi; gsi++ )
        ioapic_default_mode(gsi, &gsi_desc[gsi].level,
                            &gsi_desc[gsi].active_low);
}

/*
 * Level lines are masked at the IO-APIC before the local APIC's EOI (which
 * clears their remote IRR) and stay masked until every guest sent has
 * EOIed: a line still asserted then interrupts again, and a guest slow to
 * EOI delays only its own line.  Edge lines need nothing from the guests.
 */
static void guest_irq_interrupt(struct cpu_user_regs *regs)
{
    unsigned int vec = regs->entry_vector & 0xff;
    unsigned int gsi = __atomic_load_n(&vector_gsi[vec], __ATOMIC_RELAXED) -
                       1U;
    struct irq_desc *desc;

    /* An MSI is an edge: the local APIC's EOI is all it needs. */
    if ( irq_is_msi(gsi) && gsi < MSI_IRQ_BASE + MAX_MSI_IRQS )
    {
        perfc_incr(msi_irq);
        ack_APIC_irq();
        msi_interrupt(gsi);
        return;
    }
    if ( gsi >= nr_irqs_gsi )
    {
        ack_APIC_irq();
        return;
    }
    desc = &gsi_desc[gsi];
    perfc_incr(gsi_irq);
    spin_lock(&desc->lock);
    if ( desc->level )
        ioapic_mask(gsi);
    ack_APIC_irq();
    for ( unsigned int i = 0; i < desc->nr_guests; i++ )
    {
        struct irq_guest *g = &desc->guest[i];

        if ( desc->level && !g->eoi_due )
        {
            g->eoi_due = true;
            desc->in_flight++;
        }
        pirq_deliver(g->d, g->pirq, g->port, desc->level);
    }
    if ( desc->want_cpu != desc->cpu )
    {
        ioapic_set_dest(gsi, desc->want_cpu);
        desc->cpu = desc->want_cpu;
    }
    spin_unlock(&desc->lock);
}

int irq_alloc_vector_block(unsigned int irq, unsigned int nr)
{
    unsigned long flags;
    int vec = -ENOSPC;

    ASSERT(nr && !(nr & (nr - 1)));
    spin_lock_irqsave(&vector_lock, flags);
    /*
     * The device puts the message number in the data's low bits: the
     * block starts at a multiple of its size, all of it in the range.
     */
    for ( unsigned int v = ROUNDUP(FIRST_DYNAMIC_VECTOR, nr);
          v + nr - 1 <= LAST_DYNAMIC_VECTOR && vec < 0; v += nr )
    {
        unsigned int i = 0;

        while ( i < nr && !vector_gsi[v + i] )
            i++;
        if ( i < nr )
            continue;
        for ( i = 0; i < nr; i++ )
        {
            __atomic_store_n(&vector_gsi[v + i], irq + i + 1,
                             __ATOMIC_RELAXED);
            set_vector_handler(v + i, guest_irq_interrupt);
        }
        vec = v;
    }
    spin_unlock_irqrestore(&vector_lock, flags);
    return vec;
}

int irq_alloc_vector(unsigned int gsi)
{
    return irq_alloc_vector_block(gsi, 1);
}

void irq_free_vector(unsigned int vector)
{
    unsigned long flags;

    /* An interrupt still on its way finds no IRQ and is only EOIed. */
    spin_lock_irqsave(&vector_lock, flags);
    __atomic_store_n(&vector_gsi[vector], 0, __ATOMIC_RELAXED);
    spin_unlock_irqrestore(&vector_lock, flags);
}

/* gsi's descriptor, locked; NULL if there is no such GSI. */
static struct irq_desc *lock_desc(unsigned int gsi, unsigned long *flags)
{
    struct irq_desc *desc;

    if ( gsi >= nr_irqs_gsi )
        return NULL;
    desc = &gsi_desc[gsi];
    spin_lock_irqsave(&desc->lock, *flags);
    return desc;
}

int gsi_setup(unsigned int gsi, bool level, bool active_low)
{
    struct irq_desc *desc;
    unsigned long flags;
    int rc = 0;

    if ( gsi >= ioapic_nr_gsis() || !(desc = lock_desc(gsi, &flags)) )
        return -EINVAL;
    if ( desc->configured || desc->nr_guests )
        rc = -EEXIST;
    else
    {
        desc->level = level;
        desc->active_low = active_low;
        desc->configured = true;
    }
    spin_unlock_irqrestore(&desc->lock, flags);
    return rc;
}

static struct irq_guest *find_guest(struct irq_desc *desc,
                                    const struct domain *d)
{
    for ( unsigned int i = 0; i < desc->nr_guests; i++ )
        if ( desc->guest[i].d == d )
            return &desc->guest[i];
    return NULL;
}

/*
 * Lines Xen keeps for handlers of its own, so that binding one is -EBUSY
 * ("in use"): IRQ 2, the 8259 cascade, and the console UART's IRQ (an ISA
 * one through the MADT's overrides).  Our console is polled and our timer
 * the local APIC's, but dom0 must find them taken as on Xen: a driver of
 * dom0's on the UART's line would fight the hypervisor for the port.
 */
static bool gsi_is_xens(unsigned int gsi)
{
    int irq = ns16550_console_irq();

    if ( gsi == 2 )
        return true;
    if ( irq < 0 )
        return false;
    return (irq < 16 ? isa_irq_to_gsi(irq) : (unsigned int)irq) == gsi;
}

int gsi_guest_bind(unsigned int gsi, struct domain *d, unsigned int pirq,
                   unsigned int port, unsigned int cpu, bool share)
{
    struct irq_desc *desc;
    struct irq_guest *g;
    unsigned long flags;
    int rc = 0;

    if ( irq_is_msi(gsi) )
        return msi_guest_bind(gsi, d, pirq, port, cpu);
    if ( !(desc = lock_desc(gsi, &flags)) )
        return -EINVAL;
    if ( gsi_is_xens(gsi) || find_guest(desc, d) )
        rc = -EBUSY;
    else if ( desc->nr_guests && (!desc->shareable || !share ||
                                  desc->nr_guests == IRQ_MAX_GUESTS) )
        rc = -EBUSY;
    else if ( !desc->vector )
    {
        int vec = irq_alloc_vector(gsi);

        if ( vec < 0 )
            rc = vec;
        else
            desc->vector = vec;
    }
    if ( rc )
        goto out;

    g = &desc->guest[desc->nr_guests++];
    g->d = d;
    g->pirq = pirq;
    g->port = port;
    g->eoi_due = false;
    if ( desc->nr_guests == 1 )
    {
        desc->shareable = share;
        desc->cpu = desc->want_cpu = cpu;
        desc->in_flight = 0;
        rc = ioapic_route(gsi, desc->vector, cpu, desc->level,
                          desc->active_low, false);
        if ( rc )
        {
            desc->nr_guests = 0;
            rc = -EINVAL;
        }
    }
out:
    spin_unlock_irqrestore(&desc->lock, flags);
    return rc;
}

/* With desc's lock held: g is done with its interrupt. */
static void guest_done(struct irq_desc *desc, unsigned int gsi,
                       struct irq_guest *g)
{
    if ( !g->eoi_due )
        return;
    g->eoi_due = false;
    if ( --desc->in_flight == 0 )
        ioapic_unmask(gsi);
}

/* d is done with its interrupt, and with the line too if unbind. */
static void guest_release(unsigned int gsi, const struct domain *d,
                          bool unbind)
{
    struct irq_desc *desc;
    struct irq_guest *g;
    unsigned long flags;

    if ( !(desc = lock_desc(gsi, &flags)) )
        return;
    g = find_guest(desc, d);
    if ( g && !unbind )
        guest_done(desc, gsi, g);
    else if ( g )
    {
        /* The last one out masks first: nobody would EOI it again. */
        if ( desc->nr_guests == 1 )
        {
            ioapic_mask(gsi);
            desc->in_flight = 0;
        }
        else
            guest_done(desc, gsi, g);
        *g = desc->guest[--desc->nr_guests];
    }
    spin_unlock_irqrestore(&desc->lock, flags);
}

void gsi_guest_unbind(unsigned int gsi, struct domain *d)
{
    if ( irq_is_msi(gsi) )
        msi_guest_unbind(gsi);
    else
        guest_release(gsi, d, true);
}

void gsi_guest_eoi(unsigned int gsi, struct domain *d)
{
    guest_release(gsi, d, false);
}

bool gsi_guest_shared(unsigned int gsi)
{
    return gsi < nr_irqs_gsi &&
           __atomic_load_n(&gsi_desc[gsi].nr_guests, __ATOMIC_RELAXED) > 1;
}

void gsi_set_cpu(unsigned int gsi, unsigned int cpu)
{
    struct irq_desc *desc;
    unsigned long flags;

    if ( irq_is_msi(gsi) )
    {
        msi_set_cpu(gsi, cpu);
        return;
    }
    if ( !(desc = lock_desc(gsi, &flags)) )
        return;
    if ( desc->nr_guests )
        desc->want_cpu = cpu;
    spin_unlock_irqrestore(&desc->lock, flags);
}
