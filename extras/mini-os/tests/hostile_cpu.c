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
                  "after %u sleeps, xmm%u holds dom0's %lx", n, i / 2,
                  v[i]);
    }
    CHECK_RC(probe_xsetbv(XSTATE_FP | XSTATE_SSE), 0);
}
