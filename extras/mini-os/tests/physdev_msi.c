/* SPDX-License-Identifier: GPL-2.0-only */
/* Plain MSI as dom0 maps it: per-vector mask bits, multi-vector MSI. */

#include "hostile.h"
#include <hypercall.h>
#include <mm.h>
#include <traps.h>
#include <public/event_channel.h>
#include <public/physdev.h>

/*
 * tools/tests/minios/run.py adds two devices to QEMU's PC: a pci-bridge
 * at 00:05.0, whose MSI (one vector, 64-bit) has per-vector mask bits,
 * and an nec-usb-xhci at 00:06.0, whose MSI sends up to 16 vectors
 * without them.  Nothing drives either, so neither ever interrupts.
 */
#define BRIDGE          (5 << 3)
#define XHCI            (6 << 3)
#define CAP_MSI         0x05
#define CAP_MSIX        0x11
#define MSIX_MASKALL    0x4000 /* Function Mask, in the message control */
#define PCI_CMD         0x04
#define CMD_MEMORY      0x0002
#define MSI_CTRL        2
#define MSI_ADDR        4
#define CTRL_64BIT      0x0080
#define CTRL_MASKBIT    0x0100
#define CTRL_QSIZE      0x0070

static void set_iopl(uint32_t iopl)
{
    physdev_set_iopl_t op = { .iopl = iopl };

    HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &op);
}

/*
 * Configuration space of 00:devfn by mechanism #1 (with IOPL 1 set):
 * reads take the whole dword, which has no side effects here.
 */
static uint32_t conf_read(unsigned int devfn, unsigned int reg,
                          unsigned int size)
{
    uint32_t v;

    __asm__ __volatile__ ( "outl %0, %w1" : :
                           "a" (0x80000000u | devfn << 8 | (reg & 0xfc)),
                           "Nd" (0xcf8) );
    __asm__ __volatile__ ( "inl %w1, %0" : "=a" (v) : "Nd" (0xcfc) );
    v >>= (reg & 3) * 8;
    return size == 4 ? v : v & ((1u << (size * 8)) - 1);
}

static void conf_write(unsigned int devfn, unsigned int reg,
                       unsigned int size, uint32_t v)
{
    uint16_t port = 0xcfc + (reg & 3);

    __asm__ __volatile__ ( "outl %0, %w1" : :
                           "a" (0x80000000u | devfn << 8 | (reg & 0xfc)),
                           "Nd" (0xcf8) );
    if ( size == 1 )
        __asm__ __volatile__ ( "outb %b0, %w1" : : "a" (v), "Nd" (port) );
    else if ( size == 2 )
        __asm__ __volatile__ ( "outw %w0, %w1" : : "a" (v), "Nd" (port) );
    else
        __asm__ __volatile__ ( "outl %0, %w1" : : "a" (v), "Nd" (port) );
}

/* The offset of capability id (CAP_MSI, CAP_MSIX), or 0. */
static unsigned int find_cap(unsigned int devfn, unsigned int id)
{
    unsigned int pos, ttl = 48;

    if ( conf_read(devfn, 0, 2) == 0xffff ||
         !(conf_read(devfn, 6, 2) & 0x10) )
        return 0;
    for ( pos = conf_read(devfn, 0x34, 1); ttl-- && pos >= 0x40;
          pos = conf_read(devfn, pos + 1, 1) )
        if ( conf_read(devfn, pos & ~3u, 1) == id )
            return pos & ~3u;
    return 0;
}

/* The xHCI's capability id with IOPL 1 set, or 0 with it dropped. */
static unsigned int xhci_cap(unsigned int id)
{
    unsigned int pos;

    set_iopl(1);
    pos = find_cap(XHCI, id);
    if ( !pos )
        set_iopl(0);
    return pos;
}

static long add(unsigned int devfn)
{
    struct physdev_pci_device_add a = { .bus = 0, .devfn = devfn };

    return HYPERVISOR_physdev_op(PHYSDEVOP_pci_device_add, &a);
}

