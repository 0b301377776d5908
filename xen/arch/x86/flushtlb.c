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
    return v->arch->flags & VGCF_in_kernel ? v->arch->guest_table
                                            : v->arch->guest_table_user;
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
    __asm__ __volatile__ ( "wbinvd" ::: "memory" );
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

void flush_tlb_mask(const cpumask_t *mask)
{
    run_on_mask(mask, flush_all_local, NULL);
}

void flush_tlb_one_mask(const cpumask_t *mask, unsigned long va)
{
    run_on_mask(mask, flush_one_local, (void *)va);
}

void flush_cache_mask(const cpumask_t *mask)
{
    run_on_mask(mask, flush_cache_local, NULL);
}
