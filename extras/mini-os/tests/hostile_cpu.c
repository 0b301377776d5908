/* SPDX-License-Identifier: GPL-2.0-only */
/* Attacks on the CPU state the hypervisor switches: XMM registers, XCR0. */

#include <xenctl.h>
#include "hostile.h"
#include <hypercall.h>
#include <time.h>
#include <traps.h>

#define X86_CR4_OSXSAVE (1UL << 18)
#define XSTATE_FP       (1ULL << 0)
#define XSTATE_SSE      (1ULL << 1)
#define XSTATE_YMM      (1ULL << 2)
#define GP              (1 + 13)

/* What dom0 leaves in its XMM registers: "xmmleak" and the register. */
#define XMM_MAGIC       0x786d6d6c65616b00UL

/* mini-os itself never touches these (-mgeneral-regs-only). */
static void xmm_load(const uint64_t v[32])
{
    asm volatile ( "movdqu 0x00(%0), %%xmm0;  movdqu 0x10(%0), %%xmm1\n\t"
                   "movdqu 0x20(%0), %%xmm2;  movdqu 0x30(%0), %%xmm3\n\t"
                   "movdqu 0x40(%0), %%xmm4;  movdqu 0x50(%0), %%xmm5\n\t"
                   "movdqu 0x60(%0), %%xmm6;  movdqu 0x70(%0), %%xmm7\n\t"
                   "movdqu 0x80(%0), %%xmm8;  movdqu 0x90(%0), %%xmm9\n\t"
                   "movdqu 0xa0(%0), %%xmm10; movdqu 0xb0(%0), %%xmm11\n\t"
                   "movdqu 0xc0(%0), %%xmm12; movdqu 0xd0(%0), %%xmm13\n\t"
                   "movdqu 0xe0(%0), %%xmm14; movdqu 0xf0(%0), %%xmm15"
                   : : "r" (v), "m" (*(const uint64_t (*)[32])v) );
}

static void xmm_store(uint64_t v[32])
{
    asm volatile ( "movdqu %%xmm0,  0x00(%1); movdqu %%xmm1,  0x10(%1)\n\t"
                   "movdqu %%xmm2,  0x20(%1); movdqu %%xmm3,  0x30(%1)\n\t"
                   "movdqu %%xmm4,  0x40(%1); movdqu %%xmm5,  0x50(%1)\n\t"
                   "movdqu %%xmm6,  0x60(%1); movdqu %%xmm7,  0x70(%1)\n\t"
                   "movdqu %%xmm8,  0x80(%1); movdqu %%xmm9,  0x90(%1)\n\t"
                   "movdqu %%xmm10, 0xa0(%1); movdqu %%xmm11, 0xb0(%1)\n\t"
                   "movdqu %%xmm12, 0xc0(%1); movdqu %%xmm13, 0xd0(%1)\n\t"
                   "movdqu %%xmm14, 0xe0(%1); movdqu %%xmm15, 0xf0(%1)"
                   : "=m" (*(uint64_t (*)[32])v) : "r" (v) );
}

/*
 * A vCPU that turned SSE off in XCR0 (x87 only, which Xen allows) still
 * has working XMM registers: whatever the hypervisor restores for it
 * must be its own, never what the previous vCPU on the CPU left there.
 * dom0 fills its registers with a pattern and shares its CPU with the
 * attacker, which looks for the pattern after every sleep.
 */
TEST(cpu, xmm_after_xcr0_x87)
{
    uint64_t v[32];
    long cpu = vcpu_cpu(0, 0);

    CHECK(cpu >= 0, "no CPU for dom0's vCPU 0: %ld", cpu);
    CHECK_RC(vcpu_pin(0, 0, cpu), 0);
    for ( unsigned int i = 0; i < 32; i++ )
        v[i] = XMM_MAGIC | i;
    xmm_load(v);
    run_hostile_on("cpu/xmm_after_xcr0_x87", cpu);
    memset(v, 0, sizeof(v));
    xmm_load(v);
    vcpu_pin(0, 0, -1);
}

