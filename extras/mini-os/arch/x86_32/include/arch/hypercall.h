/* SPDX-License-Identifier: GPL-2.0-only */
/* 32-bit PV hypercalls: registers, the stub call, 64-bit values split. */

#ifndef MINIOS_ARCH_HYPERCALL_H
#define MINIOS_ARCH_HYPERCALL_H

/*
 * 32-bit PV convention: number in eax, arguments in ebx, ecx, edx, esi,
 * edi, result in eax, through the hypercall page's int $0x82 stubs (the
 * only way in: this build always has the page).  Xen may clobber the
 * argument registers, so all of them are outputs here; ebp, the sixth,
 * is saved around the call (GCC may not be told it is clobbered).
 */
#ifndef CONFIG_HYPERCALL_PAGE
#error "the x86_32 build makes every hypercall through the hypercall page"
#endif
extern char hypercall_page[PAGE_SIZE];

#define _hypercall5(nr, a1, a2, a3, a4, a5)                               \
({                                                                        \
    long res_, b_ = (long)(a1), c_ = (long)(a2), d_ = (long)(a3);         \
    long s_ = (long)(a4), di_ = (long)(a5);                               \
    asm volatile ( "push %%ebp; call hypercall_page + %c[off]; pop %%ebp" \
                   : "=a" (res_), "+b" (b_), "+c" (c_), "+d" (d_),        \
                     "+S" (s_), "+D" (di_)                                \
                   : "0" ((long)(nr)), [off] "i" ((nr) * 32)              \
                   : "memory" );                                          \
    res_;                                                                 \
})
#define _hypercall4(nr, a1, a2, a3, a4) _hypercall5(nr, a1, a2, a3, a4, 0)
#define _hypercall3(nr, a1, a2, a3) _hypercall5(nr, a1, a2, a3, 0, 0)
#define _hypercall2(nr, a1, a2) _hypercall5(nr, a1, a2, 0, 0, 0)
#define _hypercall1(nr, a1) _hypercall5(nr, a1, 0, 0, 0, 0)
#define _hypercall0(nr) _hypercall5(nr, 0, 0, 0, 0, 0)

/* A 64-bit value as two argument registers, low half first. */
#define LO32(v) ((uint32_t)(uint64_t)(v))
#define HI32(v) ((uint32_t)((uint64_t)(v) >> 32))

/* Event and failsafe entry points as ring-1 cs:eip pairs. */
static inline long HYPERVISOR_set_callbacks(unsigned long event_cs,
                                            unsigned long event,
                                            unsigned long failsafe_cs,
                                            unsigned long failsafe)
{
    return _hypercall4(__HYPERVISOR_set_callbacks, event_cs, event,
                       failsafe_cs, failsafe);
}

static inline long HYPERVISOR_update_descriptor(uint64_t maddr, uint64_t desc)
{
    return _hypercall4(__HYPERVISOR_update_descriptor, LO32(maddr),
                       HI32(maddr), LO32(desc), HI32(desc));
}

/* The PAE entry goes as its two 32-bit halves. */
static inline long HYPERVISOR_update_va_mapping(unsigned long va,
                                                uint64_t pte,
                                                unsigned long flags)
{
    return _hypercall4(__HYPERVISOR_update_va_mapping, va, LO32(pte),
                       HI32(pte), flags);
}

static inline long HYPERVISOR_update_va_mapping_otherdomain(
    unsigned long va, uint64_t pte, unsigned long flags, domid_t dom)
{
    return _hypercall5(__HYPERVISOR_update_va_mapping_otherdomain, va,
                       LO32(pte), HI32(pte), flags, dom);
}

static inline long HYPERVISOR_set_timer_op(uint64_t deadline)
{
    return _hypercall2(__HYPERVISOR_set_timer_op, LO32(deadline),
                       HI32(deadline));
}

#endif /* MINIOS_ARCH_HYPERCALL_H */
