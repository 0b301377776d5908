/* SPDX-License-Identifier: GPL-2.0-only */
/* A domain's PIRQs: GSIs mapped to it, their ports and the EOI bitmap. */
#include <xen/bitops.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/xmalloc.h>
#include <asm/domain.h>
#include <asm/io_apic.h>
#include <asm/irq.h>
#include <asm/pv/mm.h>
#include <xen/perfc.h>
#include <public/physdev.h>
#include <xsm/xsm.h>

/* Dynamic vectors per CPU, as Xen counts them when sizing dom0's PIRQs. */
#define DYNAMIC_VECTORS_PER_CPU 196
/* Extra PIRQs of a domU above the GSIs, Xen's default. */
#define DOMU_EXTRA_PIRQS 32

struct pirq_entry {
    int gsi;           /* the GSI or MSI IRQ; -1: not mapped */
    unsigned int port; /* the bound event channel, or 0 */
    /*
     * The GSI delivers to port.  Unmapping a bound PIRQ unbinds it but
     * leaves the port, dead, until the guest closes it (as in Xen).
     */
    bool bound;
};

/* Guarded by d->event_lock, but for eoi_map (see pirq_deliver()). */
struct domain_pirqs {
    unsigned int nr;
    struct pirq_entry *e;
    /*
     * The guest's EOI bitmap (pirq_eoi_gmfn), set once and kept until
     * destruction: its writable type reference stops it from becoming a
     * page table (or anything else we must not write) meanwhile.
     */
    unsigned long *eoi_map;
    /* v1 of the op: PHYSDEVOP_eoi unmasks the port too. */
    bool auto_unmask;
    /*
     * The GSIs d may have, as Xen's per-domain IRQ permissions: dom0
     * starts with all but GSI 0, a domU with none; a map gives the target
     * the GSI (if the caller has it), an unmap takes it away, from dom0
     * too.  Read by the caller of a map for another domain without this
     * domain's lock: atomic bit operations.
     */
    DECLARE_BITMAP(access, MSI_IRQ_BASE + MAX_MSI_IRQS);
};

/*
 * How many PIRQs d may name: dom0 gets Xen's count for the hardware
 * domain (GSIs and every CPU's dynamic vectors, within one bitmap page),
 * a domU the GSIs and a few.
 */
static unsigned int nr_pirqs(const struct domain *d)
{
    unsigned int cpus = cpumask_weight(&cpu_online_map);

    if ( !is_hardware_domain(d) )
        return nr_irqs_gsi + DOMU_EXTRA_PIRQS;
    return min(nr_irqs_gsi + flsl(cpus) * DYNAMIC_VECTORS_PER_CPU,
               (unsigned int)PAGE_SIZE * 8);
}

/* d's table, allocated on first use; NULL if out of memory. */
static struct domain_pirqs *pirqs_of(struct domain *d)
{
    struct domain_pirqs *p = d->arch.pirqs;

    if ( p )
        return p;
    p = xzalloc(struct domain_pirqs);
    if ( !p )
        return NULL;
    p->nr = nr_pirqs(d);
    p->e = xzalloc_array(struct pirq_entry, p->nr);
    if ( !p->e )
    {
        xfree(p);
        return NULL;
    }
    for ( unsigned int i = 0; i < p->nr; i++ )
        p->e[i].gsi = -1;
    if ( is_hardware_domain(d) )
        for ( unsigned int gsi = 1; gsi < nr_irqs_gsi; gsi++ )
            set_bit(gsi, p->access);
    __atomic_store_n(&d->arch.pirqs, p, __ATOMIC_RELEASE);
    return p;
}

/* d may be given gsi, or give it to others. */
static bool gsi_access(const struct domain *d, int gsi)
{
    const struct domain_pirqs *p = __atomic_load_n(&d->arch.pirqs,
                                                   __ATOMIC_ACQUIRE);

    if ( !p )
        return is_hardware_domain(d) && gsi != 0;
    return test_bit(gsi, p->access);
}

/* The entry of pirq if d has ever had one, else NULL. */
static struct pirq_entry *entry_of(const struct domain *d, unsigned int pirq)
{
    struct domain_pirqs *p = d->arch.pirqs;

