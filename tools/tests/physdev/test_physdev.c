/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests for physdev_op: the virtual IOPL and who may touch devices. */
#include <stdlib.h>
#include <asm/config.h>
#include <xen/errno.h>
#include <xen/hypercall.h>
#include <xen/sched.h>
#include <asm/current.h>
#include <asm/domain.h>
#include <public/physdev.h>
#include "check.h"

/* Guest memory window where copies fail (include/asm/uaccess.h). */
extern uintptr_t harness_fault_lo, harness_fault_hi;

static struct domain *dom0, *domU;

static struct domain *make_domain(domid_t id, bool priv)
{
    struct domain *d = calloc(1, sizeof(*d));
    struct vcpu *v = calloc(1, sizeof(*v));

    d->domain_id = id;
    d->is_privileged = priv;
    d->max_vcpus = 1;
    d->vcpu = calloc(1, sizeof(*d->vcpu));
    d->vcpu[0] = v;
    v->domain = d;
    v->arch = calloc(1, sizeof(*v->arch));
    return d;
}

static void run_as(struct domain *d)
{
    get_cpu_info()->current_vcpu = d->vcpu[0];
}

static long physdev(int cmd, void *arg)
{
    return do_physdev_op(cmd, (XEN_GUEST_HANDLE_PARAM(void)){ arg });
}

static long set_iopl(uint32_t iopl)
{
    struct physdev_set_iopl op = { .iopl = iopl };

    return physdev(PHYSDEVOP_set_iopl, &op);
}

/* The ops only dom0 may use; none is implemented yet. */
static const int dom0_only[] = {
    PHYSDEVOP_apic_read, PHYSDEVOP_apic_write, PHYSDEVOP_alloc_irq_vector,
    PHYSDEVOP_manage_pci_add, PHYSDEVOP_manage_pci_remove,
    PHYSDEVOP_manage_pci_add_ext, PHYSDEVOP_pci_device_add,
    PHYSDEVOP_pci_device_remove, PHYSDEVOP_map_pirq, PHYSDEVOP_unmap_pirq,
    PHYSDEVOP_setup_gsi,
};

int main(void)
{
    dom0 = make_domain(0, true);
    domU = make_domain(1, false);

    CASE("set_iopl: every level 0-3 is taken, as the virtual IOPL")
    {
        run_as(domU);
        for ( uint32_t l = 0; l <= 3; l++ )
        {
            CHECK_EQ(set_iopl(l), 0);
            CHECK_EQ(domU->vcpu[0]->arch->iopl, l);
        }
    }

    CASE("set_iopl: one past 3 and beyond is -EINVAL, the IOPL unchanged")
    {
        run_as(domU);
        CHECK_EQ(set_iopl(2), 0);
        CHECK_EQ(set_iopl(4), -EINVAL);
        CHECK_EQ(set_iopl(5), -EINVAL);
        CHECK_EQ(set_iopl(~0u), -EINVAL);
        CHECK_EQ(domU->vcpu[0]->arch->iopl, 2);
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
        CHECK_EQ(domU->vcpu[0]->arch->iopl, 3);
    }

    CASE("set_iopl: only the caller's own vCPU changes")
    {
        run_as(dom0);
        CHECK_EQ(set_iopl(0), 0);
        run_as(domU);
        CHECK_EQ(set_iopl(1), 0);
        CHECK_EQ(dom0->vcpu[0]->arch->iopl, 0);
    }

    CASE("set_iobitmap: a guest start address and 65536 ports at most")
    {
        static uint8_t bm[8192];
        struct physdev_set_iobitmap op = { .nr_ports = 65536 };
        struct arch_vcpu *a = domU->vcpu[0]->arch;

        run_as(domU);
        set_xen_guest_handle(op.bitmap, bm);
        CHECK_EQ(physdev(PHYSDEVOP_set_iobitmap, &op), 0);
        CHECK_EQ(a->iobmp, (unsigned long)bm);
        CHECK_EQ(a->iobmp_limit, 65536);
        op.nr_ports = 65537;
        CHECK_EQ(physdev(PHYSDEVOP_set_iobitmap, &op), -EINVAL);
        op.nr_ports = 16;
        /* The hypervisor's range, and no canonical address at all. */
        set_xen_guest_handle(op.bitmap, (uint8_t *)0xffff830000001000UL);
        CHECK_EQ(physdev(PHYSDEVOP_set_iobitmap, &op), -EINVAL);
        set_xen_guest_handle(op.bitmap, (uint8_t *)0x0000800000000000UL);
        CHECK_EQ(physdev(PHYSDEVOP_set_iobitmap, &op), -EINVAL);
        CHECK_EQ(a->iobmp, (unsigned long)bm);
        CHECK_EQ(a->iobmp_limit, 65536);
        /* As Xen: only the start is checked, nothing need be mapped. */
        set_xen_guest_handle(op.bitmap, (uint8_t *)0x00007fffffffff00UL);
        CHECK_EQ(physdev(PHYSDEVOP_set_iobitmap, &op), 0);
        CHECK_EQ(a->iobmp_limit, 16);
        harness_fault_lo = (uintptr_t)&op;
        harness_fault_hi = harness_fault_lo + sizeof(op);
        CHECK_EQ(physdev(PHYSDEVOP_set_iobitmap, &op), -EFAULT);
        harness_fault_lo = harness_fault_hi = 0;
        op.nr_ports = 0;
        CHECK_EQ(physdev(PHYSDEVOP_set_iobitmap, &op), 0);
        CHECK_EQ(a->iobmp_limit, 0);
    }

    CASE("device and IRQ ops: -EPERM for a domU, -ENOSYS for dom0")
    {
        for ( unsigned int i = 0; i < ARRAY_SIZE(dom0_only); i++ )
        {
            run_as(domU);
            CHECK_EQ(physdev(dom0_only[i], NULL), -EPERM);
            run_as(dom0);
            CHECK_EQ(physdev(dom0_only[i], NULL), -ENOSYS);
        }
    }

    CASE("unknown ops are -ENOSYS for anyone")
    {
        run_as(domU);
        CHECK_EQ(physdev(PHYSDEVOP_eoi, NULL), -ENOSYS);
        CHECK_EQ(physdev(-1, NULL), -ENOSYS);
    }
    return check_failures ? 1 : 0;
}
