/* SPDX-License-Identifier: GPL-2.0-only */
/* Console output: console_io for dom0, the shared ring for a domU. */

#ifndef MINIOS_CONSOLE_H
#define MINIOS_CONSOLE_H

#include <os.h>

void console_init(void);
void console_write(const char *buf, size_t len);

#endif /* MINIOS_CONSOLE_H */
