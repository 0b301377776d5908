/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for physdev_op: the virtual IOPL, PIRQs and their events. */
#include <stdlib.h>
#include <asm/config.h>
#include <xen/bitops.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/hypercall.h>
#include <xen/sched.h>
#include <asm/apic.h>
#include <asm/current.h>
#include <asm/domain.h>
#include <asm/io_apic.h>
#include <asm/irq.h>
#include <asm/traps.h>
#include <public/physdev.h>
#include "check.h"
#include "domain_refs.h"

/* Guest memory window where copies fail (include/asm/uaccess.h). */
extern uintptr_t harness_fault_lo, harness_fault_hi;

/* ---- what the hypervisor around these files would provide ---- */

/* More GSIs than dynamic vectors, to run the vectors out at the end. */
#define NR_GSIS     200
#define IOAPIC_BASE 0xfec00000UL
#define NR_FRAMES   8


static struct domain *doms[4];
static long live_allocs;

/* A pretend IO-APIC: each pin's vector, mask, mode and destination. */
static struct pin {
    unsigned int vector, cpu;
    bool routed, masked, level, active_low;
} pins[NR_GSIS];
static vector_handler_t handlers[256];
static unsigned int apic_eois;

/* The GSIs the IO-APICs have; a test lowers it for a GSI without one. */
static unsigned int ioapic_gsis = NR_GSIS;

unsigned int ioapic_nr_gsis(void)
{
    return ioapic_gsis;
}

/* QEMU's: ISA edge/high, except 9-11 level/high; PCI level/low. */
void ioapic_default_mode(unsigned int gsi, bool *level, bool *active_low)
{
    *level = gsi >= 9 && gsi != 12 && gsi != 13 && gsi != 14 && gsi != 15;
    *active_low = gsi >= 16;
}

/* QEMU's MADT: ISA IRQ 0 on GSI 2, and (for a test) 3 on GSI 5. */
unsigned int isa_irq_to_gsi(unsigned int isa_irq)
{
    return isa_irq == 0 ? 2 : isa_irq == 3 ? 5 : isa_irq;
}

/* The console UART's IRQ: com1's 4, or what a test sets (-1: none). */
static int console_irq = 4;

int ns16550_console_irq(void)
{
    return console_irq;
}

int ioapic_route(unsigned int gsi, unsigned int vector, unsigned int cpu,
                 bool level, bool active_low, bool masked)
{
    if ( gsi >= NR_GSIS )
        return -ENOENT;
    pins[gsi] = (struct pin){ vector, cpu, true, masked, level, active_low };
    return 0;
}

void ioapic_set_dest(unsigned int gsi, unsigned int cpu)
{
    pins[gsi].cpu = cpu;
}

void ioapic_mask(unsigned int gsi)
{
    pins[gsi].masked = true;
}

void ioapic_unmask(unsigned int gsi)
{
    pins[gsi].masked = false;
}

int ioapic_guest_read(paddr_t physbase, unsigned int reg, uint32_t *val)
{
    if ( physbase != IOAPIC_BASE )
        return -EINVAL;
    *val = reg == 1 ? 0x00170020 : 0;
    return 0;
}

bool ioapic_known(paddr_t physbase)
{
    return physbase == IOAPIC_BASE;
}

void set_vector_handler(unsigned int vector, vector_handler_t fn)
{
    handlers[vector] = fn;
}

void apic_write(unsigned int reg, uint32_t val)
{
    if ( reg == APIC_EOI )
        apic_eois++;
}

/* Frames a guest may name for its EOI bitmap; is_table ones are refused. */
struct page_info *frame_table;
unsigned long max_page = NR_FRAMES;

static bool is_table[NR_FRAMES];
static int type_refs[NR_FRAMES];

int get_page_and_type(struct page_info *pg, struct domain *d,
                      unsigned long type)
{
    unsigned long mfn = pg - frame_table;

    if ( is_table[mfn] || type != PGT_writable_page )
        return -EINVAL;
    type_refs[mfn]++;
    return 0;
}

void put_page_and_type(struct page_info *pg)
{
    if ( --type_refs[pg - frame_table] < 0 )
        panic("type reference underflow");
}

struct domain *get_domain_by_id(domid_t id)
{
    for ( unsigned int i = 0; i < ARRAY_SIZE(doms); i++ )
        if ( doms[i] && doms[i]->domain_id == id )
            return get_domain(doms[i]);
    return NULL;
}

void vcpu_kick(struct vcpu *v)
{
}

s_time_t get_s_time(void)
{
    return 0;
}

bool timer_is_active(const struct timer *t)
{
    return false;
}

void *_xzalloc(size_t size, size_t align);
void *_xzalloc_array(size_t size, size_t align, size_t nr);
void xfree(void *p);

void *_xzalloc(size_t size, size_t align)
{
    void *p = calloc(1, size);

    if ( p )
        live_allocs++;
    return p;
}

