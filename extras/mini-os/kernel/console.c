/* SPDX-License-Identifier: GPL-2.0-only */
/* Console output: console_io for dom0, the shared ring for a domU. */

#include <lib.h>
#include <console.h>
#include <events.h>
#include <hypercall.h>
#include <public/io/console.h>

/* Set once a domU's ring is usable; until then (and for dom0) console_io. */
static struct xencons_interface *ring;

static void ring_write(const char *buf, size_t len)
{
    while ( len )
    {
        XENCONS_RING_IDX cons = ACCESS_ONCE(ring->out_cons);
        XENCONS_RING_IDX prod = ring->out_prod;

        mb();
        if ( prod - cons >= sizeof(ring->out) )
        {
            /* Full: let the backend run. */
            notify_remote_via_evtchn(start_info->console.domU.evtchn);
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
            continue;
        }
        while ( len && prod - cons < sizeof(ring->out) )
        {
            ring->out[MASK_XENCONS_IDX(prod, ring->out)] = *buf++;
            prod++;
            len--;
        }
        wmb();
        ring->out_prod = prod;
        notify_remote_via_evtchn(start_info->console.domU.evtchn);
    }
}

void console_write(const char *buf, size_t len)
{
    if ( ring )
        ring_write(buf, len);
    else
        HYPERVISOR_console_io(CONSOLEIO_write, len, buf);
}

void console_init(void)
{
    /*
     * The ring page of a domU is one of the pages Xen mapped for us.  A
     * domain the hypervisor built at boot may have none: it writes
     * through console_io, as dom0 does.
     */
    if ( !(start_info->flags & SIF_INITDOMAIN) && start_info->console.domU.mfn )
        ring = pfn_to_virt(mfn_to_pfn(start_info->console.domU.mfn));
}

void printk(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if ( n >= (int)sizeof(buf) )
        n = sizeof(buf) - 1;
    /* Code shared with the hypervisor (the ELF loader) adds a log level. */
    if ( n >= 3 && buf[0] == '<' && buf[2] == '>' )
        console_write(buf + 3, n - 3);
    else
        console_write(buf, n);
}