HOSTILE_BODY(cpu, xmm_after_xcr0_x87)
{
    uint64_t v[32] = { 0 };
    uint32_t r[4];
    int rc;

    forced_cpuid(1, 0, r);
    if ( !(r[2] & (1u << 26)) )
        SKIP("the CPU has no XSAVE");
    CHECK_RC(probe_write_cr4(X86_CR4_OSXSAVE), 0);
    /* Values the CPU would refuse: x87 off, a reserved bit. */
    CHECK_RC(probe_xsetbv(XSTATE_SSE), GP);
    CHECK_RC(probe_xsetbv(XSTATE_FP | XSTATE_SSE | (1ULL << 63)), GP);
    xmm_load(v);
    rc = probe_xsetbv(XSTATE_FP);
    /* Refused would be safe too: then nothing can be skipped. */
    if ( rc == GP )
        return;
    CHECK_RC(rc, 0);
    for ( unsigned int n = 0; n < 200; n++ )
    {
        msleep(2);              /* dom0 runs on our CPU meanwhile */
        xmm_store(v);
        for ( unsigned int i = 0; i < 32; i++ )
            CHECK((v[i] & ~0xffUL) != XMM_MAGIC,
                  "after %u sleeps, xmm%u holds dom0's %" PRI64 "x", n, i / 2,
                  v[i]);
    }
    CHECK_RC(probe_xsetbv(XSTATE_FP | XSTATE_SSE), 0);
}

/* The upper halves of ymm0-15, 16 bytes each (AVX enabled in XCR0). */
static void ymm_hi_load(const uint64_t v[32])
{
    asm volatile ( "vinsertf128 $1, 0x00(%0), %%ymm0, %%ymm0\n\t"
                   "vinsertf128 $1, 0x10(%0), %%ymm1, %%ymm1\n\t"
                   "vinsertf128 $1, 0x20(%0), %%ymm2, %%ymm2\n\t"
                   "vinsertf128 $1, 0x30(%0), %%ymm3, %%ymm3\n\t"
                   "vinsertf128 $1, 0x40(%0), %%ymm4, %%ymm4\n\t"
                   "vinsertf128 $1, 0x50(%0), %%ymm5, %%ymm5\n\t"
                   "vinsertf128 $1, 0x60(%0), %%ymm6, %%ymm6\n\t"
                   "vinsertf128 $1, 0x70(%0), %%ymm7, %%ymm7\n\t"
                   "vinsertf128 $1, 0x80(%0), %%ymm8, %%ymm8\n\t"
                   "vinsertf128 $1, 0x90(%0), %%ymm9, %%ymm9\n\t"
                   "vinsertf128 $1, 0xa0(%0), %%ymm10, %%ymm10\n\t"
                   "vinsertf128 $1, 0xb0(%0), %%ymm11, %%ymm11\n\t"
                   "vinsertf128 $1, 0xc0(%0), %%ymm12, %%ymm12\n\t"
                   "vinsertf128 $1, 0xd0(%0), %%ymm13, %%ymm13\n\t"
                   "vinsertf128 $1, 0xe0(%0), %%ymm14, %%ymm14\n\t"
                   "vinsertf128 $1, 0xf0(%0), %%ymm15, %%ymm15"
                   : : "r" (v), "m" (*(const uint64_t (*)[32])v) );
}

static void ymm_hi_store(uint64_t v[32])
{
    asm volatile ( "vextractf128 $1, %%ymm0, 0x00(%1)\n\t"
                   "vextractf128 $1, %%ymm1, 0x10(%1)\n\t"
                   "vextractf128 $1, %%ymm2, 0x20(%1)\n\t"
                   "vextractf128 $1, %%ymm3, 0x30(%1)\n\t"
                   "vextractf128 $1, %%ymm4, 0x40(%1)\n\t"
                   "vextractf128 $1, %%ymm5, 0x50(%1)\n\t"
                   "vextractf128 $1, %%ymm6, 0x60(%1)\n\t"
                   "vextractf128 $1, %%ymm7, 0x70(%1)\n\t"
                   "vextractf128 $1, %%ymm8, 0x80(%1)\n\t"
                   "vextractf128 $1, %%ymm9, 0x90(%1)\n\t"
                   "vextractf128 $1, %%ymm10, 0xa0(%1)\n\t"
                   "vextractf128 $1, %%ymm11, 0xb0(%1)\n\t"
                   "vextractf128 $1, %%ymm12, 0xc0(%1)\n\t"
                   "vextractf128 $1, %%ymm13, 0xd0(%1)\n\t"
                   "vextractf128 $1, %%ymm14, 0xe0(%1)\n\t"
                   "vextractf128 $1, %%ymm15, 0xf0(%1)"
                   : "=m" (*(uint64_t (*)[32])v) : "r" (v) );
}

