/* SPDX-License-Identifier: GPL-2.0-only */
/* Creating and tearing down a domain's x86 state; switching a CPU's vCPU. */
#include <xen/perfc.h>
#include <xen/errno.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/page_owner.h>
#include <xen/sched.h>
#include <xen/sched-if.h>
#include <asm/cpu_policy.h>
#include <asm/current.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/domain.h>
#include <asm/flushtlb.h>
#include <asm/fpu.h>
#include <asm/hvm/hvm.h>
#include <asm/irq.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv/compat_mm.h>
#include <asm/pv/mm.h>
#include <asm/pv/descriptor-tables.h>
#include <asm/pv/domain.h>
#include <asm/pv/traps.h>
#include <asm/pv/entry.h>
#include <asm/system.h>
#include <asm/time.h>

extern pte_t idle_pg_table[512];

/*
 * Drops everything on this CPU's stack and continues at fn with the stack
 * empty down to the guest frame in cpu_info; both places we go (the idle
 * loop, return_to_guest) expect exactly that.
 */
static void __noreturn reset_stack_and_jump(void (*fn)(void))
{
    __asm__ __volatile__("mov %0, %%rsp; jmp *%1"
                         :
                         : "r"(&get_cpu_info()->guest_cpu_user_regs), "r"(fn)
                         : "memory");
    __builtin_unreachable();
}

int arch_domain_create(struct domain *d)
{
    return is_pv_domain(d) ? 0 : hvm_domain_create(d);
}

/* Once nothing uses d any more (or its creation failed half way). */
void arch_domain_destroy(struct domain *d)
{
    if ( is_hvm_domain(d) && hvm_funcs.name )
        hvm_funcs.domain_destroy(d);
    domain_cpu_policy_free(d);
}

int arch_vcpu_create(struct vcpu *v)
{
    int rc;

    if ( vcpu_fpu_init(v) )
        return -ENOMEM;
    rc = is_pv_vcpu(v) ? pv_vcpu_create(v) : hvm_vcpu_create(v);
    if ( rc )
        vcpu_fpu_free(v);
    return rc;
}

void arch_vcpu_destroy(struct vcpu *v)
{
    if ( is_hvm_vcpu(v) )
        hvm_funcs.vcpu_destroy(v);
    else
        pv32_vcpu_destroy(v);
    vcpu_fpu_free(v);
}

void context_switch(struct vcpu *prev, struct vcpu *next)
{
    /* Lazily (flushtlb.c): its tables stay, and the vCPU may come back. */
    bool keep_tables = !next && prev && is_pv_vcpu(prev) &&
                       !prev->domain->arch.pv.is_32bit;

    local_irq_disable();
    perfc_incr(context_switch);
    if ( prev )
    {
        if ( is_pv_vcpu(prev) )
            pv_ctxt_switch_from(prev);
        else
            hvm_funcs.ctxt_switch_from(prev);
        if ( keep_tables )
            flush_idle_keeping_tables(prev);
        /*
         * Another CPU may load prev as soon as this store is seen, so
         * everything saved above must be visible first.
         */
        __atomic_store_n(&prev->is_running, false, __ATOMIC_RELEASE);
        sched_context_saved(prev);
    }
    get_cpu_info()->current_vcpu = next;
    if ( !next )
    {
        perfc_incr(to_idle);
        clts();
        load_guest_gdt(NULL, 0);
        load_guest_ldt(NULL, 0);
        if ( !keep_tables )
        {
            write_cr3(virt_to_maddr(idle_pg_table));
            flush_idle_tables_loaded();
        }
        reset_stack_and_jump(startup_cpu_idle_loop);
    }
    /*
     * The scheduler moved it here, timers and all, and marked it running
     * when it chose it.
     */
    ASSERT(next->processor == smp_processor_id() && next->is_running);
    if ( is_pv_vcpu(next) )
    {
        pv_ctxt_switch_to(next);
        reset_stack_and_jump(return_to_guest);
    }
    /* Its host page tables are whatever is loaded: not a guest's. */
    flush_drop_kept_tables();
    hvm_funcs.ctxt_switch_to(next);
    reset_stack_and_jump(hvm_funcs.run);
}

/* Frames a walk visits between checks for work waiting on this CPU. */
#define FRAMES_PER_PREEMPT_CHECK 1024

