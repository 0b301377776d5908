/* SPDX-License-Identifier: MIT */
/* Interface-version selection: lets a guest pin the ABI it was written for. */

#ifndef __XEN_PUBLIC_XEN_COMPAT_H__
#define __XEN_PUBLIC_XEN_COMPAT_H__

/*
 * The newest interface these headers describe (Xen 4.14 numbering, still
 * current in 4.17).  Encoded as 0x00MMmm00 for release MM.mm.
 */
#define __XEN_LATEST_INTERFACE_VERSION__ 0x00040e00

/*
 * The hypervisor and the toolstack always see the newest interface.  A
 * guest chooses by defining __XEN_INTERFACE_VERSION__ before the first
 * include; leaving it undefined selects the oldest (0), i.e. the names and
 * layouts of Xen 3.0.
 */
#if defined(__XEN__) || defined(__XEN_TOOLS__)
#define __XEN_INTERFACE_VERSION__ __XEN_LATEST_INTERFACE_VERSION__
#elif !defined(__XEN_INTERFACE_VERSION__)
#define __XEN_INTERFACE_VERSION__ 0x00000000
#endif

#if __XEN_INTERFACE_VERSION__ > __XEN_LATEST_INTERFACE_VERSION__
#error "Requested __XEN_INTERFACE_VERSION__ is newer than these headers."
#endif

/* Dimension for trailing variable-length arrays in compat translations. */
#define COMPAT_FLEX_ARRAY_DIM XEN_FLEX_ARRAY_DIM

#endif /* __XEN_PUBLIC_XEN_COMPAT_H__ */