/* type MSI (nr 0) or MULTI_MSI (nr vectors, returned rounded up). */
static long map_msi(unsigned int devfn, int *nr, int *pirq)
{
    struct physdev_map_pirq m = {
        .domid = DOMID_SELF, .index = -1, .pirq = *pirq, .bus = 0,
        .devfn = devfn, .entry_nr = *nr,
        .type = *nr ? MAP_PIRQ_TYPE_MULTI_MSI : MAP_PIRQ_TYPE_MSI,
    };
    long rc = HYPERVISOR_physdev_op(PHYSDEVOP_map_pirq, &m);

    *pirq = m.pirq;
    *nr = m.entry_nr;
    return rc;
}

static long unmap_pirq(int pirq)
{
    struct physdev_unmap_pirq u = { .domid = DOMID_SELF, .pirq = pirq };

    return HYPERVISOR_physdev_op(PHYSDEVOP_unmap_pirq, &u);
}

/* The port, or the negative error. */
static long bind_pirq(uint32_t pirq)
{
    struct evtchn_bind_pirq b = { .pirq = pirq };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_pirq, &b);

    return rc ? rc : (long)b.port;
}

static long close_port(uint32_t port)
{
    struct evtchn_close c = { .port = port };

    return HYPERVISOR_event_channel_op(EVTCHNOP_close, &c);
}

/*
 * With IOPL 1, the bridge's MSI capability if it has per-vector mask
 * bits (its control word in *ctrl); else 0, with IOPL 0 again.
 */
static unsigned int bridge_msi(uint16_t *ctrl)
{
    unsigned int pos;

    set_iopl(1);
    pos = find_cap(BRIDGE, CAP_MSI);
    *ctrl = pos ? conf_read(BRIDGE, pos + MSI_CTRL, 2) : 0;
    if ( *ctrl & CTRL_MASKBIT )
        return pos;
    set_iopl(0);
    return 0;
}

/*
 * The hypervisor masks a mapped MSI through its mask bit until the PIRQ
 * is bound and again once the port closes; meanwhile dom0's writes to
 * the message are dropped, and its own masking through the Mask Bits
 * register works on top of the hypervisor's.
 */
TEST(physdev_msi, mask_bits_and_dom0_writes)
{
    unsigned int pos, mreg, data;
    uint32_t addr, dval;
    int pirq = -1, nr = 0;
    uint16_t ctrl;
    long port;

    pos = bridge_msi(&ctrl);
    if ( !pos )
        SKIP("no MSI with mask bits at 00:05.0 (ctrl %#x)", ctrl);
    mreg = pos + (ctrl & CTRL_64BIT ? 0x10 : 0x0c);
    data = pos + (ctrl & CTRL_64BIT ? 0x0c : 0x08);
    CHECK_RC(add(BRIDGE), 0);
    CHECK_RC(map_msi(BRIDGE, &nr, &pirq), 0);
    CHECK(conf_read(BRIDGE, mreg, 4) & 1, "mapped: mask %#x",
          conf_read(BRIDGE, mreg, 4));

    /* The message is the hypervisor's: dom0's writes go nowhere. */
    addr = conf_read(BRIDGE, pos + MSI_ADDR, 4);
    dval = conf_read(BRIDGE, data, 2);
    conf_write(BRIDGE, pos + MSI_ADDR, 4, 0xfee0f000);
    conf_write(BRIDGE, data, 2, dval ^ 0x41);
    CHECK(conf_read(BRIDGE, pos + MSI_ADDR, 4) == addr, "address %#x, "
          "was %#x", conf_read(BRIDGE, pos + MSI_ADDR, 4), addr);
    CHECK(conf_read(BRIDGE, data, 2) == dval, "data %#x, was %#x",
          conf_read(BRIDGE, data, 2), dval);
    /* Not bound yet: dom0 cannot unmask it. */
    conf_write(BRIDGE, mreg, 4, 0);
    CHECK(conf_read(BRIDGE, mreg, 4) & 1, "unbound, unmasked by dom0");

    port = bind_pirq(pirq);
    CHECK(port > 0, "bind_pirq: %ld", port);
    CHECK(!(conf_read(BRIDGE, mreg, 4) & 1), "bound: mask %#x",
          conf_read(BRIDGE, mreg, 4));
    /* Dom0 masks and unmasks its vector itself. */
    conf_write(BRIDGE, mreg, 4, 1);
    CHECK(conf_read(BRIDGE, mreg, 4) & 1, "masked by dom0");
    conf_write(BRIDGE, mreg, 4, 0);
    CHECK(!(conf_read(BRIDGE, mreg, 4) & 1), "unmasked by dom0");
    if ( port > 0 )
        CHECK_RC(close_port(port), 0);
    CHECK(conf_read(BRIDGE, mreg, 4) & 1, "port closed: mask %#x",
          conf_read(BRIDGE, mreg, 4));

    /* Unmapped, the registers are dom0's again. */
    CHECK_RC(unmap_pirq(pirq), 0);
    conf_write(BRIDGE, mreg, 4, 0);
    CHECK(conf_read(BRIDGE, mreg, 4) == 0, "unmapped: mask %#x",
          conf_read(BRIDGE, mreg, 4));
    set_iopl(0);
}