    return p && pirq < p->nr ? &p->e[pirq] : NULL;
}

void pirq_deliver(struct domain *d, unsigned int pirq, unsigned int port,
                  bool needs_eoi)
{
    struct domain_pirqs *p = __atomic_load_n(&d->arch.pirqs, __ATOMIC_ACQUIRE);
    unsigned long *map = p ? __atomic_load_n(&p->eoi_map, __ATOMIC_ACQUIRE)
                           : NULL;

    /* The bit first: the guest reads it once it sees the event. */
    if ( needs_eoi && map )
        set_bit(pirq, map);
    /* With v1 of the bitmap, the port is masked until the EOI. */
    evtchn_send_pirq(d, port, p && p->auto_unmask);
}

static void clear_eoi_bit(struct domain_pirqs *p, unsigned int pirq)
{
    if ( p->eoi_map )
        clear_bit(pirq, p->eoi_map);
}

/* Unbinds pirq's GSI from its port, if it was bound. */
static void unbind_gsi(struct domain *d, struct pirq_entry *e,
                       unsigned int pirq)
{
    if ( !e->bound )
        return;
    gsi_guest_unbind(e->gsi, d);
    e->bound = false;
    clear_eoi_bit(d->arch.pirqs, pirq);
}

int pirq_bind_check(struct domain *d, unsigned int pirq)
{
    struct pirq_entry *e;

    if ( pirq >= nr_pirqs(d) )
        return -EINVAL;
    e = entry_of(d, pirq);
    if ( !e || e->gsi < 0 || !gsi_access(d, e->gsi) )
        return -EPERM;
    return e->port ? -EEXIST : 0;
}

int pirq_bind_port(struct domain *d, unsigned int pirq, unsigned int port,
                   const struct vcpu *v, bool share)
{
    struct pirq_entry *e = entry_of(d, pirq);
    int rc;

    ASSERT(e && e->gsi >= 0 && !e->port);
    rc = gsi_guest_bind(e->gsi, d, pirq, port, v->processor, share);
    if ( rc )
        return rc;
    e->port = port;
    e->bound = true;
    return 0;
}

void pirq_unbind_port(struct domain *d, unsigned int pirq)
{
    struct pirq_entry *e = entry_of(d, pirq);

    if ( !e )
        return;
    unbind_gsi(d, e, pirq);
    e->port = 0;
}

void pirq_set_vcpu(struct domain *d, unsigned int pirq, const struct vcpu *v)
{
    struct pirq_entry *e = entry_of(d, pirq);

    if ( e && e->bound )
        gsi_set_cpu(e->gsi, v->processor);
}

/*
 * As Xen's evtchn_move_pirqs(): the interrupts of the PIRQ ports v is
 * notified on go where it now runs (the IO-APIC entry's destination, the
 * MSI's address), so that they arrive on the CPU that handles them.  Done
 * lazily, when v is next switched in on a CPU other than irq_cpu: a vCPU
 * the scheduler moves around without running it costs nothing, and one
 * that stays costs one comparison per switch.  A line shared with another
 * domain moves for all of them, as with bind_vcpu.
 */
void pirq_vcpu_moved(struct vcpu *v)
{
    struct domain *d = v->domain;
    const struct domain_pirqs *p;
    unsigned long flags;

    perfc_incr(vcpu_moved);
    spin_lock_irqsave(&d->event_lock, flags);
    v->irq_cpu = v->processor;
    p = d->arch.pirqs;
    for ( unsigned int i = 0; p && i < p->nr; i++ )
        if ( p->e[i].bound &&
             evtchn_notify_vcpu(d, p->e[i].port) == v->vcpu_id )
            gsi_set_cpu(p->e[i].gsi, v->processor);
    spin_unlock_irqrestore(&d->event_lock, flags);
}

void pirq_domain_destroy(struct domain *d)
{
    struct domain_pirqs *p = d->arch.pirqs;

    if ( !p )
        return;
    /*
     * Every port is closed: no GSI delivers to d any more.  Its MSIs go
     * (masked), as Xen unmaps what a dying domain left mapped.
     */
    for ( unsigned int i = 0; i < p->nr; i++ )
    {
        ASSERT(!p->e[i].bound);
        if ( p->e[i].gsi >= 0 && irq_is_msi(p->e[i].gsi) )
            msi_irq_destroy(p->e[i].gsi);
    }
    if ( p->eoi_map )
        put_page_and_type(virt_to_page(p->eoi_map));
    d->arch.pirqs = NULL;
    xfree(p->e);
    xfree(p);
}

