/* SPDX-License-Identifier: MIT */
/* vcpu_op hypercall: bring vcpus up/down, timers, runstate, vcpu_info. */

#ifndef __XEN_PUBLIC_VCPU_H__
#define __XEN_PUBLIC_VCPU_H__

#include "xen.h"

/* HYPERVISOR_vcpu_op(cmd, vcpuid, arg). */

/* Set the initial context of a vcpu that never ran (vcpu_guest_context). */
#define VCPUOP_initialise 0

/* Start, stop, or query a vcpu; arg unused. */
#define VCPUOP_up    1
#define VCPUOP_down  2
#define VCPUOP_is_up 3

/* Copy the vcpu's runstate into a struct vcpu_runstate_info. */
#define VCPUOP_get_runstate_info 4

/*
 * Time a vcpu spent in each RUNSTATE_*, in ns.  In a registered area
 * Xen is the only writer: with VMASST_TYPE_runstate_update_flag it sets
 * XEN_RUNSTATE_UPDATE in state_entry_time, write barrier, updates the
 * fields, write barrier, clears the flag.  Readers retry while the flag
 * is set or state_entry_time changed during their copy.
 */
struct vcpu_runstate_info {
    int state;                      /* RUNSTATE_* */
    uint64_t state_entry_time;      /* when 'state' was entered */
#define XEN_RUNSTATE_UPDATE (xen_mk_ullong(1) << 63)
    uint64_t time[4];               /* per RUNSTATE_* totals */
};
typedef struct vcpu_runstate_info vcpu_runstate_info_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_runstate_info_t);

#define RUNSTATE_running  0  /* on a physical cpu */
#define RUNSTATE_runnable 1  /* waiting for one */
#define RUNSTATE_blocked  2  /* waiting for an event */
#define RUNSTATE_offline  3  /* down, or paused by the toolstack */

/* Have Xen keep a vcpu_runstate_info up to date at a guest address. */
#define VCPUOP_register_runstate_memory_area 5
struct vcpu_register_runstate_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_runstate_info_t) h;
        struct vcpu_runstate_info *v;
        uint64_t p;
    } addr;
};
typedef struct vcpu_register_runstate_memory_area
    vcpu_register_runstate_memory_area_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_register_runstate_memory_area_t);

/* Periodic timer raising VIRQ_TIMER on this vcpu. */
#define VCPUOP_set_periodic_timer  6
#define VCPUOP_stop_periodic_timer 7
struct vcpu_set_periodic_timer {
    uint64_t period_ns;
};
typedef struct vcpu_set_periodic_timer vcpu_set_periodic_timer_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_set_periodic_timer_t);

/* One-shot timer at an absolute system time. */
#define VCPUOP_set_singleshot_timer  8
#define VCPUOP_stop_singleshot_timer 9
struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;
    uint32_t flags;                 /* VCPU_SSHOTTMR_* */
};
typedef struct vcpu_set_singleshot_timer vcpu_set_singleshot_timer_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_set_singleshot_timer_t);

/* Fail with -ETIME if the timeout is already in the past. */
#define _VCPU_SSHOTTMR_future (0)
#define VCPU_SSHOTTMR_future  (1U << _VCPU_SSHOTTMR_future)

/*
 * Move this vcpu's vcpu_info out of shared_info into a guest page
 * (needed for vcpus beyond XEN_LEGACY_MAX_VCPUS).  Same sharing rules as
 * in shared_info; the area must not cross a page boundary.
 */
#define VCPUOP_register_vcpu_info 10
struct vcpu_register_vcpu_info {
    uint64_t mfn;                   /* frame holding the vcpu_info */
    uint32_t offset;                /* its offset in the frame */
    uint32_t rsvd;
};
typedef struct vcpu_register_vcpu_info vcpu_register_vcpu_info_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_register_vcpu_info_t);

/* Raise an NMI on the vcpu; arg unused. */
#define VCPUOP_send_nmi 11

/* Physical identity (dom0): APIC id in the low half, ACPI id high. */
#define VCPUOP_get_physid 12
struct vcpu_get_physid {
    uint64_t phys_id;
};
typedef struct vcpu_get_physid vcpu_get_physid_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_get_physid_t);
#define xen_vcpu_physid_to_x86_apicid(physid) ((uint32_t)(physid))
#define xen_vcpu_physid_to_x86_acpiid(physid) ((uint32_t)((physid) >> 32))

/*
 * Have Xen keep a second copy of vcpu_time_info at a guest address that
 * user space may map (vDSO); same version protocol as in vcpu_info.
 */
#define VCPUOP_register_vcpu_time_memory_area 13
DEFINE_XEN_GUEST_HANDLE(vcpu_time_info_t);
struct vcpu_register_time_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_time_info_t) h;
        struct vcpu_time_info *v;
        uint64_t p;
    } addr;
};
typedef struct vcpu_register_time_memory_area vcpu_register_time_memory_area_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_register_time_memory_area_t);

#endif /* __XEN_PUBLIC_VCPU_H__ */
