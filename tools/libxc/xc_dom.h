/* SPDX-License-Identifier: GPL-2.0-only */
/* The PV builder's image parser and layout, open to the tests and fuzzer. */
#ifndef XC_DOM_H
#define XC_DOM_H

#include <stddef.h>
#include <stdint.h>

#include <xen/libelf.h>
#include <xen/pv_layout.h>
#include "hvxc.h"

/* Kernels and ramdisks larger than this are refused. */
#ifndef XC_DOM_MAX_IMAGE
#define XC_DOM_MAX_IMAGE (512UL << 20)
#endif

struct xc_dom_kernel {
    struct elf_image elf;
    void *unpacked;             /* the decompressed image, or NULL */
    size_t unpacked_len;        /* its buffer's size */
};

/*
 * A PV kernel, an ELF plain, gzip or xz compressed, or a Linux bzImage
 * holding one: unpacked and checked (Xen notes, a page
 * aligned VIRT_BASE at or below the kernel).  0 or -EINVAL/-ENOMEM.
 * data must outlive k unless it was compressed.
 */
int xc_dom_parse_kernel(const void *data, size_t len, struct xc_dom_kernel *k);
void xc_dom_free_kernel(struct xc_dom_kernel *k);

/*
 * The start-of-day region (xen/pv_layout.h, shared with the hypervisor
 * and mini-os): kernel, ramdisk, p2m list, start_info, xenstore page,
 * console page, page tables, stack, then mapped padding to a 4 MiB
 * boundary.  nr_pages is the domain's size.
 */
struct xc_dom_layout {
    struct pv_layout r;
    uint64_t nr_pages;
};
/* 0; -EINVAL for a kernel out of range; -ENOMEM if nr_pages is too few. */
int xc_dom_layout(struct xc_dom_layout *l, const struct xc_dom_kernel *k,
                  size_t ramdisk_len, uint64_t nr_pages);
/* start_info on page, in the layout of the guest's width (l->r.levels). */
void xc_dom_start_info(const struct xc_dom_layout *l, void *page,
                       const xen_pfn_t *p2m, uint64_t shared_info_maddr,
                       evtchn_port_t store_port, evtchn_port_t console_port,
                       const char *cmdline);

/* Where the shared ELF and decompression code's messages go (or nowhere). */
extern __thread xc_interface *xc_dom_log_to
    __attribute__((visibility("hidden")));

#endif /* XC_DOM_H */
