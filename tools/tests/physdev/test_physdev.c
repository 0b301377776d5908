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

/* The IRQ ops only dom0 may use; none is implemented yet. */
static const int dom0_only[] = {
    PHYSDEVOP_apic_read, PHYSDEVOP_apic_write, PHYSDEVOP_alloc_irq_vector,
    PHYSDEVOP_map_pirq, PHYSDEVOP_unmap_pirq, PHYSDEVOP_setup_gsi,
};

/* test_pci.c: the PCI ops, on a fake machine. */
void test_pci(struct domain *dom0, struct domain *domU);

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

    CASE("IRQ ops: -EPERM for a domU, -ENOSYS for dom0")
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

    test_pci(dom0, domU);
    return check_failures ? 1 : 0;
}
