/* SPDX-License-Identifier: GPL-2.0-only */
/* 32-bit parts in C: trap dump, thread frame, vcpu context, skips, layouts. */

#include <xenctl.h>
#include <lib.h>
#include <traps.h>
#include <sched.h>
#include <hypercall.h>
#include "../../tests/test.h"

void dump_trap_regs(const struct trap_regs *r, const char *name,
                    unsigned long cr2)
{
    printk("FATAL: trap %lu (%s) error %lx at eip %lx cs %lx eflags %lx\n",
           r->vector, name, r->error_code, r->eip, r->cs, r->eflags);
    if ( r->vector == 14 )
        printk("FATAL: cr2 %lx\n", cr2);
    printk("FATAL: eax %lx ebx %lx ecx %lx edx %lx esi %lx edi %lx ebp %lx\n",
           r->eax, r->ebx, r->ecx, r->edx, r->esi, r->edi, r->ebp);
    /* esp and ss are in the frame only when it came from ring 3. */
    if ( (r->cs & 3) == 3 )
        printk("FATAL: esp %lx ss %lx\n", r->esp, r->ss);
}

/* What switch_stacks pops: edi esi ebx ebp, then its return. */
unsigned long thread_first_sp(void *stack_top, void (*fn)(void *), void *arg)
{
    unsigned long *sp = stack_top;

    /* Keeps thread_start's call 16-byte aligned, once it pushed arg. */
    *--sp = 0;
    *--sp = 0;
    *--sp = 0;
    *--sp = (unsigned long)thread_start;
    *--sp = 0;                          /* ebp */
    *--sp = (unsigned long)fn;          /* ebx */
    *--sp = (unsigned long)arg;         /* esi */
    *--sp = 0;                          /* edi */
    return (unsigned long)sp;
}

/* Data selectors too (null ones fault here), callbacks as cs:eip pairs. */
void context_entry(vcpu_guest_context_t *ctx, unsigned long ip,
                   unsigned long sp)
{
    ctx->user_regs.eip = ip;
    ctx->user_regs.esp = sp;
    ctx->user_regs.eflags = 0x202;
    ctx->user_regs.ds = ctx->user_regs.es = FLAT_KERNEL_DS;
    ctx->kernel_sp = sp;
    ctx->event_callback_cs = FLAT_KERNEL_CS;
    ctx->failsafe_callback_cs = FLAT_KERNEL_CS;
}

/*
 * Cases that build and make sense at 32 bits in part only, by name
 * prefix.  (Files about the 64-bit ABI alone are not built: Makefile.)
 */
#define L4_ONLY "about L4 tables and the user base pointer: 64-bit guests only"
static const struct {
    const char *prefix, *why;
} skips[] = {
    { "hostile_ptwr/cr3_load_changes_type",
      "a copy of a 32-bit guest's L3 would share its slot-3 L2, which Xen "
      "lets one L3 have: the case loads a copied root, 64-bit guests only" },
    { "callbacks/register_unregister",
      "CALLBACKTYPE_syscall is for 64-bit guests only" },
    { "mmuext/new_baseptr_not_l4_refused", L4_ONLY },
    { "mmuext/new_user_baseptr_none", L4_ONLY },
    { "mmuext/pin_unpin_l2_l3_l4", L4_ONLY },
    { "m2p_strict/", L4_ONLY },
    { "pin_preempt", L4_ONLY },
    { "unpin_multicall/", L4_ONLY },
};

const char *arch_case_skip(const char *name)
{
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(skips); i++ )
        if ( !strncmp(name, skips[i].prefix, strlen(skips[i].prefix)) )
            return skips[i].why;
    return NULL;
}

/*
 * The 32-bit layouts the hypervisor must give us (docs/misc/compat32.md),
 * as the public headers produce them at this width.
 */
_Static_assert(sizeof(start_info_t) == 1112, "start_info");
_Static_assert(offsetof(start_info_t, cmd_line) == 80, "start_info");
_Static_assert(sizeof(vcpu_info_t) == 64, "vcpu_info");
_Static_assert(offsetof(vcpu_info_t, evtchn_pending_sel) == 4, "vcpu_info");
_Static_assert(offsetof(vcpu_info_t, arch.cr2) == 8, "vcpu_info");
_Static_assert(offsetof(vcpu_info_t, time) == 32, "vcpu_info");
_Static_assert(offsetof(shared_info_t, evtchn_pending) == 2048, "shared_info");
_Static_assert(offsetof(shared_info_t, evtchn_mask) == 2176, "shared_info");
_Static_assert(offsetof(shared_info_t, wc_version) == 2304, "shared_info");
_Static_assert(sizeof(trap_info_t) == 8, "trap_info");
_Static_assert(sizeof(callback_register_t) == 12, "callback_register");
_Static_assert(sizeof(struct cpu_user_regs) == 68, "cpu_user_regs");
_Static_assert(sizeof(vcpu_guest_context_t) == 2800, "vcpu_guest_context");
/* The toolstack interfaces keep their 64-bit layout at this width. */
_Static_assert(sizeof(struct xen_domctl) == 144, "xen_domctl");
_Static_assert(sizeof(struct xen_sysctl) == 136, "xen_sysctl");
