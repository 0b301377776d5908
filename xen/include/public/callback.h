/* SPDX-License-Identifier: MIT */
/* callback_op hypercall: where Xen delivers events, faults and syscalls. */

#ifndef __XEN_PUBLIC_CALLBACK_H__
#define __XEN_PUBLIC_CALLBACK_H__

#include "xen.h"

/* Kinds of guest entry point. */
#define CALLBACKTYPE_event                0  /* event upcall */
#define CALLBACKTYPE_failsafe             1  /* bad segment on return */
#define CALLBACKTYPE_syscall              2  /* x86-64: 64-bit syscall */
#define CALLBACKTYPE_sysenter_deprecated  3
#define CALLBACKTYPE_nmi                  4
#define CALLBACKTYPE_sysenter             5
#define CALLBACKTYPE_syscall32            7  /* x86-64: compat syscall */

/* Mask events on entry (like an interrupt gate). */
#define _CALLBACKF_mask_events 0
#define CALLBACKF_mask_events (1U << _CALLBACKF_mask_events)

/* Register an entry point (argument: struct callback_register). */
#define CALLBACKOP_register 0
struct callback_register {
    uint16_t type;              /* CALLBACKTYPE_* */
    uint16_t flags;             /* CALLBACKF_* */
    xen_callback_t address;
};
typedef struct callback_register callback_register_t;
DEFINE_XEN_GUEST_HANDLE(callback_register_t);

/* Remove one (argument: struct callback_unregister); not all types may. */
#define CALLBACKOP_unregister 1
struct callback_unregister {
    uint16_t type;
    uint16_t _unused;
};
typedef struct callback_unregister callback_unregister_t;
DEFINE_XEN_GUEST_HANDLE(callback_unregister_t);

#if __XEN_INTERFACE_VERSION__ < 0x00030207
#undef CALLBACKTYPE_sysenter
#define CALLBACKTYPE_sysenter CALLBACKTYPE_sysenter_deprecated
#endif

#endif /* __XEN_PUBLIC_CALLBACK_H__ */
