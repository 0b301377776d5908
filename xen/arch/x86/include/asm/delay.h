/* SPDX-License-Identifier: GPL-2.0-only */
/* Busy-wait delays timed by the TSC. */
#ifndef ASM_X86_DELAY_H
#define ASM_X86_DELAY_H

/* At least usecs microseconds; longer before the TSC is calibrated. */
void udelay(unsigned long usecs);
void mdelay(unsigned long msecs);

#endif /* ASM_X86_DELAY_H */
