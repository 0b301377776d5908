/* SPDX-License-Identifier: GPL-2.0-only */
/* In-guest test framework: case registration, checks and the result lines. */

#ifndef MINIOS_TEST_H
#define MINIOS_TEST_H

#include <lib.h>
#include <public/errno.h>
#include <abi-gaps.h>
#include <public/event_channel.h>
#include <public/grant_table.h>

struct test_case {
    const char *name;
    void (*fn)(void);
};

/* Cases run in link order, and in the order written within a file. */
#define TEST(group, name)                                                  \
    static void test_##group##_##name(void);                               \
    static const struct test_case tc_##group##_##name __used               \
        __attribute__((section(".testcases"))) = {                         \
        #group "/" #name, test_##group##_##name };                         \
    static void test_##group##_##name(void)

/* Record why the current case failed or was skipped (first call wins). */
void test_fail(const char *fmt, ...) __printf(1, 2);
void test_skip(const char *fmt, ...) __printf(1, 2);
/* Whether the current case has failed so far (for clean-up on the way out). */
bool test_failed(void);

/* Fail the case and leave it when cond is false. */
#define CHECK(cond, fmt, ...) do {                                         \
    if ( !(cond) )                                                         \
    {                                                                      \
        test_fail("line %d: " fmt, __LINE__, ##__VA_ARGS__);               \
        return;                                                            \
    }                                                                      \
} while ( 0 )

/* Fail unless expr (a hypercall) returns exactly want. */
#define CHECK_RC(expr, want) do {                                          \
    long rc_ = (expr), want_ = (want);                                     \
    if ( rc_ != want_ )                                                    \
    {                                                                      \
        test_fail("line %d: %s returned %ld, expected %ld", __LINE__,      \
                  #expr, rc_, want_);                                      \
        return;                                                            \
    }                                                                      \
} while ( 0 )

#define SKIP(fmt, ...) do {                                                \
    test_skip(fmt, ##__VA_ARGS__);                                         \
    return;                                                                \
} while ( 0 )

/*
 * Guest pointers Xen must refuse with -EFAULT: one in the unmapped low
 * half of our address space, one inside the hypervisor's own range.
 */
/* Cases about vCPU 1 need it: dom0 gets one vCPU per CPU (-smp 2 up). */
#define NEED_SECOND_VCPU() do {                                           \
    if ( HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL) == -XEN_ENOENT )        \
        SKIP("dom0 has one vCPU: run with two CPUs or more");             \
} while ( 0 )

/*
 * Runs fn on vcpu 1 (tests/vcpu.c starts it on first use), its upcalls
 * masked (only vcpu 0 handles events); VCPUOP_up's result, or
 * -XEN_EBUSY while vcpu 1 is up.  vcpu1_wait_down() waits up to ms for
 * fn to return and vcpu 1 to go down again; false on timeout.
 */
long vcpu1_start(void (*fn)(void));
bool vcpu1_wait_down(unsigned int ms);
/*
 * A context for VCPUOP_initialise: kernel mode on our page tables, at fn
 * on the stack ending at stack_top, with our event and failsafe callbacks
 * and no trap table.
 */
void vcpu_kernel_context(vcpu_guest_context_t *ctx, void (*fn)(void),
                         void *stack_top);

/* Our own domain id as a granter or grantee (dom0). */
#define SELF_ID 0

#define BAD_PTR ((void *)0x1000UL)
#ifdef __i386__
/* The compat M2P: Xen's from HYPERVISOR_VIRT_START up, never the guest's. */
#define XEN_PTR ((void *)(HYPERVISOR_VIRT_START + 0x1000))
#else
#define XEN_PTR ((void *)0xffff830000001000UL)  /* Xen 4.17's direct map */
#endif

/* Yield until *counter reaches want or ms pass; false on timeout. */
bool wait_for_count(const volatile unsigned long *counter, unsigned long want,
                    unsigned int ms);

/*
 * Cancel the one-shot timer and let any VIRQ_TIMER already on its way be
 * delivered, so that a case counting timer events starts from quiet.
 */
void timer_quiesce(void);

/*
 * Our extrapolation of Xen's system time may run a little ahead of the
 * clock Xen's timers use: allow this much when comparing the two.
 */
#define CLOCK_SLACK_NS 1000000ULL

/*
 * Runs one case body and writes its verdict: "PASS", "FAIL: <reason>" or
 * "SKIP: <reason>".
 */
void run_case_body(void (*fn)(void), char *verdict, size_t len);

/* A grant to ourselves mapped and unmapped (tests/gnttab.c). */
void gnttab_own_grant_roundtrip(void);

/* Runs the cases the command line selects; returns the number failed. */
int run_tests(const char *cmdline);

/*
 * "role=<name>" makes this kernel a workload for a dom0 that built it
 * instead of a test suite: runs that role and returns true, or returns
 * false at once if the command line names none.
 */
bool run_role(const char *cmdline);
void peer_main(void);
void spin_main(void);
/* tests/lifetime.c: grant a page and spin; copy from grants for ever. */
void granter_main(void);
void copier_main(void);
void waker_main(void);
/*
 * Why this build leaves the case named name out (a SKIP line), or NULL:
 * the 32-bit build's cases about the 64-bit ABI or about building
 * domains (arch/<arch>/arch.c).
 */
const char *arch_case_skip(const char *name);

/* The hostile-guest fuzzer (tests/fuzz.c). */
void fuzz_main(void);
/* tests/xs_control.c: domUs for Debian's xl (xl shutdown, reboot, crash). */
void control_main(void);
void crash_main(void);

/*
 * A role finds what dom0 offers it (a port, a granted page) by trying:
 * only an offer meant for it can succeed.  True once found.
 */
bool find_offered_port(evtchn_port_t *port);
bool map_offered_grant(void *win, grant_handle_t *handle);

/* "sched-scenarios [ms=<window>]": the scheduler measurements instead. */
bool sched_scenarios_selected(const char *cmdline);
void run_sched_scenarios(const char *cmdline);

/* True if the word "bench" is on the command line (see tests/bench.c). */
bool bench_selected(const char *cmdline);
/* Prints one "BENCH: <name> <value> <unit>" line per micro-benchmark. */
void run_benchmarks(void);

#endif /* MINIOS_TEST_H */
