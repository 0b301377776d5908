/* SPDX-License-Identifier: GPL-2.0-only */
/* Address-to-symbol lookup over the table linked into the image. */
#ifndef XEN_SYMBOLS_H
#define XEN_SYMBOLS_H

/* NULL if addr lies in no known function. */
const char *symbols_lookup(unsigned long addr, unsigned long *offset,
                           unsigned long *size);

#endif /* XEN_SYMBOLS_H */
