/* SPDX-License-Identifier: GPL-2.0-only */
/* Boot-time self-tests, compiled into debug builds only. */
#ifndef ASM_X86_SELFTEST_H
#define ASM_X86_SELFTEST_H

#ifdef CONFIG_DEBUG
void run_selftests(void);
#else
static inline void run_selftests(void)
{
}
#endif

#endif /* ASM_X86_SELFTEST_H */