/*
 * Calls drop() once for every frame on d's list, holding a general
 * reference on it meanwhile.  A put in drop() may free other frames of the
 * list (a table's last type reference going drops what its entries held,
 * and frames the guest gave back live only by those), so the walk never
 * keeps a pointer across it: each step takes the first frame and rotates
 * it to the tail, under the lock.  Frames only leave the list while d is
 * dying, and none join it, so as many steps as it had frames visit each
 * remaining one at least once.  *steps counts down what is left, so that
 * a preempted walk (-ERESTART) goes on where it stopped.
 */
static int for_each_frame(struct domain *d, void (*drop)(struct page_info *),
                          unsigned long *steps, bool preemptible)
{
    /* Never before the first step: each call makes progress. */
    for ( unsigned long done = 0; *steps; done++ )
    {
        struct page_info *pg;
        bool held;

        if ( preemptible && done && !(done % FRAMES_PER_PREEMPT_CHECK) &&
             hypercall_preempt_check() )
            return -ERESTART;
        --*steps;
        spin_lock(&d->page_alloc_lock);
        if ( !(pg = page_list_first(&d->page_list)) )
        {
            spin_unlock(&d->page_alloc_lock);
            *steps = 0;
            break;
        }
        page_list_del(pg, &d->page_list);
        page_list_add_tail(pg, &d->page_list);
        /* A frame at count zero is on its way out (waiting for the lock). */
        held = get_page(pg, d);
        spin_unlock(&d->page_alloc_lock);
        if ( !held )
            continue;
        drop(pg);
        put_page(pg);
    }
    return 0;
}

static unsigned long frames_held(struct domain *d)
{
    unsigned long n;

    spin_lock(&d->page_alloc_lock);
    n = d->tot_pages;
    spin_unlock(&d->page_alloc_lock);
    return n;
}

/* A pin, or a validation that stopped partway, holds the frame itself. */
static void drop_pin(struct page_info *pg)
{
    if ( __atomic_fetch_and(&pg->u.inuse.type_info, ~PGT_pinned,
                            __ATOMIC_SEQ_CST) &
         PGT_pinned )
        put_page_and_type(pg);
    pv_drop_partial(pg);
}

/*
 * Drops what the domain's PV state holds on its frames: first each vCPU's
 * installed page tables and stopped teardown, then
 * (arch_domain_relinquish_frames()) every pin and stopped validation and
 * the allocation reference of every frame, after which each frame
 * returns to the heap with its last user.
 * Type references only ever point from a table to one a level below, so
 * once no vCPU and no pin holds a table, every table of d lets go of what
 * its entries held, and no frame of d keeps another alive.
 */
void arch_domain_relinquish(struct domain *d)
{
    /*
     * Its vCPUs are off every CPU: after one flush (global entries too),
     * no CPU holds a translation the domain's own tables made, so its
     * frames may go back to the heap without a flush each.
     */
    flush_tlb_mask(&cpu_online_map);
    d->tlb_clean = true;
    pirq_domain_destroy(d);

    for ( unsigned int i = 0; i < d->max_vcpus; i++ )
    {
        struct vcpu *v = d->vcpu[i];

        if ( !v )
            continue;
        kill_timer(&v->singleshot_timer);
        kill_timer(&v->periodic_timer);
        if ( is_pv_vcpu(v) )
            pv_vcpu_relinquish(v);
    }
}

/*
 * Then, frame by frame, every pin and every allocation reference; a large
 * domain has millions of frames, so this part is preemptible, in two
 * passes whose progress lives in d->arch.
 */
int arch_domain_relinquish_frames(struct domain *d, bool preemptible)
{
    struct arch_domain *a = &d->arch;
    int rc;

    switch ( a->relinquish_pass )
    {
    case RELINQUISH_START:
        a->relinquish_steps = frames_held(d);
        a->relinquish_pass = RELINQUISH_PINS;
        /* fall through */
    case RELINQUISH_PINS:
        rc = for_each_frame(d, drop_pin, &a->relinquish_steps, preemptible);
        if ( rc )
            return rc;
        a->relinquish_steps = frames_held(d);
        a->relinquish_pass = RELINQUISH_REFS;
        /* fall through */
    case RELINQUISH_REFS:
        rc = for_each_frame(d, put_page_alloc_ref, &a->relinquish_steps,
                            preemptible);
        if ( rc )
            return rc;
        a->relinquish_pass = RELINQUISH_DONE;
        /* fall through */
    case RELINQUISH_DONE:
        break;
    }
    return 0;
}
