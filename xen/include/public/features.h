/* SPDX-License-Identifier: MIT */
/* Feature bits reported by XENVER_get_features (sub-map 0). */

#ifndef __XEN_PUBLIC_FEATURES_H__
#define __XEN_PUBLIC_FEATURES_H__

/*
 * Each number is a bit index into the 32-bit sub-maps returned by
 * XENVER_get_features: bit n lives in sub-map n / 32.  A guest may also
 * list the ones it supports or requires in XEN_ELFNOTE_FEATURES.
 */
#define XENFEAT_writable_page_tables       0  /* PV: direct PTE writes */
#define XENFEAT_writable_descriptor_tables 1  /* PV: direct GDT/LDT writes */
#define XENFEAT_auto_translated_physmap    2  /* Xen manages the p2m */
#define XENFEAT_supervisor_mode_kernel     3  /* kernel runs in ring 0 */
#define XENFEAT_pae_pgdir_above_4gb        4  /* PAE cr3 may be above 4G */
#define XENFEAT_mmu_pt_update_preserve_ad  5  /* MMU_PT_UPDATE_PRESERVE_AD */
#define XENFEAT_highmem_assist             6  /* x86-32 highmem helpers */
#define XENFEAT_gnttab_map_avail_bits      7  /* GNTMAP_guest_avail_mask */
#define XENFEAT_hvm_callback_vector        8  /* HVM upcall via a vector */
#define XENFEAT_hvm_safe_pvclock           9  /* pvclock usable in HVM */
#define XENFEAT_hvm_pirqs                  10 /* HVM PIRQs as evtchns */
#define XENFEAT_dom0                       11 /* this is a control domain */
#define XENFEAT_memory_op_vnode_supported  13 /* XENMEM vNUMA ops */
#define XENFEAT_ARM_SMCCC_supported        14 /* Arm only */
#define XENFEAT_linux_rsdp_unrestricted    15 /* PVH RSDP anywhere */
#define XENFEAT_not_direct_mapped          16 /* Arm: gfn != mfn */
#define XENFEAT_direct_mapped              17 /* Arm: gfn == mfn */

#define XENFEAT_NR_SUBMAPS 1

#endif /* __XEN_PUBLIC_FEATURES_H__ */
