/* SPDX-License-Identifier: GPL-2.0-only */
/* Multiboot 1 and 2 header constants (facts from the two specifications). */
#ifndef ASM_X86_MULTIBOOT_HEADER_H
#define ASM_X86_MULTIBOOT_HEADER_H

#define MB1_HEADER_MAGIC     0x1badb002
#define MB1_BOOTLOADER_MAGIC 0x2badb002
#define MB1_FLAG_PAGE_ALIGN  (1 << 0)
#define MB1_FLAG_MEMORY_INFO (1 << 1)
#define MB1_FLAG_AOUT_KLUDGE (1 << 16)
#define MB1_HEADER_FLAGS                                                      \
    (MB1_FLAG_PAGE_ALIGN | MB1_FLAG_MEMORY_INFO | MB1_FLAG_AOUT_KLUDGE)

#define MB2_HEADER_MAGIC               0xe85250d6
#define MB2_BOOTLOADER_MAGIC           0x36d76289
#define MB2_ARCH_I386                  0
#define MB2_TAG_ADDRESS                2
#define MB2_TAG_ENTRY_ADDRESS          3
#define MB2_TAG_CONSOLE_FLAGS          4
#define MB2_CONSOLE_EGA_TEXT_SUPPORTED 2

#endif /* ASM_X86_MULTIBOOT_HEADER_H */
