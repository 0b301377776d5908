/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests' switch for when a running hypercall is told to yield. */
#ifndef TESTS_PREEMPT_H
#define TESTS_PREEMPT_H

/*
 * With N set, every Nth preemption check finds work pending (0: never);
 * harness_preempt_checks counts the checks made.  Set both before a call.
 */
extern unsigned int harness_preempt_every, harness_preempt_checks;

#endif /* TESTS_PREEMPT_H */
