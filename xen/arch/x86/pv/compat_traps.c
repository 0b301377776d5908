/* SPDX-License-Identifier: GPL-2.0-only */
/* 32-bit PV guests' exception and event frames on the ring-1 stack. */
#include <xen/lib.h>
#include <xen/sched.h>
#include <asm/current.h>
#include <asm/desc.h>
#include <asm/processor.h>
#include <asm/pv/compat.h>
#include <asm/pv/traps.h>
#include <asm/uaccess.h>

/*
 * Handlers run on the flat ring-1 selectors whatever the guest named (the
 * 64-bit path likewise enters on its flat ones): a frame built here then
 * always loads, so a fault on the way in is the guest's frame's, never
 * ours (pv_iret_fault() tells them apart by that).
 */
bool pv_compat_bounce_frame(struct vcpu *v, unsigned long eip,
                            const uint64_t *extra, unsigned int nr_extra,
                            bool mask_events)
{
    struct cpu_user_regs *regs = &get_cpu_info()->guest_cpu_user_regs;
    uint8_t mask = v->vcpu_info->evtchn_upcall_mask;
    uint32_t frame[5 + PV_BOUNCE_MAX_EXTRA];
    bool from_user = (regs->cs & 3) == 3;
    uint64_t sp = from_user ? v->arch.pv.kernel_sp : (uint32_t)regs->rsp;
    unsigned int n = 0;

    if ( !eip || eip > UINT32_MAX )
        return false;
    ASSERT(nr_extra <= PV_BOUNCE_MAX_EXTRA);
    for ( unsigned int i = 0; i < nr_extra; i++ )
        frame[n++] = extra[i];
    frame[n++] = regs->rip;
    frame[n++] = (uint16_t)regs->cs | ((uint32_t)mask << 16);
    frame[n++] = pv_frame_rflags(v, regs, mask);
    if ( from_user )
    {
        frame[n++] = regs->rsp;
        frame[n++] = (uint16_t)regs->ss;
    }
    /* The whole frame below 4 GiB, where the guest's stack can be. */
    if ( sp > UINT32_MAX || sp < n * sizeof(uint32_t) )
        return false;
    sp -= n * sizeof(uint32_t);
    if ( copy_to_guest_bytes((void *)sp, frame, n * sizeof(uint32_t)) )
        return false;
    pv_enter_handler(v, regs, sp, eip, COMPAT_RING1_CS, COMPAT_RING1_DS,
                     mask_events);
    return true;
}
