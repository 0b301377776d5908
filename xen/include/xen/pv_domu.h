/* SPDX-License-Identifier: GPL-2.0-only */
/* The domU entry state dom0's PV builders (libhvxc, mini-os) share. */
#ifndef XEN_PV_DOMU_H
#define XEN_PV_DOMU_H

#include <xen/compat.h>

/*
 * Included by builders outside the hypervisor (tools/libxc and mini-os's
 * kernel/builder.c) after public/xen.h, whose interface version is
 * theirs to choose.  The region a domU boots with is
 * xen/pv_layout.h's with PV_LAYOUT_RINGS.
 */

/*
 * vCPU 0's state at entry, at either width (p: the registers' prefix, r
 * or e): in kernel mode on the flat kernel segments, interrupts enabled
 * (events stay masked in shared_info until the kernel unmasks them), the
 * stack pointer at the top of the stack page, esi/rsi pointing at
 * start_info, cr3 the pinned root.  Every byte is zeroed first, padding
 * too: the hypervisor reads it all.
 */
#define PV_DOMU_BOOT_CONTEXT(c, p, entry, stack_top, si_va, cs_, ss_, ds_,    \
                             cr3)                                             \
    do                                                                        \
    {                                                                         \
        __builtin_memset(c, 0, sizeof(*(c)));                                 \
        (c)->flags = VGCF_in_kernel | VGCF_online;                            \
        (c)->user_regs.p##ip = entry;                                         \
        (c)->user_regs.p##sp = stack_top;                                     \
        (c)->user_regs.p##si = si_va;                                         \
        (c)->user_regs.cs = cs_;                                              \
        (c)->user_regs.ss = ss_;                                              \
        (c)->user_regs.ds = (c)->user_regs.es = ds_;                          \
        (c)->user_regs.fs = (c)->user_regs.gs = ds_;                          \
        (c)->user_regs.p##flags = 1 << 9; /* IF */                            \
        (c)->kernel_ss = ss_;                                                 \
        (c)->kernel_sp = stack_top;                                           \
        (c)->ctrlreg[3] = cr3;                                                \
    } while ( 0 )

/*
 * Where a 32-bit domU's region must end: HYPERVISOR_COMPAT_VIRT_START,
 * unless an HV_START_LOW note raised it (these builders keep the default).
 */
#define PV_DOMU_PAE_END 0xF5800000UL

/* src into dst of size bytes, cut short and NUL-terminated (no libc). */
static inline void pv_domu_copy_str(char *dst, const char *src,
                                    unsigned long size)
{
    unsigned long i;

    for ( i = 0; src && src[i] && i + 1 < size; i++ )
        dst[i] = src[i];
    dst[i] = 0;
}

/*
 * start_info at either width (start_info_t or xen/compat.h's 32-bit
 * one, magic "xen-3.0-x86_64" or "xen-3.0-x86_32p"): the page zeroed,
 * then what every domU's has; a module is the caller's to add.  l is
 * its xen/pv_layout.h region.
 */
#define PV_DOMU_START_INFO(si, magic_str, l, nr_pages_, shared_info_,         \
                           store_mfn_, store_port, console_mfn_,              \
                           console_port, cmdline)                             \
    do                                                                        \
    {                                                                         \
        __builtin_memset(si, 0, 4096);                                        \
        pv_domu_copy_str((si)->magic, magic_str, sizeof((si)->magic));        \
        (si)->nr_pages = nr_pages_;                                           \
        (si)->shared_info = shared_info_;                                     \
        (si)->store_mfn = store_mfn_;                                         \
        (si)->store_evtchn = store_port;                                      \
        (si)->console.domU.mfn = console_mfn_;                                \
        (si)->console.domU.evtchn = console_port;                             \
        (si)->pt_base = (l)->pt_start;                                        \
        (si)->nr_pt_frames = (l)->nr_pt_frames;                               \
        (si)->mfn_list = (l)->p2m_start;                                      \
        pv_domu_copy_str((char *)(si)->cmd_line, cmdline,                     \
                         sizeof((si)->cmd_line));                             \
    } while ( 0 )

#ifdef __x86_64__
/* A 64-bit guest's: ring 3, cr3 the pinned L4. */
static inline void pv_domu_boot_context(vcpu_guest_context_t *c,
                                        uint64_t entry, uint64_t stack_top,
                                        uint64_t start_info_va,
                                        xen_pfn_t l4_mfn)
{
    PV_DOMU_BOOT_CONTEXT(c, r, entry, stack_top, start_info_va, FLAT_KERNEL_CS,
                         FLAT_KERNEL_SS, FLAT_KERNEL_DS,
                         xen_pfn_to_cr3(l4_mfn));
}
#endif

/*
 * A 32-bit PAE guest's (xen/compat.h's context, which the vcpucontext
 * domctls take for a 32-bit domain whoever builds it): ring 1 on the flat
 * compat selectors, the callbacks' too, and the L3's CR3 folded as
 * pae_extended_cr3 wants (frame bits above 20 in bits 0-11).
 */
static inline void pv_domu_boot_context32(struct compat_vcpu_context *c,
                                          uint32_t entry, uint32_t stack_top,
                                          uint32_t start_info_va,
                                          uint32_t l3_mfn)
{
    PV_DOMU_BOOT_CONTEXT(c, e, entry, stack_top, start_info_va,
                         COMPAT_FLAT_RING1_CS, COMPAT_FLAT_RING1_DS,
                         COMPAT_FLAT_RING1_DS, l3_mfn << 12 | l3_mfn >> 20);
    c->event_callback_cs = c->failsafe_callback_cs = COMPAT_FLAT_RING1_CS;
}

#endif /* XEN_PV_DOMU_H */