/*
 * MAP_PIRQ_TYPE_MULTI_MSI: a count outside 1-32 is -EDOM before anything
 * else.  Xen 4.17 without interrupt remapping (no IOMMU here) refuses
 * more than one vector with -EOPNOTSUPP; ours offers them, and refuses
 * more than the device sends with -ENFILE and the most it can.
 */
TEST(physdev_msi, multi_msi_counts)
{
    static const int bad[] = { 0, -1, 33, 64 };
    int pirq, nr;
    long rc;

    CHECK_RC(add(BRIDGE), 0);
    for ( unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++ )
    {
        struct physdev_map_pirq m = {
            .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_MULTI_MSI,
            .index = -1, .pirq = -1, .devfn = BRIDGE, .entry_nr = bad[i],
        };

        CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_map_pirq, &m), -XEN_EDOM);
        CHECK(m.pirq == -1, "pirq %d for %d", m.pirq, bad[i]);
    }
    pirq = -1;
    nr = 2;
    rc = map_msi(BRIDGE, &nr, &pirq);
    CHECK(rc == -XEN_EOPNOTSUPP || (rc == -XEN_ENFILE && nr == 1),
          "two vectors of a one-vector MSI: %ld, entry_nr %d", rc, nr);
}

/*
 * Four vectors of the xHCI's MSI: four PIRQs in a row, one address, the
 * data the first of four aligned vectors, four enabled; a PIRQ other
 * than the first cannot be unmapped alone.
 */
TEST(physdev_msi, multi_msi_vectors)
{
    unsigned int pos, data;
    int pirq = -1, nr = 3;
    long port[4], rc;
    uint32_t vec;
    uint16_t ctrl;

    pos = xhci_cap(CAP_MSI);
    if ( !pos )
        SKIP("no MSI at 00:06.0");
    CHECK_RC(add(XHCI), 0);
    rc = map_msi(XHCI, &nr, &pirq);
    if ( rc == -XEN_EOPNOTSUPP )
    {
        /* Xen 4.17: multi-vector MSI only with interrupt remapping. */
        set_iopl(0);
        return;
    }
    CHECK_RC(rc, 0);
    CHECK(nr == 4, "entry_nr %d", nr);
    if ( rc )
    {
        set_iopl(0);
        return;
    }
    for ( int i = 0; i < 4; i++ )
    {
        port[i] = bind_pirq(pirq + i);
        CHECK(port[i] > 0, "bind_pirq %d: %ld", pirq + i, port[i]);
    }
    ctrl = conf_read(XHCI, pos + MSI_CTRL, 2);
    data = pos + (ctrl & CTRL_64BIT ? 0x0c : 0x08);
    vec = conf_read(XHCI, data, 2);
    CHECK((ctrl & CTRL_QSIZE) >> 4 == 2, "ctrl %#x", ctrl);
    CHECK(vec >= 0x20 && vec <= 0xfc && !(vec & 3), "data %#x", vec);
    CHECK((conf_read(XHCI, pos + MSI_ADDR, 4) & 0xfff00000) == 0xfee00000,
          "address %#x", conf_read(XHCI, pos + MSI_ADDR, 4));
    CHECK_RC(unmap_pirq(pirq + 1), -XEN_EBUSY);
    for ( int i = 0; i < 4; i++ )
        if ( port[i] > 0 )
            CHECK_RC(close_port(port[i]), 0);
    CHECK_RC(unmap_pirq(pirq), 0);
    CHECK_RC(unmap_pirq(pirq + 3), -XEN_EINVAL);
    set_iopl(0);
}

