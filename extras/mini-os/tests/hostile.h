/* SPDX-License-Identifier: GPL-2.0-only */
/* Attacks run by an unprivileged domU that dom0 builds, one per case. */

#ifndef MINIOS_HOSTILE_H
#define MINIOS_HOSTILE_H

#include "test.h"

/*
 * HOSTILE(group, name) { ... } registers two things: an in-guest case
 * "group/name" for dom0, and the attack body.  dom0's case builds an
 * unprivileged domU with "role=hostile case=group/name"; the domU runs the
 * body with the usual CHECK/SKIP macros and prints its verdict on its
 * console; dom0 reports that verdict, then checks that the hypervisor is
 * still serving it and that every page of the domU comes back when it is
 * destroyed.  The body runs as a guest kernel that owns nothing but its
 * own memory: it is how a hostile guest is tried, on ours and on Xen 4.17.
 */
struct hostile_case {
    const char *name;
    void (*fn)(void);
};

/* dom0's side of a hostile case (see HOSTILE). */
void run_hostile(const char *name);
/*
 * The same with the attacker's vCPU pinned to CPU cpu as soon as it is
 * built (none if cpu < 0): for an attack on what another vCPU left on
 * that CPU.
 */
void run_hostile_on(const char *name, long cpu);

/*
 * Registers only the attack body of "group/name": dom0's side is a TEST
 * of the caller's that prepares the attack, then runs run_hostile_on().
 */
#define HOSTILE_BODY(group, name)                                          \
    static void hostile_##group##_##name(void);                            \
    static const struct hostile_case hc_##group##_##name __used            \
        __attribute__((section(".hostilecases"))) = {                      \
        #group "/" #name, hostile_##group##_##name };                      \
    static void hostile_##group##_##name(void)

#define HOSTILE(group, name)                                               \
    TEST(group, name)                                                      \
    {                                                                      \
        run_hostile(#group "/" #name);                                     \
    }                                                                      \
    HOSTILE_BODY(group, name)

/*
 * The attack's next step may make the hypervisor crash this domain, which
 * is a correct answer (Xen crashes a guest whose state it cannot return
 * to): say so first, and dom0 takes a crash from here on as a pass.  If
 * the step returns instead, the body goes on and its own verdict counts.
 */
void hostile_crash_ok(const char *why);

/*
 * In the attacker: the machine frame of a page that dom0 owns, filled
 * with a pattern it checks after every case (0 if not told).  A valid
 * frame that is not ours, for owner checks.
 */
unsigned long hostile_victim_mfn(void);

/* Our own domain id (a domU is never told it), or a negative errno. */
long own_domid(void);

/* The "hostile" role: runs the case named by "case=" on the command line. */
void hostile_main(void);

#endif /* MINIOS_HOSTILE_H */
