/* SPDX-License-Identifier: GPL-2.0-only */
/* Domains and virtual CPUs: the objects every hypercall acts on. */
#ifndef XEN_SCHED_H
#define XEN_SCHED_H

#include <xen/cpumask.h>
#include <xen/mm.h>
#include <xen/spinlock.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/types.h>
#include <asm/current.h>
#include <asm/domain.h>
#include <public/xen.h>
#include <public/vcpu.h>

/*
 * Lock order, outermost first: domlist_lock, d->domain_lock,
 * d->event_lock, the grant table's lock, d->page_alloc_lock, then the
 * heap's and the scheduler's locks; every lock's place is in
 * docs/misc/locking.md.
 */

struct evtchn_port_state; /* xen/event.h */
struct grant_table;       /* xen/grant_table.h */

/*
 * A structure the hypervisor keeps current in guest memory, held as the
 * frames it lies in (two if it crosses a page boundary), each with a
 * general and a writable type reference for as long as it is registered,
 * and written through the direct map: so it can be written whichever page
 * tables are loaded, and never becomes a page table meanwhile.  The lock
 * (a leaf) keeps a write from racing with the frames' release.
 */
struct guest_area {
    spinlock_t lock;
    struct page_info *pg[2]; /* pg[0] NULL: none */
    unsigned int offset;     /* of the structure in pg[0] */
};

/* Why a vCPU cannot run (v->pause_flags bits); runnable when all clear. */
#define _VPF_blocked 0 /* SCHEDOP_block: waits for an event */
#define _VPF_down    1 /* not brought up, or VCPUOP_down */
#define _VPF_polling 2 /* SCHEDOP_poll on a set of ports */
#define VPF_blocked  (1UL << _VPF_blocked)
#define VPF_down     (1UL << _VPF_down)
#define VPF_polling  (1UL << _VPF_polling)

struct vcpu {
    unsigned int vcpu_id;
    struct domain *domain;

    /*
     * The CPU it runs on or last ran on; changed only by the scheduler,
     * holding that CPU's and the new CPU's scheduling locks.
     */
    unsigned int processor;
    /* The CPU its PIRQs were last sent to (pirq_vcpu_moved()). */
    unsigned int irq_cpu;
    /* Set while a CPU uses its state; cleared once the state is saved. */
    bool is_running;
    unsigned long pause_flags; /* VPF_*, atomic bit operations */
    int pause_count;           /* > 0: paused by the hypervisor */
    void *sched_priv;          /* the scheduling policy's own data */
    /* Where it may run, and where it would rather (stored only). */
    cpumask_t cpu_hard_affinity;
    cpumask_t cpu_soft_affinity;
    /* SCHEDOP_pin_override: the hard affinity to go back to. */
    cpumask_t cpu_hard_affinity_saved;
    bool affinity_broken;

    /* Where this vCPU's shared fields live: shared_info or a guest page. */
    struct vcpu_info *vcpu_info;
    struct vcpu_runstate_info runstate;
    /* Guest copies kept current (VCPUOP_register_*_memory_area). */
    struct guest_area runstate_area;
    struct guest_area time_area;

    /* Event delivery: the VIRQs bound to this vCPU, and SCHEDOP_poll. */
    uint32_t virq_to_evtchn[NR_VIRQS];
    unsigned int poll_evtchn; /* the one port polled, or 0 */

    /* Guest timers: set_timer_op / VCPUOP_set_singleshot_timer, periodic. */
    struct timer singleshot_timer;
    struct timer periodic_timer;
    s_time_t periodic_period;
    struct timer poll_timer; /* SCHEDOP_poll's timeout */

    /*
     * While a multicall runs one of its calls, that call's entry: a
     * continuation of the call is written there (and mc_preempted set),
     * not into the registers, which belong to the multicall.
     */
    struct multicall_entry *mc_call;
    bool mc_preempted;

    struct arch_vcpu arch;
};

/*
 * What the guest sees: Xen's PV ABI on a paravirtual CPU, or a whole
 * virtual machine (HVM), or one booted straight into its kernel without
 * emulated firmware and devices (PVH, an HVM container).  Fixed at
 * creation (XEN_DOMCTL_CDF_hvm); only PV domains can be created so far.
 */
enum guest_type {
    guest_type_pv,
    guest_type_hvm,
    guest_type_pvh,
};

