/* SPDX-License-Identifier: GPL-2.0-only */
/* What host tests provide in place of the hypervisor's environment. */
#ifndef TESTS_HARNESS_H
#define TESTS_HARNESS_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * printk output is appended to a capture buffer (not printed) so that
 * tests can assert a warning was given; HARNESS_VERBOSE=1 also echoes it.
 */
void harness_log_clear(void);
const char *harness_log(void);
bool harness_log_contains(const char *needle);

/*
 * panic() longjmps to *harness_panic_env when set, after saving its
 * message in harness_panic_msg; with no env set it reports and aborts.
 */
extern jmp_buf *harness_panic_env;
extern char harness_panic_msg[512];

/* The CPU smp_processor_id() reports. */
extern unsigned int harness_cpu;

/* Host memory standing in for machine memory from address 0 (asm/page.h). */
extern char *host_directmap;

/* Path of some /boot/vmlinuz-*, if any is installed. */
bool harness_find_vmlinuz(char *path, size_t len);

#endif /* TESTS_HARNESS_H */
