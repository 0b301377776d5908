/* SPDX-License-Identifier: GPL-2.0-only */
/* Each vCPU's FPU, SSE and AVX state, saved and restored on every switch. */
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <asm/cpufeature.h>
#include <asm/domain.h>
#include <asm/fpu.h>
#include <asm/processor.h>

/*
 * Eager switching: the state goes out and in with every context switch,
 * with XSAVE (every component in XCR0) where the CPU has it, else FXSAVE.
 * The hypervisor itself never touches these registers (it is built with
 * -mgeneral-regs-only), so nothing else needs saving.
 */
#define FXSAVE_SIZE   512
#define XSAVE_HDR_END 576 /* legacy area plus the XSAVE header */

static unsigned int fpu_area_size(void)
{
    struct cpuid_regs r;

    if ( !boot_cpu_data.xcr0 )
        return FXSAVE_SIZE;
    /*
     * ECX: the size for every component the CPU has, whatever XCR0 says
     * now (EBX would follow the XCR0 of the guest that happens to run).
     */
    cpuid_count(0xd, 0, &r);
    return max(r.ecx, (uint32_t)XSAVE_HDR_END);
}

/*
 * A fresh vCPU starts as after FNINIT with exceptions masked, and with
 * XCR0 at x87 and SSE, as Xen starts one: a kernel that wants AVX says so
 * with XSETBV (pv/emul-priv-op.c).
 */
int vcpu_fpu_init(struct vcpu *v)
{
    unsigned int size = fpu_area_size();
    uint8_t *area = alloc_xenheap_pages(get_order_from_bytes(size), 0);

    if ( !area )
        return -1;
    memset(area, 0, size);
    *(uint16_t *)area = 0x37f;         /* FCW: all x87 exceptions masked */
    *(uint32_t *)(area + 24) = 0x1f80; /* MXCSR: all SSE ones masked */
    v->arch.fpu_area = area;
    v->arch.xcr0 = boot_cpu_data.xcr0 & (XSTATE_FP | XSTATE_SSE);
    return 0;
}

void vcpu_fpu_free(struct vcpu *v)
{
    if ( v->arch.fpu_area )
        free_xenheap_pages(v->arch.fpu_area,
                           get_order_from_bytes(fpu_area_size()));
}

/*
 * XSAVE and XRSTOR act only on the components enabled in XCR0 at the
 * time, and a guest may have turned some off (XSETBV of x87 alone
 * leaves SSE off, yet its XMM registers still work): both run with the
 * hypervisor's XCR0, so that every component we manage travels with its
 * vCPU and none is left behind for the next one to read.  While v runs,
 * the CPU's XCR0 is v's own (fpu_restore(), XSETBV emulation).
 */
static void xcr0_full(const struct vcpu *v)
{
    if ( v->arch.xcr0 != boot_cpu_data.xcr0 )
        xsetbv(0, boot_cpu_data.xcr0);
}

void fpu_save(struct vcpu *v)
{
    uint64_t mask = boot_cpu_data.xcr0;

    clts(); /* the guest's TS must not turn our save into #NM */
    if ( mask )
    {
        xcr0_full(v);
        __asm__ __volatile__("xsave64 %0"
                             : "=m"(
                                 *(uint8_t(*)[XSAVE_HDR_END])v->arch.fpu_area)
                             : "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32))
                             : "memory");
    }
    else
        __asm__ __volatile__(
            "fxsave64 %0"
            : "=m"(*(uint8_t(*)[FXSAVE_SIZE])v->arch.fpu_area));
}

/*
 * Loads v's state with every component (see xcr0_full(): the CPU may be
 * at any XCR0 here, so it is set in full first), then v's own XCR0, then
 * CR0.TS as v's kernel last asked (fpu_taskswitch).
 */
void fpu_restore(struct vcpu *v)
{
    uint64_t mask = boot_cpu_data.xcr0;

    clts();
    if ( mask )
    {
        xsetbv(0, mask);
        __asm__ __volatile__(
            "xrstor64 %0"
            :
            : "m"(*(uint8_t(*)[XSAVE_HDR_END])v->arch.fpu_area),
              "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)));
        if ( v->arch.xcr0 != mask )
            xsetbv(0, v->arch.xcr0);
    }
    else
        __asm__ __volatile__(
            "fxrstor64 %0"
            :
            : "m"(*(uint8_t(*)[FXSAVE_SIZE])v->arch.fpu_area));
    if ( v->arch.pv.fpu_ts )
        stts();
}
