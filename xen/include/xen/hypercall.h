/* SPDX-License-Identifier: GPL-2.0-only */
/* Prototypes of the hypercall handlers, as the dispatch table calls them. */
#ifndef XEN_HYPERCALL_H
#define XEN_HYPERCALL_H

#include <xen/time.h>
#include <xen/types.h>
#include <asm/regs.h>
#include <public/callback.h>
#include <public/domctl.h>
#include <public/platform.h>
#include <public/sched.h>
#include <public/sysctl.h>
#include <public/version.h>
#include <public/xen.h>

#define NR_hypercalls 64

struct vcpu;
struct vcpu_guest_context;
struct xen_memory_exchange;
struct xen_memory_reservation;

/*
 * Continuations.  A hypercall that works through a list checks
 * hypercall_preempt_check() between elements (never before the first, so
 * each pass makes progress); when it says so, the handler records its
 * progress in its own arguments and returns hypercall_continue()'s value.
 * The guest then re-issues the hypercall with those arguments once this
 * CPU's softirqs (and any event upcall) have run.  Guests see the
 * encodings, so they are Xen's, though its public headers don't list them:
 * - mmu_update, mmuext_op: the top bit of count marks a resumed call whose
 *   pdone already holds what the earlier passes did;
 * - memory_op reservations: the extent to start at sits above the
 *   sub-op in cmd, and the result counts every pass's extents.
 */
#define MMU_UPDATE_PREEMPTED (1U << 31)
#define MEMOP_EXTENT_SHIFT   6
#define MEMOP_CMD_MASK       ((1UL << MEMOP_EXTENT_SHIFT) - 1)

/*
 * The hypercall table (arch/x86/hypercall.c): how many argument registers
 * op takes, and one entry of a multicall run as the caller's type may.
 */
unsigned int hypercall_nargs(unsigned int op);
void arch_do_multicall_call(struct multicall_entry *call);

/* Should the running hypercall stop at this point between elements? */
bool hypercall_preempt_check(void);
/*
 * Arranges for hypercall op to be issued again with args[0..nr-1] and
 * returns what the handler returns (op, which the guest's re-issue needs
 * in rax).  Inside a multicall the entry being run is rewritten instead.
 */
long hypercall_create_continuation(unsigned int op, unsigned int nr,
                                   const unsigned long *args);
#define hypercall_continue(op, ...)                                           \
    hypercall_create_continuation(op,                                         \
                                  sizeof((unsigned long[]){ __VA_ARGS__ }) /  \
                                      sizeof(unsigned long),                  \
                                  (const unsigned long[]){ __VA_ARGS__ })

long do_set_trap_table(XEN_GUEST_HANDLE_PARAM(const_trap_info_t) traps);
long do_stack_switch(unsigned long ss, unsigned long esp);
long do_set_callbacks(unsigned long event_address,
                      unsigned long failsafe_address,
                      unsigned long syscall_address);
long do_fpu_taskswitch(int set);
long do_xen_version(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg);
long do_console_io(int cmd, unsigned int count,
                   XEN_GUEST_HANDLE_PARAM(char) buffer);
long do_vm_assist(unsigned int cmd, unsigned int type);
long do_set_segment_base(unsigned int which, unsigned long base);
long do_sched_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg);
long do_sched_op_compat(int cmd, unsigned long arg);
/*
 * SCHEDOP_poll on an argument already read (common/schedule.c), for its
 * 32-bit translation too (pv/compat_vcpu.c).
 */
/*
 * VCPUOP_initialise on a context already read (common/vcpu.c), for its
 * 32-bit translation too: -EEXIST once v has one.
 */
long vcpu_set_first_context(struct vcpu *v,
                            const struct vcpu_guest_context *c);
#define SCHED_POLL_MAX_PORTS 128
long vcpu_poll(struct vcpu *v, const struct sched_poll *p);
long do_memory_op(unsigned long cmd, XEN_GUEST_HANDLE_PARAM(void) arg);
/*
 * The reservation sub-ops and XENMEM_exchange on an argument already read
 * (common/memory.c), for memory_op's 32-bit translation too
 * (pv/compat_memory.c): there narrow (narrow_end non-zero), the extent
 * lists hold 32-bit frame numbers (exchange's must end by narrow_end),
 * and done32 is where exchange's 32-bit nr_exchanged goes (NULL for the
 * 64-bit structure).  arg is what a continuation re-issues.
 */
long memory_reservation(unsigned int op, xen_ulong_t start,
                        const struct xen_memory_reservation *r, bool narrow,
                        XEN_GUEST_HANDLE_PARAM(void) arg);
long memory_exchange(const struct xen_memory_exchange *x, uint32_t *done32,
                     unsigned long narrow_end,
                     XEN_GUEST_HANDLE_PARAM(void) arg);
/*
 * XENMEM_set_memory_map for the domain named, once read at either width:
 * no domain keeps a map yet, but the domain is checked first, as in Xen.
 */
long memory_set_memory_map(domid_t domid);
/* XENMEM_acquire_resource on its structure, read at either width. */
long memory_acquire_resource(const struct xen_mem_acquire_resource *r);
/* XENVER_capabilities: the guest ABIs this hypervisor runs now. */
const char *arch_xen_capabilities(void);
/* The memory_op sub-ops common code does not know (-ENOSYS if none). */
long arch_memory_op(unsigned int op, XEN_GUEST_HANDLE_PARAM(void) arg);
long do_multicall(XEN_GUEST_HANDLE_PARAM(multicall_entry_t) call_list,
                  unsigned int nr_calls);
long do_set_timer_op(s_time_t timeout);
long do_vcpu_op(int cmd, unsigned int vcpuid,
                XEN_GUEST_HANDLE_PARAM(void) arg);
long do_nmi_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) arg);
long do_callback_op(int cmd, XEN_GUEST_HANDLE_PARAM(const_void) arg);
long do_set_gdt(XEN_GUEST_HANDLE_PARAM(xen_ulong_t) frame_list,
                unsigned int entries);
long do_update_descriptor(uint64_t pa, uint64_t desc);
long do_set_debugreg(int reg, unsigned long value);
long do_get_debugreg(int reg);
long do_physdev_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg);
long do_platform_op(XEN_GUEST_HANDLE_PARAM(xen_platform_op_t) u_op);
long do_sysctl(XEN_GUEST_HANDLE_PARAM(xen_sysctl_t) u_sysctl);
long do_domctl(XEN_GUEST_HANDLE_PARAM(xen_domctl_t) u_domctl);
/* iret takes its frame from the guest stack, not from arguments. */
void do_iret(struct cpu_user_regs *regs);

#endif /* XEN_HYPERCALL_H */