/* Maps MSI-X entry `entry` of 00:devfn, whose table's BAR is at base. */
static long map_msix(unsigned int devfn, unsigned int entry, uint64_t base,
                     int *pirq)
{
    struct physdev_map_pirq m = {
        .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_MSI, .index = -1,
        .pirq = *pirq, .bus = 0, .devfn = devfn, .entry_nr = entry,
        .table_base = base,
    };
    long rc = HYPERVISOR_physdev_op(PHYSDEVOP_map_pirq, &m);

    *pirq = m.pirq;
    return rc;
}

/* The address of the memory BAR the MSI-X capability at pos names. */
static uint64_t msix_bar(unsigned int devfn, unsigned int pos)
{
    unsigned int reg = 0x10 + 4 * (conf_read(devfn, pos + 4, 4) & 7);
    uint32_t bar = conf_read(devfn, reg, 4);
    uint64_t base = bar & ~0xfu;

    if ( (bar & 6) == 4 )
        base |= (uint64_t)conf_read(devfn, reg + 4, 4) << 32;
    return base;
}

/*
 * The xHCI's MSI-X Function Mask, as Xen's host_maskall: its entry
 * masked (its port closed) while dom0 has memory decoding off, the
 * table is out of the hypervisor's reach, so it sets the Function Mask
 * instead and keeps it set against dom0's control writes, after the
 * unmap too, until the table's next first use gives dom0's bit back.
 * Mapping with decoding off is -ENXIO.
 */
TEST(physdev_msi, msix_function_mask)
{
    unsigned int pos, ctl;
    uint32_t cmd;
    uint64_t base;
    int pirq = -1;
    long port;

    pos = xhci_cap(CAP_MSIX);
    if ( !pos )
        SKIP("no MSI-X at 00:06.0");
    ctl = pos + 2;
    base = msix_bar(XHCI, pos);
    cmd = conf_read(XHCI, PCI_CMD, 2);
    CHECK_RC(add(XHCI), 0);
    conf_write(XHCI, PCI_CMD, 2, cmd | CMD_MEMORY);
    conf_write(XHCI, ctl, 2, 0);
    CHECK_RC(map_msix(XHCI, 0, base, &pirq), 0);
    port = bind_pirq(pirq);
    CHECK(port > 0, "bind_pirq: %ld", port);
    CHECK(!(conf_read(XHCI, ctl, 2) & MSIX_MASKALL), "bound: ctrl %#x",
          conf_read(XHCI, ctl, 2));

    conf_write(XHCI, PCI_CMD, 2, cmd & ~CMD_MEMORY);
    CHECK_RC(close_port(port), 0);
    CHECK(conf_read(XHCI, ctl, 2) & MSIX_MASKALL, "masked undecoded: "
          "ctrl %#x", conf_read(XHCI, ctl, 2));
    conf_write(XHCI, ctl, 2, 0);
    CHECK(conf_read(XHCI, ctl, 2) & MSIX_MASKALL, "dom0 lifted the "
          "forced Function Mask: ctrl %#x", conf_read(XHCI, ctl, 2));
    conf_write(XHCI, PCI_CMD, 2, cmd | CMD_MEMORY);
    CHECK_RC(unmap_pirq(pirq), 0);
    conf_write(XHCI, ctl, 2, 0);
    CHECK(conf_read(XHCI, ctl, 2) & MSIX_MASKALL, "unmapped: ctrl %#x",
          conf_read(XHCI, ctl, 2));

    pirq = -1;
    CHECK_RC(map_msix(XHCI, 0, base, &pirq), 0);
    CHECK(!(conf_read(XHCI, ctl, 2) & MSIX_MASKALL), "first use: ctrl "
          "%#x", conf_read(XHCI, ctl, 2));
    CHECK_RC(unmap_pirq(pirq), 0);

    conf_write(XHCI, PCI_CMD, 2, cmd & ~CMD_MEMORY);
    pirq = -1;
    CHECK_RC(map_msix(XHCI, 0, base, &pirq), -XEN_ENXIO);
    /* Xen leaves its mask forced after that: one more use ends it. */
    conf_write(XHCI, PCI_CMD, 2, cmd | CMD_MEMORY);
    pirq = -1;
    CHECK_RC(map_msix(XHCI, 0, base, &pirq), 0);
    CHECK_RC(unmap_pirq(pirq), 0);
    conf_write(XHCI, ctl, 2, 0);
    conf_write(XHCI, PCI_CMD, 2, cmd);
    set_iopl(0);
}