/*
 * What the toolstack told us about a domain (domctl.c, under its lock):
 * its UUID and whether it runs xenstored; TSC and NUMA settings.  known:
 * createdomain made it, or a domctl on a domain no toolstack made (dom0)
 * first used it; destruction clears it.
 */
struct toolstack_info {
    bool known;
    xen_domain_handle_t handle;
    bool xs_domain;
    /* setnodeaffinity's nodes, unless none was given (or all were). */
    bool node_explicit;
    /*
     * settscinfo's mode, guest frequency (0: the host's) and incarnation
     * (reported one higher, as Xen does), and when its elapsed time was
     * 0 (at first, when the domain was made).  We do not emulate the
     * TSC, so these are only kept and reported back, as libxl expects.
     */
    uint8_t tsc_mode;
    uint32_t gtsc_khz, incarnation;
    s_time_t tsc_zero;
    uint64_t node_affinity;
};

/* d->state: only ever moves forward. */
enum domain_state {
    DOMSTATE_creating, /* being built, never run */
    DOMSTATE_running,  /* may run (subject to pausing) */
    DOMSTATE_shutdown, /* the guest asked; code in shutdown_code */
    DOMSTATE_dying,    /* destroy started; freeing resources */
};

struct domain {
    domid_t domain_id;
    bool is_privileged; /* dom0: may use domctl and sysctl */
    bool is_console;    /* may write the hypervisor console */
    enum guest_type guest_type;
    enum domain_state state;
    unsigned int shutdown_code; /* SHUTDOWN_* once shut down */
    int pause_count;            /* pauses of every vCPU at once */
    /*
     * Lookups' references, and the domain list's until domain_destroy(),
     * which hands it on to the domain's frames if any are still in use
     * (frames_hold_ref): the last of them drops it.
     */
    int refcnt;
    bool tlb_clean;    /* dying, and no CPU caches its tables */
    bool maps_foreign; /* its L1s once mapped a frame it did not own */
    /* How far its destruction got (domain_kill() goes on from there). */
    enum { KILL_NONE, KILL_FRAMES, KILL_DONE } kill_stage;
    spinlock_t domain_lock; /* state, pause_count, vCPU set-up */
    void *sched_priv;       /* the scheduling policy's own data */

    unsigned int max_vcpus;
    struct vcpu **vcpu; /* [max_vcpus], NULL until created */

    /* Memory: every page the domain owns is on page_list. */
    spinlock_t page_alloc_lock;
    struct page_list_head page_list;
    unsigned long tot_pages;
    unsigned long max_pages;
    unsigned long xenheap_pages; /* shared xenheap frames referenced */
    bool frames_hold_ref;        /* see refcnt */

    struct shared_info *shared_info; /* one xenheap page */

    /* SCHEDOP_watchdog: up to two, shutting the domain down on expiry. */
#define NR_DOMAIN_WATCHDOG_TIMERS 2
    struct timer watchdog_timer[NR_DOMAIN_WATCHDOG_TIMERS];
    unsigned int watchdog_inuse; /* bit n: timer n is set up */
    spinlock_t watchdog_lock;    /* guards the two above */

    spinlock_t event_lock;
    struct evtchn_port_state *evtchn;
    struct grant_table *grant_table;

    struct arch_domain arch;
    struct toolstack_info toolstack;

    /* A domU's console_io output, held until its line is complete. */
#define DOMAIN_CONSOLE_LINE 160
    char console_line[DOMAIN_CONSOLE_LINE];
    unsigned int console_len;
    /* Its rate limit (console.c): lines it may still print, dropped ones. */
    unsigned int console_credit;
    s_time_t console_refilled;
    unsigned long console_dropped;

    struct domain *next_in_list; /* domain list, by domain_id */
};

static inline bool is_pv_domain(const struct domain *d)
{
    return d->guest_type == guest_type_pv;
}

/* PVH domains are HVM ones: everything below the ABI is the same. */
static inline bool is_hvm_domain(const struct domain *d)
{
    return d->guest_type != guest_type_pv;
}

static inline bool is_pvh_domain(const struct domain *d)
{
    return d->guest_type == guest_type_pvh;
}

/*
 * The domain that drives the hardware (devices, I/O ports, interrupts,
 * host memory map) and the one the toolstack runs in: both dom0 today,
 * as in Xen, which can split them (a driver domain, a control domain).
 */
static inline bool is_hardware_domain(const struct domain *d)
{
    return d->is_privileged;
}

