/* SPDX-License-Identifier: GPL-2.0-only */
/* physdev_op's PCI sub-ops: dom0 reports devices and MMCONFIG areas. */
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/pci.h>
#include <xen/sched.h>
#include <asm/current.h>
#include <public/physdev.h>
#include <xsm/xsm.h>

/*
 * The orders of checks are Xen 4.17's, as a domU sees them: most ops
 * read their argument first (-EFAULT) and then refuse (-EPERM);
 * pci_mmcfg_reserved and dbgp_op refuse first; restore_msi looks the
 * device up before refusing, so an unknown one is -ENODEV for anyone.
 */
static long add_device(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct physdev_pci_device_add add;
    struct pci_dev_info info = { 0 };
    uint32_t pxm = PCI_NO_PXM;

    if ( copy_from_guest(&add, arg, 1) )
        return -EFAULT;
    /* Unknown flags are ignored, as by Xen. */
    info.is_extfn = add.flags & XEN_PCI_DEV_EXTFN;
    if ( add.flags & XEN_PCI_DEV_VIRTFN )
    {
        info.is_virtfn = true;
        info.physfn.bus = add.physfn.bus;
        info.physfn.devfn = add.physfn.devfn;
    }
    if ( (add.flags & XEN_PCI_DEV_PXM) &&
         copy_from_guest_offset(
             &pxm, arg,
             offsetof(struct physdev_pci_device_add, optarr) / sizeof(pxm),
             1) )
        return -EFAULT;
    if ( xsm_resource_plug_pci(current->domain) )
        return -EPERM;
    return pci_add_device(PCI_SBDF(add.seg, add.bus, add.devfn), &info, pxm);
}

static long add_device_ext(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct physdev_manage_pci_ext ext;
    struct pci_dev_info info;

    if ( copy_from_guest(&ext, arg, 1) )
        return -EFAULT;
    if ( ext.is_extfn > 1 || ext.is_virtfn > 1 )
        return -EINVAL;
    if ( xsm_resource_plug_pci(current->domain) )
        return -EPERM;
    info.is_extfn = ext.is_extfn;
    info.is_virtfn = ext.is_virtfn;
    info.physfn.bus = ext.physfn.bus;
    info.physfn.devfn = ext.physfn.devfn;
    return pci_add_device(PCI_SBDF(0, ext.bus, ext.devfn), &info, PCI_NO_PXM);
}

/*
 * The hypervisor keeps no MSI state of its own yet, so a known device
 * has nothing to restore.
 */
static long restore_msi(pci_sbdf_t sbdf)
{
    bool known;

    pcidevs_lock();
    known = pci_get_pdev(sbdf);
    pcidevs_unlock();
    if ( !known )
        return -ENODEV;
    return xsm_resource_setup_pci(current->domain) ? -EPERM : 0;
}

long pci_physdev_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    switch ( cmd )
    {
    case PHYSDEVOP_manage_pci_add:
    case PHYSDEVOP_manage_pci_remove:
    {
        struct physdev_manage_pci op;

        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        if ( cmd == PHYSDEVOP_manage_pci_add
                 ? xsm_resource_plug_pci(current->domain)
                 : xsm_resource_unplug_pci(current->domain) )
            return -EPERM;
        if ( cmd == PHYSDEVOP_manage_pci_add )
            return pci_add_device(PCI_SBDF(0, op.bus, op.devfn), NULL,
                                  PCI_NO_PXM);
        return pci_remove_device(PCI_SBDF(0, op.bus, op.devfn));
    }

    case PHYSDEVOP_manage_pci_add_ext:
        return add_device_ext(arg);

    case PHYSDEVOP_pci_device_add:
        return add_device(arg);

    case PHYSDEVOP_pci_device_remove:
    case PHYSDEVOP_prepare_msix:
    case PHYSDEVOP_release_msix:
    {
        struct physdev_pci_device dev;
        pci_sbdf_t sbdf;

        if ( copy_from_guest(&dev, arg, 1) )
            return -EFAULT;
        if ( cmd == PHYSDEVOP_pci_device_remove
                 ? xsm_resource_unplug_pci(current->domain)
                 : xsm_resource_setup_pci(current->domain) )
            return -EPERM;
        sbdf = PCI_SBDF(dev.seg, dev.bus, dev.devfn);
        if ( cmd == PHYSDEVOP_pci_device_remove )
            return pci_remove_device(sbdf);
        return pci_prepare_msix(sbdf, cmd == PHYSDEVOP_release_msix);
    }

    case PHYSDEVOP_restore_msi:
    {
        struct physdev_restore_msi op;

        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        return restore_msi(PCI_SBDF(0, op.bus, op.devfn));
    }

    case PHYSDEVOP_restore_msi_ext:
    {
        struct physdev_pci_device dev;

        if ( copy_from_guest(&dev, arg, 1) )
            return -EFAULT;
        return restore_msi(PCI_SBDF(dev.seg, dev.bus, dev.devfn));
    }

    case PHYSDEVOP_pci_mmcfg_reserved:
    {
        struct physdev_pci_mmcfg_reserved op;

        if ( xsm_resource_setup_misc(current->domain) )
            return -EPERM;
        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        return pci_mmcfg_reserved(op.address, op.segment, op.start_bus,
                                  op.end_bus, op.flags);
    }

    case PHYSDEVOP_dbgp_op:
    {
        struct physdev_dbgp_op op;

        if ( xsm_resource_setup_misc(current->domain) )
            return -EPERM;
        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        /*
         * Xen answers 0 to anything when it drives no EHCI debug port,
         * and the hypervisor never does.
         */
        return 0;
    }

    default:
        return -ENOSYS;
    }
}
