/* SPDX-License-Identifier: GPL-2.0-only */
/* Basic types, memory layout and CPU helpers used all over mini-os. */

#ifndef MINIOS_OS_H
#define MINIOS_OS_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>
#include <public/xen.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))
#define PFN_UP(x)  (((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)

/* VIRT_BASE, the kernel's page-table entries and the levels of this width. */
#include <arch/os.h>

#define __pa(va) ((unsigned long)(va) - VIRT_BASE)
#define __va(pa) ((void *)((unsigned long)(pa) + VIRT_BASE))
#define virt_to_pfn(va) (__pa(va) >> PAGE_SHIFT)
#define pfn_to_virt(pfn) __va((unsigned long)(pfn) << PAGE_SHIFT)

/* Page-table entry bits (64-bit and PAE entries alike). */
#define _PAGE_PRESENT  0x001UL
#define _PAGE_RW       0x002UL
#define _PAGE_USER     0x004UL
#define _PAGE_ACCESSED 0x020UL
#define _PAGE_DIRTY    0x040UL
#define _PAGE_PSE      0x080UL
#define _PAGE_GLOBAL   0x100UL
#define PTE_ADDR_MASK  ((uint64_t)0x000ffffffffff000ULL)
#define PT_ENTRIES 512
#define BITS_PER_LONG (8 * sizeof(long))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define __aligned(n) __attribute__((aligned(n)))
#define __noreturn __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __used __attribute__((used))

#define barrier() asm volatile ( "" ::: "memory" )
#define mb()  asm volatile ( "mfence" ::: "memory" )
#define rmb() barrier()
#define wmb() barrier()
#define ACCESS_ONCE(x) (*(volatile typeof(x) *)&(x))

static inline void set_bit(unsigned int nr, volatile unsigned long *addr)
{
    asm volatile ( "lock bts" LONG_SUFFIX " %1, %0" : "+m" (*addr)
                   : "Ir" ((long)nr)
                   : "memory" );
}

static inline void clear_bit(unsigned int nr, volatile unsigned long *addr)
{
    asm volatile ( "lock btr" LONG_SUFFIX " %1, %0" : "+m" (*addr)
                   : "Ir" ((long)nr)
                   : "memory" );
}

static inline bool test_bit(unsigned int nr,
                            const volatile unsigned long *addr)
{
    return (addr[nr / BITS_PER_LONG] >> (nr % BITS_PER_LONG)) & 1;
}

static inline unsigned long xchg_ulong(volatile unsigned long *p,
                                       unsigned long v)
{
    asm volatile ( "xchg %0, %1" : "+r" (v), "+m" (*p) :: "memory" );
    return v;
}

/* The stack pointer where this is inlined. */
static inline unsigned long read_sp(void)
{
    unsigned long sp;

    asm volatile ( "mov %%" SP_REG ", %0" : "=r" (sp) );
    return sp;
}

static inline unsigned int first_set_bit(unsigned long x)
{
    return __builtin_ctzl(x);
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    asm volatile ( "rdtsc" : "=a" (lo), "=d" (hi) );
    return ((uint64_t)hi << 32) | lo;
}

extern start_info_t *start_info;
extern shared_info_t *shared_info;
extern unsigned long *phys_to_machine;  /* start_info->mfn_list */

static inline unsigned long pfn_to_mfn(unsigned long pfn)
{
    return phys_to_machine[pfn];
}

static inline unsigned long mfn_to_pfn(unsigned long mfn)
{
    return machine_to_phys_mapping[mfn];
}

static inline uint64_t virt_to_mach(const void *va)
{
    return ((uint64_t)pfn_to_mfn(virt_to_pfn(va)) << PAGE_SHIFT) |
           ((unsigned long)va & ~PAGE_MASK);
}

static inline unsigned long virt_to_mfn(const void *va)
{
    return pfn_to_mfn(virt_to_pfn(va));
}

/*
 * vcpu 0's vcpu_info: first in shared_info, wherever it is after
 * VCPUOP_register_vcpu_info.  Its event mask is our interrupt flag.
 */
extern vcpu_info_t *vcpu0_info;

static inline vcpu_info_t *this_vcpu(void)
{
    return vcpu0_info;
}

static inline unsigned long irq_save(void)
{
    unsigned long old = this_vcpu()->evtchn_upcall_mask;

    this_vcpu()->evtchn_upcall_mask = 1;
    barrier();
    return old;
}

void force_evtchn_callback(void);

static inline void irq_restore(unsigned long old)
{
    barrier();
    this_vcpu()->evtchn_upcall_mask = old;
    barrier();
    /* Unmasking does not make Xen look: ask for anything already pending. */
    if ( !old && this_vcpu()->evtchn_upcall_pending )
        force_evtchn_callback();
}

#define local_irq_disable() ((void)irq_save())
#define local_irq_enable() irq_restore(0)

#endif /* MINIOS_OS_H */