/* The domain a map or unmap names, referenced; NULL if none. */
static struct domain *target_domain(domid_t domid)
{
    return domid == DOMID_SELF ? get_domain(current->domain)
                               : get_domain_by_id(domid);
}

/* The PIRQ of d that gsi is mapped to, or -1. */
static int gsi_to_pirq(const struct domain_pirqs *p, int gsi)
{
    for ( unsigned int i = 0; i < p->nr; i++ )
        if ( p->e[i].gsi == gsi )
            return i;
    return -1;
}

/*
 * Xen's choice for a GSI when the caller leaves it: the first free PIRQ
 * above the ISA range among the GSIs' numbers, else the highest free one.
 */
static int free_pirq(const struct domain_pirqs *p)
{
    for ( unsigned int i = 16; i < nr_irqs_gsi && i < p->nr; i++ )
        if ( p->e[i].gsi < 0 && !p->e[i].port )
            return i;
    for ( unsigned int i = p->nr; i-- > nr_irqs_gsi; )
        if ( p->e[i].gsi < 0 && !p->e[i].port )
            return i;
    return -ENOSPC;
}

/*
 * The GSI an index names: for dom0 mapping for another domain, dom0's own
 * PIRQ of that number if it has one, as in Xen.
 */
static int index_to_gsi(struct domain *d, int index)
{
    struct domain *cd = current->domain;
    const struct pirq_entry *e;
    unsigned long flags;
    int gsi = index;

    if ( d == cd )
        return gsi;
    spin_lock_irqsave(&cd->event_lock, flags);
    e = entry_of(cd, index);
    if ( e && e->gsi >= 0 && !irq_is_msi(e->gsi) )
        gsi = e->gsi;
    spin_unlock_irqrestore(&cd->event_lock, flags);
    return gsi;
}

static int map_gsi(struct domain *d, int index, int *pirq_p)
{
    struct domain_pirqs *p;
    struct pirq_entry *e;
    unsigned long flags;
    int gsi, cur, pirq, rc = 0;

    if ( index < 0 || (unsigned int)index >= nr_irqs_gsi )
        return -EINVAL;
    gsi = index_to_gsi(d, index);
    spin_lock_irqsave(&d->event_lock, flags);
    if ( !(p = pirqs_of(d)) )
    {
        rc = -ENOMEM;
        goto out;
    }
    cur = gsi_to_pirq(p, gsi);
    if ( *pirq_p < 0 )
        pirq = cur >= 0 ? cur : free_pirq(p);
    else if ( cur >= 0 && cur != *pirq_p )
        pirq = -EEXIST;
    else
        pirq = *pirq_p;
    if ( pirq < 0 )
    {
        rc = pirq;
        goto out;
    }
    /*
     * The caller must have the GSI itself: never GSI 0, the hypervisor's
     * timer as Xen has it, nor one dom0 unmapped from itself before.
     */
    if ( !gsi_access(current->domain, gsi) )
        rc = -EPERM;
    else if ( (unsigned int)pirq >= p->nr )
        rc = -EINVAL;
    else
    {
        e = &p->e[pirq];
        /*
         * A PIRQ already mapped to another GSI stays so, and the call
         * still succeeds: Xen only logs it.
         */
        if ( e->gsi < 0 )
        {
            e->gsi = gsi;
            set_bit(gsi, p->access);
        }
        *pirq_p = pirq;
    }
out:
    spin_unlock_irqrestore(&d->event_lock, flags);
    return rc;
}

/*
 * The first of nr free PIRQs in a row for an MSI, when the caller leaves
 * it: the highest such run, as Xen hands out dynamic PIRQs from the top.
 */
static int free_msi_pirqs(const struct domain_pirqs *p, unsigned int nr)
{
    unsigned int run = 0;

    for ( unsigned int i = p->nr; i-- > nr_irqs_gsi; )
    {
        run = p->e[i].gsi < 0 && !p->e[i].port ? run + 1 : 0;
        if ( run == nr )
            return i;
    }
    return -ENOSPC;
}

