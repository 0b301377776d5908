/* SPDX-License-Identifier: GPL-2.0-only */
/* The 32-bit PV ABI's layouts of shared structures (docs/misc/compat32.md). */
#ifndef XEN_COMPAT_H
#define XEN_COMPAT_H

#include <xen/types.h>
#include <public/xen.h>

/*
 * Freestanding (no xen/compiler.h): mini-os's domain builder, which
 * builds 32-bit guests, includes it too.
 *
 * A 32-bit guest's longs, pfns and pointers are 4 bytes: these are the
 * public structures as its compiler lays them out.  Fixed-width members
 * keep their public types, so only the width changes.
 */

/* 64 bytes like the native one; time at the same offset 32. */
struct compat_vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask;
    uint16_t pad0;
    uint32_t evtchn_pending_sel; /* one bit per 32-bit word of the bitmap */
    uint32_t cr2;
    uint32_t pad[5];
    struct vcpu_time_info time;
};

/* 1024 event channels: the bitmaps are 32 words of 32 bits. */
#define COMPAT_EVTCHN_2L_NR_CHANNELS 1024
#define COMPAT_PORTS_PER_WORD        32

/* The flat ring-1 selectors a 32-bit kernel starts on (FLAT_RING1_CS/DS). */
#define COMPAT_FLAT_RING1_CS 0xe019
#define COMPAT_FLAT_RING1_DS 0xe021

struct compat_shared_info {
    struct compat_vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    uint32_t evtchn_pending[COMPAT_EVTCHN_2L_NR_CHANNELS / 32];
    uint32_t evtchn_mask[COMPAT_EVTCHN_2L_NR_CHANNELS / 32];
    uint32_t wc_version, wc_sec, wc_nsec;
    struct {
        uint32_t max_pfn;
        uint32_t pfn_to_mfn_frame_list_list;
        uint32_t nmi_reason;
        uint32_t p2m_cr3, p2m_vaddr, p2m_generation;
        uint32_t wc_sec_hi; /* inside the arch part at this width */
    } arch;
};

/*
 * vcpu_runstate_info: the 64-bit fields only 4-byte aligned at 32 bits,
 * so state_entry_time is at 4 and the whole 44 bytes.
 */
struct __attribute__((__packed__)) compat_vcpu_runstate_info {
    int state;
    uint64_t state_entry_time;
    uint64_t time[4];
};

/* Every long and frame number 4 bytes: 1112 bytes, cmd_line at 80. */
struct compat_start_info {
    char magic[32]; /* "xen-3.0-x86_32p" */
    uint32_t nr_pages;
    uint32_t shared_info; /* machine address */
    uint32_t flags;
    uint32_t store_mfn;
    uint32_t store_evtchn;
    union {
        struct {
            uint32_t mfn, evtchn;
        } domU;
        struct {
            uint32_t info_off, info_size;
        } dom0;
    } console;
    uint32_t pt_base;
    uint32_t nr_pt_frames;
    uint32_t mfn_list;
    uint32_t mod_start;
    uint32_t mod_len;
    int8_t cmd_line[MAX_GUEST_CMDLINE];
    uint32_t first_p2m_pfn;
    uint32_t nr_p2m_frames;
};

/* cpu_user_regs at 32 bits: 68 bytes, selectors each in a 32-bit slot. */
struct compat_user_regs {
    uint32_t ebx, ecx, edx, esi, edi, ebp, eax;
    uint16_t error_code, entry_vector;
    uint32_t eip;
    uint16_t cs;
    uint8_t saved_upcall_mask, pad0;
    uint32_t eflags, esp;
    uint16_t ss, pad1, es, pad2, ds, pad3, fs, pad4, gs, pad5;
};

/*
 * vcpu_guest_context at 32 bits: 2800 bytes, every long 4 bytes, 8-byte
 * trap_info, callbacks as cs:eip, no segment bases or syscall callback.
 * VCPUOP_initialise of a 32-bit guest, and XEN_DOMCTL_{set,get}vcpucontext
 * of a 32-bit domain whatever the caller's width (so a 64-bit builder of
 * a 32-bit guest, mini-os's kernel/builder.c, writes this one too).
 */
struct compat_vcpu_context {
    uint8_t fpu_ctxt[512];
    uint32_t flags;
    struct compat_user_regs user_regs;
    struct {
        uint8_t vector, flags;
        uint16_t cs;
        uint32_t address;
    } trap_ctxt[256];
    uint32_t ldt_base, ldt_ents;
    uint32_t gdt_frames[16], gdt_ents;
    uint32_t kernel_ss, kernel_sp;
    uint32_t ctrlreg[8], debugreg[8];
    uint32_t event_callback_cs, event_callback_eip;
    uint32_t failsafe_callback_cs, failsafe_callback_eip;
    uint32_t vm_assist;
};

/* Checked against gcc -m32 on Xen's public headers. */
_Static_assert(offsetof(struct compat_start_info, cmd_line) == 80,
               "compat start_info cmd_line");
_Static_assert(sizeof(struct compat_start_info) == 1112, "compat start_info");
_Static_assert(sizeof(struct compat_vcpu_info) == 64, "compat vcpu_info");
_Static_assert(offsetof(struct compat_shared_info, evtchn_pending) == 2048,
               "compat evtchn_pending");
_Static_assert(offsetof(struct compat_shared_info, evtchn_mask) == 2176,
               "compat evtchn_mask");
_Static_assert(offsetof(struct compat_shared_info, wc_version) == 2304,
               "compat wallclock");
_Static_assert(offsetof(struct compat_shared_info, arch.wc_sec_hi) == 2340,
               "compat wc_sec_hi");
_Static_assert(sizeof(struct compat_shared_info) == 2344, "compat shared");
_Static_assert(sizeof(struct compat_vcpu_runstate_info) == 44,
               "compat runstate");
_Static_assert(sizeof(struct compat_user_regs) == 68, "compat regs");
_Static_assert(sizeof(struct compat_vcpu_context) == 2800, "compat context");
_Static_assert(offsetof(struct compat_vcpu_context, kernel_ss) == 2708,
               "compat kernel_ss");

#endif /* XEN_COMPAT_H */