void *_xzalloc_array(size_t size, size_t align, size_t nr)
{
    return _xzalloc(size * nr, align);
}

void xfree(void *p)
{
    if ( p )
        live_allocs--;
    free(p);
}

/* ---- fabricated domains ---- */

static struct domain *dom0, *domU;

static struct domain *make_domain(domid_t id, bool priv)
{
    struct domain *d = calloc(1, sizeof(*d));

    d->domain_id = id;
    d->is_privileged = priv;
    d->max_vcpus = 2;
    memset(&d->arch, 0, sizeof(d->arch));
    d->shared_info = aligned_alloc(4096, 4096);
    memset(d->shared_info, 0, 4096);
    d->vcpu = calloc(2, sizeof(*d->vcpu));
    for ( unsigned int i = 0; i < 2; i++ )
    {
        struct vcpu *v = calloc(1, sizeof(*v));

        v->vcpu_id = i;
        v->domain = d;
        v->processor = i;
        v->vcpu_info = &d->shared_info->vcpu_info[i];
        memset(&v->arch, 0, sizeof(v->arch));
        d->vcpu[i] = v;
    }
    if ( evtchn_init(d) )
        abort();
    for ( unsigned int i = 0; i < ARRAY_SIZE(doms); i++ )
        if ( !doms[i] )
        {
            doms[i] = d;
            break;
        }
    return d;
}

/* Destruction's order: ports first, then the PIRQs. */
static void destroy_domain(struct domain *d)
{
    evtchn_destroy(d);
    pirq_domain_destroy(d);
    for ( unsigned int i = 0; i < ARRAY_SIZE(doms); i++ )
        if ( doms[i] == d )
            doms[i] = NULL;
    for ( unsigned int i = 0; i < 2; i++ )
    {
        free(d->vcpu[i]);
    }
    free(d->vcpu);
    free(d->shared_info);
    free(d);
}

static void setup(void)
{
    memset(pins, 0, sizeof(pins));
    dom0 = make_domain(0, true);
    domU = make_domain(1, false);
}

static void teardown(void)
{
    destroy_domain(domU);
    destroy_domain(dom0);
}

static void run_as(struct domain *d)
{
    get_cpu_info()->current_vcpu = d->vcpu[0];
}

/* ---- the hypercalls ---- */

static long physdev(int cmd, void *arg)
{
    return do_physdev_op(cmd, (XEN_GUEST_HANDLE_PARAM(void)){ arg });
}

static long evtchn(int cmd, void *arg)
{
    return do_event_channel_op(cmd, (XEN_GUEST_HANDLE_PARAM(void)){ arg });
}

static long set_iopl(uint32_t iopl)
{
    struct physdev_set_iopl op = { .iopl = iopl };

    return physdev(PHYSDEVOP_set_iopl, &op);
}

/* Maps GSI index for domid; returns the result, the PIRQ in *pirq. */
static long map_gsi(domid_t domid, int index, int *pirq)
{
    struct physdev_map_pirq m = {
        .domid = domid, .type = MAP_PIRQ_TYPE_GSI, .index = index,
        .pirq = *pirq,
    };
    long rc = physdev(PHYSDEVOP_map_pirq, &m);

    *pirq = m.pirq;
    return rc;
}

static long unmap(domid_t domid, int pirq)
{
    struct physdev_unmap_pirq u = { .domid = domid, .pirq = pirq };

    return physdev(PHYSDEVOP_unmap_pirq, &u);
}

/* Binds pirq; the port, or the negative error. */
static long bind(uint32_t pirq, bool share)
{
    struct evtchn_bind_pirq b = {
        .pirq = pirq, .flags = share ? BIND_PIRQ__WILL_SHARE : 0,
    };
    long rc = evtchn(EVTCHNOP_bind_pirq, &b);

    return rc ? rc : (long)b.port;
}

static long eoi(uint32_t pirq)
{
    struct physdev_eoi e = { .irq = pirq };

    return physdev(PHYSDEVOP_eoi, &e);
}

static long close_port(unsigned int port)
{
    struct evtchn_close c = { .port = port };

    return evtchn(EVTCHNOP_close, &c);
}

static long setup_gsi(int gsi, uint8_t level, uint8_t low)
{
    struct physdev_setup_gsi s = { gsi, level, low };

    return physdev(PHYSDEVOP_setup_gsi, &s);
}

static uint32_t status_flags(uint32_t pirq, long *rc)
{
    struct physdev_irq_status_query q = { .irq = pirq, .flags = 0xdead };

    *rc = physdev(PHYSDEVOP_irq_status_query, &q);
    return q.flags;
}

/* test_pci.c's MSIs: an interrupt arrives on vector. */
void fire_vector(unsigned int vector);

void fire_vector(unsigned int vector)
{
    struct cpu_user_regs regs = { .entry_vector = vector };

    if ( handlers[vector] )
        handlers[vector](&regs);
}