/* Xen's limit on an MSI's vectors, which the capability caps at 32. */
#define MAX_MSI_VECTORS 32

/*
 * An MSI (table_base 0) or MSI-X entry of a device d owns, mapped to a
 * PIRQ of d; the hypervisor programs the device once it is bound.  A
 * multi-vector MSI (entry_nr vectors, rounded up to a power of two and
 * returned there) gets as many PIRQs in a row, the first in pirq.
 */
static int map_msi(struct domain *d, struct physdev_map_pirq *map)
{
    pci_sbdf_t sbdf = PCI_SBDF(map->type != MAP_PIRQ_TYPE_MSI ? map->bus >> 16
                                                              : 0,
                               map->bus & 0xff, map->devfn);
    bool multi = map->type == MAP_PIRQ_TYPE_MULTI_MSI;
    unsigned int nvec = 1;
    struct domain_pirqs *p;
    unsigned long flags;
    int irq, cur = -1, pirq, rc = 0;

    if ( multi )
    {
        /* As Xen: 1 to 32, and 3 means 4 (the device's choices). */
        if ( map->entry_nr <= 0 || map->entry_nr > MAX_MSI_VECTORS )
            return -EDOM;
        nvec = 1U << flsl(map->entry_nr - 1);
    }
    irq = msi_irq_create(d, sbdf, map->table_base != 0, map->entry_nr, &nvec);
    if ( irq < 0 )
    {
        if ( irq == -ENFILE )
            map->entry_nr = nvec;
        return irq;
    }
    spin_lock_irqsave(&d->event_lock, flags);
    if ( !(p = pirqs_of(d)) )
    {
        rc = -ENOMEM;
        goto out;
    }
    cur = gsi_to_pirq(p, irq);
    if ( map->pirq < 0 )
        pirq = cur >= 0 ? cur : free_msi_pirqs(p, nvec);
    else if ( cur >= 0 && cur != map->pirq )
        pirq = -EEXIST;
    else if ( (unsigned int)map->pirq >= p->nr || nvec > p->nr - map->pirq )
        pirq = -EINVAL;
    else
    {
        pirq = map->pirq;
        for ( int i = 0; i < (int)nvec; i++ )
        {
            int gsi = p->e[map->pirq + i].gsi;

            if ( gsi >= 0 && gsi != irq + i )
                pirq = -EEXIST;
        }
    }
    if ( pirq == -ENOSPC && multi )
    {
        /* As Xen: the largest run there is, for the caller to ask again. */
        while ( (nvec >>= 1) > 1 && free_msi_pirqs(p, nvec) < 0 )
            continue;
        map->entry_nr = nvec;
    }
    if ( pirq < 0 )
        rc = pirq;
    else
    {
        for ( unsigned int i = 0; i < nvec; i++ )
        {
            p->e[pirq + i].gsi = irq + i;
            set_bit(irq + i, p->access);
        }
        map->pirq = pirq;
        if ( multi )
            map->entry_nr = nvec;
    }
out:
    spin_unlock_irqrestore(&d->event_lock, flags);
    /* New IRQs no PIRQ took go again. */
    for ( unsigned int i = 0; rc && cur < 0 && i < nvec; i++ )
        msi_irq_destroy(irq + i);
    return rc;
}

static long map_pirq(struct physdev_map_pirq *map)
{
    struct domain *d = target_domain(map->domid);
    long rc;

    if ( !d )
        return -ESRCH;
    if ( xsm_map_domain_pirq(current->domain, d) )
        rc = -EPERM;
    else if ( map->type == MAP_PIRQ_TYPE_GSI )
        rc = map_gsi(d, map->index, &map->pirq);
    else if ( map->type == MAP_PIRQ_TYPE_MSI ||
              map->type == MAP_PIRQ_TYPE_MSI_SEG ||
              map->type == MAP_PIRQ_TYPE_MULTI_MSI )
    {
        /* An index naming a GSI is refused first, as Xen does. */
        if ( map->type != MAP_PIRQ_TYPE_MULTI_MSI && map->index != -1 &&
             (map->index < 0 || (unsigned int)map->index < nr_irqs_gsi) )
            rc = -EINVAL;
        else
            rc = map_msi(d, map);
    }
    else
        rc = -EINVAL;
    put_domain(d);
    return rc;
}

