/* SPDX-License-Identifier: GPL-2.0-only */
/* 32-bit PV guests' hypercalls whose arguments need translating. */
#include <xen/errno.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <asm/current.h>
#include <asm/pv/compat.h>
#include <asm/pv/compat_mm.h>
#include <asm/pv/descriptor-tables.h>
#include <asm/pv/mm.h>
#include <asm/uaccess.h>
#include <public/event_channel.h>
#include <public/nmi.h>
#include <public/physdev.h>
#include <public/vcpu.h>
#include <public/version.h>

/* A 64-bit value passed as two 32-bit arguments, low half first. */
static uint64_t join(uint32_t lo, uint32_t hi)
{
    return lo | ((uint64_t)hi << 32);
}

/*
 * Sizes of the event channel structures, the same at both widths
 * (fixed-width fields only): Xen checks the whole one is the guest's.
 */
static const uint8_t evtchn_op_size[] = {
    [EVTCHNOP_bind_interdomain] = sizeof(struct evtchn_bind_interdomain),
    [EVTCHNOP_bind_virq] = sizeof(struct evtchn_bind_virq),
    [EVTCHNOP_bind_pirq] = sizeof(struct evtchn_bind_pirq),
    [EVTCHNOP_close] = sizeof(struct evtchn_close),
    [EVTCHNOP_send] = sizeof(struct evtchn_send),
    [EVTCHNOP_status] = sizeof(struct evtchn_status),
    [EVTCHNOP_alloc_unbound] = sizeof(struct evtchn_alloc_unbound),
    [EVTCHNOP_bind_ipi] = sizeof(struct evtchn_bind_ipi),
    [EVTCHNOP_bind_vcpu] = sizeof(struct evtchn_bind_vcpu),
    [EVTCHNOP_unmask] = sizeof(struct evtchn_unmask),
    [EVTCHNOP_reset] = sizeof(struct evtchn_reset),
    [EVTCHNOP_init_control] = sizeof(struct evtchn_init_control),
    [EVTCHNOP_expand_array] = sizeof(struct evtchn_expand_array),
    [EVTCHNOP_set_priority] = sizeof(struct evtchn_set_priority),
};

/* What a 32-bit guest may ask vm_assist for: no m2p_strict (type 32). */
static long compat_vm_assist(uint32_t cmd, uint32_t type)
{
    const unsigned long valid = (1UL << VMASST_TYPE_4gb_segments) |
                                (1UL << VMASST_TYPE_4gb_segments_notify) |
                                (1UL << VMASST_TYPE_writable_pagetables) |
                                (1UL << VMASST_TYPE_pae_extended_cr3) |
                                (1UL << VMASST_TYPE_architectural_iopl) |
                                (1UL << VMASST_TYPE_runstate_update_flag);

    return pv_vm_assist(cmd, type, valid);
}

/*
 * Arguments a[0..5] from ebx, ecx, edx, esi, edi, ebp or a 32-bit
 * multicall entry.  Only what is here is translated (or checked before it
 * goes through): everything else goes by the same-layout list or is
 * -ENOSYS.
 */