/* The line's interrupt arrives on the vector it was routed to. */
static void fire(unsigned int gsi)
{
    struct cpu_user_regs regs = { .entry_vector = pins[gsi].vector };

    if ( pins[gsi].routed && !pins[gsi].masked )
        handlers[pins[gsi].vector](&regs);
}

static bool pending(const struct domain *d, unsigned int port)
{
    return test_bit(port, d->shared_info->evtchn_pending);
}

static void clear_pending(const struct domain *d, unsigned int port)
{
    clear_bit(port, d->shared_info->evtchn_pending);
}

/*
 * A bound level line (PIRQ = GSI) fires, its event arrives, and the
 * guest EOIs it: the entry is unmasked again, pointing where its vCPU is.
 */
static void fire_and_eoi(unsigned int gsi, unsigned int port)
{
    clear_pending(dom0, port);
    fire(gsi);
    CHECK(pending(dom0, port));
    CHECK_EQ(eoi(gsi), 0);
    CHECK(!pins[gsi].masked);
}

/* Every interrupt op, each with an argument big enough for any. */
static const int irq_ops[] = {
    PHYSDEVOP_eoi, PHYSDEVOP_irq_status_query, PHYSDEVOP_pirq_eoi_gmfn_v1,
    PHYSDEVOP_pirq_eoi_gmfn_v2, PHYSDEVOP_apic_read, PHYSDEVOP_apic_write,
    PHYSDEVOP_alloc_irq_vector, PHYSDEVOP_map_pirq, PHYSDEVOP_unmap_pirq,
    PHYSDEVOP_setup_gsi,
};

static void test_iopl(void)
{
    CASE("set_iopl: every level 0-3 is taken, as the virtual IOPL")
    {
        run_as(domU);
        for ( uint32_t l = 0; l <= 3; l++ )
        {
            CHECK_EQ(set_iopl(l), 0);
            CHECK_EQ(domU->vcpu[0]->arch.pv.iopl, l);
        }
    }

    CASE("set_iopl: one past 3 and beyond is -EINVAL, the IOPL unchanged")
    {
        run_as(domU);
        CHECK_EQ(set_iopl(2), 0);
        CHECK_EQ(set_iopl(4), -EINVAL);
        CHECK_EQ(set_iopl(5), -EINVAL);
        CHECK_EQ(set_iopl(~0u), -EINVAL);
        CHECK_EQ(domU->vcpu[0]->arch.pv.iopl, 2);
    }

    CASE("set_iopl: an unreadable argument is -EFAULT, the IOPL unchanged")
    {
        static struct physdev_set_iopl op = { .iopl = 1 };

        run_as(domU);
        CHECK_EQ(set_iopl(3), 0);
        harness_fault_lo = (uintptr_t)&op;
        harness_fault_hi = harness_fault_lo + sizeof(op);
        CHECK_EQ(physdev(PHYSDEVOP_set_iopl, &op), -EFAULT);
        harness_fault_lo = harness_fault_hi = 0;
        CHECK_EQ(domU->vcpu[0]->arch.pv.iopl, 3);
    }

    CASE("set_iopl: only the caller's own vCPU changes")
    {
        run_as(dom0);
        CHECK_EQ(set_iopl(0), 0);
        run_as(domU);
        CHECK_EQ(set_iopl(1), 0);
        CHECK_EQ(dom0->vcpu[0]->arch.pv.iopl, 0);
    }

    CASE("set_iobitmap: a guest start address and 65536 ports at most")
    {
        static uint8_t bm[8192];
        struct physdev_set_iobitmap op = { .nr_ports = 65536 };
        struct arch_vcpu *a = &domU->vcpu[0]->arch;

        run_as(domU);
        set_xen_guest_handle(op.bitmap, bm);
        CHECK_EQ(physdev(PHYSDEVOP_set_iobitmap, &op), 0);
        CHECK_EQ(a->pv.iobmp, (unsigned long)bm);
        CHECK_EQ(a->pv.iobmp_limit, 65536);
        op.nr_ports = 65537;
        CHECK_EQ(physdev(PHYSDEVOP_set_iobitmap, &op), -EINVAL);
        op.nr_ports = 16;
        /* The hypervisor's range, and no canonical address at all. */
        set_xen_guest_handle(op.bitmap, (uint8_t *)0xffff830000001000UL);
        CHECK_EQ(physdev(PHYSDEVOP_set_iobitmap, &op), -EINVAL);
        set_xen_guest_handle(op.bitmap, (uint8_t *)0x0000800000000000UL);
        CHECK_EQ(physdev(PHYSDEVOP_set_iobitmap, &op), -EINVAL);
        CHECK_EQ(a->pv.iobmp, (unsigned long)bm);
        CHECK_EQ(a->pv.iobmp_limit, 65536);
        /* As Xen: only the start is checked, nothing need be mapped. */
        set_xen_guest_handle(op.bitmap, (uint8_t *)0x00007fffffffff00UL);
        CHECK_EQ(physdev(PHYSDEVOP_set_iobitmap, &op), 0);
        CHECK_EQ(a->pv.iobmp_limit, 16);
        harness_fault_lo = (uintptr_t)&op;
        harness_fault_hi = harness_fault_lo + sizeof(op);
        CHECK_EQ(physdev(PHYSDEVOP_set_iobitmap, &op), -EFAULT);
        harness_fault_lo = harness_fault_hi = 0;
        op.nr_ports = 0;
        CHECK_EQ(physdev(PHYSDEVOP_set_iobitmap, &op), 0);
        CHECK_EQ(a->pv.iobmp_limit, 0);
    }

    CASE("unknown and unimplemented ops: -ENOSYS")
    {
        run_as(dom0);
        CHECK_EQ(physdev(PHYSDEVOP_get_free_pirq, NULL), -ENOSYS);
        CHECK_EQ(physdev(-1, NULL), -ENOSYS);
    }
}

