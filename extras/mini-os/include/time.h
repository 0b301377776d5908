/* SPDX-License-Identifier: GPL-2.0-only */
/* Xen system time (ns since boot), the one-shot timer and blocking. */

#ifndef MINIOS_TIME_H
#define MINIOS_TIME_H

#include <os.h>

#define MILLISECS(ms) ((uint64_t)(ms) * 1000000ULL)

void time_init(void);
/* Nanoseconds of Xen system time, from vcpu 0's vcpu_time_info. */
uint64_t monotonic_clock(void);
/* Wall-clock seconds and nanoseconds, from shared_info. */
void wallclock(uint64_t *sec, uint32_t *nsec);
/* Sleep this thread until system time reaches deadline (others run). */
void block_until(uint64_t deadline);
void msleep(unsigned int ms);

/* The port of VIRQ_TIMER, its events so far and the time of the last. */
extern long timer_port;
extern unsigned long timer_ticks;
extern uint64_t timer_last_ns;

/*
 * (delta * mul) >> 32, the scaling of vcpu_time_info, without a 128-bit
 * product (there is none at 32 bits).
 */
static inline uint64_t tsc_scale(uint64_t delta, uint32_t mul)
{
    return (delta >> 32) * mul + (((delta & 0xffffffffu) * mul) >> 32);
}

#endif /* MINIOS_TIME_H */
