/* SPDX-License-Identifier: GPL-2.0-only */
/* multicall from a 32-bit PV guest: 32-bit entries, compat dispatch. */
#include <xen/errno.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <asm/current.h>
#include <asm/pv/compat.h>
#include <asm/uaccess.h>

/* multicall_entry at 32 bits: op, result and six arguments, 32 bytes. */
struct compat_multicall_entry {
    uint32_t op;
    uint32_t result;
    uint32_t args[6];
};

/*
 * do_multicall()'s semantics with 32-bit entries: each entry read once,
 * run through the compat dispatch (so it is translated as an int $0x82
 * call would be), its result narrowed into the entry.  A call that wants
 * to continue rewrites v->mc_call (hypercall_create_continuation()): the
 * entry is written back narrowed and the batch continues from it.
 */
long pv_compat_multicall(uint32_t list, uint32_t nr_calls)
{
    struct vcpu *v = current;
    uint32_t i;

    if ( !pv_compat_range_ok(list, (uint64_t)nr_calls *
                                       sizeof(struct compat_multicall_entry)) )
        return -EFAULT;
    for ( i = 0; i < nr_calls; i++ )
    {
        struct compat_multicall_entry *p =
            (struct compat_multicall_entry *)(unsigned long)list + i;
        struct compat_multicall_entry c;
        struct multicall_entry call;
        unsigned int j;

        if ( i && hypercall_preempt_check() )
            break;
        if ( copy_from_guest_bytes(&c, p, sizeof(c)) )
            return -EFAULT;
        if ( c.op == __HYPERVISOR_multicall )
            c.result = -EINVAL;
        else
        {
            call.op = c.op;
            for ( j = 0; j < ARRAY_SIZE(c.args); j++ )
                call.args[j] = c.args[j];
            v->mc_call = &call;
            c.result = pv_compat_call(c.op, c.args);
            v->mc_call = NULL;
            if ( v->mc_preempted )
            {
                v->mc_preempted = false;
                c.op = call.op;
                for ( j = 0; j < ARRAY_SIZE(c.args); j++ )
                    c.args[j] = call.args[j];
                if ( copy_to_guest_bytes(p, &c, sizeof(c)) )
                    return -EFAULT;
                break;
            }
        }
        if ( copy_to_guest_bytes(&p->result, &c.result, sizeof(c.result)) )
            return -EFAULT;
    }
    if ( i == nr_calls )
        return 0;
    return hypercall_continue(__HYPERVISOR_multicall,
                              list + i * sizeof(struct compat_multicall_entry),
                              nr_calls - i);
}