/*
 * The mmcfg/ cases need an MMCONFIG (ECAM) area: run.py boots them on
 * QEMU's q35, whose MCFG table has one at 0xb0000000 for buses 0-255,
 * and leaves them out of the runs on the PC (which has none).
 */
#define Q35_HOST_BRIDGE 0x29c08086u /* 00:00.0's vendor and device */
#define ECAM_BASE       0xb0000000UL
#define ECAM_PAGE(devfn) (ECAM_BASE + ((unsigned long)(devfn) << 12))
#define INTR_LINE       0x3c
#define PF              (1 + 14)

static volatile uint8_t *ecam;
static uint64_t ecam_saved_pte;

static long mmcfg_op(uint64_t address, unsigned int seg, unsigned int start,
                     unsigned int end, uint32_t flags)
{
    struct physdev_pci_mmcfg_reserved r = {
        .address = address, .segment = seg, .start_bus = start,
        .end_bus = end, .flags = flags,
    };

    return HYPERVISOR_physdev_op(PHYSDEVOP_pci_mmcfg_reserved, &r);
}

/* Confirms the area, as Linux does before it uses MMCONFIG. */
static long ecam_reserve(void)
{
    return mmcfg_op(ECAM_BASE, 0, 0, 0xff, XEN_PCI_MMCFG_RESERVED);
}

/* Maps 00:devfn's configuration page over a page of ours, asking for RW. */
static void ecam_map(unsigned int devfn)
{
    void *va = alloc_page();

    CHECK(va, "no page");
    ecam_saved_pte = *pt_entry((unsigned long)va, 1);
    CHECK_RC(set_pte((unsigned long)va, ECAM_PAGE(devfn) | PTE_KERNEL_RW), 0);
    ecam = va;
}

static void ecam_unmap(void)
{
    CHECK_RC(set_pte((unsigned long)ecam, ecam_saved_pte), 0);
    free_page((void *)ecam);
    ecam = NULL;
}

static uint32_t ecam_read(unsigned int reg, unsigned int size)
{
    if ( size == 1 )
        return ecam[reg];
    if ( size == 2 )
        return *(volatile uint16_t *)(ecam + reg);
    return *(volatile uint32_t *)(ecam + reg);
}

/* A plain store (MOV), as a kernel's MMCONFIG accessors make. */
static void ecam_write(unsigned int reg, unsigned int size, uint32_t v)
{
    if ( size == 1 )
        ecam[reg] = v;
    else if ( size == 2 )
        *(volatile uint16_t *)(ecam + reg) = v;
    else
        *(volatile uint32_t *)(ecam + reg) = v;
}

/*
 * The firmware reserves q35's area in the e820 map, so the hypervisor
 * uses it from boot, as Xen 4.17 does ("Using MCFG"): dom0's mappings of
 * it are read-only before dom0 confirms it, and its confirmation is 0.
 */
TEST(mmcfg, read_only_from_boot)
{
    uint32_t id;

    set_iopl(1);
    id = conf_read(0, 0, 4);
    set_iopl(0);
    if ( id != Q35_HOST_BRIDGE )
        SKIP("not QEMU's q35 (host bridge %#x)", id);
    ecam_map(BRIDGE);
    CHECK(ecam, "ECAM page not mapped");
    CHECK(!(*pt_entry((unsigned long)ecam, 1) & _PAGE_RW),
          "MMCONFIG mapped writable before dom0 confirmed it");
    ecam_unmap();
    CHECK_RC(ecam_reserve(), 0);
}