bool pv_compat_translated(uint32_t nr, const uint32_t a[6], long *rc)
{
    switch ( nr )
    {
    case __HYPERVISOR_set_trap_table:
        *rc = pv_compat_set_trap_table(a[0]);
        break;
    case __HYPERVISOR_set_callbacks:
        *rc = pv_compat_set_callbacks(a[0], a[1], a[2], a[3]);
        break;
    case __HYPERVISOR_callback_op:
        *rc = pv_compat_callback_op(a[0], a[1]);
        break;
    case __HYPERVISOR_stack_switch:
        *rc = pv_compat_stack_switch(a[0], a[1]);
        break;
    /* 12-byte entries, counted as the 64-bit ones (pv/mmu_ops.c). */
    case __HYPERVISOR_mmuext_op:
        if ( !pv_compat_range_ok(a[0],
                                 (uint64_t)(a[1] & ~MMU_UPDATE_PREEMPTED) *
                                     12) )
            *rc = -EFAULT;
        else
            *rc = pv32_mmuext_op((XEN_GUEST_HANDLE_PARAM(void)){ (
                                     void *)(unsigned long)a[0] },
                                 a[1],
                                 (XEN_GUEST_HANDLE_PARAM(uint)){
                                     (unsigned int *)(unsigned long)a[2] },
                                 a[3]);
        break;
    case __HYPERVISOR_multicall:
        *rc = pv_compat_multicall(a[0], a[1]);
        break;
    case __HYPERVISOR_memory_op:
        *rc = pv_compat_memory_op(a[0], a[1]);
        break;
    case __HYPERVISOR_grant_table_op:
        *rc = pv_compat_grant_table_op(a[0], a[1], a[2]);
        break;
    case __HYPERVISOR_set_gdt:
        *rc = pv_set_gdt_list(a[0], a[1], true);
        break;
    case __HYPERVISOR_vm_assist:
        *rc = compat_vm_assist(a[0], a[1]);
        break;
    case __HYPERVISOR_vcpu_op:
        if ( a[0] != VCPUOP_initialise && a[0] != VCPUOP_set_singleshot_timer )
            return false;
        *rc = pv_compat_vcpu_op(a[0], a[1], a[2]);
        break;
    case __HYPERVISOR_sched_op:
        if ( a[0] != SCHEDOP_poll )
            return false;
        *rc = pv_compat_sched_op(a[0], a[1]);
        break;
    /* The structures are fixed-width: checked to be the guest's only. */
    case __HYPERVISOR_event_channel_op:
    {
        size_t size = a[0] < ARRAY_SIZE(evtchn_op_size) ? evtchn_op_size[a[0]]
                                                        : 0;

        if ( !size || pv_compat_range_ok(a[1], size) )
            return false;
        *rc = -EFAULT;
        break;
    }
    /*
     * (reg, value): a breakpoint address must be the guest's, which at
     * 32 bits ends at the hole (-EPERM as for the hypervisor's range).
     */
    case __HYPERVISOR_set_debugreg:
        if ( a[0] > 3 || pv_compat_range_ok(a[1], sizeof(uint32_t)) )
            return false;
        *rc = -EPERM;
        break;
    /* One structure each, the same at both widths: checked only. */
    case __HYPERVISOR_sysctl:
    case __HYPERVISOR_domctl:
    case __HYPERVISOR_platform_op:
        if ( pv_compat_range_ok(a[0], nr == __HYPERVISOR_sysctl
                                          ? sizeof(struct xen_sysctl)
                                      : nr == __HYPERVISOR_domctl
                                          ? sizeof(struct xen_domctl)
                                          : sizeof(struct xen_platform_op)) )
            return false;
        *rc = -EFAULT;
        break;
    /*
     * set_iobitmap (bitmap, nr_ports) and nmi_op's register_callback
     * (handler, pad): two 32-bit words each.
     */
    case __HYPERVISOR_nmi_op:
    case __HYPERVISOR_physdev_op:
        if ( (nr == __HYPERVISOR_nmi_op && a[0] == XENNMI_register_callback) ||
             (nr == __HYPERVISOR_physdev_op &&
              a[0] == PHYSDEVOP_set_iobitmap) )
        {
            uint32_t w[2];

            if ( !pv_compat_range_ok(a[1], sizeof(w)) ||
                 copy_from_guest_bytes(w, (void *)(unsigned long)a[1],
                                       sizeof(w)) )
                *rc = -EFAULT;
            else if ( nr == __HYPERVISOR_nmi_op )
                *rc = pv_nmi_register(w[0], w[1]);
            /* The bitmap must start in the guest's part, as at 64 bits. */
            else
                *rc = pv_compat_range_ok(w[0], 1) ? pv_set_iobitmap(w[0], w[1])
                                                  : -EINVAL;
            break;
        }
        if ( nr == __HYPERVISOR_nmi_op )
            return false;
        *rc = pv_compat_physdev_op(a[0], a[1]);
        break;
    /* (va, PTE low, PTE high, flags [, domid]): a PAE PTE is 64-bit. */
    case __HYPERVISOR_update_va_mapping:
        *rc = do_update_va_mapping(a[0], join(a[1], a[2]), a[3]);
        break;
    case __HYPERVISOR_update_va_mapping_otherdomain:
        *rc = do_update_va_mapping_otherdomain(a[0], join(a[1], a[2]), a[3],
                                               a[4]);
        break;
    /* platform_parameters' virt_start is a 32-bit long there. */
    case __HYPERVISOR_xen_version:
        if ( a[0] != XENVER_platform_parameters )
            return false;
        *rc = copy_to_guest_bytes((void *)(unsigned long)a[1],
                                  &current->domain->arch.pv.compat_virt_start,
                                  sizeof(uint32_t))
                  ? -EFAULT
                  : 0;
        break;
    /* (machine address low, high, descriptor low, high). */
    case __HYPERVISOR_update_descriptor:
        *rc = do_update_descriptor(join(a[0], a[1]), join(a[2], a[3]));
        break;
    /* (timeout low, high). */
    case __HYPERVISOR_set_timer_op:
        *rc = do_set_timer_op(join(a[0], a[1]));
        break;
    default:
        return false;
    }
    return true;
}
