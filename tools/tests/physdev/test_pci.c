/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for the PCI registry, config access and physdev's PCI ops. */
#include <stdlib.h>
#include <asm/config.h>
#include <xen/acpi.h>
#include <xen/bitops.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/hypercall.h>
#include <xen/pci.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <asm/current.h>
#include <asm/domain.h>
#include <asm/e820.h>
#include <asm/io.h>
#include <asm/irq.h>
#include <public/event_channel.h>
#include <public/physdev.h>
#include "check.h"

extern uintptr_t harness_fault_lo, harness_fault_hi;

struct domain *hardware_domain;

/* ---- the fake machine: bus 0 of segment 0 behind ports 0xCF8/0xCFC ---- */

static uint8_t cfg[256][256];           /* [devfn][register] */
static uint32_t hw_cf8;
static unsigned int port_calls;

static uint8_t *cfc_byte(unsigned int port)
{
    static uint8_t none;

    none = 0xff;
    if ( !(hw_cf8 & 0x80000000u) || ((hw_cf8 >> 16) & 0xff) )
        return &none;
    return &cfg[(hw_cf8 >> 8) & 0xff][(hw_cf8 & 0xfc) + (port & 3)];
}

uint32_t port_in(uint16_t port, unsigned int size)
{
    uint32_t v = 0;

    port_calls++;
    CHECK(port >= 0xcfc && port + size <= 0xd00);
    for ( unsigned int i = 0; i < size; i++ )
        v |= (uint32_t)*cfc_byte(port + i) << (8 * i);
    return v;
}

void port_out(uint32_t v, uint16_t port, unsigned int size)
{
    port_calls++;
    if ( port == 0xcf8 && size == 4 )
    {
        hw_cf8 = v;
        return;
    }
    CHECK(port >= 0xcfc && port + size <= 0xd00);
    for ( unsigned int i = 0; i < size; i++ )
        *cfc_byte(port + i) = v >> (8 * i);
}


static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

static uint16_t get16(const uint8_t *p)
{
    uint16_t v;

    memcpy(&v, p, 2);
    return v;
}

static void make_device(unsigned int devfn, uint16_t vendor)
{
    memset(cfg[devfn], 0, 256);
    put16(&cfg[devfn][PCI_VENDOR_ID], vendor);
}

/* Links a capability of id at pos after the list's current end. */
static void add_cap(unsigned int devfn, unsigned int pos, uint8_t id)
{
    uint8_t *link = &cfg[devfn][PCI_CAPABILITY_LIST];

    cfg[devfn][PCI_STATUS] |= PCI_STATUS_CAP_LIST;
    while ( *link )
        link = &cfg[devfn][*link + 1];
    *link = pos;
    cfg[devfn][pos] = id;
    cfg[devfn][pos + 1] = 0;
}

#define DF(slot, fn) PCI_DEVFN(slot, fn)

static void build_machine(void)
{
    memset(cfg, 0xff, sizeof(cfg));
    make_device(DF(0, 0), 0x8086);              /* host bridge, no caps */
    make_device(DF(1, 0), 0x8086);              /* MSI at 0x40, MSI-X 0x50 */
    add_cap(DF(1, 0), 0x40, PCI_CAP_ID_MSI);
    add_cap(DF(1, 0), 0x50, PCI_CAP_ID_MSIX);
    /* 4 entries; the table at BAR0 (32-bit), the PBA at BAR2 (64-bit). */
    put16(&cfg[DF(1, 0)][0x50 + PCI_MSIX_FLAGS], 3);
    put32(&cfg[DF(1, 0)][0x50 + PCI_MSIX_TABLE], 0x1000 | 0);
    put32(&cfg[DF(1, 0)][0x50 + PCI_MSIX_PBA], 0x2000 | 2);
    put32(&cfg[DF(1, 0)][PCI_BASE_ADDRESS_0], 0xfebf0000);
    put32(&cfg[DF(1, 0)][PCI_BASE_ADDRESS_0 + 8], PCI_BASE_ADDRESS_MEM_64);
    put32(&cfg[DF(1, 0)][PCI_BASE_ADDRESS_0 + 12], 1);
    /* MSI-X behind an I/O BAR, and behind one with no address. */
    make_device(DF(4, 0), 0x1234);
    add_cap(DF(4, 0), 0x40, PCI_CAP_ID_MSIX);
    put32(&cfg[DF(4, 0)][PCI_BASE_ADDRESS_0], 0xc001);
    make_device(DF(4, 1), 0x1234);
    add_cap(DF(4, 1), 0x40, PCI_CAP_ID_MSIX);
    /* Their memory BARs decoded, as dom0 leaves a device it drives. */
    for ( unsigned int df = DF(4, 0); df <= DF(4, 1); df++ )
        put16(&cfg[df][PCI_COMMAND], PCI_COMMAND_MEMORY);
    put16(&cfg[DF(1, 0)][PCI_COMMAND], PCI_COMMAND_MEMORY);
    /* PCIe, phantom functions 1 bit: stride 4; function 5 has none. */
    for ( unsigned int fn = 0; fn <= 5; fn += 5 )
    {
        make_device(DF(2, fn), 0x1af4);
        add_cap(DF(2, fn), 0x60, PCI_CAP_ID_EXP);
        put32(&cfg[DF(2, fn)][0x60 + PCI_EXP_DEVCAP], 1 << 3);
    }
    /*
     * MSI with 64-bit addresses and per-vector mask bits, up to 8
     * vectors: address 0x44, data 0x4c, Mask Bits 0x50, Pending 0x54.
     */
    make_device(DF(5, 0), 0x1b36);
    add_cap(DF(5, 0), 0x40, PCI_CAP_ID_MSI);
    put16(&cfg[DF(5, 0)][0x42], 0x0186);
    /* A capability list that points at itself. */
    make_device(DF(3, 0), 0x1234);
    add_cap(DF(3, 0), 0x40, PCI_CAP_ID_EXP);
    cfg[DF(3, 0)][0x41] = 0x40;
}

/*
 * Device 00:01.0's MSI-X table (BAR0 + 0x1000, 4 entries of 4 dwords),
 * as the hypervisor maps it.
 */
#define MSIX_TABLE_PA 0xfebf1000UL
static uint32_t msix_table[4 * 4];
unsigned int x86_cpu_to_apicid[NR_CPUS] = { 0, 4 };

void *map_platform_mmio(paddr_t pa)
{
    if ( pa < MSIX_TABLE_PA || pa >= MSIX_TABLE_PA + sizeof(msix_table) )
        return NULL;
    return (uint8_t *)msix_table + (pa - MSIX_TABLE_PA);
}

/* test_physdev.c: an interrupt on vector, through its handler. */
void fire_vector(unsigned int vector);

/* ---- a fake MCFG table and the memory behind its first area ---- */

#define ECAM_BASE 0xe0000000ULL
#define ECAM_SIZE (2UL << 20)                   /* buses 0-1 */
static uint8_t *ecam;
/* Segment 2's bus 0, which the e820 map reserves (in two pieces). */
#define ECAM2_BASE 0xd0000000ULL
static uint8_t *ecam2;

/*
 * Segment 3's buses 0-31, of which the e820 map reserves 24 MiB: Xen's
 * halving takes the first 16; segment 4's, 12 MiB of them: too few.
 */
#define ECAM3_BASE 0xc0000000ULL
#define ECAM4_BASE 0xc4000000ULL
static uint8_t *ecam3;

struct e820map e820 = {
    .nr_map = 5,
    .map = { { ECAM_BASE - 0x1000, 0x1000, E820_RESERVED },
             { ECAM2_BASE, 0x80000, E820_RESERVED },
             { ECAM2_BASE + 0x80000, 0x80000, E820_RESERVED },
             { ECAM3_BASE, 24UL << 20, E820_RESERVED },
             { ECAM4_BASE, 12UL << 20, E820_RESERVED } },
};

static struct __packed {
    struct acpi_table_header h;
    uint8_t reserved[8];
    struct __packed {
        uint64_t address;
        uint16_t seg;
        uint8_t start_bus, end_bus;
        uint32_t reserved;
    } e[5];
} mcfg = {
    .h = { .signature = "MCFG", .length = sizeof(mcfg) },
    .e = { { ECAM_BASE, 0, 0, 1, 0 }, { 0xf0000000ULL, 1, 0, 0, 0 },
           { ECAM2_BASE, 2, 0, 0, 0 }, { ECAM3_BASE, 3, 0, 31, 0 },
           { ECAM4_BASE, 4, 0, 31, 0 } },
};

const struct acpi_table_header *acpi_get_table(const char *sig,
                                               unsigned int instance)
{
    return !memcmp(sig, "MCFG", 4) && !instance ? &mcfg.h : NULL;
}

/*
 * The first, third and fourth (as cut) areas are reachable; the second
 * is "above the map".
 */
void *acpi_map(paddr_t pa, size_t len)
{
    if ( pa == ECAM2_BASE && len == (1UL << 20) )
        return ecam2;
    if ( pa == ECAM3_BASE && len == (16UL << 20) )
        return ecam3;
    return pa == ECAM_BASE && len == ECAM_SIZE ? ecam : NULL;
}

/* ---- helpers ---- */

static struct domain *d0, *du;

static long op(struct domain *d, int cmd, void *arg)
{
    get_cpu_info()->current_vcpu = d->vcpu[0];
    return do_physdev_op(cmd, (XEN_GUEST_HANDLE_PARAM(void)){ arg });
}

static long dev_op(struct domain *d, int cmd, unsigned int seg,
                   unsigned int bus, unsigned int devfn)
{
    struct physdev_pci_device dev = { .seg = seg, .bus = bus,
                                      .devfn = devfn };

    return op(d, cmd, &dev);
}

