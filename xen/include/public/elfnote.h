/* SPDX-License-Identifier: MIT */
/* ELF note types of the "Xen" note namespace in guest kernels and dumps. */

#ifndef __XEN_PUBLIC_ELFNOTE_H__
#define __XEN_PUBLIC_ELFNOTE_H__

/*
 * A guest kernel image describes itself to the domain builder with notes
 * named "Xen" of these types.  Numeric notes hold a little-endian
 * integer of 4 or 8 bytes; string notes a NUL-terminated string.
 */
#define XEN_ELFNOTE_INFO            0  /* reserved (legacy __xen_guest) */
#define XEN_ELFNOTE_ENTRY           1  /* numeric: virtual entry point */
#define XEN_ELFNOTE_HYPERCALL_PAGE  2  /* numeric: where to put it */
#define XEN_ELFNOTE_VIRT_BASE       3  /* numeric: virtual load base */
#define XEN_ELFNOTE_PADDR_OFFSET    4  /* numeric: virt - phys offset */
#define XEN_ELFNOTE_XEN_VERSION     5  /* string: "xen-3.0" */
#define XEN_ELFNOTE_GUEST_OS        6  /* string: e.g. "linux" */
#define XEN_ELFNOTE_GUEST_VERSION   7  /* string: the kernel's version */
#define XEN_ELFNOTE_LOADER          8  /* string: "generic" */
#define XEN_ELFNOTE_PAE_MODE        9  /* string: "yes", "bimodal", ... */
#define XEN_ELFNOTE_FEATURES        10 /* string: "feat|!required|..." */
#define XEN_ELFNOTE_BSD_SYMTAB      11 /* string: "yes" to load symbols */
#define XEN_ELFNOTE_HV_START_LOW    12 /* numeric: x86-32 hole start */
#define XEN_ELFNOTE_L1_MFN_VALID    13 /* numeric pairs: mask, value */
#define XEN_ELFNOTE_SUSPEND_CANCEL  14 /* numeric: supports cancel */
#define XEN_ELFNOTE_INIT_P2M        15 /* numeric: p2m virtual address */
#define XEN_ELFNOTE_MOD_START_PFN   16 /* numeric: accepts pfn mod_start */
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17 /* numeric: XENFEAT_* bitmap */
#define XEN_ELFNOTE_PHYS32_ENTRY    18 /* numeric: PVH 32-bit entry */

#define XEN_ELFNOTE_MAX XEN_ELFNOTE_PHYS32_ENTRY

/* Notes Xen writes into its own crash dumps. */
#define XEN_ELFNOTE_CRASH_INFO 0x1000001
#define XEN_ELFNOTE_CRASH_REGS 0x1000002

/* Notes the toolstack writes into domain core files (".note.Xen"). */
#define XEN_ELFNOTE_DUMPCORE_NONE           0x2000000
#define XEN_ELFNOTE_DUMPCORE_HEADER         0x2000001
#define XEN_ELFNOTE_DUMPCORE_XEN_VERSION    0x2000002
#define XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION 0x2000003

#endif /* __XEN_PUBLIC_ELFNOTE_H__ */
