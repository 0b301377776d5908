/* SPDX-License-Identifier: GPL-2.0-only */
/* The 32-bit PV ABI's layouts of shared structures (docs/misc/compat32.md). */
#ifndef XEN_COMPAT_H
#define XEN_COMPAT_H

#include <xen/compiler.h>
#include <xen/types.h>
#include <public/xen.h>

/*
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
struct __packed compat_vcpu_runstate_info {
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
    uint32_t console_mfn, console_evtchn; /* dom0: info_off, info_size */
    uint32_t pt_base;
    uint32_t nr_pt_frames;
    uint32_t mfn_list;
    uint32_t mod_start;
    uint32_t mod_len;
    int8_t cmd_line[MAX_GUEST_CMDLINE];
    uint32_t first_p2m_pfn;
    uint32_t nr_p2m_frames;
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

#endif /* XEN_COMPAT_H */