/*
 * Dom0's stores through its own MMCONFIG mapping meet the filter its
 * 0xCFC writes meet: Xen maps an area it uses read-only for dom0 (the
 * RW dom0 asks for is dropped) and emulates each store.  With the
 * bridge's MSI mapped, the message and the header dword are the
 * hypervisor's, the Mask Bits keep what it masks, a 16-bit control write
 * and any register outside the capability go through; a store wider
 * than a dword, or a read-modify-write, is dom0's own #PF.  Unmapped,
 * the capability is dom0's again.
 */
TEST(mmcfg, msi_survives_ecam_stores)
{
    uint16_t ctrl;
    unsigned int pos = bridge_msi(&ctrl), mreg, data;
    uint32_t addr, dval, line;
    int pirq = -1, nr = 0;
    long port, rc;

    if ( !pos )
        SKIP("no MSI with mask bits at 00:05.0 (ctrl %#x)", ctrl);
    rc = ecam_reserve();
    if ( rc == -XEN_ENODEV )
    {
        set_iopl(0);
        SKIP("no MMCONFIG area at %#lx (QEMU's q35 has one)", ECAM_BASE);
    }
    CHECK_RC(rc, 0);
    ecam_map(BRIDGE);
    CHECK(ecam, "ECAM page not mapped");
    CHECK(!(*pt_entry((unsigned long)ecam, 1) & _PAGE_RW),
          "MMCONFIG mapped writable: %#lx",
          (unsigned long)*pt_entry((unsigned long)ecam, 1));
    CHECK(ecam_read(0, 4) == conf_read(BRIDGE, 0, 4), "ECAM id %#x, "
          "ports %#x", ecam_read(0, 4), conf_read(BRIDGE, 0, 4));
    mreg = pos + (ctrl & CTRL_64BIT ? 0x10 : 0x0c);
    data = pos + (ctrl & CTRL_64BIT ? 0x0c : 0x08);

    /* Outside any capability: the store lands. */
    line = conf_read(BRIDGE, INTR_LINE, 1);
    ecam_write(INTR_LINE, 1, line ^ 0x5a);
    CHECK(conf_read(BRIDGE, INTR_LINE, 1) == (line ^ 0x5a),
          "interrupt line %#x, wrote %#x", conf_read(BRIDGE, INTR_LINE, 1),
          line ^ 0x5a);
    ecam_write(INTR_LINE, 1, line);

    CHECK_RC(add(BRIDGE), 0);
    CHECK_RC(map_msi(BRIDGE, &nr, &pirq), 0);
    port = bind_pirq(pirq);
    CHECK(port > 0, "bind_pirq: %ld", port);
    addr = conf_read(BRIDGE, pos + MSI_ADDR, 4);
    dval = conf_read(BRIDGE, data, 2);
    ctrl = conf_read(BRIDGE, pos + MSI_CTRL, 2);

    /* The message and the header dword are the hypervisor's. */
    ecam_write(pos + MSI_ADDR, 4, 0xfee0f000);
    ecam_write(data, 2, dval ^ 0x41);
    ecam_write(pos, 4, (uint32_t)(ctrl ^ 0x0070) << 16 | CAP_MSI);
    CHECK(conf_read(BRIDGE, pos + MSI_ADDR, 4) == addr, "address %#x, "
          "was %#x", conf_read(BRIDGE, pos + MSI_ADDR, 4), addr);
    CHECK(ecam_read(data, 2) == dval, "data %#x, was %#x",
          ecam_read(data, 2), dval);
    CHECK(conf_read(BRIDGE, pos + MSI_CTRL, 2) == ctrl, "ctrl %#x, was %#x",
          conf_read(BRIDGE, pos + MSI_CTRL, 2), ctrl);
    /* Wider than a dword, or read-modify-write: dom0's own fault. */
    CHECK_RC(probe_write64((uint64_t *)(ecam + pos + MSI_ADDR), 0), PF);
    CHECK_RC(probe_lock_orb_02((uint8_t *)(ecam + pos + MSI_ADDR)), PF);
    CHECK(conf_read(BRIDGE, pos + MSI_ADDR, 4) == addr, "address %#x, "
          "was %#x", conf_read(BRIDGE, pos + MSI_ADDR, 4), addr);
    /* Closed, the hypervisor masks it: dom0's unmask keeps that. */
    if ( port > 0 )
        CHECK_RC(close_port(port), 0);
    ecam_write(mreg, 4, 0);
    CHECK(conf_read(BRIDGE, mreg, 4) & 1, "unbound, unmasked by dom0");
    /* A 16-bit control write is dom0's, as on Xen. */
    ecam_write(pos + MSI_CTRL, 2, ctrl ^ 1);
    CHECK(conf_read(BRIDGE, pos + MSI_CTRL, 2) == (ctrl ^ 1u),
          "ctrl %#x, wrote %#x", conf_read(BRIDGE, pos + MSI_CTRL, 2),
          ctrl ^ 1u);
    ecam_write(pos + MSI_CTRL, 2, ctrl);

    /* Unmapped, the registers are dom0's again. */
    CHECK_RC(unmap_pirq(pirq), 0);
    ecam_write(pos + MSI_ADDR, 4, 0xfee0f000);
    CHECK(conf_read(BRIDGE, pos + MSI_ADDR, 4) == 0xfee0f000,
          "unmapped: address %#x", conf_read(BRIDGE, pos + MSI_ADDR, 4));
    ecam_write(pos + MSI_ADDR, 4, addr);
    ecam_write(mreg, 4, 0);
    ecam_unmap();
    set_iopl(0);
}

