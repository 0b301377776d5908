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
 * A 64-bit guest's start_info (1168 bytes) and vcpu_guest_context (5168)
 * at any width of builder, so that a 32-bit dom0 builds 64-bit guests
 * too: its public headers give the 32-bit layouts.  Each 64-bit field at
 * its 64-bit alignment (a 32-bit compiler aligns uint64_t to 4).
 */
typedef uint64_t pv64_u64 __attribute__((__aligned__(8)));

struct pv64_start_info {
    char magic[32]; /* "xen-3.0-x86_64" */
    pv64_u64 nr_pages, shared_info;
    uint32_t flags;
    pv64_u64 store_mfn;
    uint32_t store_evtchn;
    union {
        struct {
            pv64_u64 mfn;
            uint32_t evtchn;
        } domU;
        struct {
            uint32_t info_off, info_size;
        } dom0;
    } console;
    pv64_u64 pt_base, nr_pt_frames, mfn_list, mod_start, mod_len;
    int8_t cmd_line[MAX_GUEST_CMDLINE];
    pv64_u64 first_p2m_pfn, nr_p2m_frames;
};

struct pv64_user_regs {
    pv64_u64 r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    pv64_u64 rax, rcx, rdx, rsi, rdi;
    uint32_t error_code, entry_vector;
    pv64_u64 rip;
    uint16_t cs, pad0;
    uint8_t saved_upcall_mask, pad1[3];
    pv64_u64 rflags, rsp;
    uint16_t ss, pad2[3], es, pad3[3], ds, pad4[3], fs, pad5[3], gs, pad6[3];
};

struct pv64_vcpu_context {
    uint8_t fpu_ctxt[512];
    pv64_u64 flags;
    struct pv64_user_regs user_regs;
    struct {
        uint8_t vector, flags;
        uint16_t cs;
        pv64_u64 address;
    } trap_ctxt[256];
    pv64_u64 ldt_base, ldt_ents, gdt_frames[16], gdt_ents;
    pv64_u64 kernel_ss, kernel_sp, ctrlreg[8], debugreg[8];
    pv64_u64 event_callback_eip, failsafe_callback_eip, syscall_callback_eip;
    pv64_u64 vm_assist, fs_base, gs_base_kernel, gs_base_user;
};

/* Checked against the public headers at 64 bits. */
_Static_assert(sizeof(struct pv64_start_info) == 1168, "pv64 start_info");
_Static_assert(__builtin_offsetof(struct pv64_start_info, cmd_line) == 128,
               "pv64 start_info cmd_line");
_Static_assert(sizeof(struct pv64_user_regs) == 200, "pv64 regs");
_Static_assert(sizeof(struct pv64_vcpu_context) == 5168, "pv64 context");
#ifdef __x86_64__
_Static_assert(__builtin_offsetof(struct pv64_vcpu_context, kernel_sp) ==
                   __builtin_offsetof(vcpu_guest_context_t, kernel_sp),
               "pv64 kernel_sp");
_Static_assert(__builtin_offsetof(struct pv64_vcpu_context, gs_base_user) ==
                   __builtin_offsetof(vcpu_guest_context_t, gs_base_user),
               "pv64 gs_base_user");
_Static_assert(__builtin_offsetof(struct pv64_start_info, nr_p2m_frames) ==
                   __builtin_offsetof(start_info_t, nr_p2m_frames),
               "pv64 start_info");
#endif

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

/*
 * A 64-bit guest's: ring 3 on the flat 64-bit selectors (xen-x86_64.h's
 * FLAT_KERNEL_CS 0xe033, _SS 0xe02b, _DS null, which a 32-bit builder's
 * headers do not give), cr3 the pinned L4.
 */
static inline void pv_domu_boot_context(struct pv64_vcpu_context *c,
                                        uint64_t entry, uint64_t stack_top,
                                        uint64_t start_info_va,
                                        uint64_t l4_mfn)
{
    PV_DOMU_BOOT_CONTEXT(c, r, entry, stack_top, start_info_va, 0xe033, 0xe02b,
                         0, l4_mfn << 12);
}

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
