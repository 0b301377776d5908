/* SPDX-License-Identifier: GPL-2.0-only */
/* dom0's PCI plumbing: config ports, reporting devices, their errnos. */

#include "hostile.h"
#include <hypercall.h>
#include <public/physdev.h>

/*
 * QEMU's default PC: 00:00.0 is the i440FX host bridge (8086:1237),
 * 00:01.0 the PIIX3 ISA bridge (8086:7000); 00:1f.7 is nothing.
 */
#define HOST_BRIDGE     0x00
#define ABSENT          ((0x1f << 3) | 7)
#define ABSENT_PF       ((0x1f << 3) | 5)
#define ABSENT_VF       ((0x1f << 3) | 6)
#define CF8(bus, devfn, reg) \
    (0x80000000u | ((bus) << 16) | ((devfn) << 8) | (reg))

/* Port I/O of 1, 2 or 4 bytes: the operand's width picks the instruction. */
static uint32_t pin(uint16_t port, unsigned int size)
{
    uint32_t v = 0;

    if ( size == 1 )
        __asm__ __volatile__ ( "inb %w1, %b0" : "+a" (v) : "Nd" (port) );
    else if ( size == 2 )
        __asm__ __volatile__ ( "inw %w1, %w0" : "+a" (v) : "Nd" (port) );
    else
        __asm__ __volatile__ ( "inl %w1, %0" : "+a" (v) : "Nd" (port) );
    return v;
}

static void pout32(uint32_t v, uint16_t port)
{
    __asm__ __volatile__ ( "outl %0, %w1" : : "a" (v), "Nd" (port) );
}

static long set_iopl(uint32_t iopl)
{
    physdev_set_iopl_t op = { .iopl = iopl };

    return HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &op);
}

static long dev_op(int cmd, unsigned int seg, unsigned int bus,
                   unsigned int devfn)
{
    struct physdev_pci_device dev = { .seg = seg, .bus = bus,
                                      .devfn = devfn };

    return HYPERVISOR_physdev_op(cmd, &dev);
}

static long add(unsigned int seg, unsigned int bus, unsigned int devfn,
                uint32_t flags)
{
    struct physdev_pci_device_add a = { .seg = seg, .bus = bus,
                                        .devfn = devfn, .flags = flags };

    return HYPERVISOR_physdev_op(PHYSDEVOP_pci_device_add, &a);
}

static long mmcfg(uint64_t address, unsigned int seg, unsigned int start,
                  unsigned int end, uint32_t flags)
{
    struct physdev_pci_mmcfg_reserved r = {
        .address = address, .segment = seg, .start_bus = start,
        .end_bus = end, .flags = flags,
    };

    return HYPERVISOR_physdev_op(PHYSDEVOP_pci_mmcfg_reserved, &r);
}

/* Linux probes the bus this way before it reports a single device. */
TEST(physdev_pci, config_ports_read_the_host_bridge)
{
    uint32_t id, piix, absent, cf8;
    uint16_t dev;
    uint8_t hi;

    CHECK_RC(set_iopl(1), 0);
    pout32(CF8(0, HOST_BRIDGE, 0), 0xcf8);
    cf8 = pin(0xcf8, 4);
    id = pin(0xcfc, 4);
    dev = pin(0xcfe, 2);
    hi = pin(0xcff, 1);
    pout32(CF8(0, 1 << 3, 0), 0xcf8);
    piix = pin(0xcfc, 4);
    pout32(CF8(0, ABSENT, 0), 0xcf8);
    absent = pin(0xcfc, 4);
    CHECK_RC(set_iopl(0), 0);
    CHECK(cf8 == CF8(0, HOST_BRIDGE, 0), "CF8 read back %#x", cf8);
    CHECK(id == 0x12378086, "host bridge id %#x", id);
    CHECK(dev == 0x1237 && hi == 0x12, "id by word %#x, byte %#x", dev, hi);
    CHECK(piix == 0x70008086, "PIIX3 id %#x", piix);
    CHECK(absent == 0xffffffff, "absent function read %#x", absent);
}