/*
 * 00:00.0's id, read with IOPL 1, which stays set on QEMU's q35 (with
 * MMCONFIG confirmed) and is dropped elsewhere.
 */
static uint32_t q35_prepare(void)
{
    uint32_t id;

    set_iopl(1);
    id = conf_read(0, 0, 4);
    if ( id != Q35_HOST_BRIDGE )
        set_iopl(0);
    else if ( ecam_reserve() )
        id = 0;
    return id;
}

/* Skips the case unless on q35, whose area it confirms (as Linux). */
#define REQUIRE_Q35() do {                                                 \
    uint32_t id_ = q35_prepare();                                          \
    if ( id_ != Q35_HOST_BRIDGE )                                          \
        SKIP("not QEMU's q35 with MMCONFIG (host bridge %#x)", id_);       \
} while ( 0 )

/*
 * Whether dom0's byte store through its ECAM mapping of the bridge lands
 * (the interrupt line, which nothing else uses, is put back by ports).
 */
static bool ecam_store_lands(void)
{
    uint32_t line = conf_read(BRIDGE, INTR_LINE, 1);
    bool landed;

    ecam_write(INTR_LINE, 1, line ^ 0x5a);
    landed = conf_read(BRIDGE, INTR_LINE, 1) == (line ^ 0x5a);
    conf_write(BRIDGE, INTR_LINE, 1, line);
    return landed;
}

/*
 * pci_mmcfg_reserved without XEN_PCI_MMCFG_RESERVED turns the area off,
 * as Xen's pci_mmcfg_arch_disable(): the hypervisor no longer uses it,
 * but its frames stay in Xen's mmio_ro_ranges, so dom0 still maps them
 * read-only and its stores there are dropped (no longer filtered and
 * done).  Confirmed again, it is back in use.
 */
TEST(mmcfg, reserved_off_stays_read_only)
{
    REQUIRE_Q35();
    ecam_map(BRIDGE);
    CHECK(ecam, "ECAM page not mapped");
    CHECK(ecam_store_lands(), "in use: a store outside any capability "
          "did not land");
    ecam_unmap();

    CHECK_RC(mmcfg_op(ECAM_BASE, 0, 0, 0xff, 0), 0);
    CHECK_RC(mmcfg_op(ECAM_BASE, 0, 0, 0xff, 0), 0);
    ecam_map(BRIDGE);
    CHECK(ecam, "ECAM page not mapped");
    CHECK(!(*pt_entry((unsigned long)ecam, 1) & _PAGE_RW),
          "turned off: MMCONFIG mapped writable");
    CHECK(ecam_read(0, 4) == Q35_HOST_BRIDGE || ecam_read(0, 4) ==
          conf_read(BRIDGE, 0, 4), "turned off: ECAM reads %#x",
          ecam_read(0, 4));
    CHECK(!ecam_store_lands(), "turned off: dom0's store landed");
    ecam_unmap();

    CHECK_RC(ecam_reserve(), 0);
    ecam_map(BRIDGE);
    CHECK(ecam, "ECAM page not mapped");
    CHECK(ecam_store_lands(), "on again: a store did not land");
    ecam_unmap();
    set_iopl(0);
}

