/* SPDX-License-Identifier: GPL-2.0-only */
/* The "Xen" ELF note macro shared by the boot tests' small kernels. */
#ifndef BOOT_XEN_NOTE_H
#define BOOT_XEN_NOTE_H

/* namesz, descsz, type, then name and desc, each 4-byte aligned. */
#define XEN_NOTE(type, desctype, desc...) \
    .p2align 2;                           \
    .long 2f - 1f;                        \
    .long 4f - 3f;                        \
    .long type;                           \
1:  .asciz "Xen";                         \
2:  .p2align 2;                           \
3:  desctype desc;                        \
4:  .p2align 2

#endif /* BOOT_XEN_NOTE_H */
