/* SPDX-License-Identifier: GPL-2.0-only */
/* physdev_op: a PV guest's I/O privilege, dom0's interrupts and PCI devices.
 */
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/pci.h>
#include <xen/sched.h>
#include <asm/domain.h>
#include <asm/irq.h>
#include <asm/pv/compat.h>
#include <asm/pv/mm.h>
#include <public/physdev.h>

/*
 * As Xen checks it: the start must be a guest address, the bitmap need
 * not be mapped (what is not reads as "no access").
 */
long pv_set_iobitmap(unsigned long bitmap, unsigned int nr_ports)
{
    if ( !pv_guest_addr_ok(bitmap) || nr_ports > 65536 )
        return -EINVAL;
    current->arch.pv.iobmp = bitmap;
    current->arch.pv.iobmp_limit = nr_ports;
    return 0;
}

long do_physdev_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    switch ( cmd )
    {
    case PHYSDEVOP_set_iopl:
    {
        struct physdev_set_iopl op;

        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        if ( op.iopl > 3 )
            return -EINVAL;
        /*
         * Virtual only: the real IOPL stays 0, and the I/O emulation
         * compares this with the guest's virtual privilege level.
         */
        current->arch.pv.iopl = op.iopl;
        return 0;
    }

    case PHYSDEVOP_set_iobitmap:
    {
        struct physdev_set_iobitmap op;

        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        return pv_set_iobitmap(guest_handle_addr(op.bitmap), op.nr_ports);
    }

    case PHYSDEVOP_manage_pci_add:
    case PHYSDEVOP_manage_pci_remove:
    case PHYSDEVOP_manage_pci_add_ext:
    case PHYSDEVOP_pci_device_add:
    case PHYSDEVOP_pci_device_remove:
    case PHYSDEVOP_restore_msi:
    case PHYSDEVOP_restore_msi_ext:
    case PHYSDEVOP_prepare_msix:
    case PHYSDEVOP_release_msix:
    case PHYSDEVOP_pci_mmcfg_reserved:
    case PHYSDEVOP_dbgp_op:
        return pci_physdev_op(cmd, arg);

    /* Interrupts: PIRQs, their EOIs, GSI set-up and the IO-APICs. */
    case PHYSDEVOP_eoi:
    case PHYSDEVOP_irq_status_query:
    case PHYSDEVOP_pirq_eoi_gmfn_v1:
    case PHYSDEVOP_pirq_eoi_gmfn_v2:
    case PHYSDEVOP_apic_read:
    case PHYSDEVOP_apic_write:
    case PHYSDEVOP_alloc_irq_vector:
    case PHYSDEVOP_map_pirq:
    case PHYSDEVOP_unmap_pirq:
    case PHYSDEVOP_setup_gsi:
        return pirq_physdev_op(cmd, arg);

    default:
        return -ENOSYS;
    }
}