static inline bool is_control_domain(const struct domain *d)
{
    return d->is_privileged;
}

static inline bool is_pv_vcpu(const struct vcpu *v)
{
    return is_pv_domain(v->domain);
}

static inline bool is_hvm_vcpu(const struct vcpu *v)
{
    return is_hvm_domain(v->domain);
}

/* The guest vCPU running on this CPU; NULL while the CPU idles. */
#define current (get_cpu_info()->current_vcpu)

/* The privileged domain built at boot (dom0). */
extern struct domain *hardware_domain;

/* domain.c */
struct domain *domain_create(domid_t domid, enum guest_type type,
                             bool privileged, unsigned int max_vcpus);
struct vcpu *vcpu_create(struct domain *d, unsigned int vcpu_id,
                         unsigned int cpu);
/*
 * A lookup takes a reference, which put_domain() drops; the last one
 * unlinks and frees the domain, so a destroyed domain lives on, dying and
 * with its id taken, until its last user and its last frame are gone.
 * get_domain() adds one to a domain already held (current->domain, say).
 */
struct domain *get_domain_by_id(domid_t domid);
struct domain *get_domain(struct domain *d);
void put_domain(struct domain *d);
/*
 * domain_lookup.c: the domain a hypercall argument names, referenced, or
 * NULL with *rc = -ESRCH (none) or -EPERM (the rights asked for fail).
 */
#define DOMAIN_LOOKUP_SELF       (1u << 0) /* DOMID_SELF names the caller */
#define DOMAIN_LOOKUP_NOT_OWN_ID (1u << 1) /* the caller's own id: -ESRCH */
#define DOMAIN_LOOKUP_TARGET     (1u << 2) /* another's needs XSM_TARGET */
struct domain *domain_lookup(domid_t domid, unsigned int flags, int *rc);
void domain_shutdown(struct domain *d, unsigned int reason);
/*
 * Tears the domain down (once; later calls do nothing): it gives back
 * everything it holds and stays, dying, until no frame of its is in use.
 * domain_kill() may stop part way with -ERESTART (call it again: the
 * destroydomain domctl continues itself); domain_destroy() runs to the end.
 */
int domain_kill(struct domain *d);
void domain_destroy(struct domain *d);
/*
 * Arch: a new domain's and vCPU's state for its guest type (0 or a
 * negative errno), and its release once nothing uses the object any more.
 */
int arch_domain_create(struct domain *d);
void arch_domain_destroy(struct domain *d);
int arch_vcpu_create(struct vcpu *v);
void arch_vcpu_destroy(struct vcpu *v);
/* Arch: drop the page-table references the vCPUs hold... */
void arch_domain_relinquish(struct domain *d);
/* ...then every pin and allocation reference: 0, or -ERESTART part way. */
int arch_domain_relinquish_frames(struct domain *d, bool preemptible);
/* A domain misbehaved: log why, and shut it down alone. */
void domain_crash(struct domain *d, const char *why);

/* vcpu.c */
void vcpu_timers_init(struct vcpu *v);
/*
 * Drops the pages VCPUOP_register_vcpu_info and the runstate and time
 * area registrations took (domain destruction).
 */
void vcpu_release_info(struct vcpu *v);
/* Whether a vCPU of v's domain other than v is up (not VCPUOP_down). */
bool other_vcpus_up(const struct vcpu *v);
/* Refresh the guest's registered copies; v's page tables must be loaded. */
void update_runstate_area(struct vcpu *v);
void update_time_area(struct vcpu *v);

/* schedule.c: state changes that the scheduling policy must hear of. */
int sched_init_domain(struct domain *d);
/* Once its vCPUs are descheduled for good. */
void sched_destroy_domain(struct domain *d);
int sched_insert_vcpu(struct vcpu *v);
bool vcpu_runnable(const struct vcpu *v);
void vcpu_wake(struct vcpu *v);
void vcpu_sleep_nosync(struct vcpu *v);
void vcpu_pause_nosync(struct vcpu *v);
void vcpu_unpause(struct vcpu *v);
void domain_unpause(struct domain *d);
/* -EINVAL if the mask has no online CPU. */
int vcpu_set_hard_affinity(struct vcpu *v, const cpumask_t *mask);
void vcpu_set_soft_affinity(struct vcpu *v, const cpumask_t *mask);

#endif /* XEN_SCHED_H */
