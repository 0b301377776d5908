/* SPDX-License-Identifier: GPL-2.0-only */
/* 64-bit PV hypercalls: registers, the calling instruction, wide arguments. */

#ifndef MINIOS_ARCH_HYPERCALL_H
#define MINIOS_ARCH_HYPERCALL_H

/*
 * 64-bit PV convention: number in rax, arguments in rdi, rsi, rdx, r10,
 * r8, result in rax.  Xen may clobber the argument registers, and rcx and
 * r11 are lost to syscall, so all of them are outputs here.
 */
#ifdef CONFIG_HYPERCALL_PAGE
extern char hypercall_page[PAGE_SIZE];
#define HYPERCALL_INSN "call hypercall_page + %c[off]"
#else
#define HYPERCALL_INSN "syscall"
#endif

#define _hypercall_insn(insn, nr, a1, a2, a3, a4, a5)                     \
({                                                                        \
    long res_, d1_ = (long)(a1), d2_ = (long)(a2), d3_ = (long)(a3);      \
    register long r10_ asm ( "r10" ) = (long)(a4);                        \
    register long r8_ asm ( "r8" ) = (long)(a5);                          \
    asm volatile ( insn                                                   \
                   : "=a" (res_), "+D" (d1_), "+S" (d2_), "+d" (d3_),     \
                     "+r" (r10_), "+r" (r8_)                              \
                   : "0" ((long)(nr)), [off] "i" ((nr) * 32)              \
                   : "memory", "rcx", "r11" );                            \
    res_;                                                                 \
})

#define _hypercall5(nr, a1, a2, a3, a4, a5) \
    _hypercall_insn(HYPERCALL_INSN, nr, a1, a2, a3, a4, a5)
#define _hypercall4(nr, a1, a2, a3, a4) _hypercall5(nr, a1, a2, a3, a4, 0)
#define _hypercall3(nr, a1, a2, a3) _hypercall5(nr, a1, a2, a3, 0, 0)
#define _hypercall2(nr, a1, a2) _hypercall5(nr, a1, a2, 0, 0, 0)
#define _hypercall1(nr, a1) _hypercall5(nr, a1, 0, 0, 0, 0)
#define _hypercall0(nr) _hypercall5(nr, 0, 0, 0, 0, 0)

/* Always syscall, whatever the build uses (what current Linux does). */
#define hypercall_syscall5(nr, a1, a2, a3, a4, a5) \
    _hypercall_insn("syscall", nr, a1, a2, a3, a4, a5)

static inline long HYPERVISOR_set_callbacks(unsigned long event,
                                            unsigned long failsafe,
                                            unsigned long syscall)
{
    return _hypercall3(__HYPERVISOR_set_callbacks, event, failsafe, syscall);
}

static inline long HYPERVISOR_update_descriptor(uint64_t maddr, uint64_t desc)
{
    return _hypercall2(__HYPERVISOR_update_descriptor, maddr, desc);
}

static inline long HYPERVISOR_update_va_mapping(unsigned long va,
                                                uint64_t pte,
                                                unsigned long flags)
{
    return _hypercall3(__HYPERVISOR_update_va_mapping, va, pte, flags);
}

static inline long HYPERVISOR_update_va_mapping_otherdomain(
    unsigned long va, uint64_t pte, unsigned long flags, domid_t dom)
{
    return _hypercall4(__HYPERVISOR_update_va_mapping_otherdomain, va, pte,
                       flags, dom);
}

static inline long HYPERVISOR_set_timer_op(uint64_t deadline)
{
    return _hypercall1(__HYPERVISOR_set_timer_op, deadline);
}

static inline long HYPERVISOR_set_segment_base(int which, unsigned long base)
{
    return _hypercall2(__HYPERVISOR_set_segment_base, which, base);
}

#endif /* MINIOS_ARCH_HYPERCALL_H */
