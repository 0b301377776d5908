/* SPDX-License-Identifier: GPL-2.0-only */
/* TLB and cache flushes on sets of CPUs, and reloading a vCPU's CR3. */
#include <xen/cpumask.h>
#include <xen/sched.h>
#include <asm/domain.h>
#include <asm/flushtlb.h>
#include <asm/processor.h>
#include <asm/pv/mm.h>
#include <asm/smp.h>
#include <asm/system.h>

mfn_t pv_guest_root(const struct vcpu *v)
{
    return v->arch.flags & VGCF_in_kernel ? v->arch.pv.guest_table
                                          : v->arch.pv.guest_table_user;
}

void pv_update_cr3(struct vcpu *v)
{
    mfn_t root = pv_guest_root(v);

    if ( v == current && mfn_valid(root) )
        write_cr3(mfn_to_maddr(root));
}

/* Guests may set _PAGE_GLOBAL, so a CR3 reload alone is not enough. */
static void flush_all_local(void *unused)
{
    unsigned long cr4 = read_cr4();

    if ( cr4 & X86_CR4_PGE )
    {
        write_cr4(cr4 & ~X86_CR4_PGE);
        write_cr4(cr4);
    }
    else
        flush_tlb_local();
}

static void flush_one_local(void *va)
{
    invlpg(va);
}

static void flush_cache_local(void *unused)
{
    __asm__ __volatile__("wbinvd" ::: "memory");
}

/*
 * The CPUs that may hold translations a guest's page tables made: a CPU
 * joins before it loads a guest's CR3 and leaves once it is back on the
 * idle page tables with all of its TLB flushed.  Every flush here is of
 * guest translations (the hypervisor's own mappings never change), so
 * the CPUs outside it need none: no IPI, and no wait for an idle CPU to
 * wake up and answer, which under emulation is most of a flush's cost.
 */
static cpumask_t guest_tlb_cpus;

void flush_guest_tables_loading(void)
{
    cpumask_set_cpu(smp_processor_id(), &guest_tlb_cpus);
    /*
     * Seen before the walks through the new tables start, or seen not at
     * all by a flusher that then changed the tables before we walk them
     * (it fences between its change and its look at the mask).
     */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void flush_idle_tables_loaded(void)
{
    flush_all_local(NULL);
    cpumask_clear_cpu(smp_processor_id(), &guest_tlb_cpus);
}

/* Just this CPU needs no IPI, and works with interrupts off. */
static void run_on_mask(const cpumask_t *mask, void (*fn)(void *), void *info)
{
    cpumask_t others;

    cpumask_copy(&others, mask);
    cpumask_clear_cpu(smp_processor_id(), &others);
    if ( cpumask_empty(&others) )
    {
        if ( cpumask_test_cpu(smp_processor_id(), mask) )
            fn(info);
        return;
    }
    on_selected_cpus(mask, fn, info);
}

/* Of mask, the CPUs that may have cached what the caller just changed. */
static void guest_tlb_targets(const cpumask_t *mask, cpumask_t *targets)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    cpumask_and(targets, mask, &guest_tlb_cpus);
}

void flush_tlb_mask(const cpumask_t *mask)
{
    cpumask_t targets;

    guest_tlb_targets(mask, &targets);
    run_on_mask(&targets, flush_all_local, NULL);
}

void flush_tlb_one_mask(const cpumask_t *mask, unsigned long va)
{
    cpumask_t targets;

    guest_tlb_targets(mask, &targets);
    run_on_mask(&targets, flush_one_local, (void *)va);
}

void flush_cache_mask(const cpumask_t *mask)
{
    run_on_mask(mask, flush_cache_local, NULL);
}
