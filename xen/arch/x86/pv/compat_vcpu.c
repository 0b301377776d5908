/* SPDX-License-Identifier: GPL-2.0-only */
/* A 32-bit PV guest's vCPU calls: vcpu_op and sched_op poll. */
#include <xen/errno.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/timer.h>
#include <asm/current.h>
#include <asm/pv/compat.h>
#include <asm/uaccess.h>
#include <public/vcpu.h>

/* vcpu_set_singleshot_timer at 32 bits: no tail padding, 12 bytes. */
struct __packed compat_singleshot_timer {
    uint64_t timeout_abs_ns;
    uint32_t flags;
};

/* sched_poll at 32 bits: a 32-bit ports handle, 16 bytes. */
struct __packed compat_sched_poll {
    uint32_t ports;
    uint32_t nr_ports;
    uint64_t timeout;
};

/*
 * The vcpu_op sub-ops whose argument is narrower at 32 bits.  The others
 * go through (arch/x86/hypercall.c); initialise's 32-bit context is not
 * translated yet (-ENOSYS).
 */
long pv_compat_vcpu_op(uint32_t cmd, uint32_t vcpuid, uint32_t arg)
{
    struct domain *d = current->domain;
    struct compat_singleshot_timer t;

    if ( vcpuid >= d->max_vcpus || !d->vcpu[vcpuid] )
        return -ENOENT;
    if ( cmd != VCPUOP_set_singleshot_timer )
        return -ENOSYS;
    /* In do_vcpu_op()'s order: the vCPU, then the argument. */
    if ( d->vcpu[vcpuid] != current )
        return -EINVAL;
    if ( !pv_compat_range_ok(arg, sizeof(t)) ||
         copy_from_guest_bytes(&t, (void *)(unsigned long)arg, sizeof(t)) )
        return -EFAULT;
    /* VCPU_SSHOTTMR_future is ignored, as Xen 4.17 does. */
    set_timer(&current->singleshot_timer, t.timeout_abs_ns);
    return 0;
}

/* SCHEDOP_poll with the 32-bit sched_poll; the rest have one layout. */
long pv_compat_sched_op(uint32_t cmd, uint32_t arg)
{
    struct compat_sched_poll c;
    struct sched_poll p;

    if ( cmd != SCHEDOP_poll )
        return -ENOSYS;
    if ( !pv_compat_range_ok(arg, sizeof(c)) ||
         copy_from_guest_bytes(&c, (void *)(unsigned long)arg, sizeof(c)) )
        return -EFAULT;
    /* vcpu_poll() bounds the count before it reads the ports. */
    if ( c.nr_ports <= SCHED_POLL_MAX_PORTS &&
         !pv_compat_range_ok(c.ports, c.nr_ports * sizeof(evtchn_port_t)) )
        return -EFAULT;
    p = (struct sched_poll){ .nr_ports = c.nr_ports, .timeout = c.timeout };
    p.ports.p = (evtchn_port_t *)(unsigned long)c.ports;
    return vcpu_poll(current, &p);
}