static void test_map(void)
{
    CASE("map GSI: pirq == index, or the first free from 16 for -1")
    {
        int pirq = 5;

        run_as(dom0);
        CHECK_EQ(map_gsi(DOMID_SELF, 5, &pirq), 0);
        CHECK_EQ(pirq, 5);
        pirq = -1;
        CHECK_EQ(map_gsi(DOMID_SELF, 20, &pirq), 0);
        CHECK_EQ(pirq, 16);
        /* The same GSI again with -1: the PIRQ it has. */
        pirq = -1;
        CHECK_EQ(map_gsi(DOMID_SELF, 5, &pirq), 0);
        CHECK_EQ(pirq, 5);
        /* ... or with that PIRQ: no change either. */
        pirq = 16;
        CHECK_EQ(map_gsi(DOMID_SELF, 20, &pirq), 0);
        CHECK_EQ(pirq, 16);
    }

    CASE("map GSI: another PIRQ for a mapped GSI is -EEXIST, nothing moves")
    {
        int pirq = 7;

        run_as(dom0);
        CHECK_EQ(map_gsi(DOMID_SELF, 20, &pirq), -EEXIST);
        CHECK_EQ(pirq, 7);
        CHECK_EQ(unmap(DOMID_SELF, 7), -EINVAL);
        /* A mapped PIRQ named for another GSI keeps its own (Xen: 0). */
        pirq = 5;
        CHECK_EQ(map_gsi(DOMID_SELF, 6, &pirq), 0);
        CHECK_EQ(unmap(DOMID_SELF, 5), 0);
        CHECK_EQ(unmap(DOMID_SELF, 5), -EINVAL);
        CHECK_EQ(unmap(DOMID_SELF, 16), 0);
    }

    CASE("map GSI: one dom0 unmapped is gone for dom0, as in Xen")
    {
        int pirq = 5, pu = -1;

        run_as(dom0);
        CHECK_EQ(map_gsi(DOMID_SELF, 5, &pirq), -EPERM);
        pirq = -1;
        CHECK_EQ(map_gsi(DOMID_SELF, 20, &pirq), -EPERM);
        /* Nor can dom0 give it to anyone else. */
        CHECK_EQ(map_gsi(domU->domain_id, 20, &pu), -EPERM);
        CHECK(!pins[20].routed);
    }

    CASE("map GSI: bad index, GSI 0, bad PIRQ, MSI, unknown type, domain")
    {
        int pirq = -1;
        struct physdev_map_pirq m = { .domid = DOMID_SELF,
                                      .type = MAP_PIRQ_TYPE_MSI,
                                      .index = -1, .pirq = -1 };

        run_as(dom0);
        CHECK_EQ(map_gsi(DOMID_SELF, -1, &pirq), -EINVAL);
        CHECK_EQ(map_gsi(DOMID_SELF, NR_GSIS, &pirq), -EINVAL);
        pirq = 0;
        CHECK_EQ(map_gsi(DOMID_SELF, 0, &pirq), -EPERM);
        pirq = 100000;
        CHECK_EQ(map_gsi(DOMID_SELF, 3, &pirq), -EINVAL);
        pirq = 3;
        CHECK_EQ(map_gsi(999, 3, &pirq), -ESRCH);
        CHECK_EQ(physdev(PHYSDEVOP_map_pirq, &m), -ENODEV);
        m.index = 3;
        CHECK_EQ(physdev(PHYSDEVOP_map_pirq, &m), -EINVAL);
        m.type = MAP_PIRQ_TYPE_UNKNOWN;
        CHECK_EQ(physdev(PHYSDEVOP_map_pirq, &m), -EINVAL);
        CHECK_EQ(unmap(DOMID_SELF, -1), -EINVAL);
        CHECK_EQ(unmap(DOMID_SELF, 100000), -EINVAL);
        CHECK_EQ(unmap(DOMID_SELF, 3), -EINVAL);
    }
}

