/* SPDX-License-Identifier: GPL-2.0-only */
/* Cases for vcpu_op: state, runstate, a second vcpu, moving vcpu_info. */

#include "test.h"
#include <hypercall.h>
#include <events.h>
#include <traps.h>
#include <time.h>
#include <mm.h>

TEST(vcpu, is_up)
{
    NEED_SECOND_VCPU();
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_is_up, 0, NULL), 1);
    /* Xen gives dom0 a vcpu per cpu but starts only vcpu 0. */
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL), 0);
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_is_up, 99, NULL), -XEN_ENOENT);
}

TEST(vcpu, runstate_info)
{
    vcpu_runstate_info_t r;

    NEED_SECOND_VCPU();

    memset(&r, 0xff, sizeof(r));
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &r), 0);
    CHECK(r.state == RUNSTATE_running, "state %d", r.state);
    CHECK(r.time[RUNSTATE_running] > 0, "no running time");
    /* Xen's clock and our extrapolation of it may differ a little. */
    CHECK(r.state_entry_time <= monotonic_clock() + CLOCK_SLACK_NS,
          "entry time ahead");
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 1, &r), 0);
    CHECK(r.state == RUNSTATE_offline, "vcpu 1 state %d", r.state);
}

TEST(vcpu, runstate_bad_pointer)
{
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, BAD_PTR),
             -XEN_EFAULT);
}

TEST(vcpu, register_runstate_area)
{
    static vcpu_runstate_info_t area;
    struct vcpu_register_runstate_memory_area a = { .addr.v = &area };
    uint64_t blocked, total;
    unsigned int tries;

    /* Filled in at once, before we next block: garbage must not remain. */
    memset(&area, 0xff, sizeof(area));
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &a),
             0);
    CHECK(area.state == RUNSTATE_running, "state %d", area.state);
    CHECK(area.state_entry_time <= monotonic_clock() + CLOCK_SLACK_NS,
          "entry time ahead");
    blocked = area.time[RUNSTATE_blocked];
    total = area.time[0] + area.time[1] + area.time[2] + area.time[3];
    /*
     * Xen updates the area on every state change, e.g. our block.  How
     * the 5 ms split between blocked and runnable depends on the host; on
     * a loaded one a sleep may end on a pending event without blocking at
     * all, so a few more sleeps are allowed before calling it a failure.
     */
    for ( tries = 0; tries < 5 && area.time[RUNSTATE_blocked] == blocked;
          tries++ )
        msleep(5);
    CHECK(area.time[RUNSTATE_blocked] > blocked, "never blocked");
    CHECK(area.time[0] + area.time[1] + area.time[2] + area.time[3] >=
          total + MILLISECS(5) - CLOCK_SLACK_NS, "time did not add up");
    a.addr.v = NULL;
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &a),
             0);
}

TEST(vcpu, up_uninitialised_refused)
{
    NEED_SECOND_VCPU();
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_up, 1, NULL), -XEN_EINVAL);
}

TEST(vcpu, get_physid_unpinned_refused)
{
    struct vcpu_get_physid id;

    /* Only for dom0 vcpus pinned to their cpu (dom0_vcpus_pin). */
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_get_physid, 0, &id), -XEN_EINVAL);
}

TEST(vcpu, unknown_op)
{
    CHECK_RC(HYPERVISOR_vcpu_op(99, 0, NULL), -XEN_ENOSYS);
}

/*
 * vcpu 1's life: count its first start; run the work a later case hands
 * it through vcpu1_start(), if any; go down; resume there when brought up
 * again.
 */
static volatile unsigned long vcpu1_runs;
static void (*volatile vcpu1_work)(void);
static char vcpu1_stack[2 * PAGE_SIZE] __aligned(16);

static void __noreturn vcpu1_main(void)
{
    vcpu1_runs++;
    for ( ;; )
    {
        void (*fn)(void) = vcpu1_work;

        if ( fn )
        {
            vcpu1_work = NULL;
            fn();
        }
        HYPERVISOR_vcpu_op(VCPUOP_down, 1, NULL);
    }
}

