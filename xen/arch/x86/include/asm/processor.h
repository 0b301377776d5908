/* SPDX-License-Identifier: GPL-2.0-only */
/* CPUID, control registers, MSRs and other instruction wrappers. */
#ifndef ASM_X86_PROCESSOR_H
#define ASM_X86_PROCESSOR_H

#include <xen/types.h>
#include <asm/system.h>

#define X86_CR0_PE (1UL << 0)
#define X86_CR0_MP (1UL << 1)
#define X86_CR0_EM (1UL << 2)
#define X86_CR0_TS (1UL << 3)
#define X86_CR0_NE (1UL << 5)
#define X86_CR0_WP (1UL << 16)
#define X86_CR0_AM (1UL << 18)
#define X86_CR0_PG (1UL << 31)

#define X86_CR4_PAE        (1UL << 5)
#define X86_CR4_PGE        (1UL << 7)
#define X86_CR4_OSFXSR     (1UL << 9)
#define X86_CR4_OSXMMEXCPT (1UL << 10)
#define X86_CR4_FSGSBASE   (1UL << 16)
#define X86_CR4_OSXSAVE    (1UL << 18)
#define X86_CR4_SMEP       (1UL << 20)
#define X86_CR4_SMAP       (1UL << 21)

#define X86_EFLAGS_CF   (1UL << 0)
#define X86_EFLAGS_PF   (1UL << 2)
#define X86_EFLAGS_ZF   (1UL << 6)
#define X86_EFLAGS_SF   (1UL << 7)
#define X86_EFLAGS_TF   (1UL << 8)
#define X86_EFLAGS_DF   (1UL << 10)
#define X86_EFLAGS_IOPL (3UL << 12)
#define X86_EFLAGS_OF   (1UL << 11)
#define X86_EFLAGS_NT   (1UL << 14)
#define X86_EFLAGS_RF   (1UL << 16)
#define X86_EFLAGS_VM   (1UL << 17)
#define X86_EFLAGS_AC   (1UL << 18)

#define MSR_EFER           0xc0000080
#define EFER_SCE           (1UL << 0)
#define EFER_LME           (1UL << 8)
#define EFER_NXE           (1UL << 11)
#define EFER_SVME          (1UL << 12)
#define MSR_STAR           0xc0000081
#define MSR_LSTAR          0xc0000082
#define MSR_CSTAR          0xc0000083
#define MSR_SFMASK         0xc0000084
#define MSR_FS_BASE        0xc0000100
#define MSR_GS_BASE        0xc0000101
#define MSR_SHADOW_GS_BASE 0xc0000102
#define MSR_APIC_BASE      0x0000001b
#define MSR_TSC_DEADLINE   0x000006e0

struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

static inline void cpuid_count(uint32_t leaf, uint32_t sub,
                               struct cpuid_regs *r)
{
    __asm__ __volatile__("cpuid"
                         : "=a"(r->eax), "=b"(r->ebx), "=c"(r->ecx),
                           "=d"(r->edx)
                         : "a"(leaf), "c"(sub));
}

static inline void cpuid(uint32_t leaf, struct cpuid_regs *r)
{
    cpuid_count(leaf, 0, r);
}

#define DEFINE_CR_ACCESSORS(n)                                                \
    static inline unsigned long read_cr##n(void)                              \
    {                                                                         \
        unsigned long v;                                                      \
        __asm__ __volatile__("mov %%cr" #n ", %0" : "=r"(v));                 \
        return v;                                                             \
    }                                                                         \
    static inline void write_cr##n(unsigned long v)                           \
    {                                                                         \
        __asm__ __volatile__("mov %0, %%cr" #n : : "r"(v) : "memory");        \
    }
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    __asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ __volatile__("wrmsr"
                         :
                         : "c"(msr), "a"((uint32_t)v),
                           "d"((uint32_t)(v >> 32)));
}

#define read_segment(seg)                                                     \
    ({                                                                        \
        uint16_t sel_;                                                        \
        __asm__ __volatile__("mov %%" #seg ", %0" : "=r"(sel_));              \
        sel_;                                                                 \
    })

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline void halt(void)
{
    __asm__ __volatile__("hlt" ::: "memory");
}

static inline void flush_tlb_local(void)
{
    write_cr3(read_cr3());
}

static inline void invlpg(const void *va)
{
    __asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory");
}

/* Loads an extended control register (XCR0: the XSAVE components). */
static inline void xsetbv(uint32_t index, uint64_t value)
{
    __asm__ __volatile__("xsetbv"
                         :
                         : "c"(index), "a"((uint32_t)value),
                           "d"((uint32_t)(value >> 32)));
}

#ifndef __ASSEMBLY__
/*
 * SMEP and SMAP off only while a 32-bit PV guest runs (cpu.c): whether
 * this CPU's vCPU is one, and the exit's CR4 write, last thing before
 * the IRETQ, with interrupts off.
 */
extern unsigned long pv32_cr4_mask;
void cpu_pv32_running(bool pv32);
#endif

#endif /* ASM_X86_PROCESSOR_H */