static void test_delivery(void)
{
    CASE("bind: a level GSI is routed, delivered, masked until the EOI")
    {
        int pirq = 10;
        long port, rc;
        struct evtchn_status st = { .dom = DOMID_SELF };

        run_as(dom0);
        CHECK_EQ(map_gsi(DOMID_SELF, 10, &pirq), 0);
        port = bind(10, true);
        CHECK(port > 0);
        CHECK(pins[10].routed && !pins[10].masked && pins[10].level);
        CHECK(pins[10].vector >= FIRST_DYNAMIC_VECTOR &&
              pins[10].vector <= LAST_DYNAMIC_VECTOR);
        st.port = port;
        CHECK_EQ(evtchn(EVTCHNOP_status, &st), 0);
        CHECK_EQ(st.status, EVTCHNSTAT_pirq);
        CHECK_EQ(st.u.pirq, 10);
        CHECK_EQ(status_flags(10, &rc), XENIRQSTAT_needs_eoi);
        CHECK_EQ(rc, 0);

        apic_eois = 0;
        fire(10);
        CHECK(pending(dom0, port));
        CHECK(pins[10].masked);
        CHECK_EQ(apic_eois, 1);
        clear_pending(dom0, port);
        fire(10);                       /* masked: nothing arrives */
        CHECK(!pending(dom0, port));
        CHECK_EQ(eoi(10), 0);
        CHECK(!pins[10].masked);
        /* An EOI with nothing outstanding changes nothing. */
        CHECK_EQ(eoi(10), 0);
        CHECK(!pins[10].masked);
        CHECK_EQ(bind(10, true), -EEXIST);
        CHECK_EQ(close_port(port), 0);
        CHECK(pins[10].masked);
        CHECK_EQ(eoi(10), 0);           /* mapped, unbound: still 0 */
        CHECK(pins[10].masked);
        CHECK_EQ(unmap(DOMID_SELF, 10), 0);
        CHECK_EQ(eoi(10), -EINVAL);
    }

    CASE("a vCPU the scheduler moved: its PIRQs follow it when it runs "
         "there (not before), each entry at its line's next interrupt (the "
         "event arriving all the same), the other vCPU's stay")
    {
        struct vcpu *v0 = dom0->vcpu[0], *v1 = dom0->vcpu[1];
        struct evtchn_bind_vcpu bv = { .vcpu = 1 };
        int p21 = 21, p22 = 22;
        long port21, port22;

        run_as(dom0);
        CHECK_EQ(map_gsi(DOMID_SELF, 21, &p21), 0);
        CHECK_EQ(map_gsi(DOMID_SELF, 22, &p22), 0);
        port21 = bind(21, true);
        port22 = bind(22, true);
        CHECK(port21 > 0 && port22 > 0);
        bv.port = port22;
        CHECK_EQ(evtchn(EVTCHNOP_bind_vcpu, &bv), 0);
        CHECK_EQ(pins[21].cpu, 0);
        fire_and_eoi(22, port22);
        CHECK_EQ(pins[22].cpu, 1);
        /* vCPU 0 to CPU 1: nothing moves until it is switched in there. */
        v0->processor = 1;
        CHECK_EQ(pins[21].cpu, 0);
        pirq_vcpu_moved(v0);
        CHECK_EQ(v0->irq_cpu, 1);
        CHECK_EQ(pins[21].cpu, 0);
        fire_and_eoi(21, port21);
        CHECK_EQ(pins[21].cpu, 1);
        fire_and_eoi(22, port22);
        CHECK_EQ(pins[22].cpu, 1);
        /* vCPU 1 to CPU 0: only its port's line comes along. */
        v1->processor = 0;
        pirq_vcpu_moved(v1);
        fire_and_eoi(21, port21);
        fire_and_eoi(22, port22);
        CHECK_EQ(pins[21].cpu, 1);
        CHECK_EQ(pins[22].cpu, 0);
        /* A closed port's line is no longer the vCPU's to move. */
        CHECK_EQ(close_port(port22), 0);
        v1->processor = 1;
        pirq_vcpu_moved(v1);
        CHECK_EQ(pins[22].cpu, 0);
        v0->processor = 0;
        pirq_vcpu_moved(v0);
        fire_and_eoi(21, port21);
        CHECK_EQ(pins[21].cpu, 0);
        CHECK_EQ(close_port(port21), 0);
    }

    CASE("edge GSI: acked at once, never masked; setup_gsi once only")
    {
        int pirq = 20;
        long port;
        struct evtchn_bind_vcpu bv = { .vcpu = 1 };

        run_as(dom0);
        CHECK_EQ(setup_gsi(20, 0, 0), 0);
        CHECK_EQ(setup_gsi(20, 1, 1), -EEXIST);
        CHECK_EQ(setup_gsi(NR_GSIS, 0, 0), -EINVAL);
        CHECK_EQ(setup_gsi(-1, 0, 0), -EINVAL);
        CHECK_EQ(map_gsi(DOMID_SELF, 20, &pirq), 0);
        port = bind(20, false);
        CHECK(port > 0);
        CHECK(!pins[20].level && !pins[20].active_low);
        fire(20);
        CHECK(pending(dom0, port));
        CHECK(!pins[20].masked);
        /*
         * The guest moves the port: the interrupt follows to CPU 1 at its
         * next arrival, which reaches the port all the same.
         */
        bv.port = port;
        CHECK_EQ(evtchn(EVTCHNOP_bind_vcpu, &bv), 0);
        CHECK_EQ(pins[20].cpu, 0);
        clear_pending(dom0, port);
        fire(20);
        CHECK(pending(dom0, port));
        CHECK_EQ(pins[20].cpu, 1);
        CHECK_EQ(close_port(port), 0);
        CHECK_EQ(unmap(DOMID_SELF, 20), 0);
    }

    CASE("unmap of a bound PIRQ unbinds it; the dead port closes later")
    {
        int pirq = 11;
        long port;
        struct evtchn_status st = { .dom = DOMID_SELF };

        run_as(dom0);
        CHECK_EQ(map_gsi(DOMID_SELF, 11, &pirq), 0);
        port = bind(11, true);
        CHECK(port > 0);
        CHECK_EQ(unmap(DOMID_SELF, 11), 0);
        CHECK(pins[11].masked);
        st.port = port;
        CHECK_EQ(evtchn(EVTCHNOP_status, &st), 0);
        CHECK_EQ(st.status, EVTCHNSTAT_pirq);
        CHECK_EQ(bind(11, true), -EPERM);
        CHECK_EQ(close_port(port), 0);
    }
}

