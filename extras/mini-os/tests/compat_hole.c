/* SPDX-License-Identifier: GPL-2.0-only */
/* 32-bit guests: structures reaching the hypervisor hole are -EFAULT. */

#include "test.h"
#include <hypercall.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/vcpu.h>

/*
 * A 32-bit guest's structures and lists must end below its
 * HYPERVISOR_VIRT_START: above lies the compat M2P, which it may read but
 * which is not its memory.  Each translated call is given one that starts
 * below the hole and ends inside it, so only a check of the whole range
 * refuses it (its start alone is the guest's).  Xen checks before it
 * acts, so nothing is done.  64-bit guests have no such hole: the case
 * is for the x86_32 build only.
 */
#ifdef __i386__
static void *below_hole(unsigned long bytes_inside, unsigned long size)
{
    return (void *)(HYPERVISOR_VIRT_START - size + bytes_inside);
}

TEST(compat_hole, structures_reaching_it_refused)
{
    static struct sched_poll poll;
    static struct xen_memory_reservation r;

    CHECK_RC(HYPERVISOR_multicall(below_hole(4, 2 * sizeof(multicall_entry_t)),
                                  2),
             -XEN_EFAULT);
    CHECK_RC(HYPERVISOR_mmuext_op(below_hole(4, 2 * sizeof(struct mmuext_op)),
                                  2, NULL, DOMID_SELF),
             -XEN_EFAULT);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_exchange,
                                  below_hole(4, sizeof(
                                                    struct xen_memory_exchange))),
             -XEN_EFAULT);
    CHECK_RC(HYPERVISOR_grant_table_op(
                 GNTTABOP_copy, below_hole(4, 2 * sizeof(gnttab_copy_t)), 2),
             -XEN_EFAULT);
    CHECK_RC(HYPERVISOR_grant_table_op(
                 GNTTABOP_map_grant_ref,
                 below_hole(4, sizeof(struct gnttab_map_grant_ref)), 1),
             -XEN_EFAULT);
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0,
                                below_hole(4, sizeof(
                                                  vcpu_set_singleshot_timer_t))),
             -XEN_EFAULT);
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_initialise, 0,
                                below_hole(4, sizeof(vcpu_guest_context_t))),
             -XEN_EFAULT);
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_status,
                                         below_hole(4, sizeof(
                                                           evtchn_status_t))),
             -XEN_EFAULT);
    CHECK_RC(HYPERVISOR_set_gdt(below_hole(4, 2 * sizeof(unsigned long)),
                                1024),
             -XEN_EFAULT);
    /* The ports poll would read, past the start of the hole. */
    set_xen_guest_handle(poll.ports, (evtchn_port_t *)below_hole(4, 8));
    poll.nr_ports = 2;
    CHECK_RC(HYPERVISOR_sched_op(SCHEDOP_poll, &poll), -XEN_EFAULT);
    /* A reservation whose list reaches the hole: no extent done. */
    set_xen_guest_handle(r.extent_start, (xen_pfn_t *)below_hole(4, 8));
    r.nr_extents = 2;
    r.domid = DOMID_SELF;
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r), 0);
}
#endif