static long unmap_pirq(const struct physdev_unmap_pirq *unmap)
{
    struct domain *d = target_domain(unmap->domid);
    struct pirq_entry *e;
    unsigned long flags;
    unsigned int nvec = 1;
    long rc = 0;

    if ( !d )
        return -ESRCH;
    if ( xsm_unmap_domain_pirq(current->domain, d) )
    {
        put_domain(d);
        return -EPERM;
    }
    spin_lock_irqsave(&d->event_lock, flags);
    if ( unmap->pirq < 0 || (unsigned int)unmap->pirq >= nr_pirqs(d) )
        rc = -EINVAL;
    else if ( !(e = entry_of(d, unmap->pirq)) || e->gsi < 0 )
        rc = -EINVAL;
    /* As Xen: a multi-vector MSI goes all at once, by its first PIRQ. */
    else if ( irq_is_msi(e->gsi) && !(nvec = msi_irq_nvec(e->gsi)) )
        rc = -EBUSY;
    else
    {
        int irq = e->gsi;

        for ( unsigned int i = 0; i < nvec; i++ )
        {
            int pirq = gsi_to_pirq(d->arch.pirqs, irq + i);

            if ( pirq < 0 )
                continue;
            e = &d->arch.pirqs->e[pirq];
            unbind_gsi(d, e, pirq);
            /* As Xen: the domain loses the GSI, dom0 included. */
            clear_bit(e->gsi, d->arch.pirqs->access);
            /* An MSI's IRQ goes with its PIRQ (masked at the device). */
            if ( irq_is_msi(e->gsi) )
                msi_irq_destroy(e->gsi);
            e->gsi = -1;
        }
    }
    spin_unlock_irqrestore(&d->event_lock, flags);
    put_domain(d);
    return rc;
}

static long pirq_eoi(struct domain *d, unsigned int pirq)
{
    struct domain_pirqs *p;
    struct pirq_entry *e;
    unsigned int unmask = 0;
    unsigned long flags;

    perfc_incr(physdev_eoi);
    if ( pirq >= nr_pirqs(d) )
        return -EINVAL;
    spin_lock_irqsave(&d->event_lock, flags);
    e = entry_of(d, pirq);
    if ( !e || (e->gsi < 0 && !e->port) )
    {
        spin_unlock_irqrestore(&d->event_lock, flags);
        return -EINVAL;
    }
    p = d->arch.pirqs;
    if ( p->auto_unmask )
        unmask = e->port;
    if ( e->bound )
    {
        clear_eoi_bit(p, pirq);
        gsi_guest_eoi(e->gsi, d);
    }
    spin_unlock_irqrestore(&d->event_lock, flags);
    if ( unmask )
        evtchn_unmask_port(d, unmask);
    return 0;
}

static long irq_status_query(struct domain *d,
                             struct physdev_irq_status_query *q)
{
    const struct pirq_entry *e;
    unsigned long flags;

    if ( q->irq >= nr_pirqs(d) )
        return -EINVAL;
    /*
     * Xen answers "needs EOI" for every PIRQ: a guest without the EOI
     * bitmap must always EOI, which is safe for edge lines too.
     */
    q->flags = XENIRQSTAT_needs_eoi;
    spin_lock_irqsave(&d->event_lock, flags);
    e = entry_of(d, q->irq);
    if ( e && e->bound && gsi_guest_shared(e->gsi) )
        q->flags |= XENIRQSTAT_shared;
    spin_unlock_irqrestore(&d->event_lock, flags);
    return 0;
}

static long set_eoi_map(struct domain *d, unsigned long gmfn, bool v1)
{
    struct domain_pirqs *p;
    struct page_info *pg;
    unsigned long flags;
    long rc = 0;

    /* A PV guest names its own frames by machine number. */
    if ( !mfn_valid(_mfn(gmfn)) )
        return -EINVAL;
    pg = mfn_to_page(_mfn(gmfn));
    if ( get_page_and_type(pg, d, PGT_writable_page) )
        return -EINVAL;
    spin_lock_irqsave(&d->event_lock, flags);
    if ( !(p = pirqs_of(d)) )
        rc = -ENOMEM;
    else if ( p->eoi_map )
        rc = -EBUSY;
    else
    {
        p->auto_unmask = v1;
        __atomic_store_n(&p->eoi_map, page_to_virt(pg), __ATOMIC_RELEASE);
    }
    spin_unlock_irqrestore(&d->event_lock, flags);
    if ( rc )
        put_page_and_type(pg);
    return rc;
}

