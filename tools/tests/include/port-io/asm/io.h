/* SPDX-License-Identifier: GPL-2.0-only */
/* Host-test asm/io.h: port I/O goes to the test's port_in/port_out. */
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

/* The test defines these two; every size and direction ends up there. */
uint32_t port_in(uint16_t port, unsigned int size);
void port_out(uint32_t v, uint16_t port, unsigned int size);

static inline uint8_t inb(uint16_t port) { return port_in(port, 1); }
static inline uint16_t inw(uint16_t port) { return port_in(port, 2); }
static inline uint32_t inl(uint16_t port) { return port_in(port, 4); }
static inline void outb(uint8_t v, uint16_t port) { port_out(v, port, 1); }
static inline void outw(uint16_t v, uint16_t port) { port_out(v, port, 2); }
static inline void outl(uint32_t v, uint16_t port) { port_out(v, port, 4); }

#endif /* HOST_ASM_IO_H */