/*
 * Bad arguments change nothing: unknown flags are -EINVAL whatever the
 * area; an area that is not one of MCFG's exactly (another segment, a
 * bus range inside, overlapping or reversed) -ENODEV; the right one at
 * another address -EIO (Xen 4.17's answer); the argument unreadable
 * -EFAULT.  The area stays in use throughout.
 */
TEST(mmcfg, reserved_bad_args)
{
    REQUIRE_Q35();
    CHECK_RC(mmcfg_op(ECAM_BASE, 0, 0, 0xff, 2), -XEN_EINVAL);
    CHECK_RC(mmcfg_op(ECAM_BASE, 0, 0, 0xff, 0x80000000u), -XEN_EINVAL);
    CHECK_RC(mmcfg_op(ECAM_BASE, 0, 0, 0xff, XEN_PCI_MMCFG_RESERVED | 4),
             -XEN_EINVAL);
    CHECK_RC(mmcfg_op(ECAM_BASE, 1, 0, 0xff, 0), -XEN_ENODEV);
    CHECK_RC(mmcfg_op(ECAM_BASE, 0xffff, 0, 0xff, 0), -XEN_ENODEV);
    CHECK_RC(mmcfg_op(ECAM_BASE, 0, 0, 0x7f, 0), -XEN_ENODEV);
    CHECK_RC(mmcfg_op(ECAM_BASE, 0, 1, 0xff, 0), -XEN_ENODEV);
    CHECK_RC(mmcfg_op(ECAM_BASE, 0, 0xff, 0, 0), -XEN_ENODEV);
    CHECK_RC(mmcfg_op(ECAM_BASE + (1UL << 20), 0, 1, 0xff, 0), -XEN_ENODEV);
    CHECK_RC(mmcfg_op(ECAM_BASE + (1UL << 20), 0, 0, 0xff, 0), -XEN_EIO);
    CHECK_RC(mmcfg_op(0, 0, 0, 0xff, XEN_PCI_MMCFG_RESERVED), -XEN_EIO);
    CHECK_RC(mmcfg_op(~0ULL, 0, 0, 0xff, 0), -XEN_EIO);
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_pci_mmcfg_reserved, BAD_PTR),
             -XEN_EFAULT);
    ecam_map(BRIDGE);
    CHECK(ecam, "ECAM page not mapped");
    CHECK(!(*pt_entry((unsigned long)ecam, 1) & _PAGE_RW),
          "MMCONFIG mapped writable");
    CHECK(ecam_store_lands(), "after bad arguments: the area not in use");
    ecam_unmap();
    set_iopl(0);
}

/* A domU may neither confirm nor turn off dom0's area: -EPERM first. */
HOSTILE_BODY(mmcfg, domu_reserved)
{
    CHECK_RC(mmcfg_op(ECAM_BASE, 0, 0, 0xff, 0), -XEN_EPERM);
    CHECK_RC(mmcfg_op(ECAM_BASE, 0, 0, 0xff, XEN_PCI_MMCFG_RESERVED),
             -XEN_EPERM);
    CHECK_RC(mmcfg_op(ECAM_BASE, 0, 0, 0xff, 2), -XEN_EPERM);
    CHECK_RC(mmcfg_op(ECAM_BASE + 1, 0, 0, 0xff, 0), -XEN_EPERM);
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_pci_mmcfg_reserved, BAD_PTR),
             -XEN_EPERM);
}

/* dom0's side: after the domU's attempts, the area is still in use. */
TEST(mmcfg, domu_reserved)
{
    REQUIRE_Q35();
    set_iopl(0);
    run_hostile("mmcfg/domu_reserved");
    set_iopl(1);
    ecam_map(BRIDGE);
    CHECK(ecam, "ECAM page not mapped");
    CHECK(ecam_store_lands(), "after the domU: the area not in use");
    ecam_unmap();
    set_iopl(0);
}
