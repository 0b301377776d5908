/* SPDX-License-Identifier: GPL-2.0-only */
/* The HPET's main counter, used as the reference to calibrate the TSC. */
#ifndef ASM_X86_HPET_H
#define ASM_X86_HPET_H

#include <xen/types.h>

#define HPET_ID           0x000
#define HPET_ID_PERIOD(v) ((v) >> 32) /* femtoseconds per tick */
#define HPET_CFG          0x010
#define HPET_CFG_ENABLE   (1UL << 0)
#define HPET_CFG_LEGACY   (1UL << 1)
#define HPET_COUNTER      0x0f0

/* Counter rate in Hz; 0 when there is no usable HPET. */
extern uint64_t hpet_rate;

/* Maps the HPET at addr and starts its counter; false if unusable. */
bool hpet_init(paddr_t addr);
/* The low 32 bits of the main counter: enough for deltas under a wrap. */
uint32_t hpet_read32(void);

#endif /* ASM_X86_HPET_H */