long pirq_set_eoi_map(int cmd, unsigned long gmfn)
{
    return set_eoi_map(current->domain, gmfn,
                       cmd == PHYSDEVOP_pirq_eoi_gmfn_v1);
}

long pirq_apic_op(int cmd, struct physdev_apic *op, bool *write_back)
{
    long rc;

    *write_back = false;
    if ( xsm_apic(current->domain, cmd) )
        return -EPERM;
    /*
     * The IO-APICs are ours: dom0 may read them, and its writes are
     * ignored (it sets lines up with setup_gsi and binds them).
     */
    if ( cmd == PHYSDEVOP_apic_write )
        return ioapic_known(op->apic_physbase) ? 0 : -EINVAL;
    rc = ioapic_guest_read(op->apic_physbase, op->reg, &op->value);
    *write_back = true;
    return rc;
}

long pirq_map_op(struct physdev_map_pirq *op, bool *write_back)
{
    /* Xen refuses this before even looking the domain up. */
    *write_back = !(op->type == MAP_PIRQ_TYPE_MULTI_MSI && op->table_base);
    return *write_back ? map_pirq(op) : -EINVAL;
}

/*
 * The interrupt sub-ops of physdev_op.  Each copies its argument in
 * first (-EFAULT before anything else), then checks privilege where Xen
 * does: after the domain lookup for map and unmap, after the range check
 * for setup_gsi.
 */
long pirq_physdev_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *cd = current->domain;
    bool write_back;
    long rc;

    switch ( cmd )
    {
    case PHYSDEVOP_eoi:
    {
        struct physdev_eoi op;

        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        return pirq_eoi(cd, op.irq);
    }

    case PHYSDEVOP_irq_status_query:
    {
        struct physdev_irq_status_query op;

        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        rc = irq_status_query(cd, &op);
        if ( !rc && copy_to_guest(arg, &op, 1) )
            rc = -EFAULT;
        return rc;
    }

    case PHYSDEVOP_pirq_eoi_gmfn_v1:
    case PHYSDEVOP_pirq_eoi_gmfn_v2:
    {
        struct physdev_pirq_eoi_gmfn op;

        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        return pirq_set_eoi_map(cmd, op.gmfn);
    }

    case PHYSDEVOP_apic_read:
    case PHYSDEVOP_apic_write:
    {
        struct physdev_apic op;

        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        rc = pirq_apic_op(cmd, &op, &write_back);
        if ( write_back && copy_to_guest(arg, &op, 1) )
            rc = -EFAULT;
        return rc;
    }

    case PHYSDEVOP_alloc_irq_vector:
    {
        struct physdev_irq op;

        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        if ( xsm_apic(cd, cmd) )
            return -EPERM;
        /* Vectors are the hypervisor's business: Xen echoes the IRQ. */
        op.vector = op.irq;
        return copy_to_guest(arg, &op, 1) ? -EFAULT : 0;
    }

    case PHYSDEVOP_map_pirq:
    {
        struct physdev_map_pirq op;

        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        rc = pirq_map_op(&op, &write_back);
        if ( write_back && copy_to_guest(arg, &op, 1) )
            rc = -EFAULT;
        return rc;
    }

    case PHYSDEVOP_unmap_pirq:
    {
        struct physdev_unmap_pirq op;

        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        return unmap_pirq(&op);
    }

    case PHYSDEVOP_setup_gsi:
    {
        struct physdev_setup_gsi op;

        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        if ( op.gsi < 0 || (unsigned int)op.gsi >= nr_irqs_gsi )
            return -EINVAL;
        if ( xsm_resource_setup_gsi(cd, op.gsi) )
            return -EPERM;
        return gsi_setup(op.gsi, op.triggering, op.polarity);
    }
    }
    return -ENOSYS;
}
