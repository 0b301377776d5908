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
/*
 * Between these, the IPIs cpu_raise_softirq() and event_check_cpu() owe
 * other CPUs are held back and sent by the outermost finish: a CPU that
 * wakes another while holding the lock the woken one takes first (its
 * scheduler lock) sends the IPI after the unlock.  They nest.
 */
void cpu_raise_softirq_batch_begin(void);
void cpu_raise_softirq_batch_finish(void);
/* Interrupts cpu so that it looks at its guest's events (batched too). */
void event_check_cpu(unsigned int cpu);
/* Runs every pending handler of this CPU; interrupts must be enabled. */
void do_softirq(void);
bool softirq_pending(unsigned int cpu);

#endif /* XEN_SOFTIRQ_H */
