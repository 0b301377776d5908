/* SPDX-License-Identifier: GPL-2.0-only */
/* A 32-bit PV guest's physdev_op: dom0's interrupts and PCI at 32 bits. */
#include <xen/errno.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <asm/irq.h>
#include <asm/pv/compat.h>
#include <asm/uaccess.h>
#include <public/physdev.h>

/*
 * The structures whose layout differs at 32 bits (sizes and offsets
 * checked with gcc -m32 on the public headers): a long or xen_pfn_t is 4
 * bytes, and map_pirq's table_base only 4-byte aligned.
 */
struct compat_physdev_apic {
    uint32_t apic_physbase, reg, value;
};

struct __packed compat_physdev_map_pirq {
    uint16_t domid, pad;
    int32_t type, index, pirq, bus, devfn, entry_nr;
    uint64_t table_base;
};

/*
 * The sub-ops of fixed-width fields only, the same at both widths: their
 * size, to check the whole structure is the guest's (a pci_device_add's
 * optional optarr is read by the handler, as at 64 bits).
 */
static const uint8_t same_layout_size[] = {
    [PHYSDEVOP_eoi] = sizeof(struct physdev_eoi),
    [PHYSDEVOP_irq_status_query] = sizeof(struct physdev_irq_status_query),
    [PHYSDEVOP_set_iopl] = sizeof(struct physdev_set_iopl),
    [PHYSDEVOP_alloc_irq_vector] = sizeof(struct physdev_irq),
    [PHYSDEVOP_unmap_pirq] = sizeof(struct physdev_unmap_pirq),
    [PHYSDEVOP_setup_gsi] = sizeof(struct physdev_setup_gsi),
    [PHYSDEVOP_manage_pci_add] = sizeof(struct physdev_manage_pci),
    [PHYSDEVOP_manage_pci_remove] = sizeof(struct physdev_manage_pci),
    [PHYSDEVOP_manage_pci_add_ext] = sizeof(struct physdev_manage_pci_ext),
    [PHYSDEVOP_restore_msi] = sizeof(struct physdev_restore_msi),
    [PHYSDEVOP_restore_msi_ext] = sizeof(struct physdev_pci_device),
    [PHYSDEVOP_pci_device_add] = sizeof(struct physdev_pci_device_add),
    [PHYSDEVOP_pci_device_remove] = sizeof(struct physdev_pci_device),
    [PHYSDEVOP_prepare_msix] = sizeof(struct physdev_pci_device),
    [PHYSDEVOP_release_msix] = sizeof(struct physdev_pci_device),
    [PHYSDEVOP_pci_mmcfg_reserved] = sizeof(struct physdev_pci_mmcfg_reserved),
    [PHYSDEVOP_dbgp_op] = sizeof(struct physdev_dbgp_op),
};

static long compat_apic(uint32_t cmd, void *arg)
{
    struct compat_physdev_apic c;
    struct physdev_apic op;
    bool write_back;
    long rc;

    if ( copy_from_guest_bytes(&c, arg, sizeof(c)) )
        return -EFAULT;
    op = (struct physdev_apic){ .apic_physbase = c.apic_physbase,
                                .reg = c.reg,
                                .value = c.value };
    rc = pirq_apic_op(cmd, &op, &write_back);
    c.value = op.value;
    if ( write_back && copy_to_guest_bytes(arg, &c, sizeof(c)) )
        rc = -EFAULT;
    return rc;
}

static long compat_map_pirq(void *arg)
{
    struct compat_physdev_map_pirq c;
    struct physdev_map_pirq op;
    bool write_back;
    long rc;

    if ( copy_from_guest_bytes(&c, arg, sizeof(c)) )
        return -EFAULT;
    op = (struct physdev_map_pirq){
        .domid = c.domid,
        .type = c.type,
        .index = c.index,
        .pirq = c.pirq,
        .bus = c.bus,
        .devfn = c.devfn,
        .entry_nr = c.entry_nr,
        .table_base = c.table_base,
    };
    rc = pirq_map_op(&op, &write_back);
    c.index = op.index;
    c.pirq = op.pirq;
    c.entry_nr = op.entry_nr;
    if ( write_back && copy_to_guest_bytes(arg, &c, sizeof(c)) )
        rc = -EFAULT;
    return rc;
}

long pv_compat_physdev_op(uint32_t cmd, uint32_t arg)
{
    void *p = (void *)(unsigned long)arg;
    size_t size;

    switch ( cmd )
    {
    case PHYSDEVOP_apic_read:
    case PHYSDEVOP_apic_write:
        size = sizeof(struct compat_physdev_apic);
        break;
    case PHYSDEVOP_map_pirq:
        size = sizeof(struct compat_physdev_map_pirq);
        break;
    case PHYSDEVOP_pirq_eoi_gmfn_v1:
    case PHYSDEVOP_pirq_eoi_gmfn_v2:
        size = sizeof(uint32_t);
        break;
    default:
        size = cmd < ARRAY_SIZE(same_layout_size) ? same_layout_size[cmd] : 0;
        if ( !size )
            return -ENOSYS;
    }
    /* Every structure must be the guest's: below the compat hole. */
    if ( !pv_compat_range_ok(arg, size) )
        return -EFAULT;

    switch ( cmd )
    {
    case PHYSDEVOP_apic_read:
    case PHYSDEVOP_apic_write:
        return compat_apic(cmd, p);
    case PHYSDEVOP_map_pirq:
        return compat_map_pirq(p);
    case PHYSDEVOP_pirq_eoi_gmfn_v1:
    case PHYSDEVOP_pirq_eoi_gmfn_v2:
    {
        uint32_t gmfn;

        if ( copy_from_guest_bytes(&gmfn, p, sizeof(gmfn)) )
            return -EFAULT;
        return pirq_set_eoi_map(cmd, gmfn);
    }
    default:
        return do_physdev_op(cmd, (XEN_GUEST_HANDLE_PARAM(void)){ p });
    }
}
