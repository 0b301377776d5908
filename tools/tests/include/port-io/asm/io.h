/* SPDX-License-Identifier: GPL-2.0-only */
/* Host-test asm/io.h: port I/O goes to the test's recorder (test_*.c). */
#ifndef HOST_ASM_IO_H
#define HOST_ASM_IO_H

#define inb     real_inb
#define inw     real_inw
#define inl     real_inl
#define outb    real_outb
#define outw    real_outw
#define outl    real_outl
#include_next <asm/io.h>
#undef inb
#undef inw
#undef inl
#undef outb
#undef outw
#undef outl

uint8_t inb(uint16_t port);
uint16_t inw(uint16_t port);
uint32_t inl(uint16_t port);
void outb(uint8_t v, uint16_t port);
void outw(uint16_t v, uint16_t port);
void outl(uint32_t v, uint16_t port);

#endif /* HOST_ASM_IO_H */
