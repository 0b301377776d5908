/* SPDX-License-Identifier: GPL-2.0-only */
/* The serial port driver (16550 UARTs). */
#ifndef XEN_SERIAL_H
#define XEN_SERIAL_H

int ns16550_parse(unsigned int idx, const char *opt);
void ns16550_init(unsigned int idx);
void ns16550_poll(void);

#endif /* XEN_SERIAL_H */