TEST(physdev_pci, add_twice_and_remove)
{
    struct physdev_manage_pci m = { .bus = 0, .devfn = HOST_BRIDGE };

    CHECK_RC(add(0, 0, HOST_BRIDGE, 0), 0);
    CHECK_RC(add(0, 0, HOST_BRIDGE, 0), 0);
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_manage_pci_add, &m), 0);
    CHECK_RC(dev_op(PHYSDEVOP_pci_device_remove, 0, 0, HOST_BRIDGE), 0);
    CHECK_RC(dev_op(PHYSDEVOP_pci_device_remove, 0, 0, HOST_BRIDGE),
             -XEN_ENODEV);
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_manage_pci_remove, &m),
             -XEN_ENODEV);
    /* Leave it known, as Linux would. */
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_manage_pci_add, &m), 0);
}

/* Nothing checks that a function exists; removing one never added fails. */
TEST(physdev_pci, absent_devices_and_segments)
{
    CHECK_RC(dev_op(PHYSDEVOP_pci_device_remove, 0, 0, ABSENT), -XEN_ENODEV);
    CHECK_RC(dev_op(PHYSDEVOP_pci_device_remove, 0x1234, 0, 0), -XEN_ENODEV);
    CHECK_RC(dev_op(PHYSDEVOP_pci_device_remove, 0, 0xfe, 0), -XEN_ENODEV);
    CHECK_RC(add(0, 0, ABSENT, 0), 0);
    CHECK_RC(dev_op(PHYSDEVOP_pci_device_remove, 0, 0, ABSENT), 0);
    CHECK_RC(add(0x1234, 0, 0, 0), 0);
    CHECK_RC(dev_op(PHYSDEVOP_pci_device_remove, 0x1234, 0, 0), 0);
}

TEST(physdev_pci, add_flags)
{
    struct {
        struct physdev_pci_device_add a;
        uint32_t pxm;
    } x = { .a = { .devfn = ABSENT, .flags = XEN_PCI_DEV_PXM }, .pxm = 0 };
    struct physdev_pci_device_add vf = {
        .devfn = ABSENT_VF, .flags = XEN_PCI_DEV_VIRTFN,
        .physfn = { .bus = 0, .devfn = ABSENT_PF },
    };
    struct physdev_manage_pci_ext ext = { .devfn = ABSENT, .is_extfn = 2 };

    /* Unknown flags are ignored. */
    CHECK_RC(add(0, 0, ABSENT, 0x80000000u | 0x78), 0);
    CHECK_RC(dev_op(PHYSDEVOP_pci_device_remove, 0, 0, ABSENT), 0);
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_pci_device_add, &x), 0);
    CHECK_RC(dev_op(PHYSDEVOP_pci_device_remove, 0, 0, ABSENT), 0);
    /* A VF whose PF is unknown brings the PF along. */
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_pci_device_add, &vf), 0);
    CHECK_RC(dev_op(PHYSDEVOP_pci_device_remove, 0, 0, ABSENT_VF), 0);
    CHECK_RC(dev_op(PHYSDEVOP_pci_device_remove, 0, 0, ABSENT_PF), 0);
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_manage_pci_add_ext, &ext),
             -XEN_EINVAL);
    ext.is_extfn = 0;
    ext.is_virtfn = 2;
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_manage_pci_add_ext, &ext),
             -XEN_EINVAL);
    CHECK_RC(dev_op(PHYSDEVOP_pci_device_remove, 0, 0, ABSENT), -XEN_ENODEV);
    ext.is_virtfn = 0;
    ext.is_extfn = 1;
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_manage_pci_add_ext, &ext), 0);
    CHECK_RC(dev_op(PHYSDEVOP_pci_device_remove, 0, 0, ABSENT), 0);
}

TEST(physdev_pci, unreadable_arguments)
{
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_pci_device_add, BAD_PTR),
             -XEN_EFAULT);
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_pci_device_remove, XEN_PTR),
             -XEN_EFAULT);
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_manage_pci_add_ext, BAD_PTR),
             -XEN_EFAULT);
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_pci_mmcfg_reserved, BAD_PTR),
             -XEN_EFAULT);
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_restore_msi, BAD_PTR),
             -XEN_EFAULT);
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_dbgp_op, BAD_PTR), -XEN_EFAULT);
}

