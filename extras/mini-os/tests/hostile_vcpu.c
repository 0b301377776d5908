/* SPDX-License-Identifier: GPL-2.0-only */
/* An unprivileged domU moving its vcpu_info: bounds, owner, references. */

#include "hostile.h"
#include <hypercall.h>
#include <mm.h>
#include <os.h>
#include <public/memory.h>

/*
 * VCPUOP_register_vcpu_info takes a frame of the caller's own, with the
 * structure wholly inside it, once.  A wrongly accepted try would move
 * vcpu_info where this kernel does not look, so each kind of refusal is
 * a case of its own, and the accepted move comes last.
 */
static long register_info(unsigned long mfn, unsigned long offset)
{
    struct vcpu_register_vcpu_info r = { .mfn = mfn, .offset = offset };

    return HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &r);
}

HOSTILE(unpriv_vcpu, register_vcpu_info_bounds)
{
    void *area = alloc_page();

    CHECK(area, "no page");
    /* One byte past the last offset that fits: it would straddle. */
    CHECK_RC(register_info(virt_to_mfn(area),
                           PAGE_SIZE - sizeof(vcpu_info_t) + 1),
             -XEN_ENXIO);
    CHECK_RC(register_info(virt_to_mfn(area), PAGE_SIZE), -XEN_ENXIO);
}

/* A frame that is not ours: the hypervisor's M2P. */
HOSTILE(unpriv_vcpu, register_vcpu_info_not_ours)
{
    xen_pfn_t m2p;
    struct xen_machphys_mfn_list l = { .max_extents = 1 };

    set_xen_guest_handle(l.extent_start, &m2p);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_machphys_mfn_list, &l), 0);
    CHECK_RC(register_info(m2p, 0), -XEN_EINVAL);
}

/* Our own frame at the last offset that fits; then never again. */
HOSTILE(unpriv_vcpu, register_vcpu_info_once)
{
    void *area = alloc_page();
    unsigned long flags, last = PAGE_SIZE - sizeof(vcpu_info_t);
    long rc;

    CHECK(area, "no page");
    flags = irq_save();
    rc = register_info(virt_to_mfn(area), last);
    if ( rc == 0 )
        vcpu0_info = (vcpu_info_t *)((char *)area + last);
    irq_restore(flags);
    CHECK_RC(rc, 0);
    CHECK_RC(register_info(virt_to_mfn(area), 0), -XEN_EINVAL);
}
