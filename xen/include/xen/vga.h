/* SPDX-License-Identifier: GPL-2.0-only */
/* The VGA text console. */
#ifndef XEN_VGA_H
#define XEN_VGA_H

void vga_init(void);

#endif /* XEN_VGA_H */