void vcpu_kernel_context(vcpu_guest_context_t *ctx, void (*fn)(void),
                         void *stack_top)
{
    memset(ctx, 0, sizeof(*ctx));
    /*
     * Not VGCF_online: that would mark it up already, and VCPUOP_up on an
     * up vcpu does not wake it (Xen 4.17 leaves it offline for good).
     */
    ctx->flags = VGCF_in_kernel;
    /* As after a call: the return-address slot keeps the ABI alignment. */
    context_entry(ctx, (unsigned long)fn,
                  (unsigned long)stack_top - sizeof(long));
    ctx->user_regs.cs = FLAT_KERNEL_CS;
    ctx->user_regs.ss = FLAT_KERNEL_SS;
    ctx->kernel_ss = FLAT_KERNEL_SS;
    ctx->ctrlreg[3] = xen_pfn_to_cr3(virt_to_mfn((void *)start_info->pt_base));
    ctx->event_callback_eip = (unsigned long)hypervisor_callback;
    ctx->failsafe_callback_eip = (unsigned long)failsafe_callback;
}

static void vcpu1_context(vcpu_guest_context_t *ctx)
{
    vcpu_kernel_context(ctx, vcpu1_main,
                        vcpu1_stack + sizeof(vcpu1_stack));
}

long vcpu1_start(void (*fn)(void))
{
    static vcpu_guest_context_t ctx;
    long rc = HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL);

    if ( rc )
        return rc < 0 ? rc : -XEN_EBUSY;
    /* The vcpu cases may have run it already: a vcpu starts once. */
    vcpu1_context(&ctx);
    rc = HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &ctx);
    if ( rc && rc != -XEN_EEXIST )
        return rc;
    /* Only vcpu 0 handles events: vcpu 1 must never take an upcall. */
    shared_info->vcpu_info[1].evtchn_upcall_mask = 1;
    vcpu1_work = fn;
    return HYPERVISOR_vcpu_op(VCPUOP_up, 1, NULL);
}

bool vcpu1_wait_down(unsigned int ms)
{
    uint64_t deadline = monotonic_clock() + MILLISECS(ms);

    while ( HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL) )
    {
        if ( monotonic_clock() >= deadline )
            return false;
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
    return true;
}

TEST(vcpu, second_vcpu_up_and_down)
{
    static vcpu_guest_context_t ctx;
    unsigned int i;

    NEED_SECOND_VCPU();

    vcpu1_context(&ctx);
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &ctx), 0);
    /* A vcpu is initialised once. */
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &ctx), -XEN_EEXIST);
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_up, 1, NULL), 0);
    CHECK(wait_for_count(&vcpu1_runs, 1, 1000), "vcpu 1 never ran");
    for ( i = 0; i < 100 && HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL); i++ )
        msleep(1);
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL), 0);
    /* Up again: it resumes after its down call, and goes down again. */
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_up, 1, NULL), 0);
    for ( i = 0; i < 100 && HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL); i++ )
        msleep(1);
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL), 0);
    CHECK(vcpu1_runs == 1, "ran %lu times", vcpu1_runs);
}

/* Last of the vcpu cases: it moves vcpu 0's vcpu_info for good. */
TEST(vcpu, register_vcpu_info)
{
    vcpu_info_t *area = alloc_page();
    struct vcpu_register_vcpu_info r;
    unsigned long flags;
    uint64_t t;
    long p;

    CHECK(area, "no page");
    r.mfn = virt_to_mfn(area);
    r.offset = 64;
    r.rsvd = 0;
    flags = irq_save();
    p = HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &r);
    if ( p == 0 )
        vcpu0_info = &area[1];
    irq_restore(flags);
    CHECK(p == 0, "register returned %ld", p);
    /* Events and time now come through the new copy. */
    t = monotonic_clock();
    msleep(2);
    CHECK(monotonic_clock() > t, "time stands still");
    p = bind_ipi(0, NULL, NULL);
    CHECK(p > 0, "bind_ipi returned %ld", p);
    unmask_evtchn(p);
    CHECK_RC(notify_remote_via_evtchn(p), 0);
    CHECK(wait_for_count(&evtchn_delivered[p], 1, 100), "no event");
    CHECK_RC(unbind_evtchn(p), 0);
    /* It cannot move twice. */
    r.offset = 128;
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &r),
             -XEN_EINVAL);
}
