/* SPDX-License-Identifier: GPL-2.0-only */
/* 64-bit parts in C: trap dump, thread frame, vcpu context, case skips. */

#include <lib.h>
#include <traps.h>
#include <sched.h>
#include <hypercall.h>
#include "../../tests/test.h"

void dump_trap_regs(const struct trap_regs *r, const char *name,
                    unsigned long cr2)
{
    printk("FATAL: trap %lu (%s) error %lx at rip %lx rsp %lx rflags %lx\n",
           r->vector, name, r->error_code, r->rip, r->rsp, r->rflags);
    if ( r->vector == 14 )
        printk("FATAL: cr2 %lx\n", cr2);
    printk("FATAL: rax %lx rbx %lx rcx %lx rdx %lx rsi %lx rdi %lx\n",
           r->rax, r->rbx, r->rcx, r->rdx, r->rsi, r->rdi);
    printk("FATAL: rbp %lx r8 %lx r9 %lx r10 %lx r11 %lx\n",
           r->rbp, r->r8, r->r9, r->r10, r->r11);
    printk("FATAL: r12 %lx r13 %lx r14 %lx r15 %lx\n",
           r->r12, r->r13, r->r14, r->r15);
}

/* What switch_stacks pops: r15 r14 r13 r12 rbx rbp, then its return. */
unsigned long thread_first_sp(void *stack_top, void (*fn)(void *), void *arg)
{
    unsigned long *sp = stack_top;

    *--sp = 0;                          /* keeps thread_start's call aligned */
    *--sp = (unsigned long)thread_start;
    *--sp = 0;                          /* rbp */
    *--sp = (unsigned long)fn;          /* rbx */
    *--sp = (unsigned long)arg;         /* r12 */
    *--sp = 0;                          /* r13 */
    *--sp = 0;                          /* r14 */
    *--sp = 0;                          /* r15 */
    return (unsigned long)sp;
}

void context_entry(vcpu_guest_context_t *ctx, unsigned long ip,
                   unsigned long sp)
{
    ctx->user_regs.rip = ip;
    ctx->user_regs.rsp = sp;
    ctx->user_regs.rflags = 0x202;
    ctx->kernel_sp = sp;
}

/* The suite is written for this width: every case runs. */
const char *arch_case_skip(const char *name)
{
    (void)name;
    return NULL;
}
