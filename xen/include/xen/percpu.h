/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-CPU variables: each CPU's copy lives in that CPU's own area. */
#ifndef XEN_PERCPU_H
#define XEN_PERCPU_H

#include <xen/compiler.h>
#include <asm/current.h>

/*
 * DEFINE_PER_CPU(type, name) (optionally static) gives every CPU its own
 * zero-initialised copy; per_cpu(name, cpu) is CPU cpu's, this_cpu(name)
 * the running CPU's.  A CPU's variables sit together in its area, so one
 * CPU's hot data shares no cache line with another's.
 */
#ifdef HOST_TEST
/* Host tests link without xen.lds.S: an array per variable there. */
#define DEFINE_PER_CPU(type, name) __typeof__(type) per_cpu__##name[NR_CPUS]
#define DECLARE_PER_CPU(type, name)                                           \
    extern __typeof__(type) per_cpu__##name[NR_CPUS]
#define per_cpu(name, cpu) (per_cpu__##name[cpu])
#else
/*
 * The section is CPU 0's area; xen.lds.S lays out NR_CPUS of them back to
 * back in .bss (zeroed by head.S), so CPU n's copy is n areas further on.
 * The hypervisor keeps nothing in GS (a guest's base may be live), hence
 * an offset computed from the CPU number rather than a segment base.
 */
extern char __per_cpu_start[], __per_cpu_end[];
#define DEFINE_PER_CPU(type, name)                                            \
    __section(".bss.percpu") __typeof__(type) per_cpu__##name
#define DECLARE_PER_CPU(type, name) extern __typeof__(type) per_cpu__##name
/* The asm hides the address from the compiler: it is not past the object. */
#define per_cpu(name, cpu)                                                    \
    (*({                                                                      \
        unsigned long p_ = (unsigned long)&per_cpu__##name;                   \
        __asm__("" : "+r"(p_));                                               \
        (__typeof__(&per_cpu__##name))(p_ + (unsigned long)(cpu) *            \
                                                (__per_cpu_end -              \
                                                 __per_cpu_start));           \
    }))
#endif

#define this_cpu(name) per_cpu(name, smp_processor_id())

#endif /* XEN_PERCPU_H */
