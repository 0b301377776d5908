/* SPDX-License-Identifier: GPL-2.0-only */
/* Halting, rebooting and powering off the machine. */
#ifndef XEN_SHUTDOWN_H
#define XEN_SHUTDOWN_H

#include <xen/compiler.h>
#include <xen/types.h>

/* Set by the "noreboot" option: stay halted after a panic. */
extern bool opt_noreboot;

void machine_restart(void) __noreturn;
void machine_halt(void) __noreturn;
void machine_power_off(void) __noreturn;
void machine_restart_after_delay(unsigned int seconds) __noreturn;

#endif /* XEN_SHUTDOWN_H */