static long add(struct domain *d, unsigned int seg, unsigned int bus,
                unsigned int devfn, uint32_t flags)
{
    struct physdev_pci_device_add a = { .seg = seg, .bus = bus,
                                        .devfn = devfn, .flags = flags };

    return op(d, PHYSDEVOP_pci_device_add, &a);
}

static long manage(struct domain *d, int cmd, unsigned int bus,
                   unsigned int devfn)
{
    struct physdev_manage_pci m = { .bus = bus, .devfn = devfn };

    return op(d, cmd, &m);
}

static struct pci_dev *lookup(unsigned int seg, unsigned int bus,
                              unsigned int devfn)
{
    struct pci_dev *pdev;

    pcidevs_lock();
    pdev = pci_get_pdev(PCI_SBDF(seg, bus, devfn));
    pcidevs_unlock();
    return pdev;
}

/* Empties the registry of what a case left. */
static void forget_all(void)
{
    for ( unsigned int seg = 0; seg < 2; seg++ )
        for ( unsigned int bus = 0; bus < 2; bus++ )
            for ( unsigned int devfn = 0; devfn < 256; devfn++ )
                pci_remove_device(PCI_SBDF(seg, bus, devfn));
    pci_remove_device(PCI_SBDF(0xffff, 0xff, 0xff));
}

static long mmcfg_reserved(struct domain *d, uint64_t addr, unsigned int seg,
                           unsigned int start, unsigned int end,
                           uint32_t flags)
{
    struct physdev_pci_mmcfg_reserved r = {
        .address = addr, .segment = seg, .start_bus = start,
        .end_bus = end, .flags = flags,
    };

    return op(d, PHYSDEVOP_pci_mmcfg_reserved, &r);
}

/* Maps an MSI-X entry (msix) or the MSI of 00:bus.devfn for domid. */
static long map_msi(struct domain *d, domid_t domid, unsigned int devfn,
                    bool msix, int entry, int *pirq)
{
    struct physdev_map_pirq m = {
        .domid = domid, .type = MAP_PIRQ_TYPE_MSI, .index = -1,
        .pirq = *pirq, .bus = 0, .devfn = devfn, .entry_nr = entry,
        .table_base = msix ? 0xfebf0000 : 0,
    };
    long rc = op(d, PHYSDEVOP_map_pirq, &m);

    *pirq = m.pirq;
    return rc;
}

static long unmap_pirq(struct domain *d, int pirq)
{
    struct physdev_unmap_pirq u = { .domid = DOMID_SELF, .pirq = pirq };

    return op(d, PHYSDEVOP_unmap_pirq, &u);
}

/* Binds pirq of d to a new port: the port, or the negative error. */
static long bind_pirq(struct domain *d, int pirq)
{
    struct evtchn_bind_pirq b = { .pirq = pirq };
    long rc;

    get_cpu_info()->current_vcpu = d->vcpu[0];
    rc = do_event_channel_op(EVTCHNOP_bind_pirq,
                             (XEN_GUEST_HANDLE_PARAM(void)){ &b });
    return rc ? rc : (long)b.port;
}

static long close_port(struct domain *d, unsigned int port)
{
    struct evtchn_close c = { .port = port };

    get_cpu_info()->current_vcpu = d->vcpu[0];
    return do_event_channel_op(EVTCHNOP_close,
                               (XEN_GUEST_HANDLE_PARAM(void)){ &c });
}

static uint32_t guest_in(struct domain *d, unsigned int port,
                         unsigned int size)
{
    uint32_t v = 0x5a5a5a5a;

    CHECK(pci_guest_port_read(d, port, size, &v));
    return v;
}

/*
 * MSI and MSI-X mapped to PIRQs (xen/arch/x86/msi.c): only for a device
 * the target owns, programmed by the hypervisor once bound, masked again
 * when unbound; every refusal leaves the device and the PIRQs as they
 * were.
 */
static void test_msi(void)
{
    static const uint32_t untouched[4 * 4] = { 0 };

    forget_all();
    memset(msix_table, 0, sizeof(msix_table));

    CASE("map MSI: a device not registered, or not the target's, is "
         "-ENODEV; a domU -EPERM; nothing programmed")
    {
        int pirq = -1;

        CHECK_EQ(map_msi(d0, DOMID_SELF, DF(1, 0), true, 0, &pirq), -ENODEV);
        CHECK_EQ(map_msi(d0, DOMID_SELF, DF(1, 0), false, 0, &pirq),
                 -ENODEV);
        CHECK_EQ(add(d0, 0, 0, DF(1, 0), 0), 0);
        /* Dom0's device, programmed for a domU that does not own it. */
        CHECK_EQ(map_msi(d0, du->domain_id, DF(1, 0), true, 0, &pirq),
                 -ENODEV);
        CHECK_EQ(map_msi(du, DOMID_SELF, DF(1, 0), true, 0, &pirq), -EPERM);
        CHECK_EQ(map_msi(du, 0, DF(1, 0), false, 0, &pirq), -EPERM);
        CHECK_EQ(pirq, -1);
        CHECK(!du->arch.pirqs);
        CHECK(!memcmp(msix_table, untouched, sizeof(untouched)));
    }

    CASE("map MSI-X: an entry past the table -EINVAL, a table behind an "
         "I/O BAR -ENXIO, no MSI capability -ENODEV; two vectors of an MSI "
         "that sends one -ENFILE, entry_nr 1")
    {
        int pirq = -1;
        struct physdev_map_pirq m = {
            .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_MULTI_MSI,
            .index = -1, .pirq = -1, .devfn = DF(1, 0), .entry_nr = 2,
        };

        CHECK_EQ(map_msi(d0, DOMID_SELF, DF(1, 0), true, 4, &pirq), -EINVAL);
        CHECK_EQ(add(d0, 0, 0, DF(4, 0), 0), 0);
        CHECK_EQ(map_msi(d0, DOMID_SELF, DF(4, 0), true, 0, &pirq), -ENXIO);
        CHECK_EQ(map_msi(d0, DOMID_SELF, DF(4, 0), false, 0, &pirq),
                 -ENODEV);
        CHECK_EQ(op(d0, PHYSDEVOP_map_pirq, &m), -ENFILE);
        CHECK_EQ(m.entry_nr, 1);
        CHECK_EQ(m.pirq, -1);
        CHECK_EQ(pirq, -1);
        CHECK(!memcmp(msix_table, untouched, sizeof(untouched)));
    }

    CASE("MSI-X: mapped to the top PIRQ, masked; bound, our vector and CPU "
         "go in the entry, unmasked; its interrupt raises the port")
    {
        int pirq = -1, again = -1, other = 40;
        uint32_t *e = &msix_table[2 * 4];
        long port;

        CHECK_EQ(map_msi(d0, DOMID_SELF, DF(1, 0), true, 2, &pirq), 0);
        CHECK((unsigned int)pirq >= nr_irqs_gsi);
        CHECK_EQ(e[3], 1);
        /* The same entry again: the same PIRQ; another one -EEXIST. */
        CHECK_EQ(map_msi(d0, DOMID_SELF, DF(1, 0), true, 2, &again), 0);
        CHECK_EQ(again, pirq);
        CHECK_EQ(map_msi(d0, DOMID_SELF, DF(1, 0), true, 2, &other),
                 -EEXIST);
        port = bind_pirq(d0, pirq);
        CHECK(port > 0);
        CHECK_EQ(e[0], 0xfee00000);
        CHECK_EQ(e[1], 0);
        CHECK(e[2] >= 0x30 && e[2] <= 0xef);
        CHECK_EQ(e[3], 0);
        /* Bound twice: -EEXIST, the entry as it was. */
        CHECK_EQ(bind_pirq(d0, pirq), -EEXIST);
        CHECK_EQ(e[3], 0);
        fire_vector(e[2]);
        CHECK(test_bit(port, d0->shared_info->evtchn_pending));
        /* A domU binding or EOIing dom0's PIRQ: refused, nothing moves. */
        CHECK_EQ(bind_pirq(du, pirq), -EINVAL);
        CHECK_EQ(close_port(d0, port), 0);
        CHECK_EQ(e[3], 1);
        CHECK_EQ(unmap_pirq(d0, pirq), 0);
        CHECK_EQ(unmap_pirq(d0, pirq), -EINVAL);
        CHECK_EQ(e[3], 1);
    }

    CASE("MSI-X: the vCPU moved to CPU 1 and run there: the entry's "
         "address names CPU 1's APIC")
    {
        int pirq = -1;
        uint32_t *e = &msix_table[1 * 4];
        long port;

        CHECK_EQ(map_msi(d0, DOMID_SELF, DF(1, 0), true, 1, &pirq), 0);
        port = bind_pirq(d0, pirq);
        CHECK(port > 0);
        CHECK_EQ(e[0], 0xfee00000);
        d0->vcpu[0]->processor = 1;
        pirq_vcpu_moved(d0->vcpu[0]);
        CHECK_EQ(e[0], 0xfee00000 | 4 << 12);
        d0->vcpu[0]->processor = 0;
        pirq_vcpu_moved(d0->vcpu[0]);
        CHECK_EQ(e[0], 0xfee00000);
        CHECK_EQ(close_port(d0, port), 0);
        CHECK_EQ(unmap_pirq(d0, pirq), 0);
    }

    CASE("MSI: bound, the capability holds our address and vector")
    {
        int pirq = -1;
        long port;
        uint8_t *cap = &cfg[DF(1, 0)][0x40];

        /* 32-bit addresses, no per-vector mask. */
        put16(cap + 2, 0);
        CHECK_EQ(map_msi(d0, DOMID_SELF, DF(1, 0), false, 0, &pirq), 0);
        port = bind_pirq(d0, pirq);
        CHECK(port > 0);
        CHECK_EQ(cap[4] | cap[5] << 8 | cap[6] << 16 |
                 (uint32_t)cap[7] << 24, 0xfee00000);
        CHECK(cap[8] >= 0x30 && cap[8] <= 0xef);
        CHECK_EQ(close_port(d0, port), 0);
        CHECK_EQ(unmap_pirq(d0, pirq), 0);
        build_machine();
    }

    CASE("MSI-X: a removed device's entries cannot be mapped again")
    {
        int pirq = -1;

        forget_all();
        CHECK_EQ(map_msi(d0, DOMID_SELF, DF(1, 0), true, 1, &pirq), -ENODEV);
        CHECK_EQ(pirq, -1);
    }
}

