/* SPDX-License-Identifier: GPL-2.0-only */
/* 2-level event channels: binding ports to handlers and delivering them. */

#include <lib.h>
#include <events.h>
#include <traps.h>
#include <hypercall.h>

#define NR_PORTS EVTCHN_2L_NR_CHANNELS
#define BITS_PER_WORD (8 * sizeof(xen_ulong_t))

static struct {
    evtchn_handler_t *fn;
    void *data;
} handlers[NR_PORTS];

unsigned long upcall_count;
unsigned long evtchn_delivered[NR_PORTS];

void force_evtchn_callback(void)
{
    /* Xen checks for pending events on the way out of every hypercall. */
    HYPERVISOR_xen_version(XENVER_version, NULL);
}

void mask_evtchn(evtchn_port_t port)
{
    set_bit(port, shared_info->evtchn_mask);
}

void clear_evtchn(evtchn_port_t port)
{
    clear_bit(port, shared_info->evtchn_pending);
}

void unmask_evtchn(evtchn_port_t port)
{
    unsigned long flags = irq_save();

    clear_bit(port, shared_info->evtchn_mask);
    /*
     * Xen does not notice a port that was pending while masked: raise the
     * selector and upcall flags ourselves, as it would have.
     */
    if ( test_bit(port, shared_info->evtchn_pending) )
    {
        set_bit(port / BITS_PER_WORD, &this_vcpu()->evtchn_pending_sel);
        this_vcpu()->evtchn_upcall_pending = 1;
    }
    irq_restore(flags);
}

void do_hypervisor_callback(void)
{
    vcpu_info_t *v = this_vcpu();

    upcall_count++;
    while ( ACCESS_ONCE(v->evtchn_upcall_pending) )
    {
        unsigned long sel;

        v->evtchn_upcall_pending = 0;
        sel = xchg_ulong(&v->evtchn_pending_sel, 0);
        while ( sel )
        {
            unsigned int w = first_set_bit(sel);
            unsigned long bits;

            sel &= sel - 1;
            bits = shared_info->evtchn_pending[w] &
                   ~shared_info->evtchn_mask[w];
            while ( bits )
            {
                evtchn_port_t port = w * BITS_PER_WORD + first_set_bit(bits);

                bits &= bits - 1;
                clear_evtchn(port);
                evtchn_delivered[port]++;
                if ( handlers[port].fn )
                    handlers[port].fn(port, handlers[port].data);
            }
        }
    }
}

void set_evtchn_handler(evtchn_port_t port, evtchn_handler_t *fn, void *data)
{
    BUG_ON(port >= NR_PORTS);
    handlers[port].fn = fn;
    handlers[port].data = data;
    evtchn_delivered[port] = 0;
    if ( fn )
        unmask_evtchn(port);
}

long bind_virq(unsigned int virq, evtchn_handler_t *fn, void *data)
{
    evtchn_bind_virq_t op = { .virq = virq, .vcpu = 0 };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &op);

    if ( rc )
        return rc;
    set_evtchn_handler(op.port, fn, data);
    return op.port;
}

long bind_ipi(unsigned int vcpu, evtchn_handler_t *fn, void *data)
{
    evtchn_bind_ipi_t op = { .vcpu = vcpu };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &op);

    if ( rc )
        return rc;
    set_evtchn_handler(op.port, fn, data);
    return op.port;
}

long alloc_unbound(domid_t remote, evtchn_handler_t *fn, void *data)
{
    evtchn_alloc_unbound_t op = { .dom = DOMID_SELF, .remote_dom = remote };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &op);

    if ( rc )
        return rc;
    set_evtchn_handler(op.port, fn, data);
    return op.port;
}

long unbind_evtchn(evtchn_port_t port)
{
    evtchn_close_t op = { .port = port };

    mask_evtchn(port);
    clear_evtchn(port);
    handlers[port].fn = NULL;
    return HYPERVISOR_event_channel_op(EVTCHNOP_close, &op);
}

long notify_remote_via_evtchn(evtchn_port_t port)
{
    evtchn_send_t op = { .port = port };

    return HYPERVISOR_event_channel_op(EVTCHNOP_send, &op);
}

void events_init(void)
{
    static const callback_register_t event = {
        .type = CALLBACKTYPE_event,
        .flags = CALLBACKF_mask_events,
        .address = CALLBACK_ADDR(hypervisor_callback),
    };
    static const callback_register_t failsafe = {
        .type = CALLBACKTYPE_failsafe,
        .flags = CALLBACKF_mask_events,
        .address = CALLBACK_ADDR(failsafe_callback),
    };
    unsigned int i;
    long rc;

    /* Nothing is bound yet: start with every port masked and clear. */
    for ( i = 0; i < ARRAY_SIZE(shared_info->evtchn_mask); i++ )
    {
        shared_info->evtchn_mask[i] = ~0UL;
        shared_info->evtchn_pending[i] = 0;
    }
    rc = HYPERVISOR_callback_op(CALLBACKOP_register, &event);
    if ( rc )
        panic("registering the event callback failed: %ld", rc);
    rc = HYPERVISOR_callback_op(CALLBACKOP_register, &failsafe);
    if ( rc )
        panic("registering the failsafe callback failed: %ld", rc);
}
