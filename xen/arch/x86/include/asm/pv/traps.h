/* SPDX-License-Identifier: GPL-2.0-only */
/* Delivering exceptions and events into PV guests. */
#ifndef ASM_X86_PV_TRAPS_H
#define ASM_X86_PV_TRAPS_H

#include <xen/types.h>
#include <asm/regs.h>

struct vcpu;
struct trap_info;
struct callback_register;

/*
 * pv/callback.c's trap table and callback registration, for both guest
 * widths: the table at table (0 clears it), entry n read and widened by
 * read() (0 or -EFAULT); a native callback_register.
 */
long pv_set_trap_table(unsigned long table,
                       int (*read)(unsigned long table, unsigned int n,
                                   struct trap_info *ti));
long pv_register_callback(const struct callback_register *reg);

/*
 * Switches current vCPU v between guest kernel and user mode: the
 * VGCF_in_kernel flag, the L4 loaded, and the GS bases (swapgs).
 */
void pv_toggle_guest_mode(struct vcpu *v);

/*
 * Enters v (current) at handler in guest kernel mode with an exception
 * frame on its kernel stack (see pv/traps.c); from user mode it switches
 * mode and stack first.  extra[] (an error code, the failsafe callback's
 * selectors) goes between r11 and rip.  false, leaving the domain to be
 * crashed, if handler is 0 or the frame cannot be written.
 */
#define PV_BOUNCE_MAX_EXTRA 4
bool pv_create_bounce_frame(struct vcpu *v, unsigned long handler,
                            const uint64_t *extra, unsigned int nr_extra,
                            bool mask_events);
/* Helpers shared with the 32-bit frames (pv/compat_traps.c). */
uint64_t pv_frame_rflags(const struct vcpu *v,
                         const struct cpu_user_regs *regs, uint8_t mask);
void pv_enter_handler(struct vcpu *v, struct cpu_user_regs *regs,
                      unsigned long sp, unsigned long handler, uint16_t cs,
                      uint16_t ss, bool mask_events);
/*
 * Enters v (current) at its event callback for a pending upcall; the
 * domain crashes if that cannot be done.  Interrupts off.
 */
void pv_deliver_upcall(struct vcpu *v);
/* v's saved ds, es, fs, gs (in that order) would not load: tell it. */
void pv_failsafe_callback(struct vcpu *v, const uint16_t sel[4]);
void pv_handle_exception(struct cpu_user_regs *regs);
/*
 * Delivers exception vec to the current vCPU at its present rip, with
 * error code ec, or none if ec is PV_NO_ERROR_CODE; crashes the domain if
 * it has no handler for it.
 */
#define PV_NO_ERROR_CODE (~0u)
void pv_inject_exception(unsigned int vec, uint32_t ec);
/*
 * Moves the guest past an emulated instruction of len bytes; if the next
 * rip would not be canonical, raises #GP(0) there instead and returns
 * false.
 */
bool pv_advance_rip(struct cpu_user_regs *regs, unsigned int len);
/* The IRETQ into the guest faulted: the guest's fault (pv/traps.c). */
void pv_iret_fault(const struct cpu_user_regs *regs)
    __attribute__((__noreturn__));
/* SYSCALL from guest user mode: the guest kernel's syscall callback. */
void pv_user_syscall(struct cpu_user_regs *regs);

#endif /* ASM_X86_PV_TRAPS_H */