static uint32_t get32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return v;
}

static long map_multi(struct domain *d, unsigned int devfn, int *nr,
                      int *pirq)
{
    struct physdev_map_pirq m = {
        .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_MULTI_MSI, .index = 7,
        .pirq = *pirq, .bus = 0, .devfn = devfn, .entry_nr = *nr,
    };
    long rc = op(d, PHYSDEVOP_map_pirq, &m);

    *pirq = m.pirq;
    *nr = m.entry_nr;
    return rc;
}

/* How many PIRQs dom0 may name: irq_status_query answers below that. */
static int nr_pirqs_of_dom0(void)
{
    struct physdev_irq_status_query q = { .irq = 0 };

    while ( !op(d0, PHYSDEVOP_irq_status_query, &q) )
        q.irq++;
    return q.irq;
}

/* Dom0 writes configuration space of 00:devfn through 0xCF8/0xCFC. */
static void guest_conf_write(unsigned int devfn, unsigned int reg,
                             unsigned int size, uint32_t val)
{
    CHECK(pci_guest_port_write(d0, 0xcf8, 4, 0x80000000 | devfn << 8 |
                                             (reg & 0xfc)));
    CHECK(pci_guest_port_write(d0, 0xcfc + (reg & 3), size, val));
}

/*
 * 00:05.0 registered, two vectors of its MSI mapped for dom0 (in *pirq)
 * and the first bound: its port.
 */
static long bridge_msi_bound(int *pirq)
{
    int nr = 2;

    CHECK_EQ(add(d0, 0, 0, DF(5, 0), 0), 0);
    CHECK_EQ(map_multi(d0, DF(5, 0), &nr, pirq), 0);
    return bind_pirq(d0, *pirq);
}

/*
 * Multi-vector MSI and per-vector masking of plain MSI, on 00:05.0
 * (mask bits, up to 8 vectors): counts Xen refuses, vectors in an
 * aligned block behind PIRQs in a row, masking through the Mask Bits
 * only, and dom0's own writes to the capability filtered as Xen does.
 */
static void test_multi_msi(void)
{
    uint8_t *cap = &cfg[DF(5, 0)][0x40];

    forget_all();
    build_machine();

    CASE("multi-MSI: entry_nr 0, -1 or 33 -EDOM (before the device is "
         "looked at); 16 of a device that sends 8 -ENFILE, entry_nr 8; "
         "a table_base -EINVAL; nothing programmed")
    {
        static const int bad[] = { 0, -1, 33, INT32_MIN };
        struct physdev_map_pirq m = {
            .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_MULTI_MSI,
            .pirq = -1, .devfn = DF(5, 0), .entry_nr = 2, .table_base = 1,
        };
        int pirq = -1, nr;

        for ( unsigned int i = 0; i < ARRAY_SIZE(bad); i++ )
        {
            nr = bad[i];
            CHECK_EQ(map_multi(d0, DF(5, 0), &nr, &pirq), -EDOM);
        }
        CHECK_EQ(op(d0, PHYSDEVOP_map_pirq, &m), -EINVAL);
        nr = 2;
        CHECK_EQ(map_multi(d0, DF(5, 0), &nr, &pirq), -ENODEV);
        CHECK_EQ(add(d0, 0, 0, DF(5, 0), 0), 0);
        nr = 16;
        CHECK_EQ(map_multi(d0, DF(5, 0), &nr, &pirq), -ENFILE);
        CHECK_EQ(nr, 8);
        CHECK_EQ(pirq, -1);
        CHECK_EQ(get32(cap + 4), 0);
        CHECK_EQ(get32(cap + 0x10), 0);
        CHECK_EQ(cap[2], 0x86);
    }

    CASE("multi-MSI: 3 vectors are 4, behind 4 PIRQs in a row, masked by "
         "their Mask Bits; bound, one address, data the first of 4 aligned "
         "vectors, 4 enabled; each vector raises its own PIRQ's port")
    {
        int pirq = -1, nr = 3, again = -1, nr2 = 4, base;
        long port[4];

        CHECK_EQ(add(d0, 0, 0, DF(5, 0), 0), 0);
        CHECK_EQ(map_multi(d0, DF(5, 0), &nr, &pirq), 0);
        CHECK_EQ(nr, 4);
        CHECK((unsigned int)pirq >= nr_irqs_gsi);
        /* Unused vectors too: only the first four are ours. */
        CHECK_EQ(get32(cap + 0x10) & 0xf, 0xf);
        /* The same MSI again: the same PIRQs; another count -EEXIST. */
        CHECK_EQ(map_multi(d0, DF(5, 0), &nr2, &again), 0);
        CHECK_EQ(again, pirq);
        nr2 = 2;
        again = -1;
        CHECK_EQ(map_multi(d0, DF(5, 0), &nr2, &again), -EEXIST);
        for ( int i = 0; i < 4; i++ )
        {
            port[i] = bind_pirq(d0, pirq + i);
            CHECK(port[i] > 0);
            CHECK_EQ(get32(cap + 0x10) & 0xf, 0xeU << i & 0xf);
        }
        CHECK_EQ(get32(cap + 4), 0xfee00000);
        CHECK_EQ(get32(cap + 8), 0);
        base = cap[0xc];
        CHECK(base >= 0x30 && base + 3 <= 0xef && !(base & 3));
        CHECK_EQ(cap[0xd], 0);
        CHECK_EQ(cap[2] & 0x70, 0x20);
        CHECK_EQ(cap[2] & 0x8f, 0x86);
        for ( int i = 3; i >= 0; i-- )
        {
            fire_vector(base + i);
            for ( int j = 0; j < 4; j++ )
                CHECK_EQ(!!test_bit(port[j], d0->shared_info->evtchn_pending),
                         j >= i);
        }
        /* Closing one port masks its own vector, MSI stays as it was. */
        cap[2] |= 1;
        CHECK_EQ(close_port(d0, port[2]), 0);
        CHECK_EQ(get32(cap + 0x10) & 0xf, 0x4);
        CHECK_EQ(cap[2] & 1, 1);
        /* A secondary PIRQ cannot go alone; the first takes them all. */
        CHECK_EQ(unmap_pirq(d0, pirq + 1), -EBUSY);
        CHECK_EQ(bind_pirq(d0, pirq + 2) > 0, 1);
        CHECK_EQ(unmap_pirq(d0, pirq), 0);
        CHECK_EQ(get32(cap + 0x10) & 0xf, 0xf);
        for ( int i = 0; i < 4; i++ )
            CHECK_EQ(unmap_pirq(d0, pirq + i), -EINVAL);
        /* Its vectors came back: the block can be had again. */
        pirq = -1;
        nr = 4;
        CHECK_EQ(map_multi(d0, DF(5, 0), &nr, &pirq), 0);
        CHECK_EQ(unmap_pirq(d0, pirq), 0);
        cap[2] &= ~1;
    }

    CASE("multi-MSI: a given PIRQ takes the run from it; one of the run "
         "mapped already -EEXIST, past the domain's PIRQs -EINVAL")
    {
        int pirq = 100, nr = 2, gsi_pirq = 101, other;

        CHECK_EQ(add(d0, 0, 0, DF(5, 0), 0), 0);
        CHECK_EQ(add(d0, 0, 0, DF(1, 0), 0), 0);
        other = gsi_pirq;
        CHECK_EQ(map_msi(d0, DOMID_SELF, DF(1, 0), true, 0, &other), 0);
        CHECK_EQ(map_multi(d0, DF(5, 0), &nr, &pirq), -EEXIST);
        pirq = nr_pirqs_of_dom0() - 1;
        CHECK_EQ(map_multi(d0, DF(5, 0), &nr, &pirq), -EINVAL);
        pirq = 102;
        CHECK_EQ(map_multi(d0, DF(5, 0), &nr, &pirq), 0);
        CHECK_EQ(pirq, 102);
        CHECK_EQ(unmap_pirq(d0, 102), 0);
        CHECK_EQ(unmap_pirq(d0, 103), -EINVAL);
        CHECK_EQ(unmap_pirq(d0, other), 0);
    }

    CASE("single MSI with mask bits: masked by its bit until bound, "
         "unmasked when bound, masked when the port closes; the enable "
         "bit untouched throughout")
    {
        int pirq = -1;
        long port;

        CHECK_EQ(add(d0, 0, 0, DF(5, 0), 0), 0);
        cap[2] |= 1;
        CHECK_EQ(map_msi(d0, DOMID_SELF, DF(5, 0), false, 0, &pirq), 0);
        CHECK_EQ(get32(cap + 0x10) & 1, 1);
        port = bind_pirq(d0, pirq);
        CHECK(port > 0);
        CHECK_EQ(get32(cap + 0x10) & 1, 0);
        CHECK_EQ(cap[2] & 0x71, 1);
        CHECK_EQ(close_port(d0, port), 0);
        CHECK_EQ(get32(cap + 0x10) & 1, 1);
        CHECK_EQ(cap[2] & 1, 1);
        CHECK_EQ(unmap_pirq(d0, pirq), 0);
        cap[2] &= ~1;
    }

    CASE("dom0 ports: a mapped MSI with mask bits takes a 16-bit control "
         "write and Mask Bits writes (our masked and its unused vectors "
         "kept set), drops address, data and other sizes; unmapped, all")
    {
        int pirq = -1;
        long port = bridge_msi_bound(&pirq);

        CHECK(port > 0);
        CHECK_EQ(get32(cap + 0x10) & 0xff, 0xfe);
        guest_conf_write(DF(5, 0), 0x44, 4, 0xfee01000);
        guest_conf_write(DF(5, 0), 0x4c, 2, 0x4041);
        guest_conf_write(DF(5, 0), 0x54, 4, 0);
        CHECK_EQ(get32(cap + 4), 0xfee00000);
        CHECK(cap[0xc] >= 0x30);
        /* A dword at the header, a byte of control: dropped. */
        guest_conf_write(DF(5, 0), 0x40, 4, 0x00015005);
        guest_conf_write(DF(5, 0), 0x42, 1, 0x01);
        CHECK_EQ(cap[0], PCI_CAP_ID_MSI);
        CHECK_EQ(cap[2] & 1, 0);
        guest_conf_write(DF(5, 0), 0x42, 2, 0x0197);
        CHECK_EQ(cap[2], 0x97);
        /* Dom0 unmasks all: vector 1 (not bound) and 2-7 stay masked. */
        guest_conf_write(DF(5, 0), 0x50, 4, 0);
        CHECK_EQ(get32(cap + 0x10), 0xfe);
        guest_conf_write(DF(5, 0), 0x50, 2, 0xffff);
        CHECK_EQ(get32(cap + 0x10), 0xfe);
        /* Dom0 masks vector 0: it stays so through our unmask. */
        guest_conf_write(DF(5, 0), 0x50, 4, 0x80000001);
        CHECK_EQ(get32(cap + 0x10), 0x800000ff);
        CHECK_EQ(close_port(d0, port), 0);
        port = bind_pirq(d0, pirq);
        CHECK(port > 0);
        CHECK_EQ(get32(cap + 0x10) & 1, 1);
        guest_conf_write(DF(5, 0), 0x50, 4, 0);
        CHECK_EQ(get32(cap + 0x10) & 1, 0);
        CHECK_EQ(unmap_pirq(d0, pirq), 0);
        /* Nothing mapped: dom0's writes land as they are. */
        guest_conf_write(DF(5, 0), 0x44, 4, 0xfee01000);
        guest_conf_write(DF(5, 0), 0x50, 4, 0);
        CHECK_EQ(get32(cap + 4), 0xfee01000);
        CHECK_EQ(get32(cap + 0x10), 0);
        build_machine();
    }

    CASE("dom0 ports: a mapped MSI without mask bits is left to dom0, "
         "as Xen leaves it")
    {
        int pirq = -1;
        long port;

        put16(cap + 2, 0x0086);
        CHECK_EQ(add(d0, 0, 0, DF(5, 0), 0), 0);
        CHECK_EQ(map_msi(d0, DOMID_SELF, DF(5, 0), false, 0, &pirq), 0);
        port = bind_pirq(d0, pirq);
        CHECK(port > 0);
        guest_conf_write(DF(5, 0), 0x4c, 2, 0x4041);
        CHECK_EQ(cap[0xc], 0x41);
        CHECK_EQ(unmap_pirq(d0, pirq), 0);
        build_machine();
        forget_all();
    }
}

