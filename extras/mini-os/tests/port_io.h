/* SPDX-License-Identifier: GPL-2.0-only */
/* The port I/O rights a guest asks for (iobitmap.c), shared by its cases. */
#ifndef TESTS_PORT_IO_H
#define TESTS_PORT_IO_H

#include <stdint.h>

/* PHYSDEVOP_set_iopl and PHYSDEVOP_set_iobitmap. */
long set_iopl(unsigned int iopl);
long set_iobitmap(const void *bitmap, uint32_t nr_ports);

#endif /* TESTS_PORT_IO_H */