static void test_sharing(void)
{
    CASE("dom0 maps for a domU; shared level line waits for both EOIs")
    {
        int p0 = 9, pu = -1;
        long port0, portu, rc;

        run_as(dom0);
        CHECK_EQ(map_gsi(DOMID_SELF, 9, &p0), 0);
        /* The index is dom0's PIRQ 9, i.e. GSI 9. */
        CHECK_EQ(map_gsi(domU->domain_id, 9, &pu), 0);
        CHECK_EQ(pu, 16);
        port0 = bind(9, true);
        CHECK(port0 > 0);
        run_as(domU);
        CHECK_EQ(bind(16, false), -EBUSY);      /* will not share */
        portu = bind(16, true);
        CHECK(portu > 0);
        CHECK_EQ(status_flags(16, &rc),
                 XENIRQSTAT_needs_eoi | XENIRQSTAT_shared);
        fire(9);
        CHECK(pending(dom0, port0) && pending(domU, portu));
        CHECK(pins[9].masked);
        CHECK_EQ(eoi(16), 0);
        CHECK(pins[9].masked);
        run_as(dom0);
        CHECK_EQ(eoi(9), 0);
        CHECK(!pins[9].masked);
        fire(9);
        /* dom0 closes while the domU owes an EOI: still masked. */
        CHECK_EQ(close_port(port0), 0);
        CHECK(pins[9].masked);
        run_as(domU);
        CHECK_EQ(eoi(16), 0);
        CHECK(!pins[9].masked);
        /* The domU dies bound: destruction unbinds and masks. */
        teardown();
        CHECK(pins[9].masked);
        CHECK_EQ(live_allocs, 0);
        setup();
    }
}

static void test_eoi_map(void)
{
    CASE("EOI bitmap: set on a level interrupt, cleared by the EOI")
    {
        struct physdev_pirq_eoi_gmfn g = { .gmfn = 2 };
        unsigned long *map = (unsigned long *)(host_directmap + 2 * 4096);
        int pirq = 10;
        long port;

        run_as(dom0);
        is_table[3] = true;
        g.gmfn = 3;
        CHECK_EQ(physdev(PHYSDEVOP_pirq_eoi_gmfn_v2, &g), -EINVAL);
        g.gmfn = NR_FRAMES;
        CHECK_EQ(physdev(PHYSDEVOP_pirq_eoi_gmfn_v2, &g), -EINVAL);
        g.gmfn = 2;
        CHECK_EQ(physdev(PHYSDEVOP_pirq_eoi_gmfn_v2, &g), 0);
        CHECK_EQ(type_refs[2], 1);
        g.gmfn = 1;
        CHECK_EQ(physdev(PHYSDEVOP_pirq_eoi_gmfn_v2, &g), -EBUSY);
        CHECK_EQ(type_refs[1], 0);
        CHECK_EQ(map_gsi(DOMID_SELF, 10, &pirq), 0);
        port = bind(10, true);
        fire(10);
        CHECK(test_bit(10, map));
        CHECK_EQ(eoi(10), 0);
        CHECK(!test_bit(10, map));
        CHECK_EQ(close_port(port), 0);
        teardown();
        CHECK_EQ(type_refs[2], 0);
        setup();
    }

    CASE("EOI bitmap v1: the port is masked on delivery, unmasked by EOI")
    {
        struct physdev_pirq_eoi_gmfn g = { .gmfn = 4 };
        int pirq = 11;
        long port;

        run_as(dom0);
        CHECK_EQ(physdev(PHYSDEVOP_pirq_eoi_gmfn_v1, &g), 0);
        CHECK_EQ(map_gsi(DOMID_SELF, 11, &pirq), 0);
        port = bind(11, true);
        fire(11);
        CHECK(test_bit(port, dom0->shared_info->evtchn_mask));
        CHECK_EQ(eoi(11), 0);
        CHECK(!test_bit(port, dom0->shared_info->evtchn_mask));
        teardown();
        CHECK_EQ(type_refs[4], 0);
        setup();
    }
}

