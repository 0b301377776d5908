/* SPDX-License-Identifier: GPL-2.0-only */
/* Creating domains and vCPUs, finding them by id, shutting them down. */
#include <xen/event.h>
#include <xen/grant_table.h>
#include <xen/keyhandler.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/page_owner.h>
#include <xen/sched.h>
#include <xen/sched-if.h>
#include <xen/shutdown.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <xen/xmalloc.h>
#include <asm/domain.h>
#include <asm/time.h>
#include <public/sched.h>

/* All domains, by increasing domain_id; domlist_lock guards the links. */
static struct domain *domain_list;
static DEFINE_SPINLOCK(domlist_lock, domlist);

struct domain *hardware_domain;

static void vcpu_free(struct vcpu *v)
{
    kill_timer(&v->singleshot_timer);
    kill_timer(&v->periodic_timer);
    kill_timer(&v->poll_timer);
    arch_vcpu_destroy(v);
    xfree(v);
}

/*
 * The last reference went (or creation failed half-way): nothing uses d
 * or any frame of its any more.
 */
static void domain_free(struct domain *d)
{
    grant_table_destroy(d);
    for ( unsigned int i = 0; i < NR_DOMAIN_WATCHDOG_TIMERS; i++ )
        if ( d->watchdog_inuse & (1u << i) )
            kill_timer(&d->watchdog_timer[i]);
    for ( unsigned int i = 0; d->vcpu && i < d->max_vcpus; i++ )
        if ( d->vcpu[i] )
            vcpu_free(d->vcpu[i]);
    if ( d->shared_info )
        free_shared_xenheap_page(d->shared_info);
    xfree(d->vcpu);
    arch_domain_destroy(d);
    xfree(d);
}

struct domain *get_domain(struct domain *d)
{
    __atomic_fetch_add(&d->refcnt, 1, __ATOMIC_ACQUIRE);
    return d;
}

void put_domain(struct domain *d)
{
    struct domain **pp;

    if ( __atomic_sub_fetch(&d->refcnt, 1, __ATOMIC_ACQ_REL) != 0 )
        return;
    /* Its id stays taken until now; lookups no longer revive it. */
    spin_lock(&domlist_lock);
    for ( pp = &domain_list; *pp != d; pp = &(*pp)->next_in_list )
        ;
    *pp = d->next_in_list;
    spin_unlock(&domlist_lock);
    domain_free(d);
}

struct domain *domain_create(domid_t domid, enum guest_type type,
                             bool privileged, unsigned int max_vcpus)
{
    struct domain *d, **pp;

    if ( !max_vcpus || max_vcpus > XEN_LEGACY_MAX_VCPUS )
        return NULL;
    if ( !(d = xzalloc(struct domain)) )
        return NULL;
    d->domain_id = domid;
    d->guest_type = type;
    d->is_privileged = privileged;
    d->state = DOMSTATE_creating;
    d->max_vcpus = max_vcpus;
    spin_lock_init(&d->domain_lock, domain);
    spin_lock_init(&d->page_alloc_lock, page_alloc);
    spin_lock_init(&d->event_lock, event);
    spin_lock_init(&d->watchdog_lock, watchdog);
    page_list_init(&d->page_list);
    d->vcpu = xzalloc_array(struct vcpu *, max_vcpus);
    /* The guest maps its shared_info page, though the page is ours. */
    d->shared_info = alloc_shared_xenheap_page(d);
    if ( !d->vcpu || !d->shared_info || arch_domain_create(d) )
    {
        domain_free(d);
        return NULL;
    }
    /* Events stay masked until each vCPU's guest asks for them. */
    for ( unsigned int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++ )
        d->shared_info->vcpu_info[i].evtchn_upcall_mask = 1;
    update_domain_wallclock_time(d);

    if ( sched_init_domain(d) )
    {
        domain_free(d);
        return NULL;
    }
    if ( evtchn_init(d) )
    {
        sched_destroy_domain(d);
        domain_free(d);
        return NULL;
    }
    if ( grant_table_init(d) )
    {
        evtchn_destroy(d);
        sched_destroy_domain(d);
        domain_free(d);
        return NULL;
    }

    spin_lock(&domlist_lock);
    for ( pp = &domain_list; *pp && (*pp)->domain_id < domid;
          pp = &(*pp)->next_in_list )
        ;
    if ( *pp && (*pp)->domain_id == domid )
    {
        spin_unlock(&domlist_lock);
        evtchn_destroy(d);
        sched_destroy_domain(d);
        domain_free(d);
        return NULL;
    }
    /* The domain list's reference, until domain_destroy(). */
    d->refcnt = 1;
    d->next_in_list = *pp;
    *pp = d;
    spin_unlock(&domlist_lock);
    return d;
}

