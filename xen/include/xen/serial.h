/* SPDX-License-Identifier: GPL-2.0-only */
/* The serial port driver (16550 UARTs). */
#ifndef XEN_SERIAL_H
#define XEN_SERIAL_H

int ns16550_parse(unsigned int idx, const char *opt);
void ns16550_init(unsigned int idx);
void ns16550_poll(void);
/*
 * The ISA IRQ of the console's UART (com1), -1 if none: Xen owns it
 * (dom0 cannot bind it), whether or not we take its interrupts.
 */
int ns16550_console_irq(void);

#endif /* XEN_SERIAL_H */