/*
 * The MSI-X Function Mask the hypervisor forces when it cannot reach a
 * table (Xen's host_maskall), and dom0's own (guest_maskall).
 */
static void test_msix_maskall(void)
{
    forget_all();
    build_machine();
    CASE("MSI-X Function Mask as Xen's host_maskall: no memory decoded, "
         "map and prepare -ENXIO; an entry masked while dom0 decodes no "
         "memory sets the Function Mask, which dom0's control writes "
         "keep, unmapped too, until the table's next first use gives "
         "dom0's own bit back")
    {
        uint8_t *ctl = &cfg[DF(1, 0)][0x50 + PCI_MSIX_FLAGS];
        uint32_t *e = &msix_table[3 * 4];
        int pirq = -1;
        long port;

        CHECK_EQ(add(d0, 0, 0, DF(1, 0), 0), 0);
        guest_conf_write(DF(1, 0), PCI_COMMAND, 2, 0);
        CHECK_EQ(map_msi(d0, DOMID_SELF, DF(1, 0), true, 3, &pirq), -ENXIO);
        CHECK_EQ(dev_op(d0, PHYSDEVOP_prepare_msix, 0, 0, DF(1, 0)),
                 -ENXIO);
        CHECK(!pci_mmio_ro(0xfebf1));
        guest_conf_write(DF(1, 0), PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
        pirq = -1;
        CHECK_EQ(map_msi(d0, DOMID_SELF, DF(1, 0), true, 3, &pirq), 0);
        port = bind_pirq(d0, pirq);
        CHECK(port > 0);
        CHECK_EQ(e[3], 0);
        CHECK_EQ(get16(ctl), 3);
        guest_conf_write(DF(1, 0), PCI_COMMAND, 2, 0);
        CHECK_EQ(close_port(d0, port), 0);
        CHECK_EQ(e[3], 0);
        CHECK_EQ(get16(ctl), 0x4003);
        guest_conf_write(DF(1, 0), 0x50 + PCI_MSIX_FLAGS, 2, 0x8003);
        CHECK_EQ(get16(ctl), 0xc003);
        guest_conf_write(DF(1, 0), 0x50 + PCI_MSIX_FLAGS, 2, 0x0003);
        CHECK_EQ(get16(ctl), 0x4003);
        guest_conf_write(DF(1, 0), PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
        CHECK_EQ(unmap_pirq(d0, pirq), 0);
        CHECK_EQ(e[3], 1);
        guest_conf_write(DF(1, 0), 0x50 + PCI_MSIX_FLAGS, 2, 0x0003);
        CHECK_EQ(get16(ctl), 0x4003);
        pirq = -1;
        CHECK_EQ(map_msi(d0, DOMID_SELF, DF(1, 0), true, 3, &pirq), 0);
        CHECK_EQ(get16(ctl), 3);
        CHECK_EQ(unmap_pirq(d0, pirq), 0);
        /* Dom0's own Function Mask is dom0's: kept by a first use. */
        guest_conf_write(DF(1, 0), 0x50 + PCI_MSIX_FLAGS, 2, 0x4003);
        CHECK_EQ(dev_op(d0, PHYSDEVOP_prepare_msix, 0, 0, DF(1, 0)), 0);
        CHECK_EQ(get16(ctl), 0x4003);
        CHECK_EQ(dev_op(d0, PHYSDEVOP_release_msix, 0, 0, DF(1, 0)), 0);
        build_machine();
        forget_all();
    }
}

/* Dom0's store into the MMCONFIG page of 00:devfn, as ptwr.c passes it. */
static int ecam_store(unsigned int devfn, unsigned int reg, unsigned int size,
                      uint32_t val)
{
    return pci_mmcfg_guest_write((ECAM_BASE >> 12) + devfn, reg, size, val);
}

static uint8_t *ecam_page(unsigned int bus, unsigned int devfn)
{
    return ecam + ((unsigned long)bus << 20) + ((unsigned long)devfn << 12);
}

/*
 * Dom0's MMCONFIG (ECAM) pages once the area is in use (the case
 * "pci_mmcfg_reserved: a reserved area serves ..." enabled it): mapped
 * read-only, and each store it makes there is filtered as its 0xCFC
 * writes are, then done by us (Xen's mmcfg_intercept_write).
 */
static void test_mmcfg_writes(void)
{
    uint8_t *cap = &cfg[DF(5, 0)][0x40];
    uint8_t *page = ecam_page(0, DF(5, 0));

    forget_all();
    build_machine();

    CASE("MMCONFIG: every frame of an area in use is read-only for dom0; "
         "one not in use (unreachable), or outside, is not")
    {
        CHECK(pci_mmio_ro(ECAM_BASE >> 12));
        CHECK(pci_mmio_ro((ECAM_BASE >> 12) + DF(5, 0)));
        CHECK(pci_mmio_ro(((ECAM_BASE + ECAM_SIZE) >> 12) - 1));
        CHECK(!pci_mmio_ro((ECAM_BASE + ECAM_SIZE) >> 12));
        CHECK(!pci_mmio_ro((ECAM_BASE >> 12) - 1));
        CHECK(!pci_mmio_ro(0xf0000));
        CHECK_EQ(pci_mmcfg_guest_write(0xf0000, 0, 4, 0), -ENODEV);
        CHECK_EQ(pci_mmcfg_guest_write((ECAM_BASE + ECAM_SIZE) >> 12, 0, 4,
                                       0),
                 -ENODEV);
    }

    CASE("MMCONFIG: stores where nothing is the hypervisor's land in the "
         "page as written, extended space and bus 1 too; wider than a "
         "dword -EINVAL, nothing written")
    {
        port_calls = 0;
        CHECK_EQ(ecam_store(DF(5, 0), 0x70, 4, 0x11223344), 0);
        CHECK_EQ(get32(page + 0x70), 0x11223344);
        CHECK_EQ(ecam_store(DF(5, 0), 0x44, 2, 0xabcd), 0);
        CHECK_EQ(page[0x44], 0xcd);
        CHECK_EQ(ecam_store(DF(5, 0), 0x104, 1, 0x5a), 0);
        CHECK_EQ(page[0x104], 0x5a);
        CHECK_EQ(pci_mmcfg_guest_write((ECAM_BASE >> 12) + 0x100 + DF(2, 0),
                                       0x10, 4, 0xfebf0000),
                 0);
        CHECK_EQ(get32(ecam_page(1, DF(2, 0)) + 0x10), 0xfebf0000);
        CHECK_EQ(ecam_store(DF(5, 0), 0x78, 8, 0x99), -EINVAL);
        CHECK_EQ(page[0x78], 0);
        CHECK_EQ(port_calls, 0);
        memset(page, 0, 0x1000);
    }

    CASE("MMCONFIG: a mapped MSI with mask bits as through the ports: "
         "address and data dropped, 16-bit control and Mask Bits (ours "
         "kept masked) taken; the rest of the page still dom0's")
    {
        int pirq = -1;
        long port = bridge_msi_bound(&pirq);

        CHECK_EQ(ecam_store(DF(5, 0), 0x44, 4, 0xfee0f000), 0);
        CHECK(port > 0);
        CHECK_EQ(get32(cap + 4), 0xfee00000);
        CHECK_EQ(ecam_store(DF(5, 0), 0x48, 4, 0x1), 0);
        CHECK_EQ(ecam_store(DF(5, 0), 0x4c, 2, 0x4041), 0);
        CHECK_EQ(ecam_store(DF(5, 0), 0x40, 4, 0x00015005), 0);
        CHECK_EQ(ecam_store(DF(5, 0), 0x42, 1, 0x01), 0);
        CHECK_EQ(get32(cap + 4), 0xfee00000);
        CHECK_EQ(get32(cap + 8), 0);
        CHECK(cap[0xc] >= 0x30);
        CHECK_EQ(cap[2] & 1, 0);
        for ( unsigned int i = 0x40; i < 0x58; i++ )
            CHECK_EQ(page[i], 0);
        CHECK_EQ(ecam_store(DF(5, 0), 0x42, 2, 0x0197), 0);
        CHECK_EQ(cap[2], 0x97);
        CHECK_EQ(ecam_store(DF(5, 0), 0x50, 4, 0), 0);
        CHECK_EQ(get32(cap + 0x10), 0xfe);
        CHECK_EQ(ecam_store(DF(5, 0), 0x50, 4, 1), 0);
        CHECK_EQ(get32(cap + 0x10), 0xff);
        CHECK_EQ(ecam_store(DF(5, 0), 0x70, 4, 0x55aa55aa), 0);
        CHECK_EQ(get32(page + 0x70), 0x55aa55aa);
        CHECK_EQ(close_port(d0, port), 0);
        CHECK_EQ(unmap_pirq(d0, pirq), 0);
        /* Unmapped, the capability is dom0's again. */
        CHECK_EQ(ecam_store(DF(5, 0), 0x44, 4, 0xfee0f000), 0);
        CHECK_EQ(get32(page + 0x44), 0xfee0f000);
        memset(page, 0, 0x1000);
        build_machine();
        forget_all();
    }

    CASE("MMCONFIG: a registered device's MSI-X capability takes only a "
         "16-bit control store, as through the ports")
    {
        uint8_t *p = ecam_page(0, DF(1, 0));

        CHECK_EQ(add(d0, 0, 0, DF(1, 0), 0), 0);
        CHECK_EQ(ecam_store(DF(1, 0), 0x54, 4, 0x3000), 0);
        CHECK_EQ(ecam_store(DF(1, 0), 0x50, 4, 0xc0035011), 0);
        CHECK_EQ(ecam_store(DF(1, 0), 0x52, 1, 0xc0), 0);
        CHECK_EQ(get32(p + 0x50), 0);
        CHECK_EQ(get32(p + 0x54), 0);
        CHECK_EQ(get32(&cfg[DF(1, 0)][0x54]), 0x1000);
        /* The control write is made by the hypervisor (by the ports). */
        CHECK_EQ(ecam_store(DF(1, 0), 0x52, 2, 0xc003), 0);
        CHECK_EQ(get32(&cfg[DF(1, 0)][0x50]) >> 16, 0xc003);
        CHECK_EQ(ecam_store(DF(1, 0), 0x5c, 4, 0x12345678), 0);
        CHECK_EQ(get32(p + 0x5c), 0x12345678);
        memset(p, 0, 0x1000);
        forget_all();
    }
}

void test_pci(struct domain *dom0, struct domain *domU);

void test_pci(struct domain *dom0, struct domain *domU)
{
    d0 = dom0;
    du = domU;
    hardware_domain = dom0;
    memset(&dom0->arch, 0, sizeof(dom0->arch));
    memset(&domU->arch, 0, sizeof(domU->arch));
    ecam = calloc(1, ECAM_SIZE);
    ecam2 = calloc(1, 1UL << 20);
    ecam3 = calloc(1, 16UL << 20);
    build_machine();
    pci_mmcfg_init();

    CASE("MMCONFIG: an area the e820 map reserves (in pieces) is used from "
         "boot, read-only for dom0 at once; one it does not, not yet")
    {
        put32(ecam2 + (DF(3, 0) << 12) + 0x100, 0x87654321);
        CHECK_EQ(pci_conf_read32(PCI_SBDF(2, 0, DF(3, 0)), 0x100), 0x87654321);
        CHECK(pci_mmio_ro((ECAM2_BASE >> 12) + 0xff));
        CHECK(!pci_mmio_ro(ECAM_BASE >> 12));
        CHECK_EQ(mmcfg_reserved(d0, ECAM2_BASE, 2, 0, 0, 1), 0);
        CHECK_EQ(pci_mmcfg_guest_write((ECAM2_BASE >> 12) + DF(3, 0), 0x104,
                                       2, 0xbeef),
                 0);
        CHECK_EQ(get32(ecam2 + (DF(3, 0) << 12) + 0x104), 0xbeef);
    }

    CASE("pci_mmcfg_reserved without RESERVED turns an area in use off, "
         "as Xen: past the ports the hypervisor reads all-ones, dom0's "
         "frames stay read-only and its stores there are dropped; with "
         "RESERVED it is back")
    {
        unsigned long mfn = (ECAM2_BASE >> 12) + DF(3, 0);
        pci_sbdf_t sb = PCI_SBDF(2, 0, DF(3, 0));

        CHECK_EQ(mmcfg_reserved(d0, ECAM2_BASE, 2, 0, 0, 0), 0);
        CHECK_EQ(pci_conf_read32(sb, 0x100), 0xffffffff);
        CHECK(pci_mmio_ro(mfn));
        CHECK_EQ(pci_mmcfg_guest_write(mfn, 0x104, 2, 0x1234), -ENODEV);
        CHECK_EQ(get32(ecam2 + (DF(3, 0) << 12) + 0x104), 0xbeef);
        CHECK_EQ(mmcfg_reserved(d0, ECAM2_BASE, 2, 0, 0, 0), 0);
        CHECK_EQ(mmcfg_reserved(d0, ECAM2_BASE, 2, 0, 0, 1), 0);
        CHECK_EQ(pci_conf_read32(sb, 0x100), 0x87654321);
        CHECK_EQ(pci_mmcfg_guest_write(mfn, 0x104, 2, 0x1234), 0);
        CHECK_EQ(get32(ecam2 + (DF(3, 0) << 12) + 0x104), 0x1234);
    }

    CASE("MMCONFIG: an area the e820 map reserves in part is used from "
         "boot for the largest reserved half, quarter... of 16 MiB or "
         "more, its bus range cut to match (dom0 can confirm only that); "
         "one with less reserved is not used")
    {
        unsigned long first = ECAM3_BASE >> 12;

        put32(ecam3 + (15UL << 20) + (DF(1, 0) << 12) + 0x100, 0x13572468);
        CHECK_EQ(pci_conf_read32(PCI_SBDF(3, 15, DF(1, 0)), 0x100),
                 0x13572468);
        CHECK_EQ(pci_conf_read32(PCI_SBDF(3, 16, 0), 0x100), 0xffffffff);
        CHECK(pci_mmio_ro(first));
        CHECK(pci_mmio_ro(first + (16 << 8) - 1));
        CHECK(!pci_mmio_ro(first + (16 << 8)));
        CHECK_EQ(pci_mmcfg_guest_write(first + (15 << 8) + DF(1, 0), 0x104,
                                       4, 0x2468),
                 0);
        CHECK_EQ(get32(ecam3 + (15UL << 20) + (DF(1, 0) << 12) + 0x104),
                 0x2468);
        CHECK_EQ(mmcfg_reserved(d0, ECAM3_BASE, 3, 0, 31, 1), -ENODEV);
        CHECK_EQ(mmcfg_reserved(d0, ECAM3_BASE, 3, 0, 15, 1), 0);
        CHECK(!pci_mmio_ro(ECAM4_BASE >> 12));
        CHECK_EQ(pci_conf_read32(PCI_SBDF(4, 0, 0), 0x100), 0xffffffff);
        CHECK_EQ(mmcfg_reserved(d0, ECAM4_BASE, 4, 0, 31, 0), 0);
        CHECK(!pci_mmio_ro(ECAM4_BASE >> 12));
    }

    CASE("pci conf: reads and writes by sbdf through CF8/CFC, all sizes")
    {
        pci_sbdf_t sb = PCI_SBDF(0, 0, DF(1, 0));

        CHECK_EQ(pci_conf_read16(sb, PCI_VENDOR_ID), 0x8086);
        CHECK_EQ(hw_cf8, 0x80000800);
        CHECK_EQ(pci_conf_read8(sb, 0x34), 0x40);
        CHECK_EQ(pci_conf_read32(sb, 0x40), 0x00005005);
        pci_conf_write8(sb, 0x70, 0x11);
        pci_conf_write16(sb, 0x72, 0x3322);
        CHECK_EQ(pci_conf_read32(sb, 0x70), 0x33220011);
        pci_conf_write32(sb, 0x74, 0xaabbccdd);
        CHECK_EQ(pci_conf_read8(sb, 0x76), 0xbb);
        CHECK_EQ(hw_cf8, 0x80000874);
        /* A misaligned register is rounded down to its size. */
        CHECK_EQ(pci_conf_read16(sb, 0x75), 0xccdd);
        CHECK_EQ(pci_conf_read32(sb, 0x77), 0xaabbccdd);
    }

    CASE("pci conf: an absent function, other buses and segments read ~0")
    {
        CHECK_EQ(pci_conf_read32(PCI_SBDF(0, 0, DF(9, 0)), 0), 0xffffffff);
        CHECK_EQ(pci_conf_read16(PCI_SBDF(0, 5, 0), 0), 0xffff);
        /* No MMCONFIG yet: no port is touched for segment 1 or reg 0x100. */
        port_calls = 0;
        CHECK_EQ(pci_conf_read8(PCI_SBDF(1, 0, 0), 0), 0xff);
        CHECK_EQ(pci_conf_read32(PCI_SBDF(0, 0, 0), 0x100), 0xffffffff);
        pci_conf_write32(PCI_SBDF(0, 0, 0), 0x100, 0);
        CHECK_EQ(port_calls, 0);
    }

    CASE("pci caps: MSI and MSI-X found, a looping list ends, none in ~0")
    {
        CHECK_EQ(pci_find_cap_offset(PCI_SBDF(0, 0, DF(1, 0)),
                                     PCI_CAP_ID_MSI), 0x40);
        CHECK_EQ(pci_find_cap_offset(PCI_SBDF(0, 0, DF(1, 0)),
                                     PCI_CAP_ID_MSIX), 0x50);
        CHECK_EQ(pci_find_cap_offset(PCI_SBDF(0, 0, DF(0, 0)),
                                     PCI_CAP_ID_MSI), 0);
        CHECK_EQ(pci_find_cap_offset(PCI_SBDF(0, 0, DF(3, 0)),
                                     PCI_CAP_ID_MSI), 0);
        CHECK_EQ(pci_find_cap_offset(PCI_SBDF(0, 0, DF(9, 0)),
                                     PCI_CAP_ID_MSI), 0);
    }

    CASE("pci_device_add: dom0's device is registered, owned by dom0")
    {
        struct pci_dev *p;

        CHECK(!lookup(0, 0, DF(1, 0)));
        CHECK_EQ(add(d0, 0, 0, DF(1, 0), 0), 0);
        p = lookup(0, 0, DF(1, 0));
        CHECK(p);
        CHECK(p && p->domain == d0);
        CHECK(p && !p->info.is_extfn && !p->info.is_virtfn);
        CHECK_EQ(p ? p->msi_pos : 0, 0x40);
        CHECK_EQ(p ? p->msix_pos : 0, 0x50);
        CHECK_EQ(p ? p->pxm : 0, PCI_NO_PXM);
        forget_all();
    }

    CASE("pci_device_add: twice is fine (as Xen), one entry, removed once")
    {
        CHECK_EQ(add(d0, 0, 0, 0, 0), 0);
        CHECK_EQ(add(d0, 0, 0, 0, XEN_PCI_DEV_EXTFN), 0);
        CHECK(lookup(0, 0, 0)->info.is_extfn);
        CHECK_EQ(manage(d0, PHYSDEVOP_manage_pci_add, 0, 0), 0);
        /* The info-less form leaves what the last add said. */
        CHECK(lookup(0, 0, 0)->info.is_extfn);
        CHECK_EQ(dev_op(d0, PHYSDEVOP_pci_device_remove, 0, 0, 0), 0);
        CHECK(!lookup(0, 0, 0));
        CHECK_EQ(dev_op(d0, PHYSDEVOP_pci_device_remove, 0, 0, 0), -ENODEV);
    }

    CASE("pci_device_add: unknown flags are ignored, an absent function "
         "and another segment are taken, as by Xen")
    {
        CHECK_EQ(add(d0, 0, 0, 0, 0x80000000u | 0x78), 0);
        CHECK(lookup(0, 0, 0) && !lookup(0, 0, 0)->info.is_virtfn);
        CHECK_EQ(add(d0, 0, 0, DF(9, 0), 0), 0);
        CHECK_EQ(lookup(0, 0, DF(9, 0))->msix_pos, 0);
        CHECK_EQ(add(d0, 0xffff, 0xff, 0xff, 0), 0);
        CHECK(lookup(0xffff, 0xff, 0xff));
        CHECK(!lookup(0, 0xff, 0xff));
        forget_all();
    }

    CASE("pci_device_add: PXM takes optarr[0]; unreadable, -EFAULT")
    {
        struct {
            struct physdev_pci_device_add a;
            uint32_t pxm;
        } x = { .a = { .devfn = DF(1, 0), .flags = XEN_PCI_DEV_PXM },
                .pxm = 7 };

        CHECK_EQ(offsetof(typeof(x), pxm),
                 offsetof(struct physdev_pci_device_add, optarr));
        harness_fault_lo = (uintptr_t)&x.pxm;
        harness_fault_hi = harness_fault_lo + 4;
        CHECK_EQ(op(d0, PHYSDEVOP_pci_device_add, &x), -EFAULT);
        CHECK(!lookup(0, 0, DF(1, 0)));
        /* Without the flag optarr is not read at all. */
        x.a.flags = 0;
        CHECK_EQ(op(d0, PHYSDEVOP_pci_device_add, &x), 0);
        harness_fault_lo = harness_fault_hi = 0;
        CHECK_EQ(lookup(0, 0, DF(1, 0))->pxm, PCI_NO_PXM);
        x.a.flags = XEN_PCI_DEV_PXM;
        CHECK_EQ(op(d0, PHYSDEVOP_pci_device_add, &x), 0);
        CHECK_EQ(lookup(0, 0, DF(1, 0))->pxm, 7);
        forget_all();
    }

    CASE("pci_device_add: a VF brings its PF and records the PF's extfn")
    {
        struct physdev_pci_device_add vf = {
            .bus = 1, .devfn = DF(0, 2), .flags = XEN_PCI_DEV_VIRTFN,
            .physfn = { .bus = 0, .devfn = DF(2, 0) },
        };
        struct pci_dev *p;

        CHECK_EQ(op(d0, PHYSDEVOP_pci_device_add, &vf), 0);
        p = lookup(0, 1, DF(0, 2));
        CHECK(p && p->info.is_virtfn && !p->info.is_extfn);
        CHECK(p && p->info.physfn.bus == 0 && p->info.physfn.devfn ==
              DF(2, 0));
        CHECK(lookup(0, 0, DF(2, 0)));
        /* The PF is an extended function: a VF says so whatever it says. */
        CHECK_EQ(add(d0, 0, 0, DF(2, 0), XEN_PCI_DEV_EXTFN), 0);
        CHECK_EQ(op(d0, PHYSDEVOP_pci_device_add, &vf), 0);
        CHECK(lookup(0, 1, DF(0, 2))->info.is_extfn);
        vf.flags |= XEN_PCI_DEV_EXTFN;
        CHECK_EQ(add(d0, 0, 0, DF(2, 0), 0), 0);
        CHECK_EQ(op(d0, PHYSDEVOP_pci_device_add, &vf), 0);
        CHECK(!lookup(0, 1, DF(0, 2))->info.is_extfn);
        forget_all();
    }

    CASE("pci_device_add: phantom stride from PCIe DEVCAP, per function")
    {
        CHECK_EQ(add(d0, 0, 0, DF(2, 0), 0), 0);
        CHECK_EQ(add(d0, 0, 0, DF(2, 5), 0), 0);
        CHECK_EQ(add(d0, 0, 0, DF(3, 0), 0), 0);
        CHECK_EQ(lookup(0, 0, DF(2, 0))->phantom_stride, 4);
        CHECK_EQ(lookup(0, 0, DF(2, 5))->phantom_stride, 0);
        CHECK_EQ(lookup(0, 0, DF(3, 0))->phantom_stride, 0);
        forget_all();
    }

    CASE("manage_pci_add_ext: is_extfn or is_virtfn above 1 is -EINVAL")
    {
        struct physdev_manage_pci_ext e = { .bus = 0, .devfn = DF(1, 0),
                                            .is_extfn = 2 };

        CHECK_EQ(op(d0, PHYSDEVOP_manage_pci_add_ext, &e), -EINVAL);
        e.is_extfn = 0;
        e.is_virtfn = ~0u;
        CHECK_EQ(op(d0, PHYSDEVOP_manage_pci_add_ext, &e), -EINVAL);
        CHECK(!lookup(0, 0, DF(1, 0)));
        e.is_extfn = 1;
        e.is_virtfn = 0;
        CHECK_EQ(op(d0, PHYSDEVOP_manage_pci_add_ext, &e), 0);
        CHECK(lookup(0, 0, DF(1, 0))->info.is_extfn);
        CHECK_EQ(manage(d0, PHYSDEVOP_manage_pci_remove, 0, DF(1, 0)), 0);
        CHECK_EQ(manage(d0, PHYSDEVOP_manage_pci_remove, 0, DF(1, 0)),
                 -ENODEV);
    }

    CASE("pci remove: unknown device, bus or segment is -ENODEV")
    {
        CHECK_EQ(add(d0, 0, 0, 0, 0), 0);
        CHECK_EQ(dev_op(d0, PHYSDEVOP_pci_device_remove, 0, 0, 8), -ENODEV);
        CHECK_EQ(dev_op(d0, PHYSDEVOP_pci_device_remove, 0, 1, 0), -ENODEV);
        CHECK_EQ(dev_op(d0, PHYSDEVOP_pci_device_remove, 1, 0, 0), -ENODEV);
        CHECK(lookup(0, 0, 0));
        forget_all();
    }

    CASE("prepare/release_msix: unknown or no MSI-X -ENODEV, then 0/1")
    {
        CHECK_EQ(dev_op(d0, PHYSDEVOP_prepare_msix, 0, 0, DF(1, 0)), -ENODEV);
        CHECK_EQ(add(d0, 0, 0, DF(1, 0), 0), 0);
        CHECK_EQ(add(d0, 0, 0, 0, 0), 0);
        CHECK_EQ(dev_op(d0, PHYSDEVOP_prepare_msix, 0, 0, 0), -ENODEV);
        CHECK_EQ(dev_op(d0, PHYSDEVOP_release_msix, 0, 0, 0), -ENODEV);
        CHECK_EQ(dev_op(d0, PHYSDEVOP_release_msix, 0, 0, DF(1, 0)), -EBUSY);
        CHECK(!pci_mmio_ro(0xfebf1));
        CHECK_EQ(dev_op(d0, PHYSDEVOP_prepare_msix, 0, 0, DF(1, 0)), 0);
        CHECK_EQ(dev_op(d0, PHYSDEVOP_prepare_msix, 0, 0, DF(1, 0)), -EBUSY);
        CHECK_EQ(dev_op(d0, PHYSDEVOP_release_msix, 0, 0, DF(1, 0)), 0);
        CHECK_EQ(dev_op(d0, PHYSDEVOP_release_msix, 0, 0, DF(1, 0)), -EBUSY);
        forget_all();
    }

    CASE("prepare_msix: the table and PBA frames turn read-only for dom0 "
         "until release (or removal); no memory BAR is -ENXIO")
    {
        CHECK_EQ(add(d0, 0, 0, DF(1, 0), 0), 0);
        CHECK_EQ(dev_op(d0, PHYSDEVOP_prepare_msix, 0, 0, DF(1, 0)), 0);
        CHECK(!pci_mmio_ro(0xfebf0));
        CHECK(pci_mmio_ro(0xfebf1));
        CHECK(!pci_mmio_ro(0xfebf2));
        CHECK(pci_mmio_ro(0x100002));
        CHECK(!pci_mmio_ro(0x100001));
        CHECK_EQ(dev_op(d0, PHYSDEVOP_release_msix, 0, 0, DF(1, 0)), 0);
        CHECK(!pci_mmio_ro(0xfebf1));
        CHECK(!pci_mmio_ro(0x100002));
        CHECK_EQ(dev_op(d0, PHYSDEVOP_prepare_msix, 0, 0, DF(1, 0)), 0);
        CHECK_EQ(dev_op(d0, PHYSDEVOP_pci_device_remove, 0, 0, DF(1, 0)), 0);
        CHECK(!pci_mmio_ro(0xfebf1));
        CHECK_EQ(add(d0, 0, 0, DF(4, 0), 0), 0);
        CHECK_EQ(add(d0, 0, 0, DF(4, 1), 0), 0);
        CHECK_EQ(dev_op(d0, PHYSDEVOP_prepare_msix, 0, 0, DF(4, 0)), -ENXIO);
        CHECK_EQ(dev_op(d0, PHYSDEVOP_prepare_msix, 0, 0, DF(4, 1)), -ENXIO);
        CHECK_EQ(dev_op(d0, PHYSDEVOP_release_msix, 0, 0, DF(4, 0)), -EBUSY);
        forget_all();
    }

    CASE("map_pirq MSI-X: the table and PBA read-only for dom0 while any "
         "entry is mapped, without prepare_msix; prepare/release -EBUSY")
    {
        int p1 = -1, p2 = -1, p3 = -1;

        CHECK_EQ(add(d0, 0, 0, DF(1, 0), 0), 0);
        CHECK(!pci_mmio_ro(0xfebf1));
        CHECK_EQ(map_msi(d0, DOMID_SELF, DF(1, 0), true, 0, &p1), 0);
        CHECK(pci_mmio_ro(0xfebf1));
        CHECK(pci_mmio_ro(0x100002));
        CHECK(!pci_mmio_ro(0xfebf0));
        /* The same entry again is the same use; another is one more. */
        CHECK_EQ(map_msi(d0, DOMID_SELF, DF(1, 0), true, 0, &p2), 0);
        CHECK_EQ(p2, p1);
        CHECK_EQ(map_msi(d0, DOMID_SELF, DF(1, 0), true, 1, &p3), 0);
        CHECK_EQ(dev_op(d0, PHYSDEVOP_prepare_msix, 0, 0, DF(1, 0)), -EBUSY);
        CHECK_EQ(dev_op(d0, PHYSDEVOP_release_msix, 0, 0, DF(1, 0)), -EBUSY);
        CHECK_EQ(unmap_pirq(d0, p1), 0);
        CHECK(pci_mmio_ro(0xfebf1));
        /* One use left: release_msix may take it (Xen counts alike). */
        CHECK_EQ(unmap_pirq(d0, p3), 0);
        CHECK(!pci_mmio_ro(0xfebf1));
        CHECK(!pci_mmio_ro(0x100002));
        /* prepare_msix, then an entry: both must go before it is writable. */
        CHECK_EQ(dev_op(d0, PHYSDEVOP_prepare_msix, 0, 0, DF(1, 0)), 0);
        p1 = -1;
        CHECK_EQ(map_msi(d0, DOMID_SELF, DF(1, 0), true, 2, &p1), 0);
        CHECK_EQ(unmap_pirq(d0, p1), 0);
        CHECK(pci_mmio_ro(0xfebf1));
        CHECK_EQ(dev_op(d0, PHYSDEVOP_release_msix, 0, 0, DF(1, 0)), 0);
        CHECK(!pci_mmio_ro(0xfebf1));
        /* A refused map (entry past the table) leaves nothing behind. */
        p1 = -1;
        CHECK_EQ(map_msi(d0, DOMID_SELF, DF(1, 0), true, 4, &p1), -EINVAL);
        CHECK(!pci_mmio_ro(0xfebf1));
        forget_all();
    }

    CASE("restore_msi(_ext): a known device 0, an unknown one -ENODEV")
    {
        struct physdev_restore_msi r = { .bus = 0, .devfn = DF(1, 0) };

        CHECK_EQ(op(d0, PHYSDEVOP_restore_msi, &r), -ENODEV);
        CHECK_EQ(dev_op(d0, PHYSDEVOP_restore_msi_ext, 0, 0, DF(1, 0)),
                 -ENODEV);
        CHECK_EQ(add(d0, 0, 0, DF(1, 0), 0), 0);
        CHECK_EQ(op(d0, PHYSDEVOP_restore_msi, &r), 0);
        CHECK_EQ(dev_op(d0, PHYSDEVOP_restore_msi_ext, 0, 0, DF(1, 0)), 0);
        CHECK_EQ(dev_op(d0, PHYSDEVOP_restore_msi_ext, 1, 0, DF(1, 0)),
                 -ENODEV);
        forget_all();
    }

    CASE("domU: every PCI op is -EPERM, the registry untouched")
    {
        struct physdev_manage_pci_ext e = { .devfn = DF(1, 0) };
        struct physdev_dbgp_op g = { .op = PHYSDEVOP_DBGP_RESET_PREPARE };
        struct physdev_pci_device_add vf = {
            .devfn = DF(1, 1), .flags = XEN_PCI_DEV_VIRTFN,
            .physfn = { .devfn = DF(1, 0) },
        };

        CHECK_EQ(add(du, 0, 0, DF(1, 0), 0), -EPERM);
        CHECK_EQ(op(du, PHYSDEVOP_pci_device_add, &vf), -EPERM);
        CHECK_EQ(manage(du, PHYSDEVOP_manage_pci_add, 0, DF(1, 0)), -EPERM);
        CHECK_EQ(op(du, PHYSDEVOP_manage_pci_add_ext, &e), -EPERM);
        CHECK(!lookup(0, 0, DF(1, 0)));
        CHECK(!lookup(0, 0, DF(1, 1)));
        CHECK_EQ(add(d0, 0, 0, DF(1, 0), 0), 0);
        CHECK_EQ(dev_op(du, PHYSDEVOP_pci_device_remove, 0, 0, DF(1, 0)),
                 -EPERM);
        CHECK_EQ(manage(du, PHYSDEVOP_manage_pci_remove, 0, DF(1, 0)),
                 -EPERM);
        CHECK_EQ(dev_op(du, PHYSDEVOP_prepare_msix, 0, 0, DF(1, 0)), -EPERM);
        CHECK_EQ(dev_op(du, PHYSDEVOP_release_msix, 0, 0, DF(1, 0)), -EPERM);
        CHECK_EQ(dev_op(du, PHYSDEVOP_restore_msi_ext, 0, 0, DF(1, 0)),
                 -EPERM);
        CHECK_EQ(mmcfg_reserved(du, ECAM_BASE, 0, 0, 1, 0), -EPERM);
        CHECK_EQ(op(du, PHYSDEVOP_dbgp_op, &g), -EPERM);
        CHECK(lookup(0, 0, DF(1, 0)));
        CHECK_EQ(lookup(0, 0, DF(1, 0))->msix_used, 0);
        forget_all();
    }

    CASE("domU: restore_msi of an unknown device is -ENODEV, as on Xen")
    {
        CHECK_EQ(dev_op(du, PHYSDEVOP_restore_msi_ext, 0, 0, DF(1, 0)),
                 -ENODEV);
    }

    CASE("unreadable arguments: -EFAULT, or -EPERM for a domU where Xen "
         "refuses first (mmcfg_reserved, dbgp_op)")
    {
        static const int copy_first[] = {
            PHYSDEVOP_manage_pci_add, PHYSDEVOP_manage_pci_remove,
            PHYSDEVOP_manage_pci_add_ext, PHYSDEVOP_pci_device_add,
            PHYSDEVOP_pci_device_remove, PHYSDEVOP_restore_msi,
            PHYSDEVOP_restore_msi_ext, PHYSDEVOP_prepare_msix,
            PHYSDEVOP_release_msix,
        };
        static uint8_t buf[64];

        harness_fault_lo = (uintptr_t)buf;
        harness_fault_hi = harness_fault_lo + sizeof(buf);
        for ( unsigned int i = 0; i < ARRAY_SIZE(copy_first); i++ )
        {
            CHECK_EQ(op(d0, copy_first[i], buf), -EFAULT);
            CHECK_EQ(op(du, copy_first[i], buf), -EFAULT);
        }
        CHECK_EQ(op(d0, PHYSDEVOP_pci_mmcfg_reserved, buf), -EFAULT);
        CHECK_EQ(op(du, PHYSDEVOP_pci_mmcfg_reserved, buf), -EPERM);
        CHECK_EQ(op(d0, PHYSDEVOP_dbgp_op, buf), -EFAULT);
        CHECK_EQ(op(du, PHYSDEVOP_dbgp_op, buf), -EPERM);
        harness_fault_lo = harness_fault_hi = 0;
    }

    CASE("dbgp_op: 0 for dom0 whatever it says (no debug port is ours)")
    {
        struct physdev_dbgp_op g = { .op = PHYSDEVOP_DBGP_RESET_DONE,
                                     .bus = PHYSDEVOP_DBGP_BUS_PCI };

        CHECK_EQ(op(d0, PHYSDEVOP_dbgp_op, &g), 0);
        g.op = 0xff;
        g.bus = 0xff;
        CHECK_EQ(op(d0, PHYSDEVOP_dbgp_op, &g), 0);
    }

    CASE("pci_mmcfg_reserved: bad flags -EINVAL, unknown area (segment, "
         "bus range: inside, overlapping, reversed) -ENODEV, a known one "
         "at another address -EIO")
    {
        CHECK_EQ(mmcfg_reserved(d0, ECAM_BASE, 0, 0, 1, 2), -EINVAL);
        CHECK_EQ(mmcfg_reserved(d0, ECAM_BASE, 0, 0, 1,
                                XEN_PCI_MMCFG_RESERVED | 0x100), -EINVAL);
        CHECK_EQ(mmcfg_reserved(d0, ECAM_BASE, 0, 0, 2, 1), -ENODEV);
        CHECK_EQ(mmcfg_reserved(d0, ECAM_BASE, 2, 0, 1, 1), -ENODEV);
        CHECK_EQ(mmcfg_reserved(d0, ECAM_BASE, 0, 1, 1, 1), -ENODEV);
        CHECK_EQ(mmcfg_reserved(d0, ECAM_BASE, 0, 0, 0, 1), -ENODEV);
        CHECK_EQ(mmcfg_reserved(d0, ECAM_BASE, 0, 1, 0, 1), -ENODEV);
        CHECK_EQ(mmcfg_reserved(d0, ECAM_BASE, 0xffff, 0, 0xff, 1), -ENODEV);
        CHECK_EQ(mmcfg_reserved(d0, ECAM_BASE + 0x100000, 0, 0, 1, 1), -EIO);
        CHECK_EQ(mmcfg_reserved(d0, 0, 0, 0, 1, 0), -EIO);
        CHECK(!pci_mmio_ro(ECAM_BASE >> 12));
        /* Known but not reserved: fine, and still unused. */
        CHECK_EQ(mmcfg_reserved(d0, ECAM_BASE, 0, 0, 1, 0), 0);
        CHECK_EQ(pci_conf_read32(PCI_SBDF(0, 1, 0), 0x100), 0xffffffff);
        /* Out of the direct map's reach. */
        CHECK_EQ(mmcfg_reserved(d0, 0xf0000000ULL, 1, 0, 0, 1), -ENOMEM);
        CHECK_EQ(pci_conf_read8(PCI_SBDF(1, 0, 0), 0), 0xff);
    }

    CASE("pci_mmcfg_reserved: a reserved area serves what ports can't")
    {
        pci_sbdf_t sb = PCI_SBDF(0, 1, DF(4, 2));
        uint8_t *at = ecam + (1UL << 20) + (DF(4, 2) << 12);

        CHECK_EQ(mmcfg_reserved(d0, ECAM_BASE, 0, 0, 1, 1), 0);
        CHECK_EQ(mmcfg_reserved(d0, ECAM_BASE, 0, 0, 1, 1), 0);
        put32(at + 0x100, 0x12345678);
        port_calls = 0;
        CHECK_EQ(pci_conf_read32(sb, 0x100), 0x12345678);
        CHECK_EQ(pci_conf_read16(sb, 0x102), 0x1234);
        pci_conf_write8(sb, 0xffc, 0x9a);
        CHECK_EQ(at[0xffc], 0x9a);
        CHECK_EQ(port_calls, 0);
        /* The standard header of segment 0 still goes through the ports. */
        CHECK_EQ(pci_conf_read16(PCI_SBDF(0, 0, DF(1, 0)), 0), 0x8086);
        CHECK_EQ(port_calls, 2);
    }

    CASE("dom0 ports: CF8 is latched, never the hardware's until CFC")
    {
        port_calls = 0;
        CHECK(pci_guest_port_write(d0, 0xcf8, 4, 0x80000840));
        CHECK_EQ(port_calls, 0);
        CHECK_EQ(guest_in(d0, 0xcf8, 4), 0x80000840);
        CHECK_EQ(guest_in(d0, 0xcfc, 4), 0x00005005);
        CHECK_EQ(hw_cf8, 0x80000840);
        CHECK_EQ(guest_in(d0, 0xcfd, 1), 0x50);
        CHECK_EQ(guest_in(d0, 0xcfe, 2), 0x0000);
        /* The hypervisor's own access between dom0's two is harmless. */
        CHECK_EQ(pci_conf_read16(PCI_SBDF(0, 0, 0), 0), 0x8086);
        CHECK_EQ(guest_in(d0, 0xcfc, 1), 0x05);
        /* Dom0's latch is its own. */
        CHECK_EQ(du->arch.pci_cf8, 0);
    }

    CASE("domU ports: its own CF8 latch, and all-ones behind CFC")
    {
        uint8_t before = cfg[DF(1, 0)][0x70];

        CHECK(pci_guest_port_write(du, 0xcf8, 4, 0x80000870));
        CHECK_EQ(guest_in(du, 0xcf8, 4), 0x80000870);
        CHECK_EQ(d0->arch.pci_cf8 == 0x80000870, false);
        port_calls = 0;
        CHECK_EQ(guest_in(du, 0xcfc, 4), 0xffffffff);
        CHECK_EQ(guest_in(du, 0xcfd, 1), 0xffffffff);
        CHECK(pci_guest_port_write(du, 0xcfc, 1, ~before));
        CHECK_EQ(port_calls, 0);
        CHECK_EQ(cfg[DF(1, 0)][0x70], before);
    }

    CASE("dom0 ports: what is not CF8 (dword) or CFC-CFF is not ours")
    {
        uint32_t v;

        CHECK(!pci_guest_port_read(d0, 0xcf8, 2, &v));
        CHECK(!pci_guest_port_read(d0, 0xcf9, 1, &v));
        CHECK(!pci_guest_port_write(d0, 0xcf9, 1, 6));
        CHECK(!pci_guest_port_read(d0, 0xcfb, 1, &v));
        CHECK(!pci_guest_port_read(d0, 0xd00, 4, &v));
        CHECK(!pci_guest_port_write(d0, 0xcf4, 4, 0));
        /* Straddling the data window: all-ones, and nothing written. */
        CHECK(pci_guest_port_write(d0, 0xcf8, 4, 0x80000870));
        port_calls = 0;
        CHECK_EQ(guest_in(d0, 0xcfe, 4), 0xffffffff);
        CHECK_EQ(guest_in(d0, 0xcfa, 4), 0xffffffff);
        CHECK(pci_guest_port_write(d0, 0xcff, 2, 0));
        CHECK_EQ(port_calls, 0);
    }

    CASE("dom0 ports: a registered device's MSI-X capability takes only a "
         "16-bit message control write")
    {
        uint8_t *cap = &cfg[DF(1, 0)][0x50];

        CHECK_EQ(add(d0, 0, 0, DF(1, 0), 0), 0);
        put32(cap + 4, 0x1000);
        CHECK(pci_guest_port_write(d0, 0xcf8, 4, 0x80000854));
        CHECK(pci_guest_port_write(d0, 0xcfc, 4, 0xdead0002));
        CHECK(pci_guest_port_write(d0, 0xcfd, 1, 0xee));
        CHECK_EQ(cap[4], 0x00);
        CHECK_EQ(cap[5], 0x10);
        CHECK(pci_guest_port_write(d0, 0xcf8, 4, 0x80000850));
        CHECK(pci_guest_port_write(d0, 0xcfc, 4, 0xc0001111));
        CHECK(pci_guest_port_write(d0, 0xcfe, 1, 0x80));
        CHECK_EQ(cap[2], 3);
        CHECK(pci_guest_port_write(d0, 0xcfe, 2, 0xc000));
        CHECK_EQ(cap[3], 0xc0);
        CHECK_EQ(cap[0], PCI_CAP_ID_MSIX);
        /* Before and after the capability, writes land. */
        CHECK(pci_guest_port_write(d0, 0xcf8, 4, 0x8000084c));
        CHECK(pci_guest_port_write(d0, 0xcfc, 4, 0x01020304));
        CHECK(pci_guest_port_write(d0, 0xcf8, 4, 0x8000085c));
        CHECK(pci_guest_port_write(d0, 0xcfc, 1, 0x77));
        CHECK_EQ(cfg[DF(1, 0)][0x4c], 0x04);
        CHECK_EQ(cfg[DF(1, 0)][0x5c], 0x77);
        /* An unregistered device gets no such care. */
        pci_remove_device(PCI_SBDF(0, 0, DF(1, 0)));
        CHECK(pci_guest_port_write(d0, 0xcf8, 4, 0x80000854));
        CHECK(pci_guest_port_write(d0, 0xcfc, 1, 0xab));
        CHECK_EQ(cap[4], 0xab);
        build_machine();
    }

    CASE("dom0 ports: with CF8's enable bit clear the value goes as is")
    {
        CHECK(pci_guest_port_write(d0, 0xcf8, 4, 0x00000800));
        CHECK_EQ(guest_in(d0, 0xcfc, 4), 0xffffffff);
        CHECK_EQ(hw_cf8, 0x00000800);
    }

    test_msi();
    test_multi_msi();
    test_mmcfg_writes();
    test_msix_maskall();
}
