/* SPDX-License-Identifier: GPL-2.0-only */
/* multicall: a batch of hypercalls in one, whatever the guest type. */
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/sched.h>

/*
 * Runs a batch of hypercalls, each entry's result stored back into it.
 * A multicall inside a multicall is refused (-EINVAL in its entry) and so
 * is anything the caller's guest type may not call (-ENOSYS); a bad list
 * ends the batch.
 *
 * Preemption, as Xen does it: between entries the multicall continues
 * itself from the next one.  A call that wants to continue gets its new
 * arguments written into its entry (see hypercall_create_continuation()),
 * and the multicall continues from that entry, so the guest re-issues the
 * rest of the call and then the rest of the batch.
 */
long do_multicall(XEN_GUEST_HANDLE_PARAM(multicall_entry_t) call_list,
                  unsigned int nr_calls)
{
    struct vcpu *v = current;
    unsigned int i;

    /* call_list moves on with i, to name the entry a continuation resumes. */
    for ( i = 0; i < nr_calls; i++, guest_handle_add_offset(call_list, 1) )
    {
        struct multicall_entry call;

        if ( i && hypercall_preempt_check() )
            break;
        if ( copy_from_guest(&call, call_list, 1) )
            return -EFAULT;
        if ( call.op == __HYPERVISOR_multicall )
            call.result = -EINVAL;
        else
        {
            v->mc_call = &call;
            arch_do_multicall_call(&call);
            v->mc_call = NULL;
            if ( v->mc_preempted )
            {
                v->mc_preempted = false;
                if ( copy_to_guest(call_list, &call, 1) )
                    return -EFAULT;
                break;
            }
        }
        if ( copy_field_to_guest(call_list, &call, result) )
            return -EFAULT;
    }
    if ( i == nr_calls )
        return 0;
    return hypercall_continue(__HYPERVISOR_multicall,
                              guest_handle_addr(call_list), nr_calls - i);
}