/* XSAVE with AVX state in XCR0's reach: CPUID's AVX and leaf 0xd agree. */
static bool have_avx_state(void)
{
    uint32_t r[4];

    forced_cpuid(1, 0, r);
    if ( !(r[2] & (1u << 26)) || !(r[2] & (1u << 28)) )
        return false;
    forced_cpuid(0xd, 0, r);
    return r[0] & XSTATE_YMM;
}

/*
 * The same for AVX's upper halves: a vCPU running with XCR0 at x87 and
 * SSE (every vCPU starts so) that turns AVX on must find its own upper
 * halves (zero), not those dom0 left on the CPU.
 */
TEST(cpu, ymm_after_xcr0_adds_avx)
{
    uint64_t v[32];
    long cpu = vcpu_cpu(0, 0);

    if ( !have_avx_state() )
        SKIP("no AVX state for XSAVE");
    CHECK(cpu >= 0, "no CPU for dom0's vCPU 0: %ld", cpu);
    CHECK_RC(probe_write_cr4(X86_CR4_OSXSAVE), 0);
    CHECK_RC(probe_xsetbv(XSTATE_FP | XSTATE_SSE | XSTATE_YMM), 0);
    CHECK_RC(vcpu_pin(0, 0, cpu), 0);
    for ( unsigned int i = 0; i < 32; i++ )
        v[i] = XMM_MAGIC | 0x80 | i;
    ymm_hi_load(v);
    run_hostile_on("cpu/ymm_after_xcr0_adds_avx", cpu);
    asm volatile ( "vzeroall" );
    vcpu_pin(0, 0, -1);
    CHECK_RC(probe_xsetbv(XSTATE_FP | XSTATE_SSE), 0);
}

HOSTILE_BODY(cpu, ymm_after_xcr0_adds_avx)
{
    uint64_t v[32];

    if ( !have_avx_state() )
        SKIP("no AVX state for XSAVE");
    CHECK_RC(probe_write_cr4(X86_CR4_OSXSAVE), 0);
    for ( unsigned int n = 0; n < 100; n++ )
    {
        msleep(2);              /* dom0 runs on our CPU meanwhile */
        CHECK_RC(probe_xsetbv(XSTATE_FP | XSTATE_SSE | XSTATE_YMM), 0);
        ymm_hi_store(v);
        CHECK_RC(probe_xsetbv(XSTATE_FP | XSTATE_SSE), 0);
        for ( unsigned int i = 0; i < 32; i++ )
            CHECK((v[i] & ~0xffUL) != XMM_MAGIC,
                  "after %u sleeps, ymm%u holds dom0's %" PRI64 "x", n, i / 2,
                  v[i]);
    }
}

/*
 * A vCPU that used AVX and then turns it off in XCR0 keeps AVX state in
 * its saved image: restoring that image under its own XCR0 would make
 * XRSTOR fault in the hypervisor.  It must simply go on running.
 */
HOSTILE(cpu, avx_off_after_use)
{
    uint64_t v[32];

    if ( !have_avx_state() )
        SKIP("no AVX state for XSAVE");
    CHECK_RC(probe_write_cr4(X86_CR4_OSXSAVE), 0);
    CHECK_RC(probe_xsetbv(XSTATE_FP | XSTATE_SSE | XSTATE_YMM), 0);
    for ( unsigned int i = 0; i < 32; i++ )
        v[i] = XMM_MAGIC | 0x40 | i;
    ymm_hi_load(v);
    msleep(5);                  /* saved with AVX state in use */
    CHECK_RC(probe_xsetbv(XSTATE_FP | XSTATE_SSE), 0);
    for ( unsigned int n = 0; n < 20; n++ )
        msleep(2);              /* each time restored under x87 and SSE */
    CHECK_RC(probe_xsetbv(XSTATE_FP | XSTATE_SSE | XSTATE_YMM), 0);
    asm volatile ( "vzeroall" );
    CHECK_RC(probe_xsetbv(XSTATE_FP | XSTATE_SSE), 0);
}