TEST(physdev_pci, msi_ops_on_known_and_unknown_devices)
{
    struct physdev_restore_msi r = { .bus = 0, .devfn = HOST_BRIDGE };

    CHECK_RC(add(0, 0, HOST_BRIDGE, 0), 0);
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_restore_msi, &r), 0);
    CHECK_RC(dev_op(PHYSDEVOP_restore_msi_ext, 0, 0, HOST_BRIDGE), 0);
    r.devfn = ABSENT;
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_restore_msi, &r), -XEN_ENODEV);
    CHECK_RC(dev_op(PHYSDEVOP_restore_msi_ext, 0x1234, 0, 0), -XEN_ENODEV);
    CHECK_RC(dev_op(PHYSDEVOP_prepare_msix, 0, 0, ABSENT), -XEN_ENODEV);
    CHECK_RC(dev_op(PHYSDEVOP_release_msix, 0, 0, ABSENT), -XEN_ENODEV);
}

/* QEMU's PC has no MCFG table: no area is known, whatever dom0 says. */
TEST(physdev_pci, mmcfg_reserved)
{
    CHECK_RC(mmcfg(0xb0000000, 0, 0, 0xff, 2), -XEN_EINVAL);
    CHECK_RC(mmcfg(0xb0000000, 0, 0, 0xff, 0x101), -XEN_EINVAL);
    CHECK_RC(mmcfg(0xb0000000, 0, 0, 0xff, XEN_PCI_MMCFG_RESERVED),
             -XEN_ENODEV);
    CHECK_RC(mmcfg(0xb0000000, 0, 0, 0xff, 0), -XEN_ENODEV);
}

/* Neither hypervisor drives an EHCI debug port here: all is well. */
TEST(physdev_pci, dbgp_op)
{
    struct physdev_dbgp_op op = { .op = PHYSDEVOP_DBGP_RESET_PREPARE,
                                  .bus = PHYSDEVOP_DBGP_BUS_PCI };

    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_dbgp_op, &op), 0);
    op.op = PHYSDEVOP_DBGP_RESET_DONE;
    op.bus = PHYSDEVOP_DBGP_BUS_UNKNOWN;
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_dbgp_op, &op), 0);
}

/*
 * A domU: refused everything, after reading its argument where Xen does;
 * an unknown device's restore_msi is -ENODEV before any refusal.  Its
 * CF8 is its own; configuration space reads as all-ones.
 */
HOSTILE(physdev_pci, domu_refused)
{
    struct physdev_manage_pci m = { .bus = 0, .devfn = HOST_BRIDGE };
    struct physdev_manage_pci_ext ext = { .devfn = HOST_BRIDGE };
    struct physdev_dbgp_op g = { .op = PHYSDEVOP_DBGP_RESET_PREPARE };
    struct physdev_restore_msi r = { .bus = 0, .devfn = ABSENT };
    uint32_t cf8, data;

    CHECK_RC(add(0, 0, ABSENT, 0), -XEN_EPERM);
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_manage_pci_add, &m), -XEN_EPERM);
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_manage_pci_remove, &m),
             -XEN_EPERM);
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_manage_pci_add_ext, &ext),
             -XEN_EPERM);
    CHECK_RC(dev_op(PHYSDEVOP_pci_device_remove, 0, 0, HOST_BRIDGE),
             -XEN_EPERM);
    CHECK_RC(dev_op(PHYSDEVOP_prepare_msix, 0, 0, HOST_BRIDGE), -XEN_EPERM);
    CHECK_RC(dev_op(PHYSDEVOP_release_msix, 0, 0, HOST_BRIDGE), -XEN_EPERM);
    CHECK_RC(mmcfg(0xb0000000, 0, 0, 0xff, 1), -XEN_EPERM);
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_dbgp_op, &g), -XEN_EPERM);
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_restore_msi, &r), -XEN_ENODEV);
    CHECK_RC(dev_op(PHYSDEVOP_restore_msi_ext, 0, 0, ABSENT), -XEN_ENODEV);
    /* Where Xen refuses first, a bad pointer is still -EPERM. */
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_pci_mmcfg_reserved, BAD_PTR),
             -XEN_EPERM);
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_dbgp_op, BAD_PTR), -XEN_EPERM);
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_pci_device_add, BAD_PTR),
             -XEN_EFAULT);

    CHECK_RC(set_iopl(1), 0);
    pout32(CF8(0, HOST_BRIDGE, 0), 0xcf8);
    cf8 = pin(0xcf8, 4);
    data = pin(0xcfc, 4);
    CHECK_RC(set_iopl(0), 0);
    CHECK(cf8 == CF8(0, HOST_BRIDGE, 0), "CF8 read back %#x", cf8);
    CHECK(data == 0xffffffff, "config space read %#x", data);
}
