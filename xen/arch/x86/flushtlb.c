/* SPDX-License-Identifier: GPL-2.0-only */
/* TLB and cache flushes on sets of CPUs, and reloading a vCPU's CR3. */
#include <xen/compiler.h>
#include <xen/cpumask.h>
#include <xen/perfc.h>
#include <xen/sched.h>
#include <asm/domain.h>
#include <asm/mm.h>
#include <asm/flushtlb.h>
#include <asm/processor.h>
#include <asm/pv/mm.h>
#include <asm/smp.h>
#include <asm/system.h>

mfn_t pv_guest_root(const struct vcpu *v)
{
    /* Ours, slot 0 the guest's L3, in either of its rings. */
    if ( unlikely(v->domain->arch.pv.is_32bit) )
        return v->arch.pv.pv32_l4;
    return v->arch.flags & VGCF_in_kernel ? v->arch.pv.guest_table
                                          : v->arch.pv.guest_table_user;
}

void pv_update_cr3(struct vcpu *v)
{
    mfn_t root = pv_guest_root(v);

    if ( v == current && mfn_valid(root) )
    {
        perfc_incr(cr3_write);
        write_cr3(mfn_to_maddr(root));
    }
}

static void drop_lazy_tables(void);
static bool lazy_here(void);

/* Guests may set _PAGE_GLOBAL, so a CR3 reload alone is not enough. */
static void flush_all_local(void *unused)
{
    unsigned long cr4;

    /* An idle CPU flushes by leaving the guest's tables altogether. */
    if ( lazy_here() )
    {
        drop_lazy_tables();
        return;
    }
    cr4 = read_cr4();

    perfc_incr(flush_all_local);
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
    perfc_incr(flush_one_local);
    if ( lazy_here() )
        drop_lazy_tables();
    else
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

/*
 * Whose translations each CPU of guest_tlb_cpus may hold.  Loading a
 * vCPU's tables from another domain's (or the idle ones) flushes the
 * whole TLB, global entries too (pv/domain.c's load_root()), so a CPU
 * holds only those of the domain it has loaded: tables_of, or TLB_ANY
 * while it switches (the old domain's may still be there).  The pointer
 * is a tag, never followed: a domain freed and another allocated at the
 * same address only costs a flush.  foreign: the domain loaded may have
 * mapped another domain's frames (d->maps_foreign), so it takes part in
 * every flush for a frame, whoever owns it.
 */
#define TLB_ANY ((const struct domain *)1)
static const struct domain *tables_of[NR_CPUS];
static bool foreign[NR_CPUS];

void flush_guest_tables_loading(void)
{
    unsigned int cpu = smp_processor_id();

    __atomic_store_n(&tables_of[cpu], TLB_ANY, __ATOMIC_RELAXED);
    __atomic_store_n(&foreign[cpu], false, __ATOMIC_RELAXED);
    cpumask_set_cpu(cpu, &guest_tlb_cpus);
    /*
     * Seen before the walks through the new tables start, or seen not at
     * all by a flusher that then changed the tables before we walk them
     * (it fences between its change and its look at the mask).
     */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void flush_guest_tables_loaded(const struct domain *d)
{
    unsigned int cpu = smp_processor_id();

    __atomic_store_n(&tables_of[cpu], d, __ATOMIC_RELAXED);
    /* Against flush_note_foreign(): one of us sees the other's store. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if ( __atomic_load_n(&d->maps_foreign, __ATOMIC_RELAXED) )
        __atomic_store_n(&foreign[cpu], true, __ATOMIC_RELAXED);
}

void flush_idle_tables_loaded(void)
{
    unsigned int cpu = smp_processor_id();

    flush_all_local(NULL);
    cpumask_clear_cpu(cpu, &guest_tlb_cpus);
    __atomic_store_n(&tables_of[cpu], NULL, __ATOMIC_RELAXED);
}

/*
 * The lazy switch to idle, as Xen's: a CPU whose 64-bit PV vCPU blocks
 * keeps that vCPU's page tables loaded while it idles, so that the vCPU,
 * woken on it again (the usual case: an interrupt for a guest that idles
 * between interrupts), finds its translations still in the TLB.  Under
 * emulation a TLB refilled from nothing after each wake-up cost more than
 * the rest of the interrupt's path.  The idle CPU stays in guest_tlb_cpus
 * as the domain's, so every flush for the domain still reaches it; the
 * first makes it load the idle tables, so later ones skip it again.
 *
 * The root it keeps lives by the vCPU's own type reference on it: a vCPU
 * replacing its root calls flush_lazy_root() before dropping that
 * reference, which makes every CPU still keeping the root load the idle
 * tables; a dying domain's flush of every CPU (arch_domain_relinquish(),
 * before its vCPUs let go of their roots) does the same.  lazy_root[cpu]
 * is the root's MFN + 1 while the CPU idles on it, else 0.  It is set
 * before the vCPU is seen not running, so a CPU that then runs the vCPU
 * (and may drop the reference) sees it.
 *
 * Only the vCPU that went idle may find its tables still loaded, and only
 * if it has not run anywhere else since: the guest's flushes for it reach
 * the CPU keeping them (its lazy_cpu) only until then, so running on
 * another CPU takes that CPU's reuse away (lazy_vcpu[] NULL).
 */
static unsigned long lazy_root[NR_CPUS];
static struct vcpu *lazy_vcpu[NR_CPUS];

static bool lazy_here(void)
{
    return __atomic_load_n(&lazy_root[smp_processor_id()], __ATOMIC_RELAXED);
}

/* With interrupts off, or in an interrupt handler. */
static void drop_lazy_tables(void)
{
    __atomic_store_n(&lazy_root[smp_processor_id()], 0, __ATOMIC_RELAXED);
    write_cr3(virt_to_maddr(idle_pg_table));
    flush_idle_tables_loaded();
}

void flush_idle_keeping_tables(struct vcpu *v)
{
    unsigned int cpu = smp_processor_id();

    __atomic_store_n(&lazy_vcpu[cpu], v, __ATOMIC_RELAXED);
    __atomic_store_n(&lazy_root[cpu],
                     mfn_x(maddr_to_mfn(read_cr3() & PTE_ADDR_MASK)) + 1,
                     __ATOMIC_RELAXED);
    __atomic_store_n(&v->arch.pv.lazy_cpu, cpu + 1, __ATOMIC_RELAXED);
}

bool flush_reuse_tables(struct vcpu *v)
{
    unsigned int cpu = smp_processor_id();
    unsigned int was = v->arch.pv.lazy_cpu;
    unsigned long kept = __atomic_load_n(&lazy_root[cpu], __ATOMIC_RELAXED);
    struct vcpu *kept_for = __atomic_load_n(&lazy_vcpu[cpu], __ATOMIC_RELAXED);

    __atomic_store_n(&v->arch.pv.lazy_cpu, 0, __ATOMIC_RELAXED);
    if ( was && was - 1 != cpu )
    {
        struct vcpu *expected = v;

        __atomic_compare_exchange_n(&lazy_vcpu[was - 1], &expected, NULL,
                                    false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
    }
    if ( !kept )
        return false;
    __atomic_store_n(&lazy_root[cpu], 0, __ATOMIC_RELAXED);
    return kept == mfn_x(pv_guest_root(v)) + 1 && kept_for == v &&
           __atomic_load_n(&tables_of[cpu], __ATOMIC_RELAXED) == v->domain;
}

void flush_drop_kept_tables(void)
{
    if ( lazy_here() )
        drop_lazy_tables();
}

static void drop_root_local(void *root)
{
    if ( __atomic_load_n(&lazy_root[smp_processor_id()], __ATOMIC_RELAXED) ==
         (unsigned long)root )
        drop_lazy_tables();
}

void flush_lazy_root(mfn_t root)
{
    unsigned long key = mfn_x(root) + 1;
    cpumask_t keeping;
    unsigned int cpu;

    /* The caller runs a vCPU: this CPU keeps nothing. */
    cpumask_clear(&keeping);
    for_each_online_cpu(cpu)
    {
        if ( __atomic_load_n(&lazy_root[cpu], __ATOMIC_RELAXED) == key )
            cpumask_set_cpu(cpu, &keeping);
    }
    if ( !cpumask_empty(&keeping) )
        on_selected_cpus(&keeping, drop_root_local, (void *)key);
}

void flush_note_foreign(struct domain *d)
{
    if ( __atomic_load_n(&d->maps_foreign, __ATOMIC_RELAXED) )
        return;
    __atomic_store_n(&d->maps_foreign, true, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    /* The CPUs that loaded d before they could see the flag. */
    for ( unsigned int cpu = 0; cpu < NR_CPUS; cpu++ )
        if ( __atomic_load_n(&tables_of[cpu], __ATOMIC_RELAXED) == d )
            __atomic_store_n(&foreign[cpu], true, __ATOMIC_RELAXED);
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
    perfc_incr(flush_ipi);
    on_selected_cpus(mask, fn, info);
}

/* Of mask, the CPUs that may have cached what the caller just changed. */
static void guest_tlb_targets(const cpumask_t *mask, cpumask_t *targets)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    cpumask_and(targets, mask, &guest_tlb_cpus);
}

/*
 * The CPUs that may hold a translation made by d's tables or, with
 * frames, by any table that may map a frame of d (d's own, and those of
 * domains that map others' frames); d NULL: by any guest's tables.
 */
static void domain_tlb_targets(const struct domain *d, bool frames,
                               cpumask_t *targets)
{
    cpumask_t guests;
    unsigned int cpu;

    guest_tlb_targets(&cpu_online_map, &guests);
    if ( !d )
    {
        cpumask_copy(targets, &guests);
        return;
    }
    cpumask_clear(targets);
    for_each_cpu(cpu, &guests)
    {
        const struct domain *t = __atomic_load_n(&tables_of[cpu],
                                                 __ATOMIC_RELAXED);

        if ( t == d || t == TLB_ANY ||
             (frames && __atomic_load_n(&foreign[cpu], __ATOMIC_RELAXED)) )
            cpumask_set_cpu(cpu, targets);
    }
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

void flush_tlb_domain(const struct domain *d)
{
    cpumask_t targets;

    domain_tlb_targets(d, false, &targets);
    run_on_mask(&targets, flush_all_local, NULL);
}

void flush_tlb_one_domain(const struct domain *d, unsigned long va)
{
    cpumask_t targets;

    domain_tlb_targets(d, false, &targets);
    run_on_mask(&targets, flush_one_local, (void *)va);
}

void flush_tlb_frames_of(const struct domain *owner)
{
    cpumask_t targets;

    domain_tlb_targets(owner, true, &targets);
    run_on_mask(&targets, flush_all_local, NULL);
}

void flush_cache_mask(const cpumask_t *mask)
{
    run_on_mask(mask, flush_cache_local, NULL);
}
