/* SPDX-License-Identifier: GPL-2.0-only */
/* Host-test asm/processor.h: ring-0 instructions go to the test's fakes. */
#ifndef HOST_ASM_PROCESSOR_H
#define HOST_ASM_PROCESSOR_H

#define read_cr4    real_read_cr4
#define rdmsr       real_rdmsr
#define rdtsc       real_rdtsc
#define xsetbv      real_xsetbv
#define cpuid_count real_cpuid_count
#include_next <asm/processor.h>
#undef read_cr4
#undef rdmsr
#undef rdtsc
#undef xsetbv
#undef cpuid_count

unsigned long read_cr4(void);
uint64_t rdmsr(uint32_t msr);
uint64_t rdtsc(void);
void xsetbv(uint32_t index, uint64_t value);
void cpuid_count(uint32_t leaf, uint32_t sub, struct cpuid_regs *r);

#endif /* HOST_ASM_PROCESSOR_H */
