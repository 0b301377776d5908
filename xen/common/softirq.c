/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-CPU pending masks of deferred work, drained by do_softirq(). */
#include <xen/lib.h>
#include <xen/percpu.h>
#include <xen/softirq.h>
#include <asm/current.h>
#include <xen/perfc.h>
#include <asm/smp.h>

static softirq_handler_t softirq_handlers[NR_SOFTIRQS];
static DEFINE_PER_CPU(unsigned long, softirq_mask);

void open_softirq(unsigned int nr, softirq_handler_t handler)
{
    ASSERT(nr < NR_SOFTIRQS);
    softirq_handlers[nr] = handler;
}

void raise_softirq(unsigned int nr)
{
    __atomic_fetch_or(&this_cpu(softirq_mask), 1UL << nr, __ATOMIC_RELAXED);
}

void cpu_raise_softirq(unsigned int cpu, unsigned int nr)
{
    unsigned long old = __atomic_fetch_or(&per_cpu(softirq_mask, cpu),
                                          1UL << nr, __ATOMIC_SEQ_CST);

    /* Only the first raiser needs to interrupt the target. */
    if ( cpu != smp_processor_id() && !(old & (1UL << nr)) )
    {
        perfc_incr(softirq_ipi);
        send_event_check_ipi(cpu);
    }
}

bool __hot_path softirq_pending(unsigned int cpu)
{
    return __atomic_load_n(&per_cpu(softirq_mask, cpu), __ATOMIC_RELAXED) != 0;
}

void do_softirq(void)
{
    unsigned int cpu = smp_processor_id();
    unsigned long pending;

    /* Take the whole mask at once; handlers may raise more. */
    while ( (pending = __atomic_exchange_n(&per_cpu(softirq_mask, cpu), 0,
                                           __ATOMIC_ACQUIRE)) )
        for ( unsigned int nr = 0; nr < NR_SOFTIRQS; nr++ )
            if ( (pending & (1UL << nr)) && softirq_handlers[nr] )
                softirq_handlers[nr]();
}