struct vcpu *vcpu_create(struct domain *d, unsigned int vcpu_id,
                         unsigned int cpu)
{
    struct vcpu *v;

    if ( vcpu_id >= d->max_vcpus || d->vcpu[vcpu_id] )
        return NULL;
    if ( !(v = xzalloc(struct vcpu)) )
        return NULL;
    v->vcpu_id = vcpu_id;
    v->domain = d;
    if ( arch_vcpu_create(v) )
    {
        xfree(v);
        return NULL;
    }
    v->processor = cpu;
    v->pause_flags = VPF_down;
    v->runstate.state = RUNSTATE_offline;
    v->runstate.state_entry_time = NOW();
    v->vcpu_info = &d->shared_info->vcpu_info[vcpu_id];
    vcpu_timers_init(v);
    spin_lock_init(&v->runstate_area.lock, guest_area);
    spin_lock_init(&v->time_area.lock, guest_area);
    d->vcpu[vcpu_id] = v;
    if ( sched_insert_vcpu(v) )
    {
        /* Its timers were never set, so nothing refers to it. */
        d->vcpu[vcpu_id] = NULL;
        arch_vcpu_destroy(v);
        xfree(v);
        return NULL;
    }
    return v;
}

struct domain *get_domain_by_id(domid_t domid)
{
    struct domain *d;

    spin_lock(&domlist_lock);
    for ( d = domain_list; d && d->domain_id != domid; d = d->next_in_list )
        ;
    /*
     * One whose count already reached zero is on its way out (waiting for
     * the lock to unlink it): it must not be revived.
     */
    if ( d )
    {
        int n = __atomic_load_n(&d->refcnt, __ATOMIC_RELAXED);

        do
        {
            if ( !n )
            {
                d = NULL;
                break;
            }
        } while ( !__atomic_compare_exchange_n(&d->refcnt, &n, n + 1, false,
                                               __ATOMIC_ACQUIRE,
                                               __ATOMIC_RELAXED) );
    }
    spin_unlock(&domlist_lock);
    return d;
}

/* What the log says for each SHUTDOWN_* reason, as Xen words it. */
static const char *shutdown_reason(unsigned int reason)
{
    static const char *const names[] = {
        [SHUTDOWN_poweroff] = "poweroff", [SHUTDOWN_reboot] = "reboot",
        [SHUTDOWN_suspend] = "suspend",   [SHUTDOWN_crash] = "crash",
        [SHUTDOWN_watchdog] = "watchdog", [SHUTDOWN_soft_reset] = "soft_reset",
    };

    return reason < ARRAY_SIZE(names) && names[reason] ? names[reason]
                                                       : "unknown";
}

/*
 * The hardware domain going down takes the machine with it, with Xen's
 * wording (tests and tools look for these lines).
 */
static void hardware_domain_shutdown(unsigned int reason)
{
    switch ( reason )
    {
    case SHUTDOWN_poweroff:
        printk("Hardware Dom%u halted: halting machine\n",
               hardware_domain->domain_id);
        machine_power_off();
    case SHUTDOWN_crash:
        printk("Hardware Dom%u crashed: %s\n", hardware_domain->domain_id,
               opt_noreboot ? "'noreboot' set - not rebooting."
                            : "rebooting machine in 5 seconds.");
        if ( opt_noreboot )
            machine_halt();
        machine_restart_after_delay(5);
    default:
        printk("Hardware Dom%u shutdown: %s\n", hardware_domain->domain_id,
               opt_noreboot ? "'noreboot' set - not rebooting."
                            : "rebooting machine");
        if ( opt_noreboot )
            machine_halt();
        machine_restart();
    }
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
    spin_lock(&d->domain_lock);
    if ( d->state >= DOMSTATE_shutdown )
    {
        spin_unlock(&d->domain_lock);
        return;
    }
    d->state = DOMSTATE_shutdown;
    d->shutdown_code = reason;
    spin_unlock(&d->domain_lock);

    printk("Domain %u shutdown: %s (code %u)\n", d->domain_id,
           shutdown_reason(reason), reason);
    for ( unsigned int i = 0; i < d->max_vcpus; i++ )
        if ( d->vcpu[i] )
            vcpu_pause_nosync(d->vcpu[i]);
    if ( d == hardware_domain )
        hardware_domain_shutdown(reason);
    /*
     * As Xen does: the toolstack learns of it by VIRQ_DOM_EXC (xenstored
     * fires @releaseDomain), and xl's daemon then acts on on_poweroff,
     * on_reboot or on_crash.  Without it `xl shutdown` and `xl reboot`
     * left the guest shut down until an `xl destroy`.
     */
    else if ( hardware_domain )
        send_guest_global_virq(hardware_domain, VIRQ_DOM_EXC);
}

