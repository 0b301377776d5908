/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor console: log output, log levels and serial input. */
#ifndef XEN_CONSOLE_H
#define XEN_CONSOLE_H

#include <xen/types.h>

/* A sink that console output is copied to (serial port, VGA text). */
struct console_sink {
    void (*puts)(const char *s, size_t len);
    struct console_sink *next;
};

void console_register_sink(struct console_sink *sink);
void console_init_preirq(void);
void console_init_postirq(void);
/* Called with each byte typed on the serial line. */
void console_input_char(char c);
/* Boot is over: serial input goes to dom0 (unless conswitch= says not). */
void console_endboot(void);
/* Forces output out even if another CPU holds the console lock. */
void console_force_unlock(void);
/* Copy of the log ring, oldest first; returns the length copied. */
size_t console_read_ring(char *buf, size_t size);

#endif /* XEN_CONSOLE_H */
