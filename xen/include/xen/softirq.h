/* SPDX-License-Identifier: GPL-2.0-only */
/* Softirqs: deferred work run on the CPU that raised it, outside IRQs. */
#ifndef XEN_SOFTIRQ_H
#define XEN_SOFTIRQ_H

enum { TIMER_SOFTIRQ, SCHEDULE_SOFTIRQ, NR_SOFTIRQS };

typedef void (*softirq_handler_t)(void);

void open_softirq(unsigned int nr, softirq_handler_t handler);
/* Marks work pending on this CPU; cheap, callable from interrupts. */
void raise_softirq(unsigned int nr);
/* Marks work pending on another CPU and kicks it with an IPI if idle. */
void cpu_raise_softirq(unsigned int cpu, unsigned int nr);
/* Runs every pending handler of this CPU; interrupts must be enabled. */
void do_softirq(void);
bool softirq_pending(unsigned int cpu);

#endif /* XEN_SOFTIRQ_H */