/*
 * Gives back everything the domain holds.  Its memory returns to the heap
 * as the last reference to each frame goes; the structure, its grant
 * table and its id stay until no frame of its is in use any more: another
 * domain's mapping (a backend's grant mapping, the toolstack's foreign
 * mapping) may outlive it, and its later unmap needs the owner.  The walk
 * over its frames may stop half way (-ERESTART) when preemptible; the
 * next call goes on from there (d->kill_stage), and a call after the last
 * does nothing.  Callers serialise (domctl_lock, or boot).
 */
static int kill(struct domain *d, bool preemptible)
{
    bool drop;
    int rc;

    switch ( d->kill_stage )
    {
    case KILL_NONE:
        /* Under page_alloc_lock too: allocations check for it under that. */
        spin_lock(&d->domain_lock);
        spin_lock(&d->page_alloc_lock);
        d->state = DOMSTATE_dying;
        spin_unlock(&d->page_alloc_lock);
        spin_unlock(&d->domain_lock);
        for ( unsigned int i = 0; i < d->max_vcpus; i++ )
            if ( d->vcpu[i] )
                vcpu_pause_nosync(d->vcpu[i]);
        evtchn_destroy(d);
        /* No port can raise an event now, so vcpu_info pages may go. */
        for ( unsigned int i = 0; i < d->max_vcpus; i++ )
            if ( d->vcpu[i] )
                vcpu_release_info(d->vcpu[i]);
        arch_domain_relinquish(d);
        d->kill_stage = KILL_FRAMES;
        /* fall through */
    case KILL_FRAMES:
        rc = arch_domain_relinquish_frames(d, preemptible);
        if ( rc )
            return rc;
        grant_table_release(d);
        put_page_alloc_ref(virt_to_page(d->shared_info));
        /* The caller made sure its vCPUs are off every CPU (or never ran). */
        sched_destroy_domain(d);
        printk("Domain %u destroyed\n", d->domain_id);
        d->kill_stage = KILL_DONE;

        /* The domain list's reference goes now, or with the last frame. */
        spin_lock(&d->page_alloc_lock);
        d->frames_hold_ref = true;
        drop = domain_frames_gone(d);
        spin_unlock(&d->page_alloc_lock);
        if ( drop )
            put_domain(d);
        break;

    case KILL_DONE:
        break;
    }
    return 0;
}

int domain_kill(struct domain *d)
{
    return kill(d, true);
}

void domain_destroy(struct domain *d)
{
    kill(d, false);
}

void domain_crash(struct domain *d, const char *why)
{
    printk(XENLOG_ERR "Domain %u crashed: %s\n", d->domain_id, why);
    domain_shutdown(d, SHUTDOWN_crash);
}

static void dump_domains(unsigned char key)
{
    static const char *const states[] = {
        [DOMSTATE_creating] = "creating",
        [DOMSTATE_running] = "running",
        [DOMSTATE_shutdown] = "shutdown",
        [DOMSTATE_dying] = "dying",
    };

    spin_lock(&domlist_lock);
    if ( !domain_list )
        printk("No domains\n");
    for ( struct domain *d = domain_list; d; d = d->next_in_list )
    {
        printk("General information for domain %u:\n", d->domain_id);
        printk("    state=%s%s pages=%lu max_pages=%lu vcpus=%u\n",
               states[d->state], d->is_privileged ? " privileged" : "",
               d->tot_pages, d->max_pages, d->max_vcpus);
        for ( unsigned int i = 0; i < d->max_vcpus; i++ )
        {
            const struct vcpu *v = d->vcpu[i];

            if ( !v )
                continue;
            printk("    VCPU%u: CPU%u %s flags=%lx upcall_pend=%02x "
                   "upcall_mask=%02x\n",
                   v->vcpu_id, v->processor,
                   v->is_running ? "running" : "not running", v->pause_flags,
                   v->vcpu_info->evtchn_upcall_pending,
                   v->vcpu_info->evtchn_upcall_mask);
        }
    }
    spin_unlock(&domlist_lock);
}
KEYHANDLER('q', dump_domains, "dumping domain info");

static void dump_evtchn(unsigned char key)
{
    spin_lock(&domlist_lock);
    for ( const struct domain *d = domain_list; d; d = d->next_in_list )
        evtchn_dump_domain(d);
    spin_unlock(&domlist_lock);
}
KEYHANDLER('e', dump_evtchn, "dumping event-channel info");