static void test_refused(void)
{
    CASE("a domU: map, unmap, setup_gsi, vectors, IO-APIC are -EPERM")
    {
        int pirq = 5;
        struct physdev_apic a = { .apic_physbase = IOAPIC_BASE, .reg = 1 };
        struct physdev_irq v = { .irq = 5 };
        struct physdev_map_pirq mm = { .domid = 999,
                                       .type = MAP_PIRQ_TYPE_MULTI_MSI,
                                       .index = -1, .pirq = -1,
                                       .table_base = 1 };

        run_as(domU);
        /* Xen's first check, before the domain's: a multi-MSI table. */
        CHECK_EQ(physdev(PHYSDEVOP_map_pirq, &mm), -EINVAL);
        CHECK_EQ(map_gsi(DOMID_SELF, 5, &pirq), -EPERM);
        CHECK_EQ(map_gsi(0, 5, &pirq), -EPERM);
        CHECK_EQ(map_gsi(999, 5, &pirq), -ESRCH);
        CHECK_EQ(unmap(DOMID_SELF, 5), -EPERM);
        CHECK_EQ(unmap(0, 5), -EPERM);
        CHECK_EQ(setup_gsi(5, 0, 0), -EPERM);
        CHECK_EQ(setup_gsi(NR_GSIS, 0, 0), -EINVAL);
        CHECK_EQ(physdev(PHYSDEVOP_apic_read, &a), -EPERM);
        CHECK_EQ(physdev(PHYSDEVOP_apic_write, &a), -EPERM);
        CHECK_EQ(physdev(PHYSDEVOP_alloc_irq_vector, &v), -EPERM);
        CHECK(!domU->arch.pirqs);
        CHECK_EQ(dom0->refcnt, 0);
        CHECK_EQ(domU->refcnt, 0);
    }

    CASE("a domU: bind, EOI and status of PIRQs it was never given")
    {
        long rc;
        int pirq = 5;

        run_as(dom0);
        CHECK_EQ(map_gsi(DOMID_SELF, 5, &pirq), 0);
        run_as(domU);
        CHECK_EQ(bind(5, true), -EPERM);
        CHECK_EQ(bind(NR_GSIS + 32, true), -EINVAL);
        CHECK_EQ(bind(~0u, true), -EINVAL);
        CHECK_EQ(eoi(5), -EINVAL);
        CHECK_EQ(eoi(NR_GSIS + 32), -EINVAL);
        CHECK_EQ(status_flags(5, &rc), XENIRQSTAT_needs_eoi);
        CHECK_EQ(rc, 0);
        status_flags(NR_GSIS + 32, &rc);
        CHECK_EQ(rc, -EINVAL);
        CHECK(!pins[5].routed);
        run_as(dom0);
        CHECK_EQ(unmap(DOMID_SELF, 5), 0);
    }

    CASE("dom0: apic_read, apic_write, alloc_irq_vector as Xen answers")
    {
        struct physdev_apic a = { .apic_physbase = IOAPIC_BASE, .reg = 1 };
        struct physdev_irq v = { .irq = 33 };

        run_as(dom0);
        CHECK_EQ(physdev(PHYSDEVOP_apic_read, &a), 0);
        CHECK_EQ(a.value, 0x00170020);
        CHECK_EQ(physdev(PHYSDEVOP_apic_write, &a), 0);
        a.apic_physbase = 0xfee00000;
        CHECK_EQ(physdev(PHYSDEVOP_apic_read, &a), -EINVAL);
        CHECK_EQ(physdev(PHYSDEVOP_apic_write, &a), -EINVAL);
        CHECK_EQ(physdev(PHYSDEVOP_alloc_irq_vector, &v), 0);
        CHECK_EQ(v.vector, 33);
    }

    CASE("every interrupt op: an unreadable argument is -EFAULT, no change")
    {
        static union {
            struct physdev_map_pirq m;
            uint8_t raw[64];
        } arg;

        for ( unsigned int i = 0; i < ARRAY_SIZE(irq_ops); i++ )
        {
            for ( unsigned int who = 0; who < 2; who++ )
            {
                run_as(who ? domU : dom0);
                harness_fault_lo = (uintptr_t)&arg;
                harness_fault_hi = harness_fault_lo + sizeof(arg);
                CHECK_EQ(physdev(irq_ops[i], &arg), -EFAULT);
                harness_fault_lo = harness_fault_hi = 0;
            }
        }
    }
}

