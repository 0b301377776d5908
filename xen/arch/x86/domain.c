/* SPDX-License-Identifier: GPL-2.0-only */
/* Switching a CPU between the idle loop and PV vCPUs; PV domain teardown. */
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
#include <asm/irq.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv/mm.h>
#include <asm/pv/descriptor-tables.h>
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
    __asm__ __volatile__ ( "mov %0, %%rsp; jmp *%1"
                           : : "r" (&get_cpu_info()->guest_cpu_user_regs),
                               "r" (fn) : "memory" );
    __builtin_unreachable();
}

/*
 * The GS base of the guest's current mode is the live one (MSR_GS_BASE),
 * the other mode's waits in MSR_SHADOW_GS_BASE, as swapgs would leave them.
 */
static void save_guest_state(struct vcpu *v)
{
    struct arch_vcpu *a = v->arch;
    uint64_t gs = rdmsr(MSR_GS_BASE), shadow = rdmsr(MSR_SHADOW_GS_BASE);
    bool kernel = a->flags & VGCF_in_kernel;

    a->user_regs = get_cpu_info()->guest_cpu_user_regs;
    /* The data selectors are the guest's own: nothing entering saved them. */
    __asm__ __volatile__ ( "mov %%ds, %0" : "=r" (a->user_regs.ds) );
    __asm__ __volatile__ ( "mov %%es, %0" : "=r" (a->user_regs.es) );
    __asm__ __volatile__ ( "mov %%fs, %0" : "=r" (a->user_regs.fs) );
    __asm__ __volatile__ ( "mov %%gs, %0" : "=r" (a->user_regs.gs) );
    a->fs_base = rdmsr(MSR_FS_BASE);
    a->gs_base_kernel = kernel ? gs : shadow;
    a->gs_base_user = kernel ? shadow : gs;
    fpu_save(v);
    pv_save_debugregs(v);
}

/*
 * The runstate and time areas are written through the hypervisor's own
 * mapping of their frames, whichever page tables are loaded.
 */
static void update_guest_areas(struct vcpu *v, bool with_time)
{
    update_runstate_area(v);
    if ( with_time )
        update_time_area(v);
}

/*
 * Guests may mark pages global, and those TLB entries would outlive the
 * CR3 switch: flush them too, so no vCPU sees another's translations.
 */
static void load_root(struct vcpu *v)
{
    unsigned long cr4 = read_cr4();

    flush_guest_tables_loading();
    write_cr3(mfn_to_maddr(pv_guest_root(v)));
    if ( cr4 & X86_CR4_PGE )
    {
        write_cr4(cr4 & ~X86_CR4_PGE);
        write_cr4(cr4);
    }
}

/*
 * The selectors go in after the GDT and LDT they index, and before the
 * bases: loading FS or GS sets its base from the descriptor.  One that no
 * longer loads (the guest changed its GDT meanwhile) goes to the failsafe
 * callback once everything else is in place.
 */
static void load_guest_state(struct vcpu *v)
{
    struct arch_vcpu *a = v->arch;
    bool kernel = a->flags & VGCF_in_kernel;
    const uint16_t sel[4] = { a->user_regs.ds, a->user_regs.es,
                              a->user_regs.fs, a->user_regs.gs };
    bool loaded;

    get_cpu_info()->guest_cpu_user_regs = a->user_regs;
    load_root(v);
    load_guest_gdt(a->gdt_frames, DIV_ROUND_UP(a->gdt_ents, 512));
    load_guest_ldt(a->ldt_frames, a->ldt_ents);
    /*
     * An LDT page unused since the guest's last SET_LDT is mapped before
     * its selector loads, with interrupts on (taking its type may flush
     * other CPUs), as Xen would map it from the fault.
     */
    for ( unsigned int i = 0; i < ARRAY_SIZE(sel); i++ )
        if ( pv_ldt_selector_unmapped(v, sel[i]) )
        {
            local_irq_enable();
            pv_map_ldt_selector(v, sel[i]);
            local_irq_disable();
        }
    /* Each is loaded, or nulled, whatever became of the others. */
    loaded = pv_load_ds(sel[0]);
    loaded &= pv_load_es(sel[1]);
    loaded &= pv_load_fs(sel[2]);
    loaded &= pv_load_gs(sel[3]);
    wrmsr(MSR_FS_BASE, a->fs_base);
    wrmsr(MSR_GS_BASE, kernel ? a->gs_base_kernel : a->gs_base_user);
    wrmsr(MSR_SHADOW_GS_BASE, kernel ? a->gs_base_user : a->gs_base_kernel);
    fpu_restore(v);
    pv_load_debugregs(v);
    update_vcpu_system_time(v);
    update_guest_areas(v, true);
    if ( !loaded )
        pv_failsafe_callback(v, sel);
}

void context_switch(struct vcpu *prev, struct vcpu *next)
{
    local_irq_disable();
    if ( prev )
    {
        /* Its runstate copy goes now, before another CPU can load it. */
        update_guest_areas(prev, false);
        save_guest_state(prev);
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
        clts();
        load_guest_gdt(NULL, 0);
        load_guest_ldt(NULL, 0);
        write_cr3(virt_to_maddr(idle_pg_table));
        flush_idle_tables_loaded();
        reset_stack_and_jump(startup_cpu_idle_loop);
    }
    /*
     * The scheduler moved it here, timers and all, and marked it running
     * when it chose it.
     */
    ASSERT(next->processor == smp_processor_id() && next->is_running);
    load_guest_state(next);
    reset_stack_and_jump(return_to_guest);
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
                            __ATOMIC_SEQ_CST) & PGT_pinned )
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
    domain_cpu_policy_free(d);
    pirq_domain_destroy(d);

    for ( unsigned int i = 0; i < d->max_vcpus; i++ )
    {
        struct vcpu *v = d->vcpu[i];

        if ( !v )
            continue;
        kill_timer(&v->singleshot_timer);
        kill_timer(&v->periodic_timer);
        pv_destroy_gdt(v);
        pv_destroy_ldt(v);
        /* A teardown stopped partway goes on, to the end. */
        BUG_ON(pv_put_old_guest_table(v, false));
        for ( unsigned int user = 0; user < 2; user++ )
        {
            mfn_t *slot = user ? &v->arch->guest_table_user
                               : &v->arch->guest_table;

            if ( mfn_valid(*slot) )
                put_page_and_type(mfn_to_page(*slot));
            *slot = INVALID_MFN;
        }
    }
}

/*
 * Then, frame by frame, every pin and every allocation reference; a large
 * domain has millions of frames, so this part is preemptible, in two
 * passes whose progress lives in d->arch.
 */
int arch_domain_relinquish_frames(struct domain *d, bool preemptible)
{
    struct arch_domain *a = d->arch;
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
