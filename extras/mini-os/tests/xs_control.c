/* SPDX-License-Identifier: GPL-2.0-only */
/* Roles for a domU under a toolstack: answer control/shutdown, or crash. */

#include "test.h"
#include <events.h>
#include <time.h>
#include <hypercall.h>
#include <public/io/xs_wire.h>

/*
 * A minimal xenstore client over the domain's ring: one request at a
 * time, answers polled.  That is all `xl shutdown` and `xl reboot` need
 * from a PV guest: it writes control/shutdown and waits for the domain
 * to shut down with the matching reason.
 */
static struct xenstore_domain_interface *xs_ring(void)
{
    return pfn_to_virt(mfn_to_pfn(start_info->store_mfn));
}

static void xs_put(struct xenstore_domain_interface *x, const void *data,
                   size_t len)
{
    const char *p = data;

    while ( len )
    {
        XENSTORE_RING_IDX cons = ACCESS_ONCE(x->req_cons);
        XENSTORE_RING_IDX prod = x->req_prod;

        mb();
        if ( prod - cons >= XENSTORE_RING_SIZE )
        {
            notify_remote_via_evtchn(start_info->store_evtchn);
            msleep(1);
            continue;
        }
        x->req[MASK_XENSTORE_IDX(prod)] = *p++;
        wmb();
        x->req_prod = prod + 1;
        len--;
    }
    notify_remote_via_evtchn(start_info->store_evtchn);
}

static void xs_get(struct xenstore_domain_interface *x, void *data,
                   size_t len)
{
    char *p = data;

    while ( len )
    {
        XENSTORE_RING_IDX cons = x->rsp_cons;

        if ( cons == ACCESS_ONCE(x->rsp_prod) )
        {
            msleep(1);
            continue;
        }
        rmb();
        *p++ = x->rsp[MASK_XENSTORE_IDX(cons)];
        mb();
        x->rsp_cons = cons + 1;
        len--;
    }
    notify_remote_via_evtchn(start_info->store_evtchn);
}

/*
 * Sends one request (payload: a path, then for a write the value) and
 * copies at most len - 1 bytes of the answer into out.  Returns the
 * answer's type (XS_ERROR for a refusal).
 */
static uint32_t xs_request(uint32_t type, const char *path, const char *value,
                           char *out, size_t len)
{
    struct xenstore_domain_interface *x = xs_ring();
    static uint32_t last_id;
    struct xsd_sockmsg msg = {
        .type = type,
        .len = strlen(path) + 1 + (value ? strlen(value) : 0),
    };
    uint32_t left;
    char c;

    msg.req_id = ++last_id;
    xs_put(x, &msg, sizeof(msg));
    xs_put(x, path, strlen(path) + 1);
    if ( value )
        xs_put(x, value, strlen(value));
    /* Watch events do not come: this client sets no watch. */
    xs_get(x, &msg, sizeof(msg));
    for ( left = msg.len; left; left-- )
    {
        xs_get(x, &c, 1);
        if ( len > 1 )
        {
            *out++ = c;
            len--;
        }
    }
    if ( len )
        *out = '\0';
    return msg.type;
}

/*
 * Polls control/shutdown every 100 ms; on a request it acknowledges it
 * (writes the node empty, as Linux does) and shuts down for that reason.
 */
void control_main(void)
{
    static const struct {
        const char *what;
        unsigned int reason;
    } reasons[] = {
        { "poweroff", SHUTDOWN_poweroff },
        { "halt", SHUTDOWN_poweroff },
        { "reboot", SHUTDOWN_reboot },
        { "crash", SHUTDOWN_crash },
    };
    char val[32];

    /*
     * The guest's side of its xenstore connection, for the toolstack to
     * check: its own name (relative paths are its /local/domain/N) and a
     * node written under data/, which only the domain itself may write.
     */
    if ( xs_request(XS_READ, "name", NULL, val, sizeof(val)) == XS_READ )
        printk("control: name %s\n", val);
    else
        printk("control: reading name failed: %s\n", val);
    if ( xs_request(XS_WRITE, "data/control", "watching", val,
                    sizeof(val)) != XS_WRITE )
        printk("control: writing data/control failed: %s\n", val);
    printk("control: watching control/shutdown\n");
    for ( ; ; )
    {
        if ( xs_request(XS_READ, "control/shutdown", NULL, val,
                        sizeof(val)) == XS_READ && val[0] )
            for ( unsigned int i = 0; i < ARRAY_SIZE(reasons); i++ )
                if ( !strcmp(val, reasons[i].what) )
                {
                    xs_request(XS_WRITE, "control/shutdown", "", val,
                               sizeof(val));
                    printk("control: shutdown request '%s'\n",
                           reasons[i].what);
                    do_shutdown(reasons[i].reason);
                }
        msleep(100);
    }
}

/* Runs a moment, then reports itself crashed (as a panic would). */
void crash_main(void)
{
    printk("crash: crashing\n");
    msleep(200);
    do_shutdown(SHUTDOWN_crash);
}