static void test_vectors(void)
{
    CASE("setup_gsi and a bind of a GSI no IO-APIC has: -EINVAL")
    {
        run_as(dom0);
        ioapic_gsis = 100;
        CHECK_EQ(setup_gsi(150, 1, 1), -EINVAL);
        ioapic_gsis = NR_GSIS;
        CHECK_EQ(gsi_guest_bind(NR_GSIS, dom0, 1, 1, 0, true), -EINVAL);
        CHECK_EQ(setup_gsi(150, 1, 1), 0);
    }

    CASE("Xen's lines (cascade IRQ 2, the console UART's): map 0, bind "
         "-EBUSY, never routed; IRQ 0 (the timer) map -EPERM")
    {
        int pirq;

        run_as(dom0);
        pirq = 0;
        CHECK_EQ(map_gsi(DOMID_SELF, 0, &pirq), -EPERM);
        for ( int gsi = 2; gsi <= 5; gsi++ )
        {
            pirq = gsi;
            console_irq = gsi == 5 ? 3 : 4;   /* com2's 3 is on GSI 5 */
            CHECK_EQ(map_gsi(DOMID_SELF, gsi, &pirq), 0);
            if ( gsi == 3 )
                CHECK(bind(pirq, true) > 0);
            else
                CHECK_EQ(bind(pirq, true), -EBUSY);
            CHECK(!pins[gsi].routed || gsi == 3);
            /* Nothing stuck: the refused PIRQ can be unmapped. */
            if ( gsi != 3 )
                CHECK_EQ(unmap(DOMID_SELF, pirq), 0);
        }
        /* Without a console UART line, only the cascade stays Xen's. */
        console_irq = -1;
        pirq = 6;
        CHECK_EQ(map_gsi(DOMID_SELF, 6, &pirq), 0);
        CHECK(bind(pirq, true) > 0);
        console_irq = 4;
    }

    /* Last: vectors are never given back. */
    CASE("vectors: one per bound GSI from 0x30 to 0xef, then -ENOSPC")
    {
        static bool used[256];
        unsigned int bound = 2;         /* GSIs 3 and 6, the case before */
        long port = 0;

        run_as(dom0);
        used[pins[3].vector] = used[pins[6].vector] = true;
        for ( int gsi = 1; gsi < NR_GSIS && port >= 0; gsi++ )
        {
            int pirq = gsi;

            /* Xen's lines (no vector), and the previous case's. */
            if ( gsi >= 2 && gsi <= 6 )
                continue;

            CHECK_EQ(map_gsi(DOMID_SELF, gsi, &pirq), 0);
            port = bind(pirq, true);
            if ( port < 0 )
                break;
            bound++;
            CHECK(!used[pins[gsi].vector]);
            used[pins[gsi].vector] = true;
        }
        CHECK_EQ(port, -ENOSPC);
        CHECK_EQ(bound, LAST_DYNAMIC_VECTOR - FIRST_DYNAMIC_VECTOR + 1);
        for ( unsigned int v = 0; v < 256; v++ )
            CHECK_EQ(used[v], v >= FIRST_DYNAMIC_VECTOR &&
                              v <= LAST_DYNAMIC_VECTOR);
    }
}

/* test_pci.c: the PCI ops, on a fake machine. */
void test_pci(struct domain *dom0, struct domain *domU);

int main(void)
{
    host_directmap = aligned_alloc(4096, NR_FRAMES * 4096);
    memset(host_directmap, 0, NR_FRAMES * 4096);
    frame_table = calloc(NR_FRAMES, sizeof(*frame_table));
    irq_gsi_init();
    setup();
    /* Fresh domains for each group: an unmapped GSI is gone for good. */
    test_iopl();
    test_map();
    teardown();
    setup();
    test_delivery();
    teardown();
    setup();
    test_sharing();
    test_eoi_map();
    teardown();
    setup();
    test_refused();
    teardown();
    setup();
    test_pci(dom0, domU);
    teardown();
    /* Last: GSIs' vectors are never given back (an MSI's are). */
    setup();
    test_vectors();
    teardown();
    CASE("every allocation and page reference is given back")
    {
        CHECK_EQ(live_allocs, 0);
        for ( unsigned int i = 0; i < NR_FRAMES; i++ )
            CHECK_EQ(type_refs[i], 0);
    }
    return check_failures ? 1 : 0;
}
